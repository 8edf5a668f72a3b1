"""The manifest skeleton written by ``synthgate init``."""

SKELETON = """\
# For completion in editors, run 'synthgate schema manifest > manifest.schema.json' once;
# the next line points the YAML language server at it.
# yaml-language-server: $schema=manifest.schema.json
#
# A synthgate manifest: where every part of a dataset came from.
# Replace each 'unknown' you can; a fact left 'unknown' is never assumed to be human-made.
# Audit it with: synthgate audit synthgate.yaml     (fields: synthgate schema manifest)

dataset:
  name: my-dataset                # required
  version: "1.0"
  task_type: unknown              # e.g. code-generation, math-word-problems, sentiment-analysis
                                  # (list: synthgate rules --taxonomy)
  stage: unknown                  # pretrain | sft | preference | eval
  languages: [en]
  resource_level: unknown         # high | medium | low
  target_models: []               # models trained on (or, for eval, evaluated with) this data:
                                  #   - {name: my-model-7b, family: my-model}
  replaces_previous_version: unknown   # true if human data of the last version was dropped

splits:
  - name: train
    sources:
      - id: human-seed            # unique within the manifest
        origin: human             # human | synthetic | mixed | unknown
        records: unknown          # number of examples
      - id: generated
        origin: synthetic
        records: unknown
        method: llm               # llm | template | machine-translation | back-translation | ...
        generator:
          name: unknown           # the generating model, e.g. gpt-4o-2024-08-06
          family: unknown         # e.g. gpt-4, llama-3, claude-3
          provider: unknown
        generation_depth: unknown # 1 = generator trained on human data only
        derived_from: [human-seed]
        verification:
          method: unknown         # unit-tests | execution | exact-answer | model-verifier | none
          items_checked: unknown
          items_passed: unknown
        human_audit:
          items: unknown          # synthetic items checked by people
          error_rate: unknown
"""

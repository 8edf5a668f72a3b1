"""The manifest skeleton written by ``synthgate init``."""

SKELETON = """\
# The next line gives editors (the YAML language server) the manifest's schema, for completion
# and checking; offline, write it with 'synthgate schema manifest > manifest.schema.json' and
# point the line at that file instead.
# yaml-language-server: $schema=https://raw.githubusercontent.com/synthgate/synthgate/main/schemas/manifest.schema.json
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
  targeted_benchmarks: []         # benchmarks the trained model is evaluated on, e.g. [mbpp-plus]
  contamination:                  # overlap of the training data with those benchmarks
    method: unknown               # e.g. 13-gram overlap
    eval_sets: []
    flagged_share: unknown        # share of training items flagged as overlapping (0 to 1)
    generator_saw_eval_items: unknown   # true if the generator was shown evaluation items

splits:
  - name: train
    sources:
      - id: human-seed            # unique within the manifest
        origin: human             # human | synthetic | mixed | unknown
                                  # (mixed: give the synthetic part as synthetic_share: 0.3)
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
        filtering:
          generated: unknown      # items generated before filtering
          kept: unknown           # items kept
          methods: []             # e.g. [unit-tests, minhash-dedup]
        diversity:
          near_duplicate_rate: unknown   # share of near-duplicate pairs (0 to 1)
        decoding:
          strategy: unknown       # greedy | sampling | beam | ...
        human_audit:
          items: unknown          # synthetic items checked by people
          error_rate: unknown
        label_validation:         # subjective tasks: labels checked against people's labels
          items: unknown
          kappa: unknown
          agreement: unknown
          annotators: unknown
"""

"""Meta-tests over the shipped default pack: complete rule cards, and no way around a rule by
leaving a fact undeclared."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from synthgate import builtin_policy
from synthgate.audit import Audit
from synthgate.documents import parse_text, read_document
from synthgate.evaluate import evaluate
from synthgate.models import UNKNOWN, Manifest, ManifestResult, Policy, Rule
from synthgate.plugins import load_plugins
from synthgate.validation import validate_model

# Selector keys that restrict a dataset-level fact of the manifest, and the fact each restricts.
# 'verifiability' comes from the task type: it is 'unknown' exactly when no task type is given.
RESTRICTED_FACTS = {
    "stages": "stage",
    "verifiability": "task_type",
    "task_types": "task_type",
    "resource_levels": "resource_level",
}

# Rules that may skip an undeclared fact because another rule holds such datasets to a stricter
# standard instead: (rule, fact) -> the rule that selects 'unknown' for that fact.
FALLBACKS = {
    # Low-resource languages get SG501's 2:1 ratio instead of SG103's floor of human data;
    # a dataset that does not declare its resource level is held to SG103's floor.
    ("SG501", "resource_level"): "SG103",
}


@cache
def default_pack() -> Policy:
    path = Path(str(builtin_policy("default")))
    return Policy.model_validate(read_document(path).data)


def rules() -> list[Rule]:
    return default_pack().rules


def rule(code: str) -> Rule:
    return next(r for r in rules() if r.code == code)


def by_code(test_rules: list[Rule]) -> list[object]:
    return [pytest.param(r, id=r.code) for r in test_rules]


# --------------------------------------------------------------------------- rule cards


@pytest.mark.parametrize("card", by_code(rules()))
def test_every_rule_explains_itself(card: Rule) -> None:
    assert card.summary.strip()
    assert card.rationale.strip(), f"{card.code} has no rationale"
    assert card.remediation.strip(), f"{card.code} has no remediation"
    assert card.basis is not None, f"{card.code} does not say where its thresholds come from"


@pytest.mark.parametrize("card", by_code(rules()))
def test_every_rule_cites_a_reference_unless_it_is_a_judgment_call(card: Rule) -> None:
    assert card.basis is not None
    if card.basis.kind != "judgment":
        assert card.references, f"{card.code} ({card.basis.kind}) cites no reference"


@pytest.mark.parametrize("card", by_code(rules()))
def test_every_remediation_is_something_a_user_can_do_today(card: Rule) -> None:
    # Waivers do not exist yet: no rule may send a user to them.
    assert "waiver" not in card.remediation.lower()


def test_codes_are_unique_and_in_the_sg_families() -> None:
    codes = [r.code for r in rules()]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"SG[1-9][0-9]{2}", code), code


def test_names_are_unique_kebab_case() -> None:
    names = [r.name for r in rules()]
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name


# --------------------------------------------------------------------------- undeclared facts


def required_dataset_facts() -> set[str]:
    """Dataset facts that an unconditional, enabled ``required`` rule asks every dataset for."""
    facts: set[str] = set()
    for card in rules():
        selector = card.applies
        unconditional = all(
            getattr(selector, key) is None for key in (*RESTRICTED_FACTS, "origins", "splits")
        )
        if (
            card.check.get("kind") == "required"
            and card.severity != "off"
            and selector.scope == "dataset"
            and unconditional
        ):
            facts.update(card.check["facts"])
    return facts


def gaps() -> set[tuple[str, str]]:
    """(rule, fact) where an undeclared fact makes the rule skip the dataset, unnoticed."""
    required = required_dataset_facts()
    found: set[tuple[str, str]] = set()
    for card in rules():
        for key, fact in RESTRICTED_FACTS.items():
            allowed = getattr(card.applies, key)
            if allowed is None or UNKNOWN in allowed or fact in required:
                continue
            found.add((card.code, fact))
    return found


def test_task_type_and_stage_are_required_of_every_dataset() -> None:
    assert {"task_type", "stage"} <= required_dataset_facts()
    sg105 = rule("SG105")
    assert sg105.name == "task-and-stage-declared"
    assert sg105.check == {"kind": "required", "facts": ["task_type", "stage"], "verdict": "warn"}


def test_no_rule_is_skipped_for_a_fact_that_is_left_undeclared() -> None:
    """A rule that selects datasets by a fact either selects 'unknown' too, or a required rule
    asks for the fact (or a documented fallback rule covers the undeclared case)."""
    assert gaps() <= set(FALLBACKS), "a rule can be dodged by leaving a fact out"


@pytest.mark.parametrize(("gap", "fallback"), FALLBACKS.items(), ids=lambda v: str(v))
def test_each_fallback_is_needed_and_covers_the_unknown_case(
    gap: tuple[str, str], fallback: str
) -> None:
    assert gap in gaps(), f"{gap} is covered now: remove it from FALLBACKS"
    key = next(k for k, fact in RESTRICTED_FACTS.items() if fact == gap[1])
    allowed = getattr(rule(fallback).applies, key)
    assert allowed is not None
    assert UNKNOWN in allowed
    assert rule(fallback).severity != "off"


# --------------------------------------------------------------------------- end to end


@cache
def audit() -> Audit:
    return Audit.create(host=load_plugins(builtin_only=True))


def findings(text: str) -> dict[str, str]:
    """Rule code -> verdict for a manifest audited with the default pack."""
    doc = parse_text(text, "probe.synthgate.yaml")
    manifest = validate_model(Manifest, doc.data, doc)
    result = evaluate(manifest, doc, audit().policy, audit().context, keep_passes=True)
    assert isinstance(result, ManifestResult)
    return {finding.rule: finding.verdict for finding in result.findings}


SELF_GENERATED_EVAL = """\
dataset:
  name: closed-loop
  task_type: question-answering
{stage}  target_models: [{{name: gpt-4o, family: gpt-4}}]
splits:
  - name: test
    sources:
      - id: generated
        origin: synthetic
        records: 100
        generator: {{name: gpt-4o, family: gpt-4}}
        generation_depth: 1
"""


def test_a_self_generated_eval_set_that_omits_its_stage_does_not_pass() -> None:
    declared = findings(SELF_GENERATED_EVAL.format(stage="  stage: eval\n"))
    undeclared = findings(SELF_GENERATED_EVAL.format(stage=""))
    assert declared["SG401"] == undeclared["SG401"] == "fail"
    assert (declared["SG105"], undeclared["SG105"]) == ("pass", "warn")


def test_an_eval_set_of_undeclared_origin_does_not_pass_independence() -> None:
    text = """\
dataset:
  name: scraped-eval
  task_type: question-answering
  stage: eval
  target_models: [{name: gpt-4o, family: gpt-4}]
splits:
  - name: test
    sources: [{id: scraped, records: 100}]
"""
    assert findings(text)["SG401"] == "warn"

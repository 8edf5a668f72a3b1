"""The clinical rules on inline manifests, audited in-process with synthgate.testing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import synthgate_clinical
from synthgate_clinical.checks import PrivacyEvidenceParams

from synthgate import PolicyError, UsageError
from synthgate.plugin import CheckContext, CheckKind, Outcome, ScopeView, hookimpl
from synthgate.testing import AuditRun

Audit = Callable[..., AuditRun]
Register = Callable[..., object]

EVIDENCE = """Notes written by the model from the real ones.
reidentification-test: membership inference, auc=0.53
privacy-review: DPO-2025-014
"""


def manifest(description: str | None = EVIDENCE, task_type: str = "clinical-notes") -> Any:
    """A small clinical manifest: human notes and one synthetic source with ``description``."""
    synthetic: dict[str, Any] = {
        "id": "model-notes",
        "origin": "synthetic",
        "records": 200,
        "generator": {"name": "qwen2.5-72b-instruct", "family": "qwen-2.5"},
        "generation_depth": 1,
    }
    if description is not None:
        synthetic["description"] = description
    return {
        "dataset": {"name": "ward-notes", "task_type": task_type, "stage": "sft"},
        "splits": [
            {
                "name": "train",
                "sources": [{"id": "real-notes", "origin": "human", "records": 1000}, synthetic],
            }
        ],
    }


def test_recorded_evidence_passes(synthgate_audit: Audit) -> None:
    run = synthgate_audit(manifest(), policy="clinical")
    assert (run.verdict("CL101"), run.verdict("reidentification-risk")) == ("pass", "pass")


def test_a_missing_review_fails_and_points_at_the_description(synthgate_audit: Audit) -> None:
    text = "reidentification-test: membership inference, auc=0.5\n"
    run = synthgate_audit(manifest(text), policy="clinical")
    (finding,) = run.findings_of("CL101")
    assert finding.verdict == "fail"
    assert finding.message == "source 'model-notes' records no privacy-review"
    assert finding.location.pointer == "/splits/0/sources/1/description"
    assert finding.observed == {"missing": ["privacy-review"]}


def test_the_metric_is_the_worst_attack_over_the_scope(synthgate_audit: Audit) -> None:
    policy = {
        "name": "worst-split",
        "version": "1",
        "extends": ["clinical"],
        "rules": [
            {
                "code": "WS001",
                "name": "split-reidentification-risk",
                "summary": "The worst attack on a split stays low.",
                "applies": {"scope": "split"},
                "check": {
                    "kind": "threshold",
                    "metric": "reidentification_auc",
                    "fail": {"above": 0.55},
                },
            }
        ],
    }
    data = manifest()
    second = dict(data["splits"][0]["sources"][1], id="more-notes")
    second["description"] = "reidentification-test: linkage, auc=0.58\nprivacy-review: R-2\n"
    data["splits"][0]["sources"].append(second)
    run = synthgate_audit(data, policy=policy)
    (finding,) = run.findings_of("WS001")
    assert (finding.verdict, finding.observed) == ("fail", 0.58)


def test_a_pack_extending_clinical_can_tighten_the_check(synthgate_audit: Audit) -> None:
    policy = {
        "name": "ward-7",
        "version": "1",
        "extends": ["clinical"],
        "overrides": {"CL101": {"check": {"require": ["privacy-review"]}, "severity": "warn"}},
    }
    text = "privacy-review: DPO-2025-014\n"
    assert synthgate_audit(manifest(text), policy=policy).verdict("CL101") == "pass"
    assert synthgate_audit(manifest(None), policy=policy).verdict("CL101") == "warn"


def test_a_misspelt_parameter_is_a_policy_error(synthgate_audit: Audit) -> None:
    policy = {
        "name": "typo",
        "version": "1",
        "extends": ["clinical"],
        "overrides": {"CL101": {"check": {"requires": ["privacy-review"]}}},
    }
    with pytest.raises(PolicyError, match="requires"):
        synthgate_audit(manifest(), policy=policy)


def test_the_parameters_default_to_both_facts() -> None:
    assert PrivacyEvidenceParams().require == ["reidentification-test", "privacy-review"]


class _Crashing:
    """A plugin whose check kind always raises."""

    @hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        def run(scope: ScopeView, params: Any, context: CheckContext) -> Iterator[Outcome]:
            raise RuntimeError("this check is broken")

        return [CheckKind("broken", "Raises.", PrivacyEvidenceParams, run)]


def test_a_crashing_plugin_beside_clinical_leaves_its_rules_alone(
    synthgate_audit: Audit, synthgate_plugin: Register
) -> None:
    synthgate_plugin(_Crashing(), name="broken-plugin")
    policy = {
        "name": "with-broken",
        "version": "1",
        "extends": ["clinical"],
        "rules": [
            {
                "code": "BR001",
                "name": "broken-rule",
                "summary": "Crashes.",
                "applies": {"scope": "source", "origins": ["synthetic"]},
                "check": {"kind": "broken"},
            }
        ],
    }
    run = synthgate_audit(manifest(), policy=policy)
    assert run.verdict("BR001") == "error"
    (crashed,) = run.findings_of("BR001")
    assert "broken-plugin" in crashed.message
    assert (run.verdict("CL101"), run.verdict("CL102")) == ("pass", "pass")


class _SecondCopy:
    """Registers the same check kind as the installed plugin, as a second plugin would."""

    synthgate_register_check_kinds = staticmethod(synthgate_clinical.synthgate_register_check_kinds)


def test_registering_the_plugin_twice_is_an_error_naming_both(
    synthgate_audit: Audit, synthgate_plugin: Register
) -> None:
    synthgate_plugin(_SecondCopy(), name="clinical-again")
    with pytest.raises(UsageError) as caught:
        synthgate_audit(manifest(), policy="clinical")
    assert "registered by two plugins" in caught.value.message
    assert "clinical (synthgate-clinical " in caught.value.message
    assert "clinical-again (clinical-again 0)" in caught.value.message


def test_every_clinical_rule_explains_itself_and_has_cases(synthgate_cases: Any) -> None:
    from pathlib import Path

    results = synthgate_cases(Path(__file__).with_name("clinical.cases.yaml"))
    assert results
    assert all(result.ok for result in results), [r.explain() for r in results if not r.ok]
    verdicts: dict[str, set[str]] = {}
    for result in results:
        for code, verdict in result.verdicts.items():
            verdicts.setdefault(code, set()).add(verdict)
    policy = results[0].policy
    assert policy.startswith("clinical ")
    clinical = {code: seen for code, seen in verdicts.items() if code.startswith("CL")}
    assert set(clinical) == {"CL101", "CL102"}
    for code, seen in clinical.items():
        assert {"pass", "fail"} <= seen, f"{code} lacks a passing or a failing case"


def test_every_clinical_rule_has_its_rationale_remediation_and_references(
    synthgate_audit: Audit,
) -> None:
    rules = [c.rule for c in synthgate_audit(manifest(), policy="clinical").policy.rules]
    clinical = [rule for rule in rules if rule.code.startswith("CL")]
    assert [rule.code for rule in clinical] == ["CL101", "CL102"]
    for rule in clinical:
        assert rule.summary
        assert rule.rationale
        assert rule.remediation
        assert rule.references

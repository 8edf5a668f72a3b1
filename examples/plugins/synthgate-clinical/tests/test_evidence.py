"""Reading evidence lines from a description."""

from __future__ import annotations

import pytest
from synthgate_clinical.evidence import read_evidence

GOOD = """Summaries written by the model.
reidentification-test: membership inference, auc=0.52
Privacy-Review:  DPO-2025-014
"""


def test_both_lines_are_read_and_prose_is_left_alone() -> None:
    evidence = read_evidence(GOOD)
    assert evidence.facts == {
        "reidentification-test": "membership inference, auc=0.52",
        "privacy-review": "DPO-2025-014",
    }
    assert evidence.attack_auc == 0.52
    assert evidence.problems == ()


@pytest.mark.parametrize("description", [None, "", "Only prose.\nnotes: not evidence"])
def test_no_evidence(description: str | None) -> None:
    evidence = read_evidence(description)
    assert (evidence.facts, evidence.attack_auc, evidence.problems) == ({}, None, ())
    assert not evidence.has("privacy-review")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("reidentification-test: done", "gives no attack AUC"),
        ("reidentification-test: auc=1.5", "gives an AUC outside 0..1"),
        ("reidentification-test: auc=0.5.1", "gives no attack AUC"),
        ("privacy-review:", "names nothing"),
        ("privacy-review: A\nprivacy-review: B", "recorded twice"),
    ],
)
def test_an_unreadable_line_is_a_problem_never_a_fact(line: str, problem: str) -> None:
    evidence = read_evidence(line)
    (found,) = evidence.problems
    assert problem in found
    assert evidence.attack_auc is None or evidence.has("privacy-review")

"""Every outcome of every check-kind case, in full, against golden files.

The case files (``tests/fixtures/policies/checks/*.yaml``) state a verdict and the words that
matter for each case; the golden files (``tests/fixtures/golden/checks/``) hold the whole
outcome, so a changed ``expected`` text, a lost pointer or an observed value that becomes
another type is noticed too. Outcomes are what reports show: their wording is an output
format. ``SYNTHGATE_UPDATE_GOLDEN=1`` rewrites the files (never in CI); review the diff.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from synthgate.checks import CheckKind, Outcome
from synthgate_plugins.checks import CHECK_KINDS

from ..reports.builders import check_golden
from ..scopes import check_context, scope_at
from .cases import CASES_DIR

KINDS = {kind.name: kind for kind in CHECK_KINDS}


def outcome_data(outcome: Outcome) -> dict[str, Any]:
    """An outcome as plain data, every field of it."""
    return {
        "verdict": outcome.verdict,
        "observed": outcome.observed,
        "expected": outcome.expected,
        "message": outcome.message,
        "pointer": outcome.pointer,
    }


def run_all(kind: CheckKind, raw_cases: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each case's outcomes, by case id."""
    found = {}
    for raw in raw_cases:
        scope = scope_at(raw["manifest"], raw.get("scope", "dataset"))
        params = kind.params.model_validate(raw["params"])
        outcomes = kind.run(scope, params, check_context())
        found[raw["id"]] = [outcome_data(o) for o in outcomes]
    return found


def _cases(name: str) -> list[dict[str, Any]]:
    from synthgate.documents import read_document

    cases: list[dict[str, Any]] = read_document(CASES_DIR / f"{name}.yaml").data["cases"]
    return cases


@pytest.mark.parametrize("name", sorted(p.stem for p in CASES_DIR.glob("*.yaml")))
def test_every_outcome_of_the_case_file_matches_its_golden_file(name: str) -> None:
    found = run_all(KINDS[name], _cases(name))
    text = json.dumps(found, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    check_golden(f"checks/{name}.json", text)

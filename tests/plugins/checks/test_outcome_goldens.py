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

from synthgate.check_contract import CheckKind, Outcome
from synthgate_plugins.checks import CHECK_KINDS
from synthgate_plugins.checks.terms import TERMS, TermsParams

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


def _table(test: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """(id, arguments) of each row of a test's ``parametrize`` table."""
    [mark] = [m for m in test.pytestmark if m.name == "parametrize"]
    rows = mark.args[1]
    return list(zip(mark.kwargs["ids"], rows, strict=True))


def _terms() -> dict[str, list[dict[str, Any]]]:
    from . import test_terms

    found = {}
    for case_id, (generator, use, *_) in _table(test_terms.test_verdicts):
        found[case_id] = [outcome_data(o) for o in test_terms.run(generator, use)]
    # A source without a generator, then one with: the first is skipped, the second judged.
    data: dict[str, Any] = {
        "dataset": {
            "name": "probe",
            "target_models": [{"name": "acme-8b", "family": "acme"}],
            "intended_use": {"competing_model": True},
        },
        "splits": [
            {
                "name": "train",
                "sources": [
                    {"id": "h", "origin": "human", "records": 1},
                    {"id": "anon", "origin": "synthetic", "records": 1},
                    {
                        "id": "s",
                        "origin": "synthetic",
                        "records": 1,
                        "generator": test_terms.gen("a-1", "a-labs"),
                    },
                    {
                        "id": "t",
                        "origin": "synthetic",
                        "records": 1,
                        "generator": test_terms.gen("o-1", "open"),
                    },
                ],
            }
        ],
    }
    params = TermsParams.model_validate({"checked": "2025-09-15", "terms": test_terms.TERMS_DATA})
    outcomes = TERMS.run(scope_at(data, "dataset"), params, check_context())
    found["a-source-without-generator-is-skipped"] = [outcome_data(o) for o in outcomes]
    only_human = {
        **data,
        "splits": [{"name": "train", "sources": data["splits"][0]["sources"][:2]}],
    }
    outcomes = TERMS.run(scope_at(only_human, "dataset"), params, check_context())
    found["no-generator-at-all"] = [outcome_data(o) for o in outcomes]
    return found


def _evaluation() -> dict[str, list[dict[str, Any]]]:
    from . import test_evaluation

    found = {}
    for case_id, (dataset, *_) in _table(test_evaluation.test_verdicts):
        found[case_id] = [outcome_data(test_evaluation.run(**dataset))]
    extra: dict[str, dict[str, Any]] = {
        "judge-unnamed-and-no-human-evaluation": {"human_evaluation": {"items": 0}},
        "judge-and-zero-human-items": {
            "judge": test_evaluation.JUDGE,
            "human_evaluation": {"items": 0},
        },
        "few-items-under-a-lower-bar": {"human_evaluation": {"items": 60, "blinded": True}},
        "two-benchmarks": {"targeted_benchmarks": ["gsm8k", "humaneval"]},
    }
    for case_id, dataset in extra.items():
        params = {"human_items": 50} if "lower-bar" in case_id else None
        found[case_id] = [outcome_data(test_evaluation.run(params, **dataset))]
    return found


def _self_training() -> dict[str, list[dict[str, Any]]]:
    from . import test_self_training as st

    found = {}
    for case_id, (source, *_) in _table(st.test_verdicts):
        found[case_id] = [outcome_data(o) for o in st.run(source)]
    found["two-self-generated-sources-and-a-checked-one"] = [
        outcome_data(o)
        for o in st.run(
            st.generated("acme-7b", "acme"),
            st.generated("acme-70b", "acme", **st.verified("unit-tests")),
            st.generated("acme-13b", "acme", **st.verified("model-verifier")),
            {"id": "h", "origin": "human", "records": 1},
        )
    ]
    found["targets-undeclared"] = [outcome_data(o) for o in st.run(st.generated("x"), targets=[])]
    found["human-only"] = [outcome_data(o) for o in st.run({"id": "h", "origin": "human"})]
    return found


SCENARIOS = {"terms": _terms, "evaluation-present": _evaluation, "self-training": _self_training}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_outcome_of_the_kinds_own_tables_matches_its_golden_file(name: str) -> None:
    text = json.dumps(SCENARIOS[name](), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    check_golden(f"checks/{name}.json", text)


# Parameters each check kind accepts (its defaults, where it has them), for load-time checks.
PARAMS: dict[str, dict[str, Any]] = {
    "threshold": {"metric": "records", "fail": {"above": 1}},
    "required": {"facts": ["origin"]},
    "generator-independence": {},
    "json-schema": {"schema": {}},
    "fact": {"fact": "name", "allowed": ["x"]},
    "self-training": {},
    "evaluation-present": {},
    "terms": {
        "checked": "2025-09-15",
        "terms": [{"title": "T", "version": "1", "restriction": "none", "providers": ["x"]}],
    },
    "measured": {"metric": "records"},
    "inferred-confirmed": {},
}


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_what_each_kind_refuses_at_load_time_on_each_scope(name: str) -> None:
    from synthgate.check_contract import PolicyContext

    from ..scopes import host

    kind = KINDS[name]
    params = kind.params.model_validate(PARAMS[name])
    problems = {}
    for scope in ("dataset", "split", "source"):
        context = PolicyContext(host().metrics(), frozenset(), scope)
        problems[scope] = [
            list(p) for p in (kind.validate(params, context) if kind.validate else [])
        ]
    text = json.dumps(problems, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    check_golden(f"checks/{name}.load.json", text)


# Parameters that parse but that a check kind refuses at load time on a source scope.
REFUSED: dict[str, dict[str, Any]] = {
    "self-training": {
        "external_methods": ["unit-tests", "human-reviews"],
        "model_methods": ["unit-tests", "model-verifier", "oracle"],
        "grounded_methods": ["back-translation", "forward-translation"],
    },
    "threshold": {"metric": "record", "fail": {"above": 1}},
    "measured": {"metric": "verified_shares"},
    "fact": {"fact": "generator.nmae", "allowed": ["x"]},
    "required": {"facts": ["origin", "generator.nmae", "records"]},
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_each_kind_says_of_parameters_it_refuses(name: str) -> None:
    from synthgate.check_contract import PolicyContext

    from ..scopes import host

    kind = KINDS[name]
    assert kind.validate is not None
    params = kind.params.model_validate(REFUSED[name])
    context = PolicyContext(host().metrics(), frozenset(), "source")
    problems = [list(p) for p in kind.validate(params, context)]
    text = json.dumps(problems, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    check_golden(f"checks/{name}.refused.json", text)

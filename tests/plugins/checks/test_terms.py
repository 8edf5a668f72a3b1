"""The ``terms`` check kind: provider terms, given as policy parameters, against the intended
use a manifest declares."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from synthgate.check_contract import Outcome, PolicyContext
from synthgate_plugins.checks.terms import TERMS, TermsEntry, TermsParams

from ..scopes import check_context, host, scope_at

TERMS_DATA: list[dict[str, Any]] = [
    {
        "title": "A terms",
        "version": "v1",
        "providers": ["a-labs"],
        "restriction": "competing-models",
    },
    {
        "title": "B licence",
        "version": "2",
        "name_prefixes": ["b-3.1"],
        "restriction": "name-prefix",
        "name_prefix": "b",
    },
    {
        "title": "B2 licence",
        "version": "1",
        "name_prefixes": ["b-2"],
        "restriction": "other-models",
        "allowed_families": ["b-2"],
    },
    {"title": "C terms", "version": "1", "providers": ["c"], "restriction": "passes-through"},
    {"title": "Open", "version": "1", "providers": ["open"], "restriction": "none"},
]


def run(
    generator: dict[str, Any], use: dict[str, Any] | None = None, **params: Any
) -> list[Outcome]:
    dataset: dict[str, Any] = {
        "name": "probe",
        "target_models": [{"name": "acme-8b", "family": "acme"}],
    }
    if use is not None:
        dataset["intended_use"] = use
    data = {
        "dataset": dataset,
        "splits": [
            {
                "name": "train",
                "sources": [
                    {"id": "s", "origin": "synthetic", "records": 1, "generator": generator}
                ],
            }
        ],
    }
    merged = {"checked": "2025-09-15", "terms": TERMS_DATA, **params}
    return list(TERMS.run(scope_at(data, "dataset"), TermsParams(**merged), check_context()))


def gen(name: str, provider: str = "unknown", family: str = "unknown") -> dict[str, str]:
    return {"name": name, "provider": provider, "family": family}


@pytest.mark.parametrize(
    ("generator", "use", "verdict", "text"),
    [
        (gen("a-1", "a-labs"), {"competing_model": False}, "pass", "does not compete"),
        (gen("a-1", "A-Labs"), {"competing_model": True}, "warn", "A terms (v1) forbid"),
        (gen("a-1", "a-labs"), None, "warn", "competing_model is not declared"),
        (gen("b-3.1-70b"), {"distributed": True, "model_name": "B-acme"}, "pass", "begins"),
        (gen("b-3.1-70b"), {"distributed": True, "model_name": "acme"}, "fail", "named 'b...'"),
        (gen("b-3.1-70b"), {"distributed": True}, "warn", "model_name is not declared"),
        (gen("b-3.1-70b"), {"distributed": False}, "pass", "not distributed"),
        (gen("b-3.1-70b"), {}, "warn", "distributed is not declared"),
        (gen("b-2-13b"), {}, "warn", "trained here: acme-8b"),
        (gen("c-1", "c"), {"competing_model": True}, "warn", "pass on to it"),
        (gen("c-1", "c"), {"competing_model": False}, "pass", "does not compete"),
        (gen("o-1", "open"), {"competing_model": True}, "pass", "allow training"),
        (gen("z-1", "zeta"), None, "pass", "no terms of provider 'zeta'"),
        (gen("z-1"), None, "warn", "names no provider"),
    ],
    ids=[
        "competing-declared-false",
        "competing-declared-true",
        "competing-undeclared",
        "prefix-kept",
        "prefix-missing",
        "prefix-name-undeclared",
        "not-distributed",
        "distribution-undeclared",
        "other-model-improved",
        "passes-through",
        "passes-through-not-competing",
        "no-restriction",
        "unlisted-provider",
        "unknown-provider",
    ],
)
def test_verdicts(
    generator: dict[str, Any], use: dict[str, Any] | None, verdict: str, text: str
) -> None:
    (outcome,) = run(generator, use)
    assert outcome.verdict == verdict
    assert text in outcome.message


def test_first_matching_entry_wins_and_is_named_with_its_version() -> None:
    (outcome,) = run(gen("b-3.1-70b", "a-labs"), {"competing_model": True})
    assert outcome.observed["terms"] == "A terms (v1)"


def test_verdicts_are_parameters() -> None:
    (outcome,) = run(gen("a-1", "a-labs"), {"competing_model": True}, competing="fail")
    assert outcome.verdict == "fail"
    (outcome,) = run(gen("z-1", "zeta"), None, unlisted="warn")
    assert outcome.verdict == "warn"


def test_the_expected_text_records_when_the_terms_were_read() -> None:
    (outcome,) = run(gen("a-1", "a-labs"), {"competing_model": False})
    assert "2025-09-15" in outcome.expected


@pytest.mark.parametrize(
    "raw",
    [
        {"title": "x", "version": "1", "restriction": "none"},
        {"title": "x", "version": "1", "providers": ["p"], "restriction": "name-prefix"},
        {"title": "x", "version": "1", "providers": ["p"], "restriction": "forbidden"},
        {"title": "x", "providers": ["p"], "restriction": "none"},
    ],
    ids=["no-matcher", "prefix-without-name-prefix", "unknown-restriction", "no-version"],
)
def test_incomplete_entries_are_policy_errors(raw: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        TermsEntry.model_validate(raw)


def test_terms_and_checked_are_required() -> None:
    with pytest.raises(ValidationError):
        TermsParams.model_validate({"terms": TERMS_DATA})
    with pytest.raises(ValidationError):
        TermsParams.model_validate({"checked": "2025-09-15", "terms": []})


def test_only_the_dataset_scope_is_allowed() -> None:
    assert TERMS.validate is not None
    params = TermsParams(checked="today", terms=TERMS_DATA)  # type: ignore[arg-type]
    split = PolicyContext(host().metrics(), frozenset(), "split")
    dataset = PolicyContext(host().metrics(), frozenset(), "dataset")
    assert [p for p, _ in TERMS.validate(params, split)] == ["terms"]
    assert list(TERMS.validate(params, dataset)) == []

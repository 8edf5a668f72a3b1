"""The ``inferred-confirmed`` check kind: one outcome per inferred fact, at that fact."""

from __future__ import annotations

from typing import Any

import pytest

from synthgate.check_contract import Outcome
from synthgate_plugins.checks.inferred import INFERRED_CONFIRMED, InferredParams

from ..scopes import check_context, manifest, scope_at

EXPECTED = "every fact is declared, none only inferred by an importer"


def _run(data: Any, where: str, **params: Any) -> list[Outcome]:
    scope = scope_at(data, where)
    return list(INFERRED_CONFIRMED.run(scope, InferredParams(**params), check_context()))


def _source(**extra: Any) -> dict[str, Any]:
    return {"id": "a", "origin": "human", "records": 10, **extra}


def test_nothing_inferred_passes_once_and_says_so() -> None:
    [outcome] = _run(manifest([_source()]), "dataset")
    assert outcome.verdict == "pass"
    assert outcome.observed == {"inferred": []}
    assert outcome.expected == EXPECTED
    assert outcome.message == "no fact is only inferred"
    assert outcome.pointer is None


def test_each_inferred_fact_is_one_outcome_at_its_pointer_in_name_order() -> None:
    data = manifest(
        [_source(), _source(id="b", inferred={"records": "card: 10 rows", "origin": "card"})],
        inferred={"task_type": "card tags", "license": "card header"},
    )
    outcomes = _run(data, "dataset")
    assert [(o.verdict, o.pointer) for o in outcomes] == [
        ("warn", "/dataset/license"),
        ("warn", "/dataset/task_type"),
        ("warn", "/splits/0/sources/1/origin"),
        ("warn", "/splits/0/sources/1/records"),
    ]
    first = outcomes[0]
    assert first.observed == {"fact": "license", "evidence": "card header"}
    assert first.expected == EXPECTED
    assert first.message == (
        "license was inferred, not declared: card header; confirm it (and remove the "
        "'inferred' entry) or correct it"
    )


@pytest.mark.parametrize("verdict", ["fail", "warn"])
def test_the_verdict_is_the_policys(verdict: str) -> None:
    data = manifest([_source(inferred={"origin": "prose"})])
    [outcome] = _run(data, "dataset", verdict=verdict)
    assert outcome.verdict == verdict


def test_a_split_scope_reports_its_sources_but_not_the_datasets_facts() -> None:
    data = manifest(
        [_source(inferred={"origin": "prose"})],
        [_source(id="z")],
        inferred={"task_type": "tags"},
    )
    assert [o.pointer for o in _run(data, "split/0")] == ["/splits/0/sources/0/origin"]
    [clean] = _run(data, "split/1")
    assert clean.verdict == "pass"


def test_the_default_verdict_is_warn() -> None:
    assert InferredParams().verdict == "warn"

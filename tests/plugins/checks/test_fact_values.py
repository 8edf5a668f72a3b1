"""``fact`` on numbers, flags and dates: ``true`` is not 1, numbers compare as numbers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from synthgate.check_contract import Outcome
from synthgate_plugins.checks._kind_params import show
from synthgate_plugins.checks.fact import FACT, FactParams

from ..scopes import check_context, manifest, scope_at


def _run(where: str, source: dict[str, Any] | None = None, **params: Any) -> Outcome:
    data = manifest(
        [source or {"id": "a", "origin": "human", "records": 10}],
        judge={"name": "j", "family": "f", "position_swap": True},
        released="2025-01-31",
    )
    [outcome] = FACT.run(scope_at(data, where), FactParams(**params), check_context())
    return outcome


@pytest.mark.parametrize(
    ("allowed", "verdict"),
    [([10], "pass"), ([10.0], "pass"), ([11], "fail"), (["10"], "fail"), ([True], "fail")],
)
def test_a_count_compares_as_a_number_never_as_text_or_a_flag(
    allowed: list[Any], verdict: str
) -> None:
    outcome = _run("source/0", fact="records", allowed=allowed, verdict="fail")
    assert outcome.verdict == verdict
    assert outcome.observed == 10
    assert outcome.pointer == "/splits/0/sources/0/records"


@pytest.mark.parametrize(("listed", "same"), [([True], True), ([1], False), (["true"], False)])
def test_a_flag_is_the_same_only_as_the_same_flag(listed: list[Any], same: bool) -> None:
    outcome = _run("dataset", fact="judge.position_swap", forbidden=listed, verdict="fail")
    assert outcome.verdict == ("fail" if same else "pass")
    assert outcome.observed is True
    assert outcome.message == "judge.position_swap is true"
    assert outcome.expected == f"judge.position_swap is none of: {show(listed[0])}"


def test_a_date_is_shown_as_text() -> None:
    outcome = _run("dataset", fact="released", allowed=["2025-01-31"])
    assert outcome.observed == str(datetime.date(2025, 1, 31))
    assert outcome.message == "released is 2025-01-31"


def test_the_rules_own_words_come_first_and_the_value_after() -> None:
    outcome = _run(
        "source/0", fact="records", forbidden=[10], verdict="warn", message="ten is a bad count"
    )
    assert outcome.verdict == "warn"
    assert outcome.message == "ten is a bad count (records is 10)"
    assert outcome.expected == "records is none of: 10"


def test_the_expected_words_list_every_value() -> None:
    outcome = _run("source/0", fact="origin", allowed=["human", "mixed"])
    assert outcome.expected == "origin is one of: human, mixed"
    assert outcome.verdict == "pass"
    assert outcome.message == "origin is human"
    assert outcome.pointer == "/splits/0/sources/0/origin"


def test_show_writes_flags_as_yaml_does_and_rounds_floats() -> None:
    assert [show(True), show(False)] == ["true", "false"]
    assert show(0.123456) == "0.1235"
    assert show(7) == "7"


def test_a_fact_far_from_every_field_of_a_source_gets_no_hint() -> None:
    from synthgate.check_contract import PolicyContext

    from ..scopes import host

    assert FACT.validate is not None
    context = PolicyContext(host().metrics(), frozenset(), "source")
    params = FactParams(fact="zzzzzz", allowed=["x"])
    assert list(FACT.validate(params, context)) == [("fact", "'zzzzzz' names no field of a source")]

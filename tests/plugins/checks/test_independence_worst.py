"""``generator-independence`` reports one outcome: the worst, the first of equals, and a pass
only in its own words."""

from __future__ import annotations

from typing import Any

from synthgate.check_contract import Outcome
from synthgate_plugins.checks.independence import GENERATOR_INDEPENDENCE, IndependenceParams

from ..scopes import check_context, manifest, scope_at

TARGET = {"name": "acme-7b", "family": "acme"}
INDEPENDENT = "generator models are independent of the target models"


def _source(id_: str, generator: dict[str, str] | None = None) -> dict[str, Any]:
    source: dict[str, Any] = {"id": id_, "origin": "synthetic", "records": 1}
    if generator is not None:
        source["generator"] = generator
    return source


def _run(*sources: dict[str, Any], **params: Any) -> Outcome:
    data = manifest(list(sources), target_models=[TARGET])
    scope = scope_at(data, "dataset")
    [outcome] = GENERATOR_INDEPENDENCE.run(scope, IndependenceParams(**params), check_context())
    return outcome


def test_of_two_equally_bad_generators_the_first_is_reported() -> None:
    outcome = _run(
        _source("a", {"name": "acme-70b", "family": "acme"}),
        _source("b", {"name": "acme-13b", "family": "acme"}),
    )
    assert outcome.verdict == "warn"
    assert outcome.pointer == "/splits/0/sources/0/generator"


def test_a_worse_later_generator_replaces_an_earlier_one() -> None:
    outcome = _run(
        _source("a", {"name": "acme-70b", "family": "acme"}),
        _source("b", {"name": "acme-7b", "family": "acme"}),
    )
    assert outcome.verdict == "fail"
    assert outcome.pointer == "/splits/0/sources/1/generator"


def test_a_relation_the_policy_lets_pass_gives_the_independent_pass() -> None:
    outcome = _run(_source("a", {"name": "acme-70b", "family": "acme"}), same_family="pass")
    assert outcome.verdict == "pass"
    assert outcome.message == INDEPENDENT
    assert outcome.observed == ["acme-70b"]
    assert outcome.pointer is None


def test_an_unnamed_generator_the_policy_lets_pass_gives_the_independent_pass() -> None:
    outcome = _run(
        _source("anon"), _source("b", {"name": "other-1", "family": "other"}), when_unknown="pass"
    )
    assert outcome.verdict == "pass"
    assert outcome.message == INDEPENDENT
    assert outcome.observed == ["other-1"]


def test_a_generator_of_the_target_outranks_an_earlier_unnamed_one() -> None:
    outcome = _run(_source("anon"), _source("b", {"name": "acme-7b", "family": "acme"}))
    assert outcome.verdict == "fail"
    assert outcome.message == "generator 'acme-7b' is itself a target model"

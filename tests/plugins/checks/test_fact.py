"""The ``fact`` check kind: one fact of the scope takes, or avoids, named values."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from synthgate.check_contract import PolicyContext
from synthgate.models import Scope
from synthgate_plugins.checks.fact import FACT, FactParams

from ..scopes import host
from .cases import CheckCase, load_cases, run_case


@pytest.mark.parametrize("case", load_cases("fact"))
def test_fact_case(case: CheckCase) -> None:
    run_case(FACT, case)


def problems(fact: str, scope: Scope) -> list[tuple[str, str]]:
    assert FACT.validate is not None
    params = FactParams(fact=fact, allowed=["x"])
    return list(FACT.validate(params, PolicyContext(host().metrics(), frozenset(), scope)))


def test_a_fact_that_names_no_field_is_a_load_error_with_a_suggestion() -> None:
    assert problems("decoding.strategy", "source") == []
    assert problems("judge.position_swap", "dataset") == []
    ((key, message),) = problems("decoding.stratgy", "source")
    assert key == "fact"
    assert "did you mean 'strategy'" in message
    assert problems("decoding.strategy", "dataset")  # a dataset has no decoding


@pytest.mark.parametrize(
    "params",
    [
        {"fact": "decoding.strategy"},  # neither list
        {"fact": "decoding.strategy", "allowed": ["a"], "forbidden": ["b"]},  # both
        {"fact": "", "allowed": ["a"]},
        {"fact": "decoding.strategy", "allowed": ["a"], "verdict": "pass"},
    ],
)
def test_parameters_are_checked(params: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        FactParams.model_validate(params)

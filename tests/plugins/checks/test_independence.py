"""The ``generator-independence`` check kind: eval data is not generated or judged by its target."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from synthgate.check_contract import PolicyContext
from synthgate.errors import PolicyError
from synthgate.models import Scope
from synthgate.policy import load_policy
from synthgate_plugins.checks.independence import GENERATOR_INDEPENDENCE, IndependenceParams

from ..scopes import host
from .cases import CASES_DIR, CheckCase, load_cases, run_case

ERRORS = CASES_DIR.parent / "errors"


@pytest.mark.parametrize("case", load_cases("generator-independence"))
def test_independence_case(case: CheckCase) -> None:
    run_case(GENERATOR_INDEPENDENCE, case)


def test_defaults_fail_on_the_same_model_and_warn_otherwise() -> None:
    params = IndependenceParams()
    assert (params.compare, params.same_model, params.same_family, params.when_unknown) == (
        "generators",
        "fail",
        "warn",
        "warn",
    )


@pytest.mark.parametrize(
    "raw",
    [{"compare": "generator"}, {"same_model": "error"}, {"same_famly": "warn"}],
    ids=["compare-typo", "verdict-not-allowed", "unknown-key"],
)
def test_bad_params_are_rejected(raw: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        IndependenceParams.model_validate(raw)


@pytest.mark.parametrize(("scope", "ok"), [("dataset", True), ("split", False), ("source", False)])
def test_only_the_dataset_scope_is_allowed(scope: Scope, ok: bool) -> None:
    assert GENERATOR_INDEPENDENCE.validate is not None
    context = PolicyContext(host().metrics(), frozenset(), scope)
    found = list(GENERATOR_INDEPENDENCE.validate(IndependenceParams(), context))
    if ok:
        assert found == []
    else:
        assert found == [
            ("compare", "generator-independence compares the whole dataset: use 'scope: dataset'")
        ]


def test_a_split_scope_is_a_load_error_located_in_the_file() -> None:
    path = ERRORS / "independence-split-scope.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path), host())
    (problem,) = caught.value.problems
    assert problem.path == str(path)
    line = next(
        number
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "compare: judge" in text
    )
    assert problem.line == line
    assert problem.column >= 1
    assert "use 'scope: dataset'" in problem.message

"""The ``required`` check kind: facts a scope must declare, and load-time validation of names."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from synthgate.check_contract import PolicyContext
from synthgate.errors import PolicyError
from synthgate.models import Dataset, Scope, Source, Split
from synthgate.policy import load_policy
from synthgate.validation import field_names_at
from synthgate_plugins.checks.required import REQUIRED, RequiredParams

from ..scopes import host
from .cases import CASES_DIR, CheckCase, load_cases, run_case

ERRORS = CASES_DIR.parent / "errors"


@pytest.mark.parametrize("case", load_cases("required"))
def test_required_case(case: CheckCase) -> None:
    run_case(REQUIRED, case)


def problems(facts: list[str], scope: Scope) -> list[tuple[str, str]]:
    assert REQUIRED.validate is not None
    params = RequiredParams(facts=facts)
    return list(REQUIRED.validate(params, PolicyContext(host().metrics(), frozenset(), scope)))


@pytest.mark.parametrize(
    ("facts", "scope"),
    [
        (["generator.name", "generator.family", "generation_depth"], "source"),
        (["verification.items_passed", "human_audit.items", "diversity.self_bleu"], "source"),
        (["judge.family", "human_evaluation.items", "target_models", "stage"], "dataset"),
        (["name", "sources"], "split"),
    ],
    ids=["source", "source-nested", "dataset", "split"],
)
def test_fields_that_exist_are_accepted(facts: list[str], scope: Scope) -> None:
    assert problems(facts, scope) == []


@pytest.mark.parametrize(
    ("fact", "scope", "message"),
    [
        (
            "generator.nmae",
            "source",
            "'generator.nmae' names no field of a source; did you mean 'name'?",
        ),
        ("generaton_depth", "source", "did you mean 'generation_depth'?"),
        ("task_type", "source", "'task_type' names no field of a source"),
        ("records.value", "source", "'records.value' names no field of a source"),
        ("origin", "dataset", "'origin' names no field of a dataset"),
        ("judge.familly", "dataset", "did you mean 'family'?"),
        ("generator.", "source", "'generator.' names no field of a source"),
        ("target_models.name", "dataset", "'target_models.name' names no field of a dataset"),
    ],
    ids=[
        "typo-in-nested",
        "typo-top",
        "other-scope",
        "through-a-count",
        "wrong-scope",
        "judge",
        "empty",
        "through-a-list",
    ],
)
def test_facts_naming_no_field_are_rejected(fact: str, scope: Scope, message: str) -> None:
    found = problems(["generator.name" if scope == "source" else "name", fact], scope)
    assert len(found) == 1
    param, text = found[0]
    assert param == "facts/1"
    assert message in text


@pytest.mark.parametrize(
    ("scope", "model"), [("dataset", Dataset), ("split", Split), ("source", Source)]
)
def test_every_field_and_nested_field_of_a_scope_can_be_required(
    scope: Scope, model: type[Dataset | Split | Source]
) -> None:
    facts = []
    for name in field_names_at(model, (), by_alias=False):
        facts.append(name)
        facts.extend(f"{name}.{sub}" for sub in field_names_at(model, (name,), by_alias=False))
    assert problems(facts, scope) == []


def test_params_need_at_least_one_fact_and_a_verdict_that_is_a_severity() -> None:
    with pytest.raises(ValidationError, match="facts"):
        RequiredParams.model_validate({"facts": []})
    with pytest.raises(ValidationError, match="verdict"):
        RequiredParams.model_validate({"facts": ["name"], "verdict": "pass"})


def position_of(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of ``needle`` in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def test_unknown_facts_fail_at_load_one_problem_each_at_the_list_item() -> None:
    path = ERRORS / "required-unknown-fact.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path), host())
    first, second = caught.value.problems
    assert (first.path, second.path) == (str(path), str(path))
    assert first.pointer == "/rules/0/check/facts/1"
    assert (first.line, first.column) == position_of(path, "generator.nmae")
    assert "did you mean 'name'?" in first.message
    assert second.pointer == "/rules/0/check/facts/2"
    assert (second.line, second.column) == position_of(path, "generaton_depth")
    assert "did you mean 'generation_depth'?" in second.message


def test_empty_facts_fail_at_load() -> None:
    path = ERRORS / "required-empty-facts.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path), host())
    (problem,) = caught.value.problems
    assert problem.path == str(path)
    assert problem.pointer == "/rules/0/check/facts"
    assert (problem.line, problem.column) == position_of(path, "facts: []")

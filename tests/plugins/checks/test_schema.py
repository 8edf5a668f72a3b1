"""The ``json-schema`` check kind: structural requirements written as data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from synthgate.checks import PolicyContext
from synthgate.errors import PolicyError
from synthgate.policy import load_policy
from synthgate_plugins.checks.schema import JSON_SCHEMA, SchemaParams

from ..scopes import check_context, host, manifest, scope_at
from .cases import CASES_DIR, CheckCase, load_cases, run_case

ERRORS = CASES_DIR.parent / "errors"


@pytest.mark.parametrize("case", load_cases("json-schema"))
def test_json_schema_case(case: CheckCase) -> None:
    run_case(JSON_SCHEMA, case)


def position_of(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of ``needle`` in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def validate(schema: dict[str, Any]) -> list[tuple[str, str]]:
    assert JSON_SCHEMA.validate is not None
    params = SchemaParams.model_validate({"schema": schema})
    return list(JSON_SCHEMA.validate(params, PolicyContext({}, frozenset(), "source")))


def test_a_valid_schema_is_accepted() -> None:
    assert validate({"type": "object", "required": ["verification"]}) == []


@pytest.mark.parametrize(
    "schema",
    [{"type": "strin"}, {"required": "verification"}, {"minItems": -1}],
    ids=["bad-type-name", "required-not-a-list", "negative-min"],
)
def test_an_invalid_schema_is_rejected(schema: dict[str, Any]) -> None:
    ((param, message),) = validate(schema)
    assert param == "schema"
    assert message.startswith("not a valid JSON Schema: ")


def test_an_invalid_schema_fails_at_load_with_its_location() -> None:
    path = ERRORS / "json-schema-invalid.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path), host())
    (problem,) = caught.value.problems
    assert problem.path == str(path)
    assert problem.pointer == "/rules/0/check/schema"
    assert (problem.line, problem.column) == position_of(path, "schema: {type: strin}")
    assert "not a valid JSON Schema" in problem.message
    assert "strin" in problem.message


def test_a_pointer_without_leading_slash_fails_at_load() -> None:
    path = ERRORS / "json-schema-bad-pointer.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path), host())
    (problem,) = caught.value.problems
    assert problem.path == str(path)
    assert (problem.line, problem.column) == position_of(path, "pointer: verification")


def test_schema_is_required_and_extra_keys_are_not_allowed() -> None:
    with pytest.raises(ValidationError, match="schema"):
        SchemaParams.model_validate({"pointer": "/x"})
    with pytest.raises(ValidationError, match="shema"):
        SchemaParams.model_validate({"schema": {}, "shema": {}})


def test_pointer_tokens_are_unescaped() -> None:
    data = manifest([{"id": "a", "origin": "human", "records": 1}])
    scope = scope_at(data, "dataset")
    params = SchemaParams.model_validate({"pointer": "/no~1such", "schema": {}})
    (outcome,) = JSON_SCHEMA.run(scope, params, check_context())
    assert outcome.verdict == "fail"
    assert outcome.observed == "absent"
    assert outcome.message == "/dataset/no~1such is absent"


def test_a_running_count_of_errors_is_reported() -> None:
    data = manifest([{"id": "a", "origin": "human", "records": 1}])
    schema = {"required": ["judge", "stage", "languages"]}
    params = SchemaParams.model_validate({"schema": schema})
    (outcome,) = JSON_SCHEMA.run(scope_at(data, "dataset"), params, check_context())
    assert outcome.verdict == "fail"
    assert "'judge' is a required property (and 2 more)" in outcome.message

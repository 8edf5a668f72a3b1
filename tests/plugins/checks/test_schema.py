"""The ``json-schema`` check kind: structural requirements written as data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from synthgate.checks import PolicyContext
from synthgate.errors import PolicyError
from synthgate.policy import load_policy
from synthgate_plugins.checks import schema as schema_module
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


def test_a_yaml_date_in_a_schema_is_valid_and_read_as_its_text() -> None:
    params = SchemaParams.model_validate({"schema": {"const": dt.date(2024, 6, 30)}})
    assert params.schema_ == {"const": "2024-06-30"}
    assert validate({"properties": {"released": {"enum": [dt.date(2024, 6, 30)]}}}) == []


class _Keyed(BaseModel):
    """A scope target whose keys need escaping in a JSON Pointer (no manifest model has any)."""

    table: dict[str, int]


def test_error_paths_are_escaped_pointers() -> None:
    base = scope_at(manifest([{"id": "a", "origin": "human", "records": 1}]), "source/0")
    odd = _Keyed(table={"a/b~c": -1})
    # A source scope standing for another model.
    scope = dataclasses.replace(base, source=odd)  # type: ignore[arg-type]
    schema = {"properties": {"table": {"additionalProperties": {"minimum": 0}}}}
    params = SchemaParams.model_validate({"schema": schema})
    (outcome,) = JSON_SCHEMA.run(scope, params, check_context())
    assert outcome.pointer == "/splits/0/sources/0/table/a~1b~0c"
    assert outcome.message.startswith("/splits/0/sources/0/table/a~1b~0c: -1 is less than")


def test_the_validator_is_compiled_once_per_params_object() -> None:
    schema = {"required": ["judge"]}
    params = SchemaParams.model_validate({"schema": schema})
    twin = SchemaParams.model_validate({"schema": schema})
    scope = scope_at(manifest([{"id": "a", "origin": "human", "records": 1}]), "dataset")
    for _ in range(3):
        list(JSON_SCHEMA.run(scope, params, check_context()))
    compiled = schema_module._COMPILED[id(params)]
    assert schema_module._validator(params) is compiled
    assert schema_module._validator(twin) is not compiled
    key = id(params)
    del params
    gc.collect()
    assert key not in schema_module._COMPILED  # compiled validators go with their params

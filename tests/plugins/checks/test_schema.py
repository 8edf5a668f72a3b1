"""The ``json-schema`` check kind: structural requirements written as data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from synthgate.check_contract import PolicyContext
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


# --------------------------------------------------------------------------- references


class _NoNetwork(Exception):
    """Raised by a socket opened while a test forbids the network."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any socket opened is an error (a listener would be a network request of its own)."""
    import socket

    class RefusingSocket(socket.socket):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise _NoNetwork("a socket was opened")

    def refuse(*args: object, **kwargs: object) -> None:
        raise _NoNetwork("a connection was opened")

    monkeypatch.setattr(socket, "socket", RefusingSocket)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
def test_a_remote_ref_is_a_policy_error_at_its_line_and_opens_no_socket() -> None:
    path = ERRORS / "json-schema-remote-ref.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path), host())
    (problem,) = caught.value.problems
    assert problem.path == str(path)
    assert problem.pointer == "/rules/0/check/schema/properties/generator/$ref"
    assert (problem.line, problem.column) == position_of(path, "$ref:")
    assert "http://127.0.0.1:9/generator.schema.json" in problem.message
    assert "resolve only inside the schema" in problem.message


@pytest.mark.usefixtures("no_network")
def test_a_file_ref_is_refused_without_reading_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text('{"const": "hunter2-the-secret"}', encoding="utf-8")
    opened: list[str] = []
    real_open = open

    def watching_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", watching_open)
    import urllib.request

    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: opened.append("urlopen"))
    ((param, message),) = validate({"$ref": secret.as_uri()})
    assert param == "schema/$ref"
    assert secret.as_uri() in message
    assert "hunter2" not in message
    assert str(secret) not in opened
    assert "urlopen" not in opened


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "https://example.invalid/s.json"},
        {"$id": "https://example.invalid/root.json", "$ref": "other.json"},
        {"$dynamicRef": "http://127.0.0.1:9/x#meta"},
        {"prefixItems": [{"$ref": "file:///etc/passwd"}]},
        {"properties": {"a": {"$ref": "file:///etc/passwd"}}},
        {"$defs": {"a": {"$ref": "other.json#/x"}}},
    ],
    ids=["https", "relative-to-remote-id", "dynamic-ref", "in-a-list", "nested", "relative"],
)
def test_every_ref_out_of_the_schema_is_refused(schema: dict[str, Any]) -> None:
    problems = validate(schema)
    assert problems, schema
    assert all("resolve only inside the schema" in message for _, message in problems)


@pytest.mark.usefixtures("no_network")
def test_refs_inside_the_schema_and_to_bundled_schemas_resolve() -> None:
    schema = {
        "$defs": {"positive": {"type": "integer", "minimum": 1}},
        "properties": {
            "records": {"$ref": "#/$defs/positive"},
            "generator": {"$ref": "synthgate:manifest.schema.json#/$defs/Generator"},
        },
    }
    assert validate(schema) == []
    params = SchemaParams.model_validate({"schema": schema})
    data = manifest([{"id": "a", "origin": "synthetic", "records": 3, "generator": {"name": "m"}}])
    (outcome,) = JSON_SCHEMA.run(scope_at(data, "source/0"), params, check_context())
    assert outcome.verdict == "pass", outcome.message
    bad = SchemaParams.model_validate(
        {"schema": {"properties": {"records": {"$ref": "#/$defs/no"}}}}
    )
    ((param, message),) = validate(bad.schema_)
    assert param == "schema/properties/records/$ref"
    assert "'#/$defs/no'" in message


@pytest.mark.usefixtures("no_network")
def test_a_remote_ref_that_reaches_run_time_is_refused_there_too() -> None:
    # Installed packs skip the load-time check; running the check still fetches nothing.
    params = SchemaParams.model_validate({"schema": {"$ref": "http://127.0.0.1:9/x.json"}})
    data = manifest([{"id": "a", "origin": "human", "records": 1}])
    with pytest.raises(Exception, match="resolve only inside the schema") as caught:
        list(JSON_SCHEMA.run(scope_at(data, "source/0"), params, check_context()))
    assert not isinstance(caught.value, _NoNetwork)


# --------------------------------------------------------------------------- patterns

# Nested quantifiers: Python's re takes about 2**n steps to fail on n 'a's and a '!'.
EXPONENTIAL = r"^(a+)+$"
ADVERSARIAL = "a" * 64 + "!"


def _dataset_outcome(schema: dict[str, Any], **dataset: Any) -> Any:
    params = SchemaParams.model_validate({"schema": schema})
    assert validate(schema) == []
    data = manifest([{"id": "a", "origin": "human", "records": 1}], **dataset)
    (outcome,) = JSON_SCHEMA.run(scope_at(data, "dataset"), params, check_context())
    return outcome


def test_a_pattern_with_nested_quantifiers_is_matched_in_linear_time() -> None:
    schema = {"properties": {"name": {"pattern": EXPONENTIAL}}}  # of the dataset scope
    outcome = _dataset_outcome(schema, name=ADVERSARIAL)
    assert outcome.verdict == "fail"
    assert "does not match" in outcome.message
    assert _dataset_outcome(schema, name="aaaa").verdict == "pass"


def test_pattern_properties_and_additional_properties_match_in_linear_time() -> None:
    schema = {
        "properties": {
            "dataset": {
                "properties": {
                    "languages": {
                        "type": "object",
                        "patternProperties": {EXPONENTIAL: {"type": "integer"}},
                        "additionalProperties": False,
                    }
                }
            }
        }
    }
    params = SchemaParams.model_validate({"schema": schema})
    assert validate(schema) == []
    validator = schema_module._validator(params)
    errors = list(validator.iter_errors({"dataset": {"languages": {ADVERSARIAL: 1, "aa": 2}}}))
    assert [e.message for e in errors] == [
        f"'{ADVERSARIAL}' does not match any of the regexes: '{EXPONENTIAL}'"
    ]
    errors = list(validator.iter_errors({"dataset": {"languages": {"aaa": "x"}}}))
    assert [e.message for e in errors] == ["'x' is not of type 'integer'"]


def test_property_names_patterns_run_through_the_same_engine() -> None:
    validator = schema_module._validator(
        SchemaParams.model_validate({"schema": {"propertyNames": {"pattern": EXPONENTIAL}}})
    )
    (error,) = validator.iter_errors({ADVERSARIAL: 1})
    assert "does not match" in error.message


@pytest.mark.parametrize(
    ("schema", "param"),
    [
        ({"pattern": "(?=a)b"}, "schema/pattern"),
        ({"properties": {"x": {"pattern": r"(a)\1"}}}, "schema/properties/x/pattern"),
        ({"patternProperties": {"(?<!x)y": {}}}, "schema/patternProperties/(?<!x)y"),
    ],
    ids=["lookahead", "backreference", "lookbehind-in-pattern-properties"],
)
def test_a_pattern_without_a_linear_time_match_is_a_policy_error(
    schema: dict[str, Any], param: str
) -> None:
    ((where, message),) = validate(schema)
    assert where == param
    assert "cannot be matched in linear time" in message


def test_a_pattern_error_is_located_in_the_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "name: p\n"
        "rules:\n"
        "  - code: JS101\n"
        "    name: lookahead\n"
        "    summary: s\n"
        "    applies: {scope: source}\n"
        "    check:\n"
        "      kind: json-schema\n"
        "      schema:\n"
        "        properties:\n"
        "          id: {pattern: '(?=x)y'}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path), host())
    (problem,) = caught.value.problems
    assert problem.pointer == "/rules/0/check/schema/properties/id/pattern"
    assert (problem.line, problem.column) == position_of(path, "pattern:")


def test_pattern_properties_beside_unevaluated_properties_is_refused() -> None:
    schema = {"patternProperties": {"^a": {}}, "unevaluatedProperties": False}
    ((where, message),) = validate(schema)
    assert where == "schema/patternProperties"
    assert "unevaluatedProperties" in message


def test_patterns_in_const_and_enum_values_are_data_not_patterns() -> None:
    assert validate({"const": {"pattern": "(?=a)"}, "enum": [{"pattern": "(?=b)"}]}) == []

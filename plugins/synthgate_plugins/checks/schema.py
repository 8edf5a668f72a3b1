"""``json-schema``: structural requirements on a part of the manifest, written as data."""

from __future__ import annotations

import datetime as _dt
import weakref
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import Field, field_validator

from synthgate import (
    CheckContext,
    CheckKind,
    CheckParams,
    Outcome,
    PolicyContext,
    ScopeView,
    escape_pointer,
    resolve_pointer,
)
from synthgate_plugins.checks._params import Severity

__all__ = ["JSON_SCHEMA", "SchemaParams"]


def _json_value(value: Any) -> Any:
    """``value`` with YAML dates as the ``YYYY-MM-DD`` text a manifest's dates are checked as."""
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


class SchemaParams(CheckParams):
    """``schema`` (JSON Schema, draft 2020-12) for the value at ``pointer`` within the scope."""

    schema_: dict[str, Any] = Field(alias="schema")
    pointer: str = Field("", pattern=r"^(/[^/]*)*$")
    verdict: Severity = "fail"
    message: str = Field(
        "",
        description="What the finding says when the schema does not hold, in the words of the "
        "rule (the schema's own error is kept after it); empty: the schema's error alone.",
    )
    expected: str = Field("", description="The constraint in words, shown as 'expected'.")

    @field_validator("schema_")
    @classmethod
    def _dates_as_text(cls, schema: dict[str, Any]) -> dict[str, Any]:
        # JSON Schema has no dates: 'const: 2025-01-01' in YAML means the text, as in the
        # manifest, which the check sees dumped to JSON.
        return _json_value(schema)  # type: ignore[no-any-return]


_COMPILED: dict[int, Any] = {}
"""Compiled validators by ``id`` of their parameters; an entry goes when its parameters do."""


def _validator(params: SchemaParams) -> Any:
    """The validator of ``params.schema_``, compiled on first use for these parameters."""
    key = id(params)
    validator = _COMPILED.get(key)
    if validator is None:
        from jsonschema import Draft202012Validator

        validator = Draft202012Validator(params.schema_)
        _COMPILED[key] = validator
        weakref.finalize(params, _COMPILED.pop, key, None)
    return validator


def _validate(params: SchemaParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    if context.trusted:  # installed packs are checked by their own tests; skip the import cost
        return
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(params.schema_)
    except SchemaError as exc:
        yield "schema", f"not a valid JSON Schema: {exc.message}"


def _run(scope: ScopeView, params: SchemaParams, context: CheckContext) -> Iterator[Outcome]:
    data = scope.target.model_dump(mode="json", by_alias=True, exclude_unset=True)
    found, instance = resolve_pointer(data, params.pointer)
    where = scope.pointer + params.pointer
    expected = params.expected or f"{params.pointer or '/'} matches the rule's JSON Schema"
    if not found:
        yield Outcome(
            params.verdict, "absent", expected, f"{where or '/'} is absent", pointer=where
        )
        return
    errors = sorted(
        _validator(params).iter_errors(instance),
        key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]),
    )
    if not errors:
        yield Outcome("pass", "valid", expected, f"{where or '/'} matches the schema")
        return
    first = errors[0]
    path = "".join("/" + escape_pointer(str(part)) for part in first.absolute_path)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    yield Outcome(
        params.verdict,
        first.instance if not isinstance(first.instance, dict | list) else "see message",
        expected,
        (
            f"{params.message} ({where + path or '/'}: {first.message}{more})"
            if params.message
            else f"{where + path or '/'}: {first.message}{more}"
        ),
        pointer=where + path,
    )


JSON_SCHEMA = CheckKind(
    name="json-schema",
    summary="A JSON Schema (draft 2020-12) that a part of the scope must satisfy.",
    params=SchemaParams,
    run=_run,
    validate=_validate,
)

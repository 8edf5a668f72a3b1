"""``json-schema``: structural requirements on a part of the manifest, written as data."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from pydantic import Field

from synthgate import CheckContext, CheckKind, Outcome, PolicyContext, ScopeView
from synthgate_plugins.checks._params import Params, Severity

__all__ = ["JSON_SCHEMA", "SchemaParams"]


class SchemaParams(Params):
    """``schema`` (JSON Schema, draft 2020-12) for the value at ``pointer`` within the scope."""

    schema_: dict[str, Any] = Field(alias="schema")
    pointer: str = Field("", pattern=r"^(/[^/]*)*$")
    verdict: Severity = "fail"


def _validator(schema: dict[str, Any]) -> Any:
    import json

    return _compiled(json.dumps(schema, sort_keys=True))


@lru_cache(maxsize=64)
def _compiled(schema_text: str) -> Any:
    import json

    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(schema_text))


def _validate(params: SchemaParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    if context.trusted:  # installed packs are checked by their own tests; skip the import cost
        return
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(params.schema_)
    except SchemaError as exc:
        yield "schema", f"not a valid JSON Schema: {exc.message}"


def _resolve(data: Any, pointer: str) -> tuple[bool, Any]:
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(data, dict) and token in data:
            data = data[token]
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return False, None
    return True, data


def _run(scope: ScopeView, params: SchemaParams, context: CheckContext) -> Iterator[Outcome]:
    data = scope.target.model_dump(mode="json", by_alias=True, exclude_unset=True)
    found, instance = _resolve(data, params.pointer)
    where = scope.pointer + params.pointer
    expected = f"{params.pointer or '/'} matches the rule's JSON Schema"
    if not found:
        yield Outcome(
            params.verdict, "absent", expected, f"{where or '/'} is absent", pointer=where
        )
        return
    errors = sorted(
        _validator(params.schema_).iter_errors(instance),
        key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]),
    )
    if not errors:
        yield Outcome("pass", "valid", expected, f"{where or '/'} matches the schema")
        return
    first = errors[0]
    path = "".join(f"/{p}" for p in first.absolute_path)
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    yield Outcome(
        params.verdict,
        first.instance if not isinstance(first.instance, dict | list) else "see message",
        expected,
        f"{where + path or '/'}: {first.message}{more}",
        pointer=where + path,
    )


JSON_SCHEMA = CheckKind(
    name="json-schema",
    summary="A JSON Schema (draft 2020-12) that a part of the scope must satisfy.",
    params=SchemaParams,
    run=_run,
    validate=_validate,
)

"""``json-schema``: structural requirements on a part of the manifest, written as data."""

from __future__ import annotations

import datetime as _dt
import functools
import json
import weakref
from collections.abc import Iterable, Iterator
from importlib.resources import files
from typing import Any

from pydantic import Field, field_validator

from synthgate.plugin import (
    CheckContext,
    CheckKind,
    CheckParams,
    Outcome,
    PolicyContext,
    ScopeView,
    escape_pointer,
    resolve_pointer,
)
from synthgate_plugins.checks._kind_params import Severity

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

_BUNDLED = ("manifest", "policy", "report")
_BUNDLED_URIS = tuple(f"synthgate:{name}.schema.json" for name in _BUNDLED)
_REFUSED = (
    "references resolve only inside the schema itself and synthgate's bundled schemas ("
    + ", ".join(_BUNDLED_URIS)
    + "); nothing is fetched or read from elsewhere"
)

# Keywords whose value is a schema, a list of schemas, or a mapping of names to schemas: the
# places a walk over a schema descends into (never 'const', 'enum', 'default' or 'examples').
_SCHEMA_KEYWORDS = frozenset(
    {
        "additionalItems",
        "additionalProperties",
        "contains",
        "else",
        "if",
        "items",
        "not",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
_SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems", "items"})
_SCHEMA_MAP_KEYWORDS = frozenset(
    {"$defs", "definitions", "dependentSchemas", "patternProperties", "properties"}
)


class RefusedReference(Exception):
    """A ``$ref`` out of the schema: refused without a request or a read."""

    def __init__(self, uri: str) -> None:
        super().__init__(f"'{uri}' is not resolved: {_REFUSED}")
        self.uri = uri


@functools.cache
def _registry() -> Any:
    """The references a policy's schema may reach besides itself: synthgate's bundled schemas
    (retrieved from the installed package) and nothing else; no network, no file."""
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    def retrieve(uri: str) -> Any:
        if uri not in _BUNDLED_URIS:
            raise RefusedReference(uri)
        text = (files("synthgate.schemas") / uri.removeprefix("synthgate:")).read_text("utf-8")
        return Resource.from_contents(json.loads(text), default_specification=DRAFT202012)

    return Registry(retrieve=retrieve)  # type: ignore[call-arg]


@functools.cache
def _regex(pattern: str) -> Any:
    """``pattern`` compiled by RE2, whose matching time is linear in the text: a pattern from a
    policy cannot make an audit backtrack for minutes. Raises ``ValueError`` for a pattern RE2
    cannot run (lookaround, backreferences) or that needs more than its memory bound."""
    import re2

    options = re2.Options()
    options.log_errors = False  # the error is reported as a policy error, not on stderr
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(str(reason)) from None


def _kw_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and _regex(pattern).search(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _kw_pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: Any, schema: Any
) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        regex = _regex(pattern)
        for key, value in instance.items():
            if regex.search(key) is not None:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _kw_additional_properties(
    validator: Any, additional: Any, instance: Any, schema: Any
) -> Iterator[Any]:
    # jsonschema's own, with patternProperties matched by RE2 instead of the re module.
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    regexes = [_regex(pattern) for pattern in schema.get("patternProperties", {})]
    extras = sorted(
        (
            key
            for key in instance
            if key not in properties and not any(r.search(key) is not None for r in regexes)
        ),
        key=str,
    )
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in extras)
            patterns = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
            yield ValidationError(f"{joined} {verb} not match any of the regexes: {patterns}")
        else:
            verb = "was" if len(extras) == 1 else "were"
            joined = ", ".join(repr(each) for each in extras)
            yield ValidationError(
                f"Additional properties are not allowed ({joined} {verb} unexpected)"
            )


@functools.cache
def _validator_class() -> Any:
    """Draft 2020-12 with every regular expression matched by RE2."""
    from jsonschema import Draft202012Validator, validators

    return validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        {
            "pattern": _kw_pattern,
            "patternProperties": _kw_pattern_properties,
            "additionalProperties": _kw_additional_properties,
        },
    )


def _validator(params: SchemaParams) -> Any:
    """The validator of ``params.schema_``, compiled on first use for these parameters."""
    key = id(params)
    validator = _COMPILED.get(key)
    if validator is None:
        validator = _validator_class()(params.schema_, registry=_registry())
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
        return
    yield from _schema_problems(params.schema_)


def _schema_problems(schema: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(parameter path, message) for each reference that leaves the schema or finds nothing,
    each pattern RE2 cannot run, and 'patternProperties' beside 'unevaluatedProperties'."""
    from jsonschema_specifications import REGISTRY as SPECIFICATIONS
    from referencing import Resource
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    registry = SPECIFICATIONS.combine(_registry())
    root = registry.resolver_with_root(
        Resource.from_contents(schema, default_specification=DRAFT202012)
    )
    uses_unevaluated = False
    pattern_properties: list[str] = []
    # Iterative, so that a deep schema cannot exhaust the stack (its depth is bounded anyway).
    stack: list[tuple[Any, str, Any]] = [(schema, "schema", root)]
    while stack:
        node, where, resolver = stack.pop()
        if not isinstance(node, dict):
            continue
        if isinstance(node.get("$id"), str) and where != "schema":
            resolver = resolver.in_subresource(
                Resource.from_contents(node, default_specification=DRAFT202012)
            )
        for keyword in ("$ref", "$dynamicRef"):
            ref = node.get(keyword)
            if not isinstance(ref, str):
                continue
            try:
                resolver.lookup(ref)
            except Unresolvable as exc:
                refused = _refused_uri(exc)
                if refused is not None:
                    yield f"{where}/{keyword}", f"{keyword} {RefusedReference(refused)}"
                else:
                    yield f"{where}/{keyword}", f"{keyword} '{ref}' finds nothing in the schema"
        if isinstance(node.get("pattern"), str):
            try:
                _regex(node["pattern"])
            except ValueError as exc:
                yield f"{where}/pattern", _pattern_refused(node["pattern"], exc)
        if "unevaluatedProperties" in node:
            uses_unevaluated = True
        for keyword, value in node.items():
            at = f"{where}/{escape_pointer(keyword)}"
            if keyword in _SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
                for name, sub in value.items():
                    if keyword == "patternProperties":
                        pattern_properties.append(at)
                        try:
                            _regex(name)
                        except ValueError as exc:
                            yield f"{at}/{escape_pointer(name)}", _pattern_refused(name, exc)
                    stack.append((sub, f"{at}/{escape_pointer(name)}", resolver))
            elif keyword in _SCHEMA_LIST_KEYWORDS and isinstance(value, list):
                stack.extend((sub, f"{at}/{i}", resolver) for i, sub in enumerate(value))
            elif keyword in _SCHEMA_KEYWORDS:
                stack.append((value, at, resolver))
    if uses_unevaluated:
        for at in dict.fromkeys(pattern_properties):
            yield (
                at,
                "'patternProperties' cannot be used in a schema with 'unevaluatedProperties' "
                "(jsonschema would match the patterns without a time bound); use "
                "'additionalProperties' instead",
            )


def _refused_uri(exc: BaseException) -> str | None:
    """The URI of the :class:`RefusedReference` behind a failed lookup, if there is one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, RefusedReference):
            return seen.uri
        seen = seen.__cause__ or seen.__context__
    return None


def _pattern_refused(pattern: str, exc: ValueError) -> str:
    return (
        f"pattern {_excerpt(pattern)} cannot be matched in linear time ({exc}); patterns are run "
        "by RE2: no lookaround, no backreferences"
    )


def _excerpt(text: str) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return repr(shown)


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
    try:
        errors = sorted(
            _validator(params).iter_errors(instance),
            key=lambda e: (len(e.absolute_path), [str(p) for p in e.absolute_path]),
        )
    except Exception as exc:  # a refused reference says so, not as jsonschema's wrapper
        refused = _refused_uri(exc)
        if refused is None:
            raise
        raise RefusedReference(refused) from None
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

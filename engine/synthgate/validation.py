"""Turning pydantic validation errors into located, actionable problems."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from synthgate.documents import Document
from synthgate.errors import LocatedValueError, Problem, did_you_mean, excerpt
from synthgate.pointers import escape_pointer

__all__ = ["MAX_PROBLEMS", "field_names_at", "validate_model", "validation_problems"]

MAX_PROBLEMS = 20
_M = typing.TypeVar("_M", bound=BaseModel)


def validate_model(
    model: type[_M], data: Any, doc: Document, base: str = "", error: type[Exception] | None = None
) -> _M:
    """Validate ``data`` (found at pointer ``base`` of ``doc``) or raise a located error."""
    from synthgate.errors import InputError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        cls = error or InputError
        raise cls(validation_problems(exc, doc, model, base)) from None


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Annotated, Optional and unions flattened)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        out: list[Any] = []
        for arg in get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def field_names_at(
    model: type[BaseModel], path: Sequence[str | int], *, by_alias: bool = True
) -> list[str]:
    """Field names of the model(s) reached by following ``path`` from ``model``.

    ``path`` is a pydantic location: a field name (or alias) steps into that field's type,
    through ``Annotated``, ``Optional`` and unions; an integer steps into the items of a list
    and text into the values of a mapping. ``field_names_at(Manifest, ("splits", 0))`` gives the
    fields of a split. The result is empty when ``path`` leads to no model, e.g. to a plain
    value or past a field that does not exist. Names are aliases where a field has one, or
    attribute names with ``by_alias=False``.
    """
    current: list[Any] = [model]
    for part in path:
        following: list[Any] = []
        for candidate in current:
            origin = get_origin(candidate)
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                for name, info in candidate.model_fields.items():
                    if part in (name, info.alias):
                        following.extend(_unwrap(info.annotation))
            elif origin in (list, tuple) and isinstance(part, int):
                following.extend(_unwrap(get_args(candidate)[0]))
            elif origin is dict and isinstance(part, str):
                following.extend(_unwrap(get_args(candidate)[1]))
        current = following
    names: list[str] = []
    for candidate in current:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            for name, info in candidate.model_fields.items():
                names.append((info.alias or name) if by_alias else name)
    return names


def _pointer(base: str, loc: tuple[Any, ...]) -> str:
    return base + "".join("/" + escape_pointer(str(part)) for part in loc)


def _describe(value: Any) -> str:
    return excerpt(value, 60)


_TEXT_HINT = "quote the value to make it text"
_HINTS = {
    "string_type": _TEXT_HINT,
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "int_type": "write a whole number",
    "int_parsing": "write a whole number",
    "int_from_float": "write a whole number",
    "float_type": "write a number",
    "float_parsing": "write a number",
    "date_type": "write dates as YYYY-MM-DD",
    "date_parsing": "write dates as YYYY-MM-DD",
    "date_from_datetime_parsing": "write dates as YYYY-MM-DD",
    "date_from_datetime_inexact": "write dates as YYYY-MM-DD",
    "list_type": "write a list: one '- item' per line, or [a, b]",
    "dict_type": "write a mapping: one 'key: value' per line",
    "model_type": "write a mapping of its fields: one 'field: value' per line",
    "model_attributes_type": "write a mapping of its fields: one 'field: value' per line",
    "too_short": "give at least one item",
    "string_too_short": "write some text",
}
"""Hints for values of the wrong type, by pydantic error type."""


def validation_problems(
    exc: ValidationError, doc: Document, model: type[BaseModel], base: str = ""
) -> list[Problem]:
    """One problem per pydantic error, located in ``doc``, best first."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        kind = error["type"]
        message = str(error["msg"])
        hint = ""
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        if kind == "extra_forbidden":
            key = str(loc[-1])
            pointer = _pointer(base, loc)
            message = f"unknown field {excerpt(key)}"
            hint = did_you_mean(key, field_names_at(model, loc[:-1]))
        elif kind == "missing":
            pointer = _pointer(base, loc[:-1])
            message = f"missing required field '{loc[-1]}'"
            hint = "add it (see 'synthgate schema' for every field)"
        else:
            cause = error.get("ctx", {}).get("error")
            if isinstance(cause, LocatedValueError):
                loc += cause.loc  # the value the model-level rule is about
            pointer = _pointer(base, loc)
            if "input" in error and kind not in ("value_error", "assertion_error"):
                message += f" (got {_describe(error['input'])})"
            # A model rule may say how to fix what it found (models.ConflictingFacts does).
            hint = getattr(cause, "hint", "") or _HINTS.get(kind, "")
            if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == r"\S":
                message = f"only white space (got {_describe(error.get('input'))})"
                hint = "write it in words: a blank reason or owner accepts a risk unsigned"
            if kind == "literal_error" and isinstance(error.get("input"), str):
                expected = error.get("ctx", {}).get("expected", "")
                choices = [c.strip(" '") for c in expected.replace(" or ", ",").split(",")]
                hint = did_you_mean(error["input"], [c for c in choices if c])
        if (pointer, message) in seen:
            continue
        seen.add((pointer, message))
        line, column = doc.locate(pointer)
        problems.append(Problem(doc.path, line, column, message, hint, pointer or "/"))
    problems.sort(key=lambda p: (p.line, p.column))
    if len(problems) > MAX_PROBLEMS:
        extra = len(problems) - MAX_PROBLEMS
        last = problems[MAX_PROBLEMS - 1]
        problems = problems[:MAX_PROBLEMS]
        noun = "problem" if extra == 1 else "problems"
        problems.append(Problem(last.path, last.line, last.column, f"... and {extra} more {noun}"))
    return problems

"""``required``: facts a scope must declare (neither absent, empty nor 'unknown')."""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, Field

from synthgate import (
    CheckContext,
    CheckKind,
    Dataset,
    Outcome,
    PolicyContext,
    ScopeView,
    Source,
    Split,
    did_you_mean,
)
from synthgate_plugins.checks._params import Params, Severity

__all__ = ["REQUIRED", "RequiredParams"]

_MODELS: dict[str, type[BaseModel]] = {"dataset": Dataset, "split": Split, "source": Source}


class RequiredParams(Params):
    """``facts``: dotted paths relative to the scope (e.g. ``generator.model``)."""

    facts: list[str] = Field(min_length=1)
    verdict: Severity = "fail"


def _model_of(annotation: Any) -> type[BaseModel] | None:
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        for arg in typing.get_args(annotation):
            found = _model_of(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _validate(params: RequiredParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    for index, fact in enumerate(params.facts):
        model: type[BaseModel] | None = _MODELS[context.scope]
        for part in fact.split("."):
            if model is None or part not in model.model_fields:
                choices = list(model.model_fields) if model is not None else []
                hint = did_you_mean(part, choices)
                yield (
                    f"facts/{index}",
                    f"'{fact}' names no field of a {context.scope}" + (f"; {hint}" if hint else ""),
                )
                break
            model = _model_of(model.model_fields[part].annotation)


def _missing(value: Any) -> bool:
    return value is None or value == "unknown" or value == [] or value == ""


def _run(scope: ScopeView, params: RequiredParams, context: CheckContext) -> Iterator[Outcome]:
    missing: list[tuple[str, str]] = []
    for fact in params.facts:
        value: Any = scope.target
        pointer = scope.pointer
        for part in fact.split("."):
            value = getattr(value, part, None)
            pointer += "/" + part
            if value is None:
                break
        if _missing(value):
            missing.append((fact, pointer))
    expected = "declared: " + ", ".join(params.facts)
    if not missing:
        yield Outcome("pass", {"missing": []}, expected, "all required facts are declared")
        return
    names = [fact for fact, _ in missing]
    yield Outcome(
        params.verdict,
        {"missing": names},
        expected,
        f"{scope.kind} does not declare " + ", ".join(names),
        pointer=missing[0][1],  # located at the nearest part the file does have
    )


REQUIRED = CheckKind(
    name="required",
    summary="Facts the scope must declare: not absent, empty or 'unknown'.",
    params=RequiredParams,
    run=_run,
    validate=_validate,
)

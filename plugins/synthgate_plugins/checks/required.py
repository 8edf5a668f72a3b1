"""``required``: facts a scope must declare (neither absent, empty nor 'unknown')."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import BaseModel, Field

from synthgate import (
    CheckContext,
    CheckKind,
    CheckParams,
    Dataset,
    Outcome,
    PolicyContext,
    ScopeView,
    Source,
    Split,
    did_you_mean,
    field_names_at,
)
from synthgate_plugins.checks._params import Severity

__all__ = ["REQUIRED", "RequiredParams"]

_MODELS: dict[str, type[BaseModel]] = {"dataset": Dataset, "split": Split, "source": Source}


class RequiredParams(CheckParams):
    """``facts``: dotted paths of fields relative to the scope (e.g. ``generator.name``)."""

    facts: list[str] = Field(min_length=1)
    verdict: Severity = "fail"


def _validate(params: RequiredParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    model = _MODELS[context.scope]
    for index, fact in enumerate(params.facts):
        parts = fact.split(".")
        for depth, part in enumerate(parts):
            # A fact steps through fields only: a list's items have no single value to require.
            choices = field_names_at(model, parts[:depth], by_alias=False)
            if part not in choices:
                hint = did_you_mean(part, choices)
                yield (
                    f"facts/{index}",
                    f"'{fact}' names no field of a {context.scope}" + (f"; {hint}" if hint else ""),
                )
                break


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

"""What the built-in check kinds' parameters share: verdict and severity types, fact paths
(checked at load, followed at run), the dataset-only scope, and how a value reads in a message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel

from synthgate.models import Dataset, Scope, Source, Split
from synthgate.plugin import PolicyContext, ScopeView, did_you_mean, field_names_at

__all__ = ["CheckVerdict", "Severity", "dataset_scope_only", "fact_problem", "follow", "show"]

CheckVerdict = Literal["pass", "warn", "fail"]
"""A verdict a built-in check kind gives, or takes as a parameter (``when_unknown: warn``);
``error`` is the engine's own, for a check that crashed."""
Severity = Literal["warn", "fail"]


def show(value: Any) -> str:
    """A number or value as a person reads it in a message."""
    if isinstance(value, bool):  # as YAML writes it, not as Python does
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def dataset_scope_only(
    context: PolicyContext, kind: str, key: str, reads: str
) -> Iterator[tuple[str, str]]:
    """The load-time problem of a dataset-wide check kind put on a split or source scope
    (reported at parameter ``key``; ``reads`` says what the kind looks at)."""
    if context.scope != "dataset":
        yield key, f"{kind} {reads}: use 'scope: dataset'"


_MODELS: dict[str, type[BaseModel]] = {"dataset": Dataset, "split": Split, "source": Source}


def fact_problem(fact: str, scope: Scope) -> str | None:
    """What is wrong with a dotted fact path (``generator.name``) on a scope of kind
    ``scope``, with a "did you mean"; None when it names a field."""
    parts = fact.split(".")
    for depth, part in enumerate(parts):
        # A fact steps through fields only: a list's items have no single value to name.
        choices = field_names_at(_MODELS[scope], parts[:depth], by_alias=False)
        if part not in choices:
            hint = did_you_mean(part, choices)
            return f"'{fact}' names no field of a {scope}" + (f"; {hint}" if hint else "")
    return None


def follow(scope: ScopeView, fact: str) -> tuple[Any, str, str | None]:
    """(value, pointer, missing) for a dotted fact of the scope: the value (None when a part
    is absent), the pointer of the last part present, and the first part absent (or None)."""
    value: Any = scope.target
    pointer = scope.pointer
    for part in fact.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None, pointer, part
        pointer += "/" + part
    return value, pointer, None

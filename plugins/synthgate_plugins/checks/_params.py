"""Shared pieces of the built-in check kinds' parameters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from synthgate import PolicyContext

__all__ = ["Outcome3", "Severity", "dataset_scope_only", "show"]

Outcome3 = Literal["pass", "warn", "fail"]
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

"""Shared pieces of the built-in check kinds' parameters."""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["Outcome3", "Severity", "show"]

Outcome3 = Literal["pass", "warn", "fail"]
Severity = Literal["warn", "fail"]


def show(value: Any) -> str:
    """A number or value as a person reads it in a message."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)

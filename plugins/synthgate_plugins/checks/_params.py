"""Shared pieces of the built-in check kinds' parameters."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Outcome3 = Literal["pass", "warn", "fail"]
Severity = Literal["warn", "fail"]


class Params(BaseModel):
    """Parameters are strict: an unknown key is a policy error with a suggestion."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def show(value: Any) -> str:
    """A number or value as a person reads it in a message."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)

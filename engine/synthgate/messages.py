"""How an exception or a value's type reads inside a one-line message."""

from __future__ import annotations

from typing import Any

__all__ = ["exception_line", "json_type_name", "message_line", "python_type_name"]


def message_line(exc: BaseException) -> str:
    """The first line of an exception's message, or its type's name when it has none."""
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def exception_line(exc: BaseException) -> str:
    """``Type: first line of the message``: a traceback-sized message stays out of a finding or
    a listing, whose messages are one line."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def python_type_name(value: object) -> str:
    """What a plugin handed back, as Python names it: ``None``, ``a dict``, ``a MyClass``."""
    return "None" if value is None else f"a {type(value).__name__}"


def json_type_name(value: Any) -> str:
    """What a file holds, in JSON's words: ``null``, ``a number``, ``text``, ``an object``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__

"""JSON Pointers (RFC 6901): escaping reference tokens and following a pointer into plain data.

Every value a reader records is found under its JSON Pointer, and findings name the values they
concern the same way.
"""

from __future__ import annotations

from typing import Any

__all__ = ["escape_pointer", "resolve_pointer", "unescape_pointer"]


def escape_pointer(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


def unescape_pointer(token: str) -> str:
    """Undo :func:`escape_pointer` for one reference token."""
    if "~" in token:
        return token.replace("~1", "/").replace("~0", "~")
    return token


_ABSENT = object()


def resolve_pointer(data: Any, pointer: str) -> tuple[bool, Any]:
    """``(True, value)`` at ``pointer`` in plain data, or ``(False, None)`` if it is absent."""
    for raw in pointer.split("/")[1:]:
        token = unescape_pointer(raw)
        if isinstance(data, dict):
            data = data.get(token, _ABSENT)
        elif isinstance(data, list) and token.isdecimal() and int(token) < len(data):
            data = data[int(token)]
        else:
            return False, None
        if data is _ABSENT:
            return False, None
    return True, data

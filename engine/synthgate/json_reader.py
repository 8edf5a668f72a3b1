"""Reading JSON safely: :func:`json.loads` after a cheap check of its depth, and a small
non-recursive scanner for the line and column of each value, run only when one is asked for
(or to locate a problem that :func:`json.loads` found without saying where)."""

from __future__ import annotations

import json
import re
from itertools import accumulate
from typing import Any

from synthgate.errors import InputError
from synthgate.pointers import escape_pointer
from synthgate.reading import (
    MAX_INT_TEXT,
    Limits,
    duplicate_key,
    long_int,
    too_deep,
    too_many_values,
)

__all__ = ["json_positions", "parse_json"]


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


class _NonFinite(Exception):
    def __init__(self, constant: str) -> None:
        self.constant = constant


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise _NonFinite(name)


def parse_json(text: str, shown: str, limits: Limits) -> Any:
    """The plain data of JSON ``text``; every failure is an :class:`InputError` with a location."""
    if _json_too_deep(text, limits.max_depth):
        # Find where (json.loads would recurse without a bound); a scan that stops at a syntax
        # error first leaves that error to json.loads.
        _JsonScanner(text, shown, limits.max_depth, check=True).scan()
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        message, hint = _json_syntax(exc.msg)
        raise InputError.at(
            shown,
            exc.lineno,
            exc.colno,
            f"malformed JSON: {message}",
            f"fix the JSON syntax here: {hint}",
        ) from None
    except (_DuplicateKey, _NonFinite, ValueError, RecursionError) as exc:
        # The scan finds the problem where it stands; the errors below are fallbacks.
        _JsonScanner(text, shown, limits.max_depth, check=True).scan()
        if isinstance(exc, _DuplicateKey):
            raise duplicate_key(shown, 1, 1, exc.key, None) from None
        if isinstance(exc, _NonFinite):
            raise _non_finite(shown, 1, 1, exc.constant) from None
        if isinstance(exc, RecursionError):
            raise too_deep(shown, 1, 1, limits.max_depth) from None
        raise long_int(shown, 1, 1, "") from None
    if _json_values(data) > limits.max_values:
        raise too_many_values(shown, 1, 1, limits.max_values)
    return data


def json_positions(text: str, shown: str) -> dict[str, tuple[int, int]]:
    """The 0-based line and column of every value of JSON ``text`` (read without them)."""
    return _JsonScanner(text, shown, None, check=False).scan()


# The json module's messages, in synthgate's words (they differ between Python versions).
_JSON_SYNTAX: tuple[tuple[str, str, str], ...] = (
    ("expecting value", "a value is missing here", 'write a value ("text", 1, true, null, [], {})'),
    (
        "property name",
        "expected a key in double quotes",
        "quote every key with double quotes, and remove a ',' before '}'",
    ),
    ("',' delimiter", "a ',' is missing between two items", "separate items with ','"),
    ("':' delimiter", "a ':' is missing after a key", 'write "key": value'),
    ("unterminated string", "a string is not closed", "close it with a double quote"),
    ("control character", "a control character inside a string", "write it escaped (\\n, \\t)"),
    ("escape", "an invalid escape in a string", "write '\\\\' for a backslash"),
    ("extra data", "text after the end of the document", "remove it, or wrap both in a list"),
    ("trailing comma", "a ',' before a closing bracket", "remove the ','"),
)


def _json_syntax(said: str) -> tuple[str, str]:
    """Message and hint for a :class:`json.JSONDecodeError` message."""
    lowered = said.lower()
    for words, message, hint in _JSON_SYNTAX:
        if words in lowered:
            return message, hint
    return "cannot be parsed here", "check brackets, quotes and commas"


def _json_values(data: Any) -> int:
    """Scalars, lists and mappings in ``data`` (iterative: ``data`` may nest deeply)."""
    count = 0
    pending = [data]
    while pending:
        value = pending.pop()
        count += 1
        if type(value) is dict:
            pending.extend(value.values())
        elif type(value) is list:
            pending.extend(value)
    return count


def _non_finite(shown: str, line: int, column: int, constant: str) -> InputError:
    return InputError.at(
        shown,
        line,
        column,
        f"'{constant}' is not a number JSON allows",
        'write a finite number, or "unknown" where the value is not known',
    )


# --------------------------------------------------------------------------- positions

_JSON_WS = re.compile(r"[ \t\n\r]*")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_JSON_WORDS = ("true", "false", "null")
_JSON_CONSTANTS = ("NaN", "Infinity", "-Infinity")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_BRACKET_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _json_too_deep(text: str, max_depth: int) -> bool:
    """Whether JSON ``text`` nests deeper than ``max_depth`` (cheap: no parsing, no recursion)."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(map(_BRACKET_STEP.__getitem__, brackets)), default=0) > max_depth


class _JsonFrame:
    __slots__ = ("close", "count", "is_object", "keys", "pointer")

    def __init__(self, pointer: str, is_object: bool) -> None:
        self.pointer = pointer
        self.is_object = is_object
        self.close = "}" if is_object else "]"
        self.keys: set[str] = set()
        self.count = 0


class _StopScan(Exception):
    pass


class _JsonScanner:
    """The 0-based line and column of every value of JSON ``text``, under its JSON Pointer.

    As for YAML, a member of an object is found at its key, an item of an array where it
    starts. Lines are counted at newlines only (as JSON does; a NEL or U+2028 inside a string
    is text). Without recursion. With ``check``, the first duplicate key, non-finite number,
    over-long integer or nesting deeper than ``max_depth`` is raised as a located
    :class:`InputError`. A syntax error ends the scan (json.loads reports those).
    """

    __slots__ = ("check", "line", "line_start", "max_depth", "positions", "shown", "stack", "text")

    def __init__(self, text: str, shown: str, max_depth: int | None, *, check: bool) -> None:
        self.text = text
        self.shown = shown
        self.max_depth = max_depth
        self.check = check
        self.positions: dict[str, tuple[int, int]] = {}
        self.line = 0
        self.line_start = 0
        self.stack: list[_JsonFrame] = []

    def scan(self) -> dict[str, tuple[int, int]]:
        """Scan the whole text (up to a syntax error) and return the positions found."""
        try:
            pos = self._skip(0)
            pointer = ""
            self.positions[""] = self._where(pos)
            while True:  # a value starts at pos, found under pointer
                char = self.text[pos : pos + 1]
                if char == "{" or char == "[":
                    pos, member = self._open(pos, pointer, is_object=char == "{")
                    if member is not None:
                        pointer = member
                        continue
                else:
                    pos = self._scalar(pos, char)
                step = self._next_value(pos)
                if step is None:
                    break
                pos, pointer = step
        except _StopScan:
            pass
        return self.positions

    def _where(self, pos: int) -> tuple[int, int]:
        return self.line, pos - self.line_start

    def _skip(self, pos: int) -> int:
        """Past the whitespace at ``pos``, counting the lines it holds."""
        text = self.text
        end = _JSON_WS.match(text, pos).end()  # type: ignore[union-attr]  # '*' always matches
        if end > pos:
            breaks = text.count("\n", pos, end)
            if breaks:
                self.line += breaks
                self.line_start = text.rfind("\n", pos, end) + 1
        return end

    def _open(self, pos: int, pointer: str, *, is_object: bool) -> tuple[int, str | None]:
        """Enter the object or array at ``pos``: where its first value starts and its pointer,
        or where it ends and None when it is empty."""
        if self.max_depth is not None and len(self.stack) >= self.max_depth:
            line, column = self._where(pos)
            raise too_deep(self.shown, line + 1, column + 1, self.max_depth)
        frame = _JsonFrame(pointer, is_object)
        pos = self._skip(pos + 1)
        if self.text.startswith(frame.close, pos):
            return pos + 1, None
        self.stack.append(frame)
        if is_object:
            return self._key(frame, pos)
        pointer += "/0"
        self.positions[pointer] = self._where(pos)
        return pos, pointer

    def _key(self, frame: _JsonFrame, pos: int) -> tuple[int, str]:
        """Read the key at ``pos`` and the ':' after it; where its value starts and its pointer."""
        found = _JSON_STRING.match(self.text, pos)
        if found is None:
            raise _StopScan
        raw = found.group()
        try:
            key: str = json.loads(raw) if "\\" in raw else raw[1:-1]
        except ValueError:
            raise _StopScan from None
        where = self._where(pos)
        if self.check:
            if key in frame.keys:
                line, column = where[0] + 1, where[1] + 1
                raise duplicate_key(self.shown, line, column, key, frame.pointer or None)
            frame.keys.add(key)
        pointer = frame.pointer + "/" + escape_pointer(key)
        self.positions[pointer] = where
        pos = self._skip(found.end())
        if not self.text.startswith(":", pos):
            raise _StopScan
        return self._skip(pos + 1), pointer

    def _scalar(self, pos: int, char: str) -> int:
        """Past the string, number or literal that starts at ``pos`` with ``char``."""
        text = self.text
        if char == '"':
            found = _JSON_STRING.match(text, pos)
            if found is None:
                raise _StopScan
            return found.end()
        number = _JSON_NUMBER.match(text, pos)
        if number is not None:
            whole = number.group(1) is None and number.group(2) is None
            if self.check and whole and number.end() - pos > MAX_INT_TEXT + (char == "-"):
                line, column = self._where(pos)
                raise long_int(self.shown, line + 1, column + 1, number.group())
            return number.end()
        for word in _JSON_WORDS:
            if text.startswith(word, pos):
                return pos + len(word)
        for word in _JSON_CONSTANTS:
            if text.startswith(word, pos):
                if self.check:
                    line, column = self._where(pos)
                    raise _non_finite(self.shown, line + 1, column + 1, word)
                return pos + len(word)
        raise _StopScan

    def _next_value(self, pos: int) -> tuple[int, str] | None:
        """After a value ending at ``pos``: close what ends there, and return where the next
        value starts and its pointer, or None at the end of the document."""
        stack = self.stack
        while True:
            pos = self._skip(pos)
            if not stack:
                return None
            frame = stack[-1]
            char = self.text[pos : pos + 1]
            if char == frame.close:
                stack.pop()
                pos += 1
                continue
            if char != ",":
                raise _StopScan
            pos = self._skip(pos + 1)
            if frame.is_object:
                return self._key(frame, pos)
            frame.count += 1
            pointer = f"{frame.pointer}/{frame.count}"
            self.positions[pointer] = self._where(pos)
            return pos, pointer

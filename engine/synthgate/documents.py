"""Safe reading of YAML and JSON files, keeping the line and column of every value.

Documents are built from the parser's event stream rather than with a PyYAML constructor, so that
nothing is ever instantiated from a tag, nesting and alias expansion are bounded without
recursion, duplicate keys are caught, and each value's position is recorded under its JSON
Pointer as it is read. JSON is parsed with :func:`json.loads` after a cheap check of its depth;
its positions come from a small non-recursive scanner, run only when a position is asked for.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import json
import os
import re
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml import events as ev
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.parser import Parser as _PyParser
from yaml.reader import Reader as _Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner as _Scanner

from synthgate.errors import InputError, excerpt

__all__ = [
    "DEFAULT_LIMITS",
    "Document",
    "Limits",
    "escape_pointer",
    "parse_text",
    "read_document",
    "read_input_bytes",
    "resolve_pointer",
    "unescape_pointer",
]


class _PurePythonParser(_Reader, _Scanner, _PyParser):
    """PyYAML's pure-Python event parser: the fallback, and the second opinion on errors."""

    def __init__(self, stream: str) -> None:
        _Reader.__init__(self, stream)
        _Scanner.__init__(self)
        _PyParser.__init__(self)

    def dispose(self) -> None:
        pass


try:  # the C parser is most of an audit's speed; the pure-Python one is a fallback
    from yaml._yaml import CParser as _Parser

    C_PARSER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = _PurePythonParser  # type: ignore[misc,assignment]
    C_PARSER = False

_warned_no_c_parser = False


def _warn_once_without_c_parser() -> None:
    global _warned_no_c_parser
    if not C_PARSER and not _warned_no_c_parser:
        _warned_no_c_parser = True
        print(
            "synthgate: PyYAML was built without libyaml; reading YAML will be several times "
            "slower (reinstall PyYAML with libyaml for speed)",
            file=sys.stderr,
        )


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one input file may cost to read."""

    max_bytes: int = 10 * 1024 * 1024
    max_depth: int = 64
    max_alias_nodes: int = 10_000
    max_values: int = 200_000
    """Scalars, lists and mappings in one file: what reading and validating it costs grows with
    each (a 10 MiB list of one-letter items held 1.3 GB), however small the bytes."""


DEFAULT_LIMITS = Limits()

_TAG = "tag:yaml.org,2002:"
_SAFE_TAGS = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
) | {"!"}
_STR = _TAG + "str"
_INT = _TAG + "int"
_FLOAT = _TAG + "float"
_BOOL = _TAG + "bool"
_NULL = _TAG + "null"
_TIMESTAMP = _TAG + "timestamp"
_MAP_TAGS = frozenset({None, "!", _TAG + "map"})
_SEQ_TAGS = frozenset({None, "!", _TAG + "seq"})
_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_MAX_INT_TEXT = 4300
"""Longest integer text read (Python's own bound on decimal digits); longer is an error."""
_resolver = Resolver()
_constructor = SafeConstructor()


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


@dataclass(slots=True)
class Document:
    """A parsed file: its data and where each value stands in it."""

    path: str
    data: Any
    format: str
    text: str = field(repr=False)
    positions: dict[str, tuple[int, int]] | None = field(default=None, repr=False)
    line_offset: int = 0
    mapped_from: dict[str, str] | None = field(default=None, repr=False)
    """For data mapped from another format: JSON Pointer of a value -> the field(s) of the
    original file it was taken from, in words ('annotations_creators: [crowdsourced]')."""

    def locate(self, pointer: str) -> tuple[int, int]:
        """1-based line and column of the value at ``pointer``, or of its nearest ancestor."""
        if self.positions is None:
            self.positions = _positions_for(self)
        ptr = pointer
        while True:
            pos = self.positions.get(ptr)
            if pos is not None:
                return pos[0] + 1 + self.line_offset, pos[1] + 1
            if not ptr:
                return 1 + self.line_offset, 1
            ptr = ptr.rsplit("/", 1)[0]


def _positions_for(doc: Document) -> dict[str, tuple[int, int]]:
    """Positions for a document read without them (JSON): scan its text once."""
    return _scan_json(doc.text, doc.path, sys.maxsize, check=False)


def read_document(
    path: str | os.PathLike[str],
    limits: Limits = DEFAULT_LIMITS,
    display: str | None = None,
) -> Document:
    """Read a YAML or JSON file safely; every failure is an :class:`InputError` with a location."""
    shown = display if display is not None else str(path)
    raw = read_input_bytes(path, limits, shown)
    return parse_bytes(raw, shown, limits, json_format=Path(path).suffix.lower() == ".json")


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
# A FIFO must not block the open, nor a terminal become the process's controlling one.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_OPEN_FLAGS |= getattr(os, "O_BINARY", 0)


def special_file_kind(mode: int) -> str | None:
    """What a file of ``mode`` is in words (``"a FIFO (named pipe)"``), or None for a regular
    file."""
    if stat.S_ISREG(mode):
        return None
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "not a regular file"


def not_regular(path: str | os.PathLike[str], shown: str, kind: str) -> InputError:
    """The error for an input that exists but is ``kind``, not a regular file."""
    through = " (through a symbolic link)" if os.path.islink(path) else ""
    return InputError.at(
        shown,
        1,
        1,
        f"is {kind}{through}, not a regular file; only regular files are read",
        "name a regular file, or exclude this path",
    )


def missing(path: str | os.PathLike[str]) -> str | None:
    """Why nothing can be read at ``path`` ("does not exist", or the system's reason, such as a
    name that is too long), or None when something is there (perhaps not a regular file)."""
    try:
        os.lstat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "does not exist"
        return f"cannot be used: {exc.strerror or exc}"
    return None


def read_input_bytes(path: str | os.PathLike[str], limits: Limits, shown: str) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limits.max_bytes`` of them.

    Anything but a regular file (a directory, FIFO, device or socket, also behind a symbolic
    link) is an :class:`InputError` saying what it is, found without reading it or blocking on
    it. The bound holds while reading (at most one byte past it is read), so a file whose size
    ``stat`` does not tell (``/proc``) or that grows meanwhile cannot make a read unbounded.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise _cannot_read(shown, exc) from None
    try:
        info = os.fstat(fd)
        kind = special_file_kind(info.st_mode)
        if kind is not None:
            raise not_regular(path, shown, kind)
        if info.st_size > limits.max_bytes:
            raise _too_large(shown, info.st_size, limits)
        chunks: list[bytes] = []
        left = limits.max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise _cannot_read(shown, exc) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > limits.max_bytes:
        raise InputError.at(
            shown,
            1,
            1,
            f"file is over the limit of {limits.max_bytes:,} bytes",
            "split the manifest, or raise the limit with --max-file-size",
        )
    return raw


def _cannot_read(shown: str, exc: OSError) -> InputError:
    return InputError.at(
        shown,
        1,
        1,
        f"cannot read file: {exc.strerror or exc}",
        "check the path and permissions",
    )


def _too_large(shown: str, size: int, limits: Limits) -> InputError:
    return InputError.at(
        shown,
        1,
        1,
        f"file is {size:,} bytes, over the limit of {limits.max_bytes:,} bytes",
        "split the manifest, or raise the limit with --max-file-size",
    )


def parse_bytes(raw: bytes, shown: str, limits: Limits, *, json_format: bool) -> Document:
    """Decode UTF-8 bytes and parse them (see :func:`parse_text`)."""
    if len(raw) > limits.max_bytes:
        raise _too_large(shown, len(raw), limits)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
        start = exc.start + bom  # the decoder counts from after the BOM
        line_start = raw.rfind(b"\n", 0, start) + 1
        # Columns count characters, as everywhere else: decode the valid start of the line.
        before = raw[max(line_start, bom) : start].decode("utf-8", "replace")
        raise InputError.at(
            shown,
            raw.count(b"\n", 0, start) + 1,
            len(before) + 1,
            f"byte 0x{raw[start]:02x} is not valid UTF-8",
            "save the file as UTF-8 (manifests and policies must be UTF-8 text)",
        ) from None
    # Text decoded from UTF-8 holds no lone surrogate: skip parse_text's check for one.
    return _parse_decoded(text, shown, limits, json_format=json_format)


def parse_text(
    text: str, shown: str, limits: Limits = DEFAULT_LIMITS, *, json_format: bool = False
) -> Document:
    """Parse YAML (or JSON) text into a :class:`Document`."""
    if json_format:  # (the YAML reader finds lone surrogates itself, at no extra cost)
        _refuse_lone_surrogates(text, shown)
    return _parse_decoded(text, shown, limits, json_format=json_format)


def _parse_decoded(text: str, shown: str, limits: Limits, *, json_format: bool) -> Document:
    """:func:`parse_text` for text known to be valid Unicode."""
    if json_format:
        return _parse_json(text, shown, limits)
    _warn_once_without_c_parser()
    positions: dict[str, tuple[int, int]] = {}
    data = _build(text, shown, limits, positions)
    return Document(shown, data, "yaml", text, positions)


def _refuse_lone_surrogates(text: str, shown: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _lone_surrogate(text, shown, exc, json_lines=True) from None


def _lone_surrogate(
    text: str, shown: str, exc: UnicodeEncodeError, *, json_lines: bool = False
) -> InputError:
    if json_lines:  # JSON breaks lines at newlines only
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
    else:
        line, column = _text_position(text, exc.start)
    return InputError.at(
        shown,
        line,
        column,
        f"character U+{ord(text[exc.start]):04X} (a lone surrogate) is not valid Unicode text",
        "save the file as UTF-8 text; the text was not decoded from a valid file",
    )


_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _text_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``text[index]``, lines broken as YAML does."""
    line, start = 1, 0
    for found in _YAML_BREAK.finditer(text, 0, index):
        line, start = line + 1, found.end()
    return line, index - start + 1


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


def _parse_json(text: str, shown: str, limits: Limits) -> Document:
    if _json_too_deep(text, limits.max_depth):
        # Find where (json.loads would recurse without a bound); a scan that stops at a syntax
        # error first leaves that error to json.loads.
        _scan_json(text, shown, limits.max_depth, check=True)
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
        _scan_json(text, shown, limits.max_depth, check=True)
        if isinstance(exc, _DuplicateKey):
            raise _duplicate_key(shown, 1, 1, exc.key, None) from None
        if isinstance(exc, _NonFinite):
            raise _non_finite(shown, 1, 1, exc.constant) from None
        if isinstance(exc, RecursionError):
            raise _too_deep(shown, 1, 1, limits.max_depth) from None
        raise _long_int(shown, 1, 1, "") from None
    if _json_values(data) > limits.max_values:
        raise _too_many_values(shown, 1, 1, limits.max_values)
    return Document(shown, data, "json", text, None)


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


def _too_many_values(shown: str, line: int, column: int, max_values: int) -> InputError:
    return InputError.at(
        shown,
        line,
        column,
        f"more than {max_values:,} values in one file",
        "split the file: describe each dataset in a manifest of its own",
    )


def _duplicate_key(shown: str, line: int, column: int, key: str, pointer: str | None) -> InputError:
    return InputError.at(
        shown,
        line,
        column,
        f"duplicate key {excerpt(key)}",
        "remove or rename one of them: a later value must not hide an earlier one",
        pointer=pointer,
    )


def _non_finite(shown: str, line: int, column: int, constant: str) -> InputError:
    return InputError.at(
        shown,
        line,
        column,
        f"'{constant}' is not a number JSON allows",
        'write a finite number, or "unknown" where the value is not known',
    )


def _too_deep(shown: str, line: int, column: int, max_depth: int) -> InputError:
    return InputError.at(
        shown,
        line,
        column,
        f"nesting is deeper than {max_depth} levels",
        "flatten the structure; no manifest or policy needs this depth",
    )


def _long_int(shown: str, line: int, column: int, value: str) -> InputError:
    shown_value = f"'{value[:20]}...' " if value else ""
    return InputError.at(
        shown,
        line,
        column,
        f"integer {shown_value}is longer than {_MAX_INT_TEXT} digits",
        "write a smaller number (no count or measure needs this many digits)",
    )


# --------------------------------------------------------------------------- JSON positions

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
    __slots__ = ("count", "is_object", "keys", "pointer")

    def __init__(self, pointer: str, is_object: bool) -> None:
        self.pointer = pointer
        self.is_object = is_object
        self.keys: set[str] = set()
        self.count = 0


class _StopScan(Exception):
    pass


def _scan_json(text: str, shown: str, max_depth: int, *, check: bool) -> dict[str, tuple[int, int]]:
    """The 0-based line and column of every value of JSON ``text``, under its JSON Pointer.

    As for YAML, a member of an object is found at its key, an item of an array where it
    starts. Lines are counted at newlines only (as JSON does; a NEL or U+2028 inside a string
    is text). Without recursion. With ``check``, the first duplicate key, non-finite number,
    over-long integer or nesting deeper than ``max_depth`` is raised as a located
    :class:`InputError`. A syntax error ends the scan (json.loads reports those).
    """
    positions: dict[str, tuple[int, int]] = {}
    n = len(text)
    line = 0
    line_start = 0
    skip_ws = _JSON_WS.match
    match_string = _JSON_STRING.match
    match_number = _JSON_NUMBER.match
    stack: list[_JsonFrame] = []

    def skip(pos: int) -> int:
        nonlocal line, line_start
        end = skip_ws(text, pos).end()  # type: ignore[union-attr]  # '*' always matches
        if end > pos:
            breaks = text.count("\n", pos, end)
            if breaks:
                line += breaks
                line_start = text.rfind("\n", pos, end) + 1
        return end

    def scan_key(frame: _JsonFrame, pos: int) -> tuple[int, str]:
        """Read the key at ``pos`` and the ':' after it; where its value starts and its pointer."""
        found = match_string(text, pos)
        if found is None:
            raise _StopScan
        raw = found.group()
        try:
            key: str = json.loads(raw) if "\\" in raw else raw[1:-1]
        except ValueError:
            raise _StopScan from None
        where = (line, pos - line_start)
        if check:
            if key in frame.keys:
                raise _duplicate_key(shown, where[0] + 1, where[1] + 1, key, frame.pointer or None)
            frame.keys.add(key)
        pointer = frame.pointer + "/" + escape_pointer(key)
        positions[pointer] = where
        pos = skip(found.end())
        if pos >= n or text[pos] != ":":
            raise _StopScan
        return skip(pos + 1), pointer

    try:
        pos = skip(0)
        pointer = ""
        positions[""] = (line, pos - line_start)
        expect_value = True
        while True:
            if expect_value:
                char = text[pos] if pos < n else ""
                if char == "{" or char == "[":
                    if len(stack) >= max_depth:
                        raise _too_deep(shown, line + 1, pos - line_start + 1, max_depth)
                    is_object = char == "{"
                    pos = skip(pos + 1)
                    if pos < n and text[pos] == ("}" if is_object else "]"):
                        pos += 1
                        expect_value = False
                        continue
                    stack.append(_JsonFrame(pointer, is_object))
                    if is_object:
                        pos, pointer = scan_key(stack[-1], pos)
                    else:
                        pointer += "/0"
                        positions[pointer] = (line, pos - line_start)
                    continue
                if char == '"':
                    found = match_string(text, pos)
                    if found is None:
                        raise _StopScan
                    pos = found.end()
                elif (number := match_number(text, pos)) is not None:
                    if (
                        check
                        and number.group(1) is None
                        and number.group(2) is None
                        and number.end() - pos > _MAX_INT_TEXT + (char == "-")
                    ):
                        raise _long_int(shown, line + 1, pos - line_start + 1, number.group())
                    pos = number.end()
                else:
                    for word in _JSON_WORDS:
                        if text.startswith(word, pos):
                            pos += len(word)
                            break
                    else:
                        for word in _JSON_CONSTANTS:
                            if text.startswith(word, pos):
                                if check:
                                    raise _non_finite(shown, line + 1, pos - line_start + 1, word)
                                pos += len(word)
                                break
                        else:
                            raise _StopScan
                expect_value = False
                continue
            pos = skip(pos)
            if not stack:
                break
            frame = stack[-1]
            char = text[pos] if pos < n else ""
            if char == ",":
                pos = skip(pos + 1)
                if frame.is_object:
                    pos, pointer = scan_key(frame, pos)
                else:
                    frame.count += 1
                    pointer = f"{frame.pointer}/{frame.count}"
                    positions[pointer] = (line, pos - line_start)
                expect_value = True
            elif char == ("}" if frame.is_object else "]"):
                stack.pop()
                pos += 1
            else:
                raise _StopScan
    except _StopScan:
        pass
    return positions


def _mark(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _not_allowed(shown: str, event: Any) -> InputError:
    line, column = _mark(event)
    return InputError.at(
        shown,
        line,
        column,
        f"YAML tag '{event.tag}' is not allowed",
        "remove the tag: manifests and policies are plain data, nothing in them is constructed",
    )


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _int(value: str) -> int:
    """A YAML 1.1 integer, as yaml.safe_load reads it (0100 is octal, 0x1f hex, 1_000, 1:30)."""
    if len(value) > _MAX_INT_TEXT:
        raise OverflowError(value)
    if value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1):
        return int(value)  # plain decimal, the common case
    return _constructor.construct_yaml_int(ScalarNode(_INT, value))


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:  # YAML 1.1 forms: .inf, .NaN, 1__0.5, 190:20:30.15
        return _constructor.construct_yaml_float(ScalarNode(_FLOAT, value))


def _quote(value: str) -> str:
    """``value`` in quotes for a message, escaped, and shortened when long."""
    return excerpt(value)


_WHAT = {
    _INT: "a whole number",
    _FLOAT: "a number",
    _BOOL: "true or false",
    _NULL: "null",
    _TIMESTAMP: "a date",
    _TAG + "map": "a mapping",
    _TAG + "seq": "a list",
}


def _tagged_otherwise(shown: str, line: int, column: int, value: str, tag: str) -> InputError:
    """The error for a scalar whose explicit tag names a type the value is not."""
    short, what = _short_tag(tag), _WHAT[tag]
    return InputError.at(
        shown,
        line,
        column,
        f"{_quote(value)} is tagged '{short}' but is not {what}",
        f"remove the '{short}' tag, or write {what}",
    )


def _scalar(event: ev.ScalarEvent, shown: str) -> Any:
    value: str = event.value
    tag = event.tag
    explicit = tag is not None
    if tag is None:
        if not event.implicit[0]:
            return value  # quoted: text
        tag = _resolver.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
        if tag == _STR:
            return value
    elif tag not in _SAFE_TAGS:
        raise _not_allowed(shown, event)
    elif tag == _STR or tag == "!":
        return value
    try:
        if tag == _INT:
            return _int(value)
        if tag == _FLOAT:
            return _float(value)
        if tag == _BOOL:
            flag = _BOOLS.get(value.lower())
            if flag is None:
                raise ValueError(value)
            return flag
        if tag == _NULL:
            if value not in _NULLS:
                raise ValueError(value)
            return None
        if tag == _TIMESTAMP:
            if _constructor.timestamp_regexp.match(value) is None:
                raise ValueError(value)
            stamp = _constructor.construct_yaml_timestamp(ScalarNode(tag, value))
            return stamp.isoformat() if isinstance(stamp, _dt.datetime) else stamp
    except OverflowError:
        line, column = _mark(event)
        raise _long_int(shown, line, column, value) from None
    except (ValueError, IndexError):
        line, column = _mark(event)
        if tag == _TIMESTAMP:
            raise InputError.at(
                shown,
                line,
                column,
                f"{_quote(value)} is not a valid date",
                "write dates as YYYY-MM-DD",
            ) from None
        if not explicit:  # YAML 1.1 resolves it to a number that Python cannot read ('0b_')
            raise InputError.at(
                shown,
                line,
                column,
                f"{_quote(value)} looks like {_WHAT[tag]} but is not one",
                f"quote it to make it text, or write {_WHAT[tag]}",
            ) from None
        raise _tagged_otherwise(shown, line, column, value, tag) from None
    line, column = _mark(event)
    if tag == _TAG + "merge":
        raise InputError.at(
            shown,
            line,
            column,
            "YAML merge keys ('<<') are not supported",
            "write the fields out in full so that every value has one place",
        )
    if tag in _WHAT:  # !!map or !!seq on a scalar
        raise _tagged_otherwise(shown, line, column, value, tag)
    raise InputError.at(  # the YAML 1.1 'value' type ('=')
        shown, line, column, f"unsupported YAML value type '{tag}'", "quote the value"
    )


def _not_printable(text: str, shown: str, position: int) -> InputError:
    """The error for a character the YAML reader refuses at ``position``."""
    if C_PARSER:  # libyaml counts bytes of the UTF-8 text
        position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    position = min(position, len(text) - 1) if text else 0
    line, column = _text_position(text, position)
    shown_char = f"U+{ord(text[position]):04X} " if text else ""
    return InputError.at(
        shown,
        line,
        column,
        f"character {shown_char}is not allowed in YAML",
        "remove the control character (only tab, newline and printable text)",
    )


def _container_tag(shown: str, event: Any, is_mapping: bool) -> InputError:
    tag = event.tag
    if tag not in _SAFE_TAGS:
        return _not_allowed(shown, event)
    line, column = _mark(event)
    short = _short_tag(tag)
    return InputError.at(
        shown,
        line,
        column,
        f"a {'mapping' if is_mapping else 'list'} is tagged '{short}'",
        f"remove the '{short}' tag",
    )


# What synthgate says about a YAML syntax error, whichever parser (libyaml or PyYAML's own, of
# whichever version) found it: the library's wording is matched here and never shown.
_SYNTAX_HINT = "fix the YAML syntax here (indentation, quotes, a missing ':' or '-')"
_SYNTAX: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("tab",),
        "a tab character where indentation must be spaces",
        "fix the YAML syntax here: indent with spaces only",
    ),
    (
        ("cannot start any token",),
        "a character that cannot start a YAML value",
        "fix the YAML syntax here: quote a value that starts with '@', '`' or '%'",
    ),
    (
        ("mapping values",),
        "mapping values are not allowed here: a ':' where no key can start",
        "fix the YAML syntax here: quote a value that contains ': ', or fix the indentation",
    ),
    (
        ("expected ':'",),
        "a key without ':' (or a multi-line value that is not quoted)",
        "fix the YAML syntax here: add ':' after the key, or quote the value",
    ),
    (
        ("end of stream",),
        "the file ends inside a quoted value",
        "fix the YAML syntax here: close the quote that starts the value",
    ),
    (
        ("escape",),
        "an unknown escape sequence in a double-quoted value",
        "fix the YAML syntax here: use single quotes, or write '\\\\' for a backslash",
    ),
    (
        ("alphabetic or numeric",),
        "an anchor or alias without a valid name",
        "fix the YAML syntax here: '&' and '*' are followed by a name of letters, digits, '-', '_'",
    ),
    (
        ("tag",),
        "an undefined or malformed tag",
        "fix the YAML syntax here: remove the tag; manifests and policies need none",
    ),
    (
        ("sequence entries", "'-' indicator", "block collection"),
        "a list entry ('- ') that does not line up with the entries above",
        "fix the YAML syntax here: align '- ' with the other entries of the list",
    ),
    (
        ("','", "']'", "'}'", "flow"),
        "a '[...]' or '{...}' is not closed, or its items are not separated by ','",
        "fix the YAML syntax here: separate items with ',' and close with ']' or '}'",
    ),
    (
        ("directive", "document"),
        "a YAML directive or document marker where none can stand",
        "fix the YAML syntax here: remove the '%' line or the stray '---' / '...'",
    ),
    (
        ("comment or a line break", "comment or line break"),
        "text after a value where only a comment can follow",
        "fix the YAML syntax here: quote the value, or put a space before '#'",
    ),
    (
        ("expected key", "block end", "node content", "block mapping"),
        "the indentation does not match the lines above",
        _SYNTAX_HINT,
    ),
)


def _syntax_error(text: str, shown: str, exc: yaml.YAMLError, limits: Limits) -> InputError:
    """The located error for a YAML syntax error, in synthgate's words."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    said = f"{getattr(exc, 'problem', '') or ''} {getattr(exc, 'context', '') or ''}".lower()
    if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        said = "tab"  # libyaml does not say which character it could not read
    if "nesting" in said:  # a parser's own depth bound, above ours: say it as ours
        return _too_deep(shown, line, column, limits.max_depth)
    for words, message, hint in _SYNTAX:
        if any(word in said for word in words):
            return InputError.at(shown, line, column, f"malformed YAML: {message}", hint)
    return InputError.at(shown, line, column, "malformed YAML: cannot be parsed here", _SYNTAX_HINT)


def _line_start(text: str, line: int) -> int:
    """Offset in ``text`` where 0-based ``line`` starts (``len(text)`` past the last line)."""
    start = 0
    for _ in range(line):
        found = text.find("\n", start)
        if found < 0:
            return len(text)
        start = found + 1
    return start


def _char_at(text: str, line: int, column: int) -> str:
    """The character at 0-based ``line`` and ``column`` of ``text``, or ''."""
    start = _line_start(text, line)
    return text[start + column : start + column + 1]


_RECHECK_CHARS = 1 << 20


def _recheck(text: str, shown: str, limits: Limits, exc: yaml.YAMLError) -> None:
    """Raise synthgate's own error if one of its checks fires before libyaml's error.

    libyaml reads ahead and has bounds of its own (newer builds stop at 1,000 nesting levels,
    reported before synthgate sees the 65th): the pure-Python parser over the text up to the
    error's line decides. Its own syntax errors (the cut text ends early) are not used.
    """
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return
    end = _line_start(text, mark.line + 1)  # the error's line, with its line break
    if end > _RECHECK_CHARS:  # one very long line: up to the error's own position
        end = min(end, max(mark.index, 0) + 1)
    with contextlib.suppress(_CutShort):
        _build(text[:end], shown, limits, {}, _PurePythonParser, partial=True)


class _CutShort(Exception):
    """A cut prefix ended in a syntax error, or held nothing: no finding of synthgate's own."""


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_mark", "nodes", "pointer")

    def __init__(self, container: Any, pointer: str, anchor: str | None) -> None:
        self.container = container
        self.pointer = pointer
        self.key: Any = _NO_KEY
        self.key_mark: tuple[int, int] = (0, 0)
        self.anchor = anchor
        self.nodes = 1


_NO_KEY = object()


def _build(
    text: str,
    shown: str,
    limits: Limits,
    positions: dict[str, tuple[int, int]],
    parser_class: Callable[[str], Any] | None = None,
    *,
    partial: bool = False,
) -> Any:
    """Turn the event stream of ``text`` into plain data, filling ``positions`` (0-based).

    ``partial``: ``text`` is a cut prefix read only for synthgate's own checks; a syntax error
    or an empty result is then not an error of its own (:class:`_CutShort`).
    """
    try:
        parser = (parser_class or _Parser)(text)
    except UnicodeEncodeError as exc:  # libyaml reads UTF-8: a lone surrogate cannot be encoded
        raise _lone_surrogate(text, shown, exc) from None
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    alias_nodes = 0
    values = 0
    # Sizes of values only matter for anchors, which need an '&': most files have none.
    counting = "&" in text
    root: Any = _NO_KEY
    documents = 0
    get_event: Callable[[], Any] = parser.get_event
    try:
        while True:
            try:
                event = get_event()
            except yaml.reader.ReaderError as exc:
                if partial:  # positions count differently in the pure-Python reader
                    raise _CutShort from None
                raise _not_printable(text, shown, exc.position) from None
            except yaml.YAMLError as exc:
                if partial:
                    raise _CutShort from None
                _recheck(text, shown, limits, exc)
                raise _syntax_error(text, shown, exc, limits) from None
            etype = type(event)
            if (
                etype is ev.ScalarEvent
                or etype is ev.MappingStartEvent
                or etype is ev.SequenceStartEvent
            ):
                values += 1
                if values > limits.max_values:
                    line, column = _mark(event)
                    raise _too_many_values(shown, line, column, limits.max_values)
            if etype is ev.ScalarEvent:
                value = _scalar(event, shown)
                is_container = False
                nodes = 1
            elif etype is ev.MappingStartEvent or etype is ev.SequenceStartEvent:
                is_mapping = etype is ev.MappingStartEvent
                if event.tag not in (_MAP_TAGS if is_mapping else _SEQ_TAGS):
                    raise _container_tag(shown, event, is_mapping)
                value = {} if is_mapping else []
                is_container = True
                if len(stack) >= limits.max_depth:
                    line, column = _mark(event)
                    raise _too_deep(shown, line, column, limits.max_depth)
            elif etype is ev.MappingEndEvent or etype is ev.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.container, frame.nodes)
                if counting and stack:
                    stack[-1].nodes += frame.nodes
                continue
            elif etype is ev.AliasEvent:
                target = anchors.get(event.anchor)
                if target is None:  # an anchor not defined yet, or one that contains the alias
                    line, column = _mark(event)
                    raise InputError.at(
                        shown,
                        line,
                        column,
                        f"unknown alias '*{event.anchor}'",
                        f"define the anchor ('&{event.anchor}') before this alias; an alias "
                        "cannot stand inside the value it refers to",
                    )
                value, nodes = target
                alias_nodes += nodes
                if alias_nodes > limits.max_alias_nodes:
                    line, column = _mark(event)
                    raise InputError.at(
                        shown,
                        line,
                        column,
                        f"YAML aliases expand to more than {limits.max_alias_nodes:,} values",
                        "write the repeated values out, or use fewer aliases of large anchors",
                    )
                is_container = False
            elif etype is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line, column = _mark(event)
                    raise InputError.at(
                        shown,
                        line,
                        column,
                        "more than one YAML document in the file",
                        "put each manifest or policy in its own file (remove the extra '---')",
                    )
                continue
            elif etype is ev.StreamEndEvent:
                break
            else:
                continue

            if stack:
                top = stack[-1]
                if counting and not is_container:
                    top.nodes += nodes
                container = top.container
                if type(container) is dict:
                    if top.key is _NO_KEY:
                        if is_container or type(value) is not str:
                            line, column = _mark(event)
                            raise InputError.at(
                                shown,
                                line,
                                column,
                                "mapping keys must be text",
                                "quote the key (for example '\"2024\":' or '\"yes\":')",
                            )
                        top.key = value
                        top.key_mark = (event.start_mark.line, event.start_mark.column)
                        continue
                    key = top.key
                    top.key = _NO_KEY
                    if key in container:
                        line, column = top.key_mark[0] + 1, top.key_mark[1] + 1
                        raise _duplicate_key(shown, line, column, key, top.pointer or None)
                    container[key] = value
                    pointer = top.pointer + "/" + escape_pointer(key)
                    positions[pointer] = top.key_mark  # a mapping entry is found at its key
                else:
                    pointer = top.pointer + "/" + str(len(container))
                    container.append(value)
                    positions[pointer] = (event.start_mark.line, event.start_mark.column)
            else:
                root = value
                pointer = ""
                positions[""] = (event.start_mark.line, event.start_mark.column)
            if is_container:
                stack.append(_Frame(value, pointer, event.anchor))
            elif etype is ev.ScalarEvent and event.anchor is not None:
                anchors[event.anchor] = (value, 1)
    finally:
        parser.dispose()
    if root is _NO_KEY:
        if partial:
            raise _CutShort
        raise InputError.at(
            shown, 1, 1, "file is empty", "write a manifest (see 'synthgate init') or remove it"
        )
    return root

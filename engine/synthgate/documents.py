"""Safe reading of YAML and JSON files, keeping the line and column of every value.

This module reads the file (a regular file only, its size bounded while reading) and hands its
text to a reader: :mod:`synthgate.yaml_reader` builds YAML from the parser's event stream,
:mod:`synthgate.json_reader` reads JSON; both follow the bounds of :class:`Limits`. Values are
found by JSON Pointer (:mod:`synthgate.pointers`).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgate.errors import InputError
from synthgate.json_reader import json_positions, parse_json
from synthgate.pointers import escape_pointer, resolve_pointer, unescape_pointer
from synthgate.reading import DEFAULT_LIMITS, Limits, lone_surrogate, too_large
from synthgate.yaml_reader import C_PARSER as C_PARSER
from synthgate.yaml_reader import Parser, PurePythonParser, parse_yaml

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

_Parser = Parser
"""The event parser YAML files are read with (libyaml's where PyYAML has it)."""
_PurePythonParser = PurePythonParser


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
    return json_positions(doc.text, doc.path)


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
            raise too_large(shown, info.st_size, limits)
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


def parse_bytes(raw: bytes, shown: str, limits: Limits, *, json_format: bool) -> Document:
    """Decode UTF-8 bytes and parse them (see :func:`parse_text`)."""
    if len(raw) > limits.max_bytes:
        raise too_large(shown, len(raw), limits)
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
        return Document(shown, parse_json(text, shown, limits), "json", text, None)
    data, positions = parse_yaml(text, shown, limits, _Parser)
    return Document(shown, data, "yaml", text, positions)


def _refuse_lone_surrogates(text: str, shown: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # JSON breaks lines at newlines only
        line = text.count("\n", 0, exc.start) + 1
        column = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise lone_surrogate(shown, line, column, text[exc.start]) from None

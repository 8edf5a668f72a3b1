"""Reading YAML safely: plain data built from the parser's event stream, with the line and
column of every value recorded under its JSON Pointer as it is read.

Documents are built from events rather than with a PyYAML constructor, so that nothing is ever
instantiated from a tag, nesting and alias expansion are bounded without recursion, duplicate
keys are caught, and positions cost nothing extra. libyaml's parser is used where PyYAML was
built with it; PyYAML's own pure-Python parser is the fallback, and the second opinion on
errors (:func:`_recheck`).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Callable
from typing import Any

import yaml
import yaml.reader
from yaml import events as ev
from yaml.parser import Parser as _PyParser
from yaml.reader import Reader as _Reader
from yaml.scanner import Scanner as _Scanner

from synthgate.errors import InputError
from synthgate.pointers import escape_pointer
from synthgate.reading import Limits, duplicate_key, lone_surrogate, too_deep, too_many_values
from synthgate.yaml_scalars import SAFE_TAGS, TAG, mark, not_allowed, scalar_value, short_tag

__all__ = ["C_PARSER", "Parser", "PurePythonParser", "build_yaml", "parse_yaml", "text_position"]


class PurePythonParser(_Reader, _Scanner, _PyParser):
    """PyYAML's pure-Python event parser: the fallback, and the second opinion on errors."""

    def __init__(self, stream: str) -> None:
        _Reader.__init__(self, stream)
        _Scanner.__init__(self)
        _PyParser.__init__(self)

    def dispose(self) -> None:
        pass


try:  # the C parser is most of an audit's speed; the pure-Python one is a fallback
    from yaml._yaml import CParser as Parser

    C_PARSER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    Parser = PurePythonParser  # type: ignore[misc,assignment]
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


_MAP_TAGS = frozenset({None, "!", TAG + "map"})
_SEQ_TAGS = frozenset({None, "!", TAG + "seq"})


def parse_yaml(
    text: str, shown: str, limits: Limits, parser_class: Callable[[str], Any] | None = None
) -> tuple[Any, dict[str, tuple[int, int]]]:
    """The plain data of YAML ``text`` and the 0-based position of each value, by JSON Pointer;
    every failure is an :class:`InputError` with a location. ``parser_class``: the event parser
    (:data:`Parser` unless told)."""
    _warn_once_without_c_parser()
    positions: dict[str, tuple[int, int]] = {}
    return build_yaml(text, shown, limits, positions, parser_class), positions


_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def text_position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``text[index]``, lines broken as YAML does."""
    line, start = 1, 0
    for found in _YAML_BREAK.finditer(text, 0, index):
        line, start = line + 1, found.end()
    return line, index - start + 1


def _not_printable(text: str, shown: str, position: int) -> InputError:
    """The error for a character the YAML reader refuses at ``position``."""
    if C_PARSER:  # libyaml counts bytes of the UTF-8 text
        position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    position = min(position, len(text) - 1) if text else 0
    line, column = text_position(text, position)
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
    if tag not in SAFE_TAGS:
        return not_allowed(shown, event)
    line, column = mark(event)
    short = short_tag(tag)
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
        return too_deep(shown, line, column, limits.max_depth)
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
        build_yaml(text[:end], shown, limits, {}, PurePythonParser, partial=True)


class _CutShort(Exception):
    """A cut prefix ended in a syntax error, or held nothing: no finding of synthgate's own."""


_NO_KEY = object()


class _Frame:
    """A list or mapping being filled: where it stands, and the key waiting for its value."""

    __slots__ = ("anchor", "container", "key", "key_mark", "nodes", "pointer")

    def __init__(self, container: Any, pointer: str, anchor: str | None) -> None:
        self.container = container
        self.pointer = pointer
        self.key: Any = _NO_KEY
        self.key_mark: tuple[int, int] = (0, 0)
        self.anchor = anchor
        self.nodes = 1


def build_yaml(
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
        parser = (parser_class or Parser)(text)
    except UnicodeEncodeError as exc:  # libyaml reads UTF-8: a lone surrogate cannot be encoded
        line, column = text_position(text, exc.start)
        raise lone_surrogate(shown, line, column, text[exc.start]) from None
    return _Builder(text, shown, limits, positions, partial=partial).build(parser)


class _Builder:
    """Plain data from a YAML event stream, one method per kind of event.

    A stack of :class:`_Frame` holds the lists and mappings being filled; each value is put
    where the top frame says and its position recorded under its pointer. The bounds of
    :class:`Limits` are checked as the events come.
    """

    __slots__ = (
        "alias_nodes",
        "anchors",
        "counting",
        "documents",
        "handlers",
        "limits",
        "partial",
        "positions",
        "root",
        "shown",
        "stack",
        "text",
        "values",
    )

    def __init__(
        self,
        text: str,
        shown: str,
        limits: Limits,
        positions: dict[str, tuple[int, int]],
        *,
        partial: bool,
    ) -> None:
        self.text = text
        self.shown = shown
        self.limits = limits
        self.positions = positions
        self.partial = partial
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.alias_nodes = 0
        self.values = 0
        # Sizes of values only matter for anchors, which need an '&': most files have none.
        self.counting = "&" in text
        self.root: Any = _NO_KEY
        self.documents = 0
        self.handlers: dict[type, Callable[[Any], None]] = {
            ev.ScalarEvent: self.scalar,
            ev.MappingStartEvent: self.mapping_start,
            ev.SequenceStartEvent: self.sequence_start,
            ev.MappingEndEvent: self.collection_end,
            ev.SequenceEndEvent: self.collection_end,
            ev.AliasEvent: self.alias,
            ev.DocumentStartEvent: self.document_start,
        }

    def build(self, parser: Any) -> Any:
        """Read every event of ``parser`` and return the document's root value."""
        handlers = self.handlers
        get_event: Callable[[], Any] = parser.get_event
        stream_end = ev.StreamEndEvent
        try:
            while True:
                try:
                    event = get_event()
                except yaml.YAMLError as exc:
                    raise self._parse_error(exc) from None
                handler = handlers.get(type(event))
                if handler is not None:
                    handler(event)
                elif type(event) is stream_end:
                    break
        finally:
            parser.dispose()
        if self.root is _NO_KEY:
            if self.partial:
                raise _CutShort
            raise InputError.at(
                self.shown,
                1,
                1,
                "file is empty",
                "write a manifest (see 'synthgate init') or remove it",
            )
        return self.root

    def _parse_error(self, exc: yaml.YAMLError) -> Exception:
        """What to raise for the parser's own error ``exc``."""
        if self.partial:  # (positions count differently in the pure-Python reader)
            return _CutShort()
        if isinstance(exc, yaml.reader.ReaderError):
            return _not_printable(self.text, self.shown, exc.position)
        _recheck(self.text, self.shown, self.limits, exc)
        return _syntax_error(self.text, self.shown, exc, self.limits)

    def _too_many(self, event: Any) -> InputError:
        line, column = mark(event)
        return too_many_values(self.shown, line, column, self.limits.max_values)

    def scalar(self, event: ev.ScalarEvent) -> None:
        """A scalar: its value put in place (or kept as the key of the next one)."""
        self.values += 1
        if self.values > self.limits.max_values:
            raise self._too_many(event)
        value = scalar_value(event, self.shown)
        if self._place(event, value, 1) is not None and event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)

    def mapping_start(self, event: ev.MappingStartEvent) -> None:
        """A mapping opens: put in place, and filled by the events up to its end."""
        self._open(event, {}, _MAP_TAGS, is_mapping=True)

    def sequence_start(self, event: ev.SequenceStartEvent) -> None:
        """A list opens: put in place, and filled by the events up to its end."""
        self._open(event, [], _SEQ_TAGS, is_mapping=False)

    def _open(
        self, event: Any, container: Any, tags: frozenset[str | None], *, is_mapping: bool
    ) -> None:
        self.values += 1
        if self.values > self.limits.max_values:
            raise self._too_many(event)
        if event.tag not in tags:
            raise _container_tag(self.shown, event, is_mapping)
        if len(self.stack) >= self.limits.max_depth:
            line, column = mark(event)
            raise too_deep(self.shown, line, column, self.limits.max_depth)
        pointer = self._place(event, container, 0)
        assert pointer is not None  # a list or mapping is never taken as a key
        self.stack.append(_Frame(container, pointer, event.anchor))

    def collection_end(self, event: Any) -> None:
        """A list or mapping closes: its anchor now refers to it, with the values it holds."""
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.container, frame.nodes)
        if self.counting and self.stack:
            self.stack[-1].nodes += frame.nodes

    def alias(self, event: Any) -> None:
        """An alias: the anchored value put in place again, counted against the alias bound."""
        target = self.anchors.get(event.anchor)
        if target is None:  # an anchor not defined yet, or one that contains the alias
            line, column = mark(event)
            raise InputError.at(
                self.shown,
                line,
                column,
                f"unknown alias '*{event.anchor}'",
                f"define the anchor ('&{event.anchor}') before this alias; an alias "
                "cannot stand inside the value it refers to",
            )
        value, nodes = target
        self.alias_nodes += nodes
        if self.alias_nodes > self.limits.max_alias_nodes:
            line, column = mark(event)
            raise InputError.at(
                self.shown,
                line,
                column,
                f"YAML aliases expand to more than {self.limits.max_alias_nodes:,} values",
                "write the repeated values out, or use fewer aliases of large anchors",
            )
        self._place(event, value, nodes)

    def document_start(self, event: ev.DocumentStartEvent) -> None:
        """A document starts: only one is read from a file."""
        self.documents += 1
        if self.documents > 1:
            line, column = mark(event)
            raise InputError.at(
                self.shown,
                line,
                column,
                "more than one YAML document in the file",
                "put each manifest or policy in its own file (remove the extra '---')",
            )

    def _place(self, event: Any, value: Any, nodes: int) -> str | None:
        """Put ``value`` (of ``nodes`` values; 0 for a list or mapping just opened) where the
        stack says: its pointer, or None when it is the key of a mapping's next value."""
        stack = self.stack
        if not stack:
            self.root = value
            self.positions[""] = (event.start_mark.line, event.start_mark.column)
            return ""
        top = stack[-1]
        if self.counting:
            top.nodes += nodes
        container = top.container
        if type(container) is list:
            pointer = top.pointer + "/" + str(len(container))
            container.append(value)
            self.positions[pointer] = (event.start_mark.line, event.start_mark.column)
            return pointer
        key = top.key
        if key is _NO_KEY:  # the key of the mapping's next value
            if type(value) is not str:
                raise self._key_not_text(event)
            top.key = value
            top.key_mark = (event.start_mark.line, event.start_mark.column)
            return None
        top.key = _NO_KEY
        if key in container:
            line, column = top.key_mark[0] + 1, top.key_mark[1] + 1
            raise duplicate_key(self.shown, line, column, key, top.pointer or None)
        container[key] = value
        pointer = top.pointer + "/" + escape_pointer(key)
        self.positions[pointer] = top.key_mark  # a mapping entry is found at its key
        return pointer

    def _key_not_text(self, event: Any) -> InputError:
        line, column = mark(event)
        return InputError.at(
            self.shown,
            line,
            column,
            "mapping keys must be text",
            "quote the key (for example '\"2024\":' or '\"yes\":')",
        )

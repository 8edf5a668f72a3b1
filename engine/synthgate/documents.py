"""Safe reading of YAML and JSON files, keeping the line and column of every value.

Documents are built from the parser's event stream rather than with a PyYAML constructor, so that
nothing is ever instantiated from a tag, nesting and alias expansion are bounded without
recursion, duplicate keys are caught, and each value's position is recorded under its JSON
Pointer as it is read.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml import events as ev
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from synthgate.errors import InputError

__all__ = [
    "DEFAULT_LIMITS",
    "Document",
    "Limits",
    "escape_pointer",
    "parse_text",
    "read_document",
]

try:  # the C parser is most of an audit's speed; the pure-Python one is a fallback
    from yaml._yaml import CParser as _Parser

    C_PARSER = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner

    class _Parser(_Reader, _Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _PyParser.__init__(self)

        def dispose(self) -> None:
            pass

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


DEFAULT_LIMITS = Limits()

_TAG = "tag:yaml.org,2002:"
_SAFE_TAGS = frozenset(
    _TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
) | {"!"}
_TRUE = frozenset({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})
_resolver = Resolver()
_constructor = SafeConstructor()


def escape_pointer(token: str) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    if "~" in token or "/" in token:
        return token.replace("~", "~0").replace("/", "~1")
    return token


@dataclass(slots=True)
class Document:
    """A parsed file: its data and where each value stands in it."""

    path: str
    data: Any
    format: str
    text: str = field(repr=False)
    positions: dict[str, tuple[int, int]] | None = field(default=None, repr=False)
    line_offset: int = 0

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
    """Positions for a document read without them (JSON): re-read its text as YAML flow."""
    positions: dict[str, tuple[int, int]] = {}
    try:
        _build(doc.text, doc.path, DEFAULT_LIMITS, positions, json_scalars=True)
    except (InputError, yaml.YAMLError):
        positions.clear()
    return positions


def read_document(
    path: str | os.PathLike[str],
    limits: Limits = DEFAULT_LIMITS,
    display: str | None = None,
) -> Document:
    """Read a YAML or JSON file safely; every failure is an :class:`InputError` with a location."""
    shown = display if display is not None else str(path)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limits.max_bytes:
            raise _too_large(shown, size, limits)
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError.at(
            shown,
            1,
            1,
            f"cannot read file: {exc.strerror or exc}",
            "check the path and permissions",
        ) from None
    return parse_bytes(raw, shown, limits, json_format=p.suffix.lower() == ".json")


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
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InputError.at(
            shown,
            line,
            column,
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            "save the file as UTF-8 (manifests and policies must be UTF-8 text)",
        ) from None
    return parse_text(text, shown, limits, json_format=json_format)


def parse_text(
    text: str, shown: str, limits: Limits = DEFAULT_LIMITS, *, json_format: bool = False
) -> Document:
    """Parse YAML (or JSON) text into a :class:`Document`."""
    if json_format:
        return _parse_json(text, shown)
    _warn_once_without_c_parser()
    positions: dict[str, tuple[int, int]] = {}
    data = _build(text, shown, limits, positions, json_scalars=False)
    return Document(shown, data, "yaml", text, positions)


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _parse_json(text: str, shown: str) -> Document:
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError.at(
            shown, exc.lineno, exc.colno, f"malformed JSON: {exc.msg}", "fix the JSON syntax here"
        ) from None
    except _DuplicateKey as exc:
        # Re-read as YAML flow to find where the repeated key stands.
        try:
            _build(text, shown, DEFAULT_LIMITS, {}, json_scalars=True)
        except InputError as located:
            raise located from None
        except yaml.YAMLError:
            pass
        raise InputError.at(
            shown, 1, 1, f"duplicate key '{exc.key}'", "remove or rename the repeated key"
        ) from None
    except ValueError as exc:
        raise InputError.at(
            shown,
            1,
            1,
            f"'{exc}' is not a number JSON allows",
            'write a finite number, or "unknown" where the value is not known',
        ) from None
    return Document(shown, data, "json", text, None)


def _mark(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _scalar(event: ev.ScalarEvent, shown: str, json_scalars: bool) -> Any:
    value: str = event.value
    tag = event.tag
    if tag is not None and tag not in _SAFE_TAGS:
        line, column = _mark(event)
        raise InputError.at(
            shown,
            line,
            column,
            f"YAML tag '{tag}' is not allowed",
            "remove the tag: manifests and policies are plain data, nothing in them is constructed",
        )
    if tag is None and event.implicit[0]:
        if json_scalars:
            try:
                return json.loads(value)
            except ValueError:
                return value
        tag = _resolver.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    elif tag is None or tag == "!":
        return value
    if tag == _TAG + "str":
        return value
    if tag == _TAG + "int":
        try:
            return int(value)
        except ValueError:
            return _constructor.construct_yaml_int(ScalarNode(tag, value))
    if tag == _TAG + "float":
        try:
            return float(value)
        except ValueError:
            return _constructor.construct_yaml_float(ScalarNode(tag, value))
    if tag == _TAG + "bool":
        return value in _TRUE
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "timestamp":
        try:
            stamp = _constructor.construct_yaml_timestamp(ScalarNode(tag, value))
        except ValueError:
            line, column = _mark(event)
            raise InputError.at(
                shown, line, column, f"'{value}' is not a valid date", "write dates as YYYY-MM-DD"
            ) from None
        if isinstance(stamp, _dt.datetime):
            return stamp.isoformat()
        return stamp
    line, column = _mark(event)
    if tag == _TAG + "merge":
        raise InputError.at(
            shown,
            line,
            column,
            "YAML merge keys ('<<') are not supported",
            "write the fields out in full so that every value has one place",
        )
    raise InputError.at(  # pragma: no cover - every resolvable tag is handled above
        shown, line, column, f"unsupported YAML value type '{tag}'", "quote the value"
    )


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
    *,
    json_scalars: bool,
) -> Any:
    """Turn the event stream of ``text`` into plain data, filling ``positions`` (0-based)."""
    parser = _Parser(text)
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    alias_nodes = 0
    root: Any = _NO_KEY
    documents = 0
    get_event: Callable[[], Any] = parser.get_event
    try:
        while True:
            try:
                event = get_event()
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                problem = exc.problem or exc.context or "cannot parse"
                raise InputError.at(
                    shown,
                    line,
                    column,
                    f"malformed YAML: {problem}",
                    "fix the YAML syntax here (indentation, quotes, a missing ':' or '-')",
                ) from None
            except yaml.reader.ReaderError as exc:
                before = text[: exc.position]
                line = before.count("\n") + 1
                column = exc.position - (before.rfind("\n") + 1) + 1
                raise InputError.at(
                    shown,
                    line,
                    column,
                    f"character {exc.character!r} is not allowed in YAML",
                    "remove the control character (only tab, newline and printable text)",
                ) from None
            except yaml.YAMLError as exc:  # pragma: no cover - other parser failures
                raise InputError.at(
                    shown, 1, 1, f"malformed YAML: {exc}", "fix the YAML syntax"
                ) from None
            etype = type(event)
            nodes = 1
            if etype is ev.ScalarEvent:
                value = _scalar(event, shown, json_scalars)
                is_container = False
            elif etype is ev.MappingStartEvent or etype is ev.SequenceStartEvent:
                tag = event.tag
                if tag is not None and tag not in _SAFE_TAGS:
                    line, column = _mark(event)
                    raise InputError.at(
                        shown,
                        line,
                        column,
                        f"YAML tag '{tag}' is not allowed",
                        "remove the tag: manifests and policies are plain data, "
                        "nothing in them is constructed",
                    )
                value = {} if etype is ev.MappingStartEvent else []
                is_container = True
                if len(stack) >= limits.max_depth:
                    line, column = _mark(event)
                    raise InputError.at(
                        shown,
                        line,
                        column,
                        f"nesting is deeper than {limits.max_depth} levels",
                        "flatten the structure; no manifest or policy needs this depth",
                    )
            elif etype is ev.MappingEndEvent or etype is ev.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.container, frame.nodes)
                if stack:
                    stack[-1].nodes += frame.nodes
                continue
            elif etype is ev.AliasEvent:
                target = anchors.get(event.anchor)
                if target is None:  # pragma: no cover - the parser rejects unknown anchors
                    line, column = _mark(event)
                    raise InputError.at(shown, line, column, f"unknown alias '*{event.anchor}'")
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
                top.nodes += nodes if not is_container else 0
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
                        raise InputError.at(
                            shown,
                            line,
                            column,
                            f"duplicate key '{key}'",
                            "remove or rename one of them: a later value must not hide an "
                            "earlier one",
                            pointer=top.pointer or None,
                        )
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
        raise InputError.at(
            shown, 1, 1, "file is empty", "write a manifest (see 'synthgate init') or remove it"
        )
    return root

"""The value of one YAML scalar: its tag resolved as PyYAML's safe loader resolves it (YAML 1.1
implicit types), then text, a number, true/false, null or a date (as ISO text) built from it.

Nothing is constructed from a tag that is not one of these; a value its tag does not fit is a
located error. Most scalars of a manifest are plain text or plain decimal integers:
:func:`plain_tag` settles those from their first character (or the whole word) before asking
the full resolver, which tries its regular expressions one by one.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from yaml import events as ev
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from synthgate.errors import InputError, excerpt
from synthgate.reading import MAX_INT_TEXT, long_int

__all__ = ["SAFE_TAGS", "TAG", "mark", "not_allowed", "plain_tag", "scalar_value", "short_tag"]

TAG = "tag:yaml.org,2002:"
SAFE_TAGS = frozenset(
    TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
) | {"!"}
"""Tags a value may carry: the safe loader's types, and the non-specific '!'."""
_STR = TAG + "str"
_INT = TAG + "int"
_FLOAT = TAG + "float"
_BOOL = TAG + "bool"
_NULL = TAG + "null"
_TIMESTAMP = TAG + "timestamp"
_MERGE = TAG + "merge"
_BOOLS = {"yes": True, "no": False, "true": True, "false": False, "on": True, "off": False}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_resolver = Resolver()
_constructor = SafeConstructor()

# The fast path of plain_tag, read off the resolver's own table: a plain scalar is only ever
# resolved by the expressions filed under its first character ('' for the empty scalar).
_IMPLICIT: dict[Any, list[tuple[str, Any]]] = Resolver.yaml_implicit_resolvers
_RESOLVED_FIRST = frozenset(_IMPLICIT)
"""First characters some implicit type can start with; a scalar starting otherwise is text."""
_WORD_FIRST = frozenset(
    first
    for first, resolvers in _IMPLICIT.items()
    if first is not None and {tag for tag, _ in resolvers} <= {_BOOL, _NULL}
)
"""First characters only the true/false and null words start with ('y', 'n', '~', ...)."""
_WORDS = dict.fromkeys(
    ("yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE"),
    _BOOL,
)
_WORDS.update(dict.fromkeys(("on", "On", "ON", "off", "Off", "OFF"), _BOOL))
_WORDS.update(dict.fromkeys(("", "~", "null", "Null", "NULL"), _NULL))
"""Every word the bool and null expressions match (with no line break in it)."""


def plain_tag(value: str) -> str:
    """The tag PyYAML's resolver gives the plain scalar ``value`` (without tag or quotes).

    Decided without the resolver where a cheap test settles it: a first character no implicit
    type starts with (text), a first character only the true/false and null words start with
    (the word, or text), or ASCII decimal digits with no leading zero (an integer).
    """
    first = value[:1]
    if first not in _RESOLVED_FIRST:
        return _STR
    if first in _WORD_FIRST:
        if "\n" not in value:  # the expressions' '$' also matches before a final line break
            return _WORDS.get(value, _STR)
    elif value.isdigit() and value.isascii() and (first != "0" or len(value) == 1):
        return _INT
    return _resolver.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call,no-any-return]


def scalar_value(event: ev.ScalarEvent, shown: str) -> Any:
    """The plain value of a scalar ``event`` read from ``shown``, or a located error."""
    value: str = event.value
    tag = event.tag
    if tag is None:
        if not event.implicit[0] or value[:1] not in _RESOLVED_FIRST:
            return value  # quoted, or plain text by its first character (as in plain_tag)
        tag = plain_tag(value)
        if tag == _STR:
            return value
    elif tag == _STR or tag == "!":
        return value
    elif tag not in SAFE_TAGS:
        raise not_allowed(shown, event)
    construct = _CONSTRUCT.get(tag)
    if construct is None:
        raise _no_scalar_type(shown, event, value, tag)
    try:
        return construct(value)
    except OverflowError:
        line, column = mark(event)
        raise long_int(shown, line, column, value) from None
    except (ValueError, IndexError):
        raise _unreadable(shown, event, value, tag) from None


def mark(node: Any) -> tuple[int, int]:
    """1-based line and column where an event or node starts."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def not_allowed(shown: str, event: Any) -> InputError:
    """The error for a tag outside :data:`SAFE_TAGS`."""
    line, column = mark(event)
    return InputError.at(
        shown,
        line,
        column,
        f"YAML tag '{event.tag}' is not allowed",
        "remove the tag: manifests and policies are plain data, nothing in them is constructed",
    )


def short_tag(tag: str) -> str:
    """``!!int`` for ``tag:yaml.org,2002:int``; any other tag as it is."""
    return "!!" + tag[len(TAG) :] if tag.startswith(TAG) else tag


def _int(value: str) -> int:
    """A YAML 1.1 integer, as yaml.safe_load reads it (0100 is octal, 0x1f hex, 1_000, 1:30)."""
    if len(value) > MAX_INT_TEXT:
        raise OverflowError(value)
    if value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1):
        return int(value)  # plain decimal, the common case
    return _constructor.construct_yaml_int(ScalarNode(_INT, value))


def _float(value: str) -> float:
    try:
        return float(value)
    except ValueError:  # YAML 1.1 forms: .inf, .NaN, 1__0.5, 190:20:30.15
        return _constructor.construct_yaml_float(ScalarNode(_FLOAT, value))


def _bool(value: str) -> bool:
    flag = _BOOLS.get(value.lower())
    if flag is None:
        raise ValueError(value)
    return flag


def _null(value: str) -> None:
    if value not in _NULLS:
        raise ValueError(value)


def _timestamp(value: str) -> Any:
    if _constructor.timestamp_regexp.match(value) is None:
        raise ValueError(value)
    stamp = _constructor.construct_yaml_timestamp(ScalarNode(_TIMESTAMP, value))
    return stamp.isoformat() if isinstance(stamp, _dt.datetime) else stamp


_CONSTRUCT: dict[str, Callable[[str], Any]] = {
    _INT: _int,
    _FLOAT: _float,
    _BOOL: _bool,
    _NULL: _null,
    _TIMESTAMP: _timestamp,
}

_WHAT = {
    _INT: "a whole number",
    _FLOAT: "a number",
    _BOOL: "true or false",
    _NULL: "null",
    _TIMESTAMP: "a date",
    TAG + "map": "a mapping",
    TAG + "seq": "a list",
}


def _unreadable(shown: str, event: Any, value: str, tag: str) -> InputError:
    """The error for a scalar that its tag (given or resolved) says is a type it cannot be."""
    line, column = mark(event)
    if tag == _TIMESTAMP:
        message = f"{excerpt(value)} is not a valid date"
        return InputError.at(shown, line, column, message, "write dates as YYYY-MM-DD")
    if event.tag is None:  # YAML 1.1 resolves it to a number that Python cannot read ('0b_')
        return InputError.at(
            shown,
            line,
            column,
            f"{excerpt(value)} looks like {_WHAT[tag]} but is not one",
            f"quote it to make it text, or write {_WHAT[tag]}",
        )
    return _tagged_otherwise(shown, line, column, value, tag)


def _no_scalar_type(shown: str, event: Any, value: str, tag: str) -> InputError:
    """The error for a scalar whose tag names no scalar type synthgate reads."""
    line, column = mark(event)
    if tag == _MERGE:
        return InputError.at(
            shown,
            line,
            column,
            "YAML merge keys ('<<') are not supported",
            "write the fields out in full so that every value has one place",
        )
    if tag in _WHAT:  # !!map or !!seq on a scalar
        return _tagged_otherwise(shown, line, column, value, tag)
    return InputError.at(  # the YAML 1.1 'value' type ('=')
        shown, line, column, f"unsupported YAML value type '{tag}'", "quote the value"
    )


def _tagged_otherwise(shown: str, line: int, column: int, value: str, tag: str) -> InputError:
    """The error for a scalar whose explicit tag names a type the value is not."""
    short, what = short_tag(tag), _WHAT[tag]
    return InputError.at(
        shown,
        line,
        column,
        f"{excerpt(value)} is tagged '{short}' but is not {what}",
        f"remove the '{short}' tag, or write {what}",
    )

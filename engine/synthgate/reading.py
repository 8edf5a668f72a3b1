"""What the YAML and JSON readers share: the bounds on one input file (:class:`Limits`) and the
located errors both raise in the same words."""

from __future__ import annotations

from dataclasses import dataclass

from synthgate.errors import InputError, excerpt

__all__ = ["DEFAULT_LIMITS", "MAX_INT_TEXT", "Limits"]


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

MAX_INT_TEXT = 4300
"""Longest integer text read (Python's own bound on decimal digits); longer is an error."""


def too_large(shown: str, size: int, limits: Limits) -> InputError:
    """The error for a file of ``size`` bytes, over ``limits.max_bytes``."""
    return InputError.at(
        shown,
        1,
        1,
        f"file is {size:,} bytes, over the limit of {limits.max_bytes:,} bytes",
        "split the manifest, or raise the limit with --max-file-size",
    )


def too_many_values(shown: str, line: int, column: int, max_values: int) -> InputError:
    """The error at the first value past ``max_values``."""
    return InputError.at(
        shown,
        line,
        column,
        f"more than {max_values:,} values in one file",
        "split the file: describe each dataset in a manifest of its own",
    )


def too_deep(shown: str, line: int, column: int, max_depth: int) -> InputError:
    """The error at the first list or mapping nested deeper than ``max_depth``."""
    return InputError.at(
        shown,
        line,
        column,
        f"nesting is deeper than {max_depth} levels",
        "flatten the structure; no manifest or policy needs this depth",
    )


def long_int(shown: str, line: int, column: int, value: str) -> InputError:
    """The error for an integer longer than :data:`MAX_INT_TEXT` digits (``value``, if known)."""
    shown_value = f"'{value[:20]}...' " if value else ""
    return InputError.at(
        shown,
        line,
        column,
        f"integer {shown_value}is longer than {MAX_INT_TEXT} digits",
        "write a smaller number (no count or measure needs this many digits)",
    )


def duplicate_key(shown: str, line: int, column: int, key: str, pointer: str | None) -> InputError:
    """The error at the second ``key`` of one mapping (at ``pointer``)."""
    return InputError.at(
        shown,
        line,
        column,
        f"duplicate key {excerpt(key)}",
        "remove or rename one of them: a later value must not hide an earlier one",
        pointer=pointer,
    )


def lone_surrogate(shown: str, line: int, column: int, char: str) -> InputError:
    """The error for a lone surrogate ``char`` in text that was not decoded from UTF-8."""
    return InputError.at(
        shown,
        line,
        column,
        f"character U+{ord(char):04X} (a lone surrogate) is not valid Unicode text",
        "save the file as UTF-8 text; the text was not decoded from a valid file",
    )

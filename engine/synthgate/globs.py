"""Path globs as configuration and waivers write them, matched in linear time."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = ["glob_match"]


def glob_match(path: str, pattern: str) -> bool:
    """True if the ``/``-separated relative ``path`` matches ``pattern``.

    A pattern without ``/`` matches the file name at any depth (as in ``.gitignore``); with
    ``/`` it matches the whole relative path, ``**`` standing for any number of directories.
    Matching runs the pattern as an automaton over the path, one character at a time with the
    set of places the pattern may stand at: its time is linear in the path's length (times the
    pattern's), so no pattern can make it backtrack.
    """
    pattern = pattern.removeprefix("./")
    if "/" not in pattern.rstrip("/"):
        name = _compiled(pattern.rstrip("/"), names=True)
        return any(name.matches(part) for part in _parts(path))
    return _compiled(pattern.rstrip("/"), names=False).matches(path)


def _parts(path: str) -> Iterator[str]:
    yield from path.split("/")


# Steps of a compiled glob: each consumes one character, except _SPLIT (go on at the next step
# and at its target) and the end.
_LITERAL, _ONE, _ONE_IN_NAME, _STAR, _ANY, _CLASS, _SPLIT = range(7)


@dataclass(frozen=True, slots=True)
class _Glob:
    """A glob as steps, with the set of steps reached from each step without consuming (as a
    bit mask; bit ``len(steps)`` is the end, the one above it "below a matched directory")."""

    steps: tuple[tuple[int, Any], ...]
    reach: tuple[int, ...]
    below_directory: bool
    """Whether matching a directory matches everything below it (path patterns)."""
    moves: dict[int, dict[str, int]] = field(default_factory=dict, compare=False)
    """Memo of :meth:`_step` (a lazily built DFA): paths share most of their characters, so
    most steps are one lookup; bounded, past which steps are computed each time."""

    def matches(self, text: str) -> bool:
        current = self.reach[0]
        moves = self.moves
        for char in text:
            row = moves.get(current)
            if row is None:
                row = {} if len(moves) < _MAX_MEMO_STATES else None
                if row is not None:
                    moves[current] = row
            following = row.get(char) if row is not None else None
            if following is None:
                following = self._step(current, char)
                if row is not None and len(row) < _MAX_MEMO_CHARS:
                    row[char] = following
            if not following:
                return False
            current = following
        end = len(self.steps)
        return bool(current >> end)

    def _step(self, current: int, char: str) -> int:
        """The steps reached from the set ``current`` by consuming ``char``."""
        end = len(self.steps)
        end_bit, below_bit = 1 << end, 1 << (end + 1)
        following = 0
        pending = current
        while pending:
            low = pending & -pending
            pending ^= low
            if low >= end_bit:
                if self.below_directory and (low == below_bit or char == "/"):
                    following |= below_bit
                continue
            index = low.bit_length() - 1
            kind, arg = self.steps[index]
            if kind == _LITERAL:
                if char == arg:
                    following |= self.reach[index + 1]
            elif kind == _ONE:
                following |= self.reach[index + 1]
            elif kind == _ONE_IN_NAME:
                if char != "/":
                    following |= self.reach[index + 1]
            elif kind == _STAR:
                if char != "/":
                    following |= self.reach[index]
            elif kind == _ANY:
                following |= self.reach[index]
            elif arg.match(char) is not None:  # _CLASS
                following |= self.reach[index + 1]
        return following


_MAX_MEMO_STATES = 4096
_MAX_MEMO_CHARS = 256


@functools.cache
def _compiled(pattern: str, *, names: bool) -> _Glob:
    """``pattern`` as a :class:`_Glob`: fnmatch's meaning for a name pattern (``*``, ``?``,
    ``[...]``); for a path pattern ``*`` and ``?`` within one directory, ``**`` across them."""
    steps: list[tuple[int, Any]] = []
    i = 0
    while i < len(pattern):
        if names:
            if pattern[i] == "*":
                steps.append((_ANY, None))
                i += 1
            elif pattern[i] == "?":
                steps.append((_ONE, None))
                i += 1
            elif pattern[i] == "[" and (close := _class_end(pattern, i)) is not None:
                # fnmatch's own translation of one bracket: it matches a single character.
                steps.append((_CLASS, re.compile(fnmatch.translate(pattern[i : close + 1]))))
                i = close + 1
            else:
                steps.append((_LITERAL, pattern[i]))
                i += 1
        elif pattern.startswith("**/", i):  # no directories, or any ending in '/'
            steps.append((_SPLIT, len(steps) + 3))
            steps.append((_ANY, None))
            steps.append((_LITERAL, "/"))
            i += 3
        elif pattern.startswith("**", i):
            steps.append((_ANY, None))
            i += 2
        elif pattern[i] == "*":
            steps.append((_STAR, None))
            i += 1
        elif pattern[i] == "?":
            steps.append((_ONE_IN_NAME, None))
            i += 1
        else:
            steps.append((_LITERAL, pattern[i]))
            i += 1
    reach = [0] * (len(steps) + 1)
    reach[len(steps)] = 1 << len(steps)
    for index in range(len(steps) - 1, -1, -1):  # every jump goes forward: one pass back
        kind, arg = steps[index]
        if kind == _SPLIT:
            reach[index] = reach[index + 1] | reach[arg]
        elif kind in (_STAR, _ANY):
            reach[index] = (1 << index) | reach[index + 1]
        else:
            reach[index] = 1 << index
    return _Glob(tuple(steps), tuple(reach), below_directory=not names)


def _class_end(pattern: str, start: int) -> int | None:
    """Index of the ``]`` closing the bracket expression at ``start``, found as fnmatch finds
    it; None when it is not closed (then ``[`` is an ordinary character)."""
    j = start + 1
    if j < len(pattern) and pattern[j] == "!":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    close = pattern.find("]", j)
    return close if close != -1 else None

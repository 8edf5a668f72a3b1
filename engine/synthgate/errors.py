"""Errors that reach the user: each names a place in a file, what is wrong and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from synthgate.escaping import printable

__all__ = [
    "InputError",
    "LocatedValueError",
    "PolicyError",
    "Problem",
    "SynthgateError",
    "Terminated",
    "UsageError",
    "did_you_mean",
    "excerpt",
]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one input file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    pointer: str | None = None

    def render(self) -> str:
        """Format as ``file:line:column: [pointer: ]message`` plus an indented hint line, every
        part escaped (see :func:`synthgate.escaping.printable`): a value quoted from a file
        never starts a line of its own."""
        where = f"{printable(self.pointer)}: " if self.pointer else ""
        text = f"{printable(self.path)}:{self.line}:{self.column}: {where}{printable(self.message)}"
        if self.hint:
            text += f"\n  hint: {printable(self.hint)}"
        return text


class SynthgateError(Exception):
    """Base class of every error synthgate reports without a traceback (exit code 2)."""

    exit_code = 2

    def render(self) -> str:
        """The text shown to the user."""
        return str(self)


class UsageError(SynthgateError):
    """The command line asks for something that cannot be done."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def render(self) -> str:
        hint = f"\n  hint: {printable(self.hint)}" if self.hint else ""
        return f"error: {printable(self.message)}{hint}"


class InputError(SynthgateError):
    """A file that cannot be trusted: one or more problems, each with a location."""

    kind = "input error"

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("an InputError needs at least one problem")
        self.problems = tuple(problems)
        super().__init__(self.problems[0].render())

    @classmethod
    def at(
        cls,
        path: str,
        line: int,
        column: int,
        message: str,
        hint: str = "",
        pointer: str | None = None,
    ) -> InputError:
        """An error with a single problem."""
        return cls([Problem(path, line, column, message, hint, pointer)])

    def render(self) -> str:
        return "\n".join(p.render() for p in self.problems)


class LocatedValueError(ValueError):
    """A model validator's complaint about a value inside the model it validates.

    ``loc`` leads from that model to the value (as pydantic's locations do), so that the problem
    is reported where the value stands rather than at the start of the model.
    """

    def __init__(self, message: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.loc = loc


class PolicyError(InputError):
    """A policy pack that cannot be loaded: a typo is a load error, never a silent no-match."""

    kind = "policy error"


def excerpt(value: object, limit: int = 40) -> str:
    """``value`` as a message quotes it: ``repr`` (control and bidi characters escaped), cut to
    ``limit`` characters of the original, so that an error about a file that is not what it
    was read as never echoes much of it."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return repr(text) if isinstance(value, str) else text


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``did you mean 'x'?`` suffix for the closest choice, or a list of valid ones when few."""
    options = sorted(set(choices))
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if options and len(options) <= 12:
        return "expected one of: " + ", ".join(options)
    return ""


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived while outputs were open (see ``synthgate.outputs``).

    A :class:`BaseException`, like :class:`KeyboardInterrupt`, so that no ``except Exception``
    swallows it on the way out; the command line exits with 128 + the signal's number.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum

"""``fact``: one declared fact of the scope must (or must not) take certain values.

Cheaper than ``json-schema`` for the common case of one field, and said in the rule's words:
``fact: decoding.strategy``, ``forbidden: [greedy, beam]``. What the fact's path leads
through may be absent (no ``decoding`` at all): ``when_absent`` says what that means; a fact
left ``unknown`` gets ``when_unknown``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import Field, model_validator

from synthgate.plugin import CheckContext, CheckKind, CheckParams, Outcome, PolicyContext, ScopeView
from synthgate_plugins.checks._kind_params import CheckVerdict, Severity, fact_problem, follow, show

__all__ = ["FACT", "FactParams"]

Value = str | int | float | bool


class FactParams(CheckParams):
    """``fact`` (a dotted path from the scope), ``allowed`` or ``forbidden`` values, and the
    verdicts when the path is absent or the fact is ``unknown``."""

    fact: str = Field(min_length=1)
    allowed: list[Value] | None = None
    forbidden: list[Value] | None = None
    verdict: Severity = "fail"
    message: str = ""
    """What the finding says when the fact breaks the rule (the fact's value follows)."""
    when_absent: CheckVerdict = "pass"
    when_unknown: CheckVerdict = "warn"

    @model_validator(mode="after")
    def _one_list(self) -> FactParams:
        if (self.allowed is None) == (self.forbidden is None):
            raise ValueError("give 'allowed' or 'forbidden' (one of them)")
        return self

    def expected(self) -> str:
        """The constraint in words."""
        if self.allowed is not None:
            return f"{self.fact} is one of: {', '.join(show(v) for v in self.allowed)}"
        assert self.forbidden is not None
        return f"{self.fact} is none of: {', '.join(show(v) for v in self.forbidden)}"


def _validate(params: FactParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    problem = fact_problem(params.fact, context.scope)
    if problem is not None:
        yield "fact", problem


def _same(a: Any, b: Any) -> bool:
    """Equal as a person means it: ``true`` is not 1, and text compares without case."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    return bool(a == b)


def _run(scope: ScopeView, params: FactParams, context: CheckContext) -> Iterator[Outcome]:
    value, pointer, absent = follow(scope, params.fact)
    expected = params.expected()
    if absent is not None:
        yield Outcome(
            params.when_absent,
            "absent",
            expected,
            f"{scope.kind} has no {params.fact}",
            pointer=pointer,
        )
        return
    if isinstance(value, str) and value == "unknown":
        yield Outcome(
            params.when_unknown,
            "unknown",
            expected,
            f"{params.fact} is not declared",
            pointer=pointer,
        )
        return
    if params.allowed is not None:
        broken = not any(_same(value, allowed) for allowed in params.allowed)
    else:
        assert params.forbidden is not None
        broken = any(_same(value, forbidden) for forbidden in params.forbidden)
    shown = value if isinstance(value, Value) else str(value)
    if broken:
        told = f"{params.fact} is {show(value)}"
        message = f"{params.message} ({told})" if params.message else told
        yield Outcome(params.verdict, shown, expected, message, pointer=pointer)
        return
    yield Outcome("pass", shown, expected, f"{params.fact} is {show(value)}", pointer=pointer)


FACT = CheckKind(
    name="fact",
    summary="One declared fact of the scope takes (or avoids) the values the rule names.",
    params=FactParams,
    run=_run,
    validate=_validate,
)

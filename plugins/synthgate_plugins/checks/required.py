"""``required``: facts a scope must declare (neither absent, empty nor 'unknown')."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import Field

from synthgate.plugin import CheckContext, CheckKind, CheckParams, Outcome, PolicyContext, ScopeView
from synthgate_plugins.checks._kind_params import Severity, fact_problem, follow

__all__ = ["REQUIRED", "RequiredParams"]


class RequiredParams(CheckParams):
    """``facts``: dotted paths of fields relative to the scope (e.g. ``generator.name``)."""

    facts: list[str] = Field(min_length=1)
    verdict: Severity = "fail"


def _validate(params: RequiredParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    for index, fact in enumerate(params.facts):
        problem = fact_problem(fact, context.scope)
        if problem is not None:
            yield f"facts/{index}", problem


def _missing(value: Any) -> bool:
    return value is None or value == "unknown" or value == [] or value == ""


def _run(scope: ScopeView, params: RequiredParams, context: CheckContext) -> Iterator[Outcome]:
    missing: list[tuple[str, str]] = []
    for fact in params.facts:
        value, pointer, absent = follow(scope, fact)
        if _missing(value):
            # Located at the first part the file lacks, under the nearest one it has.
            missing.append((fact, pointer + (f"/{absent}" if absent else "")))
    expected = "declared: " + ", ".join(params.facts)
    if not missing:
        yield Outcome("pass", {"missing": []}, expected, "all required facts are declared")
        return
    names = [fact for fact, _ in missing]
    yield Outcome(
        params.verdict,
        {"missing": names},
        expected,
        f"{scope.kind} does not declare " + ", ".join(names),
        pointer=missing[0][1],  # located at the nearest part the file does have
    )


REQUIRED = CheckKind(
    name="required",
    summary="Facts the scope must declare: not absent, empty or 'unknown'.",
    params=RequiredParams,
    run=_run,
    validate=_validate,
)

"""``measured``: a declared fact against the same fact measured from the data (SG8xx).

The scope a check sees holds the measured values when the data was measured; the declared
manifest is in the check context. The metric is computed on both, and the check fails when
they differ by more than the policy's tolerance. Where nothing was measured in scope (a plain
audit, or a source without ``data:``) the check says nothing: it never passes for want of data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Annotated

from pydantic import Field

from synthgate.models import Manifest, Source
from synthgate.plugin import (
    CheckContext,
    CheckKind,
    CheckParams,
    Interval,
    Outcome,
    PolicyContext,
    ScopeView,
    did_you_mean,
)
from synthgate_plugins.checks._kind_params import show

__all__ = ["MEASURED", "MeasuredParams"]


class MeasuredParams(CheckParams):
    """``metric`` compared declared vs measured; ``tolerance`` is the largest absolute
    difference that passes (0: they must agree exactly, as record counts do)."""

    metric: str
    tolerance: Annotated[float, Field(ge=0, strict=True, allow_inf_nan=False)] = 0.0


def _validate(params: MeasuredParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    metric = context.metrics.get(params.metric)
    if metric is None:
        hint = did_you_mean(params.metric, context.metrics)
        yield "metric", f"unknown metric '{params.metric}'" + (f"; {hint}" if hint else "")
    elif context.scope not in metric.scopes:
        yield "metric", f"metric '{params.metric}' cannot be computed on a {context.scope} scope"


def _at(declared: Manifest, pointer: str) -> Source:
    """The declared source at ``/splits/i/sources/j``."""
    parts = pointer.split("/")
    return declared.splits[int(parts[2])].sources[int(parts[4])]


def _declared_view(scope: ScopeView, declared: Manifest) -> ScopeView:
    """The same scope of the manifest as written."""
    split = None
    if scope.split is not None:
        split = declared.splits[int(scope.sources[0][0].split("/")[2])] if scope.sources else None
    return dataclasses.replace(
        scope,
        manifest=declared,
        split=split,
        source=_at(declared, scope.pointer) if scope.source is not None else None,
        sources=tuple((pointer, _at(declared, pointer)) for pointer, _ in scope.sources),
    )


def _run(scope: ScopeView, params: MeasuredParams, context: CheckContext) -> Iterator[Outcome]:
    measured = context.measured
    if measured is None:
        return
    facts = [f for pointer, _ in scope.sources for f in measured.within(pointer)]
    if scope.kind == "dataset":
        facts += measured.within("/dataset")
    if not facts:
        return
    value = context.metric(params.metric, scope)
    # A fresh context: its memo of values must not mix declared and measured scopes.
    plain = CheckContext(context.metrics, context.owners).for_manifest()
    before = _declared_view(scope, measured.declared)
    declared = plain.metric(params.metric, before)
    pointer = plain.where(params.metric, before)
    if pointer is None and f"{scope.pointer}/{params.metric}" in measured.facts:
        pointer = f"{scope.pointer}/{params.metric}"  # a source's 'records', say
    expected = (
        f"{params.metric} as declared, within {show(params.tolerance)} of the measured value"
        if params.tolerance
        else f"{params.metric} exactly as measured"
    )
    if value is None or isinstance(value, Interval):
        return  # the measured facts do not decide this metric (say, no verification field)
    if isinstance(declared, Interval):
        # Declared facts that only bound the value: a contradiction is a measurement outside.
        if declared.high == float("inf"):
            declared = None
        else:
            low, high = declared.low, declared.high
            outside = max(low - float(value), float(value) - high, 0.0)
            if outside <= params.tolerance + 1e-9:
                yield Outcome(
                    "pass",
                    {"measured": value, "declared": f"between {show(low)} and {show(high)}"},
                    expected,
                    f"measured: {show(value)} (declared: between {show(low)} and {show(high)})",
                    pointer=pointer,
                )
                return
            declared = low if float(value) < low else high
    observed = {"measured": value, "declared": "unknown" if declared is None else declared}
    if declared is None:
        yield Outcome(
            "pass",
            observed,
            expected,
            f"measured: {show(value)} ({params.metric} is not declared: only measured)",
            pointer=pointer,
        )
        return
    difference = abs(float(value) - float(declared))
    if difference > params.tolerance + 1e-9:
        yield Outcome(
            "fail",
            observed,
            expected,
            f"{params.metric}: measured: {show(value)} (declared: {show(declared)}), "
            f"a difference of {show(round(difference, 6))}"
            + (f", more than the tolerance {show(params.tolerance)}" if params.tolerance else ""),
            pointer=pointer,
        )
        return
    yield Outcome(
        "pass",
        observed,
        expected,
        f"{params.metric}: measured: {show(value)} (declared: {show(declared)})",
        pointer=pointer,
    )


MEASURED = CheckKind(
    name="measured",
    summary="A declared fact against the same fact measured from the data.",
    params=MeasuredParams,
    run=_run,
    validate=_validate,
)

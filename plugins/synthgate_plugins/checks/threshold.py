"""``threshold``: Soda-style warn and fail bands on a named metric."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from typing import Annotated

from pydantic import Field, model_validator

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
from synthgate_plugins.checks._kind_params import CheckVerdict, show

__all__ = ["THRESHOLD", "Band", "ThresholdParams"]

Bound = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A finite number: ``above: yes`` or ``above: "0.5"`` is an error, never 1.0 or 0.5."""

_UPPER = ("above", "at_least")
_LOWER = ("below", "at_most")


class Band(CheckParams):
    """A condition on the metric's value; exactly one key."""

    above: Bound | None = None
    below: Bound | None = None
    at_least: Bound | None = None
    at_most: Bound | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Band:
        given = [k for k in (*_UPPER, *_LOWER) if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("a band takes exactly one of: above, below, at_least, at_most")
        return self

    @property
    def key(self) -> str:
        """The one key given: ``above``, ``below``, ``at_least`` or ``at_most``."""
        return next(k for k in (*_UPPER, *_LOWER) if getattr(self, k) is not None)

    @property
    def bound(self) -> float:
        """The band's limit."""
        value: float = getattr(self, self.key)
        return value

    @property
    def upward(self) -> bool:
        """True for ``above`` and ``at_least`` (the band holds high values)."""
        return self.key in _UPPER

    def covers(self, other: Band) -> bool:
        """Whether every value in ``other`` (a band of the same direction) is in this band."""
        inclusive, other_inclusive = self.key.startswith("at_"), other.key.startswith("at_")
        if self.bound == other.bound:
            return inclusive or not other_inclusive
        return self.bound < other.bound if self.upward else self.bound > other.bound

    def holds(self, value: float) -> bool:
        """Whether ``value`` falls in the band."""
        if self.above is not None:
            return value > self.above
        if self.below is not None:
            return value < self.below
        if self.at_least is not None:
            return value >= self.at_least
        assert self.at_most is not None
        return value <= self.at_most

    def holds_throughout(self, interval: Interval) -> bool:
        """Whether every value of ``interval`` falls in the band."""
        return self.holds(interval.high if self.key in _LOWER else interval.low)

    def holds_somewhere(self, interval: Interval) -> bool:
        """Whether some value of ``interval`` falls in the band."""
        return self.holds(interval.low if self.key in _LOWER else interval.high)

    def describe(self) -> str:
        """``> 0.5`` and the like."""
        for key, symbol in (("above", ">"), ("below", "<"), ("at_least", ">="), ("at_most", "<=")):
            bound = getattr(self, key)
            if bound is not None:
                return f"{symbol} {show(bound)}"
        raise AssertionError("unreachable")  # pragma: no cover


class ThresholdParams(CheckParams):
    """``metric``, a ``warn`` and/or ``fail`` band, and the verdict when the metric is unknown.

    ``when_unknown`` is the verdict when the manifest does not declare what the metric needs.
    ``when_undefined`` is the verdict when everything is declared and the metric still has no
    value, for a reason the metric gives (a judge-agreement rule on a dataset without a judge);
    it defaults to ``when_unknown``.
    """

    metric: str
    warn: Band | None = None
    fail: Band | None = None
    when_unknown: CheckVerdict = "warn"
    when_undefined: CheckVerdict | None = None

    @model_validator(mode="after")
    def _bands_can_fire(self) -> ThresholdParams:
        warn, fail = self.warn, self.fail
        if warn is None and fail is None:
            raise ValueError("give a 'warn' band, a 'fail' band, or both")
        if warn is None or fail is None:
            return self
        both = f"warn when {warn.describe()}, fail when {fail.describe()}"
        if warn.upward != fail.upward:
            raise ValueError(
                f"the bands point in opposite directions ({both}): give both as upper limits "
                "(above, at_least) or both as lower limits (below, at_most)"
            )
        # The fail band is tested first, so warn can fire only outside it.
        if fail.covers(warn):
            raise ValueError(
                f"the warn band can never fire ({both}): the fail band must lie inside the "
                "warn band, with a stricter limit"
            )
        return self

    def expected(self) -> str:
        """The constraint in words."""
        parts = []
        if self.fail is not None:
            parts.append(f"fail when {self.fail.describe()}")
        if self.warn is not None:
            parts.append(f"warn when {self.warn.describe()}")
        return f"{self.metric}: " + "; ".join(parts)


def _validate(params: ThresholdParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    metric = context.metrics.get(params.metric)
    if metric is None:
        # Metrics are few enough to list in full when no name is close.
        suggestion = did_you_mean(params.metric, context.metrics) or (
            "expected one of: " + ", ".join(sorted(context.metrics))
        )
        yield (
            "metric",
            f"unknown metric '{params.metric}'" + (f"; {suggestion}" if suggestion else ""),
        )
    elif context.scope not in metric.scopes:
        yield "metric", f"metric '{params.metric}' cannot be computed on a {context.scope} scope"


_RANK = {"pass": 0, "warn": 1, "fail": 2}


def _possible(params: ThresholdParams, interval: Interval) -> tuple[CheckVerdict, CheckVerdict]:
    """The best and the worst verdict some value of ``interval`` would get.

    The fail band lies inside the warn band (the policy loader sees to it), so a value outside
    the warn band is outside both.
    """
    fail, warn = params.fail, params.warn
    worst: CheckVerdict = "pass"
    if fail is not None and fail.holds_somewhere(interval):
        worst = "fail"
    elif warn is not None and warn.holds_somewhere(interval):
        worst = "warn"
    best: CheckVerdict = "pass"
    if fail is not None and fail.holds_throughout(interval):
        best = "fail"
    elif warn is not None and warn.holds_throughout(interval):
        best = "warn"
    return best, worst


def _between(interval: Interval) -> str:
    if interval.high == math.inf:
        if interval.low == 0:
            return "unknown"
        return f"at least {show(interval.low)}"
    return f"between {show(interval.low)} and {show(interval.high)}"


def _observed(interval: Interval) -> dict[str, float] | str:
    """How a report shows an interval: its bounds, without a high one when it has none, and
    ``unknown`` for a count that may be anything."""
    if interval.low == 0 and interval.high == math.inf:
        return "unknown"
    bounds = {"at_least": interval.low}
    if interval.high != math.inf:
        bounds["at_most"] = interval.high
    return bounds


def _undecided(
    interval: Interval, params: ThresholdParams, context: CheckContext
) -> Outcome | None:
    """The outcome for a value known only to lie in ``interval``: the band every value in it
    falls in (None when no band decides), or the rule's ``when_unknown`` verdict, kept
    between the best and the worst that the values in the interval would get."""
    best, worst = _possible(params, interval)
    if best == worst:
        return None
    verdict = params.when_unknown
    if _RANK[verdict] > _RANK[worst]:
        verdict = worst
    elif _RANK[verdict] < _RANK[best]:
        verdict = best
    declare = context.metrics[params.metric].declare
    shown = _between(interval)
    undecided = "" if shown == "unknown" else ", which the bands do not decide"
    return Outcome(
        verdict,
        _observed(interval),
        params.expected(),
        f"{params.metric} is {shown}{undecided}: declare {declare}",
    )


def _run(scope: ScopeView, params: ThresholdParams, context: CheckContext) -> Iterator[Outcome]:
    value = context.metric(params.metric, scope)  # a crash there blames the metric's plugin
    expected = params.expected()
    if value is None:
        reason = context.undefined(params.metric, scope)
        declare = context.metrics[params.metric].declare
        if reason is not None and params.when_undefined is not None:
            otherwise = params.when_undefined
        else:
            otherwise = params.when_unknown
        yield Outcome(
            otherwise,
            "unknown",
            expected,
            f"{params.metric} cannot be computed: {reason or 'declare ' + declare}",
        )
        return
    observed: object
    if isinstance(value, Interval):
        undecided = _undecided(value, params, context)
        if undecided is not None:
            yield undecided
            return
        shown, observed = _between(value), _observed(value)
        probe = value.low  # every value of the interval falls in the same band
    else:
        shown, observed, probe = show(value), value, value
    for verdict, band in (("fail", params.fail), ("warn", params.warn)):
        if band is not None and band.holds(probe):
            yield Outcome(
                verdict,  # type: ignore[arg-type]
                observed,
                expected,
                f"{params.metric} is {shown}, {verdict} when {band.describe()}",
                pointer=context.where(params.metric, scope),  # the fact that decided it
            )
            return
    yield Outcome("pass", observed, expected, f"{params.metric} is {shown}")


THRESHOLD = CheckKind(
    name="threshold",
    summary="Warn and fail bands on a named metric of the scope.",
    params=ThresholdParams,
    run=_run,
    validate=_validate,
)

"""``threshold``: Soda-style warn and fail bands on a named metric."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import model_validator

from synthgate import CheckContext, CheckKind, Outcome, PolicyContext, ScopeView, did_you_mean
from synthgate_plugins.checks._params import Outcome3, Params, show

__all__ = ["THRESHOLD", "Band", "ThresholdParams"]


class Band(Params):
    """A condition on the metric's value; exactly one key."""

    above: float | None = None
    below: float | None = None
    at_least: float | None = None
    at_most: float | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Band:
        given = [
            k for k in ("above", "below", "at_least", "at_most") if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError("a band takes exactly one of: above, below, at_least, at_most")
        return self

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

    def describe(self) -> str:
        """``> 0.5`` and the like."""
        for key, symbol in (("above", ">"), ("below", "<"), ("at_least", ">="), ("at_most", "<=")):
            bound = getattr(self, key)
            if bound is not None:
                return f"{symbol} {show(bound)}"
        raise AssertionError("unreachable")  # pragma: no cover


class ThresholdParams(Params):
    """``metric``, a ``warn`` and/or ``fail`` band, and the verdict when the metric is unknown."""

    metric: str
    warn: Band | None = None
    fail: Band | None = None
    when_unknown: Outcome3 = "warn"

    @model_validator(mode="after")
    def _some_band(self) -> ThresholdParams:
        if self.warn is None and self.fail is None:
            raise ValueError("give a 'warn' band, a 'fail' band, or both")
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
        suggestion = did_you_mean(params.metric, context.metrics)
        yield (
            "metric",
            f"unknown metric '{params.metric}'" + (f"; {suggestion}" if suggestion else ""),
        )
    elif context.scope not in metric.scopes:
        yield "metric", f"metric '{params.metric}' cannot be computed on a {context.scope} scope"


def _run(scope: ScopeView, params: ThresholdParams, context: CheckContext) -> Iterator[Outcome]:
    metric = context.metrics[params.metric]
    value = metric.compute(scope)
    expected = params.expected()
    if value is None:
        reason = metric.undefined(scope) if metric.undefined is not None else None
        yield Outcome(
            params.when_unknown,
            "unknown",
            expected,
            f"{params.metric} cannot be computed: {reason or 'declare ' + metric.declare}",
        )
        return
    for verdict, band in (("fail", params.fail), ("warn", params.warn)):
        if band is not None and band.holds(value):
            yield Outcome(
                verdict,  # type: ignore[arg-type]
                value,
                expected,
                f"{params.metric} is {show(value)}, {verdict} when {band.describe()}",
            )
            return
    yield Outcome("pass", value, expected, f"{params.metric} is {show(value)}")


THRESHOLD = CheckKind(
    name="threshold",
    summary="Warn and fail bands on a named metric of the scope.",
    params=ThresholdParams,
    run=_run,
    validate=_validate,
)

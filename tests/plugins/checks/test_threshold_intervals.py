"""``threshold`` on values known only as intervals, and on values that cannot be computed.

The metric is made for the test and returns the interval (or nothing) it is given, so what a
report must show follows from the interval alone.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from synthgate.check_contract import CheckContext, Interval, Metric, MetricValue, Outcome, ScopeView
from synthgate_plugins.checks.threshold import THRESHOLD, ThresholdParams

from ..scopes import manifest, scope_at

SCOPE = scope_at(manifest([{"id": "a", "origin": "human", "records": 1}]), "dataset")


def _run(value: MetricValue, undefined: str | None = None, **params: Any) -> Outcome:
    def compute(scope: ScopeView) -> MetricValue:
        return value

    metric = Metric(
        "m", "A value given by the test.", compute, "'m' somewhere", undefined=lambda s: undefined
    )
    context = CheckContext({"m": metric}).for_manifest()
    params_model = ThresholdParams.model_validate({"metric": "m", **params})
    [outcome] = THRESHOLD.run(SCOPE, params_model, context)
    return outcome


@pytest.mark.parametrize(
    ("interval", "observed", "shown"),
    [
        (Interval(0, math.inf), "unknown", "unknown"),
        (Interval(2, math.inf), {"at_least": 2}, "at least 2"),
        (Interval(0, 0.5), {"at_least": 0, "at_most": 0.5}, "between 0 and 0.5"),
        (Interval(1, 3), {"at_least": 1, "at_most": 3}, "between 1 and 3"),
    ],
)
def test_an_interval_inside_one_band_is_shown_by_its_bounds(
    interval: Interval, observed: object, shown: str
) -> None:
    outcome = _run(interval, warn={"at_least": 0})  # every value >= 0 warns
    assert outcome.verdict == "warn"
    assert outcome.observed == observed
    assert outcome.message == f"m is {shown}, warn when >= 0"


def test_an_interval_inside_no_band_passes_with_its_bounds() -> None:
    outcome = _run(Interval(2, 3), fail={"above": 5})
    assert outcome.verdict == "pass"
    assert outcome.observed == {"at_least": 2, "at_most": 3}
    assert outcome.message == "m is between 2 and 3"


def test_a_count_that_may_be_anything_is_unknown_and_asks_for_the_declaration() -> None:
    outcome = _run(Interval(0, math.inf), fail={"above": 5})
    assert outcome.verdict == "warn"  # when_unknown's default
    assert outcome.observed == "unknown"
    assert outcome.expected == "m: fail when > 5"
    assert outcome.message == "m is unknown: declare 'm' somewhere"


@pytest.mark.parametrize(
    ("interval", "shown"),
    [(Interval(1, math.inf), "at least 1"), (Interval(0, 9), "between 0 and 9")],
)
def test_an_interval_across_a_band_edge_says_the_bands_do_not_decide(
    interval: Interval, shown: str
) -> None:
    outcome = _run(interval, fail={"above": 5})
    assert outcome.message == (
        f"m is {shown}, which the bands do not decide: declare 'm' somewhere"
    )


@pytest.mark.parametrize(
    ("when_unknown", "bands", "interval", "verdict"),
    [
        # Values from 6 to 9 all warn or fail: never a pass, whatever when_unknown says.
        ("pass", {"warn": {"above": 5}, "fail": {"above": 8}}, Interval(6, 9), "warn"),
        ("warn", {"warn": {"above": 5}, "fail": {"above": 8}}, Interval(6, 9), "warn"),
        ("fail", {"warn": {"above": 5}, "fail": {"above": 8}}, Interval(6, 9), "fail"),
        # Values from 0 to 7 pass or warn: never a fail.
        ("fail", {"warn": {"above": 5}, "fail": {"above": 8}}, Interval(0, 7), "warn"),
        ("pass", {"warn": {"above": 5}, "fail": {"above": 8}}, Interval(0, 7), "pass"),
        ("warn", {"warn": {"above": 5}, "fail": {"above": 8}}, Interval(0, 7), "warn"),
    ],
)
def test_when_unknown_is_kept_between_the_best_and_worst_possible_verdicts(
    when_unknown: str, bands: dict[str, Any], interval: Interval, verdict: str
) -> None:
    assert _run(interval, when_unknown=when_unknown, **bands).verdict == verdict


def test_a_value_that_cannot_be_computed_gives_the_constraint_and_what_to_declare() -> None:
    outcome = _run(None, fail={"above": 5}, when_unknown="fail")
    assert outcome.verdict == "fail"
    assert outcome.observed == "unknown"
    assert outcome.expected == "m: fail when > 5"
    assert outcome.message == "m cannot be computed: declare 'm' somewhere"
    assert outcome.pointer is None


def test_an_undefined_value_gives_the_metrics_reason_and_when_undefined() -> None:
    outcome = _run(None, "a share of nothing", fail={"above": 5}, when_undefined="pass")
    assert outcome.verdict == "pass"
    assert outcome.expected == "m: fail when > 5"
    assert outcome.message == "m cannot be computed: a share of nothing"
    # Without when_undefined, when_unknown decides; the reason is still given.
    outcome = _run(None, "a share of nothing", fail={"above": 5}, when_unknown="fail")
    assert outcome.verdict == "fail"
    assert outcome.message == "m cannot be computed: a share of nothing"
    # when_undefined does not apply to a value that is merely not declared.
    assert _run(None, fail={"above": 5}, when_undefined="pass").verdict == "warn"


def test_an_unknown_metric_is_refused_with_a_suggestion_or_the_list() -> None:
    from synthgate.check_contract import PolicyContext

    metrics = {
        name: Metric(name, "", lambda s: 0, scopes=("dataset",)) for name in ("alpha", "beta")
    }
    assert THRESHOLD.validate is not None

    def problems(metric: str, scope: str = "dataset") -> list[tuple[str, str]]:
        context = PolicyContext(metrics, frozenset(), scope)  # type: ignore[arg-type]
        params = ThresholdParams.model_validate({"metric": metric, "fail": {"above": 1}})
        return list(THRESHOLD.validate(params, context))  # type: ignore[misc]

    assert problems("alpah") == [("metric", "unknown metric 'alpah'; did you mean 'alpha'?")]
    assert problems("zzzz") == [("metric", "unknown metric 'zzzz'; expected one of: alpha, beta")]
    assert problems("beta", "split") == [
        ("metric", "metric 'beta' cannot be computed on a split scope")
    ]
    assert problems("beta") == []

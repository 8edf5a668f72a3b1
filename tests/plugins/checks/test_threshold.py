"""The ``threshold`` check kind: bands, unknown values, messages, and load-time validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from synthgate.check_contract import CheckContext, Metric, MetricError, PolicyContext
from synthgate.errors import PolicyError
from synthgate.policy import load_policy
from synthgate_plugins.checks.threshold import THRESHOLD, Band, ThresholdParams

from ..scopes import check_context, host, manifest, scope_at
from .cases import CASES_DIR, CheckCase, load_cases, run_case

ERRORS = CASES_DIR.parent / "errors"


@pytest.mark.parametrize("case", load_cases("threshold"))
def test_threshold_case(case: CheckCase) -> None:
    run_case(THRESHOLD, case)


# --------------------------------------------------------------------------- bands


@pytest.mark.parametrize(
    ("band", "inside", "outside", "text"),
    [
        ({"above": 0.5}, [0.5001, 1.0], [0.5, 0.0], "> 0.5"),
        ({"below": 0.5}, [0.4999, 0.0], [0.5, 1.0], "< 0.5"),
        ({"at_least": 2}, [2, 3], [1.999, 0], ">= 2"),
        ({"at_most": 0}, [0, -1], [0.0001, 1], "<= 0"),
    ],
    ids=["above", "below", "at-least", "at-most"],
)
def test_band_holds_and_describes_itself(
    band: dict[str, float], inside: list[float], outside: list[float], text: str
) -> None:
    parsed = Band.model_validate(band)
    assert all(parsed.holds(v) for v in inside)
    assert not any(parsed.holds(v) for v in outside)
    assert parsed.describe() == text


@pytest.mark.parametrize(
    "band",
    [{}, {"above": 0.1, "below": 0.9}, {"at_least": 1, "at_most": 2, "above": 0}],
    ids=["no-key", "two-keys", "three-keys"],
)
def test_band_takes_exactly_one_key(band: dict[str, float]) -> None:
    with pytest.raises(ValidationError, match="exactly one of: above, below, at_least, at_most"):
        Band.model_validate(band)


@pytest.mark.parametrize(
    ("bound", "message"),
    [
        (True, "Input should be a valid number"),
        (False, "Input should be a valid number"),
        ("0.5", "Input should be a valid number"),
        (float("nan"), "Input should be a finite number"),
        (float("inf"), "Input should be a finite number"),
        (float("-inf"), "Input should be a finite number"),
    ],
    ids=["true", "false", "text", "nan", "inf", "minus-inf"],
)
@pytest.mark.parametrize("key", ["above", "below", "at_least", "at_most"])
def test_a_bound_is_a_finite_number_never_a_flag_or_text(
    key: str, bound: object, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Band.model_validate({key: bound})


@pytest.mark.parametrize("bound", [0, 1, -2, 0.25, 1e-9])
def test_whole_and_fractional_numbers_are_bounds(bound: float) -> None:
    assert Band.model_validate({"above": bound}).above == bound


@pytest.mark.parametrize(
    ("warn", "fail"),
    [
        ({"above": 0.25}, {"above": 0.5}),
        ({"at_least": 0.5}, {"above": 0.5}),  # warns at exactly 0.5
        ({"above": 0.5}, {"at_least": 0.6}),
        ({"below": 0.9}, {"below": 0.85}),
        ({"at_most": 0.85}, {"below": 0.85}),  # warns at exactly 0.85
        ({"below": 250}, {"at_most": 99}),
    ],
    ids=[
        "above",
        "at-least-and-above",
        "above-and-at-least",
        "below",
        "at-most-and-below",
        "mixed",
    ],
)
def test_a_fail_band_inside_the_warn_band_is_allowed(
    warn: dict[str, float], fail: dict[str, float]
) -> None:
    params = ThresholdParams.model_validate({"metric": "m", "warn": warn, "fail": fail})
    assert params.warn is not None
    assert params.fail is not None
    assert params.warn.covers(params.fail)
    assert not params.fail.covers(params.warn)


@pytest.mark.parametrize(
    ("warn", "fail", "message"),
    [
        ({"above": 0.5}, {"above": 0.25}, "the warn band can never fire"),
        ({"above": 0.5}, {"above": 0.5}, "the warn band can never fire"),
        ({"above": 0.5}, {"at_least": 0.5}, "the warn band can never fire"),
        ({"at_least": 0.5}, {"at_least": 0.5}, "the warn band can never fire"),
        ({"below": 0.85}, {"below": 0.9}, "the warn band can never fire"),
        ({"below": 0.85}, {"at_most": 0.85}, "the warn band can never fire"),
        ({"below": 0.2}, {"above": 0.5}, "the bands point in opposite directions"),
        ({"at_least": 0.5}, {"at_most": 0.1}, "the bands point in opposite directions"),
    ],
    ids=[
        "fail-lower",
        "equal",
        "fail-inclusive",
        "equal-inclusive",
        "below-fail-higher",
        "below-fail-inclusive",
        "warn-below-fail-above",
        "warn-above-fail-below",
    ],
)
def test_bands_where_warn_can_never_fire_are_rejected(
    warn: dict[str, float], fail: dict[str, float], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        ThresholdParams.model_validate({"metric": "m", "warn": warn, "fail": fail})


def test_band_rejects_unknown_keys() -> None:
    with pytest.raises(ValidationError, match="greater_than"):
        Band.model_validate({"greater_than": 0.5})


def test_threshold_needs_a_band() -> None:
    with pytest.raises(ValidationError, match="give a 'warn' band, a 'fail' band, or both"):
        ThresholdParams.model_validate({"metric": "synthetic_share_records"})


def test_when_unknown_is_a_verdict() -> None:
    with pytest.raises(ValidationError, match="when_unknown"):
        ThresholdParams.model_validate(
            {"metric": "audited_items", "fail": {"below": 1}, "when_unknown": "ignore"}
        )


# --------------------------------------------------------------------------- load time


def position_of(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle`` in a file (a mapping entry is found at its key)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def load_error(name: str) -> tuple[Path, PolicyError]:
    path = ERRORS / name
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path), host())
    return path, caught.value


@pytest.mark.parametrize(
    ("name", "needle", "message", "hint"),
    [
        (
            "threshold-band-two-keys.yaml",
            "warn: {above: 0.2, below: 0.8}",
            "a band takes exactly one of: above, below, at_least, at_most",
            "",
        ),
        (
            "threshold-no-band.yaml",
            "check:",
            "give a 'warn' band, a 'fail' band, or both",
            "",
        ),
        (
            "threshold-unknown-metric.yaml",
            "metric: synthetic_share_record",
            "unknown metric 'synthetic_share_record'; did you mean 'synthetic_share_records'?",
            "",
        ),
        (
            "threshold-unknown-param.yaml",
            "wran:",
            "unknown field 'wran'",
            "did you mean 'warn'?",
        ),
        (
            "threshold-band-yes.yaml",
            "above: yes",
            "Input should be a valid number (got True)",
            "write a number",
        ),
        (
            "threshold-band-nan.yaml",
            "above: .nan",
            "Input should be a finite number",
            "",
        ),
        (
            "threshold-band-text.yaml",
            'above: "0.5"',
            "Input should be a valid number (got '0.5')",
            "write a number",
        ),
        (
            "threshold-warn-unreachable.yaml",
            "check:",
            "the warn band can never fire (warn when > 0.5, fail when > 0.25)",
            "",
        ),
        (
            "threshold-bands-opposite.yaml",
            "check:",
            "the bands point in opposite directions (warn when < 0.2, fail when > 0.5)",
            "",
        ),
    ],
    ids=[
        "band-two-keys",
        "no-band",
        "unknown-metric",
        "unknown-param",
        "bound-yes",
        "bound-nan",
        "bound-text",
        "warn-unreachable",
        "bands-opposite",
    ],
)
def test_bad_parameters_fail_at_load_with_a_location(
    name: str, needle: str, message: str, hint: str
) -> None:
    path, error = load_error(name)
    (problem,) = error.problems
    assert problem.path == str(path)
    assert (problem.line, problem.column) == position_of(path, needle)
    assert message in problem.message
    assert hint in problem.hint
    assert problem.pointer is not None
    assert problem.pointer.startswith("/rules/0/check")


def _dataset_only(scope: Any) -> int:
    return 1


def test_a_metric_is_only_allowed_on_the_scopes_it_supports() -> None:
    metrics = {"whole_only": Metric("whole_only", "Dataset only.", _dataset_only, "", ("dataset",))}
    params = ThresholdParams.model_validate({"metric": "whole_only", "fail": {"above": 0}})
    assert THRESHOLD.validate is not None
    assert list(THRESHOLD.validate(params, PolicyContext(metrics, frozenset(), "dataset"))) == []
    problems = list(THRESHOLD.validate(params, PolicyContext(metrics, frozenset(), "source")))
    assert problems == [("metric", "metric 'whole_only' cannot be computed on a source scope")]


def test_an_unknown_metric_far_from_any_name_lists_the_metrics() -> None:
    params = ThresholdParams.model_validate({"metric": "zzz", "fail": {"above": 0}})
    context = PolicyContext(host().metrics(), frozenset(), "dataset")
    assert THRESHOLD.validate is not None
    ((param, message),) = THRESHOLD.validate(params, context)
    assert param == "metric"
    first = sorted(host().metrics())[:2]
    assert message.startswith(f"unknown metric 'zzz'; expected one of: {', '.join(first)}, ")
    assert "did you mean" not in message


# ----------------------------------------------------------------------- metrics via the context

_computed: list[str] = []


def _one(scope: Any) -> int:
    _computed.append(scope.pointer)
    return 1


def _broken(scope: Any) -> int:
    raise ArithmeticError("no count\nmore detail")


def test_the_metric_is_asked_for_through_the_check_context() -> None:
    _computed.clear()
    metrics = {"one": Metric("one", "One.", _one)}
    params = ThresholdParams.model_validate({"metric": "one", "fail": {"above": 0}})
    scope = scope_at(manifest([{"id": "a", "origin": "human", "records": 1}]), "dataset")
    context = CheckContext(metrics).for_manifest()
    for _ in range(3):
        (outcome,) = THRESHOLD.run(scope, params, context)
        assert (outcome.verdict, outcome.observed) == ("fail", 1)
    assert _computed == ["/dataset"]  # the per-manifest context remembers the value


def test_a_crashing_metric_raises_an_error_naming_the_metrics_plugin() -> None:
    metrics = {"broken": Metric("broken", "Raises.", _broken)}
    params = ThresholdParams.model_validate({"metric": "broken", "fail": {"above": 0}})
    scope = scope_at(manifest([{"id": "a", "origin": "human", "records": 1}]), "dataset")
    context = CheckContext(metrics, {"broken": "counters (counters-dist 2.0)"})
    with pytest.raises(MetricError) as caught:
        list(THRESHOLD.run(scope, params, context))
    assert str(caught.value) == (
        "metric 'broken' of plugin counters (counters-dist 2.0) crashed: ArithmeticError: no count"
    )


# ----------------------------------------------------------------------- undefined vs. unknown


def _judge_scope(judge: dict[str, Any] | None) -> Any:
    dataset: dict[str, Any] = {"name": "probe", "stage": "eval"}
    if judge is not None:
        dataset["judge"] = judge
    data = {
        "dataset": dataset,
        "splits": [{"name": "t", "sources": [{"id": "h", "origin": "human", "records": 1}]}],
    }
    return scope_at(data, "dataset")


@pytest.mark.parametrize(
    ("judge", "verdict", "message"),
    [
        (None, "pass", "the dataset declares no judge model"),
        ({"name": "gpt-4o"}, "fail", "declare 'dataset.judge.human_agreement'"),
        ({"name": "gpt-4o", "human_agreement": 0.75}, "warn", "0.75, warn when < 0.8"),
    ],
    ids=["no-judge-is-undefined", "undeclared-is-unknown", "declared-is-judged"],
)
def test_when_undefined_is_told_apart_from_when_unknown(
    judge: dict[str, Any] | None, verdict: str, message: str
) -> None:
    params = ThresholdParams.model_validate(
        {
            "metric": "judge_human_agreement",
            "warn": {"below": 0.8},
            "fail": {"below": 0.7},
            "when_unknown": "fail",
            "when_undefined": "pass",
        }
    )
    (outcome,) = THRESHOLD.run(_judge_scope(judge), params, check_context())
    assert outcome.verdict == verdict
    assert message in outcome.message


def test_when_undefined_defaults_to_when_unknown() -> None:
    params = ThresholdParams.model_validate(
        {"metric": "judge_human_agreement", "fail": {"below": 0.7}, "when_unknown": "warn"}
    )
    assert params.when_undefined is None
    (outcome,) = THRESHOLD.run(_judge_scope(None), params, check_context())
    assert outcome.verdict == "warn"
    assert "the dataset declares no judge model" in outcome.message

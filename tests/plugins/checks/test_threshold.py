"""The ``threshold`` check kind: bands, unknown values, messages, and load-time validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from synthgate.checks import Metric, PolicyContext
from synthgate.errors import PolicyError
from synthgate.policy import load_policy
from synthgate_plugins.checks.threshold import THRESHOLD, Band, ThresholdParams

from ..scopes import host
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
    ],
    ids=["band-two-keys", "no-band", "unknown-metric", "unknown-param"],
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
    assert message.startswith("unknown metric 'zzz'; expected one of: audited_items, ")
    assert "did you mean" not in message

"""The ``measured`` check kind: a declared fact against the same fact measured from the data.

The metric here is made for the test: it reads a number (or an interval, or nothing) written
in the scope's own name, so each case says in plain text what the declared and the measured
manifests hold, and the expected verdict follows from those two texts alone.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from synthgate.check_contract import (
    CheckContext,
    Interval,
    Measured,
    MeasuredFact,
    Metric,
    MetricValue,
    Outcome,
    PolicyContext,
    ScopeView,
)
from synthgate.models import Manifest
from synthgate_plugins.checks.measured import MEASURED, MeasuredParams

from ..scopes import scope_at


def _decode(text: str) -> MetricValue:
    """'none' -> None, '3..7' -> Interval(3, 7), '5' -> 5 (the value a name stands for)."""
    if text == "none":
        return None
    if ".." in text:
        low, high = text.split("..")
        return Interval(float(low), float(high))
    return float(text) if "." in text else int(text)


def _tag(scope: ScopeView) -> MetricValue:
    if scope.source is not None:
        return _decode(scope.source.id)
    if scope.split is not None:
        return _decode(scope.split.name)
    return _decode(scope.manifest.dataset.name)


def _where(scope: ScopeView) -> str | None:
    return "/dataset/name" if scope.kind == "dataset" else None


METRICS = {
    "tag": Metric("tag", "The number a scope's name spells.", _tag),
    "pointed": Metric("pointed", "The same, with a deciding fact.", _tag, where=_where),
    "dataset_only": Metric("dataset_only", "Dataset only.", _tag, scopes=("dataset",)),
}


def _manifest(dataset: str, splits: dict[str, list[str]]) -> Manifest:
    return Manifest.model_validate(
        {
            "dataset": {"name": dataset},
            "splits": [
                {
                    "name": split,
                    "sources": [{"id": s, "origin": "human", "records": 1} for s in sources],
                }
                for split, sources in splits.items()
            ],
        }
    )


def _run(
    declared: Manifest,
    measured: Manifest,
    where: str,
    facts: list[str],
    metric: str = "tag",
    tolerance: float = 0.0,
) -> list[Outcome]:
    found = {p: MeasuredFact(p, "unknown", 0, ("data.parquet",)) for p in facts}
    context = CheckContext(METRICS).for_manifest(measured=Measured(declared, found))
    params = MeasuredParams(metric=metric, tolerance=tolerance)
    return list(MEASURED.run(scope_at(measured, where), params, context))


def _dataset(declared: str, measured: str, **kw: Any) -> list[Outcome]:
    return _run(
        _manifest(declared, {"train": ["1"]}),
        _manifest(measured, {"train": ["1"]}),
        "dataset",
        ["/dataset/name"],
        **kw,
    )


def test_equal_values_pass_with_both_values_shown() -> None:
    [outcome] = _dataset("7", "7")
    assert outcome.verdict == "pass"
    assert outcome.observed == {"measured": 7, "declared": 7}
    assert outcome.expected == "tag exactly as measured"
    assert outcome.message == "tag: measured: 7 (declared: 7)"
    assert outcome.pointer is None


def test_a_difference_fails_and_gives_its_size() -> None:
    [outcome] = _dataset("7", "9")
    assert outcome.verdict == "fail"
    assert outcome.observed == {"measured": 9, "declared": 7}
    assert outcome.message == "tag: measured: 9 (declared: 7), a difference of 2"


@pytest.mark.parametrize(
    ("declared", "measured", "verdict"),
    [("10", "10.5", "pass"), ("10", "9.5", "pass"), ("10", "10.6", "fail"), ("10", "9.4", "fail")],
)
def test_the_tolerance_is_the_largest_difference_that_passes(
    declared: str, measured: str, verdict: str
) -> None:
    [outcome] = _dataset(declared, measured, tolerance=0.5)
    assert outcome.verdict == verdict
    assert outcome.expected == "tag as declared, within 0.5 of the measured value"
    if verdict == "fail":
        assert outcome.message.endswith(", more than the tolerance 0.5")


def test_without_tolerance_the_failure_does_not_mention_one() -> None:
    [outcome] = _dataset("1", "2")
    assert "tolerance" not in outcome.message


def test_a_declared_interval_passes_a_measurement_inside_it() -> None:
    [outcome] = _dataset("3..7", "7")
    assert outcome.verdict == "pass"
    assert outcome.observed == {"measured": 7, "declared": "between 3 and 7"}
    assert outcome.message == "measured: 7 (declared: between 3 and 7)"


@pytest.mark.parametrize(("measured", "nearest"), [("2", 3), ("9", 7)])
def test_a_measurement_outside_a_declared_interval_fails_against_its_nearest_end(
    measured: str, nearest: int
) -> None:
    [outcome] = _dataset("3..7", measured)
    assert outcome.verdict == "fail"
    assert outcome.observed == {"measured": int(measured), "declared": float(nearest)}
    assert f"a difference of {abs(int(measured) - nearest)}" in outcome.message


def test_an_interval_within_tolerance_of_the_measurement_passes() -> None:
    [outcome] = _dataset("3..7", "8", tolerance=1.0)
    assert outcome.verdict == "pass"
    [outcome] = _dataset("3..7", "2", tolerance=1.0)
    assert outcome.verdict == "pass"
    [outcome] = _dataset("3..7", "8.5", tolerance=1.0)
    assert outcome.verdict == "fail"


def test_an_open_interval_counts_as_not_declared() -> None:
    [outcome] = _dataset("3..inf", "100")
    assert outcome.verdict == "pass"
    assert outcome.observed == {"measured": 100, "declared": "unknown"}
    assert outcome.message == "measured: 100 (tag is not declared: only measured)"


def test_a_value_not_declared_at_all_passes_as_only_measured() -> None:
    [outcome] = _dataset("none", "4")
    assert outcome.verdict == "pass"
    assert outcome.observed == {"measured": 4, "declared": "unknown"}


@pytest.mark.parametrize("measured", ["none", "1..2"])
def test_a_measurement_that_does_not_decide_the_metric_says_nothing(measured: str) -> None:
    assert _dataset("5", measured) == []


def test_nothing_is_said_without_measured_data_or_without_facts_in_scope() -> None:
    data = _manifest("5", {"train": ["1"]})
    plain = CheckContext(METRICS).for_manifest()
    assert list(MEASURED.run(scope_at(data, "dataset"), MeasuredParams(metric="tag"), plain)) == []
    assert _run(data, _manifest("6", {"train": ["1"]}), "dataset", []) == []


def test_a_source_scope_sees_only_facts_at_or_below_its_sources() -> None:
    declared = _manifest("0", {"train": ["1", "2"]})
    measured = _manifest("0", {"train": ["1", "2"]})
    # A fact of the second source does not make the first source's scope speak.
    assert _run(declared, measured, "source/0", ["/splits/0/sources/1/records"]) == []
    # A pointer that only starts with the source's ('/sources/10' for '/sources/1') neither.
    assert _run(declared, measured, "source/1", ["/splits/0/sources/10/records"]) == []
    [outcome] = _run(declared, measured, "source/1", ["/splits/0/sources/1/records"])
    assert outcome.verdict == "pass"


def test_a_dataset_scope_speaks_for_a_fact_of_one_of_its_sources() -> None:
    declared = _manifest("5", {"train": ["1"]})
    [outcome] = _run(declared, _manifest("6", {"train": ["1"]}), "dataset", ["/splits/0/sources/0"])
    assert outcome.verdict == "fail"


def test_a_source_is_compared_with_the_same_source_as_declared() -> None:
    # Measured ids equal the declared ones except in the second split's second source.
    declared = _manifest("0", {"a": ["1", "2"], "b": ["3", "4"]})
    measured = _manifest("0", {"a": ["1", "2"], "b": ["3", "40"]})
    facts = ["/splits/1/sources/1/records", "/splits/1/sources/0/records"]
    [outcome] = _run(declared, measured, "source/3", facts)
    assert outcome.observed == {"measured": 40, "declared": 4}
    [same] = _run(declared, measured, "source/2", facts)
    assert same.observed == {"measured": 3, "declared": 3}


def test_a_split_is_compared_with_the_same_split_as_declared() -> None:
    declared = _manifest("0", {"5": ["1"], "6": ["2"]})
    measured = _manifest("0", {"5": ["1"], "8": ["2"]})
    [outcome] = _run(declared, measured, "split/1", ["/splits/1/sources/0/records"])
    assert outcome.observed == {"measured": 8, "declared": 6}


def test_the_outcome_points_at_the_metrics_deciding_fact() -> None:
    [outcome] = _dataset("1", "2", metric="pointed")
    assert outcome.pointer == "/dataset/name"


def test_without_a_deciding_fact_it_points_at_a_measured_fact_named_after_the_metric() -> None:
    declared = _manifest("0", {"train": ["1"]})
    measured = _manifest("0", {"train": ["2"]})
    [outcome] = _run(declared, measured, "source/0", ["/splits/0/sources/0/tag"])
    assert outcome.pointer == "/splits/0/sources/0/tag"
    [elsewhere] = _run(declared, measured, "source/0", ["/splits/0/sources/0/records"])
    assert elsewhere.pointer is None


def _problems(metric: str, scope: str) -> list[tuple[str, str]]:
    context = PolicyContext(METRICS, frozenset(), scope)  # type: ignore[arg-type]
    assert MEASURED.validate is not None
    return list(MEASURED.validate(MeasuredParams(metric=metric), context))


def test_an_unknown_metric_is_refused_with_a_hint() -> None:
    assert _problems("tga", "dataset") == [("metric", "unknown metric 'tga'; did you mean 'tag'?")]
    assert _problems("zzzzzzzz", "dataset") == [
        ("metric", "unknown metric 'zzzzzzzz'; expected one of: dataset_only, pointed, tag")
    ]


def test_a_metric_is_refused_on_a_scope_it_cannot_be_computed_on() -> None:
    assert _problems("dataset_only", "dataset") == []
    assert _problems("dataset_only", "split") == [
        ("metric", "metric 'dataset_only' cannot be computed on a split scope")
    ]
    assert _problems("tag", "source") == []


def test_the_default_tolerance_is_exact_and_negative_ones_are_refused() -> None:
    assert MeasuredParams(metric="tag").tolerance == 0.0
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        MeasuredParams(metric="tag", tolerance=-1.0)
    with pytest.raises(ValueError, match="finite"):
        MeasuredParams(metric="tag", tolerance=math.inf)


def _sum_of_ids(scope: ScopeView) -> MetricValue:
    return sum(int(source.id) for _, source in scope.sources)


def _broken_on_declared(scope: ScopeView) -> MetricValue:
    if scope.manifest.dataset.name == "declared":
        raise ValueError("cannot read this")
    return 1


MORE = {
    **METRICS,
    "sum": Metric("sum", "The sum of the scope's source ids.", _sum_of_ids),
    "broken": Metric("broken", "Fails on the declared manifest.", _broken_on_declared),
}


def _run_more(
    declared: Manifest, measured: Manifest, metric: str, owners: dict[str, str] | None = None
) -> list[Outcome]:
    facts = {"/dataset/name": MeasuredFact("/dataset/name", "unknown", 0, ("d.parquet",))}
    context = CheckContext(MORE, owners or {}).for_manifest(measured=Measured(declared, facts))
    params = MeasuredParams(metric=metric)
    return list(MEASURED.run(scope_at(measured, "dataset"), params, context))


def test_a_dataset_is_compared_with_the_sources_as_declared() -> None:
    declared = _manifest("0", {"train": ["1", "2"]})
    measured = _manifest("0", {"train": ["1", "5"]})
    [outcome] = _run_more(declared, measured, "sum")
    assert outcome.observed == {"measured": 6, "declared": 3}
    assert outcome.verdict == "fail"


def test_a_metric_that_fails_on_the_declared_manifest_names_its_plugin() -> None:
    from synthgate.check_contract import MetricError

    declared = _manifest("declared", {"train": ["1"]})
    measured = _manifest("measured", {"train": ["1"]})
    with pytest.raises(MetricError, match="plugin acme-metrics"):
        _run_more(declared, measured, "broken", owners={"broken": "acme-metrics (1.0)"})


@pytest.mark.parametrize(
    ("declared", "measured", "verdict", "message"),
    [
        ("7", "7", "pass", "pointed: measured: 7 (declared: 7)"),
        ("7", "9.5", "fail", "pointed: measured: 9.5 (declared: 7), a difference of 2.5"),
        ("3..7", "5", "pass", "measured: 5 (declared: between 3 and 7)"),
        ("3..inf", "5", "pass", "measured: 5 (pointed is not declared: only measured)"),
    ],
)
def test_every_outcome_carries_the_expectation_and_the_deciding_fact(
    declared: str, measured: str, verdict: str, message: str
) -> None:
    [outcome] = _dataset(declared, measured, metric="pointed")
    assert (outcome.verdict, outcome.message) == (verdict, message)
    assert outcome.expected == "pointed exactly as measured"
    assert outcome.pointer == "/dataset/name"


def test_a_tiny_difference_is_shown_to_six_decimals() -> None:
    [outcome] = _dataset("1", repr(1.0000015))
    assert outcome.verdict == "fail"
    assert outcome.message.endswith("a difference of 1e-06")


def test_a_difference_of_exactly_the_tolerance_passes() -> None:
    # The check allows 1e-9 on top of the tolerance for float noise; exactly that still passes.
    edge = 0.5 + 1e-9
    [outcome] = _dataset("0", repr(edge), tolerance=0.5)
    assert outcome.verdict == "pass"
    [outcome] = _dataset("-1..0", repr(edge), tolerance=0.5)
    assert outcome.verdict == "pass"
    [outcome] = _dataset("-1..0", repr(edge + 1e-6), tolerance=0.5)
    assert outcome.verdict == "fail"


def test_an_unknown_metric_among_many_gets_no_list() -> None:
    many = {f"metric_{i:02d}": METRICS["tag"] for i in range(13)}
    context = PolicyContext(many, frozenset(), "dataset")
    assert MEASURED.validate is not None
    assert list(MEASURED.validate(MeasuredParams(metric="zzzz"), context)) == [
        ("metric", "unknown metric 'zzzz'")
    ]

"""One semantics for unknown: a fact not given bounds a metric, it never counts as 0.

Each property starts from a manifest that declares everything, forgets some of its facts, and
holds the metrics to what the forgotten facts could have been.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from synthgate.check_contract import Interval, MetricValue
from synthgate_plugins.metrics import METRICS

from .scopes import manifest, scope_at

_BY_NAME = {metric.name: metric for metric in METRICS}
# unknown_share_* measure what the manifest leaves undeclared, not the data: forgetting a fact
# is meant to change them.
SHARES = [
    f"{part}_share_{unit}" for part in ("synthetic", "human") for unit in ("records", "tokens")
]
COUNTS_AND_RATES = [
    "audited_items",
    "label_validation_items",
    "label_kappa",
    "verified_share",
    "near_duplicate_rate",
    "max_generation_depth",
]
TOLERANCE = 1e-6
"""Shares are rounded to 6 places."""

_COUNT = st.integers(min_value=0, max_value=5_000)
_SHARE = st.floats(min_value=0.0, max_value=1.0)


@st.composite
def full_source(draw: st.DrawFn) -> dict[str, Any]:
    """A source that declares every fact the metrics above read."""
    origin = draw(st.sampled_from(["human", "synthetic", "mixed"]))
    records = draw(_COUNT)
    source: dict[str, Any] = {"origin": origin, "records": records, "tokens": draw(_COUNT)}
    if origin == "human":
        return source
    if origin == "mixed":
        source["synthetic_share"] = draw(_SHARE)
    source["generation_depth"] = draw(st.integers(min_value=1, max_value=4))
    source["human_audit"] = {"items": draw(_COUNT), "error_rate": draw(_SHARE)}
    source["label_validation"] = {
        "items": draw(_COUNT),
        "kappa": draw(st.floats(min_value=-1.0, max_value=1.0)),
    }
    source["diversity"] = {"near_duplicate_rate": draw(_SHARE)}
    if draw(st.booleans()):
        source["verification"] = {"method": "none"}
    else:
        passed = draw(st.integers(min_value=0, max_value=records))
        source["verification"] = {"method": "execution", "items_passed": passed}
    return source


FORGETTABLE = [
    ("records",),
    ("tokens",),
    ("synthetic_share",),
    ("generation_depth",),
    ("human_audit",),
    ("human_audit", "items"),
    ("label_validation", "items"),
    ("label_validation", "kappa"),
    ("diversity",),
    ("verification",),
    ("verification", "items_passed"),
]
ORIGIN = ("origin",)
"""Forgotten for the share metrics only: the metrics over synthetic sources read the declared
origin (SG101 and SG102 ask for it)."""


def forget(sources: list[dict[str, Any]], facts: set[tuple[int, tuple[str, ...]]]) -> Any:
    """A manifest of ``sources`` without the facts ``(source index, path)``."""
    partial = copy.deepcopy(sources)
    for index, path in sorted(facts, key=len):
        holder = partial[index]
        for key in path[:-1]:
            holder = holder.get(key, {})
        holder.pop(path[-1], None)
    for source in partial:  # what pydantic refuses: a share on a source no longer mixed
        if source.get("origin") != "mixed":
            source.pop("synthetic_share", None)
    named = [{"id": f"src-{i}", **source} for i, source in enumerate(partial)]
    return scope_at(manifest(named), "dataset")


def bounds(found: MetricValue) -> tuple[float, float] | None:
    if found is None:
        return None
    if isinstance(found, Interval):
        return found.low, found.high
    return found, found


def within(inner: tuple[float, float], outer: tuple[float, float]) -> bool:
    return outer[0] - TOLERANCE <= inner[0] and inner[1] <= outer[1] + TOLERANCE


@st.composite
def forgetting(draw: st.DrawFn, with_origin: bool) -> tuple[list[dict[str, Any]], Any, Any]:
    """Sources, and two sets of forgotten facts, the second holding the first."""
    sources = draw(st.lists(full_source(), min_size=1, max_size=5))
    choices = [(i, path) for i in range(len(sources)) for path in FORGETTABLE]
    if with_origin:
        choices += [(i, ORIGIN) for i in range(len(sources))]
    fewer = draw(st.sets(st.sampled_from(choices)))
    more = fewer | draw(st.sets(st.sampled_from(choices)))
    return sources, fewer, more


def _check(names: list[str], sources: list[dict[str, Any]], fewer: Any, more: Any) -> None:
    full, known, unknown = forget(sources, set()), forget(sources, fewer), forget(sources, more)
    for name in names:
        compute = _BY_NAME[name].compute
        truth, narrow, wide = (
            bounds(compute(full)),
            bounds(compute(known)),
            bounds(compute(unknown)),
        )
        if truth is None:
            continue  # nothing to hold the others to (a share of 0 records, no synthetic source)
        assert truth[0] == truth[1], f"{name} of a manifest that declares everything: {truth}"
        for partial, label in ((narrow, "fewer"), (wide, "more")):
            # None ("cannot be computed") claims nothing; a number or interval must hold the truth
            if partial is not None:
                assert within(truth, partial), f"{name} with {label} facts forgotten: {partial}"
        if narrow is not None and wide is not None:
            assert within(narrow, wide), f"{name}: knowing more widened {wide} to {narrow}"


@settings(max_examples=300, deadline=None)
@given(forgetting(with_origin=True))
def test_shares_hold_the_truth_and_never_widen_with_knowledge(case: Any) -> None:
    _check(SHARES, *case)


@settings(max_examples=300, deadline=None)
@given(forgetting(with_origin=False))
def test_counts_and_rates_hold_the_truth_and_never_widen_with_knowledge(case: Any) -> None:
    """A forgotten audit, validation or verification is unknown: a metric that counted it as
    0 would leave the truth outside its value."""
    _check(COUNTS_AND_RATES, *case)


@given(
    st.lists(
        st.fixed_dictionaries(
            {"origin": st.just("human")},
            optional={"records": _COUNT, "tokens": _COUNT},
        ),
        min_size=1,
        max_size=5,
    )
)
def test_an_all_human_scope_has_a_synthetic_share_of_exactly_zero(sources: Any) -> None:
    scope = forget(sources, set())
    for unit in ("records", "tokens"):
        found = _BY_NAME[f"synthetic_share_{unit}"].compute(scope)
        if all(source.get(unit) == 0 for source in sources):
            assert found is None  # 0 of 0: undefined, said so by the metric
        else:
            assert found == 0
            assert not isinstance(found, Interval)

"""The built-in metrics on small hand-built manifests, and how they move as synthetic data grows."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from synthgate.check_contract import Interval, MetricValue, ScopeView
from synthgate.models import verdict_rank
from synthgate_plugins.checks.threshold import THRESHOLD, ThresholdParams
from synthgate_plugins.metrics import METRICS

from .scopes import check_context, host, manifest, scope_at, scopes

_BY_NAME = {metric.name: metric for metric in METRICS}


def value(name: str, scope: ScopeView) -> MetricValue:
    """The metric ``name`` on ``scope``."""
    return _BY_NAME[name].compute(scope)


def as_bounds(found: MetricValue) -> tuple[float, float] | None:
    """A metric value as (low, high): a number is both bounds; None stays None."""
    if found is None:
        return None
    if isinstance(found, Interval):
        return found.low, found.high
    return found, found


def human(id_: str, records: Any = 10, **more: Any) -> dict[str, Any]:
    return {"id": id_, "origin": "human", "records": records, **more}


def synthetic(id_: str, records: Any = 10, **more: Any) -> dict[str, Any]:
    return {"id": id_, "origin": "synthetic", "records": records, **more}


def generator(name: str, family: str = "unknown") -> dict[str, str]:
    return {"name": name, "family": family}


# --------------------------------------------------------------------------- registration


def test_every_builtin_metric_is_registered_with_its_declare_hint() -> None:
    registered = host().metrics()
    assert set(registered) == {
        "records",
        "verified_items",
        "synthetic_share_records",
        "human_share_records",
        "unknown_share_records",
        "synthetic_share_tokens",
        "human_share_tokens",
        "unknown_share_tokens",
        "max_generation_depth",
        "largest_generator_share",
        "distinct_generators",
        "distinct_generator_families",
        "verified_share",
        "audited_items",
        "largest_generator_family_share",
        "replaced_previous_version",
        "min_tests_per_item",
        "audit_error_rate",
        "near_duplicate_rate",
        "label_validation_items",
        "label_kappa",
        "human_validated_share",
        "judge_human_agreement",
        "judge_agreement_items",
        "contamination_flagged_share",
        "generator_saw_eval_items",
        "model_verifier_precision",
        "unverified_kept_rate",
        "unchecked_translations",
        "smallest_post_edit_sample",
    }
    for metric in registered.values():
        assert metric.summary, metric.name
        assert metric.declare, f"{metric.name} says nothing about what to declare"
        assert set(metric.scopes) == {"dataset", "split", "source"}


# --------------------------------------------------------------------------- shares


SHARE_CASES = [
    pytest.param(
        [human("h", 60), synthetic("s", 30), {"id": "u", "origin": "unknown", "records": 10}],
        ((0.3, 0.4), (0.6, 0.7), 0.1),
        id="human-synthetic-unknown",
    ),
    pytest.param(
        [human("h", 60), {"id": "m", "origin": "mixed", "records": 40, "synthetic_share": 0.5}],
        (0.2, 0.8, 0.0),
        id="mixed-with-share-splits-its-records",
    ),
    pytest.param(
        [human("h", 60), {"id": "m", "origin": "mixed", "records": 40}],
        ((0.0, 0.4), (0.6, 1.0), 0.4),
        id="mixed-without-share-counts-as-unknown",
    ),
    pytest.param(
        [
            human("h", 60),
            {"id": "m", "origin": "mixed", "records": 40, "synthetic_share": "unknown"},
        ],
        ((0.0, 0.4), (0.6, 1.0), 0.4),
        id="mixed-with-unknown-share-counts-as-unknown",
    ),
    pytest.param(
        [human("h", 50), {"id": "o", "records": 50}],
        ((0.0, 0.5), (0.5, 1.0), 0.5),
        id="missing-origin-is-unknown-never-human",
    ),
    pytest.param([human("h", 2), synthetic("s", 1)], (0.333333, 0.666667, 0.0), id="rounded-to-6"),
    pytest.param([synthetic("s", 5)], (1.0, 0.0, 0.0), id="all-synthetic"),
]


@pytest.mark.parametrize(("sources", "shares"), SHARE_CASES)
def test_record_shares_by_origin(sources: list[dict[str, Any]], shares: tuple[Any, ...]) -> None:
    """Records of a mixed source of unknown share, or of unknown origin, may be anything from
    all human to all synthetic: the shares are intervals, never a guess of 0."""
    scope = scope_at(manifest(sources), "dataset")
    for part, expected in zip(("synthetic", "human", "unknown"), shares, strict=True):
        found = as_bounds(value(f"{part}_share_records", scope))
        wanted = expected if isinstance(expected, tuple) else (expected, expected)
        assert found == pytest.approx(wanted), part


def test_records_add_up_over_the_scope_and_need_every_count() -> None:
    scope = scope_at(manifest([human("h", 3), synthetic("s", 4)]), "dataset")
    assert value("records", scope) == 7
    unknown = scope_at(manifest([human("h", 3), synthetic("s", "unknown")]), "dataset")
    assert value("records", unknown) is None


def test_verified_items_add_up_over_synthetic_sources() -> None:
    checked = {"method": "exact-answer", "items_checked": 9, "items_passed": 6}
    sources = [
        synthetic("a", 9, verification=checked),
        synthetic("b", 5, verification={**checked, "items_checked": 5, "items_passed": 5}),
        human("h", 100),
    ]
    assert value("verified_items", scope_at(manifest(sources), "dataset")) == 11
    unverified = [synthetic("a", 9, verification=checked), synthetic("b", 5)]
    assert value("verified_items", scope_at(manifest(unverified), "dataset")) is None


def test_token_shares_weigh_by_tokens_not_records() -> None:
    sources = [
        human("h", 90, tokens=1_000),
        synthetic("s", 10, tokens=3_000),
        {"id": "m", "origin": "mixed", "records": 10, "tokens": 2_000, "synthetic_share": 0.25},
        {"id": "u", "origin": "mixed", "records": 10, "tokens": 2_000},
    ]
    scope = scope_at(manifest(sources), "dataset")
    # 'u' is mixed of unknown share: none to all of its 2,000 tokens are synthetic
    assert as_bounds(value("synthetic_share_tokens", scope)) == pytest.approx(
        ((3_000 + 500) / 8_000, (3_000 + 500 + 2_000) / 8_000)
    )
    assert as_bounds(value("human_share_tokens", scope)) == pytest.approx(
        ((1_000 + 1_500) / 8_000, (1_000 + 1_500 + 2_000) / 8_000)
    )
    assert value("unknown_share_tokens", scope) == pytest.approx(2_000 / 8_000)
    assert as_bounds(value("synthetic_share_records", scope)) == pytest.approx(
        (round(12.5 / 120, 6), round(22.5 / 120, 6))
    )


@pytest.mark.parametrize("unit", ["records", "tokens"])
def test_an_unknown_count_widens_a_share_to_an_interval(unit: str) -> None:
    counted = {"records": 10, "tokens": 100}
    sources = [
        {**human("h"), **counted},
        {**synthetic("s"), **counted, unit: "unknown"},
    ]
    scope = scope_at(manifest(sources), "dataset")
    # the synthetic source may hold none or any number of the scope's records
    assert value(f"synthetic_share_{unit}", scope) == Interval(0.0, 1.0)
    assert value(f"human_share_{unit}", scope) == Interval(0.0, 1.0)
    assert value(f"unknown_share_{unit}", scope) == 0.0  # every origin is declared
    other = "tokens" if unit == "records" else "records"
    assert value(f"synthetic_share_{other}", scope) == pytest.approx(0.5)


def test_an_unknown_count_of_one_kind_still_bounds_the_share() -> None:
    sources = [human("h", 60), synthetic("s", 30), synthetic("t", "unknown")]
    scope = scope_at(manifest(sources), "dataset")
    # 't' adds synthetic records only: the share is at least what the others give
    assert as_bounds(value("synthetic_share_records", scope)) == pytest.approx((1 / 3, 1.0))


def test_an_all_human_scope_has_no_synthetic_share_whatever_its_counts() -> None:
    scope = scope_at(manifest([human("h", "unknown"), human("i", "unknown")]), "dataset")
    assert value("synthetic_share_records", scope) == 0.0
    assert value("human_share_records", scope) == 1.0
    assert value("unknown_share_records", scope) == 0.0


def test_tokens_never_declared_leave_token_shares_open_but_not_record_shares() -> None:
    scope = scope_at(manifest([human("h", 3), synthetic("s", 1)]), "dataset")
    assert value("synthetic_share_tokens", scope) == Interval(0.0, 1.0)
    assert value("synthetic_share_records", scope) == pytest.approx(0.25)


def test_shares_of_an_empty_scope_are_unknown() -> None:
    scope = scope_at(manifest([human("h", 0), synthetic("s", 0)]), "dataset")
    assert value("synthetic_share_records", scope) is None
    assert value("human_share_records", scope) is None


def test_an_empty_scope_says_why_a_share_is_undefined() -> None:
    empty = scope_at(manifest([human("h", 0), synthetic("s", 0)]), "dataset")
    undeclared = scope_at(manifest([human("h", 0), synthetic("s", "unknown")]), "dataset")
    for name in ("synthetic_share_records", "human_share_records", "unknown_share_records"):
        undefined = _BY_NAME[name].undefined
        assert undefined is not None
        assert undefined(empty) == "the scope has 0 records, and a share of nothing is undefined"
        assert undefined(undeclared) is None  # not empty: the count is not declared
    token_shares = _BY_NAME["synthetic_share_tokens"].undefined
    assert token_shares is not None
    assert token_shares(empty) is None  # tokens are not declared at all


def test_verified_share_says_why_it_is_undefined() -> None:
    undefined = _BY_NAME["verified_share"].undefined
    assert undefined is not None
    assert undefined(scope_at(manifest([human("h", 10)]), "dataset")) == (
        "the scope has 0 synthetic records, and a share of nothing is undefined"
    )
    assert undefined(scope_at(manifest([synthetic("s", "unknown")]), "dataset")) is None
    assert undefined(scope_at(manifest([verified("s", 10, 9)]), "dataset")) is None


@pytest.mark.parametrize("unit", ["records", "tokens"])
def test_a_mixed_source_with_an_unknown_share_adds_none_to_all_in_either_unit(unit: str) -> None:
    sources = [
        {**human("h", 30), "tokens": 300},
        {"id": "m", "origin": "mixed", "records": 70, "tokens": 700},
    ]
    scope = scope_at(manifest(sources), "dataset")
    shares = [value(f"{part}_share_{unit}", scope) for part in ("synthetic", "human", "unknown")]
    assert shares == [Interval(0.0, 0.7), Interval(0.3, 1.0), 0.7]


def test_synthetic_and_human_parts_of_a_mixed_source_add_up_to_the_whole() -> None:
    sources = [{"id": "m", "origin": "mixed", "records": 3, "synthetic_share": 0.1}]
    scope = scope_at(manifest(sources), "dataset")
    synthetic_share = value("synthetic_share_records", scope)
    human_share = value("human_share_records", scope)
    assert isinstance(synthetic_share, float)
    assert isinstance(human_share, float)
    assert synthetic_share == pytest.approx(0.1)
    assert synthetic_share + human_share == pytest.approx(1.0)
    assert value("unknown_share_records", scope) == 0


def test_split_and_source_shares_count_only_their_own_sources() -> None:
    data = manifest(
        [human("h0", 90), synthetic("s0", 10)],
        [human("h1", 10), synthetic("s1", 30)],
    )
    assert value("synthetic_share_records", scope_at(data, "dataset")) == pytest.approx(40 / 140)
    assert value("synthetic_share_records", scope_at(data, "split/0")) == pytest.approx(0.1)
    assert value("synthetic_share_records", scope_at(data, "split/1")) == pytest.approx(0.75)
    assert value("synthetic_share_records", scope_at(data, "source/3")) == 1.0
    assert value("human_share_records", scope_at(data, "source/2")) == 1.0


# --------------------------------------------------------------------------- lineage


def test_max_generation_depth_is_the_deepest_synthetic_source() -> None:
    data = manifest(
        [
            human("h"),  # a human source's depth is 'unknown' and does not count
            synthetic("s1", generation_depth=1),
            {"id": "m", "origin": "mixed", "records": 5, "generation_depth": 3},
            synthetic("s2", generation_depth=2),
        ]
    )
    assert value("max_generation_depth", scope_at(data, "dataset")) == 3
    assert value("max_generation_depth", scope_at(data, "source/3")) == 2


def test_max_generation_depth_is_zero_without_synthetic_sources() -> None:
    assert value("max_generation_depth", scope_at(manifest([human("h")]), "dataset")) == 0


def test_max_generation_depth_is_open_ended_when_a_synthetic_depth_is_unknown() -> None:
    data = manifest([synthetic("s1", generation_depth=2), synthetic("s2")])
    assert value("max_generation_depth", scope_at(data, "dataset")) == Interval(2, math.inf)


# --------------------------------------------------------------------------- generators


def test_largest_generator_share_sums_sources_of_the_same_model() -> None:
    data = manifest(
        [
            human("h", 1_000),  # human records are not in the denominator
            synthetic("a1", 10, generator=generator("gpt-4o")),
            synthetic("a2", 20, generator=generator("gpt-4o")),
            synthetic("b", 30, generator=generator("llama-3.1-70b")),
        ]
    )
    assert value("largest_generator_share", scope_at(data, "dataset")) == pytest.approx(0.5)


def test_largest_generator_share_weighs_mixed_sources_by_their_synthetic_share() -> None:
    data = manifest(
        [
            {
                "id": "m",
                "origin": "mixed",
                "records": 100,
                "synthetic_share": 0.2,
                "generator": generator("gpt-4o"),
            },
            synthetic("b", 60, generator=generator("llama-3.1-70b")),
        ]
    )
    assert value("largest_generator_share", scope_at(data, "dataset")) == pytest.approx(0.75)


@pytest.mark.parametrize(
    "sources",
    [
        pytest.param([synthetic("s", 10)], id="generator-missing"),
        pytest.param([synthetic("s", "unknown", generator=generator("g"))], id="records-unknown"),
        pytest.param(
            [{"id": "m", "origin": "mixed", "records": 4, "generator": generator("g")}],
            id="mixed-share-unknown",
        ),
    ],
)
def test_largest_generator_share_is_unknown_without_the_facts(
    sources: list[dict[str, Any]],
) -> None:
    assert value("largest_generator_share", scope_at(manifest(sources), "dataset")) is None


def test_largest_generator_share_is_zero_without_synthetic_records() -> None:
    assert value("largest_generator_share", scope_at(manifest([human("h")]), "dataset")) == 0


def test_distinct_generators_and_families() -> None:
    data = manifest(
        [
            synthetic("a", generator=generator("gpt-4o", "gpt-4")),
            synthetic("b", generator=generator("gpt-4o-mini", "gpt-4")),
            synthetic("c", generator=generator("gpt-4o", "gpt-4")),
            synthetic("d", generator=generator("llama-3.1-70b", "llama-3")),
            human("h"),
        ]
    )
    scope = scope_at(data, "dataset")
    assert value("distinct_generators", scope) == 3
    assert value("distinct_generator_families", scope) == 2


def test_an_unknown_family_makes_families_unknown_but_not_generators() -> None:
    data = manifest(
        [
            synthetic("a", generator=generator("gpt-4o", "gpt-4")),
            synthetic("b", generator=generator("mystery-model")),
        ]
    )
    scope = scope_at(data, "dataset")
    assert value("distinct_generators", scope) == 2
    assert value("distinct_generator_families", scope) is None


def test_a_synthetic_source_without_generator_makes_diversity_unknown() -> None:
    scope = scope_at(
        manifest([synthetic("a", generator=generator("g", "f")), synthetic("b")]), "dataset"
    )
    assert value("distinct_generators", scope) is None
    assert value("distinct_generator_families", scope) is None


def test_generator_names_and_families_compare_by_model_key() -> None:
    data = manifest(
        [
            synthetic("a", 10, generator=generator("GPT-4o", "GPT-4")),
            synthetic("b", 20, generator=generator(" gpt-4o ", "gpt-4")),
            synthetic("c", 30, generator=generator("llama-3.1-70b", "Llama-3")),
        ]
    )
    scope = scope_at(data, "dataset")
    assert value("distinct_generators", scope) == 2
    assert value("distinct_generator_families", scope) == 2
    assert value("largest_generator_share", scope) == pytest.approx(0.5)  # 'GPT-4o' is one model


def test_a_family_spelt_unknown_in_capitals_is_unknown() -> None:
    data = manifest([synthetic("a", generator=generator("gpt-4o", "Unknown"))])
    assert value("distinct_generator_families", scope_at(data, "dataset")) is None


def test_no_synthetic_sources_means_no_generators() -> None:
    scope = scope_at(manifest([human("h")]), "dataset")
    assert value("distinct_generators", scope) == 0
    assert value("distinct_generator_families", scope) == 0


# --------------------------------------------------------------------------- verification


def verified(id_: str, records: int, passed: Any, method: str = "unit-tests") -> dict[str, Any]:
    return synthetic(
        id_,
        records,
        verification={"method": method, "items_checked": records, "items_passed": passed},
    )


VERIFIED_CASES = [
    pytest.param([verified("s", 100, 90)], 0.9, id="one-source"),
    pytest.param(
        [verified("a", 100, 100), synthetic("b", 100)], (0.5, 1.0), id="undeclared-is-unknown"
    ),
    pytest.param(
        [verified("a", 100, 100), verified("b", 100, "unknown", method="none")],
        0.5,
        id="method-none-passed-nothing",
    ),
    pytest.param(
        [verified("a", 100, 100), verified("b", 100, 100, method="none")],
        0.5,
        id="method-none-counts-0",
    ),
    pytest.param([human("h", 900), verified("s", 100, 25)], 0.25, id="human-not-in-denominator"),
    pytest.param(
        [
            {
                "id": "m",
                "origin": "mixed",
                "records": 200,
                "synthetic_share": 0.5,
                "verification": {"method": "execution", "items_passed": 80},
            }
        ],
        0.8,
        id="mixed-weighed-by-share",
    ),
    pytest.param(
        [
            {
                "id": "m",
                "origin": "mixed",
                "records": 100,
                "synthetic_share": 0.5,
                "verification": {"method": "execution", "items_passed": 100},
            }
        ],
        1.0,
        id="capped-at-one",
    ),
    pytest.param([verified("s", 100, "unknown")], (0.0, 1.0), id="passed-unknown"),
    pytest.param([synthetic("s", "unknown")], None, id="records-unknown"),
    pytest.param([human("h", 10)], None, id="no-synthetic-records"),
]


@pytest.mark.parametrize(("sources", "expected"), VERIFIED_CASES)
def test_verified_share(sources: list[dict[str, Any]], expected: Any) -> None:
    observed = as_bounds(value("verified_share", scope_at(manifest(sources), "dataset")))
    if expected is None:
        assert observed is None
    else:
        wanted = expected if isinstance(expected, tuple) else (expected, expected)
        assert observed == pytest.approx(wanted)


def test_audited_items_sum_synthetic_sources_only() -> None:
    data = manifest(
        [
            synthetic("a", human_audit={"items": 120}),
            synthetic("b", human_audit={"items": 80, "error_rate": 0.05}),
            synthetic("c", human_audit={"items": 0}),
            human("h", human_audit={"items": 1_000}),
        ]
    )
    assert value("audited_items", scope_at(data, "dataset")) == 200
    assert value("audited_items", scope_at(data, "source/1")) == 80
    assert value("audited_items", scope_at(data, "source/3")) == 0  # human items do not count


@pytest.mark.parametrize(
    "audit", [None, {}, {"items": "unknown"}], ids=["none", "empty", "unknown"]
)
def test_audited_items_of_an_undeclared_audit_are_unknown_never_zero(audit: Any) -> None:
    without = synthetic("b") if audit is None else synthetic("b", human_audit=audit)
    alone = manifest([without])
    assert value("audited_items", scope_at(alone, "dataset")) == Interval(0, math.inf)
    data = manifest([synthetic("a", human_audit={"items": 120}), without])
    assert value("audited_items", scope_at(data, "dataset")) == Interval(120, math.inf)


# --------------------------------------------------------------------------- properties

_COUNT = st.integers(min_value=0, max_value=10**7)
_SOURCE = st.one_of(
    st.fixed_dictionaries(
        {"origin": st.sampled_from(["human", "synthetic", "unknown"]), "records": _COUNT}
    ),
    st.fixed_dictionaries(
        {"origin": st.just("mixed"), "records": _COUNT},
        optional={"synthetic_share": st.floats(min_value=0.0, max_value=1.0)},
    ),
)
_BOUND = st.floats(min_value=0.0, max_value=1.0)


def _split_scope(sources: list[dict[str, Any]]) -> ScopeView:
    named = [{"id": f"src-{i}", **source} for i, source in enumerate(sources)]
    return scopes(manifest(named))["split"][0]


def _verdict(scope: ScopeView, params: ThresholdParams) -> str:
    (outcome,) = THRESHOLD.run(scope, params, check_context())
    return outcome.verdict


@given(
    sources=st.lists(_SOURCE, min_size=1, max_size=6),
    grow=st.integers(min_value=1, max_value=10**7),
    pick=st.integers(min_value=0, max_value=5),
    add_source=st.booleans(),
    # Distinct: a warn band equal to the fail band could never fire, a policy load error.
    bounds=st.tuples(_BOUND, _BOUND).filter(lambda pair: pair[0] != pair[1]).map(sorted),
)
def test_adding_synthetic_records_never_lowers_the_share_nor_improves_the_verdict(
    sources: list[dict[str, Any]],
    grow: int,
    pick: int,
    add_source: bool,
    bounds: list[float],
) -> None:
    assume(sum(source["records"] for source in sources) > 0)  # 0 of 0 has no share
    synthetic_at = [i for i, source in enumerate(sources) if source["origin"] == "synthetic"]
    if add_source or not synthetic_at:
        grown = [*sources, {"origin": "synthetic", "records": grow}]
    else:
        index = synthetic_at[pick % len(synthetic_at)]
        grown = [dict(source) for source in sources]
        grown[index]["records"] += grow
    before_scope, after_scope = _split_scope(sources), _split_scope(grown)
    before = as_bounds(value("synthetic_share_records", before_scope))
    after = as_bounds(value("synthetic_share_records", after_scope))
    assert before is not None
    assert after is not None
    assert after[0] >= before[0] - 1e-6  # both bounds move up (rounded to 6 places)
    assert after[1] >= before[1] - 1e-6

    warn_at, fail_at = bounds
    params = ThresholdParams.model_validate(
        {
            "metric": "synthetic_share_records",
            "warn": {"above": warn_at},
            "fail": {"above": fail_at},
        }
    )
    assert verdict_rank(_verdict(after_scope, params)) >= verdict_rank(
        _verdict(before_scope, params)
    )

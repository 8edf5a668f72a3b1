"""The built-in metrics on small hand-built manifests, and how they move as synthetic data grows."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from synthgate.checks import MetricValue, ScopeView
from synthgate.models import verdict_rank
from synthgate_plugins.checks.threshold import THRESHOLD, ThresholdParams
from synthgate_plugins.metrics import METRICS

from .scopes import check_context, host, manifest, scope_at, scopes

_BY_NAME = {metric.name: metric for metric in METRICS}


def value(name: str, scope: ScopeView) -> MetricValue:
    """The metric ``name`` on ``scope``."""
    return _BY_NAME[name].compute(scope)


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
        (0.3, 0.6, 0.1),
        id="human-synthetic-unknown",
    ),
    pytest.param(
        [human("h", 60), {"id": "m", "origin": "mixed", "records": 40, "synthetic_share": 0.5}],
        (0.2, 0.8, 0.0),
        id="mixed-with-share-splits-its-records",
    ),
    pytest.param(
        [human("h", 60), {"id": "m", "origin": "mixed", "records": 40}],
        (0.0, 0.6, 0.4),
        id="mixed-without-share-counts-as-unknown",
    ),
    pytest.param(
        [
            human("h", 60),
            {"id": "m", "origin": "mixed", "records": 40, "synthetic_share": "unknown"},
        ],
        (0.0, 0.6, 0.4),
        id="mixed-with-unknown-share-counts-as-unknown",
    ),
    pytest.param(
        [human("h", 50), {"id": "o", "records": 50}],
        (0.0, 0.5, 0.5),
        id="missing-origin-is-unknown-never-human",
    ),
    pytest.param([human("h", 2), synthetic("s", 1)], (0.333333, 0.666667, 0.0), id="rounded-to-6"),
    pytest.param([synthetic("s", 5)], (1.0, 0.0, 0.0), id="all-synthetic"),
]


@pytest.mark.parametrize(("sources", "shares"), SHARE_CASES)
def test_record_shares_by_origin(
    sources: list[dict[str, Any]], shares: tuple[float, float, float]
) -> None:
    scope = scope_at(manifest(sources), "dataset")
    observed = tuple(
        value(f"{part}_share_records", scope) for part in ("synthetic", "human", "unknown")
    )
    assert observed == pytest.approx(shares)


def test_token_shares_weigh_by_tokens_not_records() -> None:
    sources = [
        human("h", 90, tokens=1_000),
        synthetic("s", 10, tokens=3_000),
        {"id": "m", "origin": "mixed", "records": 10, "tokens": 2_000, "synthetic_share": 0.25},
        {"id": "u", "origin": "mixed", "records": 10, "tokens": 2_000},
    ]
    scope = scope_at(manifest(sources), "dataset")
    assert value("synthetic_share_tokens", scope) == pytest.approx((3_000 + 500) / 8_000)
    assert value("human_share_tokens", scope) == pytest.approx((1_000 + 1_500) / 8_000)
    assert value("unknown_share_tokens", scope) == pytest.approx(2_000 / 8_000)
    assert value("synthetic_share_records", scope) == round(12.5 / 120, 6)


@pytest.mark.parametrize("unit", ["records", "tokens"])
def test_a_share_is_unknown_when_any_count_in_scope_is_unknown(unit: str) -> None:
    counted = {"records": 10, "tokens": 100}
    sources = [
        {**human("h"), **counted},
        {**synthetic("s"), **counted, unit: "unknown"},
    ]
    scope = scope_at(manifest(sources), "dataset")
    for part in ("synthetic", "human", "unknown"):
        assert value(f"{part}_share_{unit}", scope) is None
    other = "tokens" if unit == "records" else "records"
    assert value(f"synthetic_share_{other}", scope) == pytest.approx(0.5)


def test_tokens_never_declared_make_token_shares_unknown_but_not_record_shares() -> None:
    scope = scope_at(manifest([human("h", 3), synthetic("s", 1)]), "dataset")
    assert value("synthetic_share_tokens", scope) is None
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
def test_a_mixed_source_with_an_unknown_share_is_wholly_unknown_in_either_unit(unit: str) -> None:
    sources = [
        {**human("h", 30), "tokens": 300},
        {"id": "m", "origin": "mixed", "records": 70, "tokens": 700},
    ]
    scope = scope_at(manifest(sources), "dataset")
    shares = [value(f"{part}_share_{unit}", scope) for part in ("synthetic", "human", "unknown")]
    assert shares == [0.0, 0.3, 0.7]


def test_synthetic_and_human_parts_of_a_mixed_source_add_up_to_the_whole() -> None:
    sources = [{"id": "m", "origin": "mixed", "records": 3, "synthetic_share": 0.1}]
    scope = scope_at(manifest(sources), "dataset")
    synthetic_share = value("synthetic_share_records", scope)
    human_share = value("human_share_records", scope)
    assert synthetic_share is not None
    assert human_share is not None
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


def test_max_generation_depth_is_unknown_when_a_synthetic_depth_is_unknown() -> None:
    data = manifest([synthetic("s1", generation_depth=1), synthetic("s2")])
    assert value("max_generation_depth", scope_at(data, "dataset")) is None


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
    pytest.param([verified("a", 100, 100), synthetic("b", 100)], 0.5, id="unverified-counts-0"),
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
    pytest.param([verified("s", 100, "unknown")], None, id="passed-unknown"),
    pytest.param([synthetic("s", "unknown")], None, id="records-unknown"),
    pytest.param([human("h", 10)], None, id="no-synthetic-records"),
]


@pytest.mark.parametrize(("sources", "expected"), VERIFIED_CASES)
def test_verified_share(sources: list[dict[str, Any]], expected: float | None) -> None:
    observed = value("verified_share", scope_at(manifest(sources), "dataset"))
    if expected is None:
        assert observed is None
    else:
        assert observed == pytest.approx(expected)


def test_audited_items_sum_synthetic_sources_only() -> None:
    data = manifest(
        [
            synthetic("a", human_audit={"items": 120}),
            synthetic("b", human_audit={"items": 80, "error_rate": 0.05}),
            synthetic("c"),  # no audit: adds nothing
            human("h", human_audit={"items": 1_000}),
        ]
    )
    assert value("audited_items", scope_at(data, "dataset")) == 200
    assert value("audited_items", scope_at(data, "source/1")) == 80
    assert value("audited_items", scope_at(data, "source/3")) == 0


def test_audited_items_unknown_when_an_audit_does_not_count_its_items() -> None:
    data = manifest([synthetic("a", human_audit={"items": 120}), synthetic("b", human_audit={})])
    assert value("audited_items", scope_at(data, "dataset")) is None


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
    before = value("synthetic_share_records", before_scope)
    after = value("synthetic_share_records", after_scope)
    if before is None:
        assert after is None  # only an unknown mixed share makes it unknown; it stays
    else:
        assert after is not None
        assert after >= before

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

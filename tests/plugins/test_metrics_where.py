"""The translation metrics, and the fact each extreme metric points at (``where``).

Each expected value is worked out by hand from the sources listed in the test.
"""

from __future__ import annotations

from typing import Any

import pytest

from synthgate.check_contract import Interval, MetricValue, ScopeView
from synthgate_plugins.metrics import METRICS

from .scopes import manifest, scope_at

_BY_NAME = {metric.name: metric for metric in METRICS}


def _scope(*sources: dict[str, Any], where: str = "dataset") -> ScopeView:
    return scope_at(manifest(list(sources)), where)


def value(name: str, scope: ScopeView) -> MetricValue:
    return _BY_NAME[name].compute(scope)


def where(name: str, scope: ScopeView) -> str | None:
    found = _BY_NAME[name].where
    assert found is not None, f"{name} has no 'where'"
    return found(scope)


def undefined(name: str, scope: ScopeView) -> str | None:
    found = _BY_NAME[name].undefined
    assert found is not None, f"{name} has no 'undefined'"
    return found(scope)


def translated(id_: str, method: str = "machine-translation", **translation: Any) -> dict[str, Any]:
    source: dict[str, Any] = {"id": id_, "origin": "synthetic", "records": 10, "method": method}
    if translation:
        source["translation"] = translation
    return source


HUMAN = {"id": "h", "origin": "human", "records": 10}
TEMPLATE = {"id": "t", "origin": "synthetic", "records": 10, "method": "template"}

# --------------------------------------------------------------------------- translations


def test_unchecked_translations_counts_translated_sources_without_a_check() -> None:
    scope = _scope(
        translated("none-recorded"),  # no translation block: unchecked
        translated("estimate", quality_estimate=0.8),  # a quality estimate: checked
        translated("sample", post_edited_items=20),  # a post-editing sample: checked
        translated("empty-sample", post_edited_items=0),  # a sample of 0 checks nothing
        translated("back", "back-translation", system="nllb"),  # a block without either
        TEMPLATE,  # not translated
        HUMAN,
    )
    assert value("unchecked_translations", scope) == 3


def test_unchecked_translations_is_zero_when_every_translation_is_checked() -> None:
    scope = _scope(translated("a", quality_estimate=0.5), translated("b", post_edited_items=1))
    assert value("unchecked_translations", scope) == 0


def test_no_translated_source_makes_the_translation_metrics_undefined() -> None:
    scope = _scope(TEMPLATE, HUMAN)
    assert undefined("unchecked_translations", scope) == "no source in scope is machine-translated"
    assert undefined("smallest_post_edit_sample", scope) == (
        "no machine-translated source records a post-editing sample"
    )
    assert undefined("unchecked_translations", _scope(translated("a"))) is None


def test_a_translated_source_with_a_sample_defines_the_sample_metric() -> None:
    assert undefined("smallest_post_edit_sample", _scope(translated("a"))) == (
        "no machine-translated source records a post-editing sample"
    )
    assert undefined("smallest_post_edit_sample", _scope(translated("a", system="x"))) == (
        "no machine-translated source records a post-editing sample"
    )
    assert (
        undefined("smallest_post_edit_sample", _scope(translated("a", post_edited_items=0))) is None
    )
    # A template source's sample does not count: it is not a translation.
    template = {**TEMPLATE, "translation": {"post_edited_items": 5}}
    assert undefined("smallest_post_edit_sample", _scope(template)) is not None


def test_smallest_post_edit_sample_is_the_fewest_among_sources_that_record_one() -> None:
    scope = _scope(
        translated("a", post_edited_items=40),
        translated("b"),  # records no sample: left out, not counted as 0
        translated("c", "back-translation", post_edited_items=15),
        {**TEMPLATE, "translation": {"post_edited_items": 2}},  # not a translation
        translated("d", post_edited_items=30),
    )
    assert value("smallest_post_edit_sample", scope) == 15
    assert where("smallest_post_edit_sample", scope) == (
        "/splits/0/sources/2/translation/post_edited_items"
    )


def test_smallest_post_edit_sample_is_unknown_when_none_records_one() -> None:
    scope = _scope(translated("a"), HUMAN)
    assert value("smallest_post_edit_sample", scope) is None
    assert where("smallest_post_edit_sample", scope) is None


# --------------------------------------------------------------------------- where


def synthetic(id_: str, **more: Any) -> dict[str, Any]:
    return {"id": id_, "origin": "synthetic", "records": 10, **more}


@pytest.mark.parametrize(
    ("metric", "sources", "expected", "pointer"),
    [
        (
            "max_generation_depth",
            [synthetic("a", generation_depth=2), synthetic("b", generation_depth=3), HUMAN],
            3,
            "/splits/0/sources/1/generation_depth",
        ),
        (
            "near_duplicate_rate",
            [
                synthetic("a", diversity={"near_duplicate_rate": 0.3}),
                synthetic("b", diversity={"near_duplicate_rate": 0.1}),
            ],
            0.3,
            "/splits/0/sources/0/diversity/near_duplicate_rate",
        ),
        (
            "label_validation_items",
            [
                synthetic("a", label_validation={"items": 500}),
                synthetic("b", label_validation={"items": 50}),
                synthetic("c", label_validation={"items": 80}),
            ],
            50,
            "/splits/0/sources/1/label_validation/items",
        ),
        (
            "label_kappa",
            [
                synthetic("a", label_validation={"kappa": 0.7}),
                synthetic("b", label_validation={"kappa": 0.9}),
                synthetic("c"),  # no validation: not included
            ],
            0.7,
            "/splits/0/sources/0/label_validation/kappa",
        ),
        (
            "min_tests_per_item",
            [
                synthetic("a", verification={"method": "unit-tests", "tests_per_item": 4}),
                synthetic("b", verification={"method": "unit-tests", "tests_per_item": 2}),
                synthetic("c", verification={"method": "human-review", "tests_per_item": 1}),
            ],
            2,
            "/splits/0/sources/1/verification/tests_per_item",
        ),
        (
            "model_verifier_precision",
            [
                synthetic("a", verification={"method": "unit-tests", "verifier_precision": 0.1}),
                synthetic(
                    "b", verification={"method": "model-verifier", "verifier_precision": 0.8}
                ),
                synthetic(
                    "c", verification={"method": "model-verifier", "verifier_precision": 0.95}
                ),
            ],
            0.8,
            "/splits/0/sources/1/verification/verifier_precision",
        ),
        (
            "unverified_kept_rate",
            [
                synthetic("a", filtering={"generated": 100, "kept": 20}),
                synthetic("b", filtering={"generated": 100, "kept": 60}),
                synthetic(
                    "c",
                    verification={"method": "unit-tests"},
                    filtering={"generated": 100, "kept": 90},
                ),
            ],
            0.6,
            "/splits/0/sources/1/filtering/kept",
        ),
    ],
)
def test_an_extreme_metric_points_at_the_source_that_decides_it(
    metric: str, sources: list[dict[str, Any]], expected: float, pointer: str
) -> None:
    scope = _scope(*sources)
    assert value(metric, scope) == expected
    assert where(metric, scope) == pointer


def test_an_extreme_metric_with_an_unknown_value_points_at_the_known_extreme() -> None:
    scope = _scope(
        synthetic("a", generation_depth=2), synthetic("b", generation_depth="unknown"), HUMAN
    )
    assert value("max_generation_depth", scope) == Interval(2, float("inf"))
    assert where("max_generation_depth", scope) == "/splits/0/sources/0/generation_depth"
    only_unknown = _scope(synthetic("b", generation_depth="unknown"))
    assert value("max_generation_depth", only_unknown) == Interval(1, float("inf"))
    assert where("max_generation_depth", only_unknown) is None


def test_a_lowest_metric_with_an_unknown_value_reaches_down_to_the_range_floor() -> None:
    scope = _scope(
        synthetic("a", label_validation={"kappa": 0.5}),
        synthetic("b", label_validation={"items": 10}),  # kappa unknown: anywhere in -1..1
    )
    assert value("label_kappa", scope) == Interval(-1.0, 0.5)
    assert where("label_kappa", scope) == "/splits/0/sources/0/label_validation/kappa"


def test_dataset_facts_point_at_the_same_field_whatever_the_scope() -> None:
    data = manifest([HUMAN], [synthetic("s")])
    for name, pointer in [
        ("replaced_previous_version", "/dataset/replaces_previous_version"),
        ("judge_human_agreement", "/dataset/judge/human_agreement"),
        ("judge_agreement_items", "/dataset/judge/agreement_items"),
        ("contamination_flagged_share", "/dataset/contamination/flagged_share"),
        ("generator_saw_eval_items", "/dataset/contamination/generator_saw_eval_items"),
    ]:
        for at in ("dataset", "split/1", "source/1"):
            assert where(name, scope_at(data, at)) == pointer, (name, at)


def test_a_split_scope_points_into_its_own_split() -> None:
    data = manifest(
        [synthetic("a", generation_depth=5)],
        [synthetic("b", generation_depth=2), synthetic("c", generation_depth=4)],
    )
    scope = scope_at(data, "split/1")
    assert value("max_generation_depth", scope) == 4
    assert where("max_generation_depth", scope) == "/splits/1/sources/1/generation_depth"


# --------------------------------------------------------------------------- verified share


def _verified(id_: str, records: int, method: str, **more: Any) -> dict[str, Any]:
    return synthetic(id_, records=records, verification={"method": method, **more})


def test_labels_by_construction_verify_templates_and_programs_only() -> None:
    scope = _scope(
        {**_verified("llm", 70, "by-construction"), "method": "llm"},  # verifies nothing
        {**_verified("tpl", 20, "by-construction"), "method": "template"},
        {**_verified("prog", 10, "by-construction"), "method": "programmatic"},
    )
    assert value("verified_share", scope) == 0.3


def test_sources_after_a_by_construction_or_an_unverified_one_still_count() -> None:
    scope = _scope(
        {**_verified("tpl", 10, "by-construction"), "method": "template"},
        _verified("none", 10, "none"),  # verified with method 'none': passed nothing
        _verified("unit", 20, "unit-tests", items_checked=20, items_passed=20),
    )
    assert value("verified_share", scope) == 0.75  # (10 + 0 + 20) / 40


def test_a_source_of_zero_records_adds_nothing_to_either_bound() -> None:
    scope = _scope(
        _verified("half", 10, "unit-tests", items_checked=10, items_passed=5),
        synthetic("empty", records=0),  # no verification, but nothing to verify
    )
    assert value("verified_share", scope) == 0.5


def test_an_extreme_metric_skips_the_sources_it_does_not_include_wherever_they_are() -> None:
    scope = _scope(
        synthetic("c", verification={"method": "human-review", "tests_per_item": 1}),
        synthetic("a", verification={"method": "unit-tests", "tests_per_item": 4}),
    )
    assert value("min_tests_per_item", scope) == 4
    assert where("min_tests_per_item", scope) == "/splits/0/sources/1/verification/tests_per_item"


def test_of_equal_extremes_the_first_source_is_pointed_at() -> None:
    scope = _scope(
        synthetic("a", generation_depth=3),
        synthetic("b", generation_depth=3),
        synthetic("c", generation_depth=1),
    )
    assert where("max_generation_depth", scope) == "/splits/0/sources/0/generation_depth"
    scope = _scope(synthetic("a", generation_depth=1), synthetic("b", generation_depth=1))
    assert where("max_generation_depth", scope) == "/splits/0/sources/0/generation_depth"

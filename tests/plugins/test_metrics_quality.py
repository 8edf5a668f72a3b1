"""The metrics behind the default pack's quality rules: audits, label validation, judges,
contamination, tests per item and duplication. Each tells "not declared" (None, no reason)
from "undefined although declared" (None, with a reason)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from synthgate.check_contract import Interval, MetricValue, ScopeView
from synthgate_plugins.metrics import METRICS

from .scopes import manifest, scope_at

_BY_NAME = {metric.name: metric for metric in METRICS}


def value(name: str, scope: ScopeView) -> MetricValue:
    return _BY_NAME[name].compute(scope)


def why(name: str, scope: ScopeView) -> str | None:
    undefined = _BY_NAME[name].undefined
    return None if undefined is None else undefined(scope)


def synthetic(id_: str, records: int = 10, **more: Any) -> dict[str, Any]:
    return {"id": id_, "origin": "synthetic", "records": records, **more}


def human(id_: str = "h", records: int = 10) -> dict[str, Any]:
    return {"id": id_, "origin": "human", "records": records}


def dataset_scope(*sources: dict[str, Any], **dataset: Any) -> ScopeView:
    return scope_at(manifest(list(sources), **dataset), "dataset")


# --------------------------------------------------------------------------- audits


def test_audit_error_rate_is_weighted_by_items() -> None:
    scope = dataset_scope(
        synthetic("a", human_audit={"items": 100, "error_rate": 0.5}),
        synthetic("b", human_audit={"items": 300, "error_rate": 0.1}),
        human(),
    )
    assert value("audit_error_rate", scope) == pytest.approx(0.2)


def test_audit_error_rate_unknown_when_an_audit_lacks_its_rate() -> None:
    scope = dataset_scope(synthetic("a", human_audit={"items": 100}))
    assert value("audit_error_rate", scope) is None
    assert why("audit_error_rate", scope) is None


def test_audit_error_rate_undefined_without_audits() -> None:
    scope = dataset_scope(synthetic("a"), human())
    assert value("audit_error_rate", scope) is None
    assert "no synthetic item in scope was audited" in (why("audit_error_rate", scope) or "")


# --------------------------------------------------------------------------- label validation


def test_label_validation_items_takes_the_least_validated_source() -> None:
    scope = dataset_scope(
        synthetic("a", label_validation={"items": 400}),
        synthetic("b", label_validation={"items": 120}),
    )
    assert value("label_validation_items", scope) == 120


def test_a_source_without_validation_leaves_the_fewest_items_unknown_never_zero() -> None:
    scope = dataset_scope(synthetic("a", label_validation={"items": 400}), synthetic("b"))
    # 'b' may have validated any number of items: the fewest is at most 400
    assert value("label_validation_items", scope) == Interval(0, 400)


def test_label_kappa_takes_the_lowest_and_is_undefined_without_validation() -> None:
    scope = dataset_scope(
        synthetic("a", label_validation={"items": 400, "kappa": 0.7}),
        synthetic("b", label_validation={"items": 400, "kappa": -0.1}),
        synthetic("c"),
    )
    assert value("label_kappa", scope) == pytest.approx(-0.1)
    bare = dataset_scope(synthetic("c"))
    assert value("label_kappa", bare) is None
    assert "no synthetic source declares a label validation" in (why("label_kappa", bare) or "")
    unknown = dataset_scope(synthetic("a", label_validation={"items": 400}))
    assert value("label_kappa", unknown) == Interval(-1, 1)
    assert why("label_kappa", unknown) is None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (synthetic("a", human_audit={"items": 200, "error_rate": 0.08}), 0.92),
        (synthetic("a", label_validation={"agreement": 0.95}), 0.95),
        (
            synthetic(
                "a",
                label_validation={"agreement": 0.95},
                human_audit={"items": 200, "error_rate": 0.2},
            ),
            0.8,
        ),
        (synthetic("a", human_audit={"items": 200}), None),
        (synthetic("a"), None),
    ],
    ids=["audit", "agreement", "lower-of-both", "audit-without-rate", "nothing"],
)
def test_human_validated_share(source: dict[str, Any], expected: float | None) -> None:
    observed = value("human_validated_share", dataset_scope(source))
    if expected is None:
        assert observed is None
    else:
        assert observed == pytest.approx(expected)


# --------------------------------------------------------------------------- judges


def test_judge_metrics_read_the_judge_and_say_when_there_is_none() -> None:
    judged = dataset_scope(
        human(), judge={"name": "gpt-4o", "human_agreement": 0.84, "agreement_items": 300}
    )
    assert value("judge_human_agreement", judged) == pytest.approx(0.84)
    assert value("judge_agreement_items", judged) == 300
    unmeasured = dataset_scope(human(), judge={"name": "gpt-4o"})
    assert value("judge_human_agreement", unmeasured) is None
    assert why("judge_human_agreement", unmeasured) is None
    none = dataset_scope(human())
    assert value("judge_agreement_items", none) is None
    assert why("judge_agreement_items", none) == "the dataset declares no judge model"


# --------------------------------------------------------------------------- contamination


@pytest.mark.parametrize(
    ("contamination", "flagged", "saw"),
    [
        (None, None, None),
        ({"method": "13-gram"}, None, None),
        ({"flagged_share": 0.02, "generator_saw_eval_items": True}, 0.02, 1),
        ({"flagged_share": 0, "generator_saw_eval_items": False}, 0, 0),
    ],
    ids=["absent", "no-numbers", "flagged-and-seen", "clean"],
)
def test_contamination_metrics(
    contamination: dict[str, Any] | None, flagged: float | None, saw: int | None
) -> None:
    extra = {} if contamination is None else {"contamination": contamination}
    scope = dataset_scope(human(), **extra)
    assert value("contamination_flagged_share", scope) == flagged
    assert value("generator_saw_eval_items", scope) == saw


@pytest.mark.parametrize(("flag", "expected"), [(True, 1), (False, 0), ("unknown", None)])
def test_replaced_previous_version(flag: Any, expected: int | None) -> None:
    scope = dataset_scope(human(), replaces_previous_version=flag)
    assert value("replaced_previous_version", scope) == expected


# --------------------------------------------------------------------------- tests per item


def _tested(id_: str, method: str, tests: Any = "unknown") -> dict[str, Any]:
    verification = {"method": method, "items_checked": 10, "items_passed": 10}
    if tests != "unknown":
        verification["tests_per_item"] = tests
    return synthetic(id_, verification=verification)


def test_min_tests_per_item_reads_only_test_verified_sources() -> None:
    scope = dataset_scope(
        _tested("a", "unit-tests", 12), _tested("b", "unit-tests", 4), _tested("c", "execution", 1)
    )
    assert value("min_tests_per_item", scope) == 4


def test_min_tests_per_item_unknown_or_undefined() -> None:
    undeclared = dataset_scope(_tested("a", "unit-tests"))
    assert value("min_tests_per_item", undeclared) == Interval(0, math.inf)
    assert why("min_tests_per_item", undeclared) is None
    untested = dataset_scope(_tested("a", "exact-answer"))
    assert value("min_tests_per_item", untested) is None
    assert why("min_tests_per_item", untested) == (
        "no synthetic source in scope is verified by unit tests"
    )


# --------------------------------------------------------------------------- duplication, families


def test_near_duplicate_rate_takes_the_worst_source() -> None:
    scope = dataset_scope(
        synthetic("a", diversity={"near_duplicate_rate": 0.02}),
        synthetic("b", diversity={"near_duplicate_rate": 0.12}),
        human(),
    )
    assert value("near_duplicate_rate", scope) == pytest.approx(0.12)
    partly = dataset_scope(synthetic("a", diversity={"near_duplicate_rate": 0.02}), synthetic("b"))
    assert value("near_duplicate_rate", partly) == Interval(0.02, 1)
    assert why("near_duplicate_rate", partly) is None
    assert why("near_duplicate_rate", dataset_scope(human())) == "the scope has no synthetic source"


def test_largest_generator_family_share_groups_models_by_family() -> None:
    scope = dataset_scope(
        synthetic("a", 60, generator={"name": "llama-3.1-8b", "family": "llama-3"}),
        synthetic("b", 20, generator={"name": "Llama-3.1-70B", "family": "LLAMA-3"}),
        synthetic("c", 20, generator={"name": "gpt-4o", "family": "gpt-4"}),
    )
    assert value("largest_generator_family_share", scope) == pytest.approx(0.8)
    unknown = dataset_scope(synthetic("a", 10, generator={"name": "x"}))
    assert value("largest_generator_family_share", unknown) is None
    assert value("largest_generator_family_share", dataset_scope(human())) == 0


# --------------------------------------------------------------------------- verifiers, filtering


def _checked(id_: str, method: str, **verification: Any) -> dict[str, Any]:
    facts = {"method": method, "items_checked": 10, "items_passed": 10, **verification}
    return synthetic(id_, verification=facts)


def test_model_verifier_precision_reads_model_verifiers_only() -> None:
    scope = dataset_scope(
        _checked("a", "model-verifier", verifier_precision=0.93),
        _checked("b", "model-verifier", verifier_precision=0.81),
        _checked("c", "unit-tests", verifier_precision=0.2),
    )
    assert value("model_verifier_precision", scope) == pytest.approx(0.81)
    unmeasured = dataset_scope(_checked("a", "model-verifier"))
    assert value("model_verifier_precision", unmeasured) == Interval(0, 1)
    assert why("model_verifier_precision", unmeasured) is None
    tested = dataset_scope(_checked("a", "unit-tests"))
    assert why("model_verifier_precision", tested) == (
        "no synthetic source in scope is checked by a model verifier"
    )


def test_unverified_kept_rate_reads_unverified_sources_only() -> None:
    scope = dataset_scope(
        synthetic("a", filtering={"generated": 100, "kept": 80}),
        synthetic("b", filtering={"generated": 50, "kept": 50}, verification={"method": "none"}),
        {**_checked("c", "unit-tests"), "filtering": {"generated": 10, "kept": 10}},
    )
    assert value("unverified_kept_rate", scope) == 1
    assert value("unverified_kept_rate", dataset_scope(synthetic("a"))) == Interval(0, 1)
    assert why("unverified_kept_rate", dataset_scope(synthetic("a"))) is None
    verified = dataset_scope(_checked("c", "exact-answer"))
    assert why("unverified_kept_rate", verified) == (
        "every synthetic source in scope is verified automatically"
    )
    empty = dataset_scope(synthetic("a", filtering={"generated": 0, "kept": 0}))
    assert value("unverified_kept_rate", empty) == Interval(0, 1)  # a rate of 0 of 0


# --------------------------------------------------------------------------- edges


def _kept(id_: str, kept: int, method: str | None) -> dict[str, Any]:
    """A synthetic source that kept ``kept`` of 100 generated items, verified by ``method``."""
    more: dict[str, Any] = {"filtering": {"generated": 100, "kept": kept}}
    if method is not None:
        more["verification"] = {"method": method}
    return synthetic(id_, kept, **more)


def test_a_verification_method_of_unknown_counts_as_unverified() -> None:
    scope = scope_at(
        manifest([_kept("a", 90, "unknown"), _kept("b", 99, "unit-tests"), _kept("c", 50, "none")]),
        "dataset",
    )
    # a (unknown) and c (none) are unverified; b is verified and does not count.
    assert value("unverified_kept_rate", scope) == pytest.approx(0.9)
    assert why("unverified_kept_rate", scope) is None
    only_unknown = scope_at(manifest([_kept("a", 70, "unknown")]), "dataset")
    assert value("unverified_kept_rate", only_unknown) == pytest.approx(0.7)
    assert why("unverified_kept_rate", only_unknown) is None
    undeclared = scope_at(manifest([_kept("a", 60, None), _kept("b", 99, "unit-tests")]), "dataset")
    assert value("unverified_kept_rate", undeclared) == pytest.approx(0.6)


def test_the_kept_rate_of_unverified_sources_is_undefined_when_every_source_is_verified() -> None:
    scope = scope_at(
        manifest([_kept("a", 90, "unit-tests"), _kept("b", 80, "model-verifier")]), "dataset"
    )
    assert why("unverified_kept_rate", scope) == (
        "every synthetic source in scope is verified automatically"
    )


def test_audits_of_zero_items_leave_the_error_rate_undefined_and_say_why() -> None:
    zero = {"items": 0, "error_rate": 0.0}
    scope = scope_at(
        manifest([synthetic("a", human_audit=zero), synthetic("b", human_audit=zero)]), "dataset"
    )
    assert value("audit_error_rate", scope) is None
    assert why("audit_error_rate", scope) == (
        "no synthetic item in scope was audited by people (the audit sample rule asks for one)"
    )
    one_counted = scope_at(
        manifest(
            [
                synthetic("a", human_audit=zero),
                synthetic("b", human_audit={"items": 40, "error_rate": 0.25}),
            ]
        ),
        "dataset",
    )
    assert value("audit_error_rate", one_counted) == pytest.approx(0.25)
    assert why("audit_error_rate", one_counted) is None


def test_families_that_differ_only_in_case_are_one_family() -> None:
    scope = scope_at(
        manifest(
            [
                synthetic("a", 10, generator={"name": "gpt-4o", "family": "GPT-4"}),
                synthetic("b", 20, generator={"name": "gpt-4o-mini", "family": "gpt-4"}),
                synthetic("c", 30, generator={"name": "llama-3.1-70b", "family": "Llama-3"}),
                synthetic("d", 15, generator={"name": "Llama-3.1-8B ", "family": " llama-3"}),
            ]
        ),
        "dataset",
    )
    # GPT-4: 10 + 20 = 30 records, Llama-3: 30 + 15 = 45, of 75 synthetic records.
    assert value("largest_generator_family_share", scope) == pytest.approx(0.6)
    assert value("distinct_generator_families", scope) == 2
    assert value("distinct_generators", scope) == 4


def _one_third_of(metric: str, *sources: dict[str, Any]) -> None:
    """``metric`` on the sources is 1/3, given to six decimals as every share is."""
    assert value(metric, scope_at(manifest(list(sources)), "dataset")) == 0.333333


def test_shares_are_rounded_to_six_decimals() -> None:
    g = {"name": "a", "family": "f"}
    _one_third_of(
        "largest_generator_share",
        synthetic("a", 10, generator=g),
        synthetic("b", 10, generator={"name": "b", "family": "f"}),
        synthetic("c", 10, generator={"name": "c", "family": "f"}),
    )
    _one_third_of(
        "largest_generator_family_share",
        synthetic("a", 10, generator=g),
        synthetic("b", 10, generator={"name": "b", "family": "g"}),
        synthetic("c", 10, generator={"name": "c", "family": "h"}),
    )
    _one_third_of(
        "verified_share",
        synthetic("a", 30, verification={"method": "unit-tests", "items_passed": 10}),
    )
    _one_third_of("audit_error_rate", synthetic("a", human_audit={"items": 3, "error_rate": 1 / 3}))
    _one_third_of("unverified_kept_rate", synthetic("a", filtering={"generated": 3, "kept": 1}))
    _one_third_of("human_validated_share", synthetic("a", label_validation={"agreement": 1 / 3}))


def test_sources_without_the_fact_do_not_stop_the_sum_over_later_ones() -> None:
    scope = scope_at(
        manifest(
            [
                synthetic("plain", 10),
                synthetic(
                    "checked",
                    10,
                    verification={"method": "unit-tests", "items_passed": 5},
                    human_audit={"items": 8, "error_rate": 0.25},
                ),
            ]
        ),
        "dataset",
    )
    # 'plain' declares no verification and no audit: it adds anything from none to all of its
    # records, never stops the sum, and never counts as 0.
    assert value("verified_share", scope) == Interval(0.25, 0.75)  # 5 to 15 of 20
    assert value("audited_items", scope) == Interval(8, math.inf)
    assert value("audit_error_rate", scope) == pytest.approx(0.25)


def test_unknown_origins_add_up() -> None:
    scope = scope_at(
        manifest(
            [
                {"id": "h", "origin": "human", "records": 70},
                {"id": "u1", "origin": "unknown", "records": 10},
                {"id": "u2", "origin": "unknown", "records": 20},
            ]
        ),
        "dataset",
    )
    assert value("unknown_share_records", scope) == pytest.approx(0.3)


def test_a_family_share_needs_a_generator_on_every_synthetic_source() -> None:
    scope = scope_at(
        manifest([synthetic("a", 10, generator={"name": "a", "family": "f"}), synthetic("b")]),
        "dataset",
    )
    assert value("largest_generator_family_share", scope) is None


def test_the_human_validated_share_is_the_lowest_over_sources_and_facts() -> None:
    def share(*sources: dict[str, Any]) -> Any:
        return value("human_validated_share", scope_at(manifest(list(sources)), "dataset"))

    low_first = synthetic("a", label_validation={"agreement": 0.7})
    high_later = synthetic(
        "b", label_validation={"agreement": 0.95}, human_audit={"items": 5, "error_rate": 0.1}
    )
    assert share(low_first, high_later) == pytest.approx(0.7)
    assert share(high_later, low_first) == pytest.approx(0.7)
    assert share(high_later) == pytest.approx(0.9)  # 1 - 0.1 is below the agreement
    assert share({"id": "h", "origin": "human", "records": 5}) is None


def test_a_label_kappa_without_any_validation_says_why() -> None:
    scope = scope_at(manifest([synthetic("a")]), "dataset")
    assert why("label_kappa", scope) == (
        "no synthetic source declares a label validation (the validation rule asks for one)"
    )


def test_verified_items_add_up_over_sources() -> None:
    def checked(id_: str, passed: int) -> dict[str, Any]:
        return synthetic(id_, 10, verification={"method": "unit-tests", "items_passed": passed})

    scope = scope_at(manifest([checked("a", 4), checked("b", 6)]), "dataset")
    assert value("verified_share", scope) == pytest.approx(0.5)  # 10 of 20

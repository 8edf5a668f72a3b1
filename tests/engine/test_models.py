"""Manifest and Policy models: unknown is a value of its own; counts, shares, dates are exact."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from synthgate.documents import read_document
from synthgate.errors import LocatedValueError
from synthgate.models import (
    MAX_COUNT,
    UNKNOWN,
    CheckParams,
    ConflictingFacts,
    Dataset,
    Diversity,
    Filtering,
    Generator,
    HumanAudit,
    HumanEvaluation,
    Manifest,
    ModelRef,
    Policy,
    Reference,
    Rule,
    Source,
    TaskType,
    Verification,
    model_key,
)
from tests.conftest import REPO_ROOT

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REPO = REPO_ROOT  # the source tree, also when CI runs a copy of the tests


def manifest_data(*sources: dict[str, Any], **dataset: Any) -> dict[str, Any]:
    """A minimal manifest with one split holding ``sources`` (one plain source by default)."""
    return {
        "dataset": {"name": "demo", **dataset},
        "splits": [{"name": "train", "sources": list(sources) or [{"id": "a"}]}],
    }


def error_messages(exc: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return [str(e["msg"]) for e in exc.value.errors()]


# --------------------------------------------------------------------------- unknown, never human


def test_missing_origin_is_unknown_never_human() -> None:
    source = Source.model_validate({"id": "a"})
    assert source.origin != "human"
    assert source.origin == UNKNOWN == "unknown"


def test_every_undeclared_fact_of_a_source_is_unknown() -> None:
    source = Source.model_validate({"id": "a"})
    for field in ("origin", "records", "tokens", "synthetic_share", "method", "generation_depth"):
        assert getattr(source, field) == UNKNOWN, field
    assert source.generator is None
    assert source.derived_from == []


def test_every_undeclared_fact_of_a_dataset_is_unknown() -> None:
    dataset = Dataset.model_validate({"name": "demo"})
    for field in ("task_type", "stage", "resource_level", "replaces_previous_version"):
        assert getattr(dataset, field) == UNKNOWN, field
    assert dataset.released is None


def test_real_manifest_fixture_validates() -> None:
    doc = read_document(FIXTURES / "manifests" / "good.synthgate.yaml")
    manifest = Manifest.model_validate(doc.data)
    assert manifest.schema_ == "manifest.schema.json"
    assert manifest.dataset.released == dt.date(2024, 6, 30)
    generated = manifest.splits[0].sources[1]
    assert generated.origin == "synthetic"
    assert generated.verification is not None
    assert generated.verification.items_passed == 48000
    assert manifest.splits[0].sources[2].records == UNKNOWN


# --------------------------------------------------------------------------- counts

# (model, field) pairs holding a Count
COUNT_FIELDS: list[tuple[type[BaseModel], str]] = [
    (Source, "records"),
    (Source, "tokens"),
    (Verification, "items_checked"),
    (Verification, "items_passed"),
    (Filtering, "generated"),
    (Filtering, "kept"),
    (HumanAudit, "items"),
    (HumanEvaluation, "items"),
]


def _build(model: type[BaseModel], field: str, value: Any) -> BaseModel:
    # A mixed source: the one origin that every source field may go with.
    base: dict[str, Any] = {"id": "a", "origin": "mixed"} if model is Source else {}
    return model.model_validate({**base, field: value})


@pytest.mark.parametrize(("model", "field"), COUNT_FIELDS)
@pytest.mark.parametrize(
    "value",
    [
        pytest.param(-1, id="negative"),
        pytest.param(True, id="true"),
        pytest.param(False, id="false"),
        pytest.param(1.0, id="whole-float"),
        pytest.param(2.5, id="float"),
        pytest.param(math.nan, id="nan"),
        pytest.param(math.inf, id="inf"),
        pytest.param("10", id="numeric-text"),
        pytest.param("Unknown", id="capitalised-unknown"),
        pytest.param(None, id="null"),
        pytest.param([1], id="list"),
    ],
)
def test_count_rejects(model: type[BaseModel], field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _build(model, field, value)
    assert any("whole number >= 0" in m for m in error_messages(info))


@pytest.mark.parametrize(("model", "field"), COUNT_FIELDS)
@pytest.mark.parametrize("value", [0, 1, 10**15, "unknown"])
def test_count_accepts(model: type[BaseModel], field: str, value: Any) -> None:
    built = _build(model, field, value)
    assert getattr(built, field) == value
    assert type(getattr(built, field)) is type(value)


@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_any_whole_number_up_to_the_bound_is_a_count(value: int) -> None:
    assert Source.model_validate({"id": "a", "records": value}).records == value


@given(st.integers(max_value=-1))
def test_no_negative_number_is_a_count(value: int) -> None:
    with pytest.raises(ValidationError):
        Source.model_validate({"id": "a", "records": value})


# --------------------------------------------------------------------------- shares

SHARE_FIELDS: list[tuple[type[BaseModel], str]] = [
    (Source, "synthetic_share"),
    (Verification, "verifier_precision"),
    (HumanAudit, "error_rate"),
    (Diversity, "near_duplicate_rate"),
    (Diversity, "self_bleu"),
    (Diversity, "distinct_2"),
]


@pytest.mark.parametrize(("model", "field"), SHARE_FIELDS)
@pytest.mark.parametrize(
    "value",
    [
        pytest.param(1.0000001, id="just-over-1"),
        pytest.param(2, id="int-2"),
        pytest.param(50, id="percent"),
        pytest.param(-0.01, id="just-below-0"),
        pytest.param(-1, id="int-minus-1"),
        pytest.param(math.nan, id="nan"),
        pytest.param(math.inf, id="inf"),
        pytest.param(-math.inf, id="minus-inf"),
        pytest.param(True, id="true"),
        pytest.param("0.5", id="numeric-text"),
        pytest.param("50%", id="percent-text"),
        pytest.param(None, id="null"),
    ],
)
def test_share_rejects(model: type[BaseModel], field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _build(model, field, value)
    assert any("share between 0 and 1" in m for m in error_messages(info))


@pytest.mark.parametrize(("model", "field"), SHARE_FIELDS)
@pytest.mark.parametrize("value", [0, 1, 0.0, 1.0, 0.5, 1e-9, "unknown"])
def test_share_accepts(model: type[BaseModel], field: str, value: Any) -> None:
    assert getattr(_build(model, field, value), field) == value


def test_non_finite_share_says_so() -> None:
    with pytest.raises(ValidationError) as info:
        Source.model_validate({"id": "a", "origin": "mixed", "synthetic_share": math.nan})
    assert error_messages(info) == [
        "Value error, expected a share between 0 and 1, got a non-finite number"
    ]


@given(st.floats(min_value=0.0, max_value=1.0))
def test_any_number_in_0_to_1_is_a_share(value: float) -> None:
    source = Source.model_validate({"id": "a", "origin": "mixed", "synthetic_share": value})
    assert source.synthetic_share == value


@given(
    st.floats(allow_nan=True, allow_infinity=True).filter(lambda v: not 0.0 <= v <= 1.0)
    | st.integers().filter(lambda v: v not in (0, 1))
)
def test_no_number_outside_0_to_1_is_a_share(value: float) -> None:
    with pytest.raises(ValidationError) as info:
        Source.model_validate({"id": "a", "origin": "mixed", "synthetic_share": value})
    assert any("share between 0 and 1" in m for m in error_messages(info))


@pytest.mark.parametrize(
    ("model", "field"), [(Verification, "tests_per_item"), (Diversity, "compression_ratio")]
)
def test_non_negative_numbers(model: type[BaseModel], field: str) -> None:
    for good in (0, 5.5, 1e6, "unknown"):
        assert getattr(_build(model, field, good), field) == good
    for bad in (-0.5, math.inf, math.nan, True, "5"):
        with pytest.raises(ValidationError):
            _build(model, field, bad)


@pytest.mark.parametrize(("model", "field"), [*SHARE_FIELDS, (Verification, "tests_per_item")])
@pytest.mark.parametrize("value", [0, 1, 0.5, "unknown"])
def test_numbers_dump_as_given_without_serializer_warnings(
    model: type[BaseModel], field: str, value: Any
) -> None:
    built = _build(model, field, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dumped = built.model_dump(mode="json")
        built.model_dump()
    assert dumped[field] == value
    assert type(dumped[field]) is type(value)


def test_manifest_with_whole_numbers_dumps_without_warnings() -> None:
    source = {
        "id": "a",
        "origin": "mixed",
        "synthetic_share": 1,
        "verification": {"tests_per_item": 8, "verifier_precision": 1},
        "human_audit": {"error_rate": 0},
        "diversity": {"compression_ratio": 3, "self_bleu": 0},
    }
    manifest = Manifest.model_validate(manifest_data(source))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dumped = manifest.model_dump(mode="json")
    assert dumped["splits"][0]["sources"][0]["human_audit"]["error_rate"] == 0


# --------------------------------------------------------------------------- depth, flags, dates


def test_generation_depth_rejects_zero() -> None:
    with pytest.raises(ValidationError) as info:
        Source.model_validate({"id": "a", "generation_depth": 0})
    assert error_messages(info) == [
        "Value error, generation depth starts at 1 (1 = generator trained on human data only)"
    ]


@pytest.mark.parametrize("value", [-1, True, False, 1.5, "1", None])
def test_generation_depth_rejects(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        Source.model_validate({"id": "a", "generation_depth": value})
    assert any("whole number >= 0" in m for m in error_messages(info))


@pytest.mark.parametrize("value", [1, 2, 7, "unknown"])
def test_generation_depth_accepts(value: Any) -> None:
    assert Source.model_validate({"id": "a", "generation_depth": value}).generation_depth == value


@pytest.mark.parametrize("value", [True, False, "unknown"])
def test_flag_accepts(value: Any) -> None:
    dataset = Dataset.model_validate({"name": "d", "replaces_previous_version": value})
    assert dataset.replaces_previous_version == value


@pytest.mark.parametrize("value", ["yes", "true", 1, 0, None])
def test_flag_rejects(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        Dataset.model_validate({"name": "d", "replaces_previous_version": value})
    assert any("true, false or 'unknown'" in m for m in error_messages(info))


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2024-01-02", id="text"),
        pytest.param(dt.date(2024, 1, 2), id="date"),
        pytest.param("2024-01-02T00:00:00+00:00", id="midnight-timestamp-text"),
    ],
)
def test_release_date_parses(value: Any) -> None:
    assert Dataset.model_validate({"name": "d", "released": value}).released == dt.date(2024, 1, 2)


def test_release_date_from_a_yaml_file_is_a_date(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("name: d\nreleased: 2024-01-02\n")
    dataset = Dataset.model_validate(read_document(path).data)
    assert dataset.released == dt.date(2024, 1, 2)


@pytest.mark.parametrize(
    "value",
    ["someday", "2024-13-01", "2024-02-30", "2024-01-02T10:00:00+00:00", 1.5, True, [2024]],
)
def test_release_date_rejects(value: Any) -> None:
    with pytest.raises(ValidationError):
        Dataset.model_validate({"name": "d", "released": value})


@pytest.mark.parametrize("value", [0, 86_400, "0", "1700000000", "20240102"])
def test_release_date_rejects_a_number(value: int | str) -> None:
    with pytest.raises(ValidationError):
        Dataset.model_validate({"name": "d", "released": value})


# --------------------------------------------------------------------------- cross-field rules


def test_items_passed_over_items_checked_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        Verification.model_validate({"items_checked": 10, "items_passed": 11})
    assert error_messages(info) == ["Value error, items_passed (11) exceeds items_checked (10)"]


@pytest.mark.parametrize(
    ("checked", "passed"), [(10, 10), (10, 0), ("unknown", 10), (10, "unknown")]
)
def test_items_passed_within_items_checked_is_accepted(checked: Any, passed: Any) -> None:
    verification = Verification.model_validate({"items_checked": checked, "items_passed": passed})
    assert (verification.items_checked, verification.items_passed) == (checked, passed)


def test_kept_over_generated_is_rejected() -> None:
    with pytest.raises(ValidationError) as info:
        Filtering.model_validate({"generated": 5, "kept": 6})
    assert error_messages(info) == ["Value error, kept (6) exceeds generated (5)"]


@pytest.mark.parametrize(("generated", "kept"), [(5, 5), (5, 0), ("unknown", 5), (5, "unknown")])
def test_kept_within_generated_is_accepted(generated: Any, kept: Any) -> None:
    filtering = Filtering.model_validate({"generated": generated, "kept": kept})
    assert (filtering.generated, filtering.kept) == (generated, kept)


@pytest.mark.parametrize(
    ("nested", "field"),
    [
        ({"filtering": {"generated": 1, "kept": 2}}, "kept"),
        ({"verification": {"items_checked": 1, "items_passed": 2}}, "items_passed"),
    ],
    ids=["kept", "items_passed"],
)
def test_cross_field_rule_inside_a_manifest_names_the_value_it_is_about(
    nested: dict[str, Any], field: str
) -> None:
    data = manifest_data({"id": "a", "origin": "synthetic", **nested})
    with pytest.raises(ValidationError) as info:
        Manifest.model_validate(data)
    [error] = info.value.errors()
    # pydantic places the error at the mapping; the cause leads on to the value itself.
    assert error["loc"] == ("splits", 0, "sources", 0, *nested)
    cause = error["ctx"]["error"]
    assert isinstance(cause, LocatedValueError)
    assert cause.loc == (field,)


# --------------------------------------------------------------------------- facts against origin


@pytest.mark.parametrize("origin", ["human", "synthetic", "unknown"])
@pytest.mark.parametrize("share", [0, 0.5, 1])
def test_a_synthetic_share_belongs_to_mixed_sources_only(origin: str, share: float) -> None:
    with pytest.raises(ValidationError) as info:
        Source.model_validate({"id": "a", "origin": origin, "synthetic_share": share})
    [error] = info.value.errors()
    cause = error["ctx"]["error"]
    assert isinstance(cause, ConflictingFacts)
    assert cause.loc == ("synthetic_share",)
    assert f"this source is '{origin}'" in cause.args[0]
    assert "origin: mixed" in cause.hint


def test_an_undeclared_origin_with_a_share_is_told_to_say_mixed() -> None:
    with pytest.raises(ValidationError) as info:
        Source.model_validate({"id": "a", "synthetic_share": 0.3})
    cause = info.value.errors()[0]["ctx"]["error"]
    assert cause.hint == "set 'origin: mixed': a source with a known synthetic share mixes origins"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("generator", {"name": "gpt-4o"}),
        ("generation_depth", 1),
        ("verification", {"method": "unit-tests"}),
        ("verification", {}),
    ],
)
def test_a_human_source_refuses_facts_of_generated_data(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        Source.model_validate({"id": "a", "origin": "human", field: value})
    [error] = info.value.errors()
    cause = error["ctx"]["error"]
    assert isinstance(cause, ConflictingFacts)
    assert cause.loc == (field,)
    assert cause.args[0].startswith("a human source has no ")
    assert cause.args[0].endswith(f"but '{field}' is given")
    assert "origin: synthetic" in cause.hint
    assert f"remove '{field}'" in cause.hint


@pytest.mark.parametrize("origin", ["synthetic", "mixed", "unknown"])
def test_generated_facts_go_with_every_origin_but_human(origin: str) -> None:
    source = Source.model_validate(
        {
            "id": "a",
            "origin": origin,
            "generator": {"name": "gpt-4o"},
            "generation_depth": 1,
            "verification": {"method": "unit-tests"},
        }
    )
    assert source.generator is not None
    assert source.generation_depth == 1


def test_a_human_source_may_say_unknown_for_generated_facts() -> None:
    source = Source.model_validate(
        {"id": "a", "origin": "human", "generation_depth": "unknown", "synthetic_share": "unknown"}
    )
    assert (source.generation_depth, source.synthetic_share) == (UNKNOWN, UNKNOWN)


def test_duplicate_split_names_are_rejected() -> None:
    data = manifest_data()
    data["splits"].append({"name": "train", "sources": [{"id": "b"}]})
    with pytest.raises(ValidationError) as info:
        Manifest.model_validate(data)
    assert error_messages(info) == ["Value error, split name 'train' appears twice"]


@pytest.mark.parametrize("across_splits", [False, True])
def test_duplicate_source_ids_are_rejected(across_splits: bool) -> None:
    data = manifest_data({"id": "a"}, {"id": "b"})
    if across_splits:
        data["splits"].append({"name": "test", "sources": [{"id": "a"}]})
    else:
        data["splits"][0]["sources"].append({"id": "a"})
    with pytest.raises(ValidationError) as info:
        Manifest.model_validate(data)
    assert error_messages(info) == ["Value error, source id 'a' appears twice"]


def test_same_name_for_a_split_and_a_source_is_fine() -> None:
    manifest = Manifest.model_validate(manifest_data({"id": "train"}))
    assert manifest.splits[0].sources[0].id == "train"


# --------------------------------------------------------------------------- shape


def test_schema_key_is_accepted() -> None:
    data = {"$schema": "https://example.org/manifest.schema.json", **manifest_data()}
    manifest = Manifest.model_validate(data)
    assert manifest.schema_ == "https://example.org/manifest.schema.json"
    assert manifest.model_dump(by_alias=True)["$schema"] == manifest.schema_


@pytest.mark.parametrize(
    ("where", "data"),
    [
        pytest.param(("datset",), {**manifest_data(), "datset": {}}, id="top"),
        pytest.param(("dataset", "nmae"), manifest_data(nmae="x"), id="dataset"),
        pytest.param(
            ("splits", 0, "sources", 0, "recrods"),
            manifest_data({"id": "a", "recrods": 1}),
            id="source",
        ),
        pytest.param(
            ("splits", 0, "sources", 0, "generator", "modle"),
            manifest_data({"id": "a", "generator": {"name": "g", "modle": "x"}}),
            id="generator",
        ),
        pytest.param(
            ("splits", 0, "sources", 0, "verification", "passed"),
            manifest_data({"id": "a", "verification": {"passed": 1}}),
            id="verification",
        ),
    ],
)
def test_unknown_fields_are_rejected(where: tuple[Any, ...], data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        Manifest.model_validate(data)
    errors = info.value.errors()
    assert [(e["type"], e["loc"]) for e in errors] == [("extra_forbidden", where)]


@pytest.mark.parametrize(
    ("source", "field"),
    [
        ({"id": "a", "origin": "humna"}, "origin"),
        ({"id": "a", "origin": "Human"}, "origin"),
        ({"id": "a", "method": "gpt"}, "method"),
        ({"id": "a", "verification": {"method": "tests"}}, "method"),
    ],
)
def test_bad_literals_are_rejected(source: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        Manifest.model_validate(manifest_data(source))
    assert [(e["type"], e["loc"][-1]) for e in info.value.errors()] == [("literal_error", field)]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"splits": [{"name": "t", "sources": [{"id": "a"}]}]}, id="no-dataset"),
        pytest.param({"dataset": {"name": "d"}}, id="no-splits"),
        pytest.param({"dataset": {"name": "d"}, "splits": []}, id="no-split"),
        pytest.param(
            {"dataset": {"name": "d"}, "splits": [{"name": "t", "sources": []}]}, id="no-source"
        ),
        pytest.param(manifest_data({"origin": "human"}), id="source-without-id"),
        pytest.param(manifest_data({"id": ""}), id="empty-id"),
        pytest.param({**manifest_data(), "dataset": {"name": ""}}, id="empty-name"),
        pytest.param({**manifest_data(), "dataset": {"name": 42}}, id="int-name"),
        pytest.param(manifest_data(stage="training"), id="bad-stage"),
        pytest.param(manifest_data(languages="en"), id="languages-not-a-list"),
        pytest.param([], id="not-a-mapping"),
    ],
)
def test_malformed_manifests_are_rejected(data: Any) -> None:
    with pytest.raises(ValidationError):
        Manifest.model_validate(data)


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (ModelRef, "name"),
        (ModelRef, "family"),
        (ModelRef, "provider"),
        (Generator, "family"),
        (Generator, "provider"),
        (Generator, "terms_version"),
    ],
)
def test_model_facts_are_non_empty_text(model: type[BaseModel], field: str) -> None:
    data = {"name": "gpt-4o", field: ""}
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    assert [(e["type"], e["loc"]) for e in info.value.errors()] == [("string_too_short", (field,))]
    declared = model.model_validate({"name": "gpt-4o"})
    assert getattr(declared, field) == ("gpt-4o" if field == "name" else UNKNOWN)


def test_lax_mode_converts_only_plain_fields() -> None:
    # What the _Strict docstring promises: plain int fields accept "2024"; counts do not.
    reference = Reference.model_validate({"authors": "a", "year": "2024", "title": "t"})
    assert reference.year == 2024
    with pytest.raises(ValidationError):
        Source.model_validate({"id": "a", "records": "10"})
    with pytest.raises(ValidationError):
        Dataset.model_validate({"name": 5})


# --------------------------------------------------------------------------- shared helpers


@pytest.mark.parametrize(
    ("a", "b"),
    [("GPT-4o", "gpt-4o"), (" llama-3 ", "llama-3"), ("Straße", "STRASSE"), ("x\t", "X")],
)
def test_model_key_ignores_case_and_edge_space(a: str, b: str) -> None:
    assert model_key(a) == model_key(b)


@pytest.mark.parametrize(("a", "b"), [("gpt-4o", "gpt-4"), ("llama 3", "llama-3")])
def test_model_key_keeps_what_tells_models_apart(a: str, b: str) -> None:
    assert model_key(a) != model_key(b)


def test_check_params_are_strict_and_frozen() -> None:
    class Probe(CheckParams):
        limit: int = 1

    with pytest.raises(ValidationError) as info:
        Probe.model_validate({"limt": 2})
    assert [e["type"] for e in info.value.errors()] == ["extra_forbidden"]
    probe = Probe(limit=3)
    with pytest.raises(ValidationError):
        probe.limit = 4
    assert probe.limit == 3


# --------------------------------------------------------------------------- policy


def rule_data(**changes: Any) -> dict[str, Any]:
    """A valid rule, changed by ``changes``."""
    return {
        "code": "SG101",
        "name": "synthetic-share-cap",
        "summary": "Keeps the synthetic share in bounds.",
        "check": {"kind": "max-share", "max": 0.5},
        **changes,
    }


def test_default_policy_pack_validates() -> None:
    policy = Policy.model_validate(read_document(REPO / "policies" / "default.yaml").data)
    assert policy.name == "default"
    assert policy.rules
    assert all(rule.code.startswith("SG") for rule in policy.rules)
    assert policy.taxonomy["code-generation"].verifiability == "verifiable"


def test_minimal_policy_and_rule_defaults() -> None:
    policy = Policy.model_validate(
        {"$schema": "policy.schema.json", "name": "p", "rules": [rule_data()]}
    )
    assert policy.schema_ == "policy.schema.json"
    rule = policy.rules[0]
    assert rule.severity == "fail"
    assert rule.applies.scope == "dataset"


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"code": "sg101"}, id="lower-case-code"),
        pytest.param({"code": "SG1"}, id="short-code"),
        pytest.param({"code": "S101"}, id="one-letter-prefix"),
        pytest.param({"name": "Synthetic_Share"}, id="name-not-kebab"),
        pytest.param({"name": "share-"}, id="name-trailing-dash"),
        pytest.param({"severity": "error"}, id="bad-severity"),
        pytest.param({"summary": ""}, id="empty-summary"),
        pytest.param({"check": None}, id="no-check"),
        pytest.param({"applies": {"scope": "file"}}, id="bad-scope"),
        pytest.param({"applies": {"origins": ["humna"]}}, id="bad-origin-selector"),
        pytest.param({"basis": {"kind": "vibes"}}, id="bad-basis"),
        pytest.param({"references": [{"authors": "A", "year": 1800, "title": "T"}]}, id="year"),
        pytest.param({"sevrity": "warn"}, id="unknown-field"),
    ],
)
def test_bad_rules_are_rejected(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Rule.model_validate(rule_data(**changes))


def test_rule_without_check_is_rejected() -> None:
    data = rule_data()
    del data["check"]
    with pytest.raises(ValidationError) as info:
        Rule.model_validate(data)
    assert [e["type"] for e in info.value.errors()] == ["missing"]


@pytest.mark.parametrize("verifiability", ["unknown", "checkable", None])
def test_task_type_verifiability_must_be_known(verifiability: Any) -> None:
    with pytest.raises(ValidationError):
        TaskType.model_validate({"verifiability": verifiability})


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"name": "p", "rulez": []}, id="unknown-top-field"),
        pytest.param({"name": "p", "overrides": {"SG101": {"severity": "loud"}}}, id="override"),
        pytest.param({"name": "p", "overrides": {"SG101": {"code": "SG102"}}}, id="override-field"),
        pytest.param(
            {"name": "p", "taxonomy": {"x": {"verifiability": "verifiable", "alias": []}}},
            id="taxonomy-field",
        ),
        pytest.param({"rules": []}, id="no-name"),
    ],
)
def test_bad_policies_are_rejected(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Policy.model_validate(data)


@pytest.mark.parametrize(
    ("name", "stage", "role", "origin"),
    [
        ("train", "sft", "train", "inferred: name"),
        ("en-Train", "sft", "train", "inferred: name"),
        ("validation_matched", "sft", "validation", "inferred: name"),
        ("dev", "eval", "validation", "inferred: name"),
        ("test-hard", "sft", "test", "inferred: name"),
        ("benchmark 2025", "sft", "eval", "inferred: name"),
        ("all", "sft", "train", "default"),
        ("all", "unknown", "train", "default"),
        ("all", "eval", "eval", "default"),
        ("contest", "sft", "train", "default"),  # a word, not a substring
    ],
)
def test_a_split_role_comes_from_its_name_word_by_word(
    name: str, stage: str, role: str, origin: str
) -> None:
    from synthgate.models import Split, split_role

    split = Split.model_validate({"name": name, "sources": [{"id": "s"}]})
    assert split_role(split, stage) == (role, origin)


def test_a_declared_split_role_wins_over_the_name() -> None:
    from synthgate.models import Split, split_role

    split = Split.model_validate({"name": "train", "role": "test", "sources": [{"id": "s"}]})
    assert split_role(split, "sft") == ("test", "declared")
    with pytest.raises(ValidationError):
        Split.model_validate({"name": "x", "role": "training", "sources": [{"id": "s"}]})

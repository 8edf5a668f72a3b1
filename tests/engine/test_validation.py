"""validate_model: pydantic errors become located problems with a message and, if any, a hint."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from synthgate.documents import Document, read_document
from synthgate.errors import InputError, PolicyError, Problem
from synthgate.models import Dataset, Generator, Judge, Manifest, ModelRef, Policy, Source, Split
from synthgate.validation import MAX_PROBLEMS, field_names_at, validate_model

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MANIFESTS = FIXTURES / "manifests"
DOCS = FIXTURES / "documents"
MISSING_HINT = "add it (see 'synthgate schema' for every field)"


def manifest_problems(path: Path) -> list[Problem]:
    """The problems validating the manifest at ``path`` gives."""
    doc = read_document(path)
    with pytest.raises(InputError) as info:
        validate_model(Manifest, doc.data, doc)
    assert type(info.value) is InputError
    return list(info.value.problems)


def where(problem: Problem) -> tuple[int, int]:
    return problem.line, problem.column


# --------------------------------------------------------------------------- success


@pytest.mark.parametrize("name", ["good.synthgate.yaml", "good.synthgate.json"])
def test_valid_manifest_returns_the_model(name: str) -> None:
    doc = read_document(MANIFESTS / name)
    manifest = validate_model(Manifest, doc.data, doc)
    assert isinstance(manifest, Manifest)
    assert manifest.splits[0].sources


# --------------------------------------------------------------------------- unknown fields


def test_unknown_field_has_did_you_mean_and_location() -> None:
    path = MANIFESTS / "bad-unknown-field.synthgate.yaml"
    [problem] = manifest_problems(path)
    assert problem.path == str(path)
    assert problem.message == "unknown field 'recrods'"
    assert problem.hint == "did you mean 'records'?"
    assert problem.pointer == "/splits/0/sources/0/recrods"
    assert where(problem) == (9, 9)  # the misspelt key
    assert problem.render() == (
        f"{path}:9:9: /splits/0/sources/0/recrods: unknown field 'recrods'\n"
        "  hint: did you mean 'records'?"
    )


def test_unknown_field_holding_a_mapping_is_located_at_its_key() -> None:
    [problem] = manifest_problems(MANIFESTS / "bad-unknown-field-mapping.synthgate.yaml")
    assert problem.message == "unknown field 'verificaton'"
    assert problem.hint == "did you mean 'verification'?"
    assert where(problem) == (8, 9)  # the key's line, not the line of the nested mapping


def test_unknown_field_in_json_manifest_is_located() -> None:
    [problem] = manifest_problems(MANIFESTS / "bad-unknown-field.synthgate.json")
    assert problem.message == "unknown field 'recrods'"
    assert problem.hint == "did you mean 'records'?"
    assert where(problem) == (7, 46)


def test_typos_in_lists_aliases_and_unions_get_hints() -> None:
    problems = manifest_problems(MANIFESTS / "bad-nested-typos.synthgate.yaml")
    summary = [(where(p), p.message, p.hint) for p in problems]
    assert summary[:2] == [
        ((1, 1), "unknown field '$schem'", "did you mean '$schema'?"),
        ((6, 7), "unknown field 'famly'", "did you mean 'family'?"),
    ]
    [generator] = [p for p in problems if p.pointer == "/splits/0/sources/0/generator"]
    assert where(generator) == (12, 9)
    assert "(got 'gpt-4o')" in generator.message
    assert len(problems) == 3


def test_unknown_field_with_no_close_match_lists_the_choices_when_few() -> None:
    doc = read_document(MANIFESTS / "good.synthgate.yaml")
    data: dict[str, Any] = {**doc.data, "zzzzzz": 1}
    with pytest.raises(InputError) as info:
        validate_model(Manifest, data, doc)
    [problem] = info.value.problems
    assert problem.message == "unknown field 'zzzzzz'"
    assert problem.hint == "expected one of: $schema, dataset, splits, waivers"
    assert where(problem) == (2, 1)  # not in the file: the root mapping (after a comment)


# --------------------------------------------------------------------------- literals


def test_bad_literal_has_did_you_mean() -> None:
    typo, far = manifest_problems(MANIFESTS / "bad-origin.synthgate.yaml")
    assert typo.message == (
        "Input should be 'human', 'synthetic', 'mixed' or 'unknown' (got 'humna')"
    )
    assert typo.hint == "did you mean 'human'?"
    assert typo.pointer == "/splits/0/sources/0/origin"
    assert where(typo) == (7, 9)
    # nothing close: the few valid choices are listed
    assert far.hint == "expected one of: human, mixed, synthetic, unknown"
    assert where(far) == (10, 9)


# --------------------------------------------------------------------------- missing fields


def test_missing_required_field_points_at_the_parent_mapping() -> None:
    dataset, source = manifest_problems(MANIFESTS / "bad-missing-field.synthgate.yaml")
    assert dataset.message == "missing required field 'name'"
    assert dataset.pointer == "/dataset"
    assert where(dataset) == (1, 1)
    assert dataset.hint == MISSING_HINT
    assert source.message == "missing required field 'id'"
    assert source.pointer == "/splits/0/sources/0"
    assert where(source) == (6, 9)


def test_missing_field_at_the_root_points_at_the_root() -> None:
    doc = read_document(MANIFESTS / "good.synthgate.yaml")
    data = {k: v for k, v in doc.data.items() if k != "splits"}
    with pytest.raises(InputError) as info:
        validate_model(Manifest, data, doc)
    [problem] = info.value.problems
    assert problem.message == "missing required field 'splits'"
    assert problem.pointer == "/"
    assert where(problem) == (2, 1)  # the root mapping starts after the comment line


# --------------------------------------------------------------------------- wrong values


def test_wrong_values_are_located_and_say_what_they_got() -> None:
    problems = manifest_problems(MANIFESTS / "bad-values.synthgate.yaml")
    assert [(where(p), p.pointer, p.message) for p in problems] == [
        ((2, 3), "/dataset/name", "Input should be a valid string (got 42)"),
        (
            (3, 3),
            "/dataset/released",
            "Input should be a valid date or datetime, input is too short (got 'someday')",
        ),
        ((9, 9), "/splits/0/sources/0/records", "expected a whole number >= 0, got -5"),
        (
            (10, 9),
            "/splits/0/sources/0/synthetic_share",
            "expected a share between 0 and 1, got 1.5",
        ),
        (
            (11, 9),
            "/splits/0/sources/0/generation_depth",
            "generation depth starts at 1 (1 = generator trained on human data only)",
        ),
        ((14, 11), "/splits/0/sources/0/filtering/kept", "kept (20) exceeds generated (10)"),
    ]
    assert not any(p.message.startswith("Value error") for p in problems)


def test_items_passed_over_items_checked_is_located_at_items_passed(tmp_path: Path) -> None:
    path = tmp_path / "passed.synthgate.yaml"
    path.write_text(
        "dataset: {name: d}\n"
        "splits:\n"
        "  - name: train\n"
        "    sources:\n"
        "      - id: a\n"
        "        origin: synthetic\n"
        "        verification:\n"
        "          items_checked: 5\n"
        "          items_passed: 6\n",
        encoding="utf-8",
    )
    [problem] = manifest_problems(path)
    assert (where(problem), problem.pointer, problem.message) == (
        (9, 11),
        "/splits/0/sources/0/verification/items_passed",
        "items_passed (6) exceeds items_checked (5)",
    )


@pytest.mark.parametrize(
    ("origin", "line", "field", "message", "hint"),
    [
        (
            "human",
            "generator: {name: gpt-4o}",
            "generator",
            "a human source has no generator, but 'generator' is given",
            "set 'origin: synthetic' (or 'mixed' with 'synthetic_share') if model output is "
            "part of it, or remove 'generator'",
        ),
        (
            "synthetic",
            "synthetic_share: 0.4",
            "synthetic_share",
            "'synthetic_share' is for mixed sources, and this source is 'synthetic'",
            "remove 'synthetic_share' (a synthetic source is synthetic throughout), or set "
            "'origin: mixed' if some records are human",
        ),
    ],
    ids=["generator-on-human", "share-on-synthetic"],
)
def test_contradictory_facts_are_located_with_a_hint(
    tmp_path: Path, origin: str, line: str, field: str, message: str, hint: str
) -> None:
    path = tmp_path / "conflict.synthgate.yaml"
    path.write_text(
        "dataset: {name: d}\n"
        "splits:\n"
        "  - name: train\n"
        "    sources:\n"
        "      - id: a\n"
        f"        origin: {origin}\n"
        "        records: 10\n"
        f"        {line}\n",
        encoding="utf-8",
    )
    [problem] = manifest_problems(path)
    assert (where(problem), problem.pointer) == ((8, 9), f"/splits/0/sources/0/{field}")
    assert (problem.message, problem.hint) == (message, hint)


def test_duplicate_source_id_is_reported() -> None:
    [problem] = manifest_problems(MANIFESTS / "bad-duplicate-id.synthgate.yaml")
    assert problem.message == "source id 'seed' appears twice"


def test_duplicate_source_id_is_located_at_the_repeat() -> None:
    [problem] = manifest_problems(MANIFESTS / "bad-duplicate-id.synthgate.yaml")
    assert where(problem) == (10, 9)


def test_duplicate_split_name_is_located_at_the_repeat(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "dataset:\n  name: demo\nsplits:\n"
        "  - name: train\n    sources: [{id: a}]\n"
        "  - name: train\n    sources: [{id: b}]\n"
    )
    [problem] = manifest_problems(path)
    assert problem.message == "split name 'train' appears twice"
    assert problem.pointer == "/splits/1/name"
    assert where(problem) == (6, 5)


def test_values_of_the_wrong_type_get_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "dataset:\n  name: 42\n  released: 0\n  languages: en\n"
        "splits:\n  - name: train\n    sources: [{id: a, generator: gpt-4o}]\n"
    )
    hints = {p.pointer: p.hint for p in manifest_problems(path)}
    assert hints == {
        "/dataset/name": "quote the value to make it text",
        "/dataset/released": "write dates as YYYY-MM-DD",
        "/dataset/languages": "write a list: one '- item' per line, or [a, b]",
        "/splits/0/sources/0/generator": (
            "write a mapping of its fields: one 'field: value' per line"
        ),
    }


def test_empty_lists_and_texts_that_need_content_get_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text('dataset:\n  name: ""\nsplits: []\n')
    hints = {p.pointer: p.hint for p in manifest_problems(path)}
    assert hints == {
        "/dataset/name": "write some text",
        "/splits": "give at least one item",
    }


def test_long_values_are_shortened_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    long_name = "x" * 200
    path.write_text(f"dataset:\n  name: demo\n  stage: {long_name}\nsplits: []\n")
    problems = manifest_problems(path)
    stage = next(p for p in problems if p.pointer == "/dataset/stage")
    assert "(got 'xxxxxxxx" in stage.message
    assert "...')" in stage.message
    assert long_name not in stage.message


# --------------------------------------------------------------------------- truncation


def test_more_than_20_problems_are_truncated() -> None:
    problems = manifest_problems(MANIFESTS / "bad-many-problems.synthgate.yaml")
    assert MAX_PROBLEMS == 20
    assert len(problems) == 21
    shown, last = problems[:20], problems[20]
    assert [p.pointer for p in shown] == [f"/splits/0/sources/{i}/records" for i in range(20)]
    assert [p.line for p in shown] == list(range(7, 47, 2))
    assert last.message == "... and 5 more problems"
    assert where(last) == where(shown[-1])
    assert last.path == shown[-1].path


def _manifest_with_bad_sources(tmp_path: Path, count: int) -> Path:
    sources = [{"id": f"s{i}", "records": -1} for i in range(count)]
    data = {"dataset": {"name": "d"}, "splits": [{"name": "t", "sources": sources}]}
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize(("count", "shown"), [(1, 1), (19, 19), (20, 20), (21, 21), (60, 21)])
def test_truncation_starts_past_20(tmp_path: Path, count: int, shown: int) -> None:
    problems = manifest_problems(_manifest_with_bad_sources(tmp_path, count))
    assert len(problems) == shown
    if count > MAX_PROBLEMS:
        extra = count - MAX_PROBLEMS
        noun = "problem" if extra == 1 else "problems"
        assert problems[-1].message == f"... and {extra} more {noun}"
    else:
        assert not any(p.message.startswith("...") for p in problems)


# --------------------------------------------------------------------------- base, error class


def test_base_pointer_locates_a_part_of_the_document() -> None:
    doc = read_document(MANIFESTS / "bad-values.synthgate.yaml")
    with pytest.raises(InputError) as info:
        validate_model(Dataset, doc.data["dataset"], doc, base="/dataset")
    assert [(p.pointer, where(p)) for p in info.value.problems] == [
        ("/dataset/name", (2, 3)),
        ("/dataset/released", (3, 3)),
    ]


def test_policy_problems_are_a_policy_error() -> None:
    doc = read_document(DOCS / "bad-policy.yaml")
    with pytest.raises(PolicyError) as info:
        validate_model(Policy, doc.data, doc, error=PolicyError)
    summary = {(p.pointer, where(p)): (p.message, p.hint) for p in info.value.problems}
    assert summary[("/taxonomy/code-generation/alias", (5, 5))] == (
        "unknown field 'alias'",
        "did you mean 'aliases'?",
    )
    assert summary[("/rules/0/sevrity", (10, 5))] == (
        "unknown field 'sevrity'",
        "did you mean 'severity'?",
    )
    assert summary[("/rules/0/code", (7, 5))][0].startswith("String should match pattern")
    assert len(summary) == 3


def test_problems_are_sorted_by_position() -> None:
    problems = manifest_problems(MANIFESTS / "bad-values.synthgate.yaml")
    assert [where(p) for p in problems] == sorted(where(p) for p in problems)


# --------------------------------------------------------------------------- field_names_at


def test_field_names_at_the_root_are_the_models_fields_by_alias() -> None:
    assert field_names_at(Manifest, ()) == ["$schema", "dataset", "splits", "waivers"]
    assert field_names_at(Manifest, (), by_alias=False) == [
        "schema_",
        "dataset",
        "splits",
        "waivers",
    ]


@pytest.mark.parametrize(
    ("path", "model"),
    [
        pytest.param(("dataset",), Dataset, id="field"),
        pytest.param(("splits", 0), Split, id="list-item"),
        pytest.param(("splits", 3, "sources", 1), Source, id="nested-list-items"),
        pytest.param(("splits", 0, "sources", 0, "generator"), Generator, id="optional"),
        pytest.param(("dataset", "target_models", 2), ModelRef, id="list-of-models"),
        pytest.param(("dataset", "judge"), Judge, id="optional-model"),
    ],
)
def test_field_names_at_follow_fields_lists_and_optionals(
    path: tuple[str | int, ...], model: type[Any]
) -> None:
    assert field_names_at(Manifest, path) == list(model.model_fields)


class _Leaf(BaseModel):
    depth: int = 0


class _Wrapped(BaseModel):
    annotated: Annotated[_Leaf | None, Field(description="wrapped")] = None
    items: list[Annotated[_Leaf, Field(description="each")]] = []


@pytest.mark.parametrize("path", [("annotated",), ("items", 0)], ids=["annotated", "list"])
def test_field_names_at_see_through_annotated(path: tuple[str | int, ...]) -> None:
    assert field_names_at(_Wrapped, path) == ["depth"]


def test_field_names_at_follow_mapping_values() -> None:
    assert "verifiability" in field_names_at(Policy, ("taxonomy", "code-generation"))


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(("dataset", "name"), id="plain-value"),
        pytest.param(("dataset", "nmae"), id="no-such-field"),
        pytest.param(("splits", "name"), id="text-into-a-list"),
        pytest.param(("dataset", "target_models", "name"), id="field-of-a-list"),
    ],
)
def test_field_names_at_is_empty_where_no_model_is(path: tuple[str | int, ...]) -> None:
    assert field_names_at(Manifest, path) == []


# --------------------------------------------------------------------------- fuzzing

_keys = st.sampled_from(
    ["id", "origin", "records", "tokens", "synthetic_share", "generation_depth", "method",
     "recrods", "orgin", "verification", "filtering", "generator", "$schema"]
)  # fmt: skip
_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-5, max_value=10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["unknown", "human", "synthetic", "humna", "", "llm", "2024-01-01"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_keys, children, max_size=3),
    max_leaves=8,
)
_sources = st.lists(st.dictionaries(_keys, _values, max_size=6), min_size=0, max_size=4)
_manifests = st.fixed_dictionaries(
    {
        "dataset": st.dictionaries(
            st.sampled_from(["name", "stage", "released", "nmae", "languages"]), _values
        ),
        "splits": st.lists(
            st.fixed_dictionaries({"name": _values, "sources": _sources}), max_size=3
        ),
    }
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_manifests)
def test_fuzzed_manifests_give_a_model_or_located_problems(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, sort_keys=False)
    doc = Document("fuzz.yaml", yaml.safe_load(text), "yaml", text, None)
    line_count = text.count("\n") + 1
    try:
        manifest = validate_model(Manifest, doc.data, doc)
    except InputError as exc:
        problems = exc.problems
        assert 1 <= len(problems) <= MAX_PROBLEMS + 1
        for problem in problems:
            assert problem.message
            assert 1 <= problem.line <= line_count
            assert problem.column >= 1
        assert [where(p) for p in problems] == sorted(where(p) for p in problems)
    else:
        assert isinstance(manifest, Manifest)

"""The 'data' block: where a source's (or a split's shared) records are, validated at load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from synthgate.documents import DEFAULT_LIMITS, read_document
from synthgate.errors import InputError
from synthgate.models import DataFiles, Manifest
from synthgate.validation import validate_model


def manifest(split: dict[str, Any]) -> dict[str, Any]:
    return {"dataset": {"name": "demo"}, "splits": [{"name": "train", **split}]}


def test_a_full_data_block_validates() -> None:
    data = DataFiles.model_validate(
        {
            "files": ["data/train/generated-*.parquet", "data/**/extra.jsonl"],
            "format": "parquet",
            "text": ["question", "answer"],
            "where": {"source": "generated", "meta.round": [1, 2]},
            "generator_field": "model",
            "verified_field": "checks.is_correct",
        }
    )
    assert data.files[1] == "data/**/extra.jsonl"
    assert data.where == {"source": "generated", "meta.round": [1, 2]}
    assert data.verified_field == "checks.is_correct"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("", "expected a file glob"),
        ("data/[abc.parquet", "unclosed '['"),
        ("data/**x/a.csv", "whole path segment"),
        ("data\\train.csv", "write paths with '/'"),
    ],
)
def test_bad_globs_are_refused(value: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says.replace("[", r"\[")):
        DataFiles.model_validate({"files": [value]})


@pytest.mark.parametrize("field", ["", "a..b", "-a", "a b", ".a"])
def test_bad_field_paths_are_refused(field: str) -> None:
    with pytest.raises(ValidationError, match="field name"):
        DataFiles.model_validate({"files": ["a.csv"], "text": [field]})


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValidationError, match="parquet"):
        DataFiles.model_validate({"files": ["a.x"], "format": "xlsx"})


def test_where_needs_values() -> None:
    with pytest.raises(ValidationError, match="select rows by"):
        DataFiles.model_validate({"files": ["a.csv"], "where": {"kind": []}})
    with pytest.raises(ValidationError, match="select rows by"):
        DataFiles.model_validate({"files": ["a.csv"], "where": {"kind": {"a": 1}}})


def test_sources_of_shared_files_select_their_rows() -> None:
    split = {
        "data": {"files": ["mix.jsonl"], "text": ["q"]},
        "sources": [
            {"id": "h", "origin": "human", "data": {"where": {"kind": "human"}}},
            {"id": "s", "origin": "synthetic", "data": {"where": {"kind": "model"}}},
        ],
    }
    parsed = Manifest.model_validate(manifest(split))
    assert parsed.splits[0].data is not None
    assert parsed.splits[0].sources[1].data is not None


def test_a_source_of_shared_files_without_where_is_refused_at_its_line(tmp_path: Path) -> None:
    file = tmp_path / "m.synthgate.yaml"
    file.write_text(
        "dataset: {name: demo}\n"
        "splits:\n"
        "  - name: train\n"
        "    data: {files: [mix.jsonl]}\n"
        "    sources:\n"
        "      - {id: h, data: {where: {kind: human}}}\n"
        "      - {id: s}\n"
    )
    doc = read_document(file, DEFAULT_LIMITS, file.name)
    with pytest.raises(InputError) as caught:
        validate_model(Manifest, doc.data, doc)
    problem = caught.value.problems[0]
    assert (problem.line, problem.pointer) == (7, "/splits/0/sources/1")
    assert "which rows are its own" in problem.message


def test_a_source_data_block_without_files_needs_shared_files() -> None:
    with pytest.raises(ValidationError, match="no shared 'data' files"):
        Manifest.model_validate(manifest({"sources": [{"id": "a", "data": {"text": ["q"]}}]}))


def test_one_source_may_take_all_of_a_splits_files() -> None:
    parsed = Manifest.model_validate(
        manifest({"data": {"files": ["a.csv"]}, "sources": [{"id": "a"}]})
    )
    assert parsed.splits[0].sources[0].data is None

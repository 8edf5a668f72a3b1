"""Data Provenance Initiative summaries: one manifest per entry, each fact located at its key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthgate import InputError, audit_paths, load_plugins
from synthgate.adapters import choose_task_type
from synthgate.audit import Audit
from synthgate.plugin import DEFAULT_LIMITS, Document
from synthgate.policy import load_policy
from synthgate_plugins.adapters.dpi import DPI

from ..scopes import host
from .helpers import FORMATS

SUMMARY = FORMATS / "dpi" / "MathAndTranslation.json"


def entry(name: str, path: Path = SUMMARY) -> Document:
    assert DPI.load_entry is not None
    document = DPI.load_entry(path, f"{path.name}#{name}", DEFAULT_LIMITS, name)
    assert document is not None
    choose_task_type(document.data, load_policy(None, host()).resolve_task_type)
    return document


def line_of(text: str, path: Path = SUMMARY) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_the_entries_of_a_summary_are_its_identifiers() -> None:
    assert DPI.entries is not None
    assert DPI.entries(SUMMARY, DEFAULT_LIMITS) == [
        "metamathqa",
        "okapi-instructions-yo",
        "databricks-dolly-15k",
        "templated-arithmetic",
    ]


def test_an_audit_reports_one_manifest_per_entry_named_by_its_identifier() -> None:
    audit = Audit.create(None, host=load_plugins(builtin_only=True))
    items = audit.discover([str(SUMMARY)])
    assert [item.display.rsplit("#", 1)[1] for item in items] == [
        "metamathqa",
        "okapi-instructions-yo",
        "databricks-dolly-15k",
        "templated-arithmetic",
    ]
    results = list(audit.results(items))
    assert [r.dataset for r in results if not isinstance(r, InputError)] == [
        "metamathqa",
        "okapi-instructions-yo",
        "databricks-dolly-15k",
        "templated-arithmetic",
    ]


def test_a_model_generated_entry_names_its_generator_and_parents() -> None:
    document = entry("metamathqa")
    dataset = document.data["dataset"]
    assert dataset["name"] == "metamathqa"
    assert dataset["derived_from"] == ["GSM8K", "MATH"]
    assert dataset["languages"] == ["English"]
    assert dataset["task_type"] == "question-answering"  # the first the taxonomy knows
    (text,) = document.data["splits"][0]["sources"]
    assert text["origin"] == "mixed"  # a summary does not say how much
    assert text["generator"] == {"name": "OpenAI GPT-3.5-Turbo"}
    assert text["method"] == "unknown"
    assert "licences: MIT License" in dataset["description"]
    # every value is located at the key it came from
    assert document.locate("/splits/0/sources/0/generator/name")[0] == line_of(
        '"Model Generated": ["OpenAI GPT-3.5-Turbo"]'
    )
    assert document.locate("/dataset/derived_from/1")[0] == line_of(
        '"Derived from Datasets": ["GSM8K"'
    )
    assert document.locate("/dataset/name")[0] == line_of(
        '"Unique Dataset Identifier": "metamathqa"'
    )


def test_translation_templates_and_human_entries() -> None:
    (okapi,) = entry("okapi-instructions-yo").data["splits"][0]["sources"]
    assert (okapi["origin"], okapi["method"]) == ("mixed", "machine-translation")
    (templated,) = entry("templated-arithmetic").data["splits"][0]["sources"]
    assert (templated["origin"], templated["method"]) == ("mixed", "template")
    assert "generator" not in templated
    dolly = entry("databricks-dolly-15k").data["splits"][0]["sources"]
    assert [(s["id"], s["origin"]) for s in dolly] == [
        ("text", "human"),
        ("labels", "human"),
    ]


def test_verdicts_follow_the_method() -> None:
    report = audit_paths([str(SUMMARY)], keep_passes=True)
    worst = {
        m.dataset: {f.rule: f.verdict for f in m.findings if f.verdict != "pass"}
        for m in report.manifests
    }
    assert worst["metamathqa"]["SG102"] == "fail"  # name the generator's family and depth
    assert "SG102" not in worst["okapi-instructions-yo"]  # a translator, no LLM demands
    assert worst["okapi-instructions-yo"]["SG503"] == "warn"  # but a translation quality check
    assert worst["templated-arithmetic"]["SG201"] == "fail"  # declare it verified by construction


def test_a_json_file_of_another_kind_has_no_entries(tmp_path: Path) -> None:
    assert DPI.entries is not None
    other = tmp_path / "package.json"
    other.write_text(json.dumps({"name": "x", "version": "1"}), encoding="utf-8")
    assert DPI.entries(other, DEFAULT_LIMITS) is None
    mentions = tmp_path / "notes.json"
    mentions.write_text(json.dumps({"a": {"Unique Dataset Identifier": "a"}, "b": 1}), "utf-8")
    assert DPI.entries(mentions, DEFAULT_LIMITS) is None


def test_a_malformed_summary_is_an_input_error_with_a_place(tmp_path: Path) -> None:
    broken = tmp_path / "Broken.json"
    broken.write_text('{"a": {"Unique Dataset Identifier": "a",}}', encoding="utf-8")
    audit = Audit.create(None, host=load_plugins(builtin_only=True))
    (result,) = list(audit.results(audit.discover([str(broken)])))
    assert isinstance(result, InputError)
    (problem,) = result.problems
    assert problem.line == 1
    assert problem.column > 1


@pytest.mark.parametrize("value", [["Google Translate", "OpenAI GPT-4"], ["Other"]])
def test_several_or_unnamed_generators_are_not_chosen(tmp_path: Path, value: list[str]) -> None:
    path = tmp_path / "S.json"
    record = {"Unique Dataset Identifier": "s", "Model Generated": value, "Text Sources": ["x"]}
    path.write_text(json.dumps({"s": record}, indent=2), encoding="utf-8")
    (text,) = entry("s", path).data["splits"][0]["sources"]
    assert text["origin"] == "mixed"
    assert "generator" not in text
    assert text["method"] == "unknown"

"""Golden files for the built-in output formats; SYNTHGATE_UPDATE_GOLDEN=1 rewrites them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from synthgate.jsonschemas import render
from tests.conftest import CliResult
from tests.plugins.reports.builders import GOLDEN, MANIFESTS, check_golden, enter_project


@pytest.mark.parametrize(
    ("fmt", "extra", "golden"),
    [
        ("text", (), "audit.txt"),
        ("text", ("--show-passes",), "audit-passes.txt"),
        ("json", (), "audit.json"),
    ],
)
def test_output_matches_golden(
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
    fmt: str,
    extra: tuple[str, ...],
    golden: str,
) -> None:
    enter_project(monkeypatch)
    result = run_cli("audit", *MANIFESTS, "--format", fmt, "--no-color", *extra)
    assert result.code == 1
    check_golden(golden, result.out)


def test_json_report_validates_against_the_report_schema(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(monkeypatch)
    result = run_cli("audit", *MANIFESTS, "--format", "json", "--show-passes")
    report = json.loads(result.out)
    errors = list(Draft202012Validator(json.loads(render("report"))).iter_errors(report))
    assert errors == []
    assert report["totals"]["findings"] == {
        verdict: sum(m["counts"][verdict] for m in report["manifests"])
        for verdict in ("pass", "warn", "fail", "error")
    }


def test_colour_only_when_asked(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(monkeypatch)
    coloured = run_cli("audit", "fail.synthgate.yaml", "--color")
    assert "\x1b[31;1mFAIL\x1b[0m" in coloured.out
    plain = run_cli("audit", "fail.synthgate.yaml")
    assert "\x1b[" not in plain.out


def test_golden_files_exist() -> None:
    names = {p.name for p in Path(GOLDEN).iterdir()}
    assert {"audit-passes.txt", "audit.json", "audit.txt"} <= names

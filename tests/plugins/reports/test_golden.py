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
        ("concise", (), "audit.concise.txt"),
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


@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_force_color_colours_a_stream_that_is_no_terminal(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    enter_project(monkeypatch)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[31" in run_cli("audit", "fail.synthgate.yaml", "-f", fmt).out
    assert "\x1b[" not in run_cli("audit", "fail.synthgate.yaml", "-f", fmt, "--no-color").out
    monkeypatch.setenv("NO_COLOR", "1")  # NO_COLOR wins, as in CPython's own colour choice
    assert "\x1b[" not in run_cli("audit", "fail.synthgate.yaml", "-f", fmt).out
    monkeypatch.setenv("FORCE_COLOR", "")
    monkeypatch.delenv("NO_COLOR")
    assert "\x1b[" not in run_cli("audit", "fail.synthgate.yaml", "-f", fmt).out


def test_golden_files_exist() -> None:
    names = {p.name for p in Path(GOLDEN).iterdir()}
    assert {"audit-passes.txt", "audit.json", "audit.txt", "audit.concise.txt"} <= names


# --------------------------------------------------------------------------- the update switch


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_the_update_switch_is_refused_in_ci_and_the_golden_file_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    from tests.plugins.reports import builders

    golden = tmp_path / "out.txt"
    golden.write_text("reviewed\n", encoding="utf-8")
    monkeypatch.setattr(builders, "GOLDEN", tmp_path)
    monkeypatch.setenv("SYNTHGATE_UPDATE_GOLDEN", "1")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception) as info:
        check_golden("out.txt", "rewritten\n")
    assert "SYNTHGATE_UPDATE_GOLDEN is refused when CI is set" in str(info.value)
    assert "out.txt" in str(info.value)
    assert golden.read_text(encoding="utf-8") == "reviewed\n"


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_outside_ci_the_update_switch_rewrites_the_golden_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    from tests.plugins.reports import builders

    monkeypatch.setattr(builders, "GOLDEN", tmp_path)
    monkeypatch.setenv("SYNTHGATE_UPDATE_GOLDEN", "1")
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    check_golden("new/out.txt", "fresh\n")
    assert (tmp_path / "new" / "out.txt").read_text(encoding="utf-8") == "fresh\n"


def test_without_the_switch_a_changed_output_fails_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.plugins.reports import builders

    golden = tmp_path / "out.txt"
    golden.write_text("reviewed\n", encoding="utf-8")
    monkeypatch.setattr(builders, "GOLDEN", tmp_path)
    monkeypatch.delenv("SYNTHGATE_UPDATE_GOLDEN", raising=False)
    with pytest.raises(AssertionError, match=r"out\.txt differs from its golden file"):
        check_golden("out.txt", "changed\n")
    assert golden.read_text(encoding="utf-8") == "reviewed\n"

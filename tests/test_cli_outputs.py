"""Several output formats from one audit: one to standard output at most, files whole or not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, CliResult

CLI = FIXTURES / "cli"
Run = Callable[..., CliResult]


@pytest.fixture(autouse=True)
def _no_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no configuration file above a temporary directory


def test_one_audit_feeds_every_format(run_cli: Run, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run_cli(
        "audit", str(CLI / "fail.synthgate.yaml"), "-f", "text", "--format", f"json={report}"
    )
    assert result.code == 1, result.err
    assert result.out.startswith("FAIL ")
    data = json.loads(report.read_text())
    assert data["verdict"] == "fail"
    assert {f["rule"] for f in data["manifests"][0]["findings"]} >= {"SG103", "SG301"}


def test_output_receives_the_format_without_a_path(run_cli: Run, tmp_path: Path) -> None:
    text, report = tmp_path / "out.txt", tmp_path / "report.json"
    result = run_cli(
        "audit",
        str(CLI / "pass.synthgate.yaml"),
        "-f",
        f"json={report}",
        "-f",
        "text",
        "-o",
        str(text),
    )
    assert result.code == 0, result.err
    assert result.out == ""
    assert text.read_text().startswith("PASS ")
    assert json.loads(report.read_text())["verdict"] == "pass"


def test_only_files_means_nothing_on_stdout(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "-f", "text=a.txt")
    assert result.code == 0, result.err
    assert result.out == ""
    assert (tmp_path / "a.txt").read_text().startswith("PASS ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-f", "text", "-f", "json"), "formats text, json would all go to standard output"),
        (("-f", "text=a.txt", "-o", "b.txt"), "--output names a file but every format"),
        (("-f", "text=a.txt", "-f", "json=a.txt"), "two formats would be written to 'a.txt'"),
        (("-f", "jsno=a.json"), "did you mean 'json'?"),
        (("-f", "json="), "names no file"),
        (("-f", "json=no/such/dir/r.json"), "its directory does not exist"),
    ],
)
def test_format_usage_errors_write_nothing(
    run_cli: Run, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"), *args)
    assert result.code == 2
    assert message in result.err
    assert list(tmp_path.iterdir()) == []


def test_on_exit_2_no_file_is_written(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli(
        "audit",
        str(CLI / "pass.synthgate.yaml"),
        str(CLI / "bad.synthgate.yaml"),
        "-f",
        "text=a.txt",
        "-f",
        "json=b.json",
    )
    assert result.code == 2
    assert list(tmp_path.iterdir()) == []  # no report, and no temporary file left behind


def test_passes_go_only_to_formats_that_want_them(run_cli: Run, tmp_path: Path) -> None:
    from synthgate.plugins import load_plugins

    reporters = load_plugins().reporters()
    wanting = [name for name, spec in reporters.items() if spec.load().wants_passes]
    if not wanting:
        pytest.skip("no installed format wants passes")
    result = run_cli(
        "audit", str(CLI / "warn.synthgate.yaml"), "-f", "text", "-f", f"{wanting[0]}=x.out"
    )
    assert result.code == 0, result.err
    assert " pass [" not in result.out  # text shows passes only with --show-passes

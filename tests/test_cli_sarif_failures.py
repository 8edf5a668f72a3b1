"""A SARIF file is written even when the audit exits 2, so that an upload step always finds one.

Every kind of input error (a manifest that cannot be audited, a configuration, a policy, a flag
value, an unknown format) gives a SARIF 2.1.0 log without results whose invocation failed and
carries the errors as notifications; stderr and the exit code are what they are without SARIF,
and other formats still write nothing on exit code 2.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from tests.conftest import FIXTURES, CliResult

SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"
BASE = ("--no-context", "--select", "SG3")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a good manifest and, in a subdirectory, a broken one; the
    audit runs in the subdirectory, so that SRCROOT is not the working directory."""
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    shutil.copy(FIXTURES / "cli" / "pass.synthgate.yaml", root / "data")
    shutil.copy(FIXTURES / "cli" / "bad.synthgate.yaml", root / "data")
    monkeypatch.chdir(root / "data")
    return root


def _log(path: Path) -> dict[str, Any]:
    log: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft7Validator(schema).iter_errors(log)
    ]
    assert errors == []
    return log


def _notifications(log: dict[str, Any]) -> list[dict[str, Any]]:
    (run,) = log["runs"]
    assert run["results"] == []
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notes: list[dict[str, Any]] = invocation["toolExecutionNotifications"]
    assert notes
    assert {note["level"] for note in notes} == {"error"}
    return notes


def _same_as_without_sarif(
    run_cli: Callable[..., CliResult], args: tuple[str, ...], tmp_path: Path
) -> CliResult:
    """Run with ``--format sarif=...`` and with ``--format json=...`` instead: the same exit
    code 2 and the same stderr; the SARIF file is there, the JSON one is not."""
    sarif, other = tmp_path / "out.sarif", tmp_path / "out.json"
    plain = run_cli("audit", *args, "--format", f"json={other}")
    result = run_cli("audit", *args, "--format", f"sarif={sarif}")
    assert (plain.code, result.code) == (2, 2)
    assert result.err == plain.err
    assert not other.exists()
    assert sarif.is_file()
    return result


def test_an_invalid_manifest_is_a_notification_at_its_place_under_srcroot(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    args = (*BASE, "pass.synthgate.yaml", "bad.synthgate.yaml")
    result = _same_as_without_sarif(run_cli, args, tmp_path)
    assert "bad.synthgate.yaml:9:" in result.err
    log = _log(tmp_path / "out.sarif")
    (run,) = log["runs"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == repo.as_uri() + "/"
    notes = _notifications(log)
    places = [loc["physicalLocation"] for note in notes for loc in note["locations"]]
    assert places
    for place in places:
        assert place["artifactLocation"] == {
            "uri": "data/bad.synthgate.yaml",
            "uriBaseId": "SRCROOT",
        }
    # every problem stderr shows is a notification at the same line and column
    shown = {
        (int(line), int(col))
        for text in result.err.splitlines()
        if text.startswith("bad.synthgate.yaml:")
        for _, line, col, *_ in [text.split(":", 3)]
    }
    assert {(p["region"]["startLine"], p["region"]["startColumn"]) for p in places} == shown
    assert any("recrods" in note["message"]["text"] for note in notes)


def test_a_path_that_does_not_exist(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    _same_as_without_sarif(run_cli, (*BASE, "nowhere.synthgate.yaml"), tmp_path)
    notes = _notifications(_log(tmp_path / "out.sarif"))
    assert any("nowhere.synthgate.yaml" in json.dumps(note) for note in notes)


def test_an_unreadable_manifest(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    (repo / "data" / "bin.synthgate.yaml").write_bytes(b"\xff\xfe\x00garbage")
    _same_as_without_sarif(run_cli, (*BASE, "bin.synthgate.yaml"), tmp_path)
    notes = _notifications(_log(tmp_path / "out.sarif"))
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"] for n in notes for loc in n["locations"]
    }
    assert uris == {"data/bin.synthgate.yaml"}


def test_a_bad_configuration(repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    (repo / "synthgate.toml").write_text('fail-on = "sometimes"\n', encoding="utf-8")
    result = _same_as_without_sarif(run_cli, (*BASE, "pass.synthgate.yaml"), tmp_path)
    assert "synthgate.toml" in result.err
    notes = _notifications(_log(tmp_path / "out.sarif"))
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"] for n in notes for loc in n["locations"]
    }
    assert uris == {"synthgate.toml"}  # relative to the repository root, not to data/
    assert any("sometimes" in note["message"]["text"] for note in notes)


def test_a_missing_policy(repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    args = (*BASE, "--policy", "no-such-policy.yaml", "pass.synthgate.yaml")
    _same_as_without_sarif(run_cli, args, tmp_path)
    notes = _notifications(_log(tmp_path / "out.sarif"))
    assert any("no-such-policy.yaml" in note["message"]["text"] for note in notes)


def test_a_bad_flag_value_checked_before_the_run(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    _same_as_without_sarif(run_cli, (*BASE, "--today", "someday", "pass.synthgate.yaml"), tmp_path)
    notes = _notifications(_log(tmp_path / "out.sarif"))
    assert any("someday" in note["message"]["text"] for note in notes)


def test_an_unknown_format_spares_the_sarif_file(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    sarif = tmp_path / "out.sarif"
    result = run_cli(
        "audit", "pass.synthgate.yaml", "--format", "sarf", "--format", f"sarif={sarif}"
    )
    assert result.code == 2
    assert "unknown output format 'sarf'" in result.err
    (note,) = _notifications(_log(sarif))
    assert "unknown output format 'sarf'" in note["message"]["text"]
    assert "hint: did you mean 'sarif'?" in note["message"]["text"]
    assert "locations" not in note


def test_the_configuration_s_sarif_destination_is_used(
    repo: Path, run_cli: Callable[..., CliResult]
) -> None:
    (repo / "synthgate.toml").write_text(
        'format = ["sarif=scan.sarif", "json=scan.json"]\npolicy = "missing.yaml"\n',
        encoding="utf-8",
    )
    result = run_cli("audit", "pass.synthgate.yaml")
    assert result.code == 2
    assert "missing.yaml" in _notifications(_log(repo / "scan.sarif"))[0]["message"]["text"]
    assert not (repo / "scan.json").exists()


def test_sarif_through_output_is_written_too(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    sarif = tmp_path / "via-output.sarif"
    result = run_cli("audit", *BASE, "bad.synthgate.yaml", "--format", "sarif", "-o", str(sarif))
    assert result.code == 2
    _notifications(_log(sarif))
    assert result.out == ""


def test_an_output_that_cannot_be_opened_is_reported_as_before(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """An output error is no input error: the message is the only one, nothing is retried."""
    target = tmp_path / "no-dir" / "out.sarif"
    result = run_cli("audit", *BASE, "bad.synthgate.yaml", "--format", f"sarif={target}")
    assert result.code == 2
    assert result.err == f"error: cannot write output '{target}': its directory does not exist\n"
    assert not target.parent.exists()


def test_an_unwritable_sarif_destination_is_a_warning_after_an_input_error(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    target = tmp_path / "no-dir" / "out.sarif"
    args = (*BASE, "--policy", "no-such-policy.yaml", "pass.synthgate.yaml")
    plain = run_cli("audit", *args)
    result = run_cli("audit", *args, "--format", f"sarif={target}")
    assert result.code == 2
    warning = f"warning: sarif not written: error: cannot write output '{target}': its directory"
    assert result.err.startswith(warning)
    assert result.err.endswith(plain.err)
    assert "Traceback" not in result.err
    assert not target.parent.exists()


@pytest.mark.parametrize(
    "extra",
    [("--policy", "no-such-policy.yaml"), ("--today", "someday"), ()],
    ids=["policy-error", "flag-error", "manifest-error"],
)
def test_a_manifest_is_never_overwritten_by_the_failure_report(
    repo: Path, run_cli: Callable[..., CliResult], extra: tuple[str, ...]
) -> None:
    bad = repo / "data" / "bad.synthgate.yaml"
    good = repo / "data" / "pass.synthgate.yaml"
    before = bad.read_bytes(), good.read_bytes()
    for target in (bad, good):
        args = (*BASE, *extra, "pass.synthgate.yaml", "bad.synthgate.yaml")
        result = run_cli("audit", *args, "--format", f"sarif={target.name}")
        assert result.code == 2
        assert (bad.read_bytes(), good.read_bytes()) == before


def test_a_command_line_click_cannot_parse_writes_nothing(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    """Documented in docs/ci.md: before the command line is parsed no destination is known."""
    sarif = tmp_path / "out.sarif"
    args = ("--fail-on", "sometimes", "pass.synthgate.yaml", "--format", f"sarif={sarif}")
    result = run_cli("audit", *args)
    assert result.code == 2
    assert "Invalid value for '--fail-on'" in result.err
    assert not sarif.exists()


def test_an_unknown_rule_selected(
    repo: Path, tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    _same_as_without_sarif(run_cli, ("--select", "NOPE999", "pass.synthgate.yaml"), tmp_path)
    (note,) = _notifications(_log(tmp_path / "out.sarif"))
    assert "NOPE999" in note["message"]["text"]

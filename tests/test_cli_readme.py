"""README.md tells the truth: its quick start, sample outputs and file patterns are checked."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from synthgate_plugins.adapters.native import GLOBS
from tests.conftest import FIXTURES, REPO_ROOT, CliResult

Run = Callable[..., CliResult]
README = REPO_ROOT / "README.md"


def _section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README has no section '{title}'"
    return match.group(1)


def _blocks(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, re.M | re.S)


def _lines_appear_in(sample: str, actual: str) -> None:
    """Every line of ``sample`` is a whole line of ``actual``; a line ending in '...' is a
    prefix of one."""
    lines = actual.splitlines()
    wanted = [line for line in sample.splitlines() if line.strip()]
    assert wanted, "the sample is empty"
    for line in wanted:
        if line.endswith("..."):
            found = any(a.startswith(line[:-3]) for a in lines)
        else:
            found = line in lines
        assert found, f"README.md is stale: {line!r} is not in the real output:\n{actual}"


def test_quick_start_is_two_commands_and_does_what_it_says(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = _section("Quick start")
    (block,) = _blocks(section)
    commands = block.strip().splitlines()
    assert len(commands) == 2
    assert commands[0].endswith("&& synthgate audit examples/")
    assert commands[1] == "python -m pytest"
    assert "audits the six example manifests" in section
    assert "it exits 1" in section
    monkeypatch.chdir(REPO_ROOT)
    result = run_cli("audit", "examples/")
    assert result.code == 1, result.err
    assert re.search(r"^FAIL: 6 manifests \(", result.out, re.M), result.out


def test_sample_output_is_real_output(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    section = _section("Usage")
    match = re.search(r"`synthgate audit (\S+)` prints:\n\n```\n(.*?)```", section, re.S)
    assert match, "the Usage section has no sample output"
    path, sample = match.groups()
    monkeypatch.chdir(REPO_ROOT)
    result = run_cli("audit", path, "--no-color")
    assert result.code == 1
    _lines_appear_in(sample, result.out)
    assert sum(" SG" in line for line in sample.splitlines()) >= 2  # findings, not only a header


def test_bad_input_sample_is_real_output(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    (sample,) = _blocks(_section("Bad input"))
    monkeypatch.chdir(FIXTURES / "cli" / "readme")
    result = run_cli("audit", "bad.synthgate.yaml", "--no-color")
    assert result.code == 2
    assert sample in result.err


def test_directory_patterns_are_all_documented() -> None:
    usage = " ".join(_section("Usage").split())
    for glob in GLOBS:
        assert f"`{glob}`" in usage
    for skipped in ("hidden", "`node_modules`", "`__pycache__`"):
        assert skipped in usage

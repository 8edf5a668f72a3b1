"""Rule selectors cannot fail open: empty, blank or malformed ones are exit 2 wherever they
are written, and a code prefix matches only codes that start with it, case-sensitively."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from synthgate.config import MAX_JOBS, load_config, rule_selected, selector_error
from synthgate.errors import InputError
from tests.conftest import FIXTURES, CliResult

CLI = FIXTURES / "cli"
Run = Callable[..., CliResult]


@pytest.mark.parametrize(
    ("selector", "code", "name", "expected"),
    [
        ("SG301", "SG301", "subjective-synthetic-share-cap", True),
        ("SG3", "SG301", "subjective-synthetic-share-cap", True),
        ("SG30", "SG301", "subjective-synthetic-share-cap", True),
        ("SG4", "SG301", "subjective-synthetic-share-cap", False),
        ("subjective-synthetic-share-cap", "SG301", "subjective-synthetic-share-cap", True),
        ("subjective", "SG301", "subjective-synthetic-share-cap", False),  # names are exact
        ("S", "SG301", "subjective-synthetic-share-cap", False),  # not a code prefix
        ("SG", "SG301", "subjective-synthetic-share-cap", False),  # letters need a digit
        ("sg301", "SG301", "subjective-synthetic-share-cap", False),  # codes are upper case
        ("", "SG301", "subjective-synthetic-share-cap", False),
    ],
)
def test_what_a_selector_selects(selector: str, code: str, name: str, expected: bool) -> None:
    assert rule_selected(selector, code, name) is expected


@pytest.mark.parametrize("selector", ["", " ", "\t", "S", "SG", "sg3", "SG3*", "SG 3", "-x"])
def test_malformed_selectors_are_named(selector: str) -> None:
    assert selector_error(selector) is not None


@pytest.mark.parametrize("selector", ["SG3", "SG301", "TEAM1", "recursion-depth", "x1"])
def test_well_formed_selectors_pass(selector: str) -> None:
    assert selector_error(selector) is None


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('ignore = [""]\n', 1, "'ignore': empty rule selector"),
        ('fail-on = "warn"\nselect = ["SG1", " "]\n', 2, "'select': empty rule selector"),
        ('ignore = ["S"]\n', 1, "'ignore': malformed rule selector 'S'"),
        ('select = ["sg3"]\n', 1, "'select': malformed rule selector 'sg3'"),
        ('[per-path-ignores]\n"**" = [""]\n', 2, "'per-path-ignores': empty rule selector"),
    ],
)
def test_a_bad_selector_in_the_config_is_an_error_at_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "synthgate.toml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    problem = caught.value.problems[0]
    assert problem.line == line
    assert message in problem.message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--ignore", ""), "--ignore: empty rule selector"),
        (("--select", ""), "--select: empty rule selector"),
        (("--ignore", "SG3,"), "--ignore: empty rule selector"),
        (("--ignore", "S"), "--ignore: malformed rule selector 'S'"),
        (("--select", "sg3"), "codes are upper case: 'SG3'"),
    ],
)
def test_a_bad_selector_on_the_command_line_is_exit_2(
    run_cli: Run, args: tuple[str, ...], message: str
) -> None:
    result = run_cli("audit", str(CLI / "fail.synthgate.yaml"), "--no-config", *args)
    assert result.code == 2, result.out
    assert message in result.err


def test_an_empty_ignore_in_the_config_does_not_disable_the_rules(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "synthgate.toml").write_text('[per-path-ignores]\n"**" = [""]\n')
    monkeypatch.chdir(tmp_path)
    result = run_cli("audit", str(CLI / "fail.synthgate.yaml"))
    assert result.code == 2
    assert "synthgate.toml:2:1: 'per-path-ignores': empty rule selector" in result.err


def test_jobs_is_bounded(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "synthgate.toml"
    path.write_text(f"jobs = {MAX_JOBS + 1}\n")
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert f"expected at most {MAX_JOBS} worker processes" in caught.value.problems[0].message
    path.write_text(f"jobs = {MAX_JOBS}\n")
    assert load_config(path).values["jobs"] == MAX_JOBS
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "--no-config", "-j", "300")
    assert result.code == 2
    assert "--jobs" in result.err


def test_the_command_line_bound_on_jobs_is_the_configuration_bound() -> None:
    from synthgate import cli

    assert cli._MAX_JOBS == MAX_JOBS


def test_never_more_workers_than_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    from synthgate import run

    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert run._jobs(64) == 2
    assert run._jobs(None) == 2
    assert run._jobs(1) == 1


def test_the_command_line_and_the_configuration_bound_jobs_alike() -> None:
    # cli.py keeps its own copy of the bound so that 'synthgate --help' need not import config.
    from synthgate import cli

    assert cli._MAX_JOBS == MAX_JOBS

"""Terminal output of 'synthgate audit': --statistics, -q, -V, --output-format, shell
completion and the progress bar, through the real command line."""

from __future__ import annotations

import io
import json
import os
import re
import select
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO_ROOT, CliResult

CLI = FIXTURES / "cli"
Run = Callable[..., CliResult]
FAIL = str(CLI / "fail.synthgate.yaml")
WARN = str(CLI / "warn.synthgate.yaml")


def _findings_by_rule(report: dict[str, object]) -> Counter[tuple[str, str]]:
    """The oracle: (code, verdict) of every unwaived finding of a JSON report."""
    counts: Counter[tuple[str, str]] = Counter()
    for manifest in report["manifests"]:  # type: ignore[attr-defined]
        for finding in manifest["findings"]:
            if finding["verdict"] != "pass" and finding.get("waiver") is None:
                counts[(finding["rule"], finding["verdict"])] += 1
    return counts


def _statistics(text: str) -> dict[str, tuple[int, str]]:
    """code -> (count, verdicts) of --statistics lines, checked against their shape."""
    lines = text.strip().splitlines()
    assert re.fullmatch(r"\d+ findings? of \d+ rules?", lines[-1]), lines[-1]
    found = {}
    for line in lines[:-1]:
        match = re.fullmatch(r" *(\d+)  (SG\d+) *  ([a-z0-9, ]+?) *  ([a-z0-9-]+)", line)
        assert match, line
        found[match.group(2)] = (int(match.group(1)), match.group(3))
    return found


def test_statistics_count_the_findings_of_each_rule(run_cli: Run, tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    examples = str(REPO_ROOT / "examples")
    result = run_cli("audit", examples, FAIL, "--statistics", "--format", f"json={report_file}")
    assert result.code == 1, result.err
    expected = _findings_by_rule(json.loads(report_file.read_text()))
    stats = _statistics(result.out)  # no format on standard output: the statistics are there
    assert {code: count for code, (count, _) in stats.items()} == {
        code: sum(n for (c, _), n in expected.items() if c == code) for code, _ in expected
    }
    for code, (_, verdicts) in stats.items():
        wanted = {v for (c, v) in expected if c == code}
        assert set(re.findall(r"[a-z]+", verdicts)) == wanted
    counts = [count for count, _ in stats.values()]
    assert counts == sorted(counts, reverse=True)  # most first
    total = sum(expected.values())
    rules = len({code for code, _ in expected})
    assert result.out.strip().splitlines()[-1] == f"{total} findings of {rules} rules"


def test_statistics_follow_the_text_report_and_never_break_json(run_cli: Run) -> None:
    text = run_cli("audit", FAIL, "--statistics")
    plain = run_cli("audit", FAIL)
    assert text.out.startswith(plain.out)  # the report unchanged, the statistics after it
    assert _statistics(text.out[len(plain.out) :])
    as_json = run_cli("audit", FAIL, "--statistics", "--output-format", "json")
    json.loads(as_json.out)  # standard output stays one JSON document
    assert _statistics(as_json.err)
    clean = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "--statistics")
    assert clean.code == 0
    assert clean.out.endswith("\nno findings\n")


def test_without_statistics_the_output_is_unchanged(run_cli: Run) -> None:
    assert "findings of" not in run_cli("audit", FAIL).out


def test_quiet_prints_nothing_but_errors_and_keeps_the_exit_code(
    run_cli: Run, tmp_path: Path
) -> None:
    out = tmp_path / "r.sarif"
    loud = run_cli("audit", FAIL, "--format", "text", "--format", f"sarif={out}")
    quiet = run_cli("audit", FAIL, "-q", "--format", "text", "--format", f"sarif={out}")
    assert (loud.code, quiet.code) == (1, 1)
    assert loud.out
    assert (quiet.out, quiet.err) == ("", "")
    assert json.loads(out.read_text())["runs"][0]["results"]  # files are still written
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "warning: no manifests found" in run_cli("audit", str(empty)).err
    silent = run_cli("audit", str(empty), "--quiet")
    assert (silent.code, silent.out, silent.err) == (0, "", "")  # the warning is not an error
    bad = run_cli("audit", str(CLI / "bad.synthgate.yaml"), "-q")
    assert (bad.code, bad.out) == (2, "")
    assert "bad.synthgate.yaml:9:9: /splits/0/sources/0/recrods: unknown field" in bad.err
    assert "1 file could not be audited" in bad.err
    usage = run_cli("audit", "no/such/path", "-q")
    assert usage.code == 2
    assert "'no/such/path' does not exist" in usage.err


@pytest.mark.parametrize(
    ("flag", "named"),
    [
        (["--statistics"], "--statistics"),
        (["-v"], "--verbose"),
        (["--progress"], "--progress"),
        (["--write-baseline", "-"], "--write-baseline -"),
    ],
)
def test_quiet_refuses_flags_that_only_add_output(
    run_cli: Run, flag: list[str], named: str
) -> None:
    result = run_cli("audit", FAIL, "-q", *flag)
    assert result.code == 2
    assert f"--quiet and {named} exclude each other" in result.err
    assert result.out == ""


def test_a_crashed_output_format_still_exits_3_under_quiet(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from synthgate_plugins.reports.text import TextReporter

    def crash(self: object, result: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(TextReporter, "add", crash)
    result = run_cli("audit", FAIL, "-q")
    assert result.code == 3
    assert result.out == ""
    assert "its output was not written" in result.err


def test_capital_v_is_version(run_cli: Run) -> None:
    from synthgate import __version__

    short, long = run_cli("-V"), run_cli("--version")
    assert short.code == long.code == 0
    assert short.out == long.out == f"synthgate, version {__version__}\n"


def test_output_format_is_format(run_cli: Run, tmp_path: Path) -> None:
    one, other = tmp_path / "a.json", tmp_path / "b.json"
    assert run_cli("audit", FAIL, "--output-format", f"json={one}").code == 1
    assert run_cli("audit", FAIL, "--format", f"json={other}").code == 1
    assert json.loads(one.read_text())["manifests"] == json.loads(other.read_text())["manifests"]
    assert "--format, --output-format" in run_cli("audit", "--help").out


def _synthgate(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("synthgate", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "synthgate"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "_synthgate_completion"), ("zsh", "compdef"), ("fish", "complete")],
)
def test_shell_completion_scripts_are_produced(shell: str, marker: str) -> None:
    if shell == "bash" and shutil.which("bash") is None:  # pragma: no cover - bash is everywhere
        pytest.fail("bash is needed to check bash completion")
    env = {**os.environ, "_SYNTHGATE_COMPLETE": f"{shell}_source"}
    done = _synthgate(env=env)
    assert done.returncode == 0, done.stderr
    assert marker in done.stdout
    assert "_SYNTHGATE_COMPLETE" in done.stdout


def test_completion_completes_commands_and_options() -> None:
    base = {**os.environ, "_SYNTHGATE_COMPLETE": "bash_complete"}
    commands = _synthgate(env={**base, "COMP_WORDS": "synthgate au", "COMP_CWORD": "1"})
    assert commands.returncode == 0, commands.stderr
    assert "plain,audit" in commands.stdout.splitlines()
    options = _synthgate(env={**base, "COMP_WORDS": "synthgate audit --stat", "COMP_CWORD": "2"})
    assert "plain,--statistics" in options.stdout.splitlines()


def test_the_completion_recipe_is_documented() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_SYNTHGATE_COMPLETE=bash_source synthgate)"' in readme


# --------------------------------------------------------------------------- progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("steps", "tty", "setting", "env", "shown"),
    [
        (301, True, None, {}, True),
        (300, True, None, {}, False),  # a few hundred manifests are quick
        (5000, False, None, {}, False),  # captured, piped or redirected
        (5000, True, None, {"CI": "true"}, False),
        (5000, True, None, {"CI": "1"}, False),
        (5000, True, None, {"CI": "false"}, True),
        (5000, True, None, {"TERM": "dumb"}, False),
        (5000, True, False, {}, False),  # --no-progress
        (1, False, True, {"CI": "true"}, True),  # --progress asks for it
    ],
)
def test_when_the_progress_bar_shows(
    steps: int, tty: bool, setting: bool | None, env: dict[str, str], shown: bool
) -> None:
    from synthgate.run import show_progress

    stream = _Terminal() if tty else io.StringIO()
    assert show_progress(steps, stream, setting, env) is shown


def _manifests(directory: Path, count: int) -> None:
    text = (CLI / "pass.synthgate.yaml").read_text(encoding="utf-8")
    name = re.search(r"^  name: (.+)$", text, re.M)
    assert name, "the fixture names its dataset"
    for i in range(count):
        renamed = text.replace(name.group(0), f"  name: {name.group(1).strip()}-{i}")
        (directory / f"m{i:03}.synthgate.yaml").write_text(renamed, encoding="utf-8")


def test_a_large_audit_on_a_terminal_shows_a_progress_bar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In-process, with standard error a (fake) terminal: the bar is drawn there, and the
    report on standard output is the same as without it."""
    from synthgate.run import PROGRESS_THRESHOLD, Run, RunSettings

    _manifests(tmp_path, PROGRESS_THRESHOLD + 1)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    monkeypatch.chdir(tmp_path)
    outputs = []
    for stderr in (_Terminal(), io.StringIO()):
        out = io.StringIO()
        settings = RunSettings(paths=(".",), no_config=True, context="none")
        outcome = Run(settings, stdout=out, stderr=stderr).execute()
        assert outcome.exit_code == 0, outcome.notes
        outputs.append((out.getvalue(), stderr.getvalue()))
    (with_bar, bar), (without_bar, nothing) = outputs
    assert with_bar == without_bar
    assert nothing == ""
    assert "auditing" in bar
    assert f"{PROGRESS_THRESHOLD + 1}/{PROGRESS_THRESHOLD + 1}" in bar


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_the_real_command_line_draws_the_bar_on_a_pseudo_terminal_only(tmp_path: Path) -> None:
    import pty

    from synthgate.run import PROGRESS_THRESHOLD

    _manifests(tmp_path, PROGRESS_THRESHOLD + 1)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "TERM")}
    exe = shutil.which("synthgate", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "synthgate"]
    args = [*command, "audit", str(tmp_path), "--no-context", "--no-config"]
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=follower, env=env)
        os.close(follower)
        drawn = b""
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            drawn += chunk
        stdout, _ = process.communicate(timeout=60)
    finally:
        os.close(leader)
    assert process.returncode == 0
    assert b"auditing" in drawn
    assert b"auditing" not in stdout
    piped = _synthgate("audit", str(tmp_path), "--no-context", "--no-config", env=env)
    assert piped.returncode == 0
    assert piped.stderr == ""  # captured standard error never gets a bar
    assert piped.stdout == stdout.decode()

"""Shared fixtures: the repository root, a hermetic plugin set, and running the CLI in-process."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from synthgate.plugins import PluginHost

TESTS = Path(__file__).parent
FIXTURES = TESTS / "fixtures"
# CI also runs the suite from a copy of tests/ against a non-editable install.
REPO_ROOT = Path(os.environ.get("SYNTHGATE_SOURCE_ROOT", TESTS.parent))


def pytest_configure(config: pytest.Config) -> None:
    """Case files (*.cases.yaml) are collected as tests outside any fixture: keep them hermetic
    too, whatever third-party plugins happen to be installed."""
    os.environ.setdefault("SYNTHGATE_BUILTIN_PLUGINS_ONLY", "1")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI (``CI`` set) a skipped test fails the run: a skip there means something the suite
    needs is missing from the repository or from what .ci/run installs."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter is not None else 0
    if os.environ.get("CI") and skipped and exitstatus == pytest.ExitCode.OK:
        if reporter is not None:
            reporter.write_line(f"CI: {skipped} test(s) skipped; every test must run in CI")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _hermetic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never load third-party plugins that happen to be installed (every CLI run loads its
    own plugin host, so environment changes made by a test reach its CLI runs)."""
    monkeypatch.setenv("SYNTHGATE_BUILTIN_PLUGINS_ONLY", "1")
    monkeypatch.delenv("SYNTHGATE_DISABLED_PLUGINS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


def git(repo: Path, *args: str) -> None:
    """Run git in ``repo`` with a throwaway identity and no signing (tests make commits)."""
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com",
         "-c", "commit.gpgsign=false", *args],
        check=True,
        capture_output=True,
    )  # fmt: skip


@dataclass
class CliResult:
    """Exit code and output of one in-process ``synthgate`` run."""

    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``synthgate ARGS`` in-process through the real entry point (``host=``: with these
    plugins instead of the installed ones)."""
    from synthgate.cli import main

    def run(*args: str, host: PluginHost | None = None) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args), host=host)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run

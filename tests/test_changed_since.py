"""``audit --changed-since REF`` in a real temporary git repository."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, CliResult, git

CLI = FIXTURES / "cli"
Run = Callable[..., CliResult]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    for name in ("pass", "warn", "fail"):
        shutil.copy(CLI / f"{name}.synthgate.yaml", root / "data" / f"{name}.synthgate.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "tag", "base")
    monkeypatch.chdir(root)
    return root


def _audited(out: str) -> set[str]:
    heads = ("PASS ", "WARN ", "FAIL ")
    return {line.split()[1] for line in out.splitlines() if line.startswith(heads)}


def test_nothing_changed_is_exit_0_with_a_message(run_cli: Run, repo: Path) -> None:
    result = run_cli("audit", "--changed-since", "base")
    assert result.code == 0, result.err
    assert "no manifest changed since base" in result.err


def test_committed_modified_untracked_are_audited_and_deleted_ignored(
    run_cli: Run, repo: Path
) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    data = repo / "data"
    (data / "pass.synthgate.yaml").write_text((data / "pass.synthgate.yaml").read_text() + "\n")
    git(repo, "commit", "-q", "-am", "touch pass")  # committed since base
    (data / "warn.synthgate.yaml").write_text((data / "warn.synthgate.yaml").read_text() + "\n")
    shutil.copy(CLI / "pass.synthgate.yaml", data / "new.synthgate.yaml")  # untracked
    (data / "fail.synthgate.yaml").unlink()  # deleted: ignored
    (repo / "notes.txt").write_text("not a manifest\n")  # changed, but not a manifest
    result = run_cli("audit", "--changed-since", "base")
    assert result.code == 0, result.err
    assert _audited(result.out) == {
        "data/pass.synthgate.yaml",
        "data/warn.synthgate.yaml",
        "data/new.synthgate.yaml",
    }
    only_data = run_cli("audit", "data/new.synthgate.yaml", "--changed-since", "base")
    assert _audited(only_data.out) == {"data/new.synthgate.yaml"}


def test_unknown_ref_is_a_usage_error(run_cli: Run, repo: Path) -> None:
    result = run_cli("audit", "--changed-since", "no-such-branch")
    assert result.code == 2
    assert "unknown git revision 'no-such-branch'" in result.err


def test_outside_a_repository_is_a_usage_error(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(CLI / "pass.synthgate.yaml", tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = run_cli("audit", "--changed-since", "main")
    assert result.code == 2
    assert "only inside a git repository" in result.err

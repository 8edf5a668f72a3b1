"""What git ignores, as directory searches see it: judged against ``git check-ignore`` itself."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgate.ignores import GitIgnores
from tests.conftest import FIXTURES, CliResult, git

MANIFEST = FIXTURES / "cli" / "pass.synthgate.yaml"

LAYOUT = [
    "a.synthgate.yaml",
    "build/x.synthgate.yaml",
    "data/keep.synthgate.yaml",
    "data/tmp.synthgate.yaml",
    "data/sub/deep.synthgate.yaml",
    "data/sub/keep.synthgate.yaml",
    "local/mine.synthgate.yaml",
    "notes/a.synthgate.yaml",
]


def _repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    for name in LAYOUT:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(MANIFEST, root / name)
    (root / ".gitignore").write_text("build/\n*tmp*\n", encoding="utf-8")
    (root / "data" / ".gitignore").write_text("sub/*\n!sub/keep.synthgate.yaml\n", "utf-8")
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "exclude").write_text("/local/\n", encoding="utf-8")
    return root


def _git_ignored(repo: Path, relative: list[str]) -> set[str]:
    done = subprocess.run(
        ["git", "-C", str(repo), "check-ignore", "--no-index", "--stdin"],
        input="\n".join(relative) + "\n",
        capture_output=True,
        text=True,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return set(done.stdout.split())


def test_agrees_with_git_on_the_layout(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "repo")
    candidates = [*LAYOUT, "build", "data/sub", "local", "notes"]
    ignores = GitIgnores()
    ours = {name for name in candidates if ignores.ignored(repo / name, top=repo)}
    assert ours == _git_ignored(repo, candidates)
    # And the layout tests every kind of rule: anchored, nested, negated, info/exclude.
    assert ours == {
        "build",
        "build/x.synthgate.yaml",
        "data/tmp.synthgate.yaml",
        "data/sub/deep.synthgate.yaml",
        "local",
        "local/mine.synthgate.yaml",
    }


_PATTERN = st.text(alphabet="ab*!/?.[]", min_size=1, max_size=6).filter(
    lambda p: not p.startswith("#") and p.strip() == p
)
_NAME = st.text(alphabet="ab.", min_size=1, max_size=3).filter(lambda n: n not in (".", ".."))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    top=st.lists(_PATTERN, max_size=4),
    nested=st.lists(_PATTERN, max_size=3),
    files=st.lists(st.tuples(_NAME, _NAME), min_size=1, max_size=5),
)
def test_agrees_with_git_on_random_rules(
    tmp_path_factory: pytest.TempPathFactory,
    top: list[str],
    nested: list[str],
    files: list[tuple[str, str]],
) -> None:
    repo = tmp_path_factory.mktemp("fuzz")
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text("\n".join(top) + "\n", encoding="utf-8")
    (repo / "d").mkdir()
    (repo / "d" / ".gitignore").write_text("\n".join(nested) + "\n", encoding="utf-8")
    relative = []
    for first, second in files:
        if (repo / "d" / first).is_file():
            continue
        (repo / "d" / first).mkdir(exist_ok=True)
        (repo / "d" / first / second).write_text("x", encoding="utf-8")
        relative.append(f"d/{first}/{second}")
    ignores = GitIgnores()
    # git judges a file under an ignored directory ignored too; so does a search, which never
    # goes into that directory: a path is ignored if it or any directory above it is.
    ours = set()
    for name in relative:
        parts = name.split("/")
        steps = ["/".join(parts[: k + 1]) for k in range(len(parts))]
        if any(ignores.ignored(repo / step, top=repo) for step in steps):
            ours.add(name)
    assert ours == _git_ignored(repo, relative)


def test_outside_a_repository_the_searched_directorys_gitignore_counts(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / ".gitignore").write_text("x/\n", encoding="utf-8")
    ignores = GitIgnores()
    assert ignores.ignored(tmp_path / "x", top=tmp_path)
    assert not ignores.ignored(tmp_path, top=tmp_path)


def test_audit_leaves_out_what_git_ignores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    repo = _repo(tmp_path / "repo")
    monkeypatch.chdir(repo)
    kept = {"a.synthgate.yaml", "data/keep.synthgate.yaml", "data/sub/keep.synthgate.yaml",
            "notes/a.synthgate.yaml"}  # fmt: skip
    assert _audited(run_cli, ".") == kept
    assert _audited(run_cli, "data") == {"data/keep.synthgate.yaml", "data/sub/keep.synthgate.yaml"}
    assert _audited(run_cli, ".", "--no-respect-gitignore") == set(LAYOUT)
    # A file named on the command line is read even if git ignores it.
    assert _audited(run_cli, "build/x.synthgate.yaml") == {"build/x.synthgate.yaml"}


def _audited(run_cli: Callable[..., CliResult], *args: str) -> set[str]:
    import json

    result = run_cli("audit", *args, "--format", "json")
    assert result.code == 0, result.err
    return {m["path"].removeprefix("./") for m in json.loads(result.out)["manifests"]}


def test_pathspec_is_imported_only_for_a_project_with_ignore_files(tmp_path: Path) -> None:
    """A directory search costs no pathspec import where nothing is ignored (cold start)."""
    import subprocess
    import sys

    (tmp_path / "plain").mkdir()
    shutil.copy(MANIFEST, tmp_path / "plain" / "a.synthgate.yaml")
    ignored = _repo(tmp_path / "repo")
    probe = (
        "import sys\n"
        "from synthgate.cli import main\n"
        "try:\n    main(['audit', '.', '--no-context', '-f', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "sys.stderr.write('pathspec' if 'pathspec' in sys.modules else 'none')\n"
    )
    for where, expected in ((tmp_path / "plain", "none"), (ignored, "pathspec")):
        done = subprocess.run(
            [sys.executable, "-c", probe], cwd=where, capture_output=True, text=True, check=False
        )
        assert done.stderr.endswith(expected), done.stderr


def test_lines_git_does_not_read_as_patterns_are_left_out(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / ".gitignore").write_text("!\n/\n*.tmp.yaml\n", encoding="utf-8")
    for name in ("a.tmp.yaml", "b.yaml"):
        (repo / name).write_text("x", encoding="utf-8")
    ignores = GitIgnores()
    ours = {n for n in ("a.tmp.yaml", "b.yaml") if ignores.ignored(repo / n, top=repo)}
    assert ours == _git_ignored(repo, ["a.tmp.yaml", "b.yaml"]) == {"a.tmp.yaml"}

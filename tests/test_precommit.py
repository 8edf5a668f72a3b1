"""The pre-commit hook: its ``files`` regex, its manifest, and real pre-commit runs.

The end-to-end tests are slow (pre-commit builds a virtualenv and pip-installs synthgate from a
git copy of this source tree), but they run by default and in CI. ``pre-commit try-repo`` always
installs into a throw-away store, so it runs once; the other runs use ``pre-commit run`` with a
``.pre-commit-config.yaml`` and a module-wide private ``PRE_COMMIT_HOME``, which installs once and
reuses the environment: two pip installs in all.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from synthgate_plugins.adapters.native import GLOBS
from tests.conftest import FIXTURES, REPO_ROOT

HOOKS_FILE = REPO_ROOT / ".pre-commit-hooks.yaml"

# Top-level entries of the source tree never copied into the hook repository.
_SKIP_TOP = {"build", "dist", ".benchmarks"}
# Entries skipped at any depth.
_SKIP_ANY = {
    ".git",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    "node_modules",
}


def _hook() -> dict[str, object]:
    hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    (hook,) = (h for h in hooks if h["id"] == "synthgate")
    assert isinstance(hook, dict)
    return hook


# --- the hook definition ------------------------------------------------------------------------


def test_hook_definition() -> None:
    hook = _hook()
    assert hook["name"] == "synthgate"
    assert hook["entry"] == "synthgate audit"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True  # staged manifests are related in one process
    assert hook["description"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", str(hook["minimum_pre_commit_version"]))


def test_hook_manifest_is_valid_for_pre_commit() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(HOOKS_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


MATCHING = [
    "synthgate.yaml",
    "synthgate.yml",
    "synthgate.json",
    "x.synthgate.yaml",
    "x.synthgate.yml",
    "x.synthgate.json",
    "a.b.synthgate.yaml",
    "data/synthgate.yaml",
    "data/sub/code-sft.synthgate.json",
    "data.d/x.synthgate.yml",
]
NOT_MATCHING = [
    "xsynthgate.yaml",
    "data/xsynthgate.yaml",
    "synthgate.yaml.bak",
    "synthgate.yamll",
    "synthgate.txt",
    "synthgate.YAML",
    "synthgate_yaml",
    "synthgate.yaml/README.md",
    "x.synthgate.yaml.orig",
    "synthgate.yaml~",
    "synthgate.toml",
    "notes/synthgate-yaml.md",
]


@pytest.mark.parametrize("path", MATCHING)
def test_files_regex_matches(path: str) -> None:
    # pre-commit applies `files` with re.search to repository-relative paths using "/".
    assert re.search(str(_hook()["files"]), path)


@pytest.mark.parametrize("path", NOT_MATCHING)
def test_files_regex_rejects(path: str) -> None:
    assert not re.search(str(_hook()["files"]), path)


@pytest.mark.parametrize("path", MATCHING + NOT_MATCHING)
def test_files_regex_agrees_with_discovery_globs(path: str) -> None:
    """The hook picks exactly the files ``synthgate audit DIR`` would discover."""
    basename = path.rsplit("/", 1)[-1]
    by_glob = any(fnmatch.fnmatchcase(basename, glob) for glob in GLOBS)
    assert bool(re.search(str(_hook()["files"]), path)) == by_glob


# --- end to end with the real pre-commit framework -----------------------------------------------


def _ignore(root: Path) -> Callable[[str, list[str]], set[str]]:
    def ignore(directory: str, names: list[str]) -> set[str]:
        here = Path(directory)
        skipped = set()
        for name in names:
            if (
                name in _SKIP_ANY
                or name.startswith(".venv")
                or name.endswith(".egg-info")
                or (here == root and name in _SKIP_TOP)
                or (here == root / "benchmarks" and name == ".data")
            ):
                skipped.add(name)
        return skipped

    return ignore


def _git(cwd: Path, env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=synthgate tests",
            "-c",
            "user.email=tests@synthgate.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
    )


@dataclass
class HookRepo:
    """A git copy of synthgate (the hook repository) and a git repository with manifests whose
    ``.pre-commit-config.yaml`` uses the hook from that copy."""

    hook_repo: Path
    project: Path
    env: dict[str, str]

    def _pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )

    def try_repo(self, *files: str) -> subprocess.CompletedProcess[str]:
        """``pre-commit try-repo``: it installs the hook into a fresh store every time."""
        return self._pre_commit("try-repo", str(self.hook_repo), "synthgate", "--files", *files)

    def run(self, *files: str) -> subprocess.CompletedProcess[str]:
        """``pre-commit run`` with the project's config: the hook environment is installed into
        the private PRE_COMMIT_HOME once and reused."""
        return self._pre_commit("run", "synthgate", "--files", *files)


@pytest.fixture(scope="module")
def hooked(tmp_path_factory: pytest.TempPathFactory) -> HookRepo:
    base = tmp_path_factory.mktemp("precommit")
    empty_gitconfig = base / "gitconfig"
    empty_gitconfig.write_text("", encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SYNTHGATE_", "PRE_COMMIT", "GIT_", "VIRTUAL_ENV"))
    }
    env.update(
        PRE_COMMIT_HOME=str(base / "pre-commit-home"),
        GIT_CONFIG_GLOBAL=str(empty_gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        NO_COLOR="1",
    )

    hook_repo = base / "synthgate"
    shutil.copytree(REPO_ROOT, hook_repo, ignore=_ignore(REPO_ROOT), symlinks=True)
    assert (hook_repo / ".pre-commit-hooks.yaml").is_file()
    _git(hook_repo, env, "init", "-q")
    _git(hook_repo, env, "add", "-A")
    _git(hook_repo, env, "commit", "-q", "-m", "synthgate under test")
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=hook_repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    project = base / "project"
    (project / "data").mkdir(parents=True)
    for name in ("pass.synthgate.yaml", "fail.synthgate.yaml"):
        shutil.copy(FIXTURES / "cli" / name, project / "data" / name)
    config = {"repos": [{"repo": str(hook_repo), "rev": rev, "hooks": [{"id": "synthgate"}]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(project, env, "init", "-q")
    _git(project, env, "add", "-A")
    _git(project, env, "commit", "-q", "-m", "manifests")
    return HookRepo(hook_repo, project, env)


# pre-commit installs the hook's environment (synthgate and its dependencies) in these tests:
# on a fresh machine that is a package download, so they get the subprocess's own limit.
_INSTALLS = pytest.mark.timeout(1200)


def _hook_line(stdout: str, status: str) -> bool:
    return re.search(rf"^synthgate\.+{re.escape(status)}$", stdout, re.MULTILINE) is not None


@_INSTALLS
def test_try_repo_fails_a_failing_manifest(hooked: HookRepo) -> None:
    done = hooked.try_repo("data/fail.synthgate.yaml")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert _hook_line(done.stdout, "Failed"), output
    assert "- exit code: 1" in done.stdout, output
    assert "data/fail.synthgate.yaml:2:1: SG301 fail" in done.stdout, output


@_INSTALLS
def test_run_passes_a_passing_manifest(hooked: HookRepo) -> None:
    done = hooked.run("data/pass.synthgate.yaml")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert _hook_line(done.stdout, "Passed"), output


@_INSTALLS
def test_run_fails_a_failing_manifest(hooked: HookRepo) -> None:
    done = hooked.run("data/fail.synthgate.yaml")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert _hook_line(done.stdout, "Failed"), output
    assert "- exit code: 1" in done.stdout, output
    assert "data/fail.synthgate.yaml:2:1: SG301 fail" in done.stdout, output


@_INSTALLS
def test_run_reports_only_the_failing_manifest_of_several(hooked: HookRepo) -> None:
    done = hooked.run("data/pass.synthgate.yaml", "data/fail.synthgate.yaml")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "SG301" in done.stdout, output
    assert "FAIL data/fail.synthgate.yaml" in done.stdout, output
    assert "data/pass.synthgate.yaml:" not in done.stdout, output


@_INSTALLS
def test_run_skips_files_that_are_not_manifests(hooked: HookRepo) -> None:
    done = hooked.run(".pre-commit-config.yaml")
    output = done.stdout + done.stderr
    # A hook whose `files` match nothing is reported as skipped, and synthgate never runs.
    assert done.returncode == 0, output
    assert _hook_line(done.stdout, "(no files to check)Skipped"), output

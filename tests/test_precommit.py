"""The pre-commit hook: its ``files`` regex, its manifest, and real pre-commit runs.

The end-to-end tests are slow (pre-commit builds a virtualenv and pip-installs synthgate from a
git copy of this source tree), but they run by default and in CI. ``pre-commit try-repo`` always
installs into a throw-away store, so it runs once; the other runs use ``pre-commit run`` with a
``.pre-commit-config.yaml`` and a module-wide private ``PRE_COMMIT_HOME``, which installs once and
reuses the environment: two pip installs in all.
"""

from __future__ import annotations

import datetime as dt
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
    assert hook["entry"] == "python -m synthgate.precommit"
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
    "README.md",
    "datasets/squad/README.md",
    "croissant.json",
    "data/x.croissant.json",
    "data/metadata.json",
]
PROJECT_FILES = [
    "synthgate.toml",
    "pyproject.toml",
    "synthgate-waivers.yaml",
    "policy.yaml",
    "ops/my-policy.yaml",
    "strict.policy.yml",
    "synthgate-baseline.json",
]
NOT_MATCHING = [
    "xsynthgate.yaml",
    "data/xsynthgate.yaml",
    "synthgate.yaml.bak",
    "synthgate.yamll",
    "synthgate.txt",
    "synthgate.YAML",
    "synthgate_yaml",
    "synthgate.yaml/README.txt",
    "x.synthgate.yaml.orig",
    "synthgate.yaml~",
    "notes/synthgate-yaml.md",
    "readme.md",
    "README.md.bak",
    "xREADME.md",
    "mypolicy.yaml",
    "croissant.jsonl",
    "metadata.yaml",
]


@pytest.mark.parametrize("path", MATCHING + PROJECT_FILES)
def test_files_regex_matches(path: str) -> None:
    # pre-commit applies `files` with re.search to repository-relative paths using "/".
    assert re.search(str(_hook()["files"]), path)


@pytest.mark.parametrize("path", NOT_MATCHING)
def test_files_regex_rejects(path: str) -> None:
    assert not re.search(str(_hook()["files"]), path)


@pytest.mark.parametrize("path", MATCHING + NOT_MATCHING)
def test_files_regex_agrees_with_discovery_globs(path: str) -> None:
    """Of the manifest names, the hook picks exactly those ``synthgate audit DIR`` would look
    at: every installed adapter's globs."""
    from synthgate.plugins import load_plugins

    globs = [g for a in load_plugins().adapters().values() for g in a.globs]
    basename = path.rsplit("/", 1)[-1]
    by_glob = any(fnmatch.fnmatchcase(basename, glob) for glob in globs)
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


@_INSTALLS
def test_run_leaves_out_a_readme_that_is_not_a_dataset_card(hooked: HookRepo) -> None:
    notes = hooked.project / "docs" / "README.md"
    notes.parent.mkdir(exist_ok=True)
    notes.write_text("# Notes\n\nHow we label data; not a dataset card.\n", encoding="utf-8")
    done = hooked.run("docs/README.md", "data/pass.synthgate.yaml")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert _hook_line(done.stdout, "Passed"), output
    assert "docs/README.md" not in output
    alone = hooked.run("docs/README.md")  # nothing to audit: the hook passes
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert _hook_line(alone.stdout, "Passed"), alone.stdout


@_INSTALLS
def test_run_audits_a_dataset_card(hooked: HookRepo) -> None:
    card = hooked.project / "cards" / "mt" / "README.md"
    card.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "formats" / "machine-translated" / "README.md", card)
    done = hooked.run("cards/mt/README.md")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "FAIL cards/mt/README.md (Machine-Translated NLI)" in done.stdout, output


def _waivers(*rules: str) -> str:
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    entries = "".join(
        f"  - rule: {rule}\n    manifests: [data/fail.synthgate.yaml]\n"
        f"    reason: being fixed\n    owner: data@example.com\n    expires: {expires}\n"
        for rule in rules
    )
    return "waivers:\n" + entries


@_INSTALLS
def test_a_changed_waivers_file_or_configuration_audits_every_manifest(
    hooked: HookRepo, tmp_path: Path
) -> None:
    """Removing a waiver, or making the configuration stricter, can fail a manifest that is not
    staged: the hook then audits the whole project."""
    config = yaml.safe_load((hooked.project / ".pre-commit-config.yaml").read_text("utf-8"))
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    for name in ("pass.synthgate.yaml", "fail.synthgate.yaml"):
        shutil.copy(FIXTURES / "cli" / name, project / "data" / name)
    (project / "synthgate-waivers.yaml").write_text(_waivers("SG301", "SG303"), "utf-8")
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(project, hooked.env, "init", "-q")
    _git(project, hooked.env, "add", "-A")
    _git(project, hooked.env, "commit", "-q", "-m", "waived")
    other = HookRepo(hooked.hook_repo, project, hooked.env)

    before = other.run("synthgate-waivers.yaml")
    assert before.returncode == 0, before.stdout + before.stderr  # every finding waived

    (project / "synthgate-waivers.yaml").write_text(_waivers("SG301"), encoding="utf-8")
    assert other.run("data/pass.synthgate.yaml").returncode == 0  # the pass manifest alone
    after = other.run("synthgate-waivers.yaml")
    output = after.stdout + after.stderr
    assert after.returncode == 1, output
    assert "synthgate: synthgate-waivers.yaml changed: auditing the whole project" in output
    assert "data/fail.synthgate.yaml:17:9: SG303 fail" in after.stdout, output

    (project / "synthgate-waivers.yaml").write_text(_waivers("SG301", "SG303"), "utf-8")
    (project / "synthgate.toml").write_text('fail-on = "warn"\n', encoding="utf-8")
    stricter = other.run("synthgate.toml")
    assert stricter.returncode == 1, stricter.stdout + stricter.stderr
    assert "synthgate.toml changed: auditing the whole project" in stricter.stdout
    assert "(fail-on: warn)" in stricter.stdout

    # A pyproject.toml without a synthgate table is not the configuration: nothing to audit.
    (project / "synthgate.toml").unlink()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    unrelated = other.run("pyproject.toml")
    assert unrelated.returncode == 0, unrelated.stdout + unrelated.stderr
    assert "auditing" not in unrelated.stdout

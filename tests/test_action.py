"""The composite GitHub Action (action.yml): schema-valid, and its shell steps do what they say.

The audit step's script is run here with bash against a stand-in for synthgate, so that its
quoting, its outputs, its job summary and its exit code are checked without a GitHub runner.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, REPO_ROOT, CliResult

ACTION = REPO_ROOT / "action.yml"
BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")


def _action() -> dict[str, Any]:
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(action, dict)
    return action


def _step(step_id: str) -> dict[str, Any]:
    (step,) = (s for s in _action()["runs"]["steps"] if s.get("id") == step_id)
    assert isinstance(step, dict)
    return step


def _check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_action_matches_githubs_action_schema() -> None:
    done = _check_jsonschema("--builtin-schema", "vendor.github-actions", str(ACTION))
    assert done.returncode == 0, done.stdout + done.stderr


def test_schema_check_rejects_a_broken_action(tmp_path: Path) -> None:
    """The schema check above can fail: a composite run step without ``shell`` is invalid."""
    action = _action()
    del action["runs"]["steps"][-1]["shell"]
    broken = tmp_path / "action.yml"
    broken.write_text(yaml.safe_dump(action), encoding="utf-8")
    done = _check_jsonschema("--builtin-schema", "vendor.github-actions", str(broken))
    assert done.returncode == 1, done.stdout + done.stderr


def test_inputs_and_outputs() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    inputs = action["inputs"]
    assert inputs["paths"]["default"] == "."
    assert inputs["fail-on"]["default"] == "fail"
    assert inputs["sarif-file"]["default"] == "synthgate.sarif"
    assert inputs["python-version"]["default"] == "3.11"
    assert inputs["policy"]["required"] is False
    assert inputs["version"]["required"] is False
    assert inputs["args"]["default"] == ""
    assert inputs["working-directory"]["default"] == "."
    assert (inputs["summary"]["default"], inputs["cache"]["default"]) == ("true", "true")
    assert set(action["outputs"]) == {"sarif-file", "exit-code"}
    assert "steps.audit.outputs.exit-code" in action["outputs"]["exit-code"]["value"]
    assert "steps.audit.outputs.sarif-file" in action["outputs"]["sarif-file"]["value"]
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    (cache,) = (
        s for s in action["runs"]["steps"] if s.get("uses", "").startswith("actions/cache@")
    )
    assert cache["if"] == "inputs.cache == 'true'"
    # pip's cache is the directory actions/cache saves and restores
    assert cache["with"]["path"] == _step("install")["env"]["PIP_CACHE_DIR"]


def test_install_defaults_to_the_actions_own_directory() -> None:
    step = _step("install")
    assert step["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert step["env"]["SPEC"] == "${{ inputs.version }}"
    assert 'spec="$ACTION_PATH"' in step["run"]


def test_audit_step_writes_sarif_and_the_job_summary() -> None:
    script = _step("audit")["run"]
    assert '--format "sarif=$sarif"' in script
    assert '--format "markdown=$SUMMARY_FILE"' in script
    assert "--format github" in script
    # workflow commands are read from stdout, so no other format may share it
    assert "--format text" not in script
    assert '>> "$GITHUB_STEP_SUMMARY"' in script
    assert 'exit "$code"' in script


@needs_bash
@pytest.mark.parametrize("step_id", ["install", "audit"])
def test_run_scripts_are_valid_bash(step_id: str) -> None:
    done = subprocess.run(
        [str(BASH), "-n"], input=_step(step_id)["run"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


# A stand-in for "$SYNTHGATE_PYTHON -m synthgate ...": records its arguments one per line, writes
# the Markdown report when asked to (unless STUB_NO_SUMMARY is set), exits with STUB_CODE. Other
# uses of the Python (splitting `args` with shlex) go to the real one.
_STUB = """#!/usr/bin/env bash
if [ "$1" != "-m" ]; then exec "$REAL_PYTHON" "$@"; fi
shift 2  # "-m synthgate"
printf '%s\\n' "$@" > "$STUB_ARGS"
pwd > "$STUB_ARGS.cwd"
for arg in "$@"; do
  case "$arg" in
    markdown=*) [ -n "${STUB_NO_SUMMARY:-}" ] || echo "## synthgate summary" > "${arg#markdown=}" ;;
  esac
done
exit "$STUB_CODE"
"""


def _step_env(tmp_path: Path, python: str, inputs: dict[str, str] | None) -> dict[str, str]:
    defaults = {name: spec.get("default", "") for name, spec in _action()["inputs"].items()}
    values = {**defaults, **(inputs or {})}
    env = {
        "PATH": "/usr/bin:/bin",
        "PATHS": values["paths"],
        "ARGS": values["args"],
        "WORKING_DIRECTORY": values["working-directory"],
        "POLICY": values["policy"],
        "FAIL_ON": values["fail-on"],
        "SARIF_FILE": values["sarif-file"],
        "SUMMARY": values["summary"],
        "SUMMARY_FILE": str(tmp_path / "summary.md"),
        "SYNTHGATE_PYTHON": python,
        "SYNTHGATE_MARKDOWN_MAX_BYTES": "1000000",
        "SYNTHGATE_REPORT_ARTIFACT": values["sarif-file"],
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "step-summary"),
    }
    # The keys of the step's env block are exactly the variables given here.
    assert set(_step("audit")["env"]) == set(env) - {"PATH", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY"}
    (tmp_path / "github-output").write_text("", encoding="utf-8")
    (tmp_path / "step-summary").write_text("", encoding="utf-8")
    return env


def _bash_step(cwd: Path, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # GitHub runs `bash --noprofile --norc -eo pipefail {0}` for `shell: bash`.
    script = tmp_path / "audit.sh"
    script.write_text(_step("audit")["run"], encoding="utf-8")
    return subprocess.run(
        [str(BASH), "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _outputs(tmp_path: Path) -> dict[str, str]:
    text = (tmp_path / "github-output").read_text(encoding="utf-8")
    return dict(line.split("=", 1) for line in text.splitlines())


def _run_audit_step(
    tmp_path: Path, code: int, *, summary: bool = True, inputs: dict[str, str] | None = None
) -> tuple[int, list[str], dict[str, str], str]:
    stub = tmp_path / "stub-python"
    stub.write_text(_STUB, encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    env = _step_env(tmp_path, str(stub), inputs)
    env.update(STUB_ARGS=str(tmp_path / "args"), STUB_CODE=str(code), REAL_PYTHON=sys.executable)
    if not summary:
        env["STUB_NO_SUMMARY"] = "1"
    done = _bash_step(tmp_path, env, tmp_path)
    assert done.returncode == code or not (tmp_path / "args").exists(), done.stderr
    args = (tmp_path / "args").read_text(encoding="utf-8").splitlines()
    return done.returncode, args, _outputs(tmp_path), (tmp_path / "step-summary").read_text("utf-8")


@needs_bash
@pytest.mark.parametrize("code", [0, 1, 2, 3])
def test_audit_step_keeps_synthgates_exit_code_and_always_writes_the_summary(
    tmp_path: Path, code: int
) -> None:
    exit_code, args, outputs, summary = _run_audit_step(tmp_path, code)
    assert exit_code == code
    assert outputs == {"exit-code": str(code), "sarif-file": "synthgate.sarif"}
    assert summary == "## synthgate summary\n"
    assert args == [
        "audit",
        ".",
        "--fail-on",
        "fail",
        "--format",
        "github",
        "--format",
        f"sarif={tmp_path / 'synthgate.sarif'}",
        "--format",
        f"markdown={tmp_path / 'summary.md'}",
    ]


@needs_bash
def test_audit_step_passes_inputs_through(tmp_path: Path) -> None:
    (tmp_path / "sub dir").mkdir()
    exit_code, args, outputs, summary = _run_audit_step(
        tmp_path,
        1,
        inputs={
            "paths": "data/train\n  data/eval *.synthgate.yaml\n",
            "args": "--select SG1,SG3 --waivers 'ops/my waivers.yaml' --today \"2026-01-01\"",
            "working-directory": "sub dir",
            "policy": "policies/my policy.yaml",
            "fail-on": "warn",
            "sarif-file": "reports/sg.sarif",
            "summary": "false",
        },
    )
    assert exit_code == 1
    assert args[:4] == ["audit", "data/train", "data/eval", "*.synthgate.yaml"]
    assert args[4:6] == ["--fail-on", "warn"]
    assert f"sarif={tmp_path / 'reports/sg.sarif'}" in args  # the workspace's, not sub dir's
    assert not any(arg.startswith("markdown=") for arg in args)
    assert args[-8:] == [
        "--policy",
        "policies/my policy.yaml",
        "--select",
        "SG1,SG3",
        "--waivers",
        "ops/my waivers.yaml",
        "--today",
        "2026-01-01",
    ]
    assert (tmp_path / "args.cwd").read_text(encoding="utf-8").strip() == str(tmp_path / "sub dir")
    assert outputs["sarif-file"] == "reports/sg.sarif"
    assert summary == ""  # summary: false writes nothing to the job summary


@needs_bash
def test_audit_step_without_a_sarif_file_asks_for_none(tmp_path: Path) -> None:
    _, args, outputs, _ = _run_audit_step(tmp_path, 0, inputs={"sarif-file": ""})
    assert not any(arg.startswith("sarif") for arg in args)
    assert outputs["sarif-file"] == ""


@needs_bash
@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"args": "--select 'SG1"}, "args could not be split"),
        ({"working-directory": "no such dir"}, "working-directory 'no such dir' does not exist"),
    ],
)
def test_audit_step_refuses_bad_inputs_with_exit_2(
    tmp_path: Path, inputs: dict[str, str], message: str
) -> None:
    stub = tmp_path / "stub-python"
    stub.write_text(_STUB, encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    env = _step_env(tmp_path, str(stub), inputs)
    env.update(STUB_ARGS=str(tmp_path / "args"), STUB_CODE="0", REAL_PYTHON=sys.executable)
    done = _bash_step(tmp_path, env, tmp_path)
    assert done.returncode == 2
    assert f"::error::{message}" in done.stdout
    assert _outputs(tmp_path)["exit-code"] == "2"
    assert not (tmp_path / "args").exists()  # synthgate never ran


@needs_bash
def test_audit_step_notes_a_missing_summary(tmp_path: Path) -> None:
    exit_code, _, outputs, summary = _run_audit_step(tmp_path, 2, summary=False)
    assert exit_code == 2
    assert outputs["exit-code"] == "2"
    assert "exited with code 2 before writing a summary" in summary


# --- the recipes in docs/ci.md -------------------------------------------------------------------

CI_DOC = REPO_ROOT / "docs" / "ci.md"


def _blocks(language: str) -> list[str]:
    text = CI_DOC.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)


def _validate_yaml_blocks(tmp_path: Path, key: str, *check: str) -> int:
    blocks = [b for b in _blocks("yaml") if key in yaml.safe_load(b)]
    for number, block in enumerate(blocks):
        path = tmp_path / f"{number}.yml"
        path.write_text(block, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", *check, str(path)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, block + done.stdout + done.stderr
    return len(blocks)


def test_doc_pre_commit_config_is_valid(tmp_path: Path) -> None:
    assert _validate_yaml_blocks(tmp_path, "repos", "pre_commit", "validate-config") == 1
    (block,) = (b for b in _blocks("yaml") if "repos" in yaml.safe_load(b))
    (repo,) = yaml.safe_load(block)["repos"]
    assert repo["repo"] == "https://github.com/synthgate/synthgate"
    assert repo["hooks"] == [{"id": "synthgate"}]


def test_doc_github_workflows_are_valid(tmp_path: Path) -> None:
    schema = ("check_jsonschema", "--builtin-schema", "vendor.github-workflows")
    assert _validate_yaml_blocks(tmp_path, "jobs", *schema) == 2
    workflows = "".join(_blocks("yaml"))
    assert "github/codeql-action/upload-sarif@" in workflows
    assert "pip install synthgate" in workflows


def test_doc_gitlab_job_is_valid(tmp_path: Path) -> None:
    schema = ("check_jsonschema", "--builtin-schema", "vendor.gitlab-ci")
    assert _validate_yaml_blocks(tmp_path, "synthgate", *schema) == 1


@needs_bash
def test_doc_shell_gate_is_valid_sh() -> None:
    (block,) = _blocks("sh")
    for code in ("0", "1", "2", "3"):
        assert f"\n  {code}) " in block
    done = subprocess.run(
        [str(BASH), "-n"], input=block, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_doc_uses_only_known_formats() -> None:
    """Every ``--format`` the recipes use is one of the documented output formats."""
    text = CI_DOC.read_text(encoding="utf-8")
    used = set(re.findall(r"--format \"?([a-z]+)", text))
    assert used <= {"text", "json", "sarif", "junit", "github", "markdown"}
    assert used >= {"text", "sarif", "junit", "github", "markdown"}


@needs_bash
def test_the_audit_step_runs_the_real_synthgate_in_a_repository(tmp_path: Path) -> None:
    """The step's own script, the installed synthgate, a git repository audited from a
    subdirectory: the files it writes are what code scanning and the job summary read."""
    repo = tmp_path / "repo"
    (repo / "datasets" / "sft").mkdir(parents=True)
    shutil.copy(FIXTURES / "cli" / "fail.synthgate.yaml", repo / "datasets" / "sft")
    shutil.copy(FIXTURES / "cli" / "warn.synthgate.yaml", repo / "datasets" / "sft")
    subprocess.run(["git", "init", "-q", str(repo)], check=True, capture_output=True)
    env = _step_env(
        tmp_path,
        sys.executable,
        {"working-directory": "datasets", "args": "--select SG3 --no-context", "fail-on": "warn"},
    )
    env["PATH"] = os.environ["PATH"]
    env["SYNTHGATE_BUILTIN_PLUGINS_ONLY"] = "1"
    done = _bash_step(repo, env, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert _outputs(tmp_path) == {"exit-code": "1", "sarif-file": "synthgate.sarif"}
    sarif = repo / "synthgate.sarif"  # in the workspace, not in working-directory
    schema = ("--schemafile", str(FIXTURES / "sarif" / "sarif-schema-2.1.0.json"))
    checked = _check_jsonschema(*schema, str(sarif))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (run,) = json.loads(sarif.read_text(encoding="utf-8"))["runs"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == repo.as_uri() + "/"
    places = [loc["physicalLocation"] for r in run["results"] for loc in r["locations"]]
    uris = {place["artifactLocation"]["uri"] for place in places}
    assert uris == {"datasets/sft/fail.synthgate.yaml"}
    assert {r["ruleId"][:3] for r in run["results"]} == {"SG3"}  # args reached synthgate
    summary = (tmp_path / "step-summary").read_text(encoding="utf-8")
    assert summary.startswith("## synthgate audit: **FAIL**")
    assert "(fail-on: `warn`)" in summary
    # annotations name the file as GitHub knows it: relative to the repository root
    assert re.search(
        r"^::(error|warning) file=datasets/sft/fail\.synthgate\.yaml,", done.stdout, re.M
    )


@needs_bash
def test_the_audit_step_leaves_a_sarif_file_when_a_manifest_is_broken(tmp_path: Path) -> None:
    """Exit code 2 still leaves the SARIF file the upload step reads: no results, the input
    error as a notification at its place relative to the repository root."""
    repo = tmp_path / "repo"
    (repo / "datasets").mkdir(parents=True)
    shutil.copy(FIXTURES / "cli" / "pass.synthgate.yaml", repo / "datasets")
    shutil.copy(FIXTURES / "cli" / "bad.synthgate.yaml", repo / "datasets")
    subprocess.run(["git", "init", "-q", str(repo)], check=True, capture_output=True)
    env = _step_env(tmp_path, sys.executable, {"working-directory": "datasets"})
    env["PATH"] = os.environ["PATH"]
    env["SYNTHGATE_BUILTIN_PLUGINS_ONLY"] = "1"
    done = _bash_step(repo, env, tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "bad.synthgate.yaml:9:9:" in done.stderr
    assert _outputs(tmp_path) == {"exit-code": "2", "sarif-file": "synthgate.sarif"}
    sarif = repo / "synthgate.sarif"
    schema = ("--schemafile", str(FIXTURES / "sarif" / "sarif-schema-2.1.0.json"))
    checked = _check_jsonschema(*schema, str(sarif))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (run,) = json.loads(sarif.read_text(encoding="utf-8"))["runs"]
    assert run["results"] == []
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    places = [
        loc["physicalLocation"]
        for note in invocation["toolExecutionNotifications"]
        for loc in note["locations"]
    ]
    assert places
    assert {p["artifactLocation"]["uri"] for p in places} == {"datasets/bad.synthgate.yaml"}
    assert {p["artifactLocation"]["uriBaseId"] for p in places} == {"SRCROOT"}
    assert (places[0]["region"]["startLine"], places[0]["region"]["startColumn"]) == (9, 9)


def test_the_real_cli_accepts_the_action_s_outputs(
    tmp_path: Path, run_cli: Callable[..., CliResult]
) -> None:
    sarif, summary = tmp_path / "synthgate.sarif", tmp_path / "summary.md"
    result = run_cli(
        "audit",
        str(FIXTURES / "cli" / "fail.synthgate.yaml"),
        "--fail-on",
        "fail",
        "--format",
        f"sarif={sarif}",
        "--format",
        f"markdown={summary}",
        "--format",
        "github",
    )
    assert result.code == 1, result.err
    assert result.out.startswith("::")
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert summary.read_text().startswith("## synthgate audit: **FAIL**")

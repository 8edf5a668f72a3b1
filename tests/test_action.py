"""The composite GitHub Action (action.yml): schema-valid, and its shell steps do what they say.

The audit step's script is run here with bash against a stand-in for synthgate, so that its
quoting, its outputs, its job summary and its exit code are checked without a GitHub runner.
"""

from __future__ import annotations

import json
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
    assert set(action["outputs"]) == {"sarif-file", "exit-code"}
    assert "steps.audit.outputs.exit-code" in action["outputs"]["exit-code"]["value"]
    assert "steps.audit.outputs.sarif-file" in action["outputs"]["sarif-file"]["value"]
    uses = [s["uses"] for s in action["runs"]["steps"] if "uses" in s]
    assert any(u.startswith("actions/setup-python@") for u in uses)


def test_install_defaults_to_the_actions_own_directory() -> None:
    step = _step("install")
    assert step["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert step["env"]["SPEC"] == "${{ inputs.version }}"
    assert 'spec="$ACTION_PATH"' in step["run"]


def test_audit_step_writes_sarif_and_the_job_summary() -> None:
    script = _step("audit")["run"]
    assert '--format "sarif=$SARIF_FILE"' in script
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
# the Markdown report when asked to (unless STUB_NO_SUMMARY is set), exits with STUB_CODE.
_STUB = """#!/usr/bin/env bash
shift 2  # "-m synthgate"
printf '%s\\n' "$@" > "$STUB_ARGS"
for arg in "$@"; do
  case "$arg" in
    markdown=*) [ -n "${STUB_NO_SUMMARY:-}" ] || echo "## synthgate summary" > "${arg#markdown=}" ;;
  esac
done
exit "$STUB_CODE"
"""


def _run_audit_step(
    tmp_path: Path, code: int, *, summary: bool = True, inputs: dict[str, str] | None = None
) -> tuple[int, list[str], dict[str, str], str]:
    stub = tmp_path / "stub-python"
    stub.write_text(_STUB, encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IXUSR)
    step = _step("audit")
    defaults = {name: spec.get("default", "") for name, spec in _action()["inputs"].items()}
    values = {**defaults, **(inputs or {})}
    env = {
        "PATH": "/usr/bin:/bin",
        "PATHS": values["paths"],
        "POLICY": values["policy"],
        "FAIL_ON": values["fail-on"],
        "SARIF_FILE": values["sarif-file"],
        "SUMMARY_FILE": str(tmp_path / "summary.md"),
        "SYNTHGATE_PYTHON": str(stub),
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "step-summary"),
        "STUB_ARGS": str(tmp_path / "args"),
        "STUB_CODE": str(code),
    }
    if not summary:
        env["STUB_NO_SUMMARY"] = "1"
    # The keys of the step's env block are exactly the variables given here (and the stub's).
    assert set(step["env"]) <= set(env)
    (tmp_path / "github-output").write_text("", encoding="utf-8")
    (tmp_path / "step-summary").write_text("", encoding="utf-8")
    # GitHub runs `bash --noprofile --norc -eo pipefail {0}` for `shell: bash`.
    script = tmp_path / "audit.sh"
    script.write_text(step["run"], encoding="utf-8")
    done = subprocess.run(
        [str(BASH), "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    args = (tmp_path / "args").read_text(encoding="utf-8").splitlines()
    outputs = dict(
        line.split("=", 1)
        for line in (tmp_path / "github-output").read_text(encoding="utf-8").splitlines()
    )
    return done.returncode, args, outputs, (tmp_path / "step-summary").read_text(encoding="utf-8")


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
        "sarif=synthgate.sarif",
        "--format",
        f"markdown={tmp_path / 'summary.md'}",
        "--format",
        "github",
    ]


@needs_bash
def test_audit_step_passes_inputs_through(tmp_path: Path) -> None:
    exit_code, args, outputs, _ = _run_audit_step(
        tmp_path,
        1,
        inputs={
            "paths": "data/train\n  data/eval *.synthgate.yaml\n",
            "policy": "policies/my policy.yaml",
            "fail-on": "warn",
            "sarif-file": "reports/sg.sarif",
        },
    )
    assert exit_code == 1
    assert args[:4] == ["audit", "data/train", "data/eval", "*.synthgate.yaml"]
    assert args[4:6] == ["--fail-on", "warn"]
    assert "sarif=reports/sg.sarif" in args
    assert args[-2:] == ["--policy", "policies/my policy.yaml"]
    assert outputs["sarif-file"] == "reports/sg.sarif"


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

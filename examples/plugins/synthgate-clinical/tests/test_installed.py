"""The plugin as a user meets it: installed, found through its entry point, run by the
``synthgate`` command in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
MANIFEST = HERE.parent / "manifests" / "discharge-notes.yaml"


def synthgate(*args: str, cwd: Path = HERE) -> subprocess.CompletedProcess[str]:
    """``synthgate ARGS`` in a new process, with every installed plugin loaded."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNTHGATE_")}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "synthgate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
    )


def test_synthgate_plugins_lists_the_plugin_and_what_it_provides() -> None:
    done = synthgate("plugins", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {row["name"]: row for row in json.loads(done.stdout)}
    clinical = rows["clinical"]
    assert (clinical["distribution"], clinical["builtin"], clinical["error"]) == (
        "synthgate-clinical",
        False,
        None,
    )
    assert clinical["hooks"] == [
        "synthgate_register_check_kinds",
        "synthgate_register_metrics",
        "synthgate_register_policy_packs",
    ]
    assert clinical["provides"] == {
        "policy_packs": ["clinical"],
        "check_kinds": ["privacy-evidence"],
        "metrics": ["reidentification_auc"],
    }


def test_the_pack_is_addressable_by_name() -> None:
    done = synthgate("rules", "--policy", "clinical", "--format", "json")
    assert done.returncode == 0, done.stderr
    codes = [rule["code"] for rule in json.loads(done.stdout)]
    assert {"CL101", "CL102", "SG101"} <= set(codes)


def test_rules_pack_lists_the_packs_rules() -> None:
    done = synthgate("rules", "--pack", "clinical")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("policy clinical 0.1.0 (default ")
    assert "\nCL101   fail  privacy-evidence " in done.stdout


def test_another_pack_extends_it_by_name(tmp_path: Path) -> None:
    policy = tmp_path / "ward.yaml"
    policy.write_text(
        'name: ward\nversion: "1"\nextends: [clinical]\noverrides:\n'
        "  reidentification-risk:\n    check: {warn: {above: 0.52}, fail: {above: 0.56}}\n",
        encoding="utf-8",
    )
    done = synthgate("audit", "--policy", str(policy), "--format", "json", str(MANIFEST))
    report = json.loads(done.stdout)
    verdicts = {f["rule"]: f["verdict"] for m in report["manifests"] for f in m["findings"]}
    assert verdicts["CL102"] == "fail"  # 0.57 is above the stricter fail line
    assert done.returncode == 1, done.stderr


def test_the_example_manifest_warns_as_its_comment_says() -> None:
    done = synthgate("audit", "--policy", "clinical", str(MANIFEST))
    assert done.returncode == 0, done.stderr
    assert (
        "CL102 warn [reidentification-risk] split train, source model-written-summaries: "
        "reidentification_auc is 0.57"
    ) in done.stdout
    assert "CL101" not in done.stdout  # passes, so not shown


def test_blocking_the_plugin_removes_its_pack() -> None:
    env_blocked = {"SYNTHGATE_DISABLED_PLUGINS": "synthgate-clinical"}
    done = subprocess.run(
        [sys.executable, "-m", "synthgate", "rules", "--policy", "clinical"],
        capture_output=True,
        text=True,
        env={**os.environ, **env_blocked},
        check=False,
    )
    assert done.returncode == 2
    assert "no policy pack named 'clinical'" in done.stderr


def test_the_tutorial_shows_real_output() -> None:
    # The tutorial in synthgate's docs quotes these commands; keep its quotes true.
    doc = HERE.parents[3] / "docs" / "plugins.md"
    if not doc.is_file():
        pytest.skip("not inside the synthgate repository")
    text = doc.read_text(encoding="utf-8")
    root = HERE.parents[3]
    manifest = MANIFEST.relative_to(root).as_posix()
    for command in ("plugins", "rules --policy clinical", f"audit --policy clinical {manifest}"):
        block = text.split(f"$ synthgate {command}", 1)[1].split("\n$ ", 1)[0].split("```")[0]
        output = synthgate(*command.split(), cwd=root).stdout
        quoted = [line for line in block.splitlines()[1:] if line and line != "..."]
        assert quoted, command
        for line in quoted:
            assert line in output.splitlines(), f"'{line}' is not in the output of {command}"

"""The command line, in-process through the real entry point, and once as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, CliResult

CLI = FIXTURES / "cli"
Run = Callable[..., CliResult]


def test_audit_passing_manifest_exits_0(run_cli: Run) -> None:
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"))
    assert result.code == 0, result.err
    assert result.out.startswith("PASS ")
    assert re.search(r"checks: \d+ pass \(fail-on: fail\)\n$", result.out), result.out


def test_audit_failing_manifest_exits_1_with_located_findings(run_cli: Run) -> None:
    path = str(CLI / "fail.synthgate.yaml")
    result = run_cli("audit", path)
    assert result.code == 1
    assert f"{path}:22:9: SG104 warn [recursion-depth]" in result.out
    assert "SG301 fail [subjective-synthetic-share-cap]" in result.out
    assert "fix: Keep synthetic records at or below 25%" in result.out


def test_fail_on_levels(run_cli: Run) -> None:
    warn_only = str(CLI / "warn.synthgate.yaml")
    assert run_cli("audit", warn_only).code == 0
    assert run_cli("audit", warn_only, "--fail-on", "warn").code == 1
    assert run_cli("audit", str(CLI / "fail.synthgate.yaml"), "--fail-on", "never").code == 0


def test_input_error_exits_2_and_writes_nothing(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli(
        "audit",
        str(CLI / "bad.synthgate.yaml"),
        str(CLI / "pass.synthgate.yaml"),
        "--format",
        "json",
        "--output",
        str(out),
    )
    assert result.code == 2
    assert (
        "bad.synthgate.yaml:9:9: /splits/0/sources/0/recrods: unknown field 'recrods'" in result.err
    )
    assert "hint: did you mean 'records'?" in result.err
    assert "Traceback" not in result.err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_output_file_is_written_on_success(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "-f", "json", "-o", str(out))
    assert result.code == 0
    report = json.loads(out.read_text())
    assert report["verdict"] == "pass"
    assert report["totals"]["manifests"] == 1


def test_directory_discovery_uses_manifest_globs(run_cli: Run) -> None:
    result = run_cli("audit", str(CLI), "--format", "json")
    assert result.code == 2  # bad.synthgate.yaml is in the directory
    names = [Path(m["path"]).name for m in json.loads(result.out)["manifests"]]
    assert names == ["fail.synthgate.yaml", "pass.synthgate.yaml", "warn.synthgate.yaml"]


def test_missing_path_and_unknown_format_are_usage_errors(run_cli: Run) -> None:
    missing = run_cli("audit", "no/such/file.yaml")
    assert missing.code == 2
    assert "'no/such/file.yaml' does not exist" in missing.err
    fmt = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "--format", "jsno")
    assert fmt.code == 2
    assert "did you mean 'json'?" in fmt.err


def test_a_directory_without_manifests_warns_and_exits_0(run_cli: Run, tmp_path: Path) -> None:
    """A repository with no manifest yet passes with a warning (as ruff does), and every
    output is still written, so that a CI step uploading the SARIF file finds one."""
    (tmp_path / "notes.yaml").write_text("not: a manifest name\n")
    sarif = tmp_path / "out" / "synthgate.sarif"
    sarif.parent.mkdir()
    result = run_cli("audit", str(tmp_path), "--format", "text", "--format", f"sarif={sarif}")
    assert result.code == 0, result.err
    assert result.err.startswith(f"warning: no manifests found in {tmp_path}; name manifest ")
    assert "0 manifests" in result.out
    log = json.loads(sarif.read_text())
    assert log["runs"][0]["results"] == []


def test_a_path_that_does_not_exist_is_still_exit_2(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("audit", str(tmp_path / "nowhere"))
    assert result.code == 2
    assert f"'{tmp_path / 'nowhere'}' does not exist" in result.err
    assert result.out == ""


def test_a_misspelt_manifest_in_a_directory_is_an_error_not_a_silent_pass(
    run_cli: Run, tmp_path: Path
) -> None:
    (tmp_path / "data.synthgate.yaml").write_text("datset:\n  name: typo\n")
    result = run_cli("audit", str(tmp_path))
    assert result.code == 2
    assert (
        f"{(tmp_path / 'data.synthgate.yaml').as_posix()}:1:1: "
        "matches the manifest file pattern but no adapter can read it" in result.err
    )
    assert "hint: a synthgate manifest is a YAML or JSON mapping" in result.err
    assert "0 manifests" in result.out  # the summary says it, and the exit code is not 0
    shutil.copy(CLI / "pass.synthgate.yaml", tmp_path / "ok.synthgate.yaml")
    assert run_cli("audit", str(tmp_path)).code == 2  # a readable neighbour does not hide it


def test_nothing_audited_is_never_exit_0(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from synthgate.audit import Audit

    monkeypatch.setattr(Audit, "results", lambda self, items, jobs=1: iter(()))
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"))
    assert result.code == 2
    assert "no manifest was audited" in result.err


def test_max_file_size_applies_to_the_policy_file_too(run_cli: Run, tmp_path: Path) -> None:
    policy = tmp_path / "big-policy.yaml"
    policy.write_text("# " + "x" * 3000 + "\nname: big\nextends: [default]\n")
    result = run_cli(
        "audit", str(CLI / "pass.synthgate.yaml"), "-p", str(policy), "--max-file-size", "2000"
    )
    assert result.code == 2
    assert "big-policy.yaml" in result.err
    assert "over the limit of 2,000 bytes" in result.err


def test_unknown_policy_pack_suggests_a_name(run_cli: Run) -> None:
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "--policy", "defualt")
    assert result.code == 2
    assert "did you mean 'default'?" in result.err


def test_explain_prints_the_rule_card(run_cli: Run) -> None:
    result = run_cli("explain", "SG103")
    assert result.code == 0
    assert result.out.startswith("### SG103 human-data-floor\n")
    for part in ("**Why.**", "**What to do.**", "**References:**", "| Thresholds | anchored ("):
        assert part in result.out
    assert run_cli("explain", "human-data-floor").out == result.out
    unknown = run_cli("explain", "SG1O3")
    assert unknown.code == 2
    assert "did you mean 'SG103'?" in unknown.err


def test_rules_lists_every_rule_and_the_taxonomy(run_cli: Run) -> None:
    listing = run_cli("rules", "--format", "json")
    codes = [rule["code"] for rule in json.loads(listing.out)]
    assert codes == sorted(codes)
    assert {"SG101", "SG201", "SG301", "SG401", "SG501"} <= set(codes)
    default = run_cli("rules").out
    strict = run_cli("rules", "--pack", "strict").out
    assert "human_share_records: fail when < 0.1; warn when < 0.5" in default
    assert "human_share_records: fail when < 0.1; warn when < 0.5" not in strict
    taxonomy = run_cli("rules", "--taxonomy")
    assert "code-generation" in taxonomy.out
    assert "sentiment-analysis           subjective" in taxonomy.out


def test_plugins_lists_builtins(run_cli: Run) -> None:
    result = run_cli("plugins", "--format", "json")
    rows = json.loads(result.out)
    assert {r["name"] for r in rows} >= {"synthgate-checks", "synthgate-reports"}
    assert all(r["builtin"] and r["error"] is None for r in rows)


@pytest.mark.parametrize("which", ["manifest", "policy", "report"])
def test_schema_prints_json(run_cli: Run, which: str) -> None:
    result = run_cli("schema", which)
    assert result.code == 0
    assert json.loads(result.out)["$id"] == f"synthgate:{which}.schema.json"


def test_init_writes_an_auditable_skeleton_and_refuses_to_overwrite(
    run_cli: Run, tmp_path: Path
) -> None:
    target = tmp_path / "synthgate.yaml"
    assert run_cli("init", str(target)).code == 0
    audit = run_cli("audit", str(target))
    assert audit.code == 1  # unknown facts are findings, never a pass
    assert "SG102 fail [generator-named]" in audit.out
    again = run_cli("init", str(target))
    assert again.code == 2
    assert "already exists" in again.err


def test_help_lists_exit_codes(run_cli: Run) -> None:
    for args in (["--help"], ["audit", "--help"]):
        result = run_cli(*args)
        assert result.code == 0
        assert "2  usage, input or policy error" in result.out
        assert "(never with --fail-on never)" in result.out


def test_internal_error_is_exit_3_without_traceback(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from synthgate.audit import Audit

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Audit, "discover", explode)
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"))
    assert result.code == 3
    assert "internal error: RuntimeError: boom" in result.err
    assert "Traceback" not in result.err


def test_real_subprocess_uses_the_console_script(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("synthgate")
    env = {**os.environ, "SYNTHGATE_BUILTIN_PLUGINS_ONLY": "1"}
    done = subprocess.run(
        [str(exe), "audit", str(CLI / "fail.synthgate.yaml"), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["verdict"] == "fail"
    assert "\x1b[" not in done.stdout  # no colour when not on a terminal


def test_disabled_plugins_are_listed_but_not_reported_as_used(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNTHGATE_DISABLED_PLUGINS", "synthgate-packs-unused,synthgate-adapters")
    listing = run_cli("plugins")
    assert "synthgate-adapters (synthgate" in listing.out
    assert "disabled by SYNTHGATE_DISABLED_PLUGINS" in listing.out
    rows = json.loads(run_cli("plugins", "--format", "json").out)
    assert {r["name"]: r["disabled"] for r in rows}["synthgate-adapters"] is True


def test_max_file_size_bounds_user_files_not_installed_packs(run_cli: Run) -> None:
    small = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "--max-file-size", "5000")
    assert small.code == 0, small.err
    tiny = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "--max-file-size", "100")
    assert tiny.code == 2
    assert "over the limit of 100 bytes" in tiny.err

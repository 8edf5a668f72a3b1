"""Configuration: discovery, checking with file:line:column, precedence, rule selection."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from synthgate.config import CONFIG_KEYS, find_config, load_config, resolve_settings
from synthgate.errors import InputError
from synthgate.globs import glob_match
from tests.conftest import FIXTURES, CliResult

CONFIG = FIXTURES / "config"
CLI = FIXTURES / "cli"
Run = Callable[..., CliResult]


def test_pyproject_table_is_found_from_a_subdirectory(monkeypatch: pytest.MonkeyPatch) -> None:
    # nested/sub has a pyproject.toml without a synthgate table: the search goes on past it.
    monkeypatch.chdir(CONFIG / "nested" / "sub" / "deeper")
    assert find_config() == (CONFIG / "nested" / "pyproject.toml").resolve()


def test_synthgate_toml_wins_over_pyproject_in_the_same_directory() -> None:
    assert find_config(CONFIG / "both") == (CONFIG / "both" / "synthgate.toml").resolve()


def test_no_config_found(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(tmp_path) is None


@pytest.mark.parametrize(
    ("path", "where", "message", "hint"),
    [
        ("unknown-key.toml", "unknown-key.toml:3:1:", "unknown key 'fial-on'", "'fail-on'"),
        ("wrong-type.toml", "wrong-type.toml:2:1:", "'jobs': expected a whole number", ""),
        ("bad-syntax.toml", "bad-syntax.toml:2:16:", "invalid TOML", ""),
        ("pyproject-bad/pyproject.toml", "pyproject.toml:6:3:", "'select': expected a list", ""),
    ],
)
def test_bad_config_is_exit_2_with_a_place_and_a_hint(
    run_cli: Run, path: str, where: str, message: str, hint: str
) -> None:
    config = str(CONFIG / "errors" / path)
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "--config", config)
    assert result.code == 2
    first = result.err.splitlines()[0]
    assert where in first, result.err
    assert message in first
    if hint:
        assert f"did you mean {hint}?" in result.err


def test_wrong_value_of_fail_on_suggests_one(tmp_path: Path) -> None:
    config = tmp_path / "synthgate.toml"
    config.write_text('fail-on = "wran"\n')
    with pytest.raises(InputError) as info:
        load_config(config)
    assert "did you mean 'warn'?" in info.value.render()


def test_config_applies_ignore_per_path_ignores_exclude_and_fail_on(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CONFIG / "project")
    result = run_cli("audit")
    # legacy/old.synthgate.yaml is excluded (it would be an input error, exit 2).
    assert result.code == 1, result.err
    assert "legacy" not in result.out + result.err
    assert "data/pass.synthgate.yaml" in result.out
    codes = {line.split()[1] for line in result.out.splitlines() if ": SG" in line}
    # SG104 ignored; SG3xx ignored for subjective/; SG205 warns on its 20% audit error rate.
    assert codes == {"SG101", "SG103", "SG205"}
    assert "(fail-on: warn)" in result.out


def test_command_line_overrides_config(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CONFIG / "project")
    result = run_cli("audit", "data", "subjective", "--fail-on", "never", "--ignore", "SG101,SG103")
    assert result.code == 0, result.err
    codes = {line.split()[1] for line in result.out.splitlines() if ": SG" in line}
    assert codes == {"SG104", "SG205"}  # --ignore replaces the file's ignore list
    assert run_cli("audit", "--no-config").code == 2  # legacy/ is read without the config


def test_config_file_format_paths_are_relative_to_the_file(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "sub").mkdir()
    shutil.copy(CLI / "pass.synthgate.yaml", tmp_path / "sub")
    (tmp_path / "synthgate.toml").write_text('format = ["text", "json=out/report.json"]\n')
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    result = run_cli("audit")
    assert result.code == 0, result.err
    assert result.out.startswith("PASS ")
    assert json.loads((tmp_path / "out" / "report.json").read_text())["verdict"] == "pass"


def test_include_replaces_the_default_globs(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "manifests").mkdir()
    shutil.copy(CLI / "pass.synthgate.yaml", tmp_path / "manifests" / "one.yaml")
    shutil.copy(CLI / "fail.synthgate.yaml", tmp_path / "ignored.synthgate.yaml")
    (tmp_path / "synthgate.toml").write_text('include = ["manifests/*.yaml"]\n')
    monkeypatch.chdir(tmp_path)
    result = run_cli("audit")
    assert result.code == 0, result.err
    assert "manifests/one.yaml" in result.out
    assert "ignored" not in result.out


def test_select_and_ignore_options(run_cli: Run) -> None:
    fail = str(CLI / "fail.synthgate.yaml")
    result = run_cli("audit", fail, "--no-config", "--select", "SG3,human-data-floor")
    codes = {line.split()[1] for line in result.out.splitlines() if ": SG" in line}
    assert codes == {"SG103", "SG301", "SG302", "SG303"}
    result = run_cli("audit", fail, "--no-config", "--select", "SG1", "--ignore", "SG103")
    codes = {line.split()[1] for line in result.out.splitlines() if ": SG" in line}
    assert codes == {"SG101", "SG104"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--select", "SG9"), "select 'SG9' names no rule"),
        (("--ignore", "human-data-flor"), "did you mean 'human-data-floor'?"),
    ],
)
def test_a_selector_naming_no_rule_is_a_usage_error(
    run_cli: Run, args: tuple[str, ...], message: str
) -> None:
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "--no-config", *args)
    assert result.code == 2
    assert message in result.err


def test_per_path_ignore_naming_no_rule_is_a_usage_error(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shutil.copy(CLI / "pass.synthgate.yaml", tmp_path)
    (tmp_path / "synthgate.toml").write_text('[per-path-ignores]\n"*.yaml" = ["SG999"]\n')
    monkeypatch.chdir(tmp_path)
    result = run_cli("audit")
    assert result.code == 2
    assert "per-path-ignores 'SG999' names no rule" in result.err


def test_config_command_shows_values_and_sources(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CONFIG / "project")
    text = run_cli("config", "--jobs", "3")
    assert text.code == 0, text.err
    assert "# config file: pyproject.toml" in text.out
    assert 'fail-on          = "warn"  # pyproject.toml:5' in text.out
    assert "jobs             = 3  # command line" in text.out
    assert "max-file-size    = 10485760  # default" in text.out
    data = json.loads(run_cli("config", "--format", "json").out)
    assert data["settings"]["ignore"] == {"value": ["SG104"], "source": "pyproject.toml:6"}
    assert data["settings"]["per-path-ignores"]["source"] == "pyproject.toml:9"
    assert data["settings"]["policy"] == {"value": None, "source": "default"}
    assert json.loads(run_cli("config", "--no-config", "--format", "json").out)["config"] is None


def test_resolve_settings_policy_file_is_relative_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    config_file = tmp_path / "synthgate.toml"
    config_file.write_text('policy = "policies/team.yaml"\n')
    settings = resolve_settings(load_config(config_file), {})
    assert settings.policy is not None
    assert Path(settings.policy).resolve() == (tmp_path / "policies" / "team.yaml").resolve()
    config_file.write_text('policy = "default"\n')
    assert resolve_settings(load_config(config_file), {}).policy == "default"


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("a/b/x.synthgate.yaml", "*.synthgate.yaml", True),
        ("a/b/x.yaml", "a/**/*.yaml", True),
        ("a/x.yaml", "a/**/*.yaml", True),
        ("b/x.yaml", "a/**/*.yaml", False),
        ("legacy/deep/x.yaml", "legacy", True),
        ("legacy/deep/x.yaml", "legacy/*", True),
        ("a/x.yaml", "*/x.yaml", True),
        ("a/b/x.yaml", "*/x.yaml", False),
    ],
)
def test_glob_match(path: str, pattern: str, expected: bool) -> None:
    assert glob_match(path, pattern) is expected


def test_no_toml_parser_without_a_config_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from synthgate.config import find_config; "
        "assert find_config() is None; print('tomllib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    import re

    from tests.conftest import REPO_ROOT

    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"^```toml\n(.*?)^```", text, re.M | re.S)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(block)
    config = load_config(pyproject)
    assert set(config.values) == set(CONFIG_KEYS)


# --------------------------------------------------------------------------- every command


TEAM_POLICY = """\
name: my-team
extends: [default]
rules:
  - code: TEAM001
    name: tokens-declared
    summary: Every source records its token count.
    applies: {scope: source}
    check: {kind: required, facts: [tokens], verdict: warn}
"""


@pytest.fixture
def team_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose configuration names a policy with a rule of its own."""
    (tmp_path / "team.yaml").write_text(TEAM_POLICY, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.synthgate]\npolicy = "team.yaml"\n', encoding="utf-8"
    )
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # found from a subdirectory, as audit finds it
    return tmp_path


def test_explain_uses_the_configured_policy(run_cli: Run, team_project: Path) -> None:
    result = run_cli("explain", "TEAM001")
    assert result.code == 0, result.err
    assert "tokens-declared" in result.out
    assert "Every source records its token count." in result.out
    without = run_cli("explain", "TEAM001", "--no-config")
    assert without.code == 2
    assert "no rule 'TEAM001' in policy 'default'" in without.err
    named = run_cli("explain", "TEAM001", "--policy", "strict")
    assert named.code == 2  # --policy overrides the configuration, as in audit
    assert "no rule 'TEAM001' in policy 'strict'" in named.err


def test_rules_uses_the_configured_policy(run_cli: Run, team_project: Path) -> None:
    listed = run_cli("rules")
    assert listed.code == 0, listed.err
    assert listed.out.startswith("policy my-team ")
    assert any(line.startswith("TEAM001 ") for line in listed.out.splitlines())
    codes = [rule["code"] for rule in json.loads(run_cli("rules", "--format", "json").out)]
    assert "TEAM001" in codes
    default = run_cli("rules", "--no-config")
    assert default.code == 0
    assert "TEAM001" not in default.out
    other = team_project / "other.toml"
    other.write_text('policy = "strict"\n', encoding="utf-8")
    assert run_cli("rules", "--config", str(other)).out.startswith("policy strict ")


def test_explain_and_rules_report_a_broken_configuration(run_cli: Run, team_project: Path) -> None:
    (team_project / "pyproject.toml").write_text(
        '[tool.synthgate]\npolicy = "team.yaml"\nfial-on = "warn"\n', encoding="utf-8"
    )
    for args in (["explain", "TEAM001"], ["rules"]):
        result = run_cli(*args)
        assert result.code == 2, args
        assert "pyproject.toml:3:1: unknown key 'fial-on'" in result.err


def test_every_mistake_of_a_configuration_is_reported_at_once(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "outside.yaml").write_text(TEAM_POLICY, encoding="utf-8")
    (tmp_path / "waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    (project / "synthgate.toml").write_text(
        'policy = "../outside.yaml"\njobs = 0\nwaivers = "../waivers.yaml"\nfial-on = "warn"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    for command in ("audit", "config", "rules"):
        result = run_cli(command)
        assert result.code == 2, command
        located = [line.split(": ", 1)[0] for line in result.err.splitlines() if ": " in line]
        located = [place for place in located if place.startswith("synthgate.toml:")]
        assert located == [
            "synthgate.toml:1:1",
            "synthgate.toml:2:1",
            "synthgate.toml:3:1",
            "synthgate.toml:4:1",
        ], (command, result.err)
        assert "'policy': '../outside.yaml' is outside the project" in result.err
        assert "'waivers': '../waivers.yaml' is outside the project" in result.err


def test_rules_shows_the_strongest_verdict_a_rule_can_give(
    run_cli: Run, team_project: Path
) -> None:
    listed = {line.split()[0]: line.split()[1] for line in run_cli("rules").out.splitlines()[1:]}
    assert listed["TEAM001"] == "warn"  # 'verdict: warn': it never fails


def _strongest_from_yaml(rule: dict[str, object]) -> str | None:
    """The worst verdict a default-pack rule can give, read from the YAML alone, for the
    check kinds whose verdicts are all written there; None for the others."""
    check = rule["check"]
    assert isinstance(check, dict)
    if rule.get("severity") is not None:
        return str(rule["severity"])
    if check["kind"] in ("required", "json-schema"):
        return str(check.get("verdict", "fail"))
    if check["kind"] == "threshold":
        outcomes = {check.get("when_unknown", "warn"), check.get("when_undefined")}
        return "fail" if "fail" in check or "fail" in outcomes else "warn"
    return None


def test_the_rules_table_of_the_default_pack_agrees_with_its_yaml(run_cli: Run) -> None:
    import yaml

    from tests.conftest import REPO_ROOT

    pack = yaml.safe_load((REPO_ROOT / "policies" / "default.yaml").read_text("utf-8"))
    result = run_cli("rules", "--no-config")
    listed = {line.split()[0]: line.split()[1] for line in result.out.splitlines()[1:]}
    expected = {r["code"]: _strongest_from_yaml(r) for r in pack["rules"]}
    judged = {code: verdict for code, verdict in expected.items() if verdict is not None}
    assert len(judged) > 20
    assert {"warn", "fail"} <= set(judged.values())
    assert {code: listed[code] for code in judged} == judged

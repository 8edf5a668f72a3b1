"""Paths written in policies and configuration stay inside the project: ``extends``,
``policy =`` and ``waivers =`` cannot make synthgate read (and quote) a file elsewhere. A path
given on the command line is the user's own choice and is followed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from synthgate.config import load_config, resolve_settings
from synthgate.errors import InputError, PolicyError
from synthgate.plugins import PluginHost, load_plugins
from synthgate.policy import load_policy
from tests.conftest import FIXTURES, CliResult

Run = Callable[..., CliResult]
PASSING = FIXTURES / "cli" / "pass.synthgate.yaml"
SECRET = "root:$6$hunter2-the-secret-hash:19000:0:99999:7:::\n"
LONG_NAME = "p" * 300 + ".yaml"


@pytest.fixture
def host() -> PluginHost:
    return load_plugins(builtin_only=True, disabled=())


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project directory (the current one) beside a directory holding a secret."""
    root = tmp_path / "project"
    root.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "shadow").write_text(SECRET, encoding="utf-8")
    (outside / "base.yaml").write_text("name: base\nrules: []\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def _policy(path: Path, extends: str) -> Path:
    path.write_text(f"name: team\nextends: ['{extends}']\nrules: []\n", encoding="utf-8")
    return path


def _only(info: pytest.ExceptionInfo[InputError]) -> tuple[str, int, int, str, str]:
    (problem,) = info.value.problems
    return problem.path, problem.line, problem.column, problem.message, problem.hint


@pytest.mark.parametrize("written", ["../outside/shadow", "ABSOLUTE"], ids=["relative", "absolute"])
def test_extends_out_of_the_project_is_a_policy_error_at_its_line(
    project: Path, host: PluginHost, written: str
) -> None:
    target = str(project.parent / "outside" / "shadow") if written == "ABSOLUTE" else written
    policy = _policy(project / "team.yaml", target)
    with pytest.raises(PolicyError) as info:
        load_policy(str(policy), host)
    path, line, column, message, hint = _only(info)
    assert (path, line, column) == (str(policy), 2, 11)
    assert "outside the project" in message
    assert "--policy" in hint
    assert "hunter2" not in info.value.render()


def test_extends_through_a_symlink_out_of_the_project_is_refused(
    project: Path, host: PluginHost
) -> None:
    (project / "base.yaml").symlink_to(project.parent / "outside" / "shadow")
    policy = _policy(project / "team.yaml", "base.yaml")
    with pytest.raises(PolicyError) as info:
        load_policy(str(policy), host)
    assert "outside the project" in _only(info)[3]
    assert "hunter2" not in info.value.render()


def test_extends_within_the_project_is_followed(project: Path, host: PluginHost) -> None:
    (project / "policies").mkdir()
    (project / "common.yaml").write_text("name: common\nrules: []\n", encoding="utf-8")
    policy = _policy(project / "policies" / "team.yaml", "../common.yaml")
    loaded = load_policy(str(policy), host)
    assert [pack.name for pack in loaded.packs] == ["common", "team"]


def test_a_policy_named_on_the_command_line_may_extend_its_own_neighbours(
    project: Path, host: PluginHost
) -> None:
    # Outside the project, but named by the user: its own directory is its project.
    policy = _policy(project.parent / "outside" / "team.yaml", "base.yaml")
    loaded = load_policy(str(policy), host)
    assert [pack.name for pack in loaded.packs] == ["base", "team"]
    deeper = _policy(project.parent / "outside" / "deeper.yaml", "shadow")
    with pytest.raises(PolicyError):  # a neighbour, but not a policy: no echo of it either
        load_policy(str(deeper), host)


def test_an_over_long_name_in_extends_is_a_policy_error_at_its_line(
    project: Path, host: PluginHost
) -> None:
    policy = _policy(project / "team.yaml", LONG_NAME)
    with pytest.raises(PolicyError) as info:
        load_policy(str(policy), host)
    path, line, column, message, _hint = _only(info)
    assert (path, line, column) == (str(policy), 2, 11)
    assert "too long" in message


# --------------------------------------------------------------------------- configuration


@pytest.mark.parametrize("key", ["policy", "waivers"])
@pytest.mark.parametrize(
    "value", ["../outside/base.yaml", "ABSOLUTE"], ids=["relative", "absolute"]
)
def test_config_paths_out_of_the_project_are_errors_at_their_line(
    project: Path, key: str, value: str
) -> None:
    target = str(project.parent / "outside" / "base.yaml") if value == "ABSOLUTE" else value
    config_file = project / "synthgate.toml"
    config_file.write_text(f'fail-on = "warn"\n{key} = "{target}"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        resolve_settings(load_config(config_file), {})
    path, line, _column, message, hint = _only(info)
    assert (path, line) == ("synthgate.toml", 2)
    assert "outside the project" in message
    assert f"--{key}" in hint


@pytest.mark.parametrize("key", ["policy", "waivers"])
def test_an_over_long_config_path_is_an_error_at_its_line(project: Path, key: str) -> None:
    config_file = project / "synthgate.toml"
    config_file.write_text(f'{key} = "{LONG_NAME}"\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        resolve_settings(load_config(config_file), {})
    path, line, _column, message, _hint = _only(info)
    assert (path, line) == ("synthgate.toml", 1)
    assert "too long" in message


def test_config_paths_inside_the_project_and_pack_names_are_kept(project: Path) -> None:
    (project / "policies").mkdir()
    config_file = project / "synthgate.toml"
    config_file.write_text('policy = "policies/team.yaml"\nwaivers = "w.yaml"\n', "utf-8")
    settings = resolve_settings(load_config(config_file), {})
    assert settings.policy is not None
    assert Path(settings.policy).resolve() == project / "policies" / "team.yaml"
    config_file.write_text('policy = "strict"\n', "utf-8")
    assert resolve_settings(load_config(config_file), {}).policy == "strict"


def test_the_command_line_may_name_a_policy_outside_the_project(
    run_cli: Run, project: Path
) -> None:
    (project / "m.synthgate.yaml").write_bytes(PASSING.read_bytes())
    outside = project.parent / "outside"
    (outside / "team.yaml").write_text("name: team\nextends: [default]\nrules: []\n", "utf-8")
    result = run_cli("audit", "--policy", str(outside / "team.yaml"), "m.synthgate.yaml")
    assert result.code == 0, result.err


def test_a_found_waivers_file_linked_out_of_the_project_is_refused(
    run_cli: Run, project: Path
) -> None:
    (project / "m.synthgate.yaml").write_bytes(PASSING.read_bytes())
    (project / "synthgate-waivers.yaml").symlink_to(project.parent / "outside" / "shadow")
    result = run_cli("audit", "m.synthgate.yaml")
    assert result.code == 2
    assert "outside the project" in result.err
    assert "hunter2" not in result.err


@pytest.mark.parametrize("option", ["--policy", "--waivers", "--baseline"])
def test_an_over_long_name_on_the_command_line_is_exit_2(run_cli: Run, option: str) -> None:
    result = run_cli("audit", option, LONG_NAME, str(PASSING))
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert "too long" in result.err


def test_an_over_long_manifest_name_is_exit_2(run_cli: Run) -> None:
    result = run_cli("audit", os.path.join("d", LONG_NAME))
    assert result.code == 2, result.err

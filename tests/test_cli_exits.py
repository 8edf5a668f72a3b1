"""How the entry point ends a run: exit codes for every way out, report files, plugin commands."""

from __future__ import annotations

import functools
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click
import pytest
from pydantic import BaseModel, ConfigDict

import synthgate
import synthgate.cli
import synthgate.plugin
from synthgate.check_contract import CheckContext, CheckKind, Outcome, ScopeView
from synthgate.plugins import PluginHost
from tests.conftest import FIXTURES, REPO_ROOT, CliResult

CLI = FIXTURES / "cli"
Run = Callable[..., CliResult]


# --------------------------------------------------------------------------- test plugins


class _NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _explode(scope: ScopeView, params: Any, context: CheckContext) -> list[Outcome]:
    raise RuntimeError("out of fuel")


class CommandsPlugin:
    """Adds commands that leave in every way a command can; counts how often it is asked."""

    def __init__(self) -> None:
        self.calls = 0

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        return [CheckKind("explode", "Raises at once.", _NoParams, _explode)]

    @synthgate.plugin.hookimpl
    def synthgate_add_commands(self, cli: click.Group) -> None:
        self.calls += 1

        @cli.command("exit-one")
        @click.pass_context
        def exit_one(ctx: click.Context) -> None:
            ctx.exit(1)

        @cli.command("returns-two")
        def returns_two() -> int:
            return 2

        @cli.command("click-error")
        def click_error() -> None:
            raise click.ClickException("no good")

        @cli.command("interrupt")
        def interrupt() -> None:
            raise KeyboardInterrupt

        @cli.command("boom")
        def boom() -> None:
            raise RuntimeError("kaput")

        @cli.command("pipe")
        def pipe() -> None:
            raise BrokenPipeError(32, "Broken pipe")


class BrokenCommandsPlugin:
    """A plugin whose synthgate_add_commands raises."""

    @synthgate.plugin.hookimpl
    def synthgate_add_commands(self, cli: click.Group) -> None:
        raise RuntimeError("no commands today")


def _builtin_plugins() -> list[tuple[str, object]]:
    return [
        (ep.name, ep.load())
        for ep in entry_points(group="synthgate")
        if ep.dist is not None and ep.dist.name == "synthgate"
    ]


@pytest.fixture
def plugin_host(monkeypatch: pytest.MonkeyPatch) -> PluginHost:
    """The built-in plugins plus the two above; the command group is restored afterwards."""
    host = PluginHost.from_plugins(
        [*_builtin_plugins(), ("cmds", CommandsPlugin()), ("broken-cmds", BrokenCommandsPlugin())]
    )
    monkeypatch.setattr(synthgate.cli.cli, "_plugins_added", False)
    monkeypatch.setattr(synthgate.cli.cli, "commands", {})  # as in a new process
    return host


@pytest.fixture
def plugin(plugin_host: PluginHost) -> CommandsPlugin:
    """The commands plugin of ``plugin_host``."""
    commands = plugin_host.pm.get_plugin("cmds")
    assert isinstance(commands, CommandsPlugin)
    return commands


@pytest.fixture
def plugin_cli(run_cli: Run, plugin_host: PluginHost) -> Run:
    """``run_cli`` with ``plugin_host`` as the invocation's plugins (given to the entry point,
    as an embedding program would, not patched in)."""
    return functools.partial(run_cli, host=plugin_host)


BROKEN_WARNING = (
    "warning: plugin broken-cmds (broken-cmds 0): failed in synthgate_add_commands: "
    "RuntimeError: no commands today"
)


# --------------------------------------------------------------------------- exit codes of main


def test_a_commands_exit_code_and_return_value_are_kept(plugin_cli: Run, plugin: object) -> None:
    assert plugin_cli("exit-one").code == 1
    assert plugin_cli("returns-two").code == 2


def test_click_errors_are_usage_errors(plugin_cli: Run, plugin: object) -> None:
    result = plugin_cli("click-error")
    assert result.code == 2
    assert "Error: no good" in result.err
    unknown = plugin_cli("audti")
    assert unknown.code == 2
    assert "No such command 'audti'" in unknown.err


def test_ctrl_c_exits_130_without_traceback(plugin_cli: Run, plugin: object) -> None:
    result = plugin_cli("interrupt")
    assert result.code == 130
    assert "synthgate: interrupted" in result.err
    assert "Traceback" not in result.err
    assert "Abort" not in result.err


def test_a_crash_in_a_command_exits_3_without_traceback(plugin_cli: Run, plugin: object) -> None:
    result = plugin_cli("boom")
    assert result.code == 3
    assert "internal error: RuntimeError: kaput" in result.err
    assert "Traceback" not in result.err


def test_a_broken_pipe_in_a_command_exits_0_quietly(plugin_cli: Run, plugin: object) -> None:
    result = plugin_cli("pipe")
    assert result.code == 0
    assert result.err.replace(BROKEN_WARNING + " (left out; see 'synthgate plugins')\n", "") == ""


@pytest.mark.parametrize(
    "args",
    [
        ["audit", str(CLI / "fail.synthgate.yaml")],  # exit 1 otherwise
        ["audit", str(CLI / "fail.synthgate.yaml"), "--format", "json"],
        ["--help"],
        ["rules"],
    ],
)
def test_a_closed_stdout_exits_0_quietly_in_a_real_process(args: list[str]) -> None:
    exe = Path(sys.executable).with_name("synthgate")
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first byte: every write is EPIPE
    try:
        done = subprocess.run(
            [str(exe), *args],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "SYNTHGATE_BUILTIN_PLUGINS_ONLY": "1"},
            check=False,
            timeout=120,
        )
    finally:
        os.close(write)
    assert done.returncode == 0
    assert done.stderr == ""  # neither a traceback nor "Exception ignored ... BrokenPipeError"


def test_ctrl_c_during_an_audit_exits_130(run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from synthgate_plugins.reports.text import TextReporter

    def interrupted(self: object, result: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(TextReporter, "add", interrupted)
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"))
    assert result.code == 130
    assert "Traceback" not in result.err


# --------------------------------------------------------------------------- crashed checks


def test_crashed_checks_exit_3_unless_fail_on_never(
    plugin_cli: Run, plugin: object, tmp_path: Path
) -> None:
    policy = str(CLI / "crash-policy.yaml")
    manifest = str(CLI / "warn.synthgate.yaml")
    for fail_on in ("warn", "fail", "never"):
        result = plugin_cli("audit", manifest, "--policy", policy, "--fail-on", fail_on)
        assert result.code == (0 if fail_on == "never" else 3), (fail_on, result.err)
        assert "synthgate: 1 check crashed: each 'error' finding names the plugin" in result.err
        assert "ERROR: 1 manifest (1 error);" in result.out
        assert "crashed: RuntimeError: out of fuel" in result.out
    out = tmp_path / "report.json"
    written = plugin_cli("audit", manifest, "-p", policy, "-f", "json", "-o", str(out))
    assert written.code == 3
    assert json.loads(out.read_text())["totals"]["findings"]["error"] == 1  # the report stays


def test_help_says_when_crashes_exit_3(run_cli: Run) -> None:
    result = run_cli("audit", "--help")
    assert result.code == 0
    text = " ".join(result.out.split())
    assert "a crashed check exits 3 with --fail-on never" not in text
    assert "a crashed check exits 0 with --fail-on never" in text
    assert "not even a crashed check" in text


# --------------------------------------------------------------------------- report files


def _listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.parametrize(
    ("error", "code"), [(RuntimeError("reporter bug"), 3), (KeyboardInterrupt(), 130)]
)
def test_no_temporary_file_is_left_when_reporting_stops(
    run_cli: Run,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    error: BaseException,
    code: int,
) -> None:
    from synthgate_plugins.reports.json import JsonReporter

    def fail(self: object, result: object) -> None:
        raise error

    monkeypatch.setattr(JsonReporter, "add", fail)
    out = tmp_path / "report.json"
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "-f", "json", "-o", str(out))
    assert result.code == code
    assert _listing(tmp_path) == []


@pytest.fixture
def umask() -> Iterator[Callable[[int], int]]:
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_report_file_gets_the_mode_of_a_new_file(
    run_cli: Run, tmp_path: Path, umask: Callable[[int], int], mask: int, mode: int
) -> None:
    umask(mask)
    out = tmp_path / "report.json"
    result = run_cli("audit", str(CLI / "pass.synthgate.yaml"), "-f", "json", "-o", str(out))
    assert result.code == 0
    assert stat.S_IMODE(out.stat().st_mode) == mode
    assert _listing(tmp_path) == ["report.json"]


# --------------------------------------------------------------------------- plugins and commands


def test_plugin_command_errors_are_shown(plugin_cli: Run, plugin: CommandsPlugin) -> None:
    result = plugin_cli("returns-two")
    assert result.code == 2
    assert BROKEN_WARNING in result.err


def test_help_lists_plugin_commands_and_warns_about_plugin_errors(
    plugin_cli: Run, plugin: CommandsPlugin
) -> None:
    result = plugin_cli("--help")
    assert result.code == 0
    assert "exit-one" in result.out
    assert BROKEN_WARNING in result.err


def test_plugins_lists_errors_of_synthgate_add_commands(
    plugin_cli: Run, plugin: CommandsPlugin
) -> None:
    result = plugin_cli("plugins")
    assert result.code == 0
    assert "error: failed in synthgate_add_commands: RuntimeError: no commands today" in result.out
    assert result.err == ""  # listed, not warned twice


def test_built_in_commands_ask_every_plugin_for_commands_once(
    plugin_cli: Run, run_cli: Run, plugin: CommandsPlugin
) -> None:
    result = plugin_cli("audit", str(CLI / "pass.synthgate.yaml"))
    assert result.code == 0
    assert plugin.calls == 1  # the core's commands come through the same hook
    assert result.err.count(BROKEN_WARNING) == 1  # warned by audit, not twice
    assert run_cli("rules").code == 0
    assert plugin.calls == 1


def test_plugins_are_loaded_once_per_invocation(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every part of one invocation (command lookup, the command, its warnings) shares the host
    # kept on the click context; a real process runs one invocation.
    import synthgate.plugins

    real = synthgate.plugins.load_plugins
    calls: list[object] = []

    def counting(**kwargs: Any) -> PluginHost:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(synthgate.plugins, "load_plugins", counting)
    for args in (["audit", str(CLI / "pass.synthgate.yaml")], ["rules"], ["plugins"], ["--help"]):
        before = len(calls)
        assert run_cli(*args).code == 0
        # --help asks only if the group has not listed the plugins' commands in this process
        assert len(calls) - before == (0 if args == ["--help"] and before else 1), args


def test_a_host_given_to_the_entry_point_is_used_and_nothing_is_loaded(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import synthgate.plugins

    host = PluginHost.from_plugins(_builtin_plugins())
    monkeypatch.setattr(synthgate.plugins, "load_plugins", lambda **kwargs: pytest.fail("loaded"))
    result = run_cli("plugins", "--format", "json", host=host)
    assert result.code == 0, result.err
    assert [row["name"] for row in json.loads(result.out)] == [r.name for r in host.records]


def test_python_dash_m_uses_the_same_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "synthgate", "audit", str(CLI / "pass.synthgate.yaml")],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "SYNTHGATE_BUILTIN_PLUGINS_ONLY": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("PASS ")

"""The core's commands come through ``synthgate_add_commands``, as a third party's do."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import entry_points

import click
import pytest

import synthgate
import synthgate.cli
import synthgate.core_commands
import synthgate.plugin
from synthgate.plugins import PluginHost
from tests.conftest import FIXTURES, CliResult

Run = Callable[..., CliResult]
CORE = ["audit", "config", "explain", "init", "measure", "plugins", "rules", "schema", "test"]


class Impostor:
    """Adds a command under a core command's name, and one of its own."""

    @synthgate.plugin.hookimpl
    def synthgate_add_commands(self, cli: click.Group) -> None:
        @cli.command("audit")
        def audit() -> None:
            click.echo("not the real audit")

        @cli.command("own")
        def own() -> None:
            click.echo("own command")


class EarlyImpostor(Impostor):
    """The same, called before the core's ``tryfirst`` implementation (registered later)."""

    @synthgate.plugin.hookimpl(tryfirst=True)
    def synthgate_add_commands(self, cli: click.Group) -> None:
        super().synthgate_add_commands(cli)


def _use(monkeypatch: pytest.MonkeyPatch, *plugins: tuple[str, object], core: bool = True) -> None:
    """Make the CLI's host synthgate's own plugins (without synthgate-commands unless
    ``core``) plus ``plugins``, on a group as fresh as in a new process."""
    builtin = [
        (ep.name, ep.load())
        for ep in entry_points(group="synthgate")
        if ep.dist is not None
        and ep.dist.name == "synthgate"
        and (core or ep.name != "synthgate-commands")
    ]
    host = PluginHost.from_plugins([*builtin, *plugins])
    monkeypatch.setattr(synthgate.cli, "_host", lambda: host)
    monkeypatch.setattr(synthgate.cli.cli, "_plugins_added", False)
    monkeypatch.setattr(synthgate.cli.cli, "commands", {})


def _listed(help_text: str) -> list[str]:
    section = help_text.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in section.splitlines() if line.startswith("  ")]


def test_the_core_commands_are_a_built_in_entry_point() -> None:
    (ep,) = [ep for ep in entry_points(group="synthgate") if ep.name == "synthgate-commands"]
    assert ep.dist is not None
    assert ep.dist.name == "synthgate"
    assert ep.load() is synthgate.core_commands
    marks = getattr(synthgate.core_commands.synthgate_add_commands, "synthgate_impl")  # noqa: B009
    assert marks["tryfirst"] is True


def test_the_group_starts_empty_and_the_hook_fills_it() -> None:
    group = click.Group()
    host = PluginHost.from_plugins([("synthgate-commands", synthgate.core_commands)])
    host.add_commands(group)
    assert list(group.commands) == list(synthgate.cli.core_commands.commands)
    assert sorted(group.commands) == CORE
    assert group.commands["audit"] is synthgate.cli.core_commands.commands["audit"]
    assert host.errors() == []


def test_help_lists_the_core_commands_in_order(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch)
    result = run_cli("--help")
    assert result.code == 0
    assert _listed(result.out) == CORE


def test_a_plugin_cannot_take_a_core_commands_name(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, ("impostor", Impostor()), ("early", EarlyImpostor()))
    result = run_cli("audit", str(FIXTURES / "cli" / "pass.synthgate.yaml"))
    assert result.code == 0
    assert "not the real audit" not in result.out
    message = (
        "synthgate_add_commands: command 'audit' is already added by "
        "synthgate-commands (synthgate-commands 0); left out"
    )
    for name in ("impostor", "early"):  # after and before the core's implementation
        assert f"warning: plugin {name} ({name} 0): {message}" in result.err
    assert run_cli("own").out == "own command\n"  # the rest of what it adds stays


def test_without_its_plugin_a_core_command_is_a_usage_error(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _use(monkeypatch, core=False)
    result = run_cli("audit", str(FIXTURES / "cli" / "pass.synthgate.yaml"))
    assert result.code == 2
    assert (
        "the command 'audit' comes with synthgate, but its plugin synthgate-commands did not "
        "add it (see 'synthgate plugins')"
    ) in result.err
    assert "SYNTHGATE_DISABLED_PLUGINS" in result.err
    assert "Traceback" not in result.err
    assert run_cli("nonesuch").code == 2  # a name that is nobody's stays click's error


def test_blocking_the_core_commands_plugin_is_honoured() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "synthgate", "schema", "manifest"],
        capture_output=True,
        text=True,
        env={
            "SYNTHGATE_DISABLED_PLUGINS": "synthgate-commands",
            "SYNTHGATE_BUILTIN_PLUGINS_ONLY": "1",
            "PATH": "",
        },
        check=False,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "plugin synthgate-commands did not add it" in done.stderr
    assert done.stdout == ""


def test_the_plugin_is_listed_but_left_out_of_reports() -> None:
    from synthgate.plugins import PluginRecord, load_plugins

    host = load_plugins(builtin_only=True, disabled=())
    (record,) = [r for r in host.records if r.name == "synthgate-commands"]
    assert record.hooks == ["synthgate_add_commands"]
    assert record.error is None
    assert not record.in_reports  # a report's plugins stay what they were (golden files)
    assert all(r.in_reports for r in host.records if r is not record)
    assert PluginRecord("synthgate-commands", "other", "1", builtin=False).in_reports

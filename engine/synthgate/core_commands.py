"""The built-in plugin ``synthgate-commands``: the core's commands, added like any plugin's.

It is registered through the entry-point group ``synthgate`` as the other built-in plugins
are, and adds the commands of :data:`synthgate.cli.core_commands` (``audit``, ``rules``,
``explain``, ...) to the ``synthgate`` group through ``synthgate_add_commands``. Its
implementation is ``tryfirst``, so the core's commands are in place before any other
plugin's: a plugin that adds a command under one of their names is recorded and left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from synthgate.hookspecs import hookimpl

if TYPE_CHECKING:
    import click

__all__ = ["synthgate_add_commands"]


@hookimpl(tryfirst=True)
def synthgate_add_commands(cli: click.Group) -> None:
    """Add the core's commands to ``cli``."""
    from synthgate.cli import core_commands

    for command in core_commands.commands.values():
        cli.add_command(command)

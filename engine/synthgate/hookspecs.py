"""Hook specifications: everything a plugin can add to synthgate.

Each hook is called once per plugin that implements it, through the typed facade in
:mod:`synthgate.plugins`, so that one plugin's failure is reported with its name and version
and does not stop the others: a hook that raises, or returns something other than what its
docstring says (say a dict where a list is due, or items of the wrong type), is recorded on its
plugin and that plugin's result is left out. The implementations are called in the order
``pm.hook.NAME()`` would call them (``tryfirst`` ones first, ``trylast`` ones last, the plugin
registered last first within each), and a plugin that implements a hook as a wrapper
(``wrapper=True`` or ``hookwrapper=True``) is refused at load. Hooks evolve only by gaining
optional arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from synthgate.adapters import ManifestAdapter
    from synthgate.check_contract import CheckKind, Metric
    from synthgate.models import TaskType
    from synthgate.packs import PolicyPack
    from synthgate.reporter_contract import ReporterSpec

__all__ = [
    "hookimpl",
    "hookspec",
    "synthgate_add_commands",
    "synthgate_extend_taxonomy",
    "synthgate_register_adapters",
    "synthgate_register_check_kinds",
    "synthgate_register_metrics",
    "synthgate_register_policy_packs",
    "synthgate_register_reporters",
]

PROJECT = "synthgate"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def synthgate_register_check_kinds() -> list[CheckKind]:
    """Return the check kinds this plugin provides.

    Fires once when a policy is loaded, before any rule is validated. Every result is kept (not
    first-result); a kind name registered by two plugins is an error naming both. A check that
    raises, or yields anything but sound :class:`~synthgate.plugin.Outcome` objects, gives an
    ``error`` finding naming this plugin; the audit goes on.
    """
    raise NotImplementedError


@hookspec
def synthgate_register_metrics() -> list[Metric]:
    """Return the metrics this plugin provides, for ``threshold`` checks.

    Fires once when a policy is loaded. Every result is kept; a metric name registered by two
    plugins is an error naming both. A metric that raises while a check asks for its value
    gives an ``error`` finding naming this plugin (not the check kind's).
    """
    raise NotImplementedError


@hookspec
def synthgate_register_adapters() -> list[ManifestAdapter]:
    """Return the manifest formats this plugin can read.

    Fires once before the first file is read. Every result is kept; adapters are tried in
    call order, and the first whose ``load`` returns a document wins. An adapter name
    registered by two plugins is an error naming both.
    """
    raise NotImplementedError


@hookspec
def synthgate_register_reporters() -> list[ReporterSpec]:
    """Return the output formats this plugin provides (``--format NAME``).

    Fires once when output formats are resolved. Every result is kept; a format name
    registered by two plugins is an error naming both. A spec's ``load`` is called only when
    its format is asked for, so a reporter's imports cost nothing otherwise. Through
    :meth:`~synthgate.plugins.PluginHost.guarded_reporters`, a reporter that raises is recorded
    with this plugin's name and version and the other formats are still fed.
    """
    raise NotImplementedError


@hookspec
def synthgate_register_policy_packs() -> list[PolicyPack]:
    """Return the policy packs this plugin ships, addressable by name.

    Fires when a policy is resolved by name (``--policy NAME`` or ``extends: [NAME]``) and by
    ``synthgate rules`` and ``synthgate plugins``. Every result is kept; a pack name registered
    by two plugins is an error naming both, and a rule code defined by two installed packs is a
    policy error naming each pack and its plugin. A pack is data: nothing in it is executed.
    """
    raise NotImplementedError


@hookspec
def synthgate_extend_taxonomy() -> dict[str, TaskType]:
    """Return task types to add to every policy's taxonomy, keyed by name.

    Fires once when a policy is loaded, before the policy's own taxonomy is merged over it (a
    policy may redefine a plugin's task type). Every result is kept; a task type defined by two
    plugins, or a name or alias that another task type already claims, is an error naming the
    plugin.
    """
    raise NotImplementedError


@hookspec
def synthgate_add_commands(cli: click.Group) -> None:
    """Add sub-commands to the ``synthgate`` command group.

    Fires once, when the command line names any command, and for ``--help`` and ``synthgate
    plugins``, which list every command; synthgate's own commands come through it too, from
    the built-in plugin ``synthgate-commands`` (``tryfirst``). A command name that two plugins
    add stays with the plugin loaded first, and the other is recorded.
    """
    raise NotImplementedError

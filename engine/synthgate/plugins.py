"""Plugin loading and the typed facade through which the engine calls hooks.

Plugins are found in the entry-point group ``synthgate``; the built-in check kinds, metrics,
adapters, reporters and policy packs come through the same group. ``SYNTHGATE_DISABLED_PLUGINS``
(comma-separated entry-point or distribution names) blocks plugins, and
``SYNTHGATE_BUILTIN_PLUGINS_ONLY=1`` loads only synthgate's own entry points (a hermetic mode
for tests).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import pluggy

from synthgate import hookspecs
from synthgate.errors import UsageError

if TYPE_CHECKING:
    import click

    from synthgate.adapters import ManifestAdapter
    from synthgate.checks import CheckKind, Metric
    from synthgate.models import TaskType
    from synthgate.packs import PolicyPack
    from synthgate.reporters import ReporterSpec

__all__ = ["DISTRIBUTION", "PluginHost", "PluginRecord", "load_plugins"]

DISTRIBUTION = "synthgate"
_T = TypeVar("_T")


@dataclass
class PluginRecord:
    """What ``synthgate plugins`` lists about one plugin."""

    name: str
    distribution: str
    version: str
    builtin: bool
    hooks: list[str] = field(default_factory=list)
    error: str | None = None


def _disabled_from_env() -> frozenset[str]:
    raw = os.environ.get("SYNTHGATE_DISABLED_PLUGINS", "")
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


class PluginHost:
    """One typed method per hook; each plugin's implementation is called on its own."""

    def __init__(self, pm: pluggy.PluginManager, records: list[PluginRecord]) -> None:
        self.pm = pm
        self.records = records
        self._by_plugin = {r.name: r for r in records}
        self._cache: dict[str, Any] = {}

    @classmethod
    def from_plugins(cls, plugins: Iterable[tuple[str, object]]) -> PluginHost:
        """A host over in-process plugin objects (modules or instances), e.g. for tests."""
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        records = []
        for name, plugin in plugins:
            pm.register(plugin, name=name)
            records.append(PluginRecord(name, name, "0", builtin=False))
        pm.check_pending()
        host = cls(pm, records)
        host._fill_hooks()
        return host

    def _fill_hooks(self) -> None:
        for record in self.records:
            plugin = self.pm.get_plugin(record.name)
            if plugin is None:
                continue
            record.hooks = sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or [])

    def describe(self, plugin_name: str) -> str:
        """``name version`` of a plugin, for messages."""
        record = self._by_plugin.get(plugin_name)
        if record is None:
            return plugin_name
        return f"{record.name} ({record.distribution} {record.version})"

    def _call_each(self, hook_name: str) -> list[tuple[str, Any]]:
        """Each plugin's result, in registration order; a plugin whose hook raises is left
        out and its record carries the error, so that every other plugin still counts."""
        caller = getattr(self.pm.hook, hook_name)
        results: list[tuple[str, Any]] = []
        for impl in caller.get_hookimpls():  # registration order
            try:
                value = impl.function()
            except Exception as exc:  # a plugin's crash must not stop the others
                self._record_failure(
                    impl.plugin_name, f"failed in {hook_name}: {type(exc).__name__}: {exc}"
                )
                continue
            if value is not None:
                results.append((impl.plugin_name, value))
        return results

    def _record_failure(self, plugin_name: str, message: str) -> None:
        record = self._by_plugin.get(plugin_name)
        if record is None:  # pragma: no cover - every registered plugin has a record
            return
        record.error = message if record.error is None else f"{record.error}; {message}"

    def errors(self) -> list[str]:
        """``plugin (dist version): error`` for every plugin that failed to load or raised."""
        return [
            f"plugin {self.describe(r.name)}: {r.error}"
            for r in self.records
            if r.error is not None
        ]

    def _named(self, hook_name: str, what: str, key: Callable[[_T], str]) -> dict[str, _T]:
        cached = self._cache.get(hook_name)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        out: dict[str, _T] = {}
        owner: dict[str, str] = {}
        for plugin_name, items in self._call_each(hook_name):
            for item in items:
                name = key(item)
                if name in out:
                    raise UsageError(
                        f"{what} '{name}' is registered by two plugins: "
                        f"{self.describe(owner[name])} and {self.describe(plugin_name)}",
                        "uninstall or disable one of them (SYNTHGATE_DISABLED_PLUGINS)",
                    )
                out[name] = item
                owner[name] = plugin_name
        self._cache[hook_name] = out
        return out

    def check_kinds(self) -> dict[str, CheckKind]:
        """All registered check kinds by name."""
        return self._named("synthgate_register_check_kinds", "check kind", lambda k: k.name)

    def metrics(self) -> dict[str, Metric]:
        """All registered metrics by name."""
        return self._named("synthgate_register_metrics", "metric", lambda m: m.name)

    def adapters(self) -> dict[str, ManifestAdapter]:
        """All registered manifest adapters by name, in plugin order."""
        return self._named("synthgate_register_adapters", "manifest adapter", lambda a: a.name)

    def reporters(self) -> dict[str, ReporterSpec]:
        """All registered output formats by name."""
        return self._named("synthgate_register_reporters", "output format", lambda r: r.name)

    def policy_packs(self) -> dict[str, PolicyPack]:
        """All registered policy packs by name."""
        return self._named("synthgate_register_policy_packs", "policy pack", lambda p: p.name)

    def taxonomy(self) -> dict[str, TaskType]:
        """Task types added by plugins."""
        cached = self._cache.get("taxonomy")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        out: dict[str, TaskType] = {}
        for _plugin, types in self._call_each("synthgate_extend_taxonomy"):
            out.update(types)
        self._cache["taxonomy"] = out
        return out

    def add_commands(self, cli: click.Group) -> None:
        """Let plugins add sub-commands; one that raises is recorded and left out."""
        caller = self.pm.hook.synthgate_add_commands
        for impl in caller.get_hookimpls():
            try:
                impl.function(cli=cli)
            except Exception as exc:
                self._record_failure(
                    impl.plugin_name,
                    f"failed in synthgate_add_commands: {type(exc).__name__}: {exc}",
                )


def load_plugins(
    *,
    builtin_only: bool | None = None,
    disabled: Iterable[str] | None = None,
) -> PluginHost:
    """Load every plugin of the ``synthgate`` entry-point group into a :class:`PluginHost`.

    A plugin that fails to import, or implements a hook that does not exist, is recorded with
    its error (``synthgate plugins`` shows it) and left out; the others load.
    """
    from importlib.metadata import entry_points

    if builtin_only is None:
        builtin_only = os.environ.get("SYNTHGATE_BUILTIN_PLUGINS_ONLY", "") not in ("", "0")
    blocked = frozenset(disabled) if disabled is not None else _disabled_from_env()
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    records: list[PluginRecord] = []
    for ep in sorted(entry_points(group="synthgate"), key=_entry_point_order):
        dist = ep.dist.name if ep.dist is not None else "unknown"
        version = ep.dist.version if ep.dist is not None else "unknown"
        builtin = dist == DISTRIBUTION
        if builtin_only and not builtin:
            continue
        if ep.name in blocked or dist in blocked or pm.get_plugin(ep.name) is not None:
            continue
        record = PluginRecord(ep.name, dist, version, builtin)
        records.append(record)
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:
            record.error = f"failed to load: {type(exc).__name__}: {exc}"
            continue
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            pm.unregister(name=ep.name)
            record.error = f"invalid hook implementation: {exc}"
    host = PluginHost(pm, records)
    host._fill_hooks()
    return host


def _entry_point_order(ep: Any) -> tuple[int, str]:
    builtin = ep.dist is not None and ep.dist.name == DISTRIBUTION
    return (0 if builtin else 1, ep.name)

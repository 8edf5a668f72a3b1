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
from synthgate.messages import exception_line as _first_line
from synthgate.messages import python_type_name as _type_name

if TYPE_CHECKING:
    import click

    from synthgate.adapters import ManifestAdapter
    from synthgate.check_contract import CheckKind, Metric
    from synthgate.models import TaskType
    from synthgate.packs import PolicyPack
    from synthgate.reporter_contract import Reporter, ReporterSpec

__all__ = ["DISTRIBUTION", "PluginHost", "PluginRecord", "load_plugins"]

DISTRIBUTION = "synthgate"
_T = TypeVar("_T")

_HOOKS = {
    "check_kinds": "synthgate_register_check_kinds",
    "metrics": "synthgate_register_metrics",
    "adapters": "synthgate_register_adapters",
    "reporters": "synthgate_register_reporters",
    "policy_packs": "synthgate_register_policy_packs",
    "taxonomy": "synthgate_extend_taxonomy",
}
"""Facade method name -> the hook it calls; :meth:`PluginHost.owner` accepts either."""


@dataclass
class PluginRecord:
    """What ``synthgate plugins`` lists about one plugin."""

    name: str
    distribution: str
    version: str
    builtin: bool
    hooks: list[str] = field(default_factory=list)
    error: str | None = None
    disabled: bool = False
    """Blocked by ``SYNTHGATE_DISABLED_PLUGINS`` (or ``disabled=``): listed, never loaded."""


def _disabled_from_env() -> frozenset[str]:
    raw = os.environ.get("SYNTHGATE_DISABLED_PLUGINS", "")
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


class PluginHost:
    """One typed method per hook; each plugin's implementation is called on its own."""

    def __init__(self, pm: pluggy.PluginManager, records: list[PluginRecord]) -> None:
        self.pm = pm
        self.records = records
        self._by_plugin: dict[str, PluginRecord] = {}
        # Under a name taken twice, the first record that is not blocked is the one registered.
        for record in sorted(records, key=lambda r: r.disabled):
            self._by_plugin.setdefault(record.name, record)
        self._cache: dict[str, Any] = {}
        self._owners: dict[str, dict[str, str]] = {}
        self._reporter_failures: list[str] = []

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
            if plugin is None or self._by_plugin.get(record.name) is not record:
                continue
            record.hooks = sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or [])

    def describe(self, plugin_name: str) -> str:
        """``name (distribution version)`` of a plugin, for messages."""
        record = self._by_plugin.get(plugin_name)
        if record is None:
            return plugin_name
        return f"{record.name} ({record.distribution} {record.version})"

    def owner(self, what: str, name: str) -> str:
        """``name (distribution version)`` of the plugin that registered ``name``, or ``""``.

        ``what`` is a facade method (``check_kinds``, ``metrics``, ``adapters``, ``reporters``,
        ``policy_packs``, ``taxonomy``) or the hook it calls; the hook is called if it was not
        yet, through the facade, so a failing plugin is recorded as usual.
        """
        plugin_name = self.owners(what).get(name)
        return self.describe(plugin_name) if plugin_name is not None else ""

    def owners(self, what: str) -> dict[str, str]:
        """Each name registered under ``what`` (as for :meth:`owner`) -> the entry-point name
        of the plugin that registered it."""
        hook_name = _HOOKS.get(what, what)
        method = next((m for m, h in _HOOKS.items() if h == hook_name), None)
        if method is None:
            raise ValueError(f"no registry named {what!r}; expected one of: {', '.join(_HOOKS)}")
        if hook_name not in self._owners:
            getattr(self, method)()
        return dict(self._owners.get(hook_name, {}))

    def _call_each(self, hook_name: str) -> list[tuple[str, Any]]:
        """Each plugin's result, in registration order; a plugin whose hook raises is left
        out and its record carries the error, so that every other plugin still counts."""
        caller = getattr(self.pm.hook, hook_name)
        results: list[tuple[str, Any]] = []
        for impl in caller.get_hookimpls():  # registration order
            try:
                value = impl.function()
            except Exception as exc:  # a plugin's crash must not stop the others
                self._record_failure(impl.plugin_name, f"failed in {hook_name}: {_first_line(exc)}")
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
            f"plugin {r.name} ({r.distribution} {r.version}): {r.error}"
            for r in self.records
            if r.error is not None
        ]

    def _named(self, hook_name: str, what: str, expected: type[_T]) -> dict[str, _T]:
        """Each plugin's list of ``expected`` items by name; a plugin whose result is not
        such a list is recorded and left out, and a name given twice is an error naming both."""
        cached = self._cache.get(hook_name)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        out: dict[str, _T] = {}
        owner: dict[str, str] = {}
        for plugin_name, items in self._call_each(hook_name):
            problem = _not_a_list_of(items, expected)
            if problem is not None:
                self._record_failure(plugin_name, f"{hook_name} {problem}")
                continue
            for item in items:
                self._claim(
                    out, owner, f"{what} '{item.name}' is registered", item.name, item, plugin_name
                )
        self._cache[hook_name] = out
        self._owners[hook_name] = owner
        return out

    def _claim(
        self,
        out: dict[str, Any],
        owner: dict[str, str],
        what: str,
        name: str,
        item: Any,
        plugin_name: str,
    ) -> None:
        """Register ``item`` under ``name`` for ``plugin_name``; a second claim names both."""
        if name in out:
            raise UsageError(
                f"{what} by two plugins: "
                f"{self.describe(owner[name])} and {self.describe(plugin_name)}",
                "uninstall or disable one of them (SYNTHGATE_DISABLED_PLUGINS)",
            )
        out[name] = item
        owner[name] = plugin_name

    def check_kinds(self) -> dict[str, CheckKind]:
        """All registered check kinds by name."""
        from synthgate.check_contract import CheckKind

        return self._named("synthgate_register_check_kinds", "check kind", CheckKind)

    def metrics(self) -> dict[str, Metric]:
        """All registered metrics by name."""
        from synthgate.check_contract import Metric

        return self._named("synthgate_register_metrics", "metric", Metric)

    def adapters(self) -> dict[str, ManifestAdapter]:
        """All registered manifest adapters by name, in plugin order."""
        from synthgate.adapters import ManifestAdapter

        return self._named("synthgate_register_adapters", "manifest adapter", ManifestAdapter)

    def reporters(self) -> dict[str, ReporterSpec]:
        """All registered output formats by name."""
        from synthgate.reporter_contract import ReporterSpec

        return self._named("synthgate_register_reporters", "output format", ReporterSpec)

    def guarded_reporters(self) -> dict[str, ReporterSpec]:
        """:meth:`reporters`, each guarded so that one format's crash spares the others.

        A spec's ``load`` that raises, or returns no :class:`~synthgate.plugin.Reporter`
        class, is a usage error naming the plugin and its version. The class it returns is a
        subclass whose ``__init__``, ``start``, ``add`` and ``finish`` catch what the plugin's
        code raises: the failure is recorded on the plugin and in :meth:`reporter_failures`,
        the instance's ``failed`` is set, and it ignores every later call.
        """
        from synthgate.reporter_contract import ReporterSpec

        cached = self._cache.get("guarded reporters")
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        specs = self.reporters()
        owners = self._owners["synthgate_register_reporters"]
        guarded = {
            name: ReporterSpec(spec.name, spec.summary, self._guarded_load(spec, owners[name]))
            for name, spec in specs.items()
        }
        self._cache["guarded reporters"] = guarded
        return guarded

    def reporter_failures(self) -> list[str]:
        """``output format 'NAME' of plugin name (distribution version) crashed in METHOD:
        error`` for every guarded reporter that raised, in the order they failed."""
        return list(self._reporter_failures)

    def _guarded_load(self, spec: ReporterSpec, plugin_name: str) -> Callable[[], type[Reporter]]:
        from synthgate.reporter_contract import Reporter

        host = self
        short = f"output format '{spec.name}'"  # recorded on the plugin, which errors() names
        label = f"{short} of plugin {self.describe(plugin_name)}"

        def load() -> type[Reporter]:
            try:
                cls = spec.load()
            except Exception as exc:
                self._record_failure(plugin_name, f"{short} failed to load: {_first_line(exc)}")
                raise UsageError(
                    f"{label} failed to load: {_first_line(exc)}",
                    "choose another format, or report this to the plugin's authors",
                ) from None
            if not (isinstance(cls, type) and issubclass(cls, Reporter)):
                self._record_failure(
                    plugin_name, f"{short} loaded {_type_name(cls)}, expected a Reporter class"
                )
                raise UsageError(
                    f"{label} loaded {_type_name(cls)}, expected a Reporter class",
                    "choose another format, or report this to the plugin's authors",
                )

            class Guarded(cls):  # type: ignore[valid-type,misc]
                failed = False

                def __init__(self, *args: Any, **kwargs: Any) -> None:
                    try:
                        super().__init__(*args, **kwargs)
                    except Exception as exc:
                        self._crashed("__init__", exc)

                def _crashed(self, method: str, exc: Exception) -> None:
                    if isinstance(exc, BrokenPipeError):
                        raise exc  # the reader went away (synthgate ... | head): not a crash
                    self.failed = True
                    detail = f"crashed in {method}: {_first_line(exc)}"
                    host._reporter_failures.append(f"{label} {detail}")
                    host._record_failure(plugin_name, f"{short} {detail}")

                def start(self) -> None:
                    if not self.failed:
                        try:
                            super().start()
                        except Exception as exc:
                            self._crashed("start", exc)

                def add(self, result: Any) -> None:
                    if not self.failed:
                        try:
                            super().add(result)
                        except Exception as exc:
                            self._crashed("add", exc)

                def finish(self, totals: Any, verdict: Any) -> None:
                    if not self.failed:
                        try:
                            super().finish(totals, verdict)
                        except Exception as exc:
                            self._crashed("finish", exc)

            Guarded.__name__ = Guarded.__qualname__ = cls.__name__
            Guarded.__module__ = cls.__module__
            Guarded.__doc__ = cls.__doc__
            return Guarded

        return load

    def policy_packs(self) -> dict[str, PolicyPack]:
        """All registered policy packs by name."""
        from synthgate.packs import PolicyPack

        return self._named("synthgate_register_policy_packs", "policy pack", PolicyPack)

    def taxonomy(self) -> dict[str, TaskType]:
        """Task types added by plugins; a task type defined by two plugins is an error naming
        both, and a plugin whose result is not a mapping of names to task types is recorded
        and left out."""
        from synthgate.models import TaskType

        hook_name = "synthgate_extend_taxonomy"
        cached = self._cache.get(hook_name)
        if cached is not None:
            return cached  # type: ignore[no-any-return]
        out: dict[str, TaskType] = {}
        owner: dict[str, str] = {}
        for plugin_name, types in self._call_each(hook_name):
            if not isinstance(types, dict):
                self._record_failure(
                    plugin_name,
                    f"{hook_name} returned {_type_name(types)}, expected a dict of task types",
                )
                continue
            bad = next(
                (
                    (k, v)
                    for k, v in types.items()
                    if not isinstance(k, str) or not k or not isinstance(v, TaskType)
                ),
                None,
            )
            if bad is not None:
                self._record_failure(
                    plugin_name,
                    f"{hook_name} returned {_type_name(bad[1])} under {bad[0]!r}, "
                    "expected a TaskType under a non-empty name",
                )
                continue
            for name, task in types.items():
                self._claim(out, owner, f"task type '{name}' is defined", name, task, plugin_name)
        self._cache[hook_name] = out
        self._owners[hook_name] = owner
        return out

    def add_commands(self, cli: click.Group) -> None:
        """Let plugins add sub-commands; one that raises is recorded and left out."""
        caller = self.pm.hook.synthgate_add_commands
        for impl in caller.get_hookimpls():
            try:
                impl.function(cli=cli)
            except Exception as exc:
                self._record_failure(
                    impl.plugin_name, f"failed in synthgate_add_commands: {_first_line(exc)}"
                )


def _not_a_list_of(items: object, expected: type) -> str | None:
    """Why ``items`` is not a list of ``expected`` objects with a non-empty text name, or None."""
    if not isinstance(items, list | tuple):
        return f"returned {_type_name(items)}, expected a list of {expected.__name__}"
    for index, item in enumerate(items):
        if not isinstance(item, expected):
            return f"returned {_type_name(item)} at [{index}], expected a {expected.__name__}"
        name = getattr(item, "name", None)
        if not isinstance(name, str) or not name:
            return f"returned a {expected.__name__} at [{index}] without a name"
    return None


def load_plugins(
    *,
    builtin_only: bool | None = None,
    disabled: Iterable[str] | None = None,
) -> PluginHost:
    """Load every plugin of the ``synthgate`` entry-point group into a :class:`PluginHost`.

    A plugin that fails to import, implements a hook that does not exist, or comes under an
    entry-point name already taken is recorded with its error (``synthgate plugins`` shows it)
    and left out; the others load. A blocked plugin is recorded with ``disabled=True``.
    """
    from importlib.metadata import entry_points

    if builtin_only is None:
        builtin_only = os.environ.get("SYNTHGATE_BUILTIN_PLUGINS_ONLY", "") not in ("", "0")
    blocked = frozenset(disabled) if disabled is not None else _disabled_from_env()
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    records: list[PluginRecord] = []
    taken: dict[str, PluginRecord] = {}
    for ep in sorted(entry_points(group="synthgate"), key=_entry_point_order):
        dist = ep.dist.name if ep.dist is not None else "unknown"
        version = ep.dist.version if ep.dist is not None else "unknown"
        builtin = dist == DISTRIBUTION
        if builtin_only and not builtin:
            continue
        record = PluginRecord(ep.name, dist, version, builtin)
        records.append(record)
        if ep.name in blocked or dist in blocked:
            record.disabled = True
            continue
        first = taken.get(ep.name)
        if first is not None:
            record.error = (
                f"not loaded: entry-point name '{ep.name}' is already taken by "
                f"{first.name} ({first.distribution} {first.version})"
            )
            continue
        taken[ep.name] = record
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:
            record.error = f"failed to load: {_first_line(exc)}"
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

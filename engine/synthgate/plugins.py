"""Plugin loading and the typed facade through which the engine calls hooks.

Plugins are found in the entry-point group ``synthgate``; the built-in check kinds, metrics,
adapters, reporters and policy packs come through the same group. ``SYNTHGATE_DISABLED_PLUGINS``
(comma-separated entry-point or distribution names) blocks plugins, and
``SYNTHGATE_BUILTIN_PLUGINS_ONLY=1`` loads only synthgate's own entry points (a hermetic mode
for tests).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import pluggy

from synthgate import hookspecs
from synthgate.errors import UsageError
from synthgate.messages import exception_line as _first_line
from synthgate.messages import python_type_name as _type_name

if TYPE_CHECKING:
    import click
    from pluggy import HookImpl

    from synthgate.adapters import ManifestAdapter
    from synthgate.check_contract import CheckKind, Metric
    from synthgate.models import TaskType
    from synthgate.packs import PolicyPack
    from synthgate.reporter_contract import Reporter, ReporterSpec

__all__ = [
    "ADAPTERS",
    "CHECK_KINDS",
    "COMMANDS_PLUGIN",
    "DISTRIBUTION",
    "METRICS",
    "POLICY_PACKS",
    "REGISTRIES",
    "REPORTERS",
    "TAXONOMY",
    "PluginHost",
    "PluginRecord",
    "Registry",
    "RegistryHook",
    "load_plugins",
]

DISTRIBUTION = "synthgate"
COMMANDS_PLUGIN = "synthgate-commands"
"""The entry-point name of the built-in plugin that adds the core's commands."""
_T = TypeVar("_T")


class _BadResult(Exception):
    """A plugin's hook returned something other than its hook's docstring says."""


class RegistryHook(Generic[_T]):
    """A hook whose every plugin contributes named items of one type (check kinds, ...).

    A plain class rather than a dataclass: six of these are made when this module is imported,
    on every command's start.
    """

    __slots__ = ("entries", "hook", "key", "label", "plural", "verb")

    def __init__(
        self,
        hook: str,
        key: str,
        label: str,
        plural: str,
        verb: str,
        entries: Callable[[object], list[tuple[str, _T]]],
    ) -> None:
        self.hook = hook
        """The hook's name, e.g. ``synthgate_register_check_kinds``."""
        self.key = key
        """The key of its items in ``synthgate plugins --format json`` (``check_kinds``)."""
        self.label = label
        """One item in messages (``check kind``)."""
        self.plural = plural
        """Its items in ``synthgate plugins`` (``check kinds``)."""
        self.verb = verb
        """What a plugin does to an item (``registered``, ``defined``), in the clash message."""
        self.entries = entries
        """One plugin's result as (name, item) pairs; raises :class:`_BadResult` when it is
        not what the hook returns."""

    def __repr__(self) -> str:
        return f"RegistryHook({self.hook!r})"


class Registry(Mapping[str, _T]):
    """The items of one :class:`RegistryHook` by name, in pluggy's call order, each with the
    plugin that contributed it."""

    def __init__(
        self,
        hook: RegistryHook[_T],
        items: dict[str, _T],
        owners: dict[str, str],
        describe: Callable[[str], str],
    ) -> None:
        self.hook = hook
        self._items = items
        self._owners = owners
        self._describe = describe

    def __getitem__(self, name: str) -> _T:
        return self._items[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: object) -> bool:  # the dict's, not Mapping's try/except
        return name in self._items

    def __repr__(self) -> str:
        return f"Registry({self.hook.key}: {', '.join(self._items)})"

    def owner(self, name: str) -> str:
        """``plugin (distribution version)`` that contributed ``name``, or ``""``."""
        plugin_name = self._owners.get(name)
        return self._describe(plugin_name) if plugin_name is not None else ""

    def owners(self) -> dict[str, str]:
        """Each name -> the entry-point name of the plugin that contributed it (a copy)."""
        return dict(self._owners)


def _listed(expected: Callable[[], type[_T]]) -> Callable[[object], list[tuple[str, _T]]]:
    """Entries of a hook that returns a list of ``expected()`` objects with a text ``name``
    (``expected`` is imported when first called, to keep the import of this module light)."""

    def entries(items: object) -> list[tuple[str, _T]]:
        cls = expected()
        if not isinstance(items, list | tuple):
            raise _BadResult(f"returned {_type_name(items)}, expected a list of {cls.__name__}")
        out: list[tuple[str, _T]] = []
        for index, item in enumerate(items):
            if not isinstance(item, cls):
                raise _BadResult(
                    f"returned {_type_name(item)} at [{index}], expected a {cls.__name__}"
                )
            name = getattr(item, "name", None)
            if not isinstance(name, str) or not name:
                raise _BadResult(f"returned a {cls.__name__} at [{index}] without a name")
            out.append((name, item))
        return out

    return entries


def _task_types(types: object) -> list[tuple[str, TaskType]]:
    from synthgate.models import TaskType

    if not isinstance(types, dict):
        raise _BadResult(f"returned {_type_name(types)}, expected a dict of task types")
    for key, value in types.items():
        if not isinstance(key, str) or not key or not isinstance(value, TaskType):
            raise _BadResult(
                f"returned {_type_name(value)} under {key!r}, "
                "expected a TaskType under a non-empty name"
            )
    return list(types.items())


def _check_kind() -> type[CheckKind]:
    from synthgate.check_contract import CheckKind

    return CheckKind


def _metric() -> type[Metric]:
    from synthgate.check_contract import Metric

    return Metric


def _adapter() -> type[ManifestAdapter]:
    from synthgate.adapters import ManifestAdapter

    return ManifestAdapter


def _reporter_spec() -> type[ReporterSpec]:
    from synthgate.reporter_contract import ReporterSpec

    return ReporterSpec


def _policy_pack() -> type[PolicyPack]:
    from synthgate.packs import PolicyPack

    return PolicyPack


CHECK_KINDS: RegistryHook[CheckKind] = RegistryHook(
    "synthgate_register_check_kinds",
    "check_kinds",
    "check kind",
    "check kinds",
    "registered",
    _listed(_check_kind),
)
METRICS: RegistryHook[Metric] = RegistryHook(
    "synthgate_register_metrics", "metrics", "metric", "metrics", "registered", _listed(_metric)
)
ADAPTERS: RegistryHook[ManifestAdapter] = RegistryHook(
    "synthgate_register_adapters",
    "adapters",
    "manifest adapter",
    "manifest adapters",
    "registered",
    _listed(_adapter),
)
REPORTERS: RegistryHook[ReporterSpec] = RegistryHook(
    "synthgate_register_reporters",
    "reporters",
    "output format",
    "output formats",
    "registered",
    _listed(_reporter_spec),
)
POLICY_PACKS: RegistryHook[PolicyPack] = RegistryHook(
    "synthgate_register_policy_packs",
    "policy_packs",
    "policy pack",
    "policy packs",
    "registered",
    _listed(_policy_pack),
)
TAXONOMY: RegistryHook[TaskType] = RegistryHook(
    "synthgate_extend_taxonomy", "taxonomy", "task type", "task types", "defined", _task_types
)
REGISTRIES: tuple[RegistryHook[Any], ...] = (
    POLICY_PACKS,
    CHECK_KINDS,
    METRICS,
    REPORTERS,
    ADAPTERS,
    TAXONOMY,
)
"""Every registry hook, in the order ``synthgate plugins`` lists what a plugin provides."""


def _call_order(caller: pluggy.HookCaller) -> list[HookImpl]:
    """The implementations of a hook in the order ``pm.hook.NAME()`` calls them.

    pluggy keeps them in :meth:`~pluggy.HookCaller.get_hookimpls` order (trylast first,
    tryfirst last, registration order within each) and calls that list from its end: the plugin
    registered last is called first, ``tryfirst`` ones before the others and ``trylast`` ones
    after them. Wrappers never get here: :func:`_wrapper_error` refuses them at registration.
    """
    return list(reversed(caller.get_hookimpls()))


def _call(impl: HookImpl, kwargs: Mapping[str, object]) -> object:
    """Call one implementation as pluggy does: the arguments it names, by position, and the
    optional ones it names by keyword when the call gives them."""
    args = [kwargs[name] for name in impl.argnames]
    optional = {name: kwargs[name] for name in impl.kwargnames if name in kwargs}
    return impl.function(*args, **optional)


def _wrapper_error(pm: pluggy.PluginManager, name: str) -> str | None:
    """Why the plugin registered as ``name`` is refused, if one of its implementations is a
    wrapper (``wrapper=True`` or ``hookwrapper=True``)."""
    plugin = pm.get_plugin(name)
    for caller in pm.get_hookcallers(plugin) or []:
        for impl in caller.get_hookimpls():
            if impl.plugin_name == name and (impl.wrapper or impl.hookwrapper):
                flag = "wrapper=True" if impl.wrapper else "hookwrapper=True"
                return (
                    f"refused: its {caller.name} is a hook wrapper ({flag}); synthgate calls "
                    "each plugin's implementation on its own, so there is nothing to wrap "
                    "(drop the flag and return the hook's result)"
                )
    return None


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

    @property
    def in_reports(self) -> bool:
        """False for synthgate's own ``synthgate-commands`` only: the core's commands decide
        nothing an audit finds, so a report's list of plugins (and the context key) stays what
        it was before they came through a plugin."""
        return not (self.builtin and self.name == COMMANDS_PLUGIN)


def _disabled_from_env() -> frozenset[str]:
    raw = os.environ.get("SYNTHGATE_DISABLED_PLUGINS", "")
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


class PluginHost:
    """One typed method per hook; each plugin's implementation is called on its own, in the
    order pluggy would call it."""

    def __init__(self, pm: pluggy.PluginManager, records: list[PluginRecord]) -> None:
        self.pm = pm
        self.records = records
        self._by_plugin: dict[str, PluginRecord] = {}
        # Under a name taken twice, the first record that is not blocked is the one registered.
        for record in sorted(records, key=lambda r: r.disabled):
            self._by_plugin.setdefault(record.name, record)
        self._registries: dict[str, Registry[Any]] = {}
        self._guarded: dict[str, ReporterSpec] | None = None
        self._reporter_failures: list[str] = []

    @classmethod
    def from_plugins(cls, plugins: Iterable[tuple[str, object]]) -> PluginHost:
        """A host over in-process plugin objects (modules or instances), e.g. for tests.

        A misspelt hook or a wrapper raises :class:`pluggy.PluginValidationError` at once.
        """
        pm = pluggy.PluginManager(hookspecs.PROJECT)
        pm.add_hookspecs(hookspecs)
        records = []
        for name, plugin in plugins:
            pm.register(plugin, name=name)
            refused = _wrapper_error(pm, name)
            if refused is not None:
                raise pluggy.PluginValidationError(plugin, f"plugin {name}: {refused}")
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

    def _call_each(self, hook_name: str, **kwargs: object) -> list[tuple[str, object]]:
        """Each plugin's result, in pluggy's call order; a plugin whose hook raises is left
        out and its record carries the error, so that every other plugin still counts."""
        results: list[tuple[str, object]] = []
        for impl in _call_order(getattr(self.pm.hook, hook_name)):
            try:
                value = _call(impl, kwargs)
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

    def registry(self, hook: RegistryHook[_T]) -> Registry[_T]:
        """Every plugin's items for ``hook``, called once per host.

        A plugin whose result is not what the hook returns is recorded and left out; a name
        given by two plugins is a :class:`~synthgate.errors.UsageError` naming both (and the
        hook is called again next time, so every caller meets the clash).
        """
        cached = self._registries.get(hook.hook)
        if cached is not None:
            return cached
        items: dict[str, _T] = {}
        owners: dict[str, str] = {}
        for plugin_name, result in self._call_each(hook.hook):
            try:
                entries = hook.entries(result)
            except _BadResult as exc:
                self._record_failure(plugin_name, f"{hook.hook} {exc}")
                continue
            for name, item in entries:
                if name in owners:
                    raise self._clash(hook, name, owners[name], plugin_name)
                items[name] = item
                owners[name] = plugin_name
        registry = Registry(hook, items, owners, self.describe)
        self._registries[hook.hook] = registry
        return registry

    def _clash(self, hook: RegistryHook[Any], name: str, *plugin_names: str) -> UsageError:
        """The error for ``name`` given by two plugins, named in the order they loaded."""
        loaded = [record.name for record in self.records]
        first, second = sorted(plugin_names, key=loaded.index)
        return UsageError(
            f"{hook.label} '{name}' is {hook.verb} by two plugins: "
            f"{self.describe(first)} and {self.describe(second)}",
            "uninstall or disable one of them (SYNTHGATE_DISABLED_PLUGINS)",
        )

    def check_kinds(self) -> Registry[CheckKind]:
        """All registered check kinds by name."""
        return self.registry(CHECK_KINDS)

    def metrics(self) -> Registry[Metric]:
        """All registered metrics by name."""
        return self.registry(METRICS)

    def adapters(self) -> Registry[ManifestAdapter]:
        """All registered manifest adapters by name, in call order (the order they are tried)."""
        return self.registry(ADAPTERS)

    def reporters(self) -> Registry[ReporterSpec]:
        """All registered output formats by name."""
        return self.registry(REPORTERS)

    def policy_packs(self) -> Registry[PolicyPack]:
        """All registered policy packs by name."""
        return self.registry(POLICY_PACKS)

    def taxonomy(self) -> Registry[TaskType]:
        """Task types added by plugins, by name."""
        return self.registry(TAXONOMY)

    def guarded_reporters(self) -> dict[str, ReporterSpec]:
        """:meth:`reporters`, each guarded so that one format's crash spares the others.

        A spec's ``load`` that raises, or returns no :class:`~synthgate.plugin.Reporter`
        class, is a usage error naming the plugin and its version. The class it returns is a
        subclass whose ``__init__``, ``start``, ``add`` and ``finish`` catch what the plugin's
        code raises: the failure is recorded on the plugin and in :meth:`reporter_failures`,
        the instance's ``failed`` is set, and it ignores every later call.
        """
        from synthgate.reporter_contract import ReporterSpec

        if self._guarded is not None:
            return self._guarded
        specs = self.reporters()
        owners = specs.owners()
        self._guarded = {
            name: ReporterSpec(spec.name, spec.summary, self._guarded_load(spec, owners[name]))
            for name, spec in specs.items()
        }
        return self._guarded

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

    def add_commands(self, cli: click.Group) -> None:
        """Let plugins add sub-commands, in pluggy's call order.

        One that raises is recorded, and keeps what it added before raising. A command name
        that two plugins add goes to the plugin that loaded first (synthgate's own load before
        any other), and the other is recorded as left out for it.
        """
        owners: dict[str, str] = {}
        for impl in _call_order(self.pm.hook.synthgate_add_commands):
            before = dict(cli.commands)
            try:
                _call(impl, {"cli": cli})
            except Exception as exc:
                self._record_failure(
                    impl.plugin_name, f"failed in synthgate_add_commands: {_first_line(exc)}"
                )
            for name, command in list(cli.commands.items()):
                if name not in before:
                    owners[name] = impl.plugin_name
                elif before[name] is not command:
                    self._command_clash(cli, name, before[name], owners, impl.plugin_name)

    def _command_clash(
        self,
        cli: click.Group,
        name: str,
        earlier: click.Command,
        owners: dict[str, str],
        plugin_name: str,
    ) -> None:
        """``plugin_name`` replaced the command ``name`` that an earlier call added."""
        loaded = [record.name for record in self.records]
        first = owners.get(name, plugin_name)
        if loaded.index(plugin_name) < loaded.index(first):
            owners[name] = plugin_name  # the new command stays; the other one is left out
            plugin_name, first = first, plugin_name
        else:
            cli.commands[name] = earlier
        self._record_failure(
            plugin_name,
            f"synthgate_add_commands: command '{name}' is already added by "
            f"{self.describe(first)}; left out",
        )


def load_plugins(
    *,
    builtin_only: bool | None = None,
    disabled: Iterable[str] | None = None,
) -> PluginHost:
    """Load every plugin of the ``synthgate`` entry-point group into a :class:`PluginHost`.

    A plugin that fails to import, implements a hook that does not exist, implements one as a
    wrapper, or comes under an entry-point name already taken is recorded with its error
    (``synthgate plugins`` shows it) and left out; the others load. A blocked plugin is
    recorded with ``disabled=True``.
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
        record.error = _register(pm, ep)
    host = PluginHost(pm, records)
    host._fill_hooks()
    return host


def _register(pm: pluggy.PluginManager, ep: Any) -> str | None:
    """Load and register one entry point; why it is left out, if it is."""
    try:
        plugin = ep.load()
        pm.register(plugin, name=ep.name)
    except Exception as exc:
        return f"failed to load: {_first_line(exc)}"
    refused = _wrapper_error(pm, ep.name)
    if refused is not None:
        pm.unregister(name=ep.name)
        return refused
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        pm.unregister(name=ep.name)
        return f"invalid hook implementation: {exc}"
    return None


def _entry_point_order(ep: Any) -> tuple[int, str]:
    builtin = ep.dist is not None and ep.dist.name == DISTRIBUTION
    return (0 if builtin else 1, ep.name)

"""Plugin loading: built-in entry points, blocking, clashes, crashing hooks, inline plugins."""

from __future__ import annotations

import importlib.metadata
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import click
import pluggy
import pytest
from pydantic import BaseModel, ConfigDict

import synthgate
import synthgate.models
import synthgate.plugin
import synthgate_plugins.checks
import synthgate_plugins.metrics
import synthgate_plugins.packs
from synthgate.check_contract import CheckContext, CheckKind, Metric, Outcome, ScopeView
from synthgate.errors import UsageError
from synthgate.models import TaskType
from synthgate.plugins import CHECK_KINDS, METRICS, PluginHost, load_plugins
from synthgate.policy import load_policy

POLICIES = Path(__file__).parents[1] / "fixtures" / "policies"
BUILTINS = {
    "synthgate-adapters": "synthgate_register_adapters",
    "synthgate-checks": "synthgate_register_check_kinds",
    "synthgate-commands": "synthgate_add_commands",
    "synthgate-metrics": "synthgate_register_metrics",
    "synthgate-packs": "synthgate_register_policy_packs",
    "synthgate-reports": "synthgate_register_reporters",
}
BUILTIN_MODULES: list[tuple[str, object]] = [
    ("synthgate-checks", synthgate_plugins.checks),
    ("synthgate-metrics", synthgate_plugins.metrics),
    ("synthgate-packs", synthgate_plugins.packs),
]


# --------------------------------------------------------------------------- inline plugins


class _NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _always_warn(scope: ScopeView, params: Any, context: CheckContext) -> list[Outcome]:
    return [Outcome("warn", "always", "never", "this check always warns")]


def _syllables(scope: ScopeView) -> int:
    return 17


class HaikuPlugin:
    """A complete inline plugin: a check kind, a metric and a task type."""

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        return [CheckKind("always-warn", "Always warns.", _NoParams, _always_warn)]

    @synthgate.plugin.hookimpl
    def synthgate_register_metrics(self) -> list[Metric]:
        return [Metric("syllables", "Syllables per haiku.", _syllables, "nothing")]

    @synthgate.plugin.hookimpl
    def synthgate_extend_taxonomy(self) -> dict[str, TaskType]:
        return {"haiku": TaskType(verifiability="subjective", aliases=["haiku-writing"])}


class CopycatPlugin:
    """Registers a check kind and a metric under names the built-ins already use."""

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        return [CheckKind("threshold", "A second threshold.", _NoParams, _always_warn)]

    @synthgate.plugin.hookimpl
    def synthgate_register_metrics(self) -> list[Metric]:
        return [Metric("audited_items", "A second count.", _syllables)]


class BrokenPlugin:
    """Every hook raises."""

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        raise ValueError("no kinds today")

    @synthgate.plugin.hookimpl
    def synthgate_extend_taxonomy(self) -> dict[str, TaskType]:
        raise KeyError("taxonomy")


class MisspeltPlugin:
    """Implements a hook that does not exist."""

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kind(self) -> list[CheckKind]:  # missing 's'
        return []


# --------------------------------------------------------------------------- fake entry points


@dataclass(frozen=True)
class FakeDist:
    name: str
    version: str


@dataclass(frozen=True)
class FakeEntryPoint:
    """Just what load_plugins reads of an importlib.metadata.EntryPoint."""

    name: str
    dist: FakeDist | None
    target: Callable[[], object]

    def load(self) -> object:
        return self.target()


def _fail_import() -> object:
    raise ImportError("No module named 'haiku_plugin'")


def third_party(name: str, target: Callable[[], object], dist: str = "haiku") -> FakeEntryPoint:
    return FakeEntryPoint(name, FakeDist(dist, "1.2.3"), target)


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Pretend that extra entry points of group 'synthgate' are installed."""
    # synthgate's own entry points only: a plugin installed in the environment stays out.
    real = [
        ep
        for ep in importlib.metadata.entry_points(group="synthgate")
        if ep.dist is not None and ep.dist.name == "synthgate"
    ]

    def install(*extra: FakeEntryPoint) -> None:
        def entry_points(**kwargs: Any) -> list[Any]:
            assert kwargs == {"group": "synthgate"}
            return [*extra, *real]  # third-party first: load order must not depend on this

        monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)

    return install


# --------------------------------------------------------------------------- built-ins


def test_builtin_entry_points_are_declared() -> None:
    declared = {ep.name for ep in importlib.metadata.entry_points(group="synthgate")}
    assert set(BUILTINS) <= declared


def test_builtin_plugins_load_through_their_entry_points() -> None:
    host = load_plugins(builtin_only=True, disabled=())
    version = importlib.metadata.version("synthgate")
    assert [r.name for r in host.records] == sorted(BUILTINS)
    for record in host.records:
        assert record.error is None, record
        assert record.builtin
        assert (record.distribution, record.version) == ("synthgate", version)
        assert record.hooks == [BUILTINS[record.name]]
        assert host.describe(record.name) == f"{record.name} (synthgate {version})"


def test_builtin_plugins_provide_kinds_metrics_packs_adapters_and_reporters() -> None:
    host = load_plugins(builtin_only=True, disabled=())
    assert set(host.check_kinds()) == {k.name for k in synthgate_plugins.checks.CHECK_KINDS}
    assert {"threshold", "required", "generator-independence", "json-schema"} <= set(
        host.check_kinds()
    )
    assert {"synthetic_share_records", "verified_share"} <= set(host.metrics())
    assert "default" in host.policy_packs()
    assert "native" in host.adapters()
    assert {"text", "json"} <= set(host.reporters())
    assert host.taxonomy() == {}


@pytest.mark.parametrize(
    ("blocked", "gone"),
    [
        ("synthgate-reports", {"synthgate-reports"}),
        ("synthgate-metrics, synthgate-reports", {"synthgate-metrics", "synthgate-reports"}),
        (" ,synthgate-packs,, ", {"synthgate-packs"}),
        ("synthgate", set(BUILTINS)),  # a distribution name blocks all its entry points
        ("synthgate-check", set()),  # names are matched exactly
    ],
    ids=["one", "two", "blanks", "distribution", "no-prefix-match"],
)
def test_disabled_plugins_env_blocks_by_name(
    monkeypatch: pytest.MonkeyPatch, blocked: str, gone: set[str]
) -> None:
    monkeypatch.setenv("SYNTHGATE_DISABLED_PLUGINS", blocked)
    host = load_plugins(builtin_only=True)
    assert {r.name for r in host.records} == set(BUILTINS)  # listed, blocked or not
    assert {r.name for r in host.records if r.disabled} == gone
    for record in host.records:
        assert record.error is None
        assert (host.pm.get_plugin(record.name) is None) is record.disabled
        assert (record.hooks == []) is record.disabled
    assert (host.metrics() == {}) is ("synthgate-metrics" in gone)
    assert (host.check_kinds() == {}) is ("synthgate-checks" in gone)


def test_an_explicit_disabled_list_overrides_the_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHGATE_DISABLED_PLUGINS", "synthgate-checks")
    assert {r.name for r in load_plugins(builtin_only=True, disabled=()).records} == set(BUILTINS)
    host = load_plugins(builtin_only=True, disabled=["synthgate-packs"])
    assert "synthgate-checks" in {r.name for r in host.records}
    assert host.policy_packs() == {}


def test_a_blocked_check_plugin_makes_the_default_policy_fail_to_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SYNTHGATE_DISABLED_PLUGINS", "synthgate-checks")
    host = load_plugins(builtin_only=True)
    with pytest.raises(synthgate.PolicyError, match="unknown check kind 'threshold'"):
        load_policy("default", host)


# --------------------------------------------------------------------------- third-party plugins


def test_third_party_plugins_load_after_the_builtins(installed: Callable[..., None]) -> None:
    installed(third_party("haiku", HaikuPlugin))
    host = load_plugins(builtin_only=False, disabled=())
    assert [r.name for r in host.records] == [*sorted(BUILTINS), "haiku"]
    record = host.records[-1]
    assert (record.distribution, record.version, record.builtin, record.error) == (
        "haiku",
        "1.2.3",
        False,
        None,
    )
    assert record.hooks == [
        "synthgate_extend_taxonomy",
        "synthgate_register_check_kinds",
        "synthgate_register_metrics",
    ]
    assert "always-warn" in host.check_kinds()
    assert host.taxonomy()["haiku"].verifiability == "subjective"


@pytest.mark.parametrize(("env", "loaded"), [("1", False), ("0", True), ("", True)])
def test_builtin_only_env_keeps_third_party_plugins_out(
    monkeypatch: pytest.MonkeyPatch, installed: Callable[..., None], env: str, loaded: bool
) -> None:
    installed(third_party("haiku", HaikuPlugin))
    monkeypatch.setenv("SYNTHGATE_BUILTIN_PLUGINS_ONLY", env)
    host = load_plugins(disabled=())
    assert ("haiku" in {r.name for r in host.records}) is loaded


def test_third_party_plugins_are_blocked_by_entry_point_or_distribution_name(
    monkeypatch: pytest.MonkeyPatch, installed: Callable[..., None]
) -> None:
    installed(third_party("haiku", HaikuPlugin, dist="haiku-dist"))
    for blocked in ("haiku", "haiku-dist"):
        monkeypatch.setenv("SYNTHGATE_DISABLED_PLUGINS", blocked)
        host = load_plugins(builtin_only=False)
        (record,) = [r for r in host.records if r.name == "haiku"]
        assert (record.disabled, record.error, record.hooks) == (True, None, [])
        assert host.pm.get_plugin("haiku") is None
        assert "always-warn" not in host.check_kinds()
        assert host.errors() == []


def test_a_plugin_that_fails_to_import_is_recorded_and_the_rest_load(
    installed: Callable[..., None],
) -> None:
    installed(third_party("haiku", _fail_import))
    host = load_plugins(builtin_only=False, disabled=())
    record = next(r for r in host.records if r.name == "haiku")
    assert record.error == "failed to load: ImportError: No module named 'haiku_plugin'"
    assert record.hooks == []
    assert "threshold" in host.check_kinds()


def test_a_misspelt_hook_is_recorded_and_the_plugin_left_out(
    installed: Callable[..., None],
) -> None:
    installed(third_party("misspelt", MisspeltPlugin))
    host = load_plugins(builtin_only=False, disabled=())
    record = next(r for r in host.records if r.name == "misspelt")
    assert record.error is not None
    assert record.error.startswith("invalid hook implementation")
    assert "synthgate_register_check_kind" in record.error
    assert host.pm.get_plugin("misspelt") is None
    assert "threshold" in host.check_kinds()


def test_a_third_party_entry_point_cannot_shadow_a_builtin_name(
    installed: Callable[..., None],
) -> None:
    installed(third_party("synthgate-checks", CopycatPlugin))
    host = load_plugins(builtin_only=False, disabled=())
    builtin, copycat = [r for r in host.records if r.name == "synthgate-checks"]
    version = importlib.metadata.version("synthgate")
    assert (builtin.builtin, builtin.error) == (True, None)
    assert (copycat.builtin, copycat.distribution, copycat.hooks) == (False, "haiku", [])
    assert copycat.error == (
        "not loaded: entry-point name 'synthgate-checks' is already taken by "
        f"synthgate-checks (synthgate {version})"
    )
    assert host.check_kinds()["threshold"].summary != "A second threshold."
    assert host.describe("synthgate-checks") == f"synthgate-checks (synthgate {version})"
    assert host.errors() == [f"plugin synthgate-checks (haiku 1.2.3): {copycat.error}"]


def test_a_third_party_plugin_takes_a_blocked_builtins_name(
    installed: Callable[..., None],
) -> None:
    installed(third_party("synthgate-checks", CopycatPlugin, dist="copycat-dist"))
    host = load_plugins(builtin_only=False, disabled=["synthgate"])
    third = next(r for r in host.records if r.name == "synthgate-checks" and not r.builtin)
    assert (third.error, third.disabled) == (None, False)
    assert host.describe("synthgate-checks") == "synthgate-checks (copycat-dist 1.2.3)"
    assert host.check_kinds()["threshold"].summary == "A second threshold."
    assert host.check_kinds().owner("threshold") == "synthgate-checks (copycat-dist 1.2.3)"


def test_a_clash_between_installed_plugins_names_both_with_versions(
    installed: Callable[..., None],
) -> None:
    installed(third_party("copycat", CopycatPlugin, dist="copycat-dist"))
    host = load_plugins(builtin_only=False, disabled=())
    version = importlib.metadata.version("synthgate")
    with pytest.raises(UsageError) as caught:
        host.check_kinds()
    assert caught.value.message == (
        "check kind 'threshold' is registered by two plugins: "
        f"synthgate-checks (synthgate {version}) and copycat (copycat-dist 1.2.3)"
    )


def test_a_crashing_hook_of_an_installed_plugin_is_named_with_its_version(
    installed: Callable[..., None],
) -> None:
    installed(third_party("broken", BrokenPlugin, dist="broken-dist"))
    host = load_plugins(builtin_only=False, disabled=())
    policy = load_policy("default", host)  # the other plugins still count
    assert policy.rules
    (message,) = host.errors()
    assert message.startswith("plugin broken (broken-dist 1.2.3): failed in ")
    assert "ValueError: no kinds today" in message


# ---------------------------------------------------------------------- PluginHost.from_plugins


def test_from_plugins_registers_only_the_given_plugins() -> None:
    host = PluginHost.from_plugins([*BUILTIN_MODULES, ("haiku", HaikuPlugin())])
    assert [r.name for r in host.records] == [
        "synthgate-checks",
        "synthgate-metrics",
        "synthgate-packs",
        "haiku",
    ]
    assert host.adapters() == {}
    assert host.reporters() == {}
    assert {"threshold", "always-warn"} <= set(host.check_kinds())
    assert host.metrics()["syllables"].declare == "nothing"
    assert host.describe("haiku") == "haiku (haiku 0)"
    assert host.describe("not-loaded") == "not-loaded"


def test_an_inline_plugin_extends_what_a_policy_may_use() -> None:
    host = PluginHost.from_plugins([*BUILTIN_MODULES, ("haiku", HaikuPlugin())])
    policy = load_policy(str(POLICIES / "inline-plugin.yaml"), host)
    syllables, length = policy.rules
    assert syllables.kind.name == "always-warn"
    assert syllables.task_types == frozenset({"haiku"})
    assert length.task_types == frozenset({"haiku"})
    assert policy.verifiability("haiku") == "subjective"


def test_without_the_plugin_the_same_policy_does_not_load() -> None:
    host = PluginHost.from_plugins(BUILTIN_MODULES)
    with pytest.raises(synthgate.PolicyError) as caught:
        load_policy(str(POLICIES / "inline-plugin.yaml"), host)
    messages = [p.message for p in caught.value.problems]
    assert "unknown check kind 'always-warn'" in messages
    assert any("unknown metric 'syllables'" in m for m in messages)


@pytest.mark.parametrize(
    ("method", "what", "name"),
    [("check_kinds", "check kind", "threshold"), ("metrics", "metric", "audited_items")],
)
def test_two_plugins_registering_the_same_name_is_an_error_naming_both(
    method: str, what: str, name: str
) -> None:
    host = PluginHost.from_plugins([*BUILTIN_MODULES, ("copycat", CopycatPlugin())])
    with pytest.raises(UsageError) as caught:
        getattr(host, method)()
    message = caught.value.message
    assert message.startswith(f"{what} '{name}' is registered by two plugins: ")
    assert "synthgate-" in message
    assert "copycat (copycat 0)" in message
    assert "SYNTHGATE_DISABLED_PLUGINS" in caught.value.hint


@pytest.mark.parametrize(
    ("method", "hook", "error"),
    [
        ("check_kinds", "synthgate_register_check_kinds", "ValueError: no kinds today"),
        ("taxonomy", "synthgate_extend_taxonomy", "KeyError: 'taxonomy'"),
    ],
)
def test_a_hook_that_raises_is_recorded_and_left_out(method: str, hook: str, error: str) -> None:
    host = PluginHost.from_plugins([*BUILTIN_MODULES, ("broken", BrokenPlugin())])
    result = getattr(host, method)()
    if method == "check_kinds":
        assert "threshold" in result  # the built-in kinds are still there
    (record,) = [r for r in host.records if r.name == "broken"]
    assert record.error == f"failed in {hook}: {error}"
    assert host.errors() == [f"plugin broken (broken 0): failed in {hook}: {error}"]


def test_from_plugins_rejects_a_misspelt_hook_at_once() -> None:
    with pytest.raises(pluggy.PluginValidationError, match="synthgate_register_check_kind"):
        PluginHost.from_plugins([("misspelt", MisspeltPlugin())])


def test_results_are_computed_once_per_host() -> None:
    calls: list[str] = []

    class Counting:
        @synthgate.plugin.hookimpl
        def synthgate_register_metrics(self) -> list[Metric]:
            calls.append("metrics")
            return []

        @synthgate.plugin.hookimpl
        def synthgate_extend_taxonomy(self) -> dict[str, TaskType]:
            calls.append("taxonomy")
            return {}

    host = PluginHost.from_plugins([("counting", Counting())])
    for _ in range(3):
        assert host.metrics() == {}
        assert host.taxonomy() == {}
    assert calls == ["metrics", "taxonomy"]


# --------------------------------------------------------------------------- owners


def test_owner_names_the_plugin_that_registered_each_name() -> None:
    host = PluginHost.from_plugins([*BUILTIN_MODULES, ("haiku", HaikuPlugin())])
    assert host.check_kinds().owner("threshold") == "synthgate-checks (synthgate-checks 0)"
    assert host.registry(CHECK_KINDS).owner("always-warn") == "haiku (haiku 0)"
    assert host.metrics().owner("syllables") == "haiku (haiku 0)"
    assert host.metrics().owner("audited_items") == "synthgate-metrics (synthgate-metrics 0)"
    assert host.policy_packs().owner("default") == "synthgate-packs (synthgate-packs 0)"
    assert host.taxonomy().owner("haiku") == "haiku (haiku 0)"
    assert host.metrics().owner("no-such-metric") == ""


def test_owner_calls_each_hook_once_through_the_facade() -> None:
    calls: list[str] = []

    class Counting:
        @synthgate.plugin.hookimpl
        def synthgate_register_metrics(self) -> list[Metric]:
            calls.append("metrics")
            return [Metric("one", "One.", _syllables)]

    host = PluginHost.from_plugins([("counting", Counting())])
    assert host.metrics().owner("one") == "counting (counting 0)"
    assert host.registry(METRICS).owner("one") == "counting (counting 0)"
    assert list(host.metrics()) == ["one"]
    assert calls == ["metrics"]


def test_a_policy_names_the_owner_of_each_check_kind_and_metric() -> None:
    host = PluginHost.from_plugins([*BUILTIN_MODULES, ("haiku", HaikuPlugin())])
    policy = load_policy(str(POLICIES / "inline-plugin.yaml"), host)
    assert [rule.plugin for rule in policy.rules] == [
        "haiku (haiku 0)",
        "synthgate-checks (synthgate-checks 0)",
    ]
    assert policy.metric_owners["syllables"] == "haiku (haiku 0)"
    assert policy.metric_owners["audited_items"] == "synthgate-metrics (synthgate-metrics 0)"


# --------------------------------------------------------------------------- malformed results


class _Kind:
    """Has a name, but is no CheckKind."""

    name = "impostor"


class _Nameless:
    @synthgate.plugin.hookimpl
    def synthgate_register_metrics(self) -> list[Metric]:
        return [Metric("", "No name.", _syllables)]


class _Returns:
    """Each hook returns what it was given, right or wrong."""

    def __init__(self, kinds: Any = None, taxonomy: Any = None) -> None:
        self.kinds, self.types = kinds, taxonomy

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kinds(self) -> Any:
        return self.kinds

    @synthgate.plugin.hookimpl
    def synthgate_extend_taxonomy(self) -> Any:
        return self.types


@pytest.mark.parametrize(
    ("plugin", "method", "error"),
    [
        pytest.param(
            _Returns(kinds={"threshold": None}),
            "check_kinds",
            "synthgate_register_check_kinds returned a dict, expected a list of CheckKind",
            id="kinds-not-a-list",
        ),
        pytest.param(
            _Returns(kinds="always-warn"),
            "check_kinds",
            "synthgate_register_check_kinds returned a str, expected a list of CheckKind",
            id="kinds-a-string",
        ),
        pytest.param(
            _Returns(kinds=[CheckKind("fine", "Fine.", _NoParams, _always_warn), _Kind()]),
            "check_kinds",
            "synthgate_register_check_kinds returned a _Kind at [1], expected a CheckKind",
            id="an-item-of-the-wrong-type",
        ),
        pytest.param(
            _Returns(kinds=[object()]),
            "check_kinds",
            "synthgate_register_check_kinds returned a object at [0], expected a CheckKind",
            id="an-item-without-a-name",
        ),
        pytest.param(
            _Nameless(),
            "metrics",
            "synthgate_register_metrics returned a Metric at [0] without a name",
            id="an-empty-name",
        ),
        pytest.param(
            _Returns(taxonomy=[TaskType(verifiability="subjective")]),
            "taxonomy",
            "synthgate_extend_taxonomy returned a list, expected a dict of task types",
            id="taxonomy-not-a-dict",
        ),
        pytest.param(
            _Returns(taxonomy={"poems": {"verifiability": "subjective"}}),
            "taxonomy",
            "synthgate_extend_taxonomy returned a dict under 'poems', expected a TaskType "
            "under a non-empty name",
            id="taxonomy-value-not-a-task-type",
        ),
    ],
)
def test_a_hook_returning_the_wrong_shape_is_recorded_and_left_out(
    plugin: object, method: str, error: str
) -> None:
    host = PluginHost.from_plugins([*BUILTIN_MODULES, ("odd", plugin)])
    result = getattr(host, method)()
    (record,) = [r for r in host.records if r.name == "odd"]
    assert record.error == error
    assert host.errors() == [f"plugin odd (odd 0): {error}"]
    builtins = {
        "check_kinds": {k.name for k in synthgate_plugins.checks.CHECK_KINDS},
        "metrics": {m.name for m in synthgate_plugins.metrics.METRICS},
        "taxonomy": set(),
    }
    assert set(result) == builtins[method]  # the others' results, without the odd one's


def test_a_task_type_defined_by_two_plugins_is_an_error_naming_both() -> None:
    first = _Returns(taxonomy={"poems": TaskType(verifiability="subjective")})
    second = _Returns(taxonomy={"poems": TaskType(verifiability="verifiable")})
    host = PluginHost.from_plugins([("first", first), ("second", second)])
    with pytest.raises(UsageError) as caught:
        host.taxonomy()
    assert caught.value.message == (
        "task type 'poems' is defined by two plugins: first (first 0) and second (second 0)"
    )
    assert "SYNTHGATE_DISABLED_PLUGINS" in caught.value.hint


def test_a_crash_is_recorded_by_the_first_line_of_its_message() -> None:
    class Verbose:
        @synthgate.plugin.hookimpl
        def synthgate_register_metrics(self) -> list[Metric]:
            raise ValueError("first line\n  second line\n  third line")

    host = PluginHost.from_plugins([("verbose", Verbose())])
    assert host.metrics() == {}
    assert host.errors() == [
        "plugin verbose (verbose 0): failed in synthgate_register_metrics: ValueError: first line"
    ]


# --------------------------------------------------------------------------- reporters


class _Exploding(synthgate.plugin.Reporter):
    def add(self, result: synthgate.ManifestResult) -> None:
        raise ValueError("reporter exploded\nsecond line")


class _Counting(synthgate.plugin.Reporter):
    calls: ClassVar[list[str]] = []

    def start(self) -> None:
        self.calls.append("start")

    def add(self, result: synthgate.ManifestResult) -> None:
        self.calls.append("add")

    def finish(self, totals: synthgate.Totals, verdict: synthgate.Verdict) -> None:
        self.calls.append("finish")


def _unloadable() -> type[synthgate.plugin.Reporter]:
    raise ImportError("No module named 'fancy_tables'")


class _Formats:
    """Registers the output formats it is given."""

    def __init__(self, *specs: synthgate.plugin.ReporterSpec) -> None:
        self.specs = list(specs)

    @synthgate.plugin.hookimpl
    def synthgate_register_reporters(self) -> list[synthgate.plugin.ReporterSpec]:
        return self.specs


def _feed(reporter: synthgate.plugin.Reporter) -> None:
    result = synthgate.ManifestResult.model_construct(path="m.yaml", findings=[])
    reporter.start()
    reporter.add(result)
    reporter.add(result)
    reporter.finish(synthgate.Totals(manifests=1, findings=synthgate.models.empty_counts()), "pass")


def test_a_crashing_reporter_is_recorded_and_the_others_are_fed() -> None:
    host = PluginHost.from_plugins(
        [
            (
                "fine",
                _Formats(synthgate.plugin.ReporterSpec("count", "Counts.", lambda: _Counting)),
            ),
            (
                "boom",
                _Formats(synthgate.plugin.ReporterSpec("boom", "Crashes.", lambda: _Exploding)),
            ),
        ]
    )
    specs = host.guarded_reporters()
    assert host.guarded_reporters() is specs  # computed once
    run = synthgate.plugin.RunInfo(version="0", policies=[], plugins=[])
    boom = specs["boom"].load()(io.StringIO(), run)
    _Counting.calls = []
    count = specs["count"].load()(io.StringIO(), run)
    for reporter in (boom, count):
        _feed(reporter)
    assert _Counting.calls == ["start", "add", "add", "finish"]
    assert (getattr(boom, "failed", None), getattr(count, "failed", None)) == (True, False)
    message = (
        "output format 'boom' of plugin boom (boom 0) crashed in add: ValueError: reporter exploded"
    )
    assert host.reporter_failures() == [message]  # once: later calls are ignored
    assert host.errors() == [
        "plugin boom (boom 0): output format 'boom' crashed in add: ValueError: reporter exploded"
    ]


def test_a_guarded_reporter_keeps_the_name_and_options_of_its_class() -> None:
    host = PluginHost.from_plugins(
        [("fine", _Formats(synthgate.plugin.ReporterSpec("count", "Counts.", lambda: _Counting)))]
    )
    cls = host.guarded_reporters()["count"].load()
    assert issubclass(cls, _Counting)
    assert (cls.__name__, cls.wants_passes) == ("_Counting", False)
    assert host.reporters()["count"].load() is _Counting  # the unguarded registry is unchanged


@pytest.mark.parametrize(
    ("load", "message"),
    [
        (
            _unloadable,
            "output format 'fancy' of plugin odd (odd 0) failed to load: "
            "ImportError: No module named 'fancy_tables'",
        ),
        (
            lambda: "a class name",
            "output format 'fancy' of plugin odd (odd 0) loaded a str, expected a Reporter class",
        ),
    ],
    ids=["raises", "not-a-reporter"],
)
def test_a_reporter_that_cannot_load_is_a_usage_error_naming_its_plugin(
    load: Callable[[], Any], message: str
) -> None:
    host = PluginHost.from_plugins(
        [("odd", _Formats(synthgate.plugin.ReporterSpec("fancy", "F.", load)))]
    )
    with pytest.raises(UsageError) as caught:
        host.guarded_reporters()["fancy"].load()
    assert caught.value.message == message
    (recorded,) = host.errors()
    assert recorded == "plugin odd (odd 0): " + message.replace(" of plugin odd (odd 0)", "")


def test_two_plugins_registering_one_output_format_are_both_named() -> None:
    spec = synthgate.plugin.ReporterSpec("json", "Another json.", lambda: _Counting)
    host = PluginHost.from_plugins([("first", _Formats(spec)), ("second", _Formats(spec))])
    for method in (host.reporters, host.guarded_reporters):
        with pytest.raises(UsageError) as caught:
            method()
        assert caught.value.message == (
            "output format 'json' is registered by two plugins: first (first 0) and "
            "second (second 0)"
        )


def test_owners_maps_each_name_to_its_plugin() -> None:
    host = PluginHost.from_plugins([*BUILTIN_MODULES, ("haiku", HaikuPlugin())])
    owners = host.check_kinds().owners()
    assert owners["always-warn"] == "haiku"
    assert owners["threshold"] == "synthgate-checks"
    owners["threshold"] = "changed"  # a copy: the host's record is unchanged
    assert host.check_kinds().owner("threshold") == "synthgate-checks (synthgate-checks 0)"


# --------------------------------------------------------------------------- packs


class _Packs:
    """Registers one policy pack written to a file."""

    def __init__(self, name: str, path: Path) -> None:
        self.name, self.path = name, path

    @synthgate.plugin.hookimpl
    def synthgate_register_policy_packs(self) -> list[synthgate.plugin.PolicyPack]:
        return [synthgate.plugin.PolicyPack(self.name, "A pack.", self.path)]


def _pack_file(tmp_path: Path, name: str, code: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f'name: {name}\nversion: "1"\nrules:\n  - code: {code}\n    name: {name}-rule\n'
        "    summary: A rule.\n    check: {kind: required, facts: [name]}\n",
        encoding="utf-8",
    )
    return path


def test_one_rule_code_in_two_plugins_packs_is_an_error_naming_both(tmp_path: Path) -> None:
    host = PluginHost.from_plugins(
        [
            *BUILTIN_MODULES,
            ("first", _Packs("alpha", _pack_file(tmp_path, "alpha", "XX001"))),
            ("second", _Packs("beta", _pack_file(tmp_path, "beta", "XX001"))),
        ]
    )
    both = tmp_path / "both.yaml"
    both.write_text('name: both\nversion: "1"\nextends: [alpha, beta]\n', encoding="utf-8")
    with pytest.raises(synthgate.PolicyError) as caught:
        load_policy(str(both), host)
    (problem,) = caught.value.problems
    assert problem.path == "<pack beta>"
    assert problem.message == (
        "rule XX001 (beta-rule) is already defined at <pack alpha>:4 "
        "(by pack 'alpha' of plugin first (first 0); again by pack 'beta' of plugin second "
        "(second 0))"
    )
    assert "SYNTHGATE_DISABLED_PLUGINS" in problem.hint


def test_a_pack_that_redefines_a_code_of_a_user_file_keeps_the_plain_message(
    tmp_path: Path,
) -> None:
    host = PluginHost.from_plugins(
        [*BUILTIN_MODULES, ("first", _Packs("alpha", _pack_file(tmp_path, "alpha", "XX001")))]
    )
    mine = _pack_file(tmp_path, "mine", "XX001")
    mine.write_text(mine.read_text(encoding="utf-8") + "extends: [alpha]\n", encoding="utf-8")
    with pytest.raises(synthgate.PolicyError) as caught:
        load_policy(str(mine), host)
    (problem,) = caught.value.problems
    assert problem.message == "rule XX001 (mine-rule) is already defined at <pack alpha>:4"
    assert "overrides" in problem.hint


@pytest.mark.parametrize(
    ("method", "what"),
    [("policy_packs", "policy pack"), ("adapters", "manifest adapter")],
)
def test_two_plugins_registering_one_pack_or_adapter_are_both_named(
    tmp_path: Path, method: str, what: str
) -> None:
    class _Adapters:
        @synthgate.plugin.hookimpl
        def synthgate_register_adapters(self) -> list[synthgate.plugin.ManifestAdapter]:
            return [
                synthgate.plugin.ManifestAdapter(
                    "cards", "Cards.", ("*.card",), lambda path, shown, limits: None
                )
            ]

    def plugin() -> object:
        if method == "adapters":
            return _Adapters()
        return _Packs("alpha", _pack_file(tmp_path, "alpha", "XX001"))

    host = PluginHost.from_plugins([("first", plugin()), ("second", plugin())])
    with pytest.raises(UsageError) as caught:
        getattr(host, method)()
    assert caught.value.message.startswith(f"{what} '")
    assert caught.value.message.endswith(
        "is registered by two plugins: first (first 0) and second (second 0)"
    )


# --------------------------------------------------------------------------- pluggy's order


def _named_metric(name: str, *, tryfirst: bool = False, trylast: bool = False) -> object:
    """A plugin that registers one metric called after the plugin."""

    class Plugin:
        @synthgate.plugin.hookimpl(tryfirst=tryfirst, trylast=trylast)
        def synthgate_register_metrics(self) -> list[Metric]:
            return [Metric(name, f"{name}.", _syllables)]

    return Plugin()


def _raising_metrics(*, tryfirst: bool = False) -> object:
    class Plugin:
        @synthgate.plugin.hookimpl(tryfirst=tryfirst)
        def synthgate_register_metrics(self) -> list[Metric]:
            raise RuntimeError("no metrics today")

    return Plugin()


ORDERED = [
    ("early", _named_metric("early")),
    ("last", _named_metric("last", trylast=True)),
    ("first", _named_metric("first", tryfirst=True)),
    ("late", _named_metric("late")),
    ("also-first", _named_metric("also-first", tryfirst=True)),
]


def test_results_come_in_pluggys_call_order() -> None:
    host = PluginHost.from_plugins(ORDERED)
    # What pluggy's documentation says: tryfirst ones first, trylast ones last, and within
    # each group the plugin registered last is called first (LIFO).
    assert list(host.metrics()) == ["also-first", "first", "late", "early", "last"]
    # What pluggy itself does with the same plugins, called the ordinary way.
    by_pluggy = [m.name for result in host.pm.hook.synthgate_register_metrics() for m in result]
    assert list(host.metrics()) == by_pluggy


def test_a_crash_keeps_the_others_in_order() -> None:
    host = PluginHost.from_plugins([*ORDERED, ("broken", _raising_metrics(tryfirst=True))])
    assert list(host.metrics()) == ["also-first", "first", "late", "early", "last"]
    assert host.errors() == [
        "plugin broken (broken 0): failed in synthgate_register_metrics: "
        "RuntimeError: no metrics today"
    ]


def test_adapters_are_tried_in_call_order(installed: Callable[..., None]) -> None:
    class CardAdapter:
        @synthgate.plugin.hookimpl(trylast=True)
        def synthgate_register_adapters(self) -> list[synthgate.plugin.ManifestAdapter]:
            return [
                synthgate.plugin.ManifestAdapter("card", "Cards.", ("*.card",), lambda *a: None)
            ]

    class EarlyAdapter:
        @synthgate.plugin.hookimpl
        def synthgate_register_adapters(self) -> list[synthgate.plugin.ManifestAdapter]:
            return [synthgate.plugin.ManifestAdapter("early", "Early.", ("*.e",), lambda *a: None)]

    installed(third_party("cards", CardAdapter), third_party("early", EarlyAdapter))
    host = load_plugins(builtin_only=False, disabled=())
    names = list(host.adapters())
    # third-party plugins load after synthgate's own, so pluggy calls them first; trylast
    # puts the card adapter behind the built-in ones.
    assert names[0] == "early"
    assert names[-1] == "card"
    builtin = [n for n in names if host.adapters().owner(n).startswith("synthgate-adapters ")]
    assert builtin
    assert names == ["early", *builtin, "card"]


class NewStyleWrapper:
    @synthgate.plugin.hookimpl(wrapper=True)
    def synthgate_register_metrics(self) -> Any:
        result = yield
        return result


class OldStyleWrapper:
    @synthgate.plugin.hookimpl(hookwrapper=True)
    def synthgate_register_check_kinds(self) -> Any:
        yield


@pytest.mark.parametrize(
    ("plugin", "hook", "flag"),
    [
        (NewStyleWrapper, "synthgate_register_metrics", "wrapper=True"),
        (OldStyleWrapper, "synthgate_register_check_kinds", "hookwrapper=True"),
    ],
)
def test_a_wrapper_is_refused_at_load_naming_plugin_and_hook(
    installed: Callable[..., None], plugin: type, hook: str, flag: str
) -> None:
    installed(third_party("wrapping", plugin))
    host = load_plugins(builtin_only=False, disabled=())
    (record,) = [r for r in host.records if r.name == "wrapping"]
    message = (
        f"refused: its {hook} is a hook wrapper ({flag}); synthgate calls each plugin's "
        "implementation on its own, so there is nothing to wrap (drop the flag and return "
        "the hook's result)"
    )
    assert record.error == message
    assert record.hooks == []
    assert host.pm.get_plugin("wrapping") is None
    assert host.errors() == [f"plugin wrapping (haiku 1.2.3): {message}"]
    assert "threshold" in host.check_kinds()  # the others load, and their hooks run
    assert "audited_items" in host.metrics()


def test_from_plugins_refuses_a_wrapper_at_once() -> None:
    with pytest.raises(pluggy.PluginValidationError) as caught:
        PluginHost.from_plugins([*BUILTIN_MODULES, ("wrapping", NewStyleWrapper())])
    assert str(caught.value) == (
        "plugin wrapping: refused: its synthgate_register_metrics is a hook wrapper "
        "(wrapper=True); synthgate calls each plugin's implementation on its own, so there is "
        "nothing to wrap (drop the flag and return the hook's result)"
    )


def test_an_optional_argument_is_passed_as_pluggy_passes_it() -> None:
    seen: list[object] = []

    class Commands:
        @synthgate.plugin.hookimpl
        def synthgate_add_commands(self, cli: click.Group, extra: object = "default") -> None:
            seen.append((cli, extra))

    host = PluginHost.from_plugins([("commands", Commands())])
    group = click.Group()
    host.add_commands(group)
    assert seen == [(group, "default")]  # a keyword the call does not give keeps its default

"""Plugin loading: built-in entry points, blocking, clashes, crashing hooks, inline plugins."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy
import pytest
from pydantic import BaseModel, ConfigDict

import synthgate
import synthgate_plugins.checks
import synthgate_plugins.metrics
import synthgate_plugins.packs
from synthgate.checks import CheckContext, CheckKind, Metric, Outcome, ScopeView
from synthgate.errors import UsageError
from synthgate.models import TaskType
from synthgate.plugins import PluginHost, load_plugins
from synthgate.policy import load_policy

POLICIES = Path(__file__).parents[1] / "fixtures" / "policies"
BUILTINS = {
    "synthgate-adapters": "synthgate_register_adapters",
    "synthgate-checks": "synthgate_register_check_kinds",
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

    @synthgate.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        return [CheckKind("always-warn", "Always warns.", _NoParams, _always_warn)]

    @synthgate.hookimpl
    def synthgate_register_metrics(self) -> list[Metric]:
        return [Metric("syllables", "Syllables per haiku.", _syllables, "nothing")]

    @synthgate.hookimpl
    def synthgate_extend_taxonomy(self) -> dict[str, TaskType]:
        return {"haiku": TaskType(verifiability="subjective", aliases=["haiku-writing"])}


class CopycatPlugin:
    """Registers a check kind and a metric under names the built-ins already use."""

    @synthgate.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        return [CheckKind("threshold", "A second threshold.", _NoParams, _always_warn)]

    @synthgate.hookimpl
    def synthgate_register_metrics(self) -> list[Metric]:
        return [Metric("audited_items", "A second count.", _syllables)]


class BrokenPlugin:
    """Every hook raises."""

    @synthgate.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        raise ValueError("no kinds today")

    @synthgate.hookimpl
    def synthgate_extend_taxonomy(self) -> dict[str, TaskType]:
        raise KeyError("taxonomy")


class MisspeltPlugin:
    """Implements a hook that does not exist."""

    @synthgate.hookimpl
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
    real = list(importlib.metadata.entry_points(group="synthgate"))

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
    assert set(host.check_kinds()) == {
        "threshold",
        "required",
        "generator-independence",
        "json-schema",
    }
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
    assert {r.name for r in host.records} == set(BUILTINS) - gone
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
        assert "haiku" not in {r.name for r in host.records}
        assert "always-warn" not in host.check_kinds()


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
    (record,) = [r for r in host.records if r.name == "synthgate-checks"]
    assert record.builtin
    assert host.check_kinds()["threshold"].summary != "A second threshold."


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
        @synthgate.hookimpl
        def synthgate_register_metrics(self) -> list[Metric]:
            calls.append("metrics")
            return []

        @synthgate.hookimpl
        def synthgate_extend_taxonomy(self) -> dict[str, TaskType]:
            calls.append("taxonomy")
            return {}

    host = PluginHost.from_plugins([("counting", Counting())])
    for _ in range(3):
        assert host.metrics() == {}
        assert host.taxonomy() == {}
    assert calls == ["metrics", "taxonomy"]

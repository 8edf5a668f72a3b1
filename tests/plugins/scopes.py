"""Small hand-built manifests and the scopes a rule would see in them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from synthgate.check_contract import CheckContext, ScopeView
from synthgate.evaluate import build_scopes
from synthgate.models import Manifest, Scope
from synthgate.plugins import PluginHost, load_plugins
from synthgate.policy import LoadedPolicy, load_policy

__all__ = ["check_context", "default_policy", "host", "manifest", "scope_at", "scopes"]


@lru_cache(maxsize=1)
def host() -> PluginHost:
    """The built-in plugins only (cached: hypothesis calls this many times)."""
    return load_plugins(builtin_only=True, disabled=())


@lru_cache(maxsize=1)
def default_policy() -> LoadedPolicy:
    """The shipped default pack, whose taxonomy gives task types their verifiability."""
    return load_policy("default", host())


def check_context() -> CheckContext:
    """What a check kind receives at run time: the built-in metrics."""
    return CheckContext(host().metrics())


def manifest(*splits: list[dict[str, Any]], **dataset: Any) -> Manifest:
    """A manifest with splits ``s0``, ``s1``, ... made of the given sources."""
    return Manifest.model_validate(
        {
            "dataset": {"name": "probe", **dataset},
            "splits": [{"name": f"s{i}", "sources": sources} for i, sources in enumerate(splits)],
        }
    )


def scopes(data: Manifest | dict[str, Any]) -> dict[Scope, list[ScopeView]]:
    """Every scope of a manifest, with its task type resolved by the default policy."""
    parsed = data if isinstance(data, Manifest) else Manifest.model_validate(data)
    policy = default_policy()
    declared = parsed.dataset.task_type
    task_type = "unknown" if declared == "unknown" else policy.resolve_task_type(declared)
    assert task_type is not None, f"task type {declared!r} is not in the default taxonomy"
    return build_scopes(parsed, task_type, policy)


def scope_at(data: Manifest | dict[str, Any], where: str) -> ScopeView:
    """The scope named ``dataset``, ``split/N`` or ``source/N`` (N counts over all splits)."""
    kind, _, index = where.partition("/")
    for scope_kind, views in scopes(data).items():
        if scope_kind == kind:
            return views[int(index or 0)]
    raise ValueError(f"scope must be dataset, split/N or source/N, got {where!r}")

"""The policy packs shipped with synthgate."""

from __future__ import annotations

from synthgate.plugin import PolicyPack, builtin_policy, hookimpl

__all__ = ["synthgate_register_policy_packs"]


@hookimpl
def synthgate_register_policy_packs() -> list[PolicyPack]:
    """The built-in packs, located through :func:`synthgate.plugin.builtin_policy`."""
    return [
        PolicyPack(
            "default",
            "When synthetic data is permitted, per task type (the pack used when none is given).",
            builtin_policy("default"),
        ),
        PolicyPack(
            "strict",
            "The default pack with tighter bands, for data behind released or regulated models.",
            builtin_policy("strict"),
        ),
        PolicyPack(
            "terms",
            "The default pack plus generator terms of use (optional; records the terms version).",
            builtin_policy("terms"),
        ),
    ]

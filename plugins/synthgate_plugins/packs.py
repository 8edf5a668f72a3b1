"""The policy packs shipped with synthgate."""

from __future__ import annotations

from synthgate import PolicyPack, builtin_policy, hookimpl

__all__ = ["synthgate_register_policy_packs"]


@hookimpl
def synthgate_register_policy_packs() -> list[PolicyPack]:
    """The built-in packs, located through :func:`synthgate.builtin_policy`."""
    return [
        PolicyPack(
            "default",
            "When synthetic data is permitted, per task type (the pack used when none is given).",
            builtin_policy("default"),
        ),
    ]

"""The policy packs shipped with synthgate."""

from __future__ import annotations

from importlib.resources import files

from synthgate import PolicyPack, hookimpl

__all__ = ["synthgate_register_policy_packs"]


@hookimpl
def synthgate_register_policy_packs() -> list[PolicyPack]:
    """The built-in packs, read from the ``synthgate.policies`` package."""
    root = files("synthgate.policies")
    return [
        PolicyPack(
            "default",
            "When synthetic data is permitted, per task type (the pack used when none is given).",
            root / "default.yaml",
        ),
    ]

"""Built-in manifest adapters."""

from __future__ import annotations

from synthgate import ManifestAdapter, hookimpl
from synthgate_plugins.adapters.native import NATIVE

__all__ = ["synthgate_register_adapters"]


@hookimpl
def synthgate_register_adapters() -> list[ManifestAdapter]:
    """The built-in manifest adapters."""
    return [NATIVE]

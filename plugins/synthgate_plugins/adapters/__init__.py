"""Built-in manifest adapters: native manifests first, then the formats teams already have.

The adapter objects are cheap to import; each reads its format only when asked to load.
"""

from __future__ import annotations

from synthgate.plugin import ManifestAdapter, hookimpl
from synthgate_plugins.adapters.croissant import CROISSANT
from synthgate_plugins.adapters.dpi import DPI
from synthgate_plugins.adapters.hf_card import HF_CARD
from synthgate_plugins.adapters.native import NATIVE

__all__ = ["synthgate_register_adapters"]


@hookimpl
def synthgate_register_adapters() -> list[ManifestAdapter]:
    """The built-in manifest adapters, tried in this order."""
    return [NATIVE, HF_CARD, CROISSANT, DPI]

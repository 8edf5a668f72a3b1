"""The contract of policy packs registered by plugins, addressable by name."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources.abc import Traversable

__all__ = ["PolicyPack"]


@dataclass(frozen=True, slots=True)
class PolicyPack:
    """A named policy file shipped inside a package (``--policy NAME`` or ``extends: [NAME]``)."""

    name: str
    summary: str
    resource: Traversable

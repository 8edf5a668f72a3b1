"""The contract of manifest adapters: formats that can be read into a Manifest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from synthgate.documents import Document, Limits

__all__ = ["ManifestAdapter"]


@dataclass(frozen=True, slots=True)
class ManifestAdapter:
    """Reads one kind of file into manifest-shaped data.

    ``load`` returns ``None`` when the file is not of its kind (decided by content), or a
    :class:`Document` whose ``data`` has the shape of a Manifest and whose ``locate`` points
    back into the original file.
    """

    name: str
    summary: str
    globs: tuple[str, ...]
    """File-name patterns read when a directory is audited."""
    load: Callable[[Path, str, Limits], Document | None]

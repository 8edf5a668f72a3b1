"""The native synthgate manifest, in YAML or JSON."""

from __future__ import annotations

from pathlib import Path

from synthgate.plugin import Document, Limits, ManifestAdapter, read_document

__all__ = ["GLOBS", "NATIVE"]

GLOBS = (
    "synthgate.yaml",
    "synthgate.yml",
    "synthgate.json",
    "*.synthgate.yaml",
    "*.synthgate.yml",
    "*.synthgate.json",
)
_SUFFIXES = (".yaml", ".yml", ".json")
_MARKERS = ("dataset", "splits")


def _load(path: Path, display: str, limits: Limits) -> Document | None:
    if path.suffix.lower() not in _SUFFIXES:
        return None
    document = read_document(path, limits, display)
    data = document.data
    if isinstance(data, dict) and any(key in data for key in _MARKERS):
        return document
    return None


NATIVE = ManifestAdapter(
    name="native",
    summary="synthgate manifests in YAML or JSON (a mapping with 'dataset' and 'splits').",
    globs=GLOBS,
    load=_load,
)

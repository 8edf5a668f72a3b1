"""MLCommons Croissant 1.0 and 1.1 metadata (JSON-LD), with the Responsible AI extension
and PROV-O provenance when present.

Croissant describes collection and annotation mostly in free text; the few structured
statements (``rai:hasSyntheticData``, ``rai:dataCollectionType``, ``rai:machineAnnotationTools``,
PROV agents) are read, keywords only as weak signals. The mapping is in docs/formats.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthgate.plugin import Document, Limits, ManifestAdapter, read_document

__all__ = ["CROISSANT", "get"]

GLOBS = ("croissant.json", "*.croissant.json", "metadata.json")
_MARK = "mlcommons.org/croissant"
_NAMESPACES = {
    "sc": ("", "sc:", "schema:", "http://schema.org/", "https://schema.org/"),
    "cr": ("", "cr:", "http://mlcommons.org/croissant/"),
    "rai": ("rai:", "http://mlcommons.org/croissant/RAI/"),
    "prov": ("prov:", "http://www.w3.org/ns/prov#"),
    "dct": ("dct:", "http://purl.org/dc/terms/", ""),
}
_HINT = (
    "a Croissant file is a JSON-LD object whose '@context' or 'conformsTo' names "
    "http://mlcommons.org/croissant/ (Croissant 1.0 or 1.1)"
)


def _claims(path: Path, limits: Limits) -> bool:
    """Cheap: the Croissant namespace appears near the start of the file."""
    if not path.is_file():  # a FIFO would block: reading it reports what it is
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(min(limits.max_bytes, 1 << 16))
    except OSError:
        return True
    return _MARK.encode() in head


def _load(path: Path, display: str, limits: Limits) -> Document | None:
    if path.suffix.lower() not in (".json", ".jsonld"):
        return None
    raw = read_document(path, limits, display)
    if not isinstance(raw.data, dict) or not _is_croissant(raw.data):
        return None
    from synthgate_plugins.adapters._croissant_mapping import CroissantMapping

    return CroissantMapping(raw, path).document()


def _mentions(value: Any, depth: int = 0) -> bool:
    if isinstance(value, str):
        return _MARK in value
    if depth > 4:
        return False
    if isinstance(value, dict):
        return any(_mentions(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_mentions(v, depth + 1) for v in value)
    return False


def _is_croissant(data: dict[str, Any]) -> bool:
    if _mentions(data.get("@context")):
        return True
    found = get(data, "dct", "conformsTo")
    return found is not None and _mentions(found[1])


def get(node: Any, namespace: str, name: str) -> tuple[str, Any] | None:
    """(key, value) of a property in any of its JSON-LD spellings, or None."""
    if not isinstance(node, dict):
        return None
    for prefix in _NAMESPACES[namespace]:
        if prefix + name in node:
            return prefix + name, node[prefix + name]
    return None


CROISSANT = ManifestAdapter(
    name="croissant",
    summary="MLCommons Croissant 1.0/1.1 metadata (JSON-LD), with RAI and PROV-O if present.",
    globs=GLOBS,
    load=_load,
    claims=_claims,
    hint=_HINT,
)

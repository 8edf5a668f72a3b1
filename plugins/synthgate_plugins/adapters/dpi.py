"""Data Provenance Initiative summaries (``data_summaries/<Collection>.json``): one JSON object
whose entries, keyed by a unique dataset identifier, say which models generated the text
(``Model Generated``), whether people annotated it (``Human Annotation``), what it was derived
from, its sources, tasks, languages and licences. Each entry is audited as a manifest of its
own, shown as ``<file>#<identifier>``. The mapping is in docs/formats.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthgate import InputError
from synthgate.plugin import Document, Limits, ManifestAdapter, read_document

__all__ = ["DPI", "UID"]

UID = "Unique Dataset Identifier"
_MARK = b'"Unique Dataset Identifier"'
_HINT = (
    "a Data Provenance Initiative summary is a JSON object whose values are entries with a "
    "'Unique Dataset Identifier'"
)


def _looks_like(path: Path, limits: Limits) -> bool:
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open("rb") as handle:
            return _MARK in handle.read(min(limits.max_bytes, 1 << 16))
    except OSError:
        return False


def _entries_of(data: Any) -> list[str] | None:
    if not isinstance(data, dict) or not data:
        return None
    if not all(isinstance(v, dict) and UID in v for v in data.values()):
        return None
    return [str(key) for key in data]


def _entries(path: Path, limits: Limits) -> list[str] | None:
    if not _looks_like(path, limits):
        return None
    return _entries_of(read_document(path, limits, path.as_posix()).data)


def _load_entry(path: Path, display: str, limits: Limits, entry: str) -> Document | None:
    shown = display.rsplit("#", 1)[0]
    raw = read_document(path, limits, shown)
    names = _entries_of(raw.data)
    if names is None:
        return None
    if entry not in names:
        raise InputError.at(shown, 1, 1, f"no entry '{entry}' in the summary", _HINT)
    from synthgate_plugins.adapters._dpi_mapping import EntryMapping

    return EntryMapping(raw, path, entry, display).document()


def _load(path: Path, display: str, limits: Limits) -> Document | None:
    """A whole summary file is read through its entries; read alone it is not a manifest."""
    return None


DPI = ManifestAdapter(
    name="dpi",
    summary="Data Provenance Initiative summaries (data_summaries/*.json), one manifest per entry.",
    globs=(),
    load=_load,
    hint=_HINT,
    task_candidates=True,
    entries=_entries,
    load_entry=_load_entry,
)
"""Read when named (``synthgate audit data_summaries/*.json``): a summary's name says nothing
that a directory search could match without opening every JSON file."""

"""Manifest-shaped data built from another format, remembering where each fact came from."""

from __future__ import annotations

from typing import Any

from synthgate.plugin import Document, escape_pointer

__all__ = [
    "MappedManifest",
    "Position",
    "combine_origins",
    "join_words",
    "pointer_to",
    "source_entries",
]

Position = tuple[int, int]
"""0-based line and column in the original file."""


class MappedManifest:
    """Collects manifest facts together with their place and wording in the original file.

    ``put`` records a fact: its manifest JSON Pointer, the 0-based position of the field it
    was read from, and that field in words. Facts nobody put are found at ``root``: the start
    of the metadata (the opening '---' of a card, the '{' of a JSON-LD file).
    """

    def __init__(self, root: Position) -> None:
        self.positions: dict[str, Position] = {"": root}
        self.mapped_from: dict[str, str] = {}

    def put(self, pointer: str, where: Position, what: str = "") -> None:
        """Say that the value at ``pointer`` came from the field at ``where`` (``what``)."""
        self.positions.setdefault(pointer, where)
        if what:
            self.mapped_from.setdefault(pointer, what)

    def document(self, display: str, data: dict[str, Any], fmt: str, text: str) -> Document:
        """The finished document: ``data`` located in the original file ``text``."""
        return Document(
            display, data, fmt, text, positions=self.positions, mapped_from=self.mapped_from
        )


def combine_origins(kinds: set[str]) -> str:
    """One origin for a part that several statements describe.

    Any model-made part with anything else makes it ``mixed`` (share unknown); only
    model-made statements make it ``synthetic``; a statement that cannot be placed
    (``unknown``) beside human ones leaves the whole ``unknown``: never assumed human.
    """
    if "synthetic" in kinds:
        return "synthetic" if kinds == {"synthetic"} else "mixed"
    if not kinds or "unknown" in kinds:
        return "unknown"
    return "human"


def join_words(values: list[str]) -> str:
    """``[a, b]`` as written in a note."""
    return "[" + ", ".join(values) + "]"


def source_entries(
    mapped: MappedManifest,
    split_pointer: str,
    parts: list[dict[str, Any]],
    records: int | str,
    records_at: Position | None,
) -> list[dict[str, Any]]:
    """The sources of one split, one per part (text, labels), located where each came from.

    Each part is a mapping with ``id``, ``origin``, ``where``, ``what`` and optionally
    ``method``, ``generator`` and ``description``.
    """
    sources: list[dict[str, Any]] = []
    for index, part in enumerate(parts):
        pointer = f"{split_pointer}/sources/{index}"
        source: dict[str, Any] = {"id": part["id"], "origin": part["origin"], "records": records}
        mapped.put(pointer, part["where"], part["what"])
        mapped.put(pointer + "/id", part["where"])
        mapped.put(pointer + "/origin", part["where"], part["what"])
        if records_at is not None:
            mapped.put(pointer + "/records", records_at, "split size")
        if part["origin"] in ("synthetic", "mixed"):
            source["method"] = part.get("method", "unknown")
            generator = part.get("generator")
            if generator is not None:
                name, where, what = generator
                source["generator"] = {"name": name}
                mapped.put(pointer + "/generator", where, what)
                mapped.put(pointer + "/generator/name", where, what)
        if part.get("inferred"):
            source["inferred"] = dict(part["inferred"])
        if part.get("description"):
            source["description"] = part["description"]
        sources.append(source)
    return sources


def pointer_to(*tokens: str | int) -> str:
    """A JSON Pointer from reference tokens."""
    return "".join("/" + escape_pointer(str(token)) for token in tokens)

"""Finished measurements: plain data, the same whichever engine measured them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Contamination", "DataFile", "ManifestMeasurement", "SourceMeasurement"]


@dataclass(frozen=True, slots=True)
class DataFile:
    """A file a measurement read: enough to tell that it is the same file later."""

    path: str
    """As the manifest reaches it: relative to the manifest's directory."""
    bytes: int
    sha256: str
    rows: int
    """Rows of this file that belong to the source."""

    def as_dict(self) -> dict[str, Any]:
        """As the report shows it."""
        return {"path": self.path, "bytes": self.bytes, "sha256": self.sha256, "rows": self.rows}


@dataclass(frozen=True, slots=True)
class SourceMeasurement:
    """What the data of one source says about it."""

    source: str
    split: str
    pointer: str
    """The source's JSON Pointer in its manifest."""
    role: str
    """``train`` or ``eval``: which side of contamination the source is on."""
    records: int
    exact_duplicate_rate: float | None
    """Share of records whose normalised text repeats an earlier record of the source (the
    share exact deduplication removes); None without text fields."""
    cross_duplicate_rate: float | None
    """Share of records whose normalised text is also in another source of the manifest."""
    near_duplicate_rate: float | None
    """Share of records with a near duplicate in the source (same MinHash band)."""
    largest_cluster_share: float | None
    """Share of the source's records in its largest near-duplicate cluster (0 when none)."""
    generator_shares: dict[str, float] | None
    """Share of records per value of the generator field ('' for records without one)."""
    synthetic_records: int | None
    """Records whose generator field names a model (None without a generator field)."""
    verified_items: int | None
    """Records whose verification field is true."""
    checked_items: int | None
    """Records whose verification field is true or false."""
    files: tuple[DataFile, ...]
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """As the report shows it: the issue's fields first, then the rest of the evidence."""
        return {
            "records": self.records,
            "exact_duplicate_rate": self.exact_duplicate_rate,
            "near_duplicate_rate": self.near_duplicate_rate,
            "largest_cluster_share": self.largest_cluster_share,
            "generator_shares": self.generator_shares,
            "verified_items": self.verified_items,
            "files": [f.as_dict() for f in self.files],
            "split": self.split,
            "role": self.role,
            "cross_duplicate_rate": self.cross_duplicate_rate,
            "synthetic_records": self.synthetic_records,
            "checked_items": self.checked_items,
            "seconds": self.seconds,
        }

    @classmethod
    def from_dict(cls, source: str, pointer: str, data: dict[str, Any]) -> SourceMeasurement:
        """The inverse of :meth:`as_dict` (for the cache)."""
        return cls(
            source=source,
            split=data["split"],
            pointer=pointer,
            role=data["role"],
            records=data["records"],
            exact_duplicate_rate=data["exact_duplicate_rate"],
            cross_duplicate_rate=data["cross_duplicate_rate"],
            near_duplicate_rate=data["near_duplicate_rate"],
            largest_cluster_share=data["largest_cluster_share"],
            generator_shares=data["generator_shares"],
            synthetic_records=data["synthetic_records"],
            verified_items=data["verified_items"],
            checked_items=data["checked_items"],
            files=tuple(DataFile(**f) for f in data["files"]),
            seconds=data["seconds"],
        )


@dataclass(frozen=True, slots=True)
class Contamination:
    """One evaluation source judged against training sources by one recipe."""

    eval_source: str
    training_sources: tuple[str, ...]
    recipe: str
    items: int
    dirty_items: int
    dirty: tuple[tuple[str, int], ...] = ()
    """(file, row) of each dirty item."""

    @property
    def dirty_share(self) -> float:
        """Share of the evaluation items found in the training data (0 for no items)."""
        return round(self.dirty_items / self.items, 6) if self.items else 0.0

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, rows: bool = True) -> Contamination:
        """The inverse of :meth:`as_dict`; with ``rows`` the (file, row) list must be there
        (the cache writes it), without it the list is read when present (a report's JSON)."""
        dirty = data["dirty"] if rows else data.get("dirty", ())
        return cls(
            data["eval_source"],
            tuple(data["training_sources"]),
            data["recipe"],
            data["items"],
            data["dirty_items"],
            tuple((d["file"], d["row"]) for d in dirty),
        )

    def as_dict(self, *, rows: bool = False) -> dict[str, Any]:
        """As the report shows it; ``rows`` adds the (file, row) of every dirty item."""
        out: dict[str, Any] = {
            "eval_source": self.eval_source,
            "training_sources": list(self.training_sources),
            "recipe": self.recipe,
            "items": self.items,
            "dirty_items": self.dirty_items,
            "dirty_share": self.dirty_share,
        }
        if rows:
            out["dirty"] = [{"file": f, "row": r} for f, r in self.dirty]
        return out


@dataclass(frozen=True, slots=True)
class ManifestMeasurement:
    """Everything measured for one manifest, and how."""

    path: str
    sources: dict[str, SourceMeasurement]
    contamination: tuple[Contamination, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
    """Engine and library versions, parameters, time taken, whether it came from the cache."""

    def measured_block(self) -> dict[str, Any]:
        """The report's ``measured`` object: source id -> its measurements."""
        return {sid: m.as_dict() for sid, m in sorted(self.sources.items())}

    def contamination_block(self) -> list[dict[str, Any]]:
        """The report's ``contamination`` list."""
        return [c.as_dict() for c in self.contamination]

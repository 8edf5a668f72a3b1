"""Which files hold which source's records: the manifest's ``data:`` blocks resolved.

Pure apart from looking at the file system (globs, sizes, readability); every problem is an
:class:`~synthgate.errors.InputError` at the manifest's line, naming the file.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgate.documents import Document
from synthgate.errors import InputError, Problem
from synthgate.models import DATA_SUFFIXES, DataFiles, Manifest, Split

__all__ = ["EVAL_SPLITS", "PlannedFile", "SourcePlan", "located", "plan_manifest", "role_of"]

EVAL_SPLITS = frozenset(
    {"test", "validation", "valid", "val", "dev", "eval", "evaluation", "heldout", "held-out"}
)
"""Split names whose sources are evaluation sets (as are all sources of an eval dataset)."""


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """One file to read for a source."""

    path: Path
    shown: str
    """As messages and evidence show it: relative to the manifest's directory."""
    format: str
    pointer: str
    """The manifest's pointer of the glob that matched it (errors point there)."""


@dataclass(frozen=True, slots=True)
class SourcePlan:
    """How to read one source's records."""

    manifest: str
    """The manifest's path as shown."""
    source: str
    split: str
    pointer: str
    role: str
    files: tuple[PlannedFile, ...]
    text: tuple[str, ...]
    where: Mapping[str, Any]
    generator_field: str | None
    verified_field: str | None
    document: Document
    field_at: Mapping[str, str]
    """Pointer of the data block that names each field (errors about a field point there)."""

    def problem(self, pointer: str, message: str, hint: str = "") -> InputError:
        """An input error at ``pointer`` of the manifest."""
        return located(self.document, pointer, message, hint)


def located(document: Document, pointer: str, message: str, hint: str = "") -> InputError:
    """An input error at ``pointer`` of a manifest."""
    line, column = document.locate(pointer)
    return InputError([Problem(document.path, line, column, message, hint, pointer)])


def role_of(manifest: Manifest, split: Split) -> str:
    """``eval`` for sources of an evaluation dataset or split, else ``train``."""
    if manifest.dataset.stage == "eval" or split.name.casefold() in EVAL_SPLITS:
        return "eval"
    return "train"


def plan_manifest(manifest: Manifest, document: Document, base: Path) -> list[SourcePlan]:
    """A plan per source that has data (its own or its split's); ``base`` is the directory
    globs are relative to (the manifest's)."""
    plans = []
    for i, split in enumerate(manifest.splits):
        for j, source in enumerate(split.sources):
            own, shared = source.data, split.data
            if own is None and shared is None:
                continue
            pointer = f"/splits/{i}/sources/{j}"
            if own is not None and own.files:
                holder, at = own, f"{pointer}/data"
            else:
                assert shared is not None  # the model refuses files-less data without shared
                holder, at = shared, f"/splits/{i}/data"
            plans.append(
                SourcePlan(
                    manifest=document.path,
                    source=source.id,
                    split=split.name,
                    pointer=pointer,
                    role=role_of(manifest, split),
                    files=_files(document, holder, at, base),
                    text=tuple(_pick(own, shared, "text") or ()),
                    where=dict(own.where) if own is not None else {},
                    generator_field=_pick(own, shared, "generator_field"),
                    verified_field=_pick(own, shared, "verified_field"),
                    document=document,
                    field_at=_field_at(own, shared, pointer, f"/splits/{i}"),
                )
            )
    return plans


def _pick(own: DataFiles | None, shared: DataFiles | None, name: str) -> Any:
    """A source's own setting, else its split's."""
    for data in (own, shared):
        if data is not None and getattr(data, name):
            return getattr(data, name)
    return None


def _field_at(
    own: DataFiles | None, shared: DataFiles | None, source: str, split: str
) -> dict[str, str]:
    at: dict[str, str] = {}
    for data, pointer in ((shared, f"{split}/data"), (own, f"{source}/data")):
        if data is None:
            continue
        named = [*data.text, *data.where, data.generator_field, data.verified_field]
        at.update({name: pointer for name in named if name})
    return at


def _files(document: Document, data: DataFiles, at: str, base: Path) -> tuple[PlannedFile, ...]:
    found: dict[Path, PlannedFile] = {}
    for k, pattern in enumerate(data.files):
        pointer = f"{at}/files/{k}"
        matches = sorted(glob.glob(pattern, root_dir=base, recursive=True))
        files = [m for m in matches if (base / m).is_file()]
        if not files:
            raise located(
                document,
                pointer,
                f"the glob '{pattern}' matches no file in {_shown_dir(base)}",
                "globs are relative to the manifest's directory; check the path and the file names",
            )
        for name in files:
            path = base / name
            if not os.access(path, os.R_OK):
                raise located(
                    document, pointer, f"cannot read the data file {name}", "check its permissions"
                )
            kind = data.format or DATA_SUFFIXES.get(path.suffix.lower())
            if kind is None:
                raise located(
                    document,
                    pointer,
                    f"cannot tell the format of the data file {name} from its name",
                    "set 'format: parquet', 'jsonl' or 'csv' in the data block",
                )
            found.setdefault(
                path.resolve(), PlannedFile(path, Path(name).as_posix(), kind, pointer)
            )
    return tuple(sorted(found.values(), key=lambda f: f.shown))


def _shown_dir(base: Path) -> str:
    from synthgate.paths import display_path

    return display_path(base) or "."

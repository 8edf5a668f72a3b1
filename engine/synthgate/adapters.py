"""The contract of manifest adapters: formats that can be read into a Manifest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgate.documents import Document, Limits

__all__ = ["ManifestAdapter", "choose_task_type"]


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
    claims: Callable[[Path, Limits], bool] | None = None
    """For globs that also match files of other kinds (``README.md``): a cheap look at the
    content of a file found in a directory, False to skip it with a note instead of reading
    it. None: every file the globs match is read, and one that cannot be is an error."""
    hint: str = ""
    """What a file of this kind needs, shown when a file the globs match cannot be read."""
    task_candidates: bool = False
    """True when the format names tasks in a vocabulary of its own: ``load`` may then give
    ``/dataset/task_type`` as a list of candidate names, most specific first, and the audit
    keeps the first one the policy's taxonomy knows (see :func:`choose_task_type`)."""
    entries: Callable[[Path, Limits], list[str] | None] | None = None
    """For formats that hold several datasets in one file (a Data Provenance Initiative
    summary): the names of the file's entries, each audited as a manifest of its own, or None
    when the file is not of this kind. ``load_entry`` then reads one of them."""
    load_entry: Callable[[Path, str, Limits, str], Document | None] | None = None
    """Reads the entry named by the last argument (see ``entries``)."""


def choose_task_type(data: Any, resolve: Callable[[str], str | None]) -> None:
    """Replace a list of candidate task names at ``/dataset/task_type`` by the first that
    ``resolve`` knows (a policy's taxonomy), or by ``"unknown"``, saying so in the dataset's
    description. Anything else is left for validation to judge."""
    dataset = data.get("dataset") if isinstance(data, dict) else None
    if not isinstance(dataset, dict) or not isinstance(dataset.get("task_type"), list):
        return
    candidates = [c for c in dataset["task_type"] if isinstance(c, str) and c]
    chosen = next((c for c in candidates if resolve(c) is not None), None)
    dataset["task_type"] = chosen if chosen is not None else "unknown"
    if chosen is None and candidates:
        note = (
            "task type unknown: none of " + ", ".join(candidates) + " is in the policy's "
            "taxonomy (declare 'task_type' in a manifest, or add an alias to the taxonomy)"
        )
        described = dataset.get("description")
        dataset["description"] = f"{described}\n{note}" if described else note

"""Context for partial audits: what cross-manifest rules see of the project's other manifests.

An audit of a few manifests (files named, a pre-commit hook, ``--changed-since``) relates them
to the rest of the project, so that an evaluation set audited alone is still compared with the
training set it came from. Reading every other manifest on each commit would be slow, so what
cross-manifest rules see of each one (a :class:`~synthgate.check_contract.CorpusEntry`) is cached in
``.synthgate/cache/`` under the project root, keyed by each file's path, size, modification
time and content hash, and by everything else the entry depends on (synthgate's version, the
plugins, the policy's taxonomy, the file size limit). The content hash is checked on every
run, so a cached entry is never stale. The cache is JSON, never pickle: it lives in the
project, and nothing read from a project is ever executed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from synthgate.check_contract import CorpusEntry, CorpusSource
from synthgate.models import Dataset

__all__ = ["CACHE_DIR", "ContextCache", "context_key"]

CACHE_DIR = Path(".synthgate") / "cache"
"""Where, under the project root, the context cache is kept."""
_FORMAT = 1
"""Bumped when the cache's layout changes; older files are then ignored."""


def context_key(parts: Iterable[str]) -> str:
    """A short digest of everything a cached entry depends on besides its file."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def _entry_to_json(entry: CorpusEntry) -> dict[str, Any]:
    return {
        "dataset": entry.dataset.model_dump(mode="json", by_alias=True, exclude_none=True),
        "task_type": entry.task_type,
        "verifiability": entry.verifiability,
        "sources": [{**asdict(s), "derived_from": list(s.derived_from)} for s in entry.sources],
        "positions": {pointer: list(place) for pointer, place in entry.positions.items()},
    }


def _entry_from_json(data: dict[str, Any], path: str) -> CorpusEntry:
    sources = tuple(
        CorpusSource(**{**s, "derived_from": tuple(s["derived_from"])}) for s in data["sources"]
    )
    return CorpusEntry(
        path=path,
        dataset=Dataset.model_validate(data["dataset"]),
        task_type=data["task_type"],
        verifiability=data["verifiability"],
        sources=sources,
        positions={pointer: (place[0], place[1]) for pointer, place in data["positions"].items()},
    )


class ContextCache:
    """Cached corpus entries of one project, for one key (see :func:`context_key`).

    :meth:`entry` gives a file's entry from the cache when the file is unchanged, else reads
    it with ``read``; :meth:`save` writes the cache back if anything changed. A cache that
    cannot be read is ignored, one that cannot be written is left alone: it only saves time.
    """

    def __init__(self, root: Path, key: str) -> None:
        self.file = root / CACHE_DIR / f"context-{key}.json"
        self._files: dict[str, dict[str, Any]] = {}
        self._seen: set[str] = set()
        self._changed = False
        self.hits = 0
        self.misses = 0
        try:
            data = json.loads(self.file.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("format") == _FORMAT:
                self._files = dict(data.get("files", {}))
        except (OSError, ValueError):
            pass  # no cache yet, or a damaged one: start afresh

    def entry(
        self, path: Path, display: str, read: Callable[[], CorpusEntry | None]
    ) -> CorpusEntry | None:
        """``path``'s entry (shown as ``display``), or None when it cannot be audited."""
        name = os.path.abspath(path)
        self._seen.add(name)
        try:
            stat = path.stat()
            content = path.read_bytes()
        except OSError:
            return read()  # the read reports nothing either; the audit goes on without it
        stamp = {
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        cached = self._files.get(name)
        if cached is not None and all(cached.get(k) == v for k, v in stamp.items()):
            self.hits += 1
            found = cached.get("entry")
            if found is None:
                return None
            try:
                return _entry_from_json(found, display)
            except (KeyError, TypeError, ValueError):
                pass  # written by an older synthgate: read the file again
        self.misses += 1
        entry = read()
        self._files[name] = {**stamp, "entry": None if entry is None else _entry_to_json(entry)}
        self._changed = True
        return entry

    def save(self) -> None:
        """Write the cache if an entry changed, dropping files no longer in the project."""
        gone = set(self._files) - self._seen
        if not self._changed and not gone:
            return
        files = {name: self._files[name] for name in sorted(self._seen) if name in self._files}
        text = json.dumps({"format": _FORMAT, "files": files}, sort_keys=True)
        with contextlib.suppress(OSError):  # a read-only checkout: no cache, same results
            self.file.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.file.parent, suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    out.write(text)
                os.replace(temporary, self.file)  # whole or not at all, even with two hooks
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)

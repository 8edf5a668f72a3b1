"""Fingerprints: a finding's identity that survives reformatting and reordering.

A fingerprint hashes the rule code, the manifest path and a *logical* pointer, in which
``/splits/<i>`` is replaced by ``/splits/<split name>`` and ``/sources/<j>`` by
``/sources/<source id>``: moving a split, reordering sources or re-indenting the file keeps
every fingerprint, and renaming a split or source changes those below it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import PurePath

from synthgate.models import Manifest
from synthgate.pointers import escape_pointer, unescape_pointer

__all__ = ["fingerprint", "logical_pointer"]


def logical_pointer(manifest: Manifest, pointer: str) -> str:
    """``pointer`` with split and source indices replaced by split names and source ids."""
    if not pointer.startswith("/splits/"):
        return pointer
    tokens = [unescape_pointer(token) for token in pointer.split("/")[1:]]
    out = list(tokens)
    if len(tokens) >= 2 and tokens[1].isdecimal() and int(tokens[1]) < len(manifest.splits):
        split = manifest.splits[int(tokens[1])]
        out[1] = split.name
        if (
            len(tokens) >= 4
            and tokens[2] == "sources"
            and tokens[3].isdecimal()
            and int(tokens[3]) < len(split.sources)
        ):
            out[3] = split.sources[int(tokens[3])].id
    return "".join("/" + escape_pointer(token) for token in out)


@functools.lru_cache(maxsize=1024)
def _posix(path: str) -> str:
    """A path with forward slashes (every finding of a manifest asks for the same one)."""
    return PurePath(path).as_posix()


def fingerprint(rule: str, manifest_path: str, pointer: str) -> str:
    """``sha256:`` and the hex digest of ``[rule, manifest path (posix), logical pointer]``
    as canonical JSON (give the pointer through :func:`logical_pointer`)."""
    path = _posix(manifest_path)
    text = json.dumps([rule, path, pointer], ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

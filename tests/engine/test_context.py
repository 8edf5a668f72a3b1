"""The context cache: entries come back from it while a file is unchanged, never after."""

from __future__ import annotations

import os
from pathlib import Path

from synthgate.audit import Audit, ManifestFile
from synthgate.check_contract import CorpusEntry
from synthgate.context import ContextCache
from synthgate.plugins import load_plugins
from tests.conftest import FIXTURES

TRAIN = FIXTURES / "context" / "support-chat-sft.synthgate.yaml"


def _counting(audit: Audit, item: ManifestFile, calls: list[int]) -> CorpusEntry | None:
    calls.append(1)
    return audit.entry_of(item)


def test_an_unchanged_file_is_read_once_and_a_changed_one_again(tmp_path: Path) -> None:
    audit = Audit.create(host=load_plugins(builtin_only=True, disabled=()))
    copy = tmp_path / "train.synthgate.yaml"
    copy.write_bytes(TRAIN.read_bytes())
    item = ManifestFile(copy, "train.synthgate.yaml", explicit=False)
    calls: list[int] = []

    first = ContextCache(tmp_path, "k")
    entry = first.entry(copy, item.display, lambda: _counting(audit, item, calls))
    first.save()
    again = ContextCache(tmp_path, "k")
    cached = again.entry(copy, item.display, lambda: _counting(audit, item, calls))
    assert calls == [1]  # the second came from the cache file
    assert (again.hits, again.misses) == (1, 0)
    assert cached == entry
    assert cached is not None
    assert cached.dataset.name == "support-chat-sft"

    # Same size and modification time, other content: only the hash tells, and it does.
    stat = copy.stat()
    copy.write_bytes(copy.read_bytes().replace(b"support-chat-sft", b"support-chat-sfx"))
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    fresh = ContextCache(tmp_path, "k").entry(
        copy, item.display, lambda: _counting(audit, item, calls)
    )
    assert calls == [1, 1]
    assert fresh is not None
    assert fresh.dataset.name == "support-chat-sfx"


def test_another_key_or_a_damaged_file_starts_afresh(tmp_path: Path) -> None:
    audit = Audit.create(host=load_plugins(builtin_only=True, disabled=()))
    item = ManifestFile(TRAIN, "train.synthgate.yaml", explicit=False)
    cache = ContextCache(tmp_path, "one")
    cache.entry(TRAIN, item.display, lambda: audit.entry_of(item))
    cache.save()
    assert ContextCache(tmp_path, "two").entry(TRAIN, "t", lambda: None) is None  # not cached
    cache.file.write_text("{not json", encoding="utf-8")
    assert ContextCache(tmp_path, "one").entry(TRAIN, "t", lambda: None) is None

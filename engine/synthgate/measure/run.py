"""Measuring the manifests of one run: plan, read (through an engine), merge, finish, cache."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from synthgate.documents import Document
from synthgate.measure.engines import DuckDBEngine, Engine
from synthgate.measure.params import RECIPES, MeasureParams
from synthgate.measure.partials import (
    EvalIndex,
    EvalItems,
    SourcePartial,
    measure_batch,
    near_duplicate_clusters,
)
from synthgate.measure.plan import SourcePlan, plan_manifest
from synthgate.measure.results import (
    Contamination,
    DataFile,
    ManifestMeasurement,
    SourceMeasurement,
)
from synthgate.models import Manifest

U64 = npt.NDArray[np.uint64]

__all__ = ["CACHE_DIR", "MeasureTarget", "Progress", "measure"]

CACHE_DIR = Path(".synthgate") / "cache"
"""Where measurements are cached, relative to the directory synthgate runs in."""
_CACHE_VERSION = 2


@dataclass(frozen=True, slots=True)
class MeasureTarget:
    """A manifest to measure: the model, its document, and the directory its globs start at."""

    manifest: Manifest
    document: Document
    base: Path


class Progress:
    """A progress line on standard error: files, rows, rows/s and the estimated time left."""

    def __init__(self, files: int, total_bytes: int, *, enabled: bool) -> None:
        self.files, self.total_bytes, self.enabled = files, total_bytes, enabled
        self.done_files = self.rows = 0
        self.done_bytes = 0
        self.started = time.monotonic()
        self._shown = 0.0

    def advance(self, rows: int) -> None:
        """Some more rows were measured."""
        self.rows += rows
        self._show()

    def file_done(self, size: int) -> None:
        """A whole file was measured."""
        self.done_files += 1
        self.done_bytes += size
        self._show(force=True)

    def _show(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._shown < 0.2:
            return
        self._shown = now
        elapsed = max(now - self.started, 1e-9)
        rate = self.rows / elapsed
        share = self.done_bytes / self.total_bytes if self.total_bytes else 0.0
        eta = f"{max(elapsed * (1 - share) / share, 0):.0f}s" if share > 0 else "?"
        sys.stderr.write(
            f"\rmeasuring: {self.done_files}/{self.files} files, {self.rows:,} rows, "
            f"{rate:,.0f} rows/s, ETA {eta}   "
        )
        sys.stderr.flush()

    def close(self) -> None:
        """End the progress line."""
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _library_versions(params: MeasureParams) -> dict[str, str]:
    found = {}
    for name in ("numpy", params.minhash):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "unknown"
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _FileHashes:
    """sha256 of data files, re-read only when a file's size or mtime changed."""

    def __init__(self, cache: Path | None) -> None:
        self.file = cache / "file-hashes.json" if cache is not None else None
        self.known: dict[str, list[Any]] = {}
        if self.file is not None and self.file.is_file():
            try:
                self.known = json.loads(self.file.read_text())
            except (OSError, ValueError):
                self.known = {}

    def of(self, path: Path) -> tuple[int, int, str]:
        stat = path.stat()
        key = str(path.resolve())
        seen = self.known.get(key)
        if seen is not None and seen[0] == stat.st_size and seen[1] == stat.st_mtime_ns:
            return stat.st_size, stat.st_mtime_ns, str(seen[2])
        digest = _sha256(path)
        self.known[key] = [stat.st_size, stat.st_mtime_ns, digest]
        return stat.st_size, stat.st_mtime_ns, digest

    def save(self) -> None:
        if self.file is not None:
            _write_atomic(self.file, json.dumps(self.known, sort_keys=True))


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    temporary.replace(path)


def measure(
    targets: Sequence[MeasureTarget],
    params: MeasureParams | None = None,
    *,
    engine: Engine | None = None,
    cache: Path | None = None,
    progress: bool = False,
) -> dict[str, ManifestMeasurement]:
    """Measure every source with data in ``targets``, judged as one run (evaluation sources
    against every training source); by manifest path as documents show it.

    ``cache``: the cache directory (None: no cache). Raises
    :class:`~synthgate.errors.InputError` for data that cannot be read; nothing is cached then.
    """
    params = params or MeasureParams()
    started = time.monotonic()
    plans = [plan for t in targets for plan in plan_manifest(t.manifest, t.document, t.base)]
    hashes = _FileHashes(cache)
    stats = {f.path: hashes.of(f.path) for plan in plans for f in plan.files}
    engine_name = engine.name if engine is not None else DuckDBEngine.name
    key = _cache_key(plans, stats, params, engine_name)
    cached = cache / f"measure-{key}.json" if cache is not None else None
    if cached is not None and cached.is_file():
        loaded = _load(cached, plans)
        if loaded is not None:
            return loaded
    engine = engine if engine is not None else DuckDBEngine()
    total = sum(size for size, _mtime, _digest in stats.values())
    bar = Progress(sum(len(p.files) for p in plans), total, enabled=progress)
    try:
        read = _read(plans, params, engine, stats, bar)
    finally:
        bar.close()
    results = _finish(targets, plans, read, stats, params)
    evidence = {
        "engine": engine.name,
        "versions": {**engine.versions(), **_library_versions(params)},
        "parameters": params.as_dict(),
        "seconds": round(time.monotonic() - started, 3),
        "cache_key": key,
    }
    cluster = getattr(engine, "cluster", None)
    if cluster is not None:
        evidence["cluster"] = cluster()
    out = {
        path: ManifestMeasurement(m.path, m.sources, m.contamination, evidence)
        for path, m in results.items()
    }
    if cached is not None:
        _write_atomic(cached, json.dumps(_dump(out), sort_keys=True))
        hashes.save()
    return out


def _cache_key(
    plans: Sequence[SourcePlan],
    stats: dict[Path, tuple[int, int, str]],
    params: MeasureParams,
    engine: str,
) -> str:
    described = [
        {
            "manifest": p.manifest,
            "source": p.source,
            "pointer": p.pointer,
            "role": p.role,
            "text": p.text,
            "where": p.where,
            "generator": p.generator_field,
            "verified": p.verified_field,
            "files": [
                [f.shown, f.format, stats[f.path][0], stats[f.path][1], stats[f.path][2]]
                for f in p.files
            ],
        }
        for p in plans
    ]
    blob = json.dumps(
        {
            "v": _CACHE_VERSION,
            "plans": described,
            "params": params.as_dict(),
            "engine": engine,
            "versions": _library_versions(params),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Read:
    """What reading a run's sources gave: merged partials, rows per file, seconds, by plan
    index; and the exact counts when the engine computed them itself (else they come from
    the partials' hashes)."""

    merged: dict[int, SourcePartial]
    rows: dict[int, list[int]]
    seconds: dict[int, float]
    counts: ExactCounts | None = None


def _read(
    plans: Sequence[SourcePlan],
    params: MeasureParams,
    engine: Engine,
    stats: dict[Path, tuple[int, int, str]],
    bar: Progress,
) -> Read:
    """Evaluation sources first (their n-grams are what training batches look for)."""
    merged: dict[int, SourcePartial] = {}
    rows: dict[int, list[int]] = {}
    seconds: dict[int, float] = {}

    def run(index: int, step: Callable[[Any, str, int], SourcePartial]) -> None:
        plan = plans[index]
        started = time.monotonic()
        per_file = engine.measure(plan, step, bar.advance)
        for file in plan.files:
            bar.file_done(stats[file.path][0])
        total = SourcePartial()
        for partial in per_file:
            total = total.merge(partial)
        merged[index] = total
        rows[index] = [p.rows for p in per_file]
        seconds[index] = round(time.monotonic() - started, 3)

    for index, plan in enumerate(plans):
        if plan.role == "eval":
            run(
                index,
                lambda batch, file, first: measure_batch(
                    batch, params, file=file, first_row=first, collect_items=True
                ),
            )
    items = [merged[i].items for i in merged if merged[i].items is not None]
    index_of_eval = EvalIndex.of(i for i in items if i is not None) if items else None
    for index, plan in enumerate(plans):
        if plan.role != "eval":
            run(
                index,
                lambda batch, file, first: measure_batch(
                    batch, params, file=file, first_row=first, eval_index=index_of_eval
                ),
            )
    return Read(merged, rows, seconds)


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 0.0


def _hashes(partial: SourcePartial) -> U64:
    return np.concatenate(partial.hashes) if partial.hashes else np.empty(0, np.uint64)


@dataclass(frozen=True, slots=True)
class ExactCounts:
    """What exact duplicates and the ``exact`` recipe need of the text hashes of a run."""

    distinct: dict[int, int]
    """Per source with text (by plan index): its distinct normalised texts."""
    cross: dict[int, int]
    """Per source with text: its records whose text is in another source of its manifest."""
    in_training: dict[int, npt.NDArray[np.bool_]]
    """Per evaluation source: for each item, whether its text is a training record's."""


def exact_counts(plans: Sequence[SourcePlan], merged: dict[int, SourcePartial]) -> ExactCounts:
    """:class:`ExactCounts` from the hashes the partials carry."""
    distinct = {i: np.unique(_hashes(merged[i])) for i, p in enumerate(plans) if p.text}
    cross = {}
    for index, plan in enumerate(plans):
        if index not in distinct:
            continue
        others = [
            distinct[j]
            for j, other in enumerate(plans)
            if j != index and other.manifest == plan.manifest and j in distinct
        ]
        pool = np.unique(np.concatenate(others)) if others else np.empty(0, np.uint64)
        cross[index] = int(np.isin(_hashes(merged[index]), pool).sum())
    training = [distinct[i] for i, p in enumerate(plans) if p.role != "eval" and i in distinct]
    train = np.unique(np.concatenate(training)) if training else np.empty(0, np.uint64)
    in_training = {
        i: np.isin(np.array((merged[i].items or EvalItems()).hashes, dtype=np.uint64), train)
        for i, p in enumerate(plans)
        if p.role == "eval" and p.text
    }
    return ExactCounts({i: len(d) for i, d in distinct.items()}, cross, in_training)


def _finish(
    targets: Sequence[MeasureTarget],
    plans: Sequence[SourcePlan],
    read: Read,
    stats: dict[Path, tuple[int, int, str]],
    params: MeasureParams,
) -> dict[str, ManifestMeasurement]:
    counts = read.counts if read.counts is not None else exact_counts(plans, read.merged)
    sources: dict[str, dict[str, SourceMeasurement]] = {t.document.path: {} for t in targets}
    for index, plan in enumerate(plans):
        sources[plan.manifest][plan.source] = _source(index, plan, read, counts, stats, params)
    judged = _contamination(plans, read.merged, counts, params)
    out = {}
    for target in targets:
        path = target.document.path
        own = [c for c, manifests in judged if path in manifests]
        out[path] = ManifestMeasurement(path, sources[path], tuple(own))
    return out


def _source(
    index: int,
    plan: SourcePlan,
    read: Read,
    counts: ExactCounts,
    stats: dict[Path, tuple[int, int, str]],
    params: MeasureParams,
) -> SourceMeasurement:
    """One source's measurement from its merged partial."""
    partial = read.merged[index]
    n = partial.rows
    exact = near = largest = cross = None
    if plan.text:
        exact = _rate(n - counts.distinct[index], n)
        clusters = near_duplicate_clusters(partial.bands, partial.signatures, params.min_jaccard)
        near = _rate(sum(clusters), n)
        largest = _rate(clusters[0], n) if clusters else 0.0
        cross = _rate(counts.cross[index], n)
    generator = partial.generators if plan.generator_field else None
    verified = plan.verified_field is not None
    return SourceMeasurement(
        source=plan.source,
        split=plan.split,
        pointer=plan.pointer,
        role=plan.role,
        records=n,
        exact_duplicate_rate=exact,
        cross_duplicate_rate=cross,
        near_duplicate_rate=near,
        largest_cluster_share=largest,
        generator_shares=(
            None
            if generator is None
            else {name: _rate(count, n) for name, count in sorted(generator.items())}
        ),
        synthetic_records=(
            None if generator is None else sum(c for name, c in generator.items() if name)
        ),
        verified_items=partial.verified if verified else None,
        checked_items=partial.verified_known if verified else None,
        files=tuple(
            DataFile(f.shown, stats[f.path][0], stats[f.path][2], count)
            for f, count in zip(plan.files, read.rows[index], strict=True)
        ),
        seconds=read.seconds[index],
    )


@dataclass(frozen=True, slots=True)
class _TrainingGrams:
    """The evaluation n-grams found in the training data, and how often."""

    grams: U64
    """Every one found (ngram-8-70 counts them all)."""
    usable: U64
    """Those found in at most ``max_ngram_frequency`` training records (ngram-13)."""

    @classmethod
    def of(cls, hits: list[U64], params: MeasureParams) -> _TrainingGrams:
        if not hits:
            return cls(np.empty(0, np.uint64), np.empty(0, np.uint64))
        grams, counts = np.unique(np.concatenate(hits), return_counts=True)
        return cls(grams, grams[counts <= params.max_ngram_frequency])


def _dirty(
    items: EvalItems, exact: npt.NDArray[np.bool_], found: _TrainingGrams, params: MeasureParams
) -> dict[str, list[tuple[str, int]]]:
    """The items each recipe finds in the training data; an item too short for a recipe's
    n-grams is judged by the exact recipe."""
    dirty: dict[str, list[tuple[str, int]]] = {r: [] for r in RECIPES}
    for k, row in enumerate(items.rows):
        long, palm = items.long[k], items.palm[k]
        verdicts = {
            "exact": bool(exact[k]),
            "ngram-13": bool(np.isin(long, found.usable).any()) if len(long) else bool(exact[k]),
            "ngram-8-70": (
                float(np.isin(palm, found.grams).mean()) >= params.palm_share
                if len(palm)
                else bool(exact[k])
            ),
        }
        for recipe, is_dirty in verdicts.items():
            if is_dirty:
                dirty[recipe].append(row)
    return dirty


def _contamination(
    plans: Sequence[SourcePlan],
    merged: dict[int, SourcePartial],
    counts: ExactCounts,
    params: MeasureParams,
) -> list[tuple[Contamination, set[str]]]:
    """Each evaluation source with text against every training source with text, by each
    recipe; with the manifests each result concerns (the evaluation set's and the training
    sets')."""
    training = [i for i, p in enumerate(plans) if p.role != "eval" and p.text]
    evaluation = [i for i, p in enumerate(plans) if p.role == "eval" and p.text]
    if not training or not evaluation:
        return []
    found = _TrainingGrams.of([h for i in training for h in merged[i].eval_hits], params)
    manifests = {plans[i].manifest for i in training}
    out = []
    for e in evaluation:
        plan = plans[e]
        items = merged[e].items or EvalItems()
        names = tuple(
            sorted(
                plans[i].source
                if plans[i].manifest == plan.manifest
                else f"{plans[i].manifest}#{plans[i].source}"
                for i in training
            )
        )
        dirty = _dirty(items, counts.in_training[e], found, params)
        for recipe in RECIPES:
            rows = tuple(sorted(dirty[recipe]))
            contamination = Contamination(
                plan.source, names, recipe, len(items.rows), len(rows), rows
            )
            out.append((contamination, manifests | {plan.manifest}))
    return out


def _dump(results: dict[str, ManifestMeasurement]) -> dict[str, Any]:
    return {
        "v": _CACHE_VERSION,
        "manifests": {
            path: {
                "sources": {sid: s.as_dict() for sid, s in m.sources.items()},
                "contamination": [c.as_dict(rows=True) for c in m.contamination],
                "evidence": m.evidence,
            }
            for path, m in results.items()
        },
    }


def _load(file: Path, plans: Sequence[SourcePlan]) -> dict[str, ManifestMeasurement] | None:
    """A cached run, or None when the file is damaged (then it is measured again)."""
    pointers = {(p.manifest, p.source): p.pointer for p in plans}
    try:
        data = json.loads(file.read_text())
        out = {}
        for path, m in data["manifests"].items():
            sources = {
                sid: SourceMeasurement.from_dict(sid, pointers[(path, sid)], s)
                for sid, s in m["sources"].items()
            }
            contamination = tuple(Contamination.from_dict(c) for c in m["contamination"])
            evidence = {**m["evidence"], "cached": True}
            out[path] = ManifestMeasurement(path, sources, contamination, evidence)
        return out
    except (OSError, ValueError, KeyError, TypeError):
        return None

"""Benchmark ``synthgate measure`` on a deterministic corpus built from GSM8K text.

    python benchmarks/measure.py [--sizes 10000,100000] [--gsm8k DIR] [--datatrove VENV]

The corpus (``benchmarks/.data/measure/n{SIZE}-seed{SEED}/``, reused while the size, the seed
and this file are unchanged) holds SIZE training records made from GSM8K training problems
with their numbers redrawn (so that records differ), 2% planted exact duplicates (copies with
other case and spacing), 3% planted near duplicates (copies with one to three words
replaced), and an evaluation set of GSM8K test problems of which 5% are planted verbatim in the
training records. Training records are in Parquet files of 100,000 rows (and in JSON Lines
for datatrove); the evaluation set in one Parquet file.

Printed per size, each a separate pass over the same files:

* **scan**: a plain DuckDB scan of the text column (the floor for any measure);
* **exact**: records and exact duplicates (normalise, sha256) through the engine;
* **near**: MinHash LSH near duplicates (rensa; and datasketch with ``--datasketch``), with
  precision and recall against the planted truth;
* **all**: ``synthgate.measure.run.measure`` end to end (every measurement, contamination
  included), with contamination precision and recall, and peak memory (VmHWM of a fresh
  process);
* **datatrove**: datatrove's MinHash deduplication (stages 1-3, one process) on the same text,
  installed into its own environment (``--datatrove VENV``; left out when it is missing).

Throughput is MB of text per second and records per second. Recall of near duplicates is over
the planted pairs whose Jaccard similarity (word 5-grams) is at least 0.8.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import random
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data" / "measure"
ROOT = HERE.parent
FILE_ROWS = 100_000
_NUMBER = re.compile(r"\d+")


# --------------------------------------------------------------------------- the corpus


def _load(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as stream:
        return [(r["question"] + "\n" + r["answer"]) for r in (json.loads(line) for line in stream)]


def _redraw(text: str, rng: random.Random) -> str:
    return _NUMBER.sub(lambda m: str(rng.randrange(2, 10 ** max(1, len(m.group())) + 7)), text)


def _edit(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        words[rng.randrange(len(words))] = rng.choice(["apples", "exactly", "seven", "blue"])
    return " ".join(words)


def build(directory: Path, size: int, gsm8k: Path, seed: int) -> dict[str, Any]:
    """Write the corpus and return its truth (planted pairs and contaminated items)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(seed)
    train, test = _load(gsm8k / "train.jsonl"), _load(gsm8k / "test.jsonl")
    evaluation = test[: min(len(test), max(100, size // 100))]
    planted_eval = sorted(rng.sample(range(len(evaluation)), max(1, len(evaluation) // 20)))
    texts: list[str] = []
    exact: list[tuple[int, int]] = []
    near: list[tuple[int, int]] = []
    contaminated: dict[int, int | None] = dict.fromkeys(planted_eval)
    slots = sorted(rng.sample(range(size // 10, size), len(planted_eval)))
    base: list[int] = []  # copies are made of these only, never of copies
    for i in range(size):
        if slots and i == slots[0]:
            slots.pop(0)
            item = next(k for k, v in contaminated.items() if v is None)
            contaminated[item] = i
            texts.append(evaluation[item])
            continue
        roll = rng.random()
        if i > 100 and roll < 0.02:
            source = rng.choice(base)
            copy = texts[source].upper() if rng.random() < 0.5 else texts[source]
            texts.append("  " + copy.replace(" ", "  "))
            exact.append((i, source))
        elif i > 100 and roll < 0.05:
            source = rng.choice(base)
            texts.append(_edit(texts[source], rng))
            near.append((i, source))
        else:
            base.append(i)
            texts.append(_redraw(train[rng.randrange(len(train))], rng))
    directory.mkdir(parents=True, exist_ok=True)
    for k in range(0, size, FILE_ROWS):
        chunk = texts[k : k + FILE_ROWS]
        pq.write_table(pa.table({"text": chunk}), directory / f"train-{k // FILE_ROWS:03d}.parquet")
        with (directory / f"train-{k // FILE_ROWS:03d}.jsonl").open("w", encoding="utf-8") as out:
            for j, text in enumerate(chunk):
                out.write(json.dumps({"id": str(k + j), "text": text}) + "\n")
    pq.write_table(pa.table({"text": evaluation}), directory / "eval.parquet")
    (directory / "m.synthgate.yaml").write_text(
        "dataset: {name: bench, task_type: math-word-problems, stage: sft}\n"
        "splits:\n"
        "  - name: train\n"
        "    sources:\n"
        "      - {id: train, origin: synthetic, data: {files: ['train-*.parquet'], text: [text]}}\n"
        "  - name: test\n"
        "    sources:\n"
        "      - {id: eval, origin: human, data: {files: [eval.parquet], text: [text]}}\n"
    )
    truth = {
        "exact": exact,
        "near": near,
        "contaminated": sorted(contaminated),
        "text_bytes": sum(len(t.encode()) for t in texts),
    }
    (directory / "truth.json").write_text(json.dumps(truth))
    return truth


def corpus(size: int, gsm8k: Path, seed: int, data: Path = DATA) -> tuple[Path, dict[str, Any]]:
    """The corpus of this size, built unless an identical one is there."""
    source = "".join(inspect.getsource(f) for f in (_load, _redraw, _edit, build))
    stamp = hashlib.sha256(source.encode()).hexdigest()[:12]
    directory = data / f"n{size}-seed{seed}"
    marker = directory / "built"
    if marker.is_file() and marker.read_text() == stamp:
        return directory, json.loads((directory / "truth.json").read_text())
    truth = build(directory, size, gsm8k, seed)
    marker.write_text(stamp)
    return directory, truth


# --------------------------------------------------------------------------- the passes


def _plan(directory: Path) -> Any:
    from synthgate.documents import DEFAULT_LIMITS, read_document
    from synthgate.measure.plan import plan_manifest
    from synthgate.measure.run import MeasureTarget
    from synthgate.models import Manifest
    from synthgate.validation import validate_model

    path = directory / "m.synthgate.yaml"
    document = read_document(path, DEFAULT_LIMITS, path.name)
    manifest = validate_model(Manifest, document.data, document)
    target = MeasureTarget(manifest, document, directory)
    return target, plan_manifest(manifest, document, directory)[0]


def scan(directory: Path) -> float:
    """Seconds for a plain DuckDB scan of every training text."""
    import duckdb

    connection = duckdb.connect(config={"memory_limit": "1GB"})
    started = time.perf_counter()
    relation = connection.sql(f"SELECT text FROM read_parquet('{directory}/train-*.parquet')")
    read = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
    rows = sum(batch.num_rows for batch in read(8192))
    assert rows > 0
    return time.perf_counter() - started


def exact_pass(directory: Path) -> float:
    """Seconds for records and exact duplicates through the engine."""
    import numpy as np

    from synthgate.measure.engines import DuckDBEngine
    from synthgate.measure.partials import SourcePartial, normalize_texts, text_hashes

    _target, plan = _plan(directory)

    def step(batch: Any, file: str, first: int) -> SourcePartial:
        hashes = text_hashes(normalize_texts(batch.column("text")).to_pylist())
        return SourcePartial(rows=batch.num_rows, hashes=[hashes])

    started = time.perf_counter()
    parts = DuckDBEngine().measure(plan, step, lambda rows: None)
    merged = SourcePartial()
    for part in parts:
        merged = merged.merge(part)
    np.unique(np.concatenate(merged.hashes))
    return time.perf_counter() - started


def near_pass(directory: Path, truth: dict[str, Any], library: str) -> dict[str, Any]:
    """Seconds, precision and recall of near duplicates; and the precision and recall of the
    candidate pairs alone (every pair sharing a band, unverified), from the same signatures."""
    from synthgate.measure.engines import DuckDBEngine
    from synthgate.measure.params import MeasureParams
    from synthgate.measure.partials import SourcePartial, cluster_labels, measure_batch

    _target, plan = _plan(directory)
    params = MeasureParams(minhash=library)  # type: ignore[arg-type]
    started = time.perf_counter()
    parts = DuckDBEngine().measure(
        plan, lambda batch, file, first: measure_batch(batch, params), lambda rows: None
    )
    merged = SourcePartial()
    for part in parts:
        merged = merged.merge(part)
    labels = cluster_labels(merged.bands, merged.signatures, params.min_jaccard)
    seconds = time.perf_counter() - started
    unverified = _accuracy(cluster_labels(merged.bands), truth, directory)
    return {"seconds": seconds, **_accuracy(labels, truth, directory), "unverified": unverified}


def _shingles(text: str) -> set[str]:
    from synthgate.measure.partials import normalize, words

    ws = words(normalize(text))
    return {" ".join(ws[i : i + 5]) for i in range(len(ws) - 4)}


def _accuracy(labels: list[int], truth: dict[str, Any], directory: Path) -> dict[str, float]:
    """Precision: records put in a cluster that have Jaccard >= 0.7 (word 5-grams) with
    another record of their cluster (planted or not: redrawn numbers can leave two records of
    one problem alike). Recall: planted near pairs with Jaccard >= 0.8 found in one cluster."""
    import pyarrow.parquet as pq

    texts: list[str] = []
    for file in sorted(directory.glob("train-*.parquet")):
        texts += pq.read_table(file).column("text").to_pylist()
    members: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        members.setdefault(label, []).append(i)
    clustered = true = 0
    for group in members.values():
        if len(group) < 2:
            continue
        shingles = [_shingles(texts[i]) for i in group[:50]]  # big clusters: a sample
        for a in shingles:
            clustered += 1
            true += any(b is not a and _jaccard(a, b) >= 0.7 for b in shingles)
    pairs = []
    for copy, source in truth["near"]:
        if _jaccard(_shingles(texts[copy]), _shingles(texts[source])) >= 0.8:
            pairs.append((copy, source))
    found = sum(1 for copy, source in pairs if labels[copy] == labels[source])
    return {
        "precision": true / clustered if clustered else 1.0,
        "recall": found / len(pairs) if pairs else 1.0,
    }


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def all_pass(directory: Path) -> dict[str, Any]:
    """``measure()`` end to end in a fresh process: seconds, peak memory, contamination."""
    done = subprocess.run(
        [sys.executable, __file__, "--child-all", str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def ray_pass(directory: Path, cpus: int) -> dict[str, Any]:
    """``measure()`` on a local Ray cluster of ``cpus`` worker CPUs, in a fresh driver process:
    seconds (Ray's start excluded), the driver's peak memory, the answers."""
    done = subprocess.run(
        [sys.executable, __file__, "--child-ray", str(cpus), str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _child_all(directory: Path, cpus: int = 0) -> None:
    from synthgate.measure.run import measure

    target, _ = _plan(directory)
    engine = None
    if cpus:
        from synthgate.measure.raydata import RayEngine

        engine = RayEngine(num_cpus=cpus)
    started = time.perf_counter()
    result = measure([target], engine=engine)["m.synthgate.yaml"]
    seconds = time.perf_counter() - started
    truth = set(json.loads((directory / "truth.json").read_text())["contaminated"])
    scores = {}
    for c in result.contamination:
        dirty = {row for _file, row in c.dirty}
        hit = len(dirty & truth)
        scores[c.recipe] = {
            "precision": hit / len(dirty) if dirty else 1.0,
            "recall": hit / len(truth) if truth else 1.0,
        }
    train = result.sources["train"]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mib": _peak_mib(),
                "contamination": scores,
                "near_duplicate_rate": train.near_duplicate_rate,
                "exact_duplicate_rate": train.exact_duplicate_rate,
            }
        )
    )


def _peak_mib() -> float:
    """VmHWM of this process (reset by exec, unlike ru_maxrss), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


DATATROVE = """
import json, sys, time
from pathlib import Path
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig, MinhashDedupSignature, MinhashDedupBuckets, MinhashDedupCluster)
from datatrove.utils.hashing import HashConfig
from datatrove.utils.binaryio import read_tuples_from_file
data, work = Path(sys.argv[1]), Path(sys.argv[2])
config = MinhashConfig(
    hash_config=HashConfig(precision=64), num_buckets=14, hashes_per_bucket=8, n_grams=5
)
sig, buckets, remove = str(work / "sig"), str(work / "buckets"), str(work / "remove")
reader = JsonlReader(str(data), glob_pattern="train-*.jsonl", text_key="text", id_key="id")
started = time.perf_counter()
for k, (step, tasks) in enumerate((
    ([reader, MinhashDedupSignature(output_folder=sig, config=config)], 1),
    ([MinhashDedupBuckets(input_folder=sig, output_folder=buckets, config=config)], 14),
    ([MinhashDedupCluster(input_folder=buckets, output_folder=remove, config=config,
                          save_cluster_id=True)], 1),
)):
    logs = str(work / "logs" / str(k))
    LocalPipelineExecutor(pipeline=step, tasks=tasks, workers=1, logging_dir=logs).run()
seconds = time.perf_counter() - started
labels = {}
with open(work / "remove" / "000000.clusters", "rb") as f:
    for doc, cluster in read_tuples_from_file(f, "2I"):
        labels[doc] = cluster
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "labels": labels, "peak_mib": hwm / 1024}))
"""


def datatrove_pass(directory: Path, truth: dict[str, Any], venv: Path) -> dict[str, float] | None:
    """datatrove's MinHash deduplication in its own environment, or None without it."""
    python = venv / "bin" / "python"
    if not python.is_file():
        return None
    import shutil

    work = directory / "datatrove"
    shutil.rmtree(work, ignore_errors=True)
    done = subprocess.run(
        [str(python), "-c", DATATROVE, str(directory), str(work)],
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    count = len(_texts_count(directory))
    labels = list(range(-1, -count - 1, -1))  # a record outside every cluster: its own label
    for doc, cluster in out["labels"].items():
        labels[int(doc)] = cluster
    return {
        "seconds": out["seconds"],
        "peak_mib": out["peak_mib"],
        **_accuracy(labels, truth, directory),
    }


def _texts_count(directory: Path) -> list[int]:
    import pyarrow.parquet as pq

    rows: list[int] = []
    for file in sorted(directory.glob("train-*.parquet")):
        rows += [0] * pq.read_metadata(file).num_rows
    return rows


# --------------------------------------------------------------------------- report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--gsm8k", type=Path, default=ROOT / "tests" / "fixtures" / "measure" / "gsm8k"
    )
    parser.add_argument(
        "--data", type=Path, default=DATA, help="Where corpora are written (large at 1M)."
    )
    parser.add_argument("--datatrove", type=Path, default=HERE / ".data" / "venv-datatrove")
    parser.add_argument("--datasketch", action="store_true", help="Also time datasketch.")
    parser.add_argument(
        "--datatrove-max",
        type=int,
        default=10_000,
        help="Run datatrove only up to this size (it takes minutes per 10,000 records here).",
    )
    parser.add_argument(
        "--passes",
        default="scan,exact,near,all,datatrove",
        help="Which passes to run (comma-separated).",
    )
    parser.add_argument(
        "--engine",
        choices=["duckdb", "ray"],
        default="duckdb",
        help="ray: also measure end to end on a local Ray cluster of 1 and 2 worker CPUs.",
    )
    parser.add_argument("--child-all", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-ray", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_all is not None:
        _child_all(args.child_all)
        return
    if args.child_ray is not None:
        _child_all(Path(args.child_ray[1]), int(args.child_ray[0]))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        directory, truth = corpus(size, args.gsm8k, args.seed, args.data)
        mb = truth["text_bytes"] / 1e6
        print(f"\n## {size:,} records, {mb:,.0f} MB of text ({directory})")
        print(f"{'pass':<22} {'seconds':>8} {'MB/s':>8} {'records/s':>11}  notes")

        def row(
            name: str, seconds: float, note: str = "", mb: float = mb, size: int = size
        ) -> None:
            print(f"{name:<22} {seconds:8.2f} {mb / seconds:8.1f} {size / seconds:11,.0f}  {note}")

        passes = set(args.passes.split(","))
        floor = scan(directory)
        row("scan (DuckDB floor)", floor)
        if "exact" in passes:
            exact = exact_pass(directory)
            row("exact", exact, f"{exact / floor:.1f}x the scan")
        libraries = ["rensa", "datasketch"] if args.datasketch else ["rensa"]
        for library in libraries if "near" in passes else []:
            near = near_pass(directory, truth, library)
            row(
                f"near ({library})",
                near["seconds"],
                f"precision {near['precision']:.3f}, recall@J0.8 {near['recall']:.3f} "
                f"(candidates unverified: precision {near['unverified']['precision']:.3f}, "
                f"recall {near['unverified']['recall']:.3f})",
            )
        if "all" not in passes:
            continue
        everything = all_pass(directory)
        scores = ", ".join(
            f"{recipe} p {s['precision']:.2f} r {s['recall']:.2f}"
            for recipe, s in everything["contamination"].items()
        )
        row(
            "all (measure())",
            everything["seconds"],
            f"peak {everything['peak_mib']:.0f} MiB; {scores}",
        )
        for cpus in (1, 2) if args.engine == "ray" else ():
            ray = ray_pass(directory, cpus)
            same = all(
                ray[k] == everything[k]
                for k in ("contamination", "near_duplicate_rate", "exact_duplicate_rate")
            )
            row(
                f"ray, {cpus} worker CPU{'s' if cpus > 1 else ''}",
                ray["seconds"],
                f"driver peak {ray['peak_mib']:.0f} MiB; "
                f"{everything['seconds'] / ray['seconds']:.2f}x the embedded engine's speed; "
                f"{'same answers' if same else 'DIFFERENT ANSWERS'}",
            )
        if "datatrove" not in passes or size > args.datatrove_max:
            continue
        trove = datatrove_pass(directory, truth, args.datatrove)
        if trove is None:
            print(f"{'datatrove':<22} not installed in {args.datatrove}")
        else:
            row(
                "datatrove minhash",
                trove["seconds"],
                f"peak {trove['peak_mib']:.0f} MiB; recall@J0.8 {trove['recall']:.3f} "
                f"(precision {trove['precision']:.3f}: it strips digits, so records that differ "
                "only in numbers are one cluster to it)",
            )


if __name__ == "__main__":
    main()

"""A plain-Python lower bound for auditing the same manifests, without synthgate.

    python benchmarks/lower_bound.py [--jobs N] DIRECTORY_OR_FILE...

For each ``*.synthgate.yaml`` file (directories are searched recursively, like synthgate
does): read the text, parse it with PyYAML's C loader, and run three hand-coded checks:

1. synthetic share of records over the whole dataset above 0.5;
2. maximum generation depth of synthetic and mixed sources at 3 or more;
3. a synthetic or mixed source without a generator name.

No validation, no source positions, no policy, no report: this is roughly the least work
any audit of these files has to do in Python. It prints one summary line. With ``--jobs N``
(N > 1) and at least 200 files it spreads the files over N forked worker processes, as
``synthgate audit`` does, so that wall times compare like with like.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from pathlib import Path
from typing import Any

import yaml

__all__ = ["check", "main", "manifest_paths"]

SUFFIX = ".synthgate.yaml"
PARALLEL_THRESHOLD = 200


def manifest_paths(roots: list[str]) -> list[Path]:
    """Files named, and ``*.synthgate.yaml`` files under directories named, in sorted order."""
    found: list[Path] = []
    for root in roots:
        path = Path(root)
        if path.is_file():
            found.append(path)
            continue
        for directory, dirnames, filenames in os.walk(path):
            dirnames.sort()
            found.extend(Path(directory) / n for n in sorted(filenames) if n.endswith(SUFFIX))
    return found


def _synthetic_records(source: dict[str, Any]) -> float:
    records = source.get("records")
    if not isinstance(records, int):
        return 0.0
    origin = source.get("origin")
    if origin == "synthetic":
        return float(records)
    share = source.get("synthetic_share")
    if origin == "mixed" and isinstance(share, int | float):
        return records * float(share)
    return 0.0


def check(data: Any) -> tuple[bool, bool, bool]:
    """(synthetic share > 0.5, generation depth >= 3, a generator missing) for one manifest."""
    total = synthetic = 0.0
    depth = 0
    missing_generator = False
    for split in data.get("splits") or ():
        for source in split.get("sources") or ():
            records = source.get("records")
            if isinstance(records, int):
                total += records
            synthetic += _synthetic_records(source)
            if source.get("origin") in ("synthetic", "mixed"):
                source_depth = source.get("generation_depth")
                if isinstance(source_depth, int):
                    depth = max(depth, source_depth)
                generator = source.get("generator")
                if not isinstance(generator, dict) or not generator.get("name"):
                    missing_generator = True
    share_high = total > 0 and synthetic / total > 0.5
    return share_high, depth >= 3, missing_generator


def check_file(path: Path) -> tuple[bool, bool, bool]:
    """Read, parse and check one manifest file."""
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text, Loader=yaml.CSafeLoader)  # C parser, safe tags only
    return check(data)


def main(argv: list[str] | None = None) -> int:
    """Check every manifest under the paths given; print counts; return the exit code."""
    parser = argparse.ArgumentParser(description="Plain-Python lower bound of an audit.")
    parser.add_argument("paths", nargs="+", metavar="DIRECTORY_OR_FILE")
    parser.add_argument("--jobs", "-j", type=int, default=1, help="worker processes [1]")
    args = parser.parse_args(argv)
    paths = manifest_paths(args.paths)
    counts = [0, 0, 0]
    if args.jobs > 1 and len(paths) >= PARALLEL_THRESHOLD:
        chunk = max(8, min(64, len(paths) // (args.jobs * 8) or 1))
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            results = list(pool.imap(check_file, paths, chunksize=chunk))
    else:
        results = [check_file(path) for path in paths]
    for flags in results:
        for i, flagged in enumerate(flags):
            counts[i] += flagged
    print(
        f"{len(paths)} manifests; synthetic share > 0.5: {counts[0]}; "
        f"generation depth >= 3: {counts[1]}; generator missing: {counts[2]}"
    )
    return 1 if any(counts) else 0


if __name__ == "__main__":
    sys.exit(main())

"""One manifest with very many sources, just under the default file size limit: how long an
audit of it takes, how much memory it needs, and how large its JSON report is.

    python benchmarks/many_sources.py                 # as many sources as fit in 10 MiB
    python benchmarks/many_sources.py --sources 5000  # a given number

The manifest is written to benchmarks/.data/ (gitignored); standard library only, apart from
running the installed ``synthgate`` console script. Prints sources, seconds, peak RSS (MiB),
CPU seconds, report size (MiB) and the exit code.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

LIMIT = 10 * 1024 * 1024
DATA = Path(__file__).parent / ".data"

HEAD = """\
dataset:
  name: many-sources
  task_type: code-generation
  stage: sft
splits:
  - name: train
    sources:
"""


def source(index: int) -> str:
    """One synthetic source with a generator, of a fixed size (about 180 bytes)."""
    return (
        f"      - id: s{index:06d}\n"
        "        origin: synthetic\n"
        "        records: 10\n"
        f"        generator: {{name: gen-{index % 7}, family: fam-{index % 3}}}\n"
        "        generation_depth: 1\n"
    )


def manifest(sources: int | None) -> Path:
    """Write the manifest (``sources`` of them, or as many as fit under the limit)."""
    DATA.mkdir(parents=True, exist_ok=True)
    parts = [HEAD]
    size = len(HEAD)
    index = 0
    while sources is None or index < sources:
        piece = source(index)
        if sources is None and size + len(piece) >= LIMIT:
            break
        parts.append(piece)
        size += len(piece)
        index += 1
    path = DATA / f"many-sources-{index}.synthgate.yaml"
    path.write_text("".join(parts), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    """Generate, audit once with a JSON report, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=None)
    args = parser.parse_args(argv)
    path = manifest(args.sources)
    count = path.read_text(encoding="utf-8").count("      - id: ")
    report = DATA / "many-sources-report.json"
    report.unlink(missing_ok=True)
    script = Path(sys.executable).with_name("synthgate")
    command = [str(script), "audit", str(path), "--no-config", "-f", f"json={report}"]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    size = report.stat().st_size / 2**20 if report.exists() else 0.0
    print(f"sources         {count}")
    print(f"file size MiB   {path.stat().st_size / 2**20:.2f}")
    print(f"wall seconds    {seconds:.2f}")
    print(f"CPU seconds     {cpu:.2f}  (user + system; steadier than wall on a busy machine)")
    print(f"peak RSS MiB    {peak:.0f}")
    print(f"report MiB      {size:.2f}")
    print(f"exit code       {done.returncode}")
    if done.returncode not in (0, 1):
        print(done.stderr.strip()[:500], file=sys.stderr)


if __name__ == "__main__":
    main()

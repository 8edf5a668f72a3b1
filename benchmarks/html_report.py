"""Size of the HTML report, and how quickly headless Chromium opens and filters it.

    python benchmarks/html_report.py                  # 10,000 manifests
    python benchmarks/html_report.py --size 1000 --jobs 2

Inputs come from ``generate.py`` (shared with ``run.py`` under ``benchmarks/.data/``). Prints
the audit's wall time with and without ``--format html``, the page's size, the time from
navigation until the page has drawn itself, and the time a text search over every finding
takes. Needs the dev extra (Playwright) and the system's Chromium (``/usr/bin/chromium``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE / ".data"


def inputs(size: int, seed: int) -> Path:
    """A directory of ``size`` generated manifests (generated once, then reused)."""
    directory = DATA / f"html-n{size}-seed{seed}"
    if len(list(directory.glob("*.synthgate.yaml"))) != size:
        generate = [sys.executable, str(HERE / "generate.py"), str(directory), str(size)]
        subprocess.run([*generate, "--seed", str(seed)], check=True, stdout=subprocess.DEVNULL)
    return directory


FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def audit(directory: Path, jobs: int, formats: list[str]) -> float:
    """Wall time of one ``synthgate audit`` of ``directory`` with these ``--format`` values."""
    command = [sys.executable, "-m", "synthgate", "audit", str(directory), "--jobs", str(jobs),
               "--today", "2025-06-01"]  # fmt: skip
    for fmt in formats:
        command += ["--format", fmt]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode not in (0, 1):
        sys.exit(f"audit failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def browse(page_path: Path, chromium: str) -> tuple[float, float, str]:
    """Seconds until the page is drawn, seconds for a text search, and the count it shows."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        start = time.perf_counter()
        page.goto(page_path.resolve().as_uri(), timeout=300_000)
        page.wait_for_selector("html[data-ready]", timeout=300_000)
        loaded = time.perf_counter() - start
        page.evaluate("() => { location.hash = '#findings'; }")
        before = page.text_content("#finding-count")
        start = time.perf_counter()
        page.fill("#filter-text", "generation_depth")
        while page.text_content("#finding-count") == before:
            page.wait_for_timeout(5)
        searched = time.perf_counter() - start
        shown = page.text_content("#finding-count") or ""
        browser.close()
    return loaded, searched, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    directory = inputs(args.size, args.seed)
    page_path = DATA / "last-report.html"
    plain = audit(directory, args.jobs, ["json=" + str(DATA / "last-report.json")])
    with_html = audit(directory, args.jobs, ["html=" + str(page_path)])
    text = page_path.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="report-data">(.*?)</script>', text, re.S).group(1))  # type: ignore[union-attr]
    loaded, searched, shown = browse(page_path, args.chromium)
    print(f"manifests: {len(data['manifests']):,}; findings listed: {len(data['findings']):,}")
    print(f"audit --format json: {plain:.1f} s; --format html: {with_html:.1f} s "
          f"(ratio {with_html / plain:.2f})")  # fmt: skip
    print(f"page size: {page_path.stat().st_size / 2**20:.1f} MiB")
    print(
        f"Chromium: drawn {loaded:.2f} s after navigation; text search {searched:.2f} s ({shown})"
    )


if __name__ == "__main__":
    main()

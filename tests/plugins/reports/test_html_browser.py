"""The ``html`` format in a real browser: the system's headless Chromium, driven by Playwright.

Playwright is given ``/usr/bin/chromium`` (Debian's package, installed by ``.ci/run``) and never
downloads a browser of its own. Outside CI the tests are skipped, with the reason, when Chromium
or Playwright is missing; in CI (``CI`` set) that is a failure, never a silent skip.

``SYNTHGATE_UPDATE_SCREENSHOTS=1`` copies the screenshots the tests take into ``docs/report/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import REPO_ROOT, CliResult
from tests.plugins.reports.html_page import TODAY, report_data, write_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path(os.environ.get("SYNTHGATE_CHROMIUM", "/usr/bin/chromium"))
# A closed network: nothing that phones home, a fresh profile (Playwright makes one per launch).
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
SCREENSHOTS = REPO_ROOT / "docs" / "report"
Run = Callable[..., CliResult]


def _unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.is_file():
        return f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium from the system's packages."""
    missing = _unavailable()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(f"browser tests skipped outside CI: {missing}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Opened:
    """A report open in a page, and what the page did while it was open."""

    page: Page
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def go(self, hash_: str) -> None:
        """Show another view of the report (the page routes on its URL's fragment)."""
        self.page.evaluate("hash => { location.hash = hash; }", hash_)
        self.page.wait_for_timeout(50)

    def count(self) -> str:
        """The 'N findings shown of M' line of the findings tab."""
        return self.page.text_content("#finding-count") or ""

    def settled(self, before: str) -> str:
        """The findings count once a typed filter (debounced) has changed it."""
        for _ in range(200):
            now = self.count()
            if now != before:
                return now
            self.page.wait_for_timeout(25)
        return self.count()

    def check_clean(self) -> None:
        assert self.errors == []
        assert self.requests == [self.url], "the report made a request of its own"


def _open(browser: Browser, path: Path) -> Iterator[Opened]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    opened = Opened(page, path.resolve().as_uri())
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    page.on("request", lambda request: opened.requests.append(request.url))

    def refuse(route: Any) -> None:  # anything but the file itself is recorded and refused
        if route.request.url == opened.url:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", refuse)
    page.goto(opened.url, timeout=120_000)
    page.wait_for_selector("html[data-ready]", timeout=120_000)
    try:
        yield opened
    finally:
        context.close()


def _screenshot(opened: Opened, selector: str | None, name: str, tmp_path: Path) -> None:
    """A PNG of the page (or one element) in ``tmp_path``; copied into docs/report/ when
    SYNTHGATE_UPDATE_SCREENSHOTS is set."""
    out = tmp_path / name
    if selector is None:
        opened.page.screenshot(path=str(out))
    else:
        opened.page.locator(selector).first.screenshot(path=str(out))
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("SYNTHGATE_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, SCREENSHOTS / name)


@pytest.fixture
def examples(
    browser: Browser, run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Opened]:
    """The report of examples/, open."""
    path = tmp_path / "report.html"
    write_report(run_cli, monkeypatch, path, "examples")
    yield from _open(browser, path)


@pytest.fixture
def fixtures(
    browser: Browser, run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Opened]:
    """The report of tests/fixtures/html (cross-manifest links, waivers, hostile fields)."""
    path = tmp_path / "report.html"
    write_report(run_cli, monkeypatch, path)
    yield from _open(browser, path)


def _index(opened: Opened, manifest: str) -> int:
    paths: list[str] = opened.page.evaluate(
        "() => JSON.parse(document.getElementById('report-data').textContent)"
        ".manifests.map(m => m.path)"
    )
    return next(i for i, path in enumerate(paths) if path.endswith(manifest))


def test_the_examples_report_draws_every_view(examples: Opened, tmp_path: Path) -> None:
    page = examples.page
    assert page.locator("svg.family-chart rect").count() >= 6  # a bar per family and verdict
    assert page.locator("table.findings tbody tr").count() == 10  # the worst ten
    _screenshot(examples, None, "overview.png", tmp_path)

    examples.go(f"#manifest/{_index(examples, 'sentiment-paraphrased.synthgate.yaml')}")
    composition = page.locator(".composition").first
    assert composition.locator("svg.bar rect").count() >= 6
    # SG301's cap and SG103's floor from the policy, drawn on the origin bar.
    assert composition.locator("line.band-marker").count() >= 3
    assert "SG301" in (composition.text_content() or "")
    _screenshot(examples, ".composition", "composition.png", tmp_path)

    examples.go(f"#manifest/{_index(examples, 'recursive-instruct-mix.synthgate.yaml')}")
    graph = page.locator("#lineage svg.lineage-graph")
    assert graph.locator("g.node").count() >= 8  # 5 sources, generators, families, model
    assert graph.locator("g.node.flagged").count() >= 1  # where rules fired
    assert graph.locator("path.edge.derived").count() >= 2
    _screenshot(examples, "#lineage", "lineage.png", tmp_path)

    examples.go("#governance")
    assert "No waiver is written" in (page.text_content("main") or "")
    examples.check_clean()


def test_filters_change_what_is_shown(examples: Opened) -> None:
    examples.go("#findings")
    page = examples.page
    everything = examples.count()
    assert everything == "30 findings shown of 30"
    assert page.locator("table.findings tbody tr").count() == 30
    page.uncheck("#filter-warn")
    assert examples.count() == "10 findings shown of 30"  # the fails of examples/
    page.check("#filter-warn")
    page.select_option("#filter-rule", "SG3xx")
    assert examples.count() == "4 findings shown of 30"
    page.select_option("#filter-rule", "")
    page.fill("#filter-manifest", "sentiment")
    assert examples.settled(everything) == "6 findings shown of 30"
    page.fill("#filter-manifest", "")
    before = examples.settled("6 findings shown of 30")
    page.fill("#filter-text", "generation_depth")
    assert examples.settled(before) == "2 findings shown of 30"
    examples.check_clean()


def test_rule_codes_link_to_their_cards(examples: Opened) -> None:
    page = examples.page
    page.locator("table.findings a[href='#rule/SG301']").first.click()
    page.wait_for_timeout(50)
    card = page.locator("#rule-SG301")
    assert card.is_visible()
    text = card.text_content() or ""
    assert "subjective-synthetic-share-cap" in text
    for part in ("Why", "What to do", "References", "Li, Zhu, Lu, Yin"):
        assert part in text
    examples.check_clean()


def test_lineage_shows_cross_manifest_links_and_governance_the_waivers(fixtures: Opened) -> None:
    page = fixtures.page
    fixtures.go(f"#manifest/{_index(fixtures, 'support-train.synthgate.yaml')}")
    graph = page.locator("#lineage svg.lineage-graph")
    assert graph.locator("path.edge.cross").count() == 2  # SG701 and SG702 of the eval set
    assert graph.locator("g.node.linked").count() >= 1
    fixtures.go("#governance")
    rows = page.locator("#waivers tbody tr")
    assert rows.count() == 4
    table = page.text_content("#waivers") or ""
    assert "2025-05-01 (lapsed)" in table
    assert "eval-team@example.com" in table
    assert "SG302" in (page.text_content("main") or "")  # the ratchet
    fixtures.check_clean()


def test_hostile_fields_never_run(fixtures: Opened) -> None:
    page = fixtures.page
    hostile = _index(fixtures, "hostile.synthgate.yaml")
    for view in ("#overview", "#findings", "#manifests", f"#manifest/{hostile}", "#governance"):
        fixtures.go(view)
        page.mouse.move(300, 300)
        assert page.evaluate("() => window.__injected === undefined"), view
        assert page.locator("img").count() == 0
        assert page.locator("main script, main svg svg, main b").count() == 0
    fixtures.go(f"#manifest/{hostile}")
    text = page.text_content("main") or ""
    assert "<script>window.__injected = 'dataset name'</script>" in text  # shown as text
    assert page.evaluate("() => document.scripts.length") == 2
    fixtures.check_clean()


def test_measured_values_are_shown_beside_declared_ones(
    browser: Browser, run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The page is ready for measurement: a source with a ``measured`` block shows both, and
    marks where they disagree."""
    from synthgate_plugins.reports.html import page as render

    data = report_data(write_report(run_cli, monkeypatch, tmp_path / "report.html"))
    paths = [m["path"] for m in data["manifests"]]
    index = paths.index("support-train.synthgate.yaml")
    source = data["manifests"][index]["splits"][0]["sources"][2]
    source["measured"] = {**source["declared"], "records": 7100}
    path = tmp_path / "measured.html"
    path.write_text(render(data, "measured"), encoding="utf-8")
    for opened in _open(browser, path):
        opened.go(f"#manifest/{index}")
        page = opened.page
        assert page.locator("td.disagree").count() == 1
        assert "\u2260 7,100" in (page.text_content("td.disagree") or "")
        assert page.locator(".chart[data-chart='Records by origin (measured)']").count() == 1
        opened.check_clean()


@pytest.mark.heavy
@pytest.mark.timeout(1800)  # generates, audits and draws 10,000 manifests
def test_ten_thousand_manifests_open_and_filter(browser: Browser, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    generate = REPO_ROOT / "benchmarks" / "generate.py"
    subprocess.run([sys.executable, str(generate), str(corpus), "10000"], check=True)
    report = tmp_path / "report.html"
    done = subprocess.run(
        [sys.executable, "-m", "synthgate", "audit", str(corpus), "--today", TODAY,
         "--format", f"html={report}", "--jobs", str(os.cpu_count() or 1)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    for opened in _open(browser, report):
        page = opened.page
        assert page.locator("svg.family-chart rect").count() >= 6
        opened.go("#findings")
        everything = opened.count()
        assert everything.endswith(" findings shown of " + everything.rsplit(" ", 1)[1])
        assert page.locator("table.findings tbody tr").count() == 100  # one page at a time
        page.fill("#filter-text", "generation_depth")
        narrowed = opened.settled(everything)
        assert narrowed != everything
        opened.go("#manifests")
        assert page.locator("#manifest-results tbody tr").count() == 50
        opened.go("#manifest/9999")
        assert page.locator(".composition svg.bar").count() >= 1
        assert page.locator("#lineage g.node").count() >= 2
        opened.check_clean()

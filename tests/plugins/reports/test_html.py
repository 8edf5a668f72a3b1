"""The ``html`` format without a browser: golden file, escaping, and the data the page draws."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synthgate import Totals
from synthgate.plugin import RunInfo
from synthgate_plugins.reports.html import HtmlReporter, page, script_json
from tests.conftest import CliResult
from tests.plugins.reports.builders import check_golden, make_finding, make_result
from tests.plugins.reports.html_page import HTML_FIXTURES, report_data, write_report

Run = Callable[..., CliResult]
HOSTILE = "<script>window.__injected = 'dataset name'</script>"


class _Tags(HTMLParser):
    """Every start tag of a page, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self._in_script = dict(attrs)

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self.scripts.append((self._in_script, data))
            self._in_script = None


def _parse(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    return parser


# Text that tries every way out of a script element or a JSON string.
hostile_text = st.lists(
    st.sampled_from(["<", ">", "/", "!", "-", "&", '"', "'", "\\", "\u2028", "\u2029", "\n"])
    | st.sampled_from(
        ["</script>", "<!--", "-->", "]]>", "</SCRIPT ", "<script>", "<img onerror=x>"]
    )
    | st.characters(codec="utf-8"),
    max_size=20,
).map("".join)


@given(hostile_text)
def test_script_json_round_trips_and_cannot_close_the_element(value: str) -> None:
    data = {"value": value, "list": [value, {"k": value}]}
    text = script_json(data)
    assert json.loads(text) == data
    for unsafe in ("<", ">", "&", "\u2028", "\u2029"):
        assert unsafe not in text


@given(hostile_text)
def test_a_value_in_the_page_stays_inside_its_data_block(value: str) -> None:
    data: dict[str, Any] = {"manifests": [{"dataset": value}], "note": value}
    parsed = _parse(page(data, value))
    # The browser's HTML parser sees exactly two scripts: the data and the page's own code.
    assert [attrs.get("type") for attrs, _text in parsed.scripts] == ["application/json", None]
    assert json.loads(parsed.scripts[0][1]) == data
    assert parsed.tags.count("script") == 2


def test_output_matches_golden_on_the_examples(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = write_report(run_cli, monkeypatch, tmp_path / "report.html", "examples")
    check_golden("audit.html", text)


def test_same_input_same_bytes(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = write_report(run_cli, monkeypatch, tmp_path / "a.html")
    second = write_report(run_cli, monkeypatch, tmp_path / "b.html", "fixtures", "--jobs", "2")
    assert first == second


def test_the_page_needs_nothing_from_outside(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = write_report(run_cli, monkeypatch, tmp_path / "report.html")
    parsed = _parse(text)
    assert set(parsed.tags) == {"html", "head", "meta", "title", "style", "body", "noscript"} | {
        "p",
        "div",
        "script",
    }
    # Nothing in the stylesheet or the script that loads anything (the data is checked apart).
    outside_data = text.split('id="report-data">')[0] + text.split("</script>", 1)[1]
    for loads in ("src=", "url(", "@import", "fetch(", "XMLHttpRequest", "import(", "WebSocket",
                  "sendBeacon", "EventSource", "Worker(", ".innerHTML", ".outerHTML",
                  "insertAdjacentHTML", "document.write", "eval("):  # fmt: skip
        assert loads not in outside_data, loads


def test_hostile_fields_reach_the_data_as_text_and_nowhere_else(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = write_report(run_cli, monkeypatch, tmp_path / "report.html")
    data_block = text.split('id="report-data">')[1].split("</script>", 1)[0]
    assert text.count("window.__injected") == data_block.count("window.__injected") > 0
    data = report_data(text)
    hostile = next(m for m in data["manifests"] if m["path"] == "hostile.synthgate.yaml")
    assert hostile["dataset"] == HOSTILE
    assert hostile["splits"][0]["name"] == "<svg onload=\"window.__injected = 'split'\">"
    waiver = next(w for w in data["waivers"] if w["file"] == "hostile.synthgate.yaml")
    assert waiver["reason"] == "<script>window.__injected = 'waiver reason'</script>"
    assert text.count("<script") == 2


def test_composition_lineage_and_governance_data(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    data = report_data(write_report(run_cli, monkeypatch, tmp_path / "report.html"))
    paths = [m["path"] for m in data["manifests"]]
    train = data["manifests"][paths.index("support-train.synthgate.yaml")]
    assert train["verifiability"] == "subjective"
    sources = {s["id"]: s["declared"] for s in train["splits"][0]["sources"]}
    assert sources["re-paraphrases"] == {
        "origin": "synthetic",
        "records": 2000,
        "method": "llm",
        "depth": 2,
        "generator": {"name": "acme-chat-7b", "family": "acme-chat", "provider": "internal"},
        "derived_from": ["paraphrases"],
    }
    assert "measured" not in train["splits"][0]["sources"][0]  # nothing is measured yet
    cap = next(b for b in train["bands"] if b["rule"] == "SG301")
    assert cap == {
        "rule": "SG301",
        "scope": "dataset",
        "metric": "synthetic_share_records",
        "bar": "origin",
        "warn": ["above", 0.25],
        "fail": ["above", 0.5],
        "observed": 0.6875,
        "verdict": "fail",
    }
    # Cross-manifest findings name the other manifest by its index in the report.
    columns = data["finding_columns"]
    rows = [dict(zip(columns, row, strict=True)) for row in data["findings"]]
    shared = next(r for r in rows if r["rule"] == "SG701")
    assert [place[0] for place in shared["related"]] == [
        paths.index("support-train.synthgate.yaml")
    ]
    assert shared["manifest"] == paths.index("support-eval.synthgate.yaml")
    # Worst first: every fail before any warn, waived findings last.
    waived = [r["waiver"] is not None and r["waiver"][0] == "active" for r in rows]
    assert waived == sorted(waived)
    ranks = [{"warn": 1, "fail": 2, "error": 3}[r["verdict"]] for r in rows if not r["waiver"]]
    assert ranks == sorted(ranks, reverse=True)
    waivers = {(w["rule"], w["file"]): w for w in data["waivers"]}
    assert waivers["SG104", "support-train.synthgate.yaml"]["status"] == "lapsed"
    assert waivers["SG303", "support-train.synthgate.yaml"]["covers"] == 2
    central = waivers["SG401", "synthgate-waivers.yaml"]
    assert (central["status"], central["covers"], central["line"]) == ("active", 1, 3)
    assert central["approver"] == "head-of-data@example.com"
    assert data["rules"]["SG302"]["enforce_from"] == "2025-12-01"
    assert data["today"] == "2025-06-01"


def test_bands_come_from_the_policy_in_force(
    run_cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    policy = tmp_path / "tight.policy.yaml"
    policy.write_text(
        "name: tight\nextends: [default]\n"
        "overrides:\n  SG301: {check: {warn: {above: 0.1}, fail: {above: 0.2}}}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(HTML_FIXTURES)
    out = tmp_path / "report.html"
    result = run_cli("audit", "support-train.synthgate.yaml", "--policy", str(policy),
                     "--format", f"html={out}")  # fmt: skip
    assert result.code == 1, result.err
    cap = next(b for b in report_data(out.read_text("utf-8"))["manifests"][0]["bands"]
               if b["rule"] == "SG301")  # fmt: skip
    assert (cap["warn"], cap["fail"]) == (["above", 0.1], ["above", 0.2])


def test_without_an_audit_the_page_still_shows_the_findings() -> None:
    out = io.StringIO()
    reporter = HtmlReporter(out, RunInfo(version="0", policies=[], plugins=[]))
    reporter.start()
    reporter.add(make_result(make_finding("fail", message="<b>bold</b>")))
    counts = {"pass": 0, "warn": 0, "fail": 1, "error": 0}
    reporter.finish(Totals(manifests=1, findings=counts), "fail")  # type: ignore[arg-type]
    data = report_data(out.getvalue())
    assert data["manifests"][0]["path"] == "m.synthgate.yaml"
    assert "splits" not in data["manifests"][0]
    assert data["findings"][0][data["finding_columns"].index("message")] == "<b>bold</b>"
    assert data["waivers"] == []


def test_html_is_a_listed_format(run_cli: Run) -> None:
    result = run_cli("plugins")
    assert "html" in result.out
    assert (HTML_FIXTURES / "hostile.synthgate.yaml").is_file()

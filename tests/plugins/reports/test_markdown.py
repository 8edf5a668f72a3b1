"""The markdown format: a verdict heading, a manifest table with escaped cells, the findings."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from synthgate import Finding, ManifestResult, Totals, Verdict
from synthgate.models import empty_counts
from synthgate.reporter_contract import RunInfo
from synthgate_plugins.reports.markdown import MarkdownReporter, cell, code, text
from tests.conftest import FIXTURES, REPO_ROOT, CliResult
from tests.plugins.reports.builders import (
    MANIFESTS,
    check_golden,
    enter_project,
    make_finding,
    make_result,
)


def _render(*results: ManifestResult, verdict: Verdict = "fail") -> str:
    out = io.StringIO()
    reporter = MarkdownReporter(out, RunInfo(version="0", policies=[], plugins=[]))
    reporter.start()
    totals = empty_counts()
    for result in results:
        reporter.add(result)
        for name, count in result.counts.items():
            totals[name] += count
    reporter.finish(Totals(manifests=len(results), findings=totals), verdict)
    return out.getvalue()


def _result(path: str, dataset: str, *findings: Finding) -> ManifestResult:
    return make_result(*findings, path=path, dataset=dataset)


def test_table_cells_escape_pipes_and_newlines() -> None:
    out = _render(_result("a|b.synthgate.yaml", "x | y\nz", make_finding("fail")))
    row = next(line for line in out.splitlines() if line.startswith("| `a"))
    assert row == "| `a\\|b.synthgate.yaml` | x \\| y z | **FAIL** | 0 | 0 | 1 | 0 |"
    # Every row has the same number of unescaped cell separators as the header.
    header = next(line for line in out.splitlines() if line.startswith("| Manifest |"))
    assert row.replace("\\|", "").count("|") == header.count("|") == 8


def test_cell_escapes() -> None:
    assert cell("a|b\nc") == "a\\|b<br>c"
    assert cell(code("x|y")) == "`x\\|y`"


def test_text_and_code_escapes() -> None:
    assert text("*bold* [link](u) <b>x</b> a_b _c_ &amp; 1 < 2\nnext") == (
        "\\*bold\\* \\[link\\](u) \\<b>x\\</b> a_b \\_c\\_ \\&amp; 1 < 2 next"
    )
    assert code("a`b") == "``a`b``"
    assert code("`a") == "`` `a ``"


def test_findings_list_warn_fail_and_error_only() -> None:
    out = _render(
        _result(
            "m.synthgate.yaml",
            "m",
            make_finding("pass", rule="SG001"),
            make_finding("warn", rule="SG002"),
            make_finding("error", rule="SG003", remediation=""),
        ),
        verdict="error",
    )
    assert out.startswith("## synthgate audit: **ERROR**\n")
    assert "SG001" not in out
    assert (
        "- **WARN** [`SG002`](https://github.com/synthgate/synthgate/blob/main/docs/rules.md#sg002)"
        " human-data-floor at `m.synthgate.yaml:2`: too little human data" in out
    )
    assert "- **ERROR** [`SG003`]" in out
    assert out.count("  - fix: Add human data.") == 1


def test_no_manifests() -> None:
    assert _render(verdict="pass") == (
        "## synthgate audit: **PASS**\n\n0 manifests (none); checks: none (fail-on: `fail`).\n"
    )


def test_markdown_golden(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(monkeypatch)
    result = run_cli("audit", *MANIFESTS, "--format", "markdown", "--no-color")
    assert result.code == 1
    check_golden("audit.md", result.out)
    again = run_cli("audit", *MANIFESTS, "--format", "markdown", "--show-passes")
    assert again.out == result.out


# --------------------------------------------------------------------------- GitHub's limits

FINDING = re.compile(r"^- \*\*(WARN|FAIL|ERROR)\*\* \[`(SG\d+)`\]\(([^)]+)\) ", re.M)


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of 120 failing manifests: far more findings than a PR comment holds."""
    root = tmp_path_factory.mktemp("many")
    text = (FIXTURES / "cli" / "fail.synthgate.yaml").read_text(encoding="utf-8")
    for n in range(120):
        (root / f"m{n:03}.synthgate.yaml").write_text(
            text.replace("name: sentiment-fail", f"name: sentiment-{n:03}"), encoding="utf-8"
        )
    return root


def _audit_many(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, many: Path
) -> tuple[str, dict[str, Any]]:
    monkeypatch.chdir(many)
    markdown = run_cli("audit", ".", "--format", "markdown", "--no-context")
    report = run_cli("audit", ".", "--format", "json", "--no-context")
    assert markdown.code == report.code == 1, markdown.err
    return markdown.out, json.loads(report.out)


def test_a_large_report_fits_a_pr_comment_worst_findings_first(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, many: Path
) -> None:
    monkeypatch.setenv("SYNTHGATE_REPORT_ARTIFACT", "synthgate.sarif")
    out, report = _audit_many(run_cli, monkeypatch, many)
    assert len(out) <= len(out.encode("utf-8")) <= 65_536
    flagged = [f for m in report["manifests"] for f in m["findings"] if f["verdict"] != "pass"]
    assert len(flagged) > 500
    shown = FINDING.findall(out)
    # The worst findings come first: the fails, before any warning.
    worst = out.split("### Worst findings", 1)[1].split("| Manifest |", 1)[0]
    assert [v for v, _, _ in FINDING.findall(worst)] == ["FAIL"] * MarkdownReporter.WORST
    listed = len(FINDING.findall(out.split("### Findings by manifest", 1)[1]))
    last = out.rstrip("\n").rsplit("\n", 1)[1]
    assert last == (
        f"**Cut at 65,536 bytes:** {len(flagged) - listed} of {len(flagged)} findings"
        f" are not shown here; the whole report is in `synthgate.sarif`."
    )
    assert len(shown) == MarkdownReporter.WORST + listed
    # Each manifest that is shown is whole: a <details> block is never cut in two.
    assert out.count("<details>") == out.count("</details>") > 0


def test_a_job_summary_takes_up_to_a_mebibyte(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, many: Path
) -> None:
    monkeypatch.setenv("SYNTHGATE_MARKDOWN_MAX_BYTES", str(1024 * 1024))
    out, report = _audit_many(run_cli, monkeypatch, many)
    assert len(out.encode("utf-8")) <= 1024 * 1024
    assert "Cut at" not in out
    flagged = [f for m in report["manifests"] for f in m["findings"] if f["verdict"] != "pass"]
    by_manifest = out.split("### Findings by manifest", 1)[1]
    assert len(FINDING.findall(by_manifest)) == len(flagged)
    assert by_manifest.count("<details>") == len(report["manifests"])
    summaries = re.findall(r"^<summary><code>(.+?)</code> \((.+?)\): (.+)</summary>$", out, re.M)
    assert [(p, d) for p, d, _ in summaries] == [
        (m["path"], m["dataset"]) for m in report["manifests"]
    ]


def test_rule_codes_link_to_their_cards(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(monkeypatch)
    out = run_cli("audit", *MANIFESTS, "--format", "markdown").out
    anchors = set(
        re.findall(r'<a id="([^"]+)"></a>', (REPO_ROOT / "docs" / "rules.md").read_text())
    )
    links = FINDING.findall(out)
    assert links
    for _, rule, url in links:
        page, anchor = url.split("#")
        assert page == "https://github.com/synthgate/synthgate/blob/main/docs/rules.md"
        assert anchor == rule.lower()
        assert anchor in anchors

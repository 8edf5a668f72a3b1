"""The markdown format: a verdict heading, a manifest table with escaped cells, the findings."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from synthgate import Finding, ManifestResult, Totals, Verdict
from synthgate.models import empty_counts
from synthgate.reporter_contract import RunInfo
from synthgate_plugins.reports.markdown import MarkdownReporter, cell, code, text
from tests.conftest import CliResult
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
    header = out.splitlines()[4]
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
        "- **WARN** `SG002` human-data-floor at `m.synthgate.yaml:2`: too little human data" in out
    )
    assert "- **ERROR** `SG003`" in out
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

"""The text reporter's summary counts manifests by verdict, errors included."""

from __future__ import annotations

import io

from synthgate import ManifestResult, Totals
from synthgate.models import empty_counts
from synthgate.reporter_contract import RunInfo
from synthgate_plugins.reports.text import TextReporter


def _result(name: str, verdict: str, **counts: int) -> ManifestResult:
    return ManifestResult.model_validate(
        {
            "path": f"{name}.synthgate.yaml",
            "dataset": name,
            "verdict": verdict,
            "counts": {**empty_counts(), **counts},
            "findings": [],
        }
    )


def _report(*results: ManifestResult) -> str:
    out = io.StringIO()
    reporter = TextReporter(out, RunInfo(version="0", policies=[], plugins=[]))
    reporter.start()
    findings = empty_counts()
    for result in results:
        reporter.add(result)
        for verdict, count in result.counts.items():
            findings[verdict] += count
    reporter.finish(Totals(manifests=len(results), findings=findings), "error")
    return out.getvalue()


def test_summary_counts_manifests_of_every_verdict() -> None:
    text = _report(
        _result("a", "pass", **{"pass": 2}),
        _result("b", "error", error=1, warn=1),
        _result("c", "error", error=2),
    )
    assert text.splitlines()[-1] == (
        "ERROR: 3 manifests (1 pass, 2 error); checks: 2 pass, 1 warn, 3 error (fail-on: fail)"
    )


def test_summary_of_no_manifests_says_none() -> None:
    assert _report().splitlines() == ["ERROR: 0 manifests (none); checks: none (fail-on: fail)"]

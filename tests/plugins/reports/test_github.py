"""The github format: escaped workflow commands, capped per level, a notice for the rest."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from synthgate import ManifestResult, Totals
from synthgate.models import empty_counts
from synthgate.reporter_contract import RunInfo
from synthgate_plugins.reports.github import GithubReporter, escape_data, escape_property
from tests.conftest import FIXTURES, CliResult
from tests.plugins.reports.builders import (
    MANIFESTS,
    check_golden,
    enter_project,
    make_finding,
    make_result,
)


def _lines(*results: ManifestResult) -> list[str]:
    out = io.StringIO()
    reporter = GithubReporter(out, RunInfo(version="0", policies=[], plugins=[]))
    reporter.start()
    totals = empty_counts()
    for result in results:
        reporter.add(result)
        for verdict, count in result.counts.items():
            totals[verdict] += count
    reporter.finish(Totals(manifests=len(results), findings=totals), "fail")
    return out.getvalue().splitlines()


def test_escape_data_and_properties() -> None:
    assert escape_data("100% a:b,c\r\nd") == "100%25 a:b,c%0D%0Ad"
    assert escape_property("100% a:b,c\r\nd") == "100%25 a%3Ab%2Cc%0D%0Ad"


def test_annotation_escapes_property_values_and_message() -> None:
    finding = make_finding(
        "fail",
        location={"file": "data/a,b:c.yaml", "line": 7, "column": 3, "pointer": "/x"},
        name="odd-name",
        message="50% of it\nis bad, really: yes",
        remediation="  Fix it\r\nnow.  ",
    )
    assert GithubReporter.annotation("error", finding) == (
        "::error file=data/a%2Cb%3Ac.yaml,line=7,col=3,title=SG103 odd-name::"
        "50%25 of it%0Ais bad, really: yes (observed 0.1; "
        "expected human_share_records: fail when < 0.1). Fix: Fix it%0D%0Anow.\n"
    )


def test_levels_and_passes() -> None:
    lines = _lines(
        make_result(
            make_finding("pass"), make_finding("warn"), make_finding("fail"), make_finding("error")
        )
    )
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::warning",
        "::error",
        "::error",
        "synthgate",
    ]


def test_no_remediation_no_fix() -> None:
    (line, _summary) = _lines(make_result(make_finding("warn", remediation=" ")))
    assert line.endswith("fail when < 0.1).")


def test_annotations_stream_before_finish() -> None:
    out = io.StringIO()
    reporter = GithubReporter(out, RunInfo(version="0", policies=[], plugins=[]))
    reporter.start()
    reporter.add(make_result(make_finding("fail")))
    assert out.getvalue().startswith("::error ")


def test_caps_are_class_constants_and_notice_counts_the_rest() -> None:
    many = [make_result(*[make_finding("fail")] * 7, *[make_finding("warn")] * 3) for _ in range(2)]
    lines = _lines(*many)
    assert GithubReporter.MAX_ERRORS == GithubReporter.MAX_WARNINGS == 10
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 6
    assert lines[-2] == (
        "::notice title=synthgate::4 more findings not shown as annotations "
        "(4 errors, 0 warnings); see the full report"
    )


def test_notice_singular() -> None:
    lines = _lines(make_result(*[make_finding("error")] * 11))
    assert lines[-2] == (
        "::notice title=synthgate::1 more finding not shown as annotations "
        "(1 error, 0 warnings); see the full report"
    )


def test_no_notice_when_nothing_is_left_out() -> None:
    lines = _lines(make_result(*[make_finding("fail")] * 10, *[make_finding("warn")] * 10))
    assert not any(line.startswith("::notice") for line in lines)


def test_cap_over_a_generated_audit(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # 7 copies of the failing fixture: more fail and more warn findings than either cap.
    copies = 7
    for i in range(copies):
        shutil.copy(FIXTURES / "cli" / "fail.synthgate.yaml", tmp_path / f"m{i}.synthgate.yaml")
    monkeypatch.chdir(tmp_path)
    one = json.loads(run_cli("audit", "m0.synthgate.yaml", "--format", "json").out)
    per_copy = one["totals"]["findings"]
    assert per_copy["error"] == 0
    fails, warns = copies * per_copy["fail"], copies * per_copy["warn"]
    assert fails > GithubReporter.MAX_ERRORS
    assert warns > GithubReporter.MAX_WARNINGS
    result = run_cli("audit", ".", "--format", "github")
    assert result.code == 1
    lines = result.out.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert (len(errors), len(warnings)) == (10, 10)
    left_errors, left_warnings = fails - 10, warns - 10
    assert lines[-2] == (
        f"::notice title=synthgate::{left_errors + left_warnings} more findings not shown as "
        f"annotations ({left_errors} errors, {left_warnings} warnings); see the full report"
    )
    assert lines[-1] == (
        f"synthgate FAIL: {copies} manifests ({copies} fail); checks: "
        f"{copies * per_copy['pass']} pass, {warns} warn, {fails} fail (fail-on: fail)"
    )
    assert len(lines) == 22


def test_github_golden(run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch) -> None:
    enter_project(monkeypatch)
    result = run_cli("audit", *MANIFESTS, "--format", "github", "--no-color")
    assert result.code == 1
    check_golden("audit.github.txt", result.out)


def test_show_passes_adds_no_annotations(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_project(monkeypatch)
    plain = run_cli("audit", *MANIFESTS, "--format", "github")
    verbose = run_cli("audit", *MANIFESTS, "--format", "github", "--show-passes")
    assert plain.out == verbose.out

"""The ``junit`` format: a suite per manifest, a case per rule and scope; warnings pass."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml

from synthgate import Finding, Location, ManifestResult, Totals
from synthgate.models import empty_counts
from synthgate.plugin import RunInfo
from synthgate_plugins.reports.junit import JunitReporter
from tests.conftest import CliResult
from tests.plugins.reports.builders import audit_fixtures, check_golden

MANIFESTS = ["fail.synthgate.yaml", "pass.synthgate.yaml", "warn.synthgate.yaml"]


def _audit(run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch) -> CliResult:
    return audit_fixtures(run_cli, monkeypatch, "--format", "junit")


def _parse(text: str, tmp_path: Path) -> JUnitXml:
    path = tmp_path / "junit.xml"
    path.write_text(text, encoding="utf-8")
    return JUnitXml.fromfile(str(path))


def test_junit_matches_golden(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _audit(run_cli, monkeypatch)
    assert result.code == 1
    check_golden("audit.junit.xml", result.out)
    assert result.out.endswith("</testsuites>\n")
    assert _audit(run_cli, monkeypatch).out == result.out


def test_suites_cases_and_failures(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    xml = _parse(_audit(run_cli, monkeypatch).out, tmp_path)
    suites = list(xml)
    assert [s.name for s in suites] == MANIFESTS
    # A case per finding, passes included; only fail findings are failures, warnings pass.
    report = json.loads(
        audit_fixtures(run_cli, monkeypatch, "--format", "json", "--show-passes").out
    )
    counts = [m["counts"] for m in report["manifests"]]
    assert [(s.tests, s.failures, s.errors, s.skipped) for s in suites] == [
        (sum(c.values()), c["fail"], c["error"], 0) for c in counts
    ]
    # The mix the fixtures are there for: fail, pass and warn, with passes in every suite.
    assert [m["verdict"] for m in report["manifests"]] == ["fail", "pass", "warn"]
    assert [(c["fail"] > 0, c["warn"] > 0, c["pass"] > 0) for c in counts] == [
        (True, True, True),
        (False, False, True),
        (False, True, True),
    ]
    for suite in suites:
        cases = list(suite)
        assert len(cases) == suite.tests
        assert sum(isinstance(r, Failure) for c in cases for r in c.result) == suite.failures
        names = [c.name for c in cases]
        assert len(names) == len(set(names))
        assert all(c.classname == suite.name for c in cases)
    failures = [c for c in suites[0] if c.result]
    assert [c.name for c in failures] == [
        "SG301 subjective-synthetic-share-cap /dataset",
        "SG303 subjective-labels-human-validated /splits/0/sources/1",
    ]
    (failure,) = failures[0].result
    assert failure.message == (
        "synthetic_share_records is between 0.8571 and 0.9048, fail when > 0.5"
    )
    assert "expected: synthetic_share_records: fail when > 0.5" in (failure.text or "")
    assert "fix: Keep synthetic records at or below 25%" in (failure.text or "")


def test_a_warning_passes_but_is_visible(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    xml = _parse(_audit(run_cli, monkeypatch).out, tmp_path)
    warn_suite = list(xml)[2]
    warned = [c for c in warn_suite if c.system_out]
    assert [c.name.split()[0] for c in warned] == ["SG602"]
    (case,) = warned
    assert case.name == "SG602 generator-diversity /dataset"
    assert case.is_passed
    assert not case.result
    assert case.system_out.startswith("WARNING: warn.synthgate.yaml:2:1: SG602 warn")
    verdicts = {p.get("name"): p.get("value") for p in case._elem.iter("property")}
    assert verdicts["verdict"] == "warn"


def _finding(verdict: str, message: str) -> Finding:
    return Finding(
        rule="XX101",
        name="probe",
        verdict=verdict,  # type: ignore[arg-type]
        scope="dataset",
        location=Location(file="m.yaml", line=3, column=1, pointer="/dataset"),
        observed="unknown",
        expected="known",
        message=message,
    )


def test_errors_are_errors_and_text_is_always_valid_xml(tmp_path: Path) -> None:
    out = io.StringIO()
    reporter = JunitReporter(out, RunInfo(version="0", policies=[], plugins=[]))
    reporter.start()
    counts = empty_counts()
    counts["error"] = 1
    reporter.add(
        ManifestResult(
            path="m.yaml",
            dataset="d",
            verdict="error",
            counts=counts,
            findings=[_finding("error", "check crashed: bad \x01 byte <&>")],
        )
    )
    reporter.finish(Totals(manifests=1, findings=counts), "error")
    root = ET.fromstring(out.getvalue().split("\n", 1)[1])
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("1", "0", "1")
    (suite,) = _parse(out.getvalue(), tmp_path)
    (case,) = suite
    (error,) = case.result
    assert isinstance(error, Error)
    assert error.message == "check crashed: bad \\x01 byte <&>"  # visible, and valid XML


def test_with_fail_on_warn_warnings_are_failures(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A warning that fails the audit fails its test case, so the CI test tab agrees with the
    exit code."""
    out = audit_fixtures(run_cli, monkeypatch, "--format", "junit", "--fail-on", "warn").out
    xml = _parse(out, tmp_path)
    report = json.loads(
        audit_fixtures(run_cli, monkeypatch, "--format", "json", "--show-passes").out
    )
    counts = [m["counts"] for m in report["manifests"]]
    assert [(s.tests, s.failures, s.errors) for s in xml] == [
        (sum(c.values()), c["fail"] + c["warn"], c["error"]) for c in counts
    ]
    failed = [
        (case.name.split()[0], result.type)
        for suite in xml
        for case in suite
        for result in case.result
        if isinstance(result, Failure)
    ]
    expected = [
        (f["rule"], f["verdict"])
        for m in report["manifests"]
        for f in m["findings"]
        if f["verdict"] in ("warn", "fail")
    ]
    assert failed == expected
    assert ("SG602", "warn") in failed  # the warn fixture's warning fails
    assert xml.failures == sum(c["fail"] + c["warn"] for c in counts)

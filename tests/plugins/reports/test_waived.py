"""Waivers in every output format: an accepted finding shows as waived, a lapsed one is back."""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from junitparser import Failure, JUnitXml, Skipped

from synthgate import Finding, Location, ManifestResult, Totals
from synthgate.models import AppliedWaiver
from synthgate.reporter_contract import Reporter, RunInfo
from synthgate_plugins.reports.github import GithubReporter
from synthgate_plugins.reports.json import JsonReporter
from synthgate_plugins.reports.junit import JunitReporter
from synthgate_plugins.reports.markdown import MarkdownReporter
from synthgate_plugins.reports.sarif import FINGERPRINT, FINGERPRINT_V2, SarifReporter
from synthgate_plugins.reports.text import TextReporter
from tests.plugins.reports.builders import check_golden, portable_sarif
from tests.plugins.reports.test_sarif import SCHEMA

MANIFEST = "data/chat.synthgate.yaml"
WAIVERS = "synthgate.waivers.yaml"


def _finding(rule: str, name: str, verdict: Any, line: int, **changes: Any) -> Finding:
    values: dict[str, Any] = {
        "rule": rule,
        "name": name,
        "verdict": verdict,
        "scope": "dataset",
        "location": Location(file=MANIFEST, line=line, column=3, pointer=f"/dataset/{name}"),
        "observed": "unknown",
        "expected": "declared",
        "message": f"{name} is not declared",
        "remediation": f"Declare {name}.",
        "fingerprint": f"{rule.lower()}-{name}",
    }
    values.update(changes)
    return Finding.model_validate(values)


ACTIVE = AppliedWaiver(
    status="active",
    reason="Generator card is being written",
    owner="alice",
    expires=dt.date(2099, 12, 31),
    ticket="DATA-42",
    approver="bob",
    location=Location(file=WAIVERS, line=3, column=5, pointer="/waivers/0"),
)
LAPSED = AppliedWaiver(
    status="lapsed",
    reason="Temporary while the filter is rebuilt",
    owner="carol",
    expires=dt.date(2024, 1, 31),
    location=Location(file=WAIVERS, line=9, column=5, pointer="/waivers/1"),
)
FINDINGS = [
    _finding("SG301", "generator-documented", "fail", 4, waiver=ACTIVE),
    _finding("SG302", "filtering-declared", "fail", 7, waiver=LAPSED),
    _finding("SG401", "diversity-measured", "warn", 12),
    _finding(
        "SG001",
        "stale-waiver",
        "warn",
        15,
        location=Location(file=WAIVERS, line=15, column=5, pointer="/waivers/2"),
        observed="no finding",
        expected="a finding this waiver covers",
        message="waiver for SG205 on data/chat.synthgate.yaml covers no finding",
        remediation="Remove the waiver.",
    ),
]
RESULT = ManifestResult(
    path=MANIFEST,
    dataset="chat-sft",
    verdict="fail",
    counts={"pass": 0, "warn": 2, "fail": 2, "error": 0},
    findings=FINDINGS,
    waived=1,
    baselined=3,
)
TOTALS = Totals(
    manifests=1,
    findings={"pass": 0, "warn": 2, "fail": 2, "error": 0},
    waived=1,
    baselined=3,
)
FORMATS: dict[str, tuple[type[Reporter], str]] = {
    "text": (TextReporter, "waived.txt"),
    "json": (JsonReporter, "waived.json"),
    "sarif": (SarifReporter, "waived.sarif"),
    "junit": (JunitReporter, "waived.junit.xml"),
    "github": (GithubReporter, "waived.github.txt"),
    "markdown": (MarkdownReporter, "waived.md"),
}


def _render(fmt: str) -> str:
    out = io.StringIO()
    reporter = FORMATS[fmt][0](out, RunInfo(version="0.0.0", policies=[], plugins=[]))
    reporter.start()
    reporter.add(RESULT)
    reporter.finish(TOTALS, "fail")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are relative to a directory outside any repository (SARIF's ``SRCROOT``)."""
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_waivers_match_golden(fmt: str) -> None:
    rendered = _render(fmt)
    check_golden(
        f"waived/{FORMATS[fmt][1]}", portable_sarif(rendered) if fmt == "sarif" else rendered
    )


def test_text_marks_waived_and_lapsed() -> None:
    lines = _render("text").splitlines()
    assert lines[0].endswith("2 warn, 2 fail; 1 waived, 3 baselined")
    assert any("SG301 fail (waived) [generator-documented]" in line for line in lines)
    assert not any("SG302 fail (waived)" in line for line in lines)
    assert (
        "      waived by alice until 2099-12-31: Generator card is being written "
        "(ticket: DATA-42, approved by bob)"
    ) in lines
    assert (
        "      waiver lapsed on 2024-01-31 (carol: Temporary while the filter is rebuilt)"
    ) in lines
    assert "1 waived, 3 baselined" in lines[-1]


def test_json_carries_waivers_and_fingerprints() -> None:
    report = json.loads(_render("json"))
    findings = report["manifests"][0]["findings"]
    assert findings[0]["waiver"]["status"] == "active"
    assert findings[0]["waiver"]["expires"] == "2099-12-31"
    assert findings[1]["waiver"]["status"] == "lapsed"
    assert findings[2]["waiver"] is None
    assert [f["fingerprint"] for f in findings] == [f.fingerprint for f in FINDINGS]
    assert (report["totals"]["waived"], report["totals"]["baselined"]) == (1, 3)


def test_sarif_suppresses_only_the_active_waiver() -> None:
    log = json.loads(_render("sarif"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft7Validator(schema).iter_errors(log)
    ]
    assert errors == []
    results = log["runs"][0]["results"]
    suppressions = [s for r in results for s in r.get("suppressions", [])]
    assert len(suppressions) == 1
    assert results[0]["suppressions"] == suppressions
    assert suppressions[0] == {
        "kind": "external",
        "status": "accepted",
        "justification": (
            "Generator card is being written "
            "(owner: alice, until: 2099-12-31, ticket: DATA-42, approver: bob)"
        ),
        "location": {
            "physicalLocation": {
                "artifactLocation": {"uri": WAIVERS, "uriBaseId": "SRCROOT"},
                "region": {"startLine": 3, "startColumn": 5},
            }
        },
    }
    assert results[0]["level"] == "error"
    assert results[1]["properties"]["waiver"]["status"] == "lapsed"
    assert "waiver" not in results[2]["properties"]
    assert results[0]["partialFingerprints"][FINGERPRINT_V2] == "sg301-generator-documented"
    assert FINGERPRINT in results[0]["partialFingerprints"]


def test_junit_skips_the_waived_case(tmp_path: Path) -> None:
    path = tmp_path / "report.xml"
    path.write_text(_render("junit"), encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    cases = {case.name.split()[0]: case for suite in xml for case in suite}
    waived = cases["SG301"].result
    assert len(waived) == 1
    assert isinstance(waived[0], Skipped)
    assert waived[0].message == "waived: Generator card is being written (alice, until 2099-12-31)"
    lapsed = cases["SG302"].result
    assert len(lapsed) == 1
    assert isinstance(lapsed[0], Failure)
    assert "waiver lapsed on 2024-01-31" in (lapsed[0].text or "")
    assert cases["SG401"].result == []
    assert cases["SG001"].result == []
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    assert (root.get("failures"), root.get("skipped"), root.get("tests")) == ("1", "1", "4")


def test_github_does_not_annotate_the_waived_finding() -> None:
    lines = _render("github").splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert not any("SG301" in line for line in annotations)
    assert len(annotations) == 3
    lapsed = next(line for line in annotations if "SG302" in line)
    assert lapsed.startswith("::error ")
    assert "Waiver lapsed on 2024-01-31" in lapsed
    assert any(line.startswith("::warning ") and "SG001" in line for line in annotations)
    assert "1 waived, 3 baselined" in lines[-1]


def test_markdown_lists_waived_findings_apart() -> None:
    text = _render("markdown")
    findings, _, waived = text.partition("### Waived")
    assert "`SG301`" not in findings
    assert "`SG302`" in findings
    assert "`SG301`" in waived
    assert "`SG302`" not in waived
    assert "waived by alice until 2099-12-31: Generator card is being written" in waived
    assert "; 1 waived, 3 baselined (fail-on:" in findings

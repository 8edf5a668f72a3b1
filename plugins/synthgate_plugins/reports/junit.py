"""``junit``: JUnit XML for CI test tabs (GitLab, Jenkins, Azure); same input, same bytes.

A ``<testsuite>`` per manifest and a ``<testcase>`` per rule and scope. ``fail`` is a
``<failure>``, ``error`` an ``<error>``; ``warn`` passes but shows its message in
``<system-out>``, so that a warning is visible without failing the test run.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from synthgate import Finding, ManifestResult, Reporter, Totals, Verdict

__all__ = ["JunitReporter"]

# Characters XML 1.0 cannot carry at all, even escaped; a manifest value may hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _observed(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _details(finding: Finding) -> str:
    loc = finding.location
    lines = [
        f"{loc.file}:{loc.line}:{loc.column}: {finding.rule} {finding.verdict} "
        f"[{finding.name}] {finding.message}",
        f"observed: {_observed(finding.observed)}; expected: {finding.expected}",
        f"pointer: {loc.pointer}",
    ]
    if finding.remediation and finding.verdict != "pass":
        lines.append(f"fix: {finding.remediation.strip()}")
    return _clean("\n".join(lines))


def _properties(parent: ET.Element, values: dict[str, str]) -> None:
    props = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(props, "property", name=name, value=_clean(value))


class JunitReporter(Reporter):
    """Suites per manifest, cases per finding; written whole at the end (the root counts)."""

    wants_passes = True

    def start(self) -> None:
        self._suites: list[ET.Element] = []
        self._counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}

    def add(self, result: ManifestResult) -> None:
        cases = [self._case(result, finding) for finding in result.findings]
        counts = {
            "tests": len(result.findings),
            "failures": sum(f.verdict == "fail" for f in result.findings),
            "errors": sum(f.verdict == "error" for f in result.findings),
            "skipped": 0,
        }
        suite = ET.Element("testsuite", name=_clean(result.path))
        for key, value in counts.items():
            suite.set(key, str(value))
            self._counts[key] += value
        _properties(suite, {"dataset": result.dataset, "verdict": result.verdict})
        suite.extend(cases)
        self._suites.append(suite)

    def _case(self, result: ManifestResult, finding: Finding) -> ET.Element:
        loc = finding.location
        case = ET.Element(
            "testcase",
            name=_clean(f"{finding.rule} {finding.name} {loc.pointer}"),
            classname=_clean(result.path),
            file=_clean(loc.file),
            line=str(loc.line),
        )
        _properties(case, {"verdict": finding.verdict, "scope": finding.scope})
        details = _details(finding)
        message = _clean(finding.message)
        if finding.verdict == "fail":
            ET.SubElement(case, "failure", message=message, type="fail").text = details
        elif finding.verdict == "error":
            ET.SubElement(case, "error", message=message, type="error").text = details
        elif finding.verdict == "warn":
            ET.SubElement(case, "system-out").text = "WARNING: " + details
        return case

    def finish(self, totals: Totals, verdict: Verdict) -> None:
        root = ET.Element("testsuites", name="synthgate")
        for key, value in self._counts.items():
            root.set(key, str(value))
        root.extend(self._suites)
        ET.indent(root, space="  ")
        body = ET.tostring(root, encoding="unicode")
        self.out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n')

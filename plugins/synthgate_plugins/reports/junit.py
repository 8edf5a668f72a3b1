"""``junit``: JUnit XML for CI test tabs (GitLab, Jenkins, Azure); same input, same bytes.

A ``<testsuite>`` per manifest and a ``<testcase>`` per rule and scope. ``fail`` is a
``<failure>``, ``error`` an ``<error>``; ``warn`` passes but shows its message in
``<system-out>``, so that a warning is visible without failing the test run, except with
``--fail-on warn``: then a warning fails the audit, and is a ``<failure type="warn">`` too.

A finding covered by an active waiver is accepted, neither failed nor passed: it is
``<skipped message="waived: ...">``. A finding whose waiver lapsed is reported as usual, with
a note on the lapse in its details.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from synthgate import Finding, ManifestResult, Totals, Verdict
from synthgate.plugin import Reporter, printable
from synthgate_plugins.reports._phrases import observed, waiver_note

__all__ = ["JunitReporter"]

# Characters XML 1.0 cannot carry at all, even escaped; a manifest value may hold them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    """Text for a person reading a CI test tab: control and bidi characters as visible escapes
    (:func:`printable`), and nothing XML 1.0 cannot carry."""
    return _NOT_XML.sub("\ufffd", printable(text))


def _details(finding: Finding) -> str:
    loc = finding.location
    lines = [
        f"{loc.file}:{loc.line}:{loc.column}: {finding.rule} {finding.verdict} "
        f"[{finding.name}] {finding.message}",
        f"observed: {observed(finding.observed)}; expected: {finding.expected}",
        f"pointer: {loc.pointer}",
    ]
    if finding.remediation and finding.verdict != "pass":
        lines.append(f"fix: {finding.remediation.strip()}")
    if finding.waiver is not None:
        lines.append(waiver_note(finding.waiver))
    return "\n".join(_clean(line) for line in lines)


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
        failing = ("fail", "warn") if self.run.fail_on == "warn" else ("fail",)
        counts = {
            "tests": len(result.findings),
            "failures": sum(f.verdict in failing and not f.waived for f in result.findings),
            "errors": sum(f.verdict == "error" and not f.waived for f in result.findings),
            "skipped": sum(f.waived for f in result.findings),
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
        values: dict[str, str] = {"verdict": finding.verdict, "scope": finding.scope}
        if finding.waiver is not None:
            values["waiver"] = finding.waiver.status
        _properties(case, values)
        details = _details(finding)
        message = _clean(finding.message)
        waiver = finding.waiver
        if waiver is not None and waiver.status == "active":
            note = f"waived: {waiver.reason.strip()} ({waiver.owner}, until {waiver.expires})"
            ET.SubElement(case, "skipped", message=_clean(note)).text = details
        elif finding.verdict in ("fail", "error") or (
            finding.verdict == "warn" and self.run.fail_on == "warn"
        ):
            if waiver is not None:
                message = _clean(f"{finding.message} (waiver lapsed on {waiver.expires})")
            tag = "error" if finding.verdict == "error" else "failure"
            ET.SubElement(case, tag, message=message, type=finding.verdict).text = details
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

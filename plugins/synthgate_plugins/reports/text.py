"""``text``: findings for people, one block per manifest, colour only on a terminal."""

from __future__ import annotations

import json
from typing import Any

from synthgate import (
    AppliedWaiver,
    Finding,
    ManifestResult,
    Reporter,
    Totals,
    Verdict,
    empty_counts,
)

__all__ = ["TextReporter"]

_COLOURS = {"pass": "32", "warn": "33", "fail": "31", "error": "35"}
_LABELS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "error": "ERROR"}


def _observed(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _extras(waived: int, baselined: int) -> str:
    """``1 waived, 3 baselined`` (only the counts that are not zero)."""
    parts = [f"{waived} waived" if waived else "", f"{baselined} baselined" if baselined else ""]
    return ", ".join(part for part in parts if part)


def _waiver(waiver: AppliedWaiver) -> str:
    """The line that says who waived a finding, until when and why (or that the waiver lapsed)."""
    if waiver.status == "lapsed":
        return f"waiver lapsed on {waiver.expires} ({waiver.owner}: {waiver.reason.strip()})"
    extra = [f"ticket: {waiver.ticket}" if waiver.ticket else ""]
    extra.append(f"approved by {waiver.approver}" if waiver.approver else "")
    note = ", ".join(part for part in extra if part)
    text = f"waived by {waiver.owner} until {waiver.expires}: {waiver.reason.strip()}"
    return f"{text} ({note})" if note else text


class TextReporter(Reporter):
    """``file:line:col: CODE verdict name: message`` with the observed value and a hint."""

    def _paint(self, text: str, verdict: str, bold: bool = False) -> str:
        if not self.run.color:
            return text
        code = _COLOURS[verdict] + (";1" if bold else "")
        return f"\x1b[{code}m{text}\x1b[0m"

    def _dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[0m" if self.run.color else text

    def start(self) -> None:
        self._manifest_verdicts = empty_counts()

    def add(self, result: ManifestResult) -> None:
        self._manifest_verdicts[result.verdict] += 1
        label = self._paint(_LABELS[result.verdict], result.verdict, bold=True)
        counts = ", ".join(
            f"{count} {verdict}" for verdict, count in result.counts.items() if count
        )
        extras = _extras(result.waived, result.baselined)
        if extras:
            counts = f"{counts or 'no findings'}; {extras}"
        self.out.write(f"{label} {result.path} ({result.dataset}): {counts or 'no rule applies'}\n")
        for finding in result.findings:
            self.out.write(self._finding(finding))
        if result.findings:
            self.out.write("\n")

    def _finding(self, finding: Finding) -> str:
        loc = finding.location
        waiver = finding.waiver
        verdict = self._paint(finding.verdict, finding.verdict)
        if waiver is not None and waiver.status == "active":
            verdict += " " + self._dim("(waived)")
        head = (
            f"  {loc.file}:{loc.line}:{loc.column}: "
            f"{finding.rule} {verdict} "
            f"[{finding.name}] {finding.message}\n"
        )
        detail = f"      observed: {_observed(finding.observed)}; expected: {finding.expected}\n"
        lines = head + self._dim(detail)
        if finding.remediation and finding.verdict != "pass":
            lines += f"      fix: {finding.remediation.strip()}\n"
        if waiver is not None:
            lines += f"      {_waiver(waiver)}\n"
        return lines

    def finish(self, totals: Totals, verdict: Verdict) -> None:
        manifests = ", ".join(
            f"{count} {name}" for name, count in self._manifest_verdicts.items() if count
        )
        findings = ", ".join(f"{count} {name}" for name, count in totals.findings.items() if count)
        noun = "manifest" if totals.manifests == 1 else "manifests"
        unreadable = (
            f", {totals.unreadable} could not be read (see errors)" if totals.unreadable else ""
        )
        extras = _extras(totals.waived, totals.baselined)
        if extras:
            findings = f"{findings or 'none'}; {extras}"
        summary = (
            f"{_LABELS[verdict]}: {totals.manifests} {noun} ({manifests or 'none'}){unreadable}; "
            f"checks: {findings or 'none'} (fail-on: {self.run.fail_on})\n"
        )
        self.out.write(self._paint(summary, verdict, bold=True))

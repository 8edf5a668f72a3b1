"""``text``: findings for people, one block per manifest, colour only on a terminal."""

from __future__ import annotations

import json
from typing import Any

from synthgate import Finding, ManifestResult, Reporter, Totals, Verdict, empty_counts

__all__ = ["TextReporter"]

_COLOURS = {"pass": "32", "warn": "33", "fail": "31", "error": "35"}
_LABELS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "error": "ERROR"}


def _observed(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


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
        self.out.write(f"{label} {result.path} ({result.dataset}): {counts or 'no rule applies'}\n")
        for finding in result.findings:
            self.out.write(self._finding(finding))
        if result.findings:
            self.out.write("\n")

    def _finding(self, finding: Finding) -> str:
        loc = finding.location
        head = (
            f"  {loc.file}:{loc.line}:{loc.column}: "
            f"{finding.rule} {self._paint(finding.verdict, finding.verdict)} "
            f"[{finding.name}] {finding.message}\n"
        )
        detail = f"      observed: {_observed(finding.observed)}; expected: {finding.expected}\n"
        lines = head + self._dim(detail)
        if finding.remediation and finding.verdict != "pass":
            lines += f"      fix: {finding.remediation.strip()}\n"
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
        summary = (
            f"{_LABELS[verdict]}: {totals.manifests} {noun} ({manifests or 'none'}){unreadable}; "
            f"checks: {findings or 'none'} (fail-on: {self.run.fail_on})\n"
        )
        self.out.write(self._paint(summary, verdict, bold=True))

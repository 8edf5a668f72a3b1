"""``text``: findings for people, one block per manifest, colour only on a terminal."""

from __future__ import annotations

from synthgate import Finding, ManifestResult, Totals, Verdict
from synthgate.models import Fact, ManifestFacts, empty_counts
from synthgate.plugin import Reporter, printable
from synthgate_plugins.reports._phrases import (
    extra_counts,
    observed,
    reason,
    subject,
    waiver_note,
)

__all__ = ["TextReporter"]

_COLOURS = {"pass": "32", "warn": "33", "fail": "31", "error": "35"}
_LABELS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "error": "ERROR"}


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
        self._rules = {rule.code: rule for rule in self.run.rules}

    def add(self, result: ManifestResult) -> None:
        self._manifest_verdicts[result.verdict] += 1
        label = self._paint(_LABELS[result.verdict], result.verdict, bold=True)
        counts = ", ".join(
            f"{count} {verdict}" for verdict, count in result.counts.items() if count
        )
        extras = extra_counts(result.waived, result.baselined)
        if extras:
            counts = f"{counts or 'no findings'}; {extras}"
        where = f"{printable(result.path)} ({printable(result.dataset)})"
        self.out.write(f"{label} {where}: {counts or 'no rule applies'}\n")
        if self.run.facts and result.facts is not None:
            self.out.write(self._facts(result.facts))
        for finding in result.findings:
            self.out.write(self._finding(finding, subject(finding.location.pointer, result.facts)))
        if result.findings:
            self.out.write("\n")

    def _facts(self, facts: ManifestFacts) -> str:
        """The resolved facts, one line for the dataset and one per source."""

        def shown(name: str, fact: Fact) -> str:
            return f"{name} {fact.value} ({fact.via})"

        dataset = "; ".join(
            shown(name, getattr(facts, name))
            for name in ("task_type", "verifiability", "stage", "resource_level")
        )
        lines = [self._dim(f"  facts: {dataset}")]
        for source in facts.sources:
            parts = ", ".join(
                shown(name, getattr(source, name)) for name in ("role", "origin", "method")
            )
            lines.append(self._dim(f"    source {source.id} in split {source.split}: {parts}"))
        return "\n".join(lines) + "\n"

    def _finding(self, finding: Finding, about: str = "") -> str:
        loc = finding.location
        waiver = finding.waiver
        verdict = self._paint(finding.verdict, finding.verdict)
        if waiver is not None and waiver.status == "active":
            verdict += " " + self._dim("(waived)")
        # Every value may come from a hostile file: each is escaped (see synthgate.escaping).
        head = (
            f"  {printable(loc.file)}:{loc.line}:{loc.column}: "
            f"{printable(finding.rule)} {verdict} "
            f"[{printable(finding.name)}] {printable(about + ': ' if about else '')}"
            f"{printable(finding.message)}\n"
        )
        detail = (
            f"      observed: {printable(observed(finding.observed))}; "
            f"expected: {printable(finding.expected)}\n"
        )
        lines = head + self._dim(detail)
        for place in finding.related:
            where = f" ({printable(place.pointer)})" if place.pointer else ""  # data files: none
            lines += f"      see also: {printable(place.file)}:{place.line}:{place.column}{where}\n"
        rule = self._rules.get(finding.rule)
        if finding.verdict == "fail" and rule is not None and reason(rule):
            # A failure says why it matters, with the source behind the rule.
            lines += f"      why: {printable(reason(rule))}\n"
        if finding.remediation and finding.verdict != "pass":
            lines += f"      fix: {printable(finding.remediation.strip())}\n"
        if waiver is not None:
            lines += f"      {printable(waiver_note(waiver))}\n"
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
        extras = extra_counts(totals.waived, totals.baselined)
        if extras:
            findings = f"{findings or 'none'}; {extras}"
        summary = (
            f"{_LABELS[verdict]}: {totals.manifests} {noun} ({manifests or 'none'}){unreadable}; "
            f"checks: {findings or 'none'} (fail-on: {self.run.fail_on})\n"
        )
        self.out.write(self._paint(summary, verdict, bold=True))

"""``concise``: one line per finding, ``path:line:col: CODE verdict: message``, as ruff and
compilers print them, for editors' problem matchers and for ``grep``.

Warn, fail and error findings only, in the manifests' order; a finding on a split or a source
names it (``(split train, source web-qa)``), since the findings of a dataset card all point at
its first lines. Findings an active waiver covers are left out and counted in the last line,
which sums up the run the way the text format's last line does.
"""

from __future__ import annotations

from synthgate import Finding, ManifestResult, Totals, Verdict
from synthgate.plugin import Reporter, printable
from synthgate_plugins.reports._phrases import extra_counts, subject

__all__ = ["ConciseReporter"]

_COLOURS = {"warn": "33", "fail": "31", "error": "35"}


class ConciseReporter(Reporter):
    """A line per warn, fail or error finding, then one line of totals."""

    def start(self) -> None:
        self._shown = 0

    def add(self, result: ManifestResult) -> None:
        for finding in result.findings:
            if finding.verdict == "pass" or finding.waived:
                continue
            self._shown += 1
            self.out.write(self._line(finding, subject(finding.location.pointer, result.facts)))

    def _line(self, finding: Finding, about: str) -> str:
        loc = finding.location
        verdict: str = finding.verdict
        if self.run.color:
            verdict = f"\x1b[{_COLOURS[verdict]}m{verdict}\x1b[0m"
        where = f" ({about})" if about else ""
        # Every value may come from a hostile file: each is escaped (see synthgate.escaping).
        return (
            f"{printable(loc.file)}:{loc.line}:{loc.column}: {printable(finding.rule)} "
            f"{verdict}: {printable(finding.message)}{printable(where)}\n"
        )

    def finish(self, totals: Totals, verdict: Verdict) -> None:
        counts = ", ".join(
            f"{totals.findings.get(v, 0)} {v}"
            for v in ("fail", "warn", "error")
            if totals.findings.get(v, 0)
        )
        noun = "manifest" if totals.manifests == 1 else "manifests"
        extras = extra_counts(totals.waived, totals.baselined)
        unreadable = f", {totals.unreadable} unreadable" if totals.unreadable else ""
        found = "finding" if self._shown == 1 else "findings"
        summary = f"{verdict.upper()}: {self._shown} {found} ({counts or 'none'})"
        summary += f" in {totals.manifests} {noun}{unreadable}"
        summary += f"; {extras}" if extras else ""
        self.out.write(f"{summary} (fail-on: {self.run.fail_on})\n")

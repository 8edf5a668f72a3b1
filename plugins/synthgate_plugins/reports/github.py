"""``github``: GitHub Actions workflow commands that annotate the manifest lines.

One ``::error`` (fail and error findings) or ``::warning`` (warn findings) per finding, written
as the findings stream in. GitHub shows at most 10 error and 10 warning annotations per step
(and 50 per job), and silently drops the rest, so this format emits at most
:attr:`GithubReporter.MAX_ERRORS` and :attr:`GithubReporter.MAX_WARNINGS`, then one notice
saying how many were left out. A plain summary line ends the output.

A finding covered by an active waiver is accepted: it gets no annotation, only a count in the
summary line. A finding whose waiver lapsed is annotated as usual, with a note on the lapse.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from synthgate import Finding, ManifestResult, Totals, Verdict
from synthgate.models import empty_counts
from synthgate.plugin import Reporter, printable
from synthgate_plugins.reports._phrases import observed, repository_path, repository_root

__all__ = ["GithubReporter", "escape_data", "escape_property"]

_LABELS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "error": "ERROR"}


def escape_data(text: str) -> str:
    """Escape the message of a workflow command (the part after ``::``) by GitHub's rules, so
    that it can neither end the command nor start another; control and bidi characters are
    written as visible escapes first (see :func:`synthgate.escaping.printable`)."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command (``file=...,title=...``): as a message,
    and ``:`` and ``,`` too, which would end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class GithubReporter(Reporter):
    """``::error file=F,line=L,col=C,title=CODE name::message (observed; expected). Fix: ...``"""

    MAX_ERRORS: ClassVar[int] = 10
    """Error annotations GitHub shows per step; the rest are counted, not written."""
    MAX_WARNINGS: ClassVar[int] = 10
    """Warning annotations GitHub shows per step; the rest are counted, not written."""

    def start(self) -> None:
        self._shown = {"error": 0, "warning": 0}
        self._hidden = {"error": 0, "warning": 0}
        self._manifest_verdicts = empty_counts()
        cwd = Path.cwd()
        self._place = (cwd, repository_root(cwd))

    def add(self, result: ManifestResult) -> None:
        self._manifest_verdicts[result.verdict] += 1
        for finding in result.findings:
            if finding.verdict == "pass":
                continue
            if finding.waived:
                continue
            level = "warning" if finding.verdict == "warn" else "error"
            cap = self.MAX_WARNINGS if level == "warning" else self.MAX_ERRORS
            if self._shown[level] >= cap:
                self._hidden[level] += 1
                continue
            self._shown[level] += 1
            file = repository_path(finding.location.file, *self._place)
            self.out.write(self.annotation(level, finding, file))

    @staticmethod
    def annotation(level: str, finding: Finding, file: str | None = None) -> str:
        """The workflow command (with its newline) for one finding; ``file`` (the finding's
        file by default) is the path GitHub knows it by, relative to the repository root."""
        loc = finding.location
        props = ",".join(
            f"{key}={escape_property(value)}"
            for key, value in (
                ("file", loc.file if file is None else file),
                ("line", str(loc.line)),
                ("col", str(loc.column)),
                ("title", f"{finding.rule} {finding.name}"),
            )
        )
        message = (
            f"{finding.message} (observed {observed(finding.observed)}; "
            f"expected {finding.expected})."
        )
        remediation = finding.remediation.strip()
        if remediation:
            message += f" Fix: {remediation}"
        waiver = finding.waiver
        if waiver is not None and waiver.status == "lapsed":
            message += (
                f" Waiver lapsed on {waiver.expires} ({waiver.owner}: {waiver.reason.strip()})."
            )
        return f"::{level} {props}::{escape_data(message)}\n"

    def finish(self, totals: Totals, verdict: Verdict) -> None:
        hidden = self._hidden["error"] + self._hidden["warning"]
        if hidden:
            self.out.write(
                f"::notice title=synthgate::{_plural(hidden, 'more finding')} not shown as "
                f"annotations ({_plural(self._hidden['error'], 'error')}, "
                f"{_plural(self._hidden['warning'], 'warning')}); see the full report\n"
            )
        manifests = ", ".join(
            f"{count} {name}" for name, count in self._manifest_verdicts.items() if count
        )
        findings = ", ".join(f"{count} {name}" for name, count in totals.findings.items() if count)
        noun = "manifest" if totals.manifests == 1 else "manifests"
        unreadable = f", {totals.unreadable} could not be read" if totals.unreadable else ""
        extras = [f"{totals.waived} waived" if totals.waived else ""]
        extras.append(f"{totals.baselined} baselined" if totals.baselined else "")
        if any(extras):
            findings = f"{findings or 'none'}; " + ", ".join(e for e in extras if e)
        self.out.write(
            f"synthgate {_LABELS[verdict]}: {totals.manifests} {noun} "
            f"({manifests or 'none'}){unreadable}; checks: {findings or 'none'} "
            f"(fail-on: {self.run.fail_on})\n"
        )

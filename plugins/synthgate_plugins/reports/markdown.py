"""``markdown``: a summary for a GitHub job summary (``$GITHUB_STEP_SUMMARY``) or a PR comment.

A heading with the overall verdict, one sentence of totals, one table of manifests, then every
warn, fail and error finding with its location, observed and expected values and remediation.
Verdicts are written as bold words (**PASS**, **WARN**, **FAIL**, **ERROR**), never emoji.
The verdict heads the output, so this format needs the whole report before it writes.

Findings covered by an active waiver are left out of the findings and listed in a section of
their own, "Waived", with the waiver's owner, expiry and reason; a finding whose waiver lapsed
is an ordinary finding with a note on the lapse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from synthgate import Finding, Report, Verdict
from synthgate.models import VERDICTS, AppliedWaiver, empty_counts
from synthgate.plugin import WholeReportReporter, printable
from synthgate_plugins.reports._phrases import extra_counts, observed

__all__ = ["MarkdownReporter", "cell", "code", "text"]

_LABELS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "error": "ERROR"}

# Characters that would start markup anywhere in a line; ``<`` only where it could open a tag
# or an autolink, ``&`` only where it could start an entity, ``_`` only where it could open or
# close emphasis (not inside a word).
_MARKUP = re.compile(
    r"[\\`*\[\]~]|<(?=[A-Za-z/!?])|&(?=#?[0-9A-Za-z]+;)|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])"
)
_NEWLINES = re.compile(r"\s*(?:\r\n|\r|\n)\s*")


def text(value: str) -> str:
    """Plain text as inline Markdown: markup characters escaped, line breaks made spaces.

    ``|`` is left alone: it means nothing outside a table, and :func:`cell` escapes it inside.
    Control and bidi characters are written as visible escapes (:func:`printable`).
    """
    return _MARKUP.sub(lambda m: "\\" + m.group(0), printable(_NEWLINES.sub(" ", value.strip())))


def code(value: str) -> str:
    """A code span holding ``value`` verbatim (on one line, control and bidi characters
    written as visible escapes)."""
    value = printable(_NEWLINES.sub(" ", value))
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    edges = value[:1] + value[-1:]
    pad = " " if "`" in edges or edges == "  " or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def cell(markdown: str) -> str:
    """Inline Markdown made safe for a table cell: every ``|`` escaped (inside code spans too,
    as GitHub splits cells before it reads code spans) and line breaks written ``<br>``."""
    return _NEWLINES.sub("<br>", markdown.replace("|", "\\|"))


def _count(counts: Mapping[Verdict, int]) -> str:
    parts = [f"{counts[v]} {v}" for v in VERDICTS if counts.get(v)]
    return ", ".join(parts) or "none"


def _extras(waived: int, baselined: int) -> str:
    joined = extra_counts(waived, baselined)
    return f"; {joined}" if joined else ""


class MarkdownReporter(WholeReportReporter):
    """GitHub-flavoured Markdown; the same report always gives the same bytes."""

    def render(self, report: Report) -> str:
        manifest_verdicts = empty_counts()
        for result in report.manifests:
            manifest_verdicts[result.verdict] += 1
        totals = report.totals
        noun = "manifest" if totals.manifests == 1 else "manifests"
        unreadable = (
            f", {totals.unreadable} could not be read (see the log)" if totals.unreadable else ""
        )
        lines = [
            f"## synthgate audit: **{_LABELS[report.verdict]}**",
            "",
            f"{totals.manifests} {noun} ({_count(manifest_verdicts)}){unreadable}; "
            f"checks: {_count(totals.findings)}{_extras(totals.waived, totals.baselined)} "
            f"(fail-on: {code(self.run.fail_on)}).",
        ]
        if report.manifests:
            lines += [
                "",
                "| Manifest | Dataset | Verdict | Pass | Warn | Fail | Error |",
                "| --- | --- | --- | ---: | ---: | ---: | ---: |",
            ]
            for result in report.manifests:
                counts = " | ".join(str(result.counts.get(v, 0)) for v in VERDICTS)
                lines.append(
                    f"| {cell(code(result.path))} | {cell(text(result.dataset))} | "
                    f"**{_LABELS[result.verdict]}** | {counts} |"
                )
        flagged = [
            r
            for r in report.manifests
            if any(f.verdict != "pass" and not f.waived for f in r.findings)
        ]
        if flagged:
            lines += ["", "### Findings"]
            for result in flagged:
                lines += ["", f"#### {code(result.path)} ({text(result.dataset)})", ""]
                lines += [
                    _finding(f) for f in result.findings if f.verdict != "pass" and not f.waived
                ]
        waived = [r for r in report.manifests if any(f.waived for f in r.findings)]
        if waived:
            lines += ["", "### Waived"]
            for result in waived:
                lines += ["", f"#### {code(result.path)} ({text(result.dataset)})", ""]
                lines += [_finding(f) for f in result.findings if f.waived]
        return "\n".join(lines) + "\n"


def _finding(finding: Finding) -> str:
    loc = finding.location
    item = (
        f"- **{_LABELS[finding.verdict]}** {code(finding.rule)} {text(finding.name)} "
        f"at {code(f'{loc.file}:{loc.line}')}: {text(finding.message)}\n"
        f"  - observed: {code(observed(finding.observed))}; expected: {text(finding.expected)}"
    )
    if finding.remediation.strip() and not finding.waived:
        item += f"\n  - fix: {text(finding.remediation)}"
    if finding.waiver is not None:
        item += f"\n  - {_waiver(finding.waiver)}"
    return item


def _waiver(waiver: AppliedWaiver) -> str:
    """Who waived a finding, until when and why, and where; or that the waiver lapsed."""
    if waiver.status == "lapsed":
        return (
            f"waiver lapsed on {waiver.expires} "
            f"({text(waiver.owner)}: {text(waiver.reason)}); the finding is back"
        )
    item = f"waived by {text(waiver.owner)} until {waiver.expires}: {text(waiver.reason)}"
    extra = [f"ticket: {text(waiver.ticket)}" if waiver.ticket else ""]
    extra.append(f"approved by {text(waiver.approver)}" if waiver.approver else "")
    extra.append(f"waiver at {code(f'{waiver.location.file}:{waiver.location.line}')}")
    return f"{item} ({', '.join(e for e in extra if e)})"

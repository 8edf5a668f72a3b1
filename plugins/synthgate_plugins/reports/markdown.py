"""``markdown``: a summary for a GitHub job summary (``$GITHUB_STEP_SUMMARY``) or a PR comment.

A heading with the overall verdict and one sentence of totals; the worst findings (errors, then
fails, then warnings, at most :attr:`MarkdownReporter.WORST`); one table of manifests; then every
warn, fail and error finding with its location, observed and expected values and remediation,
folded in a ``<details>`` block per manifest. Rule codes link to their cards in docs/rules.md.
Verdicts are written as bold words (**PASS**, **WARN**, **FAIL**, **ERROR**), never emoji.
The verdict heads the output, so this format needs the whole report before it writes.

The output fits where GitHub shows it: at most ``SYNTHGATE_MARKDOWN_MAX_BYTES`` bytes of UTF-8
(65,536 by default, a PR comment's limit in characters; a job summary takes up to 1 MiB). Past
it, the rest is left out and a last line says how many findings and manifests are not shown, and
where the whole report is (``SYNTHGATE_REPORT_ARTIFACT``, say the SARIF file a workflow uploads).

Findings covered by an active waiver are left out of the findings and listed in a section of
their own, "Waived", with the waiver's owner, expiry and reason; a finding whose waiver lapsed
is an ordinary finding with a note on the lapse.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping
from typing import ClassVar

from synthgate import Finding, ManifestResult, Report, Verdict
from synthgate.models import VERDICTS, AppliedWaiver, empty_counts
from synthgate.plugin import WholeReportReporter, printable
from synthgate_plugins.reports._phrases import extra_counts, observed, subject
from synthgate_plugins.reports.sarif import DOCS_URL

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


_RANK: dict[str, int] = {"error": 0, "fail": 1, "warn": 2}
MAX_BYTES = 65_536
"""The default size limit: a GitHub PR comment holds 65,536 characters, a job summary 1 MiB."""


def _limit() -> int:
    """The size limit in bytes: ``SYNTHGATE_MARKDOWN_MAX_BYTES`` (a positive integer), or
    :data:`MAX_BYTES`. A value that is not a positive integer is ignored."""
    raw = os.environ.get("SYNTHGATE_MARKDOWN_MAX_BYTES", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else MAX_BYTES


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


class MarkdownReporter(WholeReportReporter):
    """GitHub-flavoured Markdown; the same report always gives the same bytes."""

    WORST: ClassVar[int] = 10
    """Findings listed first, worst verdict first (then in report order)."""

    def render(self, report: Report) -> str:
        manifest_verdicts = empty_counts()
        for result in report.manifests:
            manifest_verdicts[result.verdict] += 1
        totals = report.totals
        noun = "manifest" if totals.manifests == 1 else "manifests"
        unreadable = (
            f", {totals.unreadable} could not be read (see the log)" if totals.unreadable else ""
        )
        head = [
            f"## synthgate audit: **{_LABELS[report.verdict]}**",
            "",
            f"{totals.manifests} {noun} ({_count(manifest_verdicts)}){unreadable}; "
            f"checks: {_count(totals.findings)}{_extras(totals.waived, totals.baselined)} "
            f"(fail-on: {code(self.run.fail_on)}).",
        ]
        shown = [
            (result, f)
            for result in report.manifests
            for f in result.findings
            if f.verdict != "pass" and not f.waived
        ]
        # Blocks in the order they are written, each with the findings and manifests it
        # shows; the output stops before the first block that would not fit.
        blocks: list[tuple[list[str], int, int]] = []
        worst = sorted(shown, key=lambda pair: _RANK[pair[1].verdict])[: self.WORST]
        if worst:
            blocks.append(([""], 0, 0))
            title = "### Worst findings" if len(shown) > len(worst) else "### Findings"
            blocks.append(([title, ""], 0, 0))
            blocks += [([_finding(f, r)], 0, 0) for r, f in worst]
        if report.manifests:
            blocks.append(
                (
                    [
                        "",
                        "| Manifest | Dataset | Verdict | Pass | Warn | Fail | Error |",
                        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
                    ],
                    0,
                    0,
                )
            )
            for result in report.manifests:
                counts = " | ".join(str(result.counts.get(v, 0)) for v in VERDICTS)
                row = (
                    f"| {cell(code(result.path))} | {cell(text(result.dataset))} | "
                    f"**{_LABELS[result.verdict]}** | {counts} |"
                )
                blocks.append(([row], 0, 1))
        flagged = [
            r
            for r in report.manifests
            if any(f.verdict != "pass" and not f.waived for f in r.findings)
        ]
        if flagged and len(shown) > len(worst):
            blocks.append((["", "### Findings by manifest"], 0, 0))
            for result in flagged:
                findings = [f for f in result.findings if f.verdict != "pass" and not f.waived]
                tally = empty_counts()
                for f in findings:
                    tally[f.verdict] += 1
                summary = (
                    f"<code>{html.escape(printable(result.path))}</code> "
                    f"({html.escape(printable(result.dataset))}): {_count(tally)}"
                )
                body = ["", "<details>", f"<summary>{summary}</summary>", ""]
                body += [_finding(f, result) for f in findings]
                body += ["", "</details>"]
                blocks.append((body, len(findings), 0))
        waived = [r for r in report.manifests if any(f.waived for f in r.findings)]
        if waived:
            blocks.append((["", "### Waived"], 0, 0))
            for result in waived:
                body = ["", f"#### {code(result.path)} ({text(result.dataset)})", ""]
                body += [_finding(f, result) for f in result.findings if f.waived]
                blocks.append((body, 0, 0))
        return _fit(head, blocks, _limit(), len(report.manifests), len(shown))


def _fit(
    head: list[str], blocks: list[tuple[list[str], int, int]], limit: int, manifests: int,
    findings: int,
) -> str:  # fmt: skip
    """``head`` and as many ``blocks`` as fit in ``limit`` bytes with room for the note that
    says what was left out."""
    lines = list(head)
    if _size(lines) + sum(_size(block) for block, _, _ in blocks) <= limit:
        return "\n".join(lines + [line for block, _, _ in blocks for line in block]) + "\n"
    artifact = os.environ.get("SYNTHGATE_REPORT_ARTIFACT", "").strip()
    where = (
        f"the whole report is in {code(artifact)}"
        if artifact
        else f"run {code('synthgate audit --format json')} for the whole report"
    )
    shown_findings = shown_rows = 0
    reserve = 400 + len(where.encode("utf-8"))
    for block, found, rows in blocks:
        if _size(lines) + _size(block) + reserve > limit:
            break
        lines += block
        shown_findings += found
        shown_rows += rows
    left = [
        f"{findings - shown_findings} of {findings} findings" if findings > shown_findings else "",
        f"{manifests - shown_rows} of {manifests} manifests" if manifests > shown_rows else "",
    ]
    gone = " and ".join(part for part in left if part) or "the rest"
    lines += ["", f"**Cut at {limit:,} bytes:** {gone} are not shown here; {where}."]
    return "\n".join(lines) + "\n"


def _finding(finding: Finding, result: ManifestResult | None = None) -> str:
    loc = finding.location
    about = subject(loc.pointer, result.facts) if result is not None else ""
    rule = f"[{code(finding.rule)}]({DOCS_URL}#{finding.rule.lower()})"
    item = (
        f"- **{_LABELS[finding.verdict]}** {rule} {text(finding.name)} "
        f"at {code(f'{loc.file}:{loc.line}')}{' (' + text(about) + ')' if about else ''}: "
        f"{text(finding.message)}\n"
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

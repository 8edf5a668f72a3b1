"""``markdown``: a summary for a GitHub job summary (``$GITHUB_STEP_SUMMARY``) or a PR comment.

A heading with the overall verdict, one sentence of totals, one table of manifests, then every
warn, fail and error finding with its location, observed and expected values and remediation.
Verdicts are written as bold words (**PASS**, **WARN**, **FAIL**, **ERROR**), never emoji.
The verdict heads the output, so this format needs the whole report before it writes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from synthgate import VERDICTS, Finding, Report, Verdict, WholeReportReporter, empty_counts

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
    """
    return _MARKUP.sub(lambda m: "\\" + m.group(0), _NEWLINES.sub(" ", value.strip()))


def code(value: str) -> str:
    """A code span holding ``value`` verbatim (on one line)."""
    value = _NEWLINES.sub(" ", value)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    edges = value[:1] + value[-1:]
    pad = " " if "`" in edges or edges == "  " or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def cell(markdown: str) -> str:
    """Inline Markdown made safe for a table cell: every ``|`` escaped (inside code spans too,
    as GitHub splits cells before it reads code spans) and line breaks written ``<br>``."""
    return _NEWLINES.sub("<br>", markdown.replace("|", "\\|"))


def _observed(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _count(counts: Mapping[Verdict, int]) -> str:
    parts = [f"{counts[v]} {v}" for v in VERDICTS if counts.get(v)]
    return ", ".join(parts) or "none"


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
            f"checks: {_count(totals.findings)} (fail-on: {code(self.run.fail_on)}).",
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
        flagged = [r for r in report.manifests if any(f.verdict != "pass" for f in r.findings)]
        if flagged:
            lines += ["", "### Findings"]
            for result in flagged:
                lines += ["", f"#### {code(result.path)} ({text(result.dataset)})", ""]
                lines += [_finding(f) for f in result.findings if f.verdict != "pass"]
        return "\n".join(lines) + "\n"


def _finding(finding: Finding) -> str:
    loc = finding.location
    item = (
        f"- **{_LABELS[finding.verdict]}** {code(finding.rule)} {text(finding.name)} "
        f"at {code(f'{loc.file}:{loc.line}')}: {text(finding.message)}\n"
        f"  - observed: {code(_observed(finding.observed))}; expected: {text(finding.expected)}"
    )
    if finding.remediation.strip():
        item += f"\n  - fix: {text(finding.remediation)}"
    return item

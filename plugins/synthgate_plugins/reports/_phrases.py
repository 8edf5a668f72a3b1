"""Pieces of text every built-in output format writes the same way."""

from __future__ import annotations

import json
import re
from typing import Any

from synthgate.models import AppliedWaiver, Rule

__all__ = ["extra_counts", "observed", "reason", "waiver_note"]

# A sentence ends at a full stop before a space, except after "et al." and the like.
_SENTENCE_END = re.compile(r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)\.\s")


def observed(value: Any) -> str:
    """An observed value as a person reads it: numbers short, structures as compact JSON."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def extra_counts(waived: int, baselined: int) -> str:
    """``1 waived, 3 baselined`` (only the counts that are not zero; empty if both are)."""
    parts = [f"{waived} waived" if waived else "", f"{baselined} baselined" if baselined else ""]
    return ", ".join(part for part in parts if part)


def waiver_note(waiver: AppliedWaiver) -> str:
    """Who waived a finding, until when and why (ticket, approver); or that the waiver lapsed."""
    if waiver.status == "lapsed":
        return f"waiver lapsed on {waiver.expires} ({waiver.owner}: {waiver.reason.strip()})"
    extra = [f"ticket: {waiver.ticket}" if waiver.ticket else ""]
    extra.append(f"approved by {waiver.approver}" if waiver.approver else "")
    note = ", ".join(part for part in extra if part)
    text = f"waived by {waiver.owner} until {waiver.expires}: {waiver.reason.strip()}"
    return f"{text} ({note})" if note else text


def _cite(rule: Rule) -> str:
    """``Li et al. 2023``: the first reference, short."""
    if not rule.references:
        return ""
    ref = rule.references[0]
    first = ref.authors.split(",")[0].strip()
    if "," in ref.authors and not first.endswith("et al."):
        first += " et al."
    return f"{first} {ref.year}"


def reason(rule: Rule) -> str:
    """Why a rule matters, in one line: the first sentence of its rationale and its first
    reference; empty when the rule gives no rationale."""
    text = " ".join(rule.rationale.split())
    if not text:
        return ""
    match = _SENTENCE_END.search(text)
    sentence = text[: match.start() + 1] if match else text
    cite = _cite(rule)
    return f"{sentence} [{cite}]" if cite else sentence

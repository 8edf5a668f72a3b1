"""Pieces of text every built-in output format writes the same way."""

from __future__ import annotations

import json
from typing import Any

from synthgate import AppliedWaiver

__all__ = ["extra_counts", "observed", "waiver_note"]


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

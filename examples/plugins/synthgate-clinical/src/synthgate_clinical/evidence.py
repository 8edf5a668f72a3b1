"""Privacy evidence recorded in a source's description, one ``key: value`` line per fact.

The manifest format refuses fields it does not define (so that a typo is an error, never a
fact silently ignored), and it has no field for a re-identification test or a privacy review.
Until it does, this plugin reads them from evidence lines in the source's ``description``::

    description: |
      Discharge summaries written by a model from de-identified notes.
      reidentification-test: membership inference, auc=0.52
      privacy-review: DPO-2025-014, hospital data protection office

A line whose key is one of :data:`KEYS` is evidence; every other line is prose and is left
alone. A ``reidentification-test`` line must give the attack's AUC as ``auc=NUMBER`` (0.5 is
what an attacker gets by guessing; 1.0 finds every patient), and a ``privacy-review`` line
must name the review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "KEYS",
    "PRIVACY_REVIEW",
    "REIDENTIFICATION_TEST",
    "Evidence",
    "EvidenceKey",
    "read_evidence",
]

EvidenceKey = Literal["reidentification-test", "privacy-review"]
REIDENTIFICATION_TEST: Final = "reidentification-test"
PRIVACY_REVIEW: Final = "privacy-review"
KEYS: tuple[EvidenceKey, ...] = (REIDENTIFICATION_TEST, PRIVACY_REVIEW)

_LINE = re.compile(r"^\s*(?P<key>[a-z-]+)\s*:\s*(?P<value>.*?)\s*$", re.IGNORECASE)
_AUC = re.compile(r"\bauc\s*=\s*(?P<number>[0-9]*\.?[0-9]+)(?![0-9.])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a description records: each key's text (None when absent), the attack AUC of the
    re-identification test (None when not given), and the lines that could not be read."""

    facts: dict[str, str]
    attack_auc: float | None
    problems: tuple[str, ...]

    def has(self, key: str) -> bool:
        """Whether a readable line for ``key`` is recorded."""
        return key in self.facts


def read_evidence(description: str | None) -> Evidence:
    """The evidence lines of ``description`` (a source's free text, or None)."""
    facts: dict[str, str] = {}
    problems: list[str] = []
    auc: float | None = None
    for line in (description or "").splitlines():
        match = _LINE.match(line)
        if match is None or match["key"].lower() not in KEYS:
            continue
        key, value = match["key"].lower(), match["value"]
        if key in facts:
            problems.append(f"'{key}' is recorded twice")
            continue
        if not value:
            problems.append(f"'{key}:' names nothing")
            continue
        if key == REIDENTIFICATION_TEST:
            found = _AUC.search(value)
            if found is None:
                problems.append(f"'{key}: {value}' gives no attack AUC (write 'auc=0.52')")
                continue
            number = float(found["number"])
            if not 0.0 <= number <= 1.0:
                problems.append(f"'{key}: {value}' gives an AUC outside 0..1")
                continue
            auc = number
        facts[key] = value
    return Evidence(facts, auc, tuple(problems))

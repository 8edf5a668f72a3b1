"""``privacy-evidence``: synthetic patient data records a re-identification test and a review."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field

from synthgate.plugin import CheckContext, CheckKind, CheckParams, Outcome, ScopeView
from synthgate_clinical.evidence import KEYS, EvidenceKey, read_evidence

__all__ = ["PRIVACY_EVIDENCE", "PrivacyEvidenceParams"]


class PrivacyEvidenceParams(CheckParams):
    """``require``: the evidence lines each synthetic source must record; ``verdict``: the
    verdict when one is missing or cannot be read."""

    require: list[EvidenceKey] = Field(default_factory=lambda: list(KEYS), min_length=1)
    verdict: Literal["warn", "fail"] = "fail"


def _run(
    scope: ScopeView, params: PrivacyEvidenceParams, context: CheckContext
) -> Iterator[Outcome]:
    expected = "recorded in the description: " + ", ".join(params.require)
    for pointer, source in scope.synthetic_sources():
        evidence = read_evidence(source.description)
        missing = [key for key in params.require if not evidence.has(key)]
        at = f"{pointer}/description" if source.description is not None else pointer
        if evidence.problems:
            yield Outcome(
                params.verdict,
                {"problems": list(evidence.problems)},
                expected,
                f"source '{source.id}': " + "; ".join(evidence.problems),
                pointer=at,
            )
        elif missing:
            yield Outcome(
                params.verdict,
                {"missing": missing},
                expected,
                f"source '{source.id}' records no " + " and no ".join(missing),
                pointer=at,
            )
        else:
            yield Outcome(
                "pass",
                {"missing": []},
                expected,
                f"source '{source.id}' records " + " and ".join(params.require),
                pointer=at,
            )


PRIVACY_EVIDENCE = CheckKind(
    name="privacy-evidence",
    summary="Each synthetic source records a re-identification test and a privacy review.",
    params=PrivacyEvidenceParams,
    run=_run,
)

"""``reidentification_auc``: how well the recorded attack told patients in from patients out."""

from __future__ import annotations

from synthgate.plugin import Metric, MetricValue, ScopeView
from synthgate_clinical.evidence import read_evidence

__all__ = ["REIDENTIFICATION_AUC"]


def _worst_auc(scope: ScopeView) -> MetricValue:
    """The highest attack AUC over the synthetic sources in scope; None when one of them
    records none, or when there is no synthetic source."""
    values: list[float] = []
    for _pointer, source in scope.synthetic_sources():
        auc = read_evidence(source.description).attack_auc
        if auc is None:
            return None
        values.append(auc)
    return max(values) if values else None


def _undefined(scope: ScopeView) -> str | None:
    """Why the metric has no value although nothing is missing: nothing synthetic to attack."""
    return None if any(scope.synthetic_sources()) else "no synthetic source in scope"


REIDENTIFICATION_AUC = Metric(
    name="reidentification_auc",
    summary="Highest AUC of a recorded re-identification attack over the synthetic sources.",
    compute=_worst_auc,
    declare="a 'reidentification-test: ... auc=NUMBER' line in each synthetic source's description",
    undefined=_undefined,
)

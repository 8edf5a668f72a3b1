"""``inferred-confirmed``: facts an importer inferred (a card's prose said the data was
generated) are shown to the owner until the manifest declares them itself."""

from __future__ import annotations

from collections.abc import Iterator

from synthgate.plugin import CheckContext, CheckKind, CheckParams, Outcome, ScopeView
from synthgate_plugins.checks._kind_params import Severity

__all__ = ["INFERRED_CONFIRMED", "InferredParams"]

_EXPECTED = "every fact is declared, none only inferred by an importer"


class InferredParams(CheckParams):
    """``verdict`` for each fact that is inferred and not yet confirmed."""

    verdict: Severity = "warn"


def _run(scope: ScopeView, params: InferredParams, context: CheckContext) -> Iterator[Outcome]:
    found: list[tuple[str, str, str]] = []  # (fact, evidence, pointer)
    if scope.kind == "dataset":
        base = scope.pointer
        found += [(f, e, f"{base}/{f}") for f, e in sorted(scope.manifest.dataset.inferred.items())]
    for pointer, source in scope.sources:
        found += [(f, e, f"{pointer}/{f}") for f, e in sorted(source.inferred.items())]
    if not found:
        yield Outcome("pass", {"inferred": []}, _EXPECTED, "no fact is only inferred")
        return
    for fact, evidence, pointer in found:
        yield Outcome(
            params.verdict,
            {"fact": fact, "evidence": evidence},
            _EXPECTED,
            f"{fact} was inferred, not declared: {evidence}; confirm it (and remove the "
            "'inferred' entry) or correct it",
            pointer=pointer,
        )


INFERRED_CONFIRMED = CheckKind(
    name="inferred-confirmed",
    summary="Facts an importer inferred, with their evidence, until the manifest declares them.",
    params=InferredParams,
    run=_run,
)

"""Built-in metrics over a scope's sources, for ``threshold`` checks."""

from __future__ import annotations

from collections.abc import Callable

from synthgate import UNKNOWN, Metric, MetricValue, ScopeView, Source, hookimpl, model_key

__all__ = ["METRICS", "synthgate_register_metrics"]


def _amount(source: Source, unit: str) -> int | None:
    """The source's ``unit`` (records or tokens), or None when it is not declared."""
    amount = getattr(source, unit)
    return amount if isinstance(amount, int) else None


def _synthetic_amount(source: Source, unit: str) -> float | None:
    """How much of a source is synthetic, in ``unit``; None when that is not known.

    All of a synthetic source, none of a human one, ``synthetic_share`` of a mixed one; None
    when the amount or a mixed source's share is not declared, or the origin is unknown.
    """
    amount = _amount(source, unit)
    if amount is None:
        return None
    if source.origin == "synthetic":
        return float(amount)
    if source.origin == "human":
        return 0.0
    if source.origin == "mixed" and not isinstance(source.synthetic_share, str):
        return amount * source.synthetic_share
    return None


def _split_by_origin(scope: ScopeView, unit: str) -> tuple[float, float, float] | None:
    """(synthetic, human, unknown) amounts in ``unit`` (records or tokens), or None."""
    synthetic = human = unknown = 0.0
    for _, source in scope.sources:
        amount = _amount(source, unit)
        if amount is None:
            return None
        part = _synthetic_amount(source, unit)
        if part is None:  # unknown origin, or mixed with an unknown share
            unknown += amount
        else:
            synthetic += part
            human += amount - part
    return synthetic, human, unknown


def _share(unit: str, part: int) -> Callable[[ScopeView], MetricValue]:
    def compute(scope: ScopeView) -> MetricValue:
        amounts = _split_by_origin(scope, unit)
        if amounts is None:
            return None
        total = sum(amounts)
        if total == 0:
            return None
        return round(amounts[part] / total, 6)

    return compute


def _empty(unit: str) -> Callable[[ScopeView], str | None]:
    """For the share metrics: "the scope has 0 <unit>" when every count is declared and 0."""

    def undefined(scope: ScopeView) -> str | None:
        amounts = _split_by_origin(scope, unit)
        if amounts is not None and sum(amounts) == 0:
            return f"the scope has 0 {unit}, and a share of nothing is undefined"
        return None

    return undefined


def _synthetic_records(scope: ScopeView) -> tuple[float, list[Source]] | None:
    total = 0.0
    sources = []
    for _, source in scope.synthetic_sources():
        amount = _synthetic_amount(source, "records")
        if amount is None:
            return None
        total += amount
        sources.append(source)
    return total, sources


def max_generation_depth(scope: ScopeView) -> MetricValue:
    """Deepest generation among synthetic sources (0 when there are none)."""
    depth = 0
    for _, source in scope.synthetic_sources():
        if isinstance(source.generation_depth, str):
            return None
        depth = max(depth, source.generation_depth)
    return depth


def largest_generator_share(scope: ScopeView) -> MetricValue:
    """Share of synthetic records coming from the single largest generator model."""
    by_model: dict[str, float] = {}
    for _, source in scope.synthetic_sources():
        amount = _synthetic_amount(source, "records")
        if amount is None or source.generator is None:
            return None
        key = model_key(source.generator.name)  # 'GPT-4o' and 'gpt-4o' are one model
        by_model[key] = by_model.get(key, 0.0) + amount
    total = sum(by_model.values())
    if total == 0:
        return 0
    return round(max(by_model.values()) / total, 6)


def _distinct(attribute: str) -> Callable[[ScopeView], MetricValue]:
    def compute(scope: ScopeView) -> MetricValue:
        keys = set()
        for _, source in scope.synthetic_sources():
            if source.generator is None:
                return None
            key = model_key(getattr(source.generator, attribute))
            if key == UNKNOWN:
                return None
            keys.add(key)
        return len(keys)

    return compute


def verified_share(scope: ScopeView) -> MetricValue:
    """Share of synthetic records that passed an automatic verification."""
    found = _synthetic_records(scope)
    if found is None:
        return None
    total, sources = found
    if total == 0:
        return None
    passed = 0
    for source in sources:
        verification = source.verification
        if verification is None or verification.method in ("none",):
            continue
        if isinstance(verification.items_passed, str):
            return None
        passed += verification.items_passed
    return round(min(passed / total, 1.0), 6)


def _no_synthetic_records(scope: ScopeView) -> str | None:
    found = _synthetic_records(scope)
    if found is not None and found[0] == 0:
        return "the scope has 0 synthetic records, and a share of nothing is undefined"
    return None


def audited_items(scope: ScopeView) -> MetricValue:
    """Synthetic items checked by people, summed over the scope's synthetic sources."""
    total = 0
    for _, source in scope.synthetic_sources():
        audit = source.human_audit
        if audit is None:
            continue
        if isinstance(audit.items, str):
            return None
        total += audit.items
    return total


_RECORDS = "'records' on every source in scope (and 'synthetic_share' on mixed sources)"
_TOKENS = "'tokens' on every source in scope (and 'synthetic_share' on mixed sources)"
_GENERATOR = "'generator' (with 'name' and 'family') on every synthetic source"

_EMPTY_RECORDS = _empty("records")
_EMPTY_TOKENS = _empty("tokens")

METRICS = [
    Metric(
        "synthetic_share_records",
        "Synthetic share of records.",
        _share("records", 0),
        _RECORDS,
        undefined=_EMPTY_RECORDS,
    ),
    Metric(
        "human_share_records",
        "Human share of records.",
        _share("records", 1),
        _RECORDS,
        undefined=_EMPTY_RECORDS,
    ),
    Metric(
        "unknown_share_records",
        "Share of records of unknown origin.",
        _share("records", 2),
        _RECORDS,
        undefined=_EMPTY_RECORDS,
    ),
    Metric(
        "synthetic_share_tokens",
        "Synthetic share of tokens.",
        _share("tokens", 0),
        _TOKENS,
        undefined=_EMPTY_TOKENS,
    ),
    Metric(
        "human_share_tokens",
        "Human share of tokens.",
        _share("tokens", 1),
        _TOKENS,
        undefined=_EMPTY_TOKENS,
    ),
    Metric(
        "unknown_share_tokens",
        "Share of tokens of unknown origin.",
        _share("tokens", 2),
        _TOKENS,
        undefined=_EMPTY_TOKENS,
    ),
    Metric(
        "max_generation_depth",
        "Deepest generation among synthetic sources (1 = generator trained on human data).",
        max_generation_depth,
        "'generation_depth' on every synthetic source",
    ),
    Metric(
        "largest_generator_share",
        "Share of synthetic records from the single largest generator model.",
        largest_generator_share,
        "'records' and 'generator' on every synthetic source",
    ),
    Metric(
        "distinct_generators",
        "Number of distinct generator models.",
        _distinct("name"),
        _GENERATOR,
    ),
    Metric(
        "distinct_generator_families",
        "Number of distinct generator families.",
        _distinct("family"),
        _GENERATOR,
    ),
    Metric(
        "verified_share",
        "Share of synthetic records that passed automatic verification.",
        verified_share,
        "'records' and 'verification.items_passed' on every synthetic source",
        undefined=_no_synthetic_records,
    ),
    Metric(
        "audited_items",
        "Synthetic items audited by people.",
        audited_items,
        "'human_audit.items' on synthetic sources",
    ),
]


@hookimpl
def synthgate_register_metrics() -> list[Metric]:
    """The built-in metrics."""
    return list(METRICS)

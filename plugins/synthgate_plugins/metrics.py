"""Built-in metrics over a scope's sources, for ``threshold`` checks."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from synthgate.models import UNKNOWN, Source, model_key
from synthgate.plugin import Interval, Metric, MetricValue, ScopeView, hookimpl

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


Bounds = tuple[float, float]
"""(low, high) of a quantity; ``high`` is ``math.inf`` for a count that is not declared."""

_ANY_SHARE: Bounds = (0.0, 1.0)


def _amount_bounds(source: Source, unit: str) -> Bounds:
    """The source's ``unit`` (records or tokens): the count, or 0..inf when not declared."""
    amount = _amount(source, unit)
    return (float(amount), float(amount)) if amount is not None else (0.0, math.inf)


def _part_bounds(source: Source, part: str) -> Bounds:
    """Bounds of the share of a source's records that are ``part`` (synthetic, human, unknown).

    A mixed source of undeclared share may be anything from all human to all synthetic, and
    an unknown origin anything at all; their records count as of unknown origin (SG101 asks
    for the origin and the share).
    """
    origin, share = source.origin, source.synthetic_share
    known_mix = origin == "mixed" and not isinstance(share, str)
    if part == "unknown":
        return (0.0, 0.0) if origin in ("human", "synthetic") or known_mix else (1.0, 1.0)
    if origin == "synthetic" or origin == "human":
        synthetic = 1.0 if origin == "synthetic" else 0.0
    elif known_mix:
        synthetic = float(share)
    else:
        return _ANY_SHARE
    value = synthetic if part == "synthetic" else 1.0 - synthetic
    return value, value


def _lowest_average(items: Sequence[tuple[float, float, float]]) -> float | None:
    """The lowest value of sum(v * w) / sum(w) with each weight w in [low, high] (high may be
    inf), over items (v, low, high); None when every weight must be 0.

    At the lowest average every item below it has its largest weight and every item above it
    its smallest, so it is the best of the n + 1 splits of the items sorted by value. An item
    whose weight has no bound pulls the average as close to its value as one likes.
    """
    ordered = sorted(items)
    best: float | None = None
    for cut in range(len(ordered) + 1):
        heavy, light = ordered[:cut], ordered[cut:]
        unbounded = [v for v, _, high in heavy if math.isinf(high)]
        if unbounded:
            found = min(unbounded)
        else:
            total = sum(high for _, _, high in heavy) + sum(low for _, low, _ in light)
            if total == 0:
                continue
            weighted = sum(v * high for v, _, high in heavy) + sum(v * low for v, low, _ in light)
            found = weighted / total
        best = found if best is None else min(best, found)
    return best


def _share_bounds(scope: ScopeView, unit: str, part: str) -> Bounds | None:
    """Bounds of the share of the scope's ``unit`` that is ``part``; None when the scope
    declares 0 ``unit`` in all (a share of nothing)."""
    lows, highs = [], []
    for _, source in scope.sources:
        amount_low, amount_high = _amount_bounds(source, unit)
        part_low, part_high = _part_bounds(source, part)
        lows.append((part_low, amount_low, amount_high))
        highs.append((-part_high, amount_low, amount_high))
    low, negated_high = _lowest_average(lows), _lowest_average(highs)
    if low is None or negated_high is None:
        return None
    return low, -negated_high


# The metrics that differ only in a parameter (a unit, a part, an attribute) bind it with
# functools.partial to a function of the module: the work happens each time a metric is
# computed, in that function, never in a factory run once while the table is built.


def _share(unit: str, part: str, scope: ScopeView) -> MetricValue:
    """The share of the scope's ``unit`` that is ``part``, as an interval when not known."""
    bounds = _share_bounds(scope, unit, part)
    if bounds is None:
        return None
    return Interval.of(round(bounds[0], 6), round(bounds[1], 6))


def _empty(unit: str, scope: ScopeView) -> str | None:
    """For the share metrics: "the scope has 0 <unit>" when every count is declared and 0."""
    if all(_amount(source, unit) == 0 for _, source in scope.sources):
        return f"the scope has 0 {unit}, and a share of nothing is undefined"
    return None


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


def _distinct(attribute: str, scope: ScopeView) -> MetricValue:
    """How many distinct generator ``attribute`` values (name or family) the scope has."""
    keys = set()
    for _, source in scope.synthetic_sources():
        if source.generator is None:
            return None
        key = model_key(getattr(source.generator, attribute))
        if key == UNKNOWN:
            return None
        keys.add(key)
    return len(keys)


def verified_share(scope: ScopeView) -> MetricValue:
    """Share of synthetic records that passed an automatic verification.

    A source verified with ``method: none`` passed nothing; one that declares no verification,
    or no ``items_passed``, passed anything from none to all of its records.
    """
    found = _synthetic_records(scope)
    if found is None:
        return None
    total, sources = found
    if total == 0:
        return None
    low = high = 0.0
    for source in sources:
        amount = _synthetic_amount(source, "records") or 0.0
        verification = source.verification
        if verification is not None and verification.method == "none":
            continue
        if verification is not None and verification.method == "by-construction":
            # Labels by construction verify what a template or a program made, nothing else.
            if source.method in _CONSTRUCTED:
                low += amount
                high += amount
            continue
        if verification is None or isinstance(verification.items_passed, str):
            high += amount
            continue
        passed = min(float(verification.items_passed), amount)
        low += passed
        high += passed
    return Interval.of(round(min(low / total, 1.0), 6), round(min(high / total, 1.0), 6))


_CONSTRUCTED = ("template", "programmatic")
_TRANSLATED = ("machine-translation", "back-translation")


def _translated(source: Source) -> bool:
    return source.method in _TRANSLATED


def _quality_checked(source: Source) -> bool:
    """A quality estimate or a human post-editing sample is on record."""
    translation = source.translation
    if translation is None:
        return False
    sample = translation.post_edited_items
    return not isinstance(translation.quality_estimate, str) or (
        isinstance(sample, int) and sample > 0
    )


def unchecked_translations(scope: ScopeView) -> MetricValue:
    """Machine-translated sources in scope with neither a quality estimate nor a human
    post-editing sample on record."""
    return sum(
        1
        for _, source in scope.synthetic_sources()
        if _translated(source) and not _quality_checked(source)
    )


def _no_translation(scope: ScopeView) -> str | None:
    if not any(_translated(source) for _, source in scope.synthetic_sources()):
        return "no source in scope is machine-translated"
    return None


def _post_edit_sample(scope: ScopeView) -> str | None:
    found = any(
        _translated(source)
        and source.translation is not None
        and not isinstance(source.translation.post_edited_items, str)
        for _, source in scope.synthetic_sources()
    )
    return None if found else "no machine-translated source records a post-editing sample"


def _no_synthetic_records(scope: ScopeView) -> str | None:
    found = _synthetic_records(scope)
    if found is not None and found[0] == 0:
        return "the scope has 0 synthetic records, and a share of nothing is undefined"
    return None


def audited_items(scope: ScopeView) -> MetricValue:
    """Synthetic items checked by people, summed over the scope's synthetic sources; a source
    without ``human_audit`` (or without its ``items``) adds an unknown number, never 0."""
    low, high = 0.0, 0.0
    for _, source in scope.synthetic_sources():
        audit = source.human_audit
        if audit is None or isinstance(audit.items, str):
            high = math.inf
            continue
        low += audit.items
        high += audit.items
    return Interval.of(int(low), high)


def _flag_value(value: object) -> MetricValue:
    """1 for true, 0 for false, None for 'unknown'."""
    if isinstance(value, bool):
        return int(value)
    return None


def largest_generator_family_share(scope: ScopeView) -> MetricValue:
    """Share of synthetic records coming from the single largest generator family."""
    by_family: dict[str, float] = {}
    for _, source in scope.synthetic_sources():
        amount = _synthetic_amount(source, "records")
        if amount is None or source.generator is None:
            return None
        key = model_key(source.generator.family)
        if key == UNKNOWN:
            return None
        by_family[key] = by_family.get(key, 0.0) + amount
    total = sum(by_family.values())
    if total == 0:
        return 0
    return round(max(by_family.values()) / total, 6)


def replaced_previous_version(scope: ScopeView) -> MetricValue:
    """1 when human data of the previous version was replaced, 0 when it was kept."""
    return _flag_value(scope.manifest.dataset.replaces_previous_version)


def _test_verified(source: Source) -> bool:
    return source.verification is not None and source.verification.method == "unit-tests"


def _no_unit_tests(scope: ScopeView) -> str | None:
    if not any(_test_verified(source) for _, source in scope.synthetic_sources()):
        return "no synthetic source in scope is verified by unit tests"
    return None


def audit_error_rate(scope: ScopeView) -> MetricValue:
    """Share of human-audited synthetic items found wrong, weighted by items audited."""
    items = wrong = 0.0
    for _, source in scope.synthetic_sources():
        audit = source.human_audit
        if audit is None:
            continue
        if isinstance(audit.items, str) or isinstance(audit.error_rate, str):
            return None
        items += audit.items
        wrong += audit.items * audit.error_rate
    if items == 0:
        return None
    return round(wrong / items, 6)


def _no_audit(scope: ScopeView) -> str | None:
    for _, source in scope.synthetic_sources():
        audit = source.human_audit
        if audit is not None and audit.items != 0:
            return None
    return "no synthetic item in scope was audited by people (the audit sample rule asks for one)"


def _no_synthetic_source(scope: ScopeView) -> str | None:
    if next(scope.synthetic_sources(), None) is None:
        return "the scope has no synthetic source"
    return None


def _no_label_validation(scope: ScopeView) -> str | None:
    if all(source.label_validation is None for _, source in scope.synthetic_sources()):
        return "no synthetic source declares a label validation (the validation rule asks for one)"
    return None


def human_validated_share(scope: ScopeView) -> MetricValue:
    """Lowest share of synthetic items people found correct, over the synthetic sources.

    Per source the lower of ``label_validation.agreement`` and ``1 - human_audit.error_rate``,
    whichever are declared; None when a synthetic source declares neither.
    """
    lowest: float | None = None
    for _, source in scope.synthetic_sources():
        found: list[float] = []
        if source.label_validation is not None:
            agreement = source.label_validation.agreement
            if not isinstance(agreement, str):
                found.append(agreement)
        if source.human_audit is not None:
            error_rate = source.human_audit.error_rate
            if not isinstance(error_rate, str):
                found.append(1 - error_rate)
        if not found:
            return None
        lowest = min(found) if lowest is None else min(lowest, *found)
    return None if lowest is None else round(lowest, 6)


def _judge_fact(attribute: str, scope: ScopeView) -> MetricValue:
    """The dataset judge's ``attribute``; None when there is no judge or it is unknown."""
    judge = scope.manifest.dataset.judge
    if judge is None:
        return None
    value = getattr(judge, attribute)
    return None if isinstance(value, str) else value


def _no_judge(scope: ScopeView) -> str | None:
    if scope.manifest.dataset.judge is None:
        return "the dataset declares no judge model"
    return None


def contamination_flagged_share(scope: ScopeView) -> MetricValue:
    """Share of evaluation items flagged as overlapping the training data."""
    check = scope.manifest.dataset.contamination
    if check is None or isinstance(check.flagged_share, str):
        return None
    return check.flagged_share


def generator_saw_eval_items(scope: ScopeView) -> MetricValue:
    """1 when a generator was prompted with evaluation items, 0 when it was not."""
    check = scope.manifest.dataset.contamination
    return None if check is None else _flag_value(check.generator_saw_eval_items)


def _model_verified(source: Source) -> bool:
    return source.verification is not None and source.verification.method == "model-verifier"


def _no_model_verifier(scope: ScopeView) -> str | None:
    if not any(_model_verified(source) for _, source in scope.synthetic_sources()):
        return "no synthetic source in scope is checked by a model verifier"
    return None


def _unverified(source: Source) -> bool:
    verification = source.verification
    return verification is None or verification.method in ("none", UNKNOWN)


def _all_verified(scope: ScopeView) -> str | None:
    if not any(_unverified(source) for _, source in scope.synthetic_sources()):
        return "every synthetic source in scope is verified automatically"
    return None


def _known(value: object) -> float | None:
    """A declared number, or None for 'unknown'."""
    return None if isinstance(value, str) else value  # type: ignore[return-value]


def _everything(source: Source) -> bool:
    return True


@dataclass(frozen=True)
class _Extreme:
    """A metric that takes the highest (or lowest) value over the synthetic sources in scope
    that ``include`` keeps; ``empty`` when there are none.

    A source that leaves its value unknown (``read`` gives None) may hold anything in
    ``unknown``, so the result is then an :class:`Interval` from the known extreme to the end
    of that range. Its ``where`` points at the known deciding value's ``fact``, appended to
    the source's pointer.
    """

    read: Callable[[Source], float | None]
    fact: str
    highest: bool
    unknown: Bounds
    include: Callable[[Source], bool] = _everything
    empty: MetricValue = None


def _extreme_values(spec: _Extreme, scope: ScopeView) -> tuple[list[tuple[float, str]], bool]:
    """The known values with their facts' pointers, and whether a value is undeclared."""
    found, undeclared = [], False
    for pointer, source in scope.synthetic_sources():
        if not spec.include(source):
            continue
        value = spec.read(source)
        if value is None:
            undeclared = True
        else:
            found.append((value, pointer + spec.fact))
    return found, undeclared


def _extreme(spec: _Extreme, scope: ScopeView) -> MetricValue:
    """The value of an :class:`_Extreme` metric."""
    found, undeclared = _extreme_values(spec, scope)
    pick = max if spec.highest else min
    if not found and not undeclared:
        return spec.empty
    if not undeclared:
        return pick(value for value, _ in found)
    if not found:
        return Interval(*spec.unknown)
    known = pick(value for value, _ in found)
    if spec.highest:
        return Interval.of(max(known, spec.unknown[0]), max(known, spec.unknown[1]))
    return Interval.of(min(known, spec.unknown[0]), min(known, spec.unknown[1]))


def _extreme_at(spec: _Extreme, scope: ScopeView) -> str | None:
    """The pointer of the fact that decides an :class:`_Extreme` metric; None if none is known."""
    found, _ = _extreme_values(spec, scope)
    pick = max if spec.highest else min
    return pick(found, key=lambda item: item[0])[1] if found else None


def _dataset_fact(pointer: str, scope: ScopeView) -> str | None:
    """The pointer of a dataset-wide fact, whatever the scope."""
    return pointer


def _post_edited(source: Source) -> float | None:
    translation = source.translation
    if translation is not None and isinstance(translation.post_edited_items, int):
        return float(translation.post_edited_items)
    return None


def _records_post_edits(source: Source) -> bool:
    return (
        _translated(source)
        and source.translation is not None
        and isinstance(source.translation.post_edited_items, int)
    )


def _kept_rate(source: Source) -> float | None:
    filtering = source.filtering
    if filtering is None or isinstance(filtering.generated, str):
        return None
    if isinstance(filtering.kept, str) or filtering.generated == 0:
        return None
    return round(filtering.kept / filtering.generated, 6)


def _generation_depth(source: Source) -> float | None:
    return _known(source.generation_depth)


def _near_duplicates(source: Source) -> float | None:
    return _known(source.diversity.near_duplicate_rate if source.diversity else UNKNOWN)


def _validated_items(source: Source) -> float | None:
    return _known(source.label_validation.items) if source.label_validation else None


def _kappa(source: Source) -> float | None:
    return _known(source.label_validation.kappa) if source.label_validation else None


def _label_validated(source: Source) -> bool:
    return source.label_validation is not None


def _tests_per_item(source: Source) -> float | None:
    return _known(source.verification.tests_per_item) if source.verification else None


def _verifier_precision(source: Source) -> float | None:
    return _known(source.verification.verifier_precision) if source.verification else None


# Smallest human post-editing sample among machine-translated sources that record one.
_POST_EDIT = _Extreme(
    _post_edited,
    "/translation/post_edited_items",
    highest=False,
    unknown=(0.0, math.inf),  # never used: only sources that record a sample are included
    include=_records_post_edits,
)
# Deepest generation among synthetic sources (0 when there are none).
_DEPTH = _Extreme(
    _generation_depth, "/generation_depth", highest=True, unknown=(1.0, math.inf), empty=0
)
# Highest near-duplicate rate among the synthetic sources in scope.
_NEAR_DUPLICATES = _Extreme(
    _near_duplicates, "/diversity/near_duplicate_rate", highest=True, unknown=_ANY_SHARE
)
# Fewest items on which a synthetic source's labels were compared with human labels.
_VALIDATED_ITEMS = _Extreme(
    _validated_items, "/label_validation/items", highest=False, unknown=(0.0, math.inf)
)
# Lowest Cohen's kappa between model and human labels among validated synthetic sources.
_KAPPA = _Extreme(
    _kappa,
    "/label_validation/kappa",
    highest=False,
    unknown=(-1.0, 1.0),
    include=_label_validated,
)
# Fewest tests per item among synthetic sources verified by unit tests.
_TESTS = _Extreme(
    _tests_per_item,
    "/verification/tests_per_item",
    highest=False,
    unknown=(0.0, math.inf),
    include=_test_verified,
)
# Lowest measured precision among the model verifiers of synthetic sources.
_PRECISION = _Extreme(
    _verifier_precision,
    "/verification/verifier_precision",
    highest=False,
    unknown=_ANY_SHARE,
    include=_model_verified,
)
# Highest share of generated items kept by filtering, among unverified synthetic sources.
_KEPT = _Extreme(
    _kept_rate, "/filtering/kept", highest=True, unknown=_ANY_SHARE, include=_unverified
)

smallest_post_edit_sample = partial(_extreme, _POST_EDIT)
max_generation_depth = partial(_extreme, _DEPTH)
near_duplicate_rate = partial(_extreme, _NEAR_DUPLICATES)
label_validation_items = partial(_extreme, _VALIDATED_ITEMS)
label_kappa = partial(_extreme, _KAPPA)
min_tests_per_item = partial(_extreme, _TESTS)
model_verifier_precision = partial(_extreme, _PRECISION)
unverified_kept_rate = partial(_extreme, _KEPT)


def records(scope: ScopeView) -> MetricValue:
    """Records of all sources in scope."""
    total = 0
    for _, source in scope.sources:
        amount = _amount(source, "records")
        if amount is None:
            return None
        total += amount
    return total


def verified_items(scope: ScopeView) -> MetricValue:
    """Synthetic items that passed automatic verification, summed over the scope."""
    total = 0
    for _, source in scope.synthetic_sources():
        verification = source.verification
        if verification is None or isinstance(verification.items_passed, str):
            return None
        total += verification.items_passed
    return total


_RECORDS = "'origin' and 'records' on every source in scope ('synthetic_share' on mixed ones)"
_TOKENS = "'origin' and 'tokens' on every source in scope ('synthetic_share' on mixed ones)"
_GENERATOR = "'generator' (with 'name' and 'family') on every synthetic source"

_EMPTY_RECORDS = partial(_empty, "records")
_EMPTY_TOKENS = partial(_empty, "tokens")

METRICS = [
    Metric(
        "records",
        "Records of all sources in scope.",
        records,
        "'records' on every source in scope",
    ),
    Metric(
        "verified_items",
        "Synthetic items that passed automatic verification.",
        verified_items,
        "'verification.items_passed' on every synthetic source",
        undefined=_no_synthetic_source,
    ),
    Metric(
        "synthetic_share_records",
        "Synthetic share of records.",
        partial(_share, "records", "synthetic"),
        _RECORDS,
        undefined=_EMPTY_RECORDS,
    ),
    Metric(
        "human_share_records",
        "Human share of records.",
        partial(_share, "records", "human"),
        _RECORDS,
        undefined=_EMPTY_RECORDS,
    ),
    Metric(
        "unknown_share_records",
        "Share of records of unknown origin.",
        partial(_share, "records", "unknown"),
        _RECORDS,
        undefined=_EMPTY_RECORDS,
    ),
    Metric(
        "synthetic_share_tokens",
        "Synthetic share of tokens.",
        partial(_share, "tokens", "synthetic"),
        _TOKENS,
        undefined=_EMPTY_TOKENS,
    ),
    Metric(
        "human_share_tokens",
        "Human share of tokens.",
        partial(_share, "tokens", "human"),
        _TOKENS,
        undefined=_EMPTY_TOKENS,
    ),
    Metric(
        "unknown_share_tokens",
        "Share of tokens of unknown origin.",
        partial(_share, "tokens", "unknown"),
        _TOKENS,
        undefined=_EMPTY_TOKENS,
    ),
    Metric(
        "max_generation_depth",
        "Deepest generation among synthetic sources (1 = generator trained on human data).",
        max_generation_depth,
        "'generation_depth' on every synthetic source",
        where=partial(_extreme_at, _DEPTH),
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
        partial(_distinct, "name"),
        _GENERATOR,
    ),
    Metric(
        "distinct_generator_families",
        "Number of distinct generator families.",
        partial(_distinct, "family"),
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
    Metric(
        "largest_generator_family_share",
        "Share of synthetic records from the single largest generator family.",
        largest_generator_family_share,
        "'records' and 'generator.family' on every synthetic source",
    ),
    Metric(
        "replaced_previous_version",
        "1 when human data of the previous version was replaced by this one, 0 when kept.",
        replaced_previous_version,
        "'dataset.replaces_previous_version' (true or false)",
        where=partial(_dataset_fact, "/dataset/replaces_previous_version"),
    ),
    Metric(
        "min_tests_per_item",
        "Fewest tests per item among synthetic sources verified by unit tests.",
        min_tests_per_item,
        "'verification.tests_per_item' on every synthetic source verified by unit tests",
        undefined=_no_unit_tests,
        where=partial(_extreme_at, _TESTS),
    ),
    Metric(
        "audit_error_rate",
        "Share of human-audited synthetic items found wrong (weighted by items audited).",
        audit_error_rate,
        "'human_audit.items' and 'human_audit.error_rate' on every audited synthetic source",
        undefined=_no_audit,
    ),
    Metric(
        "near_duplicate_rate",
        "Highest near-duplicate rate among synthetic sources.",
        near_duplicate_rate,
        "'diversity.near_duplicate_rate' on every synthetic source",
        undefined=_no_synthetic_source,
        where=partial(_extreme_at, _NEAR_DUPLICATES),
    ),
    Metric(
        "label_validation_items",
        "Fewest items on which a synthetic source's labels were compared with human labels.",
        label_validation_items,
        "'label_validation.items' on every synthetic source",
        undefined=_no_synthetic_source,
        where=partial(_extreme_at, _VALIDATED_ITEMS),
    ),
    Metric(
        "label_kappa",
        "Lowest Cohen's kappa between model and human labels among validated synthetic sources.",
        label_kappa,
        "'label_validation.kappa' on every synthetic source with a label validation",
        undefined=_no_label_validation,
        where=partial(_extreme_at, _KAPPA),
    ),
    Metric(
        "human_validated_share",
        "Lowest share of synthetic items that people found correct (agreement or 1 - errors).",
        human_validated_share,
        "'label_validation.agreement' or 'human_audit.error_rate' on every synthetic source",
        undefined=_no_synthetic_source,
    ),
    Metric(
        "judge_human_agreement",
        "Share of items on which the judge model agrees with human raters.",
        partial(_judge_fact, "human_agreement"),
        "'dataset.judge.human_agreement'",
        undefined=_no_judge,
        where=partial(_dataset_fact, "/dataset/judge/human_agreement"),
    ),
    Metric(
        "judge_agreement_items",
        "Items on which the judge's agreement with human raters was measured.",
        partial(_judge_fact, "agreement_items"),
        "'dataset.judge.agreement_items'",
        undefined=_no_judge,
        where=partial(_dataset_fact, "/dataset/judge/agreement_items"),
    ),
    Metric(
        "contamination_flagged_share",
        "Share of evaluation items flagged as overlapping the training data.",
        contamination_flagged_share,
        "'dataset.contamination' with 'method', 'eval_sets' and 'flagged_share'",
        where=partial(_dataset_fact, "/dataset/contamination/flagged_share"),
    ),
    Metric(
        "generator_saw_eval_items",
        "1 when a generator was prompted with evaluation items, 0 when it was not.",
        generator_saw_eval_items,
        "'dataset.contamination.generator_saw_eval_items' (true or false)",
        where=partial(_dataset_fact, "/dataset/contamination/generator_saw_eval_items"),
    ),
    Metric(
        "model_verifier_precision",
        "Lowest precision, measured on human-labelled items, of a model verifier in scope.",
        model_verifier_precision,
        "'verification.verifier_precision' on every source checked by a model verifier",
        undefined=_no_model_verifier,
        where=partial(_extreme_at, _PRECISION),
    ),
    Metric(
        "unverified_kept_rate",
        "Highest share of generated items kept by filtering, among unverified synthetic sources.",
        unverified_kept_rate,
        "'filtering.generated' and 'filtering.kept' on every unverified synthetic source",
        undefined=_all_verified,
        where=partial(_extreme_at, _KEPT),
    ),
    Metric(
        "unchecked_translations",
        "Machine-translated sources with neither a quality estimate nor a post-editing sample.",
        unchecked_translations,
        "'method' on every synthetic source",
        undefined=_no_translation,
    ),
    Metric(
        "smallest_post_edit_sample",
        "Fewest items post-edited by people among machine-translated sources that record it.",
        smallest_post_edit_sample,
        "'translation.post_edited_items' on machine-translated sources",
        undefined=_post_edit_sample,
        where=partial(_extreme_at, _POST_EDIT),
    ),
]


@hookimpl
def synthgate_register_metrics() -> list[Metric]:
    """The built-in metrics."""
    return list(METRICS)

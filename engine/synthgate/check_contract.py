"""The contract of check kinds and metrics: what a plugin registers and what it receives."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from synthgate.models import (
    Dataset,
    Manifest,
    Origin,
    Scope,
    Source,
    Split,
    SplitRole,
    Verdict,
    Verifiability,
)

__all__ = [
    "CheckContext",
    "CheckKind",
    "Corpus",
    "CorpusEntry",
    "CorpusSource",
    "Interval",
    "Measured",
    "MeasuredFact",
    "Metric",
    "MetricError",
    "MetricValue",
    "Outcome",
    "PolicyContext",
    "Related",
    "ScopeView",
]


@dataclass(frozen=True, slots=True)
class Interval:
    """A metric value known only to lie between ``low`` and ``high`` (both included).

    What a metric gives when some of the facts it needs are unknown but the others still bound
    it: a mixed source of unknown synthetic share contributes anywhere from none to all of its
    records to the synthetic records. ``high`` may be ``math.inf`` (a count with an unknown
    part has no upper bound). A threshold decides a band only when the whole interval lies on
    one side of it. Metrics give a plain number when ``low == high`` (:meth:`of`).
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        if not self.low <= self.high:  # also refuses NaN
            raise ValueError(f"an interval needs low <= high, got {self.low}..{self.high}")

    @staticmethod
    def of(low: float, high: float) -> float | int | Interval:
        """``low`` itself when the bounds meet, else the interval."""
        return low if low == high else Interval(low, high)

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the interval."""
        return self.low <= value <= self.high


MetricValue = float | int | Interval | None
"""A metric's value: a number, an :class:`Interval` when unknown facts leave it between two
bounds, or ``None`` when it cannot be computed from what the manifest declares."""


@dataclass(frozen=True, slots=True)
class ScopeView:
    """The part of a manifest a rule is looking at: the dataset, one split, or one source."""

    kind: Scope
    manifest: Manifest
    pointer: str
    task_type: str
    verifiability: Verifiability
    split: Split | None = None
    source: Source | None = None
    sources: tuple[tuple[str, Source], ...] = ()
    """(pointer, source) of the sources in scope. A dataset scope holds those of the splits
    that serve the dataset's stage: the training splits of a training set, the eval and test
    splits of an evaluation set (all splits when none does); see :func:`split_role`."""
    role: SplitRole | None = None
    """The role of the split (split and source scopes): declared or inferred from its name."""

    @property
    def target(self) -> BaseModel:
        """The model object the scope stands for (Dataset, Split or Source)."""
        if self.source is not None:
            return self.source
        if self.split is not None:
            return self.split
        return self.manifest.dataset

    def synthetic_sources(self) -> Iterator[tuple[str, Source]]:
        """(pointer, source) for every source in scope that is synthetic or mixed."""
        for pointer, source in self.sources:
            if source.origin in ("synthetic", "mixed"):
                yield pointer, source


@dataclass(frozen=True, slots=True)
class Related:
    """A place in another manifest that a finding concerns (cross-manifest rules)."""

    path: str
    pointer: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a check says about one scope; the engine adds rule, location and remediation."""

    verdict: Verdict
    observed: Any
    expected: str
    message: str
    pointer: str | None = None
    """Absolute JSON Pointer of the fact concerned; defaults to the scope's pointer."""
    related: tuple[Related, ...] = ()
    """Places in other manifests the finding concerns (only cross-manifest checks give them)."""


@dataclass(frozen=True, slots=True)
class CorpusSource:
    """What cross-manifest checks see of one source."""

    id: str
    split: str
    origin: Origin
    derived_from: tuple[str, ...]
    pointer: str
    records: int | None = None
    """The declared record count, if any."""


@dataclass(frozen=True, slots=True)
class CorpusEntry:
    """What cross-manifest checks see of one manifest of the audit: small, and picklable, so
    that worker processes can hand it back for the relating pass."""

    path: str
    dataset: Dataset
    task_type: str
    """The canonical task type ('unknown' when not declared)."""
    verifiability: Verifiability
    sources: tuple[CorpusSource, ...]
    positions: Mapping[str, tuple[int, int]]
    """1-based (line, column) of the pointers cross-manifest checks may name."""

    def locate(self, pointer: str) -> tuple[int, int]:
        """Line and column of ``pointer``, or of its nearest known ancestor."""
        ptr = pointer
        while True:
            found = self.positions.get(ptr)
            if found is not None:
                return found
            if not ptr:
                return 1, 1
            ptr = ptr.rsplit("/", 1)[0]

    def related(self, pointer: str) -> Related:
        """A :class:`Related` place in this manifest."""
        line, column = self.locate(pointer)
        return Related(self.path, pointer, line, column)


class Corpus(tuple[CorpusEntry, ...]):
    """Every manifest of an audit, and of its context (the project's other manifests, which
    are related against but not reported), as cross-manifest checks see them.

    ``memo`` is for the checks: an index a check builds once per audit (keyed by the check's
    own name) rather than once per manifest, so that relating N manifests stays near linear.
    """

    memo: dict[str, Any]
    left_out: int
    """Manifests of the project that are in neither the audit nor its context
    (``--no-context``): a cross-manifest rule that finds nothing cannot pass while some are
    left out, since the evidence may be in them."""
    unreadable: int
    """Files of the context that could not be read as manifests (auditing them says why):
    a rule that passes says how many it could not see."""

    def __new__(
        cls, entries: Iterable[CorpusEntry] = (), left_out: int = 0, unreadable: int = 0
    ) -> Corpus:
        corpus = super().__new__(cls, entries)
        corpus.memo = {}
        corpus.left_out = left_out
        corpus.unreadable = unreadable
        return corpus


@dataclass(frozen=True, slots=True)
class Metric:
    """A named number computed from a scope, for threshold checks."""

    name: str
    summary: str
    compute: Callable[[ScopeView], MetricValue]
    declare: str = ""
    """What a manifest must declare for the metric to be known (shown when it is unknown)."""
    scopes: tuple[Scope, ...] = ("dataset", "split", "source")
    undefined: Callable[[ScopeView], str | None] | None = None
    """Why the metric has no value although everything is declared (e.g. a share of a scope
    with 0 records), or None; lets a check tell "undefined" apart from "not declared"."""
    where: Callable[[ScopeView], str | None] | None = None
    """The absolute JSON Pointer of the fact that decides the value (the source with the
    highest rate, say), for findings to point at; None when no single fact does (a share of
    all records) and the finding points at the scope."""


@dataclass(frozen=True, slots=True)
class PolicyContext:
    """What a check kind may consult when it validates its parameters at policy load time."""

    metrics: Mapping[str, Metric]
    task_types: frozenset[str]
    scope: Scope
    trusted: bool = False
    """True for packs installed by plugins, whose own tests vouch for costly checks (a check
    kind may skip expensive validation then); False for policy files named by the user."""


class MetricError(Exception):
    """A metric's code raised while a check asked for its value; names the metric's plugin.

    The engine turns it into an ``error`` finding that blames the metric, not the check kind
    that asked for it.
    """

    def __init__(self, metric: str, plugin: str, cause: Exception) -> None:
        lines = str(cause).strip().splitlines()
        detail = f"{type(cause).__name__}: {lines[0]}" if lines else type(cause).__name__
        of_plugin = f" of plugin {plugin}" if plugin else ""
        super().__init__(f"metric '{metric}'{of_plugin} crashed: {detail}")
        self.metric = metric
        self.plugin = plugin
        self.cause = cause


@dataclass(frozen=True, slots=True)
class MeasuredFact:
    """A fact of the manifest that was measured from its data."""

    pointer: str
    """Where the fact stands (or would stand) in the manifest."""
    declared: Any
    """What the manifest says ('unknown' when it says nothing)."""
    measured: Any
    files: tuple[str, ...]
    """The data files it was measured from, as messages show them."""


@dataclass(frozen=True, slots=True)
class Measured:
    """What measuring the data added to one manifest: scopes then hold the measured values,
    and ``declared`` keeps the manifest as written, for the rules that compare the two."""

    declared: Manifest
    facts: Mapping[str, MeasuredFact]
    """By pointer."""

    def within(self, pointer: str) -> list[MeasuredFact]:
        """The measured facts at or below ``pointer``."""
        return [
            fact for at, fact in self.facts.items() if at == pointer or at.startswith(pointer + "/")
        ]


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check kind may consult while it runs."""

    metrics: Mapping[str, Metric] = field(default_factory=dict)
    owners: Mapping[str, str] = field(default_factory=dict)
    """``name (distribution version)`` of the plugin that registered each metric."""
    measured: Measured | None = None
    """The manifest's measured facts, when its data was measured (``audit --measure``)."""
    _values: dict[tuple[str, str], MetricValue] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    """Metric values by (metric, scope pointer); only on a context made for one manifest."""

    def for_manifest(
        self, owners: Mapping[str, str] | None = None, measured: Measured | None = None
    ) -> CheckContext:
        """A context for one manifest: the same metrics, and a fresh memo of their values (a
        scope pointer names one scope only within one manifest); ``measured``: its measured
        facts, if any."""
        context = CheckContext(self.metrics, self.owners if owners is None else owners, measured)
        object.__setattr__(context, "_values", {})
        return context

    def metric(self, name: str, scope: ScopeView) -> MetricValue:
        """The value of metric ``name`` on ``scope``.

        Raises :class:`MetricError` naming the metric's plugin when the metric's code raises.
        """
        memo = self._values
        key = (name, scope.pointer)
        if memo is not None and key in memo:
            return memo[key]
        compute = self.metrics[name].compute
        try:
            value = compute(scope)
        except Exception as exc:  # the metric's plugin is to blame, not the asking check
            raise MetricError(name, self.owners.get(name, ""), exc) from exc
        if memo is not None:
            memo[key] = value
        return value

    def where(self, name: str, scope: ScopeView) -> str | None:
        """The pointer of the fact that decides metric ``name`` on ``scope``, or None (see
        :attr:`Metric.where`); raises :class:`MetricError` like :meth:`metric`."""
        return self._optional(name, self.metrics[name].where, scope)

    def undefined(self, name: str, scope: ScopeView) -> str | None:
        """Why metric ``name`` has no value on ``scope`` although everything is declared, or
        None (see :attr:`Metric.undefined`); raises :class:`MetricError` like :meth:`metric`."""
        return self._optional(name, self.metrics[name].undefined, scope)

    def _optional(
        self, name: str, call: Callable[[ScopeView], str | None] | None, scope: ScopeView
    ) -> str | None:
        """An optional part of metric ``name`` on ``scope``; its crash blames the metric."""
        if call is None:
            return None
        try:
            return call(scope)
        except Exception as exc:
            raise MetricError(name, self.owners.get(name, ""), exc) from exc


@dataclass(frozen=True, slots=True)
class CheckKind:
    """A named, typed check: parameters are validated when the policy loads."""

    name: str
    summary: str
    params: type[BaseModel]
    run: Callable[[ScopeView, Any, CheckContext], Iterable[Outcome]]
    validate: Callable[[Any, PolicyContext], Iterable[tuple[str, str]]] | None = None
    """Extra load-time checks: yields (parameter path, problem) for names that do not exist."""
    relate: Callable[[CorpusEntry, Corpus, Any], Iterable[Outcome]] | None = None
    """For a cross-manifest check: called once per manifest the rule selects (its dataset
    scope), after every manifest of the audit has been read, with every manifest of the audit
    (itself included; its ``memo`` holds indexes built once per audit). ``run`` is then never
    called. Outcomes may carry ``related`` places in
    other manifests."""

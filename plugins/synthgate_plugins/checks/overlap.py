"""``eval-overlap``: an evaluation set against the training sets audited with it.

A cross-manifest check: it runs once every manifest of the audit has been read, on each
evaluation manifest its rule selects, and compares it with every manifest of the audit, and of
its context (the project's other manifests), whose stage is a training stage. Manifests are
related by what they declare: source ids, dataset names, and ``derived_from`` (of the dataset
or of a source).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

from synthgate import (
    CheckContext,
    CheckKind,
    CheckParams,
    CorpusEntry,
    CorpusSource,
    Outcome,
    PolicyContext,
    ScopeView,
    model_key,
)
from synthgate_plugins.checks._params import Outcome3, Severity, dataset_scope_only

__all__ = ["EVAL_OVERLAP", "EvalOverlapParams"]

TRAINING_STAGES = frozenset({"pretrain", "sft", "preference"})

Relation = Literal[
    "shared-sources", "eval-derived-from-training", "training-derived-from-eval", "shared-parents"
]

_EXPECTED = {
    "shared-sources": "no source of the evaluation set is also a source of a training set",
    "eval-derived-from-training": "the evaluation set is not derived from a training set",
    "training-derived-from-eval": "no training set is derived from the evaluation set",
    "shared-parents": "a training set derived from the same parent as the evaluation set "
    "declares a contamination check against it",
}


class EvalOverlapParams(CheckParams):
    """``relation``: what ties the evaluation set to a training set; ``verdict`` when it does;
    ``when_unknown`` when nothing ties them but some of the project's manifests were left out
    of the audit and its context (``--no-context``)."""

    relation: Relation
    verdict: Severity = "fail"
    when_unknown: Outcome3 = "warn"


def _local(entry: CorpusEntry) -> set[str]:
    """The source ids of a manifest: a ``derived_from`` naming one of them is a reference
    inside the manifest (synthetic data made from its own human seed), not to another."""
    return {model_key(s.id) for s in entry.sources}


def _parents(entry: CorpusEntry) -> Iterator[tuple[str, str]]:
    """(parent name, pointer) for every ``derived_from`` of the dataset and of its sources that
    names something outside the manifest."""
    local = _local(entry)
    for k, parent in enumerate(entry.dataset.derived_from):
        if model_key(parent) not in local:
            yield model_key(parent), f"/dataset/derived_from/{k}"
    for source in entry.sources:
        for k, parent in enumerate(source.derived_from):
            if model_key(parent) not in local:
                yield model_key(parent), f"{source.pointer}/derived_from/{k}"


def _checked_against(training: CorpusEntry, evaluation: CorpusEntry) -> bool:
    """Whether the training set declares a contamination check that covers the evaluation set."""
    check = training.dataset.contamination
    if check is None or isinstance(check.flagged_share, str):
        return False
    return model_key(evaluation.dataset.name) in {model_key(n) for n in check.eval_sets}


Link = tuple[CorpusEntry, str, str, str]
"""(training manifest, pointer in the evaluation manifest, pointer in the training manifest,
what they share)."""


class _Index:
    """The training manifests of an audit, indexed once for every evaluation set."""

    def __init__(self, corpus: Sequence[CorpusEntry]) -> None:
        self.trainings = [e for e in corpus if e.dataset.stage in TRAINING_STAGES]
        self.sources: dict[tuple[str, str, int], list[tuple[CorpusEntry, CorpusSource]]] = {}
        self.names: dict[str, list[tuple[CorpusEntry, str]]] = {}
        self.parents: dict[str, list[tuple[CorpusEntry, str]]] = {}
        for entry in self.trainings:
            self.names.setdefault(model_key(entry.dataset.name), []).append(
                (entry, "/dataset/name")
            )
            for source in entry.sources:
                self.names.setdefault(model_key(source.id), []).append(
                    (entry, f"{source.pointer}/id")
                )
                key = _same_data(source)
                if key is not None:
                    self.sources.setdefault(key, []).append((entry, source))
            for parent, pointer in _parents(entry):
                self.parents.setdefault(parent, []).append((entry, pointer))


def _same_data(source: CorpusSource) -> tuple[str, str, int] | None:
    """What two sources of different manifests must share to be taken for the same data: the
    id, the origin and the declared record count (ids are chosen per manifest, and a generic
    one such as 'train-human' alone proves nothing)."""
    if source.records is None:
        return None
    return model_key(source.id), source.origin, source.records


def _index(corpus: Sequence[CorpusEntry]) -> _Index:
    memo = getattr(corpus, "memo", None)
    if memo is None:  # a plain sequence: index it for this call only
        return _Index(corpus)
    index = memo.get("eval-overlap")
    if index is None:
        index = memo["eval-overlap"] = _Index(corpus)
    return index  # type: ignore[no-any-return]


def _links(evaluation: CorpusEntry, index: _Index, relation: Relation) -> list[Link]:
    links: list[Link] = []
    if relation == "shared-sources":
        for source in evaluation.sources:
            key = _same_data(source)
            for training, other in index.sources.get(key, []) if key else []:
                links.append((training, f"{source.pointer}/id", f"{other.pointer}/id", source.id))
    elif relation == "eval-derived-from-training":
        for parent, pointer in _parents(evaluation):
            for training, theirs in index.names.get(parent, []):
                links.append((training, pointer, theirs, parent))
    elif relation == "training-derived-from-eval":
        names = {model_key(evaluation.dataset.name)} | _local(evaluation)
        for name in sorted(names):
            for training, theirs in index.parents.get(name, []):
                links.append((training, "/dataset/name", theirs, name))
    else:
        for parent, pointer in _parents(evaluation):
            for training, theirs in index.parents.get(parent, []):
                if not _checked_against(training, evaluation):
                    links.append((training, pointer, theirs, parent))
    return [link for link in links if link[0].path != evaluation.path]


_TOLD = {
    "shared-sources": "shares {what} with {whom}",
    "eval-derived-from-training": "is derived from {what} of {whom}",
    "training-derived-from-eval": "is a parent (through {what}) of {whom}",
    "shared-parents": "comes from the same parent ({what}) as {whom}, which declare no "
    "contamination check against it",
}
_SHOWN = 5
"""Training sets named in a message, and places listed per finding, at most."""


def _relate(
    subject: CorpusEntry, corpus: Sequence[CorpusEntry], params: EvalOverlapParams
) -> Iterator[Outcome]:
    expected = _EXPECTED[params.relation]
    index = _index(corpus)
    links = _links(subject, index, params.relation)
    if not links:
        others = sum(1 for e in index.trainings if e.path != subject.path)
        left_out = getattr(corpus, "left_out", 0)
        if left_out:  # the training set it comes from may be among them
            noun = "manifest" if left_out == 1 else "manifests"
            yield Outcome(
                params.when_unknown,
                "unknown",
                expected,
                f"unknown: {left_out} {noun} of the project not in this audit (compared with "
                f"{others} training set(s)); audit without --no-context",
            )
            return
        message = (
            f"compared with {others} training set(s) of this audit"
            if others
            else "no training set in this audit or its context to compare with"
        )
        unreadable = getattr(corpus, "unreadable", 0)
        if unreadable:  # they fail their own audit; here they are only named
            noun = "file" if unreadable == 1 else "files"
            message += f"; {unreadable} {noun} of the project could not be read as manifests"
        yield Outcome("pass", {"training_manifests": others}, expected, message)
        return
    links.sort(key=lambda link: (link[1], link[0].path, link[2]))  # not the audit's order
    trainings = sorted({t.path: t for t, _, _, _ in links}.values(), key=lambda t: t.path)
    shared = sorted({what for _, _, _, what in links})
    named = ", ".join(f"'{t.dataset.name}' ({t.path})" for t in trainings[:_SHOWN])
    more = len(trainings) - _SHOWN
    whom = ("training set " if len(trainings) == 1 else "training sets ") + named
    if more > 0:
        whom += f" and {more} more"
    told = _TOLD[params.relation].format(
        what=", ".join(f"'{w}'" for w in shared[:_SHOWN]), whom=whom
    )
    related = dict.fromkeys(training.related(theirs) for training, _, theirs, _ in links)
    yield Outcome(
        params.verdict,
        {"training_manifests": [t.path for t in trainings], "shared": shared},
        expected,
        f"evaluation set '{subject.dataset.name}' {told}",
        pointer=links[0][1],
        related=tuple(related)[: _SHOWN * 2],
    )


def _not_per_manifest(
    scope: ScopeView, params: EvalOverlapParams, context: CheckContext
) -> Iterator[Outcome]:
    """Never called: the engine runs ``relate`` for cross-manifest kinds."""
    yield from ()


def _validate(params: EvalOverlapParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    yield from dataset_scope_only(context, "eval-overlap", "relation", "relates whole manifests")


EVAL_OVERLAP = CheckKind(
    name="eval-overlap",
    summary="An evaluation set shares no data with the training sets audited with it.",
    params=EvalOverlapParams,
    run=_not_per_manifest,
    validate=_validate,
    relate=_relate,
)

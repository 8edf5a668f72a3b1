"""``eval-overlap``: an evaluation set against the training sets audited with it.

A cross-manifest check: it runs once every manifest of the audit has been read, on each
evaluation manifest its rule selects, and compares it with every manifest of the audit whose
stage is a training stage. Manifests are related by what they declare: source ids, dataset
names, and ``derived_from`` (of the dataset or of a source).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

from synthgate import (
    CheckContext,
    CheckKind,
    CheckParams,
    CorpusEntry,
    Outcome,
    PolicyContext,
    Related,
    ScopeView,
    model_key,
)
from synthgate_plugins.checks._params import Severity, dataset_scope_only

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
    """``relation``: what ties the evaluation set to a training set; ``verdict`` when it does."""

    relation: Relation
    verdict: Severity = "fail"


def _names(entry: CorpusEntry) -> set[str]:
    """The names the manifest's data goes by: its dataset name and its source ids."""
    return {model_key(entry.dataset.name)} | {model_key(s.id) for s in entry.sources}


def _parents(entry: CorpusEntry) -> Iterator[tuple[str, str]]:
    """(parent name, pointer) for every ``derived_from`` of the dataset and of its sources."""
    for k, parent in enumerate(entry.dataset.derived_from):
        yield model_key(parent), f"/dataset/derived_from/{k}"
    for source in entry.sources:
        for k, parent in enumerate(source.derived_from):
            yield model_key(parent), f"{source.pointer}/derived_from/{k}"


def _checked_against(training: CorpusEntry, evaluation: CorpusEntry) -> bool:
    """Whether the training set declares a contamination check that covers the evaluation set."""
    check = training.dataset.contamination
    if check is None or isinstance(check.flagged_share, str):
        return False
    return model_key(evaluation.dataset.name) in {model_key(n) for n in check.eval_sets}


def _links(
    evaluation: CorpusEntry, training: CorpusEntry, relation: Relation
) -> list[tuple[str, str, str]]:
    """(pointer in the evaluation manifest, pointer in the training manifest, what they share)."""
    links: list[tuple[str, str, str]] = []
    if relation == "shared-sources":
        ids = {model_key(s.id): s for s in training.sources}
        for source in evaluation.sources:
            other = ids.get(model_key(source.id))
            if other is not None:
                links.append((f"{source.pointer}/id", f"{other.pointer}/id", source.id))
    elif relation == "eval-derived-from-training":
        names = _names(training)
        for parent, pointer in _parents(evaluation):
            if parent in names:
                links.append((pointer, "/dataset/name", parent))
    elif relation == "training-derived-from-eval":
        names = _names(evaluation)
        for parent, pointer in _parents(training):
            if parent in names:
                links.append(("/dataset/name", pointer, parent))
    elif not _checked_against(training, evaluation):
        theirs = dict(_parents(training))
        for parent, pointer in _parents(evaluation):
            if parent in theirs:
                links.append((pointer, theirs[parent], parent))
    return links


_TOLD = {
    "shared-sources": "shares {what} with training set '{name}'",
    "eval-derived-from-training": "is derived from {what} of training set '{name}'",
    "training-derived-from-eval": "is a parent of training set '{name}' (through {what})",
    "shared-parents": "comes from the same parent as training set '{name}' ({what}), which "
    "declares no contamination check against it",
}


def _relate(
    subject: CorpusEntry, corpus: Sequence[CorpusEntry], params: EvalOverlapParams
) -> Iterator[Outcome]:
    expected = _EXPECTED[params.relation]
    trainings = [e for e in corpus if e.path != subject.path and e.dataset.stage in TRAINING_STAGES]
    found = False
    for training in trainings:
        links = _links(subject, training, params.relation)
        if not links:
            continue
        found = True
        shared = sorted({what for _, _, what in links})
        told = _TOLD[params.relation].format(
            what=", ".join(f"'{w}'" for w in shared), name=training.dataset.name
        )
        yield Outcome(
            params.verdict,
            {"training_manifest": training.path, "shared": shared},
            expected,
            f"evaluation set '{subject.dataset.name}' {told} ({training.path})",
            pointer=links[0][0],
            related=tuple(
                dict.fromkeys(
                    Related(training.path, theirs, *training.locate(theirs))
                    for _, theirs, _ in links
                )
            ),
        )
    if not found:
        message = (
            f"compared with {len(trainings)} training set(s) of this audit"
            if trainings
            else "no training set in this audit to compare with (audit them together)"
        )
        yield Outcome("pass", {"training_manifests": len(trainings)}, expected, message)


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

"""``eval-overlap``: an evaluation set against the training sets audited with it.

A cross-manifest check: it runs once every manifest of the audit has been read, on each
evaluation manifest its rule selects, and compares it with every manifest of the audit, and of
its context (the project's other manifests), whose stage is a training stage. Manifests are
related by what they declare: source ids, dataset names, and ``derived_from`` (of the dataset
or of a source).

Datasets match by identity, not spelling: a name, an alias, the file's stem (a card's folder)
and the last part of a path-like id (``openai/gsm8k``) all name the dataset, compared without
case or punctuation (``GSM-8K`` is ``gsm8k``); names one manifest gives itself are one dataset
for every manifest of the audit (a card named "Grade School Math 8K" in folder ``gsm8k`` makes
``derived_from: [gsm8k]`` and ``derived_from: [Grade School Math 8K]`` the same parent).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePath
from typing import Literal

from synthgate.models import model_key
from synthgate.plugin import (
    CheckContext,
    CheckKind,
    CheckParams,
    CorpusEntry,
    CorpusSource,
    Outcome,
    PolicyContext,
    ScopeView,
)
from synthgate_plugins.checks._kind_params import CheckVerdict, Severity, dataset_scope_only

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
    when_unknown: CheckVerdict = "warn"


_NOT_ALNUM = re.compile(r"[\W_]+")
_MANIFEST_SUFFIXES = (".synthgate.yaml", ".synthgate.yml", ".synthgate.json", ".yaml", ".yml")
_FOLDER_NAMED = frozenset({"readme.md", "croissant.json", "metadata.json"})


def name_keys(name: str) -> set[str]:
    """The forms in which a dataset name is compared: without case, spaces or punctuation,
    and for a path-like id (``openai/gsm8k``, a URL) also its last part."""
    keys = {_NOT_ALNUM.sub("", name.casefold())}
    tail = name.rstrip("/").rsplit("/", 1)[-1]
    if tail != name:
        keys.add(_NOT_ALNUM.sub("", tail.casefold()))
    return {key for key in keys if key}


def path_stem(path: str) -> str:
    """What a manifest's file is called without its suffix; the folder for a file whose name
    is that of its format (``gsm8k/README.md`` is ``gsm8k``)."""
    pure = PurePath(path)
    name = pure.name
    if name.casefold() in _FOLDER_NAMED:
        return pure.parent.name
    for suffix in _MANIFEST_SUFFIXES:
        if name.casefold().endswith(suffix):
            return name[: -len(suffix)]
    return pure.stem


def identity(entry: CorpusEntry) -> set[str]:
    """Every key under which a manifest's dataset is known: name, aliases, file stem."""
    names = [entry.dataset.name, *entry.dataset.aliases, path_stem(entry.path)]
    return {key for name in names if name for key in name_keys(name)}


class _SameDataset:
    """Keys that one manifest gives its own dataset name one dataset for the whole audit."""

    def __init__(self, corpus: Sequence[CorpusEntry]) -> None:
        self.root: dict[str, str] = {}
        for entry in corpus:
            keys = sorted(identity(entry))
            for key in keys[1:]:
                self._join(keys[0], key)

    def _find(self, key: str) -> str:
        while self.root.get(key, key) != key:
            key = self.root[key]
        return key

    def _join(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self.root[max(ra, rb)] = min(ra, rb)

    def of(self, name: str) -> set[str]:
        """The datasets ``name`` may denote (their canonical keys)."""
        return {self._find(key) for key in name_keys(name)}

    def of_entry(self, entry: CorpusEntry) -> set[str]:
        return {self._find(key) for key in identity(entry)}


def _local(entry: CorpusEntry) -> set[str]:
    """The source ids of a manifest: a ``derived_from`` naming one of them is a reference
    inside the manifest (synthetic data made from its own human seed), not to another."""
    return {key for s in entry.sources for key in name_keys(s.id)}


def _parents(entry: CorpusEntry) -> Iterator[tuple[str, str]]:
    """(parent name as written, pointer) for every ``derived_from`` of the dataset and of its
    sources that names something outside the manifest."""
    local = _local(entry)
    for k, parent in enumerate(entry.dataset.derived_from):
        if not name_keys(parent) & local:
            yield parent, f"/dataset/derived_from/{k}"
    for source in entry.sources:
        for k, parent in enumerate(source.derived_from):
            if not name_keys(parent) & local:
                yield parent, f"{source.pointer}/derived_from/{k}"


def _checked_against(training: CorpusEntry, evaluation: CorpusEntry, same: _SameDataset) -> bool:
    """Whether the training set declares a contamination check that covers the evaluation set."""
    check = training.dataset.contamination
    if check is None or isinstance(check.flagged_share, str):
        return False
    covered = {key for name in check.eval_sets for key in same.of(name)}
    return bool(covered & same.of_entry(evaluation))


Link = tuple[CorpusEntry, str, str, str]
"""(training manifest, pointer in the evaluation manifest, pointer in the training manifest,
what they share)."""


class _Index:
    """The training manifests of an audit, indexed once for every evaluation set."""

    def __init__(self, corpus: Sequence[CorpusEntry]) -> None:
        self.same = _SameDataset(corpus)
        self.trainings = [e for e in corpus if e.dataset.stage in TRAINING_STAGES]
        self.sources: dict[tuple[str, str, int], list[tuple[CorpusEntry, CorpusSource]]] = {}
        self.names: dict[str, list[tuple[CorpusEntry, str]]] = {}
        self.parents: dict[str, list[tuple[CorpusEntry, str]]] = {}
        for entry in self.trainings:
            for key in sorted(self.same.of_entry(entry)):
                self.names.setdefault(key, []).append((entry, "/dataset/name"))
            for source in entry.sources:
                for key in sorted(self.same.of(source.id)):
                    self.names.setdefault(key, []).append((entry, f"{source.pointer}/id"))
                same_data = _same_data(source)
                if same_data is not None:
                    self.sources.setdefault(same_data, []).append((entry, source))
            for parent, pointer in _parents(entry):
                for key in sorted(self.same.of(parent)):
                    self.parents.setdefault(key, []).append((entry, pointer))


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
            for name_key in sorted(index.same.of(parent)):
                for training, theirs in index.names.get(name_key, []):
                    links.append((training, pointer, theirs, parent))
    elif relation == "training-derived-from-eval":
        names = {model_key(evaluation.dataset.name): index.same.of_entry(evaluation)}
        for source in evaluation.sources:
            names.setdefault(model_key(source.id), index.same.of(source.id))
        for name, keys in sorted(names.items()):
            for name_key in sorted(keys):
                for training, theirs in index.parents.get(name_key, []):
                    links.append((training, "/dataset/name", theirs, name))
    else:
        for parent, pointer in _parents(evaluation):
            for name_key in sorted(index.same.of(parent)):
                for training, theirs in index.parents.get(name_key, []):
                    if not _checked_against(training, evaluation, index.same):
                        links.append((training, pointer, theirs, parent))
    unique = {
        (link[0].path, link[1], link[2], link[3]): link
        for link in links
        if link[0].path != evaluation.path
    }
    return list(unique.values())


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

"""Pieces of text every built-in output format writes the same way."""

from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path, PureWindowsPath
from typing import Any

from synthgate.models import AppliedWaiver, ManifestFacts, Rule

__all__ = [
    "extra_counts",
    "observed",
    "reason",
    "repository_path",
    "repository_root",
    "subject",
    "waiver_note",
]

# A sentence ends at a full stop before a space, except after "et al." and the like.
_SENTENCE_END = re.compile(r"(?<!\bal)(?<!\be\.g)(?<!\bi\.e)(?<!\bvs)\.\s")


_PLACE = re.compile(r"/splits/(\d+)(?:/sources/(\d+))?(?:/|$)")


def subject(pointer: str, facts: ManifestFacts | None) -> str:
    """``split train, source web-qa``: the split and source a finding's pointer is in, by name
    (``split train`` for a split; empty for the dataset or without the facts to name them).

    Findings on a dataset card or a Croissant file all point at the same line; the names say
    which of its splits and sources each one is about."""
    match = _PLACE.match(pointer)
    if match is None or facts is None:
        return ""
    splits: list[tuple[str, list[str]]] = []
    for source in facts.sources:  # in manifest order, split by split (each has a source)
        if not splits or splits[-1][0] != source.split:
            splits.append((source.split, []))
        splits[-1][1].append(source.id)
    split, index = int(match.group(1)), match.group(2)
    if split >= len(splits):
        return ""
    name, sources = splits[split]
    if index is not None and int(index) < len(sources):
        return f"split {name}, source {sources[int(index)]}"
    return f"split {name}"


def observed(value: Any) -> str:
    """An observed value as a person reads it: numbers short, structures as compact JSON."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def extra_counts(waived: int, baselined: int) -> str:
    """``1 waived, 3 baselined`` (only the counts that are not zero; empty if both are)."""
    parts = [f"{waived} waived" if waived else "", f"{baselined} baselined" if baselined else ""]
    return ", ".join(part for part in parts if part)


def waiver_note(waiver: AppliedWaiver) -> str:
    """Who waived a finding, until when and why (ticket, approver); or that the waiver lapsed."""
    if waiver.status == "lapsed":
        return f"waiver lapsed on {waiver.expires} ({waiver.owner}: {waiver.reason.strip()})"
    extra = [f"ticket: {waiver.ticket}" if waiver.ticket else ""]
    extra.append(f"approved by {waiver.approver}" if waiver.approver else "")
    note = ", ".join(part for part in extra if part)
    text = f"waived by {waiver.owner} until {waiver.expires}: {waiver.reason.strip()}"
    return f"{text} ({note})" if note else text


def _short(ref: Any) -> str:
    """``Li et al. 2023``: a reference (a rule's ``references`` item), short."""
    first = ref.authors.split(",")[0].strip()
    if "," in ref.authors and not first.endswith("et al."):
        first += " et al."
    return f"{first} {ref.year}"


def _mentioned(ref: Any, sentence: str) -> int | None:
    """Where ``sentence`` first names ``ref``: by a name of its first author, or by the head of
    its title (``Self-Instruct``); None if it does not."""
    first = ref.authors.split(",")[0].replace("et al.", "")
    names = [word for word in re.findall(r"[^\W\d_][\w'-]*", first) if word[0].isupper()]
    head = ref.title.split(":")[0].strip()
    found = (re.search(rf"\b{re.escape(name)}\b", sentence) for name in names)
    places = [match.start() for match in found if match]
    if len(head) >= 6 and head in sentence:
        places.append(sentence.index(head))
    return min(places, default=None)


def _cite(rule: Rule, sentence: str) -> str:
    """The reference behind ``sentence``: the one it names first (an author or a title), else
    the rule's first reference; empty without references."""
    if not rule.references:
        return ""
    named = [
        (at, k)
        for k, ref in enumerate(rule.references)
        if (at := _mentioned(ref, sentence)) is not None
    ]
    return _short(rule.references[min(named)[1]] if named else rule.references[0])


def reason(rule: Rule) -> str:
    """Why a rule matters, in one line: the first sentence of its rationale and, in brackets,
    the reference that sentence's claim comes from (the one it names, else the rule's first);
    empty when the rule gives no rationale."""
    text = " ".join(rule.rationale.split())
    if not text:
        return ""
    match = _SENTENCE_END.search(text)
    sentence = text[: match.start() + 1] if match else text
    cite = _cite(rule, sentence)
    return f"{sentence} [{cite}]" if cite else sentence


def repository_root(start: Path) -> Path:
    """The top of the git work tree holding ``start`` (a directory with ``.git``), or
    ``start`` itself outside a repository."""
    start = Path(os.path.abspath(start))
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def repository_path(path: str, cwd: Path, root: Path) -> str:
    """``path`` (relative to ``cwd``, or absolute) relative to ``root``, ``/``-separated, when
    it is inside ``root``; ``path`` unchanged otherwise."""
    if PureWindowsPath(path).is_absolute() and not posixpath.isabs(path):
        return path
    absolute = Path(os.path.normpath(os.path.join(cwd, path.replace("\\", "/"))))
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) else path

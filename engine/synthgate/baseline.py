"""Baselines: findings known and accepted at one time, left out of later runs.

A baseline file records the fingerprint of every warn, fail or error finding that no active
waiver covers, with its verdict. A later run filtered through it shows only what is new: a
finding not recorded, or one whose verdict is now worse than the recorded one (a warning that
became a failure). Findings are matched by their full fingerprint (rule, manifest path and
logical pointer by split names and source ids), never by rule and place alone: a new finding in
another manifest, or in another source of the same manifest, is never hidden by an old one. A
finding without a fingerprint is never known.

The file is JSON, written deterministically (sorted, indent 2, trailing newline) and atomically::

    {
      "findings": [
        {"file": "...", "fingerprint": "sha256:...", "pointer": "...", "rule": "...",
         "verdict": "fail"}
      ],
      "synthgate_baseline": 1
    }
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synthgate.documents import DEFAULT_LIMITS, Document, Limits, escape_pointer, read_document
from synthgate.errors import InputError, Problem, did_you_mean
from synthgate.models import Finding, ManifestResult, Verdict, verdict_rank, worst_verdict

__all__ = ["BASELINE_VERSION", "Baseline", "BaselineEntry", "write_baseline"]

BASELINE_VERSION = 1
"""The version of the baseline file format this module reads and writes."""

_VERSION_KEY = "synthgate_baseline"
_TOP_KEYS = (_VERSION_KEY, "findings")
_ENTRY_KEYS = ("fingerprint", "rule", "file", "pointer", "verdict")
_BASELINED: dict[str, Verdict] = {"warn": "warn", "fail": "fail", "error": "error"}
_REGENERATE = "regenerate it with 'synthgate check --write-baseline FILE'"


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One known finding. Only ``fingerprint`` matches; the rest is there for people to read."""

    fingerprint: str
    rule: str = ""
    file: str = ""
    pointer: str = ""
    verdict: Verdict = "warn"
    """The verdict recorded: a later finding with the same fingerprint is known only when it is
    no worse."""

    @classmethod
    def of(cls, finding: Finding) -> BaselineEntry:
        """The entry that records ``finding``."""
        return cls(
            fingerprint=finding.fingerprint,
            rule=finding.rule,
            file=finding.location.file,
            pointer=finding.location.pointer,
            verdict=finding.verdict,
        )

    def to_json(self) -> dict[str, str]:
        """The entry as the baseline file holds it."""
        return {
            "fingerprint": self.fingerprint,
            "rule": self.rule,
            "file": self.file,
            "pointer": self.pointer,
            "verdict": self.verdict,
        }


def _actively_waived(finding: Finding) -> bool:
    return finding.waiver is not None and finding.waiver.status == "active"


def _baselinable(finding: Finding) -> bool:
    """Whether ``finding`` belongs in a baseline: a warn, fail or error no active waiver covers."""
    return finding.verdict in _BASELINED and not _actively_waived(finding)


def _sort_key(entry: BaselineEntry) -> tuple[str, str, str, str]:
    return (entry.file, entry.pointer, entry.rule, entry.fingerprint)


def baseline_entries(results: Iterable[ManifestResult]) -> list[BaselineEntry]:
    """The sorted entries a baseline of ``results`` records (one per fingerprint).

    Findings without a fingerprint are left out: they could never be matched.
    """
    entries: dict[str, BaselineEntry] = {}
    for result in results:
        for finding in result.findings:
            if finding.fingerprint and _baselinable(finding):
                entries.setdefault(finding.fingerprint, BaselineEntry.of(finding))
    return sorted(entries.values(), key=_sort_key)


def render_baseline(entries: Iterable[BaselineEntry]) -> str:
    """The text of a baseline file holding ``entries`` (sorted here, so always the same bytes)."""
    document = {
        _VERSION_KEY: BASELINE_VERSION,
        "findings": [e.to_json() for e in sorted(entries, key=_sort_key)],
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_baseline(path: Path, results: Iterable[ManifestResult]) -> None:
    """Write a baseline of ``results`` to ``path`` atomically (a temporary file, then a rename).

    Records every warn, fail or error finding that no active waiver covers (a lapsed waiver
    covers nothing). Raises :class:`UsageError` if the file cannot be written; an existing file is
    then left as it was. Written as every output is (see :mod:`synthgate.outputs`).
    """
    from synthgate.outputs import write_text

    write_text(str(path), render_baseline(baseline_entries(results)), label="baseline")


class Baseline:
    """Findings known when a baseline was written, by fingerprint."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[BaselineEntry] = ()) -> None:
        self._entries: dict[str, BaselineEntry] = {}
        for entry in entries:
            if entry.fingerprint:
                self._entries.setdefault(entry.fingerprint, entry)

    @classmethod
    def of(cls, results: Iterable[ManifestResult]) -> Baseline:
        """The baseline :func:`write_baseline` would write for ``results``, in memory."""
        return cls(baseline_entries(results))

    @classmethod
    def load(cls, path: Path, limits: Limits = DEFAULT_LIMITS) -> Baseline:
        """Read a baseline file; every problem is an :class:`InputError` at a line and column."""
        document = read_document(path, limits)
        return cls(_parse(document))

    @property
    def entries(self) -> tuple[BaselineEntry, ...]:
        """The known findings, sorted as the file holds them."""
        return tuple(sorted(self._entries.values(), key=_sort_key))

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[BaselineEntry]:
        return iter(self.entries)

    def known(self, finding: Finding) -> bool:
        """Whether the baseline records ``finding``: its fingerprint, at a verdict at least as
        bad (never without a fingerprint). A warning that became a failure is new."""
        entry = self._entries.get(finding.fingerprint) if finding.fingerprint else None
        return entry is not None and verdict_rank(finding.verdict) <= verdict_rank(entry.verdict)

    def filter(self, result: ManifestResult) -> ManifestResult:
        """A copy of ``result`` without its known warn, fail and error findings.

        ``baselined`` is set to how many were left out, and ``verdict`` is recomputed as the worst
        verdict of the findings that remain, not counting those an active waiver covers (``pass``
        when none remain). A finding an active waiver covers stays, and is shown with its waiver,
        as ``waived`` counts it. ``counts`` are kept: they describe every check that ran.
        """
        kept: list[Finding] = []
        dropped = 0
        for finding in result.findings:
            if _baselinable(finding) and self.known(finding):
                dropped += 1
            else:
                kept.append(finding)
        verdict = worst_verdict(f.verdict for f in kept if not _actively_waived(f))
        return result.model_copy(
            update={"findings": kept, "baselined": dropped, "verdict": verdict}
        )


# --------------------------------------------------------------------------- reading


def _problem(doc: Document, pointer: str, message: str, hint: str) -> Problem:
    line, column = doc.locate(pointer)
    return Problem(doc.path, line, column, message, hint, pointer or None)


def _unknown_key(doc: Document, pointer: str, key: str, allowed: tuple[str, ...]) -> Problem:
    suggestion = did_you_mean(key, allowed)
    hint = f"remove it{'; ' + suggestion if suggestion else ''}"
    return _problem(doc, f"{pointer}/{escape_pointer(key)}", f"unknown key '{key}'", hint)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _parse(doc: Document) -> list[BaselineEntry]:
    data = doc.data
    if not isinstance(data, dict):
        raise InputError(
            [
                _problem(
                    doc,
                    "",
                    f"a baseline is an object with '{_VERSION_KEY}' and 'findings', "
                    f"not {_type_name(data)}",
                    _REGENERATE,
                )
            ]
        )
    if _VERSION_KEY not in data:
        raise InputError(
            [
                _problem(
                    doc,
                    "",
                    f"not a synthgate baseline: no '{_VERSION_KEY}' key",
                    f"pass a file written by --write-baseline, or {_REGENERATE}",
                )
            ]
        )
    version = data[_VERSION_KEY]
    if type(version) is not int or version != BASELINE_VERSION:
        raise InputError(
            [
                _problem(
                    doc,
                    f"/{_VERSION_KEY}",
                    f"unsupported baseline version {json.dumps(version)}; "
                    f"this synthgate reads version {BASELINE_VERSION}",
                    _REGENERATE,
                )
            ]
        )
    problems = [_unknown_key(doc, "", str(k), _TOP_KEYS) for k in data if k not in _TOP_KEYS]
    if "findings" not in data:
        problems.append(
            _problem(doc, "", "missing key 'findings'", "add 'findings': [] or " + _REGENERATE)
        )
        raise InputError(problems)
    findings = data["findings"]
    if not isinstance(findings, list):
        problems.append(
            _problem(
                doc,
                "/findings",
                f"'findings' must be a list, not {_type_name(findings)}",
                _REGENERATE,
            )
        )
        raise InputError(problems)
    entries: list[BaselineEntry] = []
    first_seen: dict[str, int] = {}
    for index, item in enumerate(findings):
        entry = _parse_entry(doc, f"/findings/{index}", item, problems)
        if entry is None:
            continue
        earlier = first_seen.setdefault(entry.fingerprint, index)
        if earlier != index:
            line, _ = doc.locate(f"/findings/{earlier}/fingerprint")
            problems.append(
                _problem(
                    doc,
                    f"/findings/{index}/fingerprint",
                    f"duplicate fingerprint '{entry.fingerprint}' (also at /findings/{earlier}, "
                    f"line {line})",
                    "remove one of them: each finding is recorded once",
                )
            )
            continue
        entries.append(entry)
    if problems:
        raise InputError(problems)
    return entries


def _parse_entry(
    doc: Document, pointer: str, item: Any, problems: list[Problem]
) -> BaselineEntry | None:
    if not isinstance(item, dict):
        problems.append(
            _problem(
                doc,
                pointer,
                f"a baseline finding is an object, not {_type_name(item)}",
                'write {"fingerprint": "sha256:...", ...} or ' + _REGENERATE,
            )
        )
        return None
    before = len(problems)
    problems.extend(
        _unknown_key(doc, pointer, str(k), _ENTRY_KEYS) for k in item if k not in _ENTRY_KEYS
    )
    values: dict[str, str] = {}
    for key in _ENTRY_KEYS:
        if key not in item:
            continue
        value = item[key]
        if not isinstance(value, str):
            problems.append(
                _problem(
                    doc,
                    f"{pointer}/{key}",
                    f"'{key}' must be text, not {_type_name(value)}",
                    _REGENERATE,
                )
            )
            continue
        values[key] = value
    fingerprint = values.get("fingerprint", "")
    if "fingerprint" not in item:
        problems.append(
            _problem(doc, pointer, "missing key 'fingerprint'", "add it, or " + _REGENERATE)
        )
    elif "fingerprint" in values and not fingerprint.strip():
        problems.append(
            _problem(
                doc,
                f"{pointer}/fingerprint",
                "empty fingerprint",
                "remove this finding, or " + _REGENERATE,
            )
        )
    # Files written before verdicts were compared may lack one: such an entry covers only
    # the mildest verdict, so that it can never hide a failure.
    verdict = values.get("verdict", "warn")
    if verdict not in _BASELINED:
        problems.append(
            _problem(
                doc,
                f"{pointer}/verdict",
                f"verdict '{verdict}' is not recorded in a baseline",
                "expected one of: warn, fail, error",
            )
        )
    if len(problems) > before:
        return None
    return BaselineEntry(
        fingerprint=fingerprint,
        rule=values.get("rule", ""),
        file=values.get("file", ""),
        pointer=values.get("pointer", ""),
        verdict=_BASELINED[verdict],
    )

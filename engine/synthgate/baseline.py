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
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, StrictInt, StrictStr, ValidationError
from pydantic_core import PydanticCustomError

from synthgate.documents import DEFAULT_LIMITS, Document, Limits, escape_pointer, read_document
from synthgate.errors import InputError, Problem, did_you_mean
from synthgate.messages import json_type_name
from synthgate.models import Finding, ManifestResult, Verdict, verdict_rank, worst_verdict

__all__ = [
    "BASELINE_VERSION",
    "Baseline",
    "BaselineEntry",
    "BaselineFile",
    "BaselineFinding",
    "BaselineHeader",
    "write_baseline",
]

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


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "empty fingerprint")
    return value


def _recorded_verdict(value: str) -> str:
    if value not in _BASELINED:
        raise PydanticCustomError("verdict", "verdict not recorded in a baseline")
    return value


def _supported_version(value: int) -> int:
    if value != BASELINE_VERSION:
        raise PydanticCustomError("version", "unsupported baseline version")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class BaselineHeader(BaseModel):
    """What decides how the rest of a baseline file is read: its format version."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    synthgate_baseline: Annotated[StrictInt, AfterValidator(_supported_version)]


class BaselineFinding(_Strict):
    """One recorded finding as the file holds it. Files written before verdicts were
    compared may lack one: such an entry covers only the mildest verdict, so that it can never
    hide a failure."""

    fingerprint: Annotated[StrictStr, AfterValidator(_not_blank)]
    rule: StrictStr = ""
    file: StrictStr = ""
    pointer: StrictStr = ""
    verdict: Annotated[StrictStr, AfterValidator(_recorded_verdict)] = "warn"


class BaselineFile(_Strict):
    """A baseline file of this version (see :data:`BASELINE_VERSION`)."""

    synthgate_baseline: StrictInt
    findings: list[BaselineFinding]


def _parse(doc: Document) -> list[BaselineEntry]:
    data = doc.data
    try:
        BaselineHeader.model_validate(data)
    except ValidationError as exc:  # nothing else is read in a file of another version
        raise InputError([_header_problem(doc, exc.errors()[0])]) from None
    try:
        checked = BaselineFile.model_validate(data)
    except ValidationError as exc:
        ordered = sorted(exc.errors(), key=lambda error: _order(data, error))
        raise InputError([_problem_of(doc, error) for error in ordered]) from None
    problems: list[Problem] = []
    entries: list[BaselineEntry] = []
    first_seen: dict[str, int] = {}
    for index, item in enumerate(checked.findings):
        earlier = first_seen.setdefault(item.fingerprint, index)
        if earlier != index:
            line, _ = doc.locate(f"/findings/{earlier}/fingerprint")
            problems.append(
                _problem(
                    doc,
                    f"/findings/{index}/fingerprint",
                    f"duplicate fingerprint '{item.fingerprint}' (also at /findings/{earlier}, "
                    f"line {line})",
                    "remove one of them: each finding is recorded once",
                )
            )
            continue
        entries.append(
            BaselineEntry(
                item.fingerprint, item.rule, item.file, item.pointer, _BASELINED[item.verdict]
            )
        )
    if problems:
        raise InputError(problems)
    return entries


def _header_problem(doc: Document, error: Any) -> Problem:
    data = doc.data
    if error["type"] == "model_type" or not isinstance(data, dict):
        return _problem(
            doc,
            "",
            f"a baseline is an object with '{_VERSION_KEY}' and 'findings', "
            f"not {json_type_name(data)}",
            _REGENERATE,
        )
    if error["type"] == "missing":
        return _problem(
            doc,
            "",
            f"not a synthgate baseline: no '{_VERSION_KEY}' key",
            f"pass a file written by --write-baseline, or {_REGENERATE}",
        )
    return _problem(
        doc,
        f"/{_VERSION_KEY}",
        f"unsupported baseline version {json.dumps(data[_VERSION_KEY])}; "
        f"this synthgate reads version {BASELINE_VERSION}",
        _REGENERATE,
    )


def _order(data: Any, error: Any) -> tuple[int, int, int]:
    """Where a problem is listed: the file's own keys first, then finding by finding, each
    with unknown keys (in the file's order), values of the wrong type, then missing and wrong
    values."""
    loc = error["loc"]
    if loc[0] != "findings" or len(loc) < 2:
        return (-1, 0 if error["type"] == "extra_forbidden" else 1, _key_index(data, loc[0]))
    index = int(loc[1])
    if len(loc) == 2:
        return (index, 0, 0)
    key = str(loc[2])
    kind = error["type"]
    if kind == "extra_forbidden":
        return (index, 0, _key_index(data["findings"][index], key))
    if kind.endswith("_type"):
        return (index, 1, _ENTRY_KEYS.index(key))
    return (index, {"missing": 2, "blank": 3}.get(kind, 4), 0)


def _key_index(mapping: Any, key: Any) -> int:
    keys = list(mapping) if isinstance(mapping, dict) else []
    return keys.index(key) if key in keys else len(keys)


def _problem_of(doc: Document, error: Any) -> Problem:
    """The located problem a validation error of :class:`BaselineFile` is."""
    loc = error["loc"]
    kind = error["type"]
    value = error["input"]
    pointer = "".join(f"/{escape_pointer(str(part))}" for part in loc)
    if kind == "extra_forbidden":
        parent = pointer.rsplit("/", 1)[0]
        allowed = _TOP_KEYS if len(loc) == 1 else _ENTRY_KEYS
        return _unknown_key(doc, parent, str(loc[-1]), allowed)
    if loc == ("findings",):
        if kind == "missing":
            return _problem(
                doc, "", "missing key 'findings'", "add 'findings': [] or " + _REGENERATE
            )
        return _problem(
            doc, pointer, f"'findings' must be a list, not {json_type_name(value)}", _REGENERATE
        )
    if len(loc) == 2:
        return _problem(
            doc,
            pointer,
            f"a baseline finding is an object, not {json_type_name(value)}",
            'write {"fingerprint": "sha256:...", ...} or ' + _REGENERATE,
        )
    key = str(loc[2])
    if kind == "missing":
        entry = pointer.rsplit("/", 1)[0]
        return _problem(doc, entry, f"missing key '{key}'", "add it, or " + _REGENERATE)
    if kind == "blank":
        return _problem(doc, pointer, "empty fingerprint", "remove this finding, or " + _REGENERATE)
    if kind == "verdict":
        return _problem(
            doc,
            pointer,
            f"verdict '{value}' is not recorded in a baseline",
            "expected one of: warn, fail, error",
        )
    return _problem(doc, pointer, f"'{key}' must be text, not {json_type_name(value)}", _REGENERATE)

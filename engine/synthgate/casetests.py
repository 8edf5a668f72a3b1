"""Policy unit tests: case files of manifests, and the verdict each rule should give on them.

A case file (``*.cases.yaml``) names a policy, may give a base manifest, and lists cases::

    policy: default            # a pack name, or a path relative to this file
    today: 2026-06-01          # optional: the day ratchets and waiver expiry are judged on
    manifest: {...}            # optional base for cases that use set/unset
    cases:
      - name: mostly synthetic fails
        set: {/splits/0/sources/1/records: 5000}   # JSON Pointer -> value, over the base
        unset: [/dataset/stage]
        expect: {SG301: fail, SG105: warn}

A case gives its manifest as ``set``/``unset`` over the base, as ``manifest`` (inline),
``manifest_file`` (relative to the case file), or ``manifests`` (several, audited together, for
cross-manifest rules). A rule's verdict on a case is the worst verdict among its findings;
``none`` means the rule did not apply at all. ``synthgate test`` and the pytest plugin in
:mod:`synthgate.testing` run the same files.
"""

from __future__ import annotations

import copy
import datetime as _dt
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from synthgate.documents import DEFAULT_LIMITS, Document, Limits, read_document
from synthgate.errors import InputError, Problem, did_you_mean
from synthgate.models import Finding, ManifestResult, worst_verdict
from synthgate.paths import names_a_file
from synthgate.plugins import PluginHost
from synthgate.pointers import escape_pointer, unescape_pointer
from synthgate.validation import validate_model

if TYPE_CHECKING:
    from synthgate.audit import Audit

__all__ = [
    "CASE_SUFFIXES",
    "Case",
    "CaseFile",
    "CaseResult",
    "CaseRunner",
    "Coverage",
    "Expectation",
    "Mismatch",
    "discover_case_files",
    "load_case_file",
]

CASE_SUFFIXES = (".cases.yaml", ".cases.yml")
Expectation = Literal["pass", "warn", "fail", "error", "none"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class _CaseSpec(_Strict):
    """One case as written."""

    name: str = Field(min_length=1, description="Unique within the file; shown in reports.")
    description: str = ""
    set: dict[str, Any] = Field(
        default_factory=dict, description="JSON Pointer -> value, applied over the base manifest."
    )
    unset: list[str] = Field(default_factory=list, description="JSON Pointers removed.")
    manifest: dict[str, Any] | None = Field(None, description="The case's own manifest.")
    manifest_file: str | None = Field(None, description="A manifest file, relative to this one.")
    measure: bool = Field(
        False,
        description="Measure the data of the case's manifests first ('data:' globs relative "
        "to the case file, or to a manifest_file), as 'audit --measure' does.",
    )
    manifests: dict[str, dict[str, Any]] | None = Field(
        None, description="Several manifests by name, audited together."
    )
    expect: dict[str, Expectation] = Field(
        min_length=1, description="Rule code or name -> pass, warn, fail, error or none."
    )


class _CaseFileSpec(_Strict):
    """A case file as written."""

    schema_: str | None = Field(None, alias="$schema")
    policy: str = Field("default", description="Pack name, or a path relative to this file.")
    today: _dt.date | None = Field(None, description="The day ratchets and waivers are judged on.")
    manifest: dict[str, Any] | None = Field(None, description="Base manifest for set/unset.")
    cases: list[_CaseSpec] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Case:
    """One case, ready to run: its manifests as documents and what it expects."""

    file: CaseFile
    index: int
    name: str
    line: int
    column: int
    expect: Mapping[str, Expectation]
    documents: tuple[Document, ...]
    measure: bool = False
    """Measure the manifests' data before auditing them."""

    @property
    def where(self) -> str:
        """``file:line:column`` of the case."""
        return f"{self.file.display}:{self.line}:{self.column}"

    def expect_position(self, rule: str) -> tuple[int, int]:
        """Line and column of the expectation for ``rule`` in the case file."""
        pointer = f"/cases/{self.index}/expect/{escape_pointer(rule)}"
        return self.file.document.locate(pointer)


@dataclass(frozen=True, slots=True)
class CaseFile:
    """A read and checked case file."""

    path: Path
    display: str
    policy: str
    """The policy as a pack name, or a path resolved against the case file's directory."""
    today: _dt.date | None
    document: Document = field(repr=False)
    cases: tuple[Case, ...] = ()


def discover_case_files(paths: Iterable[str]) -> list[tuple[Path, str]]:
    """(path, display) of case files: files named, and ``*.cases.yaml`` under directories
    named (hidden directories skipped), in a stable order."""
    from synthgate.errors import UsageError

    found: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(
                p
                for suffix in CASE_SUFFIXES
                for p in path.rglob(f"*{suffix}")
                if not any(part.startswith(".") for part in p.relative_to(path).parts[:-1])
            )
            pairs = [(p, p.as_posix()) for p in candidates]
        elif os.path.lexists(path):  # reading one that is not a regular file says what it is
            pairs = [(path, raw)]
        else:
            raise UsageError(f"'{raw}' does not exist", "name case files or directories")
        for p, shown in pairs:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                found.append((p, shown))
    return found


def load_case_file(
    path: str | Path, display: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> CaseFile:
    """Read and check a case file; every mistake is an :class:`InputError` with a location."""
    path = Path(path)
    shown = display if display is not None else str(path)
    doc = read_document(path, limits, shown)
    if not isinstance(doc.data, dict):
        raise InputError.at(shown, 1, 1, "a case file must be a mapping", _HINT)
    spec = validate_model(_CaseFileSpec, doc.data, doc)
    policy = spec.policy
    if names_a_file(policy):
        policy = str(path.parent / policy)
    case_file = CaseFile(path, shown, policy, spec.today, doc)
    problems: list[Problem] = []
    cases: list[Case] = []
    names: set[str] = set()
    for index, case in enumerate(spec.cases):
        pointer = f"/cases/{index}"
        line, column = doc.locate(pointer)
        if case.name in names:
            problems.append(
                _problem(doc, f"{pointer}/name", f"case name '{case.name}' appears twice", "")
            )
        names.add(case.name)
        try:
            documents = tuple(_documents(spec, case, index, doc, path, limits))
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        cases.append(
            Case(
                case_file,
                index,
                case.name,
                line,
                column,
                dict(case.expect),
                documents,
                case.measure,
            )
        )
    if problems:
        raise InputError(problems)
    object.__setattr__(case_file, "cases", tuple(cases))
    return case_file


_HINT = "see the case file format in docs/testing.md"


def _problem(doc: Document, pointer: str, message: str, hint: str = _HINT) -> Problem:
    line, column = doc.locate(pointer)
    return Problem(doc.path, line, column, message, hint, pointer)


def _documents(
    spec: _CaseFileSpec,
    case: _CaseSpec,
    index: int,
    doc: Document,
    path: Path,
    limits: Limits,
) -> Iterator[Document]:
    pointer = f"/cases/{index}"
    given = [
        key for key in ("manifest", "manifest_file", "manifests") if getattr(case, key) is not None
    ]
    patches = bool(case.set or case.unset)
    if len(given) > 1 or (given and patches):
        also = given + (["set/unset"] if patches else [])
        raise InputError(
            [
                _problem(
                    doc,
                    pointer,
                    f"case '{case.name}' gives its manifest more than one way: {', '.join(also)}",
                    "give one of: set/unset (over the file's base manifest), manifest, "
                    "manifest_file, manifests",
                )
            ]
        )
    if case.manifest_file is not None:
        file = path.parent / case.manifest_file
        if not os.path.lexists(file):  # one that is not a regular file: reading says what
            raise InputError(
                [
                    _problem(
                        doc,
                        f"{pointer}/manifest_file",
                        f"manifest file '{file}' does not exist",
                        "give a path relative to the case file",
                    )
                ]
            )
        yield read_document(file, limits, file.as_posix())
        return
    if case.manifests is not None:
        for name in case.manifests:
            prefix = f"{pointer}/manifests/{escape_pointer(name)}"
            yield _view(doc, f"{doc.path}#{name}", case.manifests[name], {"": prefix})
        return
    if case.manifest is not None:
        yield _view(doc, doc.path, case.manifest, {"": f"{pointer}/manifest"})
        return
    if spec.manifest is None:
        raise InputError(
            [
                _problem(
                    doc,
                    pointer,
                    f"case '{case.name}' gives no manifest, and the file has no base 'manifest'",
                    "add a 'manifest' at the top of the file, or give the case its own",
                )
            ]
        )
    data = copy.deepcopy(spec.manifest)
    sources = {"": "/manifest"}
    for target, value in case.set.items():
        where = f"{pointer}/set/{escape_pointer(target)}"
        _set(data, target, copy.deepcopy(value), doc, where)
        sources[target] = where
    for k, target in enumerate(case.unset):
        _unset(data, target, doc, f"{pointer}/unset/{k}")
    yield _view(doc, doc.path, data, sources)


def _tokens(target: str, doc: Document, where: str) -> list[str]:
    if not target.startswith("/"):
        raise InputError(
            [
                _problem(
                    doc,
                    where,
                    f"'{target}' is not a JSON Pointer",
                    "write it like /splits/0/sources/1/records",
                )
            ]
        )
    return [unescape_pointer(t) for t in target.split("/")[1:]]


def _missing(doc: Document, where: str, target: str, step: str) -> InputError:
    return InputError(
        [
            _problem(
                doc,
                where,
                f"'{target}' does not lead anywhere in the base manifest (at '{step}')",
                "point at an existing list item, or a key of an existing mapping",
            )
        ]
    )


def _set(data: Any, target: str, value: Any, doc: Document, where: str) -> None:
    tokens = _tokens(target, doc, where)
    if not tokens:
        raise _missing(doc, where, target, "")
    node = data
    for depth, token in enumerate(tokens[:-1]):
        if isinstance(node, dict):
            node = node.setdefault(token, {})  # missing mappings are made on the way
        elif isinstance(node, list) and token.isdecimal() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise _missing(doc, where, target, "/".join(tokens[: depth + 1]))
    last = tokens[-1]
    if isinstance(node, dict):
        node[last] = value
    elif isinstance(node, list) and last == "-":
        node.append(value)
    elif isinstance(node, list) and last.isdecimal() and int(last) < len(node):
        node[int(last)] = value
    else:
        raise _missing(doc, where, target, "/".join(tokens))


def _unset(data: Any, target: str, doc: Document, where: str) -> None:
    tokens = _tokens(target, doc, where)
    node = data
    for depth, token in enumerate(tokens):
        last = depth == len(tokens) - 1
        if isinstance(node, dict) and token in node:
            if last:
                del node[token]
                return
            node = node[token]
        elif isinstance(node, list) and token.isdecimal() and int(token) < len(node):
            if last:
                del node[int(token)]
                return
            node = node[int(token)]
        else:
            raise _missing(doc, where, target, "/".join(tokens[: depth + 1]))
    raise _missing(doc, where, target, "")


def _view(doc: Document, shown: str, data: Any, sources: Mapping[str, str]) -> Document:
    """A document over ``data`` whose positions point into the case file: a pointer set by a
    case at the value it gives, anything else at the base manifest it came from."""
    if doc.positions is None:  # a JSON case file: let the document scan itself
        doc.locate("")
    assert doc.positions is not None
    positions: dict[str, tuple[int, int]] = {}
    # Longest targets last, so that a value set inside a base value wins over the base.
    for target, prefix in sorted(sources.items(), key=lambda item: len(item[0])):
        for pointer, position in doc.positions.items():
            if pointer == prefix or pointer.startswith(prefix + "/"):
                positions[target + pointer[len(prefix) :]] = position
    return Document(shown, data, doc.format, doc.text, positions, doc.line_offset)


# --------------------------------------------------------------------------- running


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A rule that gave another verdict than the case expects."""

    rule: str
    name: str
    expected: Expectation
    actual: Expectation
    details: tuple[str, ...]
    """The rule's findings on the case, one line each."""


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What one case gave: every rule's verdict, and where they differ from the expectations."""

    case: Case
    policy: str
    """``name version`` of the policy the case ran against."""
    verdicts: Mapping[str, Expectation]
    """Every rule of the policy (by code) -> its verdict on the case, ``none`` if it did not
    apply."""
    expected: Mapping[str, Expectation]
    """The case's expectations by rule code (a case may name a rule by code or name)."""
    mismatches: tuple[Mismatch, ...]
    error: InputError | None = None
    """The case's manifest is not valid (the case fails unless it expects nothing else)."""

    @property
    def ok(self) -> bool:
        """True when every expectation holds."""
        return self.error is None and not self.mismatches

    def explain(self) -> str:
        """Expected versus actual, one block per mismatch (or the input error)."""
        if self.error is not None:
            return "the case's manifest cannot be audited:\n" + _indent(self.error.render(), 2)
        lines = []
        for m in self.mismatches:
            lines.append(f"{m.rule} {m.name}: expected {m.expected}, got {m.actual}")
            lines += [f"  - {detail}" for detail in m.details]
        return "\n".join(lines)


def _indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line for line in text.splitlines())


@dataclass
class _Covered:
    """What the cases of one policy expect of one rule, and whether it ever applied."""

    name: str
    expected: set[Expectation] = field(default_factory=set)
    reached: bool = False


@dataclass
class Coverage:
    """Which verdicts the cases expect of each rule a policy defines or overrides."""

    rules: dict[tuple[str, str], _Covered] = field(default_factory=dict)
    """(policy, rule code) -> what its cases expect of it."""

    def add(self, result: CaseResult, own: Iterable[tuple[str, str]]) -> None:
        """Count one case's expectations and verdicts for the rules in ``own``."""
        for code, name in own:
            covered = self.rules.setdefault((result.policy, code), _Covered(name))
            covered.reached |= result.verdicts.get(code, "none") != "none"
            if code in result.expected:
                covered.expected.add(result.expected[code])

    def gaps(self) -> list[tuple[str, str, str, str]]:
        """(policy, code, name, what is missing) for rules without a passing case or without a
        case where they do not pass."""
        out = []
        for (policy, code), covered in sorted(self.rules.items()):
            missing = []
            if "pass" not in covered.expected:
                missing.append("no case expects it to pass")
            if not covered.expected & {"warn", "fail", "error"}:
                missing.append("no case expects it to warn or fail")
            if missing:
                out.append((policy, code, covered.name, " and ".join(missing)))
        return out

    def unreached(self) -> list[tuple[str, str, str]]:
        """(policy, code, name) of rules that applied in no case."""
        return [
            (policy, code, covered.name)
            for (policy, code), covered in sorted(self.rules.items())
            if not covered.reached
        ]


class CaseRunner:
    """Runs cases, loading each policy (and its audit) once."""

    def __init__(self, host: PluginHost, limits: Limits = DEFAULT_LIMITS) -> None:
        self.host = host
        self.limits = limits
        self._audits: dict[tuple[str, _dt.date | None], Audit] = {}

    def audit_for(self, case_file: CaseFile) -> Audit:
        """The :class:`~synthgate.audit.Audit` a case file's cases run in."""
        from synthgate.audit import Audit

        key = (case_file.policy, case_file.today)
        audit = self._audits.get(key)
        if audit is None:
            audit = Audit.create(
                case_file.policy,
                host=self.host,
                limits=self.limits,
                keep_passes=True,
                today=case_file.today,
            )
            self._audits[key] = audit
        return audit

    def own_rules(self, case_file: CaseFile) -> list[tuple[str, str]]:
        """(code, name) of the rules the case file's policy defines or overrides."""
        policy = self.audit_for(case_file).policy
        return [(c.rule.code, c.rule.name) for c in policy.rules if c.rule.code in policy.own_rules]

    def check_expectations(self, case_file: CaseFile) -> None:
        """Raise an :class:`InputError` for an expectation naming no rule of the policy."""
        policy = self.audit_for(case_file).policy
        problems = []
        for case in case_file.cases:
            for ref in case.expect:
                if policy.rule(ref) is None:
                    names = [c.rule.code for c in policy.rules] + [
                        c.rule.name for c in policy.rules
                    ]
                    line, column = case.expect_position(ref)
                    problems.append(
                        Problem(
                            case_file.display,
                            line,
                            column,
                            f"'{ref}' names no rule of policy '{policy.name}'",
                            did_you_mean(ref, names) or "list the rules with 'synthgate rules'",
                            f"/cases/{case.index}/expect/{escape_pointer(ref)}",
                        )
                    )
        if problems:
            raise InputError(problems)

    def run(self, case: Case) -> CaseResult:
        """Audit the case's manifests together and compare each expected verdict."""
        audit = self.audit_for(case.file)
        policy = audit.policy
        label = f"{policy.name} {policy.version}"
        expected: dict[str, Expectation] = {}
        for ref, verdict in case.expect.items():
            compiled = policy.rule(ref)
            assert compiled is not None  # check_expectations ran first
            expected[compiled.rule.code] = verdict
        try:
            measurements = self._measure(audit, case) if case.measure else None
        except InputError as exc:
            return CaseResult(case, label, {}, expected, (), exc)
        results = audit.audit_documents(case.documents, measurements)
        errors = [r for r in results if isinstance(r, InputError)]
        if errors:
            problems = [p for e in errors for p in e.problems]
            return CaseResult(case, label, {}, expected, (), InputError(problems))
        found: dict[str, list[Finding]] = {}
        for result in results:
            assert isinstance(result, ManifestResult)
            for finding in result.findings:
                found.setdefault(finding.rule, []).append(finding)
        verdicts: dict[str, Expectation] = {
            c.rule.code: worst_verdict(f.verdict for f in found.get(c.rule.code, ()))
            if c.rule.code in found
            else "none"
            for c in policy.rules
        }
        mismatches = []
        for code, verdict in expected.items():
            actual = verdicts.get(code, "none")
            if actual != verdict:
                details = tuple(
                    f"{f.verdict}: {f.message} "
                    f"({f.location.file}:{f.location.line}:{f.location.column})"
                    for f in found.get(code, ())
                )
                compiled = policy.rule(code)
                assert compiled is not None
                name = compiled.rule.name
                mismatches.append(Mismatch(code, name, verdict, actual, details))
        return CaseResult(case, label, verdicts, expected, tuple(mismatches))

    @staticmethod
    def _measure(audit: Audit, case: Case) -> Mapping[str, Any]:
        """The measurements of a case's manifests' data (no cache: cases are small)."""
        from synthgate.measure.run import MeasureTarget, measure

        base = case.file.path.parent
        targets = []
        for document in case.documents:
            own = Path(document.path.split("#", 1)[0])
            folder = own.parent if own.resolve() != case.file.path.resolve() else base
            targets.append(MeasureTarget(audit.manifest_of(document), document, folder))
        return measure(targets)

    def run_file(self, case_file: CaseFile) -> list[CaseResult]:
        """Every case of a file (after checking its expectations name real rules)."""
        self.check_expectations(case_file)
        return [self.run(case) for case in case_file.cases]

"""``sarif``: SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs); same input, same bytes.

Every rule of the policy is described in ``tool.driver.rules``; every warn, fail or error
finding is a result pointing at its manifest line and, as a logical location, at its JSON
Pointer. ``partialFingerprints`` hash the rule, the dataset and the pointer only, so that an
alert keeps its identity when the manifest is reformatted or its keys are reordered; when the
engine gives a finding a fingerprint of its own, it is written too, as ``synthgate/v2``.

Paths are written relative to the repository root (the nearest directory above the working
directory that holds ``.git``; the working directory outside a repository), against the base
``SRCROOT`` that ``originalUriBaseIds`` gives as an absolute ``file:`` URI, so that code scanning
finds the file whichever directory the audit ran in. A path outside the root is a ``file:`` URI.

A finding covered by an active waiver keeps its level and carries an accepted suppression (with
the waiver's reason, owner, expiry and place): ``inSource`` for a waiver written in the manifest,
``external`` for one in a central waivers file. A finding whose waiver lapsed has no
suppression, only a ``waiver`` property saying it lapsed.

A run that ends on input errors (exit code 2: a manifest that cannot be read, a configuration,
policy or usage error) still writes its SARIF file (:meth:`SarifReporter.failure_report`): no
results, ``executionSuccessful: false``, and each error as a tool execution notification at the
file, line and column the error names, so that an upload step always finds a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
from collections.abc import Sequence
from pathlib import Path, PureWindowsPath
from typing import Any
from urllib.parse import quote

from synthgate import (
    Finding,
    InputError,
    Location,
    ManifestResult,
    SynthgateError,
    Totals,
    UsageError,
    Verdict,
)
from synthgate.models import AppliedWaiver, Rule
from synthgate.plugin import Reporter
from synthgate_plugins.reports._phrases import observed, repository_root

__all__ = [
    "DOCS_URL",
    "FINGERPRINT",
    "FINGERPRINT_V2",
    "SarifReporter",
    "artifact_location",
    "fingerprint",
    "repository_root",
]

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
PROJECT_URL = "https://github.com/synthgate/synthgate"
DOCS_URL = f"{PROJECT_URL}/blob/main/docs/rules.md"
FINGERPRINT = "synthgate/v1"
FINGERPRINT_V2 = "synthgate/v2"
"""The key of the engine's own fingerprint (rule, manifest, split names and source ids)."""
SRCROOT = "SRCROOT"

_LEVELS: dict[str, str] = {"fail": "error", "warn": "warning", "error": "error"}
_DEFAULT_LEVELS: dict[str, str] = {"fail": "error", "warn": "warning", "off": "none"}


def fingerprint(rule: str, dataset: str, pointer: str) -> str:
    """A finding's identity, independent of the manifest's layout (lines, key order)."""
    key = json.dumps([rule, dataset, pointer], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def artifact_location(
    path: str, cwd: Path | None = None, root: Path | None = None
) -> dict[str, str]:
    """A manifest path as a SARIF artifact location.

    Without ``cwd`` and ``root``, a relative path stays as it is (forward slashes,
    percent-encoded) against ``SRCROOT``. With them, a path (relative to ``cwd``, or absolute)
    inside ``root`` is made relative to ``root``; anything else becomes a ``file:`` URI without
    a base.
    """
    windows = PureWindowsPath(path)
    if not posixpath.isabs(path) and windows.is_absolute():
        return {"uri": windows.as_uri()}
    if cwd is not None and root is not None and not path.startswith("//"):
        absolute = Path(os.path.normpath(os.path.join(cwd, path.replace("\\", "/"))))
        if absolute.is_relative_to(root):
            relative = absolute.relative_to(root).as_posix()
            return {"uri": quote(relative, safe="/"), "uriBaseId": SRCROOT}
        return {"uri": "file://" + quote(absolute.as_posix(), safe="/")}
    if posixpath.isabs(path) and not path.startswith("//"):
        return {"uri": "file://" + quote(path, safe="/")}
    posix = path.replace("\\", "/")
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def _reference(ref: Any) -> tuple[str, str]:
    """A reference as (plain text, Markdown)."""
    venue = f" {ref.venue}." if ref.venue else ""
    ident = f" {ref.id}." if ref.id else ""
    text = f"{ref.authors} ({ref.year}). {ref.title}.{venue}{ident}"
    link = ref.url or _id_url(ref.id)
    title = f"[{ref.title}]({link})" if link else ref.title
    markdown = f"{ref.authors} ({ref.year}). {title}.{venue}{ident}"
    if ref.url:
        text += f" {ref.url}"
    return text, markdown


def _id_url(ident: str) -> str:
    """A link for an ``arXiv:`` or ``doi:`` identifier; empty for anything else."""
    scheme, _, rest = ident.partition(":")
    if not rest.strip():
        return ""
    base = {"arxiv": "https://arxiv.org/abs/", "doi": "https://doi.org/"}.get(scheme.lower())
    return base + quote(rest.strip(), safe="/:.()-_;") if base else ""


def _help(rule: Rule) -> dict[str, str]:
    remediation = rule.remediation.strip() or rule.summary
    text, markdown = [remediation], [remediation]
    if rule.references:
        refs = [_reference(ref) for ref in rule.references]
        text.append("References:\n" + "\n".join(f"- {plain}" for plain, _ in refs))
        markdown.append("**References**\n\n" + "\n".join(f"- {md}" for _, md in refs))
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)}


def _rule_descriptor(rule: Rule) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale.strip() or rule.summary},
        "help": _help(rule),
        "helpUri": f"{DOCS_URL}#{rule.code.lower()}",
        "defaultConfiguration": {"level": _DEFAULT_LEVELS[rule.severity]},
    }
    if rule.severity == "off":
        descriptor["defaultConfiguration"]["enabled"] = False
    return descriptor


def _unknown_rule(finding: Finding) -> dict[str, Any]:
    """A descriptor for a finding whose rule the run did not announce (never for the CLI)."""
    return {
        "id": finding.rule,
        "name": finding.name,
        "shortDescription": {"text": finding.name},
        "helpUri": f"{DOCS_URL}#{finding.rule.lower()}",
    }


def _pointer_name(pointer: str) -> str:
    last = pointer.rsplit("/", 1)[-1]
    return last.replace("~1", "/").replace("~0", "~") or "/"


def _physical(loc: Location, place: tuple[Path, Path] | None = None) -> dict[str, Any]:
    cwd, root = place if place is not None else (None, None)
    return {
        "artifactLocation": artifact_location(loc.file, cwd, root),
        "region": {"startLine": max(loc.line, 1), "startColumn": max(loc.column, 1)},
    }


def _suppression(
    waiver: AppliedWaiver, in_source: bool, place: tuple[Path, Path] | None = None
) -> dict[str, Any]:
    """An accepted suppression for an active waiver: ``inSource`` when the manifest itself
    holds the waiver, ``external`` when a central waivers file does."""
    parts = [f"owner: {waiver.owner}", f"until: {waiver.expires}"]
    if waiver.ticket:
        parts.append(f"ticket: {waiver.ticket}")
    if waiver.approver:
        parts.append(f"approver: {waiver.approver}")
    return {
        "kind": "inSource" if in_source else "external",
        "status": "accepted",
        "justification": f"{waiver.reason.strip()} ({', '.join(parts)})",
        "location": {"physicalLocation": _physical(waiver.location, place)},
    }


def _lapsed(waiver: AppliedWaiver) -> dict[str, Any]:
    """The ``waiver`` property of a result whose waiver lapsed."""
    note = {
        "status": "lapsed",
        "expires": waiver.expires.isoformat(),
        "owner": waiver.owner,
        "reason": waiver.reason.strip(),
    }
    if waiver.ticket:
        note["ticket"] = waiver.ticket
    note["note"] = f"waiver lapsed on {waiver.expires}; the finding is back"
    return note


class SarifReporter(Reporter):
    """One SARIF run: the policy's rules, and a result per warn, fail or error finding."""

    def start(self) -> None:
        self._rules: list[dict[str, Any]] = [_rule_descriptor(rule) for rule in self.run.rules]
        self._index: dict[str, int] = {rule["id"]: i for i, rule in enumerate(self._rules)}
        self._results: list[dict[str, Any]] = []
        cwd = Path.cwd()
        self._place = (cwd, repository_root(cwd))

    def add(self, result: ManifestResult) -> None:
        for finding in result.findings:
            if finding.verdict != "pass":
                self._results.append(self._result(finding, result.dataset, result.path))

    def _result(self, finding: Finding, dataset: str, path: str = "") -> dict[str, Any]:
        if finding.rule not in self._index:
            self._index[finding.rule] = len(self._rules)
            self._rules.append(_unknown_rule(finding))
        loc = finding.location
        text = (
            f"{finding.message}\n"
            f"observed: {observed(finding.observed)}; expected: {finding.expected}"
        )
        fingerprints = {FINGERPRINT: fingerprint(finding.rule, dataset, loc.pointer)}
        if finding.fingerprint:
            fingerprints[FINGERPRINT_V2] = finding.fingerprint
        properties: dict[str, Any] = {"verdict": finding.verdict, "scope": finding.scope}
        sarif: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": self._index[finding.rule],
            "level": _LEVELS[finding.verdict],
            "message": {"text": text},
            "locations": [
                {
                    "physicalLocation": _physical(loc, self._place),
                    "logicalLocations": [
                        {
                            "name": _pointer_name(loc.pointer),
                            "fullyQualifiedName": loc.pointer,
                            "kind": "object",
                        }
                    ],
                }
            ],
            "partialFingerprints": fingerprints,
            "properties": properties,
        }
        if finding.related:  # cross-manifest rules: the other manifests concerned
            sarif["relatedLocations"] = [
                {
                    "id": k,
                    "physicalLocation": _physical(place, self._place),
                    "message": {"text": place.pointer},
                }
                for k, place in enumerate(finding.related, start=1)
            ]
        waiver = finding.waiver
        if waiver is not None and waiver.status == "active":
            in_source = waiver.location.file in (loc.file, path.split("#", 1)[0])
            sarif["suppressions"] = [_suppression(waiver, in_source, self._place)]
        elif waiver is not None:
            properties["waiver"] = _lapsed(waiver)
        return sarif

    @classmethod
    def failure_report(cls, errors: Sequence[SynthgateError], version: str) -> str:
        """A SARIF log with no results: the errors as notifications, execution unsuccessful."""
        cwd = Path.cwd()
        place = (cwd, repository_root(cwd))
        notifications = [note for error in errors for note in _notifications(error, place)]
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": _driver(version, [])},
                    "invocations": [
                        {
                            "executionSuccessful": False,
                            "toolExecutionNotifications": notifications,
                        }
                    ],
                    "originalUriBaseIds": _base_ids(place[1]),
                    "columnKind": "unicodeCodePoints",
                    "results": [],
                }
            ],
        }
        return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

    def finish(self, totals: Totals, verdict: Verdict) -> None:
        log = {
            "$schema": SCHEMA_URI,
            "version": "2.1.0",
            "runs": [
                {
                    "tool": {"driver": _driver(self.run.version, self._rules)},
                    "invocations": [{"executionSuccessful": totals.unreadable == 0}],
                    "originalUriBaseIds": _base_ids(self._place[1]),
                    "columnKind": "unicodeCodePoints",
                    "results": self._results,
                    "properties": {
                        "verdict": verdict,
                        "policies": [p.model_dump(mode="json") for p in self.run.policies],
                        "manifests": totals.manifests,
                        "unreadable": totals.unreadable,
                        **({"waived": totals.waived} if totals.waived else {}),
                        **({"baselined": totals.baselined} if totals.baselined else {}),
                    },
                }
            ],
        }
        self.out.write(json.dumps(log, indent=2, ensure_ascii=False) + "\n")


def _driver(version: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": "synthgate", "version": version, "informationUri": PROJECT_URL, "rules": rules}


def _base_ids(root: Path) -> dict[str, Any]:
    return {
        SRCROOT: {
            "uri": root.as_uri().rstrip("/") + "/",
            "description": {"text": "The root of the audited repository."},
        }
    }


def _notifications(error: SynthgateError, place: tuple[Path, Path]) -> list[dict[str, Any]]:
    """An error as SARIF notifications: one per problem of an input error, at its place."""
    if isinstance(error, InputError):
        notes = []
        for problem in error.problems:
            where = f"{problem.pointer}: " if problem.pointer else ""
            hint = f"\nhint: {problem.hint}" if problem.hint else ""
            cwd, root = place
            physical = {
                "artifactLocation": artifact_location(problem.path, cwd, root),
                "region": {
                    "startLine": max(problem.line, 1),
                    "startColumn": max(problem.column, 1),
                },
            }
            notes.append(
                {
                    "level": "error",
                    "message": {"text": f"{where}{problem.message}{hint}"},
                    "locations": [{"physicalLocation": physical}],
                }
            )
        return notes
    if isinstance(error, UsageError):
        hint = f"\nhint: {error.hint}" if error.hint else ""
        return [{"level": "error", "message": {"text": f"{error.message}{hint}"}}]
    return [{"level": "error", "message": {"text": str(error)}}]

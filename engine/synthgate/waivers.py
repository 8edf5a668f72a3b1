"""Waivers: findings accepted knowingly, for a while, in writing; governance that never fails open.

A waiver is written in a manifest (``waivers:``) or in a central ``synthgate-waivers.yaml``
whose entries name the manifests they cover by ``manifests:`` globs. Every waiver is checked
before it is used (:func:`check_waivers`); a mistake is an input error, never a silent
suppression. :func:`apply_waivers` is pure: a result and waivers in, a result out.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from synthgate.documents import DEFAULT_LIMITS, Document, Limits, read_document
from synthgate.errors import InputError, Problem, did_you_mean
from synthgate.fingerprints import fingerprint
from synthgate.globs import glob_match
from synthgate.models import (
    AppliedWaiver,
    Finding,
    Location,
    Manifest,
    ManifestResult,
    Verdict,
    Waiver,
    WaiversFile,
    worst_verdict,
)
from synthgate.paths import display_path
from synthgate.policy import LoadedPolicy
from synthgate.validation import validate_model

__all__ = [
    "DEFAULT_HORIZON_DAYS",
    "STALE_CODE",
    "STALE_NAME",
    "WAIVERS_FILE",
    "CentralWaivers",
    "PlacedWaiver",
    "apply_waivers",
    "check_waivers",
    "find_waivers_file",
    "in_scope",
    "load_waivers_file",
    "manifest_waivers",
]

WAIVERS_FILE = "synthgate-waivers.yaml"
DEFAULT_HORIZON_DAYS = 180
STALE_CODE = "SG001"
STALE_NAME = "stale-waiver"


@dataclass(frozen=True, slots=True)
class PlacedWaiver:
    """A checked waiver, the rule code it names, and where it is written."""

    waiver: Waiver
    code: str
    location: Location
    scope_pointer: str | None
    """The pointer the scope covers in the manifest at hand ("" for the whole manifest); None
    when the scope names a split or source this manifest does not have."""

    def lapsed(self, today: _dt.date) -> bool:
        """Whether the waiver's last day has passed."""
        return self.waiver.expires < today

    def applied(self, status: str) -> AppliedWaiver:
        """The waiver as a report shows it beside a finding."""
        w = self.waiver
        return AppliedWaiver.model_construct(
            status=status,
            reason=w.reason,
            owner=w.owner,
            expires=w.expires,
            ticket=w.ticket,
            approver=w.approver,
            location=self.location,
        )


def in_scope(scope_pointer: str | None, pointer: str) -> bool:
    """Whether a finding at ``pointer`` lies at or below ``scope_pointer``."""
    if scope_pointer is None:
        return False
    return (
        scope_pointer == "" or pointer == scope_pointer or pointer.startswith(scope_pointer + "/")
    )


def _scope_pointer(waiver: Waiver, manifest: Manifest) -> str | None:
    scope = waiver.scope
    if scope.pointer is not None:
        return scope.pointer
    for i, split in enumerate(manifest.splits):
        if scope.split is not None and split.name == scope.split:
            return f"/splits/{i}"
        for j, source in enumerate(split.sources):
            if scope.source is not None and source.id == scope.source:
                return f"/splits/{i}/sources/{j}"
    if scope.split is None and scope.source is None:
        return ""
    return None


# --------------------------------------------------------------------------- checking


def check_waivers(
    waivers: Sequence[Waiver],
    doc: Document,
    policy: LoadedPolicy,
    today: _dt.date,
    *,
    central: bool,
) -> list[tuple[int, str]]:
    """(index, rule code) of each waiver; an :class:`InputError` listing every mistake."""
    problems: list[Problem] = []
    codes: list[tuple[int, str]] = []
    horizon = policy.waiver_horizon_days or DEFAULT_HORIZON_DAYS

    def problem(pointer: str, message: str, hint: str) -> None:
        problems.append(Problem(doc.path, *doc.locate(pointer), message, hint, pointer))

    for index, waiver in enumerate(waivers):
        base = f"/waivers/{index}"
        if central and waiver.manifests is None:
            problem(
                base,
                "a waiver in a central waivers file must name the manifests it covers",
                "add 'manifests:' with globs relative to this file, e.g. ['data/*.yaml']",
            )
        if not central and waiver.manifests is not None:
            problem(
                f"{base}/manifests",
                "'manifests' is for a central waivers file; a waiver in a manifest covers it",
                "remove 'manifests', or move the waiver to " + WAIVERS_FILE,
            )
        compiled = policy.rule(waiver.rule)
        if compiled is None:
            choices = [c.rule.code for c in policy.rules] + [c.rule.name for c in policy.rules]
            problem(
                f"{base}/rule",
                f"waiver names no rule of policy '{policy.name}': '{waiver.rule}'",
                did_you_mean(waiver.rule, choices) or "list the rules with 'synthgate rules'",
            )
        elif not compiled.rule.waivable:
            problem(
                f"{base}/rule",
                f"rule {compiled.rule.code} ({compiled.rule.name}) cannot be waived",
                "fix the finding instead; the policy marks this rule 'waivable: false'",
            )
        else:
            codes.append((index, compiled.rule.code))
        created = waiver.created
        if created is not None and created > today:
            problem(
                f"{base}/created",
                f"waiver created in the future ({created}, today is {today})",
                "write the date the waiver was written",
            )
        elif created is not None and created > waiver.expires:
            problem(
                f"{base}/created",
                f"waiver created ({created}) after it expires ({waiver.expires})",
                "check the two dates",
            )
        else:
            start = created or today
            if (waiver.expires - start).days > horizon:
                problem(
                    f"{base}/expires",
                    f"waiver expires too far ahead: {waiver.expires} is more than {horizon} "
                    f"days after {start} ({'created' if created else 'today'})",
                    f"the policy allows waivers of at most {horizon} days; renew it when it "
                    "lapses instead",
                )
        # An expiry in the past is no error: the waiver has lapsed and its finding comes back,
        # so a CI gate does not break with exit 2 on the day a waiver ends.
    if problems:
        raise InputError(problems)
    return codes


def _location(doc: Document, pointer: str) -> Location:
    line, column = doc.locate(pointer)
    return Location.model_construct(file=doc.path, line=line, column=column, pointer=pointer)


def manifest_waivers(
    manifest: Manifest, doc: Document, policy: LoadedPolicy, today: _dt.date
) -> list[PlacedWaiver]:
    """The checked waivers written in a manifest."""
    codes = check_waivers(manifest.waivers, doc, policy, today, central=False)
    problems: list[Problem] = []
    placed: list[PlacedWaiver] = []
    for index, code in codes:
        waiver = manifest.waivers[index]
        scope_pointer = _scope_pointer(waiver, manifest)
        if scope_pointer is None:  # a typo in a manifest's own waiver is an error
            key = "split" if waiver.scope.split is not None else "source"
            names = (
                [s.name for s in manifest.splits]
                if key == "split"
                else [src.id for s in manifest.splits for src in s.sources]
            )
            pointer = f"/waivers/{index}/scope/{key}"
            wanted = waiver.scope.split or waiver.scope.source or ""
            problems.append(
                Problem(
                    doc.path,
                    *doc.locate(pointer),
                    f"waiver scope names no {key} of this manifest: '{wanted}'",
                    did_you_mean(wanted, names),
                    pointer,
                )
            )
            continue
        placed.append(
            PlacedWaiver(waiver, code, _location(doc, f"/waivers/{index}"), scope_pointer)
        )
    if problems:
        raise InputError(problems)
    return placed


@dataclass(frozen=True)
class CentralWaivers:
    """A checked central waivers file."""

    path: Path
    doc: Document
    waivers: list[tuple[int, str, Waiver]]
    """(index, rule code, waiver)."""

    def for_manifest(self, manifest_path: Path, manifest: Manifest) -> list[PlacedWaiver]:
        """The waivers whose ``manifests`` globs match a manifest's path."""
        try:
            relative = manifest_path.resolve().relative_to(self.path.resolve().parent).as_posix()
        except ValueError:
            return []
        return [
            PlacedWaiver(
                waiver,
                code,
                _location(self.doc, f"/waivers/{index}"),
                _scope_pointer(waiver, manifest),
            )
            for index, code, waiver in self.waivers
            if any(glob_match(relative, glob) for glob in waiver.manifests or ())
        ]


def load_waivers_file(
    path: Path,
    shown: str,
    policy: LoadedPolicy,
    today: _dt.date,
    limits: Limits = DEFAULT_LIMITS,
) -> CentralWaivers:
    """Read and check a central waivers file; an :class:`InputError` on any mistake."""
    doc = read_document(path, limits, shown)
    if not isinstance(doc.data, dict):
        raise InputError.at(
            shown, 1, 1, "a waivers file must be a mapping", "write 'waivers:' and a list"
        )
    parsed = validate_model(WaiversFile, doc.data, doc)
    codes = check_waivers(parsed.waivers, doc, policy, today, central=True)
    return CentralWaivers(path, doc, [(i, code, parsed.waivers[i]) for i, code in codes])


def find_waivers_file(config_dir: Path | None) -> Path | None:
    """``synthgate-waivers.yaml`` next to the configuration file, else in the current
    directory; None if there is none."""
    for directory in (config_dir, Path.cwd()):
        # Not only regular files: a FIFO or directory of that name is an error, never skipped.
        if directory is not None and os.path.lexists(directory / WAIVERS_FILE):
            found = directory / WAIVERS_FILE
            root = directory.resolve()
            if root not in found.resolve().parents:  # a link out of the project is not read
                raise InputError.at(
                    display_path(found),
                    1,
                    1,
                    f"is a symbolic link to a file outside the project ({root})",
                    "keep the waivers file in the project; to use one from elsewhere, name it "
                    "on the command line with --waivers",
                )
            return found
    return None


# --------------------------------------------------------------------------- applying


def _stale(placed: PlacedWaiver) -> Finding:
    where = placed.location
    return Finding.model_construct(
        rule=STALE_CODE,
        name=STALE_NAME,
        verdict="warn",
        scope="dataset",
        location=where,
        observed=placed.waiver.rule,
        expected="a waiver matches at least one warn or fail finding",
        message=f"waiver of {placed.waiver.rule} matches no finding and should be removed",
        remediation="remove the waiver: the finding it accepted is gone (or narrow its scope)",
        fingerprint=fingerprint(STALE_CODE, where.file, where.pointer),
        waiver=None,
    )


def _waive_one(
    finding: Finding, waivers: Sequence[PlacedWaiver], today: _dt.date, used: set[int]
) -> tuple[Finding, bool]:
    """``finding`` waived by the first active waiver that covers it (whose index goes into
    ``used``), else marked by the latest-expiring lapsed one, else as it is; and whether it
    was waived."""
    if finding.verdict not in ("warn", "fail"):
        return finding, False
    matching = [
        (k, w)
        for k, w in enumerate(waivers)
        if w.code == finding.rule and in_scope(w.scope_pointer, finding.location.pointer)
    ]
    active = [(k, w) for k, w in matching if not w.lapsed(today)]
    if active:
        used.update(k for k, _ in active)
        return finding.model_copy(update={"waiver": active[0][1].applied("active")}), True
    if matching:
        lapsed = max((w for _, w in matching), key=lambda w: w.waiver.expires)
        message = f"{finding.message} (waiver lapsed on {lapsed.waiver.expires.isoformat()})"
        marked = finding.model_copy(update={"waiver": lapsed.applied("lapsed"), "message": message})
        return marked, False
    return finding, False


def apply_waivers(
    result: ManifestResult,
    waivers: Sequence[PlacedWaiver],
    today: _dt.date,
    ran: frozenset[str] | None = None,
) -> ManifestResult:
    """``result`` with waivers applied.

    A warn or fail finding of a waiver's rule inside its scope is waived by an active waiver
    (it keeps its verdict but no longer counts toward the manifest verdict), or marked by a
    lapsed one (it counts, and says so). An active waiver that matches no finding of a rule
    that ran (``ran``: rule codes; None: all) gives a ``stale-waiver`` warning of its own.
    """
    if not waivers:
        return result
    used: set[int] = set()
    findings: list[Finding] = []
    waived = 0
    counts = dict(result.counts)
    for finding in result.findings:
        marked, is_waived = _waive_one(finding, waivers, today, used)
        waived += is_waived
        findings.append(marked)
    stale = [
        _stale(w)
        for k, w in enumerate(waivers)
        if k not in used and not w.lapsed(today) and (ran is None or w.code in ran)
    ]
    counts["warn"] += len(stale)
    unwaived: dict[Verdict, int] = dict(counts)
    for finding in findings:
        if finding.waiver is not None and finding.waiver.status == "active":
            unwaived[finding.verdict] -= 1
    return result.model_copy(
        update={
            "findings": [*findings, *stale],
            "counts": counts,
            "verdict": worst_verdict(v for v, count in unwaived.items() if count),
            "waived": result.waived + waived,
        }
    )

"""An audit: discover manifest files, read them through adapters, evaluate, stream the results."""

from __future__ import annotations

import fnmatch
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from synthgate.adapters import ManifestAdapter
from synthgate.checks import CheckContext
from synthgate.documents import DEFAULT_LIMITS, Limits
from synthgate.errors import InputError, Problem, UsageError
from synthgate.evaluate import evaluate
from synthgate.models import (
    Manifest,
    ManifestResult,
    PluginInfo,
    Report,
    Totals,
    Verdict,
    empty_counts,
    worst_verdict,
)
from synthgate.plugins import PluginHost, load_plugins
from synthgate.policy import LoadedPolicy, load_policy
from synthgate.validation import validate_model

__all__ = ["Audit", "ManifestFile", "Tally", "audit_paths", "overall_verdict"]

_SKIP_DIRS = frozenset({"node_modules", "__pycache__"})
"""Directories never searched, besides hidden ones (``.git``, ``.tox``, ...)."""
_MANIFEST_HINT = (
    "a synthgate manifest is a YAML or JSON mapping with 'dataset' and 'splits', in a file "
    "ending in .yaml, .yml or .json (see 'synthgate init')"
)
PARALLEL_THRESHOLD = 200
"""Batches at least this large are spread over worker processes."""


@dataclass(frozen=True, slots=True)
class ManifestFile:
    """A file to audit: where it is, how to show it, and whether the user named it."""

    path: Path
    display: str
    explicit: bool


@dataclass
class Audit:
    """Everything an audit needs, loaded once: plugins, the policy, limits."""

    host: PluginHost
    policy: LoadedPolicy
    limits: Limits = DEFAULT_LIMITS
    keep_passes: bool = False
    context: CheckContext = field(init=False)
    adapters: list[ManifestAdapter] = field(init=False)

    def __post_init__(self) -> None:
        self.context = CheckContext(self.host.metrics())
        self.adapters = list(self.host.adapters().values())

    @classmethod
    def create(
        cls,
        policy: str | None = None,
        *,
        host: PluginHost | None = None,
        limits: Limits = DEFAULT_LIMITS,
        keep_passes: bool = False,
    ) -> Audit:
        """Load plugins (unless given) and the policy (a file or pack name; default pack)."""
        host = host if host is not None else load_plugins()
        return cls(host, load_policy(policy, host, limits=limits), limits, keep_passes)

    def plugin_infos(self) -> list[PluginInfo]:
        """Name and version of every loaded plugin, for the report."""
        return [
            PluginInfo(name=r.name, version=r.version)
            for r in self.host.records
            if r.error is None and not r.disabled
        ]

    def discover(self, paths: Sequence[str]) -> list[ManifestFile]:
        """Files named, and files under directories named that match an adapter's globs."""
        globs = [g for adapter in self.adapters for g in adapter.globs]
        found: list[ManifestFile] = []
        seen: set[Path] = set()
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                for file in _walk(path, globs):
                    key = file.resolve()
                    if key not in seen:
                        seen.add(key)
                        found.append(ManifestFile(file, file.as_posix(), explicit=False))
            elif path.is_file():
                key = path.resolve()
                if key not in seen:
                    seen.add(key)
                    found.append(ManifestFile(path, raw, explicit=True))
            else:
                raise UsageError(f"'{raw}' does not exist", "name manifest files or directories")
        return found

    def audit_file(self, item: ManifestFile) -> ManifestResult | InputError:
        """One manifest's result, or the input error that stops it from being audited.

        A file that no adapter reads is an error too, whether it was named or found in a
        directory because its name matches a manifest pattern: never a silent skip.
        """
        try:
            for adapter in self.adapters:
                document = adapter.load(item.path, item.display, self.limits)
                if document is not None:
                    break
            else:
                if item.explicit:
                    return InputError.at(
                        item.display,
                        1,
                        1,
                        "not a manifest any installed adapter can read",
                        _MANIFEST_HINT,
                    )
                return InputError.at(
                    item.display,
                    1,
                    1,
                    "matches the manifest file pattern but no adapter can read it",
                    f"{_MANIFEST_HINT}; if it is not a manifest, rename it",
                )
            if not isinstance(document.data, dict):
                return InputError.at(
                    item.display, 1, 1, "a manifest must be a mapping", "see 'synthgate init'"
                )
            manifest = validate_model(Manifest, document.data, document)
            return evaluate(
                manifest, document, self.policy, self.context, keep_passes=self.keep_passes
            )
        except InputError as exc:
            return exc

    def results(
        self, items: Sequence[ManifestFile], jobs: int = 1
    ) -> Iterator[ManifestResult | InputError]:
        """Results in input order; large batches use ``jobs`` worker processes."""
        if jobs > 1 and len(items) >= PARALLEL_THRESHOLD and _can_fork():
            yield from self._parallel(items, jobs)
            return
        for item in items:
            yield self.audit_file(item)

    def _parallel(
        self, items: Sequence[ManifestFile], jobs: int
    ) -> Iterator[ManifestResult | InputError]:
        import multiprocessing

        global _WORKER_AUDIT
        _WORKER_AUDIT = self
        context = multiprocessing.get_context("fork")
        chunk = max(8, min(64, len(items) // (jobs * 8) or 1))
        with context.Pool(jobs) as pool:
            for outcome in pool.imap(_work, items, chunksize=chunk):
                if isinstance(outcome, list):
                    yield InputError(outcome)
                else:
                    yield outcome
        _WORKER_AUDIT = None


_WORKER_AUDIT: Audit | None = None


def _work(item: ManifestFile) -> ManifestResult | list[Problem]:
    assert _WORKER_AUDIT is not None
    result = _WORKER_AUDIT.audit_file(item)
    if isinstance(result, InputError):
        return list(result.problems)  # exceptions with custom arguments do not pickle
    return result


def _can_fork() -> bool:
    return sys.platform.startswith("linux")


def _walk(root: Path, globs: list[str]) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(filenames):
            if any(fnmatch.fnmatch(name, pattern) for pattern in globs):
                yield Path(directory) / name


def overall_verdict(totals: Totals) -> Verdict:
    """The worst verdict of a run: ``error`` if a file could not be read."""
    if totals.unreadable:
        return "error"
    return worst_verdict(verdict for verdict, count in totals.findings.items() if count)


class Tally:
    """Running totals of an audit, fed one result (or input error) at a time."""

    def __init__(self) -> None:
        self.manifests = 0
        self.unreadable = 0
        self.findings = empty_counts()

    def add(self, result: ManifestResult | InputError) -> None:
        """Count one manifest's findings, or one file that could not be audited."""
        if isinstance(result, InputError):
            self.unreadable += 1
            return
        self.manifests += 1
        for verdict, count in result.counts.items():
            self.findings[verdict] += count

    def totals(self) -> Totals:
        """The totals so far."""
        return Totals(
            manifests=self.manifests, findings=dict(self.findings), unreadable=self.unreadable
        )

    def verdict(self) -> Verdict:
        """The overall verdict so far (see :func:`overall_verdict`)."""
        return overall_verdict(self.totals())


def audit_paths(
    paths: Iterable[str],
    policy: str | None = None,
    *,
    host: PluginHost | None = None,
    keep_passes: bool = False,
) -> Report:
    """Audit manifests in-process and return the whole report (library use and tests).

    Raises :class:`InputError` for the first manifest that cannot be read.
    """
    from synthgate import __version__

    audit = Audit.create(policy, host=host, keep_passes=keep_passes)
    results: list[ManifestResult] = []
    tally = Tally()
    for result in audit.results(audit.discover(list(paths))):
        if isinstance(result, InputError):
            raise result
        tally.add(result)
        results.append(result)
    return Report(
        synthgate=__version__,
        policies=audit.policy.packs,
        plugins=audit.plugin_infos(),
        manifests=results,
        totals=tally.totals(),
        verdict=tally.verdict(),
    )

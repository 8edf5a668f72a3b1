"""An audit: discover manifest files, read them through adapters, evaluate, stream the results."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import fnmatch
import gc
import os
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from synthgate.adapters import ManifestAdapter, choose_task_type
from synthgate.check_contract import CheckContext, Corpus, CorpusEntry
from synthgate.config import rule_selected, selector_error
from synthgate.documents import DEFAULT_LIMITS, Document, Limits, special_file_kind
from synthgate.errors import InputError, Problem, UsageError, did_you_mean
from synthgate.evaluate import (
    corpus_entry,
    evaluate,
    merge_findings,
    ran_rules,
    relate,
    relating_rules,
)
from synthgate.globs import glob_match
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
from synthgate.paths import display_path
from synthgate.plugins import PluginHost, load_plugins
from synthgate.policy import LoadedPolicy, load_policy
from synthgate.validation import validate_model
from synthgate.waivers import (
    CentralWaivers,
    PlacedWaiver,
    apply_waivers,
    load_waivers_file,
    manifest_waivers,
)

if TYPE_CHECKING:
    from synthgate.measure.results import ManifestMeasurement

ProjectContext = Literal["read", "count", "none"]
"""How an audit treats the project's manifests it does not audit (see :attr:`Audit.project`)."""

__all__ = [
    "Audit",
    "ManifestFile",
    "ProjectContext",
    "Staged",
    "Tally",
    "audit_paths",
    "changed_files",
    "select_rules",
]

_SKIP_DIRS = frozenset({"node_modules", "__pycache__"})
"""Directories never searched, besides hidden ones (``.git``, ``.tox``, ...)."""
_MANIFEST_HINT = (
    "a synthgate manifest is a YAML or JSON mapping with 'dataset' and 'splits', in a file "
    "ending in .yaml, .yml or .json (see 'synthgate init')"
)
PARALLEL_THRESHOLD = 200
"""Batches at least this large are spread over worker processes."""
HOLD_LIMIT = 1000
"""With cross-manifest rules, batches up to this large are held in memory until every manifest
is read; larger ones are read twice instead (memory bounded, about a quarter more time)."""


@dataclass(frozen=True, slots=True)
class ManifestFile:
    """A file to audit: where it is, how to show it, and whether the user named it."""

    path: Path
    display: str
    explicit: bool
    entry: str | None = None
    """For a file that holds several datasets: the one this item is (its display ends in
    ``#entry``)."""


@dataclass
class Audit:
    """Everything an audit needs, loaded once: plugins, the policy, limits."""

    host: PluginHost
    policy: LoadedPolicy
    limits: Limits = DEFAULT_LIMITS
    keep_passes: bool = False
    include: tuple[str, ...] | None = None
    """Globs a file found in a directory must match (None: the adapters' globs)."""
    exclude: tuple[str, ...] = ()
    """Globs of files and directories never searched (files named explicitly are still read)."""
    base: Path | None = None
    """The directory globs are relative to (None: the current directory)."""
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(glob, rule selectors): rules that do not run on manifests whose path matches."""
    today: _dt.date | None = None
    """The day ratchets and waiver expiry are judged on (None: every ratchet is enforced and
    waivers cannot be used; :meth:`create` gives today's date)."""
    waivers: CentralWaivers | None = None
    """A checked central waivers file."""
    ignore_waivers: bool = False
    """Audit as if no waiver were written (in manifests or a central file)."""
    respect_gitignore: bool = True
    """Leave out of directory searches what git ignores (see :mod:`synthgate.ignores`)."""
    full_policy: LoadedPolicy | None = None
    """The policy before --select/--ignore: waivers may name any of its rules."""
    measurements: Mapping[str, ManifestMeasurement] | None = None
    """Measurements of the manifests' data by manifest path as shown (``audit --measure``):
    rules judge the measured facts of the manifests found here."""
    project: ProjectContext = "none"
    """What cross-manifest rules learn of the project's manifests that are not audited (those
    discovered from ``base``): ``read`` them as context (cached, see :mod:`synthgate.context`),
    only ``count`` them (then such a rule that finds nothing says how many it could not see),
    or ``none``: the audit is all there is."""
    read_from: dict[str, Path] = field(default_factory=dict)
    """Manifests whose bytes are read from another file, by the path they are shown as: the
    manifest on standard input (``audit -``), saved to a temporary file."""
    context: CheckContext = field(init=False)
    adapters: list[ManifestAdapter] = field(init=False)
    skipped: list[Problem] = field(init=False, default_factory=list)
    """Files found in directories that look like, but are not, a kind an adapter reads
    (a README.md without dataset card front matter): notes for verbose output."""
    _ignored_policies: dict[frozenset[str], LoadedPolicy] = field(
        init=False, default_factory=dict, repr=False
    )

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
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        include: Sequence[str] | None = None,
        exclude: Sequence[str] = (),
        base: Path | None = None,
        per_path_ignores: Iterable[tuple[str, Sequence[str]]] = (),
        today: _dt.date | None = None,
        waivers: Path | None = None,
        ignore_waivers: bool = False,
        project: ProjectContext = "none",
    ) -> Audit:
        """Load plugins (unless given) and the policy (a file or pack name; default pack),
        keeping the rules ``select`` and ``ignore`` leave (see :func:`select_rules`).

        ``today`` defaults to the current date; ``waivers`` names a central waivers file,
        checked here (an :class:`InputError` for any mistake) unless ``ignore_waivers``."""
        host = host if host is not None else load_plugins()
        full = load_policy(policy, host, limits=limits, root=base)
        per_path_ignores = list(per_path_ignores)
        for _glob, selectors in per_path_ignores:  # a typo is an error, never a no-op
            select_rules(full, ignore=selectors, option="per-path-ignores")
        loaded = select_rules(full, select, ignore)
        today = today if today is not None else _dt.date.today()
        central = None
        if waivers is not None and not ignore_waivers:
            central = load_waivers_file(waivers, display_path(waivers), full, today, limits)
        return cls(
            host,
            loaded,
            limits,
            keep_passes,
            include=tuple(include) if include is not None else None,
            exclude=tuple(exclude),
            base=base,
            per_path_ignores=tuple((glob, tuple(codes)) for glob, codes in per_path_ignores),
            today=today,
            waivers=central,
            ignore_waivers=ignore_waivers,
            full_policy=full,
            project=project,
        )

    def plugin_infos(self) -> list[PluginInfo]:
        """Name and version of every loaded plugin, for the report."""
        return [
            PluginInfo(name=r.name, version=r.version)
            for r in self.host.records
            if r.error is None and not r.disabled and r.in_reports
        ]

    def discover(self, paths: Sequence[str]) -> list[ManifestFile]:
        """Files named, and files under directories named that match an adapter's globs
        (or the ``include`` globs), except those ``exclude`` matches."""
        globs = [g for adapter in self.adapters for g in adapter.globs]
        found: list[ManifestFile] = []
        seen: set[Path] = set()
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                excluded: Callable[[Path], bool] = self._excluded
                if self.respect_gitignore:
                    excluded = _or_gitignored(excluded, path)
                for file in _walk(path, globs, self._wanted, excluded):
                    key = file.resolve()
                    if key not in seen:
                        seen.add(key)
                        if self._claimed(file):
                            found.append(ManifestFile(file, file.as_posix(), explicit=False))
            elif path.is_file():
                key = path.resolve()
                if key not in seen:
                    seen.add(key)
                    found.append(ManifestFile(path, raw, explicit=True))
            else:
                raise UsageError(*_not_a_file(path, raw))
        return [one for item in found for one in self._entries(item)]

    def _entries(self, item: ManifestFile) -> list[ManifestFile]:
        """One item per dataset of a file that holds several (see ``ManifestAdapter.entries``),
        or the item itself."""
        for adapter in self.adapters:
            if adapter.entries is None or adapter.load_entry is None:
                continue
            if not item.explicit and not _glob_matches(adapter, item.path):
                continue
            try:
                names = adapter.entries(item.path, self.limits)
            except InputError:
                return [item]  # reading it again reports the problem where it stands
            if names is not None:
                return [
                    ManifestFile(item.path, f"{item.display}#{name}", item.explicit, name)
                    for name in names
                ]
        return [item]

    def _claimed(self, file: Path) -> bool:
        """Whether a file found in a directory is read: always, unless every adapter whose
        globs match it looks at the content first and none claims it, or a native manifest
        beside it describes the same dataset (then a skip note)."""
        matching = [a for a in self.adapters if _glob_matches(a, file)]
        if not matching or any(a.claims is None for a in matching):
            return True
        if not any(a.claims is not None and a.claims(file, self.limits) for a in matching):
            kinds = " or ".join(a.summary.rstrip(".") for a in matching)
            hints = "; ".join(a.hint for a in matching if a.hint)
            self.skipped.append(Problem(file.as_posix(), 1, 1, f"skipped, not {kinds}", hints))
            return False
        native = [a for a in self.adapters if a.claims is None]
        beside = sorted(
            p.name for p in file.parent.iterdir() if any(_glob_matches(a, p) for a in native)
        )
        if beside:  # the dataset already has a manifest: audit that one only
            message = f"skipped, the manifest {beside[0]} beside it describes the dataset"
            hint = "name the file to audit it anyway"
            self.skipped.append(Problem(file.as_posix(), 1, 1, message, hint))
            return False
        return True

    def _relative(self, path: Path) -> str | None:
        """``path`` relative to the base directory, ``/``-separated; None if outside it."""
        base = (self.base or Path.cwd()).resolve()
        try:
            return path.resolve().relative_to(base).as_posix()
        except ValueError:
            return None

    def _wanted(self, file: Path) -> bool | None:
        """Whether ``include`` takes a file found in a directory (None: no ``include``)."""
        if self.include is None:
            return None
        relative = self._relative(file)
        candidate = relative if relative is not None else file.name
        return any(glob_match(candidate, pattern) for pattern in self.include)

    def _excluded(self, path: Path) -> bool:
        if not self.exclude:
            return False
        relative = self._relative(path)
        candidate = relative if relative is not None else path.name
        return any(glob_match(candidate, pattern) for pattern in self.exclude)

    def _policy_for_path(self, path: Path | None) -> LoadedPolicy:
        """The policy without the rules ``per_path_ignores`` drops for this manifest."""
        if not self.per_path_ignores or path is None:
            return self.policy
        relative = self._relative(path) or path.as_posix()
        ignored = frozenset(
            selector
            for pattern, selectors in self.per_path_ignores
            if glob_match(relative, pattern)
            for selector in selectors
        )
        if not ignored:
            return self.policy
        if ignored not in self._ignored_policies:
            self._ignored_policies[ignored] = select_rules(
                self.policy, ignore=sorted(ignored), strict=False
            )
        return self._ignored_policies[ignored]

    def stage_file(self, item: ManifestFile) -> Staged | InputError:
        """Read one file through the adapters and evaluate it on its own (see
        :class:`Staged`), or the input error that stops it from being audited."""
        try:
            return self.stage_document(self.read(item), item.path)
        except InputError as exc:
            return exc

    def read(self, item: ManifestFile) -> Document:
        """The document the first adapter that knows the file makes of it.

        A file that no adapter reads is an :class:`InputError` too, whether it was named or
        found in a directory because its name matches a manifest pattern: never a silent skip.
        """
        path = self.read_from.get(item.display, item.path)
        for adapter in self.adapters:
            if item.entry is not None:
                if adapter.load_entry is None:
                    continue
                document = adapter.load_entry(path, item.display, self.limits, item.entry)
            else:
                document = adapter.load(path, item.display, self.limits)
            if document is not None:
                break
        else:
            hints = [a.hint for a in self.adapters if a.hint and _glob_matches(a, item.path)]
            if item.explicit:
                raise InputError.at(
                    item.display,
                    1,
                    1,
                    "not a manifest any installed adapter can read",
                    "; ".join(hints) or _MANIFEST_HINT,
                )
            raise InputError.at(
                item.display,
                1,
                1,
                "matches the manifest file pattern but no adapter can read it",
                f"{_MANIFEST_HINT}; if it is not a manifest, rename it",
            )
        if adapter.task_candidates:  # the format's task names, judged by this taxonomy
            choose_task_type(document.data, self.policy.resolve_task_type)
        return document

    def _manifest(self, document: Document) -> Manifest:
        if not isinstance(document.data, dict):
            raise InputError.at(
                document.path, 1, 1, "a manifest must be a mapping", "see 'synthgate init'"
            )
        return validate_model(Manifest, document.data, document)

    def manifest_of(self, document: Document) -> Manifest:
        """The manifest a read document holds, or an :class:`InputError`."""
        return self._manifest(document)

    def entry_of(self, item: ManifestFile) -> CorpusEntry | None:
        """What cross-manifest rules see of one file, without evaluating it; None when it
        cannot be audited (the evaluating pass reports why)."""
        try:
            document = self.read(item)
            manifest = self._manifest(document)
            return corpus_entry(manifest, document, self._policy_for_path(item.path))
        except InputError:
            return None

    def stage_document(
        self,
        document: Document,
        path: Path | None = None,
        measurement: ManifestMeasurement | None = None,
    ) -> Staged:
        """Evaluate one read document on its own (see :class:`Staged`); ``path`` is the file
        it came from, for per-path ignores and the central waivers file; ``measurement`` of its
        data, if not in :attr:`measurements`. Raises :class:`InputError` when it is no valid
        manifest."""
        manifest = self._manifest(document)
        placed = []
        if not self.ignore_waivers and self.today is not None:
            known = self.full_policy or self.policy
            placed = manifest_waivers(manifest, document, known, self.today)
            if self.waivers is not None and path is not None:
                placed += self.waivers.for_manifest(path, manifest)
        policy = self._policy_for_path(path)
        if measurement is None and self.measurements:
            measurement = self.measurements.get(document.path)
        result = evaluate(
            manifest,
            document,
            policy,
            self.context,
            keep_passes=self.keep_passes,
            today=self.today,
            measurement=measurement,
        )
        entry = corpus_entry(manifest, document, policy) if relating_rules(policy) else None
        return Staged(result, placed, entry, path)

    def finish(self, staged: Staged, corpus: Corpus) -> ManifestResult:
        """A staged manifest's final result: cross-manifest rules judged against ``corpus``
        (every manifest of the audit), then waivers applied."""
        policy = self._policy_for_path(staged.path)
        result = staged.result
        if staged.entry is not None:
            found = relate(staged.entry, corpus, policy, today=self.today)
            result = merge_findings(result, found, keep_passes=self.keep_passes)
        if not staged.waivers:
            return result
        assert self.today is not None  # waivers are placed only when there is a today
        return apply_waivers(result, staged.waivers, self.today, ran_rules(policy))

    def audit_documents(
        self,
        documents: Sequence[Document],
        measurements: Mapping[str, ManifestMeasurement] | None = None,
    ) -> list[ManifestResult | InputError]:
        """Audit documents already read (say, manifests written inline in a test case) as
        one audit: cross-manifest rules relate them to each other; ``measurements`` of their
        data by document path, if measured."""
        staged: list[Staged | InputError] = []
        for document in documents:
            measurement = measurements.get(document.path) if measurements else None
            try:
                staged.append(self.stage_document(document, measurement=measurement))
            except InputError as exc:
                staged.append(exc)
        return list(self._finish_all(staged))

    def progress_steps(self, items: Sequence[ManifestFile]) -> int:
        """How many steps :meth:`results` reports to its ``progress`` for ``items``: one a
        manifest, two when a large batch is read twice (see there)."""
        twice = relating_rules(self.policy) and len(items) > HOLD_LIMIT
        return len(items) * (2 if twice else 1)

    def results(
        self,
        items: Sequence[ManifestFile],
        jobs: int = 1,
        *,
        progress: Callable[[int], None] | None = None,
    ) -> Iterator[ManifestResult | InputError]:
        """Results in input order; large batches use ``jobs`` worker processes.

        Each result is yielded as soon as it is ready. With cross-manifest rules every manifest
        may relate to any other: a small batch is held until all are read; a large one is read
        twice, first for what cross-manifest rules see of each manifest (a few names each),
        then to evaluate and stream, so that memory stays bounded however many there are.
        ``progress`` is called with 1 for each manifest read (:meth:`progress_steps` in all).
        """
        parallel = jobs > 1 and len(items) >= PARALLEL_THRESHOLD and _can_fork()
        if not relating_rules(self.policy):
            staged: Iterable[Staged | InputError] = (
                self._parallel(_work, items, jobs)
                if parallel
                else (self.stage_file(item) for item in items)
            )
            for one in _ticking(staged, progress):
                yield one if isinstance(one, InputError) else self.finish(one, Corpus())
            return
        around, left_out, unreadable = self.surroundings(items)
        if len(items) <= HOLD_LIMIT:
            held = self._parallel(_work, items, jobs) if parallel else map(self.stage_file, items)
            yield from self._finish_all(
                list(_ticking(held, progress)), around, left_out, unreadable
            )
            return
        entries: Iterable[CorpusEntry | InputError | None] = (
            self._parallel(_entry_work, items, jobs) if parallel else map(self.entry_of, items)
        )
        read = _ticking(entries, progress)
        audited = [entry for entry in read if isinstance(entry, CorpusEntry)]
        corpus = Corpus([*audited, *around], left_out, unreadable)
        if not parallel:
            for item in items:
                yield self.final(item, corpus)
                if progress is not None:
                    progress(1)
            return
        # Forked workers judge the cross-manifest rules too, reading the corpus they inherit;
        # frozen, its objects are left alone by the collector, so their pages stay shared.
        global _WORKER_CORPUS
        _WORKER_CORPUS = corpus
        gc.freeze()
        try:
            yield from _ticking(self._parallel(_final_work, items, jobs), progress)
        finally:
            _WORKER_CORPUS = None
            gc.unfreeze()

    def project_files(self) -> list[ManifestFile]:
        """Every manifest of the project: what a directory audit of ``base`` (or of the
        current directory) would read, with the configured ``include`` and ``exclude``."""
        root = self.base or Path.cwd()
        noted = len(self.skipped)
        try:
            return self.discover([str(root)])
        finally:
            del self.skipped[noted:]  # skip notes are for the files the user asked about

    def surroundings(self, items: Sequence[ManifestFile]) -> tuple[list[CorpusEntry], int, int]:
        """The context of an audit of ``items`` (see :attr:`project`): what cross-manifest
        rules see of the project's other manifests, how many were left unread (``count``),
        and how many could not be read."""
        if self.project == "none":
            return [], 0, 0
        # abspath, not resolve: a pre-commit hook pays for every system call per file
        audited = {os.path.abspath(item.path) for item in items}
        others = [f for f in self.project_files() if os.path.abspath(f.path) not in audited]
        if self.project == "count" or not others:
            return [], len(others), 0
        from synthgate.context import ContextCache

        cache = ContextCache(self.base or Path.cwd(), self._context_key())
        around: list[CorpusEntry] = []
        here = os.getcwd()
        for other in others:
            relative = os.path.relpath(os.path.abspath(other.path), here)
            shown_as = (
                Path(relative).as_posix() if not relative.startswith("..") else str(other.path)
            )
            shown = ManifestFile(other.path, shown_as, explicit=False)
            entry = cache.entry(other.path, shown.display, partial(self.entry_of, shown))
            if entry is not None:
                around.append(entry)
        cache.save()
        return around, 0, len(others) - len(around)

    def _context_key(self) -> str:
        """What a cached context entry depends on besides its file's content."""
        from synthgate import __version__
        from synthgate.context import context_key

        taxonomy = sorted(
            f"{name}={spec.verifiability}" for name, spec in self.policy.taxonomy.items()
        )
        aliases = sorted(f"{alias}>{name}" for alias, name in self.policy.aliases.items())
        plugins = sorted(
            f"{r.name}={r.version}" for r in self.host.records if r.error is None and r.in_reports
        )
        limits = [str(self.limits.max_bytes)]
        return context_key([__version__, *plugins, *taxonomy, *aliases, *limits])

    def final(self, item: ManifestFile, corpus: Corpus) -> ManifestResult | InputError:
        """One file's final result, cross-manifest rules judged against ``corpus``."""
        staged = self.stage_file(item)
        return staged if isinstance(staged, InputError) else self.finish(staged, corpus)

    def _finish_all(
        self,
        staged: Sequence[Staged | InputError],
        around: Sequence[CorpusEntry] = (),
        left_out: int = 0,
        unreadable: int = 0,
    ) -> Iterator[ManifestResult | InputError]:
        audited = [s.entry for s in staged if isinstance(s, Staged) and s.entry is not None]
        corpus = Corpus([*audited, *around], left_out, unreadable)
        for one in staged:
            yield one if isinstance(one, InputError) else self.finish(one, corpus)

    def _parallel(
        self,
        work: Callable[[ManifestFile], _T | list[Problem]],
        items: Sequence[ManifestFile],
        jobs: int,
    ) -> Iterator[_T | InputError]:
        import multiprocessing

        global _WORKER_AUDIT
        _WORKER_AUDIT = self
        context = multiprocessing.get_context("fork")
        chunk = max(8, min(64, len(items) // (jobs * 8) or 1))
        try:
            with context.Pool(jobs, initializer=_default_signals) as pool:
                for outcome in pool.imap(work, items, chunksize=chunk):
                    if isinstance(outcome, list):
                        yield InputError(outcome)
                    else:
                        yield outcome
        finally:
            _WORKER_AUDIT = None


@dataclass(frozen=True, slots=True)
class Staged:
    """A manifest evaluated on its own: what remains is to judge cross-manifest rules (once
    every manifest of the audit is read) and to apply waivers. Picklable, for workers."""

    result: ManifestResult
    """Findings of the per-manifest rules, no waiver applied."""
    waivers: list[PlacedWaiver]
    entry: CorpusEntry | None
    """What cross-manifest rules see of it; None when the policy has no such rule."""
    path: Path | None


_WORKER_AUDIT: Audit | None = None
_WORKER_CORPUS: Corpus | None = None
"""What forked workers inherit: the audit, and (for the evaluating pass) the corpus."""
_T = TypeVar("_T")


def _work(item: ManifestFile) -> Staged | list[Problem]:
    assert _WORKER_AUDIT is not None
    result = _WORKER_AUDIT.stage_file(item)
    if isinstance(result, InputError):
        return list(result.problems)  # exceptions with custom arguments do not pickle
    return result


def _entry_work(item: ManifestFile) -> CorpusEntry | None:
    assert _WORKER_AUDIT is not None
    return _WORKER_AUDIT.entry_of(item)


def _final_work(item: ManifestFile) -> ManifestResult | list[Problem]:
    assert _WORKER_AUDIT is not None
    assert _WORKER_CORPUS is not None
    result = _WORKER_AUDIT.final(item, _WORKER_CORPUS)
    if isinstance(result, InputError):
        return list(result.problems)  # exceptions with custom arguments do not pickle
    return result


def _ticking(values: Iterable[_T], progress: Callable[[int], None] | None) -> Iterator[_T]:
    """``values``, calling ``progress(1)`` after each."""
    for value in values:
        yield value
        if progress is not None:
            progress(1)


def _default_signals() -> None:
    """In a worker: SIGTERM and SIGHUP end it as they end any process. The handlers it
    inherits raise in the main process so that its outputs are cleaned up; in a worker, which
    has none, they would only print a traceback."""
    import signal

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, signal.SIG_DFL)


def _can_fork() -> bool:
    return sys.platform.startswith("linux")


def _walk(
    root: Path,
    globs: list[str],
    wanted: Callable[[Path], bool | None],
    excluded: Callable[[Path], bool],
) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not d.startswith(".") and d not in _SKIP_DIRS and not excluded(Path(directory) / d)
        )
        for name in sorted(filenames):
            file = Path(directory) / name
            take = wanted(file)
            if take is None:
                take = any(fnmatch.fnmatch(name, pattern) for pattern in globs)
            if take and not excluded(file):
                yield file


def _or_gitignored(excluded: Callable[[Path], bool], top: Path) -> Callable[[Path], bool]:
    """``excluded``, and also what git ignores in a search of ``top``."""
    from synthgate.ignores import GitIgnores

    ignores = GitIgnores()
    return lambda path: excluded(path) or ignores.ignored(path, top=top)


def _not_a_file(path: Path, raw: str) -> tuple[str, str]:
    """(message, hint) for a path named on the command line that is neither a regular file nor
    a directory: what it is, or that it does not exist."""
    try:
        kind = special_file_kind(path.stat().st_mode)
    except OSError:
        if path.is_symlink():
            return f"'{raw}' is a symbolic link to a file that does not exist", "fix the link"
        return f"'{raw}' does not exist", "name manifest files or directories"
    return (
        f"'{raw}' is {kind}, not a regular file; only regular files are read",
        "name manifest files (regular files) or directories",
    )


def _glob_matches(adapter: ManifestAdapter, file: Path) -> bool:
    return any(fnmatch.fnmatch(file.name, pattern) for pattern in adapter.globs)


def _rule_matches(selector: str, code: str, name: str) -> bool:
    """A selector names a rule by code, code prefix (``SG2``) or name (see
    :func:`synthgate.config.selector_error`)."""
    return rule_selected(selector, code, name)


def select_rules(
    policy: LoadedPolicy,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    *,
    strict: bool = True,
    option: str = "",
) -> LoadedPolicy:
    """``policy`` with only the rules ``select`` names (all if empty), minus those ``ignore``
    names. A selector is a rule code, a code prefix such as ``SG2``, or a rule name; with
    ``strict``, one that names no rule of the policy is a :class:`UsageError`, never a silent
    no-op (``option`` names where the selector came from in that message)."""
    if not select and not ignore:
        return policy
    if strict:
        _check_selectors(policy, "select", select, option)
        _check_selectors(policy, "ignore", ignore, option)
    kept = [
        compiled
        for compiled in policy.rules
        if (
            not select
            or any(_rule_matches(s, compiled.rule.code, compiled.rule.name) for s in select)
        )
        and not any(_rule_matches(s, compiled.rule.code, compiled.rule.name) for s in ignore)
    ]
    return dataclasses.replace(policy, rules=kept)


def _check_selectors(
    policy: LoadedPolicy, label: str, selectors: Sequence[str], option: str
) -> None:
    """A :class:`UsageError` for the first selector that is malformed or names no rule."""
    rules = [(c.rule.code, c.rule.name) for c in policy.rules]
    for selector in selectors:
        malformed = selector_error(selector)
        if malformed:
            raise UsageError(f"{option or label}: {malformed[0]}", malformed[1])
        if not any(_rule_matches(selector, code, name) for code, name in rules):
            choices = [code for code, _ in rules] + [name for _, name in rules]
            raise UsageError(
                f"{option or label} '{selector}' names no rule of policy '{policy.name}'",
                did_you_mean(selector, choices) or "list the rules with 'synthgate rules'",
            )


class Tally:
    """Running totals of an audit, fed one result (or input error) at a time."""

    def __init__(self) -> None:
        self.manifests = 0
        self.unreadable = 0
        self.findings = empty_counts()
        self.waived = 0
        self.baselined = 0
        self.worst: Verdict = "pass"

    def add(self, result: ManifestResult | InputError) -> None:
        """Count one manifest's findings, or one file that could not be audited."""
        if isinstance(result, InputError):
            self.unreadable += 1
            return
        self.manifests += 1
        for verdict, count in result.counts.items():
            self.findings[verdict] += count
        self.waived += result.waived
        self.baselined += result.baselined
        self.worst = worst_verdict((self.worst, result.verdict))

    def totals(self) -> Totals:
        """The totals so far."""
        return Totals(
            manifests=self.manifests,
            findings=dict(self.findings),
            unreadable=self.unreadable,
            waived=self.waived,
            baselined=self.baselined,
        )

    def verdict(self) -> Verdict:
        """The overall verdict so far: the worst manifest verdict (waived findings left out),
        ``error`` if a file could not be read."""
        return "error" if self.unreadable else self.worst


def audit_paths(
    paths: Iterable[str],
    policy: str | None = None,
    *,
    host: PluginHost | None = None,
    keep_passes: bool = False,
    today: _dt.date | None = None,
    waivers: Path | None = None,
    ignore_waivers: bool = False,
) -> Report:
    """Audit exactly these manifests in-process and return the whole report, through the
    same :class:`synthgate.run.Run` as ``synthgate audit``, but with no configuration file and
    without the project's other manifests as context.

    Raises :class:`InputError` for the first manifest that cannot be read. :func:`synthgate.audit`
    is the library entry point with the command line's semantics.
    """
    from synthgate.run import Run, library_settings

    settings = library_settings(
        list(paths),
        config=False,
        policy=policy,
        show_passes=keep_passes,
        today=today,
        waivers=waivers,
        ignore_waivers=ignore_waivers,
    )
    outcome = Run(dataclasses.replace(settings, context="none"), host).execute(keep_report=True)
    if outcome.errors:
        raise outcome.errors[0]
    assert outcome.report is not None
    return outcome.report


def changed_files(ref: str, cwd: Path | None = None) -> set[Path]:
    """Resolved paths of existing files changed since git ``ref``: committed on this branch
    since it forked from ``ref`` (``git diff REF...HEAD``), staged or unstaged changes to
    tracked files, and untracked files that are not ignored. Deleted files are left out.

    Raises :class:`UsageError` outside a git repository or for an unknown ``ref``.
    """
    import subprocess

    def git(*args: str, where: Path | None = cwd) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=where, capture_output=True, text=True, check=False
            )
        except FileNotFoundError:
            raise UsageError(
                "--changed-since needs git, which is not installed", "install git"
            ) from None
        if done.returncode != 0:
            raise _GitFailed(done.stderr.strip())
        return done.stdout

    try:
        top = Path(git("rev-parse", "--show-toplevel").strip())
    except _GitFailed:
        raise UsageError(
            "--changed-since works only inside a git repository",
            "run synthgate from a git working tree, or leave out --changed-since",
        ) from None
    try:
        git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    except _GitFailed:
        raise UsageError(
            f"--changed-since: unknown git revision '{ref}'",
            "name a branch, tag or commit (fetch it first in a shallow CI clone)",
        ) from None
    names: list[str] = []
    try:
        for args in (
            ("diff", "--name-only", "-z", "--diff-filter=d", f"{ref}...HEAD", "--"),
            ("diff", "--name-only", "-z", "--diff-filter=d", "HEAD", "--"),
            ("ls-files", "-z", "--others", "--exclude-standard"),
        ):
            names += git(*args, where=top).split("\0")
    except _GitFailed as exc:
        raise UsageError(f"--changed-since {ref}: git failed: {exc}") from None
    return {(top / name).resolve() for name in names if name and (top / name).is_file()}


class _GitFailed(Exception):
    """A git command exited non-zero (its message is git's standard error)."""


class _CallableModule(types.ModuleType):
    """``synthgate.audit`` is this module and, once imported, the package attribute too: called,
    it is :func:`synthgate.run.audit`, so that ``synthgate.audit(paths)`` means one thing."""

    def __call__(self, *args: Any, **kwargs: Any) -> Report:
        from synthgate.run import audit

        return audit(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

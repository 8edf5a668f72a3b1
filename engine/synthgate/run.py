"""One audit run, the same for the command line and the library.

:class:`Run` owns everything between settings and an outcome: the configuration (found or
named), the central waivers file, the baseline, discovery and the project context,
``select``/``ignore``, the reporters fed by one pass over the manifests, outputs written whole
or not at all, and the tally. ``synthgate audit`` maps its flags to :class:`RunSettings` and
the :class:`RunOutcome` to an exit code; :func:`audit` is the library's way in::

    report = synthgate.audit("datasets/", select=["SG1"])
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TextIO

from synthgate.errors import InputError, SynthgateError, UsageError

if TYPE_CHECKING:
    from synthgate.audit import Audit, ManifestFile, ProjectContext, Tally
    from synthgate.baseline import Baseline
    from synthgate.config import FailOn, Settings
    from synthgate.models import ManifestResult, Report, Totals, Verdict
    from synthgate.plugins import PluginHost
    from synthgate.reporter_contract import Reporter, ReporterSpec

__all__ = [
    "PROGRESS_THRESHOLD",
    "Overrides",
    "PlannedOutput",
    "RuleCount",
    "Run",
    "RunOutcome",
    "RunSettings",
    "audit",
    "library_settings",
    "plan_outputs",
    "render_statistics",
    "resolve",
    "show_progress",
    "write_failure_reports",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Overrides:
    """Values that take precedence over the configuration file (the command line's flags);
    None leaves a key to the file or its default."""

    policy: str | None = None
    fail_on: FailOn | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    jobs: int | None = None
    max_file_size: int | None = None
    format: tuple[str, ...] | None = None
    waivers: str | None = None
    measure: bool | None = None
    engine: str | None = None

    def replace(self, **changes: Any) -> Overrides:
        """A copy with ``changes``."""
        import dataclasses

        return dataclasses.replace(self, **changes)

    def by_key(self) -> dict[str, Any]:
        """The overrides by configuration key (``fail-on``), as :func:`resolve_settings`
        takes them."""
        values = {
            "policy": self.policy,
            "fail-on": self.fail_on,
            "select": self.select,
            "ignore": self.ignore,
            "jobs": self.jobs,
            "max-file-size": self.max_file_size,
            "format": self.format,
            "waivers": self.waivers,
            "measure": self.measure,
            "engine": self.engine,
        }
        return {key: list(v) if isinstance(v, tuple) else v for key, v in values.items()}


@dataclass(frozen=True, slots=True, kw_only=True)
class RunSettings:
    """What one run is asked to do: the configuration to use and what the command line (or
    the caller) adds to it."""

    paths: tuple[str, ...] = ()
    """Manifest files and directories (none: the current directory)."""
    config_file: str | None = None
    """The configuration file (None: found from the current directory)."""
    no_config: bool = False
    """Read no configuration file."""
    overrides: Overrides = field(default_factory=Overrides)
    output: str | None = None
    """Where the one format without ``=PATH`` goes instead of standard output."""
    changed_since: str | None = None
    """Audit only manifests changed since this git revision."""
    context: ProjectContext = "read"
    """What cross-manifest rules learn of the project's other manifests: ``read`` them,
    only ``count`` them (``--no-context``), or ``none`` (see :attr:`Audit.project`)."""
    show_passes: bool = False
    verbose: bool = False
    """Skip notes for files found in directories, and the facts each manifest was judged on."""
    color: bool | None = None
    """Colour output (None: on a terminal, unless ``NO_COLOR`` is set)."""
    ignore_waivers: bool = False
    baseline: str | None = None
    """Report only findings this baseline file does not know."""
    write_baseline: str | None = None
    """Record the findings in this baseline file (``-``: standard output)."""
    today: _dt.date | None = None
    """The day ratchets and waiver expiry are judged on (None: the current date)."""
    cache: bool = True
    """With ``measure``: use the measurement cache."""
    progress: bool | None = None
    """Show progress on standard error, of the audit and of ``measure`` (None: see
    :func:`show_progress`)."""
    statistics: bool = False
    """Count the findings of each rule (:attr:`RunOutcome.statistics`)."""
    stdin_filename: str | None = None
    """With ``-`` as the one path: the name standard input's manifest is shown and judged by
    (None: ``<stdin>``, read as a manifest in YAML or JSON)."""
    respect_gitignore: bool = True
    """Leave out of directory searches what git ignores."""
    measurements: str | None = None
    """A file of measurements ``synthgate measure --format json`` wrote, judged instead of
    measuring."""


@dataclass(frozen=True, slots=True)
class PlannedOutput:
    """One output format and where it goes (None: standard output)."""

    spec: ReporterSpec
    path: str | None


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What a run came to: totals and verdict, files that could not be audited, and what
    went wrong with plugins and outputs. :attr:`exit_code` is the command line's."""

    totals: Totals
    verdict: Verdict
    fail_on: FailOn
    errors: tuple[InputError, ...] = ()
    """One per file that could not be audited, in input order."""
    reporter_failures: tuple[str, ...] = ()
    """Output formats that crashed (their outputs were not written)."""
    nothing_audited: bool = False
    """No manifest was audited although some were found (never a pass)."""
    found_nothing: bool = False
    """The directories searched hold no manifest: a warning (in :attr:`notes`), and the
    outputs say so with an empty report, exit code 0."""
    wrote_baseline: str | None = None
    report: Report | None = None
    """The whole report, when the run was asked to keep it."""
    notes: tuple[str, ...] = ()
    """Warnings, notes and errors of the run, as the command line prints them on standard
    error."""
    statistics: tuple[RuleCount, ...] = ()
    """With :attr:`RunSettings.statistics`: the findings of each rule that gave any, most
    first (active waivers' and passes left out)."""
    stdout_format: str | None = None
    """The output format written to standard output, if one was."""

    @property
    def crashed(self) -> int:
        """Checks that crashed (``error`` findings)."""
        return self.totals.findings["error"]

    @property
    def exit_code(self) -> int:
        """0 nothing at or above ``fail_on``; 1 findings at or above it; 2 a file could not
        be audited, or nothing was; 3 an output format or (unless ``fail_on`` is ``never``) a
        check crashed."""
        from synthgate.models import verdict_rank

        if self.errors or self.nothing_audited:
            return 2
        if self.reporter_failures:
            return 3
        if self.crashed:
            return 0 if self.fail_on == "never" else 3
        if self.fail_on != "never" and verdict_rank(self.verdict) >= verdict_rank(self.fail_on):
            return 1
        return 0


@dataclass(frozen=True, slots=True)
class RuleCount:
    """The findings one rule gave in a run, by verdict (``audit --statistics``)."""

    code: str
    name: str
    verdicts: Mapping[Verdict, int]

    @property
    def total(self) -> int:
        """Findings of every verdict."""
        return sum(self.verdicts.values())


PROGRESS_THRESHOLD = 300
"""Audits of more manifests than this show a progress bar on a terminal."""


def show_progress(
    steps: int,
    stream: TextIO,
    setting: bool | None = None,
    environ: Mapping[str, str] | None = None,
) -> bool:
    """Whether a run of ``steps`` manifests shows a progress bar on ``stream``: as
    ``setting`` says (``--progress``/``--no-progress``), else only for more than
    :data:`PROGRESS_THRESHOLD` manifests, on a terminal, outside CI (``CI`` set to anything
    but ``false`` or ``0``) and not on a ``TERM=dumb`` terminal."""
    if setting is not None:
        return setting
    env = os.environ if environ is None else environ
    if steps <= PROGRESS_THRESHOLD:
        return False
    if env.get("CI", "").strip().lower() not in ("", "0", "false") or env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except ValueError:  # a closed stream
        return False


class Run:
    """One audit run (see :mod:`synthgate.run`). ``notify`` receives each warning or note
    as it happens and ``errors`` each error (both: as the command line prints them on
    standard error; errors go to ``notify`` when ``errors`` is None); ``stdout`` is where
    formats without a file go; ``stderr`` where the progress bar goes; ``stdin`` the bytes
    ``-`` reads."""

    def __init__(
        self,
        settings: RunSettings,
        host: PluginHost | None = None,
        *,
        notify: Callable[[str], None] | None = None,
        errors: Callable[[str], None] | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        stdin: BinaryIO | None = None,
    ) -> None:
        self.settings = settings
        self._host = host
        self._notes: list[str] = []
        self._notify = notify
        self._errors = errors
        self._stdout = stdout
        self._stderr = stderr
        self._stdin = stdin
        self._writing = False

    @property
    def host(self) -> PluginHost:
        """The plugins of the run (loaded on first use unless given)."""
        if self._host is None:
            from synthgate.plugins import load_plugins

            self._host = load_plugins()
        return self._host

    def note(self, text: str) -> None:
        """Record a warning or note and pass it on."""
        self._notes.append(text)
        if self._notify is not None:
            self._notify(text)

    def error(self, text: str) -> None:
        """Record an error (a file that could not be audited) and pass it on."""
        self._notes.append(text)
        tell = self._errors if self._errors is not None else self._notify
        if tell is not None:
            tell(text)

    def execute(self, *, keep_report: bool = False) -> RunOutcome:
        """Audit, feed every output, and tally. Usage, configuration, policy and baseline
        errors raise (:class:`UsageError`, :class:`InputError`) before anything is written; a
        manifest that cannot be read is an error of the outcome and the rest are audited.
        ``keep_report``: keep the whole report in the outcome (memory grows with the run).

        On any of these errors, the formats that write a file even then (``sarif``, see
        :meth:`Reporter.failure_report`) write it before the error is raised or returned."""
        self._writing = False
        try:
            return self._execute(keep_report)
        except SynthgateError as exc:
            if not self._writing:  # an output that cannot be written is no input error
                self.report_failure([exc])
            raise

    def report_failure(self, errors: Sequence[SynthgateError]) -> None:
        """Write the failure reports of a run that stopped on ``errors`` before its audit (as
        :meth:`execute` does; for a caller whose own checks of the settings failed)."""
        self._failure_reports(errors, None)

    def _failure_reports(
        self, errors: Sequence[SynthgateError], inputs: Mapping[Path, str] | None
    ) -> None:
        """Write the failure reports (:func:`write_failure_reports`) of ``errors``, never over
        ``inputs`` (None: over none of the files the settings name)."""
        run = self.settings
        formats: Sequence[str] = run.overrides.format or ()
        settings: Settings | None = None
        try:  # the configuration's formats, unless the configuration is what is wrong
            settings = resolve(run.config_file, run.no_config, run.overrides)
            formats = settings.format
        except SynthgateError:
            pass
        if inputs is None:
            inputs = _named_inputs(run, settings)
        write_failure_reports(formats, run.output, errors, self.host, inputs, notify=self.note)

    def _execute(self, keep_report: bool) -> RunOutcome:
        run = self.settings
        today = run.today if run.today is not None else _dt.date.today()
        baseline = _load_baseline(run.baseline)
        settings = resolve(run.config_file, run.no_config, run.overrides)
        waivers = _waivers_path(settings, run.ignore_waivers)
        outputs = plan_outputs(settings.format, run.output, self.host)
        _check_baseline_output(run.write_baseline, outputs)
        stdin = _stdin_path(run.paths, run.stdin_filename)
        with contextlib.ExitStack() as cleanup:
            audit = self._audit(settings, outputs, today, waivers)
            if stdin is not None:
                items = [self._stdin_item(audit, stdin, settings, cleanup)]
            else:
                items = self._items(audit, settings)
            if run.measurements is not None and items:
                from synthgate.measure.command import load_measurements

                audit.measurements = load_measurements(Path(run.measurements), audit, items)
            elif settings.measure and items:
                from synthgate.measure.command import measure_files

                audit.measurements = measure_files(
                    audit, items, cache=run.cache, progress=run.progress, engine=settings.engine
                )
            inputs = _run_inputs(audit, settings, items, waivers, run.baseline)
            stream = _Stream(self, audit, settings, outputs, baseline, keep_report)
            self._writing = True
            stream.write(items, inputs)
            self._writing = False
            if stream.errors:
                self._failure_reports(stream.errors, inputs)
        tally = stream.tally
        to_stdout = [output.spec.name for output in outputs if output.path is None]
        return RunOutcome(
            totals=tally.totals(),
            verdict=tally.verdict(),
            fail_on=settings.fail_on,
            errors=tuple(stream.errors),
            reporter_failures=tuple(self.host.reporter_failures()),
            nothing_audited=bool(items) and not tally.manifests and run.changed_since is None,
            found_nothing=not items and run.changed_since is None,
            wrote_baseline=run.write_baseline if stream.succeeded else None,
            report=stream.report(audit) if keep_report else None,
            notes=tuple(self._notes),
            statistics=stream.rule_counts() if run.statistics else (),
            stdout_format=to_stdout[0] if to_stdout else None,
        )

    def _stdin_item(
        self, audit: Audit, shown: str, settings: Settings, cleanup: contextlib.ExitStack
    ) -> ManifestFile:
        """The manifest on standard input, saved to a temporary file named like
        ``--stdin-filename`` (adapters read files, and choose by name) that the audit reads in
        place of the file it is shown as."""
        import tempfile

        from synthgate.audit import ManifestFile

        raw = _read_stdin(self._stdin, shown, settings.max_file_size)
        name = Path(shown).name if self.settings.stdin_filename is not None else "stdin.yaml"
        directory = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="synthgate-")))
        saved = directory / name
        saved.write_bytes(raw)
        audit.read_from[shown] = saved
        return ManifestFile(Path(shown), shown, explicit=True)

    def _audit(
        self,
        settings: Settings,
        outputs: Sequence[PlannedOutput],
        today: _dt.date,
        waivers: Path | None,
    ) -> Audit:
        from synthgate.audit import Audit
        from synthgate.documents import Limits

        wants_passes = any(output.spec.load().wants_passes for output in outputs)
        audit = Audit.create(
            settings.policy,
            host=self.host,
            limits=Limits(max_bytes=settings.max_file_size),
            keep_passes=self.settings.show_passes or wants_passes,
            select=settings.select,
            ignore=settings.ignore,
            include=settings.include,
            exclude=settings.exclude,
            base=settings.base,
            per_path_ignores=settings.per_path_ignores,
            today=today,
            waivers=waivers,
            ignore_waivers=self.settings.ignore_waivers,
            project=self.settings.context,
        )
        audit.respect_gitignore = self.settings.respect_gitignore
        from synthgate.escaping import printable

        for message in self.host.errors():
            self.note(f"warning: {printable(message)} (left out; see 'synthgate plugins')")
        return audit

    def _items(self, audit: Audit, settings: Settings) -> list[ManifestFile]:
        """The manifests to audit: discovered, then narrowed by ``changed_since``."""
        run = self.settings
        if run.stdin_filename is not None:
            raise UsageError(
                "--stdin-filename names the manifest read from standard input, and no path is '-'",
                "give '-' as the one path: cat m.yaml | synthgate audit - --stdin-filename m.yaml",
            )
        items = audit.discover(list(run.paths) or ["."])
        if run.verbose:
            for skipped in audit.skipped:
                self.note(f"note: {skipped.render()}")
        if not items:  # a repository without manifests yet passes, as ruff's empty runs do
            globs = ", ".join(settings.include or (g for a in audit.adapters for g in a.globs))
            self.note(
                "warning: no manifests found in " + ", ".join(run.paths or (".",)) + "; name "
                f"manifest files, or put manifests named like {globs} in the directories"
            )
            return items
        if run.changed_since is not None:
            from synthgate.audit import changed_files

            changed = changed_files(run.changed_since)
            items = [item for item in items if item.path.resolve() in changed]
            if not items:
                self.note(f"synthgate: no manifest changed since {run.changed_since}")
        return items


class _Stream:
    """One pass over the manifests: every result filtered through the baseline, tallied and
    fed to every reporter; outputs committed only when the whole run succeeded."""

    def __init__(
        self,
        run: Run,
        audit: Audit,
        settings: Settings,
        outputs: Sequence[PlannedOutput],
        baseline: Baseline | None,
        keep_report: bool,
    ) -> None:
        from synthgate.audit import Tally

        self.owner = run
        self.audit = audit
        self.settings = settings
        self.outputs = outputs
        self.baseline = baseline
        self.tally: Tally = Tally()
        self.errors: list[InputError] = []
        self.succeeded = False
        self.recorded: list[ManifestResult] = []  # what --write-baseline records
        self.kept: list[ManifestResult] | None = [] if keep_report else None
        self.reporters: list[tuple[Reporter, bool]] = []  # (reporter, wants passes)
        self.items: Sequence[ManifestFile] = ()
        self.by_rule: dict[tuple[str, str], dict[Verdict, int]] = {}  # --statistics

    def write(self, items: Sequence[ManifestFile], inputs: Mapping[Path, str]) -> None:
        from synthgate.outputs import clean_exit_on_signals

        options = self.owner.settings
        opened: list[_Opened] = []
        baseline_out: _Opened | None = None
        with clean_exit_on_signals():  # SIGTERM and SIGHUP, like Ctrl-C, leave no temporary file
            try:
                for output in self.outputs:
                    opened.append(_open_output(output.path, inputs, stdout=self._stdout()))
                if options.write_baseline is not None:
                    refreshed = {k: v for k, v in inputs.items() if v != "baseline"}
                    baseline_out = _open_output(
                        None if options.write_baseline == "-" else options.write_baseline,
                        refreshed,  # refreshing the baseline this run reads is what it is for
                        label="--write-baseline",
                        stdout=self._stdout(),
                    )
                self.items = items
                self._start(opened)
                self._feed(items)
                self._finish(baseline_out)
            finally:  # every output is written whole or not at all, even on Ctrl-C or SIGTERM
                broken = [getattr(reporter, "failed", False) for reporter, _ in self.reporters]
                finishing = [
                    (one.finish, self.succeeded and not (i < len(broken) and broken[i]))
                    for i, one in enumerate(opened)
                ]
                if baseline_out is not None:
                    finishing.append((baseline_out.finish, self.succeeded))
                _finish_outputs(finishing)

    def _stdout(self) -> TextIO:
        return self.owner._stdout if self.owner._stdout is not None else sys.stdout

    def _start(self, opened: Sequence[_Opened]) -> None:
        from synthgate import __version__
        from synthgate.color import wants_color
        from synthgate.reporter_contract import RunInfo

        options = self.owner.settings
        for output, one in zip(self.outputs, opened, strict=True):
            cls = output.spec.load()
            color = wants_color(one.stream, options.color)
            info = RunInfo(
                version=__version__,
                policies=self.audit.policy.packs,
                plugins=self.audit.plugin_infos(),
                color=color,
                verbose=options.show_passes,
                fail_on=self.settings.fail_on,
                rules=tuple(compiled.rule for compiled in self.audit.policy.rules),
                audit=self.audit,
                facts=options.verbose,
            )
            self.reporters.append((cls(one.stream, info), cls.wants_passes))
        for reporter, _ in self.reporters:
            reporter.start()

    def _feed(self, items: Sequence[ManifestFile]) -> None:
        with contextlib.ExitStack() as stack:
            steps = self.audit.progress_steps(items)
            stderr = self.owner._stderr if self.owner._stderr is not None else sys.stderr
            extra: dict[str, Any] = {}
            if show_progress(len(items), stderr, self.owner.settings.progress):
                import click

                bar = stack.enter_context(
                    click.progressbar(length=steps, label="auditing", file=stderr, show_pos=True)
                )
                extra["progress"] = bar.update
            self._feed_results(self.audit.results(items, _jobs(self.settings.jobs), **extra))

    def _feed_results(self, results: Iterable[ManifestResult | InputError]) -> None:
        from synthgate.models import ManifestResult

        options = self.owner.settings
        for result in results:
            if isinstance(result, ManifestResult):
                if options.write_baseline is not None:
                    self.recorded.append(result)
                if self.baseline is not None:
                    result = self.baseline.filter(result)
            self.tally.add(result)
            if options.statistics and isinstance(result, ManifestResult):
                self._count(result)
            if isinstance(result, InputError):
                self.errors.append(result)
                self.owner.error(result.render())
                continue
            without_passes = result
            if not options.show_passes and self.audit.keep_passes:
                without_passes = result.model_copy(
                    update={"findings": [f for f in result.findings if f.verdict != "pass"]}
                )
            for reporter, wants_passes in self.reporters:
                reporter.add(result if options.show_passes or wants_passes else without_passes)
            if self.kept is not None:
                self.kept.append(result if options.show_passes else without_passes)

    def _count(self, result: ManifestResult) -> None:
        for finding in result.findings:
            if finding.verdict != "pass" and not finding.waived:
                counts = self.by_rule.setdefault((finding.rule, finding.name), {})
                counts[finding.verdict] = counts.get(finding.verdict, 0) + 1

    def rule_counts(self) -> tuple[RuleCount, ...]:
        """The findings of each rule, most first, then by code."""
        from synthgate.models import verdict_rank

        counts = [
            RuleCount(code, name, dict(sorted(by.items(), key=lambda kv: -verdict_rank(kv[0]))))
            for (code, name), by in self.by_rule.items()
        ]
        return tuple(sorted(counts, key=lambda c: (-c.total, c.code, c.name)))

    def _finish(self, baseline_out: _Opened | None) -> None:
        from synthgate.baseline import baseline_entries, render_baseline

        for reporter, _ in self.reporters:
            reporter.finish(self.tally.totals(), self.tally.verdict())
        changed_only = self.owner.settings.changed_since is not None
        found_none = not self.items
        self.succeeded = not self.tally.unreadable and (
            self.tally.manifests > 0 or changed_only or found_none
        )
        if self.succeeded and baseline_out is not None:
            baseline_out.stream.write(render_baseline(baseline_entries(self.recorded)))

    def report(self, audit: Audit) -> Report:
        """The whole report of the results kept."""
        from synthgate import __version__
        from synthgate.models import Report

        return Report(
            synthgate=__version__,
            policies=audit.policy.packs,
            plugins=audit.plugin_infos(),
            manifests=self.kept or [],
            totals=self.tally.totals(),
            verdict=self.tally.verdict(),
        )


# --------------------------------------------------------------------------- settings


def resolve(
    config_file: str | None, no_config: bool, overrides: Overrides | None = None
) -> Settings:
    """The effective settings: ``overrides`` over the configuration file (``config_file``, or
    the one found from the current directory unless ``no_config``) over the defaults."""
    from synthgate.config import find_config, load_config, resolve_settings

    if config_file is not None and no_config:
        raise UsageError("--config and --no-config exclude each other")
    config = None
    if config_file is not None:
        config = load_config(Path(config_file))
    elif not no_config:
        found = find_config()
        config = load_config(found) if found is not None else None
    return resolve_settings(config, (overrides or Overrides()).by_key())


def _load_baseline(path: str | None) -> Baseline | None:
    from synthgate.baseline import Baseline
    from synthgate.documents import missing

    if path is None:
        return None
    if (why := missing(path)) is not None:
        raise UsageError(f"baseline '{path}' {why}", "write one first with --write-baseline FILE")
    return Baseline.load(Path(path))


def _waivers_path(settings: Settings, ignore_waivers: bool) -> Path | None:
    """The central waivers file: --waivers, else the 'waivers' key, else one found."""
    from synthgate.documents import missing
    from synthgate.waivers import find_waivers_file

    if ignore_waivers:
        return None
    named = settings.waivers
    if named is not None:
        path = Path(named)
        # Reading one that is there but not a regular file says what it is.
        if (why := missing(path)) is not None:
            raise UsageError(
                f"waivers file '{named}' {why} ({settings.sources['waivers']})",
                "name an existing file, or leave the option out",
            )
        return path
    return find_waivers_file(settings.config.directory if settings.config else None)


def _stdin_path(paths: Sequence[str], stdin_filename: str | None) -> str | None:
    """How the manifest on standard input is shown when ``-`` is the one path (None when no
    path is ``-``)."""
    if "-" not in paths:
        return None
    if len(paths) > 1:
        raise UsageError(
            "'-' reads one manifest from standard input, and is the only path then",
            "audit the other paths in a run of their own",
        )
    if stdin_filename is None:
        return "<stdin>"
    name = Path(stdin_filename).name
    if not stdin_filename.strip() or name in ("", ".", "..") or stdin_filename.endswith("/"):
        raise UsageError(
            f"--stdin-filename '{stdin_filename}' names no file",
            "give the manifest's file name, such as datasets/m.synthgate.yaml",
        )
    return stdin_filename


def _read_stdin(stream: BinaryIO | None, shown: str, max_bytes: int) -> bytes:
    """The bytes on standard input, at most ``max_bytes`` of them (never waiting on a
    terminal)."""
    if stream is None:
        stdin = sys.stdin
        if stdin is None or getattr(stdin, "closed", False):
            raise UsageError("'-' reads standard input, which is closed", _STDIN_HINT)
        if stdin.isatty():
            raise UsageError("'-' reads standard input, which is a terminal", _STDIN_HINT)
        stream = stdin.buffer
    try:
        raw = stream.read(max_bytes + 1)
    except OSError as exc:
        raise InputError.at(
            shown, 1, 1, f"cannot read standard input: {exc.strerror or exc}", _STDIN_HINT
        ) from None
    if len(raw) > max_bytes:
        raise InputError.at(
            shown,
            1,
            1,
            f"standard input is over the limit of {max_bytes:,} bytes",
            "split the manifest, or raise the limit with --max-file-size",
        )
    return raw


_STDIN_HINT = "pipe a manifest in: cat m.yaml | synthgate audit - --stdin-filename m.yaml"


def render_statistics(counts: Sequence[RuleCount]) -> str:
    """``--statistics`` as text: a line per rule (count, code, verdicts, name), then the
    total."""
    if not counts:
        return "no findings\n"
    verdicts = [", ".join(f"{v} {n}" for v, n in c.verdicts.items()) for c in counts]
    if all(len(c.verdicts) == 1 for c in counts):
        verdicts = [next(iter(c.verdicts)) for c in counts]
    width = max(len(str(c.total)) for c in counts)
    code = max(len(c.code) for c in counts)
    shown = max(len(v) for v in verdicts)
    lines = [
        f"{c.total:>{width}}  {c.code:<{code}}  {v:<{shown}}  {c.name}"
        for c, v in zip(counts, verdicts, strict=True)
    ]
    total = sum(c.total for c in counts)
    rules = len(counts)
    lines.append(
        f"{total} finding{'s' if total != 1 else ''} of {rules} rule{'s' if rules != 1 else ''}"
    )
    return "\n".join(lines) + "\n"


def _jobs(configured: int | None) -> int:
    """Worker processes: as configured, but never more than the CPUs (more are never faster
    for this CPU-bound work, only heavier)."""
    cpus = os.cpu_count() or 1
    return min(configured or cpus, cpus)


# --------------------------------------------------------------------------- outputs


def plan_outputs(
    formats: Sequence[str], output: str | None, host: PluginHost
) -> list[PlannedOutput]:
    """Each format's reporter and destination (None: standard output), checked before the
    audit starts: known names, at most one format on standard output, no file twice."""
    from synthgate.errors import did_you_mean

    specs = host.guarded_reporters()  # a crashing format is named, the others go on
    plan: list[PlannedOutput] = []
    for entry in formats:
        name, sep, target = entry.partition("=")
        name = name.strip()
        if name not in specs:
            raise UsageError(f"unknown output format '{name}'", did_you_mean(name, specs))
        if sep and not target:
            raise UsageError(f"'--format {entry}' names no file", f"write '{name}=PATH'")
        plan.append(PlannedOutput(specs[name], target if sep and target != "-" else None))
    to_stdout = [planned.spec.name for planned in plan if planned.path is None]
    if len(to_stdout) > 1:
        raise UsageError(
            f"formats {', '.join(to_stdout)} would all go to standard output",
            "send all but one to files with NAME=PATH, e.g. '--format json=report.json'",
        )
    if output is not None and output != "-":
        if not to_stdout:
            raise UsageError(
                "--output names a file but every format already has its own",
                "leave out --output, or give one format without =PATH",
            )
        plan = [PlannedOutput(p.spec, p.path if p.path is not None else output) for p in plan]
    _no_file_twice(plan)
    return plan


def write_failure_reports(
    formats: Sequence[str],
    output: str | None,
    errors: Sequence[SynthgateError],
    host: PluginHost,
    inputs: Mapping[Path, str] | None = None,
    *,
    notify: Callable[[str], None] | None = None,
) -> None:
    """For a run that ends on ``errors`` (exit code 2), write the file of each format asked
    for whose reporter has a :meth:`~synthgate.plugin.Reporter.failure_report` (``sarif``).

    Destinations are read from ``formats`` and ``output`` as :func:`plan_outputs` reads them,
    but one entry that cannot be planned (an unknown format) spares the others; standard output
    is never written. Each file is written whole or not at all and never over one of
    ``inputs``; a file that cannot be written is passed to ``notify`` as a warning."""
    from synthgate import __version__
    from synthgate.escaping import printable
    from synthgate.outputs import write_text

    try:
        specs = host.guarded_reporters()
    except SynthgateError:
        return
    written: set[Path] = set()
    for entry in formats:
        name, sep, target = entry.partition("=")
        spec = specs.get(name.strip())
        if not sep:
            target = output or ""
        if spec is None or not target or target == "-":
            continue
        try:
            text = spec.load().failure_report(errors, __version__)
            key = Path(os.path.abspath(target))
            if text is None or key in written:
                continue
            write_text(target, text, inputs=inputs)
            written.add(key)
        except SynthgateError as exc:
            if notify is not None:
                notify(f"warning: {spec.name} not written: {printable(exc.render())}")


def _no_file_twice(plan: Sequence[PlannedOutput]) -> None:
    seen: set[Path] = set()
    for planned in plan:
        if planned.path is not None:
            key = Path(planned.path).resolve()
            if key in seen:
                raise UsageError(f"two formats would be written to '{planned.path}'")
            seen.add(key)


def _check_baseline_output(path: str | None, outputs: Sequence[PlannedOutput]) -> None:
    """--write-baseline neither shares standard output nor a file with a format."""
    if path is None:
        return
    for planned in outputs:
        target = planned.path
        if path == "-" and target is None:
            raise UsageError(
                f"--write-baseline - and format {planned.spec.name} would both go to standard "
                "output",
                "send the format to a file with NAME=PATH, or the baseline to a file",
            )
        if path != "-" and target is not None and Path(target).resolve() == Path(path).resolve():
            raise UsageError(
                f"--write-baseline and format {planned.spec.name} would both write '{path}'"
            )


@dataclass(frozen=True, slots=True)
class _Opened:
    """An output being written, and ``finish(ok)`` to call once done, in a ``finally``."""

    stream: TextIO
    finish: Callable[[bool], None]


def _open_output(
    output: str | None, inputs: Mapping[Path, str], label: str = "output", *, stdout: TextIO
) -> _Opened:
    """Where an output goes. None is ``stdout``. A file is written whole or not at all, never
    over one of the run's ``inputs`` (see :mod:`synthgate.outputs`): ``finish(True)`` puts it
    in place and ``finish(False)`` drops it."""
    if output is None:
        return _Opened(stdout, lambda ok: stdout.flush())
    from synthgate.outputs import OutputFile

    file = OutputFile(output, inputs=inputs, label=label)

    def finish(ok: bool) -> None:
        if ok:
            file.commit()
        else:
            file.discard()

    return _Opened(file.stream, finish)


def _finish_outputs(finishing: list[tuple[Callable[[bool], None], bool]]) -> None:
    """Commit (or drop) every output; once one cannot be written, the rest are dropped and
    its error is raised (exit code 2)."""
    error: UsageError | None = None
    for finish, ok in finishing:
        try:
            finish(ok and error is None)
        except UsageError as exc:
            error = exc
    if error is not None:
        raise error


def _named_inputs(run: RunSettings, settings: Settings | None) -> dict[Path, str]:
    """The files a run that stopped before its audit names: manifests, configuration, policy,
    waivers, baseline (what :func:`_run_inputs` would have found, as far as it is known)."""
    inputs: dict[Path, str] = {}
    for path in run.paths:
        if _is_file(path):
            inputs[Path(path)] = "manifest"
    named: dict[str, str | Path | None] = {
        "configuration": settings.config.path if settings and settings.config else run.config_file,
        "policy": settings.policy if settings else run.overrides.policy,
        "waivers file": settings.waivers if settings else run.overrides.waivers,
        "baseline": run.baseline,
    }
    for what, named_path in named.items():
        if named_path is not None and _is_file(named_path):
            inputs.setdefault(Path(named_path), what)
    return inputs


def _is_file(path: str | Path) -> bool:
    """Whether ``path`` is a file; False for a name the system refuses (too long, say)."""
    try:
        return Path(path).is_file()
    except OSError:
        return False


def _run_inputs(
    audit: Audit,
    settings: Settings,
    items: Sequence[ManifestFile],
    waivers: Path | None,
    baseline: str | None,
) -> dict[Path, str]:
    """Every file this audit reads, and what it is: no output may be written over one."""
    inputs: dict[Path, str] = {item.path: "manifest" for item in items}
    for pack in audit.policy.packs:
        if not pack.origin.startswith("pack:"):
            inputs.setdefault(Path(pack.origin), "policy")
    if settings.config is not None:
        inputs.setdefault(settings.config.path, "configuration")
    if waivers is not None:
        inputs.setdefault(waivers, "waivers file")
    if baseline is not None:
        inputs.setdefault(Path(baseline), "baseline")
    return inputs


# --------------------------------------------------------------------------- library


def audit(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] = (),
    *,
    config: str | os.PathLike[str] | Literal[False] | None = None,
    policy: str | os.PathLike[str] | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    fail_on: FailOn | None = None,
    waivers: str | os.PathLike[str] | None = None,
    ignore_waivers: bool = False,
    baseline: str | os.PathLike[str] | None = None,
    context: bool = True,
    changed_since: str | None = None,
    show_passes: bool = False,
    today: _dt.date | None = None,
    formats: Sequence[str] = (),
    jobs: int | None = None,
    host: PluginHost | None = None,
) -> Report:
    """Audit manifests as ``synthgate audit`` does and return the whole report.

    ``paths`` is one file or directory or a list of them (none: the current directory).
    The configuration is found as the command line finds it (``config=False``: none; a path:
    that file), and every keyword overrides it as the flag of the same name does: ``policy``,
    ``select``/``ignore`` (rule codes, code prefixes or names), ``waivers``, ``baseline``,
    ``context`` (``False`` is ``--no-context``), ``changed_since``, ``today``. ``formats`` are
    written as ``--format`` writes them (by default none: the library prints nothing).

    Raises :class:`UsageError` or :class:`InputError` for a mistake in the settings, the
    configuration, the policy, the waivers or the baseline. Manifests that cannot be read do
    not stop the audit: once every other manifest is audited, one :class:`InputError`
    carries the problems of them all. For the outcome itself (exit code, errors and report
    together), use :class:`Run`.
    """
    outcome = Run(
        library_settings(
            paths,
            config=config,
            policy=policy,
            select=select,
            ignore=ignore,
            fail_on=fail_on,
            waivers=waivers,
            ignore_waivers=ignore_waivers,
            baseline=baseline,
            context=context,
            changed_since=changed_since,
            show_passes=show_passes,
            today=today,
            formats=formats,
            jobs=jobs,
        ),
        host,
    ).execute(keep_report=True)
    if outcome.errors:
        raise InputError([p for error in outcome.errors for p in error.problems])
    if outcome.nothing_audited:
        raise UsageError("no manifest was audited", "name manifest files or directories")
    assert outcome.report is not None
    return outcome.report


def library_settings(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] = (),
    *,
    config: str | os.PathLike[str] | Literal[False] | None = None,
    policy: str | os.PathLike[str] | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    fail_on: FailOn | None = None,
    waivers: str | os.PathLike[str] | None = None,
    ignore_waivers: bool = False,
    baseline: str | os.PathLike[str] | None = None,
    context: bool = True,
    changed_since: str | None = None,
    show_passes: bool = False,
    today: _dt.date | None = None,
    formats: Sequence[str] = (),
    jobs: int | None = None,
) -> RunSettings:
    """The :class:`RunSettings` of :func:`audit`'s arguments (same meaning), checked as the
    command line checks its flags."""
    from synthgate.config import split_selectors

    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    return RunSettings(
        paths=tuple(os.fspath(p) for p in paths),
        config_file=os.fspath(config) if config else None,
        no_config=config is False,
        overrides=Overrides(
            policy=os.fspath(policy) if policy is not None else None,
            fail_on=fail_on,
            select=tuple(split_selectors(select, "select")) if select else None,
            ignore=tuple(split_selectors(ignore, "ignore")) if ignore else None,
            jobs=jobs,
            format=tuple(formats),
            waivers=os.fspath(waivers) if waivers is not None else None,
        ),
        changed_since=changed_since,
        context="read" if context else "count",
        show_passes=show_passes,
        ignore_waivers=ignore_waivers,
        baseline=os.fspath(baseline) if baseline is not None else None,
        today=today,
    )

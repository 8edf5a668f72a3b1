"""The contract of reporters: output formats fed one manifest at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TextIO

from synthgate.models import (
    Manifest,
    ManifestResult,
    PluginInfo,
    PolicyInfo,
    Report,
    Rule,
    Totals,
    Verdict,
)

if TYPE_CHECKING:
    from synthgate.audit import Audit
    from synthgate.documents import Document
    from synthgate.errors import SynthgateError

__all__ = ["Reporter", "ReporterSpec", "RunInfo", "WholeReportReporter"]


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What a reporter knows before the first manifest arrives."""

    version: str
    policies: list[PolicyInfo]
    plugins: list[PluginInfo]
    color: bool = False
    verbose: bool = False
    fail_on: str = "fail"
    rules: tuple[Rule, ...] = ()
    """Every rule of the policy in force, in policy order (for formats that describe rules)."""
    audit: Audit | None = None
    """The audit that makes the results (its policy, today's date, the central waivers), for
    formats that describe the data itself; None when the results come from elsewhere."""

    def read_manifest(self, path: str) -> tuple[Manifest, Document] | None:
        """The manifest a result was made from, read again from its ``path`` through the
        audit's adapters, with its document (for line numbers); None without an audit or when
        the file can no longer be read as a manifest."""
        if self.audit is None:
            return None
        from synthgate.audit import ManifestFile
        from synthgate.errors import InputError
        from synthgate.validation import validate_model

        try:
            document = self.audit.read(ManifestFile(Path(path), path, explicit=True))
            return validate_model(Manifest, document.data, document), document
        except InputError:
            return None

    facts: bool = False
    """Show the facts each manifest was judged on (``audit --verbose``), for formats that do
    not always carry them (the JSON report always does)."""


class Reporter:
    """An output format. Results arrive in a deterministic order, one manifest at a time,
    so that a format that can stream never holds a large audit in memory."""

    wants_passes: ClassVar[bool] = False
    """True if ``add`` should receive pass findings too (they are left out otherwise)."""

    def __init__(self, out: TextIO, run: RunInfo) -> None:
        self.out = out
        self.run = run

    def start(self) -> None:
        """Called once before the first manifest."""

    def add(self, result: ManifestResult) -> None:
        """Called once per manifest, in order."""

    def finish(self, totals: Totals, verdict: Verdict) -> None:
        """Called once after the last manifest."""

    @classmethod
    def failure_report(cls, errors: Sequence[SynthgateError], version: str) -> str | None:
        """The whole file to write for a run that ends on input errors (exit code 2), or None
        to write nothing (the default): ``errors`` are the usage, configuration, policy and
        manifest errors of the run, as the command line prints them; ``version`` is
        synthgate's. Called instead of the other methods, for a format sent to a file."""
        return None


class WholeReportReporter(Reporter):
    """A format that needs the whole report at once: implement :meth:`render`."""

    def __init__(self, out: TextIO, run: RunInfo) -> None:
        super().__init__(out, run)
        self._results: list[ManifestResult] = []

    def add(self, result: ManifestResult) -> None:
        self._results.append(result)

    def finish(self, totals: Totals, verdict: Verdict) -> None:
        report = Report(
            synthgate=self.run.version,
            policies=self.run.policies,
            plugins=self.run.plugins,
            manifests=self._results,
            totals=totals,
            verdict=verdict,
        )
        self.out.write(self.render(report))

    def render(self, report: Report) -> str:
        """The whole output as text."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class ReporterSpec:
    """A registered output format; ``load`` imports its implementation only when it is used."""

    name: str
    summary: str
    load: Callable[[], type[Reporter]] = field(repr=False)

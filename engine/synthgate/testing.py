"""A pytest plugin for policy and plugin authors: case files as tests, and audit fixtures.

Installed with synthgate (entry point ``pytest11``), it

- collects every ``*.cases.yaml`` file pytest finds as tests, one per case (see
  :mod:`synthgate.casetests` for the format), so that ``pytest`` runs the same cases as
  ``synthgate test``;
- provides the fixtures ``synthgate_audit`` (audit inline manifests and policies in-process),
  ``synthgate_plugin`` (register a plugin object for one test) and ``synthgate_cases`` (load a
  case file and run its cases).

Nothing here is imported until pytest asks for it: the module stays cheap to load in every
pytest run of every project that has synthgate installed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from synthgate.casetests import Case, CaseFile, CaseResult, CaseRunner
    from synthgate.models import Finding, ManifestResult
    from synthgate.plugins import PluginHost
    from synthgate.policy import LoadedPolicy

__all__ = [
    "AuditRun",
    "CaseFailed",
    "host_with",
    "pytest_collect_file",
    "synthgate_audit",
    "synthgate_cases",
    "synthgate_plugin",
]

_SUFFIXES = (".cases.yaml", ".cases.yml")


def host_with(plugins: Sequence[tuple[str, object]] = ()) -> PluginHost:
    """The installed plugins (as ``synthgate`` loads them, honouring the environment) plus
    ``plugins``: (name, plugin object) pairs registered in-process."""
    from synthgate.plugins import PluginHost, PluginRecord, load_plugins

    host = load_plugins()
    if not plugins:
        return host
    records = list(host.records)
    for name, plugin in plugins:
        host.pm.register(plugin, name=name)
        records.append(PluginRecord(name, name, "0", builtin=False))
    host.pm.check_pending()
    combined = PluginHost(host.pm, records)
    combined._fill_hooks()
    return combined


# --------------------------------------------------------------------------- case files


class CaseFailed(Exception):
    """A case whose verdicts differ from its expectations."""

    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.explain())
        self.result = result


_RUNNERS: dict[tuple[str, str], CaseRunner] = {}


def _runner() -> CaseRunner:
    """One runner per plugin environment, so that the policies load once per session."""
    from synthgate.casetests import CaseRunner

    key = (
        os.environ.get("SYNTHGATE_BUILTIN_PLUGINS_ONLY", ""),
        os.environ.get("SYNTHGATE_DISABLED_PLUGINS", ""),
    )
    runner = _RUNNERS.get(key)
    if runner is None:
        runner = _RUNNERS[key] = CaseRunner(host_with())
    return runner


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect ``*.cases.yaml`` files."""
    if file_path.name.endswith(_SUFFIXES):
        collector: pytest.Collector = CaseFileCollector.from_parent(parent, path=file_path)
        return collector
    return None


class CaseFileCollector(pytest.File):
    """A case file: one test item per case."""

    def collect(self) -> Iterator[CaseItem]:
        """Read the file; a mistake in it is a collection error with file:line:column."""
        from synthgate.casetests import load_case_file
        from synthgate.errors import SynthgateError
        from synthgate.paths import display_path

        try:
            case_file = load_case_file(self.path, display_path(self.path))
            _runner().check_expectations(case_file)  # a rule the policy lacks: a file error
        except SynthgateError as exc:
            raise self.CollectError(exc.render()) from None
        for case in case_file.cases:
            yield CaseItem.from_parent(self, name=case.name, case=case)


class CaseItem(pytest.Item):
    """One case of a case file."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        """Audit the case's manifests and compare the verdicts with its expectations."""
        result = _runner().run(self.case)
        if not result.ok:
            raise CaseFailed(result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        """Expected versus actual for a failed case; the error text for a bad case file."""
        from synthgate.errors import SynthgateError

        if isinstance(excinfo.value, CaseFailed):
            return f"{self.case.where}: case '{self.case.name}'\n{excinfo.value}"
        if isinstance(excinfo.value, SynthgateError):
            return excinfo.value.render()
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the case is, for pytest's report."""
        return self.path, self.case.line - 1, f"case: {self.case.name}"


# --------------------------------------------------------------------------- fixtures


@dataclass
class AuditRun:
    """The results of an in-process audit, with helpers to ask about one rule."""

    results: list[ManifestResult]
    policy: LoadedPolicy

    @property
    def findings(self) -> list[Finding]:
        """Every finding of every manifest, passes included."""
        return [f for result in self.results for f in result.findings]

    def _code(self, rule: str) -> str:
        compiled = self.policy.rule(rule)
        if compiled is None:
            raise ValueError(f"'{rule}' names no rule of policy '{self.policy.name}'")
        return compiled.rule.code

    def findings_of(self, rule: str) -> list[Finding]:
        """The findings of one rule (by code or name)."""
        code = self._code(rule)
        return [f for f in self.findings if f.rule == code]

    def verdict(self, rule: str) -> str:
        """The worst verdict of one rule (by code or name), or ``none`` if it did not apply."""
        from synthgate.models import worst_verdict

        found = self.findings_of(rule)
        return worst_verdict(f.verdict for f in found) if found else "none"


@dataclass
class _Plugins:
    registered: list[tuple[str, object]] = field(default_factory=list)

    def __call__(self, plugin: object, name: str | None = None) -> object:
        self.registered.append((name or f"inline-{len(self.registered) + 1}", plugin))
        return plugin


@pytest.fixture
def synthgate_plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., object]]:
    """Register a plugin object (a module, class or instance with ``@hookimpl`` functions)
    for the rest of the test: ``synthgate_plugin(MyPlugin(), name="mine")``.

    It takes part in ``synthgate_audit`` and in ``synthgate.cli.main`` calls made in-process.
    """
    import synthgate.cli as cli

    plugins = _Plugins()

    class _Host:
        """Stands in for the CLI's cached plugin host."""

        def __call__(self) -> PluginHost:
            return host_with(plugins.registered)

        def cache_clear(self) -> None:
            """Nothing is cached: every call sees the plugins registered so far."""

    monkeypatch.setattr(cli, "_host", _Host())
    yield plugins
    plugins.registered.clear()


@pytest.fixture
def synthgate_audit(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[..., AuditRun]:
    """Audit manifests in-process: ``synthgate_audit(manifest, policy=..., today=...)``.

    ``manifest`` is a mapping, YAML text, a path, or a list of them (audited together, so that
    cross-manifest rules relate them); ``policy`` a pack name, a path, or an inline mapping
    (``extends`` works from it by pack name). Plugins registered with ``synthgate_plugin``
    take part. An invalid manifest or policy raises the same error ``synthgate`` reports.
    """
    import datetime as _dt

    from synthgate.audit import Audit

    registered: list[tuple[str, object]] = []
    if "synthgate_plugin" in request.fixturenames:
        registered = request.getfixturevalue("synthgate_plugin").registered

    def audit(
        manifest: Any,
        *,
        policy: str | Path | Mapping[str, Any] | None = None,
        today: _dt.date | None = None,
    ) -> AuditRun:
        from synthgate.errors import InputError
        from synthgate.models import ManifestResult

        host = host_with(registered)
        runner = Audit.create(
            _policy_ref(policy, tmp_path), host=host, keep_passes=True, today=today
        )
        items = manifest if isinstance(manifest, list) else [manifest]
        documents = [_document(item, k) for k, item in enumerate(items, start=1)]
        results = runner.audit_documents(documents)
        errors = [r for r in results if isinstance(r, InputError)]
        if errors:
            raise InputError([p for e in errors for p in e.problems])
        return AuditRun([r for r in results if isinstance(r, ManifestResult)], runner.policy)

    return audit


def _policy_ref(policy: str | Path | Mapping[str, Any] | None, tmp_path: Path) -> str | None:
    if policy is None or isinstance(policy, str):
        return policy
    if isinstance(policy, Path):
        return str(policy)
    import yaml

    path = tmp_path / f"inline-policy-{len(list(tmp_path.glob('inline-policy-*')))}.yaml"
    path.write_text(yaml.safe_dump(dict(policy), sort_keys=False), encoding="utf-8")
    return str(path)


def _document(item: Any, number: int) -> Any:
    from synthgate.documents import parse_text, read_document

    if isinstance(item, Path):
        return read_document(item)
    if isinstance(item, str):
        return parse_text(item, f"inline-{number}.yaml")
    import yaml

    text = yaml.safe_dump(item, sort_keys=False, allow_unicode=True)
    return parse_text(text, f"inline-{number}.yaml")


@pytest.fixture
def synthgate_cases() -> Callable[[str | Path], list[CaseResult]]:
    """Load a case file and run every case: ``for r in synthgate_cases(path): assert r.ok``.

    Handy to drive a parametrised test from a case file kept elsewhere than pytest collects.
    """

    def run(path: str | Path) -> list[CaseResult]:
        from synthgate.casetests import load_case_file

        case_file: CaseFile = load_case_file(Path(path))
        return _runner().run_file(case_file)

    return run

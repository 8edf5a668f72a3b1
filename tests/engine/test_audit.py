"""Audits: discovery, adapters, and the same results in worker processes as in one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synthgate.audit import PARALLEL_THRESHOLD, Audit, Tally, audit_paths
from synthgate.errors import InputError, UsageError
from synthgate.models import ManifestResult, Totals
from synthgate.plugins import load_plugins
from tests.conftest import FIXTURES

CLI = FIXTURES / "cli"


def _batch(tmp_path: Path, count: int) -> Path:
    names = ["pass", "fail", "warn"]
    for i in range(count):
        name = names[i % 3]
        shutil.copy(CLI / f"{name}.synthgate.yaml", tmp_path / f"m{i:04d}.synthgate.yaml")
    shutil.copy(CLI / "bad.synthgate.yaml", tmp_path / "m0100.synthgate.yaml")
    return tmp_path


def _summary(result: ManifestResult | InputError) -> str:
    if isinstance(result, InputError):
        return result.render()
    return result.model_dump_json()


def test_worker_processes_give_the_same_results_in_the_same_order(tmp_path: Path) -> None:
    audit = Audit.create(host=load_plugins(builtin_only=True))
    items = audit.discover([str(_batch(tmp_path, PARALLEL_THRESHOLD + 10))])
    assert len(items) >= PARALLEL_THRESHOLD
    serial = [_summary(r) for r in audit.results(items, jobs=1)]
    parallel = [_summary(r) for r in audit.results(items, jobs=2)]
    assert parallel == serial
    assert sum("unknown field 'recrods'" in s for s in parallel) == 1


def test_discovery_is_sorted_and_skips_hidden_directories(tmp_path: Path) -> None:
    skipped = (".hidden", ".git", ".tox", "node_modules", "__pycache__")
    for folder in ("b", *skipped):
        (tmp_path / folder).mkdir()
    for folder in ("b", ".", *skipped):
        shutil.copy(CLI / "pass.synthgate.yaml", tmp_path / folder / "x.synthgate.yaml")
    (tmp_path / "notes.yaml").write_text("dataset: {}\n")  # not a manifest name
    audit = Audit.create(host=load_plugins(builtin_only=True))
    found = [item.path.relative_to(tmp_path).as_posix() for item in audit.discover([str(tmp_path)])]
    assert found == ["x.synthgate.yaml", "b/x.synthgate.yaml"]


def test_a_named_file_no_adapter_reads_is_an_input_error(tmp_path: Path) -> None:
    other = tmp_path / "config.yaml"
    other.write_text("name: not a manifest\n")
    audit = Audit.create(host=load_plugins(builtin_only=True))
    (result,) = list(audit.results(audit.discover([str(other)])))
    assert isinstance(result, InputError)
    assert "not a manifest any installed adapter can read" in result.render()


def test_a_discovered_file_no_adapter_reads_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "data.synthgate.yaml").write_text("datset: {name: typo}\n")  # misspelt
    (tmp_path / "notes.synthgate.txt").write_text("not matched, so not read\n")
    audit = Audit.create(host=load_plugins(builtin_only=True))
    items = audit.discover([str(tmp_path)])
    assert [item.path.name for item in items] == ["data.synthgate.yaml"]
    for jobs in (1, 2):
        (result,) = list(audit.results(items, jobs=jobs))
        assert isinstance(result, InputError)
        (problem,) = result.problems
        assert problem.message == "matches the manifest file pattern but no adapter can read it"
        assert "'dataset' and 'splits'" in problem.hint
        assert "rename it" in problem.hint


def test_a_named_file_with_another_suffix_is_not_read(tmp_path: Path) -> None:
    other = tmp_path / "manifest.txt"
    shutil.copy(CLI / "pass.synthgate.yaml", other)
    audit = Audit.create(host=load_plugins(builtin_only=True))
    (result,) = list(audit.results(audit.discover([str(other)])))
    assert isinstance(result, InputError)
    assert "ending in .yaml, .yml or .json" in result.render()


def test_tally_counts_manifests_findings_and_unreadable_files() -> None:
    audit = Audit.create(host=load_plugins(builtin_only=True))
    names = ["pass", "fail", "warn", "bad"]
    results = list(audit.results(audit.discover([str(CLI / f"{n}.synthgate.yaml") for n in names])))
    tally = Tally()
    assert tally.verdict() == "pass"
    assert tally.totals() == Totals(
        manifests=0, findings=dict.fromkeys(("pass", "warn", "fail", "error"), 0)
    )
    for result in results[:3]:
        tally.add(result)
    readable = [r for r in results[:3] if isinstance(r, ManifestResult)]
    totals = tally.totals()
    assert totals.manifests == 3
    assert totals.unreadable == 0
    assert totals.findings == {
        v: sum(r.counts[v] for r in readable) for v in ("pass", "warn", "fail", "error")
    }
    assert tally.verdict() == "fail"
    tally.add(results[3])
    assert tally.totals().unreadable == 1
    assert tally.verdict() == "error"


def test_audit_paths_returns_a_whole_report() -> None:
    report = audit_paths([str(CLI / "pass.synthgate.yaml"), str(CLI / "fail.synthgate.yaml")])
    assert [m.verdict for m in report.manifests] == ["pass", "fail"]
    assert report.verdict == "fail"
    assert report.totals.manifests == 2
    with pytest.raises(InputError):
        audit_paths([str(CLI / "bad.synthgate.yaml")])
    with pytest.raises(UsageError):
        audit_paths([str(CLI / "missing.synthgate.yaml")])

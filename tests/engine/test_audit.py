"""Audits: discovery, adapters, and the same results in worker processes as in one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synthgate.audit import PARALLEL_THRESHOLD, Audit, audit_paths
from synthgate.errors import InputError, UsageError
from synthgate.models import ManifestResult
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
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for folder in ("b", ".hidden", "."):
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


def test_audit_paths_returns_a_whole_report() -> None:
    report = audit_paths([str(CLI / "pass.synthgate.yaml"), str(CLI / "fail.synthgate.yaml")])
    assert [m.verdict for m in report.manifests] == ["pass", "fail"]
    assert report.verdict == "fail"
    assert report.totals.manifests == 2
    with pytest.raises(InputError):
        audit_paths([str(CLI / "bad.synthgate.yaml")])
    with pytest.raises(UsageError):
        audit_paths([str(CLI / "missing.synthgate.yaml")])

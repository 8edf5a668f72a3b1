"""'synthgate measure' and 'audit --measure' on real GSM8K text: the acceptance of SG8xx.

The training split's one shared file holds 100 human problems, 6 test problems planted among
them, and 40 model-written solutions (with GSM8K's own correctness flags); the test split
holds 120 test problems.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult
from tests.engine.measure.conftest import rows, write_jsonl

Run = Callable[..., CliResult]
PASSED = sum(r["175b_verification"]["is_correct"] for r in rows("example_model_solutions")[:40])
TRUTH: dict[str, Any] = {
    "dataset": {
        "name": "gsm8k-mix",
        "task_type": "math-word-problems",
        "stage": "sft",
        # 6 planted test problems, and a model solution that restates a test question.
        "contamination": {
            "method": "ngram-13",
            "eval_sets": ["gsm8k-test"],
            "flagged_share": 0.0583,
        },
    },
    "splits": [
        {
            "name": "train",
            "data": {
                "files": ["data/train.jsonl"],
                "text": ["question", "answer"],
                "generator_field": "model",
                "verified_field": "check.is_correct",
            },
            "sources": [
                {
                    "id": "problems",
                    "origin": "human",
                    "records": 106,
                    "data": {"where": {"part": "problems"}},
                },
                {
                    "id": "solutions",
                    "origin": "synthetic",
                    "records": 40,
                    "generator": {"name": "gpt-3-175b", "family": "gpt-3"},
                    "generation_depth": 1,
                    "verification": {
                        "method": "exact-answer",
                        "items_checked": 40,
                        "items_passed": PASSED,
                    },
                    "data": {"where": {"part": "solutions"}},
                },
            ],
        },
        {
            "name": "test",
            "sources": [
                {
                    "id": "gsm8k-test",
                    "origin": "human",
                    "records": 120,
                    "data": {"files": ["data/test.jsonl"], "text": ["question", "answer"]},
                }
            ],
        },
    ],
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The data files, in a directory the test runs in."""
    (tmp_path / "data").mkdir()
    train, test = rows("train"), rows("test")
    records = [{"part": "problems", **r, "model": None, "check": None} for r in train[:100]]
    records += [{"part": "problems", **r, "model": None, "check": None} for r in test[:6]]
    for r in rows("example_model_solutions")[:40]:
        solution = r["175b_verification"]
        records.append(
            {
                "part": "solutions",
                "question": "",
                "answer": solution["solution"],
                "model": "gpt-3-175b",
                "check": {"is_correct": solution["is_correct"]},
            }
        )
    write_jsonl(tmp_path / "data" / "train.jsonl", records)
    write_jsonl(tmp_path / "data" / "test.jsonl", test)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(project: Path, manifest: dict[str, Any], name: str = "mix.synthgate.json") -> str:
    (project / name).write_text(json.dumps(manifest, indent=2))
    return name


def sg8(result: CliResult) -> list[dict[str, Any]]:
    report = json.loads(result.out)
    return [f for m in report["manifests"] for f in m["findings"] if f["rule"].startswith("SG8")]


def test_a_manifest_that_declares_the_truth_passes_sg8xx(project: Path, run_cli: Run) -> None:
    name = write(project, TRUTH)
    result = run_cli("audit", "--no-config", "--measure", "--select", "SG8", "-f", "json", name)
    assert result.code == 0, result.out + result.err
    report = json.loads(result.out)
    (manifest,) = report["manifests"]
    # SG801 on each of the 3 sources, SG802 to SG805 once each.
    assert manifest["counts"] == {"pass": 7, "warn": 0, "fail": 0, "error": 0}
    assert manifest["measured"]["solutions"]["verified_items"] == PASSED
    assert manifest["measured"]["problems"]["records"] == 106
    files = manifest["measured"]["problems"]["files"]
    assert files[0]["path"] == "data/train.jsonl"
    assert len(files[0]["sha256"]) == 64
    assert files[0]["bytes"] == (project / "data" / "train.jsonl").stat().st_size
    exact = next(c for c in manifest["contamination"] if c["recipe"] == "exact")
    assert exact == {
        "eval_source": "gsm8k-test",
        "training_sources": ["problems", "solutions"],
        "recipe": "exact",
        "items": 120,
        "dirty_items": 6,
        "dirty_share": 0.05,
    }
    ngram = next(c for c in manifest["contamination"] if c["recipe"] == "ngram-13")
    assert ngram["dirty_items"] == 7
    evidence = manifest["measurement"]
    assert evidence["engine"] == "duckdb"
    assert evidence["parameters"]["bands"] == 14


def test_an_understated_model_written_share_fails_with_both_numbers(
    project: Path, run_cli: Run
) -> None:
    manifest = json.loads(json.dumps(TRUTH))
    train = manifest["splits"][0]
    train["sources"] = [train["sources"][0]]
    train["sources"][0]["data"]["where"] = {"part": ["problems", "solutions"]}
    train["sources"][0]["records"] = 146
    name = write(project, manifest)
    result = run_cli("audit", "--no-config", "--measure", "--select", "SG802", "-f", "json", name)
    assert result.code == 1
    (finding,) = sg8(result)
    assert finding["verdict"] == "fail"
    # 40 of the 146 training records are model-written (the test split is not training data);
    # the manifest declares none.
    assert "measured: 0.274 (declared: 0)" in finding["message"]
    assert finding["observed"] == {"measured": 0.273973, "declared": 0}


def test_overstated_verified_items_fail_with_both_numbers(project: Path, run_cli: Run) -> None:
    manifest = json.loads(json.dumps(TRUTH))
    manifest["splits"][0]["sources"][1]["verification"]["items_passed"] = 40
    name = write(project, manifest)
    result = run_cli("audit", "--no-config", "--measure", "--select", "SG804", name)
    assert result.code == 1
    assert f"verified_items: measured: {PASSED} (declared: 40)" in result.out
    assert "see also: data/train.jsonl:1:1" in result.out


def test_omitted_planted_test_questions_fail_with_both_numbers(project: Path, run_cli: Run) -> None:
    manifest = json.loads(json.dumps(TRUTH))
    manifest["dataset"]["contamination"]["flagged_share"] = 0
    name = write(project, manifest)
    result = run_cli("audit", "--no-config", "--measure", "--select", "SG805,SG407", name)
    assert result.code == 1
    assert "contamination_flagged_share: measured: 0.05833 (declared: 0)" in result.out
    # The existing contamination rule judges the measured share, and says so.
    assert "SG407" in result.out
    assert "[measured: 0.05833 (declared: 0)]" in result.out


def test_without_measure_the_audit_judges_the_declared_facts(project: Path, run_cli: Run) -> None:
    manifest = json.loads(json.dumps(TRUTH))
    manifest["dataset"]["contamination"]["flagged_share"] = 0
    name = write(project, manifest)
    result = run_cli("audit", "--no-config", "--select", "SG8,SG407", "-f", "json", name)
    report = json.loads(result.out)
    (only,) = report["manifests"]
    assert "measured" not in only
    assert "contamination" not in only
    assert sg8(result) == []
    assert not (project / ".synthgate").exists()


def test_measure_true_in_the_configuration_measures(project: Path, run_cli: Run) -> None:
    manifest = json.loads(json.dumps(TRUTH))
    manifest["splits"][0]["sources"][0]["records"] = 100
    name = write(project, manifest)
    (project / "synthgate.toml").write_text("measure = true\n")
    result = run_cli("audit", "--select", "SG801", name)
    assert result.code == 1
    assert "records: measured: 106 (declared: 100)" in result.out
    assert run_cli("audit", "--no-measure", "--select", "SG801", name).code == 0


def test_the_measure_command_prints_declared_against_measured(project: Path, run_cli: Run) -> None:
    name = write(project, TRUTH)
    result = run_cli("measure", "--no-config", name)
    assert result.code == 0, result.err
    assert "problems    train  106 (declared 106)" in result.out
    assert f"{PASSED}/40 (declared {PASSED})" in result.out
    assert "contamination exact: 6 of 120 items of gsm8k-test" in result.out
    assert result.err == ""  # no progress bar when standard error is not a terminal
    again = run_cli("measure", "--no-config", name)
    assert "(from the cache)" in again.out
    fresh = run_cli("measure", "--no-config", "--no-cache", "--progress", name)
    assert "(from the cache)" not in fresh.out
    assert "measuring: 3/3 files" in fresh.err


def test_the_measure_command_lists_dirty_items_as_json(project: Path, run_cli: Run) -> None:
    name = write(project, TRUTH)
    result = run_cli("measure", "--no-config", "--format", "json", name)
    (manifest,) = json.loads(result.out)["manifests"]
    exact = next(c for c in manifest["contamination"] if c["recipe"] == "exact")
    assert exact["dirty"] == [{"file": "data/test.jsonl", "row": row} for row in range(6)]


def test_a_missing_field_exits_2_at_the_manifest_line(project: Path, run_cli: Run) -> None:
    manifest = json.loads(json.dumps(TRUTH))
    manifest["splits"][1]["sources"][0]["data"]["text"] = ["question", "solution"]
    name = write(project, manifest)
    result = run_cli("audit", "--no-config", "--measure", name)
    assert result.code == 2
    assert result.err.startswith(f"{name}:")
    assert "data/test.jsonl has no field 'solution'" in result.err
    assert not list((project / ".synthgate" / "cache").glob("measure-*"))


def test_the_ray_engine_without_ray_installed_exits_2_with_the_install_hint(
    project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = write(project, TRUTH)
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    result = run_cli("measure", "--no-config", "--engine", "ray", name)
    assert result.code == 2
    assert "the ray engine needs ray, which is not installed" in result.err
    assert "pip install 'synthgate[ray]'" in result.err
    assert not (project / ".synthgate").exists()


def test_engine_ray_in_the_configuration_is_used_and_checked(
    project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = write(project, TRUTH)
    monkeypatch.setitem(sys.modules, "ray", None)
    (project / "synthgate.toml").write_text('engine = "ray"\n')
    assert "the ray engine needs ray" in run_cli("measure", name).err
    (project / "synthgate.toml").write_text('engine = "spark"\n')
    result = run_cli("measure", name)
    assert result.code == 2
    assert "synthgate.toml:1:" in result.err
    assert "expected one of duckdb, ray, got 'spark'" in result.err


def test_an_address_without_the_ray_engine_is_a_usage_error(project: Path, run_cli: Run) -> None:
    name = write(project, TRUTH)
    result = run_cli("measure", "--no-config", "--address", "127.0.0.1:6379", name)
    assert result.code == 2
    assert "--address is for the ray engine" in result.err


@pytest.mark.ray
@pytest.mark.timeout(60)
def test_an_unreachable_ray_address_exits_2_without_hanging(project: Path, run_cli: Run) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    name = write(project, TRUTH)
    result = run_cli(
        "measure", "--no-config", "--engine", "ray", "--address", f"127.0.0.1:{port}", name
    )
    assert result.code == 2
    assert f"cannot reach the Ray cluster at 127.0.0.1:{port}" in result.err
    assert "Traceback" not in result.err


def test_measurements_written_by_measure_are_judged_by_audit(project: Path, run_cli: Run) -> None:
    manifest = json.loads(json.dumps(TRUTH))
    manifest["splits"][0]["sources"][0]["records"] = 100
    name = write(project, manifest)
    written = run_cli("measure", "--no-config", "--format", "json", name)
    (project / "measured.json").write_text(written.out)
    measured = run_cli("audit", "--no-config", "--measure", "--select", "SG8", name)
    carried = run_cli(
        "audit", "--no-config", "--measurements", "measured.json", "--select", "SG8", name
    )
    assert carried.code == measured.code == 1
    assert "records: measured: 106 (declared: 100)" in carried.out
    assert carried.out.replace("(from the cache)", "") == measured.out.replace(
        "(from the cache)", ""
    )


def test_a_measurements_file_that_is_not_measure_json_exits_2(project: Path, run_cli: Run) -> None:
    name = write(project, TRUTH)
    (project / "measured.json").write_text('{"manifests": [{"path": ')
    result = run_cli("audit", "--no-config", "--measurements", "measured.json", name)
    assert result.code == 2
    assert result.err.startswith("measured.json:1:")
    assert "synthgate measure --format json" in result.err
    missing = run_cli("audit", "--no-config", "--measurements", "absent.json", name)
    assert missing.code == 2
    assert "measurements file 'absent.json' does not exist" in missing.err

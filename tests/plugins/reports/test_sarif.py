"""The ``sarif`` format: valid SARIF 2.1.0, every rule described, stable fingerprints."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from synthgate import Finding, Location, ManifestResult, Totals
from synthgate.models import empty_counts
from synthgate.plugin import RunInfo
from synthgate_plugins.reports.sarif import (
    FINGERPRINT,
    SarifReporter,
    artifact_location,
    fingerprint,
)
from tests.conftest import FIXTURES, CliResult
from tests.plugins.reports.builders import (
    audit_fixtures,
    check_golden,
    enter_project,
    portable_sarif,
)

MANIFESTS = ["fail.synthgate.yaml", "pass.synthgate.yaml", "warn.synthgate.yaml"]
SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"


def _audit(run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch) -> CliResult:
    return audit_fixtures(run_cli, monkeypatch, "--format", "sarif")


def _run(log: dict[str, Any]) -> dict[str, Any]:
    run: dict[str, Any] = log["runs"][0]
    return run


def test_sarif_matches_golden(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _audit(run_cli, monkeypatch)
    assert result.code == 1
    check_golden("audit.sarif", portable_sarif(result.out))
    assert result.out.endswith("}\n")
    assert _audit(run_cli, monkeypatch).out == result.out


def test_sarif_validates_against_the_sarif_schema(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    log = json.loads(_audit(run_cli, monkeypatch).out)
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in Draft7Validator(schema).iter_errors(log)
    ]
    assert errors == []


def test_every_rule_is_described_and_results_point_at_them(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = json.loads(_audit(run_cli, monkeypatch).out)
    enter_project(monkeypatch)
    report = json.loads(run_cli("audit", *MANIFESTS, "--format", "json", "--show-passes").out)
    run = _run(log)
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("synthgate", report["synthgate"])
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    assert {f["rule"] for m in report["manifests"] for f in m["findings"]} <= set(ids)
    for rule in rules:
        assert rule["helpUri"].endswith("/docs/rules.md#" + rule["id"].lower())
        texts = [rule[k]["text"] for k in ("shortDescription", "fullDescription", "help")]
        assert all(texts)
        assert rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "none"}

    findings = [
        (m["dataset"], f)
        for m in report["manifests"]
        for f in m["findings"]
        if f["verdict"] != "pass"
    ]
    results = run["results"]
    # Passes are not results: one result per warn, fail or error finding of the audit.
    not_passes = sum(report["totals"]["findings"][v] for v in ("warn", "fail", "error"))
    assert len(results) == len(findings) == not_passes > 0
    levels = {"warn": "warning", "fail": "error", "error": "error"}
    for result, (dataset, finding) in zip(results, findings, strict=True):
        loc = finding["location"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding["rule"]
        assert result["level"] == levels[finding["verdict"]]
        assert result["message"]["text"].startswith(finding["message"])
        assert f"expected: {finding['expected']}" in result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": loc["file"], "uriBaseId": "SRCROOT"}
        assert physical["region"] == {"startLine": loc["line"], "startColumn": loc["column"]}
        assert location["logicalLocations"][0]["fullyQualifiedName"] == loc["pointer"]
        assert result["partialFingerprints"] == {
            FINGERPRINT: fingerprint(finding["rule"], dataset, loc["pointer"]),
            "synthgate/v2": finding["fingerprint"],  # the engine's name-based identity
        }
        assert "suppressions" not in result


FAIL_REFORMATTED = """\
# The same manifest as fail.synthgate.yaml, laid out differently:
# comments, blank lines, keys reordered, flow and block styles swapped.

splits:
  - sources:
      - {id: crowd, records: 100, origin: human}

      - records: 900
        decoding: {top_p: 0.95, temperature: 0.9, strategy: sampling}
        diversity:
          near_duplicate_rate: 0.02
        filtering:
          methods: [minhash-dedup, classifier-agreement]
          kept: 900
          generated: 1500
        human_audit:
          error_rate: 0.2
          items: 120
        generation_depth: 2
        generator:
          family: distilled
          name: distilled-7b
        method: rephrase
        origin: synthetic
        id: paraphrases
      - {records: 50, id: scraped}
    name: train

dataset:
  contamination:
    generator_saw_eval_items: false
    flagged_share: 0
    eval_sets: [sst-2]
    method: 13-gram overlap
  targeted_benchmarks:
    - sst-2
  replaces_previous_version: false
  target_models: [{family: acme, name: acme-sentiment-1b}]
  stage: sft
  task_type: sentiment-classification
  name: sentiment-fail
"""


def test_fingerprints_survive_reformatting_but_lines_move(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    original = (FIXTURES / "cli" / "fail.synthgate.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.synthgate.yaml").write_text(original, encoding="utf-8")
    (tmp_path / "b.synthgate.yaml").write_text(FAIL_REFORMATTED, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def results(name: str) -> list[tuple[str, str, int]]:
        log = json.loads(run_cli("audit", name, "--format", "sarif").out)
        return [
            (
                r["ruleId"],
                r["partialFingerprints"][FINGERPRINT],
                r["locations"][0]["physicalLocation"]["region"]["startLine"],
            )
            for r in _run(log)["results"]
        ]

    before, after = results("a.synthgate.yaml"), results("b.synthgate.yaml")
    totals = json.loads(run_cli("audit", "a.synthgate.yaml", "--format", "json").out)["totals"]
    assert len(before) == totals["findings"]["warn"] + totals["findings"]["fail"] > 0
    assert [r[:2] for r in before] == [r[:2] for r in after]
    assert all(b[2] != a[2] for b, a in zip(before, after, strict=True))


def test_absolute_paths_become_file_uris(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    manifest = tmp_path / "dir with space" / "fail.synthgate.yaml"
    manifest.parent.mkdir()
    manifest.write_bytes((FIXTURES / "cli" / "fail.synthgate.yaml").read_bytes())
    log = json.loads(run_cli("audit", str(manifest), "--format", "sarif").out)
    artifact = _run(log)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": manifest.as_uri()}


def test_relative_paths_keep_forward_slashes(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    log = json.loads(run_cli("audit", "cli/fail.synthgate.yaml", "--format", "sarif").out)
    artifact = _run(log)["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    # Relative to the repository the fixtures are in (or, outside one, to where the audit ran).
    root = next((p for p in FIXTURES.parents if (p / ".git").exists()), FIXTURES)
    expected = (FIXTURES / "cli" / "fail.synthgate.yaml").relative_to(root).as_posix()
    assert artifact == {"uri": expected, "uriBaseId": "SRCROOT"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "data\\train.synthgate.yaml",
            {"uri": "data/train.synthgate.yaml", "uriBaseId": "SRCROOT"},
        ),
        ("a b/m#1.yaml", {"uri": "a%20b/m%231.yaml", "uriBaseId": "SRCROOT"}),
        ("/srv/m.yaml", {"uri": "file:///srv/m.yaml"}),
        ("C:\\data\\m.yaml", {"uri": "file:///C:/data/m.yaml"}),
    ],
)
def test_artifact_location(path: str, expected: dict[str, str]) -> None:
    assert artifact_location(path) == expected


def _finding(rule: str, verdict: str) -> Finding:
    return Finding.model_validate(
        {
            "rule": rule,
            "name": "probe",
            "verdict": verdict,
            "scope": "dataset",
            "location": Location(file="m.yaml", line=1, column=1, pointer="/dataset"),
            "observed": {"a": 1},
            "expected": "something",
            "message": "it broke",
        }
    )


def test_error_findings_are_errors_and_unknown_rules_are_described() -> None:
    out = io.StringIO()
    reporter = SarifReporter(out, RunInfo(version="0", policies=[], plugins=[]))
    reporter.start()
    counts = empty_counts()
    counts.update({"pass": 1, "error": 1})
    reporter.add(
        ManifestResult(
            path="m.yaml",
            dataset="d",
            verdict="error",
            counts=counts,
            findings=[_finding("XX101", "pass"), _finding("XX102", "error")],
        )
    )
    reporter.finish(Totals(manifests=1, findings=counts), "error")
    run = _run(json.loads(out.getvalue()))
    (result,) = run["results"]
    assert (result["ruleId"], result["ruleIndex"], result["level"]) == ("XX102", 0, "error")
    assert result["message"]["text"] == 'it broke\nobserved: {"a": 1}; expected: something'
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["XX102"]

"""``concise`` and the text format name the split and source of each finding; ``concise`` is
one ``path:line:col: CODE verdict: message`` line per finding."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURES, CliResult

CARD = FIXTURES / "formats" / "machine-translated" / "README.md"
NATIVE = FIXTURES / "cli" / "fail.synthgate.yaml"
_LINE = re.compile(r"[^:]+:\d+:\d+: SG\d+ (?:warn|fail|error): .+")


def _json(run_cli: Callable[..., CliResult], *paths: str) -> list[dict[str, Any]]:
    result = run_cli("audit", *paths, "--format", "json")
    assert result.code in (0, 1), result.err
    manifests: list[dict[str, Any]] = json.loads(result.out)["manifests"]
    return manifests


def _named(pointer: str, manifest: dict[str, Any]) -> str:
    """The oracle: the split's name and the source's id, read from the manifest file itself."""
    parts = pointer.split("/")
    if len(parts) < 3 or parts[1] != "splits":
        return ""
    split = manifest["splits"][int(parts[2])]
    if len(parts) < 5 or parts[3] != "sources":
        return f"split {split['name']}"
    return f"split {split['name']}, source {split['sources'][int(parts[4])]['id']}"


def test_each_concise_line_is_one_finding_of_the_json_report(
    run_cli: Callable[..., CliResult],
) -> None:
    result = run_cli("audit", str(NATIVE), "--format", "concise")
    assert result.code == 1
    *lines, summary = result.out.splitlines()
    manifest = yaml.safe_load(NATIVE.read_text(encoding="utf-8"))
    (report,) = _json(run_cli, str(NATIVE))
    expected = []
    for f in report["findings"]:
        if f["verdict"] == "pass":
            continue
        loc = f["location"]
        about = _named(loc["pointer"], manifest)
        tail = f" ({about})" if about else ""
        expected.append(
            f"{loc['file']}:{loc['line']}:{loc['column']}: {f['rule']} {f['verdict']}: "
            f"{f['message']}{tail}"
        )
    assert lines == expected
    assert all(_LINE.fullmatch(line) for line in lines)
    assert any("(split train, source paraphrases)" in line for line in lines)
    fails = sum(f["verdict"] == "fail" for f in report["findings"])
    assert summary.startswith(f"FAIL: {len(lines)} findings ({fails} fail, ")
    assert summary.endswith("in 1 manifest (fail-on: fail)")


@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_card_findings_are_told_apart_by_split_and_source(
    run_cli: Callable[..., CliResult], fmt: str
) -> None:
    """Every finding of a dataset card points at the same few lines; without the names, the
    findings of a rule on two sources would be the same line twice."""
    result = run_cli("audit", str(CARD), "--format", fmt)
    assert result.code == 1, result.err
    heads = [line for line in result.out.splitlines() if re.match(r"\s*\S+:\d+:\d+: SG", line)]
    assert len(heads) == len(set(heads)) > 10
    (report,) = _json(run_cli, str(CARD))
    sources = {f"split {s['split']}, source {s['id']}" for s in report["facts"]["sources"]}
    named = {found for line in heads for found in re.findall(r"split [\w-]+, source [\w-]+", line)}
    assert len(named) >= 2
    assert named <= sources


def test_concise_leaves_out_waived_findings_and_counts_them() -> None:
    from synthgate import ManifestResult, Totals
    from synthgate.reporter_contract import RunInfo
    from synthgate_plugins.reports.concise import ConciseReporter
    from tests.plugins.reports.test_waived import ACTIVE, _finding

    findings = [
        _finding("SG101", "generator", "fail", 4, waiver=ACTIVE),
        _finding("SG102", "method", "warn", 7),
    ]
    result = ManifestResult(
        path="data/chat.synthgate.yaml",
        dataset="chat",
        verdict="warn",
        counts={"pass": 0, "warn": 1, "fail": 1, "error": 0},
        findings=findings,
        waived=1,
    )
    out = io.StringIO()
    reporter = ConciseReporter(out, RunInfo(version="0", policies=[], plugins=[]))
    reporter.start()
    reporter.add(result)
    totals = Totals(manifests=1, findings=result.counts, waived=1)
    reporter.finish(totals, "warn")
    assert out.getvalue() == (
        "data/chat.synthgate.yaml:7:3: SG102 warn: method is not declared\n"
        "WARN: 1 finding (1 fail, 1 warn) in 1 manifest; 1 waived (fail-on: fail)\n"
    )

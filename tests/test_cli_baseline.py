"""--write-baseline and --baseline through the command line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import FIXTURES, CliResult

Run = Callable[..., CliResult]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "fail.synthgate.yaml"
    shutil.copy(FIXTURES / "cli" / "fail.synthgate.yaml", target)
    return target


def test_a_baseline_hides_known_findings_and_counts_them(run_cli: Run, tmp_path: Path) -> None:
    manifest, baseline = _copy(tmp_path), tmp_path / "baseline.json"
    first = run_cli("audit", str(manifest), "--no-config", "--write-baseline", str(baseline))
    assert first.code == 1  # writing a baseline does not change the verdict
    entries = json.loads(baseline.read_text())["findings"]
    assert {e["rule"] for e in entries} >= {"SG103", "SG301"}
    again = run_cli("audit", str(manifest), "--no-config", "--baseline", str(baseline))
    assert again.code == 0, again.out
    assert f"{len(entries)} baselined" in again.out
    assert "SG301" not in again.out


def test_a_new_finding_in_another_source_is_not_hidden(run_cli: Run, tmp_path: Path) -> None:
    manifest, baseline = _copy(tmp_path), tmp_path / "baseline.json"
    run_cli("audit", str(manifest), "--no-config", "--write-baseline", str(baseline))
    text = manifest.read_text()
    # a new synthetic source with a third-generation generator: a new SG104 fail
    manifest.write_text(
        text
        + "      - id: more-paraphrases\n"
        + "        origin: synthetic\n"
        + "        records: 10\n"
        + "        generator: {name: distilled-7b, family: distilled}\n"
        + "        generation_depth: 3\n"
    )
    result = run_cli("audit", str(manifest), "--no-config", "--baseline", str(baseline))
    assert result.code == 1
    assert "SG104 fail" in result.out
    assert "/splits/0/sources/3" in json.dumps(
        json.loads(
            run_cli(
                "audit", str(manifest), "--no-config", "--baseline", str(baseline), "-f", "json"
            ).out
        )
    )


def test_reordering_sources_keeps_findings_known(run_cli: Run, tmp_path: Path) -> None:
    manifest, baseline = _copy(tmp_path), tmp_path / "baseline.json"
    run_cli("audit", str(manifest), "--no-config", "--write-baseline", str(baseline))
    lines = manifest.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if "- id: crowd" in line)
    end = next(i for i, line in enumerate(lines) if "- id: paraphrases" in line)
    manifest.write_text("".join(lines[:start] + lines[end:] + lines[start:end]))
    result = run_cli("audit", str(manifest), "--no-config", "--baseline", str(baseline))
    assert result.code == 0, result.out


def test_a_missing_or_broken_baseline_is_exit_2(run_cli: Run, tmp_path: Path) -> None:
    manifest = _copy(tmp_path)
    missing = run_cli("audit", str(manifest), "--baseline", str(tmp_path / "none.json"))
    assert missing.code == 2
    assert "does not exist" in missing.err
    broken = tmp_path / "broken.json"
    broken.write_text('{"synthgate_baseline": 2, "findings": []}\n')
    bad = run_cli("audit", str(manifest), "--baseline", str(broken))
    assert bad.code == 2
    assert f"{broken}:1:" in bad.err

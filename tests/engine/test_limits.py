"""Bounded work: a manifest may list at most MAX_SOURCES sources, an error at the first beyond."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from synthgate.models import MAX_SOURCES
from tests.conftest import CliResult

Run = Callable[..., CliResult]


def _manifest(path: Path, splits: list[int]) -> Path:
    lines = [
        "dataset: {name: many, task_type: code-generation, stage: sft}",
        "splits:",
    ]
    number = 0
    for index, count in enumerate(splits):
        lines += [f"  - name: split{index}", "    sources:"]
        for _ in range(count):
            lines.append(f"      - {{id: s{number}, origin: human, records: 1}}")
            number += 1
    path.write_text("\n".join(lines) + "\n")
    return path


def test_sources_up_to_the_limit_are_audited(run_cli: Run, tmp_path: Path) -> None:
    path = _manifest(tmp_path / "m.synthgate.yaml", [MAX_SOURCES - 10, 10])
    result = run_cli("audit", str(path), "--no-config", "--fail-on", "never")
    assert result.code == 0, result.err


def test_one_source_beyond_the_limit_is_an_input_error_at_its_line(
    run_cli: Run, tmp_path: Path
) -> None:
    # Counted over every split: the first source beyond the limit is in the second split.
    path = _manifest(tmp_path / "m.synthgate.yaml", [MAX_SOURCES - 1, 2])
    report = tmp_path / "report.json"
    result = run_cli("audit", str(path), "--no-config", "-f", f"json={report}")
    assert result.code == 2
    line = 4 + (MAX_SOURCES - 1) + 2 + 2  # 4 header lines, the first split, 2 more, 2 sources
    assert f"m.synthgate.yaml:{line}:9: /splits/1/sources/1: " in result.err
    assert f"more than {MAX_SOURCES} sources" in result.err
    assert "hint: describe each dataset in a manifest of its own" in result.err
    assert not report.exists()

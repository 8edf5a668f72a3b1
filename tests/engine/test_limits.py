"""Bounded work: a manifest may list at most MAX_SOURCES sources, an error at the first beyond."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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


def test_a_file_of_too_many_values_is_an_input_error_at_the_first_beyond(tmp_path: Path) -> None:
    from synthgate.documents import DEFAULT_LIMITS, Limits, read_document
    from synthgate.errors import InputError

    limit = DEFAULT_LIMITS.max_values
    assert limit == 200_000
    small = Limits(max_values=10)
    path = tmp_path / "wide.yaml"
    path.write_text("a: 1\nlist:\n" + "".join(f"  - {i}\n" for i in range(20)))
    with pytest.raises(InputError) as caught:
        read_document(path, small)
    problem = caught.value.problems[0]
    # The eleventh value, keys counted: the mapping, a, 1, list, the list, then items 0-5.
    assert (problem.line, problem.column) == (8, 5)
    assert "more than 10 values" in problem.message
    as_json = tmp_path / "wide.json"
    as_json.write_text('{"a": 1, "list": [' + ", ".join(str(i) for i in range(20)) + "]}")
    with pytest.raises(InputError) as caught:
        read_document(as_json, small)
    assert "more than 10 values" in caught.value.problems[0].message
    assert read_document(path, Limits(max_values=25)).data["a"] == 1  # 5 + 20 values


def test_a_wide_manifest_within_the_size_limit_is_refused_quickly(
    run_cli: Run, tmp_path: Path
) -> None:
    path = tmp_path / "wide.synthgate.yaml"
    items = ",".join(["a"] * 300_000)
    path.write_text(
        "dataset: {name: w, task_type: code-generation, stage: sft}\nsplits:\n"
        f"  - name: train\n    sources:\n      - {{id: a, origin: human, records: 1, "
        f"derived_from: [{items}]}}\n"
    )
    result = run_cli("audit", str(path), "--no-config")
    assert result.code == 2
    assert "more than 200,000 values in one file" in result.err

"""Measuring manifests end to end through DuckDB: planted truths, the cache, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgate.errors import InputError
from synthgate.measure.engines import DuckDBEngine
from synthgate.measure.run import measure
from tests.engine.measure.conftest import rows, target, write_jsonl

MANIFEST = """\
dataset: {name: gsm-mix, task_type: math-word-problems, stage: sft}
splits:
  - name: train
    data:
      files: [train-*.jsonl]
      text: [question, answer]
      generator_field: meta.model
      verified_field: meta.is_correct
    sources:
      - id: human
        origin: human
        data: {where: {kind: human}}
      - id: generated
        origin: synthetic
        data: {where: {kind: [generated, rephrased]}}
  - name: test
    sources:
      - id: gsm8k-test
        origin: human
        data: {files: [test.jsonl], text: [question, answer]}
"""


def mix() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A training mix with known facts, and the evaluation set.

    100 human problems, 10 of them twice (5 with other spacing and case); 40 model-written
    solutions of test questions (25 correct); 6 test problems planted verbatim in the human part.
    """
    train, test, solutions = rows("train"), rows("test"), rows("example_model_solutions")
    human = [
        {"kind": "human", **r, "meta": {"model": None, "is_correct": None}} for r in train[:100]
    ]
    for r in train[:5]:
        human.append({**r, "kind": "human", "meta": {"model": None, "is_correct": None}})
    for r in train[5:10]:
        human.append(
            {
                "kind": "human",
                "question": "  " + r["question"].upper(),
                "answer": r["answer"].replace(" ", "  "),
                "meta": {"model": None, "is_correct": None},
            }
        )
    for r in test[:6]:
        human.append({"kind": "human", **r, "meta": {"model": None, "is_correct": None}})
    generated = []
    for k, r in enumerate(solutions[40:80]):
        answer = r["175b_verification"]
        generated.append(
            {
                "kind": "generated" if k % 2 else "rephrased",
                "question": "Solve step by step.",
                "answer": answer["solution"],
                "meta": {"model": "gpt-3-175b", "is_correct": k < 25},
            }
        )
    return human + generated, test


def write_mix(directory: Path, files: int = 2, order: list[int] | None = None) -> Path:
    records, test = mix()
    order = order if order is not None else list(range(len(records)))
    shuffled = [records[i] for i in order]
    size = -(-len(shuffled) // files)
    for k in range(files):
        write_jsonl(directory / f"train-{k}.jsonl", shuffled[k * size : (k + 1) * size])
    write_jsonl(directory / "test.jsonl", test)
    manifest = directory / "mix.synthgate.yaml"
    manifest.write_text(MANIFEST)
    return manifest


def comparable(result: Any) -> dict[str, Any]:
    """A measurement without what depends on the files' layout (names, sizes, time)."""
    out: dict[str, Any] = {"contamination": result.contamination_block()}
    for sid, values in result.measured_block().items():
        out[sid] = {k: v for k, v in values.items() if k not in ("files", "seconds")}
    return out


def test_the_planted_facts_are_measured(tmp_path: Path) -> None:
    manifest = write_mix(tmp_path)
    result = measure([target(manifest)])["mix.synthgate.yaml"]
    human, generated = result.sources["human"], result.sources["generated"]
    assert human.records == 116
    assert generated.records == 40
    assert human.exact_duplicate_rate == round(10 / 116, 6)
    assert human.near_duplicate_rate is not None
    assert human.near_duplicate_rate >= 20 / 116
    assert human.largest_cluster_share == round(2 / 116, 6)
    assert generated.generator_shares == {"gpt-3-175b": 1.0}
    assert human.generator_shares == {"": 1.0}
    assert human.synthetic_records == 0
    assert (generated.verified_items, generated.checked_items) == (25, 40)
    by_recipe = {c.recipe: c for c in result.contamination}
    assert by_recipe["exact"].items == 120
    assert by_recipe["exact"].dirty_items == 6
    assert by_recipe["ngram-8-70"].dirty_items == 6
    assert by_recipe["ngram-13"].dirty_items >= 6
    assert sorted(by_recipe["exact"].dirty) == [("test.jsonl", row) for row in range(6)]
    assert by_recipe["exact"].training_sources == ("generated", "human")
    files = {f.path: f for f in human.files}
    assert sum(f.rows for f in files.values()) == 116
    assert all(len(f.sha256) == 64 and f.bytes > 0 for f in files.values())
    assert result.evidence["engine"] == "duckdb"
    assert result.evidence["parameters"]["num_perm"] == 112
    assert set(result.evidence["versions"]) >= {"duckdb", "pyarrow", "rensa"}


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    files=st.integers(min_value=1, max_value=5),
    batch_rows=st.sampled_from([1, 7, 64, 4096]),
    seed=st.randoms(use_true_random=False),
)
def test_results_do_not_depend_on_batch_size_or_file_order(
    tmp_path_factory: pytest.TempPathFactory, files: int, batch_rows: int, seed: Any
) -> None:
    reference_dir = tmp_path_factory.mktemp("reference")
    reference = measure([target(write_mix(reference_dir))])["mix.synthgate.yaml"]
    directory = tmp_path_factory.mktemp("shuffled")
    order = list(range(len(mix()[0])))
    seed.shuffle(order)
    manifest = write_mix(directory, files=files, order=order)
    engine = DuckDBEngine(batch_rows=batch_rows)
    result = measure([target(manifest)], engine=engine)["mix.synthgate.yaml"]
    assert comparable(result) == comparable(reference)


def test_parquet_and_csv_give_the_same_numbers(tmp_path: Path) -> None:
    records = [{"question": r["question"], "answer": r["answer"]} for r in rows("train")[:60]]
    records += records[:6]
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "a.parquet")
    table = pa.Table.from_pylist(records)
    import pyarrow.csv as pacsv

    pacsv.write_csv(table, tmp_path / "a.csv")
    manifest = tmp_path / "m.synthgate.yaml"
    manifest.write_text(
        "dataset: {name: d}\n"
        "splits:\n"
        "  - name: train\n"
        "    sources:\n"
        "      - {id: p, data: {files: [a.parquet], text: [question, answer]}}\n"
        "      - {id: c, data: {files: ['*.csv'], text: [question, answer]}}\n"
    )
    result = measure([target(manifest)])["m.synthgate.yaml"]
    p, c = result.sources["p"], result.sources["c"]
    assert p.records == c.records == 66
    assert p.exact_duplicate_rate == c.exact_duplicate_rate == round(6 / 66, 6)
    assert p.cross_duplicate_rate == c.cross_duplicate_rate == 1.0


def test_the_cache_is_used_until_a_file_changes(tmp_path: Path) -> None:
    manifest = write_mix(tmp_path)
    cache = tmp_path / ".synthgate" / "cache"
    first = measure([target(manifest)], cache=cache)["mix.synthgate.yaml"]
    assert "cached" not in first.evidence
    second = measure([target(manifest)], cache=cache)["mix.synthgate.yaml"]
    assert second.evidence.get("cached") is True
    assert comparable(second) == comparable(first)
    assert second.sources["human"].files == first.sources["human"].files
    records, _test = mix()
    write_jsonl(tmp_path / "train-0.jsonl", records[:10])  # fewer records now
    third = measure([target(manifest)], cache=cache)["mix.synthgate.yaml"]
    assert "cached" not in third.evidence
    assert third.sources["human"].records < first.sources["human"].records


def _bad(tmp_path: Path, data: str, files: dict[str, bytes]) -> InputError:
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    manifest = tmp_path / "m.synthgate.yaml"
    manifest.write_text(
        f"dataset: {{name: d}}\nsplits:\n  - name: train\n    sources:\n      - id: a\n"
        f"        data: {data}\n"
    )
    cache = tmp_path / ".synthgate" / "cache"
    with pytest.raises(InputError) as caught:
        measure([target(manifest)], cache=cache)
    assert not cache.exists() or not any(cache.iterdir()), "nothing is cached on error"
    return caught.value


def test_a_glob_that_matches_nothing_is_an_error_at_its_line(tmp_path: Path) -> None:
    error = _bad(tmp_path, "{files: [missing-*.jsonl], text: [q]}", {})
    problem = error.problems[0]
    assert (problem.path, problem.line, problem.pointer) == (
        "m.synthgate.yaml",
        6,
        "/splits/0/sources/0/data/files/0",
    )
    assert "matches no file" in problem.message


def test_a_field_the_file_lacks_is_an_error_naming_the_file(tmp_path: Path) -> None:
    error = _bad(
        tmp_path,
        "{files: [a.jsonl], text: [question, answr]}",
        {"a.jsonl": b'{"question": "x", "answer": "y"}\n'},
    )
    problem = error.problems[0]
    assert problem.line == 6
    assert "a.jsonl has no field 'answr'" in problem.message
    assert "answer" in problem.hint


def test_a_corrupt_parquet_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    error = _bad(tmp_path, "{files: [a.parquet], text: [q]}", {"a.parquet": b"PAR1 not really"})
    assert "cannot read the data file a.parquet as parquet" in error.problems[0].message


def test_a_file_not_in_the_declared_format_is_an_error(tmp_path: Path) -> None:
    error = _bad(
        tmp_path, "{files: [a.data], format: parquet, text: [q]}", {"a.data": b'{"q": 1}\n'}
    )
    assert "cannot read the data file a.data as parquet" in error.problems[0].message


def test_an_unknown_file_ending_needs_a_format(tmp_path: Path) -> None:
    error = _bad(tmp_path, "{files: [a.data], text: [q]}", {"a.data": b'{"q": 1}\n'})
    assert "cannot tell the format" in error.problems[0].message


def test_data_files_are_never_written_to(tmp_path: Path) -> None:
    manifest = write_mix(tmp_path)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.glob("*.jsonl")}
    measure([target(manifest)], cache=tmp_path / ".synthgate" / "cache")
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in tmp_path.glob("*.jsonl")}
    assert before == after
    assert json.loads((tmp_path / ".synthgate" / "cache" / "file-hashes.json").read_text())

"""The Ray Data engine gives the DuckDB engine's answers, on a local two-CPU cluster.

Ray starts once for the module (a few seconds); the data stay small.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pv
import pyarrow.parquet as pq
import pytest

from synthgate.errors import InputError, UsageError
from synthgate.measure.engines import DuckDBEngine
from synthgate.measure.run import measure
from tests.engine.measure.conftest import target
from tests.engine.measure.test_run import comparable, mix, write_mix

pytestmark = [pytest.mark.ray, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def ray_engine() -> Iterator[Any]:
    import ray

    from synthgate.measure.raydata import RayEngine

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        yield RayEngine
    finally:
        ray.shutdown()


def test_ray_measures_what_duckdb_measures(tmp_path: Path, ray_engine: Any) -> None:
    manifest = write_mix(tmp_path, files=3)
    embedded = measure([target(manifest)], engine=DuckDBEngine(batch_rows=16))
    distributed = measure([target(manifest)], engine=ray_engine(batch_rows=16, blocks=3))
    one, other = embedded["mix.synthgate.yaml"], distributed["mix.synthgate.yaml"]
    assert comparable(other) == comparable(one)
    assert [c.dirty for c in other.contamination] == [c.dirty for c in one.contamination]
    assert {s: m.files for s, m in other.sources.items()} == {
        s: m.files for s, m in one.sources.items()
    }
    evidence = other.evidence
    assert evidence["engine"] == "ray"
    assert set(evidence["versions"]) >= {"ray", "duckdb", "pyarrow", "rensa"}
    assert evidence["cluster"] == {"nodes": 1, "cpus": 2}
    assert "cluster" not in one.evidence


def test_ray_reads_parquet_and_csv_like_duckdb(tmp_path: Path, ray_engine: Any) -> None:
    records, test = mix()
    flat = [{"kind": r["kind"], "question": r["question"], "answer": r["answer"]} for r in records]
    pq.write_table(pa.Table.from_pylist(flat), tmp_path / "train-0.parquet")
    pv.write_csv(pa.Table.from_pylist(test), tmp_path / "test.csv")
    manifest = tmp_path / "flat.synthgate.yaml"
    manifest.write_text(
        "dataset: {name: flat, task_type: math-word-problems, stage: sft}\n"
        "splits:\n"
        "  - name: train\n"
        "    data: {files: [train-*.parquet], text: [question, answer]}\n"
        "    sources:\n"
        "      - {id: human, origin: human, data: {where: {kind: human}}}\n"
        "      - id: generated\n"
        "        origin: synthetic\n"
        "        data: {where: {kind: [generated, rephrased]}}\n"
        "  - name: test\n"
        "    sources:\n"
        "      - {id: t, origin: human, data: {files: [test.csv], text: [question, answer]}}\n"
    )
    embedded = measure([target(manifest)], engine=DuckDBEngine())
    distributed = measure([target(manifest)], engine=ray_engine(blocks=2, batch_rows=50))
    assert comparable(distributed["flat.synthgate.yaml"]) == comparable(
        embedded["flat.synthgate.yaml"]
    )


def test_a_field_the_file_lacks_is_an_error_naming_the_file(
    tmp_path: Path, ray_engine: Any
) -> None:
    manifest = write_mix(tmp_path)
    manifest.write_text(manifest.read_text().replace("[question, answer]", "[question, prompt]", 1))
    with pytest.raises(InputError, match=r"train-0.jsonl has no field 'prompt'"):
        measure([target(manifest)], engine=ray_engine())


def test_a_corrupt_file_is_an_error_naming_the_file(tmp_path: Path, ray_engine: Any) -> None:
    manifest = write_mix(tmp_path)
    (tmp_path / "train-1.jsonl").write_text('{"question": "unterminated\n')
    with pytest.raises(InputError, match=r"cannot read the data file train-1.jsonl as jsonl"):
        measure([target(manifest)], engine=ray_engine())


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_address_is_a_usage_error_without_waiting() -> None:
    from synthgate.measure.raydata import RayEngine

    with pytest.raises(UsageError, match=r"cannot reach the Ray cluster at 127\.0\.0\.1:"):
        RayEngine(address=f"127.0.0.1:{_closed_port()}", timeout=2)

"""The distributed engine: Ray Data reads the files and runs the per-batch measurements on
the cluster's workers; the driver only merges their partial results.

Each worker gets raw Arrow batches from Ray's readers, selects the source's columns and rows
with the same SQL the embedded engine reads with (DuckDB over the batch), and calls the same
per-batch function (:func:`synthgate.measure.partials.measure_batch`); so the two engines
give the same numbers. Only the partials travel to the driver.
"""

from __future__ import annotations

import logging
import pickle
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from synthgate.errors import UsageError
from synthgate.measure.engines import (
    BatchMeasure,
    columns_of,
    missing_field,
    unreadable,
    where_of,
)
from synthgate.measure.partials import SourcePartial
from synthgate.measure.plan import PlannedFile, SourcePlan

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["INSTALL_HINT", "RayEngine", "select_batch"]

INSTALL_HINT = "install the Ray extra: pip install 'synthgate[ray]'"
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for the cluster's address to answer before giving up."""


def select_batch(table: pa.Table, columns: list[str], where: str, parameters: list[object]) -> Any:
    """The source's columns and rows of one raw batch (DuckDB over the Arrow table)."""
    import duckdb

    connection = duckdb.connect(config={"threads": 1, "preserve_insertion_order": True})
    try:
        connection.register("raw_batch", table)
        query = connection.sql(
            f"SELECT {', '.join(columns)} FROM raw_batch{where}", params=parameters or None
        )
        fetch = getattr(query, "to_arrow_table", None) or query.fetch_arrow_table
        return fetch()
    finally:
        connection.close()


@dataclass(frozen=True)
class _Task:
    """What a worker does with each raw batch of one file: select, measure, pickle."""

    columns: list[str]
    where: str
    parameters: list[object]
    shown: str
    measure: BatchMeasure

    def __call__(self, table: pa.Table) -> pa.Table:
        import pyarrow as pa

        selected = select_batch(table, self.columns, self.where, self.parameters)
        batches = selected.to_batches()
        partial = SourcePartial()
        row = 0
        for batch in batches or [pa.RecordBatch.from_pylist([], schema=selected.schema)]:
            partial = partial.merge(self.measure(batch, self.shown, row))
            row += batch.num_rows
        return pa.table({"rows": [partial.rows], "partial": [pickle.dumps(partial)]})


def _reachable(address: str, timeout: float) -> bool:
    """Whether ``host:port`` (of ``ray://host:port`` too) accepts a connection in time."""
    target = address.split("://", 1)[-1]
    host, _, port = target.rpartition(":")
    if not host or not port.isdigit():
        return True  # not host:port ("auto", a path): ray.init judges it
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except OSError:
        return False


class RayEngine:
    """Ray Data: reads Parquet, JSON Lines and CSV (local paths and any filesystem Ray's
    readers accept) and measures the batches on the cluster's workers.

    ``address``: an existing cluster (``host:port``, ``ray://host:port`` or ``auto``); None
    starts a local one with ``num_cpus`` CPUs. ``blocks``: how many blocks each file is read
    in (None: Ray's choice).
    """

    name = "ray"

    def __init__(
        self,
        *,
        address: str | None = None,
        num_cpus: int | None = None,
        blocks: int | None = None,
        batch_rows: int = 8192,
        timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        try:
            import ray
            import ray.data
        except ImportError as exc:
            raise UsageError(
                f"the ray engine needs {exc.name}, which is not installed", INSTALL_HINT
            ) from None
        if address is not None and not _reachable(address, timeout):
            raise UsageError(
                f"cannot reach the Ray cluster at {address} (no answer within {timeout:.0f}s)",
                "start it ('ray start --head'), check the address and port, or leave out "
                "--address to measure on a local Ray",
            )
        if not ray.is_initialized():
            try:
                ray.init(
                    address=address,
                    num_cpus=num_cpus if address is None else None,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise UsageError(
                    f"cannot connect to the Ray cluster at {address}: {exc}",
                    "check the address, or leave out --address to measure on a local Ray",
                ) from None
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # partials in the files' order
        context.enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        self.blocks = blocks
        self.batch_rows = batch_rows

    def versions(self) -> dict[str, str]:
        import duckdb
        import pyarrow
        import ray

        return {
            "ray": ray.__version__,
            "duckdb": duckdb.__version__,
            "pyarrow": pyarrow.__version__,
        }

    def cluster(self) -> dict[str, int]:
        """The cluster's size when it measured: nodes alive and CPUs."""
        import ray

        alive: list[dict[str, Any]] = ray.nodes()  # type: ignore[no-untyped-call]
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        nodes = len([node for node in alive if node.get("Alive")])
        return {"nodes": nodes, "cpus": int(resources.get("CPU", 0))}

    def measure(
        self, plan: SourcePlan, measure: BatchMeasure, advance: Callable[[int], None]
    ) -> list[SourcePartial]:
        return [self._file(plan, file, measure, advance) for file in plan.files]

    def _file(
        self,
        plan: SourcePlan,
        file: PlannedFile,
        measure: BatchMeasure,
        advance: Callable[[int], None],
    ) -> SourcePartial:
        dataset = self._read(plan, file)
        where, parameters = where_of(plan)
        task = _Task(columns_of(plan), where, parameters, file.shown, measure)
        results = dataset.map_batches(task, batch_format="pyarrow", batch_size=self.batch_rows)
        merged = SourcePartial()
        try:
            for row in results.iter_rows():
                partial: SourcePartial = pickle.loads(row["partial"])
                merged = merged.merge(partial.shifted(merged.rows))
                advance(partial.rows)
        except Exception as exc:  # Ray wraps a worker's error in its own types
            raise unreadable(plan, file, exc) from None
        return merged

    def _read(self, plan: SourcePlan, file: PlannedFile) -> Any:
        import ray.data

        path = str(file.path)
        options: dict[str, Any] = {}
        if self.blocks is not None:
            options["override_num_blocks"] = self.blocks
        try:
            if file.format == "parquet":
                dataset = ray.data.read_parquet(path, **options)
            elif file.format == "jsonl":
                dataset = ray.data.read_json(path, lines=True, **options)
            else:
                dataset = ray.data.read_csv(path, **options)
            names = set(dataset.schema(fetch_if_missing=True).names)
        except Exception as exc:  # the readers raise many types; every one is unreadable
            raise unreadable(plan, file, exc) from None
        problem = missing_field(plan, file, names)
        if problem is not None:
            raise problem
        return dataset

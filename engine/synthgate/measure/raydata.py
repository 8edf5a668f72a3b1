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
from collections.abc import Callable, Iterator
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
    """What a worker does with each raw batch of a source's files: select the source's rows,
    measure them per file (a batch may hold the end of one file and the start of the next),
    and hand back the pickled partials, one row per file."""

    columns: list[str]
    where: str
    parameters: list[object]
    shown: dict[str, str]
    """The file as the manifest shows it, by the path Ray reads it at."""
    measure: BatchMeasure

    def __call__(self, table: pa.Table) -> pa.Table:
        import pyarrow as pa
        import pyarrow.compute as pc

        paths: list[str] = []
        partials: list[bytes] = []
        for path in pc.unique(table.column(_PATH)).to_pylist():
            rows = table.filter(pc.equal(table.column(_PATH), path))
            selected = select_batch(rows, self.columns, self.where, self.parameters)
            partial = SourcePartial()
            for batch in selected.to_batches():
                partial = partial.merge(self.measure(batch, self.shown[path], partial.rows))
            paths.append(path)
            partials.append(pickle.dumps(partial))
        return pa.table({_PATH: paths, "partial": partials})


_PATH = "path"
"""The column Ray's readers add with ``include_paths``."""


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
        # A file that cannot be read is reported as an input error; Ray's own retry logs and
        # tracebacks would only repeat it on standard error.
        logging.getLogger("ray.data").setLevel(logging.CRITICAL)
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
        merged = {file.path: SourcePartial() for file in plan.files}
        for kind in sorted({file.format for file in plan.files}):
            files = [file for file in plan.files if file.format == kind]
            for file, partial in self._measure(plan, kind, files, measure):
                merged[file.path] = merged[file.path].merge(partial.shifted(merged[file.path].rows))
                advance(partial.rows)
        return [merged[file.path] for file in plan.files]

    def _measure(
        self, plan: SourcePlan, kind: str, files: list[PlannedFile], measure: BatchMeasure
    ) -> Iterator[tuple[PlannedFile, SourcePartial]]:
        """One dataset for the source's files of one format: (file, partial) in the files'
        order, each file's partials in the order of its rows."""
        by_path = {str(file.path.resolve()): file for file in files}
        dataset = self._read(plan, kind, files)
        where, parameters = where_of(plan)
        shown = {path: file.shown for path, file in by_path.items()}
        task = _Task(columns_of(plan), where, parameters, shown, measure)
        results = dataset.map_batches(task, batch_format="pyarrow", batch_size=self.batch_rows)
        try:
            for row in results.iter_rows():
                yield by_path[row[_PATH]], pickle.loads(row["partial"])
        except Exception as exc:  # Ray wraps a worker's error in its own types
            raise unreadable(plan, self._culprit(plan, kind, files), _root(exc)) from None

    def _read(self, plan: SourcePlan, kind: str, files: list[PlannedFile]) -> Any:
        import ray.data

        paths = [str(file.path.resolve()) for file in files]
        options: dict[str, Any] = {"include_paths": True}
        if self.blocks is not None:
            options["override_num_blocks"] = self.blocks
        try:
            if kind == "parquet":
                dataset = ray.data.read_parquet(paths, **options)
            elif kind == "jsonl":
                dataset = ray.data.read_json(paths, lines=True, **options)
            else:
                dataset = ray.data.read_csv(paths, **options)
            names = set(dataset.schema(fetch_if_missing=True).names)
        except Exception as exc:  # the readers raise many types; every one is unreadable
            culprit = files[0] if len(files) == 1 else self._culprit(plan, kind, files)
            raise unreadable(plan, culprit, _root(exc)) from None
        for file in files:
            problem = missing_field(plan, file, names - {_PATH})
            if problem is not None:
                raise problem
        return dataset

    def _culprit(self, plan: SourcePlan, kind: str, files: list[PlannedFile]) -> PlannedFile:
        """The first of ``files`` Ray cannot read on its own (its errors do not say which
        file failed): read again one by one, only when reading them together failed."""
        for file in files:
            try:
                self._read(plan, kind, [file]).materialize()
            except Exception:
                return file
        return files[0]


def _root(exc: BaseException) -> Exception:
    """The error under Ray's wrappers (a worker's exception travels as its ``cause``)."""
    seen = 0
    while seen < 10:
        inner = getattr(exc, "cause", None) or exc.__cause__
        if not isinstance(inner, BaseException):
            break
        exc, seen = inner, seen + 1
    return exc if isinstance(exc, Exception) else RuntimeError(str(exc))

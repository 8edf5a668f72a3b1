"""Engines read a source's files and feed its records, batch by batch, to the measurements.

An engine only reads and partitions: the measurements themselves are one function per batch
(:func:`synthgate.measure.partials.measure_batch`) whose partial results merge, so that
another engine (a distributed one) is a new class here and nothing else changes.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Protocol

from synthgate.errors import InputError
from synthgate.measure.partials import SourcePartial
from synthgate.measure.plan import PlannedFile, SourcePlan
from synthgate.messages import message_line as _first_line

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

__all__ = [
    "BatchMeasure",
    "DuckDBEngine",
    "Engine",
    "columns_of",
    "fields_of",
    "missing_field",
    "unreadable",
    "where_of",
]

BatchMeasure = Callable[["pa.RecordBatch", str, int], SourcePartial]
"""Measures one batch: (batch, file as shown, row of the batch's first record in the file)."""


class Engine(Protocol):
    """Reads sources' records as Arrow batches with the columns ``text``, ``generator`` and
    ``verified`` (those the source names) and returns one merged partial per file."""

    name: str

    def versions(self) -> dict[str, str]:
        """Versions of the libraries the engine reads with (for the evidence)."""
        ...

    def measure(
        self, plan: SourcePlan, measure: BatchMeasure, advance: Callable[[int], None]
    ) -> list[SourcePartial]:
        """One partial per file of ``plan`` (in the plan's order); ``advance(rows)`` after
        each batch. Raises :class:`~synthgate.errors.InputError` for a file it cannot read."""
        ...


def _identifier(path: str) -> str:
    """A field path (``meta.model``) as a DuckDB expression: quoted names, struct access."""
    return ".".join('"' + part.replace('"', '""') + '"' for part in path.split("."))


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_READERS = {
    "parquet": "read_parquet({path})",
    "jsonl": "read_json({path}, format = 'newline_delimited')",
    "csv": "read_csv({path}, header = true)",
}


def columns_of(plan: SourcePlan) -> list[str]:
    """The select list: ``text`` (the text fields joined by newlines), ``generator``,
    ``verified``, as far as the plan names them."""
    columns = []
    if plan.text:
        parts = ", ".join(f"CAST({_identifier(f)} AS VARCHAR)" for f in plan.text)
        columns.append(f"concat_ws(chr(10), {parts}) AS text")
    if plan.generator_field:
        columns.append(f"CAST({_identifier(plan.generator_field)} AS VARCHAR) AS generator")
    if plan.verified_field:
        columns.append(f"TRY_CAST({_identifier(plan.verified_field)} AS BOOLEAN) AS verified")
    return columns or ["1 AS one"]


def where_of(plan: SourcePlan) -> tuple[str, list[object]]:
    """The ``WHERE`` clause of the plan's selection and its parameters."""
    conditions = []
    parameters: list[object] = []
    for name, value in plan.where.items():
        values = value if isinstance(value, list) else [value]
        conditions.append(f"{_identifier(name)} IN ({', '.join('?' for _ in values)})")
        parameters.extend(values)
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), parameters


def fields_of(plan: SourcePlan) -> list[str]:
    """Every field the plan reads from its files."""
    named = (*plan.text, *plan.where, plan.generator_field, plan.verified_field)
    return [name for name in named if name]


def missing_field(plan: SourcePlan, file: PlannedFile, available: set[str]) -> InputError | None:
    """The error for the first field of the plan that the file's columns lack, if any."""
    for name in fields_of(plan):
        if name.split(".")[0] not in available:
            return plan.problem(
                plan.field_at.get(name, plan.pointer),
                f"the data file {file.shown} has no field '{name}'",
                "its fields are: " + ", ".join(sorted(available)),
            )
    return None


class DuckDBEngine:
    """The embedded default: DuckDB reads Parquet, JSON Lines and CSV and streams Arrow
    batches, within ``memory_limit``; the batches are measured on ``threads`` threads (the
    per-batch work runs in Arrow kernels and DuckDB, which release the interpreter lock)."""

    name = "duckdb"

    def __init__(
        self, *, memory_limit: str = "1GB", threads: int | None = None, batch_rows: int = 8192
    ) -> None:
        import duckdb

        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": memory_limit,
            "preserve_insertion_order": True,
        }
        if threads is not None:
            config["threads"] = threads
        self.connection: duckdb.DuckDBPyConnection = duckdb.connect(config=config)
        self.batch_rows = batch_rows
        self.threads = threads or os.cpu_count() or 1

    def versions(self) -> dict[str, str]:
        import duckdb
        import pyarrow

        return {"duckdb": duckdb.__version__, "pyarrow": pyarrow.__version__}

    def measure(
        self, plan: SourcePlan, measure: BatchMeasure, advance: Callable[[int], None]
    ) -> list[SourcePartial]:
        partials = []
        # One batch per thread in flight and one waiting: memory stays a few batches (a batch's
        # shingles are tens of MB), whatever the file's size. Partials merge in batch order.
        ahead = self.threads
        with ThreadPoolExecutor(self.threads, thread_name_prefix="synthgate-measure") as pool:
            for file in plan.files:
                partial = SourcePartial()
                pending: deque[Future[SourcePartial]] = deque()
                row = 0
                for batch in self._batches(plan, file):
                    pending.append(pool.submit(measure, batch, file.shown, row))
                    row += batch.num_rows
                    while len(pending) > ahead:
                        partial = _merge_next(partial, pending, advance)
                while pending:
                    partial = _merge_next(partial, pending, advance)
                partials.append(partial)
        return partials

    def _batches(self, plan: SourcePlan, file: PlannedFile) -> Iterator[pa.RecordBatch]:
        import duckdb
        import pyarrow as pa

        relation = _READERS[file.format].format(path=_literal(str(file.path)))
        try:
            described = self.connection.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()
        except duckdb.Error as exc:
            raise self._unreadable(plan, file, exc) from None
        problem = missing_field(plan, file, {str(row[0]) for row in described})
        if problem is not None:
            raise problem
        where, parameters = where_of(plan)
        sql = f"SELECT {', '.join(columns_of(plan))} FROM {relation}{where}"
        try:
            query = self.connection.sql(sql, params=parameters)
            # to_arrow_reader in DuckDB 1.4 and later; fetch_arrow_reader before.
            read = getattr(query, "to_arrow_reader", None) or query.fetch_arrow_reader
            yield from read(self.batch_rows)
        except duckdb.BinderException as exc:
            fields = fields_of(plan)
            raise plan.problem(
                plan.field_at.get(fields[0], plan.pointer) if fields else plan.pointer,
                f"a field of the data block is not in the data file {file.shown}: "
                f"{_first_line(exc)}",
                "name fields as they are in the file; nested ones as 'outer.inner'",
            ) from None
        except (duckdb.Error, pa.ArrowException) as exc:
            raise self._unreadable(plan, file, exc) from None

    @staticmethod
    def _unreadable(plan: SourcePlan, file: PlannedFile, exc: Exception) -> Exception:
        return unreadable(plan, file, exc)


def unreadable(plan: SourcePlan, file: PlannedFile, exc: Exception) -> InputError:
    """The error for a file that cannot be read in its format."""
    return plan.problem(
        file.pointer,
        f"cannot read the data file {file.shown} as {file.format}: {_first_line(exc)}",
        "check that the file is whole and in the declared format ('format' in the data "
        "block, else its name ending)",
    )


def _merge_next(
    partial: SourcePartial,
    pending: deque[Future[SourcePartial]],
    advance: Callable[[int], None],
) -> SourcePartial:
    done = pending.popleft().result()
    advance(done.rows)
    return partial.merge(done)

"""``synthgate measure``, and the measuring step of ``synthgate audit --measure``.

Importing this module costs only click: the engine and its libraries are imported when a
measurement runs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from synthgate.audit import Audit, ManifestFile
    from synthgate.measure.results import ManifestMeasurement

__all__ = ["load_measurements", "measure_command", "measure_files", "render_table"]

_EXTRA_HINT = "install the measuring extra: pip install 'synthgate[measure]'"


def measure_files(
    runner: Audit,
    items: Sequence[ManifestFile],
    *,
    cache: bool = True,
    progress: bool | None = None,
    engine: str = "duckdb",
    address: str | None = None,
) -> dict[str, ManifestMeasurement]:
    """Measure the data of the manifests among ``items`` (files that are no valid manifest
    are left to the audit to report). ``progress``: None shows it on a terminal only;
    ``engine``: ``duckdb`` or ``ray`` (on the cluster at ``address``, else a local one)."""
    from synthgate.errors import InputError, UsageError

    try:
        from synthgate.measure.run import CACHE_DIR, MeasureTarget, measure
    except ImportError as exc:
        raise UsageError(
            f"measuring needs {exc.name}, which is not installed", _EXTRA_HINT
        ) from None
    targets = []
    for item in items:
        try:
            document = runner.read(item)
            manifest = runner.manifest_of(document)
        except InputError:
            continue  # the audit reports it
        targets.append(MeasureTarget(manifest, document, item.path.parent))
    show = sys.stderr.isatty() if progress is None else progress
    chosen = None
    if engine == "ray":
        from synthgate.measure.raydata import RayEngine

        chosen = RayEngine(address=address)
    elif address is not None:
        raise UsageError("--address is for the ray engine", "add --engine ray")
    cache_dir = Path.cwd() / CACHE_DIR if cache else None
    return measure(targets, engine=chosen, cache=cache_dir, progress=show)


def load_measurements(
    file: Path, runner: Audit, items: Sequence[ManifestFile]
) -> dict[str, ManifestMeasurement]:
    """The measurements ``synthgate measure --format json`` wrote to ``file``, for the
    manifests among ``items`` (by path as shown; a manifest the file does not cover is judged
    on its declared facts). Imports none of the measuring libraries: an audit in a job
    without them judges what a measuring job found."""
    from synthgate.errors import InputError, Problem, UsageError
    from synthgate.measure.results import Contamination, ManifestMeasurement, SourceMeasurement
    from synthgate.paths import display_path

    shown = display_path(file) or str(file)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        entries = {entry["path"]: entry for entry in data["manifests"]}
    except FileNotFoundError:
        raise UsageError(
            f"measurements file '{shown}' does not exist",
            "write one with: synthgate measure --format json PATHS > FILE",
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            [
                Problem(
                    shown,
                    getattr(exc, "lineno", 1),
                    getattr(exc, "colno", 1),
                    f"not the JSON 'synthgate measure --format json' writes: {exc}",
                    "write it again with: synthgate measure --format json PATHS > FILE",
                )
            ]
        ) from None
    out: dict[str, ManifestMeasurement] = {}
    for item in items:
        try:
            document = runner.read(item)
            manifest = runner.manifest_of(document)
        except InputError:
            continue
        entry = entries.get(document.path)
        if entry is None:
            continue
        pointers = {
            source.id: f"/splits/{i}/sources/{j}"
            for i, split in enumerate(manifest.splits)
            for j, source in enumerate(split.sources)
        }
        try:
            sources = {
                sid: SourceMeasurement.from_dict(sid, pointers[sid], values)
                for sid, values in entry["measured"].items()
                if sid in pointers
            }
            contamination = tuple(
                Contamination.from_dict(c, rows=False) for c in entry["contamination"]
            )
            evidence = dict(entry["measurement"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(
                [
                    Problem(
                        shown,
                        1,
                        1,
                        f"the measurements of {document.path} are incomplete: {exc!r}",
                        "write it again with: synthgate measure --format json PATHS > FILE",
                    )
                ]
            ) from None
        out[document.path] = ManifestMeasurement(document.path, sources, contamination, evidence)
    return out


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}".rstrip("0").rstrip(".") if value else "0"


def _declared(value: Any) -> str:
    return "?" if value is None or value == "unknown" else str(value)


def _source_row(split: Any, source: Any, m: Any) -> tuple[str, ...]:
    """One row of the table: a measured source, each value beside the declared one."""
    diversity, verification = source.diversity, source.verification
    synthetic = "-" if m.synthetic_records is None else f"{m.synthetic_records} ({source.origin})"
    verified = "-"
    if m.verified_items is not None:
        declared = verification.items_passed if verification else None
        verified = f"{m.verified_items}/{m.checked_items} (declared {_declared(declared)})"
    near = diversity.near_duplicate_rate if diversity else None
    return (
        source.id,
        split.name,
        f"{m.records} (declared {_declared(source.records)})",
        synthetic,
        f"{_share(m.near_duplicate_rate)} (declared {_declared(near)})",
        _share(m.exact_duplicate_rate),
        verified,
    )


def _manifest_lines(manifest: Any, measured: ManifestMeasurement) -> list[str]:
    """The table of one manifest's measured sources, then its contamination and engine."""
    rows: list[tuple[str, ...]] = [
        ("source", "split", "records", "synthetic", "near-dup", "exact-dup", "verified")
    ]
    for split in manifest.splits:
        rows += [
            _source_row(split, source, measured.sources[source.id])
            for source in split.sources
            if source.id in measured.sources
        ]
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    lines = [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    declared = manifest.dataset.contamination
    for c in measured.contamination:
        note = ""
        if declared is not None and not isinstance(declared.flagged_share, str):
            note = f" (declared {declared.flagged_share} by '{declared.method}')"
        lines.append(
            f"  contamination {c.recipe}: {c.dirty_items} of {c.items} items of "
            f"{c.eval_source} in {', '.join(c.training_sources)} "
            f"(share {_share(c.dirty_share)}){note}"
        )
    evidence = measured.evidence
    lines.append(
        f"  measured with {_engine_shown(evidence)} in {evidence['seconds']}s"
        + (" (from the cache)" if evidence.get("cached") else "")
    )
    return lines


def _engine_shown(evidence: dict[str, Any]) -> str:
    cluster = evidence.get("cluster")
    if not cluster:
        return str(evidence["engine"])
    return f"{evidence['engine']} ({cluster.get('nodes')} nodes, {cluster.get('cpus')} CPUs)"


def render_table(runner: Audit, items: Sequence[ManifestFile], results: dict[str, Any]) -> str:
    """Declared against measured, a row per measured source, then contamination."""
    from synthgate.errors import InputError

    lines: list[str] = []
    for item in items:
        try:
            document = runner.read(item)
            manifest = runner.manifest_of(document)
        except InputError:
            continue
        measured = results.get(document.path)
        if measured is None or not measured.sources:
            continue
        lines.append(f"{document.path}  ({manifest.dataset.name})")
        lines += _manifest_lines(manifest, measured)
        lines.append("")
    return "\n".join(lines) if lines else "no source declares 'data:'\n"


@click.command("measure")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--no-cache", is_flag=True, help="Measure again even if the data has not changed.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show progress on standard error [default: when it is a terminal].",
)
@click.option(
    "--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file."
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "ray"]),
    default=None,
    help="Measure with embedded DuckDB or on Ray Data [default: the 'engine' setting, duckdb].",
)
@click.option(
    "--address",
    metavar="ADDRESS",
    help="With --engine ray: the cluster to run on (host:port, ray://host:port or auto) "
    "[default: a local Ray].",
)
def measure_command(
    paths: tuple[str, ...],
    fmt: str,
    no_cache: bool,
    progress: bool | None,
    config_file: str | None,
    no_config: bool,
    engine: str | None,
    address: str | None,
) -> None:
    """Measure the data manifests describe ('data:' blocks): records, synthetic share, exact
    and near duplicates, generators, verified items, train/eval contamination."""
    from synthgate.audit import Audit
    from synthgate.cli import _host, _settings
    from synthgate.documents import Limits
    from synthgate.errors import UsageError

    settings = _settings(config_file, no_config, {"engine": engine})
    host = _host()
    runner = Audit.create(
        settings["policy"],
        host=host,
        limits=Limits(max_bytes=settings["max-file-size"]),
        include=settings["include"],
        exclude=settings["exclude"],
        base=settings.base,
    )
    items = runner.discover(list(paths) or ["."])
    if not items:
        raise UsageError("no manifests found in " + ", ".join(paths or (".",)))
    results = measure_files(
        runner,
        items,
        cache=not no_cache,
        progress=progress,
        engine=settings["engine"],
        address=address,
    )
    if fmt == "json":
        out = {
            "manifests": [
                {
                    "path": path,
                    "measured": m.measured_block(),
                    "contamination": [c.as_dict(rows=True) for c in m.contamination],
                    "measurement": m.evidence,
                }
                for path, m in results.items()
            ]
        }
        click.echo(json.dumps(out, indent=2, sort_keys=False))
    else:
        click.echo(render_table(runner, items, results), nl=False)

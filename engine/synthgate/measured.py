"""Measured facts laid over a manifest: what evaluation sees when the data was measured.

Pure: a manifest and a measurement in, the manifest with measured values and the list of
facts that changed out. Rules then judge the measured values; the ``measured`` check kind
compares them with the declared ones (kept in :class:`~synthgate.check_contract.Measured`).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from synthgate.check_contract import Measured, MeasuredFact
from synthgate.models import Contamination, Diversity, Manifest, Source, Verification

if TYPE_CHECKING:
    from synthgate.measure.results import ManifestMeasurement, SourceMeasurement

__all__ = ["MEASURABLE", "overlay", "recipe_for"]

MEASURABLE = (
    "records",
    "synthetic_share",
    "near_duplicate_rate",
    "items_passed",
    "items_checked",
    "flagged_share",
)
"""Names of the manifest facts a measurement can give."""
DEFAULT_RECIPE = "ngram-13"


def recipe_for(method: str) -> str:
    """The contamination recipe a declared method names ('13-gram overlap' is ngram-13)."""
    text = method.casefold()
    if "70" in text or "palm" in text:
        return "ngram-8-70"
    if "exact" in text or "hash" in text:
        return "exact"
    return DEFAULT_RECIPE


def _files(manifest_path: str, measured: SourceMeasurement) -> tuple[str, ...]:
    """The data files as messages show them: beside the manifest they belong to."""
    folder = PurePosixPath(manifest_path).parent
    return tuple(
        (folder / f.path).as_posix() if str(folder) != "." else f.path for f in measured.files
    )


def _source(
    source: Source, pointer: str, m: SourceMeasurement, files: tuple[str, ...]
) -> tuple[Source, list[MeasuredFact]]:
    facts = [MeasuredFact(f"{pointer}/records", source.records, m.records, files)]
    update: dict[str, Any] = {"records": m.records}
    if m.synthetic_records is not None and m.records and source.origin != "synthetic":
        share = round(m.synthetic_records / m.records, 6)
        declared = 0 if source.origin == "human" else source.synthetic_share
        if share > 0 or source.origin == "mixed":
            # Records a model wrote make a 'human' source mixed: the data outranks the label.
            update["origin"] = "mixed"
            update["synthetic_share"] = share
            facts.append(MeasuredFact(f"{pointer}/synthetic_share", declared, share, files))
    if m.near_duplicate_rate is not None:
        diversity = source.diversity or Diversity.model_validate({})
        facts.append(
            MeasuredFact(
                f"{pointer}/diversity/near_duplicate_rate",
                diversity.near_duplicate_rate,
                m.near_duplicate_rate,
                files,
            )
        )
        update["diversity"] = diversity.model_copy(
            update={"near_duplicate_rate": m.near_duplicate_rate}
        )
    if m.verified_items is not None and source.origin != "human":
        verification = source.verification or Verification.model_validate({})
        facts.append(
            MeasuredFact(
                f"{pointer}/verification/items_passed",
                verification.items_passed,
                m.verified_items,
                files,
            )
        )
        facts.append(
            MeasuredFact(
                f"{pointer}/verification/items_checked",
                verification.items_checked,
                m.checked_items,
                files,
            )
        )
        update["verification"] = verification.model_copy(
            update={"items_passed": m.verified_items, "items_checked": m.checked_items}
        )
    return source.model_copy(update=update), facts


def _involved(
    measurement: ManifestMeasurement, eval_source: str, training: tuple[str, ...]
) -> tuple[str, ...]:
    """The data files of this manifest's sources that a contamination result compared."""
    files: list[str] = []
    for sid in (eval_source, *training):
        m = measurement.sources.get(sid)
        if m is not None:
            files += _files(measurement.path, m)
    return tuple(files)


def overlay(manifest: Manifest, measurement: ManifestMeasurement) -> tuple[Manifest, Measured]:
    """``manifest`` with its measured facts in place of the declared ones, and the facts."""
    facts: list[MeasuredFact] = []
    splits = []
    for i, split in enumerate(manifest.splits):
        sources = []
        for j, source in enumerate(split.sources):
            m = measurement.sources.get(source.id)
            if m is None:
                sources.append(source)
                continue
            changed, found = _source(
                source, f"/splits/{i}/sources/{j}", m, _files(measurement.path, m)
            )
            sources.append(changed)
            facts += found
        splits.append(split.model_copy(update={"sources": sources}))
    dataset = manifest.dataset
    declared_check = dataset.contamination
    recipe = recipe_for(declared_check.method) if declared_check is not None else DEFAULT_RECIPE
    judged = [c for c in measurement.contamination if c.recipe == recipe]
    if judged:
        worst = max(judged, key=lambda c: c.dirty_share)
        check = declared_check or Contamination.model_validate({"method": recipe})
        eval_sets = check.eval_sets or sorted({c.eval_source for c in judged})
        facts.append(
            MeasuredFact(
                "/dataset/contamination/flagged_share",
                check.flagged_share,
                worst.dirty_share,
                _involved(measurement, worst.eval_source, worst.training_sources),
            )
        )
        check = check.model_copy(
            update={"flagged_share": worst.dirty_share, "eval_sets": eval_sets}
        )
        dataset = dataset.model_copy(update={"contamination": check})
    measured = manifest.model_copy(update={"splits": splits, "dataset": dataset})
    return measured, Measured(manifest, {fact.pointer: fact for fact in facts})

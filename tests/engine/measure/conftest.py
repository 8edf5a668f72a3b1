"""Data files for measurement tests, built from the GSM8K slices in tests/fixtures/measure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from synthgate.documents import DEFAULT_LIMITS, read_document
from synthgate.measure.run import MeasureTarget
from synthgate.models import Manifest
from synthgate.validation import validate_model

GSM8K = Path(__file__).resolve().parents[2] / "fixtures" / "measure" / "gsm8k"


def rows(name: str) -> list[dict[str, Any]]:
    """The records of one GSM8K slice (train, test, example_model_solutions)."""
    with (GSM8K / f"{name}.jsonl").open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as JSON Lines."""
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def target(path: Path) -> MeasureTarget:
    """A manifest file read and validated, ready to measure."""
    document = read_document(path, DEFAULT_LIMITS, path.name)
    manifest = validate_model(Manifest, document.data, document)
    return MeasureTarget(manifest, document, path.parent)

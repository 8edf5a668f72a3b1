"""JSON Schemas generated from the models; ``python -m synthgate.jsonschemas DIR`` writes them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from synthgate.models import Manifest, Policy, Report

__all__ = ["SCHEMAS", "generate", "render", "write_all"]

SCHEMAS: dict[str, type[BaseModel]] = {"manifest": Manifest, "policy": Policy, "report": Report}


def generate(which: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``manifest``, ``policy`` or ``report``."""
    model = SCHEMAS[which]
    if which == "report":
        schema = model.model_json_schema(by_alias=True, mode="serialization")
    else:
        schema = model.model_json_schema(by_alias=True, mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"synthgate:{which}.schema.json",
        **schema,
    }


def render(which: str) -> str:
    """The schema as the text checked in under ``schemas/``."""
    return json.dumps(generate(which), indent=2, sort_keys=True) + "\n"


def write_all(directory: Path) -> None:
    """Write every schema into ``directory``."""
    for which in SCHEMAS:
        (directory / f"{which}.schema.json").write_text(render(which), encoding="utf-8")


if __name__ == "__main__":
    write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "schemas"))

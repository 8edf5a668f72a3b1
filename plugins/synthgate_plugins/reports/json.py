"""``json``: the report as JSON, streamed one manifest at a time; same input, same bytes."""

from __future__ import annotations

import json
from typing import Any

from synthgate import ManifestResult, Reporter, Totals, Verdict

__all__ = ["JsonReporter"]


def _dump(value: Any, indent: int) -> str:
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)
    pad = " " * indent
    return text.replace("\n", "\n" + pad)


class JsonReporter(Reporter):
    """Writes an object valid against ``schemas/report.schema.json``."""

    def start(self) -> None:
        header = {
            "synthgate": self.run.version,
            "policies": [p.model_dump(mode="json") for p in self.run.policies],
            "plugins": [p.model_dump(mode="json") for p in self.run.plugins],
        }
        self.out.write("{\n")
        for key, value in header.items():
            self.out.write(f"  {json.dumps(key)}: {_dump(value, 2)},\n")
        self.out.write('  "manifests": [')
        self._first = True

    def add(self, result: ManifestResult) -> None:
        self.out.write("\n    " if self._first else ",\n    ")
        self._first = False
        self.out.write(_dump(result.model_dump(mode="json"), 4))

    def finish(self, totals: Totals, verdict: Verdict) -> None:
        self.out.write("\n  ]" if not self._first else "]")
        self.out.write(f',\n  "totals": {_dump(totals.model_dump(mode="json"), 2)}')
        self.out.write(f',\n  "verdict": {json.dumps(verdict)}\n}}\n')

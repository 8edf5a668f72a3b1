"""``json``: the report as JSON, streamed one manifest at a time; same input, same bytes."""

from __future__ import annotations

import json
from typing import Any

from synthgate import ManifestResult, Totals, Verdict
from synthgate.plugin import Reporter

__all__ = ["JsonReporter"]


_STRING = json.encoder.encode_basestring  # the C escaper (non-ASCII kept, as ensure_ascii=False)
_WORDS = {True: "true", False: "false", None: "null"}


def _write(value: Any, pad: str, out: list[str]) -> None:
    """Append ``value`` to ``out`` as ``json.dumps(value, indent=2, ensure_ascii=False)``
    would write it, lines after the first starting with ``pad``.

    The standard encoder falls back to pure Python whenever it indents; this writer gives the
    same bytes (a test compares them on generated values) in a fraction of the time, which is
    most of what a large audit's JSON report costs.
    """
    if isinstance(value, str):
        out.append(_STRING(value))
    elif value is None or isinstance(value, bool):
        out.append(_WORDS[value])
    elif isinstance(value, int | float):
        out.append(json.dumps(value) if isinstance(value, float) else int.__repr__(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = pad + "  "
        out.append("{")
        first = True
        for key, item in value.items():
            out.append(f"\n{inner}" if first else f",\n{inner}")
            first = False
            out.append(_STRING(key if isinstance(key, str) else json.dumps(key).strip('"')))
            out.append(": ")
            _write(item, inner, out)
        out.append(f"\n{pad}}}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = pad + "  "
        out.append("[")
        for k, item in enumerate(value):
            out.append(f"\n{inner}" if k == 0 else f",\n{inner}")
            _write(item, inner, out)
        out.append(f"\n{pad}]")
    else:
        out.append(json.dumps(value, ensure_ascii=False))  # raises for what JSON cannot hold


def _dump(value: Any, indent: int) -> str:
    """``value`` as indented JSON, every line after the first indented by ``indent``."""
    out: list[str] = []
    _write(value, " " * indent, out)
    return "".join(out)


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

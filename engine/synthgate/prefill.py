"""``synthgate init --from``: a native manifest prefilled from metadata a team already has.

The file (a Hugging Face dataset card, a Croissant file, or any format an adapter plugin
reads) is mapped by the adapters, task names are resolved through the policy's taxonomy, and
the result is written as commented YAML: each value says where it came from, and each fact
the metadata cannot give stays ``unknown`` with a ``FILL IN`` comment saying what to write.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from synthgate.adapters import ManifestAdapter, choose_task_type
from synthgate.documents import DEFAULT_LIMITS, Document, Limits
from synthgate.errors import InputError, UsageError
from synthgate.models import Manifest
from synthgate.plugins import PluginHost
from synthgate.policy import LoadedPolicy
from synthgate.validation import validate_model

__all__ = ["FILL_IN", "Prefilled", "prefill"]

FILL_IN = "FILL IN"
"""The marker of every fact left for a person to give."""
_COLUMN = 34
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/()+-]*")


class Prefilled:
    """A prefilled manifest: its YAML text and how many facts are left to fill in."""

    def __init__(self, text: str, to_fill: int, adapter: str) -> None:
        self.text = text
        self.to_fill = to_fill
        self.adapter = adapter


def prefill(
    path: Path,
    host: PluginHost,
    policy: LoadedPolicy,
    *,
    display: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Prefilled:
    """A native manifest mapped from ``path`` by the first adapter that reads it.

    Raises :class:`UsageError` when ``path`` is missing or already a native manifest, and
    :class:`InputError` (located in ``path``) when no adapter reads it or it is malformed.
    """
    shown = display if display is not None else str(path)
    if not path.is_file():
        raise UsageError(f"--from '{shown}' is not a file", "name a README.md or Croissant file")
    adapters = list(host.adapters().values())
    document, adapter = _read(path, shown, limits, adapters)
    if document.mapped_from is None:
        raise UsageError(
            f"'{shown}' is already a synthgate manifest",
            f"audit it with 'synthgate audit {shown}'",
        )
    candidates: list[str] = []
    if adapter.task_candidates:
        dataset = document.data.get("dataset") if isinstance(document.data, dict) else None
        if isinstance(dataset, dict) and isinstance(dataset.get("task_type"), list):
            candidates = [c for c in dataset["task_type"] if isinstance(c, str)]
        choose_task_type(document.data, policy.resolve_task_type)
        chosen = document.data["dataset"].get("task_type")
        if isinstance(chosen, str) and chosen != "unknown":  # the taxonomy's own name
            document.data["dataset"]["task_type"] = policy.resolve_task_type(chosen) or chosen
    validate_model(Manifest, document.data, document)  # what is written must audit
    writer = _Writer(document, Path(shown).name, candidates)
    return Prefilled(writer.render(), writer.to_fill, adapter.name)


def _read(
    path: Path, shown: str, limits: Limits, adapters: list[ManifestAdapter]
) -> tuple[Document, ManifestAdapter]:
    for adapter in adapters:
        document = adapter.load(path, shown, limits)
        if document is not None:
            return document, adapter
    hints = [a.hint for a in adapters if a.hint]
    raise InputError.at(
        shown,
        1,
        1,
        "not a file any installed adapter can map to a manifest",
        "; ".join(hints) or "name a Hugging Face dataset card or a Croissant file",
    )


def _scalar(value: Any) -> str:
    """``value`` as a YAML scalar that reads back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text == text.strip() and _reads_as_text(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _reads_as_text(text: str) -> bool:
    import yaml

    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


def _flow(values: list[Any]) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


_TODO = {
    "task_type": "e.g. code-generation, math-word-problems, sentiment-analysis "
    "(list: synthgate rules --taxonomy)",
    "stage": "pretrain | sft | preference | eval",
    "languages": "language codes, e.g. [en]",
    "resource_level": "high | medium | low (of the languages)",
    "target_models": "models trained on (or, for eval, evaluated with) this data: "
    "- {name: my-model-7b, family: my-model}",
    "replaces_previous_version": "true if human data of the last version was dropped",
    "origin": "human | synthetic | mixed: the file does not say (for synthetic or mixed, "
    "add method, generator, generation_depth, verification: see 'synthgate init')",
    "records": "number of records",
    "synthetic_share": "share of the records that is synthetic, 0..1",
    "method": "llm | template | machine-translation | back-translation | rephrase | "
    "distant-labels | other",
    "generator.name": "the generating model, e.g. gpt-4o-2024-08-06",
    "generator.family": "e.g. gpt-4, llama-3, claude-3",
    "generator.provider": "who serves or publishes it",
    "generation_depth": "1 = the generator was trained on human data only",
    "verification.method": "unit-tests | execution | exact-answer | proof-checker | "
    "model-verifier | human-review | none",
    "verification.items_checked": "items run through the verifier",
    "verification.items_passed": "items that passed and were kept",
    "human_audit.items": "synthetic items checked by people",
    "human_audit.error_rate": "share of audited items found wrong",
}


class _Writer:
    """Renders mapped manifest data as commented YAML."""

    def __init__(self, document: Document, name: str, candidates: list[str]) -> None:
        self.document = document
        self.name = name
        self.candidates = candidates
        self.lines: list[str] = []
        self.to_fill = 0

    def whence(self, pointer: str) -> str:
        mapped = self.document.mapped_from or {}
        what = mapped.get(pointer)
        if what is None:
            return ""
        line, _column = self.document.locate(pointer)
        return f"from {self.name}:{line}: {what}"

    def line(self, indent: int, text: str, comment: str = "") -> None:
        head = " " * indent + text
        if comment:
            head = head.ljust(_COLUMN - 1) + " # " + comment
        self.lines.append(head)

    def fact(self, indent: int, key: str, value: Any, pointer: str, todo: str = "") -> None:
        """One ``key: value`` line: where it came from, or what to fill in."""
        text = _flow(value) if isinstance(value, list) else _scalar(value)
        missing = value == "unknown" or value == []
        comment = self.whence(pointer)
        if missing:
            self.to_fill += 1
            hint = _TODO.get(todo or key, "")
            comment = f"{FILL_IN}: {hint}" if hint else FILL_IN
        self.line(indent, f"{key}: {text}", comment)

    def render(self) -> str:
        data = self.document.data
        dataset = data["dataset"]
        self.lines += [
            f"# A synthgate manifest prefilled from {self.name} by 'synthgate init --from'.",
            "# A comment after a value says where in that file it came from. Every value",
            f"# marked {FILL_IN} is a fact the file cannot give: replace each 'unknown' you can;",
            "# a fact left 'unknown' is never assumed to be human-made.",
            "# Audit it with: synthgate audit <this file>     (fields: synthgate schema manifest)",
            "",
            "dataset:",
        ]
        self.fact(2, "name", dataset["name"], "/dataset/name")
        self.task_type(dataset.get("task_type", "unknown"))
        self.fact(2, "stage", dataset.get("stage", "unknown"), "/dataset/stage")
        self.fact(2, "languages", dataset.get("languages", []), "/dataset/languages")
        self.fact(2, "resource_level", dataset.get("resource_level", "unknown"), "")
        self.fact(2, "target_models", dataset.get("target_models", []), "")
        replaces = dataset.get("replaces_previous_version", "unknown")
        self.fact(2, "replaces_previous_version", replaces, "")
        if dataset.get("derived_from"):
            self.fact(2, "derived_from", dataset["derived_from"], "/dataset/derived_from")
        if dataset.get("description"):
            self.block(2, "description", dataset["description"])
        self.lines += ["", "splits:"]
        for index, split in enumerate(data["splits"]):
            pointer = f"/splits/{index}"
            self.line(2, f"- name: {_scalar(split['name'])}", self.whence(pointer + "/name"))
            self.line(4, "sources:")
            for number, source in enumerate(split["sources"]):
                self.source(source, f"{pointer}/sources/{number}")
        return "\n".join(self.lines) + "\n"

    def task_type(self, chosen: str) -> None:
        pointer = "/dataset/task_type"
        if chosen != "unknown":
            comment = self.whence(pointer)
            others = [c for c in self.candidates if c != chosen and c not in comment]
            if others:
                comment += " (also given: " + ", ".join(others) + ")"
            self.line(2, f"task_type: {_scalar(chosen)}", comment)
            return
        self.to_fill += 1
        if self.candidates:
            hint = f"none of {', '.join(self.candidates)} is in the policy's taxonomy; "
        else:
            hint = ""
        self.line(2, "task_type: unknown", f"{FILL_IN}: {hint}{_TODO['task_type']}")

    def block(self, indent: int, key: str, text: str) -> None:
        lines = text.splitlines()
        if not lines or any(not line.isprintable() or line != line.strip() for line in lines):
            self.line(indent, f"{key}: {json.dumps(text, ensure_ascii=False)}")
            return
        self.line(indent, f"{key}: |-")
        self.lines += [" " * (indent + 2) + line for line in lines]

    def source(self, source: dict[str, Any], pointer: str) -> None:
        self.line(6, f"- id: {_scalar(source['id'])}")
        origin = source["origin"]
        self.fact(8, "origin", origin, pointer + "/origin")
        self.fact(8, "records", source.get("records", "unknown"), pointer + "/records")
        if origin == "mixed":
            self.fact(8, "synthetic_share", source.get("synthetic_share", "unknown"), "")
        if origin in ("synthetic", "mixed"):
            self.fact(8, "method", source.get("method", "unknown"), pointer + "/method")
            generator = source.get("generator") or {}
            self.line(8, "generator:")
            for key in ("name", "family", "provider"):
                value = generator.get(key, "unknown")
                self.fact(10, key, value, f"{pointer}/generator/{key}", f"generator.{key}")
            self.fact(8, "generation_depth", source.get("generation_depth", "unknown"), "")
            self.line(8, "verification:")
            for key in ("method", "items_checked", "items_passed"):
                self.fact(10, key, "unknown", "", f"verification.{key}")
            self.line(8, "human_audit:")
            for key in ("items", "error_rate"):
                self.fact(10, key, "unknown", "", f"human_audit.{key}")
        if source.get("description"):
            self.block(8, "description", source["description"])

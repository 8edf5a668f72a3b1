"""The mapping of one Data Provenance Initiative entry to a manifest (imported only when a
summary is read; see :mod:`synthgate_plugins.adapters.dpi`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from synthgate.plugin import Document
from synthgate_plugins.adapters._mapping import (
    MappedManifest,
    Position,
    join_words,
    pointer_to,
    source_entries,
)

__all__ = ["EntryMapping"]

# Values of 'Model Generated' that name no model: how, not who.
_TEMPLATES = frozenset({"templates", "template"})
_NO_MODEL = frozenset({"other", "unknown", "n/a", ""})
# Machine translation systems the summaries name as generators.
_TRANSLATORS = re.compile(r"google translate|indictrans|nllb|deepl|opus-mt|m2m|marian", re.I)
_KEBAB = re.compile(r"[^0-9a-z]+")


class EntryMapping:
    """One entry of a summary mapped to a manifest, each fact located at the key it came from."""

    def __init__(self, raw: Document, path: Path, entry: str, display: str) -> None:
        self.raw = raw
        self.entry = entry
        self.record: dict[str, Any] = raw.data[entry]
        self.base = pointer_to(entry)
        self.name = f"{path.name}#{entry}"
        self.display = display
        self.mapped = MappedManifest(self.at(self.base))
        self.notes: list[str] = []

    def at(self, pointer: str) -> Position:
        line, column = self.raw.locate(pointer)
        return line - 1, column - 1

    def key(self, name: str) -> str:
        return f"{self.base}/{pointer_to(name)[1:]}"

    def texts(self, name: str) -> list[tuple[str, str]]:
        """(text, pointer) of a field that is text or a list of text; others are ignored."""
        value = self.record.get(name)
        if isinstance(value, str):
            return [(value.strip(), self.key(name))] if value.strip() else []
        if isinstance(value, list):
            return [
                (item.strip(), f"{self.key(name)}/{i}")
                for i, item in enumerate(value)
                if isinstance(item, str) and item.strip()
            ]
        return []

    def put_list(self, pointer: str, name: str, found: list[tuple[str, str]]) -> None:
        self.mapped.put(
            pointer, self.at(self.key(name)), f"{name}: " + join_words([t for t, _ in found])
        )
        for index, (_text, at) in enumerate(found):
            self.mapped.put(f"{pointer}/{index}", self.at(at))

    def document(self) -> Document:
        put = self.mapped.put
        uid = str(self.record.get("Unique Dataset Identifier") or self.entry)
        dataset: dict[str, Any] = {"name": uid}
        put(
            "/dataset/name",
            self.at(self.key("Unique Dataset Identifier")),
            f"Unique Dataset Identifier: {uid}",
        )
        aliases = [t for t, _ in self.texts("Dataset Name") if t != uid]
        aliases += [t for t, _ in self.texts("Hugging Face URL") if t not in aliases]
        if aliases:  # other names under which other manifests may derive from it
            dataset["aliases"] = aliases
        tasks = self.texts("Task Categories")
        if tasks:
            candidates = [_KEBAB.sub("-", t.casefold()).strip("-") for t, _ in tasks]
            dataset["task_type"] = list(dict.fromkeys(c for c in candidates if c))
            put("/dataset/task_type", self.at(tasks[0][1]), f"Task Categories: {tasks[0][0]}")
        else:
            dataset["task_type"] = "unknown"
        dataset["stage"] = "unknown"
        languages = self.texts("Languages")
        if languages:
            dataset["languages"] = [t for t, _ in languages]
            self.put_list("/dataset/languages", "Languages", languages)
        parents = self.texts("Derived from Datasets")
        if parents:
            dataset["derived_from"] = [t for t, _ in parents]
            self.put_list("/dataset/derived_from", "Derived from Datasets", parents)
        licences = self.licences()
        if licences:
            self.notes.append("licences: " + ", ".join(licences))
        sources_said = [t for t, _ in self.texts("Text Sources")]
        if sources_said:
            self.notes.append("text sources: " + ", ".join(sources_said))
        parts = [p for p in (self.text_part(), self.labels_part()) if p is not None]
        split = {
            "name": "all",
            "sources": source_entries(self.mapped, "/splits/0", parts, "unknown", None),
        }
        self.notes.append("splits: a summary names none")
        intro = (
            f"Mapped from the Data Provenance Initiative entry {self.name}. A summary gives no "
            "synthetic share, generation depth, verification or splits: those are unknown."
        )
        dataset["description"] = "\n".join([intro, *self.notes])
        data = {"dataset": dataset, "splits": [split]}
        return self.mapped.document(self.display, data, "dpi", self.raw.text)

    def licences(self) -> list[str]:
        value = self.record.get("Licenses")
        found = []
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and isinstance(item.get("License"), str):
                    found.append(item["License"])
        return found

    def text_part(self) -> dict[str, Any]:
        """The text: ``Model Generated`` names generators (mixed, share unknown: a summary does
        not say how much); an empty list beside named text sources says no model wrote it."""
        key = "Model Generated"
        models = self.texts(key)
        where = self.at(self.key(key)) if key in self.record else self.mapped.positions[""]
        if key not in self.record:
            self.notes.append("text: the entry has no 'Model Generated'")
            return {"id": "text", "origin": "unknown", "where": where, "what": "no Model Generated"}
        if not models:
            if self.texts("Text Sources"):
                said = "Model Generated: [] beside named Text Sources"
                self.notes.append(f"text: {said}")
                return {"id": "text", "origin": "human", "where": where, "what": said}
            said = "Model Generated: [] and no Text Sources"
            self.notes.append(f"text: {said}")
            return {"id": "text", "origin": "unknown", "where": where, "what": said}
        names = [m for m, _ in models]
        said = f"{key}: " + join_words(names)
        part: dict[str, Any] = {"id": "text", "origin": "mixed", "where": where, "what": said}
        folded = {m.casefold() for m in names}
        real = [(m, at) for m, at in models if m.casefold() not in _TEMPLATES | _NO_MODEL]
        if folded <= _TEMPLATES:
            part["method"] = "template"
        elif real and all(_TRANSLATORS.search(m) for m, _ in real):
            part["method"] = "machine-translation"
        if len(real) == 1:
            name, at = real[0]
            part["generator"] = (name, self.at(at), f"{key}: {name}")
        elif len(real) > 1:
            part["description"] = "generators named: " + ", ".join(m for m, _ in real)
        self.notes.append(f"text: {said} (share unknown)")
        return part

    def labels_part(self) -> dict[str, Any] | None:
        """``Human Annotation: Yes`` (people annotated after collection) gives human labels;
        ``No`` says nothing about who labelled it, so no labels part."""
        value = self.record.get("Human Annotation")
        if isinstance(value, str) and value.strip().casefold() == "yes":
            where = self.at(self.key("Human Annotation"))
            return {
                "id": "labels",
                "origin": "human",
                "where": where,
                "what": "Human Annotation: Yes",
            }
        self.notes.append(f"labels: Human Annotation is {value!r}: not said who labelled it")
        return None

"""The mapping of a Hugging Face dataset card's front matter to a manifest (imported only
when a card is read; see :mod:`synthgate_plugins.adapters.hf_card`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from synthgate import InputError
from synthgate.plugin import Document, did_you_mean
from synthgate_plugins.adapters._mapping import (
    MappedManifest,
    Position,
    combine_origins,
    join_words,
    pointer_to,
    source_entries,
)
from synthgate_plugins.adapters._prose import ProseHit, prose_hits

__all__ = ["CardMapping"]

_HUMAN = frozenset({"found", "crowdsourced", "expert-generated"})
_MACHINE = "machine-generated"
_TEXT_CREATORS = _HUMAN | {_MACHINE, "other"}
_LABEL_CREATORS = _TEXT_CREATORS | {"no-annotation"}
# Task names too generic to say whether the task is checkable: prose evidence may refine them.
_GENERIC_TASKS = frozenset(
    {
        "question-answering",
        "translation",
        "text2text-generation",
        "text-generation",
        "parsing",
        "table-question-answering",
        "open-domain-qa",
        "closed-domain-qa",
        "extractive-qa",
        "conversational",
    }
)


class CardMapping:
    """One card's front matter mapped to a manifest."""

    def __init__(self, card: Document, path: Path, opening_line: int) -> None:
        self.card = card
        self.data: dict[str, Any] = card.data
        self.name = path.name
        self.folder = path.resolve().parent.name
        self.mapped = MappedManifest((opening_line, 0))
        self.notes: list[str] = []
        self.opening_line = opening_line
        self.hits: list[ProseHit] = []
        self.inferred: dict[str, str] = {}
        """Dataset facts inferred from prose, with their evidence, for the owner to confirm."""

    # -- reading card fields

    def at(self, pointer: str) -> Position:
        line, column = self.card.locate(pointer)
        return line - 1, column - 1

    def where(self, pointer: str) -> str:
        return f"{self.name}:{self.at(pointer)[0] + 1}"

    def error(self, pointer: str, message: str, hint: str) -> InputError:
        line, column = self.card.locate(pointer)
        return InputError.at(self.card.path, line, column, message, hint, pointer=pointer)

    def values(self, key: str, allowed: frozenset[str] | None = None) -> list[tuple[str, str]]:
        """(value, card pointer) of a tag field: text, a list of text, or the per-config
        form ``{config: text or list}``; duplicates dropped."""
        if key not in self.data or self.data[key] is None:
            return []
        base = pointer_to(key)
        value = self.data[key]
        found: list[tuple[Any, str]] = []
        if isinstance(value, dict):
            for config, inner in value.items():
                found += self._items(inner, f"{base}/{pointer_to(config)[1:]}")
        else:
            found = self._items(value, base)
        out: list[tuple[str, str]] = []
        for item, pointer in found:
            if not isinstance(item, str) or not item.strip():
                raise self.error(
                    pointer, f"'{key}' holds {item!r}, not text", f"write {key} as a list of text"
                )
            if allowed is not None and item not in allowed:
                raise self.error(
                    pointer,
                    f"'{item}' is not a value of '{key}'",
                    did_you_mean(item, allowed) or "expected one of: " + ", ".join(sorted(allowed)),
                )
            if item not in (seen for seen, _ in out):
                out.append((item, pointer))
        return out

    @staticmethod
    def _items(value: Any, pointer: str) -> list[tuple[Any, str]]:
        if isinstance(value, list):
            return [(item, f"{pointer}/{i}") for i, item in enumerate(value)]
        return [(value, pointer)]

    # -- the mapping

    def document(self, text: str) -> Document:
        lines = text.splitlines()
        closing = next(
            (n for n in range(self.opening_line + 1, len(lines)) if lines[n].strip() == "---"),
            len(lines),
        )
        self.hits = prose_hits(lines, closing + 1)
        dataset = self.dataset()
        splits = self.splits()
        intro = (
            f"Mapped from the Hugging Face dataset card {self.name}. A card gives no generator, "
            "synthetic share, generation depth or verification: those are unknown."
        )
        dataset["description"] = "\n".join([intro, *self.notes])
        if self.inferred:
            dataset["inferred"] = self.inferred
        data = {"dataset": dataset, "splits": splits}
        return self.mapped.document(self.card.path, data, "hf-card", text)

    def dataset(self) -> dict[str, Any]:
        put = self.mapped.put
        dataset: dict[str, Any] = {"name": self.folder or "dataset"}
        pretty = self.data.get("pretty_name")
        if isinstance(pretty, str) and pretty.strip():
            dataset["name"] = pretty.strip()
            put("/dataset/name", self.at("/pretty_name"), f"pretty_name: {pretty.strip()}")
        aliases = [self.folder] if self.folder and self.folder != dataset["name"] else []
        pwc = self.data.get("paperswithcode_id")
        if isinstance(pwc, str) and pwc.strip() and pwc.strip() not in (dataset["name"], *aliases):
            aliases.append(pwc.strip())
            put("/dataset/aliases", self.at("/paperswithcode_id"), f"paperswithcode_id: {pwc}")
        if aliases:  # other manifests may name the dataset by its folder (the Hub id) or id
            dataset["aliases"] = aliases
        dataset["task_type"] = self.task_candidates()
        dataset["stage"] = "unknown"
        languages = self.values("language") or self.values("languages")
        if languages:
            dataset["languages"] = [value for value, _ in languages]
            key = "language" if "language" in self.data else "languages"
            put(
                "/dataset/languages",
                self.at(pointer_to(key)),
                f"{key}: " + join_words(dataset["languages"]),
            )
            for index, (_value, pointer) in enumerate(languages):
                put(f"/dataset/languages/{index}", self.at(pointer))
        dataset["resource_level"] = "unknown"
        parents = self.parents()
        if parents:
            dataset["derived_from"] = [name for name, _ in parents]
            said = join_words([value for value, _ in self.values("source_datasets")])
            put("/dataset/derived_from", self.at("/source_datasets"), f"source_datasets: {said}")
            for index, (_name, pointer) in enumerate(parents):
                put(f"/dataset/derived_from/{index}", self.at(pointer))
        licences = [value for value, _ in self.values("license")]
        if licences:
            self.notes.append("license: " + ", ".join(licences))
        return dataset

    def task_candidates(self) -> list[str] | str:
        """Task ids (more specific) before task categories; a legacy free id such as
        ``text-classification-other-hate-speech-detection`` is followed by its own name
        (``hate-speech-detection``). The audit keeps the first its taxonomy knows."""
        candidates: list[str] = []
        first: tuple[str, str] | None = None
        for key in ("task_ids", "task_categories"):
            for value, pointer in self.values(key):
                if first is None:
                    first = (key, pointer)
                for name in _task_names(value):
                    if name not in candidates:
                        candidates.append(name)
        if first is None:
            refined = self.refined_task([])
            if refined is not None:
                return refined
            self.notes.append("task type unknown: the card has no task_categories or task_ids")
            return "unknown"
        if not candidates:
            self.notes.append("task type unknown: the card's only task is 'other'")
            return "unknown"
        key, pointer = first
        refined = self.refined_task(candidates)
        if refined is not None:
            return refined
        self.mapped.put("/dataset/task_type", self.at(pointer), f"{key}: {candidates[0]}")
        return candidates

    def refined_task(self, candidates: list[str]) -> list[str] | None:
        """Candidates led by a task the prose names, when the card's own task names are too
        generic to say whether the task is checkable (code under 'translation', SQL under
        'question-answering'); None when the prose names none or the card is specific."""
        if candidates and not all(c in _GENERIC_TASKS for c in candidates):
            return None
        hit = next((h for h in self.hits if h.kind == "task"), None)
        if hit is None:
            return None
        quoted = self.quote(hit)
        said = ", ".join(candidates) if candidates else "none"
        self.inferred["task_type"] = f"prose: {quoted}; the card's task ids: {said}"
        self.mapped.put("/dataset/task_type", (hit.line, 0), f"inferred from prose: {quoted}")
        self.notes.append(f"task type {hit.value}: inferred from prose {quoted}")
        return [hit.value, *candidates]

    def quote(self, hit: ProseHit) -> str:
        short = hit.quote if len(hit.quote) <= 200 else hit.quote[:197] + "..."
        return f'"{short}" ({self.name}:{hit.line + 1})'

    def parents(self) -> list[tuple[str, str]]:
        """Named parents in ``source_datasets``: ``extended|squad`` and plain ids such as
        ``wikipedia``; ``original`` has none, ``extended`` and ``extended|other-*`` name none."""
        named: list[tuple[str, str]] = []
        for value, pointer in self.values("source_datasets"):
            name = value.split("|", 1)[1].strip() if value.startswith("extended|") else value
            if value in ("original", "extended") or name.startswith("other-") or not name:
                if value != "original":
                    self.notes.append(f"source_datasets '{value}': derived from an unnamed parent")
                continue
            named.append((name, pointer))
        return named

    def splits(self) -> list[dict[str, Any]]:
        text = self.part("text", "language_creators", _TEXT_CREATORS)
        labels = self.part("labels", "annotations_creators", _LABEL_CREATORS)
        parts = [p for p in (text, labels) if p is not None]
        sizes = self.split_sizes()
        if not sizes:
            self.notes.append("splits: the card gives none (no dataset_info or configs)")
            sizes = [("all", "unknown", None, None)]
        out: list[dict[str, Any]] = []
        for index, (name, records, where, records_at) in enumerate(sizes):
            pointer = f"/splits/{index}"
            if where is not None:
                self.mapped.put(pointer, where, "dataset_info / configs")
                self.mapped.put(pointer + "/name", where, f"split {name}")
            named = [{**p, "id": f"{name}-{p['id']}"} for p in parts]
            out.append(
                {
                    "name": name,
                    "sources": source_entries(self.mapped, pointer, named, records, records_at),
                }
            )
        return out

    def part(self, what: str, key: str, allowed: frozenset[str]) -> dict[str, Any] | None:
        """The text or labels of every split: origin from the creators field.

        No field: text of unknown origin, and no labels part (the card does not say there are
        labels). ``no-annotation`` alone: no labels part.
        """
        values = self.values(key, allowed)
        tagged = self.tagged_synthetic()
        if not values:  # absent, null or empty: the card does not say
            if what == "labels":
                self.notes.append("labels: the card has no annotations_creators")
                return self.from_prose(None, what, key)
            origin = "mixed" if tagged else "unknown"
            where = self.at("/tags") if tagged else self.mapped.positions[""]
            said = "tags: synthetic (share unknown)" if tagged else "no language_creators"
            self.notes.append(f"text: {said}")
            return self.from_prose(
                {"id": what, "origin": origin, "where": where, "what": said}, what, key
            )
        words = [v for v, _ in values if v != "no-annotation"]
        if not words:
            return None
        kinds = {
            "human" if v in _HUMAN else "synthetic" if v == _MACHINE else "unknown" for v in words
        }
        origin = combine_origins(kinds)
        said = f"{key}: {join_words(words)}"
        if what == "text" and tagged and origin in ("human", "unknown"):
            origin = "mixed"
            said += " and tags: synthetic"
        if what == "text" and _MACHINE in words and self.translation():
            self.notes.append(
                "text: machine-generated in a 'translation' card, possibly machine translation "
                "(method left unknown: the card does not say)"
            )
        self.notes.append(f"{what}: {said} ({self.where(pointer_to(key))})")
        part = {"id": what, "origin": origin, "where": self.at(pointer_to(key)), "what": said}
        return self.from_prose(part, what, key)

    def from_prose(self, part: dict[str, Any] | None, what: str, key: str) -> dict[str, Any] | None:
        """The part as the prose's first provenance sentence about it leaves it: human or
        unknown becomes ``mixed`` (share unknown), never ``synthetic`` on prose alone; an
        unknown method takes the one the sentence implies. What changed is recorded in
        ``inferred`` with the sentence (and the YAML it contradicts) for the owner to confirm."""
        hit = next((h for h in self.hits if h.kind == "origin" and h.part == what), None)
        if hit is None:
            return part
        quoted = self.quote(hit)
        if part is None:  # labels the YAML says nothing about
            part = {"id": what, "origin": "unknown", "where": (hit.line, 0), "what": "no " + key}
        yaml_said = part["what"]
        inferred: dict[str, str] = {}
        if part["origin"] in ("human", "unknown"):
            inferred["origin"] = (
                f"prose: {quoted} says machine-made; YAML: {yaml_said} "
                f"({self.name}:{part['where'][0] + 1}) says {part['origin']}"
            )
            part["origin"] = "mixed"
        if hit.value != "unknown" and part.get("method", "unknown") == "unknown":
            inferred["method"] = f"prose: {quoted}"
            part["method"] = hit.value
        if not inferred:
            return part
        part["inferred"] = inferred
        part["what"] = f"{yaml_said}; inferred from prose: {quoted}"
        self.notes.append(f"{what}: inferred from prose {quoted}: please confirm")
        return part

    def translation(self) -> bool:
        """Whether ``multilinguality`` says the card holds translations."""
        value = self.data.get("multilinguality")
        items = value if isinstance(value, list) else [value]
        return "translation" in items

    def tagged_synthetic(self) -> bool:
        """Whether ``tags`` has ``synthetic`` (a community convention, not a vocabulary)."""
        tags = self.data.get("tags")
        items = tags if isinstance(tags, list) else [tags]
        return any(isinstance(t, str) and t.strip().lower() == "synthetic" for t in items)

    def split_sizes(self) -> list[tuple[str, int | str, Position | None, Position | None]]:
        """(name, records, where, where the count is) per split, from ``dataset_info`` (summed
        over configs) or else from the splits named in ``configs``."""
        sizes: dict[str, list[Any]] = {}
        info = self.data.get("dataset_info")
        for config_pointer, config in self._configs(info, "/dataset_info"):
            splits = config.get("splits")
            entries: list[tuple[Any, str]] = []
            if isinstance(splits, list):
                entries = [(s, f"{config_pointer}/splits/{i}") for i, s in enumerate(splits)]
            elif isinstance(splits, dict):
                entries = [
                    (s, f"{config_pointer}/splits/{pointer_to(k)[1:]}") for k, s in splits.items()
                ]
            elif splits is not None:
                raise self.error(
                    f"{config_pointer}/splits",
                    "'splits' of dataset_info is not a list",
                    "write splits as a list of {name, num_examples}",
                )
            for entry, pointer in entries:
                if not isinstance(entry, dict):
                    raise self.error(
                        pointer,
                        "a split of dataset_info is not a mapping",
                        "write each split as {name, num_bytes, num_examples}",
                    )
                name = self._split_name(entry.get("name"), pointer + "/name")
                count = entry.get("num_examples", "unknown")
                if count != "unknown" and (
                    isinstance(count, bool) or not isinstance(count, int) or count < 0
                ):
                    raise self.error(
                        pointer + "/num_examples",
                        f"num_examples is {count!r}, not a whole number >= 0",
                        "write the number of examples of the split",
                    )
                if name not in sizes:
                    sizes[name] = [0, self.at(pointer), None]
                if count == "unknown" or sizes[name][0] == "unknown":
                    sizes[name][0] = "unknown"
                else:
                    sizes[name][0] += count
                    sizes[name][2] = sizes[name][2] or self.at(pointer + "/num_examples")
        configs = self.data.get("configs")
        if isinstance(configs, list) and configs and all(isinstance(c, str) for c in configs):
            # The older card format lists config names only: no data files, no splits.
            self.notes.append("configs: " + ", ".join(configs) + " (names only)")
            configs = None
        if not sizes:
            for config_pointer, config in self._configs(configs, "/configs"):
                files = config.get("data_files")
                if isinstance(files, list):
                    for i, entry in enumerate(files):
                        if isinstance(entry, dict) and "split" in entry:
                            pointer = f"{config_pointer}/data_files/{i}/split"
                            name = self._split_name(entry["split"], pointer)
                            sizes.setdefault(name, ["unknown", self.at(pointer), None])
        return [(name, s[0], s[1], s[2]) for name, s in sizes.items()]

    def _configs(self, value: Any, base: str) -> list[tuple[str, dict[str, Any]]]:
        if value is None:
            return []
        if isinstance(value, dict):
            return [(base, value)]
        if isinstance(value, list) and all(isinstance(c, dict) for c in value):
            return [(f"{base}/{i}", c) for i, c in enumerate(value)]
        raise self.error(
            base,
            f"'{base[1:]}' is neither a mapping nor a list of mappings",
            "write one mapping per config",
        )

    def _split_name(self, name: Any, pointer: str) -> str:
        if not isinstance(name, str) or not name.strip():
            raise self.error(pointer, f"split name {name!r} is not text", "name the split")
        return name.strip()


def _task_names(value: str) -> list[str]:
    """A task id, then the name inside a legacy free id (``x-other-name`` or ``other-name``)."""
    names = [value]
    if "-other-" in value:
        names.append(value.split("-other-", 1)[1])
    elif value.startswith("other-"):
        names.append(value[len("other-") :])
    # 'other' names no task: a guess would choose the rules on no evidence.
    return [n for n in names if n and n != "other"]

"""The mapping of a Croissant file to a manifest (imported only when a Croissant file is
read; see :mod:`synthgate_plugins.adapters.croissant`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from synthgate.plugin import Document
from synthgate_plugins.adapters._mapping import (
    MappedManifest,
    Position,
    combine_origins,
    join_words,
    pointer_to,
    source_entries,
)
from synthgate_plugins.adapters.croissant import get as _get

__all__ = ["CroissantMapping"]

_HUMAN_COLLECTION = frozenset(
    t.casefold()
    for t in (
        "Surveys",
        "Secondary Data analysis",
        "Physical data collection",
        "Direct measurement",
        "Document analysis",
        "Manual Human Curator",
        "Experiments",
        "Web Scraping",
        "Web API",
        "Focus groups",
        "Self-reporting",
        "Customer feedback data",
        "User-generated content data",
        "Passive Data Collection",
    )
)
_SYNTHETIC_WORDS = frozenset({"synthetic", "synthetic data", "machine-generated", "llm-generated"})
_HUMAN_ANNOTATION = ("dataAnnotationProtocol", "dataAnnotationPlatform", "annotationsPerItem")
_SPLIT_URLS = {"trainingsplit": "train", "validationsplit": "validation", "testsplit": "test"}
AgentKind = Literal["person", "organization", "software", "unknown"]
_AGENT_TYPES: dict[str, AgentKind] = {
    "person": "person",
    "organization": "organization",
    "organisation": "organization",
    "group": "organization",
    "softwareagent": "software",
    "softwareapplication": "software",
    "softwaresourcecode": "software",
}
# A generic prov:Agent (or an untyped one) is typed from its label, when the label says.
_PEOPLE_WORDS = re.compile(
    r"\b(crowd\w*|annotators?|workers?|raters?|experts?|volunteers?|people|humans?|linguists?|"
    r"translators?|speakers?|students?|authors?|editors?|curators?|staff|participants?)\b",
    re.IGNORECASE,
)
_SOFTWARE_WORDS = re.compile(
    r"\b(gpt[\w.-]*|llama[\w.-]*|claude[\w.-]*|gemini[\w.-]*|mistral[\w.-]*|mixtral[\w.-]*|"
    r"models?|llms?|api|software|generator|pipeline|script)\b",
    re.IGNORECASE,
)
# Activities that screened existing records (their agents made nothing): filtering,
# moderation, deduplication, PII removal.
_SCREENING = re.compile(
    r"filter|moderat|dedup|de-dup|duplicat|\bpii\b|anonymi|redact|clean|screen|detox",
    re.IGNORECASE,
)


def _listed(value: Any, pointer: str) -> list[tuple[Any, str]]:
    if isinstance(value, list):
        return [(item, f"{pointer}/{i}") for i, item in enumerate(value)]
    return [(value, pointer)]


def _text(value: Any) -> str | None:
    """Plain text of a JSON-LD value: a string, ``{"@value": ...}``, ``{"@id": ...}`` or a
    node's name."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, dict):
        for key in ("@value", "name", "sc:name", "rdfs:label", "label", "@id", "url"):
            if key in value:
                return _text(value[key])
        found = _get(value, "prov", "label") or _get(value, "sc", "name")
        if found is not None:
            return _text(found[1])
    return None


def _types(node: Any) -> set[str]:
    """Lower-cased local names of a node's ``@type``."""
    if not isinstance(node, dict):
        return set()
    value = node.get("@type", [])
    items = value if isinstance(value, list) else [value]
    return {
        str(t).rsplit("#", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1].casefold()
        for t in items
        if isinstance(t, str)
    }


class CroissantMapping:
    """One Croissant file mapped to a manifest."""

    def __init__(self, raw: Document, path: Path) -> None:
        self.raw = raw
        self.data: dict[str, Any] = raw.data
        self.name = path.name
        self.folder = path.resolve().parent.name
        self.mapped = MappedManifest(self.at(""))
        self.notes: list[str] = []
        self.nodes = _nodes(self.data)

    def at(self, pointer: str) -> Position:
        line, column = self.raw.locate(pointer)
        return line - 1, column - 1

    def prop(self, node: Any, pointer: str, namespace: str, name: str) -> list[tuple[Any, str]]:
        """The values of a property (a list or one), each with its pointer."""
        found = _get(node, namespace, name)
        if found is None or found[1] is None:
            return []
        key, value = found
        return _listed(value, f"{pointer}/{pointer_to(key)[1:]}")

    def texts(self, node: Any, pointer: str, namespace: str, name: str) -> list[tuple[str, str]]:
        out = []
        for value, at in self.prop(node, pointer, namespace, name):
            text = _text(value)
            if text is not None:
                out.append((text, at))
        return out

    # -- the mapping

    def document(self) -> Document:
        put = self.mapped.put
        dataset: dict[str, Any] = {"name": self.folder or "dataset"}
        names = self.texts(self.data, "", "sc", "name")
        if names:
            dataset["name"] = names[0][0]
            put("/dataset/name", self.at(names[0][1]), f"name: {names[0][0]}")
        # Keywords may name a task (Hub exports put task ids there), but a weak signal must not
        # choose which rules apply: the task type is left for a person to declare.
        dataset["task_type"] = "unknown"
        keywords = [k for k, _ in self.texts(self.data, "", "sc", "keywords")]
        if keywords:
            self.notes.append("keywords: " + ", ".join(keywords) + " (weak signals)")
        dataset["stage"] = "unknown"
        languages = self.texts(self.data, "", "sc", "inLanguage")
        if languages:
            dataset["languages"] = [value for value, _ in languages]
            put("/dataset/languages", self.at(languages[0][1]), "inLanguage")
            for index, (_value, pointer) in enumerate(languages):
                put(f"/dataset/languages/{index}", self.at(pointer))
        dataset["resource_level"] = "unknown"
        parents = self.texts(self.data, "", "prov", "wasDerivedFrom")
        if parents:
            dataset["derived_from"] = [value for value, _ in parents]
            put("/dataset/derived_from", self.at(parents[0][1]), "prov:wasDerivedFrom")
            for index, (_value, pointer) in enumerate(parents):
                put(f"/dataset/derived_from/{index}", self.at(pointer))
        for label, (namespace, name) in {
            "license": ("sc", "license"),
            "synthetic data": ("rai", "syntheticDataExplanation"),
            "collection": ("rai", "dataCollection"),
            "use cases": ("rai", "dataUseCases"),
        }.items():
            said = [value for value, _ in self.texts(self.data, "", namespace, name)]
            if said:
                self.notes.append(f"{label}: " + _short("; ".join(said)))
        parts = [p for p in (self.records_part(), self.labels_part()) if p is not None]
        splits = self.splits(parts)
        intro = (
            f"Mapped from the Croissant file {self.name}. Croissant gives no synthetic share, "
            "generation depth or verification: those are unknown."
        )
        dataset["description"] = "\n".join([intro, *self.notes])
        data = {"dataset": dataset, "splits": splits}
        return self.mapped.document(self.raw.path, data, "croissant", self.raw.text)

    def records_part(self) -> dict[str, Any]:
        """Where the records came from: RAI statements, then PROV agents, keywords last."""
        kinds: set[str] = set()
        said: list[str] = []
        where: Position | None = None
        generators: list[tuple[str, str]] = []

        flags = self.prop(self.data, "", "rai", "hasSyntheticData")
        for value, pointer in flags:
            flag = _text(value)
            if flag in ("true", "false"):
                kinds.add("synthetic" if flag == "true" else "human")
                said.append(f"rai:hasSyntheticData: {flag} (a non-standard property)")
                where = where or self.at(pointer)
        collection = self.texts(self.data, "", "rai", "dataCollectionType")
        if collection:
            values = [value for value, _ in collection]
            for value in values:
                folded = value.casefold()
                kinds.add(
                    "synthetic"
                    if folded in _SYNTHETIC_WORDS
                    else "human"
                    if folded in _HUMAN_COLLECTION
                    else "unknown"
                )
            said.append("rai:dataCollectionType: " + join_words(values))
            where = where or self.at(collection[0][1])
        for (name, kind, how), pointer in self.agents(self.data, ""):
            kinds.add(_ORIGIN_OF[kind])
            if kind == "software":
                generators.append((name, pointer))
            said.append(f"PROV agent {name} ({kind}{how})")
            where = where or self.at(pointer)
        if flags and kinds == {"synthetic"} and not (collection or generators):
            kinds.add("unknown")  # 'has synthetic data' says nothing of how much
        if not kinds:
            keywords = self.texts(self.data, "", "sc", "keywords")
            weak = [k for k, _ in keywords if k.casefold() in _SYNTHETIC_WORDS]
            if weak:
                kinds = {"synthetic", "unknown"}
                said.append("keywords: " + join_words(weak) + " (a weak signal)")
                where = self.at(next(p for k, p in keywords if k in weak))
        origin = combine_origins(kinds)
        if not said:
            said.append("no RAI or PROV statement about how the records were made")
        what = "; ".join(said)
        self.notes.append(f"records: {what}")
        part: dict[str, Any] = {
            "id": "records",
            "origin": origin,
            "where": where or self.mapped.positions[""],
            "what": what,
        }
        self.generator(part, generators)
        return part

    def labels_part(self) -> dict[str, Any] | None:
        """Labels, when the file says how they were made: human annotation properties, machine
        annotation tools, or PROV agents of record set fields."""
        kinds: set[str] = set()
        said: list[str] = []
        where: Position | None = None
        generators: list[tuple[str, str]] = []
        for name in _HUMAN_ANNOTATION:
            found = self.prop(self.data, "", "rai", name)
            if found:
                kinds.add("human")
                said.append(f"rai:{name}")
                where = where or self.at(found[0][1])
        tools = self.texts(self.data, "", "rai", "machineAnnotationTools")
        if tools:
            kinds.add("synthetic")
            said.append("rai:machineAnnotationTools: " + join_words([t for t, _ in tools]))
            where = where or self.at(tools[0][1])
            generators += tools
        for record_set, rs_pointer in self.prop(self.data, "", "cr", "recordSet"):
            for field, f_pointer in self.prop(record_set, rs_pointer, "cr", "field"):
                for (name, kind, how), pointer in self.agents(field, f_pointer):
                    kinds.add(_ORIGIN_OF[kind])
                    if kind == "software":
                        generators.append((name, pointer))
                    field_name = _text(field) or "a field"
                    said.append(f"field {field_name} attributed to {name} ({kind}{how})")
                    where = where or self.at(pointer)
        if not kinds:
            self.notes.append("labels: the file does not say how labels were made")
            return None
        what = "; ".join(said)
        self.notes.append(f"labels: {what}")
        part: dict[str, Any] = {
            "id": "labels",
            "origin": combine_origins(kinds),
            "where": where or self.mapped.positions[""],
            "what": what,
        }
        self.generator(part, generators)
        return part

    def generator(self, part: dict[str, Any], generators: list[tuple[str, str]]) -> None:
        """Name the generator when exactly one is named; several are listed, not chosen."""
        names = list(dict.fromkeys(name for name, _ in generators))
        if part["origin"] not in ("synthetic", "mixed") or not names:
            return
        if len(names) == 1:
            pointer = generators[0][1]
            part["generator"] = (names[0], self.at(pointer), f"generator {names[0]}")
        else:
            part["description"] = "generators named: " + ", ".join(names)

    def agents(self, node: Any, pointer: str) -> list[tuple[tuple[str, AgentKind, str], str]]:
        """((name, kind, how the kind was found), pointer) of the agents a node is attributed
        to, directly or through the activities that generated it. References (``{"@id": ...}``)
        are followed to their nodes; the agents of activities that only screened the records
        (filtering, moderation, deduplication) are no authors of them and are left out."""
        found: list[tuple[tuple[str, AgentKind, str], str]] = []
        for agent, at in self.prop(node, pointer, "prov", "wasAttributedTo"):
            found += self._agent(agent, at)
        for activity, at in self.prop(node, pointer, "prov", "wasGeneratedBy"):
            activity = self.resolve(activity)
            screened = self.screening(activity)
            for spelling in ("wasAssociatedWith", "isAssociatedWith"):
                for agent, agent_at in self.prop(activity, at, "prov", spelling):
                    if screened is None:
                        found += self._agent(agent, agent_at)
                        continue
                    for (name, _kind, _how), _ in self._agent(agent, agent_at):
                        self.notes.append(
                            f"PROV: {name} took part in '{screened}', which screened the "
                            "records: not taken for their author"
                        )
        return found

    def resolve(self, value: Any) -> Any:
        """The node a JSON-LD reference names (``{"@id": x}`` or the text ``x``), or the value."""
        if isinstance(value, dict) and set(value) <= {"@id"} and isinstance(value.get("@id"), str):
            return self.nodes.get(value["@id"], value)
        if isinstance(value, str) and value in self.nodes:
            return self.nodes[value]
        return value

    @staticmethod
    def screening(activity: Any) -> str | None:
        """The activity's name when it filtered or moderated records rather than made them."""
        if not isinstance(activity, dict):
            return None
        words = [_text(activity) or ""]
        words += [str(v) for k, v in activity.items() if k.rsplit(":", 1)[-1] == "description"]
        words += sorted(_types(activity))
        said = " ".join(words)
        return (_text(activity) or "an activity") if _SCREENING.search(said) else None

    def _agent(self, agent: Any, pointer: str) -> list[tuple[tuple[str, AgentKind, str], str]]:
        node = self.resolve(agent)
        name = _text(node)
        if name is None:
            return []
        for kind_name in sorted(_types(node)):
            if kind_name in _AGENT_TYPES:
                return [((name, _AGENT_TYPES[kind_name], ""), pointer)]
        label = " ".join(t for t in (_text(node), _label(node)) if t)
        if _PEOPLE_WORDS.search(label):
            return [((name, "person", ", typed from its label"), pointer)]
        if _SOFTWARE_WORDS.search(label):
            return [((name, "software", ", typed from its label"), pointer)]
        return [((name, "unknown", ": no type says what it is"), pointer)]

    def splits(self, parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found: list[tuple[str, str]] = []
        for record_set, rs_pointer in self.prop(self.data, "", "cr", "recordSet"):
            types = {
                t.rsplit("/", 1)[-1].rsplit(":", 1)[-1].casefold() for t in _data_types(record_set)
            }
            if "split" not in types:
                continue
            for row, row_pointer in self.prop(record_set, rs_pointer, "cr", "data"):
                name = _split_name(row)
                if name and name not in (n for n, _ in found):
                    found.append((name, row_pointer))
        record_sets = [_text(rs) or "?" for rs, _ in self.prop(self.data, "", "cr", "recordSet")]
        if record_sets:
            self.notes.append("record sets: " + ", ".join(record_sets))
        if not found:
            found = [("all", "")]
            self.notes.append("splits: the file names none (no record set of type cr:Split)")
        out: list[dict[str, Any]] = []
        for index, (name, row_pointer) in enumerate(found):
            pointer = f"/splits/{index}"
            if row_pointer:
                self.mapped.put(pointer, self.at(row_pointer), f"split record {name}")
                self.mapped.put(pointer + "/name", self.at(row_pointer), f"split {name}")
            named = [{**p, "id": f"{name}-{p['id']}"} for p in parts]
            sources = source_entries(self.mapped, pointer, named, "unknown", None)
            out.append({"name": name, "sources": sources})
        return out


_ORIGIN_OF: dict[AgentKind, str] = {
    "person": "human",
    "organization": "human",
    "software": "synthetic",
    "unknown": "unknown",
}


def _label(node: Any) -> str | None:
    if not isinstance(node, dict):
        return None
    for key in ("rdfs:label", "label", "prov:label", "sc:name", "name", "description"):
        if isinstance(node.get(key), str):
            return str(node[key])
    return None


def _nodes(data: Any) -> dict[str, dict[str, Any]]:
    """Every node of the file that has an ``@id`` and says something besides it, by id."""
    found: dict[str, dict[str, Any]] = {}
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > 64:  # documents are depth-limited when read; this is a second guard
            continue
        if isinstance(value, dict):
            node_id = value.get("@id")
            if isinstance(node_id, str) and set(value) - {"@id"}:
                found.setdefault(node_id, value)
            stack.extend((v, depth + 1) for k, v in value.items() if k != "@context")
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return found


def _data_types(node: Any) -> list[str]:
    found = _get(node, "cr", "dataType")
    if found is None:
        return []
    value = found[1]
    items = value if isinstance(value, list) else [value]
    return [t for t in (_text(i) for i in items) if t]


def _split_name(row: Any) -> str | None:
    """A split's name in a row of a cr:Split record set: a '.../name' column, else the
    well-known split URL (cr:TrainingSplit and the like)."""
    if not isinstance(row, dict):
        return None
    for key, value in row.items():
        local = key.rsplit("/", 1)[-1].casefold()
        if local in ("name", "split_name", "split") and isinstance(value, str) and value.strip():
            return value.strip()
    for value in row.values():
        if isinstance(value, str):
            local = value.rsplit("/", 1)[-1].rsplit(":", 1)[-1].casefold()
            if local in _SPLIT_URLS:
                return _SPLIT_URLS[local]
    return None


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."

"""Resource levels of languages, from the classes of Joshi et al. 2020 (a table shipped with
the policy packs, read on first use): the level a dataset has when it lists its languages and
does not declare one."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import NamedTuple, get_args

import yaml

from synthgate.models import Manifest, ResourceLevel

__all__ = ["LanguageClass", "infer_resource_level", "language_class", "resource_level_of"]

_TABLE = "language-resources.yaml"
_LEVELS = set(get_args(ResourceLevel))
_SUBTAG = re.compile(r"[-_]")


class LanguageClass(NamedTuple):
    """One language of the table."""

    name: str
    """Its name as the source table spells it."""
    joshi_class: int
    """Its class, 0 (left behind) to 5 (winners)."""
    level: ResourceLevel
    """``high``, ``medium`` or ``low``."""


@cache
def _table() -> dict[str, LanguageClass]:
    data = yaml.safe_load((files("synthgate.policies") / _TABLE).read_text(encoding="utf-8"))
    levels: dict[int, ResourceLevel] = {}
    for number, level in data["levels"].items():
        if level not in _LEVELS:
            raise ValueError(f"{_TABLE}: level {level!r} of class {number} is no resource level")
        levels[int(number)] = level
    table: dict[str, LanguageClass] = {}
    for number, entries in data["classes"].items():
        for entry in entries:
            found = LanguageClass(str(entry[0]), int(number), levels[int(number)])
            for key in entry:
                table.setdefault(str(key).casefold(), found)
    return table


def language_class(tag: str) -> LanguageClass | None:
    """The class of a language given by ISO 639 code, BCP 47 tag (``yo-NG``, ``zh-Hans``,
    ``yor_Latn``) or English name; None when the table does not list it."""
    text = tag.strip().casefold()
    table = _table()
    if text in table:
        return table[text]
    primary = _SUBTAG.split(text, 1)[0]
    return table.get(primary) if primary != text else None


def resource_level_of(languages: list[str]) -> tuple[ResourceLevel, str] | None:
    """The resource level of a dataset in ``languages`` and how it was found, or None when a
    language is not in the table (or none is given): nothing is guessed.

    The level is that of the least-resourced language: data for a language pair or a
    multilingual set is scarce where its scarcest language is.
    """
    if not languages:
        return None
    found = [(tag, language_class(tag)) for tag in languages]
    if any(cls is None for _, cls in found):
        return None
    known = [(tag, cls) for tag, cls in found if cls is not None]
    lowest = min(cls.joshi_class for _, cls in known)
    level = next(cls.level for _, cls in known if cls.joshi_class == lowest)
    said = ", ".join(f"{tag} class {cls.joshi_class}" for tag, cls in known)
    return level, f"inferred from languages ({said}; Joshi et al. 2020)"


def infer_resource_level(manifest: Manifest) -> tuple[Manifest, str | None]:
    """``manifest`` with its resource level inferred from its languages when it declares
    none, and the evidence for it; unchanged (and None) otherwise."""
    dataset = manifest.dataset
    if dataset.resource_level != "unknown":
        return manifest, None
    inferred = resource_level_of(dataset.languages)
    if inferred is None:
        return manifest, None
    level, evidence = inferred
    copy = manifest.model_copy(
        update={"dataset": dataset.model_copy(update={"resource_level": level})}
    )
    return copy, f"resource level '{level}' {evidence}"

"""Evidence in a card's prose: sentences of its summary, source data, annotation and curation
sections that say the data (or its labels) was made by a machine, or what the task is.

The phrase lists are data, documented in docs/formats.md ("Card prose"). A hit is evidence,
not a verdict: the card mapping makes an origin at least ``mixed`` from it (never ``human``,
never ``synthetic`` on prose alone) and records the quoted sentence for the owner to confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["PROVENANCE", "SECTIONS", "TASKS", "ProseHit", "prose_hits"]

SECTIONS = (
    "summary",
    "description",
    "source data",
    "data collection",
    "collection and normalization",
    "source language producers",
    "annotation",
    "annotators",
    "curation rationale",
    "dataset creation",
)
"""Headings (any level, matched as words in the heading) whose text is read."""

_LABEL_SECTIONS = ("annotation", "annotators")

_MODEL = (
    r"(?:chat\s?gpt|gpt-?[234](?:\.5)?(?:-turbo|o)?|text-davinci-\d+|llama[\w.-]*|claude[\w.-]*|"
    r"gemini[\w.-]*|palm\s?2?|mistral[\w.-]*|mixtral[\w.-]*|qwen[\w.-]*|"
    r"(?:a |an )?(?:large )?language models?|(?:an |the )?llms?)"
)
PROVENANCE: tuple[tuple[str, str], ...] = (
    # (pattern, method it implies)
    (
        r"\bmachine[- ]translat\w*|\btranslated automatically\b|\btranslated (?:with|using|by) "
        r"(?:google|deepl|nllb|m2m|marian|opus-mt|an? (?:mt|machine translation))",
        "machine-translation",
    ),
    (r"\bback-?translat\w*", "back-translation"),
    (
        r"\btemplate-based\b|\b(?:generated|created|built|filled) (?:from|with|using) "
        r"(?:\w+ )?templates\b|\bfrom (?:a set of |hand-written )?templates\b",
        "template",
    ),
    (r"\bparaphrased (?:by|with|using) " + _MODEL, "rephrase"),
    (
        r"\b(?:generated|produced|written|created|synthesi[sz]ed|annotated|labell?ed) "
        r"(?:\w+ ){0,3}(?:by|with|using) " + _MODEL,
        "llm",
    ),
    (r"\b(?:prompt(?:ed|ing)) " + _MODEL, "llm"),
    (
        r"\bautomatically (?:generated|created|produced|labell?ed|annotated)\b|"
        r"\b(?:generated|labell?ed|annotated) automatically\b",
        "unknown",
    ),
    (
        r"\bsynthetic(?:ally generated)? (?:corpus|data|dataset|examples|samples|dialogues|"
        r"conversations|instructions|questions)\b|\bsynthetically generated\b",
        "unknown",
    ),
    (r"\bmachine-generated\b", "unknown"),
)
"""Phrases that say records or labels were made by a machine, with the method they imply
(``unknown`` when they do not say which machine)."""

_NOT_PROVENANCE = re.compile(
    r"evaluat\w*|benchmark\w*|baselines?|leaderboard|state[- ]of[- ]the[- ]art|fine-?tun\w*|"
    r"\bwe trained\b|submitted systems|participating systems|system outputs? (?:were|was) "
    r"(?:compared|scored)|\bremoved\b|\bfiltered out\b|\bexcluded\b|\bdiscarded\b|\bdetect\w*|"
    r"collected from|scraped from|crawled from|extracted from|downloaded from",
    re.IGNORECASE,
)
"""A sentence about machine output that is not the data's provenance: systems evaluated or
trained on the data, machine output that was filtered out, data collected from elsewhere."""

TASKS: tuple[tuple[str, str], ...] = (
    (r"\bsparql\b", "text-to-sparql"),
    (r"\bsql (?:quer(?:y|ies)|statements?)\b|\btext-to-sql\b", "text-to-sql"),
    (
        r"\b(?:unit tests?|test cases?)\b.*\b(?:code|functions?|programs?|solutions?)\b|"
        r"\b(?:code|functions?|programs?|solutions?)\b.*\b(?:unit tests?|test cases?)\b",
        "code-generation",
    ),
    (
        r"\b(?:numeric(?:al)?|final) answers?\b.*\b(?:math\w*|arithmetic|word problems?)\b|"
        r"\b(?:math\w*|arithmetic|word problems?)\b.*\b(?:numeric(?:al)?|final) answers?\b",
        "math-word-problems",
    ),
)
"""Phrases that make a generic task label more specific (and checkable)."""

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_PROVENANCE = [(re.compile(p, re.IGNORECASE), m) for p, m in PROVENANCE]
_TASKS = [(re.compile(p, re.IGNORECASE), t) for p, t in TASKS]


@dataclass(frozen=True, slots=True)
class ProseHit:
    """One sentence of evidence: what it is about, what it implies, where it stands."""

    kind: Literal["origin", "task"]
    part: Literal["text", "labels"]
    value: str
    """The generation method (origin hits) or the task type (task hits) it implies."""
    quote: str
    line: int
    """0-based line of the file where the sentence starts."""


def prose_hits(lines: list[str], start: int) -> list[ProseHit]:
    """The hits in ``lines[start:]`` (the card's body), in the order they stand."""
    hits: list[ProseHit] = []
    reading: Literal["text", "labels"] | None = None
    paragraph: list[tuple[int, str]] = []

    def flush() -> None:
        if reading is not None and paragraph:
            hits.extend(_paragraph_hits(paragraph, reading))
        paragraph.clear()

    for number in range(start, len(lines)):
        line = lines[number]
        heading = _HEADING.match(line)
        if heading:
            flush()
            title = heading.group(1).casefold()
            reading = None
            if any(word in title for word in SECTIONS):
                reading = "labels" if any(w in title for w in _LABEL_SECTIONS) else "text"
            continue
        if not line.strip():
            flush()
            continue
        paragraph.append((number, line.strip()))
    flush()
    return hits


def _paragraph_hits(
    paragraph: list[tuple[int, str]], part: Literal["text", "labels"]
) -> list[ProseHit]:
    text = " ".join(words for _, words in paragraph)
    found: list[ProseHit] = []
    offset = 0
    for sentence in _SENTENCE.split(text):
        at = text.find(sentence, offset)
        offset = at + len(sentence)
        line = _line_at(paragraph, at)
        quote = sentence.strip()
        for pattern, task in _TASKS:
            if pattern.search(sentence):
                found.append(ProseHit("task", part, task, quote, line))
                break
        if _NOT_PROVENANCE.search(sentence):
            continue
        for pattern, method in _PROVENANCE:
            if pattern.search(sentence):
                found.append(ProseHit("origin", part, method, quote, line))
                break
    return found


def _line_at(paragraph: list[tuple[int, str]], offset: int) -> int:
    """The file line on which the character at ``offset`` of the joined paragraph stands."""
    position = 0
    for number, words in paragraph:
        position += len(words) + 1
        if offset < position:
            return number
    return paragraph[-1][0]

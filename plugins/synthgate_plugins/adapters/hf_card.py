"""Hugging Face dataset cards: the YAML front matter of a dataset's README.md.

A card says how its text and its labels were made (``language_creators``,
``annotations_creators``), which tasks it serves, what it was derived from and how large its
splits are. It never names a generator, a synthetic share or a verification: those facts are
mapped as ``unknown`` for the policy to ask about. The mapping, field by field, and how sure
each step is, is in docs/formats.md.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from synthgate import InputError
from synthgate.plugin import Document, Limits, ManifestAdapter, parse_text, read_input_bytes

__all__ = ["CARD_KEYS", "HF_CARD", "front_matter"]

GLOBS = ("README.md",)
CARD_KEYS = frozenset(
    {
        "annotations_creators",
        "language_creators",
        "task_categories",
        "task_ids",
        "source_datasets",
        "dataset_info",
        "configs",
        "size_categories",
        "multilinguality",
        "pretty_name",
        "paperswithcode_id",
        "train-eval-index",
        "config_names",
    }
)
"""Keys only a dataset card has: front matter with none of them (a model card, a page of a
static site) is not read as one."""

_HINT = (
    "a README.md is read as a Hugging Face dataset card when it starts with YAML front matter "
    "between '---' lines that has dataset card fields (annotations_creators, "
    "language_creators, task_categories, ...)"
)
_OPEN = re.compile(r"\A(?:[ \t]*\r?\n)*---[ \t]*\r?\n")
_CLOSE = re.compile(r"^---[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_CARD_KEY_LINE = re.compile(
    r"^(?:" + "|".join(re.escape(k) for k in sorted(CARD_KEYS)) + r")[ \t]*:", re.MULTILINE
)
_CONTENT_LINE = re.compile(r"^[ \t]*[^#\s]", re.MULTILINE)


def front_matter(text: str) -> tuple[str, int, bool] | None:
    """The YAML block at the start of ``text``: (block, 0-based line of its first line,
    closed), or None when ``text`` does not start with a '---' line."""
    opening = _OPEN.match(text)
    if opening is None:
        return None
    start = opening.end()
    line = text.count("\n", 0, start)
    closing = _CLOSE.search(text, start)
    if closing is None:
        return text[start:], line, False
    return text[start : closing.start()], line, True


def _claims(path: Path, limits: Limits) -> bool:
    """Cheap: front matter with a line that starts with a dataset card key."""
    if not path.is_file():  # a FIFO would block: reading it reports what it is
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(min(limits.max_bytes, 1 << 20)).decode("utf-8-sig", "replace")
    except OSError:
        return True  # reading it again reports the problem where it stands
    found = front_matter(head)
    return found is not None and _CARD_KEY_LINE.search(found[0]) is not None


def _read_text(path: Path, display: str, limits: Limits) -> str:
    raw = read_input_bytes(path, limits, display)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError.at(
            display,
            line,
            column,
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            "save the card as UTF-8",
        ) from None


def _load(path: Path, display: str, limits: Limits) -> Document | None:
    if path.suffix.lower() != ".md":
        return None
    text = _read_text(path, display, limits)
    found = front_matter(text)
    if found is None:
        return None
    block, first_line, closed = found
    if not closed:
        if _CARD_KEY_LINE.search(block) is None:
            return None
        raise InputError.at(
            display,
            first_line,
            1,
            "the card's front matter is never closed",
            "end the YAML block with a line of three dashes: ---",
        )
    if _CONTENT_LINE.search(block) is None:
        return None  # an empty block is no metadata, as huggingface_hub reads it
    try:
        card = parse_text(block, display, limits)
    except InputError as exc:  # positions in the block are lines of the README
        raise InputError([replace(p, line=p.line + first_line) for p in exc.problems]) from None
    card.line_offset = first_line
    if not isinstance(card.data, dict) or not CARD_KEYS & card.data.keys():
        return None
    from synthgate_plugins.adapters._card_mapping import CardMapping

    return CardMapping(card, path, first_line - 1).document(text)


HF_CARD = ManifestAdapter(
    name="hf-card",
    summary="Hugging Face dataset cards (README.md with YAML front matter).",
    globs=GLOBS,
    load=_load,
    claims=_claims,
    hint=_HINT,
    task_candidates=True,
)

"""The default pack's taxonomy covers the Hugging Face Hub's task list, and an unknown task type
gets a hint that names close types with their verifiability and how to declare a new one."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from synthgate.plugins import load_plugins
from synthgate.policy import LoadedPolicy, load_policy
from tests.conftest import FIXTURES

HF_TASKS = json.loads((FIXTURES / "taxonomy" / "hf_tasks.json").read_text(encoding="utf-8"))
CATEGORIES: dict[str, list[str]] = HF_TASKS["task_categories"]
TASK_IDS = sorted({task_id for ids in CATEGORIES.values() for task_id in ids})
# 'other' says nothing about the task: guessing a verifiability for it would choose the rules
# on no evidence, so it is left unknown on purpose (the card adapter skips it).
UNKNOWN_ON_PURPOSE = {"other"}


@cache
def default() -> LoadedPolicy:
    return load_policy("default", load_plugins(builtin_only=True))


@pytest.mark.parametrize("name", sorted(set(CATEGORIES) - UNKNOWN_ON_PURPOSE))
def test_every_hub_task_category_has_a_task_type(name: str) -> None:
    assert default().resolve_task_type(name) is not None, f"task_categories '{name}' is unmapped"


@pytest.mark.parametrize("name", TASK_IDS)
def test_every_hub_task_id_has_a_task_type(name: str) -> None:
    assert default().resolve_task_type(name) is not None, f"task_ids '{name}' is unmapped"


def test_other_is_left_unknown() -> None:
    assert default().resolve_task_type("other") is None


@pytest.mark.parametrize(
    ("name", "task_type", "verifiability"),
    [
        ("text-classification", "text-classification", "mixed"),
        ("intent-classification", "intent-classification", "mixed"),
        ("named-entity-recognition", "token-classification", "mixed"),
        ("ner", "token-classification", "mixed"),
        ("paraphrase-identification", "paraphrase-identification", "mixed"),
        ("acceptability-classification", "acceptability", "subjective"),
        ("rlhf", "preference-ranking", "subjective"),
        ("reward-model", "preference-ranking", "subjective"),
        ("llm-as-a-judge", "llm-judge", "subjective"),
        ("feedback", "llm-judge", "subjective"),
        ("data-to-text-generation", "data-to-text", "mixed"),
        # Judgment tasks keep their subjective types whatever modality they come in.
        ("sentiment-classification", "sentiment-analysis", "subjective"),
        ("hate-speech-detection", "hate-speech-detection", "subjective"),
        ("audio-emotion-recognition", "emotion-classification", "subjective"),
        # Targets exact by construction.
        ("super-resolution", "image-restoration", "verifiable"),
    ],
)
def test_task_names_resolve_to_the_type_their_labels_call_for(
    name: str, task_type: str, verifiability: str
) -> None:
    assert default().resolve_task_type(name) == task_type
    assert default().verifiability(task_type) == verifiability


def test_every_task_type_says_why_it_has_its_verifiability() -> None:
    added = [name for name, task in default().taxonomy.items() if task.aliases]
    assert added
    for name in (
        "text-classification",
        "intent-classification",
        "token-classification",
        "acceptability",
        "llm-judge",
    ):
        assert default().taxonomy[name].description.strip(), f"{name} has no reason"


def test_a_hint_never_points_intent_at_emotion_without_saying_they_differ() -> None:
    hint = default().unknown_task_type_hint("intent-clasification")
    assert hint.startswith("closest task types: 'intent-classification' (mixed)")
    if "emotion-classification" in hint or "sentiment-analysis" in hint:
        assert "they differ in verifiability" in hint
    assert "(subjective)" not in hint.split(";")[0] or "differ in verifiability" in hint


def test_a_hint_says_how_to_declare_a_task_type_of_ones_own() -> None:
    hint = default().unknown_task_type_hint("dialogue-act-tagging")
    assert "taxonomy: {dialogue-act-tagging: {verifiability:" in hint
    assert "extends: [default]" in hint
    assert "no task type is spelt like it" in default().unknown_task_type_hint("xyzzy")


def test_close_types_of_one_verifiability_are_named_as_such() -> None:
    hint = default().unknown_task_type_hint("sarcasm")
    assert hint.startswith("closest task types: 'humour-sarcasm' (subjective)")
    assert "each is subjective" in hint


def test_a_policy_declares_a_task_type_as_the_readme_shows(tmp_path: Path) -> None:
    policy = tmp_path / "my-team.yaml"
    policy.write_text(
        "name: my-team\n"
        "extends: [default]\n"
        "taxonomy:\n"
        "  dialogue-act-tagging:\n"
        "    verifiability: mixed\n"
        "    description: Dialogue acts tagged by guideline; people check a sample.\n"
        "    aliases: [dialog-acts]\n",
        encoding="utf-8",
    )
    loaded = load_policy(str(policy), load_plugins(builtin_only=True))
    assert loaded.resolve_task_type("Dialog-Acts") == "dialogue-act-tagging"
    assert loaded.verifiability("dialogue-act-tagging") == "mixed"
    assert loaded.resolve_task_type("intent-classification") == "intent-classification"

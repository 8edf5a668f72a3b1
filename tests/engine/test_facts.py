"""Resolved facts: what a manifest was judged on, each value with where it came from."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from synthgate import ManifestResult
from synthgate.audit import Audit
from synthgate.documents import parse_text
from synthgate.plugins import load_plugins
from tests.conftest import FIXTURES, CliResult

MANIFEST = """\
dataset:
  name: review-sentiment
  task_type: sentiment          # an alias: the fact is the canonical type
  stage: sft
splits:
  - name: train
    sources:
      - {id: crowd, origin: human, records: 900}
      - {id: paraphrases, origin: synthetic, method: llm, records: 100}
  - name: holdout-2025
    role: validation
    sources:
      - {id: fresh, records: 50}
"""


@pytest.fixture(scope="module")
def audit() -> Audit:
    return Audit.create(host=load_plugins(builtin_only=True, disabled=()))


def _facts(audit: Audit, text: str) -> dict[str, object]:
    (result,) = audit.audit_documents([parse_text(text, "m.synthgate.yaml")])
    assert isinstance(result, ManifestResult)
    assert result.facts is not None
    return result.facts.model_dump(mode="json")


def test_a_manifest_says_what_it_declared_what_was_inferred_and_what_defaulted(
    audit: Audit,
) -> None:
    facts = _facts(audit, MANIFEST)
    assert facts["task_type"] == {"value": "sentiment-analysis", "via": "declared"}
    assert facts["verifiability"] == {"value": "subjective", "via": "inferred: task_type"}
    assert facts["stage"] == {"value": "sft", "via": "declared"}
    assert facts["resource_level"] == {"value": "unknown", "via": "default"}
    assert facts["sources"] == [
        {
            "id": "crowd",
            "split": "train",
            "role": {"value": "train", "via": "inferred: name"},
            "origin": {"value": "human", "via": "declared"},
            "method": {"value": "unknown", "via": "default"},
        },
        {
            "id": "paraphrases",
            "split": "train",
            "role": {"value": "train", "via": "inferred: name"},
            "origin": {"value": "synthetic", "via": "declared"},
            "method": {"value": "llm", "via": "declared"},
        },
        {
            "id": "fresh",
            "split": "holdout-2025",
            "role": {"value": "validation", "via": "declared"},
            "origin": {"value": "unknown", "via": "default"},
            "method": {"value": "unknown", "via": "default"},
        },
    ]


def test_an_unknown_task_type_leaves_verifiability_to_the_default(audit: Audit) -> None:
    facts = _facts(audit, "dataset: {name: d}\nsplits: [{name: all, sources: [{id: s}]}]\n")
    assert facts["task_type"] == {"value": "unknown", "via": "default"}
    assert facts["verifiability"] == {"value": "unknown", "via": "default"}
    assert facts["stage"] == {"value": "unknown", "via": "default"}


def test_a_card_traces_each_mapped_value_to_its_field(
    run_cli: Callable[..., CliResult],
) -> None:
    import json

    card = FIXTURES / "formats" / "hate-speech" / "README.md"
    result = run_cli("audit", str(card), "--format", "json", "--no-context")
    (manifest,) = json.loads(result.out)["manifests"]
    facts = manifest["facts"]
    assert facts["task_type"]["via"].startswith("inferred: task_ids:")
    assert facts["stage"] == {"value": "unknown", "via": "default"}  # the card says nothing
    origins = {s["id"]: s["origin"] for s in facts["sources"]}
    assert origins["train-labels"] == {
        "value": "human",
        "via": "inferred: annotations_creators: [crowdsourced, expert-generated]",
    }


def test_verbose_text_shows_the_facts(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES / "cli")
    plain = run_cli("audit", "fail.synthgate.yaml", "--no-context")
    assert "facts:" not in plain.out
    verbose = run_cli("audit", "fail.synthgate.yaml", "--no-context", "--verbose")
    assert (
        "  facts: task_type sentiment-analysis (declared); verifiability subjective "
        "(inferred: task_type); stage sft (declared); resource_level unknown (default)\n"
    ) in verbose.out
    assert (
        "    source scraped in split train: role train (inferred: name), "
        "origin unknown (default), method unknown (default)\n"
    ) in verbose.out

"""Errors about a file quote at most a short, escaped excerpt of the offending token: a file
that is not what it was read as (a secret named by ``extends``) is never echoed at length."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthgate.documents import parse_text, read_document
from synthgate.errors import InputError, excerpt
from synthgate.models import Manifest, Policy
from synthgate.validation import validate_model

SECRET = "hunter2-" + "s" * 300


def _messages(model: type[Manifest] | type[Policy], text: str) -> list[str]:
    doc = parse_text(text, "input.yaml")
    with pytest.raises(InputError) as info:
        validate_model(model, doc.data, doc)
    return [problem.message for problem in info.value.problems]


def test_excerpt_escapes_and_shortens() -> None:
    assert excerpt("records") == "'records'"
    assert excerpt("a\x1b[31mred\u202e") == "'a\\x1b[31mred\\u202e'"
    assert len(excerpt("x" * 1000)) <= 44
    assert excerpt("x" * 1000).endswith("...'")


@pytest.mark.parametrize(
    "text",
    [
        f"dataset: {{name: d}}\nsplits: []\n{SECRET}: 1\n",
        f"dataset: {{name: d}}\nsplits:\n  - name: s\n    sources:\n"
        f"      - {{id: a, origin: human, records: '{SECRET}'}}\n",
        f"dataset: {{name: d, stage: '{SECRET}'}}\nsplits: []\n",
        f'dataset: {{name: d}}\nsplits: []\n"\\e[2J{SECRET}": 1\n',
    ],
    ids=["unknown-key", "count-as-text", "literal", "escape-sequence-key"],
)
def test_manifest_errors_quote_a_short_excerpt(text: str) -> None:
    messages = _messages(Manifest, text)
    assert any("hunter2" in message for message in messages), messages  # an excerpt, shown
    for message in messages:
        assert SECRET not in message
        assert "\x1b" not in message
        assert len(message) < 300


def test_a_duplicate_long_key_is_quoted_short() -> None:
    with pytest.raises(InputError) as info:
        parse_text(f"{SECRET}: 1\n{SECRET}: 2\n", "input.yaml")
    (problem,) = info.value.problems
    assert SECRET not in problem.message
    assert "hunter2" in problem.message


def test_a_non_policy_named_as_a_policy_is_not_echoed(tmp_path: Path) -> None:
    secret = tmp_path / "credentials.yaml"
    secret.write_text(f"token: {{value: {SECRET}}}\n", encoding="utf-8")
    doc = read_document(secret)
    with pytest.raises(InputError) as info:
        validate_model(Policy, doc.data, doc)
    rendered = info.value.render()
    assert SECRET not in rendered

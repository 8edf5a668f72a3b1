"""Which terms govern a generator (providers, families, name prefixes together), and the
restrictions that need an intended use when the manifest declares none."""

from __future__ import annotations

from typing import Any

import pytest

from synthgate_plugins.checks.terms import TermsEntry

from .test_terms import gen, run


def _entry(**keys: Any) -> TermsEntry:
    return TermsEntry.model_validate({"title": "T", "version": "1", "restriction": "none", **keys})


@pytest.mark.parametrize(
    ("keys", "generator", "covered"),
    [
        ({"families": ["Llama-3"]}, gen("x", family="llama-3 "), True),
        ({"families": ["llama-3"]}, gen("x", family="llama-2"), False),
        ({"families": ["llama-3"]}, gen("x"), False),  # an unknown family is not that family
        ({"providers": ["meta"], "families": ["llama-3"]}, gen("x", "meta", "llama-3"), True),
        ({"providers": ["meta"], "families": ["llama-3"]}, gen("x", "meta", "llama-2"), False),
        ({"providers": ["meta"], "families": ["llama-3"]}, gen("x", "other", "llama-3"), False),
        (
            {"families": ["llama-3"], "name_prefixes": ["llama-3.1"]},
            gen("llama-3.1-8b", family="llama-3"),
            True,
        ),
        (
            {"families": ["llama-3"], "name_prefixes": ["llama-3.1"]},
            gen("llama-3.2-1b", family="llama-3"),
            False,
        ),
        ({"name_prefixes": ["B-3"]}, gen("b-3-70b"), True),
    ],
)
def test_every_key_an_entry_gives_must_match(
    keys: dict[str, Any], generator: dict[str, str], covered: bool
) -> None:
    from synthgate.models import Generator

    assert _entry(**keys).covers(Generator.model_validate(generator)) is covered


@pytest.mark.parametrize(
    ("generator", "text"),
    [
        (gen("b-3.1-70b"), "intended_use.distributed is not declared"),
        (gen("a-1", "a-labs"), "intended_use.competing_model is not declared"),
        (gen("c-1", "c"), "intended_use.competing_model is not declared"),
    ],
)
def test_a_manifest_without_intended_use_leaves_the_restriction_undecided(
    generator: dict[str, str], text: str
) -> None:
    (outcome,) = run(generator, None)
    assert outcome.verdict == "warn"
    assert text in outcome.message
    assert outcome.pointer == "/dataset/intended_use"


def test_a_distributed_model_without_intended_use_name_is_undecided() -> None:
    (outcome,) = run(gen("b-3.1-70b"), {"distributed": True})
    assert outcome.verdict == "warn"
    assert "intended_use.model_name is not declared" in outcome.message

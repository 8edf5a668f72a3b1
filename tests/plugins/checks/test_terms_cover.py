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


OTHER_MODELS = {
    "title": "M",
    "version": "3",
    "families": ["m"],
    "restriction": "other-models",
}


def _outcomes(
    targets: list[dict[str, str]], *generators: dict[str, str], **entry: Any
) -> list[Any]:
    from synthgate_plugins.checks.terms import TERMS, TermsParams

    from ..scopes import check_context, scope_at

    data = {
        "dataset": {"name": "probe", "target_models": targets},
        "splits": [
            {
                "name": "train",
                "sources": [
                    {"id": f"s{i}", "origin": "synthetic", "records": 1, "generator": g}
                    for i, g in enumerate(generators)
                ],
            }
        ],
    }
    params = TermsParams.model_validate(
        {"checked": "2025-09-15", "terms": [{**OTHER_MODELS, **entry}]}
    )
    return list(TERMS.run(scope_at(data, "dataset"), params, check_context()))


def test_other_models_terms_without_target_models_are_undecided() -> None:
    [outcome] = _outcomes([], gen("m-1", family="m"))
    assert outcome.verdict == "warn"
    assert outcome.message == (
        "generator 'm-1': M (3) limit which models outputs may improve, and "
        "dataset.target_models is not declared"
    )
    assert outcome.pointer == "/dataset/target_models"


def test_other_models_terms_name_every_model_trained_outside_the_allowed_families() -> None:
    targets = [
        {"name": "x-1", "family": "x"},
        {"name": "m-2", "family": "m"},
        {"name": "y-1", "family": "y"},
    ]
    [outcome] = _outcomes(targets, gen("m-1", family="m"), allowed_families=["m", "z"])
    assert outcome.message == (
        "generator 'm-1': M (3) forbid using outputs to improve other models (allowed "
        "families: m, z); trained here: x-1, y-1"
    )
    [outcome] = _outcomes(targets, gen("m-1", family="m"))
    assert "(allowed families: none)" in outcome.message


def test_other_models_terms_pass_for_models_of_an_allowed_family_at_the_generator() -> None:
    targets = [{"name": "m-2", "family": "m"}]
    [outcome] = _outcomes(targets, gen("m-1", family="m"), allowed_families=["M"])
    assert outcome.verdict == "pass"
    assert outcome.message == "generator 'm-1': M (3): the trained models are of an allowed family"
    assert outcome.pointer == "/splits/0/sources/0/generator"


def test_a_generator_with_no_terms_does_not_stop_the_next_from_being_judged() -> None:
    targets = [{"name": "m-2", "family": "m"}]
    outcomes = _outcomes(targets, gen("q-1", "q"), gen("m-1", family="m"), allowed_families=["m"])
    assert [(o.verdict, o.pointer) for o in outcomes] == [
        ("pass", "/splits/0/sources/0/generator"),
        ("pass", "/splits/0/sources/1/generator"),
    ]
    assert "no terms of provider 'q'" in outcomes[0].message

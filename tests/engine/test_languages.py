"""Resource levels from language codes: the shipped table of Joshi et al. (2020) classes."""

from __future__ import annotations

from importlib.resources import files

import pytest
import yaml

from synthgate.languages import infer_resource_level, language_class, resource_level_of
from synthgate.models import Manifest


@pytest.mark.parametrize(
    ("tag", "joshi_class", "level"),
    [
        ("en", 5, "high"),
        ("eng", 5, "high"),
        ("zh-Hans", 5, "high"),
        ("pt-BR", 4, "high"),
        ("ukr", 3, "medium"),
        ("yo", 2, "low"),
        ("yor_Latn", 2, "low"),
        ("Yoruba", 2, "low"),
        ("sw", 2, "low"),
        ("te", 1, "low"),
        ("Nepali", 1, "low"),
    ],
)
def test_codes_tags_and_names_find_their_class(tag: str, joshi_class: int, level: str) -> None:
    found = language_class(tag)
    assert found is not None
    assert (found.joshi_class, found.level) == (joshi_class, level)


@pytest.mark.parametrize("tag", ["xx", "", "multilingual", "code", "qaa"])
def test_a_language_not_in_the_table_is_not_guessed(tag: str) -> None:
    assert language_class(tag) is None


def test_the_table_has_the_papers_class_sizes_and_no_code_in_two_classes() -> None:
    data = yaml.safe_load(
        (files("synthgate.policies") / "language-resources.yaml").read_text(encoding="utf-8")
    )
    sizes = {number: len(entries) for number, entries in data["classes"].items()}
    # Joshi et al. 2020, Table 1: 7 winners, 18 underdogs, 28 rising stars, 19 hopefuls.
    assert {n: sizes[n] for n in (5, 4, 3, 2)} == {5: 7, 4: 18, 3: 28, 2: 19}
    assert sizes[1] <= 222
    owner: dict[str, int] = {}
    for number, entries in data["classes"].items():
        for entry in entries:
            for key in entry:
                assert owner.setdefault(str(key).casefold(), number) == number, key


def test_a_dataset_is_as_resourced_as_its_scarcest_language() -> None:
    assert resource_level_of(["en", "yo"]) == (
        "low",
        "inferred from languages (en class 5, yo class 2; Joshi et al. 2020)",
    )
    assert resource_level_of(["en", "de"]) is not None
    assert resource_level_of(["en", "de"])[0] == "high"  # type: ignore[index]
    assert resource_level_of(["en", "xx"]) is None  # one unknown language: nothing inferred
    assert resource_level_of([]) is None


def _manifest(**dataset: object) -> Manifest:
    return Manifest.model_validate(
        {
            "dataset": {"name": "d", **dataset},
            "splits": [{"name": "train", "sources": [{"id": "s", "origin": "human"}]}],
        }
    )


def test_a_declared_level_is_never_overridden() -> None:
    manifest = _manifest(languages=["yo"], resource_level="high")
    assert infer_resource_level(manifest) == (manifest, None)


def test_an_undeclared_level_is_inferred_with_its_evidence() -> None:
    manifest, evidence = infer_resource_level(_manifest(languages=["yo"]))
    assert manifest.dataset.resource_level == "low"
    assert (
        evidence == "resource level 'low' inferred from languages (yo class 2; Joshi et al. 2020)"
    )

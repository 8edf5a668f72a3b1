"""Hugging Face dataset cards: what each card maps to, where each fact is located, which
verdicts the default policy gives, and what bad cards get."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgate import InputError
from synthgate.plugin import DEFAULT_LIMITS, Document
from synthgate_plugins.adapters.hf_card import HF_CARD, front_matter

from .helpers import card, findings, fixture, origins, verdicts


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line of ``path`` that starts with ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(text))


def test_human_written_math_benchmark() -> None:
    document = card("math-benchmark")
    dataset = document.data["dataset"]
    assert dataset["name"] == "Grade School Math Word Problems"
    # the legacy free id is an alias of the taxonomy's math type
    assert dataset["task_type"] == "text2text-generation-other-math-word-problems"
    assert dataset["languages"] == ["en"]
    assert "derived_from" not in dataset  # 'original' names no parent
    assert [s["name"] for s in document.data["splits"]] == ["train", "test"]
    assert origins(document) == {
        "train-text": "human",
        "train-labels": "human",
        "test-text": "human",
        "test-labels": "human",
    }
    train = document.data["splits"][0]["sources"]
    assert [s["records"] for s in train] == [7473, 7473]
    assert "license: mit" in dataset["description"]


def test_human_math_benchmark_verdicts() -> None:
    found = verdicts(fixture("math-benchmark"))
    assert found["SG101"] == "pass"  # every origin is declared
    assert found["SG105"] == "warn"  # the card gives no stage: declare it
    assert "SG102" not in found  # no synthetic source, so no generator is asked for


def test_self_instruct_set_is_synthetic_and_asks_for_its_generator() -> None:
    document = card("self-instruct")
    assert origins(document) == {"train-text": "synthetic", "train-labels": "synthetic"}
    source = document.data["splits"][0]["sources"][0]
    assert source["method"] == "unknown"  # machine-generated says nothing of the method
    assert "generator" not in source
    assert document.data["dataset"]["derived_from"] == ["self-instruct-seed-tasks"]
    assert document.data["dataset"]["task_type"] == "text-generation"
    found = verdicts(fixture("self-instruct"))
    assert found["SG102"] == "fail"  # name the generator
    assert found["SG103"] == "fail"  # no human data at all for a mixed task
    assert found["SG104"] == "warn"  # generation depth unknown


def test_hate_speech_set_with_crowd_labels_in_the_per_config_form() -> None:
    document = card("hate-speech")
    assert document.data["dataset"]["task_type"] == (
        "text-classification-other-hate-speech-detection"
    )
    assert origins(document)["train-labels"] == "human"
    assert origins(document)["train-text"] == "human"
    train, test = document.data["splits"]
    assert train["sources"][0]["records"] == 21320 + 5000  # summed over the two configs
    assert test["sources"][0]["records"] == 2665
    found = verdicts(fixture("hate-speech"))
    assert found["SG301"] == "pass"  # a subjective task, all human
    assert found["SG101"] == "pass"


def test_machine_translated_corpus_keeps_text_and_labels_apart() -> None:
    document = card("machine-translated")
    assert origins(document) == {
        "train-text": "synthetic",
        "train-labels": "human",
        "validation-text": "synthetic",
        "validation-labels": "human",
    }
    dataset = document.data["dataset"]
    assert dataset["task_type"] == "natural-language-inference"
    assert dataset["derived_from"] == ["multi_nli"]
    assert "possibly machine translation" in dataset["description"]
    # the method is not guessed from 'multilinguality: translation'
    assert document.data["splits"][0]["sources"][0]["method"] == "unknown"
    found = verdicts(fixture("machine-translated"))
    assert found["SG102"] == "fail"
    assert found["SG101"] == "pass"


def test_a_card_without_creator_fields_is_unknown_never_human() -> None:
    document = card("no-creators")
    assert origins(document) == {"all-text": "unknown"}
    assert "no language_creators" in document.data["dataset"]["description"]
    assert document.data["dataset"]["task_type"] == "question-answering"
    found = verdicts(fixture("no-creators"))
    assert found["SG101"] == "fail"  # every record is of unknown origin: declare it
    assert found["SG103"] == "warn"


def test_a_task_the_taxonomy_does_not_know_is_unknown_with_a_note() -> None:
    document = card("unknown-task")
    dataset = document.data["dataset"]
    assert dataset["task_type"] == "unknown"
    assert "satellite-crop-yield" in dataset["description"]
    assert "is in the policy's taxonomy" in dataset["description"]
    assert verdicts(fixture("unknown-task"))["SG105"] == "warn"


def test_facts_are_located_at_the_card_fields_they_came_from() -> None:
    path = fixture("machine-translated")
    document = card("machine-translated")
    assert document.locate("/splits/0/sources/0/origin") == (line_of(path, "language_creators"), 1)
    assert document.locate("/splits/0/sources/1/origin")[0] == line_of(path, "annotations_creators")
    assert document.locate("/dataset/task_type")[0] == line_of(path, "task_ids") + 1
    assert document.locate("/dataset/name")[0] == line_of(path, "pretty_name")
    assert document.locate("/splits/1/sources/0/records")[0] == line_of(
        path, "    num_examples: 2490"
    )
    # facts the card does not give are found at the start of its front matter
    assert document.locate("/dataset/stage") == (1, 1)
    assert document.mapped_from is not None
    assert document.mapped_from["/splits/0/sources/0/origin"] == (
        "language_creators: [machine-generated]"
    )


def test_findings_point_into_the_card() -> None:
    from .helpers import findings

    path = fixture("self-instruct")
    pointers = {f.location.pointer: f for f in findings(path, "SG102")}
    generator = pointers["/splits/0/sources/0/generator"]
    assert generator.location.file.endswith("README.md")
    assert generator.location.line == line_of(path, "language_creators")


@pytest.mark.parametrize("name", ["not-a-card", "model-card"])
def test_files_that_merely_look_like_cards_are_not_read(name: str) -> None:
    path = fixture(name)
    assert HF_CARD.load(path, path.name, DEFAULT_LIMITS) is None
    assert HF_CARD.claims is not None
    assert not HF_CARD.claims(path, DEFAULT_LIMITS)


def test_malformed_front_matter_is_an_error_at_its_line_in_the_readme() -> None:
    path = fixture("malformed")
    assert HF_CARD.claims is not None
    assert HF_CARD.claims(path, DEFAULT_LIMITS)
    with pytest.raises(InputError) as caught:
        HF_CARD.load(path, "README.md", DEFAULT_LIMITS)
    problem = caught.value.problems[0]
    assert (problem.path, problem.line, problem.column) == ("README.md", 5, 9)
    assert "malformed YAML" in problem.message


def write(tmp_path: Path, front: str, body: str = "# Card\n") -> Path:
    path = tmp_path / "README.md"
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("front", "line", "column", "message"),
    [
        ("annotations_creators:\n- machine-generate\n", 3, 3, "did you mean 'machine-generated'?"),
        ("language_creators: [no-annotation]\n", 2, 21, "expected one of"),
        ("task_categories: [1]\n", 2, 19, "holds 1, not text"),
        (
            "pretty_name: x\ndataset_info:\n  splits:\n  - name: train\n    num_examples: -3\n",
            6,
            5,
            "not a whole number >= 0",
        ),
        ("dataset_info:\n  splits:\n  - {num_examples: 3}\n", 4, 5, "split name None"),
        ("task_ids: [a]\ntask_ids: [b]\n", 3, 1, "duplicate key 'task_ids'"),
        ("pretty_name: !!python/object:os.system x\n", 2, 14, "is not allowed"),
    ],
    ids=["typo", "wrong-field", "not-text", "negative", "unnamed-split", "duplicate", "tag"],
)
def test_bad_cards_are_errors_with_a_place_and_a_hint(
    tmp_path: Path, front: str, line: int, column: int, message: str
) -> None:
    path = write(tmp_path, front)
    with pytest.raises(InputError) as caught:
        HF_CARD.load(path, "README.md", DEFAULT_LIMITS)
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (line, column), problem.render()
    assert message in problem.render()
    assert problem.hint


def test_an_unclosed_front_matter_with_card_fields_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("---\ntask_categories: [translation]\n\n# no closing line\n", "utf-8")
    with pytest.raises(InputError, match="never closed"):
        HF_CARD.load(path, "README.md", DEFAULT_LIMITS)


def test_scalar_list_and_per_config_forms_agree(tmp_path: Path) -> None:
    forms = [
        "language_creators: found\nannotations_creators: machine-generated\n",
        "language_creators: [found]\nannotations_creators: [machine-generated]\n",
        "language_creators: {a: [found], b: found}\nannotations_creators: {a: machine-generated}\n",
    ]
    seen = []
    for index, front in enumerate(forms):
        folder = tmp_path / str(index)
        folder.mkdir()
        seen.append(origins(card(write(folder, front))))
    assert seen == [{"all-text": "human", "all-labels": "synthetic"}] * 3


@pytest.mark.parametrize(
    ("front", "text", "labels"),
    [
        ("language_creators: [found, machine-generated]\n", "mixed", None),
        ("language_creators: [found, other]\n", "unknown", None),
        ("language_creators: [other]\n", "unknown", None),
        ("language_creators: [found]\ntags: [synthetic]\n", "mixed", None),
        ("pretty_name: x\ntags: [synthetic, distilabel]\n", "mixed", None),
        ("language_creators: []\nannotations_creators: []\n", "unknown", None),
        ("language_creators:\nannotations_creators: [no-annotation]\n", "unknown", None),
        ("language_creators: [found]\nannotations_creators: [no-annotation]\n", "human", None),
        (
            "language_creators: [found]\nannotations_creators: [expert-generated]\n",
            "human",
            "human",
        ),
    ],
)
def test_creator_values_combine_honestly(
    tmp_path: Path, front: str, text: str, labels: str | None
) -> None:
    found = origins(card(write(tmp_path, front)))
    assert found.get("all-text") == text
    assert found.get("all-labels") == labels


def test_source_datasets_in_both_styles(tmp_path: Path) -> None:
    front = (
        "pretty_name: x\nsource_datasets:\n- original\n- extended|squad\n"
        "- extended|other-tweet-datasets\n- wikipedia\n"
    )
    dataset = card(write(tmp_path, front)).data["dataset"]
    assert dataset["derived_from"] == ["squad", "wikipedia"]
    assert "unnamed parent" in dataset["description"]


def test_splits_named_only_in_configs_have_unknown_sizes(tmp_path: Path) -> None:
    front = (
        "configs:\n- config_name: default\n  data_files:\n"
        "  - split: train\n    path: a.parquet\n  - split: eval\n    path: b.parquet\n"
    )
    document = card(write(tmp_path, front))
    assert [s["name"] for s in document.data["splits"]] == ["train", "eval"]
    assert document.data["splits"][0]["sources"][0]["records"] == "unknown"


def test_front_matter_is_found_as_huggingface_hub_finds_it() -> None:
    assert front_matter("---\na: 1\n---\nbody") == ("a: 1\n", 1, True)
    assert front_matter("\n\n---\r\na: 1\r\n---\r\n") == ("a: 1\r\n", 3, True)
    assert front_matter("# title\n---\na: 1\n---\n") is None
    assert front_matter("---\na: 1\n") == ("a: 1\n", 1, False)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    front=st.text(
        alphabet=st.sampled_from(list("abc_-:[]{}|>&*!#'\" \n\t-0123456789")) | st.characters(),
        max_size=200,
    ),
    key=st.sampled_from(["", "task_categories: ", "annotations_creators: ", "dataset_info: "]),
)
def test_any_front_matter_gives_a_document_nothing_or_an_input_error(
    tmp_path: Path, front: str, key: str
) -> None:
    path = tmp_path / "README.md"
    path.write_text(f"---\n{key}{front}\n---\n", encoding="utf-8", errors="surrogatepass")
    try:
        document = HF_CARD.load(path, "README.md", DEFAULT_LIMITS)
    except InputError as exc:
        problems = exc.problems
        document = None
    else:
        problems = ()
    assert all(p.line >= 1 and p.column >= 1 and p.hint for p in problems)
    assert document is None or isinstance(document, Document)
    if document is not None:  # what it maps to is always a valid manifest
        from synthgate.models import Manifest
        from synthgate.validation import validate_model

        document.data["dataset"]["task_type"] = "unknown"
        validate_model(Manifest, document.data, document)


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.sampled_from(
        ["found", "machine-generated", "no-annotation", "other", "train", "synthetic", "en", ""]
    )
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["name", "num_examples", "splits", "config_name", "split", "a"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    card_data=st.dictionaries(
        st.sampled_from(
            ["annotations_creators", "language_creators", "task_ids", "task_categories",
             "source_datasets", "dataset_info", "configs", "language", "tags", "license",
             "pretty_name", "multilinguality"]
        ),
        _VALUES,
        min_size=1,
        max_size=6,
    )
)  # fmt: skip
def test_any_card_fields_map_to_a_valid_manifest_or_a_located_error(
    tmp_path: Path, card_data: dict[str, object]
) -> None:
    import yaml

    from synthgate.models import Manifest
    from synthgate.validation import validate_model

    path = tmp_path / "README.md"
    path.write_text("---\n" + yaml.safe_dump(card_data) + "---\n", encoding="utf-8")
    try:
        document = HF_CARD.load(path, "README.md", DEFAULT_LIMITS)
    except InputError as exc:
        error: InputError | None = exc
    else:
        error = None
    if error is not None:  # a bad value, found where it stands in the card
        assert all(p.line >= 2 and p.hint for p in error.problems), error.render()
        return
    if document is None:  # only when no dataset card field is there
        assert not {"annotations_creators", "language_creators", "task_ids"} & card_data.keys()
        return
    document.data["dataset"]["task_type"] = "unknown"
    validate_model(Manifest, document.data, document)


def test_an_older_card_whose_configs_are_names_is_read() -> None:
    # Before data files were listed, 'configs' was a plain list of config names.
    document = card("old-configs")
    dataset = document.data["dataset"]
    assert dataset["name"] == "TweetEval"
    assert dataset["task_type"] == "multi-class-classification"
    assert "configs: emotion, irony (names only)" in dataset["description"]
    assert [s["name"] for s in document.data["splits"]] == ["all"]
    assert origins(document) == {"all-text": "human", "all-labels": "human"}
    assert verdicts(fixture("old-configs"))["SG105"] == "warn"  # audited, not refused


def test_a_card_of_low_resource_languages_gets_the_low_resource_rules() -> None:
    # The card lists de, fr, sw and ur and declares no resource level: Swahili is class 2 of
    # Joshi et al. (2020), so the SG5xx rules run and say the level was inferred.
    path = fixture("machine-translated")
    assert card("machine-translated").data["dataset"]["resource_level"] == "unknown"
    (sg502,) = {f.rule: f for f in findings(path, "SG502")}.values()
    assert "resource level 'low' inferred from languages (" in sg502.message
    assert "sw class 2" in sg502.message


# --------------------------------------------------------------------------- card prose


def test_prose_that_reveals_generation_makes_the_text_mixed_and_asks_to_confirm() -> None:
    path = fixture("prose-generated")
    document = card("prose-generated")
    # The YAML says found text; the summary says GPT-4 wrote the premises. Never synthetic on
    # prose alone, never left human: mixed of unknown share.
    assert origins(document) == {
        "train-text": "mixed",
        "train-labels": "human",
        "test-text": "mixed",
        "test-labels": "human",
    }
    text = document.data["splits"][0]["sources"][0]
    assert text["method"] == "llm"
    assert "synthetic_share" not in text
    evidence = text["inferred"]["origin"]
    assert '"The premises were generated with GPT-4' in evidence
    assert f"({path.name}:{line_of(path, 'The premises')})" in evidence
    assert "YAML: language_creators: [found]" in evidence  # both sides quoted
    sg111 = findings(path, "SG111")
    assert {f.verdict for f in sg111} == {"warn"}
    assert any("origin was inferred" in f.message for f in sg111)


@pytest.mark.parametrize(
    "name",
    [
        "prose-summarization",  # systems evaluated on the data are not its provenance
        "prose-code",  # code collected from repositories; generated files were removed
    ],
)
def test_prose_about_machine_output_that_is_not_provenance_does_not_count(name: str) -> None:
    document = card(name)
    assert set(origins(document).values()) == {"human"}
    for split in document.data["splits"]:
        for source in split["sources"]:
            assert "inferred" not in source
    assert "inferred" not in document.data["dataset"]
    assert {f.verdict for f in findings(fixture(name), "SG111")} == {"pass"}


def test_prose_makes_a_generic_task_label_specific() -> None:
    # SQL under 'question-answering': the task is checkable by execution.
    document = card("prose-sql")
    dataset = document.data["dataset"]
    assert dataset["task_type"] == "text-to-sql"
    assert "the SQL query that answers it" in dataset["inferred"]["task_type"]
    assert "open-domain-qa" in dataset["inferred"]["task_type"]
    assert {f.verdict for f in findings(fixture("prose-sql"), "SG111")} == {"warn"}


def test_a_specific_task_label_is_not_overridden_by_prose() -> None:
    # natural-language-inference is specific: prose does not change it.
    assert card("prose-generated").data["dataset"]["task_type"] == "natural-language-inference"

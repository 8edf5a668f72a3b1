"""Croissant files: RAI and PROV statements, splits, keywords as weak signals, and JSON-LD
that is not Croissant."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgate import InputError
from synthgate.plugin import DEFAULT_LIMITS
from synthgate_plugins.adapters.croissant import CROISSANT

from .helpers import croissant, fixture, origins, verdicts

CONTEXT = {
    "@vocab": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "prov": "http://www.w3.org/ns/prov#",
}


def write(tmp_path: Path, **fields: Any) -> Path:
    path = tmp_path / "croissant.json"
    data = {"@context": CONTEXT, "@type": "sc:Dataset", "name": "x", **fields}
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_croissant_without_rai_or_prov_is_of_unknown_origin() -> None:
    document = croissant("croissant-plain")
    dataset = document.data["dataset"]
    assert dataset["name"] == "squad_v2"
    assert dataset["languages"] == ["en"]
    # a Hub export's keyword names the task, but a weak signal does not choose the rules
    assert dataset["task_type"] == "unknown"
    assert "keywords: extractive-qa, crowdsourced" in dataset["description"]
    assert [s["name"] for s in document.data["splits"]] == ["train", "validation"]
    # 'crowdsourced' among keywords is too weak to call the records human
    assert origins(document) == {"train-records": "unknown", "validation-records": "unknown"}
    found = verdicts(fixture("croissant-plain"))
    # every record is of unknown origin whatever the (undeclared) counts: over the 10% line
    assert found["SG101"] == "fail"
    assert "SG102" not in found


def test_croissant_with_rai_and_prov_names_generator_and_parent() -> None:
    path = fixture("croissant-rai")
    document = croissant("croissant-rai")
    dataset = document.data["dataset"]
    assert dataset["derived_from"] == ["support-seed-topics"]
    assert dataset["languages"] == ["en", "es"]
    assert dataset["task_type"] == "unknown"
    assert origins(document) == {
        "train-records": "synthetic",
        "train-labels": "synthetic",
        "test-records": "synthetic",
        "test-labels": "synthetic",
    }
    records, labels = document.data["splits"][0]["sources"]
    assert records["generator"] == {"name": "Llama-3.1-70B-Instruct"}
    assert labels["generator"] == {"name": "Llama-3.1-70B-Instruct"}
    assert "All dialogue turns are model output" in dataset["description"]
    assert document.locate("/splits/0/sources/0/origin")[0] == line_of(path, "hasSyntheticData")
    assert document.locate("/splits/0/sources/0/generator/name")[0] == line_of(
        path, '"prov:wasAttributedTo": {'
    )
    assert document.locate("/splits/1/name")[0] == line_of(path, '"splits/name": "test"')
    found = verdicts(path)
    assert found["SG102"] == "fail"  # generator family and depth are still missing
    assert found["SG104"] == "warn"


@pytest.mark.parametrize(
    ("fields", "origin"),
    [
        ({"rai:hasSyntheticData": False}, "human"),
        ({"rai:hasSyntheticData": True}, "mixed"),  # says nothing of how much
        ({"rai:hasSyntheticData": {"@value": "true"}}, "mixed"),
        ({"rai:dataCollectionType": ["Web Scraping", "Synthetic"]}, "mixed"),
        ({"rai:dataCollectionType": "Manual Human Curator"}, "human"),
        ({"rai:dataCollectionType": ["Others"]}, "unknown"),
        ({"http://mlcommons.org/croissant/RAI/hasSyntheticData": False}, "human"),
        ({"prov:wasAttributedTo": {"@type": "prov:Person", "name": "A. Writer"}}, "human"),
        (
            {
                "prov:wasGeneratedBy": {
                    "@type": "prov:Activity",
                    "prov:wasAssociatedWith": {"@type": "prov:SoftwareAgent", "name": "gen-1"},
                }
            },
            "synthetic",
        ),
        ({"keywords": ["synthetic"]}, "mixed"),
        ({"keywords": ["crowdsourced"]}, "unknown"),
        ({"keywords": ["synthetic"], "rai:hasSyntheticData": False}, "human"),
    ],
)
def test_records_origin(tmp_path: Path, fields: dict[str, Any], origin: str) -> None:
    assert origins(croissant(write(tmp_path, **fields)))["all-records"] == origin


@pytest.mark.parametrize(
    ("fields", "origin"),
    [
        ({"rai:dataAnnotationProtocol": "Three crowd workers per item."}, "human"),
        ({"rai:machineAnnotationTools": ["spaCy NER"]}, "synthetic"),
        (
            {"rai:annotationsPerItem": "3", "rai:machineAnnotationTools": "a-labeller"},
            "mixed",
        ),
        ({}, None),
    ],
)
def test_labels_origin(tmp_path: Path, fields: dict[str, Any], origin: str | None) -> None:
    assert origins(croissant(write(tmp_path, **fields))).get("all-labels") == origin


def test_several_generators_are_listed_not_chosen(tmp_path: Path) -> None:
    agents = [
        {"@type": "prov:SoftwareAgent", "name": "model-a"},
        {"@type": "prov:SoftwareAgent", "name": "model-b"},
    ]
    document = croissant(write(tmp_path, **{"prov:wasAttributedTo": agents}))
    source = document.data["splits"][0]["sources"][0]
    assert "generator" not in source
    assert source["description"] == "generators named: model-a, model-b"


def test_split_names_from_well_known_split_urls(tmp_path: Path) -> None:
    record_set = {
        "@type": "cr:RecordSet",
        "dataType": ["cr:Split"],
        "data": [{"s/url": "cr:TrainingSplit"}, {"s/url": "cr:TestSplit"}],
    }
    document = croissant(write(tmp_path, recordSet=[record_set]))
    assert [s["name"] for s in document.data["splits"]] == ["train", "test"]


def test_croissant_named_in_conforms_to_only(tmp_path: Path) -> None:
    path = tmp_path / "metadata.json"
    path.write_text(
        json.dumps({"@context": {}, "dct:conformsTo": "http://mlcommons.org/croissant/1.1"}),
        encoding="utf-8",
    )
    assert CROISSANT.load(path, "metadata.json", DEFAULT_LIMITS) is not None


def test_json_ld_of_another_kind_is_not_read() -> None:
    path = fixture("jsonld-other")
    assert CROISSANT.load(path, path.name, DEFAULT_LIMITS) is None
    assert CROISSANT.claims is not None
    assert not CROISSANT.claims(path, DEFAULT_LIMITS)


def test_malformed_croissant_is_an_error_with_a_place(tmp_path: Path) -> None:
    path = tmp_path / "croissant.json"
    path.write_text('{"@context": {"cr": "http://mlcommons.org/croissant/"},\n "name": }', "utf-8")
    with pytest.raises(InputError) as caught:
        CROISSANT.load(path, "croissant.json", DEFAULT_LIMITS)
    assert (caught.value.problems[0].line, caught.value.problems[0].column) == (2, 10)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 10)
    | st.sampled_from(["Synthetic", "true", "cr:Split", "cr:TestSplit", "prov:SoftwareAgent", ""])
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["@type", "name", "@value", "@id", "dataType", "data", "field",
                         "prov:wasAttributedTo", "s/name"]),
        inner,
        max_size=4,
    ),
    max_leaves=12,
)  # fmt: skip


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fields=st.dictionaries(
        st.sampled_from(
            ["name", "inLanguage", "keywords", "license", "recordSet", "rai:hasSyntheticData",
             "rai:dataCollectionType", "rai:machineAnnotationTools", "prov:wasDerivedFrom",
             "prov:wasAttributedTo", "prov:wasGeneratedBy", "rai:annotationsPerItem"]
        ),
        _JSON,
        max_size=6,
    )
)  # fmt: skip
def test_any_croissant_fields_map_to_a_valid_manifest(
    tmp_path: Path, fields: dict[str, Any]
) -> None:
    from synthgate.models import Manifest
    from synthgate.validation import validate_model

    document = croissant(write(tmp_path, **fields))
    document.data["dataset"]["task_type"] = "unknown"
    validate_model(Manifest, document.data, document)


def test_prov_references_are_followed_to_typed_agents_and_screening_is_no_authorship() -> None:
    # Croissant 1.1: agents given as {"@id": ...} or as the id's text, defined elsewhere; a
    # moderation and PII-filtering activity run by software agents.
    path = fixture("croissant-prov-ids")
    document = croissant("croissant-prov-ids")
    assert origins(document) == {"all-records": "human", "all-labels": "human"}
    for source in document.data["splits"][0]["sources"]:
        assert "generator" not in source
    description = document.data["dataset"]["description"]
    assert "crowdworkers (person, typed from its label)" in description
    assert "Civic Text Lab (organization)" in description
    assert "OpenAI Moderation API took part in 'Moderation and PII filtering'" in description
    assert "SG102" not in verdicts(path)  # nothing synthetic: no generator is asked for


def test_a_reference_to_a_software_agent_names_the_generator() -> None:
    # Croissant 1.0 with RAI: the label field points at the labelling model by its @id.
    document = croissant("croissant-1.0-prov")
    records, labels = document.data["splits"][0]["sources"]
    assert labels["origin"] == "synthetic"
    assert labels["generator"] == {"name": "gpt-4o-2024-08-06"}
    assert records["origin"] == "mixed"  # has synthetic data, of unknown share
    assert (
        "rai:hasSyntheticData: true (a non-standard property)"
        in document.data["dataset"]["description"]
    )


@pytest.mark.parametrize(
    ("agent", "origin"),
    [
        ({"@type": "prov:Agent", "name": "expert annotators"}, "human"),
        ({"@type": "foaf:Person", "name": "J. Doe"}, "human"),
        ({"@type": "sc:Organization", "name": "Acme Labs"}, "human"),
        ({"@type": "sc:SoftwareApplication", "name": "gen-1"}, "synthetic"),
        ({"@type": "prov:Agent", "name": "Llama-3-70B-Instruct"}, "synthetic"),
        ({"@type": "prov:Agent", "name": "Team Q"}, "unknown"),
        ("some-agent", "unknown"),  # a bare name says nothing of what it is
        ({"@id": "#nowhere"}, "unknown"),  # a reference to no node
    ],
)
def test_agents_are_typed_before_origin_is_decided(tmp_path: Path, agent: Any, origin: str) -> None:
    document = croissant(write(tmp_path, **{"prov:wasAttributedTo": agent}))
    assert origins(document)["all-records"] == origin

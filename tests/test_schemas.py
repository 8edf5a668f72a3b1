"""The checked-in JSON Schemas are exactly what the models generate."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from synthgate.jsonschemas import SCHEMAS, render
from tests.conftest import FIXTURES, REPO_ROOT


@pytest.mark.parametrize("which", sorted(SCHEMAS))
def test_schema_has_not_drifted(which: str) -> None:
    checked_in = (REPO_ROOT / "schemas" / f"{which}.schema.json").read_text()
    assert checked_in == render(which), (
        f"schemas/{which}.schema.json is stale: run 'python -m synthgate.jsonschemas schemas'"
    )


@pytest.mark.parametrize("which", sorted(SCHEMAS))
def test_schema_is_valid_json_schema(which: str) -> None:
    Draft202012Validator.check_schema(json.loads(render(which)))


def test_fixture_manifests_validate_against_the_manifest_schema() -> None:
    import yaml

    validator = Draft202012Validator(json.loads(render("manifest")))
    for name in ("pass", "fail", "warn"):
        data = yaml.safe_load((FIXTURES / "cli" / f"{name}.synthgate.yaml").read_text())
        assert list(validator.iter_errors(data)) == []
    bad = yaml.safe_load((FIXTURES / "cli" / "bad.synthgate.yaml").read_text())
    assert list(validator.iter_errors(bad)) != []

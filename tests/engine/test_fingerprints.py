"""Fingerprints survive reformatting and reordering of splits and sources."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from synthgate.audit import audit_paths
from tests.conftest import FIXTURES

MIX = FIXTURES / "waivers" / "mix.synthgate.yaml"


def _prints(path: Path) -> set[str]:
    (result,) = audit_paths([str(path)]).manifests
    assert all(f.fingerprint.startswith("sha256:") for f in result.findings)
    prints = {f.fingerprint for f in result.findings}
    assert len(prints) == len(result.findings)
    return prints


def test_fingerprints_survive_reordering_and_reformatting(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    data = yaml.safe_load(MIX.read_text())
    Path("m.synthgate.yaml").write_text(yaml.safe_dump(data))
    original = _prints(Path("m.synthgate.yaml"))
    data["splits"].reverse()
    data["splits"][1]["sources"].reverse()
    Path("m.synthgate.yaml").write_text(json.dumps(data))  # flow style, new lines
    assert _prints(Path("m.synthgate.yaml")) == original


def test_renaming_a_source_or_moving_the_file_changes_its_fingerprints(tmp_path: Path) -> None:
    data = yaml.safe_load(MIX.read_text())
    (tmp_path / "a.synthgate.yaml").write_text(yaml.safe_dump(data))
    first = _prints(tmp_path / "a.synthgate.yaml")
    data["splits"][1]["sources"][0]["id"] = "renamed"
    (tmp_path / "a.synthgate.yaml").write_text(yaml.safe_dump(data))
    renamed = _prints(tmp_path / "a.synthgate.yaml")
    assert len(first - renamed) == 1
    (tmp_path / "b.synthgate.yaml").write_text(yaml.safe_dump(data))
    assert _prints(tmp_path / "b.synthgate.yaml").isdisjoint(renamed)


def test_logical_pointer_uses_names_and_escapes_them() -> None:
    from synthgate.fingerprints import logical_pointer
    from synthgate.models import Manifest

    manifest = Manifest.model_validate(
        {"dataset": {"name": "d"}, "splits": [{"name": "a/b", "sources": [{"id": "x~y"}]}]}
    )
    assert logical_pointer(manifest, "/splits/0/sources/0/generator") == (
        "/splits/a~1b/sources/x~0y/generator"
    )
    assert logical_pointer(manifest, "/dataset") == "/dataset"

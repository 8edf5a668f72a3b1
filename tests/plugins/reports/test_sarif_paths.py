"""SARIF locations in a real repository: relative to its root against ``SRCROOT``, from any
working directory; waivers as ``inSource`` or ``external`` suppressions."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import pytest
from jsonschema import Draft7Validator

from tests.conftest import FIXTURES, CliResult, git
from tests.plugins.reports.test_sarif import SCHEMA

MANIFEST = FIXTURES / "cli" / "fail.synthgate.yaml"

IN_MANIFEST_WAIVER = """
waivers:
  - rule: SG301
    reason: replacement data lands in Q3
    owner: data-team@example.com
    expires: 2026-03-01
"""
CENTRAL_WAIVERS = """
waivers:
  - rule: SG303
    manifests: ["data/sub dir/*.synthgate.yaml"]
    reason: the label study is under way
    owner: labels@example.com
    expires: 2026-03-01
"""


def _project(root: Path) -> Path:
    """A git repository with a manifest two directories down (one with a space)."""
    data = root / "data" / "sub dir"
    data.mkdir(parents=True)
    text = MANIFEST.read_text(encoding="utf-8") + IN_MANIFEST_WAIVER
    (data / "fail.synthgate.yaml").write_text(text, encoding="utf-8")
    (root / "synthgate-waivers.yaml").write_text(CENTRAL_WAIVERS, encoding="utf-8")
    git(root, "init", "-q")
    return root


def _sarif(run_cli: Callable[..., CliResult], *args: str) -> dict[str, Any]:
    result = run_cli("audit", *args, "--format", "sarif", "--today", "2026-01-01")
    assert result.code == 0, result.err  # both fails are waived
    log: dict[str, Any] = json.loads(result.out)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert [e.message for e in Draft7Validator(schema).iter_errors(log)] == []
    return log


def _locations(run: dict[str, Any]) -> list[dict[str, Any]]:
    places = [loc["physicalLocation"] for r in run["results"] for loc in r["locations"]]
    for result in run["results"]:
        places += [s["location"]["physicalLocation"] for s in result.get("suppressions", [])]
    return [place["artifactLocation"] for place in places]


def _resolve(run: dict[str, Any], artifact: dict[str, Any]) -> Path:
    """What a SARIF reader makes of a location: the base's URI joined with the relative one."""
    base = run["originalUriBaseIds"][artifact["uriBaseId"]]["uri"]
    return Path(unquote(urlparse(urljoin(base, artifact["uri"])).path))


@pytest.mark.parametrize("where", ["root", "data", "data/sub dir"])
def test_uris_are_relative_to_the_repository_root_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult], where: str
) -> None:
    root = _project(tmp_path / "repo")
    cwd = root if where == "root" else root / where
    monkeypatch.chdir(cwd)
    target = os.path.relpath(root / "data" / "sub dir" / "fail.synthgate.yaml", cwd)
    waivers = os.path.relpath(root / "synthgate-waivers.yaml", cwd)
    (run,) = _sarif(run_cli, target, "--waivers", waivers)["runs"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == root.as_uri() + "/"
    artifacts = _locations(run)
    assert {a["uriBaseId"] for a in artifacts} == {"SRCROOT"}
    manifest_uri = "data/sub%20dir/fail.synthgate.yaml"
    assert {a["uri"] for a in artifacts} == {manifest_uri, "synthgate-waivers.yaml"}
    for artifact in artifacts:
        assert _resolve(run, artifact).is_file()


def test_in_manifest_waivers_are_in_source_and_central_ones_external(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    root = _project(tmp_path / "repo")
    monkeypatch.chdir(root)
    (run,) = _sarif(run_cli, "data", "--waivers", "synthgate-waivers.yaml")["runs"]
    kinds = {r["ruleId"]: [s["kind"] for s in r.get("suppressions", [])] for r in run["results"]}
    assert kinds["SG301"] == ["inSource"]
    assert kinds["SG303"] == ["external"]
    assert all(not k for rule, k in kinds.items() if rule not in ("SG301", "SG303"))
    suppressed = {
        r["ruleId"]: s["location"]["physicalLocation"]["artifactLocation"]["uri"]
        for r in run["results"]
        for s in r.get("suppressions", [])
    }
    assert suppressed == {
        "SG301": "data/sub%20dir/fail.synthgate.yaml",
        "SG303": "synthgate-waivers.yaml",
    }


def test_outside_a_repository_the_working_directory_is_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "d").mkdir()
    shutil.copy(MANIFEST, tmp_path / "d" / "fail.synthgate.yaml")
    outside = tmp_path / "elsewhere.synthgate.yaml"
    shutil.copy(MANIFEST, outside)
    monkeypatch.chdir(tmp_path / "d")
    result = run_cli("audit", "fail.synthgate.yaml", "../elsewhere.synthgate.yaml", "-f", "sarif")
    (run,) = json.loads(result.out)["runs"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == (tmp_path / "d").as_uri() + "/"
    uris = {a["uri"]: a.get("uriBaseId") for a in _locations(run)}
    assert uris == {"fail.synthgate.yaml": "SRCROOT", outside.as_uri(): None}

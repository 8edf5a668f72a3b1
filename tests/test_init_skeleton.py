"""``synthgate init``: the skeleton's ``$schema`` exists, and it has a place for every fact the
default pack asks about."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from synthgate.jsonschemas import render
from tests.conftest import REPO_ROOT, CliResult

RAW = "https://raw.githubusercontent.com/synthgate/synthgate/main/"


def _init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> Path:
    monkeypatch.chdir(tmp_path)
    result = run_cli("init")
    assert result.code == 0, result.err
    return tmp_path / "synthgate.yaml"


def test_schema_line_points_at_the_schema_in_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., CliResult]
) -> None:
    text = _init(tmp_path, monkeypatch, run_cli).read_text(encoding="utf-8")
    (url,) = re.findall(r"^# yaml-language-server: \$schema=(\S+)$", text, re.M)
    assert url.startswith(RAW)
    # The URL is a file of this repository on its main branch, and that file is the schema.
    target = REPO_ROOT / url.removeprefix(RAW)
    assert target.is_file()
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(render("manifest"))


def _paths(node: Any, prefix: str = "") -> Iterator[str]:
    """Every dotted key path in the skeleton, from every mapping down (``generator.name``,
    ``name``, ``dataset.contamination.method``...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield f"{prefix}{key}"
            yield from _paths(value, f"{prefix}{key}.")
            yield from _paths(value)
    elif isinstance(node, list):
        for item in node:
            yield from _paths(item)


def _asked(message: str) -> set[str]:
    """The fields a finding's message asks for."""
    # Quoted names, except quoted values ("resource level 'high' inferred from ...").
    names = set(re.findall(r"(?<!level )'([a-z_]+(?:\.[a-z_]+)*)'", message))
    for listed in re.findall(r"does not declare ([a-z_., ]+)", message):
        names |= {name.strip() for name in listed.split(",") if name.strip()}
    names |= set(re.findall(r"([a-z_]+(?:\.[a-z_]+)+) is not declared", message))
    return names


@pytest.mark.parametrize(
    ("task_type", "stage"),
    [("unknown", "unknown"), ("sentiment-analysis", "sft"), ("code-generation", "eval")],
)
def test_every_field_the_default_pack_asks_for_is_in_the_skeleton(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., CliResult],
    task_type: str,
    stage: str,
) -> None:
    manifest = _init(tmp_path, monkeypatch, run_cli)
    text = manifest.read_text(encoding="utf-8")
    text = text.replace("task_type: unknown ", f"task_type: {task_type} ", 1)
    text = text.replace("stage: unknown ", f"stage: {stage} ", 1)
    manifest.write_text(text, encoding="utf-8")
    paths = set(_paths(yaml.safe_load(text)))
    result = run_cli("audit", "synthgate.yaml", "--format", "json")
    assert result.code in (0, 1), result.err
    (report,) = json.loads(result.out)["manifests"]
    asked = set().union(*(_asked(f["message"]) for f in report["findings"]))
    assert len(asked) > 10  # the oracle reads real requests
    # A field is in the skeleton as a key, or, for a case it does not show (a mixed source's
    # synthetic_share), as a key in a comment.
    missing = {
        name
        for name in asked
        if name not in paths
        and name.removeprefix("dataset.") not in paths
        and not re.search(rf"#.*\b{re.escape(name)}:", text)
    }
    assert missing == set()

"""How a reference tells a file from a pack's name, and how paths read in messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthgate.paths import display_path, names_a_file


@pytest.mark.parametrize(
    "ref", ["policy.yaml", "POLICY.YML", "p.Json", "dir/default", "dir\\default", "./x"]
)
def test_a_separator_or_a_policy_suffix_names_a_file(ref: str) -> None:
    assert names_a_file(ref)


@pytest.mark.parametrize("ref", ["default", "clinical", "policy.toml", "yaml", ""])
def test_anything_else_may_be_a_packs_name(ref: str) -> None:
    assert not names_a_file(ref)


def test_a_path_inside_the_current_directory_reads_relative_with_slashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "a" / "b.yaml") == "a/b.yaml"
    assert display_path(Path("c.yaml")) == "c.yaml"


def test_a_path_outside_reads_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "inside").mkdir()
    monkeypatch.chdir(tmp_path / "inside")
    outside = tmp_path / "elsewhere.yaml"
    assert display_path(outside) == str(outside)

"""Files that merely look like cards or Croissant files: skipped with a note when found in a
directory, an input error (exit 2, with a place and a hint) when named."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from synthgate.audit import Audit

from ...conftest import REPO_ROOT, CliResult
from .helpers import fixture

RunCli = Callable[..., CliResult]


def layout(root: Path, files: dict[str, str]) -> None:
    """Copy format fixtures into ``root`` under new relative paths."""
    for target, name in files.items():
        path = root / target
        path.parent.mkdir(parents=True, exist_ok=True)
        source = fixture(name) if "/" not in name else REPO_ROOT / name
        shutil.copyfile(source, path)


def test_the_examples_directory_audits_as_before() -> None:
    audit = Audit.create()
    found = audit.discover([str(REPO_ROOT / "examples")])
    assert len(found) == 6
    assert all(item.path.name.endswith(".synthgate.yaml") for item in found)
    # every folder's README.md is looked at and skipped, with a note saying why
    notes = {Path(note.path).relative_to(REPO_ROOT).as_posix(): note for note in audit.skipped}
    assert "examples/README.md" in notes
    assert all(path.endswith("README.md") for path in notes)
    assert all("front matter" in note.hint for note in notes.values())


def test_a_directory_mixing_formats(tmp_path: Path, run_cli: RunCli) -> None:
    layout(
        tmp_path,
        {
            "docs/README.md": "not-a-card",
            "models/README.md": "model-card",
            "data/hate/README.md": "hate-speech",
            "data/dialogues/croissant.json": "croissant-rai",
            "site/metadata.json": "jsonld-other",
            "mix/code.synthgate.yaml": "examples/code-sft.synthgate.yaml",
        },
    )
    audit = Audit.create()
    found = sorted(
        item.path.relative_to(tmp_path).as_posix() for item in audit.discover([str(tmp_path)])
    )
    assert found == [
        "data/dialogues/croissant.json",
        "data/hate/README.md",
        "mix/code.synthgate.yaml",
    ]
    skipped = sorted(Path(p.path).relative_to(tmp_path).as_posix() for p in audit.skipped)
    assert skipped == ["docs/README.md", "models/README.md", "site/metadata.json"]
    result = run_cli("audit", str(tmp_path))
    assert result.code == 1, result.err  # the synthetic dialogues fail
    assert "3 manifests" in result.out
    assert "could not" not in result.err


def test_a_malformed_card_in_a_directory_is_an_error_not_a_skip(
    tmp_path: Path, run_cli: RunCli
) -> None:
    layout(tmp_path, {"bad/README.md": "malformed", "ok/README.md": "math-benchmark"})
    result = run_cli("audit", str(tmp_path))
    assert result.code == 2
    assert "bad/README.md:5:9: malformed YAML" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("not-a-card", "YAML front matter"),
        ("model-card", "dataset card fields"),
        ("jsonld-other", "Croissant"),
    ],
)
def test_a_look_alike_named_explicitly_is_an_input_error_with_a_hint(
    name: str, hint: str, run_cli: RunCli
) -> None:
    result = run_cli("audit", str(fixture(name)))
    assert result.code == 2
    assert f"{fixture(name)}:1:1: not a manifest any installed adapter can read" in result.err
    assert "hint:" in result.err
    assert hint in result.err
    assert "Traceback" not in result.err


def test_a_directory_of_look_alikes_only_has_no_manifests(tmp_path: Path, run_cli: RunCli) -> None:
    layout(tmp_path, {"a/README.md": "not-a-card", "b/metadata.json": "jsonld-other"})
    result = run_cli("audit", str(tmp_path))
    assert result.code == 0  # a warning, as for a repository with no manifest yet
    assert "warning: no manifests found" in result.err


def test_a_native_manifest_pattern_is_still_never_skipped(tmp_path: Path, run_cli: RunCli) -> None:
    (tmp_path / "odd.synthgate.yaml").write_text("hello: world\n", encoding="utf-8")
    result = run_cli("audit", str(tmp_path))
    assert result.code == 2
    assert "matches the manifest file pattern but no adapter can read it" in result.err


@pytest.mark.parametrize(
    "name", ["math-benchmark", "self-instruct", "hate-speech", "machine-translated",
             "no-creators", "unknown-task", "croissant-plain", "croissant-rai"],
)  # fmt: skip
def test_every_readable_fixture_audits_from_the_command_line(name: str, run_cli: RunCli) -> None:
    result = run_cli("audit", "--format", "json", str(fixture(name)))
    assert result.code in (0, 1), result.err
    assert '"unreadable": 0' in result.out


def test_a_card_beside_a_manifest_is_left_to_the_manifest(tmp_path: Path, run_cli: RunCli) -> None:
    layout(tmp_path, {"data/README.md": "self-instruct"})
    assert run_cli("init", "--from", str(tmp_path / "data/README.md"),
                   str(tmp_path / "data/synthgate.yaml")).code == 0  # fmt: skip
    audit = Audit.create()
    (found,) = audit.discover([str(tmp_path)])
    assert found.path.name == "synthgate.yaml"
    (note,) = audit.skipped
    assert "the manifest synthgate.yaml beside it" in note.message
    # named explicitly, the card is still audited
    assert run_cli("audit", str(tmp_path / "data/README.md")).code == 1


def test_a_policy_whose_taxonomy_lacks_the_cards_task_still_audits_it(
    tmp_path: Path, run_cli: RunCli
) -> None:
    policy = tmp_path / "tiny.yaml"
    policy.write_text(
        "name: tiny\n"
        "taxonomy:\n  poetry-writing: {verifiability: subjective}\n"
        "rules:\n"
        "  - code: TY101\n    name: task-declared\n    summary: The task type is declared.\n"
        "    check: {kind: required, facts: [task_type]}\n",
        encoding="utf-8",
    )
    result = run_cli("audit", "--policy", str(policy), str(fixture("math-benchmark")))
    assert result.code == 1, result.err  # a finding, not an input error
    assert "TY101 fail" in result.out
    assert "does not declare task_type" in result.out

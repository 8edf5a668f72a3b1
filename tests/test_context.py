"""Partial audits see their context: the project's other manifests, in a temporary git repo."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from synthgate.context import CACHE_DIR
from tests.conftest import FIXTURES, CliResult, git

CONTEXT = FIXTURES / "context"
EVAL = "data/eval/support-chat-eval.synthgate.yaml"
TRAIN = "data/train/support-chat-sft.synthgate.yaml"
Run = Callable[..., CliResult]

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a training set and the evaluation set derived from it, committed."""
    root = tmp_path / "repo"
    for relative in (EVAL, TRAIN):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CONTEXT / Path(relative).name, target)
    (root / "synthgate.toml").write_text('exclude = ["vendor/**"]\n', encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    monkeypatch.chdir(root)
    return root


def _findings(result: CliResult, code: str) -> list[dict[str, Any]]:
    report = json.loads(result.out)
    return [
        finding
        for manifest in report["manifests"]
        for finding in manifest["findings"]
        if finding["rule"] == code
    ]


def test_an_eval_set_audited_alone_is_related_to_the_training_set_beside_it(
    run_cli: Run, repo: Path
) -> None:
    result = run_cli("audit", EVAL, "--format", "json")
    assert result.code == 1, result.err
    report = json.loads(result.out)
    assert [m["path"] for m in report["manifests"]] == [EVAL]  # the context is not reported
    (derived,) = _findings(result, "SG702")
    assert derived["verdict"] == "fail"
    assert "support-chat-sft" in str(derived["message"])
    assert [place["file"] for place in derived["related"]] == [TRAIN]


def test_changed_since_relates_the_changed_eval_set_to_unchanged_training_data(
    run_cli: Run, repo: Path
) -> None:
    git(repo, "tag", "base")
    eval_file = repo / EVAL
    eval_file.write_text(eval_file.read_text() + "# reviewed\n", encoding="utf-8")
    result = run_cli("audit", "--changed-since", "base", "--format", "json")
    assert result.code == 1, result.err
    assert [m["path"] for m in json.loads(result.out)["manifests"]] == [EVAL]
    assert [f["verdict"] for f in _findings(result, "SG702")] == ["fail"]


def test_no_context_says_how_many_manifests_it_could_not_see(run_cli: Run, repo: Path) -> None:
    result = run_cli("audit", EVAL, "--no-context", "--format", "json", "--show-passes")
    for code in ("SG701", "SG702", "SG703", "SG704"):
        (finding,) = _findings(result, code)
        assert finding["verdict"] == "warn", code  # never a pass on missing evidence
        assert str(finding["message"]).startswith("unknown: 1 manifest of the project not in")


def test_a_context_manifest_that_cannot_be_read_is_named(run_cli: Run, repo: Path) -> None:
    (repo / TRAIN).write_text("dataset: {name: [unclosed\n", encoding="utf-8")
    result = run_cli("audit", EVAL, "--format", "json", "--show-passes")
    assert result.code == 0, result.err  # the unreadable file is not part of this audit
    (derived,) = _findings(result, "SG702")
    assert derived["verdict"] == "pass"  # the broken file fails its own audit, with exit 2
    assert "1 file of the project could not be read as manifests" in str(derived["message"])


def test_the_whole_project_audited_needs_no_context(run_cli: Run, repo: Path) -> None:
    result = run_cli("audit", "--format", "json", "--no-context")
    assert [f["verdict"] for f in _findings(result, "SG702")] == ["fail"]
    assert not (repo / CACHE_DIR).exists()  # nothing outside the audit to read


def test_excluded_files_are_not_context(run_cli: Run, repo: Path) -> None:
    vendored = repo / "vendor" / TRAIN
    vendored.parent.mkdir(parents=True)
    shutil.copy(repo / TRAIN, vendored)
    (repo / TRAIN).unlink()
    result = run_cli("audit", EVAL, "--format", "json", "--show-passes")
    assert [f["verdict"] for f in _findings(result, "SG702")] == ["pass"]


def test_the_cache_is_never_stale(run_cli: Run, repo: Path) -> None:
    train = repo / TRAIN
    data = yaml.safe_load(train.read_text(encoding="utf-8"))
    train.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    first = run_cli("audit", EVAL, "--format", "json")
    assert [f["verdict"] for f in _findings(first, "SG702")] == ["fail"]
    (cache,) = (repo / CACHE_DIR).glob("context-*.json")
    cached = json.loads(cache.read_text(encoding="utf-8"))
    assert list(cached["files"]) == [str((repo / TRAIN).resolve())]
    # The training set stops being training data, so not the eval set's parent: same size (one
    # character more in the stage, one less in the name), a new content hash.
    data["dataset"]["stage"] = "eval"
    data["dataset"]["name"] = "support-chat-sf"
    before = train.stat()
    train.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    os.utime(train, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a coarse clock would
    assert (train.stat().st_size, train.stat().st_mtime_ns) == (
        before.st_size,
        before.st_mtime_ns,
    )
    second = run_cli("audit", EVAL, "--format", "json", "--show-passes")
    assert [f["verdict"] for f in _findings(second, "SG702")] == ["pass"]

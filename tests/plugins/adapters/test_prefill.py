"""``synthgate init --from``: a native manifest prefilled from a card or a Croissant file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from synthgate.policy import load_policy
from synthgate.prefill import FILL_IN, prefill

from ...conftest import REPO_ROOT, CliResult
from ..scopes import host
from .helpers import fixture, verdicts

RunCli = Callable[..., CliResult]
READABLE = [
    "math-benchmark",
    "self-instruct",
    "hate-speech",
    "machine-translated",
    "no-creators",
    "unknown-task",
    "croissant-plain",
    "croissant-rai",
]


def lines_with(text: str, start: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith(start)]


def test_init_from_a_card_writes_a_commented_manifest(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "synthgate.yaml"
    result = run_cli("init", "--from", str(fixture("math-benchmark")), str(target))
    assert result.code == 0, result.err
    assert "facts marked FILL IN" in result.out
    text = target.read_text(encoding="utf-8")
    (task,) = lines_with(text, "task_type:")
    # the taxonomy's own name, and where the card said it
    assert task.split("#")[0].strip() == "task_type: math-word-problems"
    assert "from README.md:19: task_ids: text2text-generation-other-math-word-problems" in task
    (stage,) = lines_with(text, "stage:")
    assert "unknown" in stage
    assert FILL_IN in stage
    (origin, *_rest) = lines_with(text, "origin:")
    assert "origin: human" in origin
    assert "language_creators: [crowdsourced]" in origin
    data = yaml.safe_load(text)
    assert data["splits"][0]["sources"][0]["records"] == 7473


@pytest.mark.parametrize("name", READABLE)
def test_the_prefilled_manifest_audits_like_the_file_it_came_from(
    name: str, tmp_path: Path, run_cli: RunCli
) -> None:
    target = tmp_path / "synthgate.yaml"
    assert run_cli("init", "--from", str(fixture(name)), str(target)).code == 0
    # the prefilled manifest hides nothing the card shows: every rule judges it at least as
    # strictly (placeholders such as 'generator: {name: unknown}' may ask for more)
    rank = {"pass": 0, "warn": 1, "fail": 2, "error": 3}
    mapped, written = verdicts(fixture(name)), verdicts(target)
    assert mapped.keys() <= written.keys()
    lenient = {
        rule: (mapped[rule], written[rule])
        for rule in mapped
        if rank[written[rule]] < rank[mapped[rule]]
    }
    assert lenient == {}
    assert verdicts(target)["SG105"] == "warn"  # the stage is still to be declared


@pytest.mark.parametrize("name", READABLE)
def test_every_unknown_fact_is_marked(name: str) -> None:
    made = prefill(fixture(name), host(), load_policy(None, host()))
    marked = [
        line
        for line in made.text.splitlines()
        if line.split("#", 1)[0].strip() and FILL_IN in line.split("#", 1)[-1]
    ]
    assert len(marked) == made.to_fill
    for line in made.text.splitlines():
        value = line.split("#", 1)[0].strip()
        if value.endswith(": unknown") or value.endswith(": []"):
            assert FILL_IN in line, line


def test_synthetic_sources_get_every_field_to_fill_in() -> None:
    made = prefill(fixture("self-instruct"), host(), load_policy(None, host()))
    data = yaml.safe_load(made.text)
    source = data["splits"][0]["sources"][0]
    assert source["origin"] == "synthetic"
    assert source["generator"] == {"name": "unknown", "family": "unknown", "provider": "unknown"}
    assert source["verification"]["method"] == "unknown"
    assert source["generation_depth"] == "unknown"
    assert data["dataset"]["derived_from"] == ["self-instruct-seed-tasks"]


def test_an_unknown_task_names_the_cards_tasks() -> None:
    made = prefill(fixture("unknown-task"), host(), load_policy(None, host()))
    (task,) = lines_with(made.text, "task_type:")
    assert "satellite-crop-yield" in task
    assert FILL_IN in task


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "missing/README.md"], "is not a file"),
        (["--from", str(fixture("malformed"))], "README.md:5:9: malformed YAML"),
        (["--from", str(fixture("not-a-card"))], "YAML front matter"),
        (["--from", str(REPO_ROOT / "examples" / "code-sft.synthgate.yaml")], "already a"),
        (["--policy", "default"], "--policy is used only with --from"),
    ],
    ids=["missing", "malformed", "look-alike", "native", "policy-alone"],
)
def test_init_from_bad_input_exits_2_with_a_message(
    args: list[str], message: str, tmp_path: Path, run_cli: RunCli
) -> None:
    target = tmp_path / "out.yaml"
    result = run_cli("init", *args, str(target))
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert not target.exists()


def test_init_from_never_overwrites_without_force(tmp_path: Path, run_cli: RunCli) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("mine\n", encoding="utf-8")
    result = run_cli("init", "--from", str(fixture("hate-speech")), str(target))
    assert result.code == 2
    assert "already exists" in result.err
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert run_cli("init", "--force", "--from", str(fixture("hate-speech")), str(target)).code == 0
    assert "Tweets Annotated for Hate Speech" in target.read_text(encoding="utf-8")

"""docs/api.md: every Python block runs as written, and the library's report is the one the
command line writes."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import synthgate
from tests.conftest import REPO_ROOT, CliResult

API_DOC = REPO_ROOT / "docs" / "api.md"
EXAMPLES = REPO_ROOT / "examples"
Run = Callable[..., CliResult]


def python_blocks(text: str) -> list[str]:
    """The fenced ``python`` blocks of a Markdown text, in order."""
    return re.findall(r"^```python\n(.*?)^```", text, re.M | re.S)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory holding a copy of the repository's example manifests, made current."""
    (tmp_path / "examples").mkdir()
    for manifest in EXAMPLES.glob("*.synthgate.yaml"):
        shutil.copy(manifest, tmp_path / "examples" / manifest.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_block_extractor_finds_blocks_and_only_python_ones() -> None:
    text = "a\n```python\nx = 1\n```\n```toml\ny = 2\n```\n```python\nz = 3\n```\n"
    assert python_blocks(text) == ["x = 1\n", "z = 3\n"]


def test_every_example_of_the_api_doc_runs(project: Path) -> None:
    blocks = python_blocks(API_DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    namespace: dict[str, object] = {"__name__": "api_doc"}
    for number, block in enumerate(blocks, start=1):
        code = compile(block, f"{API_DOC.name} block {number}", "exec")
        exec(code, namespace)  # the documentation's own examples


def test_the_readme_links_the_api_doc() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/api.md)" in readme


def _cli_report(run_cli: Run, *args: str) -> dict[str, object]:
    result = run_cli("audit", *args, "--format", "json", "--fail-on", "never")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert isinstance(report, dict)
    return report


@pytest.mark.parametrize(
    ("args", "options"),
    [
        ((), {}),
        (("--select", "SG1,SG4"), {"select": ["SG1", "SG4"]}),
        (("--ignore", "SG6"), {"ignore": ["SG6"]}),
        (("--no-context",), {"context": False}),
        (("--show-passes",), {"show_passes": True}),
        (("--policy", "strict"), {"policy": "strict"}),
    ],
    ids=["plain", "select", "ignore", "no-context", "passes", "policy"],
)
def test_the_library_report_is_the_command_lines(
    run_cli: Run, project: Path, args: tuple[str, ...], options: dict[str, object]
) -> None:
    expected = _cli_report(run_cli, "examples/", *args)
    report = synthgate.audit("examples/", **options)  # type: ignore[arg-type]
    assert report.model_dump(mode="json") == expected


def test_the_library_reads_the_configuration_and_baseline_as_the_command_line_does(
    run_cli: Run, project: Path
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.synthgate]\nignore = ["SG3"]\n\n[tool.synthgate.per-path-ignores]\n'
        '"examples/self-*" = ["SG4"]\n',
        encoding="utf-8",
    )
    written = run_cli("audit", "examples/", "--write-baseline", "known.json", "--select", "SG1")
    assert written.code == 1, written.err
    expected = _cli_report(run_cli, "examples/", "--baseline", "known.json")
    report = synthgate.audit("examples/", baseline="known.json")
    assert report.model_dump(mode="json") == expected
    rules = {f.rule for result in report.manifests for f in result.findings}
    assert not any(rule.startswith("SG3") for rule in rules)
    assert report.totals.baselined > 0
    unconfigured = synthgate.audit("examples/", config=False)
    assert any(f.rule.startswith("SG3") for r in unconfigured.manifests for f in r.findings)


def test_unreadable_manifests_are_collected_not_raised_one_by_one(project: Path) -> None:
    (project / "a.synthgate.yaml").write_text("dataset: [\n", encoding="utf-8")
    (project / "b.synthgate.yaml").write_text("- 1\n", encoding="utf-8")
    with pytest.raises(synthgate.InputError) as caught:
        synthgate.audit([project / "a.synthgate.yaml", "examples", "b.synthgate.yaml"])
    assert [p.path for p in caught.value.problems] == [
        str(project / "a.synthgate.yaml"),
        "b.synthgate.yaml",
    ]


def test_a_single_path_and_a_list_of_one_are_the_same_audit(project: Path) -> None:
    one = synthgate.audit("examples/code-sft.synthgate.yaml")
    listed = synthgate.audit([Path("examples/code-sft.synthgate.yaml")])
    assert one == listed
    assert one.totals.manifests == 1

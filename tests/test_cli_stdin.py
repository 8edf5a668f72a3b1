"""'synthgate audit -': one manifest from standard input, shown as --stdin-filename."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, CliResult

CLI = FIXTURES / "cli"
Run = Callable[..., CliResult]
FAIL = CLI / "fail.synthgate.yaml"


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Callable[[bytes], None]:
    """Standard input of the next in-process run holds these bytes."""

    def give(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))

    return give


@pytest.fixture(autouse=True)
def _own_temporary_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    return temporary


def _without(text: str, path: str) -> str:
    return text.replace(path, "<name>")


def test_findings_are_those_of_the_file_under_the_given_name(
    run_cli: Run, stdin: Callable[[bytes], None], tmp_path: Path
) -> None:
    from_file = run_cli("audit", str(FAIL))
    stdin(FAIL.read_bytes())
    piped = run_cli("audit", "-", "--stdin-filename", "datasets/m.synthgate.yaml")
    assert piped.code == from_file.code == 1
    assert "datasets/m.synthgate.yaml:22:9: SG104 warn [recursion-depth]" in piped.out
    assert _without(piped.out, "datasets/m.synthgate.yaml") == _without(from_file.out, str(FAIL))
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary copy is gone


def test_without_a_name_stdin_is_shown_as_stdin(
    run_cli: Run, stdin: Callable[[bytes], None]
) -> None:
    stdin(FAIL.read_bytes())
    result = run_cli("audit", "-", "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert [m["path"] for m in report["manifests"]] == ["<stdin>"]
    locations = {f["location"]["file"] for f in report["manifests"][0]["findings"]}
    assert locations == {"<stdin>"}


@pytest.mark.parametrize(
    ("data", "located", "message"),
    [
        (b"dataset: [\n", "m.yaml:2:1", "malformed YAML"),
        (FAIL.read_bytes().replace(b"records:", b"recrods:", 1), "m.yaml:", "unknown field"),
        (b"dataset:\n  name: \xff\n", "m.yaml:2:9", "is not valid UTF-8"),
        (b"", "m.yaml:1:1", "empty"),
    ],
)
def test_bad_input_on_stdin_exits_2_located(
    run_cli: Run, stdin: Callable[[bytes], None], data: bytes, located: str, message: str
) -> None:
    stdin(data)
    result = run_cli("audit", "-", "--stdin-filename", "m.yaml")
    assert result.code == 2
    assert result.err.startswith(located), result.err
    assert message in result.err.splitlines()[0]
    assert "hint:" in result.err
    assert "Traceback" not in result.err


def test_stdin_over_the_size_limit_is_exit_2(run_cli: Run, stdin: Callable[[bytes], None]) -> None:
    stdin(FAIL.read_bytes())
    result = run_cli("audit", "-", "--stdin-filename", "m.yaml", "--max-file-size", "100")
    assert result.code == 2
    assert "m.yaml:1:1: standard input is over the limit of 100 bytes" in result.err


def test_the_name_chooses_the_adapter(run_cli: Run, stdin: Callable[[bytes], None]) -> None:
    card = FIXTURES / "formats" / "hate-speech" / "README.md"
    stdin(card.read_bytes())
    as_card = run_cli("audit", "-", "--stdin-filename", "data/README.md", "--no-context")
    assert as_card.code == 0, as_card.err
    assert as_card.out.startswith("WARN data/README.md (Tweets Annotated for Hate Speech)")
    stdin(card.read_bytes())
    unnamed = run_cli("audit", "-")  # a native manifest in YAML: a card is not one
    assert unnamed.code == 2
    assert unnamed.err.startswith("<stdin>:")


def test_stdin_is_related_to_the_project_but_not_to_its_own_copy_on_disk(
    run_cli: Run, stdin: Callable[[bytes], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "context", project)
    monkeypatch.chdir(project)
    eval_file = "support-chat-eval.synthgate.yaml"
    stdin((project / eval_file).read_bytes())
    result = run_cli("audit", "-", "--stdin-filename", eval_file, "--format", "json")
    assert result.code == 1, result.err
    (manifest,) = json.loads(result.out)["manifests"]
    (derived,) = [f for f in manifest["findings"] if f["rule"] == "SG702"]
    assert derived["verdict"] == "fail"
    assert derived["observed"]["training_manifests"] == ["support-chat-sft.synthgate.yaml"]
    assert derived["location"]["file"] == eval_file


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", str(FAIL)], "'-' reads one manifest from standard input, and is the only path"),
        (["-", "-"], "'-' reads one manifest from standard input, and is the only path"),
        ([str(FAIL), "--stdin-filename", "m.yaml"], "--stdin-filename names the manifest read"),
        (["-", "--stdin-filename", "data/"], "--stdin-filename 'data/' names no file"),
        (["-", "--stdin-filename", ".."], "--stdin-filename '..' names no file"),
    ],
)
def test_misused_stdin_options_are_usage_errors(
    run_cli: Run, stdin: Callable[[bytes], None], args: list[str], message: str
) -> None:
    stdin(FAIL.read_bytes())
    result = run_cli("audit", *args)
    assert result.code == 2
    assert message in result.err
    assert result.out == ""


def _command() -> list[str]:
    exe = shutil.which("synthgate", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "synthgate"]


def test_the_editor_pipeline(tmp_path: Path) -> None:
    """'cat m.yaml | synthgate audit - --stdin-filename m.yaml' as a real pipe."""
    shutil.copy(FAIL, tmp_path / "m.yaml")
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}  # made by the autouse fixture
    cat = subprocess.Popen(["cat", "m.yaml"], cwd=tmp_path, stdout=subprocess.PIPE)
    assert cat.stdout is not None
    done = subprocess.run(
        [*_command(), "audit", "-", "--stdin-filename", "m.yaml", "--no-config"],
        cwd=tmp_path,
        stdin=cat.stdout,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    cat.stdout.close()
    cat.wait(timeout=60)
    direct = subprocess.run(
        [*_command(), "audit", "m.yaml", "--no-config"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == direct.returncode == 1, done.stderr
    assert done.stdout == direct.stdout
    assert "m.yaml:22:9: SG104 warn [recursion-depth]" in done.stdout
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_terminal_on_stdin_is_refused_not_waited_on(tmp_path: Path) -> None:
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [*_command(), "audit", "-", "--no-config"],
            cwd=tmp_path,
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert "'-' reads standard input, which is a terminal" in done.stderr
    assert "hint: pipe a manifest in" in done.stderr


def test_per_path_settings_apply_to_the_name_given(
    run_cli: Run, stdin: Callable[[bytes], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "synthgate.toml").write_text('[per-path-ignores]\n"stress/**" = ["SG104"]\n')
    monkeypatch.chdir(project)
    for name, judged in (("stress/m.synthgate.yaml", False), ("other/m.synthgate.yaml", True)):
        stdin(FAIL.read_bytes())
        result = run_cli("audit", "-", "--stdin-filename", name, "--no-context")
        assert result.code == 1, result.err
        assert (f"{name}:22:9: SG104 warn [recursion-depth]" in result.out) is judged

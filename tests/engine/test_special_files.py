"""Only regular files are read: devices, FIFOs and directories named like inputs are exit 2
saying what they are, and the size bound holds while reading, whatever ``stat`` says."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from synthgate.documents import DEFAULT_LIMITS, Limits, read_document, read_input_bytes
from synthgate.errors import InputError
from tests.conftest import FIXTURES, CliResult

Run = Callable[..., CliResult]
PASSING = FIXTURES / "cli" / "pass.synthgate.yaml"

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
needs_dev_zero = pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")


def _message(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(InputError) as info:
        read_document(path, limits, path.name)
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.column) == (path.name, 1, 1)
    return problem.message


@needs_dev_zero
def test_a_symlink_to_dev_zero_is_refused_without_reading(tmp_path: Path) -> None:
    link = tmp_path / "zero.synthgate.yaml"
    link.symlink_to("/dev/zero")
    message = _message(link)
    assert "character device" in message
    assert "symbolic link" in message


@needs_fifo
def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.synthgate.yaml"
    os.mkfifo(fifo)
    assert "FIFO" in _message(fifo)  # no writer: a blocking open would hang here


def test_a_directory_named_like_a_manifest_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "dir.synthgate.yaml"
    directory.mkdir()
    assert "is a directory" in _message(directory)


def test_the_size_bound_holds_while_reading_not_from_stat(tmp_path: Path) -> None:
    # /proc files say they are empty; a growing file outruns its stat. Bound the read itself.
    path = tmp_path / "grows.yaml"
    path.write_text("a: " + "x" * 200 + "\n")
    real_fstat = os.fstat

    def lying_fstat(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        fields = list(st)
        fields[6] = 0  # st_size
        return os.stat_result(fields)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "fstat", lying_fstat)
        with pytest.raises(InputError) as info:
            read_input_bytes(path, Limits(max_bytes=100), "grows.yaml")
    assert info.value.problems[0].message == "file is over the limit of 100 bytes"


def test_read_input_bytes_reads_a_regular_file_up_to_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "exact.yaml"
    path.write_bytes(b"x" * 100)
    assert read_input_bytes(path, Limits(max_bytes=100), "exact.yaml") == b"x" * 100


# --------------------------------------------------------------------------- through the CLI


@needs_dev_zero
def test_directory_audit_with_a_dev_zero_symlink_is_exit_2(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "ok.synthgate.yaml").write_bytes(PASSING.read_bytes())
    (tmp_path / "zero.synthgate.yaml").symlink_to("/dev/zero")
    result = run_cli("audit", str(tmp_path))
    assert result.code == 2
    assert "zero.synthgate.yaml:1:1:" in result.err
    assert "character device" in result.err


@needs_fifo
def test_a_fifo_in_a_directory_audit_is_exit_2(run_cli: Run, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.synthgate.yaml")
    result = run_cli("audit", str(tmp_path))
    assert result.code == 2
    assert "FIFO" in result.err


@needs_fifo
@needs_dev_zero
@pytest.mark.parametrize(
    ("make", "what"),
    [
        (lambda p: p.symlink_to("/dev/zero"), "character device"),
        (lambda p: os.mkfifo(p), "FIFO"),
    ],
    ids=["dev-zero-symlink", "fifo"],
)
def test_a_special_file_named_on_the_command_line_says_what_it_is(
    run_cli: Run, tmp_path: Path, make: Callable[[Path], None], what: str
) -> None:
    target = tmp_path / "named.synthgate.yaml"
    make(target)
    result = run_cli("audit", str(target))
    assert result.code == 2
    assert what in result.err
    assert "does not exist" not in result.err


@needs_fifo
def test_a_fifo_as_the_policy_file_is_exit_2(run_cli: Run, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "policy.yaml")
    result = run_cli("audit", "--policy", str(tmp_path / "policy.yaml"), str(PASSING))
    assert result.code == 2
    assert "FIFO" in result.err
    assert "does not exist" not in result.err


def test_a_directory_as_the_policy_file_is_exit_2(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "policy.yaml").mkdir()
    result = run_cli("audit", "--policy", str(tmp_path / "policy.yaml"), str(PASSING))
    assert result.code == 2
    assert "is a directory" in result.err
    assert "does not exist" not in result.err


@needs_fifo
@pytest.mark.parametrize("name", ["synthgate.toml", "synthgate-waivers.yaml"])
def test_a_fifo_as_configuration_or_waivers_is_exit_2_not_skipped(
    run_cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    (tmp_path / "m.synthgate.yaml").write_bytes(PASSING.read_bytes())
    os.mkfifo(tmp_path / name)
    monkeypatch.chdir(tmp_path)
    result = run_cli("audit", "m.synthgate.yaml")
    assert result.code == 2
    assert name in result.err
    assert "FIFO" in result.err

"""What an output path may name: never an input, links followed, devices written in place,
write errors (a full disk, /proc) as exit code 2, no temporary file left by a signal."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, CliResult

CLI = FIXTURES / "cli"
Run = Callable[..., CliResult]


@pytest.fixture(autouse=True)
def _no_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)


def _manifest(tmp_path: Path, name: str = "pass.synthgate.yaml") -> Path:
    target = tmp_path / name
    shutil.copy(CLI / name, target)
    return target


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(
    "option",
    [
        ("-o", "{manifest}"),
        ("-f", "json={manifest}"),
        ("-f", "text", "-o", "{link}"),
        ("--write-baseline", "{manifest}"),
    ],
)
def test_an_output_over_the_manifest_being_audited_is_refused(
    run_cli: Run, tmp_path: Path, option: tuple[str, ...]
) -> None:
    manifest = _manifest(tmp_path)
    (tmp_path / "link.yaml").symlink_to(manifest)
    before = manifest.read_bytes()
    args = [a.format(manifest=manifest, link=tmp_path / "link.yaml") for a in option]
    result = run_cli("audit", str(manifest), *args)
    assert result.code == 2, result.err
    assert "is the manifest" in result.err
    assert "nothing was written" in result.err
    assert manifest.read_bytes() == before
    assert _leftovers(tmp_path) == []


def test_an_output_over_the_policy_config_or_waivers_is_refused(
    run_cli: Run, tmp_path: Path
) -> None:
    manifest = _manifest(tmp_path)
    config = tmp_path / "synthgate.toml"
    config.write_text('fail-on = "fail"\n')
    result = run_cli("audit", str(manifest), "-o", str(config))
    assert result.code == 2, result.err
    assert "is the configuration" in result.err
    assert config.read_text() == 'fail-on = "fail"\n'
    policy = tmp_path / "policy.yaml"
    shutil.copy(FIXTURES / "policies" / "extends-default.yaml", policy)
    result = run_cli("audit", str(manifest), "--no-config", "-p", str(policy), "-o", str(policy))
    assert result.code == 2
    assert "is the policy" in result.err
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers: []\n")
    result = run_cli("audit", str(manifest), "--no-config", "--waivers", "w.yaml", "-o", "w.yaml")
    assert result.code == 2
    assert "is the waivers file" in result.err
    assert waivers.read_text() == "waivers: []\n"


def test_a_report_over_the_baseline_is_refused_but_refreshing_it_is_not(
    run_cli: Run, tmp_path: Path
) -> None:
    manifest = _manifest(tmp_path, "fail.synthgate.yaml")
    baseline = tmp_path / "b.json"
    assert run_cli("audit", str(manifest), "--no-config", "--write-baseline", "b.json").code == 1
    recorded = baseline.read_text()
    result = run_cli("audit", str(manifest), "--no-config", "--baseline", "b.json", "-o", "b.json")
    assert result.code == 2
    assert "is the baseline" in result.err
    assert baseline.read_text() == recorded
    again = run_cli(
        "audit", str(manifest), "--no-config", "--baseline", "b.json", "--write-baseline", "b.json"
    )
    assert again.code == 0, again.err
    assert baseline.read_text() == recorded


def test_a_symbolic_link_is_written_through(run_cli: Run, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path)
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "report.json"
    real.write_text("old\n")
    link = tmp_path / "report.json"
    link.symlink_to(real)
    result = run_cli("audit", str(manifest), "-f", "json", "-o", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink()
    assert json.loads(real.read_text())["verdict"] == "pass"
    dangling = tmp_path / "new.json"
    dangling.symlink_to(tmp_path / "reports" / "new-target.json")
    assert run_cli("audit", str(manifest), "-f", "json", "-o", str(dangling)).code == 0
    assert dangling.is_symlink()
    assert json.loads((tmp_path / "reports" / "new-target.json").read_text())["verdict"] == "pass"


def test_dash_is_standard_output(run_cli: Run, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path)
    result = run_cli("audit", str(manifest), "-f", "json=-")
    assert result.code == 0, result.err
    assert json.loads(result.out)["verdict"] == "pass"
    assert not (tmp_path / "-").exists()
    result = run_cli("audit", str(manifest), "-o", "-")
    assert result.out.startswith("PASS ")
    assert not (tmp_path / "-").exists()


# Devices are reached through links in the temporary directory: were a device ever replaced
# again, the link would be, never the system's /dev/null or /dev/full.


def _device_link(tmp_path: Path, device: str) -> Path:
    if not stat.S_ISCHR(os.stat(device).st_mode):
        pytest.skip(f"{device} is no character device here")
    link = tmp_path / Path(device).name
    link.symlink_to(device)
    return link


def test_dev_null_stays_a_device(run_cli: Run, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path)
    link = _device_link(tmp_path, os.devnull)
    result = run_cli("audit", str(manifest), "-f", "json", "-o", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink()
    assert stat.S_ISCHR(os.stat(link).st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_written_in_place(run_cli: Run, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path)
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("audit", str(manifest), "-f", "json", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.code == 0, result.err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(received[0])["verdict"] == "pass"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_full_disk_is_exit_2_and_nothing_else_is_written(run_cli: Run, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path)
    link = _device_link(tmp_path, "/dev/full")
    result = run_cli("audit", str(manifest), "-f", f"json={link}", "-f", "text=ok.txt")
    assert result.code == 2, result.err
    assert f"cannot write output '{link}': No space left on device" in result.err
    assert "Traceback" not in result.err
    assert link.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([manifest.name, link.name])


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc on this system")
@pytest.mark.parametrize("target", ["/proc/version", "/proc/self/status", "/proc/no/such/file"])
def test_a_proc_file_is_exit_2_with_the_path(run_cli: Run, tmp_path: Path, target: str) -> None:
    result = run_cli("audit", str(_manifest(tmp_path)), "-o", target)
    assert result.code == 2, result.err
    assert f"'{target}'" in result.err
    assert "internal error" not in result.err


def test_a_directory_is_exit_2(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    result = run_cli("audit", str(_manifest(tmp_path)), "-f", "json=out")
    assert result.code == 2
    assert "it is a directory" in result.err


def test_baseline_and_format_on_one_destination_are_refused(run_cli: Run, tmp_path: Path) -> None:
    manifest = _manifest(tmp_path)
    result = run_cli("audit", str(manifest), "-f", "json=r.json", "--write-baseline", "r.json")
    assert result.code == 2
    assert "would both write 'r.json'" in result.err
    result = run_cli("audit", str(manifest), "--write-baseline", "-")
    assert result.code == 2
    assert "would both go to standard output" in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [manifest.name]


_SELF_SIGNAL = """
import os, signal, sys
from synthgate_plugins.reports.json import JsonReporter
original = JsonReporter.add
def add(self, result):
    original(self, result)
    os.kill(os.getpid(), getattr(signal, sys.argv[1]))
JsonReporter.add = add
from synthgate.cli import main
main(["audit", sys.argv[2], "--no-config", "-f", "json=report.json"])
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP"])
def test_a_signal_while_writing_leaves_no_temporary_file(tmp_path: Path, name: str) -> None:
    import signal

    manifest = _manifest(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", _SELF_SIGNAL, name, str(manifest)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 128 + getattr(signal, name), done.stderr
    assert "terminated by signal" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [manifest.name]


def test_init_writes_through_the_same_writer(run_cli: Run, tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old\n")
    link = tmp_path / "synthgate.yaml"
    link.symlink_to(real)
    result = run_cli("init", "--force", str(link))
    assert result.code == 0, result.err
    assert link.is_symlink()
    assert real.read_text().startswith("#")
    assert _leftovers(tmp_path) == []


_PARALLEL_SIGNAL = """
import os, signal, sys
from synthgate_plugins.reports.json import JsonReporter
original = JsonReporter.add
def add(self, result):
    original(self, result)
    os.killpg(os.getpgid(0), signal.SIGTERM)  # as a CI runner stops a job: workers too
JsonReporter.add = add
from synthgate.cli import main
main(["audit", "data", "--no-config", "-j", "2", "-f", "json=report.json"])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers: Linux only")
def test_sigterm_during_a_parallel_audit_is_quiet_and_clean(tmp_path: Path) -> None:
    from synthgate.audit import PARALLEL_THRESHOLD

    (tmp_path / "data").mkdir()
    for index in range(PARALLEL_THRESHOLD):
        shutil.copy(CLI / "pass.synthgate.yaml", tmp_path / "data" / f"m{index}.synthgate.yaml")
    done = subprocess.run(
        [sys.executable, "-c", _PARALLEL_SIGNAL],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        start_new_session=True,  # its own process group, which the signal goes to
    )
    assert done.returncode == 143, done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]

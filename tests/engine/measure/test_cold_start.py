"""A plain audit never imports the measuring extra: the pre-commit hook's cold start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "duckdb",
    "pyarrow",
    "numpy",
    "rensa",
    "datasketch",
    "ray",
    "synthgate.measure.run",
    "synthgate.measure.raydata",
)


@pytest.mark.parametrize(
    "options",
    [[], ["--measurements", "measured.json"]],
    ids=["plain", "measurements-from-a-file"],
)
def test_a_plain_audit_imports_none_of_the_measuring_libraries(
    tmp_path: Path, options: list[str]
) -> None:
    (tmp_path / "measured.json").write_text(
        '{"manifests": [{"path": "m.synthgate.yaml", '
        '"measured": {}, "contamination": [], "measurement": {}}]}'
    )
    (tmp_path / "m.synthgate.yaml").write_text(
        "dataset: {name: d, task_type: math-word-problems, stage: sft}\n"
        "splits:\n"
        "  - name: train\n"
        "    sources:\n"
        "      - {id: a, origin: human, records: 3, data: {files: [a.jsonl], text: [q]}}\n"
    )
    (tmp_path / "a.jsonl").write_text('{"q": "x"}\n' * 3)
    code = (
        "import sys\n"
        "from synthgate.cli import main\n"
        "try:\n"
        f"    main(['audit', '--no-config', *{options!r}, 'm.synthgate.yaml'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        f"loaded = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(code, loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    last = done.stderr.strip().splitlines()[-1]
    assert last.endswith("[]"), last
    assert not last.startswith("2 "), done.stderr  # the audit ran: it was not an input error
    assert not (tmp_path / ".synthgate").exists()


def test_audit_measure_does_import_them(tmp_path: Path) -> None:
    (tmp_path / "m.synthgate.yaml").write_text(
        "dataset: {name: d, task_type: math-word-problems, stage: sft}\n"
        "splits:\n"
        "  - name: train\n"
        "    sources:\n"
        "      - {id: a, origin: human, records: 3, data: {files: [a.jsonl], text: [q]}}\n"
    )
    (tmp_path / "a.jsonl").write_text('{"q": "x"}\n{"q": "y"}\n{"q": "z"}\n')
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "synthgate",
            "audit",
            "--no-config",
            "--measure",
            "m.synthgate.yaml",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert "SG801" not in done.stdout  # 3 records declared, 3 measured: SG801 passes
    assert list((tmp_path / ".synthgate" / "cache").glob("measure-*.json"))

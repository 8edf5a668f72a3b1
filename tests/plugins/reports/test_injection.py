"""No output format lets manifest data forge a line, a workflow command or a terminal escape."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest

from tests.conftest import FIXTURES, CliResult

HOSTILE = FIXTURES / "injection" / "hostile.synthgate.yaml"
UNKNOWN_KEY = FIXTURES / "injection" / "unknown-key.synthgate.yaml"
Run = Callable[..., CliResult]
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORGED_STARTS = (
    "::error file=x.yaml",
    "::stop-commands::",
    "::warning::x",
    "::error::g",
    "FAIL: 0",
)


def _lines(text: str) -> list[str]:
    assert not _CONTROL.search(text), _CONTROL.search(text)
    return text.splitlines()


@pytest.mark.parametrize("fmt", ["text", "github", "markdown", "junit"])
def test_hostile_values_never_start_a_line(run_cli: Run, fmt: str) -> None:
    result = run_cli("audit", str(HOSTILE), "--no-config", "-f", fmt, "--show-passes")
    assert result.code == 1, result.err
    for line in _lines(result.out):
        assert not line.lstrip().startswith(_FORGED_STARTS), line
    if fmt == "text":
        assert (
            "(reviews\\n::error file=x.yaml,line=1::forged\\nFAIL: 0 manifests\\x1b]8;;"
            in result.out
        )


def test_github_lines_are_only_workflow_commands_and_the_summary(run_cli: Run) -> None:
    result = run_cli("audit", str(HOSTILE), "--no-config", "-f", "github")
    lines = _lines(result.out)
    assert lines[-1].startswith("synthgate FAIL: 1 manifest ")
    for line in lines[:-1]:
        assert re.match(r"::(error|warning|notice) [^:]*::", line), line
        command, _, message = line.partition("::")[2].partition("::")
        assert "\n" not in message
        # properties carry no raw ':' or ',' of their own values
        for prop in command.split(" ", 1)[1].split(","):
            _key, _, value = prop.partition("=")
            assert ":" not in value, prop


def test_junit_stays_xml_and_escaped(run_cli: Run) -> None:
    result = run_cli("audit", str(HOSTILE), "--no-config", "-f", "junit")
    root = ET.fromstring(result.out)
    texts = [e.text or "" for e in root.iter()] + [
        v for e in root.iter() for v in e.attrib.values()
    ]
    assert not any("\x1b" in t or "\u202e" in t for t in texts)
    assert any("\\x1b" in t for t in texts)


def test_stderr_problems_are_escaped(run_cli: Run) -> None:
    result = run_cli("audit", str(UNKNOWN_KEY), "--no-config")
    assert result.code == 2
    lines = _lines(result.err)
    assert lines[0].startswith(f"{UNKNOWN_KEY}:6:3: ")
    assert "unknown field 'x\\n::error::forged\\x1b[2J\\u202e'" in lines[0]
    assert not any(line.startswith("::") for line in lines)

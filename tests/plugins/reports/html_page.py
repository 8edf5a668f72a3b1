"""What the HTML report tests share: writing a report through the CLI and reading its data."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, REPO_ROOT, CliResult

HTML_FIXTURES = FIXTURES / "html"
TODAY = "2025-06-01"
"""The day waivers and ratchets are judged on, so that the reports never change with the date."""

_DATA = re.compile(r'<script type="application/json" id="report-data">(?P<json>.*?)</script>', re.S)


def report_data(page: str) -> dict[str, Any]:
    """The JSON a report page embeds."""
    match = _DATA.search(page)
    assert match is not None, "the page holds no report-data block"
    data: dict[str, Any] = json.loads(match["json"])
    return data


def write_report(
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
    out: Path,
    where: str = "fixtures",
    *args: str,
) -> str:
    """``synthgate audit`` of the HTML fixtures (``where="fixtures"``, with their ratchet
    policy and central waivers file) or of ``examples/``, as an HTML file; its text."""
    if where == "examples":
        monkeypatch.chdir(REPO_ROOT)
        paths: tuple[str, ...] = ("examples",)
    else:
        monkeypatch.chdir(HTML_FIXTURES)
        paths = (".", "--policy", "ratchet.policy.yaml")
    result = run_cli("audit", *paths, "--today", TODAY, "--format", f"html={out}", *args)
    assert result.code == 1, result.err
    return out.read_text(encoding="utf-8")

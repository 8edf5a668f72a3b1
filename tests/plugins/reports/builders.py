"""What the reporter tests share: golden-file comparison and small results built by hand."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from synthgate import Finding, ManifestResult
from synthgate.models import empty_counts
from tests.conftest import FIXTURES, CliResult

GOLDEN = FIXTURES / "golden"
MANIFESTS = ["fail.synthgate.yaml", "pass.synthgate.yaml", "warn.synthgate.yaml"]


def running_in_ci() -> bool:
    """Whether ``CI`` is set, as CI services set it (``CI=false`` or ``CI=0`` does not count)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false")


def check_golden(name: str, actual: str) -> None:
    """Compare with ``tests/fixtures/golden/NAME``; SYNTHGATE_UPDATE_GOLDEN=1 rewrites it,
    except in CI, where a golden file that rewrote itself would only be compared with itself."""
    path = GOLDEN / name
    if os.environ.get("SYNTHGATE_UPDATE_GOLDEN"):
        if running_in_ci():
            pytest.fail(
                f"SYNTHGATE_UPDATE_GOLDEN is refused when CI is set: {name} would be rewritten "
                "and then compared with itself; regenerate golden files locally and commit them",
                pytrace=False,
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def portable_sarif(text: str) -> str:
    """A SARIF log with the absolute URI of its ``SRCROOT`` (the directory the audit ran in,
    which differs from machine to machine) written as ``file:///SRCROOT/``."""
    from synthgate_plugins.reports.sarif import repository_root

    root = repository_root(Path.cwd()).as_uri().rstrip("/") + "/"
    assert f'"uri": "{root}"' in text
    return text.replace(f'"uri": "{root}"', '"uri": "file:///SRCROOT/"')


def make_finding(verdict: str, **changes: Any) -> Finding:
    """An SG103 finding with the given verdict, and any field changed."""
    data: dict[str, Any] = {
        "rule": "SG103",
        "name": "human-data-floor",
        "verdict": verdict,
        "scope": "dataset",
        "location": {"file": "m.synthgate.yaml", "line": 2, "column": 1, "pointer": ""},
        "observed": 0.1,
        "expected": "human_share_records: fail when < 0.1",
        "message": "too little human data",
        "remediation": "Add human data.",
    }
    data.update(changes)
    return Finding.model_validate(data)


def make_result(
    *findings: Finding, path: str = "m.synthgate.yaml", dataset: str = "m"
) -> ManifestResult:
    """A failing manifest result holding ``findings``, with matching counts."""
    counts = empty_counts()
    for finding in findings:
        counts[finding.verdict] += 1
    return ManifestResult(
        path=path, dataset=dataset, verdict="fail", counts=counts, findings=list(findings)
    )


_PROJECT: list[Path] = []


def enter_project(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Change into a project that holds the pass, fail and warn fixtures and nothing else.

    Not the fixture directory itself: its other files are broken on purpose, and as the
    context of the audit they would turn every cross-manifest rule into an unknown.
    """
    if not _PROJECT:
        root = Path(tempfile.mkdtemp(prefix="synthgate-reported-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        for name in MANIFESTS:
            shutil.copy(FIXTURES / "cli" / name, root / name)
        _PROJECT.append(root)
    monkeypatch.chdir(_PROJECT[0])
    return _PROJECT[0]


def audit_fixtures(
    run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch, *args: str
) -> CliResult:
    """``synthgate audit`` of the pass, fail and warn fixtures, by relative path, with ``args``."""
    enter_project(monkeypatch)
    return run_cli("audit", *MANIFESTS, *args)

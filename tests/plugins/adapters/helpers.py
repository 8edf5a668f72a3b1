"""Reading format fixtures through the built-in adapters, and auditing them."""

from __future__ import annotations

from pathlib import Path

from synthgate import audit_paths
from synthgate.adapters import choose_task_type
from synthgate.models import Finding, Verdict
from synthgate.plugin import DEFAULT_LIMITS, Document, ManifestAdapter
from synthgate.policy import load_policy
from synthgate_plugins.adapters.croissant import CROISSANT
from synthgate_plugins.adapters.hf_card import HF_CARD

from ...conftest import FIXTURES
from ..scopes import host

FORMATS = FIXTURES / "formats"


def fixture(name: str) -> Path:
    """The one file of the format fixture directory ``name``."""
    (path,) = sorted((FORMATS / name).iterdir())
    return path


def load(adapter: ManifestAdapter, name: str | Path) -> Document | None:
    """The document ``adapter`` reads from a fixture (or a path), task type resolved by the
    default pack's taxonomy as an audit resolves it."""
    path = name if isinstance(name, Path) else fixture(name)
    document = adapter.load(path, path.name, DEFAULT_LIMITS)
    if document is not None:
        choose_task_type(document.data, load_policy(None, host()).resolve_task_type)
    return document


def card(name: str | Path) -> Document:
    document = load(HF_CARD, name)
    assert document is not None
    return document


def croissant(name: str | Path) -> Document:
    document = load(CROISSANT, name)
    assert document is not None
    return document


def origins(document: Document) -> dict[str, str]:
    """Source id -> origin."""
    return {
        source["id"]: source["origin"]
        for split in document.data["splits"]
        for source in split["sources"]
    }


def verdicts(path: Path) -> dict[str, Verdict]:
    """Rule code -> worst verdict of an audit of ``path`` under the default policy."""
    report = audit_paths([str(path)], keep_passes=True)
    (result,) = report.manifests
    worst: dict[str, Verdict] = {}
    order = {"pass": 0, "warn": 1, "fail": 2, "error": 3}
    for finding in result.findings:
        if order[finding.verdict] >= order[worst.get(finding.rule, "pass")]:
            worst[finding.rule] = finding.verdict
    return worst


def findings(path: Path, rule: str) -> list[Finding]:
    report = audit_paths([str(path)], keep_passes=True)
    return [f for f in report.manifests[0].findings if f.rule == rule]

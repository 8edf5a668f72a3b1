"""sqlfluff-style case files: named pass / warn / fail cases for one check kind, as data.

A case file (under ``tests/fixtures/policies/checks/``) holds ``cases:``, a list of mappings::

    - id: share-above-fail-band          # the pytest id
      params: {metric: ..., fail: {above: 0.5}}
      scope: dataset                     # dataset, split/N or source/N
      manifest: {dataset: {...}, splits: [...]}
      verdict: fail
      observed: 0.6                      # optional: the exact observed value
      message: ["0.6", "> 0.5"]          # optional: text the message must contain
      expected: ["fail when > 0.5"]      # optional: text the 'expected' must contain
      pointer: /dataset                  # optional: absolute pointer of the outcome
      xfail: "why it fails today"        # optional: a known bug, strict xfail
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from synthgate.check_contract import CheckKind, Outcome
from synthgate.documents import read_document

from ..scopes import check_context, scope_at

__all__ = ["CASES_DIR", "CheckCase", "load_cases", "run_case"]

CASES_DIR = Path(__file__).parents[2] / "fixtures" / "policies" / "checks"
_MISSING = object()
_KEYS = {"id", "params", "scope", "manifest", "verdict", "observed", "message", "expected"}
_KEYS |= {"pointer", "xfail"}


@dataclass(frozen=True)
class CheckCase:
    """One named case: a check's parameters, a manifest, and what the check must say."""

    id: str
    params: dict[str, Any]
    scope: str
    manifest: dict[str, Any]
    verdict: str
    observed: Any = _MISSING
    message: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    pointer: str | None = None


def load_cases(name: str) -> list[Any]:
    """The cases of ``<name>.yaml`` as ``pytest.param`` objects with readable ids."""
    path = CASES_DIR / f"{name}.yaml"
    doc = read_document(path)  # the engine's own safe reader: duplicate keys are errors
    params: list[Any] = []
    seen: set[str] = set()
    for raw in doc.data["cases"]:
        unknown = set(raw) - _KEYS
        if unknown:
            raise ValueError(f"{path}: case {raw.get('id')!r} has unknown keys {sorted(unknown)}")
        if raw["id"] in seen:
            raise ValueError(f"{path}: case id {raw['id']!r} appears twice")
        seen.add(raw["id"])
        message, expected = raw.get("message", []), raw.get("expected", [])
        case = CheckCase(
            id=raw["id"],
            params=raw["params"],
            scope=raw.get("scope", "dataset"),
            manifest=raw["manifest"],
            verdict=raw["verdict"],
            observed=raw.get("observed", _MISSING),
            message=[message] if isinstance(message, str) else message,
            expected=[expected] if isinstance(expected, str) else expected,
            pointer=raw.get("pointer"),
        )
        marks = []
        if "xfail" in raw:
            marks.append(pytest.mark.xfail(strict=True, reason=raw["xfail"]))
        params.append(pytest.param(case, id=case.id, marks=marks))
    verdicts = {p.values[0].verdict for p in params}
    if "pass" not in verdicts or not verdicts - {"pass"}:
        raise ValueError(f"{path}: needs at least one passing and one non-passing case")
    return params


def run_case(kind: CheckKind, case: CheckCase) -> Outcome:
    """Run ``kind`` on the case's scope, check everything the case states, return the outcome."""
    scope = scope_at(case.manifest, case.scope)
    outcomes = list(kind.run(scope, kind.params.model_validate(case.params), check_context()))
    assert len(outcomes) == 1, outcomes
    (outcome,) = outcomes
    assert outcome.verdict == case.verdict, outcome.message
    if case.observed is not _MISSING:
        assert outcome.observed == case.observed
    for text in case.message:
        assert text in outcome.message, f"{text!r} not in {outcome.message!r}"
    for text in case.expected:
        assert text in outcome.expected, f"{text!r} not in {outcome.expected!r}"
    if case.pointer is not None:
        pointer = outcome.pointer if outcome.pointer is not None else scope.pointer
        assert pointer == case.pointer
    return outcome

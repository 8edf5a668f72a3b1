"""Ratchets: before 'enforce_from' a fail is a warning that says when it becomes a fail."""

from __future__ import annotations

import datetime as dt

from synthgate.audit import audit_paths
from tests.conftest import FIXTURES

MIX = str(FIXTURES / "waivers" / "mix.synthgate.yaml")
STRICT = str(FIXTURES / "waivers" / "strict.policy.yaml")


def _sg104(today: dt.date) -> list[tuple[str, str]]:
    (result,) = audit_paths([MIX], STRICT, today=today).manifests
    return [(f.verdict, f.message) for f in result.findings if f.rule == "SG104"]


def test_before_the_date_a_fail_is_a_warning_naming_the_date() -> None:
    found = _sg104(dt.date(2029, 12, 31))
    assert [v for v, _ in found] == ["warn", "warn", "warn"]
    assert [m.endswith("(becomes a fail on 2030-01-01)") for _, m in found] == [False, True, True]


def test_from_the_date_on_it_fails() -> None:
    assert [v for v, _ in _sg104(dt.date(2030, 1, 1))] == ["warn", "fail", "fail"]


def test_cli_today_decides_the_exit_code(run_cli) -> None:  # type: ignore[no-untyped-def]
    before = run_cli("audit", MIX, "-p", STRICT, "--ignore", "SG302", "--today", "2029-06-01")
    after = run_cli("audit", MIX, "-p", STRICT, "--ignore", "SG302", "--today", "2030-06-01")
    assert (before.code, after.code) == (0, 1)

"""A short fuzzing budget in every run of the suite (``python -m tests.fuzz.campaign`` runs a
long one): each target's inputs, through the real command line, keep every promise of
:func:`tests.fuzz.targets.violations`."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.targets import Case, Outcome, check, targets, violations

settings.register_profile(
    "fuzz-short",
    max_examples=int(os.environ.get("SYNTHGATE_FUZZ_EXAMPLES", "8")),
    deadline=None,
    derandomize=True,  # the same examples every run: a suite that fails does so every time
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_SHORT = settings.get_profile("fuzz-short")
_TARGETS = targets(huge_numbers=True)  # counts of hundreds of digits are exit 2 at their line


@pytest.mark.parametrize("name", sorted(_TARGETS))
def test_fuzzed_input_keeps_every_promise(name: str) -> None:
    @_SHORT
    @given(_TARGETS[name])
    def run(case: Case) -> None:
        check(case)

    run()


def test_the_checker_catches_each_broken_promise() -> None:
    audit = Case({}, ("audit",))
    assert violations(audit, Outcome(0, "", "", _GOOD)) == []
    crashed = violations(audit, Outcome(3, "", "Traceback (most recent call last):\n", {}))
    assert crashed[0] == "exit code 3"
    assert crashed[1].startswith("a traceback or internal error")
    assert violations(audit, Outcome(2, "", "", {"report.json": b"{}"})) == [
        "exit 2 but wrote ['report.json']"
    ]
    # exit 2 leaves a SARIF file, which must be a failure report (no results, the errors)
    assert violations(audit, Outcome(2, "", "", {"report.sarif": _GOOD["report.sarif"]})) == [
        "exit 2 but the SARIF file is no failure report"
    ]
    failed = (
        b'{"runs": [{"results": [], "invocations": [{"executionSuccessful": false, '
        b'"toolExecutionNotifications": [{"message": {"text": "x"}}]}]}]}'
    )
    assert violations(audit, Outcome(2, "", "", {"report.sarif": failed})) == []
    broken = dict(_GOOD, **{"report.json": b"{", "report.xml": b"<testsuites>"})
    found = violations(audit, Outcome(1, "", "", broken))
    assert [v.split(":")[0] for v in found] == ["report.json is not JSON", "report.xml is not XML"]
    assert violations(Case({}, ("test",), outputs=False), Outcome(1, "", "", {})) == []
    not_sarif = dict(_GOOD, **{"report.sarif": b'{"version": "2.1.0", "runs": [{"results": []}]}'})
    (invalid,) = violations(audit, Outcome(1, "", "", not_sarif))
    assert invalid.startswith("report.sarif: runs/0: 'tool' is a required property")


_GOOD = {
    "report.json": b'{"verdict": "pass"}',
    "report.sarif": b'{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "synthgate"}}, '
    b'"results": [{"level": "error", "message": {"text": "x"}}]}]}',
    "report.xml": b"<testsuites/>",
}

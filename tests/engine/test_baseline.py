"""Baselines: write, load and filter by full fingerprint; malformed files are located errors."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
from pathlib import Path
from typing import Literal

import pytest

from synthgate.baseline import Baseline, BaselineEntry, write_baseline
from synthgate.errors import InputError, UsageError
from synthgate.models import (
    AppliedWaiver,
    Finding,
    Location,
    ManifestResult,
    Verdict,
    empty_counts,
    worst_verdict,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "baselines"


def fingerprint(rule: str, manifest: str, logical: str) -> str:
    """A fingerprint as evaluation makes one: rule, manifest path and logical pointer."""
    text = json.dumps([rule, manifest, logical], separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def waiver(status: Literal["active", "lapsed"], file: str) -> AppliedWaiver:
    return AppliedWaiver(
        status=status,
        reason="accepted for now",
        owner="data-team",
        expires=_dt.date(2030, 1, 1),
        location=Location(file=file, line=40, column=5, pointer="/waivers/0"),
    )


def finding(
    rule: str,
    file: str,
    logical: str,
    verdict: Verdict = "fail",
    *,
    line: int = 3,
    waived: Literal["active", "lapsed"] | None = None,
    fp: str | None = None,
) -> Finding:
    return Finding(
        rule=rule,
        name=rule.lower(),
        verdict=verdict,
        scope="source",
        location=Location(file=file, line=line, column=7, pointer=f"{logical}/origin"),
        observed="unknown",
        expected="declared",
        message=f"{rule} says no",
        fingerprint=fingerprint(rule, file, logical) if fp is None else fp,
        waiver=None if waived is None else waiver(waived, file),
    )


def result(path: str, findings: list[Finding]) -> ManifestResult:
    counts = empty_counts()
    for f in findings:
        counts[f.verdict] += 1
    worst = worst_verdict(
        f.verdict for f in findings if not (f.waiver and f.waiver.status == "active")
    )
    waived = sum(1 for f in findings if f.waiver and f.waiver.status == "active")
    return ManifestResult(
        path=path,
        dataset=path,
        verdict=worst,
        counts=counts,
        findings=findings,
        waived=waived,
        baselined=0,
    )


SRC_A = "/splits/train/sources/gen-a"
SRC_B = "/splits/train/sources/gen-b"


def old_results() -> list[ManifestResult]:
    return [
        result(
            "data/a.yaml",
            [
                finding("SG001", "data/a.yaml", SRC_A, "fail"),
                finding("SG002", "data/a.yaml", SRC_A, "warn"),
                finding("SG003", "data/a.yaml", SRC_A, "pass"),
                finding("SG004", "data/a.yaml", SRC_A, "error"),
            ],
        ),
        result("data/b.yaml", [finding("SG001", "data/b.yaml", SRC_B, "warn")]),
    ]


# --------------------------------------------------------------------------- writing


def test_written_file_holds_every_unwaived_warn_fail_error(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, old_results())
    data = json.loads(target.read_text("utf-8"))
    assert data["synthgate_baseline"] == 1
    assert [(e["file"], e["rule"], e["verdict"]) for e in data["findings"]] == [
        ("data/a.yaml", "SG001", "fail"),
        ("data/a.yaml", "SG002", "warn"),
        ("data/a.yaml", "SG004", "error"),
        ("data/b.yaml", "SG001", "warn"),
    ]
    first = data["findings"][0]
    assert set(first) == {"fingerprint", "rule", "file", "pointer", "verdict"}
    assert first["pointer"] == f"{SRC_A}/origin"
    assert first["fingerprint"] == fingerprint("SG001", "data/a.yaml", SRC_A)


def test_active_waivers_are_not_recorded_lapsed_ones_are(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    results = [
        result(
            "m.yaml",
            [
                finding("SG001", "m.yaml", SRC_A, waived="active"),
                finding("SG002", "m.yaml", SRC_A, waived="lapsed"),
                finding("SG003", "m.yaml", SRC_A, fp=""),  # no fingerprint: never matchable
            ],
        )
    ]
    write_baseline(target, results)
    rules = [e["rule"] for e in json.loads(target.read_text("utf-8"))["findings"]]
    assert rules == ["SG002"]


def test_bytes_are_deterministic(tmp_path: Path) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    results = old_results()
    write_baseline(one, results)
    shuffled = [
        r.model_copy(update={"findings": list(reversed(r.findings))}) for r in reversed(results)
    ]
    write_baseline(two, shuffled)
    raw = one.read_bytes()
    assert raw == two.read_bytes()
    assert raw.endswith(b"}\n")
    assert not raw.endswith(b"\n\n")
    data = json.loads(raw)
    assert raw.decode() == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    # Moving a finding to another line (reformatting) changes nothing.
    moved = [
        r.model_copy(
            update={
                "findings": [
                    f.model_copy(update={"location": f.location.model_copy(update={"line": 99})})
                    for f in r.findings
                ]
            }
        )
        for r in results
    ]
    write_baseline(two, moved)
    assert two.read_bytes() == raw


def test_empty_baseline(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, [])
    assert target.read_text("utf-8") == '{\n  "findings": [],\n  "synthgate_baseline": 1\n}\n'
    assert len(Baseline.load(target)) == 0


def test_atomic_write_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    target.write_text("old contents", "utf-8")
    os.chmod(target, 0o640)
    write_baseline(target, old_results())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.json"]
    assert (target.stat().st_mode & 0o777) == 0o640  # an existing file keeps its mode
    assert len(Baseline.load(target)) == 4


def test_failed_write_keeps_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "baseline.json"
    target.write_text("old contents", "utf-8")

    def refuse(src: str, dst: str) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(UsageError, match="cannot write baseline"):
        write_baseline(target, old_results())
    assert target.read_text("utf-8") == "old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.json"]


def test_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write baseline"):
        write_baseline(tmp_path / "nowhere" / "baseline.json", old_results())


# --------------------------------------------------------------------------- filtering


def test_round_trip_leaves_only_new_findings(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, old_results())
    baseline = Baseline.load(target)
    new = finding("SG005", "data/a.yaml", SRC_A, "warn")
    later = result(
        "data/a.yaml",
        [
            finding("SG001", "data/a.yaml", SRC_A, "fail", line=30),  # known, moved lines
            finding("SG002", "data/a.yaml", SRC_A, "warn"),  # known
            finding("SG003", "data/a.yaml", SRC_A, "pass"),  # passes are never dropped
            new,
        ],
    )
    assert later.verdict == "fail"
    filtered = baseline.filter(later)
    assert [f.rule for f in filtered.findings] == ["SG003", "SG005"]
    assert filtered.baselined == 2
    assert filtered.verdict == "warn"
    assert filtered.counts == later.counts  # counts describe every check
    assert later.baselined == 0  # the input is not changed
    assert len(later.findings) == 4


def test_everything_known_passes(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    results = old_results()
    write_baseline(target, results)
    baseline = Baseline.load(target)
    filtered = [baseline.filter(r) for r in results]
    assert [r.verdict for r in filtered] == ["pass", "pass"]
    assert [r.baselined for r in filtered] == [3, 1]
    assert [[f.rule for f in r.findings] for r in filtered] == [["SG003"], []]


def test_new_finding_in_another_file_is_not_hidden(tmp_path: Path) -> None:
    """Checkov matched by resource and check (checkov#7647); a rule and pointer are not enough."""
    target = tmp_path / "baseline.json"
    write_baseline(target, [result("data/a.yaml", [finding("SG001", "data/a.yaml", SRC_A)])])
    baseline = Baseline.load(target)
    elsewhere = finding("SG001", "data/c.yaml", SRC_A)  # same rule, same pointer, other file
    assert elsewhere.location.pointer == baseline.entries[0].pointer
    assert not baseline.known(elsewhere)
    filtered = baseline.filter(result("data/c.yaml", [elsewhere]))
    assert filtered.findings == [elsewhere]
    assert filtered.baselined == 0
    assert filtered.verdict == "fail"


def test_new_finding_in_another_source_of_the_same_file_is_not_hidden(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, [result("m.yaml", [finding("SG001", "m.yaml", SRC_A)])])
    baseline = Baseline.load(target)
    # Sources reordered: gen-b now stands where gen-a stood (same index pointer), but the
    # logical pointer names the source, so it is a different finding.
    other = finding("SG001", "m.yaml", SRC_B)
    same = finding("SG001", "m.yaml", SRC_A, line=80)
    filtered = baseline.filter(result("m.yaml", [same, other]))
    assert filtered.findings == [other]
    assert filtered.baselined == 1
    assert filtered.verdict == "fail"


def test_empty_fingerprint_is_never_known() -> None:
    baseline = Baseline([BaselineEntry(fingerprint="", rule="SG001")])
    assert len(baseline) == 0
    nameless = finding("SG001", "m.yaml", SRC_A, fp="")
    assert not baseline.known(nameless)
    assert baseline.filter(result("m.yaml", [nameless])).findings == [nameless]


def test_verdict_ignores_actively_waived_findings() -> None:
    known = finding("SG001", "m.yaml", SRC_A, "fail")
    baseline = Baseline.of([result("m.yaml", [known])])
    waived = finding("SG002", "m.yaml", SRC_A, "error", waived="active")
    lapsed = finding("SG003", "m.yaml", SRC_A, "warn", waived="lapsed")
    filtered = baseline.filter(result("m.yaml", [known, waived, lapsed]))
    assert [f.rule for f in filtered.findings] == ["SG002", "SG003"]
    assert filtered.verdict == "warn"  # the active waiver's error does not count
    assert filtered.waived == 1


def test_actively_waived_known_finding_stays_with_its_waiver() -> None:
    # Recorded while its waiver had lapsed, waived again since: the waiver shows, not hidden.
    lapsed = finding("SG001", "m.yaml", SRC_A, waived="lapsed")
    baseline = Baseline.of([result("m.yaml", [lapsed])])
    renewed = finding("SG001", "m.yaml", SRC_A, waived="active")
    assert baseline.known(renewed)
    filtered = baseline.filter(result("m.yaml", [renewed]))
    assert filtered.findings == [renewed]
    assert filtered.baselined == 0
    assert filtered.verdict == "pass"


# --------------------------------------------------------------------------- malformed files


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Members are located at their keys, as everywhere in synthgate.
        ("malformed.json", [(5, 3, "malformed JSON")]),
        ("wrong_version.json", [(2, 3, "unsupported baseline version 2")]),
        ("no_version.json", [(1, 1, "not a synthgate baseline")]),
        ("not_object.json", [(1, 1, "not a list")]),
        ("findings_not_list.json", [(3, 3, "'findings' must be a list, not an object")]),
        ("duplicate_key.json", [(4, 3, "duplicate key 'findings'")]),
        (
            "duplicate.json",
            [(6, 6, "duplicate fingerprint 'sha256:aa' (also at /findings/0, line 4)")],
        ),
        (
            "bad_entries.json",
            [
                (4, 5, "missing key 'fingerprint'"),
                (5, 6, "'fingerprint' must be text, not a number"),
                (6, 34, "verdict 'pass' is not recorded in a baseline"),
                (7, 34, "unknown key 'fingerprnt'"),
            ],
        ),
    ],
)
def test_malformed_files_are_located_input_errors(
    name: str, expected: list[tuple[int, int, str]]
) -> None:
    path = FIXTURES / name
    with pytest.raises(InputError) as info:
        Baseline.load(path)
    problems = info.value.problems
    assert [(p.line, p.column) for p in problems] == [(line, col) for line, col, _ in expected]
    for problem, (_, _, message) in zip(problems, expected, strict=True):
        assert problem.path == str(path)
        assert message in problem.message
        assert problem.hint
    assert info.value.render().startswith(f"{path}:{expected[0][0]}:{expected[0][1]}: ")


def test_unknown_key_suggests_the_right_one() -> None:
    with pytest.raises(InputError) as info:
        Baseline.load(FIXTURES / "bad_entries.json")
    assert "did you mean 'fingerprint'?" in info.value.problems[-1].hint


def test_unreadable_file_is_a_located_input_error(tmp_path: Path) -> None:
    missing = tmp_path / "absent.json"
    with pytest.raises(InputError) as info:
        Baseline.load(missing)
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.column) == (str(missing), 1, 1)
    assert "cannot read file" in problem.message
    assert problem.hint


def test_version_must_be_the_number_one(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"synthgate_baseline": true, "findings": []}\n', "utf-8")
    with pytest.raises(InputError, match="unsupported baseline version true"):
        Baseline.load(path)


# --------------------------------------------------------------------------- worse is new


def test_a_finding_worse_than_recorded_is_new(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, [result("m.yaml", [finding("SG101", "m.yaml", SRC_A, "warn")])])
    baseline = Baseline.load(target)
    worse = baseline.filter(result("m.yaml", [finding("SG101", "m.yaml", SRC_A, "fail")]))
    assert [f.verdict for f in worse.findings] == ["fail"]
    assert worse.baselined == 0
    assert worse.verdict == "fail"
    same = baseline.filter(result("m.yaml", [finding("SG101", "m.yaml", SRC_A, "warn")]))
    assert same.findings == []
    assert same.baselined == 1


def test_a_finding_better_than_recorded_stays_known(tmp_path: Path) -> None:
    target = tmp_path / "baseline.json"
    write_baseline(target, [result("m.yaml", [finding("SG101", "m.yaml", SRC_A, "fail")])])
    better = Baseline.load(target).filter(
        result("m.yaml", [finding("SG101", "m.yaml", SRC_A, "warn")])
    )
    assert better.findings == []
    assert better.baselined == 1


def test_an_entry_without_a_verdict_covers_only_a_warning(tmp_path: Path) -> None:
    target = tmp_path / "old.json"
    entry = {"fingerprint": fingerprint("SG101", "m.yaml", SRC_A), "rule": "SG101"}
    target.write_text(json.dumps({"synthgate_baseline": 1, "findings": [entry]}))
    baseline = Baseline.load(target)  # older files stay readable
    assert baseline.entries[0].verdict == "warn"
    warned = baseline.filter(result("m.yaml", [finding("SG101", "m.yaml", SRC_A, "warn")]))
    assert warned.baselined == 1
    failed = baseline.filter(result("m.yaml", [finding("SG101", "m.yaml", SRC_A, "fail")]))
    assert failed.baselined == 0
    assert failed.verdict == "fail"

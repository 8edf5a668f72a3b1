"""Waivers: checked before use, never a silent suppression, lapsing without breaking CI."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgate.audit import Audit, audit_paths
from synthgate.errors import InputError
from synthgate.models import ManifestResult
from tests.conftest import FIXTURES, CliResult

MIX = FIXTURES / "waivers" / "mix.synthgate.yaml"
STRICT = str(FIXTURES / "waivers" / "strict.policy.yaml")
TODAY = dt.date(2025, 6, 1)


def _waiver(**extra: object) -> dict[str, object]:
    return {"rule": "SG104", "reason": "r", "owner": "o", "expires": "2025-07-01", **extra}


def _manifest(tmp_path: Path, waivers: list[dict[str, object]]) -> Path:
    data = yaml.safe_load(MIX.read_text())
    data["waivers"] = waivers
    path = tmp_path / "m.synthgate.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _audit(path: Path, policy: str | None = None, **kw: object) -> ManifestResult:
    kw.setdefault("today", TODAY)
    (result,) = audit_paths([str(path)], policy, **kw).manifests  # type: ignore[arg-type]
    return result


def _error(path: Path, policy: str | None = None, **kw: object) -> str:
    with pytest.raises(InputError) as info:
        _audit(path, policy, **kw)
    return info.value.render()


def test_a_waived_finding_keeps_its_verdict_and_leaves_the_manifest_verdict(
    tmp_path: Path,
) -> None:
    base = _audit(MIX)
    assert base.verdict == "fail"
    assert base.waived == 0
    path = _manifest(tmp_path, [_waiver(), _waiver(rule="human-audit-sample")])
    result = _audit(path)
    waived = [f for f in result.findings if f.waiver is not None]
    assert {(f.rule, f.verdict) for f in waived} == {
        ("SG104", "warn"),
        ("SG104", "fail"),
        ("SG302", "fail"),
    }
    assert all(f.waiver and f.waiver.status == "active" for f in waived)
    assert result.waived == 4
    assert result.counts == base.counts  # counts still count every finding
    assert result.verdict == "warn"  # SG103 is left
    assert waived[0].waiver is not None
    assert waived[0].waiver.location.pointer.startswith("/waivers/")


def test_passing_checks_kept_in_the_report_are_not_counted_as_waived(tmp_path: Path) -> None:
    # With passes kept, a waiver that covers warn and fail findings still waives only those:
    # the manifest's waived count is the number of findings that carry an active waiver.
    path = _manifest(tmp_path, [_waiver(), _waiver(rule="human-audit-sample")])
    result = _audit(path, keep_passes=True)
    passes = [f for f in result.findings if f.verdict == "pass"]
    assert passes  # the report holds passing checks, which no waiver touches
    assert all(f.waiver is None for f in passes)
    marked = [f for f in result.findings if f.waiver is not None and f.waiver.status == "active"]
    assert result.waived == len(marked) == 4


@pytest.mark.parametrize(
    ("scope", "pointers"),
    [
        # SG104's findings point at the generation depth that decided them.
        ({"split": "extra"}, {"/splits/1/sources/0/generation_depth"}),
        ({"source": "gen-two"}, {"/splits/0/sources/1/generation_depth"}),
        (
            {"pointer": "/splits/0"},
            {"/splits/0/sources/1/generation_depth", "/splits/0/sources/2/generation_depth"},
        ),
        (
            {},
            {
                "/splits/0/sources/1/generation_depth",
                "/splits/0/sources/2/generation_depth",
                "/splits/1/sources/0/generation_depth",
            },
        ),
    ],
)
def test_scope_limits_what_is_waived(
    tmp_path: Path, scope: dict[str, str], pointers: set[str]
) -> None:
    result = _audit(_manifest(tmp_path, [_waiver(scope=scope)]))
    assert {f.location.pointer for f in result.findings if f.waiver} == pointers


def test_a_lapsed_waiver_brings_the_finding_back_and_says_so(tmp_path: Path) -> None:
    result = _audit(_manifest(tmp_path, [_waiver(expires="2025-05-31")]))
    sg104 = [f for f in result.findings if f.rule == "SG104"]
    assert all(f.waiver and f.waiver.status == "lapsed" for f in sg104)
    assert all(f.message.endswith("(waiver lapsed on 2025-05-31)") for f in sg104)
    assert result.verdict == "fail"
    assert result.waived == 0
    assert not [f for f in result.findings if f.rule == "SG001"]  # lapsed is not stale


def test_the_last_day_of_a_waiver_still_counts(tmp_path: Path) -> None:
    result = _audit(_manifest(tmp_path, [_waiver(expires="2025-06-01")]))
    assert result.waived == 3


def test_a_waiver_that_matches_nothing_is_a_stale_warning(tmp_path: Path) -> None:
    path = _manifest(tmp_path, [_waiver(rule="SG101")])
    result = _audit(path)
    (stale,) = [f for f in result.findings if f.rule == "SG001"]
    assert stale.name == "stale-waiver"
    assert stale.verdict == "warn"
    assert stale.location.pointer == "/waivers/0"
    assert stale.location.file == str(path)
    assert "matches no finding" in stale.message
    assert stale.fingerprint.startswith("sha256:")
    assert result.counts["warn"] == _audit(MIX).counts["warn"] + 1


def test_ignore_waivers_shows_the_audit_as_if_none_were_written(tmp_path: Path) -> None:
    path = _manifest(tmp_path, [_waiver(), _waiver(rule="SG101")])
    ignored = _audit(path, ignore_waivers=True)
    base = _audit(MIX)
    assert ignored.verdict == base.verdict
    assert ignored.counts == base.counts
    assert [f.waiver for f in ignored.findings] == [None] * len(base.findings)


@pytest.mark.parametrize(
    ("waiver", "policy", "pointer", "words"),
    [
        (_waiver(rule="SG1044"), None, "/waivers/0/rule", "did you mean 'SG104'"),
        (_waiver(rule="recursion-dept"), None, "/waivers/0/rule", "recursion-depth"),
        (_waiver(rule="SG302"), STRICT, "/waivers/0/rule", "cannot be waived"),
        (_waiver(expires="2026-06-01"), None, "/waivers/0/expires", "too far ahead"),
        (_waiver(expires="2025-07-15"), STRICT, "/waivers/0/expires", "30 days"),
        (
            _waiver(created="2025-01-01", expires="2025-12-01"),
            None,
            "/waivers/0/expires",
            "after 2025-01-01 (created)",
        ),
        (_waiver(created="2025-06-02"), None, "/waivers/0/created", "in the future"),
        (
            _waiver(created="2025-05-01", expires="2025-04-01"),
            None,
            "/waivers/0/created",
            "after it expires",
        ),
        (_waiver(manifests=["*.yaml"]), None, "/waivers/0/manifests", "central waivers file"),
        (_waiver(scope={"split": "trian"}), None, "/waivers/0/scope/split", "'train'"),
    ],
)
def test_waiver_mistakes_are_located_input_errors(
    tmp_path: Path, waiver: dict[str, object], policy: str | None, pointer: str, words: str
) -> None:
    text = _error(_manifest(tmp_path, [waiver]), policy)
    assert f": {pointer}: " in text
    assert words in text
    assert "m.synthgate.yaml:" in text
    assert "hint:" in text


@pytest.mark.parametrize("missing", ["reason", "owner", "expires"])
def test_reason_owner_and_expiry_are_required(tmp_path: Path, missing: str) -> None:
    waiver = _waiver()
    del waiver[missing]
    assert "/waivers/0" in _error(_manifest(tmp_path, [waiver]))


def test_a_waiver_within_a_long_horizon_created_earlier_is_accepted(tmp_path: Path) -> None:
    result = _audit(_manifest(tmp_path, [_waiver(created="2025-03-01", expires="2025-08-01")]))
    assert result.waived == 3


# --------------------------------------------------------------------------- central file


def _central(tmp_path: Path, waivers: list[dict[str, object]]) -> Path:
    data = yaml.safe_load(MIX.read_text())
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "m.synthgate.yaml").write_text(yaml.safe_dump(data))
    path = tmp_path / "synthgate-waivers.yaml"
    path.write_text(yaml.safe_dump({"waivers": waivers}, sort_keys=False))
    return path


def test_central_waivers_cover_the_manifests_their_globs_name(tmp_path: Path) -> None:
    central = _central(
        tmp_path,
        [_waiver(manifests=["data/*.yaml"]), _waiver(rule="SG302", manifests=["other/**"])],
    )
    result = _audit(tmp_path / "data" / "m.synthgate.yaml", waivers=central)
    assert result.waived == 3
    assert {f.waiver.location.file for f in result.findings if f.waiver} == {str(central)}


def test_a_central_waiver_without_manifests_is_an_error(tmp_path: Path) -> None:
    central = _central(tmp_path, [_waiver()])
    text = _error(tmp_path / "data" / "m.synthgate.yaml", waivers=central)
    assert "synthgate-waivers.yaml:" in text
    assert "must name the manifests" in text


def test_cli_finds_the_central_file_and_exit_codes_follow_waivers(
    tmp_path: Path, run_cli: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _central(tmp_path, [_waiver(manifests=["data/**"]), _waiver(rule="SG302", manifests=["**"])])
    run = run_cli
    waived: CliResult = run("audit", "data", "--today", "2025-06-01")  # type: ignore[operator]
    assert waived.code == 0, waived.err
    lapsed: CliResult = run("audit", "data", "--today", "2025-07-02")  # type: ignore[operator]
    assert lapsed.code == 1, lapsed.err
    ignored: CliResult = run(  # type: ignore[operator]
        "audit", "data", "--today", "2025-06-01", "--ignore-waivers"
    )
    assert ignored.code == 1
    monkeypatch.setenv("SYNTHGATE_TODAY", "2025-06-01")
    assert run("audit", "data").code == 0  # type: ignore[operator]
    bad: CliResult = run("audit", "data", "--today", "June 1st")  # type: ignore[operator]
    assert bad.code == 2
    assert "YYYY-MM-DD" in bad.err
    missing: CliResult = run("audit", "data", "--waivers", "nope.yaml")  # type: ignore[operator]
    assert missing.code == 2
    assert "nope.yaml" in missing.err


# --------------------------------------------------------------------------- properties

_SCOPES = st.sampled_from(
    [
        {},
        {"split": "train"},
        {"split": "extra"},
        {"source": "gen-two"},
        {"source": "gen-three"},
        {"pointer": "/splits/0/sources/2"},
        {"pointer": "/dataset"},
    ]
)
_WAIVERS = st.lists(
    st.builds(
        lambda rule, scope, expires: _waiver(rule=rule, scope=scope, expires=expires),
        st.sampled_from(["SG103", "SG104", "SG302", "recursion-depth", "SG101"]),
        _SCOPES,
        st.sampled_from(["2025-05-01", "2025-06-01", "2025-08-01"]),
    ),
    max_size=4,
)


@functools.lru_cache(maxsize=2)
def _default_audit(ignore_waivers: bool) -> Audit:
    """The default pack, loaded once: the property audits many manifests."""
    return Audit.create(today=TODAY, ignore_waivers=ignore_waivers)


def _audited(path: Path, ignore_waivers: bool = False) -> ManifestResult:
    audit = _default_audit(ignore_waivers)
    (result,) = audit.results(audit.discover([str(path)]))
    assert isinstance(result, ManifestResult)
    return result


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(waivers=_WAIVERS)
def test_waivers_only_touch_findings_in_their_scope(
    tmp_path_factory: pytest.TempPathFactory, waivers: list[dict[str, object]]
) -> None:
    base = _audited(MIX)
    path = _manifest(tmp_path_factory.mktemp("w"), waivers)
    result = _audited(path)
    unwaived = _audited(path, ignore_waivers=True)
    assert [(f.rule, f.verdict, f.location.pointer) for f in unwaived.findings] == [
        (f.rule, f.verdict, f.location.pointer) for f in base.findings
    ]
    assert unwaived.verdict == base.verdict
    assert unwaived.counts == base.counts
    real = [f for f in result.findings if f.rule != "SG001"]
    assert len(real) == len(base.findings)
    codes = {"recursion-depth": "SG104"}
    for before, after in zip(unwaived.findings, real, strict=True):
        covering = [
            w
            for w in waivers
            if codes.get(str(w["rule"]), w["rule"]) == before.rule
            and _covers(w["scope"], before.location.pointer)  # type: ignore[arg-type]
        ]
        if not covering:
            assert after == before
        else:
            assert after.verdict == before.verdict
            assert after.waiver is not None
            active = any(dt.date.fromisoformat(str(w["expires"])) >= TODAY for w in covering)
            assert (after.waiver.status == "active") == active
    left = [f.verdict for f in real if not (f.waiver and f.waiver.status == "active")]
    stale = any(f.rule == "SG001" for f in result.findings)
    assert result.verdict == max(
        [*left, *(["warn"] if stale else []), "pass"], key=["pass", "warn", "fail"].index
    )


def _covers(scope: dict[str, str], pointer: str) -> bool:
    where = {
        "train": "/splits/0",
        "extra": "/splits/1",
        "gen-two": "/splits/0/sources/1",
        "gen-three": "/splits/0/sources/2",
    }
    target = scope.get("pointer") or where.get(scope.get("split") or scope.get("source") or "", "")
    # At or below the target, token by token (an independent model of the waiver's scope).
    wanted = target.split("/")[1:] if target else []
    return pointer.split("/")[1:][: len(wanted)] == wanted


@pytest.mark.parametrize("field", ["reason", "owner"])
@pytest.mark.parametrize("blank", [" ", "\t\n", "\u3000"])
def test_a_blank_reason_or_owner_is_an_error_at_its_line(
    tmp_path: Path, field: str, blank: str
) -> None:
    text = _error(_manifest(tmp_path, [_waiver(**{field: blank})]))
    assert f"/waivers/0/{field}: " in text
    assert "m.synthgate.yaml:" in text
    central = _central(tmp_path, [_waiver(**{field: blank}, manifests=["data/*.yaml"])])
    with pytest.raises(InputError) as info:
        _audit(tmp_path / "data" / "m.synthgate.yaml", waivers=central)
    assert f"/waivers/0/{field}: " in info.value.render()

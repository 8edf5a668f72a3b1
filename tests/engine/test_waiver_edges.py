"""Waivers at their edges: scopes a manifest lacks, ten and more splits or sources, the exact
days a date rule turns, several lapsed waivers, rules that did not run, several globs.

Every expectation here is written out from the rules a waiver follows (docs and the README's
promise that waivers never fail open), never computed with the code under test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgate.audit import Audit, audit_paths
from synthgate.errors import InputError
from synthgate.fingerprints import fingerprint
from synthgate.models import ManifestResult
from synthgate.waivers import load_waivers_file
from tests.conftest import FIXTURES

MIX = FIXTURES / "waivers" / "mix.synthgate.yaml"
STRICT = str(FIXTURES / "waivers" / "strict.policy.yaml")
TODAY = dt.date(2025, 6, 1)
# SG104 (recursion-depth) fails a source at generation depth 3 and warns at depth 2; its
# finding points at the source's generation_depth.
DEPTH = "/generation_depth"


def _synthetic(source_id: str, depth: int = 3, records: int = 100) -> dict[str, Any]:
    """A synthetic source that SG104 judges by its depth and that little else flags."""
    return {
        "id": source_id,
        "origin": "synthetic",
        "records": records,
        "method": "llm",
        "generator": {"name": f"gen-{source_id}", "family": "m"},
        "generation_depth": depth,
        "filtering": {
            "generated": records + records // 5,
            "kept": records,
            "methods": ["minhash-dedup"],
        },
        "diversity": {"near_duplicate_rate": 0.01},
        "decoding": {"strategy": "sampling", "temperature": 0.8},
    }


def _manifest_data(splits: list[tuple[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    data = yaml.safe_load(MIX.read_text(encoding="utf-8"))
    data["splits"] = [
        {"name": name, "sources": [{"id": f"{name}-people", "origin": "human", "records": 5000}]}
        for name, _ in splits
    ]
    for split, (_, sources) in zip(data["splits"], splits, strict=True):
        split["sources"].extend(sources)
    return dict(data)


def _waiver(**extra: Any) -> dict[str, Any]:
    return {"rule": "SG104", "reason": "r", "owner": "o", "expires": "2025-07-01", **extra}


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _audit(path: Path, policy: str | None = None, **kw: Any) -> ManifestResult:
    kw.setdefault("today", TODAY)
    (result,) = audit_paths([str(path)], policy, **kw).manifests
    return result


def _waived(result: ManifestResult, rule: str = "SG104") -> set[str]:
    """Pointers of the findings of ``rule`` that an active waiver covers."""
    return {
        f.location.pointer
        for f in result.findings
        if f.rule == rule and f.waiver is not None and f.waiver.status == "active"
    }


def _failing(result: ManifestResult, rule: str = "SG104") -> set[str]:
    return {f.location.pointer for f in result.findings if f.rule == rule}


def _central(tmp_path: Path, manifest: dict[str, Any], waivers: list[dict[str, Any]]) -> Path:
    """``data/m.synthgate.yaml`` and a central waivers file beside ``data/``."""
    _write(tmp_path / "data" / "m.synthgate.yaml", manifest)
    return _write(tmp_path / "synthgate-waivers.yaml", {"waivers": waivers})


def _mix() -> dict[str, Any]:
    return dict(yaml.safe_load(MIX.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- missing scopes


@pytest.mark.parametrize(
    "scope", [{"split": "holdout"}, {"source": "gen-four"}], ids=["split", "source"]
)
def test_a_central_waiver_naming_a_scope_this_manifest_lacks_waives_nothing(
    tmp_path: Path, scope: dict[str, str]
) -> None:
    central = _central(tmp_path, _mix(), [_waiver(scope=scope, manifests=["data/*.yaml"])])
    result = _audit(tmp_path / "data" / "m.synthgate.yaml", waivers=central)
    assert _failing(result) == {
        "/splits/0/sources/1/generation_depth",
        "/splits/0/sources/2/generation_depth",
        "/splits/1/sources/0/generation_depth",
    }
    assert _waived(result) == set()
    assert result.waived == 0
    assert result.verdict == "fail"
    assert all(f.waiver is None for f in result.findings if f.rule == "SG104")


def test_a_misspelt_source_in_a_manifest_waiver_is_an_error_not_a_manifest_wide_waiver(
    tmp_path: Path,
) -> None:
    data = _mix()
    data["waivers"] = [_waiver(scope={"source": "gen-tree"})]
    path = _write(tmp_path / "m.synthgate.yaml", data)
    with pytest.raises(InputError) as info:
        _audit(path)
    text = info.value.render()
    assert ": /waivers/0/scope/source: " in text
    assert "waiver scope names no source of this manifest: 'gen-tree'" in text
    assert "gen-three" in text  # did you mean


# --------------------------------------------------------------------------- ten and more


ELEVEN_SPLITS = [(f"part{k}", [_synthetic(f"s{k}")]) for k in range(11)]


@pytest.mark.parametrize(
    ("scope", "waived"),
    [
        ({"pointer": "/splits/1"}, {"/splits/1/sources/1/generation_depth"}),
        ({"split": "part1"}, {"/splits/1/sources/1/generation_depth"}),
        ({"pointer": "/splits/10"}, {"/splits/10/sources/1/generation_depth"}),
        ({"source": "s1"}, {"/splits/1/sources/1/generation_depth"}),
    ],
)
def test_split_one_does_not_cover_split_ten(
    tmp_path: Path, scope: dict[str, str], waived: set[str]
) -> None:
    data = _manifest_data(ELEVEN_SPLITS)
    data["waivers"] = [_waiver(scope=scope)]
    result = _audit(_write(tmp_path / "m.synthgate.yaml", data))
    assert _failing(result) == {f"/splits/{k}/sources/1/generation_depth" for k in range(11)}
    assert _waived(result) == waived


@pytest.mark.parametrize(
    ("scope", "waived"),
    [
        ({"pointer": "/splits/0/sources/1"}, {"/splits/0/sources/1/generation_depth"}),
        ({"source": "g1"}, {"/splits/0/sources/1/generation_depth"}),
        (
            {"pointer": "/splits/0/sources/1/generation_depth"},
            {"/splits/0/sources/1/generation_depth"},
        ),
        ({"pointer": "/splits/0/sources/11"}, {"/splits/0/sources/11/generation_depth"}),
    ],
)
def test_source_one_does_not_cover_sources_ten_and_eleven(
    tmp_path: Path, scope: dict[str, str], waived: set[str]
) -> None:
    # Sources 1..11 of one split are synthetic: g1 .. g11.
    data = _manifest_data([("train", [_synthetic(f"g{k}") for k in range(1, 12)])])
    data["waivers"] = [_waiver(scope=scope)]
    result = _audit(_write(tmp_path / "m.synthgate.yaml", data))
    assert _failing(result) == {f"/splits/0/sources/{k}/generation_depth" for k in range(1, 12)}
    assert _waived(result) == waived


# --------------------------------------------------------------------------- date boundaries


def _with(tmp_path: Path, waiver: dict[str, Any]) -> Path:
    data = _mix()
    data["waivers"] = [waiver]
    return _write(tmp_path / "m.synthgate.yaml", data)


ALL_SG104 = {
    "/splits/0/sources/1/generation_depth",
    "/splits/0/sources/2/generation_depth",
    "/splits/1/sources/0/generation_depth",
}


@pytest.mark.parametrize(
    ("waiver", "policy"),
    [
        pytest.param(_waiver(created="2025-06-01"), None, id="created-today"),
        pytest.param(
            _waiver(created="2025-06-01", expires="2025-06-01"), None, id="one-day-waiver"
        ),
        # The default horizon is 180 days: 2025-06-01 + 180 days = 2025-11-28.
        pytest.param(_waiver(expires="2025-11-28"), None, id="at-the-horizon-from-today"),
        pytest.param(
            _waiver(created="2025-05-01", expires="2025-10-28"), None, id="at-the-horizon-created"
        ),
        # The strict pack allows 30 days: 2025-06-01 + 30 days = 2025-07-01.
        pytest.param(_waiver(rule="SG104", expires="2025-07-01"), STRICT, id="strict-horizon"),
    ],
)
def test_waivers_on_the_boundary_days_are_accepted(
    tmp_path: Path, waiver: dict[str, Any], policy: str | None
) -> None:
    result = _audit(_with(tmp_path, waiver), policy)
    assert _waived(result) == ALL_SG104


@pytest.mark.parametrize(
    ("waiver", "policy", "pointer", "words"),
    [
        pytest.param(
            _waiver(created="2025-06-02"),
            None,
            "/waivers/0/created",
            "in the future",
            id="created-tomorrow",
        ),
        pytest.param(
            _waiver(created="2025-06-01", expires="2025-05-31"),
            None,
            "/waivers/0/created",
            "after it expires",
            id="created-the-day-after-expiry",
        ),
        pytest.param(
            _waiver(expires="2025-11-29"),
            None,
            "/waivers/0/expires",
            "2025-11-29 is more than 180 days after 2025-06-01 (today)",
            id="a-day-past-the-horizon",
        ),
        pytest.param(
            _waiver(created="2025-05-01", expires="2025-10-29"),
            None,
            "/waivers/0/expires",
            "2025-10-29 is more than 180 days after 2025-05-01 (created)",
            id="a-day-past-the-horizon-created",
        ),
        pytest.param(
            _waiver(expires="2025-07-02"),
            STRICT,
            "/waivers/0/expires",
            "more than 30 days after 2025-06-01",
            id="a-day-past-the-strict-horizon",
        ),
    ],
)
def test_a_day_past_each_boundary_is_a_located_error(
    tmp_path: Path, waiver: dict[str, Any], policy: str | None, pointer: str, words: str
) -> None:
    with pytest.raises(InputError) as info:
        _audit(_with(tmp_path, waiver), policy)
    text = info.value.render()
    assert f": {pointer}: " in text
    assert words in text


def test_a_waiver_lapses_the_day_after_it_expires(tmp_path: Path) -> None:
    path = _with(tmp_path, _waiver(expires="2025-06-10"))
    assert _waived(_audit(path, today=dt.date(2025, 6, 10))) == ALL_SG104
    after = _audit(path, today=dt.date(2025, 6, 11))
    assert _waived(after) == set()
    assert {f.waiver.status for f in after.findings if f.waiver} == {"lapsed"}


# --------------------------------------------------------------------------- lapsed and stale


@pytest.mark.parametrize("order", [("2025-05-20", "2025-04-02"), ("2025-04-02", "2025-05-20")])
def test_a_finding_under_several_lapsed_waivers_names_the_latest_expiry(
    tmp_path: Path, order: tuple[str, str]
) -> None:
    data = _mix()
    data["waivers"] = [
        _waiver(expires=order[0], owner=f"owner-{order[0]}"),
        _waiver(expires=order[1], owner=f"owner-{order[1]}"),
    ]
    result = _audit(_write(tmp_path / "m.synthgate.yaml", data))
    sg104 = [f for f in result.findings if f.rule == "SG104"]
    assert len(sg104) == 3
    for finding in sg104:
        assert finding.message.endswith("(waiver lapsed on 2025-05-20)")
        assert finding.waiver is not None
        assert finding.waiver.status == "lapsed"
        assert finding.waiver.owner == "owner-2025-05-20"
        assert str(finding.waiver.expires) == "2025-05-20"


def _stale(result: ManifestResult) -> list[object]:
    """The rules of the waivers reported stale."""
    return [f.observed for f in result.findings if f.rule == "SG001"]


@pytest.mark.parametrize(
    ("select", "ignore", "stale"),
    [
        pytest.param((), (), ["SG101"], id="every-rule-ran"),
        pytest.param(("SG104",), (), [], id="selected-away"),
        pytest.param((), ("SG101",), [], id="ignored"),
        pytest.param(("SG1",), (), ["SG101"], id="selected-by-prefix"),
    ],
)
def test_a_waiver_of_a_rule_that_did_not_run_is_not_stale(
    tmp_path: Path, select: tuple[str, ...], ignore: tuple[str, ...], stale: list[str]
) -> None:
    data = _mix()
    data["waivers"] = [_waiver(rule="SG101"), _waiver()]
    path = _write(tmp_path / "m.synthgate.yaml", data)
    audit = Audit.create(select=select, ignore=ignore, today=TODAY)
    (result,) = audit.results(audit.discover([str(path)]))
    assert isinstance(result, ManifestResult)
    assert _stale(result) == stale
    assert _waived(result) == ALL_SG104  # the SG104 waiver ran in every case


# --------------------------------------------------------------------------- central globs


@pytest.mark.parametrize(
    "globs",
    [
        ["other/*.yaml", "data/*.yaml"],
        ["data/*.yaml", "other/*.yaml"],
        ["nothing-here/**", "other/*.yaml", "data/m.synthgate.yaml"],
    ],
)
def test_a_central_waiver_covers_a_manifest_any_of_its_globs_names(
    tmp_path: Path, globs: list[str]
) -> None:
    central = _central(tmp_path, _mix(), [_waiver(manifests=globs)])
    _write(tmp_path / "other" / "o.synthgate.yaml", _mix())
    _write(tmp_path / "elsewhere" / "e.synthgate.yaml", _mix())
    for name, covered in [
        ("data/m.synthgate.yaml", True),
        ("other/o.synthgate.yaml", "other/*.yaml" in globs),
        ("elsewhere/e.synthgate.yaml", False),
    ]:
        result = _audit(tmp_path / name, waivers=central)
        assert _waived(result) == (ALL_SG104 if covered else set()), name


# --------------------------------------------------------------------------- property


# A model of what a waiver covers, written from its documentation: the whole manifest when the
# scope is empty; a split by name, a source by id, or a JSON Pointer and everything below it
# (compared token by token); nothing when it names a split or source the manifest lacks.
def _covers(scope: dict[str, str], finding: str, splits: list[tuple[str, list[str]]]) -> bool:
    tokens = finding.split("/")[1:]
    if not scope:
        return True
    if "pointer" in scope:
        wanted = scope["pointer"].split("/")[1:] if scope["pointer"] else []
        return tokens[: len(wanted)] == wanted
    if tokens[0] != "splits":
        return False
    split_name, source_ids = splits[int(tokens[1])]
    if "split" in scope:
        return scope["split"] == split_name
    return (
        len(tokens) > 3 and tokens[2] == "sources" and source_ids[int(tokens[3])] == scope["source"]
    )


@functools.lru_cache(maxsize=1)
def _sg104_audit() -> Audit:
    """The default pack cut down to SG104, loaded once: the property audits many manifests."""
    return Audit.create(select=["SG104"], today=TODAY)


_SPLIT_COUNTS = st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=12)


@st.composite
def _manifests_and_waivers(draw: st.DrawFn) -> tuple[list[tuple[str, list[str]]], list[Any]]:
    """Up to 12 splits (so /splits/1 sits beside /splits/10) of a few synthetic sources, one
    of them at times with 10 to 12 (source 1 beside sources 10 and 11), and waivers whose
    scopes name splits, sources and pointers that exist or do not."""
    counts = draw(_SPLIT_COUNTS)
    if draw(st.booleans()):  # one wide split: source 1 beside sources 10 and 11
        counts[draw(st.integers(0, len(counts) - 1))] = draw(st.integers(10, 12))
    splits = [
        (f"split{i}", [f"src{i}x{j}" for j in range(1, count + 1)])
        for i, count in enumerate(counts)
    ]
    names = [name for name, _ in splits] + ["split99", "split1x"]
    ids = [sid for _, sids in splits for sid in sids] + ["src1x1x", "src0x99"]
    pointers = [f"/splits/{i}" for i in range(len(splits) + 1)]
    pointers += [
        f"/splits/{i}/sources/{j}" for i, (_, s) in enumerate(splits) for j in range(len(s) + 2)
    ]
    pointers += ["", "/dataset", "/splits", "/splits/1/sources/1/generation_depth"]
    scope = st.one_of(
        st.just({}),
        st.builds(lambda n: {"split": n}, st.sampled_from(names)),
        st.builds(lambda s: {"source": s}, st.sampled_from(ids)),
        st.builds(lambda p: {"pointer": p}, st.sampled_from(pointers)),
    )
    expires = st.sampled_from(["2025-05-31", "2025-06-01", "2025-09-01"])
    waivers = draw(
        st.lists(
            st.builds(lambda s, e: _waiver(scope=s, expires=e), scope, expires),
            min_size=1,
            max_size=5,
        )
    )
    return splits, waivers


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=_manifests_and_waivers())
def test_a_waiver_covers_exactly_what_its_scope_names(
    tmp_path_factory: pytest.TempPathFactory,
    case: tuple[list[tuple[str, list[str]]], list[dict[str, Any]]],
) -> None:
    splits, waivers = case
    # Source 0 of each split is human; sources 1.. are the synthetic ones named in ``splits``.
    manifest = _manifest_data(
        [
            (name, [_synthetic(sid, depth=2 + j % 2) for j, sid in enumerate(sids)])
            for name, sids in splits
        ]
    )
    shape = [(name, [f"{name}-people", *sids]) for name, sids in splits]
    root = tmp_path_factory.mktemp("w")
    central = _central(root, manifest, [{**w, "manifests": ["data/*.yaml"]} for w in waivers])
    base = _sg104_audit()
    assert base.full_policy is not None
    audit = dataclasses.replace(
        base, waivers=load_waivers_file(central, str(central), base.full_policy, TODAY)
    )
    (result,) = audit.results(audit.discover([str(root / "data" / "m.synthgate.yaml")]))
    assert isinstance(result, ManifestResult)
    sg104 = [f for f in result.findings if f.rule == "SG104"]
    assert len(sg104) == sum(len(sids) for _, sids in splits)
    for finding in sg104:
        pointer = finding.location.pointer
        covering = [w for w in waivers if _covers(w["scope"], pointer, shape)]
        active = [w for w in covering if dt.date.fromisoformat(w["expires"]) >= TODAY]
        if active:
            assert finding.waiver is not None, pointer
            assert finding.waiver.status == "active", pointer
        elif covering:
            assert finding.waiver is not None, pointer
            assert finding.waiver.status == "lapsed", pointer
            latest = max(w["expires"] for w in covering)
            assert finding.message.endswith(f"(waiver lapsed on {latest})"), pointer
        else:
            assert finding.waiver is None, pointer
    # A waiver that covers no finding and has not lapsed is reported stale, once.
    stale = [f.location.pointer for f in result.findings if f.rule == "SG001"]
    expected_stale = [
        f"/waivers/{k}"
        for k, w in enumerate(waivers)
        if dt.date.fromisoformat(w["expires"]) >= TODAY
        and not any(_covers(w["scope"], f.location.pointer, shape) for f in sg104)
    ]
    assert stale == expected_stale


# --------------------------------------------------------------------------- exact words


def _problems(path: Path, policy: str | None = None, **kw: Any) -> list[tuple[Any, ...]]:
    with pytest.raises(InputError) as info:
        _audit(path, policy, **kw)
    return [(p.pointer, p.message, p.hint) for p in info.value.problems]


@pytest.mark.parametrize(
    ("waiver", "policy", "problem"),
    [
        (
            _waiver(rule="SG1044"),
            None,
            (
                "/waivers/0/rule",
                "waiver names no rule of policy 'default': 'SG1044'",
                "did you mean 'SG104'?",
            ),
        ),
        (
            _waiver(rule="SG302"),
            STRICT,
            (
                "/waivers/0/rule",
                "rule SG302 (human-audit-sample) cannot be waived",
                "fix the finding instead; the policy marks this rule 'waivable: false'",
            ),
        ),
        (
            _waiver(created="2025-06-02"),
            None,
            (
                "/waivers/0/created",
                "waiver created in the future (2025-06-02, today is 2025-06-01)",
                "write the date the waiver was written",
            ),
        ),
        (
            _waiver(created="2025-05-02", expires="2025-05-01"),
            None,
            (
                "/waivers/0/created",
                "waiver created (2025-05-02) after it expires (2025-05-01)",
                "check the two dates",
            ),
        ),
        (
            _waiver(expires="2025-12-01"),
            None,
            (
                "/waivers/0/expires",
                "waiver expires too far ahead: 2025-12-01 is more than 180 days after 2025-06-01 "
                "(today)",
                "the policy allows waivers of at most 180 days; renew it when it lapses instead",
            ),
        ),
        (
            _waiver(manifests=["*.yaml"]),
            None,
            (
                "/waivers/0/manifests",
                "'manifests' is for a central waivers file; a waiver in a manifest covers it",
                "remove 'manifests', or move the waiver to synthgate-waivers.yaml",
            ),
        ),
        (
            _waiver(scope={"split": "trian"}),
            None,
            (
                "/waivers/0/scope/split",
                "waiver scope names no split of this manifest: 'trian'",
                "did you mean 'train'?",
            ),
        ),
        (
            _waiver(scope={"source": "nothing-like-it"}),
            None,
            (
                "/waivers/0/scope/source",
                "waiver scope names no source of this manifest: 'nothing-like-it'",
                "expected one of: extra-three, gen-three, gen-two, people",
            ),
        ),
    ],
)
def test_each_waiver_mistake_says_exactly_what_is_wrong_and_what_to_do(
    tmp_path: Path, waiver: dict[str, Any], policy: str | None, problem: tuple[str, ...]
) -> None:
    assert _problems(_with(tmp_path, waiver), policy) == [problem]


def test_every_mistake_of_every_waiver_is_reported_at_once(tmp_path: Path) -> None:
    data = _mix()
    data["waivers"] = [
        _waiver(rule="SG1044", created="2025-06-02"),
        _waiver(),
        _waiver(scope={"split": "trian"}),
        _waiver(scope={"source": "gen-tw"}),
    ]
    problems = _problems(_write(tmp_path / "m.synthgate.yaml", data))
    assert [p[0] for p in problems] == ["/waivers/0/rule", "/waivers/0/created"]
    # Scopes are checked once every waiver names a rule it may waive.
    data["waivers"] = data["waivers"][1:]
    problems = _problems(_write(tmp_path / "m.synthgate.yaml", data))
    assert [p[0] for p in problems] == ["/waivers/1/scope/split", "/waivers/2/scope/source"]


def test_a_problem_is_located_at_the_line_and_column_of_its_key(tmp_path: Path) -> None:
    data = _mix()
    data["waivers"] = [_waiver(), _waiver(created="2025-06-02")]
    path = _write(tmp_path / "m.synthgate.yaml", data)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "created: '2025-06-02'" in text)
    with pytest.raises(InputError) as info:
        _audit(path)
    (problem,) = info.value.problems
    assert (problem.path, problem.line, problem.column) == (
        str(path),
        line,
        lines[line - 1].index("created") + 1,
    )


def test_a_central_waiver_without_manifests_says_what_to_add(tmp_path: Path) -> None:
    central = _central(tmp_path, _mix(), [_waiver()])
    with pytest.raises(InputError) as info:
        _audit(tmp_path / "data" / "m.synthgate.yaml", waivers=central)
    (problem,) = info.value.problems
    assert (problem.pointer, problem.message, problem.hint) == (
        "/waivers/0",
        "a waiver in a central waivers file must name the manifests it covers",
        "add 'manifests:' with globs relative to this file, e.g. ['data/*.yaml']",
    )
    assert (problem.line, problem.column) == (2, 3)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("- rule: SG104\n", 1, "a waivers file must be a mapping"),
        (
            "waivers:\n  - rule: SG104\n    reason: r\n    owner: o\n    expires: 2025-07-01\n"
            "    tiket: T-1\n",
            6,
            "tiket",
        ),
    ],
)
def test_a_malformed_central_file_is_a_located_error_under_the_name_it_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, line: int, message: str
) -> None:
    (tmp_path / "synthgate-waivers.yaml").write_text(text, encoding="utf-8")
    _write(tmp_path / "data" / "m.synthgate.yaml", _mix())
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as info:
        _audit(Path("data/m.synthgate.yaml"), waivers=tmp_path / "synthgate-waivers.yaml")
    problem = info.value.problems[0]
    assert problem.path == "synthgate-waivers.yaml"  # as shown, relative to the directory
    assert problem.line == line
    assert message in problem.message
    if line == 1:
        assert (problem.column, problem.hint) == (1, "write 'waivers:' and a list")


def test_a_stale_waiver_is_a_dataset_warning_that_says_how_to_clear_it(tmp_path: Path) -> None:
    path = _with(tmp_path, _waiver(rule="SG101"))
    (stale,) = [f for f in _audit(path).findings if f.rule == "SG001"]
    assert stale.model_dump(exclude={"fingerprint", "location", "related"}) == {
        "rule": "SG001",
        "name": "stale-waiver",
        "verdict": "warn",
        "scope": "dataset",
        "observed": "SG101",
        "expected": "a waiver matches at least one warn or fail finding",
        "message": "waiver of SG101 matches no finding and should be removed",
        "remediation": "remove the waiver: the finding it accepted is gone (or narrow its scope)",
        "waiver": None,
    }
    assert stale.location.pointer == "/waivers/0"


def _line_of(path: Path, needle: str) -> tuple[int, int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(n for n, text in enumerate(lines, 1) if needle in text)
    return number, lines[number - 1].index(needle) + 1


def test_a_waiver_beside_its_finding_shows_everything_written_in_it(tmp_path: Path) -> None:
    data = _mix()
    data["waivers"] = [_waiver(ticket="GOV-12", approver="data-council", created="2025-05-01")]
    path = _write(tmp_path / "m.synthgate.yaml", data)
    result = _audit(path)
    waiver = next(f.waiver for f in result.findings if f.rule == "SG104")
    assert waiver is not None
    assert (waiver.ticket, waiver.approver, waiver.owner, waiver.reason) == (
        "GOV-12",
        "data-council",
        "o",
        "r",
    )
    assert (waiver.location.file, waiver.location.pointer) == (str(path), "/waivers/0")
    # Located at the entry's first key.
    assert (waiver.location.line, waiver.location.column) == _line_of(path, "rule: SG104")


def test_a_misspelt_scope_is_located_at_its_key(tmp_path: Path) -> None:
    path = _with(tmp_path, _waiver(scope={"split": "trian"}))
    with pytest.raises(InputError) as info:
        _audit(path)
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == _line_of(path, "split: trian")


def test_a_rule_unlike_any_other_gets_a_hint_to_list_the_rules(tmp_path: Path) -> None:
    assert _problems(_with(tmp_path, _waiver(rule="qqqqqqqqqq"))) == [
        (
            "/waivers/0/rule",
            "waiver names no rule of policy 'default': 'qqqqqqqqqq'",
            "list the rules with 'synthgate rules'",
        )
    ]


def test_a_central_file_that_is_no_mapping_says_exactly_that(tmp_path: Path) -> None:
    (tmp_path / "synthgate-waivers.yaml").write_text("- rule: SG104\n", encoding="utf-8")
    _write(tmp_path / "data" / "m.synthgate.yaml", _mix())
    with pytest.raises(InputError) as info:
        _audit(tmp_path / "data" / "m.synthgate.yaml", waivers=tmp_path / "synthgate-waivers.yaml")
    (problem,) = info.value.problems
    assert (problem.line, problem.column, problem.message, problem.hint) == (
        1,
        1,
        "a waivers file must be a mapping",
        "write 'waivers:' and a list",
    )


def test_stale_waivers_are_fingerprinted_by_rule_file_and_place(tmp_path: Path) -> None:
    path = _with(tmp_path, _waiver(rule="SG101"))
    data = _mix()
    data["waivers"] = [_waiver(), _waiver(rule="SG101")]
    moved = _write(tmp_path / "moved" / "m.synthgate.yaml", data)
    (first,) = [f for f in _audit(path).findings if f.rule == "SG001"]
    (second,) = [f for f in _audit(moved).findings if f.rule == "SG001"]
    # The fingerprint module is the oracle: a stale waiver is identified like any finding.
    assert first.fingerprint == fingerprint("SG001", str(path), "/waivers/0")
    assert second.fingerprint == fingerprint("SG001", str(moved), "/waivers/1")


def test_waivers_leave_passing_findings_where_they_were(tmp_path: Path) -> None:
    path = _with(tmp_path, _waiver())
    plain = _audit(MIX, keep_passes=True)
    waived = _audit(path, keep_passes=True)
    assert [(f.rule, f.location.pointer) for f in waived.findings if f.verdict == "pass"] == [
        (f.rule, f.location.pointer) for f in plain.findings if f.verdict == "pass"
    ]
    assert len(waived.findings) == len(plain.findings)

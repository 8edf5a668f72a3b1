"""Case files: reading them, building each case's manifests, running and covering rules."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from synthgate import InputError, PluginHost, load_plugins
from synthgate.casetests import (
    CaseRunner,
    Coverage,
    discover_case_files,
    load_case_file,
)
from tests.conftest import CliResult

BASE = """\
policy: default
today: 2026-06-01
manifest:
  dataset: {name: base, task_type: sentiment-analysis, stage: sft}
  splits:
    - name: train
      sources:
        - {id: human, origin: human, records: 900}
        - id: gen
          origin: synthetic
          records: 100
          generator: {name: gpt-4o, family: gpt-4}
          generation_depth: 1
"""


@pytest.fixture
def host() -> PluginHost:
    return load_plugins(builtin_only=True)


def _write(tmp_path: Path, cases: str, base: str = BASE, name: str = "t.cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(base + textwrap.dedent(cases), encoding="utf-8")
    return path


def test_set_and_unset_apply_over_a_copy_of_the_base(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        cases:
          - name: more synthetic
            set:
              /splits/0/sources/1/records: 5000
              /dataset/languages: [en]
              /splits/0/sources/1/human_audit/items: 300
              /splits/0/sources/-: {id: more, origin: human, records: 1}
            unset: [/dataset/stage]
            expect: {SG301: fail}
          - name: untouched
            expect: {SG301: pass}
        """,
    )
    case_file = load_case_file(path)
    first, second = (case.documents[0].data for case in case_file.cases)
    assert first["splits"][0]["sources"][1]["records"] == 5000
    assert first["splits"][0]["sources"][1]["human_audit"] == {"items": 300}  # made on the way
    assert first["splits"][0]["sources"][2]["id"] == "more"
    assert "stage" not in first["dataset"]
    assert second["splits"][0]["sources"][1]["records"] == 100  # the base is not changed
    assert second["dataset"]["stage"] == "sft"


def test_positions_point_at_the_value_a_case_sets_or_else_at_the_base(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        cases:
          - name: one
            set:
              /splits/0/sources/1/records: 5000
            expect: {SG301: fail}
        """,
    )
    (case,) = load_case_file(path).cases
    doc = case.documents[0]
    assert doc.path == str(path)
    assert doc.locate("/splits/0/sources/1/records") == (17, 7)  # the key the case sets
    assert doc.locate("/splits/0/sources/0/id") == (8, 12)  # the base manifest
    assert (case.line, case.column) == (15, 5)


def test_a_case_file_mistake_is_located(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        cases:
          - name: twice
            expect: {SG301: maybe}
          - name: twice
            set: {"splits/0": 1}
            expect: {SG301: pass}
          - name: both ways
            manifest: {dataset: {name: x}, splits: []}
            set: {/dataset/name: y}
            expect: {SG301: pass}
        """,
    )
    with pytest.raises(InputError) as caught:
        load_case_file(path, "t.cases.yaml")
    text = caught.value.render()
    assert "t.cases.yaml:16:14: /cases/0/expect/SG301:" in text
    with pytest.raises(InputError):
        load_case_file(_write(tmp_path, "cases: []\n", name="empty.cases.yaml"))


def test_duplicate_names_bad_pointers_and_several_ways_are_each_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        cases:
          - name: twice
            expect: {SG301: pass}
          - name: twice
            set: {"splits/0": 1}
            expect: {SG301: pass}
          - name: both ways
            manifest: {dataset: {name: x}, splits: []}
            set: {/dataset/name: y}
            expect: {SG301: pass}
          - name: nowhere
            set: {/splits/7/records: 1}
            expect: {SG301: pass}
        """,
    )
    with pytest.raises(InputError) as caught:
        load_case_file(path, "t.cases.yaml")
    messages = [p.message for p in caught.value.problems]
    assert "case name 'twice' appears twice" in messages
    assert "'splits/0' is not a JSON Pointer" in messages
    assert any("more than one way: manifest, set/unset" in m for m in messages)
    assert any("'/splits/7/records' does not lead anywhere" in m for m in messages)


def test_a_case_without_any_manifest_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bare.cases.yaml"
    path.write_text("cases:\n  - name: lonely\n    expect: {SG101: pass}\n", encoding="utf-8")
    with pytest.raises(InputError, match="gives no manifest"):
        load_case_file(path)


def test_running_compares_the_worst_verdict_of_each_rule(tmp_path: Path, host: PluginHost) -> None:
    path = _write(
        tmp_path,
        """\
        cases:
          - name: holds
            expect: {SG301: pass, SG501: none}
          - name: does not hold
            set: {/splits/0/sources/1/records: 500}
            expect: {subjective-synthetic-share-cap: pass, SG104: none}
        """,
    )
    runner = CaseRunner(host)
    holds, fails = runner.run_file(load_case_file(path))
    assert holds.ok
    assert holds.verdicts["SG301"] == "pass"
    assert holds.verdicts["SG501"] == "none"
    assert not fails.ok
    assert [(m.rule, m.expected, m.actual) for m in fails.mismatches] == [
        ("SG301", "pass", "warn"),
        ("SG104", "none", "pass"),
    ]
    explained = fails.explain()
    assert "SG301 subjective-synthetic-share-cap: expected pass, got warn" in explained
    assert "synthetic_share_records is 0.3571" in explained


def test_an_expectation_naming_no_rule_is_located(tmp_path: Path, host: PluginHost) -> None:
    path = _write(
        tmp_path,
        """\
        cases:
          - name: typo
            expect: {SG3O1: pass}
        """,
    )
    with pytest.raises(InputError) as caught:
        CaseRunner(host).run_file(load_case_file(path, "t.cases.yaml"))
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (16, 14)
    assert "'SG3O1' names no rule of policy 'default'" in problem.message
    assert "SG301" in problem.hint


def test_an_invalid_case_manifest_fails_the_case_with_its_location(
    tmp_path: Path, host: PluginHost
) -> None:
    path = _write(
        tmp_path,
        """\
        cases:
          - name: negative
            set: {/splits/0/sources/0/records: -1}
            expect: {SG301: pass}
        """,
    )
    (result,) = CaseRunner(host).run_file(load_case_file(path, "t.cases.yaml"))
    assert not result.ok
    assert result.error is not None
    assert "t.cases.yaml:16:11" in result.explain()


def test_several_manifests_are_audited_together(tmp_path: Path, host: PluginHost) -> None:
    path = tmp_path / "pair.cases.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            cases:
              - name: pair
                manifests:
                  train: {dataset: {name: t, stage: sft}, splits: [{name: train, sources: [{id: x, origin: human, records: 3}]}]}
                  eval: {dataset: {name: e, stage: eval}, splits: [{name: test, sources: [{id: y, origin: human, records: 3}]}]}
                expect: {SG101: pass, SG403: warn}
            """  # noqa: E501
        ),
        encoding="utf-8",
    )
    (case,) = load_case_file(path).cases
    assert [d.path for d in case.documents] == [f"{path}#train", f"{path}#eval"]
    (result,) = CaseRunner(host).run_file(load_case_file(path))
    assert result.ok, result.explain()


def test_manifest_file_is_relative_to_the_case_file(tmp_path: Path, host: PluginHost) -> None:
    (tmp_path / "m.synthgate.yaml").write_text(
        "dataset: {name: m}\nsplits: [{name: train, sources: [{id: a, records: 5}]}]\n",
        encoding="utf-8",
    )
    sub = tmp_path / "cases"
    sub.mkdir()
    path = sub / "f.cases.yaml"
    path.write_text(
        "cases:\n  - name: file\n    manifest_file: ../m.synthgate.yaml\n"
        "    expect: {SG101: fail}\n"
        "  - name: missing\n    manifest_file: nope.yaml\n    expect: {SG101: fail}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"manifest file .*nope\.yaml' does not exist"):
        load_case_file(path)
    path.write_text(
        "cases:\n  - name: file\n    manifest_file: ../m.synthgate.yaml\n"
        "    expect: {SG101: fail}\n",
        encoding="utf-8",
    )
    (result,) = CaseRunner(host).run_file(load_case_file(path))
    assert result.ok, result.explain()


def test_coverage_counts_own_rules_only(tmp_path: Path, host: PluginHost) -> None:
    (tmp_path / "child.yaml").write_text(
        textwrap.dedent(
            """\
            name: child
            extends: [default]
            overrides:
              SG301: {check: {warn: {above: 0.2}}}
            rules:
              - code: CH101
                name: child-rule
                summary: Names a generator.
                applies: {scope: source, origins: [synthetic]}
                check: {kind: required, facts: [generator.name]}
            """
        ),
        encoding="utf-8",
    )
    path = _write(
        tmp_path,
        """\
        cases:
          - name: passes
            expect: {CH101: pass, SG301: pass}
          - name: fails
            unset: [/splits/0/sources/1/generator]
            expect: {CH101: fail}
        """,
        base=BASE.replace("policy: default", "policy: child.yaml"),
    )
    runner = CaseRunner(host)
    case_file = load_case_file(path)
    coverage = Coverage()
    for result in runner.run_file(case_file):
        coverage.add(result, runner.own_rules(case_file))
    assert {code for _, code in coverage.rules} == {"CH101", "SG301"}
    assert [(code, missing) for _, code, _, missing in coverage.gaps()] == [
        ("SG301", "no case expects it to warn or fail")
    ]
    assert coverage.unreached() == []


def test_discovery_finds_case_files_and_skips_hidden_directories(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    for rel in ("a/x.cases.yaml", "b.cases.yml", ".hidden/h.cases.yaml", "a/other.yaml"):
        (tmp_path / rel).write_text("cases: []\n", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p, _ in discover_case_files([str(tmp_path)])]
    assert found == ["a/x.cases.yaml", "b.cases.yml"]


# --------------------------------------------------------------------------- the command


def test_cli_exit_codes_and_report(tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    good = _write(
        tmp_path,
        "cases:\n  - name: holds\n    expect: {SG301: pass}\n",
        name="good.cases.yaml",
    )
    ok = run_cli("test", str(good))
    assert ok.code == 0, ok.out + ok.err
    assert "1 cases in 1 file: 1 passed, 0 failed" in ok.out
    assert "rules no case reaches" in ok.out  # most default rules are untouched here
    required = run_cli("test", "--require-tests", str(good))
    assert required.code == 1
    assert "SG301 subjective-synthetic-share-cap (default" in required.out
    assert "no case expects it to warn or fail" in required.out
    bad = _write(
        tmp_path,
        "cases:\n  - name: wrong\n    expect: {SG301: fail}\n",
        name="bad.cases.yaml",
    )
    failed = run_cli("test", "-v", str(tmp_path))
    assert failed.code == 1
    assert f"{bad.as_posix()}:15:5: FAILED: wrong (default" in failed.out
    assert "expected fail, got pass" in failed.out
    assert ": ok: holds" in failed.out
    broken = tmp_path / "broken.cases.yaml"
    broken.write_text("cases:\n  - name: x\n    expect: {SG301: nope}\n", encoding="utf-8")
    error = run_cli("test", str(broken))
    assert error.code == 2
    assert "broken.cases.yaml:3:" in error.err
    none = run_cli("test", str(tmp_path / "a-dir-without-cases-is-missing"))
    assert none.code == 2

"""The pytest plugin ``synthgate.testing``: case files as tests, and the audit fixtures."""

from __future__ import annotations

import textwrap

import pytest

pytest_plugins = ["pytester"]

CASES = """\
policy: default
manifest:
  dataset: {name: base, task_type: sentiment-analysis, stage: sft}
  splits:
    - name: train
      sources:
        - {id: human, origin: human, records: 900}
        - {id: gen, origin: synthetic, records: 100,
           generator: {name: gpt-4o, family: gpt-4}, generation_depth: 1}
cases:
  - name: mostly human passes
    expect: {SG301: pass}
  - name: claims too much
    set: {/splits/0/sources/1/records: 5000}
    expect: {SG301: warn}
"""


@pytest.fixture(autouse=True)
def _builtin_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHGATE_BUILTIN_PLUGINS_ONLY", "1")


def test_case_files_are_collected_one_test_per_case(pytester: pytest.Pytester) -> None:
    pytester.makefile(".cases.yaml", subjective=CASES)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*subjective.cases.yaml:13:5: case 'claims too much'",
            "SG301 subjective-synthetic-share-cap: expected warn, got fail",
            "*synthetic_share_records is 0.8475, fail when > 0.5*",
        ]
    )
    listed = pytester.runpytest_subprocess("--collect-only", "-q", "-p", "no:cacheprovider")
    listed.stdout.fnmatch_lines(["subjective.cases.yaml::mostly human passes"])


def test_a_broken_case_file_is_a_collection_error_with_a_location(
    pytester: pytest.Pytester,
) -> None:
    pytester.makefile(".cases.yaml", broken="cases:\n  - name: x\n    expect: {SG301: nope}\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*broken.cases.yaml:3:*expect/SG301*"])


def test_an_unknown_rule_is_a_collection_error_with_a_hint(pytester: pytest.Pytester) -> None:
    pytester.makefile(".cases.yaml", typo=CASES.replace("{SG301: warn}", "{SG3O1: warn}"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*typo.cases.yaml:15:*'SG3O1' names no rule of policy 'default'*"])


def test_audit_fixture_with_an_inline_plugin_and_policy(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inline=textwrap.dedent(
            """
            from synthgate.plugin import CheckKind, CheckParams, Outcome, hookimpl


            class Params(CheckParams):
                word: str


            def run(scope, params, context):
                found = params.word in (scope.manifest.dataset.description or "")
                yield Outcome("pass" if found else "fail", found, params.word, "looked")


            class WordPlugin:
                @hookimpl
                def synthgate_register_check_kinds(self):
                    return [CheckKind("has-word", "Description has a word.", Params, run)]


            POLICY = {
                "name": "words",
                "extends": ["default"],
                "rules": [
                    {
                        "code": "WD101",
                        "name": "says-consent",
                        "summary": "The description mentions consent.",
                        "check": {"kind": "has-word", "word": "consent"},
                    }
                ],
            }
            MANIFEST = {
                "dataset": {"name": "d", "description": "collected with consent"},
                "splits": [
                    {"name": "train", "sources": [{"id": "s", "origin": "human", "records": 5}]}
                ],
            }


            def test_it(synthgate_plugin, synthgate_audit):
                synthgate_plugin(WordPlugin(), name="words")
                run = synthgate_audit(MANIFEST, policy=POLICY)
                assert run.verdict("WD101") == "pass"
                assert run.verdict("says-consent") == "pass"
                assert run.verdict("SG501") == "none"
                MANIFEST["dataset"]["description"] = "scraped"
                assert synthgate_audit(MANIFEST, policy=POLICY).verdict("WD101") == "fail"


            def test_yaml_text_and_errors(synthgate_audit):
                import pytest
                from synthgate import InputError

                head = "dataset: {name: d}\\nsplits: [{name: t, sources: "
                run = synthgate_audit(head + "[{id: a}]}]\\n")
                assert run.verdict("SG101") == "fail"  # every record of unknown origin
                with pytest.raises(InputError, match="inline-1.yaml:2:"):
                    synthgate_audit(head + "[{id: a, records: -1}]}]\\n")


            def test_cases_fixture(synthgate_cases, tmp_path):
                path = tmp_path / "c.cases.yaml"
                path.write_text(CASES, encoding="utf-8")
                results = synthgate_cases(path)
                assert [r.ok for r in results] == [True, False]
            """
        ).replace("CASES, encoding", f"{CASES!r}, encoding")
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)

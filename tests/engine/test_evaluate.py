"""Evaluation: which scopes each selector picks, severities, crashing checks, order, locations."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

import synthgate
import synthgate_plugins.checks
import synthgate_plugins.metrics
import synthgate_plugins.packs
from synthgate.checks import CheckContext, CheckKind, Outcome, ScopeView
from synthgate.documents import Document, read_document
from synthgate.errors import InputError
from synthgate.evaluate import evaluate, pointer_key, resolve_task_type
from synthgate.models import Manifest, ManifestResult
from synthgate.plugins import PluginHost, load_plugins
from synthgate.policy import LoadedPolicy, load_policy

POLICIES = Path(__file__).parents[1] / "fixtures" / "policies"
EVALUATE = POLICIES / "evaluate"
MANIFESTS = EVALUATE / "manifests"


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return load_plugins(builtin_only=True, disabled=())


@pytest.fixture(scope="module")
def probe_policy(host: PluginHost) -> LoadedPolicy:
    return load_policy(str(EVALUATE / "selectors.yaml"), host)


def read_manifest(name: str) -> tuple[Manifest, Document]:
    doc = read_document(MANIFESTS / name)
    return Manifest.model_validate(doc.data), doc


def run(
    policy: LoadedPolicy,
    host: PluginHost,
    manifest: Manifest,
    doc: Document,
    *,
    keep_passes: bool = False,
) -> ManifestResult:
    return evaluate(manifest, doc, policy, CheckContext(host.metrics()), keep_passes=keep_passes)


def selected(result: ManifestResult) -> set[tuple[str, str]]:
    return {(f.rule, f.location.pointer) for f in result.findings}


def position_of(path: Path, needle: str) -> tuple[int, int]:
    """1-based line and column of ``needle`` in a file (a mapping entry is found at its key)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


# --------------------------------------------------------------------------- selectors

SPLIT_AND_SOURCE_PICKS = {
    ("SEL107", "/splits/1"),  # splits: [test]
    ("SEL108", "/splits/0/sources/1"),  # origins: [synthetic] on sources
    ("SEL108", "/splits/1/sources/0"),
    ("SEL109", "/splits/1"),  # a split with a mixed source
    ("SEL110", "/splits/0/sources/0"),  # human source of the train split
    ("SEL111", "/splits/0"),
    ("SEL111", "/splits/1"),
}


@pytest.mark.parametrize(
    ("dataset", "dataset_rules"),
    [
        pytest.param({}, {"SEL101", "SEL102", "SEL104"}, id="verifiable-sft-by-alias"),
        pytest.param(
            {"task_type": "sentiment", "stage": "eval", "resource_level": "low"},
            {"SEL101", "SEL105", "SEL106", "SEL112"},
            id="subjective-eval-low-resource",
        ),
        pytest.param(
            {"task_type": "QA", "stage": "pretrain"},
            {"SEL101"},
            id="mixed-pretrain-misses-the-stage",
        ),
        pytest.param({"task_type": "unknown"}, {"SEL101", "SEL103"}, id="unknown-task-type"),
    ],
)
def test_selectors_pick_the_right_scopes(
    host: PluginHost, probe_policy: LoadedPolicy, dataset: dict[str, str], dataset_rules: set[str]
) -> None:
    _, doc = read_manifest("probe.synthgate.yaml")
    data = copy.deepcopy(doc.data)
    data["dataset"].update(dataset)
    result = run(probe_policy, host, Manifest.model_validate(data), doc)
    expected = {(code, "/dataset") for code in dataset_rules} | SPLIT_AND_SOURCE_PICKS
    assert selected(result) == expected
    assert {f.verdict for f in result.findings} == {"fail"}
    assert result.verdict == "fail"
    assert result.counts == {"pass": 0, "warn": 0, "fail": len(expected), "error": 0}


def test_findings_carry_the_rule_and_its_remediation(
    host: PluginHost, probe_policy: LoadedPolicy
) -> None:
    manifest, doc = read_manifest("probe.synthgate.yaml")
    result = run(probe_policy, host, manifest, doc)
    first = result.findings[0]
    assert (first.rule, first.name, first.scope) == ("SEL101", "every-dataset", "dataset")
    assert first.remediation == "Nothing to do; this is a probe."
    assert first.expected == "/ matches the rule's JSON Schema"
    assert result.dataset == "probe"
    assert result.path == doc.path


def test_keep_passes_adds_passing_findings_without_remediation(host: PluginHost) -> None:
    policy = load_policy("default", host)
    manifest, doc = read_manifest("sentiment-heavy.synthgate.yaml")
    quiet = run(policy, host, manifest, doc)
    loud = run(policy, host, manifest, doc, keep_passes=True)
    passes = [f for f in loud.findings if f.verdict == "pass"]
    assert passes
    assert all(f.remediation == "" for f in passes)
    assert [f for f in loud.findings if f.verdict != "pass"] == quiet.findings
    assert loud.counts == quiet.counts
    assert quiet.counts["pass"] == len(passes)


# --------------------------------------------------------------------------- severity


def test_severity_warn_caps_fails_and_off_removes_the_rule(host: PluginHost) -> None:
    policy = load_policy(str(EVALUATE / "severity.yaml"), host)
    manifest, doc = read_manifest("probe.synthgate.yaml")
    result = run(policy, host, manifest, doc)
    verdicts = {(f.rule, f.location.pointer): f.verdict for f in result.findings}
    assert verdicts[("SEL101", "/dataset")] == "warn"
    assert verdicts[("SEL102", "/dataset")] == "fail"
    assert not any(rule == "SEL111" for rule, _ in verdicts)
    assert result.counts["warn"] == 1


def test_warn_severity_in_an_extending_pack_caps_a_default_fail(host: PluginHost) -> None:
    manifest, doc = read_manifest("sentiment-heavy.synthgate.yaml")
    default = run(load_policy("default", host), host, manifest, doc)
    team = run(load_policy(str(POLICIES / "extends-default.yaml"), host), host, manifest, doc)

    def floor(result: ManifestResult) -> str:
        (finding,) = [f for f in result.findings if f.rule == "SG103"]
        assert finding.observed == 0.05
        return finding.verdict

    assert floor(default) == "fail"
    assert floor(team) == "warn"


# --------------------------------------------------------------------------- crashing checks


class _NoParams(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _explode(scope: ScopeView, params: Any, context: CheckContext) -> list[Outcome]:
    raise RuntimeError("out of fuel")


def _sputter(scope: ScopeView, params: Any, context: CheckContext) -> Iterator[Outcome]:
    yield Outcome("warn", 1, "one outcome first", "a partial outcome")
    raise ZeroDivisionError("half-way")


class BoomPlugin:
    """An inline plugin whose check kinds crash."""

    @synthgate.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        return [
            CheckKind("explode", "Raises at once.", _NoParams, _explode),
            CheckKind("sputter", "Raises after one outcome.", _NoParams, _sputter),
        ]


@pytest.fixture(scope="module")
def boom_host() -> PluginHost:
    return PluginHost.from_plugins(
        [
            ("synthgate-checks", synthgate_plugins.checks),
            ("synthgate-metrics", synthgate_plugins.metrics),
            ("synthgate-packs", synthgate_plugins.packs),
            ("boom", BoomPlugin()),
        ]
    )


@pytest.fixture(scope="module")
def boom_result(boom_host: PluginHost) -> ManifestResult:
    policy = load_policy(str(EVALUATE / "boom.yaml"), boom_host)
    manifest, doc = read_manifest("probe.synthgate.yaml")
    return run(policy, boom_host, manifest, doc)


def test_a_crashing_check_is_an_error_finding_and_the_others_still_run(
    boom_result: ManifestResult,
) -> None:
    by_rule: dict[str, list[str]] = {}
    for finding in boom_result.findings:
        by_rule.setdefault(finding.rule, []).append(finding.verdict)
    assert by_rule == {
        "BM101": ["fail"],
        "BM102": ["error", "error"],  # one per split
        "BM103": ["warn", "error"],  # the outcome before the crash is kept
        "BM104": ["fail", "fail"],  # two synthetic sources without a generator
    }
    assert boom_result.verdict == "error"
    assert boom_result.counts == {"pass": 0, "warn": 1, "fail": 3, "error": 3}


def test_an_error_finding_says_what_crashed(boom_result: ManifestResult) -> None:
    explode = [f for f in boom_result.findings if f.rule == "BM102"]
    assert [f.location.pointer for f in explode] == ["/splits/0", "/splits/1"]
    for finding in explode:
        assert finding.message == (
            "check kind 'explode' of plugin boom (boom 0) crashed: RuntimeError: out of fuel"
        )
        assert finding.observed == "unknown"
        assert finding.remediation == "Report the crash to the plugin's author."
    (sputter,) = [f for f in boom_result.findings if f.rule == "BM103" and f.verdict == "error"]
    assert "ZeroDivisionError: half-way" in sputter.message


def test_an_error_finding_names_the_plugin(boom_result: ManifestResult) -> None:
    explode = next(f for f in boom_result.findings if f.rule == "BM102")
    assert "boom" in explode.message
    assert "of plugin boom (boom 0) crashed" in explode.message


# --------------------------------------------------------------------------- task types


def test_an_unknown_task_type_is_an_input_error_with_did_you_mean(host: PluginHost) -> None:
    manifest, doc = read_manifest("typo-task-type.synthgate.yaml")
    with pytest.raises(InputError) as caught:
        run(load_policy("default", host), host, manifest, doc)
    (problem,) = caught.value.problems
    path = MANIFESTS / "typo-task-type.synthgate.yaml"
    assert problem.path == doc.path == str(path)
    assert problem.pointer == "/dataset/task_type"
    assert (problem.line, problem.column) == position_of(path, "task_type:")
    assert (
        problem.message
        == "task type 'sentimnt-analysis' is not in the taxonomy of policy 'default'"
    )
    assert problem.hint == "did you mean 'sentiment-analysis'?"


@pytest.mark.parametrize(
    ("declared", "canonical"),
    [
        ("sentiment-analysis", "sentiment-analysis"),
        ("Sentiment", "sentiment-analysis"),
        ("SENTIMENT-CLASSIFICATION", "sentiment-analysis"),
        ("unknown", "unknown"),
    ],
)
def test_task_types_resolve_through_aliases_case_insensitively(
    host: PluginHost, declared: str, canonical: str
) -> None:
    _, doc = read_manifest("typo-task-type.synthgate.yaml")
    data = copy.deepcopy(doc.data)
    data["dataset"]["task_type"] = declared
    fixed = Manifest.model_validate(data)
    assert resolve_task_type(fixed, doc, load_policy("default", host)) == canonical


# --------------------------------------------------------------------------- order and location


def test_findings_are_ordered_by_rule_then_numeric_pointer(
    host: PluginHost, probe_policy: LoadedPolicy
) -> None:
    manifest, doc = read_manifest("many-splits.synthgate.yaml")
    result = run(probe_policy, host, manifest, doc)
    order = [(f.rule, f.location.pointer) for f in result.findings]
    splits = [pointer for rule, pointer in order if rule == "SEL111"]
    assert splits == [f"/splits/{i}" for i in range(12)]
    sources = [pointer for rule, pointer in order if rule == "SEL108"]
    assert sources == [f"/splits/{i}/sources/0" for i in range(12)]
    codes = [rule for rule, _ in order]
    assert codes == sorted(codes)
    assert codes[0] == "SEL101"


def test_the_order_does_not_depend_on_the_order_of_rules_in_the_policy(
    host: PluginHost, probe_policy: LoadedPolicy
) -> None:
    manifest, doc = read_manifest("many-splits.synthgate.yaml")
    shuffled = dataclasses.replace(probe_policy, rules=list(reversed(probe_policy.rules)))
    first = run(probe_policy, host, manifest, doc)
    second = run(shuffled, host, manifest, doc)
    assert first.model_dump_json() == second.model_dump_json()


def test_locations_are_one_based_and_point_into_the_manifest_file(
    host: PluginHost, probe_policy: LoadedPolicy
) -> None:
    path = MANIFESTS / "probe.synthgate.yaml"
    manifest, doc = read_manifest(path.name)
    result = run(probe_policy, host, manifest, doc)
    where = {(f.rule, f.location.pointer): f.location for f in result.findings}
    expected = {
        ("SEL101", "/dataset"): position_of(path, "dataset:"),
        ("SEL107", "/splits/1"): position_of(path, "name: test"),
        ("SEL110", "/splits/0/sources/0"): position_of(path, "id: people"),
        ("SEL108", "/splits/1/sources/0"): position_of(path, "id: generated-test"),
    }
    for key, (line, column) in expected.items():
        location = where[key]
        assert location.file == str(path)
        assert (location.line, location.column) == (line, column), key
    assert all(f.location.line >= 1 and f.location.column >= 1 for f in result.findings)


def test_an_outcome_pointer_below_the_scope_is_located(host: PluginHost) -> None:
    path = MANIFESTS / "probe.synthgate.yaml"
    _, doc = read_manifest(path.name)
    data = copy.deepcopy(doc.data)
    data["dataset"]["task_type"] = "code"  # the default pack's alias of code-generation
    result = run(load_policy("default", host), host, Manifest.model_validate(data), doc)
    generator_named = [f for f in result.findings if f.rule == "SG102"]
    assert generator_named
    finding = next(f for f in generator_named if f.location.pointer.startswith("/splits/0/"))
    assert finding.location.pointer == "/splits/0/sources/1/generator"
    # the manifest has no 'generator', so the nearest written part (the source) is shown
    assert (finding.location.line, finding.location.column) == position_of(path, "id: generated")


@pytest.mark.parametrize(
    ("pointers", "ordered"),
    [
        (["/splits/10", "/splits/9", "/splits/1"], ["/splits/1", "/splits/9", "/splits/10"]),
        (
            ["/splits/2/sources/10", "/splits/10", "/splits/2/sources/9", "/splits/2"],
            ["/splits/2", "/splits/2/sources/9", "/splits/2/sources/10", "/splits/10"],
        ),
        (["/splits/0", "/dataset", ""], ["", "/dataset", "/splits/0"]),
    ],
    ids=["numeric", "nested", "root-and-names"],
)
def test_pointer_key_orders_numeric_segments_numerically(
    pointers: list[str], ordered: list[str]
) -> None:
    assert sorted(pointers, key=pointer_key) == ordered


@given(st.lists(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=3)))
def test_pointer_key_sorts_index_paths_like_integer_tuples(paths: list[list[int]]) -> None:
    pointers = ["".join(f"/splits/{i}" for i in path) for path in paths]
    by_key = sorted(pointers, key=pointer_key)
    by_ints = ["".join(f"/splits/{i}" for i in path) for path in sorted(paths)]
    assert by_key == by_ints

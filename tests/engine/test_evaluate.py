"""Evaluation: which scopes each selector picks, severities, crashing checks, order, locations."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

import synthgate
import synthgate.evaluate
import synthgate.plugin
import synthgate_plugins.checks
import synthgate_plugins.metrics
import synthgate_plugins.packs
from synthgate.audit import select_rules
from synthgate.check_contract import (
    CheckContext,
    CheckKind,
    Metric,
    MetricError,
    Outcome,
    ScopeView,
)
from synthgate.documents import Document, read_document
from synthgate.errors import InputError
from synthgate.evaluate import evaluate, pointer_key, resolve_task_type
from synthgate.models import Finding, Manifest, ManifestResult
from synthgate.plugins import PluginHost, load_plugins
from synthgate.policy import CompiledRule, LoadedPolicy, load_policy
from synthgate.waivers import manifest_waivers

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

    @synthgate.plugin.hookimpl
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
        assert finding.remediation == ""  # the rule's remediation does not fix a crash
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
    assert problem.hint.startswith("closest task types: 'sentiment-analysis' (subjective);")
    assert "'taxonomy: {sentimnt-analysis: {verifiability:" in problem.hint


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


@pytest.mark.parametrize(
    "pointer", ["/splits/²", "/splits/①", "/splits/٣/sources/0", "/splits/1.5", "/splits/-1"]
)
def test_pointer_key_takes_only_decimal_digits_for_numbers(pointer: str) -> None:
    key = pointer_key(pointer)  # int() of a superscript digit would raise
    assert key[0] == (1, "splits")
    assert len(key) == len(pointer.split("/")) - 1


def test_pointer_key_reads_other_decimal_digits_as_numbers() -> None:
    assert pointer_key("/splits/٣") == ((1, "splits"), (0, 3))
    assert pointer_key("/splits/²") == ((1, "splits"), (1, "²"))


# --------------------------------------------------------------------------- unsound outcomes


class _Strange:
    """Not an Outcome."""


def _yielding(*outcomes: Any) -> Any:
    def run(scope: ScopeView, params: Any, context: CheckContext) -> Iterator[Any]:
        yield from outcomes

    return run


def _crash_verbosely(scope: ScopeView, params: Any, context: CheckContext) -> list[Outcome]:
    raise ValueError("the first line\nTraceback (most recent call last):\n  a long story")


_SOUND = Outcome("warn", 1, "sound", "a sound outcome")


class UnsoundPlugin:
    """An inline plugin whose check kinds yield what no check may yield."""

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        kinds = {
            "yields-a-dict": _yielding({"verdict": "fail"}),
            "yields-a-bad-verdict": _yielding(Outcome("fial", 1, "x", "y")),  # type: ignore[arg-type]
            "yields-a-bad-message": _yielding(Outcome("fail", 1, "x", None)),  # type: ignore[arg-type]
            "yields-a-bad-pointer": _yielding(Outcome("fail", 1, "x", "y", pointer="splits/0")),
            "yields-an-object": _yielding(Outcome("fail", _Strange(), "x", "y")),
            "good-then-bad": _yielding(_SOUND, "not an outcome", _SOUND),
            "crashes-verbosely": _crash_verbosely,
        }
        return [CheckKind(name, "Unsound.", _NoParams, run) for name, run in kinds.items()]


@pytest.fixture(scope="module")
def unsound_result() -> ManifestResult:
    host = PluginHost.from_plugins(
        [
            ("synthgate-checks", synthgate_plugins.checks),
            ("synthgate-metrics", synthgate_plugins.metrics),
            ("unsound", UnsoundPlugin()),
        ]
    )
    policy = load_policy(str(EVALUATE / "unsound.yaml"), host)
    manifest, doc = read_manifest("probe.synthgate.yaml")
    return run(policy, host, manifest, doc)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("UN101", "yielded a dict, expected an Outcome"),
        ("UN102", "yielded the verdict 'fial', expected one of: pass, warn, fail, error"),
        ("UN103", "yielded an Outcome whose 'expected' or 'message' is not text"),
        ("UN104", "yielded the pointer 'splits/0', expected a JSON Pointer"),
        ("UN105", "yielded an observed value of type _Strange"),
        ("UN106", "yielded a str, expected an Outcome"),
        ("UN107", "crashed: ValueError: the first line"),
    ],
)
def test_an_unsound_outcome_is_an_error_finding_naming_the_plugin(
    unsound_result: ManifestResult, rule: str, message: str
) -> None:
    errors = [f for f in unsound_result.findings if f.rule == rule and f.verdict == "error"]
    (finding,) = errors
    kind = next(f.name for f in unsound_result.findings if f.rule == rule)
    assert finding.message == f"check kind '{kind}' of plugin unsound (unsound 0) {message}"
    assert (finding.observed, finding.expected) == ("unknown", "the check to run")
    assert finding.location.pointer == "/dataset"
    assert finding.remediation == ""


def test_outcomes_before_an_unsound_one_are_kept_and_none_after_it(
    unsound_result: ManifestResult,
) -> None:
    findings = [(f.verdict, f.remediation) for f in unsound_result.findings if f.rule == "UN106"]
    assert findings == [("warn", "Kept for the sound warning."), ("error", "")]
    assert unsound_result.counts == {"pass": 0, "warn": 1, "fail": 0, "error": 7}
    assert unsound_result.verdict == "error"


def test_every_finding_is_a_valid_model_and_serialises(unsound_result: ManifestResult) -> None:
    for finding in unsound_result.findings:
        assert Finding.model_validate(finding.model_dump()) == finding
    assert json.loads(unsound_result.model_dump_json())["counts"]["error"] == 7


def test_constructed_findings_equal_validated_ones(
    host: PluginHost, probe_policy: LoadedPolicy
) -> None:
    manifest, doc = read_manifest("many-splits.synthgate.yaml")
    result = run(load_policy("default", host), host, manifest, doc, keep_passes=True)
    assert result.findings
    for finding in result.findings:
        validated = Finding.model_validate(finding.model_dump())
        assert validated == finding
        assert validated.model_dump_json() == finding.model_dump_json()
        assert validated.model_fields_set == finding.model_fields_set


# --------------------------------------------------------------------------- metrics


def _no_reason(scope: ScopeView) -> str | None:
    reasons: dict[str, str] = {}
    return reasons["why"]


class MetricPlugin:
    """Metrics that crash, and one that counts how often it is computed."""

    def __init__(self) -> None:
        self.computed: list[str] = []

    def _count(self, scope: ScopeView) -> int:
        self.computed.append(scope.pointer)
        return 1

    @synthgate.plugin.hookimpl
    def synthgate_register_metrics(self) -> list[Metric]:
        return [
            Metric("fragile", "Raises.", lambda scope: 1 // 0),
            Metric(
                "fragile_reason",
                "Has no value, and explaining why raises.",
                lambda scope: None,
                undefined=_no_reason,
            ),
            Metric("counted", "Counts its calls.", self._count),
        ]


@pytest.fixture
def metric_plugin() -> MetricPlugin:
    return MetricPlugin()


@pytest.fixture
def metric_host(metric_plugin: MetricPlugin) -> PluginHost:
    return PluginHost.from_plugins(
        [
            ("synthgate-checks", synthgate_plugins.checks),
            ("synthgate-metrics", synthgate_plugins.metrics),
            ("probes", metric_plugin),
        ]
    )


def test_a_crashing_metric_is_an_error_finding_naming_the_metrics_plugin(
    metric_host: PluginHost,
) -> None:
    policy = load_policy(str(EVALUATE / "metrics.yaml"), metric_host)
    manifest, doc = read_manifest("probe.synthgate.yaml")
    result = run(policy, metric_host, manifest, doc)
    asked_by = (
        "(asked for by check kind 'threshold' of plugin synthgate-checks (synthgate-checks 0))"
    )
    fragile = [f for f in result.findings if f.rule == "MT101"]
    assert [(f.verdict, f.location.pointer) for f in fragile] == [
        ("error", "/splits/0"),
        ("error", "/splits/1"),
    ]
    for finding in fragile:
        assert finding.message == (
            "metric 'fragile' of plugin probes (probes 0) crashed: "
            f"ZeroDivisionError: integer division or modulo by zero {asked_by}"
        )
        assert finding.remediation == ""
    (reason,) = [f for f in result.findings if f.rule == "MT102"]
    assert reason.verdict == "error"
    assert reason.message == (
        f"metric 'fragile_reason' of plugin probes (probes 0) crashed: KeyError: 'why' {asked_by}"
    )


def test_a_metric_is_computed_once_per_scope_and_manifest(
    metric_host: PluginHost, metric_plugin: MetricPlugin
) -> None:
    policy = load_policy(str(EVALUATE / "metrics.yaml"), metric_host)
    manifest, doc = read_manifest("probe.synthgate.yaml")
    context = CheckContext(metric_host.metrics())
    first = evaluate(manifest, doc, policy, context)
    assert metric_plugin.computed == ["/splits/0", "/splits/1"]  # two rules, once per split
    assert [f.verdict for f in first.findings if f.rule in ("MT103", "MT104")] == ["warn"] * 2
    evaluate(manifest, doc, policy, context)
    assert metric_plugin.computed == ["/splits/0", "/splits/1"] * 2  # a new manifest, anew


def test_the_memo_belongs_to_one_manifest_only(
    metric_host: PluginHost, metric_plugin: MetricPlugin
) -> None:
    context = CheckContext(metric_host.metrics())
    scope = ScopeView(
        "dataset", read_manifest("probe.synthgate.yaml")[0], "/dataset", "code", "verifiable"
    )
    context.metric("counted", scope)
    context.metric("counted", scope)
    per_manifest = context.for_manifest()
    per_manifest.metric("counted", scope)
    per_manifest.metric("counted", scope)
    assert metric_plugin.computed == ["/dataset"] * 3  # twice unmemoised, once memoised


def test_a_context_names_the_metrics_plugin_from_its_owners(metric_host: PluginHost) -> None:
    context = CheckContext(metric_host.metrics(), {"fragile": "probes (probes 9)"})
    scope = ScopeView(
        "dataset", read_manifest("probe.synthgate.yaml")[0], "/dataset", "code", "verifiable"
    )
    with pytest.raises(MetricError) as caught:
        context.for_manifest().metric("fragile", scope)
    assert str(caught.value).startswith("metric 'fragile' of plugin probes (probes 9) crashed: ")
    assert (caught.value.metric, caught.value.plugin) == ("fragile", "probes (probes 9)")
    assert isinstance(caught.value.cause, ZeroDivisionError)


# --------------------------------------------------------------------------- selector work


def test_dataset_conditions_are_tested_once_per_rule_and_manifest(
    host: PluginHost, probe_policy: LoadedPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = synthgate.evaluate._selects_manifest

    def counting(compiled: CompiledRule, *args: Any) -> bool:
        calls.append(compiled.rule.code)
        return original(compiled, *args)

    monkeypatch.setattr(synthgate.evaluate, "_selects_manifest", counting)
    manifest, doc = read_manifest("many-splits.synthgate.yaml")
    assert len(manifest.splits) == 12
    result = run(probe_policy, host, manifest, doc)
    assert sorted(calls) == sorted(c.rule.code for c in probe_policy.rules)
    assert {f.rule for f in result.findings} >= {"SEL108", "SEL111"}


# --------------------------------------------------------------------------- nesting limit


def _nested_lists(levels: int) -> Any:
    value: Any = "leaf"
    for _ in range(levels):
        value = [value]
    return value


def _nested_mappings(levels: int) -> Any:
    value: Any = 0
    for _ in range(levels):
        value = {"in": value}
    return value


class NestingPlugin:
    """An inline plugin whose check kinds observe deeply nested values."""

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        def observing(value: Any) -> Any:
            return _yielding(Outcome("warn", value, "x", "deep"))

        return [
            CheckKind("observes-32-levels", "32.", _NoParams, observing(_nested_lists(32))),
            CheckKind("observes-33-levels", "33.", _NoParams, observing(_nested_lists(33))),
            CheckKind(
                "observes-33-levels-of-mappings", "33.", _NoParams, observing(_nested_mappings(33))
            ),
        ]


def test_an_observed_value_may_nest_32_levels_and_no_more() -> None:
    host = PluginHost.from_plugins(
        [("synthgate-metrics", synthgate_plugins.metrics), ("nesting", NestingPlugin())]
    )
    policy = load_policy(str(EVALUATE / "nesting.yaml"), host)
    manifest, doc = read_manifest("probe.synthgate.yaml")
    result = run(policy, host, manifest, doc)
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["NE101"].verdict == "warn"
    assert by_rule["NE101"].observed == _nested_lists(32)
    for rule, kind in [("NE102", "list"), ("NE103", "dict")]:
        assert by_rule[rule].verdict == "error"
        assert by_rule[rule].message.endswith(f"yielded an observed value of type {kind}")
    assert result.counts == {"pass": 0, "warn": 1, "fail": 0, "error": 2}


# --------------------------------------------------------------------------- waivers given


WAIVERS_MIX = Path(__file__).parents[1] / "fixtures" / "waivers" / "mix.synthgate.yaml"
WAIVER_DAY = dt.date(2025, 6, 1)
SG104_POINTERS = {
    "/splits/0/sources/1/generation_depth",
    "/splits/0/sources/2/generation_depth",
    "/splits/1/sources/0/generation_depth",
}


@pytest.fixture
def waived_mix(tmp_path: Path, host: PluginHost) -> tuple[Manifest, Document, LoadedPolicy]:
    """The waiver fixture with three waivers: SG104 and SG302, which match findings, and
    SG101, which matches none."""
    data = yaml.safe_load(WAIVERS_MIX.read_text(encoding="utf-8"))
    data["waivers"] = [
        {"rule": rule, "reason": "r", "owner": "o", "expires": "2025-07-01"}
        for rule in ("SG104", "human-audit-sample", "SG101")
    ]
    path = tmp_path / "m.synthgate.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    doc = read_document(path)
    return Manifest.model_validate(doc.data), doc, load_policy("default", host)


def test_evaluate_applies_the_waivers_it_is_given(
    waived_mix: tuple[Manifest, Document, LoadedPolicy], host: PluginHost
) -> None:
    manifest, doc, policy = waived_mix
    placed = manifest_waivers(manifest, doc, policy, WAIVER_DAY)
    context = CheckContext(host.metrics())
    plain = evaluate(manifest, doc, policy, context, today=WAIVER_DAY)
    assert plain.verdict == "fail"
    assert all(f.waiver is None for f in plain.findings)
    result = evaluate(manifest, doc, policy, context, today=WAIVER_DAY, waivers=placed)
    waived = {(f.rule, f.location.pointer) for f in result.findings if f.waiver}
    assert waived == {("SG104", p) for p in SG104_POINTERS} | {("SG302", "/dataset")}
    assert result.waived == 4
    assert result.verdict == "warn"  # SG103 and the stale SG101 waiver are left
    (stale,) = [f for f in result.findings if f.rule == "SG001"]
    assert stale.location.pointer == "/waivers/2"
    assert result.counts["warn"] == plain.counts["warn"] + 1


def test_evaluate_judges_stale_waivers_against_the_rules_it_ran(
    waived_mix: tuple[Manifest, Document, LoadedPolicy], host: PluginHost
) -> None:
    manifest, doc, policy = waived_mix
    placed = manifest_waivers(manifest, doc, policy, WAIVER_DAY)
    only_sg104 = select_rules(policy, ["SG104"])
    context = CheckContext(host.metrics())
    result = evaluate(manifest, doc, only_sg104, context, today=WAIVER_DAY, waivers=placed)
    assert {f.location.pointer for f in result.findings if f.waiver} == SG104_POINTERS
    assert [f.rule for f in result.findings if f.rule == "SG001"] == []  # SG302, SG101 did not run
    assert result.verdict == "pass"


def test_evaluate_needs_today_to_apply_waivers(
    waived_mix: tuple[Manifest, Document, LoadedPolicy], host: PluginHost
) -> None:
    manifest, doc, policy = waived_mix
    placed = manifest_waivers(manifest, doc, policy, WAIVER_DAY)
    with pytest.raises(ValueError, match=r"evaluate\(\) needs 'today' to apply waivers"):
        evaluate(manifest, doc, policy, CheckContext(host.metrics()), waivers=placed)


def _scope_sources(stage: str, *names: str) -> list[str]:
    from synthgate.evaluate import build_scopes
    from synthgate.models import Manifest

    manifest = Manifest.model_validate(
        {
            "dataset": {"name": "card", "stage": stage},
            "splits": [{"name": n, "sources": [{"id": f"{n}-records"}]} for n in names],
        }
    )
    (dataset,) = build_scopes(manifest, "unknown", _default_policy())["dataset"]
    return [source.id for _, source in dataset.sources]


def _default_policy() -> Any:
    from synthgate.plugins import load_plugins
    from synthgate.policy import load_policy

    return load_policy("default", load_plugins(builtin_only=True, disabled=()))


def test_a_training_set_is_measured_on_its_training_splits_only() -> None:
    # what 'init --from' writes for a card with the usual three splits
    assert _scope_sources("sft", "train", "validation", "test") == ["train-records"]
    assert _scope_sources("unknown", "train", "validation", "test") == ["train-records"]


def test_an_evaluation_set_is_measured_on_its_eval_and_test_splits() -> None:
    assert _scope_sources("eval", "train", "validation", "test", "eval") == [
        "test-records",
        "eval-records",
    ]


def test_a_manifest_without_a_split_for_its_stage_is_measured_whole() -> None:
    assert _scope_sources("sft", "validation", "test") == ["validation-records", "test-records"]


def _crash_silently(scope: ScopeView, params: Any, context: CheckContext) -> list[Outcome]:
    raise LookupError("  \n ")


class CrashingPlugin:
    """An inline plugin whose check kinds raise with a long message and with none."""

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        return [
            CheckKind("crashes-verbosely", "Long.", _NoParams, _crash_verbosely),
            CheckKind("crashes-silently", "Silent.", _NoParams, _crash_silently),
        ]


def test_a_crash_is_told_by_its_type_and_the_first_line_of_its_message() -> None:
    host = PluginHost.from_plugins(
        [("synthgate-metrics", synthgate_plugins.metrics), ("crashing", CrashingPlugin())]
    )
    policy = load_policy(str(EVALUATE / "crashes.yaml"), host)
    manifest, doc = read_manifest("probe.synthgate.yaml")
    messages = {f.rule: f.message for f in run(policy, host, manifest, doc).findings}
    prefix = "check kind '{}' of plugin crashing (crashing 0) crashed: "
    assert messages == {
        "CR101": prefix.format("crashes-verbosely") + "ValueError: the first line",
        "CR102": prefix.format("crashes-silently") + "LookupError",
    }

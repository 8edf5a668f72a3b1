"""Loading policies: extends by name and path, overrides, and located errors for every mistake."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

import synthgate
import synthgate.plugin
import synthgate_plugins.checks
import synthgate_plugins.metrics
import synthgate_plugins.packs
from synthgate.check_contract import CheckContext, CheckKind, Outcome, PolicyContext, ScopeView
from synthgate.errors import PolicyError, UsageError
from synthgate.models import Rule, TaskType
from synthgate.packs import PolicyPack
from synthgate.plugins import PluginHost, load_plugins
from synthgate.policy import LoadedPolicy, load_policy
from synthgate_plugins.checks.threshold import ThresholdParams

POLICIES = Path(__file__).parents[1] / "fixtures" / "policies"
ERRORS = POLICIES / "errors"
_BUILTIN_MODULES: list[tuple[str, object]] = [
    ("synthgate-checks", synthgate_plugins.checks),
    ("synthgate-metrics", synthgate_plugins.metrics),
    ("synthgate-packs", synthgate_plugins.packs),
]


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return load_plugins(builtin_only=True, disabled=())


def position_of(path: Path, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column of ``needle`` in a file (a mapping entry is found at its key)."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number, line.index(needle) + 1
    raise AssertionError(f"{needle!r} not in {path}")


def load(path: Path, host: PluginHost) -> LoadedPolicy:
    return load_policy(str(path), host)


def load_error(path: Path, host: PluginHost) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load(path, host)
    for problem in caught.value.problems:
        assert problem.line >= 1, problem
        assert problem.column >= 1, problem
    return caught.value


def threshold(policy: LoadedPolicy, code: str) -> ThresholdParams:
    compiled = policy.rule(code)
    assert compiled is not None, f"{code} is not in the policy"
    assert isinstance(compiled.params, ThresholdParams)
    return compiled.params


# --------------------------------------------------------------------------- the default pack


def test_no_ref_loads_the_default_pack(host: PluginHost) -> None:
    policy = load_policy(None, host)
    assert policy.name == "default"
    assert [(p.name, p.origin) for p in policy.packs] == [("default", "pack:default")]
    codes = [c.rule.code for c in policy.rules]
    assert codes[:3] == ["SG101", "SG102", "SG103"]
    assert len(set(codes)) == len(codes)
    for compiled in policy.rules:
        assert compiled.origin == "<pack default>"
        assert compiled.kind.name == compiled.rule.check["kind"]


def test_an_unknown_pack_name_at_the_top_is_a_usage_error(host: PluginHost) -> None:
    with pytest.raises(UsageError) as caught:
        load_policy("defualt", host)
    assert "no policy pack named 'defualt'" in caught.value.message
    assert caught.value.hint == "did you mean 'default'?"


def test_a_missing_policy_file_is_a_usage_error(host: PluginHost) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_policy(str(POLICIES / "no-such-policy.yaml"), host)


# --------------------------------------------------------------------------- extends and overrides


def test_extends_a_pack_by_name(host: PluginHost) -> None:
    path = POLICIES / "extends-default.yaml"
    policy = load(path, host)
    assert (policy.name, policy.version) == ("team-defaults", "1.0")
    assert [(p.name, p.version, p.origin) for p in policy.packs] == [
        ("default", "0.1.0", "pack:default"),
        ("team-defaults", "1.0", str(path)),
    ]
    codes = [c.rule.code for c in policy.rules]
    assert codes[:3] == ["SG101", "SG102", "SG103"]
    assert codes[-1] == "TD101"
    new_rule = policy.rule("TD101")
    assert new_rule is not None
    assert new_rule.origin == str(path)
    assert "sentiment-analysis" in policy.taxonomy  # inherited taxonomy


def test_an_override_merges_threshold_params_into_the_inherited_ones(host: PluginHost) -> None:
    policy = load(POLICIES / "extends-default.yaml", host)
    params = threshold(policy, "SG301")
    assert params.metric == "synthetic_share_records"
    assert params.warn is not None
    assert params.warn.above == 0.1  # overridden
    assert params.fail is not None
    assert params.fail.above == 0.5  # inherited
    assert params.when_unknown == "fail"  # inherited
    untouched = threshold(load_policy("default", host), "SG301")
    assert untouched.warn is not None
    assert untouched.warn.above == 0.25


def test_a_severity_override_by_rule_name(host: PluginHost) -> None:
    policy = load(POLICIES / "extends-default.yaml", host)
    floor = policy.rule("human-data-floor")
    assert floor is not None
    assert floor.rule.code == "SG103"
    assert floor.rule.severity == "warn"
    others = {c.rule.code: c.rule.severity for c in policy.rules if c.rule.code != "SG103"}
    assert set(others.values()) == {"fail"}


def test_severity_off_removes_the_rule(host: PluginHost) -> None:
    policy = load(POLICIES / "extends-default.yaml", host)
    assert policy.rule("SG501") is None
    assert policy.rule("low-resource-synthetic-ratio") is None
    inherited = [c.rule.code for c in load_policy("default", host).rules]
    expected = [code for code in inherited if code != "SG501"] + ["TD101"]
    assert [c.rule.code for c in policy.rules] == expected


def test_plain_severity_off_removes_the_rule(host: PluginHost) -> None:
    policy = load(POLICIES / "severity-off-plain.yaml", host)
    assert policy.rule("SG501") is None


def test_an_applies_override_merges_key_by_key(host: PluginHost) -> None:
    path = POLICIES / "override-applies-merge.yaml"
    policy = load(path, host)
    inherited = load_policy("default", host).rule("SG501")
    assert inherited is not None
    merged = policy.rule("SG501")
    assert merged is not None
    assert inherited.rule.applies.stages is None
    assert merged.rule.applies.stages == ["sft"]  # added by the override
    assert merged.rule.applies.scope == inherited.rule.applies.scope == "split"  # kept
    assert merged.rule.applies.splits == inherited.rule.applies.splits == ["train"]  # kept
    assert merged.rule.applies.resource_levels is None  # cleared by an explicit null
    assert inherited.rule.applies.resource_levels == ["low"]


def test_an_applies_override_is_validated_against_the_merged_selector(
    host: PluginHost, tmp_path: Path
) -> None:
    path = tmp_path / "scope-dataset.yaml"
    path.write_text(
        "name: scope-dataset\nextends: [default]\noverrides:\n  SG501:\n"
        "    applies: {scope: dataset}\n",
        encoding="utf-8",
    )
    (problem,) = load_error(path, host).problems  # the inherited 'splits: [train]' remains
    assert problem.path == str(path)
    assert problem.pointer == "/overrides/SG501/applies/scope"
    assert (problem.line, problem.column) == position_of(path, "scope: dataset")
    assert problem.message == "'splits' selects splits, but the rule's scope is 'dataset'"


def test_extends_a_pack_by_path_relative_to_the_extending_file(
    host: PluginHost, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the working directory must not matter
    path = POLICIES / "extends-path.yaml"
    policy = load(path, host)
    assert [(p.name, p.origin) for p in policy.packs] == [
        ("team-base", str(POLICIES / "base" / "base.yaml")),
        ("team-child", str(path)),
    ]
    assert [c.rule.code for c in policy.rules] == ["TB101", "TB102", "TC101"]
    params = threshold(policy, "TB101")
    assert params.fail is not None
    assert params.fail.above == 0.5
    assert params.warn is not None
    assert params.warn.above == 0.3
    generator_named = policy.rule("TB102")
    assert generator_named is not None
    assert generator_named.rule.severity == "warn"
    assert generator_named.origin == str(POLICIES / "base" / "base.yaml")


def test_a_relative_top_level_path_is_relative_to_the_working_directory(
    host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(POLICIES)
    policy = load_policy("extends-path.yaml", host)
    assert [p.origin for p in policy.packs] == [str(Path("base/base.yaml")), "extends-path.yaml"]


def test_relative_extends_chain_through_two_directories(host: PluginHost) -> None:
    policy = load(POLICIES / "base" / "nested" / "grandchild.yaml", host)
    assert [p.name for p in policy.packs] == ["team-base", "team-child", "team-grandchild"]
    assert [c.rule.code for c in policy.rules] == ["TB101", "TB102"]  # TC101 turned off


def test_a_pack_reached_twice_is_read_once(host: PluginHost) -> None:
    policy = load(POLICIES / "extends-diamond.yaml", host)
    assert [p.name for p in policy.packs] == ["team-base", "team-child", "diamond"]
    assert [c.rule.code for c in policy.rules] == ["TB101", "TB102", "TC101"]


# --------------------------------------------------------------------------- taxonomy


def test_taxonomy_merges_and_aliases_resolve_case_insensitively(host: PluginHost) -> None:
    policy = load(POLICIES / "extends-path.yaml", host)
    assert set(policy.taxonomy) == {"Code-Review", "commit-messages"}
    for name in ("Code-Review", "code-review", "CODE-REVIEW", "pr-review", "PR-REVIEW"):
        assert policy.resolve_task_type(name) == "Code-Review", name
    assert policy.resolve_task_type("Code_Review") == "Code-Review"
    assert policy.resolve_task_type("commit-msg") == "commit-messages"
    assert policy.resolve_task_type("code-reviews") is None
    assert policy.verifiability("Code-Review") == "verifiable"
    assert policy.verifiability("commit-messages") == "mixed"
    assert policy.verifiability("unknown") == "unknown"


def test_selector_task_types_compile_to_canonical_names(host: PluginHost) -> None:
    policy = load(POLICIES / "extends-path.yaml", host)
    review_cap, generator_named, commit_floor = policy.rules
    assert review_cap.task_types == frozenset({"Code-Review"})
    assert generator_named.task_types is None
    assert commit_floor.task_types == frozenset({"commit-messages"})


def test_default_aliases_are_case_insensitive(host: PluginHost) -> None:
    policy = load_policy("default", host)
    assert policy.resolve_task_type("Sentiment") == "sentiment-analysis"
    assert policy.resolve_task_type("QA") == "question-answering"
    assert policy.resolve_task_type("Text2SQL") == "text-to-sql"


# --------------------------------------------------------------------------- located errors


def test_an_override_of_a_rule_that_does_not_exist(host: PluginHost) -> None:
    path = ERRORS / "override-unknown-rule.yaml"
    by_code, by_name = load_error(path, host).problems
    assert by_code.path == by_name.path == str(path)
    assert by_code.message == "override names no inherited rule: 'SG3O1'"
    assert by_code.hint == "did you mean 'SG301'?"
    assert by_code.pointer == "/overrides/SG3O1"
    assert (by_code.line, by_code.column) == position_of(path, "SG3O1:")
    assert by_name.hint == "did you mean 'human-data-floor'?"
    assert (by_name.line, by_name.column) == position_of(path, "human-data-flor:")
    assert by_code.render().startswith(f"{path}:{by_code.line}:{by_code.column}: ")


ERROR_CASES = [
    pytest.param(
        "unknown-kind.yaml",
        "kind: treshold",
        "unknown check kind 'treshold'",
        "did you mean 'threshold'?",
        "/rules/0/check/kind",
        id="unknown-check-kind",
    ),
    pytest.param(
        "threshold-unknown-metric.yaml",
        "metric:",
        "unknown metric 'synthetic_share_record'; did you mean 'synthetic_share_records'?",
        "",
        "/rules/0/check/metric",
        id="unknown-metric",
    ),
    pytest.param(
        "unknown-task-type.yaml",
        "sentimnt-analysis",
        "task type 'sentimnt-analysis' is not in the taxonomy",
        "did you mean 'sentiment-analysis'?",
        "/rules/0/applies/task_types/1",
        id="task-type-not-in-taxonomy",
    ),
    pytest.param(
        "splits-dataset-scope.yaml",
        "splits: [train]",
        "'splits' selects splits, but the rule's scope is 'dataset'",
        "set 'scope: split' or 'scope: source', or remove 'splits'",
        "/rules/0/applies/splits",
        id="splits-with-dataset-scope",
    ),
    pytest.param(
        "required-unknown-fact.yaml",
        "generator.nmae",
        "'generator.nmae' names no field of a source; did you mean 'name'?",
        "",
        "/rules/0/check/facts/1",
        id="required-fact-no-such-field",
    ),
    pytest.param(
        "json-schema-invalid.yaml",
        "schema:",
        "not a valid JSON Schema",
        "",
        "/rules/0/check/schema",
        id="invalid-json-schema",
    ),
    pytest.param(
        "unknown-pack.yaml",
        "defualt",
        "no policy pack named 'defualt'",
        "did you mean 'default'?",
        "/extends/0",
        id="unknown-pack-name",
    ),
    pytest.param(
        "missing-file.yaml",
        "no/such/pack.yaml",
        "pack.yaml' does not exist",
        "check the path",
        "/extends/1",
        id="missing-extended-file",
    ),
    pytest.param(
        "override-band-two-keys.yaml",
        "warn:",
        "a band takes exactly one of",
        "",
        "/overrides/SG301/check/warn",
        id="override-param-located-in-the-override",
    ),
    pytest.param(
        "override-unknown-metric.yaml",
        "metric:",
        "unknown metric 'synthetic_share_recs'; did you mean 'synthetic_share_records'?",
        "",
        "/overrides/subjective-synthetic-share-cap/check/metric",
        id="override-validation-located-in-the-override",
    ),
    pytest.param(
        "unknown-rule-field.yaml",
        "sumary:",
        "unknown field 'sumary'",
        "did you mean 'summary'?",
        "/rules/0/sumary",
        id="unknown-rule-field",
    ),
    pytest.param(
        "bad-code.yaml",
        "code: sg-101",
        "should match pattern",
        "",
        "/rules/0/code",
        id="rule-code-pattern",
    ),
    pytest.param(
        "override-applies-task-type.yaml",
        "sentimnt",
        "task type 'sentimnt' is not in the taxonomy",
        "did you mean 'sentiment'?",
        "/overrides/SG301/applies/task_types/0",
        id="override-applies-located-in-the-override",
    ),
]


@pytest.mark.parametrize(("name", "needle", "message", "hint", "pointer"), ERROR_CASES)
def test_policy_errors_carry_file_line_column_and_pointer(
    host: PluginHost, name: str, needle: str, message: str, hint: str, pointer: str
) -> None:
    path = ERRORS / name
    problems = [p for p in load_error(path, host).problems if p.pointer == pointer]
    assert len(problems) == 1, load_error(path, host).render()
    (problem,) = problems
    assert problem.path == str(path)
    assert (problem.line, problem.column) == position_of(path, needle)
    assert message in problem.message
    assert hint in problem.hint


def test_an_override_cannot_change_the_check_kind(host: PluginHost) -> None:
    path = ERRORS / "override-kind.yaml"
    (problem,) = load_error(path, host).problems
    assert problem.path == str(path)
    assert (problem.line, problem.column) == position_of(path, "kind: required")
    assert problem.message == "an override cannot change a rule's check kind"
    assert problem.pointer == "/overrides/SG301/check/kind"
    assert "new rule" in problem.hint


def test_a_rule_code_or_name_defined_twice_across_packs(host: PluginHost) -> None:
    path = ERRORS / "duplicate-code.yaml"
    same_code, same_name = load_error(path, host).problems
    default_yaml = Path(str(files("synthgate.policies") / "default.yaml"))
    sg101_line = position_of(default_yaml, "code: SG101")[0]
    sg102_line = position_of(default_yaml, "code: SG102")[0]
    assert same_code.path == same_name.path == str(path)
    assert (same_code.line, same_code.column) == position_of(path, "code: SG101")
    assert same_code.message == (
        f"rule SG101 (provenance-again) is already defined at <pack default>:{sg101_line}"
    )
    assert (same_name.line, same_name.column) == position_of(path, "code: DC102")
    assert same_name.message == (
        f"rule DC102 (generator-named) is already defined at <pack default>:{sg102_line}"
    )


@pytest.mark.parametrize(
    ("start", "chain", "pointer"),
    [
        ("cycle-a.yaml", ["cycle-a.yaml", "cycle-b.yaml", "cycle-a.yaml"], "/extends/0"),
        ("cycle-b.yaml", ["cycle-b.yaml", "cycle-a.yaml", "cycle-b.yaml"], "/extends/1"),
        ("self-extends.yaml", ["self-extends.yaml", "self-extends.yaml"], "/extends/0"),
    ],
    ids=["a-b-a", "b-a-b", "self"],
)
def test_an_extends_cycle_is_an_error_naming_the_chain(
    host: PluginHost, start: str, chain: list[str], pointer: str
) -> None:
    path = ERRORS / start
    (problem,) = load_error(path, host).problems
    assert problem.path == str(path)
    assert problem.pointer == pointer  # the entry of 'extends' that leads into the cycle
    assert (problem.line, problem.column) == position_of(path, chain[1])
    assert problem.message == "policy extends itself through " + " -> ".join(
        str(ERRORS / name) for name in chain
    )


def test_an_extends_cycle_through_a_parent_directory_is_an_error(host: PluginHost) -> None:
    path = ERRORS / "cycle-up-a.yaml"
    (problem,) = load_error(path, host).problems
    assert "extends itself" in problem.message
    assert problem.path == str(path)
    assert problem.pointer == "/extends/0"
    assert (problem.line, problem.column) == position_of(path, "cycle-up-b.yaml")
    assert problem.message == "policy extends itself through " + " -> ".join(
        [str(path), str(ERRORS / "cycle-up-b.yaml"), str(ERRORS / "../errors/cycle-up-a.yaml")]
    )


def test_every_problem_of_a_policy_is_reported_at_once(host: PluginHost) -> None:
    path = ERRORS / "several-problems.yaml"
    metric, kind = load_error(path, host).problems
    assert (metric.path, kind.path) == (str(path), str(path))
    assert metric.pointer == "/rules/0/check/metric"
    assert (metric.line, metric.column) == position_of(path, "metric: human_share")
    assert kind.pointer == "/rules/2/check/kind"
    assert (kind.line, kind.column) == position_of(path, "kind: requierd")
    assert kind.hint == "did you mean 'required'?"


def test_a_policy_must_be_a_mapping(host: PluginHost) -> None:
    path = ERRORS / "not-a-mapping.yaml"
    (problem,) = load_error(path, host).problems
    assert (problem.path, problem.line, problem.column) == (str(path), 1, 1)
    assert problem.message == "a policy must be a mapping"


# --------------------------------------------------------------------------- trust


class _SpyParams(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tag: str


def _spy_run(scope: ScopeView, params: Any, context: CheckContext) -> list[Outcome]:
    return []


class SpyPlugin:
    """A check kind that records the trust it is validated with, and two packs of its rules."""

    def __init__(self) -> None:
        self.seen: dict[str, bool] = {}

    def _validate(self, params: _SpyParams, context: PolicyContext) -> list[tuple[str, str]]:
        self.seen[params.tag] = context.trusted
        return []

    @synthgate.plugin.hookimpl
    def synthgate_register_check_kinds(self) -> list[CheckKind]:
        return [CheckKind("spy", "Records its trust.", _SpyParams, _spy_run, self._validate)]

    @synthgate.plugin.hookimpl
    def synthgate_register_policy_packs(self) -> list[PolicyPack]:
        return [
            PolicyPack("spy-pack", "Spy rules.", POLICIES / "packs" / "spy-pack.yaml"),
            PolicyPack("spy-child-pack", "More.", POLICIES / "packs" / "spy-child-pack.yaml"),
        ]


def test_a_rule_is_trusted_only_from_a_pack_with_no_parameters_from_a_users_file() -> None:
    spy = SpyPlugin()
    host = PluginHost.from_plugins([("synthgate-checks", synthgate_plugins.checks), ("spy", spy)])
    load_policy(str(POLICIES / "spy-user.yaml"), host)
    assert spy.seen == {  # by the 'tag' each rule ends up with
        "sp101-user": False,  # a pack's rule whose parameters a user's file wrote
        "sp102": True,  # a user's file changed only its severity
        "sp103": True,  # untouched
        "sp104-child": True,  # another pack wrote its parameters
        "su101": False,  # a rule of the user's own file
    }


def test_a_pack_alone_is_trusted() -> None:
    spy = SpyPlugin()
    host = PluginHost.from_plugins([("synthgate-checks", synthgate_plugins.checks), ("spy", spy)])
    load_policy("spy-pack", host)
    assert spy.seen == dict.fromkeys(["sp101", "sp102", "sp103", "sp104"], True)


def test_an_invalid_schema_in_an_override_of_a_pack_rule_fails_at_load(host: PluginHost) -> None:
    path = ERRORS / "override-json-schema-invalid.yaml"
    (problem,) = load_error(path, host).problems
    assert problem.path == str(path)
    assert problem.pointer == "/overrides/SG403/check/schema"
    assert (problem.line, problem.column) == position_of(path, "schema:")
    assert problem.message.startswith("not a valid JSON Schema: ")
    assert "objekt" in problem.message


# --------------------------------------------------------------------------- validation work


def test_only_rules_an_override_edits_are_validated_again(
    host: PluginHost, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated: list[str] = []
    original = Rule.model_validate

    def counting(data: Any, *args: Any, **kwargs: Any) -> Rule:
        validated.append(data["code"])
        return original(data, *args, **kwargs)

    monkeypatch.setattr(Rule, "model_validate", counting)
    policy = load(POLICIES / "extends-default.yaml", host)
    assert sorted(validated) == ["SG103", "SG301", "SG501"]  # the three overridden rules
    assert policy.rule("SG103") is not None


def test_an_override_that_breaks_a_band_rule_is_blamed_on_the_override(host: PluginHost) -> None:
    path = ERRORS / "override-band-unreachable.yaml"
    (problem,) = load_error(path, host).problems
    assert problem.path == str(path)
    assert problem.pointer == "/overrides/SG301/check"
    assert (problem.line, problem.column) == position_of(path, "check:")
    assert problem.message.startswith("the warn band can never fire (warn when > 0.25, fail when")


# --------------------------------------------------------------------------- taxonomy clashes


def test_two_task_types_of_one_file_with_the_same_alias(host: PluginHost) -> None:
    path = ERRORS / "taxonomy-alias-twice.yaml"
    (problem,) = load_error(path, host).problems
    assert problem.path == str(path)
    assert problem.pointer == "/taxonomy/song-lyrics/aliases/1"
    assert (problem.line, problem.column) == position_of(path, "verse", occurrence=2)
    line = position_of(path, "verse")[0]
    assert problem.message == (
        "alias 'verse' of task type 'song-lyrics' is already taken by task type 'poetry' "
        f"({path}:{line})"
    )


def test_a_name_or_alias_the_inherited_taxonomy_already_claims(host: PluginHost) -> None:
    path = ERRORS / "taxonomy-alias-inherited.yaml"
    problems = {p.pointer: p for p in load_error(path, host).problems}
    default_yaml = Path(str(files("synthgate.policies") / "default.yaml"))
    sentiment_line = position_of(default_yaml, "sentiment-analysis:")[0]
    alias_line = position_of(default_yaml, "aliases: [sentiment,")[0]  # where 'sentiment' is
    code_line = position_of(default_yaml, "code-generation:")[0]
    assert set(problems) == {
        "/taxonomy/opinion-mining/aliases/1",
        "/taxonomy/feelings/aliases/0",
        "/taxonomy/Code-Generation",
    }
    alias = problems["/taxonomy/opinion-mining/aliases/1"]
    assert alias.path == str(path)
    assert (alias.line, alias.column) == position_of(path, "sentiment]")
    assert alias.message == (
        "alias 'sentiment' of task type 'opinion-mining' is already taken by task type "
        f"'sentiment-analysis' (<pack default>:{alias_line})"
    )
    name = problems["/taxonomy/feelings/aliases/0"]
    assert (name.line, name.column) == position_of(path, "sentiment-analysis]")
    assert name.message == (
        "alias 'sentiment-analysis' of task type 'feelings' is already taken by task type "
        f"'sentiment-analysis' as its name (<pack default>:{sentiment_line})"
    )
    case = problems["/taxonomy/Code-Generation"]
    assert (case.line, case.column) == position_of(path, "Code-Generation:")
    assert case.message == (
        "task type 'Code-Generation' differs only in case from task type 'code-generation' "
        f"(<pack default>:{code_line})"
    )


def test_a_redefined_task_type_gives_up_its_old_aliases(host: PluginHost) -> None:
    policy = load(POLICIES / "taxonomy-redefined.yaml", host)
    assert policy.resolve_task_type("sentiment") == "sentiment-scoring"
    assert policy.resolve_task_type("Sentiment-Classification") == "sentiment-analysis"
    assert policy.verifiability("sentiment-analysis") == "mixed"


class _PoemPlugin:
    def __init__(self, name: str, aliases: list[str]) -> None:
        self.name, self.aliases = name, aliases

    @synthgate.plugin.hookimpl
    def synthgate_extend_taxonomy(self) -> dict[str, TaskType]:
        return {self.name: TaskType(verifiability="subjective", aliases=self.aliases)}


@pytest.mark.parametrize(
    ("plugins", "message"),
    [
        pytest.param(
            [
                ("odes", _PoemPlugin("ode", ["poem"])),
                ("limericks", _PoemPlugin("limerick", ["poem"])),
            ],
            # pluggy calls the plugin registered last first: limericks claims 'poem' first
            "plugin odes (odes 0): alias 'poem' of task type 'ode' is already "
            "taken by task type 'limerick' (plugin limericks (limericks 0))",
            id="two-plugins",
        ),
        pytest.param(
            [("feels", _PoemPlugin("feels", ["sentiment-analysis"]))],
            "plugin feels (feels 0): alias 'sentiment-analysis' of task type 'feels' is already "
            "taken by task type 'sentiment-analysis' as its name (<pack default>:",
            id="plugin-alias-is-a-pack-name",
        ),
    ],
)
def test_an_alias_clash_of_a_plugins_task_type_is_a_usage_error(
    plugins: list[tuple[str, object]], message: str
) -> None:
    host = PluginHost.from_plugins([*_BUILTIN_MODULES, *plugins])
    with pytest.raises(UsageError) as caught:
        load_policy("default", host)
    assert caught.value.message.startswith(message)
    assert "names and aliases of its own" in caught.value.hint


def test_one_load_reports_every_problem_of_a_policy() -> None:
    from synthgate.plugins import load_plugins

    path = POLICIES / "errors" / "many-problems.yaml"
    with pytest.raises(PolicyError) as caught:
        load_policy(str(path), load_plugins(builtin_only=True))
    found = [(p.line, p.message, p.hint) for p in caught.value.problems]
    assert found == [
        (5, "override names no inherited rule: 'SG13'", "did you mean 'SG103'?"),
        (10, "task type 'sentimnt' is not in the taxonomy", "did you mean 'sentiment'?"),
        (11, "unknown check kind 'treshold'", "did you mean 'threshold'?"),
    ]
    assert all(p.path == str(path) for p in caught.value.problems)

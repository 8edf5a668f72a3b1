"""``eval-overlap``: evaluation sets related to the training sets audited with them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from synthgate import InputError, ManifestResult, PluginHost, audit_paths, load_plugins
from synthgate.audit import Audit
from synthgate.documents import parse_text
from synthgate_plugins.checks.overlap import name_keys, path_stem
from tests.conftest import CliResult

_RULES = [
    ("XO101", "shared-sources"),
    ("XO102", "eval-derived-from-training"),
    ("XO103", "training-derived-from-eval"),
    ("XO104", "shared-parents"),
]


@pytest.fixture
def host() -> PluginHost:
    return load_plugins(builtin_only=True)


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    rules = [
        {
            "code": code,
            "name": relation,
            "summary": f"No {relation}.",
            "applies": {"scope": "dataset", "stages": ["eval"]},
            "check": {
                "kind": "eval-overlap",
                "relation": relation,
                "verdict": "warn" if relation == "shared-parents" else "fail",
            },
        }
        for code, relation in _RULES
    ]
    path = tmp_path / "overlap.yaml"
    path.write_text(yaml.safe_dump({"name": "overlap", "rules": rules}), encoding="utf-8")
    return path


def _manifest(name: str, stage: str, sources: list[dict[str, Any]], **dataset: Any) -> str:
    data = {
        "dataset": {"name": name, "stage": stage, **dataset},
        "splits": [{"name": "train" if stage != "eval" else "test", "sources": sources}],
    }
    return yaml.safe_dump(data, sort_keys=False)


def _audit(host: PluginHost, policy: Path, *texts: str) -> list[ManifestResult]:
    audit = Audit.create(str(policy), host=host, keep_passes=True)
    docs = [parse_text(text, f"m{k}.synthgate.yaml") for k, text in enumerate(texts)]
    results = audit.audit_documents(docs)
    assert not any(isinstance(r, InputError) for r in results)
    return [r for r in results if isinstance(r, ManifestResult)]


def _verdicts(result: ManifestResult) -> dict[str, str]:
    return {f.rule: f.verdict for f in result.findings}


HUMAN = {"origin": "human", "records": 10}


def test_a_source_in_both_sets_fails_and_names_the_training_file(
    host: PluginHost, policy: Path
) -> None:
    train = _manifest("train-set", "sft", [{"id": "gsm8k-test", **HUMAN}])
    evaluation = _manifest("eval-set", "eval", [{"id": "gsm8k-test", **HUMAN}])
    train_result, eval_result = _audit(host, policy, train, evaluation)
    assert _verdicts(eval_result) == {
        "XO101": "fail",
        "XO102": "pass",
        "XO103": "pass",
        "XO104": "pass",
    }
    assert train_result.findings == []  # the rules select evaluation sets only
    finding = next(f for f in eval_result.findings if f.rule == "XO101")
    assert finding.location.file == "m1.synthgate.yaml"
    assert finding.location.pointer == "/splits/0/sources/0/id"
    assert [(r.file, r.pointer, r.line) for r in finding.related] == [
        ("m0.synthgate.yaml", "/splits/0/sources/0/id", 7)
    ]
    assert "m0.synthgate.yaml" in finding.message
    assert "'gsm8k-test'" in finding.message


def test_derivation_either_way_is_found(host: PluginHost, policy: Path) -> None:
    train = _manifest("train-set", "sft", [{"id": "a", **HUMAN, "derived_from": ["eval-set"]}])
    evaluation = _manifest("eval-set", "eval", [{"id": "b", **HUMAN}], derived_from=["train-set"])
    _, eval_result = _audit(host, policy, train, evaluation)
    verdicts = _verdicts(eval_result)
    assert verdicts["XO102"] == "fail"  # eval derived from the training set
    assert verdicts["XO103"] == "fail"  # training set derived from the eval set
    derived = next(f for f in eval_result.findings if f.rule == "XO103")
    assert derived.related[0].pointer == "/splits/0/sources/0/derived_from/0"


def test_a_shared_parent_warns_unless_a_contamination_check_covers_it(
    host: PluginHost, policy: Path
) -> None:
    evaluation = _manifest("eval-set", "eval", [{"id": "b", **HUMAN, "derived_from": ["GSM8K"]}])
    unchecked = _manifest("train-set", "sft", [{"id": "a", **HUMAN, "derived_from": ["gsm8k"]}])
    checked = _manifest(
        "train-set",
        "sft",
        [{"id": "a", **HUMAN, "derived_from": ["gsm8k"]}],
        contamination={"method": "13-gram", "eval_sets": ["eval-set"], "flagged_share": 0.0},
    )
    assert _verdicts(_audit(host, policy, unchecked, evaluation)[1])["XO104"] == "warn"
    assert _verdicts(_audit(host, policy, checked, evaluation)[1])["XO104"] == "pass"


def test_without_training_sets_it_passes_and_says_why(host: PluginHost, policy: Path) -> None:
    evaluation = _manifest("eval-set", "eval", [{"id": "b", **HUMAN}])
    other_eval = _manifest("other", "eval", [{"id": "b2", **HUMAN}])
    results = _audit(host, policy, evaluation, other_eval)
    messages = {f.message for f in results[0].findings}
    assert messages == {"no training set in this audit or its context to compare with"}


def test_unknown_stage_is_not_taken_for_training(host: PluginHost, policy: Path) -> None:
    maybe = _manifest("maybe", "unknown", [{"id": "same", **HUMAN}])
    evaluation = _manifest("eval-set", "eval", [{"id": "same", **HUMAN}])
    assert _verdicts(_audit(host, policy, maybe, evaluation)[1])["XO101"] == "pass"


def test_cli_relates_files_of_one_run_and_sarif_carries_related_locations(
    tmp_path: Path, policy: Path, run_cli: Callable[..., CliResult]
) -> None:
    (tmp_path / "train.synthgate.yaml").write_text(
        _manifest("train-set", "sft", [{"id": "shared", **HUMAN}]), encoding="utf-8"
    )
    (tmp_path / "eval.synthgate.yaml").write_text(
        _manifest("eval-set", "eval", [{"id": "shared", **HUMAN}]), encoding="utf-8"
    )
    sarif = tmp_path / "out.sarif"
    result = run_cli(
        "audit",
        "--policy",
        str(policy),
        "--format",
        "text",
        "--format",
        f"sarif={sarif}",
        str(tmp_path),
    )
    assert result.code == 1, result.err
    assert "see also:" in result.out
    assert "train.synthgate.yaml:7:" in result.out
    log = json.loads(sarif.read_text(encoding="utf-8"))
    (sarif_result,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "XO101"]
    related = sarif_result["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"].endswith("train.synthgate.yaml")
    # Audited alone, the evaluation set has nothing to be compared with.
    alone = run_cli("audit", "--policy", str(policy), str(tmp_path / "eval.synthgate.yaml"))
    assert alone.code == 0, alone.out


def test_parallel_workers_relate_manifests_like_a_serial_run(
    tmp_path: Path, host: PluginHost, policy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import synthgate.audit
    from synthgate.audit import PARALLEL_THRESHOLD

    for k in range(PARALLEL_THRESHOLD):
        stage = "eval" if k % 2 else "sft"
        text = _manifest(f"set-{k}", stage, [{"id": f"src-{k // 2}", **HUMAN}])
        (tmp_path / f"m{k:03}.synthgate.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "m050-broken.synthgate.yaml").write_text("dataset: [\n", encoding="utf-8")
    audit = Audit.create(str(policy), host=host)
    items = audit.discover([str(tmp_path)])

    def run(jobs: int) -> list[object]:
        return [
            r.render() if isinstance(r, InputError) else r.model_dump()
            for r in audit.results(items, jobs=jobs)
        ]

    serial = run(1)
    assert serial == run(2)
    assert sum("m050-broken.synthgate.yaml:2:" in str(r) for r in serial) == 1
    # Past the hold limit, manifests are read twice (names first, then evaluated and
    # streamed): the results are the same, serial or parallel.
    monkeypatch.setattr(synthgate.audit, "HOLD_LIMIT", 10)
    for jobs in (1, 2):
        assert run(jobs) == serial
    failing = [r for r in serial if isinstance(r, dict) and r["verdict"] == "fail"]
    assert len(failing) == PARALLEL_THRESHOLD // 2


def test_only_a_dataset_scope_can_relate_manifests(tmp_path: Path, host: PluginHost) -> None:
    from synthgate import PolicyError, load_policy

    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\nrules:\n  - code: XO201\n    name: wrong-scope\n    summary: Wrong.\n"
        "    applies: {scope: source}\n"
        "    check: {kind: eval-overlap, relation: shared-sources}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match="eval-overlap relates whole manifests"):
        load_policy(str(path), host)


def test_generic_ids_and_local_references_relate_nothing(host: PluginHost, policy: Path) -> None:
    # The same id with another record count is other data; a derived_from that names a
    # source of its own manifest is a reference inside that manifest.
    train = _manifest(
        "train-set",
        "sft",
        [
            {"id": "human", "origin": "human", "records": 900},
            {"id": "gen", "origin": "synthetic", "records": 5, "derived_from": ["human"]},
        ],
    )
    evaluation = _manifest(
        "eval-set",
        "eval",
        [
            {"id": "human", "origin": "human", "records": 50},
            {"id": "para", "origin": "synthetic", "records": 5, "derived_from": ["human"]},
        ],
    )
    verdicts = _verdicts(_audit(host, policy, train, evaluation)[1])
    assert verdicts == {"XO101": "pass", "XO102": "pass", "XO103": "pass", "XO104": "pass"}


def test_many_training_sets_give_one_finding_that_names_a_few(
    host: PluginHost, policy: Path
) -> None:
    trainings = [_manifest(f"train-{k}", "sft", [{"id": "shared", **HUMAN}]) for k in range(8)]
    evaluation = _manifest("eval-set", "eval", [{"id": "shared", **HUMAN}])
    result = _audit(host, policy, *trainings, evaluation)[-1]
    (finding,) = [f for f in result.findings if f.rule == "XO101"]
    assert "training sets 'train-0' (m0.synthgate.yaml)" in finding.message
    assert finding.message.endswith("and 3 more")
    assert len(finding.observed["training_manifests"]) == 8
    assert len(finding.related) == 8


_SPECS = st.lists(
    st.tuples(
        st.sampled_from(["sft", "eval", "pretrain", "unknown"]),
        st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=3, unique=True),
        st.lists(st.sampled_from(["p", "q", "set-0", "set-1"]), max_size=2),
    ),
    min_size=1,
    max_size=5,
)


@given(specs=_SPECS, rng=st.randoms(use_true_random=False))
@settings(max_examples=40, deadline=None)
def test_relations_do_not_depend_on_the_order_of_manifests(
    tmp_path_factory: pytest.TempPathFactory,
    specs: list[tuple[str, list[str], list[str]]],
    rng: Any,
) -> None:
    host = load_plugins(builtin_only=True)
    path = tmp_path_factory.mktemp("overlap") / "overlap.yaml"
    rules = [
        {
            "code": code,
            "name": relation,
            "summary": "S.",
            "applies": {"scope": "dataset", "stages": ["eval"]},
            "check": {"kind": "eval-overlap", "relation": relation},
        }
        for code, relation in _RULES
    ]
    path.write_text(yaml.safe_dump({"name": "overlap", "rules": rules}), encoding="utf-8")
    texts = [
        _manifest(
            f"set-{k}",
            stage,
            [{"id": source, **HUMAN} for source in sources],
            derived_from=parents,
        )
        for k, (stage, sources, parents) in enumerate(specs)
    ]
    order = list(range(len(texts)))
    shuffled = order[:]
    rng.shuffle(shuffled)

    def findings(indices: list[int]) -> dict[str, list[tuple[str, str, str]]]:
        audit = Audit.create(str(path), host=host, keep_passes=True)
        docs = [parse_text(texts[k], f"m{k}.synthgate.yaml") for k in indices]
        results = audit.audit_documents(docs)
        return {
            r.path: sorted((f.rule, f.verdict, f.message) for f in r.findings)
            for r in results
            if isinstance(r, ManifestResult)
        }

    assert findings(order) == findings(shuffled)


def test_manifests_left_out_make_a_finding_of_nothing_unknown_not_a_pass() -> None:
    from synthgate.check_contract import Corpus
    from synthgate_plugins.checks.overlap import EVAL_OVERLAP, EvalOverlapParams

    host = load_plugins(builtin_only=True)
    audit = Audit.create(host=host)
    document = parse_text(_manifest("eval-set", "eval", [{"id": "b", **HUMAN}]), "e.yaml")
    (staged,) = [audit.stage_document(document)]
    assert staged.entry is not None
    assert EVAL_OVERLAP.relate is not None
    for when_unknown in ("warn", "fail"):
        params = EvalOverlapParams(relation="eval-derived-from-training", when_unknown=when_unknown)
        (seen,) = EVAL_OVERLAP.relate(staged.entry, Corpus([staged.entry]), params)
        assert seen.verdict == "pass"
        (unseen,) = EVAL_OVERLAP.relate(staged.entry, Corpus([staged.entry], left_out=3), params)
        assert (unseen.verdict, unseen.observed) == (when_unknown, "unknown")
        assert unseen.message.startswith("unknown: 3 manifests of the project not in this audit")


# --------------------------------------------------------------------------- identity

LINEAGE = Path(__file__).parents[2] / "fixtures" / "lineage"


def _sg7(paths: list[Path]) -> dict[str, dict[str, str]]:
    report = audit_paths([str(p) for p in paths], keep_passes=True)
    return {
        Path(m.path).name: {f.rule: f.verdict for f in m.findings if f.rule.startswith("SG7")}
        for m in report.manifests
    }


def test_a_card_makes_its_pretty_name_and_its_hub_id_one_dataset() -> None:
    # The training set names "Grade School Math 8K", the evaluation set "openai/GSM8K"; the
    # card (folder gsm8k, paperswithcode_id gsm8k) says they are the same dataset.
    together = _sg7(
        [
            LINEAGE / "math-sft.synthgate.yaml",
            LINEAGE / "gsm8k-hard-eval.synthgate.yaml",
            LINEAGE / "gsm8k" / "README.md",
        ]
    )
    assert together["gsm8k-hard-eval.synthgate.yaml"]["SG704"] == "warn"
    # Without the card nothing says the two names are one dataset.
    apart = _sg7([LINEAGE / "math-sft.synthgate.yaml", LINEAGE / "gsm8k-hard-eval.synthgate.yaml"])
    assert apart["gsm8k-hard-eval.synthgate.yaml"]["SG704"] == "pass"


def test_names_match_without_case_or_punctuation(host: PluginHost, policy: Path) -> None:
    train = _manifest("GSM8K", "sft", [{"id": "problems", **HUMAN}])
    evaluation = _manifest("gsm-hard", "eval", [{"id": "hard", **HUMAN}], derived_from=["gsm-8k"])
    _, eval_result = _audit(host, policy, train, evaluation)
    assert _verdicts(eval_result)["XO102"] == "fail"


def test_declared_aliases_and_file_stems_name_the_dataset(host: PluginHost, policy: Path) -> None:
    train = _manifest("math-sft-v2", "sft", [{"id": "problems", **HUMAN}], aliases=["msft"])
    evaluation = _manifest("probe", "eval", [{"id": "hard", **HUMAN}], derived_from=["MSFT"])
    _, eval_result = _audit(host, policy, train, evaluation)
    assert _verdicts(eval_result)["XO102"] == "fail"
    # m0.synthgate.yaml is the training manifest's file: its stem names it too.
    evaluation = _manifest("probe", "eval", [{"id": "hard", **HUMAN}], derived_from=["m0"])
    _, eval_result = _audit(host, policy, train, evaluation)
    assert _verdicts(eval_result)["XO102"] == "fail"


def test_different_datasets_stay_apart(host: PluginHost, policy: Path) -> None:
    train = _manifest("gsm8k", "sft", [{"id": "problems", **HUMAN}])
    evaluation = _manifest("probe", "eval", [{"id": "hard", **HUMAN}], derived_from=["gsm-hard"])
    _, eval_result = _audit(host, policy, train, evaluation)
    assert _verdicts(eval_result)["XO102"] == "pass"


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("Grade School Math 8K", {"gradeschoolmath8k"}),
        ("GSM-8K", {"gsm8k"}),
        ("openai/gsm8k", {"openaigsm8k", "gsm8k"}),
        (
            "https://example.org/datasets/seed-topics/",
            {"httpsexampleorgdatasetsseedtopics", "seedtopics"},
        ),
    ],
)
def test_name_keys(name: str, keys: set[str]) -> None:
    assert name_keys(name) == keys


@pytest.mark.parametrize(
    ("path", "stem"),
    [
        ("data/gsm8k/README.md", "gsm8k"),
        ("data/math-sft.synthgate.yaml", "math-sft"),
        ("x/croissant.json", "x"),
        ("x/eval.json", "eval"),
    ],
)
def test_path_stem(path: str, stem: str) -> None:
    assert path_stem(path) == stem

"""Properties over generated manifests: the engine never crashes, and output is deterministic."""

from __future__ import annotations

import io
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgate.audit import Audit
from synthgate.documents import parse_text
from synthgate.errors import InputError
from synthgate.evaluate import evaluate
from synthgate.models import Manifest, ManifestResult, Totals
from synthgate.plugins import load_plugins
from synthgate.reporter_contract import RunInfo
from synthgate.validation import validate_model

_AUDIT = Audit.create(host=load_plugins(builtin_only=True))
_UNKNOWN = st.just("unknown")
_COUNT = st.one_of(st.integers(min_value=-5, max_value=10**7), _UNKNOWN)
_SHARE = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32), _UNKNOWN)
_NAME = st.sampled_from(["gpt-4o", "llama-3.1-70b", "claude-3-5-sonnet", "unknown", ""])
_FAMILY = st.sampled_from(["gpt-4o", "llama-3", "claude-3", "unknown"])


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


_GENERATOR = st.fixed_dictionaries({"name": _NAME}, optional={"family": _FAMILY})
_SOURCE = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=5)},
    optional={
        "origin": st.sampled_from(["human", "synthetic", "mixed", "unknown", "humna"]),
        "records": _COUNT,
        "tokens": _COUNT,
        "synthetic_share": _SHARE,
        "generator": _GENERATOR,
        "generation_depth": _COUNT,
        "verification": st.fixed_dictionaries(
            {},
            optional={
                "method": st.sampled_from(["unit-tests", "none", "exact-answer"]),
                "items_checked": _COUNT,
                "items_passed": _COUNT,
            },
        ),
        "human_audit": st.fixed_dictionaries({}, optional={"items": _COUNT, "error_rate": _SHARE}),
    },
)
_MANIFEST = st.fixed_dictionaries(
    {
        "dataset": st.fixed_dictionaries(
            {"name": st.text(min_size=1, max_size=8)},
            optional={
                "task_type": st.sampled_from(
                    ["code-generation", "sentiment", "qa", "translation", "unknown", "cooking"]
                ),
                "stage": st.sampled_from(["sft", "eval", "pretrain", "unknown"]),
                "resource_level": st.sampled_from(["low", "high", "unknown"]),
                "target_models": st.lists(_GENERATOR, max_size=2),
                "judge": _GENERATOR,
            },
        ),
        "splits": st.lists(
            st.fixed_dictionaries(
                {
                    "name": st.sampled_from(["train", "test", "validation"]),
                    "sources": st.lists(_SOURCE, max_size=4),
                }
            ),
            max_size=3,
        ),
    }
)


def _audit_text(text: str) -> ManifestResult | InputError:
    try:
        doc = parse_text(text, "generated.synthgate.yaml")
        manifest = validate_model(Manifest, doc.data, doc)
        return evaluate(manifest, doc, _AUDIT.policy, _AUDIT.context, keep_passes=True)
    except InputError as exc:
        return exc


def _json_bytes(result: ManifestResult) -> str:
    from synthgate_plugins.reports.json import JsonReporter

    out = io.StringIO()
    reporter = JsonReporter(out, RunInfo("0", _AUDIT.policy.packs, []))
    reporter.start()
    reporter.add(result)
    reporter.finish(Totals(manifests=1, findings=result.counts), result.verdict)
    return out.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MANIFEST)
def test_generated_manifests_give_findings_or_a_clean_input_error(data: dict[str, Any]) -> None:
    outcome = _audit_text(yaml.safe_dump(data, sort_keys=False))
    assert isinstance(outcome, ManifestResult | InputError)
    if isinstance(outcome, InputError):
        for problem in outcome.problems:
            assert problem.line >= 1
            assert problem.column >= 1
            assert problem.message
    else:
        for finding in outcome.findings:
            assert finding.location.line >= 1
            assert finding.verdict in ("pass", "warn", "fail")  # no check crashed


@settings(max_examples=100, deadline=None)
@given(_MANIFEST)
def test_same_input_gives_byte_identical_json(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, sort_keys=False)
    first, second = _audit_text(text), _audit_text(text)
    if isinstance(first, ManifestResult):
        assert isinstance(second, ManifestResult)
        assert _json_bytes(first) == _json_bytes(second)
    else:
        assert isinstance(second, InputError)
        assert first.render() == second.render()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_the_reader(text: str) -> None:
    outcome = _audit_text(text)
    assert isinstance(outcome, ManifestResult | InputError)


@settings(max_examples=150, deadline=None)
@given(
    human=st.integers(min_value=1, max_value=10**6),
    synthetic=st.integers(min_value=0, max_value=10**6),
    extra=st.integers(min_value=1, max_value=10**6),
)
def test_adding_synthetic_records_never_improves_the_synthetic_share_verdict(
    human: int, synthetic: int, extra: int
) -> None:
    def verdict(synthetic_records: int) -> int:
        manifest = {
            "dataset": {"name": "d", "task_type": "sentiment-analysis", "stage": "sft"},
            "splits": [
                {
                    "name": "train",
                    "sources": [
                        {"id": "h", "origin": "human", "records": human},
                        {
                            "id": "s",
                            "origin": "synthetic",
                            "records": synthetic_records,
                            "generator": {"name": "g", "family": "f"},
                            "generation_depth": 1,
                        },
                    ],
                }
            ],
        }
        result = _audit_text(yaml.safe_dump(manifest))
        assert isinstance(result, ManifestResult)
        (finding,) = [f for f in result.findings if f.rule == "SG301"]
        return {"pass": 0, "warn": 1, "fail": 2}[finding.verdict]

    assert verdict(synthetic + extra) >= verdict(synthetic)

"""The ``evaluation-present`` check kind: a trained model is evaluated by targeted benchmarks or
blinded human raters, not by judge scores alone."""

from __future__ import annotations

from typing import Any

import pytest

from synthgate.check_contract import Outcome, PolicyContext
from synthgate_plugins.checks.evaluation import EVALUATION_PRESENT, EvaluationParams

from ..scopes import check_context, host, scope_at


def run(params: dict[str, Any] | None = None, **dataset: Any) -> Outcome:
    data = {
        "dataset": {"name": "probe", "stage": "sft", **dataset},
        "splits": [
            {"name": "train", "sources": [{"id": "s", "origin": "synthetic", "records": 1}]}
        ],
    }
    scope = scope_at(data, "dataset")
    outcomes = list(
        EVALUATION_PRESENT.run(scope, EvaluationParams(**(params or {})), check_context())
    )
    assert len(outcomes) == 1
    return outcomes[0]


JUDGE = {"name": "gpt-4o", "family": "gpt-4"}


@pytest.mark.parametrize(
    ("dataset", "verdict", "pointer", "text"),
    [
        ({"targeted_benchmarks": ["humaneval"]}, "pass", None, "targeted benchmarks: humaneval"),
        (
            {"targeted_benchmarks": ["gsm8k"], "judge": JUDGE, "human_evaluation": {"items": 0}},
            "pass",
            None,
            "gsm8k",
        ),
        ({"human_evaluation": {"items": 250, "blinded": True}}, "pass", None, "250 items"),
        (
            {"human_evaluation": {"items": 179, "blinded": True}},
            "warn",
            "/dataset/human_evaluation/items",
            "179 items, fewer than 200",
        ),
        (
            {"human_evaluation": {"items": 500, "blinded": False}},
            "warn",
            "/dataset/human_evaluation/blinded",
            "knew which model",
        ),
        ({"judge": JUDGE}, "fail", "/dataset/judge", "judge 'gpt-4o'"),
        ({"human_evaluation": {"items": 0}}, "fail", "/dataset/human_evaluation", "alone"),
        ({}, "warn", None, "how the trained model is evaluated is unknown"),
        (
            {"human_evaluation": {"blinded": True}},
            "warn",
            "/dataset/human_evaluation/items",
            "items is not declared",
        ),
        (
            {"human_evaluation": {"items": 300}},
            "warn",
            "/dataset/human_evaluation/blinded",
            "blinded is not declared",
        ),
    ],
    ids=[
        "targeted-benchmarks",
        "targeted-benchmarks-win-over-judge",
        "blinded-human-evaluation",
        "few-human-judgments",
        "unblinded",
        "judge-only",
        "zero-human-judgments",
        "nothing-declared",
        "items-undeclared",
        "blinding-undeclared",
    ],
)
def test_verdicts(dataset: dict[str, Any], verdict: str, pointer: str | None, text: str) -> None:
    outcome = run(**dataset)
    assert outcome.verdict == verdict
    assert outcome.pointer == pointer
    assert text in outcome.message


def test_verdicts_and_sample_size_are_parameters() -> None:
    strict = {"human_items": 400, "few_items": "fail", "unblinded": "fail", "when_unknown": "fail"}
    assert run(strict, human_evaluation={"items": 300, "blinded": True}).verdict == "fail"
    assert run(strict, human_evaluation={"items": 400, "blinded": True}).verdict == "pass"
    assert run(strict).verdict == "fail"


def test_only_the_dataset_scope_is_allowed() -> None:
    assert EVALUATION_PRESENT.validate is not None
    for scope, expected in (("dataset", 0), ("split", 1), ("source", 1)):
        context = PolicyContext(host().metrics(), frozenset(), scope)  # type: ignore[arg-type]
        params = EvaluationParams.model_validate({})
        assert len(list(EVALUATION_PRESENT.validate(params, context))) == expected

"""``evaluation-present``: the trained model is judged by targeted benchmarks or by people, not
only by a judge model or preference scores."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pydantic import Field

from synthgate.models import UNKNOWN
from synthgate.plugin import CheckContext, CheckKind, CheckParams, Outcome, PolicyContext, ScopeView
from synthgate_plugins.checks._kind_params import CheckVerdict, dataset_scope_only

__all__ = ["EVALUATION_PRESENT", "EvaluationParams"]


class EvaluationParams(CheckParams):
    """Verdicts for the evaluation a dataset declares for the model trained on it.

    Targeted benchmarks (``dataset.targeted_benchmarks``) pass. Otherwise a human evaluation of
    at least ``human_items`` blinded judgments passes; fewer get ``few_items``, unblinded ones
    ``unblinded``. Judge scores alone (a judge and no human evaluation, or one of 0 items) get
    ``missing``; a dataset that declares no benchmark, human evaluation or judge, or leaves
    the count or blinding undeclared, gets ``when_unknown``.
    """

    human_items: int = Field(200, ge=1)
    missing: CheckVerdict = "fail"
    few_items: CheckVerdict = "warn"
    unblinded: CheckVerdict = "warn"
    when_unknown: CheckVerdict = "warn"


def _validate(params: EvaluationParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    yield from dataset_scope_only(context, "evaluation-present", "missing", "reads dataset facts")


def _run(scope: ScopeView, params: EvaluationParams, context: CheckContext) -> Iterator[Outcome]:
    dataset = scope.manifest.dataset
    expected = (
        f"targeted benchmarks, or a blinded human evaluation of >= {params.human_items} items"
    )
    if dataset.targeted_benchmarks:
        yield Outcome(
            "pass",
            list(dataset.targeted_benchmarks),
            expected,
            "evaluated on targeted benchmarks: " + ", ".join(dataset.targeted_benchmarks),
        )
        return
    human = dataset.human_evaluation
    if human is None and dataset.judge is None:
        yield Outcome(
            params.when_unknown,
            UNKNOWN,
            expected,
            "the dataset declares no targeted benchmark, human evaluation or judge: how the "
            "trained model is evaluated is unknown",
        )
        return
    if human is None or human.items == 0:
        judge = f"judge '{dataset.judge.name}'" if dataset.judge is not None else "a judge"
        yield Outcome(
            params.missing,
            0 if human is not None else "absent",
            expected,
            f"the trained model is scored by {judge} or preference scores alone: no targeted "
            "benchmark, and no human evaluation",
            pointer="/dataset/human_evaluation" if human is not None else "/dataset/judge",
        )
        return
    pointer = "/dataset/human_evaluation"
    if human.items == UNKNOWN or human.blinded == UNKNOWN:
        missing = "items" if human.items == UNKNOWN else "blinded"
        yield Outcome(
            params.when_unknown,
            UNKNOWN,
            expected,
            f"human_evaluation.{missing} is not declared",
            pointer=f"{pointer}/{missing}",
        )
        return
    assert isinstance(human.items, int)
    if human.items < params.human_items:
        yield Outcome(
            params.few_items,
            human.items,
            expected,
            f"human evaluation covers {human.items} items, fewer than {params.human_items}",
            pointer=f"{pointer}/items",
        )
        return
    if human.blinded is False:
        yield Outcome(
            params.unblinded,
            False,
            expected,
            "raters of the human evaluation knew which model wrote what (blinded: false)",
            pointer=f"{pointer}/blinded",
        )
        return
    yield Outcome("pass", human.items, expected, f"blinded human evaluation of {human.items} items")


EVALUATION_PRESENT = CheckKind(
    name="evaluation-present",
    summary="The trained model is evaluated by targeted benchmarks or blinded human raters.",
    params=EvaluationParams,
    run=_run,
    validate=_validate,
)

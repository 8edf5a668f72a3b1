"""``generator-independence``: evaluation data must not come from, or be judged by, the family
of the models it evaluates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

from synthgate.models import UNKNOWN, ModelRef, model_key
from synthgate.plugin import CheckContext, CheckKind, CheckParams, Outcome, PolicyContext, ScopeView
from synthgate_plugins.checks._kind_params import CheckVerdict, dataset_scope_only

__all__ = ["GENERATOR_INDEPENDENCE", "IndependenceParams"]


class IndependenceParams(CheckParams):
    """What to compare with ``dataset.target_models``, and the verdict for each kind of overlap.

    ``when_unknown`` is the verdict when independence cannot be judged: a family or the target
    models are not declared, or a source that may be model output (synthetic, mixed, or of
    unknown origin) names no generator. Names and families compare by ``model_key``.
    """

    compare: Literal["generators", "judge"] = "generators"
    same_model: CheckVerdict = "fail"
    same_family: CheckVerdict = "warn"
    when_unknown: CheckVerdict = "warn"


def _validate(params: IndependenceParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    yield from dataset_scope_only(
        context, "generator-independence", "compare", "compares the whole dataset"
    )


def _same(a: str, b: str) -> bool:
    key = model_key(a)
    return key != UNKNOWN and key == model_key(b)


def _unknown(name: str) -> bool:
    return model_key(name) == UNKNOWN


def _run(scope: ScopeView, params: IndependenceParams, context: CheckContext) -> Iterator[Outcome]:
    dataset = scope.manifest.dataset
    targets = dataset.target_models
    what = "generator" if params.compare == "generators" else "judge"
    expected = (
        f"no {what} is a target model (else {params.same_model}) "
        f"or of a target model's family (else {params.same_family})"
    )
    rank = {"pass": 0, "warn": 1, "fail": 2}
    worst: tuple[int, Outcome] | None = None
    subjects: list[tuple[str, ModelRef]]
    if params.compare == "judge":
        subjects = [("/dataset/judge", dataset.judge)] if dataset.judge is not None else []
    else:
        subjects = []
        for pointer, source in scope.sources:
            if source.origin == "human":
                continue
            if source.generator is not None:  # an unknown-origin source may still name one
                subjects.append((pointer + "/generator", source.generator))
                continue
            # Not comparable, but keep going: a later source may name the target itself.
            if worst is None:
                message = (
                    f"source '{source.id}' has an unknown origin: a model may have generated it"
                    if source.origin == UNKNOWN
                    else f"source '{source.id}' is {source.origin} but names no generator"
                )
                worst = (
                    rank[params.when_unknown],
                    Outcome(params.when_unknown, UNKNOWN, expected, message, pointer=pointer),
                )
    if not subjects:
        if worst is not None:  # only sources that name no generator
            yield worst[1]
        else:
            yield Outcome("pass", [], expected, f"no {what} model is involved")
        return
    if not targets:
        yield Outcome(
            params.when_unknown,
            "unknown",
            expected,
            "dataset.target_models is not declared, so independence cannot be checked",
            pointer="/dataset/target_models",
        )
        return
    subject: ModelRef
    for pointer, subject in subjects:
        for target in targets:
            if _same(subject.name, target.name):
                outcome = Outcome(
                    params.same_model,
                    {what: subject.name, "target": target.name},
                    expected,
                    f"{what} '{subject.name}' is itself a target model",
                    pointer=pointer,
                )
            elif _same(subject.family, target.family):
                outcome = Outcome(
                    params.same_family,
                    {what: subject.name, "target": target.name, "family": subject.family},
                    expected,
                    f"{what} '{subject.name}' is of the same family ('{subject.family}') as "
                    f"target model '{target.name}'",
                    pointer=pointer,
                )
            elif _unknown(subject.family) or _unknown(target.family):
                outcome = Outcome(
                    params.when_unknown,
                    {what: subject.name, "target": target.name, "family": UNKNOWN},
                    expected,
                    f"family of {what} '{subject.name}' or of target '{target.name}' is unknown",
                    pointer=pointer,
                )
            else:
                continue
            if worst is None or rank[outcome.verdict] > worst[0]:
                worst = (rank[outcome.verdict], outcome)
    if worst is not None and worst[0] > 0:
        yield worst[1]
        return
    names = sorted({subject.name for _, subject in subjects})
    yield Outcome("pass", names, expected, f"{what} models are independent of the target models")


GENERATOR_INDEPENDENCE = CheckKind(
    name="generator-independence",
    summary="Generators (or the judge) of evaluation data are not the evaluated models or family.",
    params=IndependenceParams,
    run=_run,
    validate=_validate,
)

"""``generator-independence``: evaluation data must not come from, or be judged by, the family
of the models it evaluates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

from synthgate import CheckContext, CheckKind, Outcome, PolicyContext, ScopeView
from synthgate_plugins.checks._params import Outcome3, Params

__all__ = ["GENERATOR_INDEPENDENCE", "IndependenceParams"]


class IndependenceParams(Params):
    """What to compare with ``dataset.target_models``, and the verdict for each kind of overlap."""

    compare: Literal["generators", "judge"] = "generators"
    same_model: Outcome3 = "fail"
    same_family: Outcome3 = "warn"
    when_unknown: Outcome3 = "warn"


def _validate(params: IndependenceParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    if context.scope != "dataset":
        yield "compare", "generator-independence compares the whole dataset: use 'scope: dataset'"


def _same(a: str, b: str) -> bool:
    return a != "unknown" and b != "unknown" and a.lower() == b.lower()


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
    if params.compare == "judge":
        subjects = [("/dataset/judge", dataset.judge)] if dataset.judge is not None else []
    else:
        subjects = []
        for pointer, source in scope.synthetic_sources():
            if source.generator is None:
                # Not comparable, but keep going: a later source may name the target itself.
                if worst is None:
                    worst = (
                        rank[params.when_unknown],
                        Outcome(
                            params.when_unknown,
                            "unknown",
                            expected,
                            f"source '{source.id}' is {source.origin} but names no generator",
                            pointer=pointer,
                        ),
                    )
                continue
            subjects.append((pointer + "/generator", source.generator))
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
    for pointer, model in subjects:
        for target in targets:
            if _same(model.name, target.name):
                outcome = Outcome(
                    params.same_model,
                    {what: model.name, "target": target.name},
                    expected,
                    f"{what} '{model.name}' is itself a target model",
                    pointer=pointer,
                )
            elif _same(model.family, target.family):
                outcome = Outcome(
                    params.same_family,
                    {what: model.name, "target": target.name, "family": model.family},
                    expected,
                    f"{what} '{model.name}' is of the same family ('{model.family}') as "
                    f"target model '{target.name}'",
                    pointer=pointer,
                )
            elif "unknown" in (model.family, target.family):
                outcome = Outcome(
                    params.when_unknown,
                    {what: model.name, "target": target.name, "family": "unknown"},
                    expected,
                    f"family of {what} '{model.name}' or of target '{target.name}' is unknown",
                    pointer=pointer,
                )
            else:
                continue
            if worst is None or rank[outcome.verdict] > worst[0]:
                worst = (rank[outcome.verdict], outcome)
    if worst is not None and worst[0] > 0:
        yield worst[1]
        return
    names = sorted({model.name for _, model in subjects})
    yield Outcome("pass", names, expected, f"{what} models are independent of the target models")


GENERATOR_INDEPENDENCE = CheckKind(
    name="generator-independence",
    summary="Generators (or the judge) of evaluation data are not the evaluated models or family.",
    params=IndependenceParams,
    run=_run,
    validate=_validate,
)

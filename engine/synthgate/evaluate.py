"""Evaluation: for each rule, each scope it selects, run its check kind; data in, findings out."""

from __future__ import annotations

from collections.abc import Iterator

from synthgate.checks import CheckContext, Outcome, ScopeView
from synthgate.documents import Document
from synthgate.errors import InputError, did_you_mean
from synthgate.models import (
    Finding,
    Location,
    Manifest,
    ManifestResult,
    Scope,
    Verdict,
    verdict_rank,
)
from synthgate.policy import CompiledRule, LoadedPolicy

__all__ = ["build_scopes", "evaluate", "pointer_key", "selects"]


def pointer_key(pointer: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ``/splits/10`` after ``/splits/9``."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in pointer.split("/")[1:])


def build_scopes(
    manifest: Manifest, task_type: str, policy: LoadedPolicy
) -> dict[Scope, list[ScopeView]]:
    """Every scope of a manifest: the dataset, each split, each source."""
    verifiability = policy.verifiability(task_type)
    all_sources: list[tuple[str, object]] = []
    splits: list[ScopeView] = []
    sources: list[ScopeView] = []
    for i, split in enumerate(manifest.splits):
        split_ptr = f"/splits/{i}"
        in_split = tuple((f"{split_ptr}/sources/{j}", s) for j, s in enumerate(split.sources))
        all_sources.extend(in_split)
        splits.append(
            ScopeView("split", manifest, split_ptr, task_type, verifiability, split, None, in_split)
        )
        for pointer, source in in_split:
            sources.append(
                ScopeView(
                    "source",
                    manifest,
                    pointer,
                    task_type,
                    verifiability,
                    split,
                    source,
                    ((pointer, source),),
                )
            )
    dataset = ScopeView(
        "dataset",
        manifest,
        "/dataset",
        task_type,
        verifiability,
        None,
        None,
        tuple(all_sources),  # type: ignore[arg-type]
    )
    return {"dataset": [dataset], "split": splits, "source": sources}


def selects(compiled: CompiledRule, scope: ScopeView) -> bool:
    """Whether a rule's ``applies`` selector matches a scope."""
    selector = compiled.rule.applies
    dataset = scope.manifest.dataset
    if selector.verifiability is not None and scope.verifiability not in selector.verifiability:
        return False
    if compiled.task_types is not None and scope.task_type not in compiled.task_types:
        return False
    if selector.stages is not None and dataset.stage not in selector.stages:
        return False
    if selector.resource_levels is not None and dataset.resource_level not in (
        selector.resource_levels
    ):
        return False
    if selector.splits is not None and (
        scope.split is None or scope.split.name not in selector.splits
    ):
        return False
    if selector.origins is not None:
        return any(source.origin in selector.origins for _, source in scope.sources)
    return True


def resolve_task_type(manifest: Manifest, doc: Document, policy: LoadedPolicy) -> str:
    """The canonical task type of a manifest, or an input error naming the taxonomy."""
    declared = manifest.dataset.task_type
    if declared == "unknown":
        return "unknown"
    canonical = policy.resolve_task_type(declared)
    if canonical is None:
        line, column = doc.locate("/dataset/task_type")
        raise InputError.at(
            doc.path,
            line,
            column,
            f"task type '{declared}' is not in the taxonomy of policy '{policy.name}'",
            did_you_mean(declared, policy.taxonomy)
            or "use a task type listed by 'synthgate rules --taxonomy', or 'unknown'",
            pointer="/dataset/task_type",
        )
    return canonical


def _cap(verdict: Verdict, severity: str) -> Verdict:
    if severity == "warn" and verdict == "fail":
        return "warn"
    return verdict


def _run(compiled: CompiledRule, scope: ScopeView, context: CheckContext) -> Iterator[Outcome]:
    try:
        yield from compiled.kind.run(scope, compiled.params, context)
    except Exception as exc:  # a crashed check is a finding, and the audit goes on
        plugin = f" of plugin {compiled.plugin}" if compiled.plugin else ""
        yield Outcome(
            "error",
            "unknown",
            "the check to run",
            f"check kind '{compiled.kind.name}'{plugin} crashed: {type(exc).__name__}: {exc}",
        )


def evaluate(
    manifest: Manifest,
    doc: Document,
    policy: LoadedPolicy,
    context: CheckContext,
    *,
    keep_passes: bool = False,
) -> ManifestResult:
    """All findings of ``policy`` on one manifest, in a deterministic order."""
    task_type = resolve_task_type(manifest, doc, policy)
    scopes = build_scopes(manifest, task_type, policy)
    counts: dict[Verdict, int] = {"pass": 0, "warn": 0, "fail": 0, "error": 0}
    keyed: list[tuple[str, tuple[tuple[int, int | str], ...], int, Finding]] = []
    for compiled in policy.rules:
        rule = compiled.rule
        for scope in scopes[rule.applies.scope]:
            if not selects(compiled, scope):
                continue
            for outcome in _run(compiled, scope, context):
                verdict = _cap(outcome.verdict, rule.severity)
                counts[verdict] += 1
                if verdict == "pass" and not keep_passes:
                    continue
                pointer = outcome.pointer if outcome.pointer is not None else scope.pointer
                line, column = doc.locate(pointer)
                finding = Finding(
                    rule=rule.code,
                    name=rule.name,
                    verdict=verdict,
                    scope=scope.kind,
                    location=Location(file=doc.path, line=line, column=column, pointer=pointer),
                    observed=outcome.observed,
                    expected=outcome.expected,
                    message=outcome.message,
                    remediation=rule.remediation if verdict != "pass" else "",
                )
                keyed.append((rule.code, pointer_key(pointer), len(keyed), finding))
    keyed.sort(key=lambda item: item[:3])
    worst: Verdict = "pass"
    for verdict, count in counts.items():
        if count and verdict_rank(verdict) > verdict_rank(worst):
            worst = verdict
    return ManifestResult(
        path=doc.path,
        dataset=manifest.dataset.name,
        verdict=worst,
        counts=counts,
        findings=[item[3] for item in keyed],
    )

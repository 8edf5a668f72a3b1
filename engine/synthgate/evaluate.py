"""Evaluation: for each rule, each scope it selects, run its check kind; data in, findings out."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from synthgate.checks import CheckContext, MetricError, Outcome, ScopeView
from synthgate.documents import Document
from synthgate.errors import InputError, did_you_mean
from synthgate.fingerprints import fingerprint, logical_pointer
from synthgate.models import (
    VERDICTS,
    Dataset,
    Finding,
    Location,
    Manifest,
    ManifestResult,
    Scope,
    Verdict,
    empty_counts,
    worst_verdict,
)
from synthgate.policy import CompiledRule, LoadedPolicy

if TYPE_CHECKING:
    from synthgate.waivers import PlacedWaiver

__all__ = ["build_scopes", "evaluate", "pointer_key", "selects"]


def pointer_key(pointer: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders ``/splits/10`` after ``/splits/9``."""
    return tuple(
        (0, int(part)) if part.isdecimal() else (1, part) for part in pointer.split("/")[1:]
    )


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


def _first_line(exc: BaseException) -> str:
    """``Type: first line of the message``: a finding's message is one line."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def _error(message: str) -> Outcome:
    return Outcome("error", "unknown", "the check to run", message)


def _json_like(value: object, depth: int = 0) -> bool:
    """Whether ``value`` is data a report can hold: JSON scalars, lists and text-keyed maps."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if depth >= 32:
        return False
    if isinstance(value, list | tuple):
        return all(_json_like(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_like(v, depth + 1) for k, v in value.items())
    return False


def _invalid(outcome: object) -> str | None:
    """What is wrong with an outcome a check yielded, or None if it is sound."""
    if not isinstance(outcome, Outcome):
        return f"yielded a {type(outcome).__name__}, expected an Outcome"
    if not isinstance(outcome.verdict, str) or outcome.verdict not in VERDICTS:
        return f"yielded the verdict {outcome.verdict!r}, expected one of: {', '.join(VERDICTS)}"
    if not isinstance(outcome.expected, str) or not isinstance(outcome.message, str):
        return "yielded an Outcome whose 'expected' or 'message' is not text"
    if outcome.pointer is not None and (
        not isinstance(outcome.pointer, str)
        or (outcome.pointer and not outcome.pointer.startswith("/"))
    ):
        return f"yielded the pointer {outcome.pointer!r}, expected a JSON Pointer"
    if not _json_like(outcome.observed):
        return f"yielded an observed value of type {type(outcome.observed).__name__}"
    return None


def _run(compiled: CompiledRule, scope: ScopeView, context: CheckContext) -> Iterator[Outcome]:
    """The outcomes of one rule's check on one scope; a crash or an unsound outcome ends the
    check with an ``error`` outcome naming the plugin to blame."""
    check = f"check kind '{compiled.kind.name}'"
    if compiled.plugin:
        check += f" of plugin {compiled.plugin}"
    try:
        for outcome in compiled.kind.run(scope, compiled.params, context):
            problem = _invalid(outcome)
            if problem is not None:
                yield _error(f"{check} {problem}")
                return
            yield outcome
    except MetricError as exc:  # the metric's plugin is to blame, not the check kind's
        yield _error(f"{exc} (asked for by {check})")
    except Exception as exc:  # a crashed check is a finding, and the audit goes on
        yield _error(f"{check} crashed: {_first_line(exc)}")


def _selects_manifest(
    compiled: CompiledRule, task_type: str, verifiability: str, dataset: Dataset
) -> bool:
    """The selector's conditions on the dataset as a whole, which hold for all its scopes."""
    selector = compiled.rule.applies
    if selector.verifiability is not None and verifiability not in selector.verifiability:
        return False
    if compiled.task_types is not None and task_type not in compiled.task_types:
        return False
    if selector.stages is not None and dataset.stage not in selector.stages:
        return False
    return selector.resource_levels is None or dataset.resource_level in selector.resource_levels


def _selects_scope(compiled: CompiledRule, scope: ScopeView) -> bool:
    """The selector's conditions on one scope: its split's name and its sources' origins."""
    selector = compiled.rule.applies
    if selector.splits is not None and (
        scope.split is None or scope.split.name not in selector.splits
    ):
        return False
    if selector.origins is not None:
        return any(source.origin in selector.origins for _, source in scope.sources)
    return True


def selects(compiled: CompiledRule, scope: ScopeView) -> bool:
    """Whether a rule's ``applies`` selector matches a scope."""
    dataset = scope.manifest.dataset
    return _selects_manifest(
        compiled, scope.task_type, scope.verifiability, dataset
    ) and _selects_scope(compiled, scope)


def evaluate(
    manifest: Manifest,
    doc: Document,
    policy: LoadedPolicy,
    context: CheckContext,
    *,
    keep_passes: bool = False,
    today: _dt.date | None = None,
    waivers: Sequence[PlacedWaiver] = (),
) -> ManifestResult:
    """All findings of ``policy`` on one manifest, in a deterministic order.

    ``today`` decides ratchets (``enforce_from``) and which ``waivers`` (checked ones, see
    :mod:`synthgate.waivers`) have lapsed; it is given, never read from the clock here.
    Without it every ratchet is enforced, and waivers need it.
    """
    task_type = resolve_task_type(manifest, doc, policy)
    scopes = build_scopes(manifest, task_type, policy)
    verifiability = policy.verifiability(task_type)
    # One memo of metric values per manifest: rules on the same metric share them.
    run_context = context.for_manifest(context.owners or policy.metric_owners)
    counts = empty_counts()
    keyed: list[tuple[str, tuple[tuple[int, int | str], ...], int, Finding]] = []
    for compiled in policy.rules:
        if not _selects_manifest(compiled, task_type, verifiability, manifest.dataset):
            continue
        rule = compiled.rule
        for scope in scopes[rule.applies.scope]:
            if not _selects_scope(compiled, scope):
                continue
            for outcome in _run(compiled, scope, run_context):
                verdict = _cap(outcome.verdict, rule.severity)
                message = outcome.message
                ratchet = rule.enforce_from
                if verdict == "fail" and ratchet and today is not None and today < ratchet:
                    verdict = "warn"
                    message = f"{message} (becomes a fail on {ratchet.isoformat()})"
                counts[verdict] += 1
                if verdict == "pass" and not keep_passes:
                    continue
                pointer = outcome.pointer if outcome.pointer is not None else scope.pointer
                line, column = doc.locate(pointer)
                # Outcomes are checked in _run, so the models need no validation again.
                finding = Finding.model_construct(
                    rule=rule.code,
                    name=rule.name,
                    verdict=verdict,
                    scope=scope.kind,
                    location=Location.model_construct(
                        file=doc.path, line=line, column=column, pointer=pointer
                    ),
                    observed=outcome.observed,
                    expected=outcome.expected,
                    message=message,
                    # A crash is not fixed by the rule's remediation, and a pass needs none.
                    remediation=rule.remediation if verdict in ("warn", "fail") else "",
                    fingerprint=fingerprint(
                        rule.code, doc.path, logical_pointer(manifest, pointer)
                    ),
                    waiver=None,
                )
                keyed.append((rule.code, pointer_key(pointer), len(keyed), finding))
    keyed.sort(key=lambda item: item[:3])
    result = ManifestResult(
        path=doc.path,
        dataset=manifest.dataset.name,
        verdict=worst_verdict(v for v, count in counts.items() if count),
        counts=counts,
        findings=[item[3] for item in keyed],
    )
    if not waivers:
        return result
    if today is None:
        raise ValueError("evaluate() needs 'today' to apply waivers")
    from synthgate.waivers import apply_waivers

    ran = frozenset(compiled.rule.code for compiled in policy.rules)
    return apply_waivers(result, waivers, today, ran)

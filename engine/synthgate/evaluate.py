"""Evaluation: for each rule, each scope it selects, run its check kind; data in, findings out."""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from synthgate.check_contract import (
    CheckContext,
    Corpus,
    CorpusEntry,
    CorpusSource,
    MetricError,
    Outcome,
    Related,
    ScopeView,
)
from synthgate.documents import Document
from synthgate.errors import InputError
from synthgate.fingerprints import fingerprint, logical_pointer
from synthgate.languages import infer_resource_level
from synthgate.measured import MEASURABLE
from synthgate.messages import exception_line
from synthgate.models import (
    VERDICTS,
    Dataset,
    Fact,
    Finding,
    Location,
    Manifest,
    ManifestFacts,
    ManifestResult,
    Scope,
    SourceFacts,
    Verdict,
    empty_counts,
    split_role,
    worst_verdict,
)
from synthgate.pointers import escape_pointer
from synthgate.policy import CompiledRule, LoadedPolicy

if TYPE_CHECKING:
    from synthgate.check_contract import Measured
    from synthgate.measure.results import ManifestMeasurement
    from synthgate.waivers import PlacedWaiver

__all__ = [
    "build_scopes",
    "corpus_entry",
    "evaluate",
    "merge_findings",
    "pointer_key",
    "relate",
    "selects",
]


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
    served: list[tuple[str, object]] = []
    serving = _SERVING.get(manifest.dataset.stage, _SERVING["train"])
    splits: list[ScopeView] = []
    sources: list[ScopeView] = []
    for i, split in enumerate(manifest.splits):
        split_ptr = f"/splits/{i}"
        in_split = tuple((f"{split_ptr}/sources/{j}", s) for j, s in enumerate(split.sources))
        role, _ = split_role(split, manifest.dataset.stage)
        all_sources.extend(in_split)
        if role in serving:
            served.extend(in_split)
        splits.append(
            ScopeView(
                "split",
                manifest,
                split_ptr,
                task_type,
                verifiability,
                split,
                None,
                in_split,
                role,
            )
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
                    role,
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
        tuple(served or all_sources),  # type: ignore[arg-type]
    )
    return {"dataset": [dataset], "split": splits, "source": sources}


_SERVING: dict[str, frozenset[str]] = {
    "eval": frozenset({"eval", "test"}),
    "train": frozenset({"train"}),
}
"""The split roles a dataset scope measures, by stage: an evaluation set is its eval and test
splits; any other dataset (pretrain, sft, preference, unknown) is trained on, so only its
training splits count toward training metrics (validation and test data is not trained on)."""


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
            policy.unknown_task_type_hint(declared),
            pointer="/dataset/task_type",
        )
    return canonical


def _cap(verdict: Verdict, severity: str) -> Verdict:
    if severity == "warn" and verdict == "fail":
        return "warn"
    return verdict


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
    related = outcome.related
    if not isinstance(related, tuple) or not all(isinstance(r, Related) for r in related):
        return "yielded 'related' places that are not a tuple of Related"
    return None


def _run(compiled: CompiledRule, scope: ScopeView, context: CheckContext) -> Iterator[Outcome]:
    """The outcomes of one rule's check on one scope; a crash or an unsound outcome ends the
    check with an ``error`` outcome naming the plugin to blame."""
    return _guarded(compiled, lambda: compiled.kind.run(scope, compiled.params, context))


def _guarded(
    compiled: CompiledRule, outcomes: Callable[[], Iterable[Outcome]]
) -> Iterator[Outcome]:
    check = f"check kind '{compiled.kind.name}'"
    if compiled.plugin:
        check += f" of plugin {compiled.plugin}"
    try:
        for outcome in outcomes():
            problem = _invalid(outcome)
            if problem is not None:
                yield _error(f"{check} {problem}")
                return
            yield outcome
    except MetricError as exc:  # the metric's plugin is to blame, not the check kind's
        yield _error(f"{exc} (asked for by {check})")
    except Exception as exc:  # a crashed check is a finding, and the audit goes on
        yield _error(f"{check} crashed: {exception_line(exc)}")


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
    """The selector's conditions on one scope: its split's name, and its sources' origins and
    generation methods."""
    selector = compiled.rule.applies
    if selector.splits is not None and (
        scope.split is None
        or (scope.split.name not in selector.splits and scope.role not in selector.splits)
    ):
        return False  # 'splits: [train]' names a split by its name or by its role
    if selector.methods is not None:  # made by one of the methods (human sources are not made)
        return any(
            source.origin != "human"
            and source.method in selector.methods
            and (selector.origins is None or source.origin in selector.origins)
            for _, source in scope.sources
        )
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
    measurement: ManifestMeasurement | None = None,
) -> ManifestResult:
    """All findings of ``policy`` on one manifest, in a deterministic order.

    ``today`` decides ratchets (``enforce_from``) and which ``waivers`` (checked ones, see
    :mod:`synthgate.waivers`) have lapsed; it is given, never read from the clock here.
    Without it every ratchet is enforced, and waivers need it. With a ``measurement`` of the
    manifest's data, rules judge the measured facts and the result carries the measurement.
    """
    task_type = resolve_task_type(manifest, doc, policy)
    # A resource level not declared but implied by the languages selects the rules; the
    # findings of rules that select by it say so.
    manifest, inferred_level = infer_resource_level(manifest)
    measured: Measured | None = None
    if measurement is not None:
        from synthgate.measured import overlay

        manifest, measured = overlay(manifest, measurement)
    scopes = build_scopes(manifest, task_type, policy)
    verifiability = policy.verifiability(task_type)
    # One memo of metric values per manifest: rules on the same metric share them.
    run_context = context.for_manifest(context.owners or policy.metric_owners, measured)
    counts = empty_counts()
    keyed: list[tuple[str, tuple[tuple[int, int | str], ...], int, Finding]] = []
    for compiled in policy.rules:
        if compiled.kind.relate is not None:  # cross-manifest: see relate()
            continue
        if not _selects_manifest(compiled, task_type, verifiability, manifest.dataset):
            continue
        rule = compiled.rule
        for scope in scopes[rule.applies.scope]:
            if not _selects_scope(compiled, scope):
                continue
            for outcome in _run(compiled, scope, run_context):
                if measured is not None:
                    outcome = _with_measured(outcome, scope, measured, doc.path)
                if inferred_level and rule.applies.resource_levels is not None:
                    outcome = replace(outcome, message=f"{outcome.message} ({inferred_level})")
                verdict = _verdict(compiled, outcome, today)
                counts[verdict] += 1
                if verdict == "pass" and not keep_passes:
                    continue  # counted, but never built: most findings are passes
                pointer = outcome.pointer if outcome.pointer is not None else scope.pointer
                finding = _finding(
                    compiled,
                    outcome,
                    scope.kind,
                    doc.path,
                    pointer,
                    doc.locate(pointer),
                    logical_pointer(manifest, pointer),
                    today,
                )
                keyed.append((rule.code, pointer_key(pointer), len(keyed), finding))
    keyed.sort(key=lambda item: item[:3])
    extra = _measurement_fields(measurement)
    result = ManifestResult(
        path=doc.path,
        dataset=manifest.dataset.name,
        verdict=worst_verdict(v for v, count in counts.items() if count),
        counts=counts,
        findings=[item[3] for item in keyed],
        **extra,
        facts=resolved_facts(manifest, doc, task_type, verifiability),
    )
    if not waivers:
        return result
    if today is None:
        raise ValueError("evaluate() needs 'today' to apply waivers")
    from synthgate.waivers import apply_waivers

    return apply_waivers(result, waivers, today, ran_rules(policy))


def _measurement_fields(measurement: ManifestMeasurement | None) -> dict[str, Any]:
    """The measured blocks of a result: only for a measured run, so that reports of unmeasured
    runs stay as they were."""
    if measurement is None:
        return {}
    return {
        "measured": measurement.measured_block(),
        "contamination": measurement.contamination_block(),
        "measurement": measurement.evidence,
    }


def _with_measured(outcome: Outcome, scope: ScopeView, measured: Measured, path: str) -> Outcome:
    """An outcome that says which of its facts were measured, and points at the data files:
    ``measured: X (declared: Y)`` for the fact it names, the files as related places."""
    pointer = outcome.pointer if outcome.pointer is not None else scope.pointer
    fact = measured.facts.get(pointer)
    if "measured: " in outcome.message:  # the check compared them itself (SG8xx)
        facts = [fact] if fact is not None else measured.within(pointer)
        note = ""
    elif fact is not None:
        note = f" [measured: {_shown(fact.measured)} (declared: {_shown(fact.declared)})]"
        facts = [fact]
    else:
        facts = [f for at, _source in scope.sources for f in measured.within(at)]
        if scope.kind == "dataset":
            facts += measured.within("/dataset")
        numeric = isinstance(outcome.observed, int | float) and not isinstance(
            outcome.observed, bool
        )
        if outcome.pointer is None and facts and numeric:
            note = " [from measured data]"
        elif pointer.rsplit("/", 1)[-1] in MEASURABLE:
            note = " [declared only: not measured]"
            facts = []
        else:
            return outcome
    files = sorted({file for f in facts for file in f.files})
    related = outcome.related + tuple(Related(file, "", 1, 1) for file in files)
    return dataclasses.replace(outcome, message=outcome.message + note, related=related)


def _shown(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _via(model: BaseModel, name: str, doc: Document, pointer: str) -> str:
    """Where a field's value came from: an adapter's source field, the manifest, or nothing."""
    if doc.mapped_from is not None:  # read from another format: only what it maps is given
        mapped = doc.mapped_from.get(pointer)
        return f"inferred: {mapped}" if mapped else "default"
    return "declared" if name in model.model_fields_set else "default"


def resolved_facts(
    manifest: Manifest, doc: Document, task_type: str, verifiability: str
) -> ManifestFacts:
    """The facts the rules are judged on, each with where it came from (see :class:`Fact`)."""
    dataset = manifest.dataset

    def fact(value: str, via: str) -> Fact:
        return Fact.model_construct(value=value, via=via)

    def of_dataset(name: str) -> Fact:
        return fact(str(getattr(dataset, name)), _via(dataset, name, doc, f"/dataset/{name}"))

    sources = []
    for i, split in enumerate(manifest.splits):
        role, role_via = split_role(split, dataset.stage)
        if role_via == "declared":
            role_via = _via(split, "role", doc, f"/splits/{i}/role")
        for j, source in enumerate(split.sources):
            pointer = f"/splits/{i}/sources/{j}"
            sources.append(
                SourceFacts.model_construct(
                    id=source.id,
                    split=split.name,
                    role=fact(role, role_via),
                    origin=fact(source.origin, _via(source, "origin", doc, f"{pointer}/origin")),
                    method=fact(source.method, _via(source, "method", doc, f"{pointer}/method")),
                )
            )
    return ManifestFacts.model_construct(
        task_type=fact(task_type, _via(dataset, "task_type", doc, "/dataset/task_type")),
        verifiability=fact(
            verifiability, "default" if task_type == "unknown" else "inferred: task_type"
        ),
        stage=of_dataset("stage"),
        resource_level=of_dataset("resource_level"),
        sources=sources,
    )


def ran_rules(policy: LoadedPolicy) -> frozenset[str]:
    """Codes of the rules a policy runs (stale waivers are judged against them)."""
    return frozenset(compiled.rule.code for compiled in policy.rules)


def _verdict(compiled: CompiledRule, outcome: Outcome, today: _dt.date | None) -> Verdict:
    """An outcome's verdict capped by the rule's severity, and a fail held back to a warning
    before the rule's ratchet date."""
    rule = compiled.rule
    verdict = _cap(outcome.verdict, rule.severity)
    ratchet = rule.enforce_from
    if verdict == "fail" and ratchet and today is not None and today < ratchet:
        return "warn"
    return verdict


def _finding(
    compiled: CompiledRule,
    outcome: Outcome,
    scope: Scope,
    path: str,
    pointer: str,
    position: tuple[int, int],
    logical: str,
    today: _dt.date | None,
) -> Finding:
    """A finding from a sound outcome: capped by severity, ratcheted, located."""
    rule = compiled.rule
    verdict = _verdict(compiled, outcome, today)
    message = outcome.message
    if verdict != _cap(outcome.verdict, rule.severity):  # held back by a ratchet
        assert rule.enforce_from is not None
        message = f"{message} (becomes a fail on {rule.enforce_from.isoformat()})"
    # Outcomes are checked in _guarded, so the models need no validation again.
    extra: dict[str, Any] = {"related": _locations(outcome.related)} if outcome.related else {}
    return Finding.model_construct(
        rule=rule.code,
        name=rule.name,
        verdict=verdict,
        scope=scope,
        location=Location.model_construct(
            file=path, line=position[0], column=position[1], pointer=pointer
        ),
        observed=outcome.observed,
        expected=outcome.expected,
        message=message,
        # A crash is not fixed by the rule's remediation, and a pass needs none.
        remediation=rule.remediation if verdict in ("warn", "fail") else "",
        fingerprint=fingerprint(rule.code, path, logical),
        waiver=None,
        # Set only when there are some, as a validated Finding would have it.
        **extra,
    )


def _locations(related: Sequence[Related]) -> list[Location]:
    return [
        Location.model_construct(file=r.path, line=r.line, column=r.column, pointer=r.pointer)
        for r in related
    ]


def relating_rules(policy: LoadedPolicy) -> list[CompiledRule]:
    """The policy's cross-manifest rules (their check kinds have ``relate``)."""
    return [compiled for compiled in policy.rules if compiled.kind.relate is not None]


def corpus_entry(manifest: Manifest, doc: Document, policy: LoadedPolicy) -> CorpusEntry:
    """What cross-manifest checks see of one manifest (see :class:`CorpusEntry`): kept small,
    since an audit holds one for every manifest."""
    task_type = resolve_task_type(manifest, doc, policy)
    sources = []
    # Positions of the names a cross-manifest finding may point at in this manifest only.
    pointers = ["/dataset", "/dataset/name"]
    pointers += [f"/dataset/derived_from/{k}" for k in range(len(manifest.dataset.derived_from))]
    for i, split in enumerate(manifest.splits):
        for j, source in enumerate(split.sources):
            pointer = f"/splits/{i}/sources/{j}"
            records = source.records if isinstance(source.records, int) else None
            sources.append(
                CorpusSource(
                    source.id,
                    split.name,
                    source.origin,
                    tuple(source.derived_from),
                    pointer,
                    records,
                )
            )
            pointers.append(f"{pointer}/id")
            pointers += [f"{pointer}/derived_from/{k}" for k in range(len(source.derived_from))]
    # The dataset's long texts and lists play no part in relating manifests.
    dataset = manifest.dataset.model_copy(update={"description": None, "target_models": []})
    return CorpusEntry(
        path=doc.path,
        dataset=dataset,
        task_type=task_type,
        verifiability=policy.verifiability(task_type),
        sources=tuple(sources),
        positions={pointer: doc.locate(pointer) for pointer in pointers},
    )


def _logical(entry: CorpusEntry, pointer: str) -> str:
    """:func:`logical_pointer` from a corpus entry: split names and source ids for indices."""
    for source in entry.sources:
        if pointer == source.pointer or pointer.startswith(source.pointer + "/"):
            rest = pointer[len(source.pointer) :]
            return (
                f"/splits/{escape_pointer(source.split)}/sources/{escape_pointer(source.id)}" + rest
            )
    return pointer


def relate(
    entry: CorpusEntry,
    corpus: Corpus,
    policy: LoadedPolicy,
    *,
    today: _dt.date | None = None,
) -> list[Finding]:
    """Findings of the policy's cross-manifest rules on one manifest, every verdict kept."""
    findings: list[Finding] = []
    for compiled in relating_rules(policy):
        if not _selects_manifest(compiled, entry.task_type, entry.verifiability, entry.dataset):
            continue
        relate_check = compiled.kind.relate
        assert relate_check is not None
        outcomes = _guarded(compiled, partial(relate_check, entry, corpus, compiled.params))
        for outcome in outcomes:
            pointer = outcome.pointer if outcome.pointer is not None else "/dataset"
            findings.append(
                _finding(
                    compiled,
                    outcome,
                    "dataset",
                    entry.path,
                    pointer,
                    entry.locate(pointer),
                    _logical(entry, pointer),
                    today,
                )
            )
    return findings


def merge_findings(
    result: ManifestResult, findings: Sequence[Finding], *, keep_passes: bool = False
) -> ManifestResult:
    """``result`` with more findings (of other rules) counted and put in report order."""
    if not findings:
        return result
    counts = dict(result.counts)
    for finding in findings:
        counts[finding.verdict] += 1
    kept = list(result.findings) + [f for f in findings if keep_passes or f.verdict != "pass"]
    kept.sort(key=lambda f: (f.rule, pointer_key(f.location.pointer)))  # stable: as evaluate()
    return result.model_copy(
        update={
            "counts": counts,
            "verdict": worst_verdict(v for v, count in counts.items() if count),
            "findings": kept,
        }
    )

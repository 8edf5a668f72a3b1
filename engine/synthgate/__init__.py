"""synthgate: a policy-as-code advisory engine for synthetic training data.

This module is the public API for plugins and for use as a library. Names are imported on first
use, so that ``import synthgate`` stays cheap for a pre-commit hook.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "hookimpl": "synthgate.hookspecs",
    "hookspec": "synthgate.hookspecs",
    "CheckContext": "synthgate.checks",
    "CheckKind": "synthgate.checks",
    "Corpus": "synthgate.checks",
    "CorpusEntry": "synthgate.checks",
    "CorpusSource": "synthgate.checks",
    "Related": "synthgate.checks",
    "Interval": "synthgate.checks",
    "MetricError": "synthgate.checks",
    "Metric": "synthgate.checks",
    "MetricValue": "synthgate.checks",
    "Outcome": "synthgate.checks",
    "PolicyContext": "synthgate.checks",
    "ScopeView": "synthgate.checks",
    "ManifestAdapter": "synthgate.adapters",
    "PolicyPack": "synthgate.packs",
    "Reporter": "synthgate.reporters",
    "ReporterSpec": "synthgate.reporters",
    "RunInfo": "synthgate.reporters",
    "WholeReportReporter": "synthgate.reporters",
    "DEFAULT_LIMITS": "synthgate.documents",
    "Document": "synthgate.documents",
    "Limits": "synthgate.documents",
    "escape_pointer": "synthgate.documents",
    "parse_bytes": "synthgate.documents",
    "parse_text": "synthgate.documents",
    "read_document": "synthgate.documents",
    "read_input_bytes": "synthgate.documents",
    "resolve_pointer": "synthgate.documents",
    "unescape_pointer": "synthgate.documents",
    "InputError": "synthgate.errors",
    "PolicyError": "synthgate.errors",
    "Problem": "synthgate.errors",
    "SynthgateError": "synthgate.errors",
    "UsageError": "synthgate.errors",
    "did_you_mean": "synthgate.errors",
    "UNKNOWN": "synthgate.models",
    "VERDICTS": "synthgate.models",
    "CheckParams": "synthgate.models",
    "Dataset": "synthgate.models",
    "WaiverScope": "synthgate.models",
    "Waiver": "synthgate.models",
    "AppliedWaiver": "synthgate.models",
    "Diversity": "synthgate.models",
    "Contamination": "synthgate.models",
    "Decoding": "synthgate.models",
    "IntendedUse": "synthgate.models",
    "Judge": "synthgate.models",
    "LabelValidation": "synthgate.models",
    "Filtering": "synthgate.models",
    "Fact": "synthgate.models",
    "Finding": "synthgate.models",
    "ManifestFacts": "synthgate.models",
    "SourceFacts": "synthgate.models",
    "Generator": "synthgate.models",
    "HumanAudit": "synthgate.models",
    "Location": "synthgate.models",
    "Manifest": "synthgate.models",
    "ManifestResult": "synthgate.models",
    "ModelRef": "synthgate.models",
    "Origin": "synthgate.models",
    "PluginInfo": "synthgate.models",
    "Policy": "synthgate.models",
    "PolicyInfo": "synthgate.models",
    "Report": "synthgate.models",
    "Rule": "synthgate.models",
    "Scope": "synthgate.models",
    "Selector": "synthgate.models",
    "Source": "synthgate.models",
    "Split": "synthgate.models",
    "Stage": "synthgate.models",
    "TaskType": "synthgate.models",
    "Totals": "synthgate.models",
    "Verdict": "synthgate.models",
    "Verifiability": "synthgate.models",
    "Verification": "synthgate.models",
    "empty_counts": "synthgate.models",
    "model_key": "synthgate.models",
    "verdict_rank": "synthgate.models",
    "worst_verdict": "synthgate.models",
    "field_names_at": "synthgate.validation",
    "printable": "synthgate.escaping",
    "LoadedPolicy": "synthgate.policy",
    "load_policy": "synthgate.policy",
    "PluginHost": "synthgate.plugins",
    "load_plugins": "synthgate.plugins",
    "Audit": "synthgate.audit",
    "audit_paths": "synthgate.audit",
}
"""Where each public name lives; imported on first use."""

__all__ = [
    "DEFAULT_LIMITS",
    "UNKNOWN",
    "VERDICTS",
    "AppliedWaiver",
    "Audit",
    "CheckContext",
    "CheckKind",
    "CheckParams",
    "Contamination",
    "Corpus",
    "CorpusEntry",
    "CorpusSource",
    "Dataset",
    "Decoding",
    "Diversity",
    "Document",
    "Fact",
    "Filtering",
    "Finding",
    "Generator",
    "HumanAudit",
    "InputError",
    "IntendedUse",
    "Interval",
    "Judge",
    "LabelValidation",
    "Limits",
    "LoadedPolicy",
    "Location",
    "Manifest",
    "ManifestAdapter",
    "ManifestFacts",
    "ManifestResult",
    "Metric",
    "MetricError",
    "MetricValue",
    "ModelRef",
    "Origin",
    "Outcome",
    "PluginHost",
    "PluginInfo",
    "Policy",
    "PolicyContext",
    "PolicyError",
    "PolicyInfo",
    "PolicyPack",
    "Problem",
    "Related",
    "Report",
    "Reporter",
    "ReporterSpec",
    "Rule",
    "RunInfo",
    "Scope",
    "ScopeView",
    "Selector",
    "Source",
    "SourceFacts",
    "Split",
    "Stage",
    "SynthgateError",
    "TaskType",
    "Totals",
    "UsageError",
    "Verdict",
    "Verifiability",
    "Verification",
    "Waiver",
    "WaiverScope",
    "WholeReportReporter",
    "__version__",
    "audit",
    "audit_paths",
    "builtin_policy",
    "did_you_mean",
    "empty_counts",
    "escape_pointer",
    "field_names_at",
    "hookimpl",
    "hookspec",
    "load_plugins",
    "load_policy",
    "model_key",
    "parse_bytes",
    "parse_text",
    "printable",
    "read_document",
    "read_input_bytes",
    "resolve_pointer",
    "unescape_pointer",
    "verdict_rank",
    "worst_verdict",
]


def builtin_policy(name: str) -> Traversable:
    """The file of the policy pack ``name`` shipped with synthgate, e.g. ``"default"``.

    Plugins register shipped packs through this rather than reading synthgate's package data
    themselves. Raises :class:`LookupError` when synthgate ships no pack of that name.
    """
    from importlib.resources import files

    path = files("synthgate.policies") / f"{name}.yaml"
    if "/" in name or "\\" in name or name.startswith(".") or not path.is_file():
        raise LookupError(f"synthgate ships no policy pack named {name!r}")
    return path


def __dir__() -> list[str]:
    """Every public name, including those not imported yet (for completion and ``help``)."""
    return sorted(set(globals()) | set(__all__))


def __getattr__(name: str) -> Any:
    if name == "audit":  # the module synthgate.audit, which called is synthgate.run.audit
        return importlib.import_module("synthgate.audit")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'synthgate' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from synthgate.adapters import ManifestAdapter
    from synthgate.audit import Audit, audit_paths
    from synthgate.checks import (
        CheckContext,
        CheckKind,
        Corpus,
        CorpusEntry,
        CorpusSource,
        Interval,
        Metric,
        MetricError,
        MetricValue,
        Outcome,
        PolicyContext,
        Related,
        ScopeView,
    )
    from synthgate.documents import (
        DEFAULT_LIMITS,
        Document,
        Limits,
        escape_pointer,
        parse_bytes,
        parse_text,
        read_document,
        read_input_bytes,
        resolve_pointer,
        unescape_pointer,
    )
    from synthgate.errors import (
        InputError,
        PolicyError,
        Problem,
        SynthgateError,
        UsageError,
        did_you_mean,
    )
    from synthgate.escaping import printable
    from synthgate.hookspecs import hookimpl, hookspec
    from synthgate.models import (
        UNKNOWN,
        VERDICTS,
        AppliedWaiver,
        CheckParams,
        Contamination,
        Dataset,
        Decoding,
        Diversity,
        Fact,
        Filtering,
        Finding,
        Generator,
        HumanAudit,
        IntendedUse,
        Judge,
        LabelValidation,
        Location,
        Manifest,
        ManifestFacts,
        ManifestResult,
        ModelRef,
        Origin,
        PluginInfo,
        Policy,
        PolicyInfo,
        Report,
        Rule,
        Scope,
        Selector,
        Source,
        SourceFacts,
        Split,
        Stage,
        TaskType,
        Totals,
        Verdict,
        Verifiability,
        Verification,
        Waiver,
        WaiverScope,
        empty_counts,
        model_key,
        verdict_rank,
        worst_verdict,
    )
    from synthgate.packs import PolicyPack
    from synthgate.plugins import PluginHost, load_plugins
    from synthgate.policy import LoadedPolicy, load_policy
    from synthgate.reporters import Reporter, ReporterSpec, RunInfo, WholeReportReporter
    from synthgate.run import audit
    from synthgate.validation import field_names_at

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
    "Document": "synthgate.documents",
    "Limits": "synthgate.documents",
    "parse_text": "synthgate.documents",
    "read_document": "synthgate.documents",
    "InputError": "synthgate.errors",
    "PolicyError": "synthgate.errors",
    "Problem": "synthgate.errors",
    "SynthgateError": "synthgate.errors",
    "UsageError": "synthgate.errors",
    "did_you_mean": "synthgate.errors",
    "UNKNOWN": "synthgate.models",
    "Dataset": "synthgate.models",
    "Finding": "synthgate.models",
    "Manifest": "synthgate.models",
    "ManifestResult": "synthgate.models",
    "Policy": "synthgate.models",
    "Report": "synthgate.models",
    "Rule": "synthgate.models",
    "Source": "synthgate.models",
    "Split": "synthgate.models",
    "TaskType": "synthgate.models",
    "Totals": "synthgate.models",
    "Verdict": "synthgate.models",
    "verdict_rank": "synthgate.models",
    "LoadedPolicy": "synthgate.policy",
    "load_policy": "synthgate.policy",
    "PluginHost": "synthgate.plugins",
    "load_plugins": "synthgate.plugins",
    "Audit": "synthgate.audit",
    "audit_paths": "synthgate.audit",
}

__all__ = [
    "UNKNOWN",
    "Audit",
    "CheckContext",
    "CheckKind",
    "Dataset",
    "Document",
    "Finding",
    "InputError",
    "Limits",
    "LoadedPolicy",
    "Manifest",
    "ManifestAdapter",
    "ManifestResult",
    "Metric",
    "MetricValue",
    "Outcome",
    "PluginHost",
    "Policy",
    "PolicyContext",
    "PolicyError",
    "PolicyPack",
    "Problem",
    "Report",
    "Reporter",
    "ReporterSpec",
    "Rule",
    "RunInfo",
    "ScopeView",
    "Source",
    "Split",
    "SynthgateError",
    "TaskType",
    "Totals",
    "UsageError",
    "Verdict",
    "WholeReportReporter",
    "__version__",
    "audit_paths",
    "did_you_mean",
    "hookimpl",
    "hookspec",
    "load_plugins",
    "load_policy",
    "parse_text",
    "read_document",
    "verdict_rank",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'synthgate' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from synthgate.adapters import ManifestAdapter
    from synthgate.audit import Audit, audit_paths
    from synthgate.checks import (
        CheckContext,
        CheckKind,
        Metric,
        MetricValue,
        Outcome,
        PolicyContext,
        ScopeView,
    )
    from synthgate.documents import Document, Limits, parse_text, read_document
    from synthgate.errors import (
        InputError,
        PolicyError,
        Problem,
        SynthgateError,
        UsageError,
        did_you_mean,
    )
    from synthgate.hookspecs import hookimpl, hookspec
    from synthgate.models import (
        UNKNOWN,
        Dataset,
        Finding,
        Manifest,
        ManifestResult,
        Policy,
        Report,
        Rule,
        Source,
        Split,
        TaskType,
        Totals,
        Verdict,
        verdict_rank,
    )
    from synthgate.packs import PolicyPack
    from synthgate.plugins import PluginHost, load_plugins
    from synthgate.policy import LoadedPolicy, load_policy
    from synthgate.reporters import Reporter, ReporterSpec, RunInfo, WholeReportReporter

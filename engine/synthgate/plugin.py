"""The plugin contract: what a plugin implements and what it is given.

A plugin module marks its hook implementations with :data:`hookimpl` (the hooks are documented
in ``docs/plugins.md``) and builds on these names: check kinds (:class:`CheckKind`, with the
:class:`PolicyContext` it is loaded in and the :class:`CheckContext` and :class:`ScopeView` it
evaluates), metrics (:class:`Metric`), manifest adapters (:class:`ManifestAdapter`, which read a
:class:`Document`), reporters (:class:`Reporter`, :class:`WholeReportReporter`) and policy packs
(:class:`PolicyPack`). The data models they exchange are in :mod:`synthgate.models`.

Names are imported on first use, as in :mod:`synthgate`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "hookimpl": "synthgate.hookspecs",
    "hookspec": "synthgate.hookspecs",
    "CheckContext": "synthgate.check_contract",
    "CheckKind": "synthgate.check_contract",
    "Corpus": "synthgate.check_contract",
    "CorpusEntry": "synthgate.check_contract",
    "CorpusSource": "synthgate.check_contract",
    "Related": "synthgate.check_contract",
    "Interval": "synthgate.check_contract",
    "MetricError": "synthgate.check_contract",
    "Metric": "synthgate.check_contract",
    "MetricValue": "synthgate.check_contract",
    "Outcome": "synthgate.check_contract",
    "CheckParams": "synthgate.models",
    "PolicyContext": "synthgate.check_contract",
    "ScopeView": "synthgate.check_contract",
    "ManifestAdapter": "synthgate.adapters",
    "PolicyPack": "synthgate.packs",
    "Reporter": "synthgate.reporter_contract",
    "ReporterSpec": "synthgate.reporter_contract",
    "RunInfo": "synthgate.reporter_contract",
    "WholeReportReporter": "synthgate.reporter_contract",
    "DEFAULT_LIMITS": "synthgate.reading",
    "Document": "synthgate.documents",
    "Limits": "synthgate.reading",
    "escape_pointer": "synthgate.pointers",
    "parse_text": "synthgate.documents",
    "read_document": "synthgate.documents",
    "read_input_bytes": "synthgate.documents",
    "resolve_pointer": "synthgate.pointers",
    "unescape_pointer": "synthgate.pointers",
    "did_you_mean": "synthgate.errors",
    "printable": "synthgate.escaping",
    "field_names_at": "synthgate.validation",
    "builtin_policy": "synthgate",
}
"""Where each name of the plugin contract lives; imported on first use."""

__all__ = [
    "DEFAULT_LIMITS",
    "CheckContext",
    "CheckKind",
    "CheckParams",
    "Corpus",
    "CorpusEntry",
    "CorpusSource",
    "Document",
    "Interval",
    "Limits",
    "ManifestAdapter",
    "Metric",
    "MetricError",
    "MetricValue",
    "Outcome",
    "PolicyContext",
    "PolicyPack",
    "Related",
    "Reporter",
    "ReporterSpec",
    "RunInfo",
    "ScopeView",
    "WholeReportReporter",
    "builtin_policy",
    "did_you_mean",
    "escape_pointer",
    "field_names_at",
    "hookimpl",
    "hookspec",
    "parse_text",
    "printable",
    "read_document",
    "read_input_bytes",
    "resolve_pointer",
    "unescape_pointer",
]


def __dir__() -> list[str]:
    """Every name of the contract, including those not imported yet."""
    return sorted(set(globals()) | set(__all__))


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'synthgate.plugin' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from synthgate import builtin_policy
    from synthgate.adapters import ManifestAdapter
    from synthgate.check_contract import (
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
    from synthgate.documents import Document, parse_text, read_document, read_input_bytes
    from synthgate.errors import did_you_mean
    from synthgate.escaping import printable
    from synthgate.hookspecs import hookimpl, hookspec
    from synthgate.models import CheckParams
    from synthgate.packs import PolicyPack
    from synthgate.pointers import escape_pointer, resolve_pointer, unescape_pointer
    from synthgate.reading import DEFAULT_LIMITS, Limits
    from synthgate.reporter_contract import Reporter, ReporterSpec, RunInfo, WholeReportReporter
    from synthgate.validation import field_names_at

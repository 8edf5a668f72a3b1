"""synthgate: a policy-as-code advisory engine for synthetic training data.

The public API comes in three tiers:

- ``synthgate`` (this module): library use. :func:`audit` and the run object behind it
  (:class:`Run`, :class:`RunSettings`, :class:`RunOutcome`), policy loading, the report's
  models and the errors.
- :mod:`synthgate.plugin`: the plugin contract (``hookimpl``, check kinds, metrics, adapters,
  reporters, policy packs and the context types they receive).
- :mod:`synthgate.models`: the data models (manifests, policies, findings, reports).

Names are imported on first use, so that ``import synthgate`` stays cheap for a pre-commit hook.
Names this module exported before the tiers still resolve, with a :class:`DeprecationWarning`
that names their new place, for one release.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Run": "synthgate.run",
    "RunSettings": "synthgate.run",
    "RunOutcome": "synthgate.run",
    "Overrides": "synthgate.run",
    "audit_paths": "synthgate.audit",
    "load_policy": "synthgate.policy",
    "LoadedPolicy": "synthgate.policy",
    "Report": "synthgate.models",
    "ManifestResult": "synthgate.models",
    "Finding": "synthgate.models",
    "Location": "synthgate.models",
    "Totals": "synthgate.models",
    "Verdict": "synthgate.models",
    "SynthgateError": "synthgate.errors",
    "InputError": "synthgate.errors",
    "PolicyError": "synthgate.errors",
    "UsageError": "synthgate.errors",
    "Problem": "synthgate.errors",
    "PluginHost": "synthgate.plugins",
    "load_plugins": "synthgate.plugins",
}
"""Where each name of the library tier lives; imported on first use."""

_MOVED = {
    "hookimpl": ("synthgate.hookspecs", "synthgate.plugin"),
    "hookspec": ("synthgate.hookspecs", "synthgate.plugin"),
    "CheckContext": ("synthgate.check_contract", "synthgate.plugin"),
    "CheckKind": ("synthgate.check_contract", "synthgate.plugin"),
    "Corpus": ("synthgate.check_contract", "synthgate.plugin"),
    "CorpusEntry": ("synthgate.check_contract", "synthgate.plugin"),
    "CorpusSource": ("synthgate.check_contract", "synthgate.plugin"),
    "Related": ("synthgate.check_contract", "synthgate.plugin"),
    "Interval": ("synthgate.check_contract", "synthgate.plugin"),
    "MetricError": ("synthgate.check_contract", "synthgate.plugin"),
    "Metric": ("synthgate.check_contract", "synthgate.plugin"),
    "MetricValue": ("synthgate.check_contract", "synthgate.plugin"),
    "Outcome": ("synthgate.check_contract", "synthgate.plugin"),
    "PolicyContext": ("synthgate.check_contract", "synthgate.plugin"),
    "ScopeView": ("synthgate.check_contract", "synthgate.plugin"),
    "ManifestAdapter": ("synthgate.adapters", "synthgate.plugin"),
    "PolicyPack": ("synthgate.packs", "synthgate.plugin"),
    "Reporter": ("synthgate.reporter_contract", "synthgate.plugin"),
    "ReporterSpec": ("synthgate.reporter_contract", "synthgate.plugin"),
    "RunInfo": ("synthgate.reporter_contract", "synthgate.plugin"),
    "WholeReportReporter": ("synthgate.reporter_contract", "synthgate.plugin"),
    "DEFAULT_LIMITS": ("synthgate.documents", "synthgate.plugin"),
    "Document": ("synthgate.documents", "synthgate.plugin"),
    "Limits": ("synthgate.documents", "synthgate.plugin"),
    "escape_pointer": ("synthgate.documents", "synthgate.plugin"),
    "parse_bytes": ("synthgate.documents", ""),
    "parse_text": ("synthgate.documents", "synthgate.plugin"),
    "read_document": ("synthgate.documents", "synthgate.plugin"),
    "read_input_bytes": ("synthgate.documents", "synthgate.plugin"),
    "resolve_pointer": ("synthgate.documents", "synthgate.plugin"),
    "unescape_pointer": ("synthgate.documents", "synthgate.plugin"),
    "did_you_mean": ("synthgate.errors", "synthgate.plugin"),
    "UNKNOWN": ("synthgate.models", "synthgate.models"),
    "VERDICTS": ("synthgate.models", "synthgate.models"),
    "CheckParams": ("synthgate.models", "synthgate.plugin"),
    "Dataset": ("synthgate.models", "synthgate.models"),
    "WaiverScope": ("synthgate.models", "synthgate.models"),
    "Waiver": ("synthgate.models", "synthgate.models"),
    "AppliedWaiver": ("synthgate.models", "synthgate.models"),
    "Diversity": ("synthgate.models", "synthgate.models"),
    "Contamination": ("synthgate.models", "synthgate.models"),
    "Decoding": ("synthgate.models", "synthgate.models"),
    "IntendedUse": ("synthgate.models", "synthgate.models"),
    "Judge": ("synthgate.models", "synthgate.models"),
    "LabelValidation": ("synthgate.models", "synthgate.models"),
    "Filtering": ("synthgate.models", "synthgate.models"),
    "Fact": ("synthgate.models", "synthgate.models"),
    "ManifestFacts": ("synthgate.models", "synthgate.models"),
    "SourceFacts": ("synthgate.models", "synthgate.models"),
    "Generator": ("synthgate.models", "synthgate.models"),
    "HumanAudit": ("synthgate.models", "synthgate.models"),
    "Manifest": ("synthgate.models", "synthgate.models"),
    "ModelRef": ("synthgate.models", "synthgate.models"),
    "Origin": ("synthgate.models", "synthgate.models"),
    "PluginInfo": ("synthgate.models", "synthgate.models"),
    "Policy": ("synthgate.models", "synthgate.models"),
    "PolicyInfo": ("synthgate.models", "synthgate.models"),
    "Rule": ("synthgate.models", "synthgate.models"),
    "Scope": ("synthgate.models", "synthgate.models"),
    "Selector": ("synthgate.models", "synthgate.models"),
    "Source": ("synthgate.models", "synthgate.models"),
    "Split": ("synthgate.models", "synthgate.models"),
    "Stage": ("synthgate.models", "synthgate.models"),
    "TaskType": ("synthgate.models", "synthgate.models"),
    "Verifiability": ("synthgate.models", "synthgate.models"),
    "Verification": ("synthgate.models", "synthgate.models"),
    "empty_counts": ("synthgate.models", "synthgate.models"),
    "model_key": ("synthgate.models", "synthgate.models"),
    "verdict_rank": ("synthgate.models", "synthgate.models"),
    "worst_verdict": ("synthgate.models", "synthgate.models"),
    "field_names_at": ("synthgate.validation", "synthgate.plugin"),
    "printable": ("synthgate.escaping", "synthgate.plugin"),
    "Audit": ("synthgate.audit", "synthgate.audit"),
}
"""Names this module no longer exports: (where the value lives, the tier it moved to, or "" for
a name that left the public API). Until the next release they resolve with a warning."""

_TIERS = ("plugin", "models", "run")
"""Submodules reachable as attributes before they are imported (``synthgate.plugin.X``)."""

__all__ = [
    "Finding",
    "InputError",
    "LoadedPolicy",
    "Location",
    "ManifestResult",
    "Overrides",
    "PluginHost",
    "PolicyError",
    "Problem",
    "Report",
    "Run",
    "RunOutcome",
    "RunSettings",
    "SynthgateError",
    "Totals",
    "UsageError",
    "Verdict",
    "__version__",
    "audit",
    "audit_paths",
    "builtin_policy",
    "load_plugins",
    "load_policy",
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
    if name in _TIERS:
        return importlib.import_module(f"synthgate.{name}")
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    if name in _MOVED:
        home, tier = _MOVED[name]
        where = f"import it from {tier}" if tier else f"it is internal ({home}.{name})"
        warnings.warn(
            f"synthgate.{name} is deprecated: {where}; synthgate.{name} goes in the next release",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(home), name)
    raise AttributeError(f"module 'synthgate' has no attribute {name!r}")


if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from synthgate import models as models
    from synthgate import plugin as plugin
    from synthgate import run as run
    from synthgate.audit import audit_paths
    from synthgate.errors import InputError, PolicyError, Problem, SynthgateError, UsageError
    from synthgate.models import Finding, Location, ManifestResult, Report, Totals, Verdict
    from synthgate.plugins import PluginHost, load_plugins
    from synthgate.policy import LoadedPolicy, load_policy
    from synthgate.run import Overrides, Run, RunOutcome, RunSettings, audit

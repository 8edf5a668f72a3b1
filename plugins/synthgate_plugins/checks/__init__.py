"""Built-in check kinds: threshold, required, generator-independence, json-schema, fact,
self-training, evaluation-present, terms, eval-overlap, measured and inferred-confirmed."""

from __future__ import annotations

from synthgate.plugin import CheckKind, hookimpl
from synthgate_plugins.checks.evaluation import EVALUATION_PRESENT
from synthgate_plugins.checks.fact import FACT
from synthgate_plugins.checks.independence import GENERATOR_INDEPENDENCE
from synthgate_plugins.checks.inferred import INFERRED_CONFIRMED
from synthgate_plugins.checks.measured import MEASURED
from synthgate_plugins.checks.overlap import EVAL_OVERLAP
from synthgate_plugins.checks.required import REQUIRED
from synthgate_plugins.checks.schema import JSON_SCHEMA
from synthgate_plugins.checks.self_training import SELF_TRAINING
from synthgate_plugins.checks.terms import TERMS
from synthgate_plugins.checks.threshold import THRESHOLD

__all__ = ["CHECK_KINDS", "synthgate_register_check_kinds"]

CHECK_KINDS = [
    THRESHOLD,
    REQUIRED,
    GENERATOR_INDEPENDENCE,
    JSON_SCHEMA,
    FACT,
    SELF_TRAINING,
    EVALUATION_PRESENT,
    TERMS,
    EVAL_OVERLAP,
    MEASURED,
    INFERRED_CONFIRMED,
]


@hookimpl
def synthgate_register_check_kinds() -> list[CheckKind]:
    """The built-in check kinds."""
    return list(CHECK_KINDS)

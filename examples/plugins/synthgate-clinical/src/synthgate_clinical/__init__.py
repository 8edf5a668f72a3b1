"""synthgate-clinical: privacy rules for synthetic patient data, as a synthgate plugin.

This module is the plugin (entry point ``clinical`` in group ``synthgate``). It imports only
``synthgate.plugin.hookimpl`` at start-up; the check kind, the metric and the pack are imported
when a hook asks for them, so that installing the plugin does not slow down ``synthgate audit``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from synthgate.plugin import hookimpl

if TYPE_CHECKING:
    from synthgate.plugin import CheckKind, Metric, PolicyPack

__all__ = [
    "__version__",
    "synthgate_register_check_kinds",
    "synthgate_register_metrics",
    "synthgate_register_policy_packs",
]

__version__ = "0.1.0"


@hookimpl
def synthgate_register_check_kinds() -> list[CheckKind]:
    """The ``privacy-evidence`` check kind."""
    from synthgate_clinical.checks import PRIVACY_EVIDENCE

    return [PRIVACY_EVIDENCE]


@hookimpl
def synthgate_register_metrics() -> list[Metric]:
    """The ``reidentification_auc`` metric, for ``threshold`` checks."""
    from synthgate_clinical.metrics import REIDENTIFICATION_AUC

    return [REIDENTIFICATION_AUC]


@hookimpl
def synthgate_register_policy_packs() -> list[PolicyPack]:
    """The ``clinical`` pack: ``--policy clinical``, or ``extends: [clinical]``."""
    from importlib.resources import files

    from synthgate.plugin import PolicyPack

    return [
        PolicyPack(
            "clinical",
            "The default pack, plus privacy evidence for synthetic patient data.",
            files("synthgate_clinical") / "clinical.yaml",
        )
    ]

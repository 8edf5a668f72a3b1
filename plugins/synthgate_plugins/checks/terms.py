"""``terms``: what generator providers' terms of use say about training on their outputs.

The knowledge lives in the policy, as parameters: each entry names the terms, their version,
which generators they cover, and the kind of restriction. Nothing here knows a provider.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal

from pydantic import Field, model_validator

from synthgate.models import UNKNOWN, Dataset, Generator, model_key
from synthgate.plugin import CheckContext, CheckKind, CheckParams, Outcome, PolicyContext, ScopeView
from synthgate_plugins.checks._kind_params import CheckVerdict, dataset_scope_only

__all__ = ["TERMS", "TermsEntry", "TermsParams"]

Restriction = Literal["none", "competing-models", "other-models", "name-prefix", "passes-through"]


class TermsEntry(CheckParams):
    """One set of terms: which generators it covers and what it restricts.

    A generator is covered when every matcher given holds: its provider is in ``providers``,
    its family in ``families``, its name starts with one of ``name_prefixes`` (all compared
    case-insensitively). ``restriction`` is one of:

    - ``none``: outputs may be used to train other models;
    - ``competing-models``: outputs may not train a model that competes with the provider;
    - ``other-models``: outputs may not improve models outside ``allowed_families``;
    - ``name-prefix``: a distributed model trained on outputs must be named ``name_prefix``...;
    - ``passes-through``: a model trained to perform like the generator inherits its terms.
    """

    title: str = Field(min_length=1)
    version: str = Field(min_length=1)
    providers: list[str] = Field(default_factory=list)
    families: list[str] = Field(default_factory=list)
    name_prefixes: list[str] = Field(default_factory=list)
    restriction: Restriction
    allowed_families: list[str] = Field(default_factory=list)
    name_prefix: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _complete(self) -> TermsEntry:
        if not (self.providers or self.families or self.name_prefixes):
            raise ValueError("give at least one of: providers, families, name_prefixes")
        if self.restriction == "name-prefix" and not self.name_prefix:
            raise ValueError("a 'name-prefix' restriction needs 'name_prefix'")
        return self

    def covers(self, generator: Generator) -> bool:
        """Whether these terms govern outputs of ``generator``."""
        name = model_key(generator.name)
        if self.providers and model_key(generator.provider) not in _keys(self.providers):
            return False
        if self.families and model_key(generator.family) not in _keys(self.families):
            return False
        return not self.name_prefixes or any(
            name.startswith(model_key(prefix)) for prefix in self.name_prefixes
        )

    def label(self) -> str:
        """``title (version)``."""
        return f"{self.title} ({self.version})"


def _keys(names: list[str]) -> set[str]:
    return {model_key(name) for name in names}


class TermsParams(CheckParams):
    """The terms a pack encodes (``terms``, first match wins), the day they were read
    (``checked``), and the verdict for each way a manifest can run into them."""

    checked: str = Field(min_length=1, description="When the terms texts were last read.")
    terms: list[TermsEntry] = Field(min_length=1)
    competing: CheckVerdict = "warn"
    other_model: CheckVerdict = "warn"
    misnamed: CheckVerdict = "fail"
    passes_through: CheckVerdict = "warn"
    unspecified: CheckVerdict = "warn"
    unlisted: CheckVerdict = "pass"
    when_unknown: CheckVerdict = "warn"


def _validate(params: TermsParams, context: PolicyContext) -> Iterable[tuple[str, str]]:
    yield from dataset_scope_only(context, "terms", "terms", "reads the dataset's intended use")


def _judge(
    entry: TermsEntry, dataset: Dataset, params: TermsParams
) -> tuple[CheckVerdict, str, str]:
    """(verdict, message, pointer) for one generator covered by ``entry``."""
    use = dataset.intended_use
    at_use = "/dataset/intended_use"
    terms = entry.label()
    if entry.restriction == "none":
        return "pass", f"{terms} allow training other models on outputs", ""
    if entry.restriction == "other-models":
        if not dataset.target_models:
            message = (
                f"{terms} limit which models outputs may improve, and dataset.target_models "
                "is not declared"
            )
            return params.unspecified, message, "/dataset/target_models"
        families = _keys(entry.allowed_families)
        others = [t.name for t in dataset.target_models if model_key(t.family) not in families]
        if others:
            allowed = ", ".join(entry.allowed_families) or "none"
            message = (
                f"{terms} forbid using outputs to improve other models (allowed families: "
                f"{allowed}); trained here: {', '.join(others)}"
            )
            return params.other_model, message, "/dataset/target_models"
        return "pass", f"{terms}: the trained models are of an allowed family", ""
    if entry.restriction == "name-prefix":
        distributed = use.distributed if use is not None else UNKNOWN
        if distributed is False:
            return "pass", f"{terms}: the trained model is not distributed", ""
        if distributed == UNKNOWN:
            message = (
                f"{terms} set naming conditions for distributed models, and "
                "intended_use.distributed is not declared"
            )
            return params.unspecified, message, at_use
        name = use.model_name if use is not None else UNKNOWN
        if name == UNKNOWN:
            message = (
                f"{terms} require a distributed model's name to begin with "
                f"'{entry.name_prefix}', and intended_use.model_name is not declared"
            )
            return params.unspecified, message, at_use
        if not model_key(name).startswith(model_key(entry.name_prefix)):
            message = (
                f"{terms} require a distributed model trained on outputs to be named "
                f"'{entry.name_prefix}...', and it is named '{name}'"
            )
            return params.misnamed, message, at_use
        return "pass", f"{terms}: the distributed model's name begins with the prefix", ""
    competing = use.competing_model if use is not None else UNKNOWN
    if competing == UNKNOWN:
        message = (
            f"{terms} restrict training models that compete with the provider, and "
            "intended_use.competing_model is not declared"
        )
        return params.unspecified, message, at_use
    if competing is False:
        return "pass", f"{terms}: the trained model does not compete with the provider", ""
    if entry.restriction == "passes-through":
        message = (
            f"{terms}: a model trained to perform like the generator is a derivative, and "
            "these terms pass on to it"
        )
        return params.passes_through, message, at_use
    message = (
        f"{terms} forbid using outputs to develop competing models, and the trained model "
        "is declared competing"
    )
    return params.competing, message, at_use


def _run(scope: ScopeView, params: TermsParams, context: CheckContext) -> Iterator[Outcome]:
    dataset = scope.manifest.dataset
    expected = f"generator terms (as read on {params.checked}) permit the intended use"
    found = False
    for pointer, source in scope.synthetic_sources():
        generator = source.generator
        if generator is None:
            continue  # the rule that asks for generators reports it
        found = True
        entry = next((e for e in params.terms if e.covers(generator)), None)
        where = pointer + "/generator"
        observed: dict[str, Any] = {"generator": generator.name, "provider": generator.provider}
        if entry is None:
            if model_key(generator.provider) == UNKNOWN:
                yield Outcome(
                    params.when_unknown,
                    observed,
                    expected,
                    f"generator '{generator.name}' names no provider, so its terms are unknown",
                    pointer=where,
                )
            else:
                yield Outcome(
                    params.unlisted,
                    observed,
                    expected,
                    f"this pack encodes no terms of provider '{generator.provider}' "
                    f"(terms read on {params.checked})",
                    pointer=where,
                )
            continue
        verdict, message, at = _judge(entry, dataset, params)
        observed["terms"] = entry.label()
        yield Outcome(
            verdict,
            observed,
            expected,
            f"generator '{generator.name}': {message}",
            pointer=at or where,
        )
    if not found:
        yield Outcome("pass", [], expected, "no synthetic source names a generator")


TERMS = CheckKind(
    name="terms",
    summary="Generator terms of use, encoded in the policy, permit the declared intended use.",
    params=TermsParams,
    run=_run,
    validate=_validate,
)

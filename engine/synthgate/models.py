"""The data synthgate reads and writes: Manifest, Policy, Finding and Report (pydantic v2).

Facts a manifest does not give are ``"unknown"``, a value of its own: a missing origin is
unknown, never human. Counts are whole numbers >= 0, shares lie in 0..1, dates are dates.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from synthgate.errors import LocatedValueError, excerpt

__all__ = [
    "LLM_METHODS",
    "MAX_COUNT",
    "SCOPES",
    "SPLIT_ROLE_NAMES",
    "UNKNOWN",
    "VERDICTS",
    "AppliedWaiver",
    "Basis",
    "CheckParams",
    "ConflictingFacts",
    "Contamination",
    "Count",
    "DataFiles",
    "Dataset",
    "Decoding",
    "Diversity",
    "Fact",
    "Filtering",
    "Finding",
    "Generator",
    "HumanAudit",
    "HumanEvaluation",
    "IntendedUse",
    "Judge",
    "LabelValidation",
    "Location",
    "Manifest",
    "ManifestFacts",
    "ManifestResult",
    "MeasuredContamination",
    "MeasuredFile",
    "MeasuredSource",
    "MeasurementEvidence",
    "ModelRef",
    "Origin",
    "PluginInfo",
    "Policy",
    "PolicyInfo",
    "Reference",
    "Report",
    "Rule",
    "RuleExamples",
    "RuleOverride",
    "Scope",
    "Selector",
    "Share",
    "Source",
    "SourceFacts",
    "Split",
    "SplitRole",
    "Stage",
    "TaskType",
    "Totals",
    "Translation",
    "Verdict",
    "Verifiability",
    "Verification",
    "Waiver",
    "WaiverScope",
    "WaiversFile",
    "empty_counts",
    "model_key",
    "split_role",
    "verdict_rank",
    "worst_verdict",
]

UNKNOWN: Literal["unknown"] = "unknown"
Unknown = Literal["unknown"]

Origin = Literal["human", "synthetic", "mixed", "unknown"]
Stage = Literal["pretrain", "sft", "preference", "eval", "unknown"]
SplitRole = Literal["train", "validation", "test", "eval"]
Scope = Literal["dataset", "split", "source"]
SCOPES: tuple[Scope, ...] = ("dataset", "split", "source")
Verifiability = Literal["verifiable", "subjective", "mixed", "unknown"]
ResourceLevel = Literal["high", "medium", "low", "unknown"]
Verdict = Literal["pass", "warn", "fail", "error"]
GenerationMethod = Literal[
    "llm",
    "template",
    "machine-translation",
    "back-translation",
    "rephrase",
    "distant-labels",
    "other",
    "unknown",
    "programmatic",
    "human-paraphrase",
]
"""How synthetic records were made. ``llm``: written by a language model; ``rephrase``: a
model rewrote existing text; ``template``: slots of fixed templates filled in; ``programmatic``:
made by a program (a solver, a simulator, a grammar), no model involved; ``machine-translation``
and ``back-translation``: an MT system translated text (back-translation: target-language text
translated into the source language to make parallel data); ``human-paraphrase``: people
rewrote existing items; ``distant-labels``: labels from heuristics or a classifier."""
LLM_METHODS: tuple[GenerationMethod, ...] = ("llm", "rephrase", "other", "unknown")
"""Methods the rules about language-model output apply to: a model wrote the text, or nobody
said how it was made (an undeclared method is held to the LLM rules, never excused)."""
DecodingStrategy = Literal["sampling", "greedy", "beam", "unknown"]
VerificationMethod = Literal[
    "unit-tests",
    "execution",
    "exact-answer",
    "proof-checker",
    "model-verifier",
    "human-review",
    "none",
    "unknown",
    "by-construction",
]
"""``by-construction``: the answer or label follows from how the item was made (a template
that fills in the answer, a program that computes it); it verifies template and programmatic
sources only."""

_VERDICT_RANK = {"pass": 0, "warn": 1, "fail": 2, "error": 3}


def verdict_rank(verdict: str) -> int:
    """Order of verdicts: pass < warn < fail < error."""
    return _VERDICT_RANK[verdict]


VERDICTS: tuple[Verdict, ...] = ("pass", "warn", "fail", "error")


def worst_verdict(verdicts: Iterable[Verdict]) -> Verdict:
    """The worst of some verdicts; ``pass`` when there are none."""
    worst: Verdict = "pass"
    for verdict in verdicts:
        if _VERDICT_RANK[verdict] > _VERDICT_RANK[worst]:
            worst = verdict
    return worst


def empty_counts() -> dict[Verdict, int]:
    """A count of zero for each verdict, in verdict order."""
    return dict.fromkeys(VERDICTS, 0)


def model_key(name: str) -> str:
    """The form in which model names and families are compared: case and edge spaces ignored.

    ``model_key("GPT-4o ") == model_key("gpt-4o")``; every check and metric that asks whether two
    models (or families) are the same compares these keys, so that they all agree.
    """
    return name.strip().casefold()


class ConflictingFacts(LocatedValueError):
    """Two facts of one model contradict each other; ``hint`` says how to reconcile them."""

    def __init__(self, message: str, loc: tuple[str | int, ...], hint: str) -> None:
        super().__init__(message, loc)
        self.hint = hint


def _is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value == UNKNOWN


MAX_COUNT = 2**53 - 1
"""The largest count read: every count up to it is exact as a float, so shares and sums of
counts are computed without overflow or rounding (9 quadrillion records or tokens)."""


def _shown_number(value: int | float) -> str:
    """``value`` for a message; an integer of hundreds of digits by its length alone."""
    text = str(value)
    return text if len(text) <= 24 else f"a number of {len(text.lstrip('-'))} digits"


def _count(value: Any) -> int | str:
    if _is_unknown(value):
        return UNKNOWN
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number >= 0 or 'unknown', got {excerpt(value)}")
    if value < 0:
        raise ValueError(f"expected a whole number >= 0, got {_shown_number(value)}")
    if value > MAX_COUNT:
        raise ValueError(
            f"expected a whole number of at most {MAX_COUNT:,}, got {_shown_number(value)}"
        )
    return value


def _depth(value: Any) -> int | str:
    result = _count(value)
    if result == 0:
        raise ValueError("generation depth starts at 1 (1 = generator trained on human data only)")
    return result


def _number(value: Any, *, low: float | None, high: float | None, what: str) -> float | str:
    if _is_unknown(value):
        return UNKNOWN
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected {what} or 'unknown', got {excerpt(value)}")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer past the largest float: no computation could use it
        raise ValueError(f"expected {what}, got {_shown_number(value)}") from None
    if not finite:
        raise ValueError(f"expected {what}, got a non-finite number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"expected {what}, got {_shown_number(value)}")
    return float(value) if isinstance(value, float) else value


def _share(value: Any) -> float | str:
    return _number(value, low=0.0, high=1.0, what="a share between 0 and 1")


def _non_negative(value: Any) -> float | str:
    return _number(value, low=0.0, high=None, what="a number >= 0")


def _kappa(value: Any) -> float | str:
    return _number(value, low=-1.0, high=1.0, what="a kappa between -1 and 1")


def _flag(value: Any) -> bool | str:
    if _is_unknown(value) or isinstance(value, bool):
        return value  # type: ignore[no-any-return]
    raise ValueError(f"expected true, false or 'unknown', got {excerpt(value)}")


_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?![0-9])")


def _date(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """A date, or text starting YYYY-MM-DD; never a number read as a Unix timestamp."""
    if isinstance(value, _dt.date) or (isinstance(value, str) and _DATE_TEXT.match(value)):
        return handler(value)
    if isinstance(value, str):
        handler(value)  # pydantic's own message for text that is no date at all
    raise PydanticCustomError("date_type", "Input should be a date written YYYY-MM-DD")


_UNKNOWN_SCHEMA = {"const": "unknown"}
Count = Annotated[
    int | Unknown,
    PlainValidator(_count),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_COUNT}, _UNKNOWN_SCHEMA]}
    ),
]
Depth = Annotated[
    int | Unknown,
    PlainValidator(_depth),
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_COUNT}, _UNKNOWN_SCHEMA]}
    ),
]
# ``int | float``: an int stays an int (0 is not rewritten 0.0), and the serializer knows it.
Share = Annotated[
    int | float | Unknown,
    PlainValidator(_share),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, _UNKNOWN_SCHEMA]}),
]
NonNegative = Annotated[
    int | float | Unknown,
    PlainValidator(_non_negative),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0}, _UNKNOWN_SCHEMA]}),
]
Kappa = Annotated[
    int | float | Unknown,
    PlainValidator(_kappa),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": -1, "maximum": 1}, _UNKNOWN_SCHEMA]}),
]
Flag = Annotated[
    bool | Unknown,
    PlainValidator(_flag),
    WithJsonSchema({"anyOf": [{"type": "boolean"}, _UNKNOWN_SCHEMA]}),
]
Text = Annotated[str, Field(min_length=1)]
Written = Annotated[str, Field(min_length=1, pattern=r"\S")]
"""Text a person must have written: not empty, not only white space."""
Date = Annotated[_dt.date, WrapValidator(_date)]


class _Strict(BaseModel):
    """Unknown fields are errors.

    Counts, shares, flags and dates have validators of their own that never coerce (``"10"`` is
    not a count, ``true`` is not 1). Other plain fields use pydantic's lax mode, which does
    convert some values: the text ``"2024"`` or the number ``2024.0`` is read as the whole
    number 2024 for an ``int`` field such as ``Reference.year``. Text fields take text only.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=False)


# --------------------------------------------------------------------------- manifest


class ModelRef(_Strict):
    """A model named in a manifest: a generator, a judge, or a model trained or evaluated."""

    name: Text = Field(description="Model identifier, e.g. 'gpt-4o-2024-08-06' or 'llama-3.1-70b'.")
    family: Text = Field(
        UNKNOWN,
        description="Model family, e.g. 'gpt-4', 'llama-3', 'claude-3'; 'unknown' if not known.",
    )
    provider: Text = Field(UNKNOWN, description="Who serves or publishes the model.")


class Generator(ModelRef):
    """The model that generated a synthetic source."""

    terms_version: Text = Field(
        UNKNOWN,
        description="Version or date of the provider terms the outputs were generated under.",
    )


class Verification(_Strict):
    """How synthetic items were checked automatically."""

    method: VerificationMethod = Field(UNKNOWN, description="How items were verified.")
    items_checked: Count = Field(UNKNOWN, description="Items run through the verifier.")
    items_passed: Count = Field(UNKNOWN, description="Items that passed and were kept.")
    tests_per_item: NonNegative = Field(UNKNOWN, description="Median tests per item (code).")
    verifier_precision: Share = Field(
        UNKNOWN, description="Precision of a model verifier measured on human-labelled items."
    )

    @model_validator(mode="after")
    def _passed_within_checked(self) -> Verification:
        checked, passed = self.items_checked, self.items_passed
        if isinstance(checked, int) and isinstance(passed, int) and passed > checked:
            raise LocatedValueError(
                f"items_passed ({passed}) exceeds items_checked ({checked})", ("items_passed",)
            )
        return self


class Filtering(_Strict):
    """How generated items were filtered before they were kept."""

    generated: Count = Field(UNKNOWN, description="Items generated before filtering.")
    kept: Count = Field(UNKNOWN, description="Items kept after filtering.")
    methods: list[Text] = Field(default_factory=list, description="Filters applied, by name.")

    @model_validator(mode="after")
    def _kept_within_generated(self) -> Filtering:
        generated, kept = self.generated, self.kept
        if isinstance(generated, int) and isinstance(kept, int) and kept > generated:
            raise LocatedValueError(f"kept ({kept}) exceeds generated ({generated})", ("kept",))
        return self


class HumanAudit(_Strict):
    """A random sample of items checked by people."""

    items: Count = Field(UNKNOWN, description="Items audited by people.")
    error_rate: Share = Field(UNKNOWN, description="Share of audited items found wrong.")
    annotators: str = Field(UNKNOWN, description="Who audited (pool, expertise, languages).")


class Diversity(_Strict):
    """Diversity measurements of a synthetic source."""

    near_duplicate_rate: Share = Field(
        UNKNOWN, description="Share of items with a near-duplicate (MinHash Jaccard >= 0.8)."
    )
    self_bleu: Share = Field(UNKNOWN, description="Self-BLEU of the source.")
    distinct_2: Share = Field(UNKNOWN, description="Distinct bigram ratio.")
    compression_ratio: NonNegative = Field(UNKNOWN, description="gzip compression ratio.")


class Decoding(_Strict):
    """How a generator was sampled."""

    strategy: DecodingStrategy = Field(UNKNOWN, description="sampling, greedy or beam search.")
    temperature: NonNegative = Field(UNKNOWN, description="Sampling temperature.")
    top_p: Share = Field(UNKNOWN, description="Nucleus sampling threshold.")


class LabelValidation(_Strict):
    """Model-made labels (or model-written examples) compared with labels given by people."""

    items: Count = Field(UNKNOWN, description="Items labelled by both people and the model.")
    kappa: Kappa = Field(
        UNKNOWN, description="Cohen's kappa between model labels and the human majority label."
    )
    agreement: Share = Field(UNKNOWN, description="Share of items where they agree.")
    annotators: str = Field(
        UNKNOWN, description="Who gave the human labels (pool size, demographics, expertise)."
    )


DataFormat = Literal["parquet", "jsonl", "csv"]
DATA_SUFFIXES: dict[str, DataFormat] = {
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
"""File name endings whose format need not be declared."""
_FIELD_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*(\.[A-Za-z0-9_][A-Za-z0-9_\-]*)*$")


def _glob(value: Any) -> str:
    """A file glob relative to the manifest: ``*``, ``?``, ``[...]`` and whole-segment ``**``."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a file glob such as 'data/train-*.parquet'")
    if "\x00" in value or "\\" in value:
        raise ValueError(f"not a file glob: {value!r} (write paths with '/')")
    depth = 0
    for char in value:
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
    if depth:
        raise ValueError(f"unclosed '[' in the file glob {value!r}")
    for segment in value.split("/"):
        if "**" in segment and segment != "**":
            raise ValueError(f"'**' must be a whole path segment in {value!r}, as in 'data/**/x'")
    return value


def _field_path(value: Any) -> str:
    if not isinstance(value, str) or not _FIELD_PATH.match(value):
        raise ValueError(
            f"expected a field name, or a dotted path into nested fields ('meta.model'), "
            f"got {value!r}"
        )
    return value


def _where_value(value: Any) -> Any:
    scalar = (str, int, float, bool)
    if isinstance(value, scalar) or (
        isinstance(value, list) and value and all(isinstance(v, scalar) for v in value)
    ):
        return value
    raise ValueError(f"expected a value or a list of values to select rows by, got {value!r}")


Glob = Annotated[str, PlainValidator(_glob), WithJsonSchema({"type": "string", "minLength": 1})]
FieldPath = Annotated[
    str,
    PlainValidator(_field_path),
    WithJsonSchema({"type": "string", "pattern": _FIELD_PATH.pattern}),
]
WhereValue = Annotated[
    str | int | float | bool | list[str | int | float | bool],
    PlainValidator(_where_value),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": ["string", "number", "boolean"]},
                {
                    "type": "array",
                    "items": {"type": ["string", "number", "boolean"]},
                    "minItems": 1,
                },
            ]
        }
    ),
]


class DataFiles(_Strict):
    """Where the records of a source (or of a split's shared files) are, for measuring.

    Read only by ``synthgate measure`` and ``synthgate audit --measure``; a plain audit
    never opens the files.
    """

    files: list[Glob] = Field(
        default_factory=list,
        description="Globs relative to the manifest. A source in a split with 'data' may leave "
        "them out and select its rows of the split's files with 'where'.",
    )
    format: DataFormat | None = Field(
        None, description="parquet, jsonl or csv; by default from each file's name ending."
    )
    text: list[FieldPath] = Field(
        default_factory=list,
        description="Fields compared for duplicates and overlap, joined by a newline.",
    )
    where: dict[FieldPath, WhereValue] = Field(
        default_factory=dict,
        description="Rows that belong to this source: field -> value (or list of values).",
    )
    generator_field: FieldPath | None = Field(
        None, description="The field naming the model that wrote each record."
    )
    verified_field: FieldPath | None = Field(
        None, description="The field with each record's verification result (true = passed)."
    )


class Translation(_Strict):
    """How machine-translated records were checked."""

    system: str = Field(UNKNOWN, description="The MT system, e.g. 'nllb-200-3.3b'.")
    quality_metric: str = Field(
        UNKNOWN, description="Reference-free quality estimation metric, e.g. 'cometkiwi-22'."
    )
    quality_estimate: Share = Field(
        UNKNOWN, description="Mean quality estimate of the kept records, scaled to 0..1."
    )
    post_edited_items: Count = Field(
        UNKNOWN, description="Items post-edited or reviewed by human translators."
    )


class Source(_Strict):
    """One part of a split with a single origin and, if synthetic, a single generator."""

    id: Text = Field(description="Identifier, unique within the manifest.")
    origin: Origin = Field(
        UNKNOWN, description="human, synthetic, mixed or unknown; never assumed human."
    )
    records: Count = Field(UNKNOWN, description="Number of records (examples).")
    tokens: Count = Field(UNKNOWN, description="Number of tokens, if measured.")
    synthetic_share: Share = Field(
        UNKNOWN, description="For a mixed source: the share of its records that is synthetic."
    )
    method: GenerationMethod = Field(UNKNOWN, description="How synthetic records were made.")
    generator: Generator | None = Field(None, description="The model that generated the records.")
    generation_depth: Depth = Field(
        UNKNOWN,
        description="1 = the generator was trained on human data only; 2 = the generator was "
        "itself trained on synthetic data; and so on.",
    )
    derived_from: list[Text] = Field(
        default_factory=list, description="Datasets or sources this one was generated from."
    )
    verification: Verification | None = None
    filtering: Filtering | None = None
    human_audit: HumanAudit | None = None
    diversity: Diversity | None = None
    decoding: Decoding | None = None
    label_validation: LabelValidation | None = None
    translation: Translation | None = Field(
        None, description="For machine-translated records: how their quality was checked."
    )
    inferred: dict[str, Text] = Field(
        default_factory=dict,
        description="Facts of this source an importer inferred rather than read (e.g. "
        "'origin' from a card's prose), each with its evidence; remove an entry once the "
        "fact is confirmed.",
    )
    description: str | None = None
    data: DataFiles | None = Field(
        None, description="Where the source's records are, for 'synthgate measure'."
    )

    @model_validator(mode="after")
    def _facts_agree_with_origin(self) -> Source:
        """Refuse facts that the declared origin rules out, rather than guess which is wrong."""
        origin = self.origin
        if not _is_unknown(self.synthetic_share) and origin != "mixed":
            raise ConflictingFacts(
                f"'synthetic_share' is for mixed sources, and this source is '{origin}'",
                ("synthetic_share",),
                _SHARE_HINTS[origin],
            )
        if origin == "human":
            for name, what in _NOT_HUMAN:
                value = getattr(self, name)
                if value is not None and not _is_unknown(value):
                    raise ConflictingFacts(
                        f"a human source has no {what}, but '{name}' is given",
                        (name,),
                        f"set 'origin: synthetic' (or 'mixed' with 'synthetic_share') if model "
                        f"output is part of it, or remove '{name}'",
                    )
        return self


_SHARE_HINTS = {
    "human": "remove 'synthetic_share' (a human source has no synthetic records), or set "
    "'origin: mixed' if some are synthetic",
    "synthetic": "remove 'synthetic_share' (a synthetic source is synthetic throughout), or set "
    "'origin: mixed' if some records are human",
    "unknown": "set 'origin: mixed': a source with a known synthetic share mixes origins",
}
_NOT_HUMAN = (
    ("generator", "generator"),
    ("generation_depth", "generation depth"),
    ("verification", "automatic verification of synthetic items"),
    ("decoding", "decoding settings"),
)


class Split(_Strict):
    """A named split (train, validation, test, ...) made of sources."""

    name: Text
    role: SplitRole | None = Field(
        None,
        description="What the split is for: train, validation, test or eval. Not given: "
        "inferred from the name (see split_role).",
    )
    sources: list[Source] = Field(min_length=1)
    data: DataFiles | None = Field(
        None,
        description="Files shared by the split's sources; each source selects its rows with "
        "'data.where'.",
    )

    @model_validator(mode="after")
    def _sources_select_shared_rows(self) -> Split:
        """Shared files need each source to say which rows are its own, or hold one source."""
        for j, source in enumerate(self.sources):
            data = source.data
            if self.data is None:
                if data is not None and not data.files:
                    raise LocatedValueError(
                        "'data' gives no 'files', and the split has no shared 'data' files",
                        ("sources", j, "data"),
                    )
                continue
            if self.data.where:
                raise LocatedValueError(
                    "a split's shared 'data' selects no rows: 'where' belongs on its sources",
                    ("data", "where"),
                )
            if data is None and len(self.sources) > 1:
                raise LocatedValueError(
                    "the split's files are shared by several sources, and this one does not "
                    "say which rows are its own: add 'data: {where: {field: value}}'",
                    ("sources", j),
                )
            if data is not None and not data.files and not data.where and len(self.sources) > 1:
                raise LocatedValueError(
                    "'data' on a source of shared files needs 'where' (which rows are its own)",
                    ("sources", j, "data"),
                )
        return self


SPLIT_ROLE_NAMES: dict[str, SplitRole] = {
    "train": "train",
    "training": "train",
    "trn": "train",
    "validation": "validation",
    "valid": "validation",
    "val": "validation",
    "dev": "validation",
    "development": "validation",
    "test": "test",
    "testing": "test",
    "tst": "test",
    "holdout": "test",
    "eval": "eval",
    "evaluation": "eval",
    "benchmark": "eval",
}
"""The words of a split name that give its role when none is declared. A name is read word by
word (split at ``-``, ``_``, ``.``, ``/`` and spaces, case ignored) and the first word in this
table decides: ``validation_matched`` is a validation split, ``en-train`` a training split."""

_NAME_WORDS = re.compile(r"[-_./\s]+")


def split_role(split: Split, stage: str) -> tuple[SplitRole, str]:
    """A split's role and where it came from: ``declared``, ``inferred: name`` (from
    :data:`SPLIT_ROLE_NAMES`), or ``default``: a split whose name says nothing (``all``,
    ``default``) is what its dataset is for, ``eval`` in an evaluation set, else ``train``."""
    if split.role is not None:
        return split.role, "declared"
    for word in _NAME_WORDS.split(split.name.strip().casefold()):
        role = SPLIT_ROLE_NAMES.get(word)
        if role is not None:
            return role, "inferred: name"
    return ("eval" if stage == "eval" else "train"), "default"


class HumanEvaluation(_Strict):
    """Human evaluation of the model trained on, or evaluated with, this dataset."""

    items: Count = Field(UNKNOWN, description="Human judgments or blinded comparisons.")
    blinded: Flag = Field(UNKNOWN, description="Raters did not know which model wrote what.")


class Judge(ModelRef):
    """The model that scores outputs, and how well it agrees with people."""

    human_agreement: Share = Field(
        UNKNOWN, description="Share of items where the judge agrees with human raters."
    )
    agreement_items: Count = Field(
        UNKNOWN, description="Items on which agreement with human raters was measured."
    )
    position_swap: Flag = Field(
        UNKNOWN, description="Pairwise judgments were repeated with the answers swapped."
    )


class Contamination(_Strict):
    """A check of training data against evaluation sets (n-gram overlap or the like)."""

    method: str = Field(UNKNOWN, description="e.g. '13-gram overlap' or '70% of 8-grams'.")
    eval_sets: list[Text] = Field(
        default_factory=list, description="Evaluation sets checked against."
    )
    flagged_share: Share = Field(
        UNKNOWN, description="Share of evaluation items flagged as contaminated."
    )
    generator_saw_eval_items: Flag = Field(
        UNKNOWN, description="A generator was prompted with items of an evaluation set."
    )


class IntendedUse(_Strict):
    """What the model trained on this dataset is for (generator terms of use depend on it)."""

    competing_model: Flag = Field(
        UNKNOWN,
        description="The trained model is a general-purpose model that competes with the "
        "generator's provider.",
    )
    distributed: Flag = Field(UNKNOWN, description="The trained model is published or sold.")
    model_name: str = Field(UNKNOWN, description="Name under which the trained model is released.")
    description: str = ""


class Dataset(_Strict):
    """Facts about the dataset as a whole."""

    name: Text
    version: str | None = None
    description: str | None = None
    task_type: str = Field(
        UNKNOWN, description="A task type of the policy's taxonomy, or one of its aliases."
    )
    stage: Stage = Field(UNKNOWN, description="pretrain, sft, preference or eval.")
    languages: list[Text] = Field(default_factory=list, description="Language codes.")
    resource_level: ResourceLevel = Field(UNKNOWN, description="Resource level of the language.")
    target_models: list[ModelRef] = Field(
        default_factory=list,
        description="Models trained on this dataset, or (for eval) evaluated with it.",
    )
    judge: Judge | None = Field(None, description="The model that scores outputs, if any.")
    human_evaluation: HumanEvaluation | None = None
    targeted_benchmarks: list[Text] = Field(
        default_factory=list,
        description="Targeted benchmarks (exact-answer or executed) the trained model is "
        "evaluated on, besides preference or judge scores.",
    )
    contamination: Contamination | None = None
    intended_use: IntendedUse | None = None
    replaces_previous_version: Flag = Field(
        UNKNOWN, description="True if human data of the previous version was replaced."
    )
    derived_from: list[Text] = Field(default_factory=list)
    released: Date | None = Field(None, description="Release date (YYYY-MM-DD).")
    aliases: list[Text] = Field(
        default_factory=list,
        description="Other names of the dataset (a Hub id, an acronym) that other manifests "
        "may use for it in 'derived_from'.",
    )
    inferred: dict[str, Text] = Field(
        default_factory=dict,
        description="Dataset facts an importer inferred rather than read (e.g. 'task_type' "
        "from a card's prose), each with its evidence; remove an entry once it is confirmed.",
    )


class WaiverScope(_Strict):
    """What a waiver covers: one split, one source, or one JSON Pointer (at most one of them);
    empty means the whole manifest."""

    split: Text | None = Field(default=None, description="A split name.")
    source: Text | None = Field(default=None, description="A source id.")
    pointer: str | None = Field(
        default=None,
        pattern=r"^(/[^/]*)*$",
        description="A JSON Pointer; findings at or below it.",
    )

    @model_validator(mode="after")
    def _at_most_one(self) -> WaiverScope:
        given = [k for k in ("split", "source", "pointer") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError("a waiver scope names one of: split, source, pointer")
        return self


class Waiver(_Strict):
    """A risk accepted knowingly, for a while, in writing."""

    rule: Text = Field(description="Rule code or name.")
    scope: WaiverScope = Field(default_factory=WaiverScope)
    reason: Written = Field(description="Why the risk is accepted (not only white space).")
    owner: Written = Field(description="Who answers for it (not only white space).")
    expires: Date = Field(description="Last day the waiver applies (YYYY-MM-DD).")
    created: Date | None = Field(None, description="When the waiver was written.")
    ticket: str | None = None
    approver: str | None = None
    manifests: list[Text] | None = Field(
        None,
        description="In a central waivers file only: globs of manifest paths, relative to "
        "the waivers file, that the waiver covers.",
    )


class WaiversFile(_Strict):
    """A central waivers file (``synthgate-waivers.yaml``)."""

    schema_: str | None = Field(None, alias="$schema")
    waivers: list[Waiver] = Field(default_factory=list)


MAX_SOURCES = 1000
"""The most sources one manifest may list, over all its splits: the work of an audit and the
size of its report grow with every source (a few KiB of report each), so this bounds both."""


class Manifest(_Strict):
    """One dataset or training mix: where every part came from and how it was checked."""

    schema_: str | None = Field(None, alias="$schema", description="JSON Schema for editors.")
    dataset: Dataset
    splits: list[Split] = Field(min_length=1)
    waivers: list[Waiver] = Field(
        default_factory=list, description="Findings of this manifest accepted for a while."
    )

    @model_validator(mode="before")
    @classmethod
    def _bounded(cls, data: Any) -> Any:
        """At most :data:`MAX_SOURCES` sources, counted before any is validated."""
        splits = data.get("splits") if isinstance(data, dict) else None
        if not isinstance(splits, list):
            return data
        count = 0
        for i, split in enumerate(splits):
            sources = split.get("sources") if isinstance(split, dict) else None
            if not isinstance(sources, list):
                continue
            if count + len(sources) > MAX_SOURCES:
                raise ConflictingFacts(  # a located error with a hint
                    f"more than {MAX_SOURCES} sources in one manifest",
                    ("splits", i, "sources", MAX_SOURCES - count),
                    "describe each dataset in a manifest of its own, or merge sources that share "
                    "their origin, generator and checks",
                )
            count += len(sources)
        return data

    @model_validator(mode="after")
    def _unique_names(self) -> Manifest:
        seen_splits: set[str] = set()
        seen_sources: set[str] = set()
        for i, split in enumerate(self.splits):
            if split.name in seen_splits:
                raise LocatedValueError(
                    f"split name '{split.name}' appears twice", ("splits", i, "name")
                )
            seen_splits.add(split.name)
            for j, source in enumerate(split.sources):
                if source.id in seen_sources:
                    raise LocatedValueError(
                        f"source id '{source.id}' appears twice",
                        ("splits", i, "sources", j, "id"),
                    )
                seen_sources.add(source.id)
        return self


# --------------------------------------------------------------------------- policy


class TaskType(_Strict):
    """A task type of the taxonomy."""

    verifiability: Literal["verifiable", "subjective", "mixed"]
    description: str = ""
    aliases: list[Text] = Field(
        default_factory=list, description="Other names, e.g. Hugging Face task ids."
    )


class Reference(_Strict):
    """A source behind a rule."""

    authors: Text
    year: int = Field(ge=1900, le=2100)
    title: Text
    venue: str = ""
    id: str = Field("", description="arXiv id or DOI.")
    url: str = ""


class Basis(_Strict):
    """Where a rule's thresholds come from."""

    kind: Literal["source", "anchored", "judgment", "legal"] = Field(
        description="source: a number reported in a reference; anchored: a reference number "
        "moved to another setting; judgment: direction only; legal: provider terms."
    )
    note: str = ""


class Selector(_Strict):
    """Which scopes a rule applies to; every listed condition must hold."""

    scope: Scope = "dataset"
    verifiability: list[Verifiability] | None = None
    task_types: list[Text] | None = None
    stages: list[Stage] | None = None
    splits: list[Text] | None = None
    origins: list[Origin] | None = None
    resource_levels: list[ResourceLevel] | None = None
    # A scope is selected when one of its non-human sources was made by one of these methods.
    methods: list[GenerationMethod] | None = None


class RuleExamples(_Strict):
    """Manifest snippets for the rule card."""

    non_compliant: str = ""
    compliant: str = ""


class Rule(_Strict):
    """A rule: which scopes, which check, what to do when it does not pass."""

    code: str = Field(pattern=r"^[A-Z]{2,5}[0-9]{3,4}$", description="Stable code, e.g. SG101.")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="kebab-case name.")
    summary: Text
    rationale: str = ""
    remediation: str = ""
    references: list[Reference] = Field(default_factory=list)
    basis: Basis | None = None
    severity: Literal["fail", "warn", "off"] = Field(
        "fail", description="The worst verdict this rule may give ('off' disables it)."
    )
    applies: Selector = Field(default_factory=Selector)
    check: dict[str, Any] = Field(
        description="'kind' names a check kind; the other keys are its parameters."
    )
    examples: RuleExamples | None = None
    waivable: bool = Field(True, description="False: no waiver may cover this rule.")
    enforce_from: Date | None = Field(
        None, description="Ratchet: before this date a fail is reported as a warn."
    )


class RuleOverride(_Strict):
    """Changes an extending pack makes to an inherited rule."""

    severity: Literal["fail", "warn", "off"] | None = None
    check: dict[str, Any] | None = Field(
        None, description="Parameters merged over the inherited ones ('kind' cannot change)."
    )
    applies: Selector | None = None
    waivable: bool | None = Field(None, description="False: no waiver may cover the rule.")
    enforce_from: Date | None = Field(
        None, description="Ratchet date; an explicit null removes an inherited one."
    )


class Policy(_Strict):
    """A policy pack: a task taxonomy and rules."""

    schema_: str | None = Field(None, alias="$schema")
    name: Text
    version: str = "0"
    description: str = ""
    waiver_horizon_days: int | None = Field(
        None, ge=1, description="Longest a waiver may run, in days (default 180)."
    )
    extends: list[Text] = Field(
        default_factory=list, description="Packs (names or relative paths) this one builds on."
    )
    taxonomy: dict[str, TaskType] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)
    overrides: dict[str, RuleOverride] = Field(
        default_factory=dict, description="Inherited rules by code or name."
    )


class CheckParams(BaseModel):
    """Base class for the parameters of a check kind.

    Strict: a key the check does not define is a policy error with a "did you mean" (never an
    ignored typo), and parameters are frozen once the policy is loaded. Subclass it and declare
    the parameters as fields; the policy loader validates a rule's ``check`` mapping with it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- findings


# Report models are built on first use: a text audit never validates or dumps them, and a
# pre-commit hook should not pay for their schemas at start-up.
_REPORT_CONFIG = ConfigDict(defer_build=True)


class Location(BaseModel):
    """Where a finding points: a file, a 1-based line and column, and a JSON Pointer."""

    model_config = _REPORT_CONFIG

    file: str
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    pointer: str


class Finding(BaseModel):
    """One verdict of one rule on one scope, explaining itself."""

    model_config = _REPORT_CONFIG

    rule: str
    name: str
    verdict: Verdict
    scope: Scope
    location: Location
    observed: Any = Field(description="The value the check saw ('unknown' when not declared).")
    expected: str = Field(description="The constraint the value was held to.")
    message: str
    remediation: str = ""
    fingerprint: str = Field(
        default="",
        description="Stable identity: rule, manifest, split names and source ids, not lines.",
    )
    waiver: AppliedWaiver | None = Field(
        default=None, description="The waiver that covers this finding, or that lapsed."
    )
    related: list[Location] = Field(
        # A default, not a factory: pydantic copies it, and model_construct (every finding
        # is built that way) would inspect a factory's signature each time.
        default=[],
        exclude_if=lambda related: not related,
        description="Places in other manifests this finding concerns (cross-manifest rules); "
        "left out when there are none.",
    )

    @property
    def waived(self) -> bool:
        """True when an active (not lapsed) waiver covers this finding."""
        return self.waiver is not None and self.waiver.status == "active"


class AppliedWaiver(BaseModel):
    """A waiver as a report shows it beside the finding it covers (or covered)."""

    model_config = _REPORT_CONFIG

    status: Literal["active", "lapsed"]
    reason: str
    owner: str
    expires: _dt.date
    ticket: str | None = None
    approver: str | None = None
    location: Location


class Fact(BaseModel):
    """A value synthgate resolved for a manifest, and where it came from.

    ``via`` is ``declared`` (the manifest gives it), ``inferred: <what from>`` (derived from
    another fact, or taken by an adapter from a field of the original file; adapters say
    which through :attr:`synthgate.documents.Document.mapped_from`), or ``default`` (nothing
    gives it, so it is the field's default, ``unknown`` for most facts).
    """

    model_config = _REPORT_CONFIG

    value: str
    via: str = Field(description="'declared', 'inferred: <what from>' or 'default'.")


class SourceFacts(BaseModel):
    """What synthgate concluded about one source: its split and split role, origin, method."""

    model_config = _REPORT_CONFIG

    id: str
    split: str
    role: Fact = Field(description="The split's role: train, validation, test or eval.")
    origin: Fact
    method: Fact


class ManifestFacts(BaseModel):
    """What synthgate concluded about a manifest before judging it, so that a wrong inference
    can be told apart from a wrong rule."""

    model_config = _REPORT_CONFIG

    task_type: Fact = Field(description="The canonical task type of the policy's taxonomy.")
    verifiability: Fact
    stage: Fact
    resource_level: Fact
    sources: list[SourceFacts]


class ManifestResult(BaseModel):
    """Findings for one manifest."""

    model_config = _REPORT_CONFIG

    path: str
    dataset: str
    verdict: Verdict
    counts: dict[Verdict, int]
    findings: list[Finding]
    waived: int = Field(
        default=0, description="Findings covered by an active waiver (in counts too)."
    )
    baselined: int = Field(default=0, description="Known findings left out by --baseline.")
    measured: dict[str, MeasuredSource] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="What the data says, by source id (only when the data was measured: "
        "'audit --measure').",
    )
    contamination: list[MeasuredContamination] | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Evaluation sets judged against the training sets, by recipe (only when "
        "the data was measured).",
    )
    measurement: MeasurementEvidence | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="How the data was measured, so that the numbers can be reproduced.",
    )

    facts: ManifestFacts | None = Field(
        default=None,
        exclude_if=lambda facts: facts is None,
        description="The task type, verifiability, stage, resource level and per-source "
        "origin and method the rules were judged on, each with where it came from.",
    )


class MeasuredFile(BaseModel):
    """A data file a measurement read."""

    model_config = _REPORT_CONFIG

    path: str = Field(description="Relative to the manifest's directory.")
    bytes: int
    sha256: str
    rows: int = Field(description="Rows of the file that belong to the source.")


class MeasuredSource(BaseModel):
    """What the data of one source says (see docs/measure.md for each definition)."""

    model_config = _REPORT_CONFIG

    records: int
    exact_duplicate_rate: float | None = Field(
        description="Share of records repeating an earlier one after normalisation."
    )
    near_duplicate_rate: float | None = Field(
        description="Share of records with a near duplicate (MinHash LSH)."
    )
    largest_cluster_share: float | None = Field(
        description="Share of records in the largest near-duplicate cluster."
    )
    generator_shares: dict[str, float] | None = Field(
        description="Share of records per value of the generator field ('' = none)."
    )
    verified_items: int | None = Field(description="Records whose verification field is true.")
    files: list[MeasuredFile]
    split: str
    role: Literal["train", "eval"]
    cross_duplicate_rate: float | None = Field(
        description="Share of records whose normalised text is in another source too."
    )
    synthetic_records: int | None = Field(description="Records whose generator field is set.")
    checked_items: int | None = Field(description="Records whose verification field is set.")
    seconds: float


class MeasuredContamination(BaseModel):
    """One evaluation source against the training sources, by one recipe."""

    model_config = _REPORT_CONFIG

    eval_source: str
    training_sources: list[str]
    recipe: Literal["exact", "ngram-13", "ngram-8-70"]
    items: int
    dirty_items: int
    dirty_share: float


class MeasurementEvidence(BaseModel):
    """The engine, library versions, parameters and time of a measurement."""

    model_config = _REPORT_CONFIG

    engine: str
    versions: dict[str, str]
    parameters: dict[str, Any]
    seconds: float
    cache_key: str
    cached: bool = Field(default=False, exclude_if=lambda value: not value)
    cluster: dict[str, int] | None = Field(default=None, exclude_if=lambda value: value is None)
    """A distributed engine's cluster when it measured: nodes alive and CPUs."""


class PolicyInfo(BaseModel):
    """A policy pack used in a run."""

    model_config = _REPORT_CONFIG

    name: str
    version: str
    origin: str


class PluginInfo(BaseModel):
    """A plugin loaded in a run."""

    model_config = _REPORT_CONFIG

    name: str
    version: str


class Totals(BaseModel):
    """Counts over the whole run."""

    model_config = _REPORT_CONFIG

    manifests: int
    findings: dict[Verdict, int]
    unreadable: int = 0
    """Files that could not be audited (input errors)."""
    waived: int = 0
    """Findings covered by an active waiver."""
    baselined: int = 0
    """Known findings left out by --baseline."""


class Report(BaseModel):
    """Everything one audit found."""

    model_config = _REPORT_CONFIG

    synthgate: str = Field(description="synthgate version.")
    policies: list[PolicyInfo]
    plugins: list[PluginInfo]
    manifests: list[ManifestResult]
    totals: Totals
    verdict: Verdict

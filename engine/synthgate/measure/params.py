"""What is measured, and with which parameters: recorded with every measurement."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["RECIPES", "MeasureParams", "Recipe"]

Recipe = Literal["exact", "ngram-13", "ngram-8-70"]
RECIPES: tuple[Recipe, ...] = ("exact", "ngram-13", "ngram-8-70")


@dataclass(frozen=True, slots=True)
class MeasureParams:
    """Every parameter a measured number depends on (and so the cache key's), with the
    defaults of the projects they come from."""

    normalization: str = "nfc-casefold-whitespace"
    """Text is NFC-normalised, case-folded and its whitespace collapsed before hashing."""
    text_hash: str = "sha256"
    """Exact duplicates compare the sha256 of the normalised text."""
    shingle_words: int = 5
    """Near duplicates: MinHash over word 5-grams (datatrove)."""
    num_perm: int = 112
    bands: int = 14
    rows: int = 8
    """14 bands of 8 rows: a pair at Jaccard 0.8 is caught with probability 0.924 (datatrove)."""
    min_jaccard: float = 0.7
    """A candidate pair (records sharing a band) is a near duplicate when their signatures
    agree on at least this share of the permutations (its estimated Jaccard similarity)."""
    seed: int = 1
    minhash: Literal["rensa", "datasketch"] = "rensa"
    ngram: int = 13
    """ngram-13 (GPT-3): an evaluation item sharing any 13-gram with the training data."""
    short_ngram: int = 8
    """... or, for an item shorter than 13 words, any 8-gram."""
    max_ngram_frequency: int = 10
    """... ignoring n-grams that occur in more than this many training records."""
    palm_ngram: int = 8
    palm_share: float = 0.7
    """ngram-8-70 (PaLM): at least 70% of the item's 8-grams occur in the training data."""

    def __post_init__(self) -> None:
        if self.bands * self.rows != self.num_perm:
            raise ValueError(f"bands x rows ({self.bands} x {self.rows}) must be num_perm")

    def as_dict(self) -> dict[str, Any]:
        """The parameters as plain data (for evidence and the cache key)."""
        return dataclasses.asdict(self)

    @property
    def threshold(self) -> float:
        """The Jaccard similarity at which LSH catches half of the pairs: (1/b)^(1/r)."""
        return round(float((1 / self.bands) ** (1 / self.rows)), 3)

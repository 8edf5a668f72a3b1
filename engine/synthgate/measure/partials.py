"""The measurements of one batch of records, as partial results that merge.

Every engine hands the same function an Arrow record batch with the columns ``text``,
``generator`` and ``verified`` (the latter two when the source names those fields); the
partials it returns merge in any order, and :func:`finish_source` turns the merged partial into
the source's numbers. Nothing depends on how the records were split into batches or in which
order the files were read (a property test holds it to that), so that a distributed engine can
feed the same function from many workers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from synthgate.measure.params import MeasureParams

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "EvalIndex",
    "EvalItems",
    "SourcePartial",
    "measure_batch",
    "normalize",
    "words",
]

U64 = npt.NDArray[np.uint64]
_WORD = re.compile(r"\w+")
_PRIME = np.uint64(1099511628211)  # FNV's 64-bit prime: window hashes of word hashes


def normalize(text: str) -> str:
    """Text as duplicates are compared: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def words(normalized: str) -> list[str]:
    """The words n-grams and shingles are made of (punctuation left out)."""
    return _WORD.findall(normalized)


def text_hash(normalized: str) -> int:
    """The first 8 bytes of the sha256 of the normalised text, as an unsigned integer."""
    return int.from_bytes(hashlib.sha256(normalized.encode()).digest()[:8], "big")


# ASCII rows that need more than lower-casing and newlines turned into spaces: other whitespace
# Python's str.split() splits at (\t \v \f \r \x1c-\x1f), two whitespace characters in a row,
# or whitespace at either end.
_IRREGULAR = r"[\t\x0b\x0c\r\x1c-\x1f]|[ \n][ \n]|^[ \n]|[ \n]$"
_SEPARATORS = ("\x1c", "\x1d", "\x1e", "\x1f")
"""Whitespace to Python, not to Arrow's ASCII kernels: made spaces before those split."""


def normalize_texts(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """:func:`normalize` of every text (null as empty), as an Arrow string array.

    For ASCII text NFC changes nothing and case folding is ASCII lower-casing, so Arrow's
    kernels normalise it: newlines become spaces where the words are already one space or
    newline apart (most text), else the text is split at whitespace and joined by single
    spaces. Other rows go through :func:`normalize`, so the result is the same as calling it per
    row (a property test holds the two to that).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    texts = pc.fill_null(texts.cast(pa.string()), "")
    lowered = pc.ascii_lower(texts)
    out = pc.replace_substring(lowered, "\n", " ")
    ascii = pc.string_is_ascii(texts)
    split = pc.and_(ascii, pc.match_substring_regex(texts, _IRREGULAR))
    if pc.any(split).as_py():
        some = pc.filter(lowered, split)
        for separator in _SEPARATORS:
            some = pc.replace_substring(some, separator, " ")
        words = pc.ascii_split_whitespace(pc.ascii_trim_whitespace(some))
        out = pc.replace_with_mask(out, split, pc.binary_join(words, " "))
    python = pc.invert(ascii)
    if pc.any(python).as_py():
        slow = [normalize(t) for t in pc.filter(texts, python).to_pylist()]
        out = pc.replace_with_mask(out, python, pa.array(slow, pa.string()))
    return out


def text_hashes(normalized: Sequence[str]) -> U64:
    """:func:`text_hash` of every normalised text."""
    sha256 = hashlib.sha256
    digests = b"".join([sha256(t.encode()).digest()[:8] for t in normalized])
    return np.frombuffer(digests, dtype=">u8").astype(np.uint64)


class _WordHashes(dict[str, int]):
    """A stable 64-bit hash per word (blake2b), computed once per distinct word."""

    def __missing__(self, word: str) -> int:
        value = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
        self[word] = value
        return value


_WORD_HASHES = _WordHashes()


def _windows(flat: U64, owner: npt.NDArray[np.int64], k: int) -> tuple[U64, npt.NDArray[np.int64]]:
    """Hashes of every run of ``k`` consecutive words within one record, and the record each
    belongs to; ``flat`` holds the word hashes of all records, ``owner`` their records."""
    count = len(flat) - k + 1
    if count <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    hashes = flat[:count].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            hashes = hashes * _PRIME + flat[j : j + count]
    inside = owner[:count] == owner[k - 1 : k - 1 + count]
    return hashes[inside], owner[:count][inside]


@dataclass(slots=True)
class EvalItems:
    """What the evaluation side of contamination needs of an evaluation source's records."""

    rows: list[tuple[str, int]] = field(default_factory=list)
    """(file, row) of each item, for the per-item report."""
    hashes: list[int] = field(default_factory=list)
    """Normalised-text hash of each item (the ``exact`` recipe)."""
    long: list[U64] = field(default_factory=list)
    """Per item: its distinct n-grams for ngram-13 (8-grams when it is short; none when it is
    shorter still, and then only the exact recipe judges it)."""
    palm: list[U64] = field(default_factory=list)
    """Per item: its distinct 8-grams (ngram-8-70)."""

    def shifted(self, rows: int) -> EvalItems:
        """The same items, ``rows`` further down their files (a batch measured on its own,
        placed after the rows before it)."""
        moved = [(file, row + rows) for file, row in self.rows]
        return EvalItems(moved, self.hashes, self.long, self.palm)

    def merge(self, other: EvalItems) -> EvalItems:
        """Both sets of items."""
        return EvalItems(
            self.rows + other.rows,
            self.hashes + other.hashes,
            self.long + other.long,
            self.palm + other.palm,
        )


@dataclass(frozen=True, slots=True)
class EvalIndex:
    """Every n-gram of the evaluation items a training batch is looked up against."""

    grams: U64
    """Sorted distinct n-gram hashes (both lengths) of all evaluation items."""

    def holds(self, grams: U64) -> npt.NDArray[np.bool_]:
        """Which of ``grams`` are evaluation n-grams (a binary search in the sorted index,
        where ``np.isin`` would sort the index again for every batch)."""
        if not len(self.grams):
            return np.zeros(len(grams), dtype=bool)
        at = np.minimum(np.searchsorted(self.grams, grams), len(self.grams) - 1)
        return np.asarray(self.grams[at] == grams)

    @classmethod
    def of(cls, items: Iterable[EvalItems]) -> EvalIndex:
        """The index of some evaluation sources' items."""
        parts = [g for one in items for g in (*one.long, *one.palm)]
        grams = np.unique(np.concatenate(parts)) if parts else np.empty(0, np.uint64)
        return cls(grams.astype(np.uint64))


@dataclass(slots=True)
class SourcePartial:
    """One batch's (or several merged batches') measurements of one source."""

    rows: int = 0
    hashes: list[U64] = field(default_factory=list)
    """Normalised-text hashes, one per record."""
    bands: list[U64] = field(default_factory=list)
    """MinHash band keys, (records with words) x bands."""
    signatures: list[npt.NDArray[np.uint16]] = field(default_factory=list)
    """The low 16 bits of each MinHash value, (records with words) x permutations: enough to
    estimate a candidate pair's Jaccard similarity (two unequal values agree by chance once in
    65,536), at a quarter of the signature's size."""
    generators: Counter[str] = field(default_factory=Counter)
    verified: int = 0
    """Records whose verification field is true."""
    verified_known: int = 0
    """Records whose verification field is true or false (not missing)."""
    eval_hits: list[U64] = field(default_factory=list)
    """Evaluation n-grams found, once per training record that holds them."""
    items: EvalItems | None = None
    """For an evaluation source: its items (see :class:`EvalItems`)."""

    def shifted(self, rows: int) -> SourcePartial:
        """This partial with its evaluation items ``rows`` further down their files."""
        if self.items is None or not rows:
            return self
        return dataclasses.replace(self, items=self.items.shifted(rows))

    def merge(self, other: SourcePartial) -> SourcePartial:
        """Both partials as one; the order of merging changes nothing that is measured."""
        items = self.items
        if other.items is not None:
            items = other.items if items is None else items.merge(other.items)
        return SourcePartial(
            self.rows + other.rows,
            self.hashes + other.hashes,
            self.bands + other.bands,
            self.signatures + other.signatures,
            self.generators + other.generators,
            self.verified + other.verified,
            self.verified_known + other.verified_known,
            self.eval_hits + other.eval_hits,
            items,
        )


def _signatures(shingles: Iterable[list[str]], params: MeasureParams) -> U64:
    """MinHash signatures (records x num_perm) of each record's shingles."""
    if params.minhash == "datasketch":
        from datasketch import MinHash

        every = [[s.encode() for s in one] for one in shingles]
        if not every:
            return np.empty((0, params.num_perm), np.uint64)
        made = MinHash.bulk(
            every,
            num_perm=params.num_perm,
            seed=params.seed,
        )
        return np.array([m.hashvalues for m in made], dtype=np.uint64)
    from rensa import RMinHash

    digests = []
    for one in shingles:
        sketch = RMinHash(num_perm=params.num_perm, seed=params.seed)
        sketch.update(one)
        digests.append(sketch.digest())
    if not digests:
        return np.empty((0, params.num_perm), np.uint64)
    return np.array(digests, dtype=np.uint64)


def _shingles(
    tokens: list[list[str]], flat: U64, owner: npt.NDArray[np.int64], params: MeasureParams
) -> Iterator[list[str]]:
    """Each record's word 5-grams (as the decimal text of their stable hash, which is cheaper
    to make than the joined words and as distinct); a record shorter than that is one shingle.
    Records without words have none and take no part in near duplicates. Made one record at
    a time: the text of a whole batch's shingles is over 100 MB."""
    k = params.shingle_words
    grams, owners = _windows(flat, owner, k)
    cuts = np.searchsorted(owners, np.arange(len(tokens) + 1))
    for i, ws in enumerate(tokens):
        if not ws:
            continue
        own: list[str] = grams[cuts[i] : cuts[i + 1]].astype("U20").tolist()
        yield own or [" ".join(ws)]


def _band_keys(signatures: U64, params: MeasureParams) -> U64:
    """One key per band: a hash of the band's rows of the signature."""
    shaped = signatures.reshape(len(signatures), params.bands, params.rows)
    keys = shaped[:, :, 0].copy()
    with np.errstate(over="ignore"):
        for j in range(1, params.rows):
            keys = keys * _PRIME + shaped[:, :, j]
    return keys


def measure_batch(
    batch: pa.RecordBatch,
    params: MeasureParams,
    *,
    file: str = "",
    first_row: int = 0,
    eval_index: EvalIndex | None = None,
    collect_items: bool = False,
) -> SourcePartial:
    """The measurements of one batch of one source's records.

    ``eval_index``: the evaluation n-grams to look for (a training source); ``collect_items``:
    keep the records as evaluation items (an evaluation source); ``file`` and ``first_row``
    say where the batch's first record is, for the per-item report.
    """
    names = batch.schema.names
    partial = SourcePartial(rows=batch.num_rows)
    if "generator" in names:
        partial.generators = Counter(
            "" if value is None else str(value) for value in batch.column("generator").to_pylist()
        )
    if "verified" in names:
        flags = batch.column("verified").to_pylist()
        partial.verified = sum(1 for flag in flags if flag is True)
        partial.verified_known = sum(1 for flag in flags if flag is not None)
    if "text" not in names:
        return partial
    texts: list[str] = normalize_texts(batch.column("text")).to_pylist()
    hashes = text_hashes(texts)
    partial.hashes = [hashes]
    tokens = [words(t) for t in texts]
    lengths = np.array([len(ws) for ws in tokens], dtype=np.int64)
    flat = np.fromiter(
        (_WORD_HASHES[w] for ws in tokens for w in ws), dtype=np.uint64, count=int(lengths.sum())
    )
    owner = np.repeat(np.arange(len(tokens), dtype=np.int64), lengths)
    signatures = _signatures(_shingles(tokens, flat, owner, params), params)
    partial.bands = [_band_keys(signatures, params)]
    partial.signatures = [(signatures & np.uint64(0xFFFF)).astype(np.uint16)]
    if eval_index is not None:
        hits = []
        for size in sorted({params.ngram, params.short_ngram, params.palm_ngram}):
            grams, owners = _windows(flat, owner, size)
            found = eval_index.holds(grams)
            hits.append(np.stack([grams[found], owners[found].astype(np.uint64)], axis=1))
        pairs = np.unique(np.concatenate(hits), axis=0)  # once per record
        partial.eval_hits = [pairs[:, 0].copy()]
    if collect_items:
        partial.items = _items(hashes, tokens, flat, owner, lengths, params, file, first_row)
    return partial


def _items(
    hashes: U64,
    tokens: list[list[str]],
    flat: U64,
    owner: npt.NDArray[np.int64],
    lengths: npt.NDArray[np.int64],
    params: MeasureParams,
    file: str,
    first_row: int,
) -> EvalItems:
    by_size: dict[int, list[U64]] = {}
    for size in {params.ngram, params.short_ngram, params.palm_ngram}:
        grams, owners = _windows(flat, owner, size)
        cuts = np.searchsorted(owners, np.arange(len(tokens) + 1))
        by_size[size] = [np.unique(grams[cuts[i] : cuts[i + 1]]) for i in range(len(tokens))]
    items = EvalItems()
    empty = np.empty(0, np.uint64)
    for i in range(len(tokens)):
        # An item too short for any n-gram is judged by the exact recipe alone.
        if lengths[i] >= params.ngram:
            long = by_size[params.ngram][i]
        elif lengths[i] >= params.short_ngram:
            long = by_size[params.short_ngram][i]
        else:
            long = empty
        palm = by_size[params.palm_ngram][i] if lengths[i] >= params.palm_ngram else empty
        items.rows.append((file, first_row + i))
        items.hashes.append(int(hashes[i]))
        items.long.append(long)
        items.palm.append(palm)
    return items


def near_duplicate_clusters(
    bands: Sequence[U64],
    signatures: Sequence[npt.NDArray[np.uint16]] = (),
    min_jaccard: float = 0.0,
) -> list[int]:
    """Sizes of the clusters of two or more records joined by near-duplicate pairs, largest
    first (see :func:`cluster_labels`)."""
    sizes = Counter(cluster_labels(bands, signatures, min_jaccard))
    return sorted((n for n in sizes.values() if n > 1), reverse=True)


def _candidates(keys: U64) -> npt.NDArray[np.int64]:
    """Pairs of records that share a band key: in each band, every record with the one before
    it and with the first of its run (so that one unlike record in a run breaks no link)."""
    edges = []
    for b in range(keys.shape[1]):
        column = keys[:, b]
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        same = np.flatnonzero(ordered[1:] == ordered[:-1]) + 1
        if not len(same):
            continue
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        first = starts[np.searchsorted(starts, same, side="right") - 1]
        edges.append(np.stack([order[same], order[same - 1]], axis=1))
        edges.append(np.stack([order[same], order[first]], axis=1))
    if not edges:
        return np.empty((0, 2), np.int64)
    pairs = np.concatenate(edges).astype(np.int64)
    return np.unique(np.sort(pairs, axis=1), axis=0)


def _verified(
    pairs: npt.NDArray[np.int64],
    signatures: Sequence[npt.NDArray[np.uint16]],
    min_jaccard: float,
) -> npt.NDArray[np.int64]:
    """The pairs whose signatures agree on at least ``min_jaccard`` of the permutations.

    Only the signatures of records in some pair are gathered (most records are in none), so
    the signatures are never copied whole."""
    rows = np.unique(pairs)
    starts = np.cumsum([0, *(len(chunk) for chunk in signatures)])
    gathered = np.empty((len(rows), signatures[0].shape[1]), dtype=np.uint16)
    for k, chunk in enumerate(signatures):
        lo, hi = np.searchsorted(rows, [starts[k], starts[k + 1]])
        gathered[lo:hi] = chunk[rows[lo:hi] - starts[k]]
    local = np.searchsorted(rows, pairs)
    keep = np.zeros(len(pairs), dtype=bool)
    for start in range(0, len(pairs), 65536):  # bounded temporary memory
        chunk_pairs = local[start : start + 65536]
        agree = (gathered[chunk_pairs[:, 0]] == gathered[chunk_pairs[:, 1]]).mean(axis=1)
        keep[start : start + len(chunk_pairs)] = agree >= min_jaccard
    return pairs[keep]


def cluster_labels(
    bands: Sequence[U64],
    signatures: Sequence[npt.NDArray[np.uint16]] = (),
    min_jaccard: float = 0.0,
) -> list[int]:
    """The cluster of each record (in the order of ``bands``): records joined by candidate
    pairs (sharing a band key), directly or through others, have the same label. With
    ``signatures``, a candidate pair joins only when its estimated Jaccard similarity is at
    least ``min_jaccard``."""
    if not bands:
        return []
    keys = np.concatenate(bands) if len(bands) > 1 else bands[0]
    total = len(keys)
    parent = list(range(total))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = _candidates(keys) if total else np.empty((0, 2), np.int64)
    if len(signatures) and len(pairs):
        pairs = _verified(pairs, signatures, min_jaccard)
    for a, b in pairs.tolist():
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return [root(i) for i in range(total)]

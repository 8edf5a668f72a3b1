"""Per-batch measurements: normalisation, exact and near duplicates, contamination recipes."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synthgate.measure.params import MeasureParams
from synthgate.measure.partials import (
    SourcePartial,
    measure_batch,
    near_duplicate_clusters,
    normalize,
    normalize_texts,
    text_hash,
    text_hashes,
)
from tests.engine.measure.conftest import rows

PARAMS = MeasureParams()


def batch(texts: list[str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_pydict({"text": texts})


def test_normalize_is_nfc_casefolded_with_whitespace_collapsed() -> None:
    assert normalize("  Stra\u00dfe\t\tCAFE\u0301 \n x ") == "strasse café x"
    assert normalize("cafe\u0301") == normalize("caf\u00e9")


def test_the_text_hash_is_sha256_and_stable() -> None:
    # The first 8 bytes of sha256("abc"): never a hash that changes between versions.
    assert text_hash("abc") == 0xBA7816BF8F01CFEA


# Text as it comes: mostly ASCII words and single spaces, with every whitespace character
# Python's str.split() knows, combining accents, the sharp s and other non-ASCII letters.
_PIECES = st.sampled_from(
    [
        "a",
        "Z",
        "word",
        "ABC",
        "42",
        ".",
        " ",
        "\n",
        "  ",
        "\t",
        "\r",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x1f",
        "\x85",
        "\u00a0",
        "\u2003",
        "\u3000",
        "e\u0301",
        "\u00df",
        "\u0130",
        "\u03a3",
        "\ufb01",
        "\u2019",
        "\U0001f600",
        "\x00",
    ]
)
TEXTS = st.one_of(st.lists(_PIECES, max_size=12).map("".join), st.text(max_size=30))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXTS), max_size=20), st.integers(0, 3))
def test_vectorised_normalisation_and_hashing_equal_the_per_record_functions(
    texts: list[str | None], cut: int
) -> None:
    array = pa.array(texts, pa.string()).slice(min(cut, len(texts)))
    expected = [normalize(t or "") for t in array.to_pylist()]
    normalized = normalize_texts(array)
    assert normalized.to_pylist() == expected
    assert text_hashes(normalized.to_pylist()).tolist() == [text_hash(t) for t in expected]


def test_exact_duplicates_ignore_case_and_spacing() -> None:
    questions = [r["question"] for r in rows("train")[:50]]
    texts = [*questions, questions[0].upper(), "  " + questions[1].replace(" ", "   ")]
    partial = measure_batch(batch(texts), PARAMS)
    distinct = np.unique(np.concatenate(partial.hashes))
    assert partial.rows == 52
    assert len(distinct) == 50


def test_a_one_word_edit_is_a_near_duplicate_and_other_problems_are_not() -> None:
    train = rows("train")
    texts = [r["question"] + " " + r["answer"] for r in train[:100]]
    long = texts[0].split()
    long[len(long) // 2] = "zebra"  # about 1% of the 5-grams change: Jaccard well above 0.8
    texts.append(" ".join(long))
    partial = measure_batch(batch(texts), PARAMS)
    assert near_duplicate_clusters(partial.bands) == [2]


def test_a_shared_band_joins_records_only_when_their_signatures_agree() -> None:
    # Records 0, 1 and 2 share the key of band 0; 1 agrees with 0 on 100 of 112 values (0.89),
    # 2 on 50 (0.45): a chance collision of one band, which verification drops.
    rng = np.random.default_rng(3)
    signatures = rng.integers(0, 2**16, size=(3, 112), dtype=np.uint16)
    signatures[1, :100] = signatures[0, :100]
    signatures[2, :50] = signatures[0, :50]
    bands = rng.integers(0, 2**63, size=(3, 14), dtype=np.uint64)
    bands[1:, 0] = bands[0, 0]
    assert near_duplicate_clusters([bands]) == [3]
    assert near_duplicate_clusters([bands], [signatures], 0.7) == [2]
    assert near_duplicate_clusters([bands], [signatures], 0.9) == []


def test_records_without_words_are_never_near_duplicates() -> None:
    partial = measure_batch(batch(["", "", "...", "a real sentence with words"]), PARAMS)
    assert near_duplicate_clusters(partial.bands) == []


def test_generators_and_verification_flags_are_counted() -> None:
    data = pa.RecordBatch.from_pydict(
        {
            "text": ["a", "b", "c", "d"],
            "generator": ["gpt-4o", "gpt-4o", None, "llama"],
            "verified": [True, False, None, True],
        }
    )
    partial = measure_batch(data, PARAMS)
    assert partial.generators == {"gpt-4o": 2, "": 1, "llama": 1}
    assert (partial.verified, partial.verified_known) == (2, 3)


def test_merging_partials_adds_them_up() -> None:
    texts = [r["question"] for r in rows("train")[:20]]
    one = measure_batch(batch(texts[:7]), PARAMS)
    two = measure_batch(batch(texts[7:]), PARAMS)
    whole = measure_batch(batch(texts), PARAMS)
    merged = SourcePartial().merge(one).merge(two)
    assert merged.rows == whole.rows
    assert np.array_equal(np.concatenate(merged.hashes), np.concatenate(whole.hashes))
    assert np.array_equal(np.concatenate(merged.bands), np.concatenate(whole.bands))


@pytest.mark.parametrize("library", ["rensa", "datasketch"])
def test_both_minhash_libraries_find_the_same_planted_near_duplicate(
    library: Literal["rensa", "datasketch"],
) -> None:
    texts = [r["question"] + " " + r["answer"] for r in rows("train")[:40]]
    edited = texts[3].split()
    edited[-3] = "seventeen"
    texts.append(" ".join(edited))
    partial = measure_batch(batch(texts), MeasureParams(minhash=library))
    assert near_duplicate_clusters(partial.bands) == [2]


def test_bands_times_rows_must_be_the_permutations() -> None:
    with pytest.raises(ValueError, match="num_perm"):
        MeasureParams(num_perm=100)
    assert MeasureParams().threshold == pytest.approx(0.719, abs=0.001)


def _split_measure(texts: list[str], cuts: list[int], params: MeasureParams) -> SourcePartial:
    """The texts measured in blocks ending at ``cuts``, merged in order: what an engine does
    whichever way its reader splits a file."""
    merged = SourcePartial()
    start = 0
    for end in [*sorted(set(cuts)), len(texts)]:
        if end <= start:
            continue
        part = measure_batch(batch(texts[start:end]), params, file="f", collect_items=True)
        merged = merged.merge(part.shifted(merged.rows))
        start = end
    return merged


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 60), max_size=6))
def test_the_result_does_not_depend_on_how_blocks_are_split(cuts: list[int]) -> None:
    texts = [r["question"] for r in rows("train")[:50]]
    texts += [texts[3].upper(), texts[7] + " again", "", texts[10]]
    whole = _split_measure(texts, [], PARAMS)
    split = _split_measure(texts, cuts, PARAMS)
    assert split.rows == whole.rows
    assert np.array_equal(np.concatenate(split.hashes), np.concatenate(whole.hashes))
    assert np.array_equal(np.concatenate(split.bands), np.concatenate(whole.bands))
    assert np.array_equal(np.concatenate(split.signatures), np.concatenate(whole.signatures))
    assert near_duplicate_clusters(
        split.bands, split.signatures, PARAMS.min_jaccard
    ) == near_duplicate_clusters(whole.bands, whole.signatures, PARAMS.min_jaccard)
    assert split.items is not None
    assert whole.items is not None
    assert split.items.rows == whole.items.rows == [("f", i) for i in range(len(texts))]
    assert split.items.hashes == whole.items.hashes
    assert all(
        np.array_equal(a, b) for a, b in zip(split.items.long, whole.items.long, strict=True)
    )

"""Per-batch measurements: normalisation, exact and near duplicates, contamination recipes."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pyarrow as pa
import pytest

from synthgate.measure.params import MeasureParams
from synthgate.measure.partials import (
    SourcePartial,
    measure_batch,
    near_duplicate_clusters,
    normalize,
    text_hash,
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

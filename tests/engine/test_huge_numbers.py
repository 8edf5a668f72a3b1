"""Numbers with hundreds of digits are input errors where they stand, never an OverflowError
(exit 3) nor a crashed check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from synthgate.models import MAX_COUNT, Source
from tests.conftest import FIXTURES, CliResult

Run = Callable[..., CliResult]
PASSING = FIXTURES / "cli" / "pass.synthgate.yaml"
HUGE = "9" * 400


@pytest.mark.parametrize(
    ("line", "replacement"),
    [
        ("    flagged_share: 0\n", f"    flagged_share: {HUGE}\n"),
        ("        records: 1000\n", f"        records: {HUGE}\n"),
        ("        records: 3000\n", f"        records: 3000\n        tokens: {HUGE}\n"),
        ("temperature: 0.8", f"temperature: {HUGE}"),
        ("near_duplicate_rate: 0.01", f"near_duplicate_rate: -{HUGE}"),
        ("items_checked: 4000", f"items_checked: {HUGE}"),
    ],
    ids=["share", "records", "tokens", "non-negative", "negative-share", "items"],
)
def test_a_number_with_hundreds_of_digits_is_exit_2_at_its_line(
    run_cli: Run, tmp_path: Path, line: str, replacement: str
) -> None:
    text = PASSING.read_text(encoding="utf-8")
    assert line in text
    edited = text.replace(line, replacement, 1)
    manifest = tmp_path / "huge.synthgate.yaml"
    manifest.write_text(edited, encoding="utf-8")
    result = run_cli("audit", str(manifest))
    assert result.code == 2, (result.out, result.err)
    number = next(i for i, x in enumerate(edited.splitlines(), 1) if HUGE in x)
    assert f"huge.synthgate.yaml:{number}:" in result.err
    assert "OverflowError" not in result.err
    assert HUGE not in result.err  # the message says how long it is, not every digit


def test_counts_are_bounded_by_the_largest_exact_float_integer() -> None:
    assert MAX_COUNT == 2**53 - 1
    assert Source.model_validate({"id": "a", "origin": "human", "records": MAX_COUNT}).records
    with pytest.raises(ValidationError, match="at most 9,007,199,254,740,991"):
        Source.model_validate({"id": "a", "origin": "human", "records": MAX_COUNT + 1})

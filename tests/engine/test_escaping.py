"""printable: every control, bidi and line-break character shown as an escape, nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from synthgate.escaping import printable

_UNSAFE = {chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]} | set(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
)


def test_control_sequences_become_visible_escapes() -> None:
    assert printable("a\nb") == "a\\nb"
    assert printable("a\r\n::error::x") == "a\\r\\n::error::x"
    assert (
        printable("\x1b]8;;https://evil.invalid\x07link")
        == "\\x1b]8;;https://evil.invalid\\x07link"
    )
    assert printable("\x1b[2J\x9b31m") == "\\x1b[2J\\x9b31m"
    assert printable("abc\u202edef\u2066") == "abc\\u202edef\\u2066"
    assert printable("tab\there\x7f") == "tab\\there\\x7f"


def test_ordinary_text_is_unchanged() -> None:
    text = "Données: 30% synthétique — ñ, 日本語, emoji 🙂, C:\\path, 'quotes' \"too\""
    assert printable(text) == text


def test_keep_newlines_keeps_only_line_feeds() -> None:
    assert printable("a\nb\r\x1b[0m", keep_newlines=True) == "a\nb\\r\\x1b[0m"


@given(st.text())
def test_no_unsafe_character_survives(text: str) -> None:
    out = printable(text)
    assert not (set(out) & _UNSAFE)
    assert printable(out) == out  # escaping is idempotent on its own output


@given(st.text(alphabet=st.characters(blacklist_characters=sorted(_UNSAFE))))
def test_safe_text_is_left_alone(text: str) -> None:
    assert printable(text) == text

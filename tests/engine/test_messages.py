"""How exceptions and values' types read inside one-line messages."""

from __future__ import annotations

from typing import Any

import pytest

from synthgate.messages import exception_line, json_type_name, message_line, python_type_name


def test_an_exception_reads_as_its_type_and_first_line() -> None:
    exc = ValueError("  first\nsecond\nthird ")
    assert exception_line(exc) == "ValueError: first"
    assert message_line(exc) == "first"


@pytest.mark.parametrize("exc", [KeyError(), RuntimeError("  \n ")])
def test_an_exception_without_a_message_reads_as_its_type(exc: BaseException) -> None:
    assert exception_line(exc) == type(exc).__name__
    assert message_line(exc) == type(exc).__name__


@pytest.mark.parametrize(
    ("value", "python", "json"),
    [
        (None, "None", "null"),
        (True, "a bool", "a boolean"),
        (3, "a int", "a number"),
        (2.5, "a float", "a number"),
        ("x", "a str", "text"),
        ([1], "a list", "a list"),
        ({"a": 1}, "a dict", "an object"),
        ((1,), "a tuple", "tuple"),
    ],
)
def test_a_value_is_named_in_pythons_words_or_jsons(value: Any, python: str, json: str) -> None:
    assert python_type_name(value) == python
    assert json_type_name(value) == json

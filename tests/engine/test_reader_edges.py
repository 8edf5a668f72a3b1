"""Edges of the YAML builder and the JSON scanner that no other test reaches.

Each was found while splitting the readers into modules: a bound that trips on a list or
mapping rather than a scalar, a syntax error that stops the JSON depth scan before the bound,
and aliases standing as mapping keys.
"""

from __future__ import annotations

import json

import pytest

from synthgate.documents import Limits, parse_text
from synthgate.errors import InputError, Problem


def problem_of(text: str, *, json_format: bool = False, limits: Limits | None = None) -> Problem:
    with pytest.raises(InputError) as info:
        parse_text(text, "input", limits or Limits(), json_format=json_format)
    (problem,) = info.value.problems
    return problem


@pytest.mark.parametrize(
    ("text", "column"),
    [
        pytest.param("[[[[1]]]]", 4, id="flow-lists"),
        pytest.param("[[], [], {}]", 10, id="a-mapping"),
    ],
)
def test_the_value_bound_trips_on_a_list_or_mapping(text: str, column: int) -> None:
    problem = problem_of(text, limits=Limits(max_values=3))
    assert problem.message == "more than 3 values in one file"
    assert (problem.line, problem.column) == (1, column)


@pytest.mark.parametrize(
    "broken",
    [
        pytest.param('{"a" 1}', id="no-colon"),
        pytest.param("{a: 1}", id="unquoted-key"),
        pytest.param('{"a": 1 "b": 2}', id="no-comma-in-object"),
        pytest.param("[1 2]", id="no-comma-in-array"),
        pytest.param("[nope]", id="bad-literal"),
        pytest.param('["open]', id="unterminated-string"),
        pytest.param('{"\\x": 1}', id="bad-escape-in-key"),
    ],
)
def test_a_syntax_error_before_the_depth_bound_is_a_syntax_error(broken: str) -> None:
    # Deep enough to make the reader scan for the depth bound; the error comes first.
    text = "[" * 3 + broken + "[" * 100
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        expected = (exc.lineno, exc.colno)
    problem = problem_of(text, json_format=True)
    assert problem.message.startswith("malformed JSON: ")
    assert (problem.line, problem.column) == expected


def test_an_alias_of_text_can_be_a_key() -> None:
    data = parse_text("name: &k field\nmap:\n  *k : 1\n", "input.yaml").data
    assert data == {"name": "field", "map": {"field": 1}}


def test_an_alias_of_a_list_cannot_be_a_key() -> None:
    problem = problem_of("items: &k [1]\nmap:\n  *k : 1\n")
    assert problem.message == "mapping keys must be text"
    assert (problem.line, problem.column) == (3, 3)


def test_an_alias_repeating_a_key_is_a_duplicate_key() -> None:
    problem = problem_of("name: &k field\nmap:\n  field: 1\n  *k : 2\n")
    assert problem.message == "duplicate key 'field'"
    assert (problem.line, problem.column) == (4, 3)

"""YAML syntax errors are told in synthgate's words, whichever parser and version found them.

libyaml and PyYAML's pure-Python parser word their errors differently, and their wording and
bounds change between releases (libyaml 0.2.6 added a nesting limit of its own). Each case runs
through both parsers and must give the same message; no library's text reaches the user.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from synthgate import documents
from synthgate.documents import DEFAULT_LIMITS, parse_text
from synthgate.errors import InputError, Problem

PARSERS = [pytest.param(documents._PurePythonParser, id="pure-python")]
if documents.C_PARSER:
    from yaml._yaml import CParser

    PARSERS.insert(0, pytest.param(CParser, id="libyaml"))


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Each test runs once with libyaml (when PyYAML has it) and once with the pure parser."""
    monkeypatch.setattr(documents, "_Parser", request.param)
    return request.param


def problem_of(text: str) -> Problem:
    with pytest.raises(InputError) as info:
        parse_text(text, "input.yaml")
    (problem,) = info.value.problems
    return problem


# Library phrases that must never be shown (both parsers' wordings of the same errors).
LIBRARY_WORDS = (
    "while scanning",
    "while parsing",
    "did not find expected key",
    "expected <block end>",
    "found character",
    "could not find",
    "exceeded maximum",
    "but found",
    "but got",
)

CASES = [
    pytest.param("dataset:\n\tname: demo\n", "a tab character", id="tab-indent"),
    pytest.param("name: `cmd`\n", "cannot start a YAML value", id="backtick"),
    pytest.param("a: b: c\n", "mapping values are not allowed here", id="colon-in-value"),
    pytest.param("- a\nb: 1\n", "does not line up", id="list-then-key"),
    pytest.param('dataset:\n  name: "demo\n', "ends inside a quoted value", id="unclosed-quote"),
    pytest.param('a: "\\q"\n', "unknown escape sequence", id="bad-escape"),
    pytest.param("a: & x\n", "anchor or alias without a valid name", id="bad-anchor"),
    pytest.param("a: !x!y 1\n", "undefined or malformed tag", id="undefined-tag-handle"),
    pytest.param("a: [1, 2\nb: 3\n", "is not closed, or its items", id="unclosed-flow"),
    pytest.param("a:\n  - 1\n - 2\n", "indentation does not match", id="misaligned-entry"),
]


@pytest.mark.parametrize(("text", "words"), CASES)
def test_syntax_errors_are_in_synthgates_words(parser: Any, text: str, words: str) -> None:
    problem = problem_of(text)
    assert problem.message.startswith("malformed YAML: ")
    assert words in problem.message
    assert problem.hint.startswith("fix the YAML syntax here")
    for phrase in LIBRARY_WORDS:
        assert phrase not in problem.message.lower()


@pytest.mark.parametrize(("text", "words"), CASES)
def test_both_parsers_say_the_same(monkeypatch: pytest.MonkeyPatch, text: str, words: str) -> None:
    said = set()
    for candidate in PARSERS:
        monkeypatch.setattr(documents, "_Parser", candidate.values[0])
        problem = problem_of(text)
        said.add((problem.message, problem.hint))
    assert len(said) == 1, said


@pytest.mark.parametrize(
    ("text", "column"),
    [
        pytest.param("[" * 10_000, 65, id="flow-sequences"),
        pytest.param("{a: " * 10_000, 4 * 64 + 1, id="flow-mappings"),
        pytest.param("- " * 10_000 + "x", 2 * 64 + 1, id="block-sequences"),
        pytest.param("[" * 2_000 + "]" * 2_000 + "\n" + "x: [", 65, id="then-a-syntax-error"),
    ],
)
def test_nesting_past_the_limit_is_ours_whichever_parser(
    parser: Any, text: str, column: int
) -> None:
    problem = problem_of(text)
    assert problem.message == f"nesting is deeper than {DEFAULT_LIMITS.max_depth} levels"
    assert (problem.line, problem.column) == (1, column)
    assert "flatten" in problem.hint


class _LibyamlWithALowerBound:
    """A parser like a future libyaml whose own nesting bound trips before any event."""

    def __init__(self, text: str) -> None:
        self.text = text

    def get_event(self) -> Iterator[Any]:
        mark = yaml.Mark("input.yaml", 1000, 0, 1000, None, 0)
        raise yaml.scanner.ScannerError(
            "while increasing flow level", mark, "exceeded maximum nesting depth", mark
        )

    def dispose(self) -> None:
        pass


def test_a_parsers_own_nesting_bound_is_reported_as_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "_Parser", _LibyamlWithALowerBound)
    problem = problem_of("[" * 10_000)
    # The pure-Python parser rechecks the text and finds where synthgate's own bound is passed.
    assert problem.message == "nesting is deeper than 64 levels"
    assert (problem.line, problem.column) == (1, 65)


def test_an_unrecognised_parser_error_is_still_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    class _Odd(_LibyamlWithALowerBound):
        def get_event(self) -> Iterator[Any]:
            mark = yaml.Mark("input.yaml", 0, 0, 0, None, 0)
            raise yaml.scanner.ScannerError(None, None, "something never seen before", mark)

    monkeypatch.setattr(documents, "_Parser", _Odd)
    problem = problem_of("a: 1\n")
    assert problem.message == "malformed YAML: cannot be parsed here"
    assert "never seen" not in problem.message
    assert (problem.line, problem.column) == (1, 1)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("", "a value is missing", id="empty"),
        pytest.param('{"a": 1,}', "expected a key in double quotes", id="trailing-comma-object"),
        pytest.param('{"a": 1 "b": 2}', "a ',' is missing", id="missing-comma"),
        pytest.param('{"a" 1}', "a ':' is missing", id="missing-colon"),
        pytest.param('{"a": "b', "a string is not closed", id="unterminated"),
        pytest.param('{"a": "\x01"}', "a control character", id="control"),
        pytest.param('{"a": "\\q"}', "an invalid escape", id="escape"),
        pytest.param('{"a": 1} {}', "text after the end", id="extra-data"),
    ],
)
def test_json_syntax_errors_are_in_synthgates_words(text: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        parse_text(text, "input.json", json_format=True)
    (problem,) = info.value.problems
    assert problem.message.startswith("malformed JSON: ")
    assert words in problem.message
    assert problem.hint.startswith("fix the JSON syntax here: ")
    for phrase in ("Expecting", "delimiter", "Unterminated", "Extra data"):
        assert phrase not in problem.message

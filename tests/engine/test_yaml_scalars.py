"""A scalar's value: the fast path decides what PyYAML's own resolver and constructor would.

The oracle is PyYAML itself (a fresh ``Resolver`` and ``SafeConstructor``), never the code under
test: every tag the fast path settles without the resolver must be the resolver's, and every
value read must be the one ``yaml.safe_load`` builds (dates with a time as ISO text).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
import yaml
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from synthgate.documents import parse_text
from synthgate.errors import InputError
from synthgate.yaml_scalars import plain_tag, scalar_value

_ORACLE = Resolver()
TAG = "tag:yaml.org,2002:"

# The words PyYAML 1.1 reads as true/false or null, written here from the YAML 1.1 type pages.
BOOL_WORDS = [
    w
    for word in ("yes", "no", "true", "false", "on", "off")
    for w in (word, word.title(), word.upper())
]
NULL_WORDS = ["", "~", "null", "Null", "NULL"]


def resolved(value: str) -> str:
    return _ORACLE.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call,no-any-return]


def _case_variants(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda upper: "".join(
            c.upper() if u else c.lower() for c, u in zip(word, upper, strict=True)
        )
    )


# Scalars near every boundary of the fast path: each first character an implicit type starts
# with, the true/false and null words in any case with text around them, digit strings with
# signs, underscores, dots and colons, line breaks anywhere, and any text at all.
_FIRSTS = st.sampled_from(sorted(k for k in Resolver.yaml_implicit_resolvers if k))
_WORDS = st.sampled_from(BOOL_WORDS + NULL_WORDS + ["nan", ".inf", "<<", "=", "n", "o", "y"])
scalars = st.one_of(
    st.text(),
    st.text(alphabet="0123456789_+-.:eExXbBoO abcdefTZ\n", max_size=24),
    st.tuples(_FIRSTS, st.text(max_size=12)).map("".join),
    st.tuples(st.text(max_size=2), _WORDS.flatmap(_case_variants), st.text(max_size=2)).map(
        "".join
    ),
    st.tuples(_WORDS, st.sampled_from(["", "\n", " ", "\n\n", "x"])).map("".join),
    st.from_regex(r"[-+]?[0-9][0-9_]{0,6}(\.[0-9_]{0,3})?(:[0-9]{1,2})?", fullmatch=True),
    st.integers().map(str),
    st.from_regex(
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2})?", fullmatch=True
    ),
)


@settings(max_examples=500, deadline=None)
@given(scalars)
@example("yes\n")  # the resolver's '$' matches before a final line break: still true/false
@example("0")
@example("0123")
@example("089")
@example("١٢٣")  # Arabic-Indic digits are digits to str.isdigit, text to YAML
@example("")
def test_the_fast_path_gives_the_resolvers_tag(value: str) -> None:
    assert plain_tag(value) == resolved(value)


def test_every_word_resolves_to_its_type() -> None:
    # A check of the word lists above against PyYAML, and of the fast path on each.
    for word in BOOL_WORDS:
        assert resolved(word) == TAG + "bool" == plain_tag(word), word
    for word in NULL_WORDS:
        assert resolved(word) == TAG + "null" == plain_tag(word), word
    for word in ("yES", "nULL", "Off ", "tru", "onn", "nill", "~~"):
        assert resolved(word) == TAG + "str" == plain_tag(word), word


def test_the_resolver_table_has_no_wildcard() -> None:
    # The fast path reads the resolver's table by first character: a resolver for any first
    # character (filed under None) would have to be tried on every scalar.
    assert None not in Resolver.yaml_implicit_resolvers
    assert not Resolver.yaml_path_resolvers


def _event(value: str, tag: str | None = None) -> yaml.ScalarEvent:
    mark = yaml.Mark("input.yaml", 2, 0, 2, None, 0)  # line 1, column 3
    return yaml.ScalarEvent(None, tag, (tag is None, False), value, mark, mark)


def _safe_load_value(value: str) -> Any:
    """What yaml.safe_load builds for the plain scalar ``value`` (the oracle)."""
    built = SafeConstructor().construct_object(ScalarNode(resolved(value), value))
    return built.isoformat() if isinstance(built, dt.datetime) else built


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left):
        return math.isnan(right)
    return type(left) is type(right) and left == right


@settings(max_examples=500, deadline=None)
@given(scalars)
@example("0b_")
@example("1_000")
@example("0x1F")
@example("190:20:30")
@example("-.inf")
@example("2024-02-30")
@example("9" * 5000)
def test_a_plain_scalar_reads_as_safe_load_reads_it(value: str) -> None:
    # A plain scalar never ends with a line break (YAML trims them); its tag is tested above.
    assume(not value.endswith("\n"))
    tag = resolved(value)
    if tag in (TAG + "merge", TAG + "value", TAG + "yaml"):
        return  # types synthgate refuses by design; tested with their messages below
    try:
        expected = _safe_load_value(value)
    except (ValueError, IndexError, KeyError, OverflowError, yaml.constructor.ConstructorError):
        with pytest.raises(InputError) as info:
            scalar_value(_event(value), "input.yaml")
        (problem,) = info.value.problems
        assert (problem.line, problem.column) == (1, 3)
        return
    assert _same(scalar_value(_event(value), "input.yaml"), expected)


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        pytest.param(
            "a: 0b_\n", 4, "'0b_' looks like a whole number but is not one", id="resolved"
        ),
        pytest.param(
            "a: !!int x\n", 4, "'x' is tagged '!!int' but is not a whole number", id="int"
        ),
        pytest.param("a: !!map x\n", 4, "'x' is tagged '!!map' but is not a mapping", id="map"),
        pytest.param(
            "a: =\n", 4, "unsupported YAML value type 'tag:yaml.org,2002:value'", id="value"
        ),
        pytest.param(
            "a: !!python/str x\n",
            4,
            "YAML tag 'tag:yaml.org,2002:python/str' is not allowed",
            id="unsafe",
        ),
        pytest.param("<<: {}\n", 1, "YAML merge keys ('<<') are not supported", id="merge"),
    ],
)
def test_a_scalar_its_type_does_not_fit_is_located(text: str, column: int, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_text(text, "input.yaml")
    (problem,) = info.value.problems
    assert problem.message == message
    assert (problem.line, problem.column) == (1, column)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("name", "name", id="text"),
        pytest.param("nemotron", "nemotron", id="text-starting-like-no"),
        pytest.param("12345", 12345, id="decimal"),
        pytest.param("0", 0, id="zero"),
        pytest.param("012", 10, id="octal-as-yaml-1.1"),
        pytest.param("Off", False, id="old-style-false"),
        pytest.param("~", None, id="tilde"),
    ],
)
def test_common_scalars_in_a_document(value: str, expected: Any) -> None:
    assert parse_text(f"k: {value}\n", "input.yaml").data == {"k": expected}

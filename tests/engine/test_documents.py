"""Safe reading of YAML and JSON: every bad input is a located InputError, good input reads right.

Bad inputs are real files under tests/fixtures/documents/; only the huge ones are generated here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from synthgate.documents import (
    DEFAULT_LIMITS,
    Document,
    Limits,
    escape_pointer,
    parse_bytes,
    parse_text,
    read_document,
)
from synthgate.errors import InputError, Problem
from tests.conftest import REPO_ROOT

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DOCS = FIXTURES / "documents"
MANIFESTS = FIXTURES / "manifests"
REPO = REPO_ROOT  # the source tree, also when CI runs a copy of the tests

# --------------------------------------------------------------------------- helpers


def only_problem(info: pytest.ExceptionInfo[InputError]) -> Problem:
    """The single problem of a raised InputError."""
    problems = info.value.problems
    assert len(problems) == 1, problems
    return problems[0]


def file_problem(path: Path, limits: Limits = DEFAULT_LIMITS) -> Problem:
    """The one problem reading ``path`` gives."""
    with pytest.raises(InputError) as info:
        read_document(path, limits)
    return only_problem(info)


def text_problem(
    text: str, limits: Limits = DEFAULT_LIMITS, *, json_format: bool = False
) -> Problem:
    """The one problem parsing ``text`` gives."""
    with pytest.raises(InputError) as info:
        parse_text(text, "input.yaml", limits, json_format=json_format)
    return only_problem(info)


def position_of(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column (in characters) of the n-th ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def unescape_pointer(token: str) -> str:
    """Undo :func:`escape_pointer` (RFC 6901 order: ~1 first, then ~0)."""
    return token.replace("~1", "/").replace("~0", "~")


def pointers(value: Any, prefix: str = "") -> Iterator[str]:
    """Every JSON Pointer into ``value``, the root included."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from pointers(item, f"{prefix}/{escape_pointer(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from pointers(item, f"{prefix}/{index}")


class _NoAliasSafeDumper(yaml.SafeDumper):
    """A safe dumper that writes shared objects out in full (so every value has a position)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


SYNTAX_HINT = "fix the YAML syntax"
TAG_HINT = "nothing in them is constructed"
DUPLICATE_HINT = "a later value must not hide an earlier one"

# --------------------------------------------------------------------------- bad input, one table


@pytest.mark.parametrize(
    ("name", "line", "column", "message", "hint", "pointer"),
    [
        pytest.param(
            "malformed-indent.yaml", 3, 11, "malformed YAML: mapping values", SYNTAX_HINT, None,
            id="malformed-indent",
        ),
        pytest.param(
            "malformed-flow.yaml", 4, 7, "malformed YAML: a '[...]' or '{...}' is not closed",
            SYNTAX_HINT, None, id="malformed-unclosed-flow",
        ),
        pytest.param(
            "duplicate-key.yaml", 10, 9, "duplicate key 'records'", DUPLICATE_HINT,
            "/splits/0/sources/0", id="duplicate-key-nested",
        ),
        pytest.param(
            "duplicate-key-top.yaml", 4, 1, "duplicate key 'dataset'", DUPLICATE_HINT, None,
            id="duplicate-key-top",
        ),
        pytest.param(
            "nested-dup-flow.yaml", 1, 40, "duplicate key 'name'", DUPLICATE_HINT, "/dataset",
            id="duplicate-key-flow",
        ),
        pytest.param(
            "tag-python-object-apply.yaml", 2, 9,
            "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed", TAG_HINT,
            None, id="tag-python-object-apply",
        ),
        pytest.param(
            "tag-python-name.yaml", 3, 16,
            "YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed", TAG_HINT, None,
            id="tag-python-name",
        ),
        pytest.param(
            "tag-custom.yaml", 1, 10, "YAML tag '!foo' is not allowed", TAG_HINT, None,
            id="tag-custom-on-mapping",
        ),
        pytest.param(
            "billion-laughs.yaml", 5, 8, "YAML aliases expand to more than 10,000 values",
            "fewer aliases", None, id="billion-laughs",
        ),
        pytest.param(
            "not-utf8.yaml", 2, 12, "byte 0xe9 is not valid UTF-8", "save the file as UTF-8",
            None, id="not-utf8",
        ),
        pytest.param(
            "control-character.yaml", 2, 13, "is not allowed in YAML", "control character",
            None, id="control-character",
        ),
        pytest.param("empty.yaml", 1, 1, "file is empty", "synthgate init", None, id="empty"),
        pytest.param(
            "comments-only.yaml", 1, 1, "file is empty", "synthgate init", None,
            id="comments-only",
        ),
        pytest.param(
            "two-documents.yaml", 3, 1, "more than one YAML document in the file",
            "its own file", None, id="two-documents",
        ),
        pytest.param(
            "non-string-key.yaml", 3, 3, "mapping keys must be text", "quote the key", None,
            id="non-string-key",
        ),
        pytest.param(
            "merge-key.yaml", 7, 9, "YAML merge keys ('<<') are not supported",
            "write the fields out in full", None, id="merge-key",
        ),
        pytest.param(
            "malformed.json", 4, 3,
            "malformed JSON: expected a key in double quotes",
            "fix the JSON syntax", None, id="malformed-json",
        ),
        pytest.param(
            "duplicate-key.json", 4, 5, "duplicate key 'name'", DUPLICATE_HINT, "/dataset",
            id="duplicate-key-json",
        ),
    ],
)  # fmt: skip
def test_bad_file_is_a_located_input_error(
    name: str, line: int, column: int, message: str, hint: str, pointer: str | None
) -> None:
    path = DOCS / name
    problem = file_problem(path)
    assert problem.path == str(path)
    assert (problem.line, problem.column) == (line, column)
    assert message in problem.message
    assert hint in problem.hint
    assert problem.pointer == pointer
    assert problem.render().startswith(f"{path}:{line}:{column}: ")


def test_display_name_replaces_the_path_in_problems() -> None:
    with pytest.raises(InputError) as info:
        read_document(DOCS / "duplicate-key.yaml", display="manifests/dup.yaml")
    problem = only_problem(info)
    assert problem.path == "manifests/dup.yaml"
    assert info.value.render().startswith("manifests/dup.yaml:10:9: /splits/0/sources/0: ")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        pytest.param("does-not-exist.yaml", "cannot read file: ", id="missing"),
        pytest.param(".", "is a directory, not a regular file", id="directory"),
    ],
)
def test_unreadable_path_is_an_input_error(path: str, message: str) -> None:
    problem = file_problem(DOCS / path)
    assert problem.message.startswith(message)
    assert (problem.line, problem.column) == (1, 1)
    assert problem.hint


# --------------------------------------------------------------------------- syntax


def test_unclosed_quote_is_malformed_yaml() -> None:
    problem = text_problem('dataset:\n  name: "demo\n')
    assert problem.message.startswith("malformed YAML: ")
    assert problem.line == 3  # found at the end of the stream
    assert SYNTAX_HINT in problem.hint


def test_tab_indentation_is_malformed_yaml() -> None:
    problem = text_problem("dataset:\n\tname: demo\n")
    assert problem.message.startswith("malformed YAML: ")
    assert (problem.line, problem.column) == (2, 1)


# --------------------------------------------------------------------------- duplicate keys


@pytest.mark.parametrize(
    ("text", "key", "line", "column", "pointer"),
    [
        pytest.param("a: 1\nb: 2\na: 3\n", "a", 3, 1, None, id="top"),
        pytest.param("top:\n  x: 1\n  y: 2\n  x: 3\n", "x", 4, 3, "/top", id="nested"),
        pytest.param("list:\n  - {k: 1}\n  - {k: 1, k: 2}\n", "k", 3, 12, "/list/1", id="in-list"),
        pytest.param("a: 1\n'a': 2\n", "a", 2, 1, None, id="quoted-same-key"),
        pytest.param("a:\n  b:\n    c: 1\n    c: 2\n", "c", 4, 5, "/a/b", id="two-deep"),
    ],
)
def test_duplicate_key_points_at_the_second_key(
    text: str, key: str, line: int, column: int, pointer: str | None
) -> None:
    problem = text_problem(text)
    assert problem.message == f"duplicate key '{key}'"
    assert (problem.line, problem.column) == (line, column)
    assert problem.pointer == pointer
    assert DUPLICATE_HINT in problem.hint


def test_duplicate_key_after_an_anchor_is_caught() -> None:
    problem = text_problem("a: &x 1\nb: *x\na: 2\n")
    assert problem.message == "duplicate key 'a'"
    assert (problem.line, problem.column) == (3, 1)


# --------------------------------------------------------------------------- tags


def test_python_tag_never_calls_os_system(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", calls.append)
    with pytest.raises(InputError):
        read_document(DOCS / "tag-python-object-apply.yaml")
    with pytest.raises(InputError):
        read_document(DOCS / "tag-python-name.yaml")
    assert calls == []


@pytest.mark.parametrize(
    "value",
    [
        '!!python/object/apply:os.system ["echo"]',
        "!!python/object/new:os.system [echo]",
        "!!python/object:collections.OrderedDict {}",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/tuple [1, 2]",
        "!!binary aGVsbG8=",
        "!!set {a, b}",
        "!!omap [a: 1]",
        "!!pairs [a: 1]",
        "!foo {a: 1}",
        "!foo [1]",
        "!foo bar",
        "!<tag:example.com,2000:thing> bar",
    ],
)
def test_object_constructing_tags_are_refused(value: str) -> None:
    problem = text_problem(f"dataset:\n  name: {value}\n")
    assert problem.message.startswith("YAML tag '")
    assert problem.message.endswith("' is not allowed")
    assert (problem.line, problem.column) == (2, 9)
    assert TAG_HINT in problem.hint


def test_tag_declared_with_a_tag_directive_is_refused() -> None:
    problem = text_problem("%TAG !e! tag:example.com,2000:\n---\nname: !e!thing x\n")
    assert problem.message == "YAML tag 'tag:example.com,2000:thing' is not allowed"
    assert (problem.line, problem.column) == (3, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a: !!str 12\n", {"a": "12"}, id="str"),
        pytest.param("a: !!int 12\n", {"a": 12}, id="int"),
        pytest.param("a: !!float 1\n", {"a": 1.0}, id="float"),
        pytest.param("a: !!bool true\n", {"a": True}, id="bool"),
        pytest.param("a: !!null ''\n", {"a": None}, id="null"),
        pytest.param("a: !!map {b: 1}\n", {"a": {"b": 1}}, id="map"),
        pytest.param("a: !!seq [1]\n", {"a": [1]}, id="seq"),
        pytest.param("a: !!timestamp 2024-01-02\n", {"a": dt.date(2024, 1, 2)}, id="timestamp"),
        pytest.param("a: ! 12\n", {"a": "12"}, id="non-specific"),
        pytest.param("a: !<tag:yaml.org,2002:str> x\n", {"a": "x"}, id="verbatim-str"),
    ],
)
def test_standard_data_tags_are_allowed(text: str, expected: Any) -> None:
    data = parse_text(text, "input.yaml").data
    assert data == expected
    assert type(data["a"]) is type(expected["a"])


@pytest.mark.parametrize(
    "value", ["!!int many", "!!float many", "!!int ''", "!!float ''", "!!timestamp hello"]
)
def test_explicit_tag_on_a_value_of_another_type_is_an_input_error(value: str) -> None:
    text = f"dataset:\n  name: demo\n  count: {value}\n"
    problem = text_problem(text)
    assert (problem.line, problem.column) == (3, 10)
    assert problem.hint


def test_explicit_int_tag_fixture_is_an_input_error() -> None:
    problem = file_problem(DOCS / "tag-mismatch.yaml")
    assert (problem.line, problem.column) == (5, 18)


@pytest.mark.parametrize("value", ["!!bool maybe", "!!null foo"])
def test_explicit_tag_never_silently_changes_a_value(value: str) -> None:
    with pytest.raises(InputError):
        parse_text(f"flag: {value}\n", "input.yaml")


def test_explicit_bool_tag_fixture_is_an_input_error() -> None:
    problem = file_problem(DOCS / "tag-bool-mismatch.yaml")
    assert problem.line == 3


@pytest.mark.parametrize(
    "value", ["!!bool yes", "!!bool OFF", "!!bool tRuE", "!!null ~", "!!null Null", "!!int 0x1f"]
)
def test_explicit_tags_on_values_of_their_type_agree_with_safe_load(value: str) -> None:
    text = f"a: {value}\n"
    assert parse_text(text, "input.yaml").data == yaml.safe_load(text)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("!!int [1]", "a list is tagged '!!int'", id="int-on-list"),
        pytest.param("!!seq {b: 1}", "a mapping is tagged '!!seq'", id="seq-on-mapping"),
        pytest.param("!!map x", "'x' is tagged '!!map' but is not a mapping", id="map-on-text"),
        pytest.param("=", "unsupported YAML value type", id="yaml-value-type"),
    ],
)
def test_tag_that_does_not_fit_its_node_is_an_input_error(value: str, message: str) -> None:
    problem = text_problem(f"a: {value}\n")
    assert message in problem.message
    assert (problem.line, problem.column) == (1, 4)
    assert problem.hint


@pytest.mark.parametrize(
    ("value", "tag", "what"),
    [
        pytest.param("many", "!!int", "a whole number", id="unreadable-int"),
        pytest.param("maybe", "!!bool", "true or false", id="unreadable-bool"),
        pytest.param("x", "!!map", "a mapping", id="map-on-text"),
        pytest.param("x", "!!seq", "a list", id="seq-on-text"),
    ],
)
def test_a_scalar_tagged_as_another_type_says_so_in_one_form(
    value: str, tag: str, what: str
) -> None:
    problem = text_problem(f"a: {tag} {value}\n")
    assert problem.message == f"'{value}' is tagged '{tag}' but is not {what}"
    assert problem.hint == f"remove the '{tag}' tag, or write {what}"


# --------------------------------------------------------------------------- aliases


def test_small_legitimate_alias_use_reads() -> None:
    doc = read_document(DOCS / "alias-small.yaml")
    generator = {"name": "gpt-4o-2024-08-06", "family": "gpt-4", "provider": "openai"}
    assert doc.data["generators"]["default"] == generator
    assert [s["generator"] for s in doc.data["sources"]] == [generator, generator]
    assert doc.locate("/sources/1/generator") == (10, 5)


def test_alias_bound_is_configurable() -> None:
    problem = file_problem(DOCS / "alias-small.yaml", Limits(max_alias_nodes=5))
    assert problem.message == "YAML aliases expand to more than 5 values"
    assert (problem.line, problem.column) == (8, 16)  # the first '*gen'
    assert "fewer aliases" in problem.hint
    # the same file reads under a bound that covers it
    assert read_document(DOCS / "alias-small.yaml", Limits(max_alias_nodes=100)).data


def test_billion_laughs_is_stopped_early_under_a_lower_bound() -> None:
    # A bound high enough for the first levels still stops the expansion early.
    problem = file_problem(DOCS / "billion-laughs.yaml", Limits(max_alias_nodes=1_000))
    assert problem.message == "YAML aliases expand to more than 1,000 values"
    assert problem.line == 4


def test_scalar_aliases_count_and_read() -> None:
    assert parse_text("a: &x v\nb: *x\n", "input.yaml").data == {"a": "v", "b": "v"}
    problem = text_problem("a: &x v\nb: [*x, *x, *x]\n", Limits(max_alias_nodes=2))
    assert (problem.line, problem.column) == (2, 13)


def test_aliases_nested_in_mappings_count_through_every_level() -> None:
    text = (
        "outer:\n"
        "  inner:\n"
        "    a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        "    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "    c: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    )
    # a is 11 values, b 111 (ten a's and itself); the ninth *b passes 1,000 in all
    problem = text_problem(text, Limits(max_alias_nodes=1_000))
    assert problem.message == "YAML aliases expand to more than 1,000 values"
    assert (problem.line, problem.column) == position_of(text, "*b", occurrence=9)
    data = parse_text(text, "input.yaml", Limits(max_alias_nodes=1_300)).data
    assert len(data["outer"]["inner"]["c"][9][9]) == 10


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("name: R&D\nnotes: ['&', \"a & b\"]\n", id="ampersands-but-no-anchor"),
        pytest.param("name: plain\nlist: [a, {b: c}]\n", id="no-ampersand"),
    ],
)
def test_files_without_anchors_read_as_safe_load_reads_them(text: str) -> None:
    assert parse_text(text, "input.yaml").data == yaml.safe_load(text)


def test_unknown_alias_is_located() -> None:
    problem = file_problem(DOCS / "unknown-alias.yaml")
    assert problem.message == "unknown alias '*judge'"
    assert (problem.line, problem.column) == (3, 10)


def test_unknown_alias_has_a_hint() -> None:
    assert file_problem(DOCS / "unknown-alias.yaml").hint


def test_recursive_alias_is_an_input_error() -> None:
    problem = text_problem("a: &x [1, *x]\n")
    assert "alias" in problem.message
    assert (problem.line, problem.column) == (1, 11)


# --------------------------------------------------------------------------- nesting


def test_deep_block_nesting_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n")
    problem = file_problem(path)
    assert problem.message == "nesting is deeper than 64 levels"
    assert (problem.line, problem.column) == (65, 129)  # the 65th mapping
    assert "flatten" in problem.hint


@pytest.mark.parametrize(
    ("text", "column"),
    [
        pytest.param("[" * 10_000, 65, id="open-sequences"),
        pytest.param("[" * 10_000 + "]" * 10_000, 65, id="closed-sequences"),
        pytest.param("{a: " * 10_000, 4 * 64 + 1, id="open-mappings"),
        pytest.param("- " * 10_000 + "x", 2 * 64 + 1, id="block-sequences"),
    ],
)
def test_deep_flow_nesting_is_an_input_error_not_a_recursion_error(text: str, column: int) -> None:
    problem = text_problem(text)
    assert problem.message == "nesting is deeper than 64 levels"
    assert (problem.line, problem.column) == (1, column)


def test_nesting_bound_is_inclusive_and_configurable() -> None:
    assert parse_text("[" * 64 + "]" * 64, "input.yaml").data is not None
    assert text_problem("[" * 65 + "]" * 65).line == 1
    assert parse_text("a: {b: [1]}\n", "input.yaml", Limits(max_depth=3)).data == {"a": {"b": [1]}}
    problem = text_problem("a: {b: [[1]]}\n", Limits(max_depth=3))
    assert problem.message == "nesting is deeper than 3 levels"
    assert (problem.line, problem.column) == (1, 9)


def test_deep_json_nesting_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    problem = file_problem(path)
    assert "nesting is deeper than" in problem.message


def test_json_nesting_bound_is_applied() -> None:
    problem = text_problem("[[[[1]]]]", Limits(max_depth=3), json_format=True)
    assert problem.message == "nesting is deeper than 3 levels"
    assert (problem.line, problem.column) == (1, 4)
    assert "flatten" in problem.hint
    assert parse_text("[[[1]]]", "input.json", Limits(max_depth=3), json_format=True).data


def test_json_nesting_bound_ignores_brackets_in_strings() -> None:
    text = json.dumps({"a": "[[[[{{{{" * 100, "b": ["]]]]"]})
    assert parse_text(text, "input.json", Limits(max_depth=3), json_format=True).data


def test_deep_json_nesting_is_located_where_it_passes_the_bound() -> None:
    text = '{"a": [\n  {"b": [[[[1]]]]}]}'
    problem = text_problem(text, Limits(max_depth=5), json_format=True)
    assert (problem.line, problem.column) == (2, 11)  # the sixth container


def test_json_integer_over_4300_digits_is_located() -> None:
    problem = text_problem('{\n  "records": ' + "9" * 5000 + "\n}", json_format=True)
    assert "longer than 4300 digits" in problem.message
    assert (problem.line, problem.column) == (2, 14)


# --------------------------------------------------------------------------- size


def test_default_size_bound_is_ten_mebibytes() -> None:
    assert DEFAULT_LIMITS.max_bytes == 10 * 1024 * 1024


def test_file_over_the_default_size_bound_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: nothing is written, only the size is set
        handle.truncate(10 * 1024 * 1024 + 1)
    problem = file_problem(path)
    assert problem.message == "file is 10,485,761 bytes, over the limit of 10,485,760 bytes"
    assert (problem.line, problem.column) == (1, 1)
    assert "--max-file-size" in problem.hint


def test_size_bound_is_inclusive_and_configurable(tmp_path: Path) -> None:
    limits = Limits(max_bytes=100)
    body = "a: " + "x" * 96 + "\n"
    assert len(body.encode()) == 100
    exact = tmp_path / "exact.yaml"
    exact.write_text(body)
    assert read_document(exact, limits).data == {"a": "x" * 96}
    over = tmp_path / "over.yaml"
    over.write_text("a: " + "x" * 97 + "\n")
    assert file_problem(over, limits).message == "file is 101 bytes, over the limit of 100 bytes"


def test_parse_bytes_applies_the_size_bound() -> None:
    with pytest.raises(InputError) as info:
        parse_bytes(b"a: 1\n" * 30, "input.yaml", Limits(max_bytes=100), json_format=False)
    assert only_problem(info).message == "file is 150 bytes, over the limit of 100 bytes"


# --------------------------------------------------------------------------- encoding


@pytest.mark.parametrize(
    ("raw", "line", "column", "byte"),
    [
        pytest.param(b"\xff\xfea\x00", 1, 1, 0xFF, id="utf16-bom"),
        pytest.param(b"a: 1\nb: \x80\n", 2, 4, 0x80, id="lone-continuation"),
        pytest.param(b"a: 1\nb: 2\nc: ok \xc3(\n", 3, 7, 0xC3, id="bad-sequence"),
        pytest.param(b"a: 1\r\nb: \xe9\r\n", 2, 4, 0xE9, id="crlf"),
    ],
)
def test_non_utf8_byte_is_located(raw: bytes, line: int, column: int, byte: int) -> None:
    with pytest.raises(InputError) as info:
        parse_bytes(raw, "input.yaml", DEFAULT_LIMITS, json_format=False)
    problem = only_problem(info)
    assert problem.message == f"byte 0x{byte:02x} is not valid UTF-8"
    assert (problem.line, problem.column) == (line, column)


def test_non_utf8_byte_after_a_bom_is_located() -> None:
    problem = file_problem(DOCS / "not-utf8-after-bom.yaml")
    assert problem.message == "byte 0xe9 is not valid UTF-8"
    assert (problem.line, problem.column) == (2, 12)


def test_non_utf8_column_counts_characters() -> None:
    problem = file_problem(DOCS / "not-utf8-after-multibyte.yaml")
    assert (problem.line, problem.column) == (2, 16)


def test_control_character_after_non_ascii_text_is_located() -> None:
    problem = text_problem("dataset:\n  name: café\x00\n")
    assert (problem.line, problem.column) == (2, 13)


def test_lone_surrogate_is_an_input_error() -> None:
    text_problem("a: \ud800\n")


def test_text_decoded_from_bytes_is_not_checked_again_for_lone_surrogates(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import synthgate.documents as documents

    checked: list[str] = []
    monkeypatch.setattr(
        documents, "_refuse_lone_surrogates", lambda text, shown: checked.append(shown)
    )
    assert parse_bytes(b'{"a": 1}', "bytes.json", DEFAULT_LIMITS, json_format=True).data == {"a": 1}
    assert checked == []
    assert parse_text('{"a": 1}', "text.json", json_format=True).data == {"a": 1}
    assert checked == ["text.json"]


def test_a_surrogate_encoded_in_bytes_is_not_utf8() -> None:
    # Why parse_bytes need not look for lone surrogates: strict UTF-8 cannot encode one.
    with pytest.raises(InputError) as info:
        parse_bytes(b'{"a": "\xed\xa0\x80"}', "in.json", DEFAULT_LIMITS, json_format=True)
    problem = only_problem(info)
    assert problem.message == "byte 0xed is not valid UTF-8"
    assert (problem.line, problem.column) == (1, 8)


def test_lone_surrogate_is_located_in_yaml_and_json() -> None:
    problem = text_problem("a: b\nc: \ud800\n")
    assert (problem.line, problem.column) == (2, 4)
    assert "U+D800" in problem.message
    problem = text_problem('{\n  "a": "\ud800"\n}', json_format=True)
    assert (problem.line, problem.column) == (2, 9)


def test_control_character_is_named_by_its_code_point() -> None:
    problem = text_problem("a: 1\nb: \x7f\n")
    assert problem.message == "character U+007F is not allowed in YAML"
    assert (problem.line, problem.column) == (2, 4)


def test_control_character_after_yaml_line_breaks_is_located() -> None:
    # YAML breaks lines at CR, NEL and U+2028 as well; positions must agree with the parser's
    problem = text_problem("a: 1\rb: x\x85c: \u2028d: \x01\n")
    assert (problem.line, problem.column) == (4, 4)


def test_utf8_bom_is_accepted() -> None:
    doc = read_document(DOCS / "bom.yaml")
    assert doc.data == {"dataset": {"name": "demo"}}
    assert doc.locate("/dataset/name") == (2, 3)
    json_doc = read_document(DOCS / "bom.json")
    assert json_doc.data == {"dataset": {"name": "demo"}}
    assert json_doc.locate("/dataset/name") == (1, 14)


# --------------------------------------------------------------------------- mapping keys, merge


@pytest.mark.parametrize(
    "text",
    [
        "1: a\n",
        "1.5: a\n",
        "yes: a\n",
        "null: a\n",
        "~: a\n",
        "2024-01-01: a\n",
        "[a]: b\n",
        "{a: 1}: b\n",
        "? [a]\n: b\n",
    ],
)
def test_non_string_mapping_key_is_refused(text: str) -> None:
    problem = text_problem(text)
    assert problem.message == "mapping keys must be text"
    assert problem.line == 1
    assert "quote the key" in problem.hint


def test_quoted_keys_that_look_like_other_types_are_text() -> None:
    data = parse_text("'1': a\n\"yes\": b\n'null': c\n", "input.yaml").data
    assert data == {"1": "a", "yes": "b", "null": "c"}


def test_merge_key_in_flow_is_refused() -> None:
    problem = text_problem("base: &b {x: 1}\nd: {<<: *b, y: 2}\n")
    assert problem.message == "YAML merge keys ('<<') are not supported"
    assert (problem.line, problem.column) == (2, 5)


# --------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_non_finite_numbers_are_refused(constant: str) -> None:
    problem = text_problem(f'{{"share": {constant}}}', json_format=True)
    assert problem.message == f"'{constant}' is not a number JSON allows"
    assert '"unknown"' in problem.hint


@pytest.mark.parametrize(("name", "constant"), [("nan.json", "NaN"), ("infinity.json", "Infinity")])
def test_json_non_finite_fixture_is_refused(name: str, constant: str) -> None:
    problem = file_problem(DOCS / name)
    assert problem.path == str(DOCS / name)
    assert problem.message == f"'{constant}' is not a number JSON allows"
    assert problem.hint


@pytest.mark.parametrize(("name", "constant"), [("nan.json", "NaN"), ("infinity.json", "Infinity")])
def test_json_non_finite_number_is_located(name: str, constant: str) -> None:
    path = DOCS / name
    problem = file_problem(path)
    assert (problem.line, problem.column) == position_of(path.read_text(), constant)


def test_json_empty_text_is_malformed() -> None:
    problem = text_problem("", json_format=True)
    assert problem.message == "malformed JSON: a value is missing here"
    assert (problem.line, problem.column) == (1, 1)


def test_json_nested_duplicate_key_is_located() -> None:
    text = '{\n  "a": {"x": 1,\n        "x": 2}\n}'
    problem = text_problem(text, json_format=True)
    assert problem.message == "duplicate key 'x'"
    assert (problem.line, problem.column) == (3, 9)
    assert problem.pointer == "/a"


def test_json_suffix_selects_json_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "manifest.JSON"
    path.write_text("dataset: {name: demo}\n")  # YAML, not JSON
    assert file_problem(path).message.startswith("malformed JSON: ")


def test_json_positions_survive_escaped_non_bmp_characters() -> None:
    doc = read_document(DOCS / "positions-escaped.json")
    assert doc.data["dataset"]["name"] == "smile \U0001f600"
    assert doc.locate("/dataset/version") == (4, 5)


@pytest.mark.parametrize(
    "raw_string",
    [
        pytest.param("x\x7fy", id="DEL"),
        pytest.param("x\x90y", id="C1-control"),
        pytest.param("x\x85y", id="NEL"),
        pytest.param("x\u2028y", id="line-separator"),
        pytest.param("k" * 2000, id="key-over-1024"),
    ],
)
def test_json_positions_survive_characters_yaml_reads_differently(raw_string: str) -> None:
    text = "{\n" + json.dumps(raw_string, ensure_ascii=False) + ': 1,\n  "b": 2\n}\n'
    doc = parse_text(text, "input.json", json_format=True)
    assert doc.data["b"] == 2
    assert doc.locate("/b") == (3, 3)


@pytest.mark.parametrize(
    "value",
    [pytest.param('"\\ud83d\\ude00"', id="escaped-emoji"), pytest.param('"\x7f"', id="DEL")],
)
def test_json_duplicate_key_is_reported_as_a_duplicate(value: str) -> None:
    problem = text_problem(f'{{\n  "a": {value},\n  "b": 1,\n  "b": 2\n}}', json_format=True)
    assert problem.message == "duplicate key 'b'"


# --------------------------------------------------------------------------- good input: values


def test_scalars_have_the_right_values_and_types() -> None:
    data = read_document(DOCS / "scalars.yaml").data
    expected: dict[str, Any] = {
        "count": 42,
        "negative": -7,
        "hex": 31,
        "underscored": 1000,
        "share": 0.25,
        "exponent": 1500.0,
        "infinite": math.inf,
        "yes_flag": True,
        "no_flag": False,
        "old_style_yes": True,
        "old_style_off": False,
        "nothing": None,
        "tilde": None,
        "empty": None,
        "released": dt.date(2024, 3, 1),
        "quoted_date": "2024-03-01",
        "text": "hello world",
        "quoted_number": "42",
        "explicit_str": "12",
        "multiline": "line one\nline two\n",
        "folded": "folded text",
    }
    assert data == expected
    assert list(data) == list(expected)  # order is kept
    for key, value in expected.items():
        assert type(data[key]) is type(value), key


def test_date_is_a_date_and_a_timestamp_is_iso_text() -> None:
    data = parse_text("d: 2024-01-02\nt: 2024-01-02T10:00:00Z\n", "input.yaml").data
    assert type(data["d"]) is dt.date
    assert data["d"] == dt.date(2024, 1, 2)
    assert data["t"] == "2024-01-02T10:00:00+00:00"


def test_impossible_date_is_an_input_error() -> None:
    problem = text_problem("released: 2024-13-45\n")
    assert problem.message == "'2024-13-45' is not a valid date"
    assert (problem.line, problem.column) == (1, 11)
    assert "YYYY-MM-DD" in problem.hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("- 1\n- 2\n", [1, 2], id="sequence-root"),
        pytest.param("hello\n", "hello", id="scalar-root"),
        pytest.param("---\na: 1\n...\n", {"a": 1}, id="explicit-document"),
        pytest.param("a: 1\rb: 2\r", {"a": 1, "b": 2}, id="cr-line-ends"),
        pytest.param("a: 1\r\nb: 2\r\n", {"a": 1, "b": 2}, id="crlf-line-ends"),
        pytest.param("a: {}\nb: []\n", {"a": {}, "b": []}, id="empty-containers"),
    ],
)
def test_other_document_shapes_read(text: str, expected: Any) -> None:
    assert parse_text(text, "input.yaml").data == expected


def test_yaml_document_records_its_format_and_path() -> None:
    doc = read_document(DOCS / "positions.yaml")
    assert doc.format == "yaml"
    assert doc.path == str(DOCS / "positions.yaml")
    assert read_document(DOCS / "positions.json").format == "json"


# --------------------------------------------------------------------------- good input: positions


@pytest.mark.parametrize(
    ("pointer", "position"),
    [
        pytest.param("", (1, 1), id="root"),
        pytest.param("/dataset", (1, 1), id="top-key"),
        pytest.param("/dataset/name", (2, 3), id="nested-key"),
        pytest.param("/dataset/languages/1", (3, 19), id="flow-item"),
        pytest.param("/splits/0", (5, 5), id="sequence-item"),
        pytest.param("/splits/0/sources/0/records", (8, 9), id="deep-key"),
        pytest.param("/splits/0/sources/1", (9, 9), id="second-item"),
        pytest.param("/splits/0/sources/1/generator/name", (11, 11), id="deepest"),
    ],
)
def test_locate_gives_1_based_positions(pointer: str, position: tuple[int, int]) -> None:
    assert read_document(DOCS / "positions.yaml").locate(pointer) == position


@pytest.mark.parametrize(
    ("pointer", "ancestor"),
    [
        pytest.param("/splits/0/sources/0/tokens", "/splits/0/sources/0", id="missing-key"),
        pytest.param("/splits/7/name", "/splits", id="missing-index"),
        pytest.param("/dataset/languages/5", "/dataset/languages", id="past-the-end"),
        pytest.param("/nope/deeper/still", "", id="to-root"),
    ],
)
def test_locate_of_a_missing_pointer_falls_back_to_the_nearest_ancestor(
    pointer: str, ancestor: str
) -> None:
    doc = read_document(DOCS / "positions.yaml")
    assert doc.locate(pointer) == doc.locate(ancestor)


def test_every_value_of_a_yaml_file_has_a_position() -> None:
    doc = read_document(MANIFESTS / "good.synthgate.yaml")
    assert doc.positions is not None
    assert set(pointers(doc.data)) <= set(doc.positions)


def test_line_offset_shifts_lines_only() -> None:
    doc = read_document(DOCS / "positions.yaml")
    shifted = dataclasses.replace(doc, line_offset=10)
    assert shifted.locate("/dataset/name") == (12, 3)
    assert shifted.locate("/nope") == (11, 1)


def test_json_positions_are_computed_lazily() -> None:
    doc = read_document(DOCS / "positions.json")
    assert doc.positions is None
    assert doc.data["splits"][0]["sources"][0] == {"id": "seed", "records": 100}
    assert doc.locate("/dataset/name") == (3, 5)
    assert doc.positions is not None
    assert doc.locate("/dataset/languages/1") == (4, 25)
    assert doc.locate("/splits/0") == (7, 5)
    assert doc.locate("/splits/0/sources/0/records") == (9, 34)
    assert doc.locate("/splits/0/sources/0/tokens") == (9, 19)  # the source's '{'


def test_compact_json_positions() -> None:
    doc = parse_text('{"a":{"b":[1,2]},"c":3}', "input.json", json_format=True)
    assert doc.locate("/a/b/1") == (1, 14)
    assert doc.locate("/c") == (1, 18)


def test_escaped_pointer_tokens_locate_their_keys() -> None:
    doc = read_document(DOCS / "pointer-escapes.yaml")
    assert doc.data == {"paths": {"a/b": 1, "c~d": 2, "~1": 3}}
    assert doc.locate("/paths/a~1b") == (2, 3)
    assert doc.locate("/paths/c~0d") == (3, 3)
    assert doc.locate("/paths/~01") == (4, 3)
    # unescaped, 'a/b' is two tokens: the nearest ancestor that exists is /paths
    assert doc.locate("/paths/a/b") == (1, 1)


@pytest.mark.parametrize(
    ("token", "escaped"),
    [("plain", "plain"), ("a/b", "a~1b"), ("c~d", "c~0d"), ("~1", "~01"), ("/~", "~1~0"), ("", "")],
)
def test_escape_pointer(token: str, escaped: str) -> None:
    assert escape_pointer(token) == escaped


@given(st.text())
def test_escape_pointer_round_trips(token: str) -> None:
    escaped = escape_pointer(token)
    assert "/" not in escaped
    assert unescape_pointer(escaped) == token


# --------------------------------------------------------------------------- agreement with PyYAML


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(MANIFESTS / "good.synthgate.yaml", id="manifest"),
        pytest.param(DOCS / "scalars.yaml", id="scalars"),
        pytest.param(DOCS / "positions.yaml", id="positions"),
        pytest.param(DOCS / "alias-small.yaml", id="aliases"),
        pytest.param(DOCS / "bom.yaml", id="bom"),
        pytest.param(REPO / "policies" / "default.yaml", id="default-policy"),
    ],
)
def test_yaml_agrees_with_safe_load(path: Path) -> None:
    with path.open(encoding="utf-8-sig") as handle:
        expected = yaml.safe_load(handle)
    assert read_document(path).data == expected


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(MANIFESTS / "good.synthgate.json", id="manifest"),
        pytest.param(DOCS / "positions.json", id="positions"),
    ],
)
def test_json_agrees_with_json_load(path: Path) -> None:
    assert read_document(path).data == json.loads(path.read_text())


def test_octal_integers_agree_with_safe_load() -> None:
    path = DOCS / "octal.yaml"
    assert read_document(path).data == yaml.safe_load(path.read_text())


def test_huge_integer_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "huge-int.yaml"
    path.write_text("records: " + "9" * 5000 + "\n")
    problem = file_problem(path)
    assert (problem.line, problem.column) == (1, 10)


# --------------------------------------------------------------------------- properties

# PyYAML's emitter writes NEL and the Unicode line/paragraph separators raw in plain scalars,
# where every YAML reader (safe_load too) takes them for line breaks: keep them out.
_dumpable_text = st.text(st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029"))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _dumpable_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(_dumpable_text, children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values, flow=st.booleans(), unicode=st.booleans())
def test_safe_dump_round_trips_and_agrees_with_safe_load(
    value: Any, flow: bool, unicode: bool
) -> None:
    text = yaml.dump(
        value,
        Dumper=_NoAliasSafeDumper,
        default_flow_style=flow,
        allow_unicode=unicode,
        sort_keys=False,
    )
    doc = parse_text(text, "input.yaml")
    assert doc.data == yaml.safe_load(text)
    assert doc.data == value
    assert doc.positions is not None
    assert set(pointers(value)) <= set(doc.positions)


_printable = st.text(
    st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Zs"]), max_size=20
)
printable_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _printable,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(_printable, children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(value=printable_json_values, indent=st.sampled_from([None, 0, 2]), compact=st.booleans())
def test_json_round_trips_with_a_position_for_every_value(
    value: Any, indent: int | None, compact: bool
) -> None:
    separators = (",", ":") if compact else None
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    doc = parse_text(text, "input.json", json_format=True)
    assert doc.data == value
    assert doc.locate("") == (1, 1)
    assert doc.positions is not None
    assert set(pointers(value)) <= set(doc.positions)


_yaml_alphabet = st.sampled_from(list(":-[]{},#&*|>'\"%@`?.~ \n\t0123456789abcxyz<=+_"))


@settings(max_examples=200, deadline=None)
@given(st.lists(_yaml_alphabet | st.sampled_from(["a: ", "- ", "\n  ", "&x ", "*x"])).map("".join))
def test_yaml_like_text_never_raises_anything_but_input_error(text: str) -> None:
    try:
        doc = parse_text(text, "input.yaml")
    except InputError as exc:
        problems = exc.problems
    else:
        assert doc.locate("") >= (1, 1)
        return
    assert all(p.line >= 1 and p.column >= 1 and p.message for p in problems)


@settings(max_examples=200, deadline=None)
@example("a: !!int x")
@given(st.text())
def test_arbitrary_text_never_raises_anything_but_input_error(text: str) -> None:
    problems: tuple[Problem, ...] = ()
    try:
        parse_text(text, "input.yaml")
    except InputError as exc:
        problems = exc.problems
    assert all(p.line >= 1 and p.column >= 1 for p in problems)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_arbitrary_bytes_never_raise_anything_but_input_error(raw: bytes) -> None:
    for json_format in (False, True):
        problems: tuple[Problem, ...] = ()
        try:
            doc = parse_bytes(raw, "input", DEFAULT_LIMITS, json_format=json_format)
        except InputError as exc:
            problems = exc.problems
        else:
            assert doc.format == ("json" if json_format else "yaml")
            continue
        assert all(p.line >= 1 and p.column >= 1 and p.message for p in problems)


def test_document_is_a_plain_dataclass() -> None:
    doc = Document("p.yaml", {"a": 1}, "yaml", "a: 1\n", {"": (0, 0), "/a": (0, 0)})
    assert doc.locate("/a") == (1, 1)
    assert "text" not in repr(doc)

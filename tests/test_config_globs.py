"""Globs (include, exclude, per-path-ignores, a waivers file's ``manifests:``) match in time
linear in the path: hostile patterns give the right answer, never a run that takes minutes."""

from __future__ import annotations

import fnmatch
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from synthgate.globs import glob_match


def reference_path_match(path: str, pattern: str) -> bool:
    """What a pattern with '/' means, written as the regular expression it stands for (fine for
    the short inputs of the property test; it backtracks on long ones)."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.fullmatch("".join(out) + "(?:/.*)?", path) is not None


def reference_match(path: str, pattern: str) -> bool:
    """The documented meaning: without '/', the name at any depth (fnmatch); with '/', the
    whole relative path, a directory matching everything below it."""
    pattern = pattern.removeprefix("./")
    if "/" not in pattern.rstrip("/"):
        return any(fnmatch.fnmatchcase(part, pattern.rstrip("/")) for part in path.split("/"))
    return reference_path_match(path, pattern.rstrip("/"))


# --------------------------------------------------------------------------- hostile inputs


def test_many_double_stars_against_a_long_path_that_does_not_match() -> None:
    pattern = "**/" * 40 + "x.yaml"
    path = "a/" * 500 + "y.yaml"
    assert glob_match(path, pattern) is False
    assert glob_match("a/" * 500 + "x.yaml", pattern) is True


def test_double_stars_inside_segments_against_a_long_name() -> None:
    pattern = "d/" + "a**" * 30 + "b"
    assert glob_match("d/" + "a" * 3000, pattern) is False
    assert glob_match("d/" + "a/" * 40 + "b", pattern) is True


def test_many_single_stars_in_a_name_pattern() -> None:
    pattern = "*a" * 40 + "*b"
    assert glob_match("dir/" + "a" * 5000, pattern) is False
    assert glob_match("dir/" + "a" * 50 + "b", pattern) is True


def test_stars_and_question_marks_in_path_segments() -> None:
    pattern = "*/" * 30 + "?" * 30 + "*"
    assert glob_match("a/" * 30 + "b" * 29, pattern) is False
    assert glob_match("a/" * 30 + "b" * 30, pattern) is True


def test_character_classes_in_name_patterns_keep_their_meaning() -> None:
    assert glob_match("a/x1.yaml", "x[0-9].yaml") is True
    assert glob_match("a/xa.yaml", "x[!a].yaml") is False
    assert glob_match("a/x[.yaml", "x[.yaml") is True  # an unclosed bracket is itself
    assert glob_match("a/x].yaml", "x[]].yaml") is True


# --------------------------------------------------------------------------- property

_SEGMENTS = st.sampled_from(["a", "b", "ab", "ba", "aa", "a.b", "[a]"])
_PATHS = st.lists(_SEGMENTS, min_size=1, max_size=6).map("/".join)
_PIECES = st.sampled_from(["a", "b", ".", "*", "**", "?", "/", "**/", "[ab]", "[!a]", "[", "./"])
_PATTERNS = st.lists(_PIECES, min_size=1, max_size=8).map("".join)


@settings(max_examples=400, deadline=None)
@given(path=_PATHS, pattern=_PATTERNS)
def test_glob_match_agrees_with_the_reference_model(path: str, pattern: str) -> None:
    assert glob_match(path, pattern) is reference_match(path, pattern)

"""Glob matching: synthgate's automaton against the backtracking regular expression it
replaced, on ordinary patterns and on hostile ones (many ``**``). Prints figures; not a test.

    python benchmarks/globs.py
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable

from synthgate.globs import glob_match


def regex_match(path: str, pattern: str) -> bool:
    """The regular expression a path pattern used to be compiled to (Python's re backtracks)."""
    return _regex(pattern).fullmatch(path) is not None


@functools.cache
def _regex(pattern: str) -> re.Pattern[str]:
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
    return re.compile("".join(out) + "(?:/.*)?")


def per_call(match: Callable[[str, str], bool], path: str, pattern: str, calls: int) -> float:
    """Seconds per call, best of three rounds."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(calls):
            match(path, pattern)
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def main() -> None:
    path = "data/team/sub/x.synthgate.yaml"
    print(f"{'case':<44} {'automaton':>12} {'regex':>12} {'ratio':>8}")
    for pattern in ("data/**/*.synthgate.yaml", "legacy/**", "data/team/*/x.synthgate.yaml"):
        new, old = (
            per_call(glob_match, path, pattern, 5000),
            per_call(regex_match, path, pattern, 5000),
        )
        print(f"{pattern:<44} {new * 1e6:>9.1f} us {old * 1e6:>9.1f} us {new / old:>7.1f}x")
    hostile_path = "a/" * 60 + "y.yaml"  # 60 directories, no match
    for stars in (2, 3, 4, 5):
        pattern = "**/" * stars + "x.yaml"
        new = per_call(glob_match, hostile_path, pattern, 20)
        old = per_call(regex_match, hostile_path, pattern, 1)
        label = f"'**/' x {stars}, 60 directories"
        print(f"{label:<44} {new * 1e3:>9.2f} ms {old * 1e3:>9.1f} ms {new / old:>7.3f}x")
    print("(the regex's time grows 10-50 fold with each further '**/'; the automaton's stays")
    print(" linear in the path's length)")


if __name__ == "__main__":
    main()

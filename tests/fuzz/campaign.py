"""A long fuzzing campaign, run by hand: ``python -m tests.fuzz.campaign``.

Runs every target of :mod:`tests.fuzz.targets` (or those named) with many more examples than
the suite does, random seeds, and integers of hundreds of digits, and writes the smallest
failing input of each target as a reproducer directory: the project's files, ``command.txt``
with the synthgate command line, and ``problems.txt`` with the promises it broke. Replay one
by running that command line in its directory. Exit code 1 if anything failed.

    python -m tests.fuzz.campaign                       # 2,000 examples per target
    python -m tests.fuzz.campaign --examples 20000 --out fuzz-crashes policy config
"""

from __future__ import annotations

import argparse
import hashlib
import shlex
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from tests.fuzz.targets import OUTPUTS, Case, check, targets


def _save(out: Path, name: str, case: Case, problems: list[str]) -> Path:
    digest = hashlib.sha256(repr(sorted(case.files.items())).encode() + repr(case.args).encode())
    directory = out / f"{name}-{digest.hexdigest()[:12]}"
    for file, data in case.files.items():
        path = directory / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (directory / "out").mkdir(exist_ok=True)
    args = list(case.args) + [f"--format={o}" for o in OUTPUTS if case.outputs]
    (directory / "command.txt").write_text(shlex.join(["synthgate", *args]) + "\n")
    (directory / "problems.txt").write_text("\n".join(problems) + "\n")
    return directory


def campaign(names: list[str], examples: int, out: Path) -> int:
    """Fuzz each target; the number of targets that broke a promise."""
    all_targets = targets(huge_numbers=True)
    failed = 0
    smallest: dict[str, tuple[int, Case, list[str]]] = {}
    for name in names or sorted(all_targets):

        def keep(case: Case, problems: list[str], name: str = name) -> None:
            size = sum(len(d) for d in case.files.values())
            if name not in smallest or size <= smallest[name][0]:
                smallest[name] = (size, case, problems)

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(all_targets[name])
        def fuzz(case: Case) -> None:
            check(case, keep)

        start = time.perf_counter()
        try:
            fuzz()
            print(f"{name}: {examples} examples, no problem ({time.perf_counter() - start:.0f} s)")
        except AssertionError:
            failed += 1
            _size, case, problems = smallest[name]
            where = _save(out, name, case, problems)
            print(f"{name}: FAILED, reproducer in {where}: {problems[0][:200]}")
    return failed


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the campaign."""
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz.campaign")
    parser.add_argument("targets", nargs="*", help="target names [default: all]")
    parser.add_argument("--examples", type=int, default=2000, help="examples per target")
    parser.add_argument("--out", type=Path, default=Path("fuzz-crashes"), help="reproducers")
    args = parser.parse_args(argv)
    unknown = set(args.targets) - set(targets())
    if unknown:
        parser.error(f"unknown targets {sorted(unknown)}; known: {sorted(targets())}")
    return 1 if campaign(args.targets, args.examples, args.out) else 0


if __name__ == "__main__":
    sys.exit(main())

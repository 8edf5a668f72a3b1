"""Mutation testing of the modules that decide verdicts, with mutmut, one target at a time.

    python tests/mutation/run.py                      # every target
    python tests/mutation/run.py waivers evaluate     # some targets
    python tests/mutation/run.py --changed-since main # the targets whose files differ from main
    python tests/mutation/run.py waivers --min-score 90   # exit 1 below 90% killed

Settings live in ``pyproject.toml``: ``[tool.mutmut]`` for mutmut itself, and one
``[tool.mutmut.targets.NAME]`` table per target, naming the files it mutates (``mutate``), the
tests that judge its mutants (``tests``) and, optionally, which mutants count (``mutants``:
mutmut names such as ``synthgate.audit.x_select_rules__mutmut_*``). Survivors that are
equivalent to the original code are explained in ``tests/mutation/survivors.md``.

mutmut names a mutant after its file's path below the project root (``src/`` stripped) and
matches it against the module the tests import. The package is installed from ``engine/`` and
``plugins/`` under other names, so each target runs in a copy laid out as installed:
``build/mutation/NAME/src/synthgate``, ``build/mutation/NAME/src/synthgate_plugins``, the tests, and
``pyproject.toml`` with that target's settings.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
STAGE = REPO / "build" / "mutation"  # build/ is ignored by git, ruff and the hook tests
# Where each part of the source tree is installed (pyproject's [tool.setuptools.package-dir]).
LAYOUT = {
    "engine/synthgate": "src/synthgate",
    "policies": "src/synthgate/policies",
    "schemas": "src/synthgate/schemas",
    "plugins/synthgate_plugins": "src/synthgate_plugins",
    "tests": "tests",
    "examples": "examples",
    "README.md": "README.md",  # tests check the README's examples
}
# A mutant the tests noticed: they failed, or ran past mutmut's time limit (a hang is caught).
CAUGHT = {"killed", "timeout"}
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache")


@dataclass(frozen=True)
class Target:
    """One group of modules, the tests that judge them, and the mutants that count."""

    name: str
    mutate: list[str]
    tests: list[str]
    mutants: list[str]

    def source_files(self) -> list[str]:
        """The repository files this target mutates (for ``--changed-since``)."""
        back = {staged: source for source, staged in LAYOUT.items()}
        files = []
        for pattern in self.mutate:
            for staged, source in sorted(back.items(), key=lambda kv: -len(kv[0])):
                if pattern.startswith(staged + "/"):
                    files.append(source + pattern[len(staged) :])
                    break
        return files


def load_settings() -> tuple[dict[str, Any], dict[str, Target]]:
    """mutmut's own settings and the targets, from ``pyproject.toml``."""
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    settings = dict(data["tool"]["mutmut"])
    raw = settings.pop("targets")
    targets = {
        name: Target(name, t["mutate"], t["tests"], t.get("mutants", [])) for name, t in raw.items()
    }
    return settings, targets


def _toml_value(value: object) -> str:
    # Strings, numbers, booleans and lists of them are written the same in JSON and TOML.
    return json.dumps(value)


def stage_pyproject(settings: dict[str, Any], target: Target) -> str:
    """The repository's ``pyproject.toml`` with ``[tool.mutmut]`` set for one target."""
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    # Drop [tool.mutmut] and its sub-tables; the target's table is written anew at the end.
    text = re.sub(r"(?ms)^\[tool\.mutmut(\.[^\]]+)?\]\n.*?(?=^\[(?!tool\.mutmut)|\Z)", "", text)
    table = {
        **settings,
        "only_mutate": target.mutate,
        "pytest_add_cli_args_test_selection": target.tests,
    }
    lines = ["[tool.mutmut]", *(f"{key} = {_toml_value(v)}" for key, v in table.items())]
    return text.rstrip() + "\n\n" + "\n".join(lines) + "\n"


def stage(settings: dict[str, Any], target: Target) -> Path:
    """A fresh copy of the package laid out as installed, for one target."""
    root = STAGE / target.name
    shutil.rmtree(root, ignore_errors=True)
    for source, staged in LAYOUT.items():
        if (REPO / source).is_file():
            (root / staged).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / source, root / staged)
        else:
            shutil.copytree(REPO / source, root / staged, ignore=_IGNORED, dirs_exist_ok=True)
    (root / "pyproject.toml").write_text(stage_pyproject(settings, target), encoding="utf-8")
    return root


def changed_targets(targets: dict[str, Target], ref: str) -> list[str]:
    """Targets with a file that differs from ``ref`` (committed or not)."""
    out = subprocess.run(
        ["git", "diff", "--name-only", ref, "--", "engine", "plugins"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    changed = set(out)
    return [name for name, t in targets.items() if changed & set(t.source_files())]


def run_target(settings: dict[str, Any], target: Target, children: int) -> Counter[str]:
    """Run mutmut on one target; the count of its mutants by status."""
    root = stage(settings, target)
    mutmut = str(Path(sys.executable).with_name("mutmut"))
    env = {**os.environ, "SYNTHGATE_BUILTIN_PLUGINS_ONLY": "1"}
    command = [mutmut, "run", "--max-children", str(children), *target.mutants]
    started = time.monotonic()
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:  # e.g. a test fails without any mutant: show why, then stop
        print((done.stdout + done.stderr)[-4000:], file=sys.stderr)
        raise SystemExit(f"mutmut failed on target {target.name} (exit {done.returncode})")
    results = subprocess.run(
        [mutmut, "results", "--all", "true"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    statuses: Counter[str] = Counter()
    survivors = []
    for line in results.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if not sep or (
            target.mutants and not any(fnmatch.fnmatch(name, p) for p in target.mutants)
        ):
            continue
        statuses[status] += 1
        if status not in CAUGHT:
            survivors.append(f"{name}: {status}")
    seconds = time.monotonic() - started
    print(f"== {target.name}: {_summary(statuses)} in {seconds:.0f} s", flush=True)
    for survivor in survivors:
        print(f"   {survivor}   (mutmut show {survivor.partition(':')[0]}, in {root})")
    return statuses


def score(statuses: Counter[str]) -> float:
    """Percent of mutants caught; a mutant no test reaches counts as a survivor."""
    total = sum(statuses.values())
    return 100.0 * sum(statuses[s] for s in CAUGHT) / total if total else 100.0


def _summary(statuses: Counter[str]) -> str:
    total = sum(statuses.values())
    parts = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    return f"{score(statuses):.1f}% of {total} mutants caught ({parts})"


def main(argv: list[str] | None = None) -> int:
    """Run the chosen targets, print a score per target; exit 1 if one is below --min-score."""
    settings, targets = load_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=", ".join(targets))
    parser.add_argument("--changed-since", metavar="REF", help="only targets changed since REF")
    parser.add_argument("--min-score", type=float, default=0.0, metavar="PERCENT")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    unknown = [name for name in args.targets if name not in targets]
    if unknown:
        parser.error(f"no target {', '.join(unknown)}; the targets are: {', '.join(targets)}")
    chosen: list[str] = args.targets or list(targets)
    if args.changed_since:
        chosen = [t for t in changed_targets(targets, args.changed_since) if t in chosen]
        if not chosen:
            print(f"no mutation target differs from {args.changed_since}")
            return 0
    scores = {name: run_target(settings, targets[name], args.max_children) for name in chosen}
    print()
    width = max(len(name) for name in scores)
    for name, statuses in scores.items():
        print(f"{name:<{width}}  {_summary(statuses)}")
    low = [name for name, statuses in scores.items() if score(statuses) < args.min_score]
    if low:
        print(f"below {args.min_score:g}%: {', '.join(low)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Print a pip constraints file that holds every direct dependency at its declared lower bound.

CI installs the project with it to prove that the oldest versions pyproject.toml allows still
pass the suite (pip has no lowest-direct resolution of its own). Dependencies without a lower
bound are left to the resolver.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def lower_bounds(pyproject: Path, extras: list[str]) -> dict[str, str]:
    """``{name: version}`` for each ``>=`` bound of the dependencies and the named extras."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    bounds: dict[str, str] = {}
    for requirement in requirements:
        found = REQUIREMENT.match(requirement.split(";")[0])
        if found is None:
            raise SystemExit(f"cannot read the requirement {requirement!r}")
        name, spec = found.groups()
        for clause in spec.split(","):
            clause = clause.strip()
            if clause.startswith(">="):
                bounds[name] = clause[2:].strip()
    return bounds


def main(argv: list[str]) -> int:
    """``python .ci/lowest.py [EXTRA...]``: the constraints on standard output."""
    root = Path(__file__).resolve().parent.parent
    for name, version in sorted(lower_bounds(root / "pyproject.toml", argv).items()):
        print(f"{name}=={version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

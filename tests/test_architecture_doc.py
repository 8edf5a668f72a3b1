"""docs/architecture.md stays true to the code: every module, package and file it names exists."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT

ARCHITECTURE = REPO_ROOT / "docs" / "architecture.md"
_TOP = ("engine", "plugins", "policies", "schemas", "tests", "docs", "examples", "benchmarks")
_PATH = re.compile(r"`((?:" + "|".join(_TOP) + r")/[\w./-]*)`")


def named_paths(text: str) -> list[str]:
    """Every repository path the page names in backquotes (``engine/synthgate/run.py``)."""
    return _PATH.findall(text)


def test_the_path_finder_sees_files_and_directories_only_in_backquotes() -> None:
    text = "`engine/synthgate/run.py` and `plugins/x/` but not engine/synthgate/y.py or `run.py`"
    assert named_paths(text) == ["engine/synthgate/run.py", "plugins/x/"]


def test_every_path_the_page_names_exists() -> None:
    named = named_paths(ARCHITECTURE.read_text(encoding="utf-8"))
    assert len(named) > 40  # the page names the modules; an empty list would prove nothing
    missing = [path for path in named if not (REPO_ROOT / path).exists()]
    assert missing == []


def test_every_engine_module_is_named() -> None:
    # A module added to the engine gets its place on the page.
    named = set(named_paths(ARCHITECTURE.read_text(encoding="utf-8")))
    engine = REPO_ROOT / "engine" / "synthgate"
    modules = [
        path.relative_to(REPO_ROOT).as_posix()
        for path in sorted(engine.rglob("*.py"))
        if path.name not in ("__main__.py",) and path.parent.name != "measure"
    ]
    assert [module for module in modules if module not in named] == []

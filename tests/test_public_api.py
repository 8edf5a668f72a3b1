"""The public API: plugins use only ``synthgate``, the core never imports a plugin, and every
public name resolves."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import synthgate
from tests.conftest import REPO_ROOT

ENGINE = REPO_ROOT / "engine" / "synthgate"
PLUGINS = REPO_ROOT / "plugins" / "synthgate_plugins"
EXAMPLE_PLUGINS = REPO_ROOT / "examples" / "plugins"
TESTING = "synthgate.testing"
"""The testing helper: a public module of its own, for plugins' tests only."""

# What a plugin author needs beyond the check, adapter and reporter contracts.
PLUGIN_AUTHOR_NAMES = {
    "Scope", "Origin", "Stage", "Verifiability", "Generator", "ModelRef", "Verification",
    "Filtering", "HumanAudit", "Diversity", "Selector", "Location", "PolicyInfo", "PluginInfo",
    "escape_pointer", "unescape_pointer", "resolve_pointer", "parse_bytes", "DEFAULT_LIMITS",
    "worst_verdict", "empty_counts", "VERDICTS", "model_key", "CheckParams", "field_names_at",
    "builtin_policy",
}  # fmt: skip


def imported_modules(path: Path, package: str) -> Iterator[tuple[int, str]]:
    """(line, module) for every import in a Python file of ``package``, made absolute.

    Every import counts, also those inside functions and ``if TYPE_CHECKING:`` blocks.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parts = package.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = parts[: len(parts) - node.level + 1] if node.level else []
            yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])


def python_files(root: Path) -> list[Any]:
    """(path, package name) of every Python file under the package directory ``root``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        package = ".".join([root.name, *path.parent.relative_to(root).parts])
        found.append(pytest.param(path, package, id=f"{package}.{path.stem}"))
    assert found, f"no Python files under {root}"
    return found


def _private(module: str) -> bool:
    return module.startswith("synthgate.")


def _plugin(module: str) -> bool:
    return module == "synthgate_plugins" or module.startswith("synthgate_plugins.")


@pytest.mark.parametrize(("path", "package"), python_files(PLUGINS))
def test_plugins_import_synthgate_only_through_its_public_api(path: Path, package: str) -> None:
    private = [
        f"{path.relative_to(REPO_ROOT)}:{line}: imports {module}"
        for line, module in imported_modules(path, package)
        if _private(module)
    ]
    assert private == [], "plugins may import only 'synthgate': " + "; ".join(private)


def example_plugin_files() -> list[Any]:
    """(path, package name, is a test) of every Python file of the example plugins."""
    found = []
    for project in sorted(p for p in EXAMPLE_PLUGINS.iterdir() if p.is_dir()):
        for path in sorted(project.rglob("*.py")):
            relative = path.relative_to(project)
            is_test = relative.parts[0] == "tests"
            parts = relative.parts[1:-1] if relative.parts[0] == "src" else relative.parts[:-1]
            package = ".".join(parts) or project.name
            found.append(pytest.param(path, package, is_test, id=str(path.relative_to(REPO_ROOT))))
    assert found, f"no Python files under {EXAMPLE_PLUGINS}"
    return found


@pytest.mark.parametrize(("path", "package", "is_test"), example_plugin_files())
def test_example_plugins_use_only_the_public_api(path: Path, package: str, is_test: bool) -> None:
    allowed = {TESTING} if is_test else set()
    private = [
        f"{path.relative_to(REPO_ROOT)}:{line}: imports {module}"
        for line, module in imported_modules(path, package)
        if (_private(module) and module not in allowed) or _plugin(module)
    ]
    assert private == [], "a plugin may import only 'synthgate': " + "; ".join(private)


def test_example_plugins_have_a_package_and_tests() -> None:
    files = [str(param.values[0].relative_to(EXAMPLE_PLUGINS)) for param in example_plugin_files()]
    assert any("/src/" in f for f in files)
    assert any("/tests/" in f for f in files)


@pytest.mark.parametrize(("path", "package"), python_files(ENGINE))
def test_the_engine_never_imports_a_plugin(path: Path, package: str) -> None:
    found = [
        f"{path.name}:{line}: imports {module}"
        for line, module in imported_modules(path, package)
        if _plugin(module)
    ]
    assert found == []


def test_the_import_checker_sees_every_form_of_import(tmp_path: Path) -> None:
    # The checks above are only as good as imported_modules: show that it finds each form.
    probe = tmp_path / "probe.py"
    probe.write_text(
        "import synthgate.models\n"
        "from synthgate.documents import parse_text\n"
        "from synthgate import Finding\n"
        "from . import _params\n"
        "from ..reports import text\n"
        "def later():\n"
        "    import synthgate_plugins.metrics\n",
        encoding="utf-8",
    )
    found = [module for _, module in imported_modules(probe, "synthgate_plugins.checks")]
    assert found == [
        "synthgate.models",
        "synthgate.documents",
        "synthgate",
        "synthgate_plugins.checks",
        "synthgate_plugins.reports",
        "synthgate_plugins.metrics",
    ]
    assert [_private(m) for m in found] == [True, True, False, False, False, False]
    assert [_plugin(m) for m in found] == [False, False, False, True, True, True]


# --------------------------------------------------------------------------- names


def test_every_public_name_resolves() -> None:
    for name in synthgate.__all__:
        assert getattr(synthgate, name) is not None, name


def test_plugin_authors_find_what_they_need() -> None:
    assert set(synthgate.__all__) >= PLUGIN_AUTHOR_NAMES


def test_dir_lists_names_not_imported_yet() -> None:
    assert set(dir(synthgate)) >= set(synthgate.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        synthgate.Nothing  # noqa: B018


def test_builtin_policy_finds_shipped_packs_only() -> None:
    assert synthgate.builtin_policy("default").is_file()
    for name in ("nope", "../default", "."):
        with pytest.raises(LookupError, match="ships no policy pack"):
            synthgate.builtin_policy(name)

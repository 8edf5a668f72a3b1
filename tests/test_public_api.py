"""The public API: three tiers (``synthgate``, ``synthgate.plugin``, ``synthgate.models``) that
plugins use and nothing else, the core never imports a plugin, every public name resolves, and
the names ``synthgate`` exported before the tiers still resolve with a deprecation warning."""

from __future__ import annotations

import ast
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import synthgate
import synthgate.models
import synthgate.plugin
from tests.conftest import REPO_ROOT

ENGINE = REPO_ROOT / "engine" / "synthgate"
PLUGINS = REPO_ROOT / "plugins" / "synthgate_plugins"
EXAMPLE_PLUGINS = REPO_ROOT / "examples" / "plugins"
TESTING = "synthgate.testing"
"""The testing helper: a public module of its own, for plugins' tests only."""

PUBLIC_MODULES = {"synthgate", "synthgate.plugin", "synthgate.models"}
"""The tiers of the public API: what a plugin may import."""

LIBRARY = {
    "__version__", "audit", "Run", "RunSettings", "RunOutcome", "Overrides", "audit_paths",
    "load_policy", "LoadedPolicy", "builtin_policy", "Report", "ManifestResult", "Finding",
    "Location", "Totals", "Verdict", "SynthgateError", "InputError", "PolicyError", "UsageError",
    "Problem", "PluginHost", "load_plugins",
}  # fmt: skip
"""The library tier, ``synthgate``: run an audit, load a policy, read the report, catch errors."""

PLUGIN_CONTRACT = {
    "hookimpl", "hookspec", "CheckKind", "CheckParams", "CheckContext", "PolicyContext",
    "ScopeView", "Outcome", "Corpus", "CorpusEntry", "CorpusSource", "Related", "Interval",
    "Metric", "MetricValue", "MetricError", "ManifestAdapter", "Document", "Limits",
    "DEFAULT_LIMITS", "read_document", "read_input_bytes", "parse_text", "escape_pointer",
    "unescape_pointer", "resolve_pointer", "Reporter", "WholeReportReporter", "ReporterSpec",
    "RunInfo", "printable", "PolicyPack", "builtin_policy", "did_you_mean", "field_names_at",
}  # fmt: skip
"""The plugin tier, ``synthgate.plugin``: what a plugin implements and what it is given."""

# The names ``synthgate`` exported before the tiers, and where each went ("" for internal).
MODELS_MOVED = {
    "UNKNOWN", "VERDICTS", "AppliedWaiver", "Contamination", "Dataset", "Decoding", "Diversity",
    "Fact", "Filtering", "Generator", "HumanAudit", "IntendedUse", "Judge", "LabelValidation",
    "Manifest", "ManifestFacts", "ModelRef", "Origin", "PluginInfo", "Policy", "PolicyInfo",
    "Rule", "Scope", "Selector", "Source", "SourceFacts", "Split", "Stage", "TaskType",
    "Verifiability", "Verification", "Waiver", "WaiverScope", "empty_counts", "model_key",
    "verdict_rank", "worst_verdict",
}  # fmt: skip
"""Names ``synthgate`` exported before the tiers that moved to ``synthgate.models``."""

NEW_WITH_THE_TIERS = {"Run", "RunSettings", "RunOutcome", "Overrides"}

# The names ``synthgate`` exported before the tiers, and where each went ("" for internal).
FORMER_NAMES = {
    **dict.fromkeys(LIBRARY - NEW_WITH_THE_TIERS - {"__version__", "audit"}, "synthgate"),
    **dict.fromkeys(PLUGIN_CONTRACT - {"builtin_policy"}, "synthgate.plugin"),
    **dict.fromkeys(MODELS_MOVED, "synthgate.models"),
    "Audit": "synthgate.audit",
    "parse_bytes": "",
}


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
    return module.startswith("synthgate.") and module not in PUBLIC_MODULES


def _plugin(module: str) -> bool:
    return module == "synthgate_plugins" or module.startswith("synthgate_plugins.")


@pytest.mark.parametrize(("path", "package"), python_files(PLUGINS))
def test_plugins_import_synthgate_only_through_its_public_api(path: Path, package: str) -> None:
    private = [
        f"{path.relative_to(REPO_ROOT)}:{line}: imports {module}"
        for line, module in imported_modules(path, package)
        if _private(module)
    ]
    assert private == [], "plugins may import only the public tiers: " + "; ".join(private)


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
    assert private == [], "a plugin may import only the public tiers: " + "; ".join(private)


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
        "from synthgate.plugin import hookimpl\n"
        "from synthgate import Finding\n"
        "from . import _kind_params\n"
        "from ..reports import text\n"
        "def later():\n"
        "    import synthgate_plugins.metrics\n",
        encoding="utf-8",
    )
    found = [module for _, module in imported_modules(probe, "synthgate_plugins.checks")]
    assert found == [
        "synthgate.models",
        "synthgate.documents",
        "synthgate.plugin",
        "synthgate",
        "synthgate_plugins.checks",
        "synthgate_plugins.reports",
        "synthgate_plugins.metrics",
    ]
    assert [_private(m) for m in found] == [False, True, False, False, False, False, False]
    assert [_plugin(m) for m in found] == [False, False, False, False, True, True, True]


# --------------------------------------------------------------------------- names


def test_the_library_tier_is_pinned() -> None:
    assert set(synthgate.__all__) == LIBRARY


def test_the_plugin_tier_is_pinned() -> None:
    assert set(synthgate.plugin.__all__) == PLUGIN_CONTRACT


def test_the_models_tier_holds_every_model_the_top_level_exported() -> None:
    assert set(synthgate.models.__all__) >= MODELS_MOVED


@pytest.mark.parametrize("module", [synthgate, synthgate.plugin, synthgate.models])
def test_every_public_name_resolves(module: Any) -> None:
    for name in module.__all__:
        assert getattr(module, name) is not None, name


def test_a_name_in_two_tiers_is_one_object() -> None:
    for name in set(synthgate.__all__) & set(synthgate.models.__all__):
        assert getattr(synthgate, name) is getattr(synthgate.models, name), name
    assert synthgate.plugin.builtin_policy is synthgate.builtin_policy
    assert synthgate.plugin.CheckParams is synthgate.models.CheckParams


@pytest.mark.parametrize(
    ("name", "tier"),
    sorted((n, t) for n, t in FORMER_NAMES.items() if t != "synthgate"),
)
def test_a_moved_name_still_resolves_with_a_warning_naming_its_place(name: str, tier: str) -> None:
    with pytest.warns(DeprecationWarning, match=rf"^synthgate\.{name} is deprecated: ") as caught:
        value = getattr(synthgate, name)
    [warning] = caught.list
    assert warning.filename == __file__  # the warning points at the caller's line
    message = str(warning.message)
    if tier:
        assert f"import it from {tier};" in message
        assert value is getattr(sys.modules[tier], name)
    else:
        assert "it is internal" in message
    assert "next release" in message


def test_a_moved_name_warns_at_each_import() -> None:
    for _ in range(2):
        with pytest.warns(DeprecationWarning, match="synthgate.plugin"):
            from synthgate import hookimpl  # noqa: F401


def test_the_library_tier_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in synthgate.__all__:
            getattr(synthgate, name)


def test_the_tiers_are_imported_lazily() -> None:
    # ``import synthgate`` in a pre-commit hook must not load the engine; neither must the tiers.
    code = (
        "import sys, synthgate, synthgate.plugin, synthgate.models\n"
        "print(sorted(m for m in sys.modules if m.startswith('synthgate')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(ast.literal_eval(done.stdout))
    assert {"synthgate.plugin", "synthgate.models"} <= loaded
    engine = {"synthgate.check_contract", "synthgate.reporter_contract", "synthgate.documents"}
    engine |= {"synthgate.policy", "synthgate.plugins", "synthgate.run", "synthgate.audit"}
    assert loaded & engine == set()


def test_dir_lists_names_not_imported_yet() -> None:
    assert set(dir(synthgate)) >= set(synthgate.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        synthgate.Nothing  # noqa: B018
    with pytest.raises(AttributeError, match=r"'synthgate\.plugin' has no attribute 'Nothing'"):
        synthgate.plugin.Nothing  # noqa: B018


def test_builtin_policy_finds_shipped_packs_only() -> None:
    assert synthgate.builtin_policy("default").is_file()
    for name in ("nope", "../default", "."):
        with pytest.raises(LookupError, match="ships no policy pack"):
            synthgate.builtin_policy(name)

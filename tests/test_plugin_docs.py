"""docs/plugins.md stays honest: every hook with its exact signature, examples that run, and a
tutorial whose code is the example plugin's code."""

from __future__ import annotations

import inspect
import io
import re
import sys
import types
from collections.abc import Callable
from typing import Any

import click
import pytest

import synthgate
import synthgate.models
import synthgate.plugin
from synthgate import hookspecs
from synthgate.plugins import PluginHost
from tests.conftest import REPO_ROOT

DOC = REPO_ROOT / "docs" / "plugins.md"
EXAMPLE = REPO_ROOT / "examples" / "plugins" / "synthgate-clinical"
HOOKS = sorted(name for name in hookspecs.__all__ if name.startswith("synthgate_"))

_HEADING = re.compile(r"^### `(synthgate_[a-z_]+)`\s*$", re.M)
_BLOCK = re.compile(r"^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```$", re.M | re.S)
_MARKED = re.compile(
    r"^<!-- example-(?P<how>file|excerpt): (?P<path>\S+) -->\n```[a-z]*\n(?P<body>.*?)^```$",
    re.M | re.S,
)


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _sections() -> dict[str, str]:
    """Hook name -> the text of its section in the hook reference."""
    reference = _doc().split("\n## Hook reference\n", 1)[1].split("\n## ", 1)[0]
    parts = _HEADING.split(reference)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def _python_blocks(text: str) -> list[str]:
    return [m["body"] for m in _BLOCK.finditer(text) if m["lang"] == "python"]


def signature_line(name: str) -> str:
    """``def name(arg: type) -> type:`` as written in hookspecs.py (annotations as text)."""
    spec = getattr(hookspecs, name)
    signature = inspect.signature(spec)
    params = ", ".join(f"{p.name}: {p.annotation}" for p in signature.parameters.values())
    return f"def {name}({params}) -> {signature.return_annotation}:"


def test_the_hookspecs_are_what_the_doc_test_reads() -> None:
    assert HOOKS, "no hooks found in synthgate.hookspecs.__all__"
    assert signature_line("synthgate_add_commands") == (
        "def synthgate_add_commands(cli: click.Group) -> None:"
    )


def test_every_hook_is_documented_and_no_other() -> None:
    assert sorted(_sections()) == HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_each_hook_is_documented_with_its_exact_signature(name: str) -> None:
    section = _sections()[name]
    blocks = _python_blocks(section)
    assert blocks, f"{name}: no Python block"
    assert blocks[0].strip() == signature_line(name)


@pytest.mark.parametrize("name", HOOKS)
def test_each_hook_says_when_it_fires_what_it_receives_and_returns(name: str) -> None:
    section = _sections()[name]
    for label in ("Fires:", "Receives:", "Returns:", "First result only:", "Errors:"):
        assert f"**{label}**" in section, f"{name}: no '{label}'"
    first_result = getattr(hookspecs, name).synthgate_spec["firstresult"]
    assert f"**First result only:** {'yes' if first_result else 'no'}" in section
    spec_params = list(inspect.signature(getattr(hookspecs, name)).parameters)
    receives = section.split("**Receives:**", 1)[1].split("\n- ", 1)[0]
    if spec_params:
        assert all(f"`{param}`" in receives for param in spec_params), receives
    else:
        assert receives.strip().startswith("nothing")


def _run_example(name: str, code: str, monkeypatch: pytest.MonkeyPatch) -> tuple[PluginHost, Any]:
    """Execute a hook's example as a plugin module and call the hook through the facade."""
    module = types.ModuleType(f"docs_example_{name}")
    monkeypatch.setitem(sys.modules, module.__name__, module)  # pydantic resolves names there
    exec(compile(code, f"docs/plugins.md ({name})", "exec"), module.__dict__)
    assert getattr(module, name).synthgate_impl is not None  # marked with @hookimpl
    host = PluginHost.from_plugins([("example", module)])
    calls: dict[str, Callable[[], Any]] = {
        "synthgate_register_check_kinds": host.check_kinds,
        "synthgate_register_metrics": host.metrics,
        "synthgate_register_adapters": host.adapters,
        "synthgate_register_reporters": host.reporters,
        "synthgate_register_policy_packs": host.policy_packs,
        "synthgate_extend_taxonomy": host.taxonomy,
    }
    if name == "synthgate_add_commands":
        group = click.Group()
        host.add_commands(group)
        return host, group.commands
    return host, calls[name]()


@pytest.mark.parametrize("name", HOOKS)
def test_each_hooks_example_runs_as_a_plugin(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _python_blocks(_sections()[name])
    assert len(blocks) >= 2, f"{name}: no example after the signature"
    host, result = _run_example(name, blocks[1], monkeypatch)
    if name == "synthgate_register_policy_packs":
        # The example names a package of its own; everything up to reading the file works.
        assert host.errors() == [
            "plugin example (example 0): failed in synthgate_register_policy_packs: "
            "ModuleNotFoundError: No module named 'my_plugin'"
        ]
        return
    assert host.errors() == []
    assert len(result) == 1, result


def test_the_example_reporter_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    (code,) = _python_blocks(_sections()["synthgate_register_reporters"])[1:2]
    _host, specs = _run_example("synthgate_register_reporters", code, monkeypatch)
    cls = specs["count"].load()
    out = io.StringIO()
    reporter = cls(out, synthgate.plugin.RunInfo(version="0", policies=[], plugins=[]))
    reporter.start()
    reporter.finish(synthgate.Totals(manifests=0, findings=synthgate.models.empty_counts()), "pass")
    assert out.getvalue() == "pass: 0 manifests\n"


def test_the_example_check_kind_judges_a_source(monkeypatch: pytest.MonkeyPatch) -> None:
    (code,) = _python_blocks(_sections()["synthgate_register_check_kinds"])[1:2]
    _host, kinds = _run_example("synthgate_register_check_kinds", code, monkeypatch)
    kind = kinds["non-empty"]
    manifest = synthgate.models.Manifest.model_validate(
        {
            "dataset": {"name": "d", "task_type": "code"},
            "splits": [
                {"name": "train", "sources": [{"id": "s", "origin": "human", "records": 0}]}
            ],
        }
    )
    source = manifest.splits[0].sources[0]
    pointer = "/splits/0/sources/0"
    scope = synthgate.plugin.ScopeView(
        "source", manifest, pointer, "code", "verifiable", manifest.splits[0], source,
        ((pointer, source),),
    )  # fmt: skip
    (outcome,) = kind.run(scope, kind.params.model_validate({}), synthgate.plugin.CheckContext())
    assert (outcome.verdict, outcome.message) == ("fail", "the source is empty")


# --------------------------------------------------------------------------- the tutorial


def _marked_blocks() -> list[tuple[str, str, str]]:
    return [(m["how"], m["path"], m["body"]) for m in _MARKED.finditer(_doc())]


def test_the_tutorial_shows_every_module_of_the_example_plugin_whole() -> None:
    shown = {path for how, path, _ in _marked_blocks() if how == "file"}
    package = EXAMPLE / "src" / "synthgate_clinical"
    modules = {str(p.relative_to(EXAMPLE)) for p in package.glob("*.py")}
    assert modules, f"no modules under {package}"
    assert modules <= shown


@pytest.mark.parametrize(
    ("how", "path", "body"),
    [pytest.param(*block, id=f"{block[0]}-{block[1]}") for block in _marked_blocks()],
)
def test_the_tutorials_code_is_the_example_plugins_code(how: str, path: str, body: str) -> None:
    text = (EXAMPLE / path).read_text(encoding="utf-8")
    if how == "file":
        assert body == text, f"docs/plugins.md shows an outdated {path}"
    else:
        assert body in text, f"docs/plugins.md quotes {path} wrongly"


def test_the_tutorial_quotes_the_entry_point_and_the_pack() -> None:
    paths = {path for _, path, _ in _marked_blocks()}
    assert {"pyproject.toml", "src/synthgate_clinical/clinical.yaml"} <= paths
    pyproject = (EXAMPLE / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points.synthgate]\nclinical = "synthgate_clinical"' in pyproject
    assert '[project.entry-points.synthgate]\nclinical = "synthgate_clinical"' in _doc()


def test_links_in_the_doc_point_at_files_that_exist() -> None:
    for target in re.findall(r"\]\((\.\./[^)#]+)\)", _doc()):
        assert (DOC.parent / target).exists(), target


def test_the_readme_points_plugin_authors_to_the_doc() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Writing a plugin" in readme
    section = readme.split("## Writing a plugin", 1)[1].split("\n## ", 1)[0]
    assert "docs/plugins.md" in section


def test_the_marked_block_reader_finds_both_kinds() -> None:
    # The marked-block reader is only as good as its pattern: show it finds both kinds.
    sample = (
        "<!-- example-file: a.py -->\n```python\nx = 1\n```\n"
        "text\n<!-- example-excerpt: b.yaml -->\n```yaml\nk: v\n```\n"
    )
    found = [(m["how"], m["path"], m["body"]) for m in _MARKED.finditer(sample)]
    assert found == [("file", "a.py", "x = 1\n"), ("excerpt", "b.yaml", "k: v\n")]

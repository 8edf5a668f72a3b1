"""Isolation, as a user meets it: real distributions with entry points on ``sys.path``, some of
them broken, and the ``synthgate`` command line run on them."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, CliResult

Run = Callable[..., CliResult]
PASSING = FIXTURES / "cli" / "pass.synthgate.yaml"

CRASHING_CHECK = """
    from synthgate.plugin import CheckKind, CheckParams, hookimpl

    class NoParams(CheckParams):
        pass

    def run(scope, params, context):
        raise ZeroDivisionError("boom in check")

    @hookimpl
    def synthgate_register_check_kinds():
        return [CheckKind("crashy", "Crashes.", NoParams, run)]
"""

PACK_PLUGIN = """
    from pathlib import Path
    from synthgate.plugin import PolicyPack, hookimpl

    @hookimpl
    def synthgate_register_policy_packs():
        here = Path(__file__).parent
        return [PolicyPack(NAME, "A pack.", here / (NAME + ".yaml"))]
"""

CRASHING_REPORTER = """
    from synthgate.plugin import Reporter, ReporterSpec, hookimpl

    class Exploding(Reporter):
        def add(self, result):
            raise ValueError("reporter exploded")

    @hookimpl
    def synthgate_register_reporters():
        return [ReporterSpec("exploding", "Crashes.", lambda: Exploding)]
"""

SECOND_JSON = """
    from synthgate.plugin import Reporter, ReporterSpec, hookimpl

    @hookimpl
    def synthgate_register_reporters():
        return [ReporterSpec("json", "Another json.", lambda: Reporter)]
"""


def _pack(name: str, code: str, extends: str = "") -> str:
    return textwrap.dedent(
        f"""\
        name: {name}
        version: "1"
        {extends}
        rules:
          - code: {code}
            name: {name}-rule
            summary: A rule.
            applies: {{scope: source}}
            check: {{kind: crashy}}
        """
    )


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Install distributions (a module and a dist-info with an entry point) on ``sys.path``;
    third-party plugins are loaded, as outside the test suite."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    monkeypatch.delenv("SYNTHGATE_BUILTIN_PLUGINS_ONLY")
    modules: list[str] = []

    def install(dist: str, version: str, source: str, files: dict[str, str] | None = None) -> None:
        module = f"sgtest_{dist.replace('-', '_')}"
        package = root / module
        package.mkdir()
        (package / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
        for name, text in (files or {}).items():
            (package / name).write_text(text, encoding="utf-8")
        info = root / f"{dist}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(f"[synthgate]\n{dist} = {module}\n", "utf-8")
        modules.append(module)

    yield install
    for module in modules:
        sys.modules.pop(module, None)


def _crashy_pack(site: Callable[..., None]) -> None:
    site("crashcheck", "2.0", CRASHING_CHECK)
    site(
        "crashpack",
        "2.1",
        PACK_PLUGIN.replace("NAME", '"crashpack"'),
        {"crashpack.yaml": _pack("crashpack", "XC001", "extends: [default]")},
    )


def test_a_plugin_that_fails_to_import_is_named_and_the_audit_goes_on(
    run_cli: Run, site: Callable[..., None]
) -> None:
    site("importfail", "1.0", "raise RuntimeError('cannot import me')\n")
    result = run_cli("audit", "--fail-on", "never", str(PASSING))
    assert result.code == 0, result.err
    assert (
        "warning: plugin importfail (importfail 1.0): failed to load: "
        "RuntimeError: cannot import me" in result.err
    )
    listing = json.loads(run_cli("plugins", "--format", "json").out)
    (row,) = [r for r in listing if r["name"] == "importfail"]
    assert (row["version"], row["builtin"], row["hooks"]) == ("1.0", False, [])
    assert row["error"] == "failed to load: RuntimeError: cannot import me"


def test_a_crashed_check_is_an_error_finding_and_every_report_is_written(
    run_cli: Run, site: Callable[..., None], tmp_path: Path
) -> None:
    _crashy_pack(site)
    report = tmp_path / "report.json"
    result = run_cli(
        "audit",
        "--policy",
        "crashpack",
        "--show-passes",
        "-f",
        "text",
        "-f",
        f"json={report}",
        str(PASSING),
    )
    assert result.code == 3, result.err
    assert "XC001 error [crashpack-rule]" in result.out
    assert "check kind 'crashy' of plugin crashcheck (crashcheck 2.0) crashed" in result.out
    data = json.loads(report.read_text(encoding="utf-8"))
    findings = [f for m in data["manifests"] for f in m["findings"]]
    crashed = [f for f in findings if f["verdict"] == "error"]
    assert crashed
    assert {f["rule"] for f in crashed} == {"XC001"}
    assert {f["scope"] for f in crashed} == {"source"}
    assert any(f["rule"].startswith("SG") for f in findings)  # every other rule still ran


def test_a_crashed_check_exits_3_unless_fail_on_never(
    run_cli: Run, site: Callable[..., None]
) -> None:
    _crashy_pack(site)
    for fail_on in ("fail", "warn"):
        result = run_cli("audit", "--policy", "crashpack", "--fail-on", fail_on, str(PASSING))
        assert result.code == 3
        assert "names the plugin to blame" in result.err
    advisory = run_cli("audit", "--policy", "crashpack", "--fail-on", "never", str(PASSING))
    assert advisory.code == 0
    assert "crashed" in advisory.err  # shown, even when it does not gate


def test_disabled_plugins_are_listed_and_never_imported(
    run_cli: Run, site: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    site("importfail", "1.0", "raise RuntimeError('cannot import me')\n")
    monkeypatch.setenv("SYNTHGATE_DISABLED_PLUGINS", "importfail")
    result = run_cli("audit", "--fail-on", "never", str(PASSING))
    assert (result.code, result.err) == (0, "")
    listing = run_cli("plugins")
    assert "importfail (importfail 1.0, third-party, disabled by SYNTHGATE_DISABLED_PLUGINS)" in (
        listing.out
    )


def test_plugins_lists_what_each_plugin_provides(run_cli: Run, site: Callable[..., None]) -> None:
    _crashy_pack(site)
    listing = run_cli("plugins")
    assert listing.code == 0, listing.err
    assert (
        "crashpack (crashpack 2.1, third-party)\n"
        "    hooks: synthgate_register_policy_packs\n"
        "    policy packs: crashpack\n" in listing.out
    )
    assert "    check kinds: crashy\n" in listing.out
    rows = {r["name"]: r for r in json.loads(run_cli("plugins", "--format", "json").out)}
    assert rows["crashpack"]["provides"] == {"policy_packs": ["crashpack"]}
    assert rows["crashcheck"]["provides"] == {"check_kinds": ["crashy"]}
    assert "default" in rows["synthgate-packs"]["provides"]["policy_packs"]


def test_a_pack_from_a_plugin_is_addressable_by_name(
    run_cli: Run, site: Callable[..., None], tmp_path: Path
) -> None:
    _crashy_pack(site)
    listing = run_cli("rules", "--policy", "crashpack")
    assert listing.code == 0, listing.err
    assert "policy crashpack 1 (default" in listing.out
    assert "XC001" in listing.out
    mine = tmp_path / "mine.yaml"
    mine.write_text('name: mine\nversion: "1"\nextends: [crashpack]\n', encoding="utf-8")
    assert "XC001" in run_cli("rules", "--policy", str(mine)).out
    by_pack = run_cli("rules", "--pack", "crashpack")
    assert (by_pack.code, by_pack.out) == (0, listing.out)
    typo = run_cli("rules", "--pack", "crashpak")
    assert typo.code == 2
    assert "no policy pack named 'crashpak'" in typo.err
    assert "did you mean 'crashpack'?" in typo.err
    assert run_cli("rules", "--pack", str(mine)).code == 2  # registered packs only


def test_two_plugins_registering_one_output_format_are_both_named(
    run_cli: Run, site: Callable[..., None]
) -> None:
    site("secondjson", "4.0", SECOND_JSON)
    result = run_cli("audit", str(PASSING))
    assert result.code == 2
    assert (
        "output format 'json' is registered by two plugins: synthgate-reports (synthgate "
        in result.err
    )
    assert "and secondjson (secondjson 4.0)" in result.err
    # The listing, which is where one looks next, still lists every plugin and the clash.
    listing = run_cli("plugins")
    assert listing.code == 2
    assert "secondjson (secondjson 4.0, third-party)" in listing.out
    assert "error: output format 'json' is registered by two plugins" in listing.err


def test_one_rule_code_in_two_plugins_packs_names_both_plugins(
    run_cli: Run, site: Callable[..., None], tmp_path: Path
) -> None:
    site("crashcheck", "2.0", CRASHING_CHECK)
    site(
        "packa",
        "1.1",
        PACK_PLUGIN.replace("NAME", '"packa"'),
        {"packa.yaml": _pack("packa", "XD001")},
    )
    site(
        "packb",
        "1.2",
        PACK_PLUGIN.replace("NAME", '"packb"'),
        {"packb.yaml": _pack("packb", "XD001")},
    )
    both = tmp_path / "both.yaml"
    both.write_text('name: both\nversion: "1"\nextends: [packa, packb]\n', encoding="utf-8")
    result = run_cli("rules", "--policy", str(both))
    assert result.code == 2
    assert (
        "rule XD001 (packb-rule) is already defined at <pack packa>:5 (by pack 'packa' of "
        "plugin packa (packa 1.1); again by pack 'packb' of plugin packb (packb 1.2))"
    ) in result.err
    assert "SYNTHGATE_DISABLED_PLUGINS" in result.err


def test_a_crashing_reporter_is_named_and_the_other_formats_are_written(
    run_cli: Run, site: Callable[..., None], tmp_path: Path
) -> None:
    site("crashrep", "3.0", CRASHING_REPORTER)
    report, broken = tmp_path / "report.json", tmp_path / "broken.txt"
    result = run_cli(
        "audit", "-f", "text", "-f", f"exploding={broken}", "-f", f"json={report}", str(PASSING)
    )
    assert result.code == 3
    assert (
        "output format 'exploding' of plugin crashrep (crashrep 3.0) crashed in add: "
        "ValueError: reporter exploded" in result.err
    )
    assert len(json.loads(report.read_text(encoding="utf-8"))["manifests"]) == 1
    assert "pass.synthgate.yaml (code-pass)" in result.out  # the text format, on stdout
    assert not broken.exists()  # a partial report is never left behind

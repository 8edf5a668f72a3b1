"""docs/rules.md is generated from the default pack, and 'explain' prints the same cards."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from synthgate import load_plugins, load_policy
from tests.conftest import REPO_ROOT, CliResult

RULES_DOC = REPO_ROOT / "docs" / "rules.md"


def test_rules_doc_is_not_stale(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("rules", "--format", "markdown")
    assert result.code == 0, result.err
    assert result.out == RULES_DOC.read_text(encoding="utf-8"), (
        "docs/rules.md is stale: regenerate it with "
        "'SYNTHGATE_BUILTIN_PLUGINS_ONLY=1 synthgate rules --format markdown > docs/rules.md'"
    )


def _default_codes() -> list[str]:
    return [c.rule.code for c in load_policy("default", load_plugins(builtin_only=True)).rules]


@pytest.mark.parametrize("code", _default_codes())
def test_explain_prints_the_card_of_the_doc(code: str, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("explain", code)
    assert result.code == 0, result.err
    card = result.out
    assert card.startswith(f"### {code} ")  # the doc's card, without its HTML anchor
    assert f'<a id="{code.lower()}"></a>\n{card}' in RULES_DOC.read_text(encoding="utf-8")
    # Every card answers what, why, what to do, with examples and references.
    for heading in ("**Why.**", "**What to do.**", "**Non-compliant:**", "**Compliant:**"):
        assert heading in card, (code, heading)
    assert "**References:**" in card


def test_index_links_and_sarif_help_anchors_resolve() -> None:
    text = RULES_DOC.read_text(encoding="utf-8")
    anchors = set(re.findall(r'<a id="([a-z0-9]+)"></a>', text))
    links = set(re.findall(r"\]\(#([a-z0-9]+)\)", text))
    assert links
    assert links <= anchors
    # SARIF's helpUri points at docs/rules.md#<code in lower case>.
    assert {code.lower() for code in _default_codes()} == anchors


def test_markdown_of_another_pack_and_by_pack_name(run_cli: Callable[..., CliResult]) -> None:
    terms = run_cli("rules", "--pack", "terms", "--format", "markdown")
    assert terms.code == 0, terms.err
    assert "# Rules of the `terms` policy" in terms.out
    assert '<a id="sg901"></a>' in terms.out
    unknown = run_cli("rules", "--pack", "strcit")
    assert unknown.code == 2
    assert "did you mean 'strict'" in unknown.err
    both = run_cli("rules", "--pack", "strict", "--policy", "default")
    assert both.code == 2

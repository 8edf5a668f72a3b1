"""The ``why:`` line of a failure: the first sentence of the rule's rationale, and in brackets
the source of the claim that sentence makes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from synthgate.models import Rule
from synthgate_plugins.reports._phrases import reason
from tests.conftest import CliResult

# "(Ziems et al. 2024)", "Lee et al. 2022", "(Sennrich et al. 2016, ...": an inline citation.
_INLINE = re.compile(r"([A-Z][\w'-]+)(?: et al\.| and [A-Z][\w'-]+)? (\d{4})")


def _rules(run_cli: Callable[..., CliResult]) -> list[Rule]:
    result = run_cli("rules", "--format", "json")
    assert result.code == 0, result.err
    return [Rule.model_validate(r) for r in json.loads(result.out)]


def test_a_sentence_that_cites_a_source_is_bracketed_with_it(
    run_cli: Callable[..., CliResult],
) -> None:
    checked = 0
    for rule in _rules(run_cli):
        line = reason(rule)
        if not line:
            continue
        sentence, _, bracket = line.rpartition(" [")
        refs = rule.references
        inline = [
            m.groups()
            for m in _INLINE.finditer(sentence)
            if any(m.group(1) in ref.authors and str(ref.year) == m.group(2) for ref in refs)
        ]
        if inline:
            checked += 1
            # The bracket names a source the sentence names: its first inline citation, or one
            # it names before that by author (say "Llama 3 405B ... (Feng et al. 2025)").
            cited = bracket.split()[0]
            first_at = sentence.index(f"{inline[0][0]}")
            assert cited == inline[0][0] or -1 < sentence.find(cited) < first_at, (rule.code, line)
    assert checked > 15


@pytest.mark.parametrize(
    ("code", "source"),
    [
        # Claims read from the rationales, with the paper each one comes from.
        ("SG302", "[Wang et al. 2023]"),  # the audit of 200 Self-Instruct items
        ("SG303", "[Ziems et al. 2024]"),  # kappa of zero-shot LLM labels on 17 tasks
        ("SG407", "[Lee et al. 2022]"),  # overlap in more than 4% of validation sets
        ("SG501", "[Sennrich et al. 2016]"),  # +2.1 to 3.4 BLEU from back-translation
    ],
)
def test_the_bracket_names_the_claims_source(
    run_cli: Callable[..., CliResult], code: str, source: str
) -> None:
    (rule,) = (r for r in _rules(run_cli) if r.code == code)
    assert reason(rule).endswith(source)

"""--select and --ignore (select_rules): what a selector names, and what a typo says."""

from __future__ import annotations

import pytest

from synthgate.audit import select_rules
from synthgate.errors import UsageError
from synthgate.plugins import load_plugins
from synthgate.policy import LoadedPolicy, load_policy


@pytest.fixture(scope="module")
def policy() -> LoadedPolicy:
    return load_policy("default", load_plugins(builtin_only=True, disabled=()))


def _codes(policy: LoadedPolicy) -> set[str]:
    return {c.rule.code for c in policy.rules}


def test_ignore_by_name_removes_that_rule_only(policy: LoadedPolicy) -> None:
    kept = select_rules(policy, ignore=["human-data-floor"])
    assert _codes(kept) == _codes(policy) - {"SG103"}


@pytest.mark.parametrize(
    ("select", "ignore", "message", "hint"),
    [
        (
            ["qqqqqqqqqq"],
            [],
            "select 'qqqqqqqqqq' names no rule of policy 'default'",
            "list the rules with 'synthgate rules'",
        ),
        (
            [],
            ["qqqqqqqqqq"],
            "ignore 'qqqqqqqqqq' names no rule of policy 'default'",
            "list the rules with 'synthgate rules'",
        ),
        (
            [],
            ["human-data-flor"],
            "ignore 'human-data-flor' names no rule of policy 'default'",
            "did you mean 'human-data-floor'?",
        ),
    ],
)
def test_a_selector_that_names_no_rule_says_which_and_what_to_do(
    policy: LoadedPolicy, select: list[str], ignore: list[str], message: str, hint: str
) -> None:
    with pytest.raises(UsageError) as info:
        select_rules(policy, select, ignore)
    assert (info.value.message, info.value.hint) == (message, hint)


def test_without_strict_an_unknown_selector_is_no_error(policy: LoadedPolicy) -> None:
    kept = select_rules(policy, ["SG103", "qqqqqqqqqq"], ["nothing-like-it"], strict=False)
    assert _codes(kept) == {"SG103"}

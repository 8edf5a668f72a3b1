"""The docs a new user follows: the README links them, the recipes name revisions that exist,
and the CI guide agrees with the README on exit codes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
CI_DOC = REPO_ROOT / "docs" / "ci.md"
RECIPES = [README, CI_DOC, REPO_ROOT / ".pre-commit-hooks.yaml"]


def _links(path: Path) -> list[str]:
    return re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8"))


GUIDES = ["docs/ci.md", "docs/plugins.md", "docs/testing.md", "docs/formats.md"]


@pytest.mark.parametrize("doc", GUIDES)
def test_readme_links_the_guides(doc: str) -> None:
    assert doc in _links(README)
    assert (REPO_ROOT / doc).is_file()


@pytest.mark.parametrize("path", [README, CI_DOC, REPO_ROOT / "docs" / "formats.md"])
def test_relative_links_lead_to_files(path: Path) -> None:
    local = [link for link in _links(path) if not re.match(r"[a-z]+:", link)]
    assert local
    missing = [link for link in local if not (path.parent / link).exists()]
    assert missing == []


def _revisions() -> set[str]:
    found = set()
    for path in RECIPES:
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"^[#\s]*rev: (\S+)", text, re.M))
        found |= set(re.findall(r"uses: synthgate/synthgate@([\w./-]+)", text))
    return found


def test_recipes_name_revisions_that_exist() -> None:
    revisions = _revisions()
    assert revisions  # the README, the CI guide and the hook file all give one
    for rev in sorted(revisions):
        # A CI checkout may hold the branch only as origin's (a pull request's merge commit).
        known = any(
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(REPO_ROOT),
                    "rev-parse",
                    "--verify",
                    "--quiet",
                    f"{ref}^{{commit}}",
                ],
                capture_output=True,
                check=False,
            ).returncode
            == 0
            for ref in (rev, f"origin/{rev}")
        )
        assert known, f"'{rev}' is not a branch, tag or commit of this repository"


def _exit_rows(path: Path) -> dict[str, str]:
    rows = re.findall(r"^\| ([0-3]) \| (.+) \|$", path.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def test_the_ci_guide_and_the_readme_agree_on_exit_3() -> None:
    readme, guide = _exit_rows(README), _exit_rows(CI_DOC)
    assert set(readme) == set(guide) == {"0", "1", "2", "3"}
    assert guide["3"] == readme["3"]
    # ... and on the one exception: advisory mode reports a crashed check but exits 0.
    for path in (README, CI_DOC):
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert "with `--fail-on never` (advisory mode) a crashed check is still reported" in text

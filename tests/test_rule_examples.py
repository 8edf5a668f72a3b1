"""Every example a rule card shows (``synthgate explain``) is a manifest synthgate can audit:
a reader who copies one into a file gets findings, never an input error."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

PACKS = ["default", "strict", "terms"]


def _codes(run_cli: Callable[..., CliResult], pack: str) -> list[str]:
    result = run_cli("rules", "--pack", pack, "--format", "json")
    assert result.code == 0, result.err
    return [r["code"] for r in json.loads(result.out) if r.get("examples")]


@pytest.mark.parametrize("pack", PACKS)
def test_explain_examples_are_manifests_that_audit(
    pack: str, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    codes = _codes(run_cli, pack)
    if pack != "strict":  # strict only tightens the default's rules; it adds no examples
        assert codes
    written = []
    for code in codes:
        card = run_cli("explain", code, "--policy", pack)
        assert card.code == 0, card.err
        blocks = re.findall(
            r"^\*\*(Non-compliant|Compliant):\*\*\n\n```yaml\n(.*?)^```$", card.out, re.M | re.S
        )
        assert [kind for kind, _ in blocks] == ["Non-compliant", "Compliant"], code
        for kind, text in blocks:
            path = tmp_path / f"{code}-{kind.lower()}.synthgate.yaml"
            path.write_text(text, encoding="utf-8")
            written.append(path)
    if not written:
        return
    result = run_cli("audit", *map(str, written), "--policy", pack, "--no-context", "-f", "json")
    assert result.code in (0, 1), result.err  # 2 would be an input error in an example
    assert result.err == ""
    audited = json.loads(result.out)["manifests"]
    assert sorted(m["path"] for m in audited) == sorted(map(str, written))
    # Each example is judged by its own rule (it applies, or says why not: never an error).
    for manifest in audited:
        code = Path(manifest["path"]).name.split("-")[0]
        verdicts = {f["verdict"] for f in manifest["findings"] if f["rule"] == code}
        assert "error" not in verdicts, manifest["path"]

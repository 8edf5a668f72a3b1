"""What the fuzz tests feed synthgate, and what every run must satisfy.

Each target is a hypothesis strategy of :class:`Case`: the files of a small project (manifests,
a policy, a configuration, a waivers file, a baseline, a case file) and the command line to run
on them. :func:`run` runs it through ``synthgate.cli.main`` in a fresh temporary directory, and
:func:`violations` says which promise the run broke: an exit code outside 0-2, a traceback or
internal error, an output file that does not parse as its format, or an output file written on
exit 2. Inputs start from valid documents and are mutated (values replaced by hostile ones,
keys dropped or added) or replaced by arbitrary text, so that both deep and shallow paths run.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from tests.conftest import FIXTURES

OUTPUTS = ("json=out/report.json", "sarif=out/report.sarif", "junit=out/report.xml")
"""Every run also writes these formats, whose files are then checked."""


@dataclass(frozen=True)
class Case:
    """A project to create and the synthgate command line to run in it."""

    files: dict[str, bytes]
    args: tuple[str, ...]
    outputs: bool = True
    """Whether ``args`` ask for :data:`OUTPUTS` (an audit), checked after the run."""


@dataclass
class Outcome:
    """How a run ended."""

    code: int
    out: str
    err: str
    written: dict[str, bytes] = field(default_factory=dict)
    """Files under ``out/`` after the run, by name."""


# --------------------------------------------------------------------------- running


def run(case: Case) -> Outcome:
    """Create the files in a temporary directory and run ``synthgate ARGS`` there."""
    from synthgate.cli import main

    with tempfile.TemporaryDirectory(prefix="synthgate-fuzz-") as directory:
        root = Path(directory)
        (root / "out").mkdir()
        for name, data in case.files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        args = list(case.args) + [f"--format={o}" for o in OUTPUTS if case.outputs]
        out, err = io.StringIO(), io.StringIO()
        previous = Path.cwd()
        os.chdir(root)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    main(args)
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
                else:  # pragma: no cover - main always exits
                    code = 0
        finally:
            os.chdir(previous)
        written = {p.name: p.read_bytes() for p in (root / "out").iterdir()}
    return Outcome(code, out.getvalue(), err.getvalue(), written)


def _check_failure_sarif(data: bytes) -> list[str]:
    """On exit 2 a SARIF file holds no results, a failed invocation and its errors."""
    import json

    try:
        (run,) = json.loads(data)["runs"]
        (invocation,) = run["invocations"]
        good = (
            run["results"] == []
            and invocation["executionSuccessful"] is False
            and bool(invocation["toolExecutionNotifications"])
        )
    except (ValueError, KeyError, TypeError):
        good = False
    return [] if good else ["exit 2 but the SARIF file is no failure report"]


def violations(case: Case, outcome: Outcome) -> list[str]:
    """Every promise the run broke (empty: none)."""
    broken: list[str] = []
    if outcome.code not in (0, 1, 2):
        broken.append(f"exit code {outcome.code}")
    for stream in (outcome.out, outcome.err):
        if "Traceback (most recent call last)" in stream or "internal error" in stream:
            broken.append("a traceback or internal error: " + stream[-400:])
    if outcome.code == 2:
        others = sorted(name for name in outcome.written if name != "report.sarif")
        if others:
            broken.append(f"exit 2 but wrote {others}")
        if "report.sarif" in outcome.written:
            broken += _check_failure_sarif(outcome.written["report.sarif"])
    if case.outputs and outcome.code in (0, 1):
        broken += _check_outputs(outcome.written)
    return broken


_SARIF_VALIDATOR: list[Draft7Validator] = []


def _sarif_validator() -> Draft7Validator:
    """The OASIS SARIF 2.1.0 schema (vendored in tests/fixtures/sarif/), loaded once."""
    if not _SARIF_VALIDATOR:
        schema = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8"))
        _SARIF_VALIDATOR.append(Draft7Validator(schema))
    return _SARIF_VALIDATOR[0]


def _check_outputs(written: dict[str, bytes]) -> list[str]:
    broken: list[str] = []
    expected = {"report.json", "report.sarif", "report.xml"}
    if set(written) != expected:
        return [f"wrote {sorted(written)}, not {sorted(expected)}"]
    try:
        report = json.loads(written["report.json"])
        if report.get("verdict") not in ("pass", "warn", "fail", "error"):
            broken.append("report.json has no verdict")
    except ValueError as exc:
        broken.append(f"report.json is not JSON: {exc}")
    try:
        sarif = json.loads(written["report.sarif"])
        broken += [
            f"report.sarif: {'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in _sarif_validator().iter_errors(sarif)
        ][:3]
    except ValueError as exc:
        broken.append(f"report.sarif is not JSON: {exc!r}")
    try:
        root = ET.fromstring(written["report.xml"])
        if root.tag != "testsuites":
            broken.append("report.xml is not JUnit XML")
    except ET.ParseError as exc:
        broken.append(f"report.xml is not XML: {exc}")
    return broken


# --------------------------------------------------------------------------- values

_HOSTILE_TEXT = st.sampled_from(
    [
        "",
        " ",
        "\n::error file=x::forged",
        "\x1b]8;;https://evil.invalid\x07x",
        "\u202egnp.exe",
        "FAIL: 0 manifests",
        "unknown",
        "../../etc/passwd",
        "a" * 300,
        "%0A::stop-commands::t",
        "*",
        "**/**/**",
        "SG",
        "S",
        "\x00",
        "1e309",
        "2025-02-30",
    ]
)


def scalars(huge_numbers: bool) -> st.SearchStrategy[Any]:
    """Scalars a YAML or JSON document can hold; very large integers only if asked."""
    integers = st.integers(-(10**6), 10**12)
    if huge_numbers:
        integers = integers | st.integers(min_value=10**18, max_value=10**400)
    return st.one_of(
        st.none(),
        st.booleans(),
        integers,
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.floats(),
        st.text(max_size=24),
        _HOSTILE_TEXT,
    )


def values(huge_numbers: bool) -> st.SearchStrategy[Any]:
    """Scalars, lists and mappings, a few levels deep."""
    return st.recursive(
        scalars(huge_numbers),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text(max_size=10) | _HOSTILE_TEXT, inner, max_size=3)
        ),
        max_leaves=6,
    )


def _places(doc: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _places(value, (*at, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _places(value, (*at, index))


def _get(doc: Any, place: tuple[Any, ...]) -> Any:
    for step in place:
        doc = doc[step]
    return doc


@st.composite
def mutated(draw: st.DrawFn, base: Any, huge_numbers: bool = False) -> Any:
    """``base`` with a few values replaced, keys removed or added, list items dropped."""
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(0, 4))):
        places = list(_places(doc))
        place = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if not place:
            if action == "replace":
                doc = draw(values(huge_numbers))
            continue
        parent = _get(doc, place[:-1])
        if action == "replace":
            parent[place[-1]] = draw(values(huge_numbers))
        elif action == "remove":
            del parent[place[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=10) | _HOSTILE_TEXT)] = draw(values(huge_numbers))
        else:
            parent.append(draw(values(huge_numbers)))
    return doc


def _dump(doc: Any, as_json: bool) -> bytes:
    if as_json:
        return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


def document(base: Any, *, as_json: bool = False, huge_numbers: bool = False) -> Any:
    """A document's bytes: ``base`` mutated, or (now and then) arbitrary text or bytes."""
    return st.one_of(
        mutated(base, huge_numbers).map(lambda d: _dump(d, as_json)),
        mutated(base, huge_numbers).map(lambda d: _dump(d, as_json)),
        st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=64),
    )


# --------------------------------------------------------------------------- bases

MANIFEST: dict[str, Any] = {
    "dataset": {
        "name": "reviews",
        "task_type": "sentiment-analysis",
        "stage": "sft",
        "target_models": [{"name": "m-7b", "family": "m"}],
        "replaces_previous_version": False,
    },
    "splits": [
        {
            "name": "train",
            "sources": [
                {"id": "human", "origin": "human", "records": 900},
                {
                    "id": "gen",
                    "origin": "synthetic",
                    "records": 100,
                    "generator": {"name": "g-70b", "family": "g"},
                    "generation_depth": 1,
                    "derived_from": ["human"],
                    "verification": {"method": "human-review", "items_checked": 50},
                    "human_audit": {"items": 300, "error_rate": 0.02},
                },
            ],
        }
    ],
    "waivers": [
        {
            "rule": "SG302",
            "scope": {"source": "gen"},
            "reason": "r",
            "owner": "o",
            "expires": "2025-07-01",
        }
    ],
}

POLICY: dict[str, Any] = {
    "name": "team",
    "extends": ["default"],
    "overrides": {"SG103": {"check": {"warn": {"below": 0.6}}}},
    "rules": [
        {
            "code": "TEAM001",
            "name": "tokens-declared",
            "summary": "Every source records its token count.",
            "applies": {"scope": "source"},
            "check": {"kind": "required", "facts": ["tokens"], "verdict": "warn"},
        },
        {
            "code": "TEAM002",
            "name": "shape",
            "summary": "The dataset has a name.",
            "applies": {"scope": "dataset"},
            "check": {
                "kind": "json-schema",
                "schema": {"type": "object", "required": ["name"]},
            },
        },
    ],
}

CARD_FRONT: dict[str, Any] = {
    "language": ["en"],
    "license": "cc-by-4.0",
    "task_categories": ["text-classification"],
    "annotations_creators": ["machine-generated"],
    "source_datasets": ["original"],
    "tags": ["synthetic"],
    "dataset_info": {"splits": [{"name": "train", "num_examples": 1000}]},
}

CROISSANT: dict[str, Any] = {
    "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
    "@type": "sc:Dataset",
    "conformsTo": "http://mlcommons.org/croissant/1.0",
    "name": "reviews",
    "description": "Reviews.",
    "recordSet": [{"@type": "cr:RecordSet", "name": "train", "field": []}],
}

WAIVERS: dict[str, Any] = {
    "waivers": [
        {
            "rule": "SG103",
            "manifests": ["*.synthgate.yaml"],
            "reason": "r",
            "owner": "o",
            "expires": "2025-07-01",
        }
    ]
}

CASES: dict[str, Any] = {
    "policy": "default",
    "manifest": MANIFEST,
    "cases": [
        {
            "name": "a synthetic majority fails",
            "set": {"/splits/0/sources/1/records": 5000},
            "expect": {"SG103": "fail"},
        }
    ],
}

_VALID_MANIFEST = yaml.safe_dump(MANIFEST, sort_keys=False).encode()
_AUDIT = ("audit", "--today", "2025-06-01")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value) if value == value and abs(value) != float("inf") else '"nan"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    return json.dumps(str(value) if value is not None else "")


_CONFIG_KEYS = st.sampled_from(
    ["policy", "include", "exclude", "fail-on", "format", "select", "ignore",
     "per-path-ignores", "max-file-size", "jobs", "waivers", "unknown-key"]
)  # fmt: skip


@st.composite
def _config(draw: st.DrawFn, huge_numbers: bool) -> bytes:
    good: dict[str, Any] = {
        "fail-on": "fail",
        "select": ["SG1", "SG3"],
        "ignore": ["recursion-depth"],
        "per-path-ignores": {"legacy/**": ["SG301"]},
        "jobs": 1,
        "exclude": ["out/**"],
    }
    table = mutated(good, huge_numbers)
    doc = draw(table)
    if not isinstance(doc, dict):
        doc = {"fail-on": doc}
    for _ in range(draw(st.integers(0, 2))):
        doc[draw(_CONFIG_KEYS)] = draw(values(huge_numbers))
    lines = [f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in doc.items()]
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")


def _baseline_doc() -> dict[str, Any]:
    return {
        "synthgate_baseline": 1,
        "findings": [
            {
                "fingerprint": "sha256:" + "0" * 64,
                "rule": "SG103",
                "file": "m.synthgate.yaml",
                "pointer": "/splits/0",
                "verdict": "warn",
            }
        ],
    }


def targets(huge_numbers: bool = False) -> dict[str, st.SearchStrategy[Case]]:
    """Every fuzz target by name. ``huge_numbers`` adds integers of hundreds of digits."""
    h = huge_numbers
    manifest_yaml = document(MANIFEST, huge_numbers=h).map(
        lambda data: Case({"m.synthgate.yaml": data}, (*_AUDIT, "m.synthgate.yaml"))
    )
    manifest_json = document(MANIFEST, as_json=True, huge_numbers=h).map(
        lambda data: Case({"m.synthgate.json": data}, (*_AUDIT, "m.synthgate.json"))
    )
    card = st.tuples(document(CARD_FRONT, huge_numbers=h), st.text(max_size=80)).map(
        lambda parts: Case(
            {
                "card/README.md": b"---\n"
                + parts[0]
                + b"---\n"
                + parts[1].encode("utf-8", "replace")
            },
            (*_AUDIT, "card"),
        )
    )
    croissant = document(CROISSANT, as_json=True, huge_numbers=h).map(
        lambda data: Case({"cr/croissant.json": data}, (*_AUDIT, "cr/croissant.json"))
    )
    policy = document(POLICY, huge_numbers=h).map(
        lambda data: Case(
            {"m.synthgate.yaml": _VALID_MANIFEST, "policy.yaml": data},
            (*_AUDIT, "-p", "policy.yaml", "m.synthgate.yaml"),
        )
    )
    config = _config(h).map(
        lambda data: Case(
            {"m.synthgate.yaml": _VALID_MANIFEST, "synthgate.toml": data},
            (*_AUDIT, "m.synthgate.yaml"),
        )
    )
    waivers = document(WAIVERS, huge_numbers=h).map(
        lambda data: Case(
            {"m.synthgate.yaml": _VALID_MANIFEST, "synthgate-waivers.yaml": data},
            (*_AUDIT, "m.synthgate.yaml"),
        )
    )
    baseline = document(_baseline_doc(), as_json=True, huge_numbers=h).map(
        lambda data: Case(
            {"m.synthgate.yaml": _VALID_MANIFEST, "b.json": data},
            (*_AUDIT, "--baseline", "b.json", "m.synthgate.yaml"),
        )
    )
    cases = document(CASES, huge_numbers=h).map(
        lambda data: Case({"t.cases.yaml": data}, ("test", "t.cases.yaml"), outputs=False)
    )
    return {
        "manifest-yaml": manifest_yaml,
        "manifest-json": manifest_json,
        "hf-card": card,
        "croissant": croissant,
        "policy": policy,
        "config": config,
        "waivers": waivers,
        "baseline": baseline,
        "case-file": cases,
    }


def check(case: Case, on_violation: Callable[[Case, list[str]], None] | None = None) -> None:
    """Run ``case``; raise AssertionError naming every broken promise."""
    outcome = run(case)
    broken = violations(case, outcome)
    if broken:
        if on_violation is not None:
            on_violation(case, broken)
        raise AssertionError("; ".join(broken))

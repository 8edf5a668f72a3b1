"""``html``: one self-contained page of findings, composition, lineage and governance.

The page holds its data once, as JSON in a ``<script type="application/json">`` block, and
builds everything else in the browser from it with ``textContent`` (never ``innerHTML``), so a
value in a manifest can never become markup or script. Stylesheet and script are inline; the
page fetches nothing, so it works as a CI artifact and offline. Large audits stay quick because
the page renders lazily: one tab at a time, findings and manifests a page at a time, the
composition and lineage of one manifest when it is opened.

What the page needs beyond the findings comes from the audit that made them
(:attr:`RunInfo.audit`): each manifest is read again for its sources (origins, records,
generators, generation depth, what they derive from), the policy gives the rule cards, the
task type's verifiability and the ratchet dates, and the central waivers file its waivers.
Without an audit (results built elsewhere) the page shows the findings and rule cards only.

The data shape is documented in ``docs/report.md``; identical input gives identical bytes.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from typing import Any, ClassVar

from synthgate import Finding, ManifestResult, Totals, Verdict
from synthgate.models import VERDICTS, Manifest, Rule, Source, verdict_rank
from synthgate.plugin import Reporter

__all__ = ["COMPOSITION_METRICS", "FINDING_COLUMNS", "HtmlReporter", "page", "script_json"]

FORMAT_VERSION = 1
"""Version of the embedded data shape (``docs/report.md``); raised when it changes."""

FINDING_COLUMNS = (
    "manifest",
    "rule",
    "verdict",
    "scope",
    "line",
    "column",
    "pointer",
    "message",
    "observed",
    "expected",
    "remediation",
    "waiver",
    "related",
)
"""What each position of a finding's row holds: findings are rows, not objects, because at
100,000 findings the repeated keys would be a third of the page."""

COMPOSITION_METRICS = {
    "synthetic_share_records": "origin",
    "human_share_records": "origin",
    "unknown_share_records": "origin",
    "largest_generator_family_share": "generator",
    "max_generation_depth": "depth",
}
"""Threshold metrics drawn on a composition bar (origin, generator or depth) as a band."""

# Everything that could end the script element or open a comment or CDATA inside it is
# written as a JSON escape; U+2028 and U+2029 too, so the text is also valid JavaScript.
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029]")


def script_json(data: Any) -> str:
    """``data`` as JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028 and
    U+2029 are written as ``\\uXXXX`` escapes, so no value can close the element
    (``</script>``), open a comment (``<!--``) or otherwise leave the JSON."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _asset(name: str) -> str:
    return resources.files("synthgate_plugins.reports").joinpath(name).read_text("utf-8")


def page(data: dict[str, Any], title: str) -> str:
    """The whole HTML page for report ``data`` (see :class:`HtmlReporter`)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No request of any kind: not even an image or a font from inline data: URLs.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'none'\">\n"
        f"<title>{html.escape(title)}</title>\n"
        f"<style>\n{_asset('report.css')}</style>\n</head>\n<body>\n"
        '<noscript><p class="noscript">This report is drawn by JavaScript: open it in a browser '
        "with scripts enabled, or use 'synthgate audit --format text'.</p></noscript>\n"
        '<div id="app"></div>\n'
        f'<script type="application/json" id="report-data">{script_json(data)}</script>\n'
        f"<script>\n{_asset('report.js')}</script>\n"
        "</body>\n</html>\n"
    )


def _plain(value: Any) -> Any:
    """A JSON-ready value (dates and the like as text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def _observed(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)


def _family(code: str) -> str:
    """``SG3xx`` for ``SG301``: the rule family a code belongs to."""
    match = re.fullmatch(r"([A-Z]+)([0-9])[0-9]+", code)
    return f"{match.group(1)}{match.group(2)}xx" if match else code


def _rule_card(rule: Rule) -> dict[str, Any]:
    selector = rule.applies
    applies = [f"each {selector.scope}"]
    for key in ("verifiability", "task_types", "stages", "splits", "origins", "resource_levels"):
        value = getattr(selector, key)
        if value is not None:
            applies.append(f"{key.replace('_', ' ')}: {', '.join(value)}")
    return {
        "name": rule.name,
        "family": _family(rule.code),
        "summary": rule.summary,
        "why": " ".join(rule.rationale.split()),
        "fix": " ".join(rule.remediation.split()),
        "severity": rule.severity,
        "applies": "; ".join(applies),
        "check": str(rule.check.get("kind", "")),
        "basis": rule.basis.kind if rule.basis is not None else None,
        "waivable": rule.waivable,
        "enforce_from": str(rule.enforce_from) if rule.enforce_from is not None else None,
        "references": [
            {
                "authors": ref.authors,
                "year": ref.year,
                "title": ref.title,
                "venue": ref.venue,
                "id": ref.id,
                "url": ref.url,
            }
            for ref in rule.references
        ],
    }


def _band(rule: Rule | None) -> dict[str, Any] | None:
    """A threshold rule's bands on a composition metric: ``{metric, warn, fail}``, each band
    ``[key, bound]`` (``["above", 0.25]``); None for any other rule."""
    if rule is None or rule.check.get("kind") != "threshold":
        return None
    metric = rule.check.get("metric")
    if metric not in COMPOSITION_METRICS:
        return None
    band: dict[str, Any] = {"metric": metric, "bar": COMPOSITION_METRICS[str(metric)]}
    for level in ("warn", "fail"):
        given = rule.check.get(level)
        band[level] = next(iter(given.items()), None) if isinstance(given, dict) else None
        if band[level] is not None:
            band[level] = [band[level][0], band[level][1]]
    return band


def _scope_of(finding: Finding) -> str | int | None:
    """Which bar a finding's band belongs to: ``"dataset"``, a split's index, or
    ``"sources"`` (a rule judged on each source, shown once over all of them)."""
    if finding.scope == "dataset":
        return "dataset"
    if finding.scope == "source":
        return "sources"
    match = re.match(r"/splits/([0-9]+)", finding.location.pointer)
    return int(match.group(1)) if match else None


def _source(source: Source) -> dict[str, Any]:
    """What a source declares about its make-up; only what it states (unknown left out)."""
    declared: dict[str, Any] = {"origin": source.origin}
    for key in ("records", "tokens", "synthetic_share", "method", "generation_depth"):
        value = getattr(source, key)
        if value is not None and value != "unknown":
            declared["depth" if key == "generation_depth" else key] = _plain(value)
    if source.generator is not None:
        declared["generator"] = {
            "name": source.generator.name,
            "family": source.generator.family,
            "provider": source.generator.provider,
        }
    if source.derived_from:
        declared["derived_from"] = list(source.derived_from)
    # "measured" joins "declared" here once sources are measured; the page shows both then.
    return {"id": source.id, "declared": declared}


def _model(ref: Any) -> dict[str, str]:
    return {"name": ref.name, "family": ref.family}


class HtmlReporter(Reporter):
    """The HTML report; manifests are folded into compact rows as they arrive."""

    wants_passes: ClassVar[bool] = True
    """Pass findings say which composition bands applied to which scope, and the value the
    rule saw; they are counted, not listed."""

    def start(self) -> None:
        policy = self.run.audit.policy if self.run.audit is not None else None
        self._today = self.run.audit.today if self.run.audit is not None else None
        by_code = {rule.code: rule for rule in self.run.rules}
        if policy is not None:
            by_code.update({c.rule.code: c.rule for c in policy.rules})
        self._rules = by_code
        self._policy = policy
        self._manifests: list[dict[str, Any]] = []
        self._findings: list[list[Any]] = []
        self._strings: dict[str, int] = {}
        self._waivers: list[dict[str, Any]] = []
        self._waiver_index: dict[tuple[str, int, str], int] = {}
        self._paths: dict[str, int] = {}
        self._pending_related: list[tuple[list[Any], list[Any]]] = []
        if self.run.audit is not None and self.run.audit.waivers is not None:
            central = self.run.audit.waivers
            for index, code, waiver in central.waivers:
                pointer = f"/waivers/{index}"
                line, _column = central.doc.locate(pointer)
                self._add_waiver(code, waiver, central.doc.path, line, pointer, None)

    def _intern(self, text: str) -> int:
        """Index of a repeated text (expected constraints, remediations) in ``strings``."""
        return self._strings.setdefault(text, len(self._strings))

    def _add_waiver(
        self, code: str, waiver: Any, file: str, line: int, pointer: str, manifest: int | None
    ) -> None:
        scope = waiver.scope
        where = (
            f"split {scope.split}"
            if scope.split
            else f"source {scope.source}"
            if scope.source
            else f"pointer {scope.pointer}"
            if scope.pointer
            else "whole manifest"
        )
        lapsed = self._today is not None and waiver.expires < self._today
        self._waiver_index[(file, line, pointer)] = len(self._waivers)
        self._waivers.append(
            {
                "rule": code,
                "file": file,
                "line": line,
                "manifest": manifest,
                "manifests": list(waiver.manifests or []),
                "scope": where,
                "owner": waiver.owner,
                "reason": " ".join(waiver.reason.split()),
                "expires": str(waiver.expires),
                "created": str(waiver.created) if waiver.created else None,
                "ticket": waiver.ticket,
                "approver": waiver.approver,
                "status": "lapsed" if lapsed else "active",
                "covers": 0,
            }
        )

    def add(self, result: ManifestResult) -> None:
        index = len(self._manifests)
        self._paths.setdefault(result.path, index)
        entry: dict[str, Any] = {
            "path": result.path,
            "dataset": result.dataset,
            "verdict": result.verdict,
            "counts": [result.counts.get(v, 0) for v in VERDICTS],
            "waived": result.waived,
            "baselined": result.baselined,
        }
        read = self.run.read_manifest(result.path)
        if read is not None:
            manifest, document = read
            entry.update(self._describe(manifest))
            for i, waiver in enumerate(manifest.waivers):
                pointer = f"/waivers/{i}"
                code = self._code(waiver.rule)
                line, _column = document.locate(pointer)
                self._add_waiver(code, waiver, result.path, line, pointer, index)
        bands: dict[tuple[str, str | int], dict[str, Any]] = {}
        for finding in result.findings:
            band = _band(self._rules.get(finding.rule))
            scope = _scope_of(finding)
            if band is not None and scope is not None:
                key = (finding.rule, scope)
                seen = bands.setdefault(key, {"rule": finding.rule, "scope": scope, **band})
                if scope != "sources":
                    seen["observed"] = _plain(finding.observed)
                if verdict_rank(finding.verdict) >= verdict_rank(seen.get("verdict", "pass")):
                    seen["verdict"] = finding.verdict  # over sources: the worst of them
            if finding.verdict != "pass":
                self._findings.append(self._row(index, finding))
        entry["bands"] = list(bands.values())
        self._manifests.append(entry)

    def _code(self, rule: str) -> str:
        for code, known in self._rules.items():
            if rule in (code, known.name):
                return code
        return rule

    def _row(self, index: int, finding: Finding) -> list[Any]:
        loc = finding.location
        rule = self._rules.get(finding.rule)
        default_fix = " ".join(rule.remediation.split()) if rule is not None else ""
        fix = " ".join(finding.remediation.split())
        waiver: list[Any] | None = None
        if finding.waiver is not None:
            w = finding.waiver
            waiver = [w.status, w.owner, " ".join(w.reason.split()), str(w.expires)]
            key = (w.location.file, w.location.line, w.location.pointer)
            at = self._waiver_index.get(key)
            if at is not None:
                waiver.append(at)
                self._waivers[at]["covers"] += 1
        related: list[Any] = [[r.file, r.line, r.pointer] for r in finding.related]
        row = [
            index,
            finding.rule,
            finding.verdict,
            finding.scope,
            loc.line,
            loc.column,
            loc.pointer,
            finding.message,
            _observed(finding.observed),
            self._intern(finding.expected),
            None if fix == default_fix else self._intern(fix),
            waiver,
            related,
        ]
        if related:  # the other manifest may come later: resolved to an index in finish()
            self._pending_related.append((row, related))
        return row

    def _describe(self, manifest: Manifest) -> dict[str, Any]:
        dataset = manifest.dataset
        task_type = dataset.task_type
        verifiability = "unknown"
        if self._policy is not None and task_type != "unknown":
            canonical = self._policy.resolve_task_type(task_type)
            if canonical is not None:
                task_type = canonical
                verifiability = self._policy.verifiability(canonical)
        described: dict[str, Any] = {
            "task_type": task_type,
            "verifiability": verifiability,
            "stage": dataset.stage,
            "targets": [_model(m) for m in dataset.target_models],
            "splits": [
                {"name": split.name, "sources": [_source(s) for s in split.sources]}
                for split in manifest.splits
            ],
        }
        if dataset.judge is not None:
            described["judge"] = _model(dataset.judge)
        if dataset.derived_from:
            described["derived_from"] = list(dataset.derived_from)
        return described

    def finish(self, totals: Totals, verdict: Verdict) -> None:
        for _row, related in self._pending_related:
            for place in related:
                place.insert(0, self._paths.get(place[0]))
        order = {code: i for i, code in enumerate(self._rules)}
        self._findings.sort(
            key=lambda row: (
                row[11] is not None and row[11][0] == "active",  # waived findings last
                -verdict_rank(row[2]),
                row[0],
                order.get(row[1], len(order)),
                row[4],
                row[5],
            )
        )
        data = {
            "format": FORMAT_VERSION,
            "synthgate": self.run.version,
            "policies": [p.model_dump() for p in self.run.policies],
            "fail_on": self.run.fail_on,
            "today": str(self._today) if self._today is not None else None,
            "verdict": verdict,
            "totals": _plain(totals.model_dump()),
            "rules": {code: _rule_card(rule) for code, rule in self._rules.items()},
            "manifests": self._manifests,
            "finding_columns": list(FINDING_COLUMNS),
            "findings": self._findings,
            "strings": list(self._strings),
            "waivers": self._waivers,
        }
        self.out.write(page(data, f"synthgate audit: {verdict.upper()}"))

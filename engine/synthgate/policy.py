"""Loading policy packs: resolve, extend, override, and validate every rule at load time."""

from __future__ import annotations

import copy
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from synthgate.check_contract import CheckKind, Metric, PolicyContext
from synthgate.documents import DEFAULT_LIMITS, Document, Limits, parse_bytes, read_document
from synthgate.errors import PolicyError, Problem, UsageError, did_you_mean
from synthgate.models import (
    Policy,
    PolicyInfo,
    Rule,
    RuleOverride,
    Selector,
    TaskType,
    Verifiability,
)
from synthgate.paths import names_a_file
from synthgate.plugins import PluginHost, Registry
from synthgate.pointers import escape_pointer
from synthgate.validation import validate_model, validation_problems

__all__ = ["DEFAULT_PACK", "CompiledRule", "LoadedPolicy", "load_policy"]

DEFAULT_PACK = "default"


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready to run: its merged definition, its check kind and validated parameters."""

    rule: Rule
    kind: CheckKind
    params: BaseModel
    task_types: frozenset[str] | None
    origin: str
    plugin: str = ""
    """``name (distribution version)`` of the plugin that registered the check kind."""


@dataclass
class LoadedPolicy:
    """A policy with everything it extends merged in, validated and ready to evaluate."""

    name: str
    version: str
    description: str
    packs: list[PolicyInfo]
    taxonomy: dict[str, TaskType]
    rules: list[CompiledRule]
    aliases: dict[str, str] = field(default_factory=dict)
    metric_owners: dict[str, str] = field(default_factory=dict)
    """``name (distribution version)`` of the plugin that registered each metric."""
    waiver_horizon_days: int = 180
    """Longest a waiver may run: the last pack that sets it, else 180 days."""
    own_rules: frozenset[str] = frozenset()
    """Codes of the rules the policy file itself defines or overrides (not those it only
    inherits): what its own tests must cover."""

    def resolve_task_type(self, name: str) -> str | None:
        """The canonical task type for a name or alias (case-insensitive), or None."""
        return self.aliases.get(name.lower())

    def closest_task_types(self, name: str, limit: int = 3) -> list[str]:
        """Canonical task types whose names or aliases are spelt most like ``name``."""
        wanted = name.lower()
        tokens = set(re.split(r"[-_ ]+", wanted))
        scores: dict[str, float] = {}
        for word, canonical in self.aliases.items():
            shared = tokens & set(re.split(r"[-_ ]+", word))
            # Spelling alike, or words in common ('emotion-detection', 'emotion-classification').
            score = max(
                difflib.SequenceMatcher(None, wanted, word).ratio(),
                len(shared) / len(tokens | set(re.split(r"[-_ ]+", word))) + 0.3 * bool(shared),
            )
            scores[canonical] = max(score, scores.get(canonical, 0.0))
        ranked = sorted((t for t in scores if scores[t] >= 0.6), key=lambda t: (-scores[t], t))
        best = scores[ranked[0]] if ranked else 0.0
        return [t for t in ranked if scores[t] >= best - 0.15][:limit]

    def unknown_task_type_hint(self, name: str) -> str:
        """What to do about a task type the taxonomy does not know: the closest types, each
        with its verifiability (a name alike is no promise of rules alike), and how to
        declare a type of one's own."""
        declare = (
            f"to add it, declare it in your policy: 'taxonomy: {{{name}: {{verifiability: "
            "verifiable | subjective | mixed}}' (a policy file that 'extends: [default]'), "
            "or use 'unknown'"
        )
        closest = self.closest_task_types(name)
        if not closest:
            return f"no task type is spelt like it; {declare}"
        kinds = {self.verifiability(t) for t in closest}
        listed = ", ".join(f"'{t}' ({self.verifiability(t)})" for t in closest)
        if len(kinds) > 1:
            caution = "they differ in verifiability, and so in the rules that apply: pick by "
            caution += "how the labels can be checked, not by the name"
        else:
            caution = f"each is {kinds.pop()}: take one only if '{name}' is checked the same way"
        return f"closest task types: {listed}; {caution}; {declare}"

    def verifiability(self, task_type: str) -> Verifiability:
        """``verifiable``, ``subjective`` or ``mixed`` for a canonical task type."""
        if task_type == "unknown":
            return "unknown"
        return self.taxonomy[task_type].verifiability

    def rule(self, code_or_name: str) -> CompiledRule | None:
        """A rule by code or name."""
        for compiled in self.rules:
            if code_or_name in (compiled.rule.code, compiled.rule.name):
                return compiled
        return None


@dataclass
class _Layer:
    """One policy file as read, before merging."""

    policy: Policy
    doc: Document
    info: PolicyInfo
    key: str
    """The resolved file path (or ``pack:name``): two spellings of one file are one layer."""
    trusted: bool
    """True for a pack installed by a plugin (its own tests vouch for it), False for a file."""


@dataclass
class _Draft:
    """A rule being merged: as validated, its data once an override edits it, and where each
    part of it was written."""

    rule: Rule
    doc: Document
    pointer: str
    trusted: bool
    """From a trusted pack, and no check parameter written by an untrusted file."""
    data: dict[str, Any] | None = None
    """The rule as data, made on the first override that edits it (then validated again)."""
    check_sources: dict[str, tuple[Document, str]] = field(default_factory=dict)
    applies_sources: dict[str, tuple[Document, str]] = field(default_factory=dict)
    layer_key: str = ""
    """The key of the layer that defined the rule (``pack:NAME`` for a plugin's pack)."""
    check_overrides: list[tuple[Document, str]] = field(default_factory=list)
    """(document, pointer) of every override's ``check`` mapping, in the order applied."""

    def edit(self) -> dict[str, Any]:
        """The rule's data, for an override to change in place."""
        if self.data is None:
            self.data = self.rule.model_dump(exclude_unset=True, by_alias=True)
        return self.data

    def locate_check(self, key: str) -> tuple[Document, str]:
        """The document and pointer that wrote check parameter ``key``."""
        return self.check_sources.get(key, (self.doc, f"{self.pointer}/check/{key}"))

    def locate_applies(self, key: str) -> tuple[Document, str]:
        """The document and pointer that wrote selector key ``key``."""
        return self.applies_sources.get(key, (self.doc, f"{self.pointer}/applies/{key}"))


class _Cycle(Exception):
    """Raised where a policy file is reached again; caught where it was first entered."""

    def __init__(self, key: str, chain: tuple[str, ...]) -> None:
        super().__init__(key)
        self.key = key
        self.chain = chain


def _read_layer(
    ref: str, host: PluginHost, base_dir: Path | None, limits: Limits, root: Path | None = None
) -> tuple[_Layer, Path | None]:
    """Read one policy file named by path or pack name; a file must lie inside ``root`` (the
    project) when it is given."""
    packs = host.policy_packs()
    path: Path | None = None
    if names_a_file(ref) or ref not in packs:
        candidate = Path(ref)
        if base_dir is not None and not candidate.is_absolute():
            candidate = base_dir / candidate
        try:
            found = candidate.is_file() or (
                # Not a regular file, yet there: reading it says what it is ("does not exist"
                # would mislead); a directory named like a pack leaves the name to the pack.
                os.path.lexists(candidate) and (names_a_file(ref) or not candidate.is_dir())
            )
        except OSError as exc:  # a name over the system's bound, mostly
            raise UsageError(
                f"cannot use policy file name {_excerpt(ref)}: {exc.strerror or exc}",
                "name a policy file by a shorter path, or a pack",
            ) from None
        if found:
            path = candidate
            if root is not None and not _inside(path, root):
                raise UsageError(
                    f"policy file {_excerpt(ref)} is outside the project ({root})",
                    "a policy extends only files inside its project (the configuration "
                    "file's directory, else the current one); to use a file from elsewhere, "
                    "name it on the command line with --policy",
                )
        elif names_a_file(ref):
            raise UsageError(f"policy file '{candidate}' does not exist", "check the path")
        else:
            hint = did_you_mean(ref, packs)
            raise UsageError(
                f"no policy pack named '{ref}' and no such file",
                hint or "name a policy file, or a pack listed by 'synthgate plugins'",
            )
    if path is not None:
        doc = read_document(path, limits)
        origin = str(path)
        key = str(path.resolve())
    else:
        pack = packs[ref]
        # An installed pack is not user input: --max-file-size bounds the files a user names.
        doc = parse_bytes(
            pack.resource.read_bytes(), f"<pack {ref}>", DEFAULT_LIMITS, json_format=False
        )
        origin = key = f"pack:{ref}"
    if not isinstance(doc.data, dict):
        raise PolicyError.at(
            doc.path, 1, 1, "a policy must be a mapping", "see 'synthgate schema policy'"
        )
    policy = validate_model(Policy, _severity_off(doc.data), doc, error=PolicyError)
    info = PolicyInfo(name=policy.name, version=policy.version, origin=origin)
    layer = _Layer(policy, doc, info, key, trusted=path is None)
    return layer, (path.parent if path is not None else None)


def _severity_off(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with a boolean false under a rule's or override's ``severity`` read as "off"."""
    # YAML 1.1 reads a plain `severity: off` as false; the policy format means the word "off".
    out = dict(data)
    rules = out.get("rules")
    if isinstance(rules, list):
        out["rules"] = [
            {**rule, "severity": "off"}
            if isinstance(rule, dict) and rule.get("severity", True) is False
            else rule
            for rule in rules
        ]
    overrides = out.get("overrides")
    if isinstance(overrides, dict):
        out["overrides"] = {
            name: {**override, "severity": "off"}
            if isinstance(override, dict) and override.get("severity", True) is False
            else override
            for name, override in overrides.items()
        }
    return out


def load_policy(
    ref: str | None,
    host: PluginHost,
    *,
    limits: Limits = DEFAULT_LIMITS,
    root: Path | None = None,
) -> LoadedPolicy:
    """Load the policy named by ``ref`` (a file or a pack name; the default pack if None).

    Files it extends must lie inside ``root``, the project (default: the current directory);
    when ``ref`` itself lies outside it, the user named it, and its own directory is the
    project of what it extends."""
    layers: list[_Layer] = []
    project = (root if root is not None else Path.cwd()).resolve()
    _collect(ref or DEFAULT_PACK, host, None, limits, layers, (), project, top=True)
    return _compile(layers, host)


def _inside(path: Path, root: Path) -> bool:
    """Whether ``path``, symbolic links followed, lies in the directory ``root`` (resolved)."""
    resolved = path.resolve()
    return resolved == root or root in resolved.parents


def _excerpt(text: str) -> str:
    """``text`` quoted for a message: escaped, and shortened when long."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _collect(
    ref: str,
    host: PluginHost,
    base_dir: Path | None,
    limits: Limits,
    out: list[_Layer],
    chain: tuple[tuple[str, str], ...],
    root: Path,
    *,
    top: bool = False,
) -> None:
    """Read ``ref`` and what it extends into ``out``, parents first; ``chain`` holds the
    (resolved key, origin as written) of the files that led here. Files extended must lie
    inside ``root``."""
    layer, directory = _read_layer(ref, host, base_dir, limits, None if top else root)
    if top and directory is not None and not _inside(directory, root):
        root = directory.resolve()  # named by the user outside the project: its own place
    key = layer.key
    if any(seen == key for seen, _ in chain):
        raise _Cycle(key, (*(origin for _, origin in chain), layer.info.origin))
    for index, parent in enumerate(layer.policy.extends):
        pointer = f"/extends/{index}"
        try:
            _collect(parent, host, directory, limits, out, (*chain, (key, layer.info.origin)), root)
        except UsageError as exc:
            raise PolicyError.at(
                layer.doc.path, *layer.doc.locate(pointer), exc.message, exc.hint, pointer=pointer
            ) from None
        except _Cycle as cycle:
            if cycle.key != key:
                raise
            raise PolicyError.at(
                layer.doc.path,
                *layer.doc.locate(pointer),
                f"policy extends itself through {' -> '.join(cycle.chain)}",
                "remove the cycle from 'extends'",
                pointer=pointer,
            ) from None
    if all(existing.key != key for existing in out):
        out.append(layer)


def _merge_check(draft: _Draft, check: dict[str, Any], layer: _Layer, pointer: str) -> None:
    doc = layer.doc
    data = draft.edit()
    for key, value in check.items():
        if key == "kind":
            if value != data["check"].get("kind"):
                raise PolicyError.at(
                    doc.path,
                    *doc.locate(f"{pointer}/kind"),
                    "an override cannot change a rule's check kind",
                    "write a new rule with its own code instead",
                    pointer=f"{pointer}/kind",
                )
            continue
        data["check"][key] = copy.deepcopy(value)
        draft.check_sources[key] = (doc, f"{pointer}/{key}")
        # A user's file may not borrow a pack's trust for parameters it wrote itself.
        draft.trusted = draft.trusted and layer.trusted
    if any(key != "kind" for key in check):
        draft.check_overrides.append((doc, pointer))


def _compile(layers: list[_Layer], host: PluginHost) -> LoadedPolicy:
    taxonomy: dict[str, TaskType] = dict(host.taxonomy())
    definitions: list[tuple[str, TaskType, _Layer | None]] = [
        (name, task, None) for name, task in taxonomy.items()
    ]
    drafts = _Drafts(host)
    for layer in layers:
        taxonomy.update(layer.policy.taxonomy)
        definitions.extend((name, task, layer) for name, task in layer.policy.taxonomy.items())
        drafts.add_rules(layer)
        drafts.apply_overrides(layer)
    problems = drafts.problems
    aliases = _aliases(definitions, host, problems)
    # Go on to compile the rules, so that one run reports every problem of the policy.
    kinds = host.check_kinds()
    metrics = host.metrics()
    compiled = drafts.compile(kinds, metrics, taxonomy, aliases)
    if problems:
        raise PolicyError(problems)
    top = layers[-1].policy
    return LoadedPolicy(
        name=top.name,
        version=top.version,
        description=top.description,
        packs=[layer.info for layer in layers],
        taxonomy=taxonomy,
        rules=compiled,
        aliases=aliases,
        metric_owners={name: metrics.owner(name) for name in metrics},
        own_rules=frozenset(
            [rule.code for rule in top.rules]
            + [drafts.code_of(key) or key for key in top.overrides]
        ),
        waiver_horizon_days=next(
            (
                layer.policy.waiver_horizon_days
                for layer in reversed(layers)
                if layer.policy.waiver_horizon_days is not None
            ),
            180,
        ),
    )


class _Drafts:
    """The rules of every layer, merged in order: a draft per rule code, found by code or name,
    with each layer's overrides applied; problems are collected, not raised, so that one load
    reports them all."""

    def __init__(self, host: PluginHost) -> None:
        self.host = host
        self.by_code: dict[str, _Draft] = {}
        self.by_name: dict[str, str] = {}
        self.order: list[str] = []
        self.problems: list[Problem] = []

    def code_of(self, key: str) -> str | None:
        """The code of the rule ``key`` names (a code or a name), or None."""
        return key if key in self.by_code else self.by_name.get(key)

    def add_rules(self, layer: _Layer) -> None:
        """Draft each rule of ``layer``; one whose code or name is taken is a problem."""
        for index, rule in enumerate(layer.policy.rules):
            pointer = f"/rules/{index}"
            clash = self.by_code.get(rule.code) or (
                self.by_code[self.by_name[rule.name]] if rule.name in self.by_name else None
            )
            if clash is not None:
                self.problems.append(_duplicate_rule(rule, pointer, layer, clash, self.host))
                continue
            self.by_code[rule.code] = _Draft(
                rule, layer.doc, pointer, layer.trusted, layer_key=layer.key
            )
            self.by_name[rule.name] = rule.code
            self.order.append(rule.code)

    def apply_overrides(self, layer: _Layer) -> None:
        """Change the inherited rules as the overrides of ``layer`` say."""
        doc = layer.doc
        for key, override in layer.policy.overrides.items():
            pointer = f"/overrides/{escape_pointer(key)}"
            code = self.code_of(key)
            if code is None:
                self.problems.append(
                    Problem(
                        doc.path,
                        *doc.locate(pointer),
                        f"override names no inherited rule: '{key}'",
                        did_you_mean(key, [*self.by_code, *self.by_name]),
                        pointer,
                    )
                )
                continue
            try:
                _override(self.by_code[code], override, layer, pointer)
            except PolicyError as exc:
                self.problems.extend(exc.problems)

    def compile(
        self,
        kinds: Registry[CheckKind],
        metrics: Registry[Metric],
        taxonomy: dict[str, TaskType],
        aliases: dict[str, str],
    ) -> list[CompiledRule]:
        """Each rule compiled in the order written (a rule switched off is left out)."""
        compiled: list[CompiledRule] = []
        for code in self.order:
            try:
                result = _compile_rule(
                    self.by_code[code], kinds, self.host, metrics, taxonomy, aliases
                )
            except PolicyError as exc:
                self.problems.extend(exc.problems)
                continue
            if result is not None:
                compiled.append(result)
        return compiled


def _override(draft: _Draft, override: RuleOverride, layer: _Layer, pointer: str) -> None:
    """Apply one override (written at ``pointer`` of ``layer``) to an inherited rule."""
    if override.severity is not None:
        draft.edit()["severity"] = override.severity
    if override.waivable is not None:
        draft.edit()["waivable"] = override.waivable
    if "enforce_from" in override.model_fields_set:
        draft.edit()["enforce_from"] = override.enforce_from
    if override.applies is not None:
        # Merged key by key, like check parameters: the inherited scope stays unless the
        # override names one (an explicit null clears an inherited condition).
        applies = draft.edit().setdefault("applies", {})
        for name, value in override.applies.model_dump(exclude_unset=True).items():
            applies[name] = value
            draft.applies_sources[name] = (layer.doc, f"{pointer}/applies/{name}")
    if override.check is not None:
        _merge_check(draft, override.check, layer, f"{pointer}/check")


def _duplicate_rule(
    rule: Rule, pointer: str, layer: _Layer, clash: _Draft, host: PluginHost
) -> Problem:
    """The problem of a rule whose code or name an earlier layer already defined; when both
    come from installed packs, it names each pack and the plugin (and version) that ships it."""
    doc = layer.doc
    where = f"{clash.doc.path}:{clash.doc.locate(clash.pointer)[0]}"
    message = f"rule {rule.code} ({rule.name}) is already defined at {where}"
    hint = "give it a new code and name, or change the inherited rule under 'overrides'"
    first, second = _pack_of(clash.layer_key, host), _pack_of(layer.key, host)
    if first and second:
        message += f" (by {first}; again by {second})"
        hint = (
            "two installed packs claim one rule: disable one of their plugins "
            "(SYNTHGATE_DISABLED_PLUGINS), or ask their authors for distinct codes and names"
        )
    return Problem(doc.path, *doc.locate(pointer), message, hint, pointer)


def _pack_of(layer_key: str, host: PluginHost) -> str:
    """``pack 'NAME' of plugin name (distribution version)`` for a plugin's pack, else ``""``."""
    if not layer_key.startswith("pack:"):
        return ""
    name = layer_key.removeprefix("pack:")
    owner = host.policy_packs().owner(name)
    return f"pack '{name}' of plugin {owner}" if owner else f"pack '{name}'"


def _aliases(
    definitions: list[tuple[str, TaskType, _Layer | None]],
    host: PluginHost,
    problems: list[Problem],
) -> dict[str, str]:
    """Lower-cased task type names and aliases -> canonical name.

    ``definitions`` are (name, task type, layer or None for a plugin) in the order written; a
    later definition of a name replaces an earlier one. A name or alias that another task type
    already claims is an error where it was written: a policy error in a file, a usage error
    naming the plugin.
    """
    final = {name: index for index, (name, _, _) in enumerate(definitions)}
    current = [d for index, d in enumerate(definitions) if final[d[0]] == index]
    aliases: dict[str, str] = {}
    claimed_by: dict[str, tuple[str, str]] = {}  # lower-cased word -> (task type, where)

    def where(name: str, layer: _Layer | None, pointer: str) -> str:
        if layer is None:
            return f"plugin {host.taxonomy().owner(name)}"
        return f"{layer.doc.path}:{layer.doc.locate(pointer)[0]}"

    def claim(word: str, name: str, layer: _Layer | None, pointer: str, what: str) -> None:
        key = word.lower()
        previous = aliases.get(key)
        if previous is None:
            aliases[key] = name
            claimed_by[key] = (name, where(name, layer, pointer))
            return
        if previous == name:  # an alias that repeats its own type's name or another alias
            return
        other, other_where = claimed_by[key]
        if what == "name":
            message = f"task type '{name}' differs only in case from task type '{other}'"
        else:
            message = f"alias '{word}' of task type '{name}' is already taken by task type "
            message += f"'{other}'" if other.lower() != key else f"'{other}' as its name"
        message += f" ({other_where})"
        hint = "give each task type names and aliases of its own"
        if layer is None:
            raise UsageError(f"plugin {host.taxonomy().owner(name)}: {message}", hint)
        line, column = layer.doc.locate(pointer)
        problems.append(Problem(layer.doc.path, line, column, message, hint, pointer))

    for name, _task, layer in current:  # names first: a name wins over another's alias
        claim(name, name, layer, f"/taxonomy/{escape_pointer(name)}", "name")
    for name, task, layer in current:
        base = f"/taxonomy/{escape_pointer(name)}/aliases"
        for index, alias in enumerate(task.aliases):
            claim(alias, name, layer, f"{base}/{index}", "alias")
    return aliases


def _compile_rule(
    draft: _Draft,
    kinds: Registry[CheckKind],
    host: PluginHost,
    metrics: Registry[Metric],
    taxonomy: dict[str, TaskType],
    aliases: dict[str, str],
) -> CompiledRule | None:
    doc, pointer = draft.doc, draft.pointer
    rule = draft.rule
    if draft.data is not None:  # an override edited it: validate the merged rule again
        try:
            rule = Rule.model_validate(draft.data)
        except ValidationError as exc:
            raise PolicyError(validation_problems(exc, doc, Rule, pointer)) from None
    check = dict(rule.check)
    kind_name = check.pop("kind", None)
    selector = rule.applies
    problems = _selector_problems(selector, draft, aliases)  # reported with any below
    if not isinstance(kind_name, str):
        problems.append(
            Problem(
                doc.path,
                *doc.locate(f"{pointer}/check"),
                f"rule {rule.code} has no check 'kind'",
                "add 'kind:' naming a check kind: " + ", ".join(sorted(kinds)),
                f"{pointer}/check",
            )
        )
        raise PolicyError(problems)
    kind = kinds.get(kind_name)
    if kind is None:
        problems.append(
            Problem(
                doc.path,
                *doc.locate(f"{pointer}/check/kind"),
                f"unknown check kind '{kind_name}'",
                did_you_mean(kind_name, kinds),
                f"{pointer}/check/kind",
            )
        )
        raise PolicyError(problems)

    try:
        params = kind.params.model_validate(check)
    except ValidationError as exc:
        for problem in validation_problems(exc, doc, kind.params, f"{pointer}/check"):
            if problem.pointer == f"{pointer}/check" and _broken_by_override(draft, kind):
                # A rule about the parameters together (e.g. two bands): blame the override.
                src_doc, src_ptr = draft.check_overrides[-1]
            else:
                top_key = (problem.pointer or "").removeprefix(f"{pointer}/check/")
                src_doc, src_ptr = draft.locate_check(top_key.split("/")[0])
            if src_doc is not doc:
                line, column = src_doc.locate(src_ptr)
                problem = Problem(
                    src_doc.path, line, column, problem.message, problem.hint, src_ptr
                )
            problems.append(problem)
        raise PolicyError(problems) from None

    if kind.validate is not None:
        context = PolicyContext(metrics, frozenset(taxonomy), selector.scope, draft.trusted)
        for param, message in kind.validate(params, context):
            src_doc, src_ptr = draft.locate_check(param.split("/")[0])
            if param.count("/"):
                src_ptr = src_ptr + "/" + param.split("/", 1)[1]
            problems.append(Problem(src_doc.path, *src_doc.locate(src_ptr), message, "", src_ptr))
    if problems:
        raise PolicyError(problems)
    if rule.severity == "off":
        return None
    task_types = (
        frozenset(aliases[t.lower()] for t in selector.task_types)
        if selector.task_types is not None
        else None
    )
    return CompiledRule(rule, kind, params, task_types, doc.path, kinds.owner(kind_name))


def _broken_by_override(draft: _Draft, kind: CheckKind) -> bool:
    """Whether the rule's own check parameters were valid before overrides changed them."""
    if not draft.check_overrides:
        return False
    own = {key: value for key, value in draft.rule.check.items() if key != "kind"}
    try:
        kind.params.model_validate(own)
    except ValidationError:
        return False
    return True


def _selector_problems(selector: Selector, draft: _Draft, aliases: dict[str, str]) -> list[Problem]:
    problems: list[Problem] = []
    doc, pointer = draft.locate_applies("task_types")
    for index, name in enumerate(selector.task_types or []):
        if name.lower() not in aliases:
            at = f"{pointer}/{index}"
            problems.append(
                Problem(
                    doc.path,
                    *doc.locate(at),
                    f"task type '{name}' is not in the taxonomy",
                    did_you_mean(name, aliases) or "add it under 'taxonomy'",
                    at,
                )
            )
    if selector.splits is not None and selector.scope == "dataset":
        # Located at whichever of the two an override wrote, so the error is in that file.
        overridden_scope = "scope" in draft.applies_sources
        overridden_scope &= "splits" not in draft.applies_sources
        doc, at = draft.locate_applies("scope" if overridden_scope else "splits")
        problems.append(
            Problem(
                doc.path,
                *doc.locate(at),
                "'splits' selects splits, but the rule's scope is 'dataset'",
                "set 'scope: split' or 'scope: source', or remove 'splits'",
                at,
            )
        )
    return problems

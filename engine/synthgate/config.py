"""Configuration: ``[tool.synthgate]`` in ``pyproject.toml`` or a ``synthgate.toml``.

The file is found by searching the current directory and its parents; ``synthgate.toml`` wins
over ``pyproject.toml`` in the same directory, and the search stops at the first directory that
holds either with a synthgate table. Command-line flags override the file, which overrides the
defaults. TOML is parsed only when a candidate file exists, so a run without configuration does
not import a TOML parser.
"""

from __future__ import annotations

import errno
import functools
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from synthgate.documents import DEFAULT_LIMITS, read_input_bytes
from synthgate.errors import InputError, Problem, did_you_mean
from synthgate.paths import display_path, names_a_file

__all__ = [
    "CONFIG_KEYS",
    "DEFAULTS",
    "Config",
    "ConfigTable",
    "FailOn",
    "Settings",
    "find_config",
    "load_config",
    "resolve_settings",
    "rule_selected",
    "selector_error",
    "split_selectors",
]

DEFAULTS: dict[str, Any] = {
    "policy": None,
    "include": None,
    "exclude": [],
    "fail-on": "fail",
    "format": ["text"],
    "select": [],
    "ignore": [],
    "per-path-ignores": {},
    "max-file-size": 10 * 1024 * 1024,
    "jobs": None,
    "waivers": None,
    "measure": False,
    "engine": "duckdb",
}
"""Every configuration key and its default (None: the built-in default pack, the adapters'
globs, the number of CPUs)."""

CONFIG_KEYS = tuple(DEFAULTS)
ENGINES = ("duckdb", "ray")
"""The measuring engines: embedded DuckDB, or Ray Data on a cluster."""
MAX_JOBS = 64
"""The most worker processes ``jobs`` may ask for; more than the CPUs are never used."""
_CODE_PREFIX = re.compile(r"[A-Z]{2,5}[0-9]{1,4}")
_RULE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_FAIL_ON = ("warn", "fail", "never")
_DEFAULT_NOTES = {
    "policy": "the built-in default pack",
    "include": "the manifest patterns of the installed adapters",
    "jobs": "the number of CPUs",
    "waivers": "synthgate-waivers.yaml next to the config file or in this directory",
}


@dataclass(frozen=True, slots=True)
class Config:
    """A configuration file as read: its values (checked) and the line of each key."""

    path: Path
    values: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def directory(self) -> Path:
        """The directory relative paths and globs in the file are resolved against."""
        return self.path.parent

    def source(self, key: str) -> str:
        """``file:line`` of a key."""
        return f"{display_path(self.path)}:{self.lines.get(key, 1)}"


FailOn = Literal["warn", "fail", "never"]
"""The lowest verdict that makes the exit code 1 (``never``: advisory, nothing gates)."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective configuration, typed: every key's value and where it came from.

    Attributes are the configuration keys with ``_`` for ``-`` (``fail_on`` is ``fail-on``);
    :meth:`value` and ``settings["fail-on"]`` give a key's value as the file spells it.
    """

    policy: str | None = None
    """A policy file or pack name (None: the built-in default pack)."""
    include: tuple[str, ...] | None = None
    """Globs a file found in a directory must match (None: the adapters' globs)."""
    exclude: tuple[str, ...] = ()
    fail_on: FailOn = "fail"
    format: tuple[str, ...] = ("text",)
    """Output formats, ``NAME`` or ``NAME=PATH``."""
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_path_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(glob, rule selectors) pairs, in the file's order."""
    max_file_size: int = 10 * 1024 * 1024
    jobs: int | None = None
    """Worker processes (None: one per CPU)."""
    waivers: str | None = None
    """The central waivers file (None: the one found next to the configuration)."""
    measure: bool = False
    engine: Literal["duckdb", "ray"] = "duckdb"
    """The measuring engine (see ``ENGINES``)."""
    sources: Mapping[str, str] = field(default_factory=dict)
    """``default``, ``file:line`` or ``command line`` for each key."""
    config: Config | None = None
    base: Path = field(default_factory=Path)
    """The directory ``include``, ``exclude`` and ``per-path-ignores`` globs are relative to."""

    @classmethod
    def of(
        cls,
        values: Mapping[str, Any],
        sources: Mapping[str, str] | None = None,
        config: Config | None = None,
        base: Path | None = None,
    ) -> Settings:
        """Settings from values by configuration key (missing keys: their defaults)."""
        fields: dict[str, Any] = {}
        for key, value in values.items():
            if key not in DEFAULTS:
                raise KeyError(key)
            if value is None:
                fields[_attribute(key)] = None
            elif key == "per-path-ignores":
                fields["per_path_ignores"] = tuple((g, tuple(s)) for g, s in value.items())
            elif isinstance(value, list | tuple):
                fields[_attribute(key)] = tuple(value)
            else:
                fields[_attribute(key)] = value
        known = {key: (sources or {}).get(key, "default") for key in CONFIG_KEYS}
        return cls(**fields, sources=known, config=config, base=base or Path.cwd())

    def value(self, key: str) -> Any:
        """The value of configuration key ``key`` as the file spells it (lists, a table)."""
        if key not in DEFAULTS:
            raise KeyError(key)
        value = getattr(self, _attribute(key))
        if key == "per-path-ignores":
            return {glob: list(selectors) for glob, selectors in value}
        return list(value) if isinstance(value, tuple) else value

    def __getitem__(self, key: str) -> Any:
        return self.value(key)

    def as_json(self) -> dict[str, Any]:
        """The settings for ``synthgate config --format json``."""
        return {
            "config": str(self.config.path) if self.config else None,
            "base": str(self.base),
            "settings": {
                key: {"value": self.value(key), "source": self.sources[key]} for key in CONFIG_KEYS
            },
        }

    def as_text(self) -> str:
        """The settings for ``synthgate config``, one ``key = value  # source`` a line."""
        import json

        head = f"# config file: {display_path(self.config.path) if self.config else 'none found'}"
        lines = [head]
        width = max(len(key) for key in CONFIG_KEYS)
        for key in CONFIG_KEYS:
            value = self.value(key)
            shown = json.dumps(value) if value is not None else f"({_DEFAULT_NOTES[key]})"
            lines.append(f"{key:<{width}} = {shown}  # {self.sources[key]}")
        return "\n".join(lines) + "\n"


def _attribute(key: str) -> str:
    return key.replace("-", "_")


# --------------------------------------------------------------------------- finding the file


def find_config(start: Path | None = None) -> Path | None:
    """The configuration file for ``start`` (default: the current directory), or None."""
    directory = (start or Path.cwd()).resolve()
    for candidate_dir in (directory, *directory.parents):
        for name in ("synthgate.toml", "pyproject.toml"):
            candidate = candidate_dir / name
            if candidate.is_file() and (name == "synthgate.toml" or _has_table(candidate)):
                return candidate
            if os.path.lexists(candidate) and not candidate.is_file():
                return candidate  # a FIFO, device or directory: reading it says what it is
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        text = read_input_bytes(pyproject, DEFAULT_LIMITS, str(pyproject)).decode("utf-8")
    except (InputError, UnicodeDecodeError):
        return True  # reading it again reports the problem where it stands
    if "synthgate" not in text:  # the common case needs no TOML parser
        return False
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True  # report the syntax error rather than silently skip the file
    tool = data.get("tool")
    return isinstance(tool, dict) and "synthgate" in tool


# --------------------------------------------------------------------------- the file's model


def _selector(value: str) -> str:
    """A well-formed rule selector (see :func:`selector_error`)."""
    if selector_error(value) is not None:
        raise PydanticCustomError("selector", "malformed rule selector")
    return value


_Selector = Annotated[StrictStr, AfterValidator(_selector)]
_Name = Annotated[StrictStr, Field(min_length=1)]


class ConfigTable(BaseModel):
    """``[tool.synthgate]`` (or ``synthgate.toml``) as checked: unknown keys are errors, and
    no value is coerced (``jobs = "4"`` is wrong, not 4). Keys are spelt as in the file."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    policy: _Name | None = None
    include: list[StrictStr] | None = None
    exclude: list[StrictStr] = Field(default_factory=list)
    fail_on: FailOn = Field("fail", alias="fail-on")
    format: list[StrictStr] = Field(default_factory=lambda: ["text"])
    select: list[_Selector] = Field(default_factory=list)
    ignore: list[_Selector] = Field(default_factory=list)
    per_path_ignores: dict[StrictStr, list[_Selector]] = Field(
        default_factory=dict, alias="per-path-ignores"
    )
    max_file_size: StrictInt = Field(10 * 1024 * 1024, ge=1, alias="max-file-size")
    jobs: StrictInt | None = Field(None, ge=1, le=MAX_JOBS)
    waivers: _Name | None = None
    measure: StrictBool = False
    engine: Literal["duckdb", "ray"] = "duckdb"


# --------------------------------------------------------------------------- reading the file


def load_config(path: Path) -> Config:
    """Read and check a configuration file. Raises :class:`InputError` with ``file:line:col``."""
    import tomllib

    shown = display_path(path)
    if not os.path.lexists(path):
        raise InputError.at(shown, 1, 1, "configuration file does not exist")
    raw = read_input_bytes(path, DEFAULT_LIMITS, shown)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.at(
            shown,
            raw.count(b"\n", 0, exc.start) + 1,
            exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1,
            f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
            "save the configuration as UTF-8",
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        if match:
            line, column = int(match[1]), int(match[2])
        else:  # "(at end of document)": just after the last line
            last = text.rstrip("\n").splitlines() or [""]
            line, column = len(last), len(last[-1]) + 1
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise InputError.at(shown, line, column, f"invalid TOML: {message}") from None
    pyproject = path.name == "pyproject.toml"
    table_name = "tool.synthgate" if pyproject else ""
    if pyproject:
        tool = data.get("tool", {})
        table = tool.get("synthgate", {}) if isinstance(tool, dict) else {}
    else:
        table = data
    locate = functools.partial(_locate, text.splitlines(), table_name)
    if not isinstance(table, dict):
        line, column = locate(None)
        raise InputError.at(shown, line, column, f"'{table_name}' must be a table")
    problems = _table_problems(table, shown, text, table_name)
    lines = {key: locate(key)[0] for key in table}
    wrong = {problem.line for problem in problems}
    valid = {key: value for key, value in table.items() if lines[key] not in wrong}
    problems += _path_problems(Config(path, valid, lines))
    if problems:  # every mistake of the file at once, in the file's order
        order = {key: index for index, key in enumerate(table)}
        line_order = {lines[key]: order[key] for key in table}
        raise InputError(sorted(problems, key=lambda p: line_order.get(p.line, len(order))))
    checked = ConfigTable.model_validate(table)
    return Config(path, checked.model_dump(by_alias=True, exclude_unset=True), lines)


def _path_problems(config: Config) -> list[Problem]:
    """Files the configuration names outside its directory, or by a path that cannot name a
    file (see :func:`_in_project`)."""
    problems: list[Problem] = []
    for key in ("policy", "waivers"):
        value = config.values.get(key)
        if not isinstance(value, str) or not value:
            continue
        try:
            if key == "waivers" or names_a_file(value) or _exists(config, key, value):
                _in_project(config, key, value)
        except InputError as exc:
            problems.extend(exc.problems)
    return problems


def _table_problems(table: dict[str, Any], shown: str, text: str, table_name: str) -> list[Problem]:
    """What is wrong with the configuration table, one problem per key in the file's order,
    at the key's line (see :class:`ConfigTable`)."""
    try:
        ConfigTable.model_validate(table)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        return []
    by_key: dict[str, list[Any]] = {}
    for error in errors:
        by_key.setdefault(str(error["loc"][0]), []).append(error)
    problems: list[Problem] = []
    lines = text.splitlines()
    for key in table:
        if key not in by_key:
            continue
        line, column = _locate(lines, table_name, key)
        if key not in DEFAULTS:
            hint = did_you_mean(key.replace("_", "-"), CONFIG_KEYS)
            problems.append(Problem(shown, line, column, f"unknown key '{key}'", hint))
            continue
        message, hint = _complaint(key, table[key], by_key[key])
        if key == "per-path-ignores":  # at the glob's own line when it has one
            line, column = _entry_place(text, table_name, table[key], (line, column))
        problems.append(Problem(shown, line, column, f"'{key}': {message}", hint))
    return problems


def _complaint(key: str, value: Any, errors: Sequence[Any]) -> tuple[str, str]:
    """(message, hint) for the validation errors of one configuration key: a malformed rule
    selector or too many jobs when that is all that is wrong, else what the key expects."""
    if all(e["type"] == "selector" for e in errors):
        found = selector_error(errors[0]["input"])
        assert found is not None
        return found
    if key == "jobs" and errors[0]["type"] == "less_than_equal":
        return (
            f"expected at most {MAX_JOBS} worker processes, got {value}",
            "leave 'jobs' out to use one per CPU (more than the CPUs are never used)",
        )
    if key == "fail-on":
        hint = did_you_mean(value, _FAIL_ON) if isinstance(value, str) else ""
        return f"expected one of {', '.join(_FAIL_ON)}, got {value!r}", hint
    if key in ("max-file-size", "jobs"):
        return f"expected a whole number of at least 1, got {value!r}", ""
    if key == "measure":
        return f"expected true or false, got {value!r}", "measure = true"
    if key == "engine":
        hint = did_you_mean(value, ENGINES) if isinstance(value, str) else ""
        return f"expected one of {', '.join(ENGINES)}, got {value!r}", hint or 'engine = "ray"'
    return _EXPECTED[key]


_EXPECTED = {
    "waivers": ("expected a string", "a waivers file relative to this file"),
    "policy": ("expected a string", "a policy file relative to this file, or a pack name"),
    **{
        key: ("expected a list of strings", f'for example {key} = ["..."]')
        for key in ("include", "exclude", "select", "ignore", "format")
    },
    "per-path-ignores": (
        "expected a table of glob = [rule codes, code prefixes or rule names]",
        '[tool.synthgate.per-path-ignores] "legacy/**" = ["SG301"]',
    ),
}
"""(message, hint) for a value of the wrong type or shape, by key."""


def _entry_place(text: str, table: str, value: Any, fallback: tuple[int, int]) -> tuple[int, int]:
    """Line and column of the first ``per-path-ignores`` glob whose selectors are wrong."""
    if not isinstance(value, dict):
        return fallback
    for glob, selectors in value.items():
        if not _is_str_list(selectors) or _selectors_error(selectors):
            place = _locate(text.splitlines(), _join(table, "per-path-ignores"), glob)
            return place if place != (1, 1) else fallback
    return fallback


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _selectors_error(selectors: list[str]) -> tuple[str, str] | None:
    for selector in selectors:
        error = selector_error(selector)
        if error:
            return error
    return None


def _locate(lines: Sequence[str], table: str, key: str | None) -> tuple[int, int]:
    """1-based line and column of ``key`` in ``table`` ('' for top level), found by scanning
    the text (good enough for error messages); the table's header when not found."""
    current = ""
    header_line = 1
    key_pattern = (
        re.compile(rf"""^(\s*)(?:"{re.escape(key)}"|'{re.escape(key)}'|{re.escape(key)})\s*=""")
        if key is not None
        else None
    )
    for number, text in enumerate(lines, start=1):
        header = re.match(r"^\s*\[+\s*([^\]]+?)\s*\]+", text)
        if header:
            current = re.sub(r"\s*\.\s*", ".", header[1]).replace('"', "")
            if current == table:
                header_line = number
            if key is not None and current == _join(table, key):
                return number, 1
            continue
        if key_pattern is not None and current == table:
            match = key_pattern.match(text)
            if match:
                return number, len(match[1]) + 1
    return header_line, 1


def _join(table: str, key: str) -> str:
    return f"{table}.{key}" if table else key


# --------------------------------------------------------------------------- effective settings


def resolve_settings(config: Config | None, cli: Mapping[str, Any]) -> Settings:
    """Defaults, then the file, then the command line (``cli`` values that are not None,
    by configuration key).

    Paths in the file are made relative to the current directory: ``policy`` when it names a
    file, and the ``PATH`` of ``format`` entries ``NAME=PATH``.
    """
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, default in DEFAULTS.items():
        if cli.get(key) is not None:
            values[key], sources[key] = cli[key], "command line"
        elif config is not None and key in config.values:
            values[key] = _from_file(key, config.values[key], config)
            sources[key] = config.source(key)
        else:
            values[key], sources[key] = default, "default"
    base = config.directory if config is not None else Path.cwd()
    return Settings.of(values, sources, config, base)


def _from_file(key: str, value: Any, config: Config) -> Any:
    directory = config.directory
    if key == "waivers":
        return _relative(_in_project(config, key, value))
    if key == "policy":
        if names_a_file(value) or _exists(config, key, value):
            return _relative(_in_project(config, key, value))
        return value
    if key == "format":
        out = []
        for entry in value:
            name, sep, target = entry.partition("=")
            out.append(f"{name}={_relative(directory / target)}" if sep and target else entry)
        return out
    return value


def _path_problem(config: Config, key: str, message: str, hint: str) -> InputError:
    return InputError.at(display_path(config.path), config.lines.get(key, 1), 1, message, hint)


def _exists(config: Config, key: str, value: str) -> bool:
    """Whether the file ``value`` names (relative to the configuration) is there."""
    path = config.directory / value
    try:
        os.lstat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return False
        raise _cannot_use(config, key, exc) from None
    return path.is_file()


def _cannot_use(config: Config, key: str, exc: OSError) -> InputError:
    return _path_problem(
        config,
        key,
        f"'{key}': cannot use the path: {exc.strerror or exc}",
        "name the file by a shorter path",
    )


def _in_project(config: Config, key: str, value: str) -> Path:
    """``value`` resolved against the configuration's directory; an :class:`InputError` at its
    line when it leads out of it (symbolic links followed), or cannot name a file at all."""
    path = config.directory / value
    root = config.directory.resolve()
    try:
        os.lstat(path)
    except OSError as exc:
        if exc.errno not in (errno.ENOENT, errno.ENOTDIR):  # too long, a loop of links, ...
            raise _cannot_use(config, key, exc) from None
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        shown = value if len(value) <= 60 else value[:57] + "..."
        raise _path_problem(
            config,
            key,
            f"'{key}': {shown!r} is outside the project ({root})",
            f"a configuration names only files inside its directory; to use a file from "
            f"elsewhere, give it on the command line with --{key}",
        )
    return path


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def split_selectors(raw: Iterable[str], option: str = "--select") -> list[str]:
    """``--select SG1,SG2 --select x`` as a list: comma-separated and repeatable. An empty
    or malformed selector is a :class:`UsageError` (see :func:`selector_error`)."""
    from synthgate.errors import UsageError

    selectors = [part.strip() for item in raw for part in item.split(",")]
    for selector in selectors:
        error = selector_error(selector)
        if error:
            raise UsageError(f"{option}: {error[0]}", error[1])
    return selectors


def selector_error(selector: str) -> tuple[str, str] | None:
    """(message, hint) when ``selector`` can name no rule; None when it is well formed.

    A selector is a rule code or code prefix (upper-case letters then at least one digit,
    ``SG3`` or ``SG301``; matched case-sensitively at the start of a code) or a rule name
    (kebab-case, matched exactly). Anything else, an empty or blank one above all, would
    select nothing or everything by accident; a code written in lower case is an error, not a
    name.
    """
    if not selector.strip():
        return (
            "empty rule selector",
            "write a rule code (SG301), a code prefix (SG3) or a rule name; remove the empty one",
        )
    upper = selector.strip().upper()
    if selector != upper and _CODE_PREFIX.fullmatch(upper):
        return f"malformed rule selector {selector!r}", f"codes are upper case: '{upper}'"
    if _CODE_PREFIX.fullmatch(selector) or _RULE_NAME.fullmatch(selector):
        return None
    return (
        f"malformed rule selector {selector!r}",
        "a selector is a rule code (SG301), a code prefix of letters then digits (SG3), or a "
        "kebab-case rule name (recursion-depth)",
    )


def rule_selected(selector: str, code: str, name: str) -> bool:
    """Whether ``selector`` names the rule ``code`` / ``name`` (see :func:`selector_error`)."""
    if selector == name:
        return True
    return _CODE_PREFIX.fullmatch(selector) is not None and code.startswith(selector)

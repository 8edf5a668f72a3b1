"""Configuration: ``[tool.synthgate]`` in ``pyproject.toml`` or a ``synthgate.toml``.

The file is found by searching the current directory and its parents; ``synthgate.toml`` wins
over ``pyproject.toml`` in the same directory, and the search stops at the first directory that
holds either with a synthgate table. Command-line flags override the file, which overrides the
defaults. TOML is parsed only when a candidate file exists, so a run without configuration does
not import a TOML parser.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthgate.errors import InputError, Problem, did_you_mean, display_path

__all__ = [
    "CONFIG_KEYS",
    "DEFAULTS",
    "Config",
    "Settings",
    "find_config",
    "glob_match",
    "load_config",
    "resolve_settings",
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
}
"""Every configuration key and its default (None: the built-in default pack, the adapters'
globs, the number of CPUs)."""

CONFIG_KEYS = tuple(DEFAULTS)
_FAIL_ON = ("warn", "fail", "never")
_PATH_SUFFIXES = (".yaml", ".yml", ".json")
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


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective configuration: every key's value and where it came from."""

    values: dict[str, Any]
    sources: dict[str, str]
    """``default``, ``file:line`` or ``command line`` for each key."""
    config: Config | None = None
    base: Path = field(default_factory=Path)
    """The directory ``include``, ``exclude`` and ``per-path-ignores`` globs are relative to."""

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def as_json(self) -> dict[str, Any]:
        """The settings for ``synthgate config --format json``."""
        return {
            "config": str(self.config.path) if self.config else None,
            "base": str(self.base),
            "settings": {
                key: {"value": self.values[key], "source": self.sources[key]} for key in CONFIG_KEYS
            },
        }

    def as_text(self) -> str:
        """The settings for ``synthgate config``, one ``key = value  # source`` a line."""
        import json

        head = f"# config file: {display_path(self.config.path) if self.config else 'none found'}"
        lines = [head]
        width = max(len(key) for key in CONFIG_KEYS)
        for key in CONFIG_KEYS:
            value = self.values[key]
            shown = json.dumps(value) if value is not None else f"({_DEFAULT_NOTES[key]})"
            lines.append(f"{key:<{width}} = {shown}  # {self.sources[key]}")
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- finding the file


def find_config(start: Path | None = None) -> Path | None:
    """The configuration file for ``start`` (default: the current directory), or None."""
    directory = (start or Path.cwd()).resolve()
    for candidate_dir in (directory, *directory.parents):
        for name in ("synthgate.toml", "pyproject.toml"):
            candidate = candidate_dir / name
            if candidate.is_file() and (name == "synthgate.toml" or _has_table(candidate)):
                return candidate
    return None


def _has_table(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "synthgate" not in text:  # the common case needs no TOML parser
        return False
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return True  # report the syntax error rather than silently skip the file
    tool = data.get("tool")
    return isinstance(tool, dict) and "synthgate" in tool


# --------------------------------------------------------------------------- reading the file


def load_config(path: Path) -> Config:
    """Read and check a configuration file. Raises :class:`InputError` with ``file:line:col``."""
    import tomllib

    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.at(shown, 1, 1, "configuration file does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.at(shown, 1, 1, f"cannot read configuration: {exc}") from None
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
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key, value in table.items():
        line, column = locate(key)
        if key not in DEFAULTS:
            hint = did_you_mean(key.replace("_", "-"), CONFIG_KEYS)
            problems.append(Problem(shown, line, column, f"unknown key '{key}'", hint))
            continue
        error = _check(key, value)
        if error:
            problems.append(Problem(shown, line, column, f"'{key}': {error[0]}", error[1]))
            continue
        values[key] = value
        lines[key] = line
    if problems:
        raise InputError(problems)
    return Config(path, values, lines)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _check(key: str, value: Any) -> tuple[str, str] | None:
    """(message, hint) if ``value`` is wrong for ``key``."""
    if key == "measure":
        if not isinstance(value, bool):
            return f"expected true or false, got {value!r}", "measure = true"
    elif key == "waivers":
        if not isinstance(value, str) or not value:
            return "expected a string", "a waivers file relative to this file"
    elif key == "policy":
        if not isinstance(value, str) or not value:
            return "expected a string", "a policy file relative to this file, or a pack name"
    elif key in ("include", "exclude", "select", "ignore", "format"):
        if not _is_str_list(value):
            return "expected a list of strings", f'for example {key} = ["..."]'
    elif key == "fail-on":
        if value not in _FAIL_ON:
            hint = did_you_mean(value, _FAIL_ON) if isinstance(value, str) else ""
            return f"expected one of {', '.join(_FAIL_ON)}, got {value!r}", hint
    elif key == "per-path-ignores":
        if not isinstance(value, dict) or not all(_is_str_list(v) for v in value.values()):
            return (
                "expected a table of glob = [rule codes, code prefixes or rule names]",
                '[tool.synthgate.per-path-ignores] "legacy/**" = ["SG301"]',
            )
    elif key in ("max-file-size", "jobs") and (
        isinstance(value, bool) or not isinstance(value, int) or value < 1
    ):
        return f"expected a whole number of at least 1, got {value!r}", ""
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
    """Defaults, then the file, then the command line (``cli`` values that are not None).

    Paths in the file are made relative to the current directory: ``policy`` when it names a
    file, and the ``PATH`` of ``format`` entries ``NAME=PATH``.
    """
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, default in DEFAULTS.items():
        if cli.get(key) is not None:
            values[key], sources[key] = cli[key], "command line"
        elif config is not None and key in config.values:
            values[key] = _from_file(key, config.values[key], config.directory)
            sources[key] = config.source(key)
        else:
            values[key], sources[key] = default, "default"
    base = config.directory if config is not None else Path.cwd()
    return Settings(values, sources, config, base)


def _from_file(key: str, value: Any, directory: Path) -> Any:
    if key == "waivers":
        return _relative(directory / value)
    if key == "policy":
        if _looks_like_path(value) or (directory / value).is_file():
            return _relative(directory / value)
        return value
    if key == "format":
        out = []
        for entry in value:
            name, sep, target = entry.partition("=")
            out.append(f"{name}={_relative(directory / target)}" if sep and target else entry)
        return out
    return value


def _looks_like_path(ref: str) -> bool:
    return "/" in ref or "\\" in ref or ref.lower().endswith(_PATH_SUFFIXES)


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path.resolve())


def split_selectors(raw: Iterable[str]) -> list[str]:
    """``--select SG1,SG2 --select x`` as a list: comma-separated and repeatable."""
    return [part.strip() for item in raw for part in item.split(",") if part.strip()]


# --------------------------------------------------------------------------- globs


def glob_match(path: str, pattern: str) -> bool:
    """True if the ``/``-separated relative ``path`` matches ``pattern``.

    A pattern without ``/`` matches the file name at any depth (as in ``.gitignore``); with
    ``/`` it matches the whole relative path, ``**`` standing for any number of directories.
    """
    pattern = pattern.removeprefix("./")
    if "/" not in pattern.rstrip("/"):
        name = pattern.rstrip("/")
        return any(fnmatch.fnmatchcase(part, name) for part in _parts(path))
    return _compiled(pattern.rstrip("/")).fullmatch(path) is not None


def _parts(path: str) -> Iterator[str]:
    yield from path.split("/")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    # A pattern naming a directory matches everything below it.
    return re.compile("".join(out) + "(?:/.*)?")

"""How paths read in messages, and how a reference tells a file from a name."""

from __future__ import annotations

from pathlib import Path

__all__ = ["FILE_SUFFIXES", "display_path", "names_a_file"]

FILE_SUFFIXES = (".yaml", ".yml", ".json")
"""The suffixes of the files a policy, a case file's policy or a configuration value names."""


def display_path(path: Path) -> str:
    """A path as messages show it: relative to the current directory when it is inside it,
    with forward slashes; as given otherwise."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def names_a_file(ref: str) -> bool:
    """Whether ``ref`` (a policy, a pack name, a configuration value) is written as a file:
    it has a directory separator or a policy file's suffix, in any case. Otherwise it may be a
    pack's name."""
    return "/" in ref or "\\" in ref or ref.lower().endswith(FILE_SUFFIXES)

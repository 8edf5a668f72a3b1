"""Which files git ignores, for directory searches: ``.gitignore`` files at every level,
and the repository's ``.git/info/exclude``.

Patterns are matched by :mod:`pathspec` (git's own rules: negation, anchoring, ``**``,
directory-only patterns). A deeper ``.gitignore`` overrides a shallower one, and
``info/exclude`` is the weakest, as in git. Files are read once per directory, when the search
first reaches it, and :mod:`pathspec` is imported only when there is one. Git's global
``core.excludesFile`` is not read: what a search skips depends only on files in the project.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pathspec

__all__ = ["GitIgnores"]

# A .gitignore larger than this is not a list of patterns anyone wrote; it is not read.
_MAX_BYTES = 1024 * 1024


class GitIgnores:
    """The ignore rules of the repository a path is in (or, outside a repository, of the
    ``.gitignore`` files from the searched directory down)."""

    def __init__(self) -> None:
        self._specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}
        self._roots: dict[Path, Path | None] = {}

    def ignored(self, path: Path, *, top: Path) -> bool:
        """Whether git would ignore ``path`` (a file or directory found by searching ``top``)."""
        path = Path(path).absolute()
        top = Path(top).absolute()
        root = self._repository(top)
        base = root if root is not None and path.is_relative_to(root) else top
        if not path.is_relative_to(base) or path == base:
            return False
        directory = path.is_dir()
        decision: bool | None = None
        levels: list[tuple[Path, pathspec.GitIgnoreSpec | None]] = []
        if root is not None and base == root:
            levels.append((root, self._spec(root / ".git" / "info" / "exclude")))
        here = base
        for part in path.relative_to(base).parts[:-1]:
            levels.append((here, self._spec(here / ".gitignore")))
            here = here / part
        levels.append((here, self._spec(here / ".gitignore")))
        for where, spec in levels:
            if spec is None:
                continue
            relative = path.relative_to(where).as_posix() + ("/" if directory else "")
            result = spec.check_file(relative).include
            if result is not None:
                decision = result
        return bool(decision)

    def _repository(self, start: Path) -> Path | None:
        """The top of the git work tree holding ``start`` (a directory with ``.git``)."""
        if start not in self._roots:
            found = None
            for candidate in (start, *start.parents):
                if (candidate / ".git").exists():
                    found = candidate
                    break
            self._roots[start] = found
        return self._roots[start]

    def _spec(self, file: Path) -> pathspec.GitIgnoreSpec | None:
        if file not in self._specs:
            spec = None
            try:
                if file.is_file() and file.stat().st_size <= _MAX_BYTES:
                    import pathspec  # only for a project that has ignore files (cold start)

                    lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
                    spec = _compiled(pathspec, lines)
            except OSError:  # unreadable: git would not apply it either
                spec = None
            self._specs[file] = spec
        return self._specs[file]


def _compiled(module: Any, lines: list[str]) -> pathspec.GitIgnoreSpec | None:
    """The patterns of an ignore file (None: it has none); a line git would not read as a
    pattern (``!`` or ``/`` alone) is left out, as git leaves it out, instead of failing the
    search. Some pathspec releases refuse to build a spec of no patterns, so a file of blank
    lines and comments is settled here."""
    if not any(_is_pattern(line) for line in lines):
        return None
    try:
        spec: pathspec.GitIgnoreSpec = module.GitIgnoreSpec.from_lines(lines)
    except ValueError:
        kept = [line for line in lines if _is_pattern(line) and _compiles(module, line)]
        if not kept:
            return None
        spec = module.GitIgnoreSpec.from_lines(kept)
    return spec


def _is_pattern(line: str) -> bool:
    """Whether git reads ``line`` as a pattern: not blank (trailing spaces do not count) and
    not a comment."""
    return bool(line.rstrip()) and not line.startswith("#")


def _compiles(module: Any, line: str) -> bool:
    try:
        module.GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True

"""The pre-commit hook: ``python -m synthgate.precommit [AUDIT OPTIONS] FILE...``.

pre-commit passes the staged files that its ``files`` pattern matches (see
``.pre-commit-hooks.yaml``). What is done with them:

- when one of them is a file every audit depends on (the configuration, the policy, the
  central waivers file, or the baseline), the whole project is audited, as ``synthgate audit .``
  would: a stricter policy or a removed waiver can fail manifests that did not change;
- otherwise the manifests among them are audited, and files that only look like one (a
  README.md that is not a dataset card, a ``metadata.json`` that is not Croissant, a
  ``pyproject.toml`` without ``[tool.synthgate]``) are left out, as ``audit DIR`` leaves them
  out, instead of failing the commit;
- when nothing is left, the hook passes without running an audit.

Options before the files (the hook's ``args``) are passed to ``synthgate audit`` as they are.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "project_files", "split_arguments"]

_DEFAULT_WAIVERS = "synthgate-waivers.yaml"


def split_arguments(argv: Sequence[str]) -> tuple[list[str], list[str], dict[str, object]]:
    """(options, files, parsed options): ``argv`` as ``synthgate audit`` reads it, with the
    file names pre-commit appended split from the options before them."""
    from synthgate.cli import audit

    with audit.make_context("audit", list(argv), resilient_parsing=True) as ctx:
        params = dict(ctx.params)
    files = [str(p) for p in params.get("paths") or ()]
    if files and list(argv[len(argv) - len(files) :]) == files:
        options = list(argv[: len(argv) - len(files)])
    else:  # names given among the options: keep the options, take the names out
        options = [a for a in argv if a not in files]
    return options, files, params


def project_files(params: dict[str, object]) -> set[Path]:
    """The files every audit of this project reads besides the manifests: the configuration
    file, the policy file, the central waivers file and the baseline (each resolved)."""
    from synthgate.config import find_config, load_config
    from synthgate.errors import InputError

    named: list[Path] = []
    for key in ("policy", "waivers_file", "baseline_file"):  # named on the command line
        value = params.get(key)
        if isinstance(value, str):
            named.append(Path(value))
    config_file = params.get("config_file")
    config_dir = Path.cwd()
    values: dict[str, object] = {}
    if not params.get("no_config"):
        path = Path(str(config_file)) if config_file else find_config()
        if path is not None and path.is_file():
            named.append(path)
            config_dir = path.parent
            try:
                values = dict(load_config(path).values)
            except (InputError, OSError):  # the audit of the whole project says what is wrong
                values = {}
    for key in ("policy", "waivers"):  # named in the configuration, relative to its file
        value = values.get(key)
        if isinstance(value, str):
            named.append(config_dir / value)
    if params.get("waivers_file") is None and "waivers" not in values:
        named += [config_dir / _DEFAULT_WAIVERS, Path(_DEFAULT_WAIVERS)]
    found = {path.resolve() for path in named if path.is_file()}
    return found


def manifests(files: Sequence[str]) -> list[str]:
    """The files an adapter reads: a name that only looks like a manifest's is left out
    when no adapter whose globs match claims its content (as a directory search does)."""
    from synthgate.documents import DEFAULT_LIMITS
    from synthgate.plugins import load_plugins

    adapters = list(load_plugins().adapters().values())
    kept = []
    for name in files:
        path = Path(name)
        matching = [a for a in adapters if any(fnmatch.fnmatch(path.name, g) for g in a.globs)]
        if not matching:
            continue  # a configuration or policy file that this project does not use
        if any(a.claims is None or a.claims(path, DEFAULT_LIMITS) for a in matching):
            kept.append(name)
    return kept


def main(argv: Sequence[str] | None = None) -> None:
    """Run the hook on ``argv`` (default: the command line); exits as ``synthgate audit``."""
    from synthgate.cli import main as cli_main

    args = list(sys.argv[1:] if argv is None else argv)
    options, files, params = split_arguments(args)
    shared = project_files(params)
    if any(Path(name).resolve() in shared for name in files):
        names = sorted(n for n in files if Path(n).resolve() in shared)
        print(f"synthgate: {', '.join(names)} changed: auditing the whole project", flush=True)
        cli_main(["audit", *options, "."])
        return
    chosen = manifests(files)
    if not chosen:
        sys.exit(0)
    cli_main(["audit", *options, *chosen])


if __name__ == "__main__":
    main()

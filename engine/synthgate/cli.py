"""The ``synthgate`` command line.

Heavy modules are imported inside commands so that ``synthgate --help`` and a one-manifest
pre-commit run start fast.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import click

from synthgate import __version__

if TYPE_CHECKING:
    from synthgate.plugins import PluginHost
    from synthgate.policy import LoadedPolicy

__all__ = ["cli", "main"]

ISSUES_URL = "https://github.com/synthgate/synthgate/issues"
EXIT_CODES = """\b
Exit codes (the same for every format and flag):
  0  no findings at or above the --fail-on level
  1  findings at or above the --fail-on level (never with --fail-on never)
  2  usage, input or policy error (a message says where and what to do)
  3  internal error, or a check that crashed (a bug: please report it),
     whatever --fail-on says"""


class _PipeClosed(Exception):
    """The reader of standard output went away (``synthgate ... | head``).

    Raised instead of :class:`BrokenPipeError`, which click would turn into exit code 1.
    """


class _Group(click.Group):
    """Built-in commands, plus commands from plugins looked up only when asked for."""

    _plugins_added = False

    def _add_plugin_commands(self, *, warn: bool = True) -> None:
        if not self._plugins_added:
            self._plugins_added = True
            host = _host()
            host.add_commands(self)
            if warn:
                _warn_plugin_errors(host)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._add_plugin_commands()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands()  # for --help: loading every plugin is acceptable here
        return super().list_commands(ctx)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError as exc:  # e.g. 'synthgate --help | head -1'
            raise _PipeClosed from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise _PipeClosed from exc


@click.group(
    cls=_Group, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="synthgate")
def cli() -> None:
    """Audit dataset manifests against policies for synthetic training data.

    Start with 'synthgate audit PATH...' (the built-in default policy is used unless
    --policy is given), 'synthgate init' for a manifest skeleton, and 'synthgate explain
    CODE' for why a rule exists.
    """


@functools.cache
def _host() -> PluginHost:
    """The plugins of this process, loaded once by whichever part of the CLI asks first."""
    from synthgate.plugins import load_plugins

    return load_plugins()


def _warn_plugin_errors(host: PluginHost) -> None:
    """Say on stderr which plugins failed; the rest of the run goes on without them."""
    for message in host.errors():
        click.echo(f"warning: {message} (left out; see 'synthgate plugins')", err=True)


def _policy(host: PluginHost, ref: str | None) -> LoadedPolicy:
    from synthgate.policy import load_policy

    return load_policy(ref, host)


# --------------------------------------------------------------------------- audit


@cli.command(epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--policy", "-p", metavar="FILE|PACK", help="Policy file or pack name [default pack]."
)
@click.option(
    "--format",
    "-f",
    "fmt",
    default="text",
    show_default=True,
    metavar="NAME",
    help="Output format: text, json, or one a plugin adds.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option(
    "--fail-on",
    type=click.Choice(["warn", "fail", "never"]),
    default="fail",
    show_default=True,
    help="Lowest verdict that makes the exit code 1 ('never': none does; a crashed check "
    "still exits 3).",
)
@click.option(
    "--show-passes", is_flag=True, help="Include passing checks in the output, not only counts."
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes for large batches [default: number of CPUs].",
)
@click.option(
    "--max-file-size",
    type=click.IntRange(min=1),
    default=10 * 1024 * 1024,
    show_default=True,
    help="Largest file read, in bytes.",
)
@click.option("--color/--no-color", default=None, help="Colour output [default: on a terminal].")
def audit(
    paths: tuple[str, ...],
    policy: str | None,
    fmt: str,
    output: str | None,
    fail_on: str,
    show_passes: bool,
    jobs: int | None,
    max_file_size: int,
    color: bool | None,
) -> None:
    """Audit manifests (files, or directories searched for *.synthgate.yaml and the like)."""
    from synthgate.audit import Audit, Tally
    from synthgate.documents import Limits
    from synthgate.errors import InputError, UsageError, did_you_mean
    from synthgate.models import verdict_rank
    from synthgate.reporters import RunInfo

    host = _host()
    specs = host.reporters()
    if fmt not in specs:
        raise UsageError(f"unknown output format '{fmt}'", did_you_mean(fmt, specs))
    reporter_cls = specs[fmt].load()
    runner = Audit.create(
        policy,
        host=host,
        limits=Limits(max_bytes=max_file_size),
        keep_passes=show_passes or reporter_cls.wants_passes,
    )
    _warn_plugin_errors(host)
    items = runner.discover(list(paths) or ["."])
    if not items:
        globs = ", ".join(g for a in runner.adapters for g in a.globs)
        raise UsageError(
            "no manifests found in " + ", ".join(paths or (".",)),
            f"name manifest files, or put manifests named like {globs} in the directories",
        )
    tally = Tally()
    out, finish_output = _open_output(output)
    succeeded = False
    try:
        use_color = color if color is not None else out.isatty() and "NO_COLOR" not in os.environ
        run = RunInfo(
            version=__version__,
            policies=runner.policy.packs,
            plugins=runner.plugin_infos(),
            color=use_color,
            verbose=show_passes,
            fail_on=fail_on,
        )
        reporter = reporter_cls(out, run)
        reporter.start()
        for result in runner.results(items, jobs or os.cpu_count() or 1):
            tally.add(result)
            if isinstance(result, InputError):
                click.echo(result.render(), err=True)
            else:
                reporter.add(result)
        reporter.finish(tally.totals(), tally.verdict())
        succeeded = not tally.unreadable and tally.manifests > 0
    finally:  # a report file is written whole or not at all, even on Ctrl-C
        finish_output(succeeded)
    if tally.unreadable:
        noun = "file" if tally.unreadable == 1 else "files"
        click.echo(
            f"synthgate: {tally.unreadable} {noun} could not be audited (see above)", err=True
        )
        sys.exit(2)
    if not tally.manifests:  # never a pass when nothing was audited
        raise UsageError("no manifest was audited", "name manifest files or directories")
    crashed = tally.findings["error"]
    if crashed:  # whatever --fail-on says: exit codes never change meaning with flags
        noun = "check" if crashed == 1 else "checks"
        click.echo(f"synthgate: {crashed} {noun} crashed; please report at {ISSUES_URL}", err=True)
        sys.exit(3)
    if fail_on != "never" and verdict_rank(tally.verdict()) >= verdict_rank(fail_on):
        sys.exit(1)
    sys.exit(0)


def _open_output(output: str | None) -> tuple[TextIO, Callable[[bool], None]]:
    """Where the report goes, and ``finish(ok)`` to call once done, in a ``finally``.

    A file is written whole or not at all: the report goes to a temporary file beside it,
    which ``finish(True)`` renames into place and ``finish(False)`` removes.
    """
    if output is None:
        return sys.stdout, lambda ok: sys.stdout.flush()
    import tempfile

    target = Path(output)
    if not target.parent.exists():
        from synthgate.errors import UsageError

        raise UsageError(f"cannot write '{output}': its directory does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
    # mkstemp makes the file private (0600); the report gets the mode any new file would get.
    with contextlib.suppress(OSError):  # a file system without modes: keep 0600
        os.chmod(tmp, 0o666 & ~_umask())

    def finish(ok: bool) -> None:
        renamed = False
        try:
            handle.close()
            if ok:
                os.replace(tmp, target)
                renamed = True
        finally:
            if not renamed:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)

    return handle, finish


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --------------------------------------------------------------------------- rules and explain


def _rule_card(compiled: Any) -> str:
    rule = compiled.rule
    check = dict(rule.check)
    lines = [
        f"{rule.code} {rule.name}",
        f"  {rule.summary}",
        "",
        f"severity: {rule.severity}    check kind: {check.pop('kind', '?')}",
        "applies to: " + _describe_selector(rule.applies),
    ]
    if check:
        import json

        lines.append("parameters: " + json.dumps(check, sort_keys=True, default=str))
    if rule.basis is not None:
        lines.append(
            f"basis of thresholds: {rule.basis.kind}"
            + (f" ({rule.basis.note})" if rule.basis.note else "")
        )
    for title, text in (("Why", rule.rationale), ("What to do", rule.remediation)):
        if text:
            lines += ["", f"{title}:", *("  " + t for t in text.strip().splitlines())]
    if rule.examples is not None:
        for title, text in (
            ("Non-compliant", rule.examples.non_compliant),
            ("Compliant", rule.examples.compliant),
        ):
            if text:
                lines += ["", f"{title}:", *("    " + t for t in text.rstrip().splitlines())]
    if rule.references:
        lines += ["", "References:"]
        for ref in rule.references:
            tail = ", ".join(x for x in (ref.venue, ref.id, ref.url) if x)
            lines.append(
                f"  - {ref.authors} ({ref.year}). {ref.title}." + (f" {tail}." if tail else "")
            )
    return "\n".join(lines) + "\n"


def _describe_selector(selector: Any) -> str:
    parts = [f"each {selector.scope}"]
    for key in ("verifiability", "task_types", "stages", "splits", "origins", "resource_levels"):
        value = getattr(selector, key)
        if value is not None:
            parts.append(f"{key.replace('_', ' ')}: {', '.join(value)}")
    return "; ".join(parts)


@cli.command()
@click.argument("code")
@click.option(
    "--policy", "-p", metavar="FILE|PACK", help="Policy file or pack name [default pack]."
)
def explain(code: str, policy: str | None) -> None:
    """Print the card of rule CODE (or name): what it checks, why, and what to do."""
    from synthgate.errors import UsageError, did_you_mean

    host = _host()
    loaded = _policy(host, policy)
    _warn_plugin_errors(host)
    compiled = loaded.rule(code) or loaded.rule(code.upper())
    if compiled is None:
        names = [c.rule.code for c in loaded.rules] + [c.rule.name for c in loaded.rules]
        raise UsageError(
            f"no rule '{code}' in policy '{loaded.name}'",
            did_you_mean(code, names) or "list the rules with 'synthgate rules'",
        )
    click.echo(_rule_card(compiled), nl=False)


@cli.command()
@click.option(
    "--policy", "-p", metavar="FILE|PACK", help="Policy file or pack name [default pack]."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--taxonomy", is_flag=True, help="List the task taxonomy instead of the rules.")
def rules(policy: str | None, fmt: str, taxonomy: bool) -> None:
    """List the rules (or the task taxonomy) of a policy."""
    import json

    host = _host()
    loaded = _policy(host, policy)
    _warn_plugin_errors(host)
    if taxonomy:
        if fmt == "json":
            data = {name: t.model_dump() for name, t in sorted(loaded.taxonomy.items())}
            click.echo(json.dumps(data, indent=2))
            return
        for name, task in sorted(loaded.taxonomy.items()):
            aliases = f"  (aliases: {', '.join(task.aliases)})" if task.aliases else ""
            click.echo(f"{name:<28} {task.verifiability:<10}{aliases}")
        return
    if fmt == "json":
        click.echo(
            json.dumps(
                [c.rule.model_dump(mode="json", exclude_none=True) for c in loaded.rules],
                indent=2,
            )
        )
        return
    packs = ", ".join(f"{p.name} {p.version}" for p in loaded.packs)
    click.echo(f"policy {loaded.name} {loaded.version} ({packs}): {len(loaded.rules)} rules")
    for compiled in loaded.rules:
        rule = compiled.rule
        kind = compiled.kind.name
        click.echo(f"{rule.code:<7} {rule.severity:<5} {kind:<23} {rule.name}: {rule.summary}")


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def plugins(fmt: str) -> None:
    """List plugins: name, version, hooks, built-in or not, and load errors."""
    import json

    host = _host()
    cli._add_plugin_commands(warn=False)  # records plugins whose synthgate_add_commands raises
    registered: dict[str, list[str]] = {  # calling the hooks records plugins that raise
        "policy packs": list(host.policy_packs()),
        "check kinds": list(host.check_kinds()),
        "metrics": list(host.metrics()),
        "output formats": list(host.reporters()),
    }
    if fmt == "json":
        rows = [
            {
                "name": r.name,
                "distribution": r.distribution,
                "version": r.version,
                "builtin": r.builtin,
                "hooks": r.hooks,
                "disabled": r.disabled,
                "error": r.error,
            }
            for r in host.records
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for r in host.records:
        kind = "built-in" if r.builtin else "third-party"
        state = ", disabled by SYNTHGATE_DISABLED_PLUGINS" if r.disabled else ""
        click.echo(f"{r.name} ({r.distribution} {r.version}, {kind}{state})")
        click.echo(f"    hooks: {', '.join(r.hooks) or 'none'}")
        if r.error:
            click.echo(f"    error: {r.error}")
    for title, names in registered.items():
        click.echo(f"{title}: " + ", ".join(sorted(names)))


@cli.command()
@click.argument("which", type=click.Choice(["manifest", "policy", "report"]))
def schema(which: str) -> None:
    """Print the JSON Schema of a manifest, a policy or a report."""
    from importlib.resources import files

    click.echo((files("synthgate.schemas") / f"{which}.schema.json").read_text("utf-8"), nl=False)


@cli.command()
@click.argument("path", default="synthgate.yaml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def init(path: str, force: bool) -> None:
    """Write a commented manifest skeleton to PATH [default: synthgate.yaml]."""
    from synthgate.errors import UsageError
    from synthgate.skeleton import SKELETON

    target = Path(path)
    if target.exists() and not force:
        raise UsageError(f"'{path}' already exists", "choose another path, or pass --force")
    if not target.parent.exists():
        raise UsageError(f"cannot write '{path}': its directory does not exist")
    target.write_text(SKELETON, encoding="utf-8")
    click.echo(f"wrote {path}: fill in every 'unknown', then run 'synthgate audit {path}'")


def main(argv: list[str] | None = None) -> NoReturn:
    """Entry point: errors become messages and exit codes, never tracebacks.

    Besides the documented exit codes: a command's integer return value or ``ctx.exit(n)``
    is the exit code, Ctrl-C exits 130, and a closed standard output (``synthgate ... |
    head``) exits 0 quietly.
    """
    from synthgate.errors import SynthgateError

    code: int | str | None
    try:
        returned = cli.main(args=argv, prog_name="synthgate", standalone_mode=False)
        code = returned if isinstance(returned, int) else 0  # ctx.exit(n) returns n too
    except SystemExit as exc:
        code = exc.code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except (_PipeClosed, BrokenPipeError):
        code = _stdout_closed()
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):
            click.echo("synthgate: interrupted", err=True)
            code = 130
        else:
            click.echo("synthgate: aborted", err=True)
            code = 2
    except KeyboardInterrupt:
        click.echo("synthgate: interrupted", err=True)
        code = 130
    except click.ClickException as exc:
        exc.show()
        code = 2
    except SynthgateError as exc:
        click.echo(exc.render(), err=True)
        code = exc.exit_code
    except Exception as exc:
        if os.environ.get("SYNTHGATE_DEBUG"):
            raise
        click.echo(
            f"synthgate: internal error: {type(exc).__name__}: {exc}\n"
            f"  This is a bug. Please report it at {ISSUES_URL} "
            "(set SYNTHGATE_DEBUG=1 to see the traceback).",
            err=True,
        )
        code = 3
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = _stdout_closed()
    sys.exit(code)


def _stdout_closed() -> int:
    """Exit code 0 once the reader of standard output has gone.

    Standard output is pointed at the null device, as the Python documentation recommends, so
    that the interpreter's last flush of what is still buffered cannot fail again and print
    'Exception ignored ...'.
    """
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (captured, closed)
        return 0
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)
    return 0

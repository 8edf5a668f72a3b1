"""The ``synthgate`` command line.

Heavy modules are imported inside commands so that ``synthgate --help`` and a one-manifest
pre-commit run start fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from synthgate import __version__

if TYPE_CHECKING:
    from synthgate.plugins import PluginHost
    from synthgate.policy import LoadedPolicy

__all__ = ["cli", "main"]

ISSUES_URL = "https://github.com/synthgate/synthgate/issues"
EXIT_CODES = """\b
Exit codes (the same for every format and flag):
  0  nothing at or above the --fail-on level
  1  findings at or above the --fail-on level
  2  usage, input or policy error (a message says where and what to do)
  3  internal error, or a check that crashed (a bug: please report it)"""


class _Group(click.Group):
    """Built-in commands, plus commands from plugins looked up only when asked for."""

    _plugins_added = False

    def _add_plugin_commands(self) -> None:
        if not self._plugins_added:
            self._plugins_added = True
            from synthgate.plugins import load_plugins

            load_plugins().add_commands(self)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._add_plugin_commands()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._add_plugin_commands()
        return super().list_commands(ctx)


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


def _host() -> PluginHost:
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
    help="Lowest verdict that makes the exit code 1.",
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
    from synthgate.audit import Audit, overall_verdict
    from synthgate.documents import Limits
    from synthgate.errors import UsageError, did_you_mean
    from synthgate.models import Totals, verdict_rank
    from synthgate.reporters import RunInfo

    host = _host()
    specs = host.reporters()
    if fmt not in specs:
        raise UsageError(f"unknown output format '{fmt}'", did_you_mean(fmt, specs))
    limits = Limits(max_bytes=max_file_size)
    runner = Audit(host, _policy(host, policy), limits)
    reporter_cls = specs[fmt].load()
    _warn_plugin_errors(host)
    runner.keep_passes = show_passes or reporter_cls.wants_passes
    items = runner.discover(list(paths) or ["."])
    if not items:
        globs = ", ".join(g for a in runner.adapters for g in a.globs)
        raise UsageError(
            "no manifests found in " + ", ".join(paths or (".",)),
            f"name manifest files, or put manifests named like {globs} in the directories",
        )
    out, finish_output = _open_output(output, fmt)
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
    counts = {"pass": 0, "warn": 0, "fail": 0, "error": 0}
    manifests = 0
    input_errors = 0
    from synthgate.errors import InputError

    for result in runner.results(items, jobs or os.cpu_count() or 1):
        if isinstance(result, InputError):
            input_errors += 1
            click.echo(result.render(), err=True)
            continue
        manifests += 1
        for verdict, count in result.counts.items():
            counts[verdict] += count
        reporter.add(result)
    totals = Totals(manifests=manifests, findings=counts, unreadable=input_errors)  # type: ignore[arg-type]
    verdict = overall_verdict(totals)
    reporter.finish(totals, verdict)
    if input_errors:
        finish_output(False)
        noun = "file" if input_errors == 1 else "files"
        click.echo(f"synthgate: {input_errors} {noun} could not be audited (see above)", err=True)
        sys.exit(2)
    finish_output(True)
    if counts["error"] and fail_on != "never":
        click.echo(
            f"synthgate: {counts['error']} checks crashed; please report at {ISSUES_URL}", err=True
        )
        sys.exit(3)
    if fail_on != "never" and verdict != "pass" and verdict_rank(verdict) >= verdict_rank(fail_on):
        sys.exit(1)
    sys.exit(0)


def _open_output(output: str | None, fmt: str) -> tuple[TextIO, Callable[[bool], None]]:
    """Where the report goes; a file is written whole or not at all."""
    if output is None:
        return sys.stdout, lambda ok: sys.stdout.flush()
    import tempfile

    target = Path(output)
    if not target.parent.exists():
        from synthgate.errors import UsageError

        raise UsageError(f"cannot write '{output}': its directory does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def finish(ok: bool) -> None:
        handle.close()
        if ok:
            os.replace(tmp, target)
        else:
            os.unlink(tmp)

    return handle, finish


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

    from synthgate.plugins import load_plugins

    host = load_plugins()
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
                "error": r.error,
            }
            for r in host.records
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for r in host.records:
        kind = "built-in" if r.builtin else "third-party"
        click.echo(f"{r.name} ({r.distribution} {r.version}, {kind})")
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


def main(argv: list[str] | None = None) -> None:
    """Entry point: errors become messages and exit codes, never tracebacks."""
    from synthgate.errors import SynthgateError

    try:
        cli.main(args=argv, prog_name="synthgate", standalone_mode=False)
    except SystemExit as exc:
        sys.exit(exc.code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except SynthgateError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("SYNTHGATE_DEBUG"):
            raise
        click.echo(
            f"synthgate: internal error: {type(exc).__name__}: {exc}\n"
            f"  This is a bug. Please report it at {ISSUES_URL} "
            "(set SYNTHGATE_DEBUG=1 to see the traceback).",
            err=True,
        )
        sys.exit(3)
    sys.exit(0)

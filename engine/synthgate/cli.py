"""The ``synthgate`` command line.

Heavy modules are imported inside commands so that ``synthgate --help`` and a one-manifest
pre-commit run start fast.
"""

from __future__ import annotations

import functools
import io
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

import click

from synthgate import __version__

if TYPE_CHECKING:
    import datetime

    from synthgate.casetests import Coverage
    from synthgate.config import FailOn, Settings
    from synthgate.plugins import PluginHost
    from synthgate.policy import CompiledRule, LoadedPolicy
    from synthgate.run import Overrides, RunOutcome

__all__ = ["Invocation", "cli", "main"]

ISSUES_URL = "https://github.com/synthgate/synthgate/issues"
_MAX_JOBS = 64  # synthgate.config.MAX_JOBS, not imported here to keep 'synthgate --help' light
EXIT_CODES = """\b
Exit codes (the same for every format and flag):
  0  no findings at or above the --fail-on level (or no manifest in the
     directories searched: a warning)
  1  findings at or above the --fail-on level (never with --fail-on never)
  2  usage, input or policy error (a message says where and what to do)
  3  internal error, or a check or output format that crashed (a bug: the
     message names the plugin); a crashed check exits 0 with --fail-on never"""


class _PipeClosed(Exception):
    """The reader of standard output went away (``synthgate ... | head``).

    Raised instead of :class:`BrokenPipeError`, which click would turn into exit code 1.
    """


class _Group(click.Group):
    """The commands of every plugin, the core's own included (they come from the built-in
    plugin ``synthgate-commands``), added through ``synthgate_add_commands`` when the first
    command is looked up."""

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
            # The core's commands warn about broken plugins themselves, where it matters.
            self._add_plugin_commands(warn=cmd_name not in core_commands.commands)
            command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in core_commands.commands:
            from synthgate.errors import UsageError

            raise UsageError(
                f"the command '{cmd_name}' comes with synthgate, but its plugin "
                "synthgate-commands did not add it (see 'synthgate plugins')",
                "take synthgate-commands out of SYNTHGATE_DISABLED_PLUGINS, or install "
                "synthgate again: its entry points may be out of date",
            )
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
@click.version_option(__version__, "-V", "--version", prog_name="synthgate")
def cli() -> None:
    """Audit dataset manifests against policies for synthetic training data.

    Start with 'synthgate audit PATH...' (the built-in default policy is used unless
    --policy is given), 'synthgate init' for a manifest skeleton, and 'synthgate explain
    CODE' for why a rule exists.
    """


core_commands = click.Group("synthgate")
"""The core's commands, in the order they are defined; the built-in plugin
``synthgate-commands`` (:mod:`synthgate.core_commands`) adds them to :data:`cli` through
``synthgate_add_commands``, as a third party's plugin adds its own."""


@dataclass
class Invocation:
    """What the commands of one ``synthgate`` invocation share, kept as the root
    ``click.Context.obj``: the plugin host, loaded by whichever part of the CLI asks first
    (unless given, as a test or an embedding program may)."""

    host: PluginHost | None = None


def _host() -> PluginHost:
    """The plugins of this invocation (see :class:`Invocation`); outside a command, freshly
    loaded."""
    ctx = click.get_current_context(silent=True)
    invocation = ctx.find_root().ensure_object(Invocation) if ctx is not None else Invocation()
    if invocation.host is None:
        from synthgate.plugins import load_plugins

        invocation.host = load_plugins()
    return invocation.host


def _warn_plugin_errors(host: PluginHost) -> None:
    """Say on stderr which plugins failed; the rest of the run goes on without them."""
    from synthgate.escaping import printable

    for message in host.errors():
        click.echo(f"warning: {printable(message)} (left out; see 'synthgate plugins')", err=True)


def _policy(host: PluginHost, ref: str | None) -> LoadedPolicy:
    from synthgate.policy import load_policy

    return load_policy(ref, host)


def _policy_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--policy, and the configuration whose 'policy' it overrides ('explain' and 'rules')."""
    options = [
        click.option(
            "--policy",
            "-p",
            metavar="FILE|PACK",
            help="Policy file or pack name [default: the configuration's 'policy', else the "
            "default pack].",
        ),
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False),
            help="Configuration file [default: found as 'synthgate audit' finds it].",
        ),
        click.option("--no-config", is_flag=True, help="Ignore configuration files."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _configured_policy(
    host: PluginHost, policy: str | None, config_file: str | None, no_config: bool
) -> LoadedPolicy:
    """The policy an audit with these options would use: --policy, else the configuration's,
    else the default pack; loaded as the audit loads it."""
    from synthgate.documents import Limits
    from synthgate.policy import load_policy
    from synthgate.run import Overrides

    settings = _settings(config_file, no_config, Overrides(policy=policy))
    limits = Limits(max_bytes=settings.max_file_size)
    return load_policy(settings.policy, host, limits=limits, root=settings.base)


# --------------------------------------------------------------------------- audit


def _config_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options that override the configuration file, shared by 'audit' and 'config'."""
    options = [
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False),
            help="Configuration file [default: synthgate.toml or pyproject.toml with "
            "[tool.synthgate], in this directory or a parent].",
        ),
        click.option("--no-config", is_flag=True, help="Ignore configuration files."),
        click.option(
            "--policy", "-p", metavar="FILE|PACK", help="Policy file or pack name [default pack]."
        ),
        click.option(
            "--fail-on",
            type=click.Choice(["warn", "fail", "never"]),
            default=None,
            help="Lowest verdict that makes the exit code 1; a crashed check exits 3 "
            "('never': advisory, nothing gates, not even a crashed check) [default: fail].",
        ),
        click.option(
            "--select",
            multiple=True,
            metavar="RULES",
            help="Run only these rules: codes, code prefixes (SG2) or names; comma-separated, "
            "repeatable.",
        ),
        click.option(
            "--ignore",
            multiple=True,
            metavar="RULES",
            help="Do not run these rules (codes, code prefixes or names).",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1, max=_MAX_JOBS),
            default=None,
            help=f"Worker processes for large batches, at most {_MAX_JOBS}; never more than the "
            "CPUs are used [default: number of CPUs].",
        ),
        click.option(
            "--max-file-size",
            type=click.IntRange(min=1),
            default=None,
            help="Largest file read, in bytes [default: 10485760].",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _settings(
    config_file: str | None,
    no_config: bool,
    overrides: Overrides | Mapping[str, Any] | None = None,
) -> Settings:
    """The effective settings: command line over the configuration file over defaults
    (``overrides`` typed, or by configuration key)."""
    from synthgate.run import Overrides, resolve

    if overrides is not None and not isinstance(overrides, Overrides):
        overrides = Overrides(**{key.replace("-", "_"): v for key, v in overrides.items()})
    return resolve(config_file, no_config, overrides)


def _overrides(
    policy: str | None,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    max_file_size: int | None,
    formats: tuple[str, ...] = (),
    waivers: str | None = None,
) -> Overrides:
    """The flags that override configuration keys."""
    from synthgate.config import split_selectors
    from synthgate.run import Overrides

    return Overrides(
        policy=policy,
        fail_on=cast("FailOn | None", fail_on),
        select=tuple(split_selectors(select, "--select")) or None,
        ignore=tuple(split_selectors(ignore, "--ignore")) or None,
        jobs=jobs,
        max_file_size=max_file_size,
        format=formats or None,
        waivers=waivers,
    )


@core_commands.command(epilog=EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "--output-format",
    "-f",
    "formats",
    multiple=True,
    metavar="NAME[=PATH]",
    help="Output format (text, json, sarif, junit, github, markdown, or one a plugin adds), "
    "to standard output or, with =PATH, to a file ('-': standard output); repeatable, one "
    "audit feeds them all [default: text].",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    help="Write the one format given without =PATH here instead of standard output ('-': "
    "standard output). Never a file the audit reads; links are written through.",
)
@_config_options
@click.option(
    "--changed-since",
    metavar="REF",
    help="Audit only manifests changed since git REF: commits since REF...HEAD, "
    "uncommitted and untracked files.",
)
@click.option(
    "--no-context",
    is_flag=True,
    help="Do not read the project's other manifests as context for cross-manifest rules "
    "(SG7xx); those rules then say how many manifests they could not see instead of passing.",
)
@click.option(
    "--show-passes", is_flag=True, help="Include passing checks in the output, not only counts."
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Also show the facts each manifest was judged on (task type, stage, origins, "
    "and where each came from), and which files found in directories were skipped, and why "
    "(on stderr).",
)
@click.option("--color/--no-color", default=None, help="Colour output [default: on a terminal].")
@click.option(
    "--waivers",
    "waivers_file",
    type=click.Path(dir_okay=False),
    help="Central waivers file [default: synthgate-waivers.yaml next to the configuration "
    "file, or in this directory].",
)
@click.option("--ignore-waivers", is_flag=True, help="Audit as if no waiver were written anywhere.")
@click.option(
    "--baseline",
    "baseline_file",
    type=click.Path(dir_okay=False),
    help="Report only findings that are not in this baseline (plus a count of known ones).",
)
@click.option(
    "--write-baseline",
    "write_baseline_file",
    type=click.Path(dir_okay=False),
    help="Record today's findings (by fingerprint) in this file, for --baseline later.",
)
@click.option(
    "--today",
    metavar="YYYY-MM-DD",
    envvar="SYNTHGATE_TODAY",
    help="The date ratchets and waiver expiry are judged on [env SYNTHGATE_TODAY; "
    "default: the current date].",
)
@click.option(
    "--measure/--no-measure",
    "measure_data",
    default=None,
    help="Measure the data of sources with 'data:' first, and judge the measured facts "
    "[default: the 'measure' setting, off].",
)
@click.option("--no-cache", is_flag=True, help="With --measure: measure again, ignoring the cache.")
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Show a progress bar on standard error, also of --measure [default: on a terminal, "
    "outside CI, for more than 300 manifests].",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="After the report, count the findings of each rule (on standard output, or on "
    "standard error when a format other than text is on standard output).",
)
@click.option(
    "--quiet",
    "-q",
    is_flag=True,
    help="Print nothing on standard output and only errors on standard error: no report "
    "there (files named with =PATH or --output are still written), no warnings or notes, no "
    "progress. The exit code is the same.",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="With '-' as the path: the file name the manifest on standard input is shown and "
    "read as (its adapter, per-path settings, waivers) [default: <stdin>, a manifest in YAML "
    "or JSON].",
)
@click.option(
    "--respect-gitignore/--no-respect-gitignore",
    default=True,
    help="Skip what git ignores in directory searches [default: on].",
)
@click.option(
    "--measurements",
    "measurements_file",
    type=click.Path(dir_okay=False),
    help="Judge the measured facts 'synthgate measure --format json' wrote to this file "
    "(a job without the measuring libraries).",
)
def audit(
    paths: tuple[str, ...],
    formats: tuple[str, ...],
    output: str | None,
    config_file: str | None,
    no_config: bool,
    policy: str | None,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    max_file_size: int | None,
    changed_since: str | None,
    no_context: bool,
    show_passes: bool,
    verbose: bool,
    color: bool | None,
    waivers_file: str | None,
    ignore_waivers: bool,
    baseline_file: str | None,
    write_baseline_file: str | None,
    today: str | None,
    measure_data: bool | None = None,
    no_cache: bool = False,
    progress: bool | None = None,
    respect_gitignore: bool = True,
    measurements_file: str | None = None,
    statistics: bool = False,
    quiet: bool = False,
    stdin_filename: str | None = None,
) -> None:
    """Audit manifests (files, or directories searched for *.synthgate.yaml and the like;
    '-': one manifest from standard input)."""
    from synthgate.errors import SynthgateError
    from synthgate.run import Overrides, Run, RunSettings

    try:
        day = _parse_today(today)  # the first flag checked
        overrides = _overrides(
            policy, fail_on, select, ignore, jobs, max_file_size, formats, waivers_file
        )
    except SynthgateError as exc:  # a SARIF file is written even so (see Run.execute)
        named = Overrides(policy=policy, format=formats or None, waivers=waivers_file)
        failed = RunSettings(
            paths=paths,
            config_file=config_file,
            no_config=no_config,
            overrides=named,
            output=output,
            baseline=baseline_file,
        )
        Run(failed, _host(), notify=functools.partial(click.echo, err=True)).report_failure([exc])
        raise
    if quiet:
        _check_quiet(statistics, verbose, progress, write_baseline_file)
        progress = False
    run = RunSettings(
        paths=paths,
        config_file=config_file,
        no_config=no_config,
        overrides=overrides.replace(measure=measure_data),
        output=output,
        changed_since=changed_since,
        context="count" if no_context else "read",
        show_passes=show_passes,
        verbose=verbose,
        color=color,
        ignore_waivers=ignore_waivers,
        baseline=baseline_file,
        write_baseline=write_baseline_file,
        today=day,
        cache=not no_cache,
        progress=progress,
        respect_gitignore=respect_gitignore,
        measurements=measurements_file,
        statistics=statistics,
        stdin_filename=stdin_filename,
    )
    tell = functools.partial(click.echo, err=True)
    outcome = Run(
        run,
        _host(),
        notify=(lambda text: None) if quiet else tell,
        errors=tell,
        stdout=cast("TextIO", _Discard()) if quiet else None,
    ).execute()
    if statistics:
        from synthgate.escaping import printable
        from synthgate.run import render_statistics

        beside = outcome.stdout_format not in (None, "text")  # keep JSON and the like parseable
        text = printable(render_statistics(outcome.statistics), keep_newlines=True)
        click.echo(text, nl=False, err=beside)
    sys.exit(_exit_code(outcome, quiet=quiet))


class _Discard(io.TextIOBase):
    """Standard output under --quiet: formats still run (a crash still exits 3), their text
    goes nowhere."""

    def write(self, text: str) -> int:
        return len(text)


def _check_quiet(
    statistics: bool, verbose: bool, progress: bool | None, write_baseline: str | None
) -> None:
    """--quiet excludes the flags that only add output it would suppress."""
    from synthgate.errors import UsageError

    for given, flag in (
        (statistics, "--statistics"),
        (verbose, "--verbose"),
        (progress is True, "--progress"),
        (write_baseline == "-", "--write-baseline -"),
    ):
        if given:
            raise UsageError(
                f"--quiet and {flag} exclude each other",
                "--quiet prints nothing but errors; leave out one of them",
            )


def _exit_code(outcome: RunOutcome, *, quiet: bool = False) -> int:
    """The exit code of an audit, after the closing messages on stderr (see EXIT_CODES;
    ``quiet``: errors only)."""
    from synthgate.errors import UsageError
    from synthgate.escaping import printable

    if outcome.wrote_baseline is not None and not quiet:
        click.echo(f"synthgate: wrote baseline {printable(outcome.wrote_baseline)}", err=True)
    for message in outcome.reporter_failures:
        click.echo(f"synthgate: {printable(message)}; its output was not written", err=True)
    if outcome.errors:
        count = len(outcome.errors)
        noun = "file" if count == 1 else "files"
        click.echo(f"synthgate: {count} {noun} could not be audited (see above)", err=True)
    elif outcome.nothing_audited:  # never a pass when nothing was audited
        raise UsageError("no manifest was audited", "name manifest files or directories")
    elif outcome.crashed and not outcome.reporter_failures:
        noun = "check" if outcome.crashed == 1 else "checks"
        click.echo(
            f"synthgate: {outcome.crashed} {noun} crashed: each 'error' finding names the plugin "
            f"to blame (report a crash of synthgate's own plugins at {ISSUES_URL})",
            err=True,
        )
        # --fail-on never is advisory: crashes are shown but, like every finding, never gate.
    return outcome.exit_code


def _parse_today(text: str | None) -> datetime.date:
    """``--today`` (or ``SYNTHGATE_TODAY``) as a date; the current date when not given."""
    import datetime
    import re

    if text is None:
        return datetime.date.today()
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
            raise ValueError(text)
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        from synthgate.errors import UsageError

        raise UsageError(
            f"--today (or SYNTHGATE_TODAY): not a date: '{text}'",
            "write the date as YYYY-MM-DD, e.g. --today 2025-01-31",
        ) from None


@core_commands.command("config")
@_config_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def config_command(
    config_file: str | None,
    no_config: bool,
    policy: str | None,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int | None,
    max_file_size: int | None,
    fmt: str,
) -> None:
    """Print the effective configuration and where each value comes from."""
    overrides = _overrides(policy, fail_on, select, ignore, jobs, max_file_size)
    settings = _settings(config_file, no_config, overrides)
    if fmt == "json":
        import json

        click.echo(json.dumps(settings.as_json(), indent=2))
    else:
        click.echo(settings.as_text(), nl=False)


# --------------------------------------------------------------------------- test


@core_commands.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--require-tests",
    is_flag=True,
    help="Fail when a rule that a tested policy defines or overrides has no passing case or "
    "no failing case.",
)
@click.option("--verbose", "-v", is_flag=True, help="List every case, not only failures.")
def test_command(paths: tuple[str, ...], require_tests: bool, verbose: bool) -> int:
    """Run policy unit tests: case files (*.cases.yaml) of manifests and the verdict each
    rule should give. PATHS are case files or directories [default: .].

    \b
    Exit codes: 0 every case holds (and, with --require-tests, every rule is
    covered); 1 a case does not hold or a rule lacks cases; 2 a case file is
    invalid."""
    from synthgate.casetests import CaseRunner, Coverage, discover_case_files, load_case_file
    from synthgate.errors import InputError, Problem, UsageError
    from synthgate.escaping import printable

    host = _host()
    _warn_plugin_errors(host)
    files = discover_case_files(paths or (".",))
    if not files:
        raise UsageError(
            "no case files found in " + ", ".join(paths or (".",)),
            "case files end in .cases.yaml (see docs/testing.md)",
        )
    runner = CaseRunner(host)
    coverage = Coverage()
    problems: list[Problem] = []
    failed = total = 0
    for path, shown in files:
        try:
            case_file = load_case_file(path, shown)
            results = runner.run_file(case_file)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        own = runner.own_rules(case_file)
        for result in results:
            total += 1
            coverage.add(result, own)
            if result.ok:
                if verbose:
                    click.echo(f"{printable(result.case.where)}: ok: {printable(result.case.name)}")
                continue
            failed += 1
            where, name = printable(result.case.where), printable(result.case.name)
            click.echo(f"{where}: FAILED: {name} ({printable(result.policy)})")
            for line in result.explain().splitlines():
                click.echo("    " + printable(line))
    if problems:
        raise InputError(problems)
    gaps = _show_coverage(coverage, require_tests)
    rules_count = len(coverage.rules)
    click.echo(
        f"{total} cases in {len(files)} file{'s' if len(files) != 1 else ''}: "
        f"{total - failed} passed, {failed} failed; "
        f"{rules_count - len(gaps)} of {rules_count} rules have passing and failing cases"
    )
    return 1 if failed or (require_tests and gaps) else 0


def _show_coverage(coverage: Coverage, require_tests: bool) -> list[tuple[str, str, str, str]]:
    """Print the rules no case reaches and (with --require-tests) those without the cases it
    asks for; return the latter."""
    from synthgate.escaping import printable

    gaps = coverage.gaps()
    unreached = coverage.unreached()
    if unreached:
        click.echo("rules no case reaches (they applied to no case's manifest):")
        for policy, code, name in unreached:
            click.echo(printable(f"    {code} {name} ({policy})"))
    if require_tests and gaps:
        click.echo("rules without the cases --require-tests asks for:")
        for policy, code, name, missing in gaps:
            click.echo(printable(f"    {code} {name} ({policy}): {missing}"))
    return gaps


# --------------------------------------------------------------------------- rules and explain


@core_commands.command()
@click.argument("code")
@_policy_options
def explain(code: str, policy: str | None, config_file: str | None, no_config: bool) -> None:
    """Print the card of rule CODE (or name): what it checks, why, and what to do."""
    from synthgate.errors import UsageError, did_you_mean

    host = _host()
    loaded = _configured_policy(host, policy, config_file, no_config)
    _warn_plugin_errors(host)
    compiled = loaded.rule(code) or loaded.rule(code.upper())
    if compiled is None:
        names = [c.rule.code for c in loaded.rules] + [c.rule.name for c in loaded.rules]
        raise UsageError(
            f"no rule '{code}' in policy '{loaded.name}'",
            did_you_mean(code, names) or "list the rules with 'synthgate rules'",
        )
    from synthgate.escaping import printable
    from synthgate.rule_cards import rule_card

    # The card of docs/rules.md, without the HTML anchor a terminal has no use for.
    card = rule_card(compiled)
    card = card.split("\n", 1)[1] if card.startswith("<a id=") else card
    click.echo(printable(card, keep_newlines=True), nl=False)  # a policy's text is data


@core_commands.command()
@_policy_options
@click.option(
    "--pack",
    metavar="NAME",
    help="A policy pack registered by an installed plugin (see 'synthgate plugins').",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: every rule card, as in docs/rules.md.",
)
@click.option("--taxonomy", is_flag=True, help="List the task taxonomy instead of the rules.")
def rules(
    policy: str | None,
    config_file: str | None,
    no_config: bool,
    pack: str | None,
    fmt: str,
    taxonomy: bool,
) -> None:
    """List the rules (or the task taxonomy) of a policy."""
    import json

    from synthgate.errors import UsageError, did_you_mean
    from synthgate.escaping import printable

    host = _host()
    if pack is not None:
        if policy is not None:
            raise UsageError("give --policy or --pack, not both")
        registered = host.policy_packs()
        if pack not in registered:
            raise UsageError(
                f"no policy pack named '{pack}'",
                did_you_mean(pack, registered) or "list the packs with 'synthgate plugins'",
            )
        policy = pack
    loaded = _configured_policy(host, policy, config_file, no_config)
    _warn_plugin_errors(host)
    if fmt == "markdown":
        from synthgate.rule_cards import policy_document

        if taxonomy:
            raise UsageError("--taxonomy lists the taxonomy as text or json; markdown has it")
        click.echo(policy_document(loaded), nl=False)
        return
    if taxonomy:
        if fmt == "json":
            data = {name: t.model_dump() for name, t in sorted(loaded.taxonomy.items())}
            click.echo(json.dumps(data, indent=2))
            return
        for name, task in sorted(loaded.taxonomy.items()):
            aliases = f"  (aliases: {', '.join(task.aliases)})" if task.aliases else ""
            click.echo(printable(f"{name:<28} {task.verifiability:<10}{aliases}"))
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
    head = f"policy {loaded.name} {loaded.version} ({packs}): {len(loaded.rules)} rules"
    click.echo(printable(head))
    from synthgate.rule_cards import constraint

    for compiled in loaded.rules:
        rule = compiled.rule
        kind = compiled.kind.name
        strongest = _strongest_verdict(compiled)
        line = f"{rule.code:<7} {strongest:<5} {kind:<23} {rule.name}: {rule.summary}"
        click.echo(printable(line))
        expected = constraint(compiled)
        if expected:  # the bands, so that a pack's tightened thresholds show
            click.echo(f"{'':<7} {printable(expected)}")


def _strongest_verdict(compiled: CompiledRule) -> str:
    """The worst verdict a rule can give: its severity, or ``warn`` when the parameters of
    its check name verdicts and none is ``fail`` (a warn band only, ``verdict: warn``)."""
    severity = compiled.rule.severity
    if severity != "fail":
        return severity
    params = compiled.params
    named: list[str] = []
    for name in type(params).model_fields:
        value = getattr(params, name)
        if name in ("warn", "fail"):  # the bands of a threshold
            named += [name] if value is not None else []
        elif isinstance(value, str) and value in ("pass", "warn", "fail"):
            named.append(value)
    return "warn" if named and "fail" not in named else severity


@core_commands.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def plugins(fmt: str) -> None:
    """List plugins: name, version, hooks, built-in or not, what each provides, load errors.

    Two plugins that register one name (a check kind, metric, output format, adapter, policy
    pack or task type) are listed too, and make the exit code 2: every audit would stop there.
    """
    import json

    from synthgate.errors import UsageError
    from synthgate.plugins import REGISTRIES

    host = _host()
    cli._add_plugin_commands(warn=False)  # records plugins whose synthgate_add_commands raises
    registries = {hook.key: hook.plural for hook in REGISTRIES}
    provides: dict[str, dict[str, list[str]]] = {}
    conflicts: list[str] = []
    for hook in REGISTRIES:  # calling the hooks records plugins that raise
        try:
            owners = host.registry(hook).owners()
        except UsageError as exc:  # a clash: listed here rather than stopping the listing
            conflicts.append(exc.message)
            continue
        for name, owner in sorted(owners.items()):
            provides.setdefault(owner, {}).setdefault(hook.key, []).append(name)
    if fmt == "json":
        rows = [
            {
                "name": r.name,
                "distribution": r.distribution,
                "version": r.version,
                "builtin": r.builtin,
                "hooks": r.hooks,
                "provides": provides.get(r.name, {}) if r.hooks else {},
                "disabled": r.disabled,
                "error": r.error,
            }
            for r in host.records
        ]
        click.echo(json.dumps(rows, indent=2))
    else:
        for r in host.records:
            kind = "built-in" if r.builtin else "third-party"
            state = ", disabled by SYNTHGATE_DISABLED_PLUGINS" if r.disabled else ""
            click.echo(f"{r.name} ({r.distribution} {r.version}, {kind}{state})")
            click.echo(f"    hooks: {', '.join(r.hooks) or 'none'}")
            if r.hooks:  # not for a plugin left out, whose name another may have taken
                for method, names in provides.get(r.name, {}).items():
                    click.echo(f"    {registries[method]}: {', '.join(names)}")
            if r.error:
                click.echo(f"    error: {r.error}")
    for message in conflicts:
        click.echo(f"error: {message}", err=True)
    if conflicts:
        sys.exit(2)


@core_commands.command()
@click.argument("which", type=click.Choice(["manifest", "policy", "report"]))
def schema(which: str) -> None:
    """Print the JSON Schema of a manifest, a policy or a report."""
    from importlib.resources import files

    click.echo((files("synthgate.schemas") / f"{which}.schema.json").read_text("utf-8"), nl=False)


@core_commands.command()
@click.argument("path", default="synthgate.yaml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--from",
    "from_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Prefill the manifest from a Hugging Face dataset card (README.md) or a Croissant "
    "file, read from disk; each value says where it came from.",
)
@click.option(
    "--policy",
    "-p",
    metavar="FILE|PACK",
    help="With --from: the policy whose taxonomy names the task type [default pack].",
)
def init(path: str, force: bool, from_path: str | None, policy: str | None) -> None:
    """Write a commented manifest skeleton to PATH [default: synthgate.yaml].

    With --from, the manifest is prefilled from metadata you already have, and every fact
    that metadata cannot give is marked FILL IN.
    """
    from synthgate.errors import UsageError
    from synthgate.outputs import write_text
    from synthgate.skeleton import SKELETON

    target = Path(path)
    if target.exists() and not force:
        raise UsageError(f"'{path}' already exists", "choose another path, or pass --force")
    if not target.parent.exists():
        raise UsageError(f"cannot write '{path}': its directory does not exist")
    if from_path is None:
        if policy is not None:
            raise UsageError("--policy is used only with --from")
        write_text(path, SKELETON, label="manifest")
        click.echo(f"wrote {path}: fill in every 'unknown', then run 'synthgate audit {path}'")
        return
    from synthgate.prefill import prefill

    host = _host()
    _warn_plugin_errors(host)
    if Path(from_path).resolve() == target.resolve():
        raise UsageError("--from and PATH name the same file", "write the manifest elsewhere")
    made = prefill(Path(from_path), host, _policy(host, policy), display=from_path)
    write_text(path, made.text, inputs={Path(from_path): "--from file"}, label="manifest")
    click.echo(
        f"wrote {path} from {from_path} ({made.adapter}): {made.to_fill} facts marked FILL IN; "
        f"fill in what you can, then run 'synthgate audit {path}'"
    )


def _add_measure_command() -> None:
    from synthgate.measure.command import measure_command

    core_commands.add_command(measure_command)


_add_measure_command()


def main(argv: list[str] | None = None, *, host: PluginHost | None = None) -> NoReturn:
    """Entry point: errors become messages and exit codes, never tracebacks.

    Besides the documented exit codes: a command's integer return value or ``ctx.exit(n)``
    is the exit code, Ctrl-C exits 130, and a closed standard output (``synthgate ... |
    head``) exits 0 quietly.
    """
    from synthgate.errors import SynthgateError, Terminated
    from synthgate.escaping import printable

    code: int | str | None
    try:
        returned = cli.main(
            args=argv, prog_name="synthgate", standalone_mode=False, obj=Invocation(host)
        )
        code = returned if isinstance(returned, int) else 0  # ctx.exit(n) returns n too
    except SystemExit as exc:
        code = exc.code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except (_PipeClosed, BrokenPipeError):
        code = _stdout_closed()
    except click.exceptions.Abort as exc:
        # Click chains the KeyboardInterrupt as the cause, or (8.1.0-8.1.3) only as the context.
        if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
            click.echo("synthgate: interrupted", err=True)
            code = 130
        else:
            click.echo("synthgate: aborted", err=True)
            code = 2
    except KeyboardInterrupt:
        click.echo("synthgate: interrupted", err=True)
        code = 130
    except Terminated as exc:  # SIGTERM or SIGHUP while outputs were open: none was written
        click.echo(f"synthgate: terminated by signal {exc.signum}", err=True)
        code = 128 + exc.signum
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
            f"synthgate: internal error: {type(exc).__name__}: {printable(str(exc))}\n"
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

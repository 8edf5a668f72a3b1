"""Built-in output formats; each is imported only when asked for."""

from __future__ import annotations

from synthgate.plugin import Reporter, ReporterSpec, hookimpl

__all__ = ["synthgate_register_reporters"]


def _text() -> type[Reporter]:
    from synthgate_plugins.reports.text import TextReporter

    return TextReporter


def _concise() -> type[Reporter]:
    from synthgate_plugins.reports.concise import ConciseReporter

    return ConciseReporter


def _json() -> type[Reporter]:
    from synthgate_plugins.reports.json import JsonReporter

    return JsonReporter


def _sarif() -> type[Reporter]:
    from synthgate_plugins.reports.sarif import SarifReporter

    return SarifReporter


def _junit() -> type[Reporter]:
    from synthgate_plugins.reports.junit import JunitReporter

    return JunitReporter


def _github() -> type[Reporter]:
    from synthgate_plugins.reports.github import GithubReporter

    return GithubReporter


def _markdown() -> type[Reporter]:
    from synthgate_plugins.reports.markdown import MarkdownReporter

    return MarkdownReporter


def _html() -> type[Reporter]:
    from synthgate_plugins.reports.html import HtmlReporter

    return HtmlReporter


@hookimpl
def synthgate_register_reporters() -> list[ReporterSpec]:
    """The built-in output formats."""
    return [
        ReporterSpec("text", "Human-readable findings, one block per manifest.", _text),
        ReporterSpec(
            "concise", "One line per finding: path:line:col: CODE verdict: message.", _concise
        ),
        ReporterSpec(
            "json", "The whole report as JSON (schema: 'synthgate schema report').", _json
        ),
        ReporterSpec("sarif", "SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs).", _sarif),
        ReporterSpec(
            "junit", "JUnit XML: a suite per manifest, a case per rule and scope.", _junit
        ),
        ReporterSpec("github", "GitHub Actions annotations on the manifest lines.", _github),
        ReporterSpec(
            "markdown", "A Markdown summary for a job summary or a PR comment.", _markdown
        ),
        ReporterSpec(
            "html", "One self-contained page: findings, composition, lineage, waivers.", _html
        ),
    ]

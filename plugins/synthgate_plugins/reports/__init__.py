"""Built-in output formats; each is imported only when asked for."""

from __future__ import annotations

from synthgate import Reporter, ReporterSpec, hookimpl

__all__ = ["synthgate_register_reporters"]


def _text() -> type[Reporter]:
    from synthgate_plugins.reports.text import TextReporter

    return TextReporter


def _json() -> type[Reporter]:
    from synthgate_plugins.reports.json import JsonReporter

    return JsonReporter


@hookimpl
def synthgate_register_reporters() -> list[ReporterSpec]:
    """The built-in output formats."""
    return [
        ReporterSpec("text", "Human-readable findings, one block per manifest.", _text),
        ReporterSpec(
            "json", "The whole report as JSON (schema: 'synthgate schema report').", _json
        ),
    ]

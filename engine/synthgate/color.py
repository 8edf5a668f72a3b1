"""Whether an output stream gets colour: ``--color/--no-color`` first, then the environment
(``NO_COLOR``, https://no-color.org; ``FORCE_COLOR``, https://force-color.org), then whether
the stream is a terminal."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TextIO

__all__ = ["wants_color"]


def wants_color(
    stream: TextIO, flag: bool | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """Colour for ``stream``: the flag when given; never with ``NO_COLOR`` set; always with a
    non-empty ``FORCE_COLOR`` (a CI log is no terminal but shows colour); else on a terminal."""
    if flag is not None:
        return flag
    env = os.environ if environ is None else environ
    if "NO_COLOR" in env:
        return False
    if env.get("FORCE_COLOR", ""):
        return True
    return stream.isatty()

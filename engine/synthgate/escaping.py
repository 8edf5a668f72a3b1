"""Data shown to people, made inert: no control character reaches a terminal or a CI log.

A manifest, policy, configuration, waivers file or file name comes from the branch under review,
so any value from one may hold an ANSI or OSC escape sequence (colours, hyperlinks, a cleared
screen, a window title), a bidirectional override that shows text in another order than it is
read, or a newline that starts a forged line (``FAIL: 0 manifests``, ``::error ...``).
:func:`printable` writes every such character as a visible escape; every human-facing output
passes each data value through it.
"""

from __future__ import annotations

import re

__all__ = ["printable"]

_UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0 (newline, tab, ESC included), DEL and C1 (CSI, OSC, NEL)
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right and right-to-left marks
    "\u202a-\u202e"  # bidirectional embeddings and overrides
    "\u2066-\u2069"  # bidirectional isolates
    "\u2028\u2029"  # line and paragraph separators: line breaks to some viewers
    "]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character, bidirectional control and line break written
    as a backslash escape (``\\n``, ``\\x1b``, ``\\u202e``); other text unchanged.

    With ``keep_newlines``, ``\\n`` stays a line break (for a block of several lines that
    synthgate itself laid out, such as a rule card); every other character is escaped."""
    if keep_newlines:
        return "\n".join(_UNSAFE.sub(_escape, line) for line in text.split("\n"))
    return _UNSAFE.sub(_escape, text)

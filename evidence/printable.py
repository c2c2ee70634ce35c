"""issue 23: text from a victim's files shown to people, without its control characters.

A file name can hold a newline (it would forge a line in receipt.txt), an escape sequence (it
would drive the terminal) or a right-to-left override (it would show `exe.txt` as `txt.exe`).
Shown text replaces each such character with a visible escape (`\\n`, `\\x1b`, `\\u202e`); the
stored name and the records keep it exactly as it was.
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def text(value: object) -> str:
    """`value` as one line of plain, visible characters."""
    s = str(value)
    if s.isprintable():
        return s
    return "".join(c if c.isprintable() or c == " " else _escaped(c) for c in s)


def _escaped(c: str) -> str:
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    if unicodedata.category(c) == "Zs":  # ideographic and other spaces are fine to show
        return c
    return f"\\x{n:02x}" if n < 0x100 else (f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}")

"""One CSV writer for every CSV the tool writes (issue 23): RFC 4180 with CRLF line ends (what
Excel writes), and no cell a spreadsheet would run as a formula.

OWASP's CSV-injection rule: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
is prefixed with `'`, so Excel and LibreOffice show it as text. Message bodies, names and file
names are untrusted (a phishing text can hold `=HYPERLINK(…)`). Full-width forms (＝＋－＠) are
treated alike, since East Asian Excel converts them; leading spaces do not hide a formula. A
plain number (`-599.00`) is no formula and stays a number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import TextIO

FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def cell(value: object) -> str:
    """`value` as a CSV cell that cannot run as a formula."""
    text = "" if value is None else str(value)
    first = text.lstrip(" ")[:1]
    if first in FORMULA_START and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def text(rows: Iterable[Iterable[object]]) -> str:
    """The CSV text of `rows` (the header is the first row), every cell through `cell`."""
    buf = io.StringIO(newline="")
    write(rows, buf)
    return buf.getvalue()


def write(rows: Iterable[Iterable[object]], out: TextIO) -> None:
    """`text(rows)` written to `out` row by row (issue 23: a 600,000-message timeline)."""
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([cell(v) for v in row])

"""Bank statements as PDF (网银 "交易明细/对账单" downloads) with a text layer: one TRANSACTION event
per row, located as `page P line L` (L counts the text lines of the page from the top).

Why positions: a PDF table has no cells, only strings placed at x/y. Empty 支出/收入 cells simply
vanish from plain text, so each string is put under the header column nearest to its x. Rows are
then read exactly like CSV rows (statement_csv.transaction). Encrypted and damaged PDFs are refused
by document.validate, shared with every PDF source.

Sniffed by signature, never by reading text: a PDF whose file name is a bank download's
(`交易明细`, `账户明细`, `对账单`, `流水`, `historydetail`, `statement` …). Any other PDF is a
document; `document.read` still reads a statement table it finds there onto the timeline.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from pathlib import Path

import pypdf
from pypdf import errors as pdf_errors

from evidence import template, times
from evidence.model import Basis, Event, FileKind, Issue, Severity, SourceFile
from evidence.sources import Context, document, statement_csv

TIME_MEANING = "transaction_time"  # the statement row's 交易时间 (or date only)
BASIS = Basis.EXACT
# what banks' download buttons and victims call a statement file
NAME_SIGNS = re.compile(r"交易明细|账户明细|对账单|流水|交易记录|明细|账单|historydetail|statement|"
                        r"transaction", re.IGNORECASE)

LINE_TOLERANCE = 2.5  # points: strings of one table row share a baseline within this
_DATE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?:[-/.年]\d{1,2}[-/.月]\d{1,2}|\d{4})(?!\d)")



@dataclasses.dataclass(frozen=True)
class Cell:
    x: float
    text: str


@dataclasses.dataclass(frozen=True)
class Line:
    number: int  # 1-based from the top of the page
    cells: tuple[Cell, ...]

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


def page_lines(page: pypdf.PageObject) -> list[Line]:
    """The page's strings grouped into visual lines, top to bottom, each sorted left to right."""
    runs: list[tuple[float, float, str]] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: object, size: object) -> None:
        if text.strip():
            m = pypdf.mult(list(tm), list(cm))
            for part in text.splitlines():
                if part.strip():
                    runs.append((float(m[5]), float(m[4]), part.strip()))

    page.extract_text(visitor_text=visit)
    runs.sort(key=lambda r: (-r[0], r[1]))
    grouped: list[list[tuple[float, float, str]]] = []
    for run in runs:
        if grouped and abs(grouped[-1][0][0] - run[0]) <= LINE_TOLERANCE:
            grouped[-1].append(run)
        else:
            grouped.append([run])
    return [Line(i, tuple(Cell(x, t) for _, x, t in sorted(g, key=lambda r: r[1])))
            for i, g in enumerate(grouped, start=1)]


def _cells(line: Line) -> list[Cell]:
    """Cells of a line; a string holding several cells (`2015-03-18  快捷支付  20,000.00`) is split."""
    out: list[Cell] = []
    for c in line.cells:
        parts = [p for p in re.split(r"\s{2,}|\t", c.text) if p]
        out.extend(Cell(c.x + i * 0.001, p) for i, p in enumerate(parts))
    return out


@dataclasses.dataclass(frozen=True)
class Header:
    columns: tuple[tuple[float, str], ...]  # (x, role), left to right


def _header(line: Line) -> Header | None:
    cells = _cells(line)
    roles = statement_csv.header_roles([c.text for c in cells])
    if not roles:
        return None
    return Header(tuple(sorted((cells[i].x, role) for role, i in roles.items())))


def _row(line: Line, header: Header) -> dict[str, str]:
    """Each cell under the header column nearest to its x (money is often right-aligned)."""
    row: dict[str, str] = {role: "" for _, role in header.columns}
    cells = _cells(line)
    if len(line.cells) == 1 and len(cells) == len(header.columns):  # one string: match by order
        return {role: c.text for (_, role), c in zip(header.columns, cells, strict=True)}
    for c in cells:
        _, role = min(header.columns, key=lambda col: abs(col[0] - c.x))
        row[role] = f"{row[role]} {c.text}".strip()
    return row


class _Pages:
    """One PDF's reader and the lines of each page read so far: sniff, validate and read see
    the same file in turn, and each page's text is extracted once."""

    def __init__(self, path: Path) -> None:
        self.opened = document.open_pdf(path)
        self.lines: dict[int, list[Line] | Exception] = {}

    def page(self, index: int) -> list[Line]:
        got = self.lines.get(index)
        if got is None:
            assert self.opened.reader is not None
            try:
                got = page_lines(self.opened.reader.pages[index])
            except _READ_ERRORS as exc:
                got = exc
            self.lines[index] = got
        if isinstance(got, Exception):
            raise got
        return got


_READ_ERRORS = (pdf_errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
                RecursionError)


@functools.lru_cache(maxsize=8)  # a victim's PDFs, between their sniff and their read
def _pages_of(path: Path, size: int, mtime_ns: int, inode: int) -> _Pages:
    return _Pages(path)


def _pages(path: Path) -> _Pages | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return _pages_of(path, info.st_size, info.st_mtime_ns, info.st_ino)


def validate(path: Path, lang: str) -> str | None:
    pages = _pages(path)
    opened = pages.opened if pages is not None else document.open_pdf(path)
    return document.problem_text(opened, lang)


def sniff(head: bytes, name: str) -> bool:
    """A PDF (by its magic bytes) named like a bank statement download."""
    return document.is_pdf(head) and bool(NAME_SIGNS.search(name))


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.BANK_STATEMENT


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    pages = _pages(file.abspath)
    if pages is None or pages.opened.reader is None:
        return [], []
    events: list[Event] = []
    issues: list[Issue] = []
    txs: list[statement_csv.Transaction] = []
    header: Header | None = None
    for p in range(1, len(pages.opened.reader.pages) + 1):
        try:
            lines = pages.page(p - 1)
        except _READ_ERRORS as exc:
            issues.append(Issue(Severity.WARNING, "pdf_no_text", template.t(
                ctx.lang, "notices.pdf_no_text", path=file.path, page=p) + f" ({type(exc).__name__})",
                path=file.path, locator=f"page {p}"))
            continue
        if not lines:
            issues.append(Issue(Severity.WARNING, "pdf_no_text", template.t(
                ctx.lang, "notices.pdf_no_text", path=file.path, page=p), path=file.path,
                locator=f"page {p}"))
            continue
        headers = [_header(line) for line in lines]
        if any(headers):
            header = None  # this page prints its own header: what is above it is titles
        for line, found_header in zip(lines, headers, strict=True):
            if found_header is not None:
                header = found_header  # continuation pages without one reuse the last header
                continue
            if header is None or not _DATE.search(times.normalize_text(line.text)):
                continue  # titles, account lines, footers
            locator = f"page {p} line {line.number}"
            found = statement_csv.transaction(_row(line, header), ctx.tz)
            if isinstance(found, str):
                problem = statement_csv.row_problem(found, file, locator, line.text, ctx)
                if problem:
                    issues.append(problem)
                continue
            txs.append(found)
            events.append(statement_csv.event(found, file, locator, ctx))
    return events, statement_csv.file_notes(file, txs, ctx) + issues

"""A volume's cover (issue 18): the case, the volume, its Bates range and an index of what it
holds; the first volume's cover indexes every volume.

Each row carries a placeholder URI `evidence-page:<volume>:<0-based page in it>` that
pdf/bundle.py turns into a jump inside the volume, or a remote go-to naming the other
volume's file. A fixed number of rows a page, so the cover's page count is known before it
is drawn (the volumes are planned with it). Returns bytes; never writes files.
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from evidence.render import fonts as fonts_mod
from evidence.render import joint as render_joint

ROWS_FIRST = 26  # index rows on the cover's first page (below the heading block)
ROWS_NEXT = 40  # on each further page
PAGE_LINK = "evidence-page:"

_TEXT = {
    "zh-Hans": {"volume": "第 {n} 卷（共 {of} 卷）", "range": "编号范围：{first} 至 {last}",
                "file": "文件：{name}", "index": "本卷目录", "whole": "全部各卷目录",
                "what": "内容", "bates": "编号", "where": "卷 / 页", "at": "第{v}卷 第{p}页",
                "more": "（续）", "part": "（第{k}/{of}部分）",
                "blank": "（此页空白）",
                "cite": "引用页码以每页右下角的汇编页码为准（即PDF阅读器显示的页码），括号内为该原告卷宗页码。",
                "cite_dossier": "引用页码以每页右下角的卷宗编号为准（即PDF阅读器显示的页码）。"},
    "en": {"volume": "Volume {n} of {of}", "range": "Bates range: {first} to {last}",
           "file": "File: {name}", "index": "Index of this volume", "whole": "Index of all volumes",
           "what": "Contents", "bates": "Bates", "where": "Volume / page", "at": "vol. {v} p. {p}",
           "more": "(continued)", "part": " (part {k}/{of})",
           "blank": "(this page intentionally left blank)",
           "cite": "Cite pages by the bundle number at the bottom right (the page number a PDF "
                   "viewer shows); in brackets beneath: the claimant dossier's own page.",
           "cite_dossier": "Cite pages by the number at the bottom right (the page number a PDF "
                           "viewer shows)."},
}


@dataclasses.dataclass(frozen=True)
class Row:
    """One index row: what, its Bates range, and where it starts (volume, 0-based page)."""

    title: str
    first: str
    last: str
    volume: int
    page: int


def pages(rows: int, duplex: bool = False) -> int:
    """The cover's page count for this many index rows; `duplex`: even, so that what follows
    starts on a right-hand page (a blank verso closes the cover)."""
    n = 1 if rows <= ROWS_FIRST else 1 + math.ceil((rows - ROWS_FIRST) / ROWS_NEXT)
    return n + (n % 2 if duplex else 0)


def title(number: int, volumes: int, lang: str) -> str:
    """The cover's outline entry: 第 2 卷（共 5 卷）."""
    return _texts(lang)["volume"].format(n=number, of=volumes)


def part_suffix(k: int, of: int, lang: str) -> str:
    """A dossier cut between volumes: which piece this is."""
    return _texts(lang)["part"].format(k=k, of=of)


def _texts(lang: str) -> dict[str, str]:
    return _TEXT["en"] if lang.startswith("en") else _TEXT["zh-Hans"]


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


@dataclasses.dataclass(frozen=True)
class _Block:
    """What the heading block of a volume's cover says."""

    title: str
    volume: int
    volumes: int
    first: str
    last: str
    file_name: str
    whole: bool
    cite: str  # how to cite a page: a bundle's pages carry two numbers, a dossier's one


def _heading(c: Canvas, b: _Block, t: dict[str, str], fonts: fonts_mod.Fonts, size: tuple[float, float],
             margin: float) -> float:
    """The case's caption (bold, balanced over two lines if long), the volume, its range and
    file, how to cite a page, the index's heading; returns the y below it. Issue 17: it starts
    at the top margin (the stamp is at the bottom right now), headings bold, text 五号."""
    width, height = size
    y = height - margin - 4 * mm
    c.setFont(fonts.heading, 18)
    for line in render_joint.balanced(b.title, fonts.heading, 18, width - 2 * margin).split("\n"):
        c.drawString(margin, y, line)
        y -= 9 * mm
    y -= 3 * mm
    c.setFont(fonts.heading, 14)
    c.drawString(margin, y, t["volume"].format(n=b.volume, of=b.volumes))
    y -= 8 * mm
    c.setFont(fonts.body, 10.5)
    for text in (t["range"].format(first=b.first, last=b.last), t["file"].format(name=b.file_name),
                 *_wrapped(t[b.cite], fonts.body, 10.5, width - 2 * margin)):
        c.drawString(margin, y, text)
        y -= 6 * mm
    y -= 6 * mm
    c.setFont(fonts.heading, 13)
    c.drawString(margin, y, t["whole"] if b.whole else t["index"])
    return float(y - 4 * mm)


def _wrapped(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` points, cut at any character (Chinese has no spaces), at a
    space in Latin text when there is one."""
    out: list[str] = []
    while pdfmetrics.stringWidth(text, font, size) > width:
        cut = len(text)
        while cut > 1 and pdfmetrics.stringWidth(text[:cut], font, size) > width:
            cut -= 1
        space = text.rfind(" ", 0, cut)
        cut = space + 1 if space > cut // 2 else cut
        out.append(text[:cut].rstrip())
        text = text[cut:]
    return [*out, text] if text else out


def cover(case_title: str, volume: int, volumes: int, first: str, last: str, file_name: str,
          rows: Sequence[Row], whole: bool, lang: str, setup: dict[str, Any],
          duplex: bool = False, dossier: bool = False) -> bytes:
    """The cover of `volume` (1-based) of `volumes`; `whole`: rows of every volume;
    `dossier`: a claimant dossier's volume (its pages carry one number, no bundle number)."""
    t = _texts(lang)
    font, bold = render_joint._font(setup), render_joint._fonts(setup).heading
    width, height = render_joint._pagesize(setup)
    margin = float(setup.get("page", {}).get("margin_mm", 18)) * mm
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(width, height), invariant=1, initialFontName=font)
    c.setTitle(case_title)
    c.setCreator("evidence")
    block = _Block(case_title, volume, volumes, first, last, file_name, whole,
                   "cite_dossier" if dossier else "cite")
    y = _heading(c, block, t,
                 render_joint._fonts(setup), (width, height), margin)
    columns = (margin, width - margin - 95 * mm, width - margin - 35 * mm)
    line = 6.2 * mm
    left = list(rows)
    on_page = ROWS_FIRST
    while True:
        c.setFont(bold, 9)
        y -= line
        for x, key in zip(columns, ("what", "bates", "where"), strict=True):
            c.drawString(x, y, t[key])
        c.line(margin, y - 1.5 * mm, width - margin, y - 1.5 * mm)
        c.setFont(font, 9)
        for row in left[:on_page]:
            y -= line
            c.drawString(columns[0], y, _fit(row.title, font, 9, columns[1] - columns[0] - 3 * mm))
            c.drawString(columns[1], y, f"{row.first} – {row.last}")
            c.drawString(columns[2], y, t["at"].format(v=row.volume, p=row.page + 1))
            c.linkURL(f"{PAGE_LINK}{row.volume}:{row.page}",
                      (margin, y - 1.5 * mm, width - margin, y + 3.5 * mm), relative=0)
        left = left[on_page:]
        if not left:
            break
        c.showPage()
        c.setFont(bold, 11)
        y = height - margin - 4 * mm
        c.drawString(margin, y, t["whole"] if whole else t["index"])
        c.drawString(margin + 60 * mm, y, t["more"])
        on_page = ROWS_NEXT
    c.showPage()
    if duplex and c.getPageNumber() % 2 == 0:  # getPageNumber: the next page's number
        c.setFont(font, 9)
        c.drawCentredString(width / 2, height / 2, t["blank"])
        c.showPage()
    c.save()
    return buffer.getvalue()

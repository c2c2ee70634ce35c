"""Shared reportlab pieces: page setup, styles, tables, the header band, anchors, links.

Settings made once at import: no ASCII85 for image/content streams (the single biggest cost in a
naive reportlab build) and reproducible output.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from evidence.render import fonts as fonts_mod

rl_config.useA85 = 0
rl_config.invariant = 1

LINK_SCHEME = "evidence-page:"  # rewritten into GoTo destinations by stamp.py after merging
INK = colors.black
BAND = colors.Color(0.88, 0.88, 0.88)
RULE = colors.Color(0.55, 0.55, 0.55)
MARK = colors.Color(0.75, 0.0, 0.0)  # red; never the only signal (bold + glyph + shading too)
MARK_FILL = colors.Color(1.0, 0.90, 0.90)
LINK = colors.Color(0.0, 0.2, 0.6)


@dataclasses.dataclass(frozen=True)
class Page:
    width: float
    height: float
    margin: float
    stamp_band: float  # bottom band reserved for the Bates stamp
    band: float = 12 * mm  # header band height

    @property
    def frame_width(self) -> float:
        return self.width - 2 * self.margin


def page(setup: Mapping[str, Any]) -> Page:
    p = setup.get("page", {})
    size = LETTER if str(p.get("size", "A4")).lower() == "letter" else A4
    return Page(size[0], size[1], float(p.get("margin_mm", 18)) * mm,
                float(p.get("stamp_margin_mm", 12)) * mm)


def stamp_margin_pt(setup: Mapping[str, Any]) -> float:
    return float(setup.get("page", {}).get("stamp_margin_mm", 12)) * float(mm)


@dataclasses.dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    cell_mark: ParagraphStyle
    cell_right: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    mono: ParagraphStyle


def styles(f: fonts_mod.Fonts, size: float = 10) -> Styles:
    use_fonts(f)
    body = ParagraphStyle("body", fontName=f.body, fontSize=size, leading=size * 1.5,
                          wordWrap="CJK", textColor=INK)
    cell = ParagraphStyle("cell", parent=body, fontSize=size - 1.5, leading=(size - 1.5) * 1.35)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=size - 2, leading=(size - 2) * 1.4),
        cell=cell,
        cell_head=ParagraphStyle("cell_head", parent=cell, fontName=f.heading),
        cell_mark=ParagraphStyle("cell_mark", parent=cell, fontName=f.heading, textColor=MARK),
        cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
        h1=ParagraphStyle("h1", parent=body, fontName=f.heading, fontSize=size + 6,
                          leading=(size + 6) * 1.4, spaceAfter=size * 0.8, alignment=TA_CENTER),
        h2=ParagraphStyle("h2", parent=body, fontName=f.heading, fontSize=size + 2,
                          leading=(size + 2) * 1.5, spaceBefore=size * 0.8, spaceAfter=size * 0.3),
        title=ParagraphStyle("title", parent=body, fontName=f.heading, fontSize=size + 18,
                             leading=(size + 18) * 1.4, alignment=TA_CENTER),
        subtitle=ParagraphStyle("subtitle", parent=body, fontSize=size + 2,
                                leading=(size + 2) * 1.5, alignment=TA_CENTER),
        mono=ParagraphStyle("mono", parent=body, fontSize=size - 2.5, leading=(size - 2.5) * 1.3),
    )


_COVERED: set[int] | None = None  # code points every dossier font can draw


def use_fonts(f: fonts_mod.Fonts) -> None:
    """Remember which characters the fonts can draw (emoji, rare ideographs may be missing)."""
    global _COVERED
    faces = [getattr(pdfmetrics.getFont(name), "face", None) for name in {f.body, f.heading}]
    maps = [set(face.charToGlyph) for face in faces if face is not None]
    _COVERED = set.intersection(*maps) if maps and len(maps) == len(faces) else None


def printable(text: str) -> str:
    """A character no font can draw is written as [U+1F923] instead of an empty box."""
    if _COVERED is None:
        return text
    return "".join(ch if ord(ch) in _COVERED or ch in "\n\t " else f"[U+{ord(ch):04X}]"
                   for ch in text)


def esc(text: object) -> str:
    """Text for a Paragraph: XML-escaped, line breaks kept, invisible controls dropped."""
    s = "".join(ch for ch in str(text) if ch in "\n\t" or ord(ch) >= 32)
    return escape(printable(s)).replace("\n", "<br/>")


def link(markup: str, page_no: int | None) -> str:
    """Wrap Paragraph markup in a link to a final page (resolved after merging)."""
    if not page_no:
        return markup
    return f'<link href="{LINK_SCHEME}{page_no}" color="#003399">{markup}</link>'


def grid(font: str, data: Sequence[Sequence[Any]], widths: Sequence[float], *, header: int = 1,
         marked: Sequence[int] = (), zebra: bool = True) -> Table:
    """A ruled table whose header repeats on every page; `marked` rows shaded (grey in print).

    `font` also for plain-string cells: reportlab's default there is Helvetica, which would
    leave a non-embedded font in the file."""
    t = Table(list(data), colWidths=list(widths), repeatRows=header, hAlign="LEFT")
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        cmds.append(("BACKGROUND", (0, 0), (-1, header - 1), BAND))
    if zebra:
        for r in range(header + 1, len(data), 2):
            cmds.append(("BACKGROUND", (0, r), (-1, r), colors.Color(0.97, 0.97, 0.97)))
    for r in marked:
        cmds.append(("BACKGROUND", (0, r), (-1, r), MARK_FILL))
        cmds.append(("LINEBEFORE", (0, r), (0, r), 2.5, MARK))
    t.setStyle(TableStyle(cmds))
    return t


def header_band(canv: Canvas, pg: Page, f: fonts_mod.Fonts, left: str, right: str = "",
                note: str = "") -> None:
    """Grey band at the top of an exhibit page: exhibit label and title (and the file).

    `note` (issue 6): one boxed line under the band, in the gap above the frame (the page's
    layout does not change), e.g. "needs manual review" on a redacted copy."""
    y = pg.height - pg.margin + 2 * mm
    canv.saveState()
    canv.setFillColor(BAND)
    canv.setStrokeColor(INK)
    canv.rect(pg.margin, y, pg.frame_width, pg.band - 4 * mm, stroke=0, fill=1)
    canv.setLineWidth(3)
    canv.line(pg.margin, y, pg.margin, y + pg.band - 4 * mm)
    canv.setFillColor(INK)
    canv.setFont(f.heading, 11)
    left, right = printable(left), printable(right)
    canv.drawString(pg.margin + 4 * mm, y + 2.6 * mm, clip(canv, left, f.heading, 11,
                                                           pg.frame_width * 0.62))
    if right:
        canv.setFont(f.body, 7.5)
        canv.drawRightString(pg.margin + pg.frame_width - 2 * mm, y + 2.8 * mm,
                             clip(canv, right, f.body, 7.5, pg.frame_width * 0.36))
    if note:
        size = 6.5
        lines = _lines(canv, printable(note), f.heading, size, pg.frame_width - 4 * mm)[:2]
        top = y - 1 * mm
        height = len(lines) * (size + 1.5) + 2 * mm
        canv.setStrokeColor(INK)
        canv.setLineWidth(0.8)
        canv.setFillColor(colors.white)
        canv.rect(pg.margin, top - height, pg.frame_width, height, stroke=1, fill=1)
        canv.setFillColor(INK)
        canv.setFont(f.heading, size)
        for k, line in enumerate(lines):
            canv.drawString(pg.margin + 2 * mm, top - 1 * mm - (k + 1) * (size + 1.5) + 1.5,
                            line)
    canv.restoreState()


def _lines(canv: Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy character wrap (CJK text has no spaces to break at)."""
    out, line = [], ""
    for ch in text:
        if line and canv.stringWidth(line + ch, font, size) > width:
            out.append(line)
            line = ""
        line += ch
    return [*out, line] if line else out


def clip(canv: Canvas, text: str, font: str, size: float, width: float) -> str:
    if canv.stringWidth(text, font, size) <= width:
        return text
    while text and canv.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


class Anchor(Flowable):  # type: ignore[misc]
    """Zero-size marker: records the page it lands on (for page ranges and citations)."""

    def __init__(self, key: Any, sink: dict[Any, int]) -> None:
        super().__init__()
        self.key = key
        self.sink = sink
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.sink.setdefault(self.key, self.canv.getPageNumber())


class Doc(BaseDocTemplate):  # type: ignore[misc]
    """One frame per page inside the margins, with the stamp band kept clear."""

    def __init__(self, path: str, pg: Page, *, title: str, author: str, top_band: bool,
                 on_page: Callable[[Canvas, Any], None] | None = None,
                 initial_font: str | None = None) -> None:
        super().__init__(path, pagesize=(pg.width, pg.height), title=title, author=author,
                         creator="evidence", invariant=1, pageCompression=1,
                         initialFontName=initial_font,
                         leftMargin=pg.margin, rightMargin=pg.margin, topMargin=pg.margin,
                         bottomMargin=max(pg.margin, pg.stamp_band + 4 * mm))
        top = pg.band if top_band else 0
        frame = Frame(pg.margin, self.bottomMargin, pg.frame_width,
                      pg.height - pg.margin - top - self.bottomMargin, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        template = PageTemplate("page", frames=[frame])
        if on_page is not None:
            template.onPage = on_page
        self.addPageTemplates([template])


class Para(Paragraph):  # type: ignore[misc]
    """A Paragraph that remembers its line breaks for a given width.

    reportlab wraps a table cell two or three times (column sizing, splitting, drawing) and CJK
    line breaking measures every character: remembering the result makes long chronologies
    and transcripts several times faster, with identical output.
    """

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        if getattr(self, "_wrapped_at", None) == aw:
            return self.width, self.height
        w, h = super().wrap(aw, ah)
        self._wrapped_at: float | None = aw
        return w, h

    def split(self, aw: float, ah: float) -> list[Any]:
        self._wrapped_at = None  # the parts are new paragraphs; this one may be re-measured
        return list(super().split(aw, ah))


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Para(text, style)

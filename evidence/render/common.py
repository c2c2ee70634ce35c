"""Shared reportlab pieces: page setup, styles, tables, the header band, anchors, links.

reportlab's global settings are made in evidence/render/__init__.py.
"""

from __future__ import annotations

import contextvars
import dataclasses
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from evidence.render import fonts as fonts_mod

LINK_SCHEME = "evidence-page:"  # a link to a dossier page, made by assemble.add_links once merged
Link = tuple[int, tuple[float, float, float, float], int]  # page, rectangle, target page
Later = Mapping[str, tuple[str, int | None]]  # key -> text and target page, known at save time
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


_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")  # invisible: dropped (tab and newline kept)


@dataclasses.dataclass(frozen=True)
class Glyphs:
    """What the document being rendered can draw: `covered`, the characters every one of its
    fonts has (None: a CID font, every character kept); `fallbacks`, issue 17's glyph
    fallback fonts, parsed when a character first needs one."""

    covered: frozenset[str] | None = None
    fallbacks: fonts_mod.Chain | tuple[()] = ()


# The fonts of the document being rendered in this thread (issue 19: was a module global, so
# one build's fonts leaked into the next). Set by use_fonts(), which styles() calls before any
# paragraph is made; esc()/printable() read it because they are called from every flowable.
_GLYPHS: contextvars.ContextVar[Glyphs] = contextvars.ContextVar("evidence_glyphs")
_NO_FONTS = Glyphs()  # before use_fonts(): every character kept as it is


def use_fonts(f: fonts_mod.Fonts) -> Glyphs:
    """Remember which characters the fonts can draw (emoji, rare ideographs may be missing)."""
    glyphs = Glyphs(_covered(f.body, f.heading), fonts_mod.Chain(f.fallbacks) if f.fallbacks else ())
    _GLYPHS.set(glyphs)
    return glyphs


def glyphs() -> Glyphs:
    """The fonts use_fonts() last set in this context."""
    return _GLYPHS.get(_NO_FONTS)


@functools.lru_cache(maxsize=8)  # the same fonts for every claimant of a batch
def _covered(body: str, heading: str) -> frozenset[str] | None:
    # a CID font (the STSong-Light fallback) has no glyph map: None, every character kept
    faces = [getattr(getattr(pdfmetrics.getFont(name), "face", None), "charToGlyph", None)
             for name in {body, heading}]
    maps = [set(face) for face in faces if face is not None]
    return frozenset(chr(c) for c in set.intersection(*maps)) | frozenset("\n\t ") if (
        maps and len(maps) == len(faces)) else None


def printable(text: str) -> str:
    """A character no font can draw is written as [U+1F923] instead of an empty box."""
    covered = _GLYPHS.get(_NO_FONTS).covered
    if covered is None or covered.issuperset(text):  # the common case, at C speed
        return text
    return "".join(ch if ch in covered else f"[U+{ord(ch):04X}]" for ch in text)


def esc(text: object) -> str:
    """Text for a Paragraph: XML-escaped, line breaks kept, invisible controls dropped; a
    character only a fallback font has is set in that font (issue 17)."""
    g = _GLYPHS.get(_NO_FONTS)
    parts = fonts_mod.pieces(_CONTROLS.sub("", str(text)), g.covered, g.fallbacks)
    return "".join(escape(printable(t)) if f is None else f'<font name="{f}">{escape(t)}</font>'
                   for t, f in parts).replace("\n", "<br/>")


def link(markup: str, page_no: int | str | None) -> str:
    """Wrap Paragraph markup in a link to a final page (resolved after merging), or to a
    LinkCanvas key whose page is only known when the document is saved."""
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


HEADER_SOURCE_PT = 9.0  # the file and hash beside an exhibit's label


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
    left = clip(canv, left, f.heading, 11, pg.frame_width * 0.62)
    canv.drawString(pg.margin + 4 * mm, y + 2.6 * mm, left)
    if right:  # issue 17: 9 pt like table text, in the room the label leaves
        room = pg.frame_width - canv.stringWidth(left, f.heading, 11) - 12 * mm
        canv.setFont(f.body, HEADER_SOURCE_PT)
        canv.drawRightString(pg.margin + pg.frame_width - 2 * mm, y + 2.8 * mm,
                             clip(canv, right, f.body, HEADER_SOURCE_PT, room))
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


class Room(Flowable):  # type: ignore[misc]
    """Blank room under a block, e.g. for a signature and seal under the 证据目录: as much of
    it as the page has left. A Spacer that does not fit is pushed onto the next page, and
    before a page break that next page is left blank (V049 of the realistic sample); a room
    never is. `_ZEROSIZE`: the frame asks even with no height left."""

    _ZEROSIZE = True

    def __init__(self, height: float) -> None:
        super().__init__()
        self.room = height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, max(0.0, min(self.room, avail_height))

    def draw(self) -> None:
        pass


class Doc(BaseDocTemplate):  # type: ignore[misc]
    """One frame per page inside the margins, with the stamp band kept clear."""

    def __init__(self, path: str | IO[bytes], pg: Page, *, title: str, author: str, top_band: bool,
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

    def build(self, flowables: list[Flowable], **kw: Any) -> None:
        """Build, then undo the marks reportlab leaves on the story's flowables, so the same
        story can be drawn again (dossier.front draws one story twice, issue 19). reportlab
        marks a flowable pushed to the next page (`_postponed`) and takes the keepWithNext
        off flowables it grouped; a second build would take a flowable postponed once as
        "too large" the first time it is pushed (LayoutError) and keep nothing together.
        multiBuild undoes them through `_multiBuildEdits`; so does this, after one pass."""
        edits: list[tuple[Any, ...]] = []
        self._multiBuildEdits = edits.append
        try:
            super().build(flowables, **kw)
        finally:
            del self._multiBuildEdits
            for fn, *args in edits:
                fn(*args)


class LinkCanvas(Canvas):  # type: ignore[misc]
    """Links to a dossier page (`evidence-page:N`) are recorded, not made: the pages they jump
    to are in other files until the dossier is assembled, where assemble.add_links makes them as
    GoTo links in one go. `links`: (page of this document, absolute rectangle, target page).

    `resolve` (called when saving) gives the text and page of keys that were not known while
    drawing: a link `evidence-page:KEY` goes to the key's page, a Run with `later=KEY` shows
    its text. `fitted` then says whether every such text fitted the room its Run reserved."""

    def __init__(self, *args: Any, resolve: Callable[[], Later] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.links: list[Link] = []
        self.keyed: list[tuple[int, tuple[float, float, float, float], str]] = []
        self.later: list[tuple[float, float, Run]] = []
        self.resolve = resolve
        self.fitted = True

    def linkURL(self, url: str, rect: Any, relative: int = 0, *args: Any, **kw: Any) -> None:
        if url.startswith(LINK_SCHEME):
            target = url[len(LINK_SCHEME):]
            x0, y0, x1, y1 = self._absRect(rect, relative)
            if target.isdigit():
                self.links.append((self.getPageNumber(), (x0, y0, x1, y1), int(target)))
            else:
                self.keyed.append((self.getPageNumber(), (x0, y0, x1, y1), target))
            return
        super().linkURL(url, rect, relative, *args, **kw)

    def save(self) -> None:
        if self.keyed or self.later:
            if self.resolve is None:
                raise ValueError("keyed links or texts drawn without a resolver")
            self._fill(self.resolve())
        super().save()

    def _fill(self, values: Later) -> None:
        for page, rect, key in self.keyed:
            target = values[key][1]
            if target:
                self.links.append((page, rect, target))
        ops = []
        for x, y, run in self.later:
            text = values[run.later or ""][0]
            if _width(text, run.font, run.size) > _width(run.text, run.font, run.size) + 0.01:
                self.fitted = False  # it would have wrapped differently: the caller lays out again
            tx = self.beginText()
            start = len(tx._code)
            tx.setFont(run.font, run.size)
            _TextOut(self, tx)(x, y, text, run.font, run.size)
            ops.append(" ".join(tx._code[start:]))  # as PDFTextObject.getCode joins them
        for pdf_page in self._doc.Pages.pages:
            if "\x00" in pdf_page.stream:
                pdf_page.stream = _LATER.sub(lambda m: ops[int(m.group(1))], pdf_page.stream)


class CountingLinkCanvas(LinkCanvas):
    """The front matter's counting pass (issue 19): laid out exactly as it will be, only to
    count its pages; nothing is filled in, serialised or written."""

    def save(self) -> None:
        pass


_LATER = re.compile("\x00(\\d+)\x00")  # a Run drawn later; raw NUL never occurs otherwise (escaped)


class CountingCanvas(Canvas):  # type: ignore[misc]
    """For a counting pass (the joint front matter's pages laid out only to count them):
    nothing is serialised or written."""

    def save(self) -> None:
        pass


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


# ---- fast tables ---------------------------------------------------------------------------------
# Long tables (chronology, transcripts, call logs, custody) used to be platypus Tables of
# Paragraphs: every cell parsed as markup (html.parser) and line-broken character by character,
# two or three times per build. A Grid takes plain runs of text, wraps them once with the
# fonts' character widths, and draws lines straight onto the canvas: same look, same real text,
# a fraction of the time.


@dataclasses.dataclass(frozen=True)
class Run:
    """A piece of a cell's text in one font, size and colour ('\\n' breaks the line)."""

    text: str
    font: str
    size: float
    color: Any = INK
    underline: bool = False
    # a LinkCanvas key: `text` only reserves the room (laid out as one word); what is drawn
    # there is the key's text, known when the document is saved
    later: str | None = None

    def __hash__(self) -> int:
        # reportlab's Color hashes in Python (a tenth of a front matter's layout time). By
        # identity instead: equal colours that are distinct objects only miss _wrapped's cache
        return hash((self.text, self.font, self.size, id(self.color), self.underline, self.later))


@dataclasses.dataclass(frozen=True)
class Cell:
    runs: tuple[Run, ...]
    leading: float
    right: bool = False  # right-aligned
    link: int | str | None = None  # final page (or LinkCanvas key) the whole cell jumps to


@dataclasses.dataclass(frozen=True)
class GridRow:
    cells: tuple[Cell, ...]
    fill: Any = None  # background
    mark: bool = False  # the red rule at the left edge of a marked row
    span: int | None = None  # cell `span` runs to the last column (cells after it ignored)
    key: Any = None  # anchor: the page this row lands on is recorded under this key


def plain(text: object) -> str:
    """Text for a Run: invisible controls dropped, undrawable characters named."""
    return printable(_CONTROLS.sub("", str(text)))


def cell(style: ParagraphStyle, *parts: str | Run, link: int | str | None = None,
         color: Any = None) -> Cell:
    """A cell in `style` (font, size, leading, colour, alignment); str parts take the style."""
    ink = color if color is not None else (style.textColor or INK)
    runs = tuple(r for p in parts for r in (
        (p,) if isinstance(p, Run) else _runs(p, style.fontName, style.fontSize,
                                              LINK if link else ink)))
    return Cell(runs, style.leading, style.alignment == TA_RIGHT, link or None)


def _runs(text: str, font: str, size: float, ink: Any) -> tuple[Run, ...]:
    """Runs of `text`, in a fallback font where only that one has the character (issue 17)."""
    g = _GLYPHS.get(_NO_FONTS)
    return tuple(Run(plain(t) if f is None else _CONTROLS.sub("", t), f or font, size, ink)
                 for t, f in fonts_mod.pieces(str(text), g.covered, g.fallbacks))


_WIDTHS: dict[str, dict[str, float]] = {}


def _char_widths(font: str) -> dict[str, float]:
    got = _WIDTHS.get(font)
    if got is None:
        got = _WIDTHS[font] = {}
    return got


def _width(text: str, font: str, size: float) -> float:
    return _text_width(text, font, _char_widths(font)) * size / 1000


# a Latin word (kept whole), or one character that may start a line by itself: a space or
# anything from the CJK radicals on (U+2E80)
_TOKENS = re.compile("[^ \u2e80-\U0010ffff]+|.", re.S)


def _tokens(text: str) -> list[str]:
    """Words of Latin text stay whole; every CJK character (and space) is its own token."""
    return _TOKENS.findall(text)


NO_LINE_START = frozenset("，。、；：！？）】」』》〉,.;:!?)%")
Frag = tuple[float, str, Run]  # x offset, text, run
Line = list[Frag]


def wrap_runs(runs: Sequence[Run], width: float) -> list[Line]:
    """Greedy line breaking of runs into `width`: Latin words whole unless longer than a line.

    A fragment is (x, text, run); consecutive tokens of one run on one line join into one."""
    lines: list[Line] = [[]]
    line = lines[0]
    x = 0.0
    limit = width + 0.01
    for run in runs:
        chars = _char_widths(run.font)
        for n, part in enumerate(run.text.split("\n")):
            if n:
                line = []
                lines.append(line)
                x = 0.0
            for tok in _TOKENS.findall(part):
                w = chars.get(tok) if len(tok) == 1 else None
                if w is None:
                    w = _text_width(tok, run.font, chars)
                w = w * run.size / 1000
                if x + w <= limit or (tok in NO_LINE_START and line):
                    if tok == " " and not line:
                        continue  # no space at a line start
                    # fits, or punctuation that hangs into the padding rather than start a line
                elif tok == " ":  # a break here
                    continue
                elif w <= limit:  # the word starts the next line
                    line = []
                    lines.append(line)
                    x = 0.0
                else:  # longer than a line (hashes, paths): broken by characters
                    for ch in tok:
                        cw = _text_width(ch, run.font, chars) * run.size / 1000
                        if x + cw > limit and x > 0:
                            line = []
                            lines.append(line)
                            x = 0.0
                        if line and line[-1][2] is run:
                            line[-1] = (line[-1][0], line[-1][1] + ch, run)
                        else:
                            line.append((x, ch, run))
                        x += cw
                    continue
                if line and line[-1][2] is run:
                    line[-1] = (line[-1][0], line[-1][1] + tok, run)
                else:
                    line.append((x, tok, run))
                x += w
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    for line in lines:  # a space a line broke at is not part of the line
        if line and line[-1][1].endswith(" "):
            x0, text, run = line[-1]
            line[-1] = (x0, text.rstrip(" "), run)
    return lines


def _text_width(text: str, font: str, chars: dict[str, float]) -> float:
    """Width at size 1000 of text in font, its characters' widths remembered."""
    total = 0.0
    for ch in text:
        w = chars.get(ch)
        if w is None:
            w = chars[ch] = pdfmetrics.stringWidth(ch, font, 1000)
        total += w
    return total


@functools.lru_cache(maxsize=8192)
def _wrapped(runs: tuple[Run, ...], width: float) -> list[Line]:
    """wrap_runs, remembered: many cells repeat (headers, labels, a front matter laid out
    again when a page number outgrew its room). The result is shared: callers never change it."""
    return wrap_runs(runs, width)


def _put(line: Line, x: float, text: str, run: Run) -> None:
    """Append text to the line, joining it to the last fragment when the run is the same."""
    if line and line[-1][2] is run:
        x0, t, _ = line[-1]
        line[-1] = (x0, t + text, run)
    else:
        line.append((x, text, run))


class _TextOut:
    """`tx.setTextOrigin(x, y); tx.textOut(text)`, writing the same operators without
    reportlab's per-call bookkeeping: a dossier's tables place ~4,000 strings, and each one's
    split into font subsets is remembered for the document (a character keeps its subset and
    code once it has one). Other fonts (the non-embedded CID fallback) go through reportlab."""

    def __init__(self, canv: Canvas, tx: Any) -> None:
        self.canv, self.tx, self.code = canv, tx, tx._code
        self.splits: dict[tuple[str, str], list[tuple[int, bytes]]] = canv.__dict__.setdefault(
            "_ev_splits", {})
        self.selects: dict[tuple[str, float, int], str] = canv.__dict__.setdefault(
            "_ev_selects", {})
        self.subset: tuple[str, float, int] | None = None  # font, size, subset now selected
        self.fast = bool(canv.bottomup)

    def __call__(self, x: float, y: float, text: str, font_name: str, size: float) -> None:
        font = pdfmetrics.getFont(font_name)
        if not (self.fast and font._dynamicFont):
            self.subset = None
            self.tx.setTextOrigin(x, y)
            self.tx.textOut(text)
            return
        code = self.code
        code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        key = (font_name, text)
        parts = self.splits.get(key)
        if parts is None:
            parts = self.splits[key] = font.splitString(text, self.canv._doc)
        for subset, chunk in parts:
            if self.subset != (font_name, size, subset):
                self.subset = (font_name, size, subset)
                code.append(self._select(font, font_name, size, subset))
            code.append(f"({escapePDF(chunk)}) Tj")

    def later(self, x: float, y: float, run: Run, whole: bool = True) -> None:
        """A placeholder for a Run whose text is only known when saving (LinkCanvas._fill);
        `whole`: its room was not broken across lines (else the layout is redone)."""
        later = getattr(self.canv, "later", None)
        if later is None:
            raise ValueError("a Run drawn later needs a LinkCanvas")
        if not whole:
            self.canv.fitted = False
        self.code.append(f"\x00{len(later)}\x00")
        later.append((x, y, run))
        self.subset = None  # the text put there selects its own font subset: what follows
        self.tx._curSubset = -1  # selects its own again (reportlab's textOut tracks it too)

    def _select(self, font: Any, font_name: str, size: float, subset: int) -> str:
        key = (font_name, size, subset)
        op = self.selects.get(key)
        if op is None:
            name = font.getSubsetInternalName(subset, self.canv._doc)
            op = self.selects[key] = f"{name} {fp_str(size)} Tf {fp_str(size * 1.2)} TL"
        return op


PAD_L, PAD_R, PAD_T, PAD_B = 3.0, 3.0, 2.0, 3.0
ZEBRA = colors.Color(0.97, 0.97, 0.97)


@dataclasses.dataclass
class _Laid:
    row: GridRow
    lines: list[tuple[list[Line], float, Cell]]  # per visible cell: lines, column width, cell
    height: float


class Grid(Flowable):  # type: ignore[misc]
    """A ruled table of plain-text cells, header repeated on every page, split between rows."""

    def __init__(self, widths: Sequence[float], rows: Sequence[GridRow],
                 head: GridRow | None = None, *, zebra: bool = False,
                 sink: dict[Any, int] | None = None, laid: list[_Laid] | None = None,
                 laid_head: _Laid | None = None) -> None:
        super().__init__()
        self.widths = list(widths)
        self.zebra = zebra
        self.sink = sink
        self.head = laid_head if laid_head is not None else (
            self._lay(head) if head is not None else None)
        self.rows = laid if laid is not None else [self._lay(r) for r in rows]
        self.width = sum(self.widths)
        self.height = self._height(self.rows)

    def _lay(self, row: GridRow) -> _Laid:
        out = []
        height = 0.0
        cells = row.cells if row.span is None else row.cells[:row.span + 1]
        for i, c in enumerate(cells):
            w = self.widths[i] if row.span is None or i < row.span else sum(self.widths[i:])
            lines = _wrapped(c.runs, w - PAD_L - PAD_R)
            out.append((lines, w, c))
            height = max(height, len(lines) * c.leading)
        return _Laid(row, out, height + PAD_T + PAD_B)

    def _height(self, rows: Sequence[_Laid]) -> float:
        return sum(r.height for r in rows) + (self.head.height if self.head and rows else 0)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def split(self, aw: float, ah: float) -> list[Any]:
        room = ah - (self.head.height if self.head else 0)
        k, used = 0, 0.0
        while k < len(self.rows) and used + self.rows[k].height <= room:
            used += self.rows[k].height
            k += 1
        if k == 0:
            first = self._cut(self.rows[0], room)
            if first is None:
                return []
            rest = [first[1], *self.rows[1:]]
            return [self._part([first[0]]), self._part(rest)]
        if k >= len(self.rows):
            return [self]
        if k > 1 and self.rows[k - 1].row.span is not None:  # a group heading goes with its rows
            k -= 1
        return [self._part(self.rows[:k]), self._part(self.rows[k:])]

    def _part(self, rows: list[_Laid]) -> Grid:
        return Grid(self.widths, (), None, zebra=self.zebra, sink=self.sink, laid=rows,
                    laid_head=self.head)

    def _cut(self, laid: _Laid, room: float) -> tuple[_Laid, _Laid] | None:
        """A row taller than a page is cut between lines (only ever the first row on a page)."""
        lead = max(c.leading for _, _, c in laid.lines)
        n = int((room - PAD_T - PAD_B) // lead)
        if n < 1:
            return None
        top = [(lines[:n], w, c) for lines, w, c in laid.lines]
        bottom = [(lines[n:] or [[]], w, c) for lines, w, c in laid.lines]

        def h(parts: list[tuple[list[Line], float, Cell]]) -> float:
            return max(len(ls) * c.leading for ls, _, c in parts) + PAD_T + PAD_B

        rest_row = dataclasses.replace(laid.row, key=None)
        return _Laid(laid.row, top, h(top)), _Laid(rest_row, bottom, h(bottom))

    def draw(self) -> None:
        """Backgrounds, then rules, then all the text in one text object (one BT…ET per table
        part instead of one per string: drawing strings was most of the table's cost)."""
        canv = self.canv
        y = self.height
        rows = [self.head, *self.rows] if self.head else list(self.rows)
        page = canv.getPageNumber()
        frags: list[tuple[float, float, str, Run]] = []
        spans: list[tuple[float, float, float]] = []  # y bottom, y top, row height
        marks: list[tuple[float, float]] = []
        for n, laid in enumerate(rows):
            is_head = self.head is not None and n == 0
            top, y = y, y - laid.height
            row = laid.row
            fill = BAND if is_head else row.fill
            if fill is None and self.zebra and n % 2 == 0 and not is_head:
                fill = ZEBRA
            if fill is not None:
                canv.setFillColor(fill)
                canv.rect(0, y, self.width, laid.height, stroke=0, fill=1)
            if row.key is not None and self.sink is not None:
                self.sink.setdefault(row.key, page)
            x = 0.0
            target = None
            for lines, w, c in laid.lines:
                self._cell(frags, lines, c, x, top, w)
                target = target or c.link
                x += w
            if target:  # one link per row (the whole row is the click target)
                canv.linkURL(f"{LINK_SCHEME}{target}", (0, y, self.width, top), relative=1,
                             thickness=0)
            spans.append((y, top, laid.height))
            if row.mark:
                marks.append((y, top))
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.4)
        segs: list[tuple[float, float, float, float]] = []
        for (bottom, top, _), laid in zip(spans, rows, strict=True):
            segs.append((0, bottom, self.width, bottom))
            x = 0.0
            for _, w, _ in laid.lines[:-1]:
                x += w
                segs.append((x, bottom, x, top))
        top = self.height
        segs += [(0, top, self.width, top), (0, 0, 0, top), (self.width, 0, self.width, top)]
        canv.lines(segs)
        if marks:
            canv.setStrokeColor(MARK)
            canv.setLineWidth(2.5)
            canv.lines([(0, b, 0, t) for b, t in marks])
        if not frags:
            return
        tx = canv.beginText()
        font: tuple[str, float] | None = None
        ink: Any = None
        unders: list[tuple[Any, tuple[float, float, float, float]]] = []
        text_out = _TextOut(canv, tx)
        for fx, fy, text, run in frags:
            if (run.font, run.size) != font:
                font = (run.font, run.size)
                tx.setFont(run.font, run.size)
            if run.color is not ink:
                ink = run.color
                tx.setFillColor(ink)
            if run.later is not None:
                text_out.later(fx, fy, run, whole=text == run.text)
                continue
            text_out(fx, fy, text, run.font, run.size)
            if run.underline:
                unders.append((run.color, (fx, fy - 1, fx + _width(text, run.font, run.size),
                                           fy - 1)))
        canv.drawText(tx)
        for color, seg in unders:
            canv.setStrokeColor(color)
            canv.setLineWidth(0.5)
            canv.line(*seg)

    def _cell(self, frags: list[tuple[float, float, str, Run]], lines: list[Line], c: Cell,
              x: float, top: float, w: float) -> None:
        base = top - PAD_T - (lines[0][0][2].size if lines[0] else c.leading / 1.35)
        for k, line in enumerate(lines):
            if not line:
                continue
            by = base - k * c.leading
            shift = 0.0
            if c.right:
                last = line[-1]
                end = last[0] + _width(last[1], last[2].font, last[2].size)
                shift = w - PAD_L - PAD_R - end
            for fx, text, run in line:
                frags.append((x + PAD_L + shift + fx, by, text, run))

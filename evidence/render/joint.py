"""The joint bundle's front matter with reportlab: cover, claimants index, summary, analysis.

Charts are reportlab.graphics drawings (vector, text stays text). Index rows link to the
claimants' dossiers, which live in other files: a row carries a placeholder URI
`evidence-claimant:<n>` that pdf/bundle.py turns into a jump to the dossier's first page once
the bundle's pages exist. Returns bytes; never writes files, never prints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from evidence import joint, model, template, times
from evidence.render import fonts as fonts_mod
from evidence.render.common import CountingCanvas, Para

LINK_SCHEME = "evidence-claimant:"
MAX_BARS = 15  # a chart with more bars than this lumps the smallest into "other"
CITES_PER_ROW = 15  # claimants cited in one row of a cross-victim table


@dataclasses.dataclass(frozen=True)
class Front:
    """Case facts the front matter states, besides the analysis."""

    title: str
    court: str
    defendant: str
    counsel: str
    prefix: str
    fingerprint: str
    total_pages: int  # of the whole bundle (0 while still counting)
    # issue 17: per claimant id, the exhibits the cross-victim tables rest on, as
    # (what: "calls" | "messages", exhibit label, first page inside the dossier)
    evidence: tuple[tuple[str, tuple[tuple[str, str, int], ...]], ...] = ()


@dataclasses.dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    sections: tuple[tuple[str, int], ...]  # (outline key, 0-based page) in order
    first_pages: int = 0  # layout: pages of the render without page ranges


def _font(setup: dict[str, Any]) -> str:
    """The dossiers' body font (same search and fallback; parsed once per process, so a
    batch that loaded it before forking shares it with the bundle's front matter)."""
    return _fonts(setup).body


def _fonts(setup: dict[str, Any]) -> fonts_mod.Fonts:
    listed = setup.get("fonts", {})
    return fonts_mod.register(None, listed.get("body", ()), listed.get("heading", ()))


def _pagesize(setup: dict[str, Any]) -> tuple[float, float]:
    size = LETTER if str(setup.get("page", {}).get("size", "A4")).lower() == "letter" else A4
    return float(size[0]), float(size[1])


class _Mark(Flowable):  # type: ignore[misc]
    """Zero-size flowable that records the page it lands on (for the outline)."""

    def __init__(self, key: str, found: list[tuple[str, int]]) -> None:
        super().__init__()
        self.key = key
        self.found = found
        self.width = self.height = 0

    def draw(self) -> None:
        self.found.append((self.key, self.canv.getPageNumber() - 1))


def _styles(font: str, heading: str | None = None) -> dict[str, ParagraphStyle]:
    """issue 17: body 10.5 pt (五号), tables 9 pt, headings in the heading (bold) face."""
    bold = heading or font
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=15, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=9, leading=11.5),
        "num": ParagraphStyle("num", parent=base, fontSize=9, leading=11.5, alignment=2),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=16, leading=22,
                             spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12, leading=17,
                             spaceBefore=8, spaceAfter=4),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=20, leading=28,
                                alignment=1),
        "center": ParagraphStyle("center", parent=base, fontSize=12, leading=18, alignment=1),
        "link": ParagraphStyle("link", parent=base, fontSize=9, leading=11.5,
                               textColor=colors.HexColor("#1a4c9c")),
    }


def _table(rows: list[list[Any]], widths: Sequence[float], font: str, *, repeat: int = 1,
           right: Sequence[int] = ()) -> Table:
    table = Table(rows, colWidths=list(widths), repeatRows=repeat)
    style = [
        ("FONT", (0, 0), (-1, -1), font, 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e8ef")),
        ("LEFTPADDING", (0, 0), (-1, -1), 2.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    style.extend(("ALIGN", (col, 1), (col, -1), "RIGHT") for col in right)
    table.setStyle(TableStyle(style))
    return table


def _figures(heads: Sequence[str], rows: Sequence[Sequence[str]], font: str, width: float,
             s: Mapping[str, ParagraphStyle]) -> list[Flowable]:
    """A chart's figures under it: the first column names, the others are right-aligned."""
    n = len(heads)
    shares = [0.4, *([0.6 / (n - 1)] * (n - 1))] if n > 1 else [1.0]
    widths = [w * width * 0.7 for w in shares]
    body = [_heads(heads, widths, s), *([_p(x, s["cell"]) for x in r] for r in rows)]
    table = _table(body, widths, font, right=tuple(range(1, n)))
    table.hAlign = "LEFT"
    return [Spacer(1, 3 * mm), table]  # clear of the chart's axis labels


def _heads(heads: Sequence[str], widths: Sequence[float], s: Mapping[str, ParagraphStyle]
           ) -> list[Paragraph]:
    """A table's header row, bold, each header cut into lines of about equal length when its
    column is narrower than it (issue 17: "首次下单时\n间" left one character alone), before
    a bracket when it has one ("银行通知损失\n（元）")."""
    style = s["head"]
    out = []
    for text, width in zip(heads, widths, strict=True):
        room = width - _CELL_PAD
        at = text.find("（")
        if (pdfmetrics.stringWidth(text, style.fontName, style.fontSize) > room and at > 0
                and pdfmetrics.stringWidth(text[:at], style.fontName, style.fontSize) <= room):
            text = text[:at] + "\n" + text[at:]
        out.append(_p(balanced(text, style.fontName, style.fontSize, room), style))
    return out


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A cell or line of text; '\n' breaks the line (CJK wrapping may break anywhere, so numbers
    and amounts get lines of their own rather than being split in two). common.Para: a table
    wraps each cell several times; Para remembers its line breaks (same output)."""
    return Para(escape(text).replace("\n", "<br/>"), style)


_UNBROKEN = re.compile(r"[0-9A-Za-z.,:+@/_-]+")  # numbers, amounts, times, domains
_CELL_PAD = 5.5  # a cell's left and right padding (see _table), and a little air


def fitted_widths(rows: Sequence[Sequence[str]], shares: Sequence[float], width: float,
                  font: str, size: float = 9, whole: Sequence[int] = ()) -> list[float]:
    """Column widths: `shares` of `width`, each column widened to hold its longest number,
    amount, time or domain — and in the `whole` columns every line as it is — on one line,
    the other columns narrowed in proportion to their room (issue 17: a phone number or an
    amount is never split across lines)."""
    need = [0.0] * len(shares)
    for row in rows:
        for i, cell in enumerate(row):
            words = cell.split("\n") if i in whole else _UNBROKEN.findall(cell)
            need[i] = max([need[i], *(pdfmetrics.stringWidth(w, font, size) + _CELL_PAD
                                      for w in words)])
    widths = [share * width for share in shares]
    if sum(need) > width:  # cannot all fit (a very long place name): as near as can be
        return [n * width / sum(need) for n in need]
    short = sum(max(0.0, n - w) for n, w in zip(need, widths, strict=True))
    room = sum(max(0.0, w - n) for n, w in zip(need, widths, strict=True))
    if short <= 0 or room <= 0:
        return widths
    give = min(1.0, short / room)
    return [n if n > w else w - (w - n) * give for n, w in zip(need, widths, strict=True)]


def _delay(delay: dt.timedelta | None, lang: str) -> str:
    if delay is None:
        return template.t(lang, "joint.unknown")
    minutes = int(delay.total_seconds()) // 60
    if lang == "en":
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // 60}小时{minutes % 60:02d}分"


def _money_shown(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _bar_data(totals: Sequence[joint.Total], lang: str, other: str, *, amounts: bool = True
              ) -> tuple[list[str], list[float]]:
    items = [(t.key or template.t(lang, "joint.unknown"),
              float(t.amount if amounts else t.claimants)) for t in totals]
    if len(items) > MAX_BARS:
        rest = sum(v for _, v in items[MAX_BARS - 1:])
        items = [*items[: MAX_BARS - 1], (other, rest)]
    return [k for k, _ in items], [v for _, v in items]


def _hbar(labels: list[str], values: list[float], font: str, width: float,
          counts: bool = False) -> Drawing:
    """Horizontal bars, biggest at the top, value written at the end of each bar; `counts`:
    whole numbers on an axis stepping by whole numbers (never "0 0 1 2 2 2 3")."""
    bar = 13.0
    height = max(len(labels), 1) * bar + 24
    drawing = Drawing(width, height)
    drawing.initialFontName = font  # else the renderer starts with an unembedded Helvetica
    chart = HorizontalBarChart()
    chart.x, chart.y = 95, 12
    chart.width, chart.height = width - 95 - 70, height - 20
    chart.data = [list(reversed(values)) or [0]]
    chart.categoryAxis.categoryNames = list(reversed(labels)) or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 9
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    if counts:
        top = max(values or [1])
        chart.valueAxis.valueStep = max(1, -(-int(top) // 5))
        chart.valueAxis.valueMax = max(1, int(top))
    chart.bars[0].fillColor = colors.HexColor("#3a6ea5")
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = lambda v: f"{v:,.2f}" if v % 1 else f"{v:,.0f}"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 9
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _vbar(labels: list[str], values: list[float], font: str, width: float) -> Drawing:
    drawing = Drawing(width, 150)
    drawing.initialFontName = font
    chart = VerticalBarChart()
    chart.x, chart.y = 40, 25
    chart.width, chart.height = width - 60, 110
    chart.data = [values]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 9
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 9
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = max(1, int(max(values or [1]) // 5) or 1)
    chart.valueAxis.labelTextFormat = "%d"
    chart.bars[0].fillColor = colors.HexColor("#3a6ea5")
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 9
    chart.barLabels.nudge = 7
    drawing.add(chart)
    return drawing


def _caption(drawing: Drawing, text: str, font: str) -> Drawing:
    drawing.add(String(0, drawing.height - 9, text, fontName=font, fontSize=8))
    return drawing


def balanced(text: str, font: str, size: float, width: float) -> str:
    """A title too long for one line, cut into lines of about equal length, so the caption
    never leaves "纠纷" alone on its last line (issue 17)."""
    total = pdfmetrics.stringWidth(text, font, size)
    if total <= width or "\n" in text:
        return text
    lines = -(-int(total) // int(width * 0.97))
    step = -(-len(text) // lines)
    if lines == 2:  # prefer the caption's own joint: after 诉/与/、/， near the middle
        cuts = [i + 1 for i, ch in enumerate(text) if ch in "诉与、，"
                and abs(i + 1 - step) <= step // 2
                and pdfmetrics.stringWidth(text[i + 1:], font, size) <= width * 0.97
                and pdfmetrics.stringWidth(text[:i + 1], font, size) <= width * 0.97]
        if cuts:
            cut = min(cuts, key=lambda i: abs(i - step))
            return text[:cut] + "\n" + text[cut:]
    return "\n".join(text[i:i + step] for i in range(0, len(text), step))


def _cite(n: int, name: str, ranges: Sequence[tuple[int, int]], prefix: str, lang: str,
          exhibit: tuple[str, int] | None = None) -> str:
    """A claimant as the cross-victim tables cite them: number, name, the exhibit the row rests
    on and its page in this bundle (else where their dossier is), so every row can be checked."""
    if not ranges:
        return f"{n}. {name}"
    first, last = ranges[n - 1]
    if exhibit is not None:
        label, page = exhibit
        return template.t(lang, "joint.cite_exhibit", n=n, name=name, label=label,
                          page=f"{prefix}-B-{first + page - 1:06d}")
    return template.t(lang, "joint.cite", n=n, name=name,
                      first=f"{prefix}-B-{first:06d}", last=f"{last:06d}")


def _exhibit_of(front: Front, victim: str, what: str) -> tuple[str, int] | None:
    for vid, found in front.evidence:
        if vid == victim:
            return next(((label, page) for w, label, page in found if w == what), None)
    return None


def _cited_exhibit(front: Front, c: joint.Claimant, value: str, what: str
                   ) -> tuple[str, int] | None:
    """The exhibit a row rests on for this claimant: the lure text's own file when the row is a
    lure's number (batch lists every exhibit as "file:<path>"), else their calls or messages."""
    source = c.lure_sources.get(value) if what == "messages" else None
    found = _exhibit_of(front, c.id, f"file:{source}") if source else None
    return found or _exhibit_of(front, c.id, what)


def _summary_table(analysis: joint.Analysis, lang: str, tz: dt.tzinfo, font: str, width: float,
                   s: Mapping[str, ParagraphStyle]) -> Table:
    """原告情况汇总表: a claimant a row."""

    def t(key: str, **kw: object) -> str:
        return template.t(lang, f"joint.{key}", **kw)

    keys = ("number", "name", "first_order", "first_call_number", "delay", "callers",
            "channels", "amount_lost", "compensation")
    heads = [template.t(lang, f"joint.col.{k}") for k in keys]
    texts = []
    for n, c in enumerate(analysis.claimants, start=1):
        call = c.first_call
        comp = t(f"status.{c.compensation}")
        if c.amount_paid:
            comp += f"\n{_money_shown(c.amount_paid)}"
        # issue 17: a number, a channel, an amount on a line of its own, never split
        texts.append([str(n), f"{c.name}\n{c.id}" if c.name else c.id,
                      times.display(c.first_order, tz, seconds=False).replace(" ", "\n", 1)
                      if c.first_order else "",
                      f"{call.number}\n{call.attribution}".strip() if call else "",
                      _delay(c.delay, lang) if call else "",
                      "\n".join(c.callers), "\n".join(c.channels), _money_shown(c.amount_lost),
                      comp])
    widths = fitted_widths(texts, (.05, .09, .11, .20, .10, .12, .12, .11, .10), width, font,
                           whole=range(len(keys)))
    rows = [_heads(heads, widths, s),
            *([_p(x, s["num" if i == 7 else "cell"]) for i, x in enumerate(r)] for r in texts)]
    return _table(rows, widths, font)


def _story(analysis: joint.Analysis, ranges: Sequence[tuple[int, int]], front: Front,
           lang: str, tz: dt.tzinfo, font: str, width: float,
           found: list[tuple[str, int]], heading: str | None = None) -> list[Flowable]:
    s = _styles(font, heading)

    def t(key: str, **kw: object) -> str:
        return template.t(lang, f"joint.{key}", **kw)

    story: list[Flowable] = [_Mark("cover", found), Spacer(1, 40 * mm),
                             _p(t("cover_kicker"), s["center"]), Spacer(1, 6 * mm),
                             _p(balanced(front.title, s["title"].fontName, 20, width),
                                s["title"]), Spacer(1, 8 * mm)]
    failures = [c for c in analysis.claimants if c.error]
    for line in (
        t("cover_subtitle", count=len(analysis.claimants), pages=front.total_pages or "…"),
        t("cover_court", court=front.court) if front.court else "",
        t("cover_defendant", defendant=front.defendant) if front.defendant else "",
        t("cover_counsel", counsel=front.counsel) if front.counsel else "",
        t("cover_totals", lost=_money_shown(analysis.amount_lost),
          claimed=_money_shown(analysis.claimed_loss), paid=_money_shown(analysis.amount_paid)),
        t("cover_failed", count=len(failures)) if failures else "",
    ):
        if line:
            story += [_p(line, s["center"]), Spacer(1, 2 * mm)]
    # issue 17: how to cite a page, where a clerk reads first (and again above the index)
    cite = t("cite_note", example=t("bates", prefix=front.prefix, page=1))
    story += [Spacer(1, 14 * mm), _p(cite, s["body"]), Spacer(1, 6 * mm),
              _p(t("cover_fingerprint", fingerprint=front.fingerprint), s["small"]), PageBreak()]

    # -- claimants index: every row links to the dossier's first page
    story += [_Mark("index", found), _p(t("index_title"), s["h1"]), _p(cite, s["body"]),
              Spacer(1, 3 * mm)]
    col = functools.partial(template.t, lang)
    # issue 17: no build-status column on a court document (the terminal and manifest say it)
    index_widths = [w * width for w in (.07, .17, .12, .2, .28, .16)]
    rows: list[list[Any]] = [_heads([col(f"joint.col.{k}") for k in (
        "number", "name", "id", "region", "pages", "amount_lost")], index_widths, s)]
    for n, c in enumerate(analysis.claimants, start=1):
        first, last = ranges[n - 1] if ranges else (0, 0)
        target = f"{LINK_SCHEME}{n}"
        label = (f"{front.prefix}-B-{first:06d} – {front.prefix}-B-{last:06d}" if ranges
                 else "")
        if c.error:  # the bundle holds a page saying why, not a dossier
            label = f"{label}\n{t('names_failed')}".strip()
        link = f'<a href="{target}">{escape(label).replace(chr(10), "<br/>")}</a>'
        rows.append([
            Paragraph(f'<a href="{target}">{n}</a>', s["link"]),
            Paragraph(f'<a href="{target}">{escape(c.name or c.id)}</a>', s["link"]),
            _p(c.id, s["cell"]), _p(c.region, s["cell"]), Paragraph(link, s["link"]),
            _p(_money_shown(c.amount_lost), s["num"]),
        ])
    rows.append([_p("", s["cell"]), _p(t("total"), s["cell"]), "", "", "",
                 _p(_money_shown(analysis.amount_lost), s["num"])])
    story += [_table(rows, index_widths, font, right=(5,)), PageBreak()]

    # -- summary across claimants
    story += [_Mark("summary", found), _p(t("summary_title"), s["h1"]),
              _p(t("zone_note", zone=str(tz)), s["small"]), Spacer(1, 2 * mm)]
    story += [_summary_table(analysis, lang, tz, font, width, s), PageBreak()]

    # -- cross-victim analysis
    ids = {c.id: n for n, c in enumerate(analysis.claimants, start=1)}
    story += [_Mark("analysis", found), _p(t("analysis_title"), s["h1"])]
    for title, shared, with_place, what in (
        ("shared_numbers_title", analysis.shared_numbers, True, "calls"),
        ("lure_numbers_title", analysis.lure_numbers, True, "messages"),
        ("shared_domains_title", analysis.shared_domains, False, "messages"),
    ):
        story.append(_p(t(title), s["h2"]))
        if not shared:
            story.append(_p(t("none_lures" if title == "lure_numbers_title" else "none_shared"),
                            s["body"]))
            continue
        # issue 17: a domain has no 归属地: its table has no such (empty) column
        heads: tuple[str, ...] = ("number_or_domain", "attribution", "count", "victims") if (
            with_place) else ("number_or_domain", "count", "victims")
        rows = [[col(f"joint.col.{k}") for k in heads]]
        for item in shared:
            who = [_cite(ids[v], analysis.claimants[ids[v] - 1].name or v, ranges, front.prefix,
                         lang, _cited_exhibit(front, analysis.claimants[ids[v] - 1], item.value,
                                              what)) for v in item.claimants]
            # issue 17: a claimant a line (a name never split); a row at most CITES_PER_ROW
            # lines, so a number shared by 100 claimants still fits the page, row by row
            for k in range(0, len(who), CITES_PER_ROW):
                rows.append([_p(item.value, s["cell"]),
                             *([_p(item.attribution, s["cell"])] if with_place else []),
                             _p(str(len(item.claimants)) if not k else "", s["cell"]),
                             _p("\n".join(who[k:k + CITES_PER_ROW]), s["cell"])])
        shares = (.17, .21, .07, .55) if with_place else (.25, .07, .68)
        widths = fitted_widths([[item.value, *([item.attribution] if with_place else []), "", ""]
                                for item in shared], shares, width, font)
        story.append(_table([_heads(rows[0], widths, s), *rows[1:]], widths, font))
    # issue 17: each chart travels with the table of its figures (the exact numbers a party
    # cites), on one page when they fit: never a chart alone on a page, or its table elsewhere
    other = t("other")
    labels = [t(f"bucket.{k}") for k, _ in analysis.delays]
    story.append(KeepTogether([
        _p(t("delay_title"), s["h2"]),
        _vbar(labels, [float(n) for _, n in analysis.delays], font, width),
        _p(t("legend_delay"), s["small"]),
        *_figures([col("joint.col.delay_bucket"), col("joint.col.count")],
                 [(label, str(n)) for label, (_, n) in zip(labels, analysis.delays, strict=True)],
                 font, width, s)]))
    for title, totals, key in (("channel_title", analysis.by_channel, "channel"),
                               ("region_title", analysis.by_region, "province")):
        names, values = _bar_data(totals, lang, other)
        story.append(KeepTogether([
            _p(t(title), s["h2"]), _hbar(names, values, font, width),
            *_figures([col(f"joint.col.{key}"), col("joint.col.amount"), col("joint.col.count")],
                     [(x.key or t("unknown"), _money_shown(x.amount), str(x.claimants))
                      for x in totals], font, width, s)]))
    status_names = [t(f"status.{x.key}") for x in analysis.by_status]
    story.append(KeepTogether([
        _p(t("status_title"), s["h2"]),
        _hbar(status_names, [float(x.claimants) for x in analysis.by_status], font, width,
              counts=True), _p(t("legend_claimants"), s["small"]),
        *_figures([col("joint.col.compensation"), col("joint.col.count"),
                  col("joint.col.amount_paid")],
                 [(name, str(x.claimants), _money_shown(x.amount))
                  for name, x in zip(status_names, analysis.by_status, strict=True)],
                 font, width, s)]))
    return story


def front_matter(analysis: joint.Analysis, ranges: Sequence[tuple[int, int]], front: Front,
                 lang: str, tz: dt.tzinfo, setup: dict[str, Any], *, counting: bool = False
                 ) -> Rendered:
    """The front matter as one PDF. `ranges` may be empty while the page count is unknown.
    `counting`: only its pages are wanted; no PDF is made (Rendered.pdf is empty)."""
    font = _font(setup)
    size = _pagesize(setup)
    margin = float(setup.get("page", {}).get("margin_mm", 18)) * mm
    stamp = float(setup.get("page", {}).get("stamp_margin_mm", 12)) * mm
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=size, leftMargin=margin, rightMargin=margin,
        topMargin=margin,  # issue 17: the bundle stamp sits bottom right, in the stamp band
        bottomMargin=max(margin, stamp + 4 * mm), title=front.title, author=front.counsel,
        subject=template.t(lang, "joint.cover_kicker"), creator="evidence", invariant=1,
        initialFontName=font,
    )
    found: list[tuple[str, int]] = []

    def story() -> list[Flowable]:
        found.clear()
        return _story(analysis, ranges, front, lang, tz, font, doc.width, found,
                      _fonts(setup).heading)

    doc.build(story(), canvasmaker=CountingCanvas if counting else Canvas)
    if doc.page % 2 and _two_sided(setup):  # the first dossier must start on a recto
        buffer.seek(0)
        buffer.truncate()
        doc.build([*story(), PageBreak(), Spacer(1, (size[1] - 2 * margin) / 2 - 20 * mm),
                   _p(template.t(lang, "print.blank"), _styles(font)["center"])],
                  canvasmaker=CountingCanvas if counting else Canvas)
    return Rendered(buffer.getvalue(), doc.page, tuple(found))


def _two_sided(setup: dict[str, Any]) -> bool:
    """issue 17: printed duplex (batch resolves the command line's --print into the setup),
    the front matter ends on a verso, as each dossier does."""
    section = setup.get("print")
    return isinstance(section, dict) and section.get("profile") == "duplex"


def failed_page(number: int, claimant: joint.Claimant, lang: str, setup: dict[str, Any]
                ) -> bytes:
    """The one page standing in the bundle for a claimant whose dossier could not be built."""
    font = _font(setup)
    s = _styles(font)
    buffer = io.BytesIO()
    margin = float(setup.get("page", {}).get("margin_mm", 18)) * mm
    doc = SimpleDocTemplate(buffer, pagesize=_pagesize(setup), leftMargin=margin,
                            rightMargin=margin, topMargin=margin, bottomMargin=margin + 12 * mm,
                            title=claimant.name or claimant.id, creator="evidence", invariant=1,
                            initialFontName=font)
    doc.build([
        _p(template.t(lang, "joint.outline.claimant", number=number,
                      name=claimant.name or claimant.id, id=claimant.id), s["h1"]),
        _p(template.t(lang, "joint.failed_title"), s["h2"]),
        _p(template.t(lang, "joint.failed_body", number=number, id=claimant.id,
                      error=claimant.error), s["body"]),
    ])
    return buffer.getvalue()


def first_key(analysis: joint.Analysis, front: Front, lang: str, tz: dt.tzinfo,
              setup: dict[str, Any]) -> str:
    """What the first, page-range-less render of the front matter depends on (see layout).
    The build fingerprint on the cover is left out: it changes with every rebuild but is
    always 64 hex digits on the cover, which ends in a page break of its own."""
    blank = dataclasses.replace(front, total_pages=0, fingerprint=len(front.fingerprint) * "0")
    # claimants as their JSON (a claimant read back from build.json reprs differently from
    # a fresh one, e.g. Decimal("5.0") / Decimal("5.00")); the rest of the analysis is
    # computed from them
    data = json.dumps([[joint.to_json(c) for c in analysis.claimants], repr(blank), lang,
                       str(tz), setup], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def layout(analysis: joint.Analysis, dossier_pages: Sequence[int], front: Front, lang: str,
           tz: dt.tzinfo, setup: dict[str, Any], first_pages: int | None = None
           ) -> tuple[Rendered, tuple[tuple[int, int], ...]]:
    """Render until the front matter's page count is stable, so page ranges are right.

    The iteration starts from the page count of a render without page ranges; `first_pages`
    is that count when a previous build already rendered it for the same first_key (a rebuild
    after one claimant's new screenshot then renders once, not twice, and lands on the same
    fixed point as a build from nothing). The result's `first_pages` is that count."""
    pages = first_pages or front_matter(analysis, (), front, lang, tz, setup,
                                        counting=True).pages
    start = pages
    for _ in range(4):
        ranges = joint.page_ranges(pages, dossier_pages)
        total = pages + sum(max(n, 1) for n in dossier_pages)
        again = front_matter(analysis, ranges, dataclasses.replace(front, total_pages=total),
                             lang, tz, setup)
        if again.pages == pages:
            return dataclasses.replace(again, first_pages=start), ranges
        pages = again.pages
    raise RuntimeError("front matter page count does not settle")  # pragma: no cover



# points: one bundle stamp's box, its bottom right placed where the dossier's stamp stood by
# pdf/bundle.py (issue 17): the bundle number on top, the dossier's own stamp smaller beneath;
# it stays inside the dossier's 12 mm stamp band
STAMP_SIZE = (360.0, 24.5)
STAMP_POINTS = 10.5  # the bundle number: 五号, bigger than the dossier's 8 pt stamp beneath it


def stamp_face(labels: Sequence[str], setup: dict[str, Any], own: Sequence[str] = (),
               lang: str = "zh-Hans") -> model.BundleStampFace:
    """The glyphs the bundle stamps are drawn with: one small page per character the labels
    and the pages' own stamps (`own`, as joint.stamp_beneath puts them) use, drawn from x = 0
    at a line's baseline, and their advances.

    pdf/bundle.py composes each stamp from these (right-aligned on a white knock-out) and places
    it where a reader sees the bottom right of the bundle page (rotated and cropped pages
    included): a stamp costs a few bytes, whatever the number of pages.
    """
    from reportlab.pdfgen import canvas as pdfcanvas

    font = _fonts(setup).heading  # the dossiers' stamps' face
    size = STAMP_POINTS
    small = float(setup.get("dossier", {}).get("stamp_font_size", 8)) / size
    beneath = template.t(lang, "joint.stamp_beneath", stamp="{stamp}")
    line = round(size * 1.3, 2)
    chars = "".join(sorted(set("".join(labels)) | set("".join(
        beneath.format(stamp=o) for o in own if o))))
    buffer = io.BytesIO()
    c = pdfcanvas.Canvas(buffer, pagesize=(STAMP_SIZE[0], line), invariant=1,
                         initialFontName=font)
    for ch in chars:
        c.setFillColor(colors.black)
        c.setFont(font, size)
        c.drawString(0, 0.28 * size, ch)
        c.showPage()
    if not chars:
        c.showPage()
    c.save()
    return model.BundleStampFace(buffer.getvalue(), chars,
                                 tuple(pdfmetrics.stringWidth(ch, font, size) for ch in chars),
                                 STAMP_SIZE, line, small, beneath)

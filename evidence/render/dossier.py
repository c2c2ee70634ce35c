"""The dossier's own pages, drawn with reportlab: front matter, exhibit pages, custody appendix.

Three separate documents, so that the exhibits (which do not depend on page numbers) are drawn
once, and the front matter (which cites page numbers) is drawn again until its own length is
stable. Original PDFs and image pixels are never drawn here: the exhibit document leaves a slip
sheet or an empty box for them and says where; the output layer (pdf/assemble.py) puts the originals in untouched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak, Spacer

from evidence import errors, layout, model, template, times
from evidence import exhibits as exhibits_mod
from evidence.layout import Item, Mode, Plan, Row
from evidence.model import Event, EventKind
from evidence.ocr.model import OcrPage
from evidence.render import common, textlayer
from evidence.render import fonts as fonts_mod
from evidence.render.common import Anchor, esc, link

URL = re.compile(
    r"(?:https?://|www\.)[^\s，。；、）)]+"
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|top|xyz|cc)\b[^\s，。；、）)]*", re.I)


@dataclasses.dataclass(frozen=True)
class ImageInfo:
    """An image ready for placing, or why it cannot be shown.

    `raster`: the file's own compressed bytes are embedded as they are (the common case);
    `pdf`: a one-page img2pdf PDF for anything unusual (alpha, palette, CMYK, interlaced…).
    """

    pdf: Path | None
    size: tuple[float, float] | None  # displayed width, height (any unit: only the ratio counts)
    error: str | None = None
    raster: model.Raster | None = None

    @property
    def ready(self) -> bool:
        return (self.pdf is not None or self.raster is not None) and self.size is not None


@dataclasses.dataclass(frozen=True)
class PdfInfo:
    pages: int
    error: str | None = None
    removed: tuple[str, ...] = ()  # issue 23: kinds of active content taken out (sanitize)
    links: tuple[str, ...] = ()  # issue 23: web links removed, listed in the header


@dataclasses.dataclass(frozen=True)
class Placement:
    page: int  # 1-based page in the exhibits document
    image: ImageInfo
    box: layout.Box


@dataclasses.dataclass
class Exhibits:
    """What the exhibits document holds, in its own page numbers (1-based)."""

    pages: int = 0
    item_first: dict[str, int] = dataclasses.field(default_factory=dict)
    item_last: dict[str, int] = dataclasses.field(default_factory=dict)
    event_page: dict[tuple[str, str], int] = dataclasses.field(default_factory=dict)
    inserts: dict[int, Path] = dataclasses.field(default_factory=dict)  # after page -> original
    insert_pages: dict[int, int] = dataclasses.field(default_factory=dict)  # after page -> count
    placements: list[Placement] = dataclasses.field(default_factory=list)
    group_first: dict[str, int] = dataclasses.field(default_factory=dict)


Numbers = layout.Numbers  # planned in layout (issue 19)


def reserved_digits(pages_after_front: int) -> int:
    """Digits of room for a page number: the pages after the front matter and up to 99 of it
    (a longer front matter only costs a second pass)."""
    return len(str(pages_after_front + 99))


def _page_part(c: Ctx, nums: Numbers, key: str, text: str, reserve: str, linked: bool,
               style: Any = None) -> str | common.Run:
    """A page number in a cell: its text, or (provisional numbers) a Run drawn later."""
    if not nums.later:
        return text
    st = style if style is not None else c.st.cell
    return common.Run(reserve, st.fontName, st.fontSize,
                      common.LINK if linked else (st.textColor or common.INK), later=key)


def _later_values(c: Ctx, nums: Numbers) -> common.Later:
    """The text and page of every key the front matter drew with provisional numbers."""
    out: dict[str, tuple[str, int | None]] = {"t": (str(nums.total or ""), None)}
    for i, page in enumerate(nums.row_pages):
        out[f"r{i}"] = (str(page or ""), page)
    for k, it in enumerate(c.plan.items):
        out[f"i{k}"] = _pages(nums, it.file.path)
    return out


@dataclasses.dataclass(frozen=True)
class Ctx:
    plan: Plan
    pg: common.Page
    st: common.Styles
    fonts: fonts_mod.Fonts
    sink: dict[Any, int] = dataclasses.field(default_factory=dict)  # anchor key -> page
    # issue 6: print profile and service copies
    tabs: bool = False  # a tab sheet before each exhibit
    review_note: str = ""  # on image/PDF exhibit pages of a redacted copy
    copy_mark: str = ""  # on the cover of a redacted copy
    # issue 17: a service copy (served on the other side): what the file lacks is the
    # lawyer's business, listed in review.txt, not on a served page
    served: bool = False
    # issue 21: OCR pages of exhibited images by SHA-256 (their invisible text layer), what a
    # service copy does to that text, and the summary's line when no text was read
    ocr_pages: Mapping[str, OcrPage] = dataclasses.field(default_factory=dict)
    ocr_mask: Callable[[str], str] | None = None
    ocr_note: str = ""
    ocr_vouched: frozenset[str] = frozenset()  # pictures whose numbers were painted over: no review note

    def t(self, key: str, **kw: object) -> str:
        return template.t(self.plan.lang, "dossier." + key, **kw)

    def when(self, t: dt.datetime | None, seconds: bool = True) -> str:
        return times.display(t, self.plan.tz, seconds=seconds) if t else "—"

    def money(self, amount: Decimal | None) -> str:
        return self.t("summary.money", amount=f"{amount:,.2f}") if amount is not None else (
            self.t("summary.not_stated"))


def _on_page(canv: Canvas, doc: Any) -> None:
    doc.last_page = canv.getPageNumber()


# ---- front matter ----------------------------------------------------------------------------

FRONT_SECTIONS = layout.FRONT_SECTIONS


@dataclasses.dataclass(frozen=True)
class FrontStory:
    """The front matter's flowables, laid out with room for each page number (issue 19): the
    counting pass and the pass told the numbers draw the same flowables, so each paragraph
    is broken into lines once."""

    flowables: tuple[Flowable, ...]
    starts: dict[Any, int]  # anchor -> page, filled while a pass draws


def front_story(c: Ctx, nums: Numbers, labels: Mapping[str, str]) -> FrontStory:
    starts: dict[Any, int] = {}
    nums = dataclasses.replace(nums, later=reserved_digits(nums.total))
    return FrontStory(tuple(_plain_story(c, nums, labels, starts)), starts)


def front(c: Ctx, path: Path | None, nums: Numbers, labels: Mapping[str, str], *,
          final: Numbers | None = None, links: list[common.Link] | None = None,
          story: FrontStory | None = None) -> tuple[list[int], int, bool]:
    """Cover, summary, evidence list, chronology, then the custody appendix (which goes after
    the exhibits: the caller splits the file), in one document: one set of font subsets.
    Returns each front section's page count, the appendix's, and whether the page numbers
    fitted; the links to dossier pages it draws are put in `links` (made by assemble.add_links
    once assembled). `labels`: each accepted file's exhibit label, for the appendix.

    The pages it cites depend on its own length, so it is rendered twice (issue 19): first
    with `path` None, only to count its pages (nothing is written); then, once the caller has
    planned the numbers (layout.paginate_dossier), told the `final` numbers. Both passes draw
    `story` (front_story: room laid out for each number, so both have the same length); the
    final numbers are drawn in that room. A number wider than its room would have wrapped
    differently: then it returns False and the caller renders it again with `final` as `nums`
    (and no story: laid out with the numbers themselves).
    """
    if story is None:
        starts: dict[Any, int] = {}
        story = FrontStory(tuple(_plain_story(c, nums, labels, starts)), starts)
    starts = story.starts
    starts.clear()
    doc = common.Doc(str(path) if path is not None else io.BytesIO(), c.pg, title=c.t(
        "doc.title", name=_name(c)), author=c.plan.case.counsel, top_band=False,
        on_page=_on_page, initial_font=c.fonts.body)
    values = _later_values(c, final if final is not None else nums)
    canvas = common.CountingLinkCanvas if path is None else common.LinkCanvas
    doc.build(list(story.flowables), canvasmaker=functools.partial(canvas, resolve=lambda: values))
    if links is not None:
        links[:] = doc.canv.links
    firsts = [starts[n] for n in (*FRONT_SECTIONS, "custody")]
    ends = [*firsts[1:], int(doc.last_page) + 1]
    sizes = [b - a for a, b in zip(firsts, ends, strict=True)]
    return sizes[:-1], sizes[-1], doc.canv.fitted


def _plain_story(c: Ctx, nums: Numbers, labels: Mapping[str, str], starts: dict[Any, int]
                 ) -> list[Flowable]:
    story: list[Flowable] = []
    for i, (name, build) in enumerate((("cover", _cover), ("summary", _summary),
                                       ("index", _index), ("chronology", _chronology))):
        if i:
            story.append(PageBreak())
        story.append(Anchor(name, starts))
        story.extend(build(c, nums))
    return [*story, PageBreak(), Anchor("custody", starts), *_custody(c, labels)]


def _name(c: Ctx) -> str:
    return c.plan.victim.name or c.plan.victim.id


def _kv(c: Ctx, rows: Sequence[tuple[str, str | common.Cell]], widths: tuple[float, float],
        style: Any = None) -> Flowable:
    """Two-column key/value table; a value is plain text (in `style`, body by default) or a Cell."""
    vs = style if style is not None else c.st.body
    return common.Grid(widths, [common.GridRow((
        common.cell(c.st.cell_head, k), v if isinstance(v, common.Cell) else common.cell(vs, v)))
        for k, v in rows])


def _cover(c: Ctx, nums: Numbers) -> list[Flowable]:
    p, v, case = c.plan, c.plan.victim, c.plan.case
    unknown = c.t("cover.unknown")
    rows: list[tuple[str, str | common.Cell]] = [
        (c.t("cover.case"), case.title or unknown),
        (c.t("cover.court"), case.court or unknown),
        (c.t("cover.claimant"), v.name or unknown),
        (c.t("cover.region"), v.region or unknown),
        (c.t("cover.victim_id"), v.id),
        (c.t("cover.defendant"), case.defendant or unknown),
        (c.t("cover.counsel"), case.counsel or unknown),
        (c.t("cover.build_date"), p.build_date.isoformat() if p.build_date else unknown),
        (c.t("cover.exhibits"), str(len(p.items))),
        (c.t("cover.pages"), common.cell(c.st.body, _page_part(
            c, nums, "t", str(nums.total or ""), "0" * nums.later, False, c.st.body))),
        (c.t("cover.fingerprint"), common.cell(c.st.body, common.Run(
            p.fingerprint, c.st.body.fontName, c.st.cell.fontSize))),
    ]
    w = c.pg.frame_width
    return [
        Spacer(1, 30 * mm),
        common.Para(esc(c.t("cover.heading")), c.st.title),
        Spacer(1, 4 * mm),
        common.Para(esc(c.t("cover.subtitle")), c.st.subtitle),
        *([Spacer(1, 3 * mm), common.Para(f"<b>{esc(c.copy_mark)}</b>", c.st.subtitle)]
          if c.copy_mark else []),  # issue 6
        Spacer(1, 18 * mm),
        _kv(c, rows, (w * 0.3, w * 0.7)),
        Spacer(1, 8 * mm),
        common.Para(esc(c.t("cover.fingerprint_note")), c.st.body),
        Spacer(1, 2 * mm),
        common.Para(esc(c.t("cover.numbering", example=nums.bates(1),  # true alone and in the bundle
                             bundle=f"{c.plan.case.bates_prefix}-B-000001")), c.st.body),
    ]


def _zone(c: Ctx) -> str:
    return c.t("summary.zone", zone=c.plan.case.timezone,
               offset=times.utc_offset(c.plan.tz, c.plan.build_date))


def _delay(c: Ctx, d: dt.timedelta) -> str:
    total = int(d.total_seconds()) // 60
    days, rest = divmod(total, 24 * 60)
    h, m = divmod(rest, 60)
    if days:
        return c.t("summary.days", d=days, h=h, m=m)
    if h:
        return c.t("summary.hours", h=h, m=m)
    return c.t("summary.minutes", m=m)


def _summary(c: Ctx, nums: Numbers) -> list[Flowable]:
    p, s = c.plan, c.plan.summary
    out: list[Flowable] = [common.Para(esc(c.t("summary.heading")), c.st.h1),
                           common.Para(esc(_zone(c)), c.st.body)]
    out.append(common.Para(esc(c.t("summary.orders")), c.st.h2))
    for oid, placed, item, amount in s.orders:
        out.append(common.Para(esc(c.t("summary.order_line", id=oid, item=item or "—",
                                     amount=c.money(amount), time=c.when(placed))), c.st.body))
    if not s.orders:
        out.append(common.Para(esc(c.t("summary.no_orders")), c.st.body))
    out.append(common.Para(esc(c.t("summary.first_call")), c.st.h2))
    if s.first_call:
        call = s.first_call
        line = c.t("summary.first_call_line", time=c.when(call.time),
                   number=call.counterparty or "—", attribution=call.attribution or "—")
        if s.call_delay is not None:
            line += "；" if p.lang != "en" else "; "
            line += c.t("summary.delay", delay=_delay(c, s.call_delay))
        out.append(common.Para(_cited(c, nums, call, esc("★ " + line)), c.st.body))
    else:
        out.append(common.Para(esc(c.t("summary.no_call")), c.st.body))
    out.append(common.Para(esc(c.t("summary.debits")), c.st.h2))
    for ev in s.debits[:30]:
        out.append(common.Para(_cited(c, nums, ev, esc("▼ " + c.t(
            "summary.debit_line", time=c.when(ev.time), summary=ev.summary))), c.st.body))
    if len(s.debits) > 30:
        out.append(common.Para(f"… (+{len(s.debits) - 30})", c.st.body))
    if not s.debits:
        out.append(common.Para(esc(c.t("summary.no_debits")), c.st.body))
    diff = (s.claimed - s.debit_total) if s.claimed is not None else None
    w = c.pg.frame_width
    out.append(Spacer(1, 4 * mm))
    if s.first_call and s.all_debit_total != s.debit_total:
        out.append(common.Para(esc(c.t("summary.debits_note")), c.st.body))
    out.append(_kv(c, [
        (c.t("summary.debit_total"), c.money(s.debit_total)),
        (c.t("summary.all_debits"), c.money(s.all_debit_total)),
        (c.t("summary.claimed"), c.money(s.claimed)),
        (c.t("summary.difference"), c.money(diff)),
        (c.t("summary.compensation"), s.compensation),
        (c.t("summary.compensation_paid"), c.money(s.compensation_paid)),
        *([(c.t("summary.held"), c.t("summary.held_value", n=s.review_count, amount=c.money(s.review_total)))]
          if s.review_count else []),
    ], (w * 0.35, w * 0.65)))
    if c.ocr_note:  # issue 21
        out.append(common.Para(esc(c.ocr_note), c.st.body))  # issue 17: body text, 五号
    wanted = [] if c.served else missing(c)  # issue 17: a service copy's list: review.txt
    if wanted:
        out.append(common.Para(esc(c.t("summary.missing_heading")), c.st.h2))
        out.extend(common.Para(esc("• " + m), c.st.body) for m in wanted)
    return out


def missing(c: Ctx) -> list[str]:
    """缺少的证据: what the file lacks that a court will ask for (the summary's list)."""
    p, s = c.plan, c.plan.summary
    out = []
    if not p.victim.config_found:
        out.append(c.t("summary.missing_config"))
    if not any(it.file.sha256 for it in p.items):  # the order sheet is no evidence file
        out.append(c.t("summary.missing_none"))
    if not s.orders:
        out.append(c.t("summary.missing_orders"))
    if not s.first_call:
        out.append(c.t("summary.missing_call"))
    if not s.debits:
        out.append(c.t("summary.missing_debit"))
    return out + _court_missing(c)


def _court_missing(c: Ctx) -> list[str]:
    """What a court will ask for that the file lacks (evidence.exhibits decides, issue 17)."""
    p = c.plan
    story = exhibits_mod.story(p.lang, p.tz, p.victim, p.summary.first_call, p.summary.call_delay,
                               p.summary.debits, p.summary.debit_total, ())
    items = [(exhibits_mod.Fact(str(e.group)), it.file, it.name, it.events)
             for e in p.exhibits for it in e.items]
    matched = {it.file.path: any(_matched_call(c, ev) is not None for ev in it.events
                                 if ev.kind is EventKind.RECORDING)
               for it in p.items if it.mode is Mode.RECORDING}
    transcribed = {it.file.path for it in p.items
                   if it.mode is Mode.RECORDING and _transcript_file(c, it) is not None}
    return exhibits_mod.missing(items, p.victim, p.summary.debits, matched, story, transcribed)


def _cited(c: Ctx, nums: Numbers, ev: Event, markup: str) -> str:
    """Link a summary line to the chronology row's exhibit page."""
    for i, row in enumerate(c.plan.rows):
        if row.event is ev and i < len(nums.row_pages):
            page = nums.row_pages[i]
            return link(markup, f"r{i}" if nums.later and page else page)
    return markup


def _pages(nums: Numbers, path: str) -> tuple[str, int | None]:
    first, last = nums.item_pages.get(path, (0, 0))
    if not first:
        return "000–000", None  # same width as the real thing on the first pass
    return (str(first) if first == last else f"{first}–{last}"), first


INDEX_COLUMNS = ("no", "name", "original", "source", "purpose", "count", "pages")
INDEX_WIDTHS = (0.085, 0.175, 0.125, 0.20, 0.24, 0.075, 0.10)  # shares of the frame width


def _head_text(text: str, width: float, style: Any) -> str:
    """A column header wider than its column breaks after its ／ ("证据形式／" over
    "原件或复印件"), not wherever the line is full (issue 17: "证据形式／原" over "件或复印件")."""
    at = text.find("／") + 1
    fits = pdfmetrics.stringWidth(text, style.fontName, style.fontSize) <= width - 6
    return text if fits or not at else text[:at] + "\n" + text[at:]


def _index(c: Ctx, nums: Numbers) -> list[Flowable]:
    """证据目录 as a clerk files it (issue 17): each exhibit named by what it is, grouped by the
    fact it proves, with 原件/复印件, 来源 (the file), 证明目的, 份数/页数 and 页码, then
    提交人, 日期 and room to sign. evidence.exhibits wrote the names and purposes."""
    p, st = c.plan, c.st
    w = c.pg.frame_width
    widths = [w * x for x in INDEX_WIDTHS]
    head = common.GridRow(tuple(common.cell(st.cell_head, _head_text(c.t(f"index.{k}"), width,
                                                                 st.cell_head))
                                for k, width in zip(INDEX_COLUMNS, widths, strict=True)))
    out: list[Flowable] = [
        common.Para(esc(c.t("index.heading")), st.h1),
        common.Para(esc(c.t("index.intro", name=_name(c), case=p.case.title)), st.body),
        Spacer(1, 3 * mm),
    ]
    rows: list[common.GridRow] = []
    number = {it.file.path: k for k, it in enumerate(p.items)}
    reserve = "0" * nums.later + "–" + "0" * nums.later

    def target(path: str, first: int | None) -> int | str | None:
        return f"i{number[path]}" if nums.later and first else first

    for ex in p.exhibits:
        title = c.t(f"group.{ex.group}")
        lead = ex.items[0].file.path
        first = target(lead, nums.item_pages.get(lead, (0, 0))[0] or None)
        rows.append(common.GridRow((common.cell(st.cell_head, ex.label if len(ex.items) > 1
                                                else "", link=first),
                                    common.cell(st.cell_head, c.t("index.fact", fact=title),
                                                link=first)),
                                   fill=common.BAND, span=1))
        for it in ex.items:
            text, page = _pages(nums, it.file.path)
            first = target(it.file.path, page)
            pages = _page_part(c, nums, f"i{number[it.file.path]}", text, reserve, bool(first))
            source = _path_lines(it.file.path) if it.file.sha256 else c.t("index.statement_source")
            if it.file.sha256:
                source += c.t("index.sha_line", sha=it.file.sha256[:16])
            if it.duplicates:
                source += c.t("index.duplicates", paths="、".join(it.duplicates))
            source += _read_from(c, it)  # issue 21
            first_p, last_p = nums.item_pages.get(it.file.path, (0, 0))
            count = c.t("index.count_n", n=last_p - first_p + 1 if first_p else "—")
            rows.append(common.GridRow((
                common.cell(st.cell, it.label, link=first),
                common.cell(st.cell, _title(c, it), link=first),
                common.cell(st.cell, f"{c.t(f'form.{it.form}')}\n{it.original}" if it.original
                            else c.t(f"form.{it.form}")),
                common.cell(st.cell, source),
                common.cell(st.cell, it.purpose),
                common.cell(st.cell, count),
                common.cell(st.cell, pages, link=first),
            )))
    if rows:
        out.append(common.Grid(widths, rows, head))
    if not any(it.file.sha256 for it in p.items):  # nothing but the claimant's order sheet
        out.append(common.Para(esc(c.t("index.empty")), st.body))
    date = p.build_date.isoformat() if p.build_date else "＿＿＿＿"
    out.append(Spacer(1, 6 * mm))
    out.append(common.Para(esc(c.t("index.total", count=len(p.items))), st.body))
    out.append(Spacer(1, 6 * mm))
    out.append(_kv(c, [(c.t("index.submitter"), c.t("index.submitter_line",
                                                     name=_name(c))),
                       (c.t("index.counsel"), p.case.counsel or ""),
                       (c.t("index.date"), date),
                       # issue 17: a cell a signature and a seal fit in (four lines, ~22 mm)
                       (c.t("index.signature"), common.cell(st.body, "\u3000\n" * SIGN_LINES + "\u3000"))],
                   (w * 0.22, w * 0.78)))
    out.append(common.Room(14 * mm))  # for the signature and seal, never a page of its own
    return out


SIGN_LINES = 3  # blank lines (ideographic spaces: an empty line is dropped) in the 签名（盖章） cell


def _path_lines(path: str) -> str:
    """A path breaks after its folder, not in the middle of the file name."""
    folder, _, name = path.rpartition("/")
    return f"{folder}/\n{name}" if folder else name


def _title(c: Ctx, it: Item) -> str:
    """证据名称: what the exhibit is (evidence.exhibits); the file's name is in 来源."""
    if it.name:
        return it.name
    return f"{c.t(f'kind.{it.file.kind}')}：{PurePosixPath(it.file.path).name}" if (
        c.plan.lang != "en") else f"{c.t(f'kind.{it.file.kind}')}: {PurePosixPath(it.file.path).name}"


def _chronology(c: Ctx, nums: Numbers) -> list[Flowable]:
    p, st = c.plan, c.st
    w = c.pg.frame_width
    widths = [w * x for x in (0.17, 0.395, 0.19, 0.135, 0.11)]  # amounts never wrap
    head = common.GridRow(tuple(common.cell(st.cell_head, c.t(f"chronology.{k}"))
                                for k in ("time", "event", "party", "amount", "source")))
    out: list[Flowable] = [common.Para(esc(c.t("chronology.heading")), st.h1),
                           common.Para(esc(c.t("chronology.intro")), st.body),
                           common.Para(esc(_zone(c)), st.body),
                           Spacer(1, 2 * mm)]
    label_of = {it.file.path: it.label for it in p.items}
    for part in p.listings:  # issue 23: large exports are listed in part
        out.append(common.Para(esc(c.t("chronology.listed_part", path=part.path, label=label_of.get(
            part.path, "?"), held=part.held, listed=part.listed, rest=part.held - part.listed,
            sha=part.sha256)), st.body))
    if not p.rows:
        if not p.listings:
            out.append(common.Para(esc(c.t("chronology.empty")), st.body))
        return out
    out.append(common.Grid(widths, [_chrono_row(c, nums, row, i, label_of)
                                    for i, row in enumerate(p.rows)], head, zebra=True))
    return out


def _chrono_row(c: Ctx, nums: Numbers, row: Row, i: int, label_of: Mapping[str, str] | None = None
                ) -> common.GridRow:
    st, ev = c.st, row.event
    page = nums.row_pages[i] if i < len(nums.row_pages) else None
    when = c.when(ev.time)
    if ev.zone_assumed:
        when += c.t("chronology.basis_assumed")
    mark = {"call": c.t("chronology.mark_call"), "debit": c.t("chronology.mark_debit")}.get(
        row.marker, "")
    style = st.cell_mark if row.marker else st.cell
    text = (f"{mark} " if mark else "") + ev.summary
    if ev.details.get("lure"):  # issue 16: a text posing as a notice is the fraud's, not the bank's
        numbers = ev.details.get("lure_numbers", "").split()
        text = c.t("chronology.lure") + text + (
            c.t("chronology.lure_numbers", numbers="、".join(numbers)) if numbers else "")
    party: list[str | common.Run] = [ev.counterparty or ""]
    if ev.attribution:
        party.append(common.Run("\n" + common.plain(ev.attribution), st.cell.fontName,
                                    st.cell.fontSize))
    amount = ""
    if ev.amount is not None:
        sign = "-" if str(ev.direction) == "debit" else ("+" if ev.direction else "")
        amount = f"{sign}{ev.amount:,.2f}"
        if ev.kind is EventKind.ORDER:  # issue 17: the price paid, not a debit to verify
            amount = c.t("chronology.amount_order", amount=amount)
        elif ev.direction is None:  # a notice shown for review: the sign of neither direction
            amount = c.t("chronology.amount_review", amount=amount)
    cite: list[str | common.Run] = [row.item_label or "—"]
    target: int | str | None = page
    if page:
        target = f"r{i}" if nums.later else page
        cite = [f"{cite[0]}\n", _page_part(c, nums, f"r{i}", str(page), "0" * nums.later, True)]
    # issue 21: the same record also seen elsewhere (an SMS and its screenshot): both sources
    known = label_of or {}
    also = [x for x in dict.fromkeys(known[r.path] for r in ev.also if r.path in known)
            if x != row.item_label]
    if also:
        cite.append(common.Run("\n+" + "、".join(also), st.cell.fontName,
                               st.cell.fontSize))  # issue 17: table text, 9 pt
    return common.GridRow((
        common.cell(st.cell, when, link=target), common.cell(style, text, *_review(c, ev)),
        common.cell(st.cell, *party),
        common.cell(st.cell_right if not row.marker else style, amount),
        common.cell(st.cell, *cite, link=target)),
        fill=common.MARK_FILL if row.marker else None, mark=bool(row.marker))


def _read_from(c: Ctx, it: Item) -> str:
    """issue 21: how many facts of the chronology were read off this picture by OCR."""
    read = [e for e in it.events if e.details.get("extracted_by") == "ocr"]
    if not read:
        return ""
    review = sum(1 for e in read if e.needs_review)
    return c.t("index.ocr_read", n=len(read)) + (c.t("index.ocr_review", n=review) if review else "")


def _review(c: Ctx, ev: Event) -> list[str | common.Run]:
    """issue 21: a reading marked for review says so, and why, under its summary (it is
    counted in no total)."""
    if not ev.needs_review:
        return []
    reason = ev.details.get("review_reason") or ""
    return [common.Run("\n" + common.plain(c.t("chronology.review", reason=reason)),
                       c.st.cell.fontName, 6.5)]


# ---- exhibits --------------------------------------------------------------------------------


class _Current(Flowable):  # type: ignore[misc]
    """Sets the header band text for the page it lands on."""

    def __init__(self, state: dict[str, str], left: str, right: str, note: str = "") -> None:
        super().__init__()
        self.state, self.left, self.right, self.note = state, left, right, note
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.state["left"], self.state["right"] = self.left, self.right
        self.state["note"] = self.note  # issue 6: "needs manual review" on a redacted copy


class _Tab(Flowable):  # type: ignore[misc]
    """issue 6: an exhibit tab sheet, the exhibit number big enough to find in a binder."""

    def __init__(self, c: Ctx, label: str, title: str, height: float) -> None:
        super().__init__()
        self.c, self.label, self.title = c, label, title
        self.width, self.height = c.pg.frame_width, height

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, min(self.height, ah)

    def draw(self) -> None:
        canv, f = self.canv, self.c.fonts
        text = template.t(self.c.plan.lang, "print.tab", label=self.label)
        size = 64.0
        while size > 20 and canv.stringWidth(text, f.heading, size) > self.width * 0.9:
            size -= 4
        mid = self.width / 2
        canv.saveState()
        canv.setFillColor(common.INK)
        canv.setFont(f.heading, size)
        canv.drawCentredString(mid, self.height * 0.55, common.printable(text))
        canv.setFont(f.heading, 18)
        canv.drawCentredString(mid, self.height * 0.55 - 36, common.printable(self.title))
        canv.setLineWidth(2)
        canv.line(mid - 60, self.height * 0.55 - 50, mid + 60, self.height * 0.55 - 50)
        canv.restoreState()


class _Sheet(Flowable):  # type: ignore[misc]
    """A page of one or two images: captions drawn here, pixels placed later by pdf/assemble.py."""

    def __init__(self, c: Ctx, slots: list[tuple[Item, ImageInfo, layout.Box]], frame: layout.Box,
                 out: Exhibits, captions: float) -> None:
        super().__init__()
        self.c, self.slots, self.frame, self.out, self.captions = c, slots, frame, out, captions
        self.width, self.height = frame.w, frame.h + captions

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv, c = self.canv, self.c
        page = canv.getPageNumber()
        ox, oy = canv.absolutePosition(0, 0)
        for item, info, box in self.slots:
            # box is in page coordinates; this flowable draws relative to its own origin
            bx, by = box.x - ox, box.y - oy
            canv.saveState()
            canv.setStrokeColor(common.RULE)
            canv.setLineWidth(0.5)
            canv.rect(bx, by, box.w, box.h, stroke=1, fill=0)
            canv.setFillColor(common.INK)
            size = c.st.cell.fontSize  # issue 17: captions at table size (9 pt), not 6.5
            canv.setFont(c.fonts.heading, size)
            width = max(box.w, self.frame.w / 2 - 2)
            cx = bx + box.w / 2
            name = common.printable(item.name or PurePosixPath(item.file.path).name)
            canv.drawCentredString(cx, by - 10, common.clip(canv, f"{item.label}  {name}",
                                                            c.fonts.heading, size, width))
            canv.setFont(c.fonts.body, size)
            canv.drawCentredString(cx, by - 20.5, common.clip(
                canv, f"{PurePosixPath(item.file.path).name}  SHA-256 {item.file.sha256[:16]}…",
                c.fonts.body, size, width))
            if item.first:
                canv.drawCentredString(cx, by - 31, common.clip(
                    canv, c.t("exhibit.image_time", time=c.when(item.first)), c.fonts.body,
                    size, width))
            canv.restoreState()
            if item.file.sha256 in c.ocr_pages:  # issue 21: searchable, under the picture
                textlayer.draw(canv, c.ocr_pages[item.file.sha256], bx, by, box.w, box.h,
                               c.fonts.body, c.ocr_mask)
            self.out.placements.append(Placement(page, info, box))


def exhibits(c: Ctx, path: Path, images: Mapping[str, ImageInfo], pdfs: Mapping[str, PdfInfo]
             ) -> Exhibits:
    out = Exhibits()
    state = {"left": "", "right": ""}

    def on_page_end(canv: Canvas, doc: Any) -> None:
        doc.last_page = canv.getPageNumber()
        if state.get("tab"):  # issue 6: a tab sheet has no header band
            return
        common.header_band(canv, c.pg, c.fonts, state["left"], state["right"],
                           note=state.get("note", ""))

    story: list[Flowable] = []
    for ex in c.plan.exhibits:
        title = c.t(f"group.{ex.group}")
        if c.tabs:  # issue 6
            story += [PageBreak(), _TabState(state, True), Anchor(("group", ex.label), c.sink),
                      _Tab(c, ex.label, title, c.pg.height - 2 * c.pg.margin - c.pg.band
                           - c.pg.stamp_band - 8 * mm)]
        run: list[Item] = []
        for it in ex.items:
            info = images.get(it.file.path)
            if it.mode is Mode.IMAGE and info is not None and info.ready:
                run.append(it)
                continue
            story.extend(_image_run(c, run, images, out, state, title))
            run = []
            story.extend(_item(c, it, images, pdfs, out, state, title))
        story.extend(_image_run(c, run, images, out, state, title))
    if not story:
        return out
    if isinstance(story[0], PageBreak):  # every item starts a page; the first one already has
        story = story[1:]
    doc = common.Doc(str(path), c.pg, title="exhibits", author="", top_band=True,
                     initial_font=c.fonts.body)
    doc.pageTemplates[0].onPageEnd = on_page_end
    doc.build(story)
    out.pages = int(doc.last_page)
    for key, page in c.sink.items():
        kind, pathkey = key[0], key[1]
        if kind == "first":
            out.item_first[pathkey] = page
        elif kind == "last":
            out.item_last[pathkey] = page
        elif kind == "event":
            out.event_page[(pathkey, key[2])] = page
        elif kind == "group":
            out.group_first[pathkey] = page
    return out



class _TabState(Flowable):  # type: ignore[misc]
    """issue 6: the page it lands on is a tab sheet (no header band) or not."""

    def __init__(self, state: dict[str, Any], on: bool) -> None:
        super().__init__()
        self.state, self.on = state, on
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.state["tab"] = self.on


def _band_right(it: Item) -> str:
    return f"{PurePosixPath(it.file.path).name} · SHA-256 {it.file.sha256[:12]}"


def _start(c: Ctx, it: Item, state: dict[str, str], title: str, first_in_story: bool
           ) -> list[Flowable]:
    left = c.t("exhibit.item_heading", label=it.label, title=title)
    note = c.review_note if it.mode is Mode.PDF else ""  # issue 6
    return [PageBreak(), _TabState(state, False), _Current(state, left, _band_right(it), note),
            Anchor(("first", it.file.path), c.sink)]


def _meta(c: Ctx, it: Item, extra: Sequence[tuple[str, str]] = ()) -> Flowable:
    f = it.file
    rows: list[tuple[str, str | common.Cell]] = [
        (c.t("exhibit.file"), f.path),
        (c.t("exhibit.kind"), f"{c.t('kind.' + str(f.kind))} · {c.t('form.' + str(it.form))}"),
        (c.t("exhibit.sha"), common.cell(c.st.cell, common.Run(f.sha256, c.st.cell.fontName,
                                                                 c.st.cell.fontSize))),
        (c.t("exhibit.size"), f"{f.size:,}"),
        (c.t("exhibit.received"), c.when(f.received)),
        *extra,
    ]
    if it.duplicates:
        rows.append(("=", c.t("index.duplicates", paths="、".join(it.duplicates))))
    w = c.pg.frame_width
    return _kv(c, rows, (w * 0.18, w * 0.82), c.st.cell)


def _end(c: Ctx, it: Item) -> Flowable:
    return Anchor(("last", it.file.path), c.sink)


def _item(c: Ctx, it: Item, images: Mapping[str, ImageInfo], pdfs: Mapping[str, PdfInfo],
          out: Exhibits, state: dict[str, str], title: str) -> list[Flowable]:
    story = _start(c, it, state, title, False)
    error = None
    if it.mode is Mode.IMAGE:
        info = images.get(it.file.path)
        error = info.error if info else "not prepared"
    if it.mode is Mode.PDF:
        pinfo = pdfs.get(it.file.path)
        error = pinfo.error if pinfo else "not prepared"
    if error:
        story.append(_meta(c, it))
        story.append(Spacer(1, 10 * mm))
        story.append(common.Para(esc(c.t("exhibit.render_failed")), c.st.h1))
        story.append(common.Para(esc(c.t("exhibit.render_failed_detail", reason=error)), c.st.body))
        story.append(_end(c, it))
        return story
    tabular = {Mode.TRANSCRIPT: _transcript, Mode.CALLS: _calls, Mode.TABLE: _table}
    if it.mode in tabular:
        story += [_meta(c, it), Spacer(1, 3 * mm), *tabular[it.mode](c, it)]
    elif it.mode is Mode.RECORDING:
        story.extend(_recording(c, it))
    elif it.mode is Mode.STATEMENT:
        story.extend(_order_sheet(c, it))
    elif it.mode is Mode.PDF:
        n, removed = pdfs[it.file.path].pages, pdfs[it.file.path].removed
        story.append(_meta(c, it, _removed_rows(c, pdfs[it.file.path])))
        story.append(Spacer(1, 8 * mm))
        story.append(common.Para(esc(c.t("exhibit.pdf_slip_cleaned" if removed else
                                         "exhibit.pdf_slip", pages=n)), c.st.h2))
        story.append(_Insert(out, it.file.abspath, n))
    else:
        story.append(_meta(c, it))
        story.append(Spacer(1, 8 * mm))
        story.append(common.Para(esc(c.t("exhibit.native")), c.st.body))
    story.append(_end(c, it))
    return story


def _removed_rows(c: Ctx, info: PdfInfo) -> list[tuple[str, str]]:
    """issue 23: what was taken out of a merged original, and the web links it held."""
    if not info.removed:
        return []
    sep = ", " if c.plan.lang == "en" else "、"
    rows = [(c.t("exhibit.removed"), sep.join(c.t(f"exhibit.active.{k}") for k in info.removed))]
    if info.links:
        rows.append((c.t("exhibit.removed_links"), "\n".join(info.links)))
    return rows


class _Insert(Flowable):  # type: ignore[misc]
    """Marks 'the original PDF's pages go after this page'."""

    def __init__(self, out: Exhibits, path: Path, pages: int) -> None:
        super().__init__()
        self.out, self.path, self.pages = out, path, pages
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        page = self.canv.getPageNumber()
        self.out.inserts[page] = self.path
        self.out.insert_pages[page] = self.pages


def _ev_key(it: Item, ev: Event) -> tuple[str, str, str]:
    return ("event", it.file.path, ev.source.locator)


def _highlight(c: Ctx, text: str, style: Any) -> list[str | common.Run]:
    """Links and domains in a message: red and underlined (never colour alone)."""
    out: list[str | common.Run] = []
    last = 0
    for m in URL.finditer(text):
        out.append(text[last:m.start()])
        out.append(common.Run(common.plain(m.group(0)), style.fontName, style.fontSize, URL_INK,
                              underline=True))
        last = m.end()
    out.append(text[last:])
    return out


URL_INK = colors.Color(0xB0 / 255, 0, 0)


def _chunks(c: Ctx, head: list[str], rows: list[common.GridRow], widths: Sequence[float]
            ) -> list[Flowable]:
    header = common.GridRow(tuple(common.cell(c.st.cell_head, h) for h in head))
    return [common.Grid(widths, rows, header, zebra=True, sink=c.sink)]


def _row(cells: Sequence[common.Cell], marked: bool, key: Any) -> common.GridRow:
    return common.GridRow(tuple(cells), fill=common.MARK_FILL if marked else None, mark=marked,
                          key=key)


def _listed_part(c: Ctx, it: Item) -> list[Flowable]:
    """issue 23: a large export is listed in part; the page says what is left out and where it is."""
    part = next((x for x in c.plan.listings if x.path == it.file.path), None)
    if part is None:
        return []
    sep = ", " if c.plan.lang == "en" else "、"
    span = c.t("exhibit.listed_window", start=c.when(part.window[0]), end=c.when(part.window[1])
               ) if part.window else ""
    counts = sep.join(c.t(f"exhibit.count_{kind}", n=n) for kind, n in part.unlisted)
    return [common.Para(esc(c.t("exhibit.listed_part", held=part.held, listed=part.listed, window=span,
                                rest=part.held - part.listed, counts=counts, sha=part.sha256)), c.st.body),
            Spacer(1, 2 * mm)]


def _transcript(c: Ctx, it: Item) -> list[Flowable]:
    msgs = [e for e in it.events if e.kind in (
        EventKind.SMS, EventKind.BANK_NOTICE, EventKind.VERIFICATION_CODE, EventKind.PHISHING)]
    listed_part = _listed_part(c, it)
    if not msgs:
        return [*listed_part, common.Para(esc(c.t("exhibit.no_messages")), c.st.body)]
    w = c.pg.frame_width
    st = c.st
    fraud_debits = {id(e) for e in c.plan.summary.debits}
    rows: list[common.GridRow] = []
    for ev in msgs:
        incoming = ev.details.get("direction_of_message", "in") == "in"
        body = ev.details.get("body", ev.summary)
        # issue 17: only the fraud's debits, links and codes are marked, not routine spending
        fraud_debit = id(ev) in fraud_debits
        mark = fraud_debit or ev.kind in (EventKind.PHISHING, EventKind.VERIFICATION_CODE)
        prefix = ""
        if fraud_debit:
            prefix = "▼ "
        elif ev.kind is EventKind.PHISHING:
            prefix = "◆ "
        party: list[str | common.Run] = [ev.counterparty or ""]
        if ev.attribution:
            party.append(common.Run("\n" + common.plain(ev.attribution), st.cell.fontName,
                                    st.cell.fontSize))
        style = st.cell_mark if prefix else st.cell
        rows.append(_row([
            common.cell(st.cell, c.when(ev.time)),
            common.cell(st.cell, c.t("exhibit.direction_in" if incoming
                                     else "exhibit.direction_out")),
            common.cell(st.cell, *party),
            common.cell(style, prefix, *_highlight(c, body, style)),
        ], mark, _ev_key(it, ev)))
    return [*listed_part, common.Para(esc(c.t("exhibit.legend_messages")), st.body), Spacer(1, 2 * mm),
            *_chunks(c, [c.t("exhibit.time"), c.t("exhibit.direction"), c.t("exhibit.sender"),
                         c.t("exhibit.text")], rows, [w * 0.17, w * 0.07, w * 0.2, w * 0.56])]


def _calls(c: Ctx, it: Item) -> list[Flowable]:
    calls = [e for e in it.events if e.kind is EventKind.CALL]
    if not calls:
        return [common.Para(esc(c.t("exhibit.no_calls")), c.st.body)]
    w = c.pg.frame_width
    first = c.plan.summary.first_call
    rows: list[common.GridRow] = []
    for ev in calls:
        is_first = ev is first
        fraud = first is not None and ev.counterparty == first.counterparty and ev.time >= first.time
        style = c.st.cell_mark if fraud else c.st.cell
        dur = ev.details.get("duration_s", "")
        rows.append(_row([
            common.cell(c.st.cell, c.when(ev.time)),
            common.cell(style, ("★ " if is_first else "") + template.t(
                c.plan.lang, "exhibits.call_type." + ev.details.get("call_type", "other"))),
            common.cell(style, ev.counterparty or ""),
            common.cell(c.st.cell, ev.attribution or ""),
            common.cell(c.st.cell_right, _duration(c, dur)),
        ], fraud, _ev_key(it, ev)))
    return [common.Para(esc(c.t("exhibit.legend_calls")), c.st.body), Spacer(1, 2 * mm),
            *_chunks(c, [c.t(f"exhibit.call_{k}") for k in ("time", "type", "party", "attr",
                                                             "duration")],
                     rows, [w * 0.2, w * 0.14, w * 0.2, w * 0.32, w * 0.14])]


def _duration(c: Ctx, seconds: str) -> str:
    try:
        s = round(float(seconds))
    except ValueError:
        return seconds
    return template.t(c.plan.lang, "events.seconds", s=s) if s < 60 else template.t(
        c.plan.lang, "events.minutes", m=s // 60, s=s % 60)


def _recording(c: Ctx, it: Item) -> list[Flowable]:
    ev = next((e for e in it.events if e.kind is EventKind.RECORDING), None)
    details = ev.details if ev else {}
    dur = details.get("duration_s") or details.get("duration") or ""
    fmt = details.get("format") or PurePosixPath(it.file.path).suffix.lstrip(".").upper()
    match = _matched_call(c, ev) if ev else None
    extra = [
        (c.t("exhibit.format"), fmt),
        (c.t("exhibit.duration"), _duration(c, dur) if dur else "—"),
        (c.t("exhibit.time"), c.when(ev.time) if ev else "—"),
        (c.t("exhibit.matched_call"), f"{c.when(match.time)} {match.summary}" if match
         else c.t("exhibit.no_match")),
    ]
    # issue 17: the recorder that made it (the app or phone its file name says), as in the 证据目录
    app = exhibits_mod.device_of(it.events, c.plan.lang)
    extra.append((c.t("exhibit.recording_source"), c.t("exhibit.recording_source_line",
                                                      app=f"（{app}）" if app else "")))
    return [common.Para(esc(c.t("exhibit.recording_heading")), c.st.h2), _meta(c, it, extra),
            Spacer(1, 6 * mm), common.Para(esc(c.t("exhibit.recording_note")), c.st.body),
            *_transcript_sheet(c, it, ev, dur)]


def _transcript_file(c: Ctx, it: Item) -> Path | None:
    """The recording's transcript: named in victim.toml, else beside it (.srt/.vtt/.txt/.docx)."""
    folder = c.plan.victim.folder
    found = exhibits_mod.transcript_for(it.file.path, c.plan.victim,
                                        lambda rel: (folder / rel).is_file())
    return folder / found if found is not None else None


def _transcript_sheet(c: Ctx, it: Item, ev: Event | None, dur: str) -> list[Flowable]:
    """录音笔录 (issue 17, Art. 15: the carrier *and* a transcript): the victim's transcript
    beside the recording (same name, .srt/.vtt/.txt), else a form with a row every 30 s."""
    st, w = c.st, c.pg.frame_width
    found = _transcript_file(c, it)
    number = (ev.counterparty if ev else "") or "—"
    try:
        seconds = float(dur) if dur else None
    except ValueError:
        seconds = None
    head = [
        PageBreak(),
        common.Para(esc(c.t("exhibit.transcript_heading", label=it.label)), st.h1),
        _kv(c, [(c.t("exhibit.transcript_recording"), it.name or it.file.path),
                (c.t("exhibit.file"), it.file.path),
                (c.t("exhibit.duration"), _duration(c, dur) if dur else "—"),
                (c.t("exhibit.sha"), common.cell(st.cell, common.Run(
                    it.file.sha256, st.cell.fontName, st.cell.fontSize))),
                (c.t("exhibit.transcript_speakers"), c.t(
                    "exhibit.transcript_speakers_line", name=_name(c), number=number))],
            (w * 0.2, w * 0.8), st.cell),
        Spacer(1, 3 * mm),
    ]
    cols = [c.t("exhibit.transcript_time"), c.t("exhibit.transcript_speaker"),
            c.t("exhibit.transcript_text")]
    widths = [w * 0.14, w * 0.14, w * 0.72]
    unreadable: list[Flowable] = []
    if found is not None:
        try:
            text = exhibits_mod.transcript_text(found)
        except ValueError as e:  # printed as the blank form, with why the file was not used
            text = ""
            unreadable.append(common.Para(esc(c.t("exhibit.transcript_unreadable",
                                                  path=found.name, reason=str(e))), st.body))
        lines = exhibits_mod.transcript(text, found.suffix.lower())
        if lines:
            rows = [common.GridRow((common.cell(st.cell, exhibits_mod.clock(x.at) if x.at is not None
                                                else ""),
                                    common.cell(st.cell, x.speaker), common.cell(st.cell, x.text)))
                    for x in lines]
            return [*head, common.Para(esc(c.t("exhibit.transcript_from", path=found.name)),
                                       st.body), _chunks(c, cols, rows, widths)[0]]
    rows = [common.GridRow((common.cell(st.cell, exhibits_mod.clock(t) + "\n "),
                            common.cell(st.cell, ""), common.cell(st.cell, "")))
            for t in exhibits_mod.form_marks(seconds)]
    return [*head, *unreadable, common.Para(esc(c.t("exhibit.transcript_form_note")), st.body),
            common.Grid(widths, rows, common.GridRow(tuple(common.cell(st.cell_head, h)
                                                           for h in cols))),
            Spacer(1, 8 * mm),
            common.Para(esc(c.t("exhibit.transcript_sign")), st.body)]


def _order_sheet(c: Ctx, it: Item) -> list[Flowable]:
    """The claimant's own statement of the order (issue 17): printed because no file proves
    the order, and marked as a statement so it is never taken for an order export."""
    v, w = c.plan.victim, c.pg.frame_width
    # issue 17: what the lawyer should add is not said on a served copy
    note = c.t("exhibit.statement_note") + ("" if c.served else c.t("exhibit.statement_todo"))
    out: list[Flowable] = [common.Para(esc(it.name), c.st.h2), common.Para(esc(note), c.st.body),
                           Spacer(1, 4 * mm)]
    for o in sorted(v.orders, key=lambda o: o.placed):
        out.append(_kv(c, [(c.t("exhibit.order_id"), o.id),
                           (c.t("exhibit.order_time"), c.when(o.placed, seconds=False)),
                           (c.t("exhibit.order_item"), o.item or "—"),
                           (c.t("exhibit.order_amount"), c.money(o.amount)),
                           (c.t("exhibit.order_channel"), o.channel or "—")],
                       (w * 0.22, w * 0.78)))
        out.append(Spacer(1, 3 * mm))
    out.append(Spacer(1, 10 * mm))
    out.append(common.Para(esc(c.t("exhibit.statement_sign", name=_name(c))), c.st.body))
    return out


def _matched_call(c: Ctx, rec: Event) -> Event | None:
    best = None
    for row in c.plan.rows:
        ev = row.event
        if ev.kind is not EventKind.CALL:
            continue
        if rec.counterparty and ev.counterparty and ev.counterparty != rec.counterparty:
            continue
        gap = abs((ev.time - rec.time).total_seconds())
        if gap <= 600 and (best is None or gap < best[0]):
            best = (gap, ev)
    return best[1] if best else None


def _table(c: Ctx, it: Item) -> list[Flowable]:
    if not it.events:
        return [common.Para(esc(c.t("exhibit.no_messages")), c.st.body)]
    w = c.pg.frame_width
    rows: list[common.GridRow] = []
    first = c.plan.summary.first_call
    for ev in it.events:
        debit = str(ev.direction) == "debit"
        fraud = debit and (first is None or ev.time >= first.time)  # not routine spending
        amount = "" if ev.amount is None else ("-" if debit else "+" if ev.direction else "") + f"{ev.amount:,.2f}"
        rows.append(_row([
            common.cell(c.st.cell, c.when(ev.time)),
            common.cell(c.st.cell, ev.summary),
            common.cell(c.st.cell_right, amount),
        ], fraud, _ev_key(it, ev)))
    return [common.Para(esc(c.t("exhibit.legend_statement")), c.st.body), Spacer(1, 2 * mm),
            *_chunks(c, [c.t("exhibit.table_time"), c.t("exhibit.table_summary"),
                         c.t("exhibit.table_amount")], rows, [w * 0.2, w * 0.62, w * 0.18])]


CAPTION = 12 * mm


def _image_run(c: Ctx, run: list[Item], images: Mapping[str, ImageInfo], out: Exhibits,
               state: dict[str, str], title: str) -> list[Flowable]:
    if not run:
        return []
    pg = c.pg
    setup_gap = 6 * mm
    bottom = max(pg.margin, pg.stamp_band + 4 * mm)
    frame = layout.Box(pg.margin, bottom + CAPTION, pg.frame_width,
                       pg.height - pg.margin - pg.band - bottom - CAPTION)
    sizes = [images[it.file.path].size for it in run]
    story: list[Flowable] = []
    for sheet in layout.image_sheets(sizes, frame, setup_gap):
        items = [run[i] for i, _ in sheet]
        labels = "、".join(i.label for i in items) if c.plan.lang != "en" else ", ".join(
            i.label for i in items)
        left = c.t("exhibit.item_heading", label=labels, title=title)
        right = "  ".join(_band_right(i) for i in items) if len(items) == 1 else ""
        story.append(PageBreak())
        story.append(_TabState(state, False))  # issue 6
        note = c.review_note if any(i.file.sha256 not in c.ocr_vouched for i in items) else ""
        story.append(_Current(state, left, right, note))  # issue 21: unless OCR redacted them all
        for it in items:
            story.append(Anchor(("first", it.file.path), c.sink))
            story.append(Anchor(("last", it.file.path), c.sink))
        slots = [(run[i], images[run[i].file.path], box) for i, box in sheet]
        story.append(_Sheet(c, slots, frame, out, CAPTION))
    return story


# ---- appendix ---------------------------------------------------------------------------------


def _custody(c: Ctx, labels: Mapping[str, str]) -> list[Flowable]:
    """The custody appendix: every file handed over, with its hash and what became of it."""
    p, st = c.plan, c.st
    w = c.pg.frame_width
    head = common.GridRow(tuple(common.cell(st.cell_head, c.t(f"custody.{k}"))
                                for k in ("path", "sha", "size", "received", "status")))
    rows: list[common.GridRow] = []
    small = st.cell.fontName
    for f in p.custody:
        if str(f.status) == "accepted":
            status = c.t("custody.accepted", label=labels.get(f.path, "—"))
        elif str(f.status) == "duplicate":
            status = c.t("custody.duplicate", path=f.duplicate_of or "?")
        else:
            status = c.t("custody.rejected", reason=f.reason or "—")
        where: list[str | common.Run] = [f.path]
        if f.original_path and f.original_path != f.path:
            where.append(common.Run("\n" + common.plain(f.original_path), small, st.cell.fontSize))
        sha = f.sha256
        rows.append(common.GridRow((
            common.cell(st.cell, *where),
            common.cell(st.cell, common.Run(f"{sha[:32]}\n{sha[32:]}", small, st.cell.fontSize)),
            common.cell(st.cell_right, f"{f.size:,}"),
            common.cell(st.cell, c.when(f.received)),
            common.cell(st.cell, status),
        ), fill=common.BAND if str(f.status) != "accepted" else None))
    story: list[Flowable] = [common.Para(esc(c.t("custody.heading")), st.h1),
                             common.Para(esc(c.t("custody.intro")), st.body), Spacer(1, 3 * mm)]
    widths = [w * x for x in (0.27, 0.25, 0.11, 0.15, 0.22)]
    if rows:
        story.append(common.Grid(widths, rows, head))
    return story


# ---- stamps -------------------------------------------------------------------------------------


STAMP_RIGHT, STAMP_BOTTOM = 10 * mm, 4.5 * mm  # the stamp's place, from the displayed corner


def stamp_text(texts: Sequence[str], f: fonts_mod.Fonts, size: float = 8) -> model.StampText:
    """What the Bates stamps need from reportlab: the font subsets for their characters (on a
    one-page PDF) and each text as (subset font, character codes) pieces, with its width.
    assemble.stamp_pages writes each page's stamp with them: real text in an embedded font, the
    same operators as a reportlab page would hold, without a reportlab page per stamp."""
    buffer = io.BytesIO()
    canv = Canvas(buffer, invariant=1, pageCompression=1, initialFontName=f.heading)
    font = pdfmetrics.getFont(f.heading)
    if not hasattr(font, "splitString"):  # the STSong-Light CID fallback: no subsets to stamp with
        raise errors.UsageError(
            "No Chinese TrueType font (.ttf/.ttc) was found, so the Bates stamps cannot be "
            "written: install fonts-arphic-uming or fonts-hanazono (bash scripts/setup.sh does), "
            "or pass --font /path/to/a-chinese-font.ttc, then build again.")
    doc = canv._doc
    runs = tuple(tuple((font.getSubsetInternalName(subset, doc), codes)
                       for subset, codes in font.splitString(text, doc)) for text in texts)
    canv.showPage()
    canv.save()
    return model.StampText(buffer.getvalue(), runs,
                           tuple(pdfmetrics.stringWidth(t, f.heading, size) for t in texts), size)

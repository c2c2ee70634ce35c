"""What goes in a dossier and where: exhibits, their numbers and titles, pages and Bates labels.

Pure functions over model values: no reportlab, no pypdf, no file reads. The renderer and the
stamper follow the Plan this module makes; page numbers come from `paginate` once the renderer
has counted pages, so the arithmetic lives here and can be tested without drawing anything.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Protocol

from evidence import exhibits, listing, phones, spool, template, timeline
from evidence.model import (
    Basis,
    Case,
    Direction,
    Event,
    EventKind,
    FileKind,
    SourceFile,
    Status,
    Victim,
)


class Form(enum.StrEnum):
    """证据形式 under the Civil Procedure evidence rules (Art. 14/15)."""

    ELECTRONIC = "electronic"  # 电子数据
    AUDIOVISUAL = "audiovisual"  # 视听资料
    DOCUMENTARY = "documentary"  # 书证
    STATEMENT = "statement"  # 当事人陈述 (the order sheet from victim.toml)


class Mode(enum.StrEnum):
    """How an exhibit item is shown."""

    TRANSCRIPT = "transcript"  # messages as a readable conversation
    CALLS = "calls"  # call log table with attribution
    RECORDING = "recording"  # metadata sheet (the audio goes to court on its carrier)
    IMAGE = "image"  # screenshot / photo, scaled to fit
    PDF = "pdf"  # slip sheet, then the original pages merged as they are
    TABLE = "table"  # statement rows (CSV statements)
    NATIVE = "native"  # a placeholder sheet with the hash: nothing printable
    STATEMENT = "statement"  # the claimant's own statement from victim.toml (the order sheet)


# Exhibits are grouped by the fact they prove, in the order of the fraud (issue 17):
# 订单 → 诈骗来电 → 钓鱼链接/验证码 → 银行扣款 → 报案 → 赔付/协商; evidence.exhibits decides.
Group = exhibits.Fact
GROUP_ORDER = exhibits.FACT_ORDER

FORM_OF_KIND: Mapping[FileKind, Form] = {
    FileKind.RECORDING: Form.AUDIOVISUAL,
    FileKind.BANK_STATEMENT: Form.DOCUMENTARY,
    FileKind.DOCUMENT: Form.DOCUMENTARY,
}

DEBIT_KINDS = (EventKind.BANK_NOTICE, EventKind.TRANSACTION)


def mode_of(file: SourceFile) -> Mode:
    suffix = PurePosixPath(file.path).suffix.lower()
    if file.kind in (FileKind.SMS_BACKUP, FileKind.SMS_EXPORT, FileKind.SMS_DB,
                     FileKind.NOTICE_TEXT):
        return Mode.TRANSCRIPT
    if file.kind is FileKind.CALL_LOG:
        return Mode.CALLS
    if file.kind is FileKind.RECORDING:
        return Mode.RECORDING
    if file.kind in (FileKind.SCREENSHOT, FileKind.PHOTO):
        return Mode.IMAGE
    if suffix == ".pdf":
        return Mode.PDF
    if file.kind is FileKind.BANK_STATEMENT:
        return Mode.TABLE
    return Mode.NATIVE


# ---- the plan ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Item:
    """One accepted file, shown as one numbered item (证据3-2)."""

    label: str
    group_label: str
    file: SourceFile
    mode: Mode
    form: Form
    purpose: str
    events: tuple[Event, ...]  # events read from this file (or citing it), in time order
    duplicates: tuple[str, ...] = ()  # paths of byte-identical copies, exhibited once here
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    name: str = ""  # 证据名称: what the exhibit is (evidence.exhibits), never the file name
    original: str = ""  # 原件/复印件 and the original carrier


@dataclasses.dataclass(frozen=True)
class Exhibit:
    number: int
    label: str  # 证据3
    group: Group
    items: tuple[Item, ...]


@dataclasses.dataclass(frozen=True)
class Row:
    """One chronology row."""

    event: Event
    item_label: str | None  # the exhibit item its source file is shown in
    # "" | "call" (first fraud call) | "debit" | "fraud_call" (a later call or recording with
    # the first fraud call's number: the answered call is marked too, issue 17)
    marker: str


def _marker(ev: Event, first_call: Event | None, debit_ids: set[int]) -> str:
    if ev is first_call:
        return "call"
    if id(ev) in debit_ids:
        return "debit"
    if (first_call is not None and ev.kind in (EventKind.CALL, EventKind.RECORDING)
            and ev.counterparty == first_call.counterparty and ev.time >= first_call.time):
        return "fraud_call"
    return ""


@dataclasses.dataclass(frozen=True)
class Summary:
    orders: tuple[tuple[str, dt.datetime, str, Decimal | None], ...]
    first_call: Event | None
    call_delay: dt.timedelta | None  # first fraud call minus first order
    debits: tuple[Event, ...]  # bank debit notices from the first fraud call on (all if none)
    debit_total: Decimal  # their CNY total: what the fraud took, as the notices show it
    all_debit_total: Decimal
    claimed: Decimal | None
    compensation: str
    compensation_paid: Decimal
    # notices of money out (or of an undecided way) shown for review from the first fraud call on:
    # counted nowhere, yet the lawyer must see how much waits on the bank statement
    review_count: int = 0
    review_total: Decimal = Decimal("0")


@dataclasses.dataclass(frozen=True)
class Plan:
    case: Case
    victim: Victim
    exhibits: tuple[Exhibit, ...]
    rows: tuple[Row, ...]
    summary: Summary
    custody: tuple[SourceFile, ...]  # every file: accepted, rejected and duplicates
    build_date: dt.date | None
    fingerprint: str
    lang: str
    tz: dt.tzinfo
    # issue 23: large message files listed in part (their other messages counted, not printed)
    listings: tuple[listing.Listing, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for e in self.exhibits for i in e.items)


@dataclasses.dataclass(frozen=True)
class Patterns:
    exhibit: str = "证据{n}"
    item: str = "{exhibit}-{i}"
    bates: str = "{prefix}-{victim}-{page:06d}"


def patterns(setup: Mapping[str, object], lang: str) -> Patterns:
    raw = setup.get("patterns")
    p = raw if isinstance(raw, Mapping) else {}
    default = "Exhibit {n}" if lang == "en" else "证据{n}"
    exhibit = str(p.get(f"exhibit_{lang}", p.get("exhibit", default)))
    if lang == "en" and "证据" in exhibit:  # the shared default is Chinese; keep en readable
        exhibit = default
    return Patterns(
        exhibit=exhibit,
        item=str(p.get("item", "{exhibit}-{i}")),
        bates=str(p.get("bates", "{prefix}-{victim}-{page:06d}")),
    )


def plan(
    *,
    case: Case,
    victim: Victim,
    files: Sequence[SourceFile],
    events: Sequence[Event],
    purposes: Mapping[Group, str],
    titles: Mapping[Group, str],
    compensation_labels: Mapping[str, str],
    pats: Patterns,
    fingerprint: str,
    lang: str,
    tz: dt.tzinfo,
    facts: timeline.Facts | None = None,
) -> Plan:
    """Group accepted files into exhibits, number them, and cite them from the chronology."""
    by_path: dict[str, list[Event]] = {}
    for ev in events:
        for path in (spool.path_of(ev), *(r.path for r in ev.also)):
            by_path.setdefault(path, []).append(ev)
    own = _own_times(events)
    summary = summarise(victim, events, compensation_labels)
    if facts is not None:  # the timeline's own facts, so `evidence timeline` and the PDF agree
        call = _same(facts.first_suspicious_call, events)
        debits = tuple(e for d in facts.debit_events if (e := _same(d, events)) is not None
                       and (call is None or e.time >= call.time))
        summary = dataclasses.replace(
            summary, first_call=call, call_delay=facts.order_to_call, debits=debits,
            debit_total=facts.debits_after_call if call else facts.total_debited,
            all_debit_total=facts.total_debited)
    story = exhibits.story(lang, tz, victim, summary.first_call, summary.call_delay,
                           summary.debits, summary.debit_total, events)
    left_out, listings = _listed(by_path, summary, facts,
                                 listing.period_span(case.period, tz))
    # a database's -wal/-shm are parts of it: listed with it in custody, never exhibited apart
    chosen = [f for f in files if f.status is Status.ACCEPTED and f.part_of is None]
    said = {f.path: exhibits.describe(f, by_path.get(f.path, []), story) for f in chosen}
    accepted = sorted(chosen, key=lambda f: (GROUP_ORDER.index(said[f.path].fact),
                                             _sort_key(f, own.get(f.path))))
    dups: dict[str, list[str]] = {}
    for f in files:
        if f.status is Status.DUPLICATE and f.duplicate_of:
            dups.setdefault(f.duplicate_of, []).append(f.path)
    statement = exhibits.order_sheet(victim, story) if victim.orders and not any(
        d.fact is Group.ORDER and d.checked for d in said.values()) else None
    exhibit_list: list[Exhibit] = []
    for group in GROUP_ORDER:
        members = [f for f in accepted if said[f.path].fact is group]
        if group is Group.ORDER and statement is not None:  # before unchecked screenshots
            members = [statement[0], *members]
            said[statement[0].path] = statement[1]
        if not members:
            continue
        n = len(exhibit_list) + 1
        glabel = pats.exhibit.format(n=n)
        items = []
        for i, f in enumerate(members, start=1):
            every = tuple(sorted((e for e in by_path.get(f.path, []) if f is not (statement or (
                None,))[0] or e.kind is EventKind.ORDER), key=lambda e: e.time))
            evs = tuple(e for e in every if id(e) not in left_out) if left_out else every
            label = glabel if len(members) == 1 else pats.item.format(exhibit=glabel, i=i, n=n)
            d = said[f.path]
            items.append(Item(
                label=label, group_label=glabel, file=f,
                mode=Mode.STATEMENT if f is (statement or (None,))[0] else mode_of(f),
                form=Form.STATEMENT if f is (statement or (None,))[0] else FORM_OF_KIND.get(
                    f.kind, Form.ELECTRONIC),
                purpose=d.purpose or purposes.get(group, ""),
                events=evs, duplicates=tuple(sorted(dups.get(f.path, []))),
                first=every[0].time if every else None, last=every[-1].time if every else None,
                name=d.name, original=d.original,
            ))
        exhibit_list.append(Exhibit(n, glabel, group, tuple(items)))
    exhibits_ = tuple(exhibit_list)
    label_of = {it.file.path: it.label for e in exhibits_ for it in e.items}
    for f in files:  # a duplicate's events cite the copy that is exhibited; a part, its whole
        if f.status is Status.DUPLICATE and f.duplicate_of in label_of:
            label_of[f.path] = label_of[f.duplicate_of]
        elif f.part_of is not None and f.part_of in label_of:
            label_of[f.path] = label_of[f.part_of]
    # the timeline's order (file times last); a timeline's own events are in it already, and
    # sorting 600,000 of them again would hold as many keys (issue 23)
    ordered = events if timeline.in_order(events) else _sorted(events)
    debit_ids = {id(e) for e in summary.debits}
    rows = tuple(
        Row(ev, _cite(ev, label_of) if ev.source.path != exhibits.STATEMENT_PATH
            or ev.kind is EventKind.ORDER else None,  # the order sheet states the orders only
            _marker(ev, summary.first_call, debit_ids))
        for ev in ordered if id(ev) not in left_out
    )
    return Plan(
        case=case, victim=victim, exhibits=exhibits_, rows=rows, summary=summary,
        custody=tuple(sorted(files, key=lambda f: f.path)),
        build_date=build_date(case), fingerprint=fingerprint, lang=lang, tz=tz, listings=listings,
    )


def _sorted(events: Sequence[Event]) -> list[Event]:
    out = list(events)
    timeline.in_time_order(out)
    return out


def _listed(by_path: Mapping[str, Sequence[Event]], summary: Summary, facts: timeline.Facts | None,
            period: tuple[dt.datetime, dt.datetime] | None) -> tuple[set[int], tuple[listing.Listing, ...]]:
    """issue 23: the messages of large exports left unlisted (listing.py), and their counts."""
    call = summary.first_call
    numbers = [*facts.numbers, *facts.callers] if facts is not None else (
        [call.counterparty] if call is not None and call.counterparty else [])
    span = listing.window([*(o[1] for o in summary.orders), call.time if call else None,
                           *(d.time for d in summary.debits)])
    return listing.hidden(by_path, numbers, summary.debits, span, period)


def _same(ev: Event | None, events: Sequence[Event]) -> Event | None:
    if ev is None:
        return None
    return next((e for e in events if e is ev), None) or next((e for e in events if e == ev), ev)


def _cite(ev: Event, label_of: Mapping[str, str]) -> str | None:
    for ref in (ev.source, *ev.also):
        if ref.path in label_of:
            return label_of[ref.path]
    return None


def _own_times(events: Iterable[Event]) -> dict[str, dt.datetime]:
    """Each file's earliest time as the file itself records it (a device log's, EXIF, its name,
    its text) — never its modification time, which a copy changes."""
    own: dict[str, dt.datetime] = {}
    for ev in events:
        if ev.basis is Basis.FILE_MTIME or ev.basis is Basis.MANUAL:
            continue
        path = spool.path_of(ev)
        if path not in own or ev.time < own[path]:
            own[path] = ev.time
    return own


def _sort_key(f: SourceFile, own: dt.datetime | None) -> tuple[int, str, str, str]:
    """Within a group: by the time the file itself records, then name, then SHA-256; a file
    recording no time of its own after those that do. Never by mtime or arrival, so a copy of
    the case folder numbers every exhibit the same."""
    when = own.astimezone(dt.UTC).isoformat() if own is not None else ""
    return (own is None, when, f.path, f.sha256)


# ---- facts for the summary page --------------------------------------------------------------

KNOWN_SERVICES = frozenset((*phones.BANKS, *phones.OTHER_SERVICES))


def is_debit(ev: Event) -> bool:
    """A counted debit notice (one marked for review counts nowhere until reviewed)."""
    return (ev.kind is EventKind.BANK_NOTICE and ev.direction is Direction.DEBIT
            and ev.amount is not None and not ev.needs_review)


def summarise(victim: Victim, events: Iterable[Event], comp_labels: Mapping[str, str]) -> Summary:
    # (only calls and debit notices are looked at: issue 23, no key for 600,000 messages)
    evs = sorted((e for e in events if e.kind in (EventKind.CALL, EventKind.BANK_NOTICE)),
                 key=lambda e: (e.time, e.source.path, e.source.locator))
    orders = tuple(sorted(((o.id, o.placed, o.item, o.amount) for o in victim.orders),
                          key=lambda o: o[1]))
    first_order = orders[0][1] if orders else None
    first_call = None
    for ev in evs:
        if ev.kind is not EventKind.CALL or (first_order and ev.time < first_order):
            continue
        if ev.details.get("call_type", "incoming") == "outgoing":
            continue
        if ev.counterparty and ev.counterparty not in KNOWN_SERVICES:
            first_call = ev
            break
    every = tuple(e for e in evs if is_debit(e) and e.details.get("currency", "CNY") == "CNY")
    # ordinary spending before the fraud call is not the loss: mark and add up what follows it
    debits = tuple(e for e in every if first_call is None or e.time >= first_call.time)
    total = sum((e.amount for e in debits if e.amount is not None), Decimal("0"))
    held = [e for e in evs if timeline.is_held_debit(e) and (first_call is None or e.time >= first_call.time)]
    comp = victim.compensation
    return Summary(
        orders=orders, first_call=first_call,
        call_delay=(first_call.time - first_order) if first_call and first_order else None,
        debits=debits, debit_total=total, claimed=victim.claimed_loss,
        all_debit_total=sum((e.amount for e in every if e.amount is not None), Decimal("0")),
        compensation=comp_labels.get(str(comp.status), str(comp.status)),
        compensation_paid=comp.amount_paid,
        review_count=len(held), review_total=sum((e.amount for e in held if e.amount is not None), Decimal("0")),
    )


# ---- dates and fingerprints -----------------------------------------------------------------


def build_date(case: Case) -> dt.date | None:
    """The date printed on the dossier (制作日期, the evidence list's date, PDF CreationDate):
    the case's, which config resolved from [case] build_date, SOURCE_DATE_EPOCH or the day —
    never from the input files' times, which a copy changes."""
    return case.build_date


def fingerprint(file_hashes: Iterable[str], victim_toml_sha256: str, version: str,
                template_sha256: str) -> str:
    """SHA-256 over everything that decides the dossier's content."""
    h = hashlib.sha256()
    for part in (*sorted(file_hashes), "victim.toml:" + victim_toml_sha256, "tool:" + version,
                 "template:" + template_sha256):
        h.update(part.encode() + b"\n")
    return h.hexdigest()


# ---- pages ------------------------------------------------------------------------------------


def bates(pattern: str, prefix: str, victim: str, page: int) -> str:
    return pattern.format(prefix=prefix, victim=victim, page=page)


def bates_labels(pattern: str, prefix: str, victim: str, count: int, start: int = 1) -> list[str]:
    return [bates(pattern, prefix, victim, n) for n in range(start, start + count)]


@dataclasses.dataclass(frozen=True)
class LabelRange:
    """One /PageLabels entry: pages from `first` (0-based) show `prefix` + decimal from `start`.

    `decimal` False means the label is the prefix alone (one range per page).
    """

    first: int
    prefix: str
    start: int
    decimal: bool


def label_ranges(pattern: str, prefix: str, victim: str, count: int, start: int = 1
                 ) -> list[LabelRange]:
    """Few /PageLabels ranges whose labels equal the Bates stamps.

    A pattern ending in `{page:0Nd}` becomes one range per number of digits (`…-00000` + 1..9,
    `…-0000` + 10..99, …): zero padding is written into the prefix. Any other pattern gets one
    range per page with the whole stamp as its prefix.
    """
    m = re.search(r"\{page:0(\d+)d\}$", pattern)
    if not m:
        return [LabelRange(i, bates(pattern, prefix, victim, start + i), 1, False)
                for i in range(count)]
    width = int(m.group(1))
    head = pattern[: m.start()].format(prefix=prefix, victim=victim)
    out: list[LabelRange] = []
    page = start
    while page < start + count:
        digits = len(str(page))
        if digits >= width:  # no more padding: one range to the end
            out.append(LabelRange(page - start, head, page, True))
            break
        out.append(LabelRange(page - start, head + "0" * (width - digits), page, True))
        page = 10 ** digits
    return out


def label_text(r: LabelRange, page_index: int) -> str:
    return r.prefix + (str(r.start + page_index - r.first) if r.decimal else "")


def paginate(counts: Sequence[int], start: int = 1) -> list[int]:
    """First page number of each part, given each part's page count."""
    firsts = []
    page = start
    for n in counts:
        firsts.append(page)
        page += n
    return firsts


# ---- image sheets -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


def fit(w: float, h: float, box: Box) -> Box:
    """Largest w:h rectangle inside `box`, centred horizontally, top-aligned."""
    scale = min(box.w / w, box.h / h)
    fw, fh = w * scale, h * scale
    return Box(box.x + (box.w - fw) / 2, box.y + box.h - fh, fw, fh)


def image_sheets(sizes: Sequence[tuple[float, float] | None], frame: Box, gap: float,
                 min_fraction: float = 0.45) -> list[list[tuple[int, Box]]]:
    """Put images on pages: two tall ones side by side when each stays legible, else one.

    `sizes` are displayed (w, h) per image (None: cannot be shown, gets its own page).
    Returns pages, each a list of (image index, box). Two-up only when each image keeps at least
    `min_fraction` of the frame width, which for a 1080×2340 phone screenshot on A4 it does.
    """
    half = Box(frame.x, frame.y, (frame.w - gap) / 2, frame.h)
    pages: list[list[tuple[int, Box]]] = []
    i = 0
    while i < len(sizes):
        here = sizes[i]
        nxt = sizes[i + 1] if i + 1 < len(sizes) else None
        if here and nxt and _legible_half(here, half, frame, min_fraction) and _legible_half(
                nxt, half, frame, min_fraction):
            right = Box(frame.x + half.w + gap, frame.y, half.w, frame.h)
            pages.append([(i, fit(*here, half)), (i + 1, fit(*nxt, right))])
            i += 2
            continue
        pages.append([(i, fit(*here, frame) if here else frame)])
        i += 1
    return pages


def _legible_half(size: tuple[float, float], half: Box, frame: Box, min_fraction: float) -> bool:
    w, h = size
    if h < w * 1.3:  # only portrait (phone-shaped) images pair up; landscape photos get a page
        return False
    placed = fit(w, h, half)
    single = fit(w, h, frame)
    # side by side must not shrink it much compared with a page to itself
    return placed.w >= min_fraction * frame.w and placed.w >= 0.7 * single.w


# ---- pagination: final page numbers, blank versos, page labels, bookmarks ----------------------
# Issue 19: planning that used to live in pipeline. Pure: it works on the page counts the
# renderer reports (section sizes, what the exhibits document holds) and returns numbers.

FRONT_SECTIONS = ("cover", "summary", "index", "chronology")


class ExhibitPages(Protocol):
    """What the rendered exhibits document holds, in its own 1-based page numbers
    (render.dossier.Exhibits has these fields)."""

    @property
    def pages(self) -> int: ...
    @property
    def item_first(self) -> Mapping[str, int]: ...
    @property
    def item_last(self) -> Mapping[str, int]: ...
    @property
    def event_page(self) -> Mapping[tuple[str, str], int]: ...
    @property
    def insert_pages(self) -> Mapping[int, int]: ...  # after page -> pages of an original PDF
    @property
    def group_first(self) -> Mapping[str, int]: ...  # exhibit label -> its tab sheet


@dataclasses.dataclass(frozen=True)
class Recto:
    """Where the pages go once blanks are inserted (0-based indices)."""

    final: tuple[int, ...]  # final index of each original page
    blanks: tuple[int, ...]  # final indices of the inserted blank pages
    total: int

    def page(self, raw_1based: int) -> int:
        """Final 1-based page number of an original 1-based page number."""
        return self.final[raw_1based - 1] + 1


def recto(starts: Sequence[int], total: int, even: bool = False) -> Recto:
    """Insert a blank before every part start that would otherwise fall on a verso.

    `starts`: 0-based indices (in the unpadded document) of pages that must be rectos (odd
    1-based numbers): the first page of each section and exhibit. `even`: a marked blank verso
    after a last recto too, so the next document printed after this one (the next dossier in
    the joint bundle) starts on a recto with its gutter on the binding side (issue 17).
    """
    must = set(starts)
    final: list[int] = []
    blanks: list[int] = []
    pos = 0
    for i in range(total):
        if i in must and pos % 2 == 1:
            blanks.append(pos)
            pos += 1
        final.append(pos)
        pos += 1
    if even and pos % 2 == 1:
        blanks.append(pos)
        pos += 1
    return Recto(tuple(final), tuple(blanks), pos)


@dataclasses.dataclass(frozen=True)
class Numbers:
    """Final page numbers the front matter cites (unknown on the first pass)."""

    total: int = 0
    item_pages: Mapping[str, tuple[int, int]] = dataclasses.field(default_factory=dict)
    row_pages: Sequence[int | None] = ()
    bates: Callable[[int], str] = str
    # provisional numbers: they only say which rows cite a page; room for this many digits is
    # laid out and the final numbers are drawn there (render.dossier.front)
    later: int = 0  # (at least 1 when set)


@dataclasses.dataclass(frozen=True)
class Mark:
    """One bookmark: title, 0-based page, children."""

    title: str
    page: int
    children: tuple[Mark, ...] = ()


def exhibit_map(front_pages: int, ex: ExhibitPages, rec: Recto | None = None) -> dict[int, int]:
    """Exhibits-document page (1-based) -> final page number, original PDFs counted in.

    `rec` (issue 6): where blank versos go; None: the pages as they come (no blanks)."""
    out: dict[int, int] = {}
    extra = 0
    for k in range(1, ex.pages + 1):
        out[k] = front_pages + k + extra
        if rec is not None:
            out[k] = rec.page(out[k])
        extra += ex.insert_pages.get(k, 0)
    return out


def blanks(plan: Plan, ex: ExhibitPages, counts: Sequence[int], appendix: int, on: bool
           ) -> Recto:
    """issue 6: blanks that make every section and exhibit (and its tab sheet) start on a
    right-hand page. Off: no blanks."""
    front = sum(counts)
    raw_total = front + ex.pages + sum(ex.insert_pages.values()) + appendix
    if not on:
        return recto([], raw_total)
    starts = [first - 1 for first, n in zip(paginate(counts), counts, strict=True) if n]
    raw = exhibit_map(front, ex)
    for e in plan.exhibits:
        first = ex.item_first.get(e.items[0].file.path)
        for doc_page in (ex.group_first.get(e.label), first):
            if doc_page:
                starts.append(raw[doc_page] - 1)
    if appendix:
        starts.append(raw_total - appendix)
    return recto(sorted(set(starts)), raw_total, even=True)


def numbers(plan: Plan, ex: ExhibitPages, front_pages: int, appendix: int,
            bates: Callable[[int], str], rec: Recto | None = None) -> Numbers:
    """The page of every exhibit item and chronology row, and the total."""
    emap = exhibit_map(front_pages, ex, rec)
    items: dict[str, tuple[int, int]] = {}
    for it in plan.items:
        p = it.file.path
        if p in ex.item_first:
            last_doc = ex.item_last.get(p, ex.item_first[p])
            items[p] = (emap[ex.item_first[p]],
                        emap[last_doc] + ex.insert_pages.get(last_doc, 0))
    rows: list[int | None] = []
    for row in plan.rows:
        page = None
        for ref in (row.event.source, *row.event.also):
            doc_page = ex.event_page.get((ref.path, ref.locator))
            if doc_page:
                page = emap[doc_page]
                break
            if ref.path in items:
                page = items[ref.path][0] + _pdf_offset(ref.locator, items[ref.path])
                break
        rows.append(page)
    total = front_pages + ex.pages + sum(ex.insert_pages.values()) + appendix
    if rec is not None:
        total = rec.total
    return Numbers(total=total, item_pages=items, row_pages=rows, bates=bates)


def _pdf_offset(locator: str, span: tuple[int, int]) -> int:
    """`page 3 …` in a merged PDF: slip sheet + 3 pages in, when it stays inside the exhibit."""
    parts = locator.split()
    if len(parts) >= 2 and parts[0] == "page" and parts[1].isdigit():
        off = int(parts[1])
        if span[0] + off <= span[1]:
            return off
    return 0


@dataclasses.dataclass(frozen=True)
class Pagination:
    """The whole dossier's numbering once the front matter's length is known."""

    counts: tuple[int, ...]  # pages of each front section (FRONT_SECTIONS)
    appendix: int  # pages of the custody appendix
    rec: Recto
    numbers: Numbers
    emap: dict[int, int]  # exhibits-document page -> final page

    @property
    def front_pages(self) -> int:
        return sum(self.counts)

    @property
    def total(self) -> int:
        return self.rec.total


def paginate_dossier(plan: Plan, ex: ExhibitPages, counts: Sequence[int], appendix: int,
                     bates: Callable[[int], str], duplex: bool) -> Pagination:
    """Final numbers from the section sizes the front matter's counting pass reported."""
    rec = blanks(plan, ex, counts, appendix, duplex)
    nums = numbers(plan, ex, sum(counts), appendix, bates, rec)
    return Pagination(tuple(counts), appendix, rec, nums, exhibit_map(sum(counts), ex, rec))


def page_labels(plan: Plan, ex: ExhibitPages, pg: Pagination) -> list[str]:
    """What each page is, for its stamp: the section, or the exhibit item(s) on it (in the
    order the pages come before blanks are inserted)."""
    lang = plan.lang
    out: list[str] = []
    for name, n in zip(FRONT_SECTIONS, pg.counts, strict=True):
        out += [template.t(lang, f"dossier.section.{name}")] * n
    on_page: dict[int, list[str]] = {}
    for it in plan.items:
        p = it.file.path
        if p not in ex.item_first:
            continue
        for k in range(ex.item_first[p], ex.item_last.get(p, ex.item_first[p]) + 1):
            on_page.setdefault(k, []).append(it.label)
    for label, k in ex.group_first.items():  # issue 6: an exhibit's tab sheet
        on_page.setdefault(k, []).append(label)
    sep = ", " if lang == "en" else "、"
    for k in range(1, ex.pages + 1):
        labels = on_page.get(k, [])
        text = sep.join(labels) if labels else ""
        out.append(text)
        out += [text] * ex.insert_pages.get(k, 0)
    custody = template.t(lang, "dossier.section.custody").split("：")[0].split(":")[0]
    return out + [custody] * pg.appendix


def outline(plan: Plan, ex: ExhibitPages, pg: Pagination) -> list[Mark]:
    """The bookmarks: front sections, each exhibit (its items below), the custody appendix."""
    bates = pg.numbers.bates

    def t(key: str, **kw: object) -> str:
        return template.t(plan.lang, f"dossier.{key}", **kw)

    def titled(text: str, page: int) -> str:
        return t("doc.bookmark", title=text, page=page, bates=bates(page))

    marks: list[Mark] = []
    firsts = [pg.rec.page(f) if n else f  # issue 6: blank versos moved the sections
              for f, n in zip(paginate(pg.counts), pg.counts, strict=True)]
    for name, first, n in zip(FRONT_SECTIONS, firsts, pg.counts, strict=True):
        if n:
            marks.append(Mark(titled(t(f"section.{name}"), first), first - 1))
    groups = _exhibit_marks(plan, ex, pg, titled, t)
    if groups:
        marks.append(Mark(titled(t("section.exhibits"), groups[0].page + 1),
                          groups[0].page, tuple(groups)))
    if pg.appendix:
        first = pg.rec.page(len(pg.rec.final) - pg.appendix + 1)  # blanks may follow it
        marks.append(Mark(titled(t("section.custody"), first), first - 1))
    return marks


def _exhibit_marks(plan: Plan, ex: ExhibitPages, pg: Pagination,
                   titled: Callable[[str, int], str], t: Callable[..., str]) -> list[Mark]:
    item_pages = pg.numbers.item_pages
    groups: list[Mark] = []
    for e in plan.exhibits:
        kids = []
        for it in e.items:
            if it.file.path not in item_pages:
                continue
            first = item_pages[it.file.path][0]
            name = it.name or PurePosixPath(it.file.path).name  # issue 17: what it is, not its file
            kids.append(Mark(titled(f"{it.label} {name}", first), first - 1))
        if kids:
            first = kids[0].page + 1
            if e.label in ex.group_first:  # issue 6: the exhibit starts at its tab sheet
                first = pg.emap[ex.group_first[e.label]]
            only = e.items[0].name if len(e.items) == 1 else ""  # one item: its name is the exhibit's
            groups.append(Mark(titled(f"{e.label} {only or t(f'group.{e.group}')}", first),
                               first - 1, tuple(kids) if len(e.items) > 1 else ()))
    return groups

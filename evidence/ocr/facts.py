"""Facts read from an OCR page: the same readers as SMS text, a bank-app list reader, and hints.

* Messages: every bubble or paragraph (`layout.blocks`) on the incoming side goes through
  `sources.common.message_event`, so through `notices.classify` once per block, with the
  conversation's sender when the screen's header shows a number or a bank, and the timestamp
  shown over the bubble as the message's receive time. Debit and credit notices with an
  amount, verification codes and phishing links become events; plain messages do not.
* Bank-app transaction lists: a line that is only a signed amount (`-228,000.00`) is a row;
  the lines nearest to it are its summary, its date/time (`2015-03-18 17:34`, `03-18 17:34`, or
  a time under a day header) and its balance (`余额 1,523.47`); the card tail comes from the
  page header. Rows become TRANSACTION events, as statement rows do.
* Police receipts and agreements: a title-like line (受案回执, 报案, 协议, 赔付) gives the image
  a `document_hint` for the exhibit list.

Every event carries `details["extracted_by"] = "ocr"`, the box it was read from as its
locator (`file#x,y,w,h`), `ocr_confidence`, and `time_source`: `ocr_timestamp` (the time shown
over the bubble), `ocr_text` (the time stated in the text; basis OCR) or `image` (none shown:
the image's own time and basis, `image_time_basis`). A figure (amount, card tail, code,
domain) whose characters were read with low confidence sets `needs_review` and says which in
`review_reason`. The image stays the evidence; these are readings of it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from evidence import phones, template, times
from evidence.extract import Context
from evidence.model import Basis, Direction, Event, EventKind, FileKind, Issue, SourceFile, SourceRef
from evidence.ocr import layout
from evidence.ocr.model import Box, OcrLine, OcrPage
from evidence.sources import common

REVIEW_BELOW = 0.90  # a figure with a character read below this confidence needs review
STATUS_BAR = 0.04  # top share of a screen holding the phone's clock and battery
HEADER = 0.12  # top share holding a conversation's title (the sender)
KEPT = (EventKind.BANK_NOTICE, EventKind.VERIFICATION_CODE, EventKind.PHISHING)
IMAGE_KINDS = (FileKind.SCREENSHOT, FileKind.PHOTO)
OCR_MARK = ("extracted_by", "ocr")


@dataclasses.dataclass(frozen=True)
class Facts:
    events: tuple[Event, ...]
    hint: str | None = None  # police_receipt, police_report, compensation_agreement, agreement, compensation
    hint_line: OcrLine | None = None


def _say(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


# ---- the extraction hook -------------------------------------------------------------------------


def attach(file: SourceFile, found: list[Event], ctx: Context) -> tuple[list[Event], list[Issue]]:
    """`found` (an image reader's events for `file`) plus what OCR reads on the image, through
    `ctx.ocr`. Without `ctx.ocr`, or for another kind of file, `found` unchanged."""
    if ctx.ocr is None or file.kind not in IMAGE_KINDS:
        return found, []
    outcome = ctx.ocr(file)
    if outcome.page is None:
        return found, list(outcome.issues)
    image = next((e for e in found if e.kind in (EventKind.SCREENSHOT, EventKind.PHOTO)), None)
    facts = read(outcome.page, file, image, ctx)
    out = [_annotated(e, outcome.page, facts) if e is image else e for e in found]
    return [*out, *facts.events], list(outcome.issues)


def _annotated(image: Event, page: OcrPage, facts: Facts) -> Event:
    details = {**image.details, "ocr_engine": page.engine_id, "ocr_lines": str(len(page.lines)),
               "ocr_facts": str(len(facts.events))}
    if facts.hint is not None and facts.hint_line is not None:
        details.update(document_hint=facts.hint, document_hint_text=facts.hint_line.text,
                       document_hint_box=facts.hint_line.box.locator())
    return dataclasses.replace(image, details=details)


# ---- reading a page -----------------------------------------------------------------------------


def read(page: OcrPage, file: SourceFile, image: Event | None, ctx: Context) -> Facts:
    """Events read on `page` (the OCR of `file`); `image` is the image's own event (its time
    completes dates without a year and stands in where the text states no time)."""
    base = image.time if image is not None else (file.mtime or times.from_epoch_s(0))
    base_basis = image.basis if image is not None else Basis.FILE_MTIME
    lines = tuple(x for x in page.lines if x.box.cy >= STATUS_BAR * page.height)
    body = dataclasses.replace(page, lines=lines)
    rows, used = _transactions(body, file, base, base_basis, ctx)
    events = [*rows, *_messages(body, used, file, base, base_basis, ctx)]
    hint, line = _hint(body)
    return Facts(tuple(events), hint, line)


def _sender(page: OcrPage) -> str:
    """The number or bank a conversation's header names, else "" (a contact name says nothing)."""
    for line in page.lines:
        if line.box.bottom > HEADER * page.height or line.confidence < 0.95:
            continue
        text = re.sub(r"[\s\-‹<]", "", times.normalize_text(line.text))
        if re.fullmatch(r"\+?\d{3,20}", text) or phones.bank_code(text) is not None:
            return text
    return ""


_TIMESTAMP = re.compile(
    r"(?P<day>(?:\d{4}年)?\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|昨天|前天|今天)?\s*"
    r"(?:星期.|周.)?\s*(?:上午|下午|晚上|凌晨|早上|中午|傍晚)?\s*\d{1,2}:\d{2}")


def _timestamp(text: str, anchor: dt.datetime, tz: dt.tzinfo) -> dt.datetime | None:
    """The time a block that is only a chat timestamp shows (`12月6日 10:39`, `昨天 17:34`)."""
    s = times.normalize_text(text).strip()
    m = _TIMESTAMP.fullmatch(s)
    if m is None:
        return None
    back = {"昨天": 1, "前天": 2}.get(m.group("day") or "", 0)
    s = re.sub(r"^(昨天|前天|今天)\s*", "", s)
    found = times.find_cn_datetime(s, anchor - dt.timedelta(days=back), tz)
    return found[0] if found is not None else None


def _messages(page: OcrPage, used: set[int], file: SourceFile, base: dt.datetime, base_basis: Basis,
              ctx: Context) -> list[Event]:
    sender = _sender(page)
    shown: dt.datetime | None = None  # the timestamp over the bubbles that follow
    out: list[Event] = []
    for block in layout.blocks(page):
        if any(id(x) in used for x in block.lines):
            continue
        stamp = _timestamp(block.text, base, ctx.tz)  # the screenshot is later than what it shows
        if stamp is not None:
            shown = stamp
            continue
        if len(block.text) < 6 or block.box.bottom <= HEADER * page.height:
            continue
        if block.box.x > 0.3 * page.width and block.box.right > 0.75 * page.width:
            continue  # the right-hand side of a chat: the victim's own messages
        event = _message(block, sender, shown, file, base, base_basis, ctx)
        if event is not None:
            out.append(event)
    return out


def _message(block: layout.Block, sender: str, shown: dt.datetime | None, file: SourceFile,
             base: dt.datetime, base_basis: Basis, ctx: Context) -> Event | None:
    source = SourceRef(file.path, file.sha256, block.box.locator())
    event = common.message_event(time=shown or base, party=sender, incoming=True, body=block.text,
                                 source=source, ctx=ctx, basis=Basis.OCR)
    if event.kind not in KEPT or (event.kind is EventKind.BANK_NOTICE and event.amount is None):
        return None
    details = dict(event.details)
    stated = _stated(details, ctx.tz)
    if shown is not None:
        time, basis, how = shown, Basis.OCR, "ocr_timestamp"
    elif stated is not None:
        time, basis, how = stated, Basis.OCR, "ocr_text"
    else:
        time, basis, how = base, base_basis, "image"
        details["image_time_basis"] = str(base_basis)
    details.update(time_source=how, ocr_confidence=f"{block.confidence:.3f}")
    details[OCR_MARK[0]] = OCR_MARK[1]
    conf = _confidences(block)
    if event.kind is EventKind.BANK_NOTICE:
        checks = [("amount", _amount_span(block.text, event.amount)),
                  ("card_tail", _tail_span(block.text, details.get("card_tail")))]
    elif event.kind is EventKind.VERIFICATION_CODE:
        checks = [("code", _plain_span(block.text, details.get("code")))]
    else:
        checks = [("domain", _domain_span(block.text, details.get("domains")))]
    _review(details, conf, [(name, span) for name, span in checks if span is not None], ctx.lang)
    return dataclasses.replace(
        event, time=time, basis=basis, zone_assumed=basis is Basis.OCR or event.zone_assumed,
        summary=template.t(ctx.lang, "events.ocr", summary=event.summary), details=details)


def _stated(details: dict[str, str], tz: dt.tzinfo) -> dt.datetime | None:
    """The transaction time the classifier read in the text, when it has a time of day."""
    raw = details.get("transaction_time")
    if not raw or details.get("transaction_time_precision") in (str(times.Precision.DAY), None):
        return None
    parsed = times.parse_local(raw, tz)
    return parsed[0] if parsed is not None else None


# ---- confidence of figures ------------------------------------------------------------------------


def _confidences(block: layout.Block) -> list[float | None]:
    """Per character of block.text, the confidence it was read with (None: a joining space)."""
    out: list[float | None] = []
    for i, line in enumerate(block.lines):
        text = layout.text(line)
        if i and len(out) < len(block.text) and block.text[len(out)] == " " and text[:1] != " ":
            out.append(None)
        chars = iter(line.chars)
        for ch in text:
            if ch.isspace():
                out.append(None)
                continue
            c = next(chars, None)
            out.append(c.confidence if c is not None and c.text == ch else line.confidence)
    return out[:len(block.text)] + [None] * (len(block.text) - len(out))


def _amount_span(text: str, amount: Decimal | None) -> tuple[int, int] | None:
    if amount is None:
        return None
    whole, _, cents = f"{abs(amount):f}".partition(".")
    digits = "[,，]?".join(re.escape(d) for d in whole)
    m = re.search(rf"(?<![\d.,]){digits}{('[.．]' + cents) if cents else ''}(?!\d)", text)
    return m.span() if m else None


def _tail_span(text: str, tail: str | None) -> tuple[int, int] | None:
    if not tail:
        return None
    found = list(re.finditer(rf"(?<!\d){re.escape(tail)}(?!\d)", text))
    near = [m for m in found if re.search(r"(尾号|尾数|账户|卡)\D{0,6}$", text[max(0, m.start() - 8):m.start()])]
    chosen = near or found
    return chosen[0].span() if chosen else None


def _plain_span(text: str, value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    i = text.find(value)
    return (i, i + len(value)) if i >= 0 else None


def _domain_span(text: str, domains: str | None) -> tuple[int, int] | None:
    if not domains:
        return None
    first = domains.split()[0]
    i = text.lower().find(first)
    return (i, i + len(first)) if i >= 0 else None


def _review(details: dict[str, str], conf: Sequence[float | None], spans: list[tuple[str, tuple[int, int]]],
            lang: str) -> None:
    low: list[str] = []
    for name, (start, end) in spans:
        values = [c for c in conf[start:end] if c is not None]
        if values and min(values) < REVIEW_BELOW:
            low.append(f"{name} {min(values):.2f}")
    if low:
        details["needs_review"] = "true"
        details["review_reason"] = _say(lang, "识别置信度低：" + "，".join(low) + "；请对照图片核对。",
                                        "low OCR confidence: " + ", ".join(low) + "; check against the image.")


# ---- bank-app transaction lists ---------------------------------------------------------------------

_AMOUNT_CELL = re.compile(
    r"(?P<label>支出|收入|转出|转入|存入|消费)?[:：]?\s*(?:人民币|RMB|CNY|[¥￥])?\s*(?P<sign>[-+−—])?\s*[¥￥]?\s*"
    r"(?P<num>\d{1,3}(?:[,，]\d{3})+(?:[.．]\d{1,2})?|\d+[.．]\d{2})\s*元?")
_BALANCE = re.compile(
    r"(?:可用)?余额\s*[:：]?\s*(?:人民币|RMB|[¥￥])?\s*(?P<num>\d{1,3}(?:[,，]\d{3})*(?:[.．]\d{1,2})?|\d+)")
_LIST_MARK = re.compile(r"明细|交易记录|收支|流水|账单详情|交易详情")
_DEBIT_WORD = re.compile(r"支出|转出|消费|取现|扣款|支付|付款")
_CREDIT_WORD = re.compile(r"收入|转入|存入|入账|退款|代发|工资")
_MD = re.compile(r"(?<![\d-])(\d{1,2})-(\d{1,2})(?=\s+\d{1,2}:\d{2})")
_PAGE_TAIL = re.compile(r"(?:尾号|尾数|卡号|账号)\s*[:：]?\s*[*＊·•\s\d]*?(\d{4})(?!\d)|[*＊]{2,}\s*(\d{4})(?!\d)")
_DAY_ONLY = re.compile(
    r"(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号])?(?:\s*(?:星期.|周.))?|\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?")


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", "").replace("．", "."))
    except InvalidOperation:
        return None


@dataclasses.dataclass
class _Row:
    cell: OcrLine
    amount: Decimal
    sign: str
    label: str
    members: list[OcrLine] = dataclasses.field(default_factory=list)


def _transactions(page: OcrPage, file: SourceFile, base: dt.datetime, base_basis: Basis,
                  ctx: Context) -> tuple[list[Event], set[int]]:
    """Rows of a bank app's transaction list, and the ids of the lines they took."""
    norm = {id(x): times.normalize_text(layout.text(x)) for x in page.lines}
    rows: list[_Row] = []
    for line in page.lines:
        m = _AMOUNT_CELL.fullmatch(norm[id(line)])
        if m and not _BALANCE.search(norm[id(line)]):
            amount = _number(m.group("num"))
            if amount is not None:
                rows.append(_Row(line, amount, (m.group("sign") or "").replace("−", "-").replace("—", "-"),
                                 m.group("label") or ""))
    signed = [r for r in rows if r.sign or r.label]
    marked = _LIST_MARK.search(" ".join(norm.values())) is not None
    if not signed or not (marked or len(signed) >= 2):
        return [], set()
    rows = signed
    height = layout.median_height(page)
    first_top = min(r.cell.box.y for r in rows)
    headers: list[tuple[float, str]] = []  # day/month headers: (y, text)
    for line in page.lines:
        if any(line is r.cell for r in rows):
            continue
        text = norm[id(line)]
        if line.box.bottom < first_top - 1.5 * height and not _DAY_ONLY.fullmatch(text):
            continue  # the page header (title, account), read for the tail below
        if _DAY_ONLY.fullmatch(text):
            headers.append((line.box.cy, text))
            continue
        nearest = min(rows, key=lambda r: (abs(r.cell.box.cy - line.box.cy), r.cell.box.cy))
        if abs(nearest.cell.box.cy - line.box.cy) <= 3 * max(height, nearest.cell.box.h):
            nearest.members.append(line)
    tail = _page_tail(page, rows, norm)
    out: list[Event] = []
    used: set[int] = set()
    for row in sorted(rows, key=lambda r: r.cell.box.cy):
        event = _row_event(row, headers, tail, norm, file, base, base_basis, ctx)
        if event is not None:
            out.append(event)
            used.update(id(x) for x in (row.cell, *row.members))
    return out, used


def _page_tail(page: OcrPage, rows: list[_Row], norm: dict[int, str]) -> str | None:
    top = min(r.cell.box.y for r in rows)
    found = {m.group(1) or m.group(2) for x in page.lines if x.box.bottom <= top
             for m in _PAGE_TAIL.finditer(norm[id(x)])}
    return found.pop() if len(found) == 1 else None


def _row_event(row: _Row, headers: list[tuple[float, str]], tail: str | None, norm: dict[int, str],
               file: SourceFile, base: dt.datetime, base_basis: Basis, ctx: Context) -> Event | None:
    members = sorted(row.members, key=lambda x: (x.box.cy, x.box.x))
    balance: Decimal | None = None
    summary: list[str] = []
    when_text: list[str] = []
    for line in members:
        text = norm[id(line)]
        b = _BALANCE.search(text)
        if b:
            balance = _number(b.group("num"))
        elif re.search(r"\d{1,2}:\d{2}", text):
            when_text.append(text)
        else:
            summary.append(text)
    words = " ".join([row.label, *summary])
    if row.sign == "-" or (not row.sign and _DEBIT_WORD.search(words) and not _CREDIT_WORD.search(row.label)):
        direction = Direction.DEBIT
    elif row.sign == "+" or _CREDIT_WORD.search(words):
        direction = Direction.CREDIT
    else:
        return None
    day = next((text for y, text in reversed(headers) if y < row.cell.box.cy), "")
    stated = _row_time(" ".join(when_text), day, base, ctx.tz)
    box = Box.around([x.box for x in (row.cell, *members)])
    details: dict[str, str] = {"currency": "CNY", OCR_MARK[0]: OCR_MARK[1],
                               "ocr_confidence": f"{min(x.confidence for x in (row.cell, *members)):.3f}",
                               "ocr_text": " ".join(norm[id(x)] for x in sorted((row.cell, *members),
                                                                                key=lambda x: (x.box.cy, x.box.x)))}
    if summary:
        details["merchant"] = " ".join(summary)
    if tail:
        details["card_tail"] = tail
    if balance is not None:
        details["balance"] = str(balance)
    if stated is not None:
        time, basis = stated[0], Basis.OCR
        details.update(time_source="ocr_text", transaction_time=times.iso(stated[0], ctx.tz),
                       transaction_time_precision=str(stated[1]))
    else:
        time, basis = base, base_basis
        details.update(time_source="image", image_time_basis=str(base_basis), needs_review="true",
                       review_reason=_say(ctx.lang, "未能识别该行的交易时间，暂用图片时间；请对照图片核对。",
                                          "no date or time was read on this row; the image's time stands "
                                          "in for it: check against the image."))
    cell_conf = [c.confidence for c in row.cell.chars] or [row.cell.confidence]
    if min(cell_conf) < REVIEW_BELOW:
        _review(details, cell_conf, [("amount", (0, len(cell_conf)))], ctx.lang)
    key = "events.transaction_debit" if direction is Direction.DEBIT else "events.transaction_credit"
    summary_text = template.t(ctx.lang, key, amount=f"{row.amount:,.2f}", text=details.get("merchant", ""))
    return Event(
        time=time, basis=basis, kind=EventKind.TRANSACTION,
        summary=template.t(ctx.lang, "events.ocr", summary=summary_text.strip()),
        source=SourceRef(file.path, file.sha256, box.locator()), amount=row.amount, direction=direction,
        zone_assumed=basis is Basis.OCR, details=details)


def _row_time(text: str, day: str, base: dt.datetime, tz: dt.tzinfo) -> tuple[dt.datetime, times.Precision] | None:
    """A row's time: `2015-03-18 17:34`, `03-18 17:34`, or `17:34:05` under a day header."""
    text = _MD.sub(lambda m: f"{m.group(1)}月{m.group(2)}日", text)
    if text and not re.search(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|月|日", text) and day:
        text = f"{day} {text}"
    found = times.find_cn_datetime(text, base, tz) if text else None
    if found is None or found[1] is times.Precision.TIME_ONLY:
        return None  # a time without a date would take the screenshot's day
    return found[0], found[1]


# ---- police receipts and agreements ----------------------------------------------------------------

HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("police_receipt", re.compile(r"受案回执|受案登记|接报案回执|报案回执|立案告知|受理回执")),
    ("compensation_agreement", re.compile(r"(赔付|赔偿|补偿).{0,4}协议")),
    ("police_report", re.compile(r"报案(材料|笔录|登记|证明)?$|^报案")),
    ("agreement", re.compile(r"协议书?$|^协议")),
    ("compensation", re.compile(r"赔付|先行赔付|赔偿确认")),
)


def _hint(page: OcrPage) -> tuple[str | None, OcrLine | None]:
    """A document kind from a title-like line: short, and in the top part or set large."""
    height = layout.median_height(page)
    titles = [x for x in page.lines if len(x.text.strip()) <= 20
              and (x.box.bottom <= 0.4 * page.height or x.box.h >= 1.3 * height)]
    titles.sort(key=lambda x: (-x.box.h, x.box.y))
    for kind, pattern in HINTS:
        for line in titles:
            if pattern.search(re.sub(r"\s", "", times.normalize_text(line.text))):
                return kind, line
    return None, None


"""What each exhibit is, what it proves in this claim, and which fact of the fraud it belongs to.

A clerk reads an evidence list (证据目录) by the fact to be proved, in the order the fraud
happened: the order, the fraud call, the phishing link and codes, the debits, the police report,
then compensation. This module decides, for one accepted file and the events read from it:
its fact (`Fact`), its name (`13757124988 来电录音（2015-03-18 17:23，17分30秒）`, never the
file name, which goes to the 来源 column), its 证明目的 written from the timeline's facts for this
claimant, and what is handed over (原件/复印件, the original carrier).

Pure: model values in, strings out (the wording is data, in templates/<lang>/exhibits.toml).
`victim.toml` may override a file's name, purpose and fact: those win over everything here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from evidence import shots, spool, template
from evidence.model import Direction, Event, EventKind, FileKind, SourceFile, Status, Victim


class Fact(enum.StrEnum):
    """The fact an exhibit proves, in the order of the fraud (the evidence list's order)."""

    ORDER = "order"  # 订单
    CALLS = "calls"  # 诈骗来电
    PHISHING = "phishing"  # 钓鱼链接/验证码
    DEBITS = "debits"  # 银行扣款
    REPORT = "report"  # 报案
    COMPENSATION = "compensation"  # 赔付/协商
    OTHER = "other"  # anything whose fact the file does not show: listed last, never dropped


FACT_ORDER = tuple(Fact)

# Words that say what a paper or photo is: from an OCR title hint, a PDF title, the file name
# or the lawyer's own name/purpose in victim.toml. First match wins, most specific first.
_WORDS: tuple[tuple[Fact, re.Pattern[str]], ...] = (
    (Fact.REPORT, re.compile(r"受案|回执|报案|立案|police", re.I)),
    (Fact.COMPENSATION, re.compile(r"赔付|赔偿|补偿|协议|compensat|agreement", re.I)),
    (Fact.ORDER, re.compile(r"订单|order", re.I)),
    (Fact.PHISHING, re.compile(r"退款|钓鱼|链接|验证码|phishing|refund", re.I)),
    (Fact.DEBITS, re.compile(r"流水|明细|对账单|扣款|statement", re.I)),
    (Fact.CALLS, re.compile(r"来电|通话|call", re.I)),
)
_HINTS: Mapping[str, Fact] = {
    "police_receipt": Fact.REPORT, "police_report": Fact.REPORT,
    "compensation_agreement": Fact.COMPENSATION, "compensation": Fact.COMPENSATION,
    "agreement": Fact.COMPENSATION,
}
_BANK = re.compile(r"([\u4e00-\u9fff]{2,8}?银行)")
MESSAGE_KINDS = (FileKind.SMS_BACKUP, FileKind.SMS_EXPORT, FileKind.SMS_DB)
IMAGE_KINDS = (FileKind.SCREENSHOT, FileKind.PHOTO)


@dataclasses.dataclass(frozen=True)
class Story:
    """The claimant's facts the purposes are written from (the timeline's, not re-derived)."""

    lang: str
    tz: dt.tzinfo
    victim: Victim
    first_call: Event | None = None
    call_delay: dt.timedelta | None = None
    debits: tuple[Event, ...] = ()  # counted debit notices from the first fraud call on
    debit_total: Decimal = Decimal("0")
    report_time: dt.datetime | None = None  # victim.toml's police_report event, if any


@dataclasses.dataclass(frozen=True)
class Described:
    fact: Fact
    name: str
    purpose: str
    original: str  # 原件/复印件: what is handed over, naming the device or export
    checked: bool = True  # False: a screenshot placed unread (by its app or time): 内容待核实


def story(lang: str, tz: dt.tzinfo, victim: Victim, first_call: Event | None,
          call_delay: dt.timedelta | None, debits: Sequence[Event], debit_total: Decimal,
          events: Sequence[Event]) -> Story:
    report = next((e.time for e in sorted(events, key=lambda e: e.time)
                   if e.kind is EventKind.MANUAL and "police" in e.details.get("manual_kind", "")),
                  None)
    return Story(lang, tz, victim, first_call, call_delay, tuple(debits), debit_total, report)


def describe(file: SourceFile, events: Sequence[Event], s: Story) -> Described:
    """Fact, name, purpose and 原件/复印件 of one accepted file; victim.toml's words win."""
    fact = classify(file, events, s.victim)
    placed = _placed(file, events, s) if fact is Fact.OTHER else None
    if placed is not None:  # issue 17: no OCR said what it shows; its app or time places it
        fact = Fact(placed.fact)
        name = s.victim.exhibit_names.get(file.path) or _shot_name(file, events, placed, s)
        purpose = s.victim.purposes.get(file.path) or _shot_purpose(file, events, placed, s)
        return Described(fact, name, purpose, _original(file, events, fact, s), False)
    name = s.victim.exhibit_names.get(file.path) or _name(file, events, fact, s)
    purpose = s.victim.purposes.get(file.path) or _purpose(file, events, fact, s)
    return Described(fact, name, purpose, _original(file, events, fact, s))


def _placed(file: SourceFile, events: Sequence[Event], s: Story) -> shots.Placed | None:
    if file.kind not in IMAGE_KINDS or file.path in s.victim.exhibit_facts:
        return None
    return shots.place(file, events, s.first_call, s.debits)


def _shot_name(file: SourceFile, events: Sequence[Event], placed: shots.Placed, s: Story) -> str:
    own = _own(file, events)
    time = when(s, own[0].time) if own else "—"
    if placed.app:
        return _t(s, "name_app_shot", app=_t(s, f"shot_app.{placed.app}"), time=time)
    return _t(s, "name_unchecked_shot", time=time)


def _shot_purpose(file: SourceFile, events: Sequence[Event], placed: shots.Placed, s: Story
                  ) -> str:
    own = _own(file, events)
    t0 = own[0].time if own else None
    group = template.t(s.lang, f"dossier.group.{placed.fact}")
    if placed.app:
        return _t(s, "purpose_app_shot", time=when(s, t0), relation=_relation(s, t0),
                  app=_t(s, f"shot_app.{placed.app}"), fact=group)
    return _t(s, "purpose_unchecked_shot", time=when(s, t0), relation=_relation(s, t0), fact=group)


def classify(file: SourceFile, events: Sequence[Event], victim: Victim) -> Fact:
    """The fact a file proves: victim.toml, else what the document says it is (OCR title,
    PDF title, file name, the lawyer's name/purpose), else what was read from it, else its kind."""
    chosen = victim.exhibit_facts.get(file.path)
    if chosen:
        return Fact(chosen)
    for ev in events:
        hint = _HINTS.get(ev.details.get("document_hint", ""))
        if hint is not None:
            return hint
    kinds = {e.kind for e in events if spool.path_of(e) == file.path}
    said = " ".join(filter(None, (
        victim.exhibit_names.get(file.path), victim.purposes.get(file.path),
        *(e.details.get("title", "") for e in events if e.kind is EventKind.DOCUMENT),
        *(e.details.get("document_hint_text", "") for e in events),
        PurePosixPath(file.path).name if file.kind in (*IMAGE_KINDS, FileKind.DOCUMENT) else "")))
    if file.kind in (*IMAGE_KINDS, FileKind.DOCUMENT, FileKind.UNKNOWN):
        for fact, words in _WORDS:
            if words.search(said):
                return fact
    if file.kind in (FileKind.CALL_LOG, FileKind.RECORDING):
        return Fact.CALLS
    own = [e for e in events if spool.path_of(e) == file.path]
    if file.kind is FileKind.NOTICE_TEXT and own and all(e.details.get("lure") for e in own):
        return Fact.PHISHING  # issue 16: texts posing as a bank's are the fraud, not debits
    if file.kind in (FileKind.BANK_STATEMENT, FileKind.NOTICE_TEXT):
        return Fact.DEBITS
    if kinds & {EventKind.PHISHING, EventKind.VERIFICATION_CODE}:
        return Fact.PHISHING
    if kinds & {EventKind.BANK_NOTICE, EventKind.TRANSACTION}:
        return Fact.DEBITS
    if EventKind.CALL in kinds:
        return Fact.CALLS
    return Fact.OTHER


# ---- words --------------------------------------------------------------------------------------


def _t(story_: Story, key: str, /, **kw: object) -> str:
    return template.t(story_.lang, "exhibits." + key, **kw)


def when(s: Story, t: dt.datetime | None, seconds: bool = False) -> str:
    if t is None:
        return "—"
    return t.astimezone(s.tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def _day(s: Story, t: dt.datetime) -> str:
    return t.astimezone(s.tz).strftime("%Y-%m-%d")


def _span(s: Story, first: dt.datetime, last: dt.datetime) -> str:
    a, b = first.astimezone(s.tz), last.astimezone(s.tz)
    if a.date() == b.date():
        return a.strftime("%Y-%m-%d")
    return _t(s, "span", first=a.strftime("%Y-%m-%d"),
              last=b.strftime("%m-%d" if a.year == b.year else "%Y-%m-%d"))


def duration(s: Story, seconds: str | None) -> str:
    """`17分30秒` (zh) / `17 min 30 s` (en); "" when unknown."""
    try:
        total = round(float(seconds or ""))
    except ValueError:
        return ""
    m, sec = divmod(total, 60)
    h, m = divmod(m, 60)
    if h:
        return _t(s, "hms", h=h, m=m, sec=sec)
    return _t(s, "ms", m=m, sec=sec) if m else _t(s, "sec", sec=sec)


def delay(s: Story, d: dt.timedelta) -> str:
    minutes = int(d.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    h, m = divmod(rest, 60)
    if days:
        return _t(s, "delay_days", d=days, h=h, m=m)
    return _t(s, "delay_hours", h=h, m=m) if h else _t(s, "delay_minutes", m=m)


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def bank_of(file: SourceFile, events: Sequence[Event]) -> str:
    """The bank a statement or notice names: its file name, else a notice's sender."""
    m = _BANK.search(PurePosixPath(file.path).name)
    if m:
        return m.group(1)
    for ev in events:
        for text in (ev.attribution or "", ev.details.get("institution", "")):
            m = _BANK.search(text)
            if m:
                return m.group(1)
    return ""


def _own(file: SourceFile, events: Sequence[Event]) -> list[Event]:
    return sorted((e for e in events if spool.path_of(e) == file.path), key=lambda e: e.time)


def _calls(events: Sequence[Event]) -> list[Event]:
    return [e for e in events if e.kind is EventKind.CALL]


def _call_type(s: Story, ev: Event) -> str:
    return _t(s, "call_type." + ev.details.get("call_type", "incoming"))


def _name(file: SourceFile, events: Sequence[Event], fact: Fact, s: Story) -> str:
    own = _own(file, events)
    t0 = own[0].time if own else None
    if file.kind is FileKind.RECORDING:
        rec = next((e for e in own if e.kind is EventKind.RECORDING), None)
        dur = duration(s, rec.details.get("duration_s") if rec else None)
        detail = "，".join(x for x in (when(s, rec.time) if rec else "", dur) if x)
        return _t(s, "name_recording", number=(rec.counterparty if rec else "") or _t(s, "unknown_number"),
                  detail=detail).strip()
    if file.kind is FileKind.CALL_LOG:
        calls = _calls(own)
        if not calls:
            return _t(s, "name_call_log_empty")
        fc = s.first_call
        if fc is not None and any(e.source == fc.source for e in calls):
            return _t(s, "name_call_log_fraud", span=_span(s, calls[0].time, calls[-1].time),
                      n=len(calls), number=fc.counterparty or "", time=when(s, fc.time))
        return _t(s, "name_call_log", span=_span(s, calls[0].time, calls[-1].time), n=len(calls))
    if file.kind in (FileKind.BANK_STATEMENT,) or (fact is Fact.DEBITS and file.kind is FileKind.DOCUMENT):
        rows = [e for e in own if e.kind is EventKind.TRANSACTION]
        bank = bank_of(file, own) or _t(s, "bank")
        if rows:
            return _t(s, "name_statement", bank=bank, span=_span(s, rows[0].time, rows[-1].time))
        return _t(s, "name_statement_empty", bank=bank)
    if file.kind in (*MESSAGE_KINDS, FileKind.NOTICE_TEXT):
        msgs = [e for e in own if e.kind in (EventKind.SMS, EventKind.BANK_NOTICE, EventKind.PHISHING,
                                             EventKind.VERIFICATION_CODE)]
        parts = []
        lures = [e for e in msgs if e.details.get("lure")]
        if lures:
            parts.append(_t(s, "has_lures"))
        for kind, key in ((EventKind.PHISHING, "has_phishing"), (EventKind.VERIFICATION_CODE, "has_codes"),
                          (EventKind.BANK_NOTICE, "has_notices")):
            if any(e.kind is kind and not e.details.get("lure") for e in msgs):
                parts.append(_t(s, key))
        span = _span(s, msgs[0].time, msgs[-1].time) if msgs else ""
        contains = _t(s, "contains", what="、".join(parts)) if parts else ""
        key = "name_notice_text" if file.kind is FileKind.NOTICE_TEXT else "name_messages"
        if file.kind is FileKind.NOTICE_TEXT and msgs and len(lures) == len(msgs):
            key, contains = "name_lure_text", ""  # only lures: not a bank's texts at all
        return _t(s, key, span=span, n=len(msgs), contains=contains)
    when_text = when(s, t0) if t0 else ""
    if file.kind in IMAGE_KINDS:
        key = {Fact.REPORT: "name_report_photo", Fact.COMPENSATION: "name_compensation_photo",
               Fact.ORDER: "name_order_shot", Fact.PHISHING: "name_phishing_shot",
               Fact.DEBITS: "name_debit_shot", Fact.CALLS: "name_call_shot"}.get(
            fact, "name_screenshot" if file.kind is FileKind.SCREENSHOT else "name_photo")
        return _t(s, key, time=when_text)
    key = {Fact.REPORT: "name_report_doc", Fact.COMPENSATION: "name_compensation_doc",
           Fact.ORDER: "name_order_doc"}.get(fact, "name_document")
    title = next((e.details.get("title", "") for e in own if e.details.get("title")), "")
    return _t(s, key, time=when_text, title=title or PurePosixPath(file.path).stem)


def _purpose(file: SourceFile, events: Sequence[Event], fact: Fact, s: Story) -> str:
    own = _own(file, events)
    fc = s.first_call
    if file.kind is FileKind.RECORDING:
        rec = next((e for e in own if e.kind is EventKind.RECORDING), None)
        number = (rec.counterparty if rec else "") or _t(s, "unknown_number")
        fraud = fc is not None and rec is not None and rec.counterparty == fc.counterparty
        return _t(s, "purpose_recording_fraud" if fraud else "purpose_recording",
                  number=number, time=when(s, rec.time if rec else None),
                  duration=duration(s, rec.details.get("duration_s") if rec else None) or "—")
    if fact is Fact.CALLS and file.kind is FileKind.CALL_LOG:
        calls = _calls(own)
        if fc is not None and any(e.source == fc.source for e in calls):
            lead = (_t(s, "after_order", delay=delay(s, s.call_delay))
                    if s.call_delay is not None else "")
            text = _t(s, "purpose_calls", lead=lead, number=fc.counterparty or "",
                      attribution=f"（{fc.attribution}）" if fc.attribution and s.lang != "en" else "",
                      time=when(s, fc.time), type=_call_type(s, fc), talk=_talk(s, fc))
            answered = next((e for e in calls if e.time > fc.time and e.counterparty == fc.counterparty
                             and _seconds(e) > 0), None)
            if _seconds(fc) <= 0 and answered is not None:  # rang unanswered, then got through
                text += _t(s, "purpose_calls_answered", time=when(s, answered.time),
                           duration=duration(s, answered.details.get("duration_s")))
            again = [e for e in calls if e.counterparty and e.counterparty != fc.counterparty
                     and e.time > fc.time and e.details.get("call_type") != "outgoing"
                     and e.counterparty in _strangers(s, calls)]
            if again:
                text += _t(s, "purpose_calls_more", n=len(again),
                           numbers="、".join(dict.fromkeys(e.counterparty or "" for e in again)))
            return text
        if calls:
            return _t(s, "purpose_calls_none", span=_span(s, calls[0].time, calls[-1].time))
        return _t(s, "purpose_nothing_read")
    if file.kind in (*MESSAGE_KINDS, FileKind.NOTICE_TEXT):
        return _messages_purpose(own, s)
    if file.kind is FileKind.BANK_STATEMENT or (fact is Fact.DEBITS and file.kind is FileKind.DOCUMENT):
        rows = [e for e in own if e.kind is EventKind.TRANSACTION]
        bank = bank_of(file, own) or _t(s, "bank")
        after = [e for e in rows if e.direction is Direction.DEBIT and e.amount is not None
                 and (fc is None or e.time >= fc.time)]
        if after:
            total = sum((e.amount for e in after if e.amount is not None), Decimal("0"))
            return _t(s, "purpose_statement", bank=bank, first=when(s, after[0].time),
                      last=when(s, after[-1].time), n=len(after), total=money(total))
        if rows:
            return _t(s, "purpose_statement_before", bank=bank,
                      span=_span(s, rows[0].time, rows[-1].time))
        return _t(s, "purpose_nothing_read")
    t0 = own[0].time if own else None
    if fact is Fact.REPORT:
        return _t(s, "purpose_report", time=when(s, s.report_time or t0))
    if fact is Fact.COMPENSATION:
        comp = s.victim.compensation
        return _t(s, "purpose_compensation", status=template.t(
            s.lang, f"dossier.compensation.{comp.status}"), paid=money(comp.amount_paid))
    if fact is Fact.ORDER:
        orders = sorted(s.victim.orders, key=lambda o: o.placed)
        if orders:
            o = orders[0]
            return _t(s, "purpose_order", time=when(s, o.placed), id=o.id, item=o.item or "—")
        return _t(s, "purpose_order_plain")
    if fact is Fact.PHISHING:
        return _t(s, "purpose_phishing_shot", time=when(s, t0), relation=_relation(s, t0))
    if fact is Fact.DEBITS:
        return _t(s, "purpose_debit_shot", time=when(s, t0), relation=_relation(s, t0))
    return _t(s, "purpose_other", time=when(s, t0), relation=_relation(s, t0))


def _seconds(ev: Event) -> float:
    try:
        return float(ev.details.get("duration_s", "0") or 0)
    except ValueError:
        return 0.0


def _talk(s: Story, ev: Event) -> str:
    """`，通话17分30秒`, or nothing for a call nobody answered."""
    if ev.details.get("call_type") in ("missed", "rejected", "blocked") or _seconds(ev) <= 0:
        return ""
    return _t(s, "talk", duration=duration(s, ev.details.get("duration_s")))


def _strangers(s: Story, calls: Sequence[Event]) -> set[str]:
    from evidence import phones  # a table of known service numbers

    known = {*phones.BANKS, *phones.OTHER_SERVICES}
    return {e.counterparty for e in calls if e.counterparty and e.counterparty not in known}


def _relation(s: Story, t: dt.datetime | None) -> str:
    """Where a picture's time falls in the story: `接到诈骗来电后5分钟` — or nothing."""
    fc = s.first_call
    if t is None or fc is None:
        return ""
    gap = t - fc.time
    if dt.timedelta(0) <= gap <= dt.timedelta(days=2):
        return _t(s, "relation_after_call", delay=delay(s, gap))
    if dt.timedelta(0) < -gap <= dt.timedelta(days=2):
        return _t(s, "relation_before_call", delay=delay(s, -gap))
    return ""


def _messages_purpose(own: Sequence[Event], s: Story) -> str:
    parts: list[str] = []
    phishing = [e for e in own if e.kind is EventKind.PHISHING]
    codes = [e for e in own if e.kind is EventKind.VERIFICATION_CODE]
    # (only the debits' own sources are collected: not one per message of a whole backup)
    wanted = {e.source for e in s.debits}
    paths = {r.path for r in wanted}
    own_ids = {ref for e in own if spool.path_of(e) in paths and (ref := e.source) in wanted}
    debits = [e for e in s.debits if e.source in own_ids]
    if phishing:
        domains = [d for e in phishing for d in re.split(r"[,\s]+", e.details.get("domains", e.details.get(
            "domain", ""))) if d]
        parts.append(_t(s, "msg_phishing", time=when(s, phishing[0].time),
                        sender=phishing[0].counterparty or "—",
                        domain=("（" + "、".join(dict.fromkeys(domains)) + "）") if domains else ""))
    if codes:
        parts.append(_t(s, "msg_codes", n=len(codes), first=when(s, codes[0].time),
                        last=when(s, codes[-1].time)))
    lures = [e for e in own if e.details.get("lure")]
    if lures:
        numbers = list(dict.fromkeys(n for e in lures for n in e.details.get("lure_numbers", "").split()))
        parts.append(_t(s, "msg_lures", n=len(lures), first=when(s, lures[0].time),
                        numbers=_t(s, "msg_lure_numbers", numbers="、".join(numbers)) if numbers else ""))
    if debits:
        total = sum((e.amount for e in debits if e.amount is not None), Decimal("0"))
        parts.append(_t(s, "msg_debits", n=len(debits), first=when(s, debits[0].time),
                        last=when(s, debits[-1].time), total=money(total)))
    if not parts:
        if own:
            return _t(s, "purpose_messages_plain", span=_span(s, own[0].time, own[-1].time), n=len(own))
        return _t(s, "purpose_nothing_read")
    lead = _t(s, "msg_lead") if s.first_call is not None and (phishing or codes) else _t(s, "msg_lead_plain")
    return lead + _t(s, "sep").join(parts) + _t(s, "end")


def device_of(events: Sequence[Event], lang: str) -> str:
    """The app or phone that made a file, as its file name says (微信, 小米/华为 recorder…), in
    words a court reads (templates/<lang>/exhibits.toml [device_name]); an unknown convention
    says nothing ("")."""
    device = next((e.details["app"] for e in events if e.details.get("app")), "")
    if shots.app_key(device):  # a screenshot's app in words (京东App, not com.jingdong.app.mall)
        device = template.t(lang, f"exhibits.shot_app.{shots.app_key(device)}")
    if not device:
        convention = next((e.details["name_convention"] for e in events
                           if e.details.get("name_convention")), "")
        named = template.t(lang, f"exhibits.device_name.{convention}") if convention else ""
        device = "" if named.startswith("exhibits.") else named
    return device


def _original(file: SourceFile, events: Sequence[Event], fact: Fact, s: Story) -> str:
    """原件/复印件: electronic data name their original carrier (the phone or the export)."""
    device = device_of(events, s.lang)
    if file.kind in (FileKind.BANK_STATEMENT, FileKind.DOCUMENT):
        if PurePosixPath(file.path).suffix.lower() == ".pdf":
            return _t(s, "original_pdf")
        return _t(s, "original_export", device=device or _t(s, "export"))
    if file.kind in IMAGE_KINDS and fact in (Fact.REPORT, Fact.COMPENSATION):
        return _t(s, "original_paper")
    carrier = {
        FileKind.SMS_BACKUP: "carrier_sms_backup", FileKind.SMS_EXPORT: "carrier_sms_export",
        FileKind.SMS_DB: "carrier_sms_db", FileKind.CALL_LOG: "carrier_call_log",
        FileKind.RECORDING: "carrier_recording", FileKind.SCREENSHOT: "carrier_screenshot",
        FileKind.PHOTO: "carrier_photo", FileKind.NOTICE_TEXT: "carrier_notice_text",
    }.get(file.kind, "carrier_other")
    return _t(s, carrier, device=_t(s, "device", device=device) if device else "")


# ---- the order sheet when no file proves the order ---------------------------------------------------

STATEMENT_PATH = "victim.toml"


def order_sheet(victim: Victim, s: Story) -> tuple[SourceFile, Described]:
    """An exhibit for the order when no file proves it: a sheet of what the claimant stated in
    victim.toml, marked as the claimant's statement (not original data) so nobody mistakes it
    for an order export. The court will still ask for the order itself (see 缺少的证据)."""
    o = sorted(victim.orders, key=lambda x: x.placed)[0]
    file = SourceFile(path=STATEMENT_PATH, abspath=victim.folder / STATEMENT_PATH, sha256="",
                      size=0, kind=FileKind.UNKNOWN, status=Status.ACCEPTED)
    purpose = victim.purposes.get(STATEMENT_PATH) or _t(
        s, "purpose_order_sheet", id=o.id, time=when(s, o.placed), item=o.item or "—")
    return file, Described(Fact.ORDER, victim.exhibit_names.get(STATEMENT_PATH) or _t(
        s, "name_order_sheet"), purpose, _t(s, "original_statement"))


# ---- what a court will ask for and the file does not have ----------------------------------------

_ID_WORDS = re.compile(r"身份证|居民身份|id[_ -]?card", re.I)


def missing(items: Sequence[tuple[Fact, SourceFile, str, Sequence[Event]]], victim: Victim,
            debits: Sequence[Event], matched: Mapping[str, bool], s: Story,
            transcribed: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The 缺少的证据 lines (issue 17): what a court asks for and the file does not have.

    `items`: each exhibit's fact, file, name and events; `matched`: recording path -> whether a
    call in the call log matches it; `transcribed`: recordings with a transcript beside them."""
    out: list[str] = []
    real = [(f, fl, n, e) for f, fl, n, e in items if fl.sha256]  # not the claimant's statement
    # a screenshot placed unread proves nothing yet (issue 17): the court still asks
    facts = {f for f, fl, _, e in real if classify(fl, e, victim) is not Fact.OTHER}
    if Fact.ORDER not in facts:
        out.append(_t(s, "missing_order_statement" if victim.orders else "missing_order"))
    recordings = [fl for _, fl, _, _ in real if fl.kind is FileKind.RECORDING]
    untranscribed = [fl for fl in recordings if fl.path not in transcribed]
    if untranscribed:
        out.append(_t(s, "missing_transcript", n=len(untranscribed)))
    for fl in recordings:
        if not matched.get(fl.path, False):
            out.append(_t(s, "missing_recording_call", path=fl.path))
    if Fact.REPORT not in facts:
        out.append(_t(s, "missing_report"))
    said = " ".join(f"{fl.path} {n}" for _, fl, n, _ in real)
    if not _ID_WORDS.search(said):
        out.append(_t(s, "missing_id"))
    has_statement = any(e.kind is EventKind.TRANSACTION for *_, evs in real for e in evs)
    if debits and not has_statement:
        out.append(_t(s, "missing_statement", n=len(debits)))
    return out


# ---- 录音笔录: a recording's transcript, or the form to write one on ----------------------------------

TRANSCRIPT_SUFFIXES = (".srt", ".vtt", ".txt", ".docx")
FORM_STEP_S = 30  # the blank form has a row every 30 seconds of the recording
_CUE = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})(?:[.,]\d+)?\s*-->\s*[\d:.,]+")
_LINE = re.compile(r"^\s*[\[(（]?(?:(\d+):)?(\d{1,2}):(\d{2})[\])）]?\s*(.*)$")
_SPEAKER = re.compile(r"^([^：:\s]{1,12})[：:]\s*(.+)$")


@dataclasses.dataclass(frozen=True)
class Line:
    at: int | None  # seconds from the start of the recording, when the transcript says
    speaker: str
    text: str


def transcript_for(recording: str, victim: Victim, exists: Callable[[str], bool]) -> str | None:
    """The transcript of a recording (paths relative to the victim folder): the one victim.toml
    names for it, else a file of the same name with .srt/.vtt/.txt/.docx beside it. `exists`
    says whether a path is there (the inventory's paths, or the disk), so this stays pure."""
    named = victim.transcripts.get(recording)
    if named and exists(named):
        return named
    stem = PurePosixPath(recording)
    return next((str(p) for p in (stem.with_suffix(s) for s in TRANSCRIPT_SUFFIXES)
                 if str(p) != recording and exists(str(p))), None)


def transcript_text(path: Path) -> str:
    """A transcript file's text as written: UTF-8 text, or a Word file's paragraphs and table
    rows in document order (python-docx). Raises ValueError with the reason when unreadable."""
    if path.suffix.lower() != ".docx":
        try:
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as e:
            raise ValueError("not UTF-8 text") from e
        except OSError as e:
            raise ValueError(e.strerror or str(e)) from e
    import docx  # python-docx: a dependency already (evidence/office.py writes .docx)
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, Table):
                lines.extend(_row_text(row.cells) for row in block.rows)
    except Exception as e:
        raise ValueError(f"not a readable Word file ({type(e).__name__})") from e
    return "\n".join(lines)


def _row_text(cells: Sequence[Any]) -> str:
    """A table row of a Word transcript (时间 | 说话人 | 内容) as one `mm:ss 说话人：内容` line;
    merged cells repeat in python-docx, so a cell equal to its left neighbour is skipped."""
    texts: list[str] = []
    for cell in cells:
        text = cell.text.strip()
        if text and (not texts or texts[-1] != text):
            texts.append(text)
    if len(texts) == 3 and _LINE.match(texts[0]):
        return f"{texts[0]} {texts[1]}：{texts[2]}"
    return "  ".join(texts)


def transcript(text: str, suffix: str) -> tuple[Line, ...]:
    """Lines of a victim-supplied transcript: SRT/VTT cues, or a text file whose lines may
    start with `[mm:ss]` and `说话人：`. Every non-empty line is kept, in order."""
    out: list[Line] = []
    at: int | None = None
    cue_text: list[str] = []

    def flush() -> None:
        if cue_text:
            out.append(_speaker(at, " ".join(cue_text)))
            cue_text.clear()

    if suffix in (".srt", ".vtt"):
        for raw in text.splitlines():
            line = raw.strip()
            m = _CUE.match(line)
            if m:
                flush()
                at = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
            elif line and not line.isdigit() and line != "WEBVTT":
                cue_text.append(line)
            elif not line:
                flush()
        flush()
        return tuple(out)
    for raw in text.splitlines():
        if not raw.strip():
            continue
        m = _LINE.match(raw)
        if m and m.group(4):
            secs = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
            out.append(_speaker(secs, m.group(4)))
        else:
            out.append(_speaker(None, raw.strip()))
    return tuple(out)


def _speaker(at: int | None, text: str) -> Line:
    m = _SPEAKER.match(text)
    return Line(at, m.group(1), m.group(2)) if m else Line(at, "", text)


def form_marks(duration_s: float | None) -> tuple[int, ...]:
    """Start of each blank form row: every 30 s over the whole recording (one row if unknown)."""
    total = int(duration_s or 0)
    return tuple(range(0, max(total, 1), FORM_STEP_S))


def clock(seconds: int) -> str:
    m, s = divmod(seconds, 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


# ---- what a paper says it is ----------------------------------------------------------------------

_PAPER_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("police_receipt", re.compile(r"受案回执|受案登记|接报案回执|报案回执|立案告知|受理回执")),
    ("compensation_agreement", re.compile(r"(赔付|赔偿|补偿).{0,4}协议")),
)


def document_hint(text: str) -> str | None:
    """What a paper says it is, from its text (a PDF's first page): the same hints OCR gives a
    photo's title, so a scanned police receipt or agreement becomes its own exhibit."""
    flat = re.sub(r"\s", "", text[:2000])
    return next((kind for kind, pattern in _PAPER_HINTS if pattern.search(flat)), None)

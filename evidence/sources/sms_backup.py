"""Android "SMS Backup & Restore" message backups: `sms-*.xml`, root `<smses>`.

Each `<sms>` carries everything in attributes; each `<mms>` has `<parts>` (text in `text`,
media as base64 in `data`) and `<addrs>` (type 137 = sender). Times come from `date`, UTC epoch
milliseconds; `readable_date` is the phone's local rendering in a locale-dependent shape and is
kept as written, never parsed. Locators are `sms[i]` / `mms[i]`: the 1-based position among the
root's children of that tag, so `sms[1]` is the first `<sms>` element in the file.

Bodies are quoted exactly as the attribute holds them (no trimming). A record the file holds
twice (same number, time, type and text: a backup restored and backed up again) is one message,
with a note naming the repeat.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from evidence import spool, template, times, xmlsafe
from evidence.model import Basis, Event, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context, common

TIME_MEANING = "message_time"  # `date`: when the phone received (or sent) the message
BASIS = Basis.EXACT

TAGS = frozenset({"sms", "mms"})
ADDR_FROM, ADDR_TO = "137", "151"
SMS_OUT_TYPES = {"2": "sent", "4": "outbox", "5": "failed", "6": "queued"}
MMS_IN_BOXES, MMS_OUT_BOXES = {"1"}, {"2": "sent", "4": "outbox"}
MMS_IN_TYPES = {"130", "132"}  # notification-ind, retrieve-conf: used when msg_box is missing


def sniff(head: bytes, name: str) -> bool:
    return xmlsafe.root_tag(head) == "smses"


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.SMS_BACKUP


def validate(path: Path, lang: str) -> str | None:
    return xmlsafe.validate(path, TAGS, lang)


def value(elem: ET.Element, name: str) -> str:
    """Attribute text; the exporter writes absent values as the string "null"."""
    v = elem.get(name)
    if not v:
        return ""
    v = v.strip()
    # (4 characters first: this runs ~10 times a message, 600,000 messages; issue 23)
    return "" if len(v) == 4 and v.lower() == "null" else v


def text(elem: ET.Element, name: str) -> str:
    """A message text exactly as written (no trimming): "null" alone means absent."""
    v = elem.get(name) or ""
    return "" if v == "null" else v


def epoch(raw: str, *, allow_zero: bool = False) -> dt.datetime | None:
    """`date` is ms; `date_sent` may be seconds. Values below 1e11 (ms before 1973) cannot be ms
    of real evidence, so the unit is detected; impossible values give None."""
    try:
        n = int(raw)
    except ValueError:
        return None
    if n <= 0 and not allow_zero:
        return None
    try:
        return times.from_epoch_auto(n)
    except (OverflowError, OSError, ValueError):
        return None


def contact(elem: ET.Element) -> str:
    name = value(elem, "contact_name")
    return "" if name in ("(Unknown)", "") else name


def _details(elem: ET.Element, ctx: Context, kind: str, raw_type: str) -> dict[str, str]:
    d = {"message_type": kind, "raw_type": raw_type}
    for key, attr in (("contact_name", None), ("readable_date", "readable_date"), ("sim", "sub_id"),
                      ("service_center", "service_center"), ("subject", "subject" if kind == "sms" else "sub")):
        v = contact(elem) if attr is None else value(elem, attr)
        if v and not (key == "sim" and v == "-1"):
            d[key] = v
    sent = value(elem, "date_sent")
    if sent and sent != "0":
        t = epoch(sent)
        if t is not None:
            d["sent_time"] = times.iso(t, ctx.tz)
    return d


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    # issue 23: a whole phone's backup keeps its messages' text on disk (evidence.spool)
    events = spool.Collector(file.path, file.sha256, common.message_key)
    issues: list[Issue] = []
    outcome = xmlsafe.Outcome()
    places: common.Places = {}  # this file's numbers, attributed once each
    for tag, index, elem in xmlsafe.records(file.abspath, TAGS, outcome):
        locator = f"{tag}[{index}]"
        reader = _sms if tag == "sms" else _mms
        event, problems = reader(elem, SourceRef(file.path, file.sha256, locator), ctx, places)
        issues.extend(problems)
        if event is not None:
            events.append(event)
    issues.extend(xmlsafe.problems(outcome, file.path, ctx.lang))
    kept, repeats = common.drop_repeats(events.events, common.message_key, file.path, ctx.lang,
                                        events.hashes)
    return kept, issues + repeats


def bad_time(ref: SourceRef, raw: str, lang: str) -> Issue:
    return Issue(Severity.WARNING, "bad_time", template.t(
        lang, "sources.bad_time", path=ref.path, locator=ref.locator, value=raw or "-"),
        path=ref.path, locator=ref.locator)


def draft(ref: SourceRef, lang: str) -> Issue:
    return Issue(Severity.NOTE, "draft_skipped", template.t(
        lang, "sources.draft_skipped", path=ref.path, locator=ref.locator), path=ref.path, locator=ref.locator)


def _sms(elem: ET.Element, ref: SourceRef, ctx: Context, places: common.Places
         ) -> tuple[Event | None, list[Issue]]:
    raw_type = value(elem, "type")
    if raw_type == "3":
        return None, [draft(ref, ctx.lang)]
    time = epoch(value(elem, "date"))
    if time is None:
        return None, [bad_time(ref, value(elem, "date"), ctx.lang)]
    addresses = [a for a in value(elem, "address").split("~") if a.strip()]
    details = _details(elem, ctx, "sms", raw_type)
    if len(addresses) > 1:
        details["recipients"] = " ".join(addresses)
    if raw_type in SMS_OUT_TYPES:
        details["status"] = SMS_OUT_TYPES[raw_type]
    event = common.message_event(
        time=time, party=addresses[0] if addresses else "", incoming=raw_type not in SMS_OUT_TYPES,
        body=text(elem, "body"), source=ref, ctx=ctx, details=details, places=places,
    )
    return event, []


def _mms(elem: ET.Element, ref: SourceRef, ctx: Context, places: common.Places
         ) -> tuple[Event | None, list[Issue]]:
    box = value(elem, "msg_box")
    m_type = value(elem, "m_type")
    if box == "3":
        return None, [draft(ref, ctx.lang)]
    incoming = box in MMS_IN_BOXES if box else m_type in MMS_IN_TYPES
    time = epoch(value(elem, "date"))
    if time is None:
        return None, [bad_time(ref, value(elem, "date"), ctx.lang)]
    issues: list[Issue] = []
    texts: list[str] = []
    attachments: list[str] = []
    for part in elem.iter("part"):
        ct = value(part, "ct").lower()
        if ct == "application/smil":
            continue
        said = text(part, "text")
        if ct.startswith("text/plain") and said:
            texts.append(said)
            continue
        name = value(part, "name") or value(part, "cl") or value(part, "fn") or "?"
        attachments.append(f"{name} ({ct or '?'})")
        data = part.get("data")
        if data is not None and not _base64_ok(data):
            issues.append(Issue(Severity.WARNING, "attachment_bad", template.t(
                ctx.lang, "sources.attachment_bad", path=ref.path, locator=ref.locator, name=name, ct=ct or "?"),
                path=ref.path, locator=ref.locator))
    addrs = [(value(a, "type"), value(a, "address")) for a in elem.iter("addr")]
    conversation = value(elem, "address")
    listed = [a for a in conversation.split("~") if a.strip()]
    if incoming:
        senders = [address for kind, address in addrs if kind == ADDR_FROM and address]
        party = senders[0] if senders else (listed[0] if listed else "")
        recipients: list[str] = []
    else:
        recipients = [address for kind, address in addrs if kind == ADDR_TO and address] or listed
        party = recipients[0] if recipients else ""
    details = _details(elem, ctx, "mms", box or m_type)
    if box in MMS_OUT_BOXES:
        details["status"] = MMS_OUT_BOXES[box]
    if conversation and conversation != party:
        details["conversation"] = conversation  # group id, or the thread's other party
    if len(recipients) > 1:
        details["recipients"] = " ".join(recipients)
    if attachments:
        details["attachments"] = "; ".join(attachments)
    event = common.message_event(
        time=time, party=party, incoming=incoming, body="\n".join(texts), source=ref, ctx=ctx, details=details,
        places=places,
    )
    return event, issues


def _base64_ok(data: str) -> bool:
    try:
        base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True

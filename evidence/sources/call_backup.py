"""Android "SMS Backup & Restore" call logs: `calls-*.xml`, root `<calls>`, one `<call>` each.

`date` is the call start in UTC epoch ms; `duration` is seconds (0 for missed/rejected).
`type` follows Android CallLog: 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected,
6 blocked; 7 (answered on another device) and OEM codes are kept raw as "other".
`number` -1 / -2 / -3 or empty means the caller withheld or had no number.
Locator `call[i]`: the 1-based position among the `<call>` elements.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from evidence import xmlsafe
from evidence.model import Basis, Event, FileKind, Issue, SourceFile, SourceRef
from evidence.sources import Context, common, sms_backup

TIME_MEANING = "call_started"  # `date`: the call's start, UTC epoch ms
BASIS = Basis.EXACT

TAGS = frozenset({"call"})
TYPES = {
    "1": common.CallType.INCOMING, "2": common.CallType.OUTGOING, "3": common.CallType.MISSED,
    "4": common.CallType.VOICEMAIL, "5": common.CallType.REJECTED, "6": common.CallType.BLOCKED,
}
HIDDEN_NUMBERS = {"-1": "unknown", "-2": "private", "-3": "payphone", "": "unknown"}
PRESENTATION = {"2": "restricted", "3": "unknown", "4": "payphone"}


def sniff(head: bytes, name: str) -> bool:
    return xmlsafe.root_tag(head) == "calls"


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.CALL_LOG


def validate(path: Path, lang: str) -> str | None:
    return xmlsafe.validate(path, TAGS, lang)


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    return records(file, ctx, TAGS, _call)


Record = Callable[[ET.Element, SourceRef, Context], tuple[Event | None, Issue | None]]


def records(file: SourceFile, ctx: Context, tags: frozenset[str], one: Record
            ) -> tuple[list[Event], list[Issue]]:
    """Each record element of a call-log XML through `one` (shared with superbackup_calls)."""
    events: list[Event] = []
    issues: list[Issue] = []
    outcome = xmlsafe.Outcome()
    for tag, index, elem in xmlsafe.records(file.abspath, tags, outcome):
        ref = SourceRef(file.path, file.sha256, f"{tag}[{index}]")
        event, problem = one(elem, ref, ctx)
        if event is not None:
            events.append(event)
        if problem is not None:
            issues.append(problem)
    issues.extend(xmlsafe.problems(outcome, file.path, ctx.lang))
    return events, issues


def _call(elem: ET.Element, ref: SourceRef, ctx: Context) -> tuple[Event | None, Issue | None]:
    return call(elem, ref, ctx, duration="duration", contact=sms_backup.contact(elem), kept=(
        ("readable_date", "readable_date"), ("sim", "subscription_id"),
        ("post_dial_digits", "post_dial_digits")))


def call(elem: ET.Element, ref: SourceRef, ctx: Context, *, duration: str, contact: str,
         kept: tuple[tuple[str, str], ...]) -> tuple[Event | None, Issue | None]:
    """One call record whose `date` is epoch ms and `type` an Android CallLog code; `duration`
    names its seconds attribute, `kept` (detail, attribute) pairs are kept as written."""
    value = sms_backup.value
    time = sms_backup.epoch(value(elem, "date"))
    if time is None:
        return None, sms_backup.bad_time(ref, value(elem, "date"), ctx.lang)
    raw_type = value(elem, "type")
    number = value(elem, "number")
    details: dict[str, str] = {}
    if number in HIDDEN_NUMBERS:
        details["number_hidden"] = HIDDEN_NUMBERS[number]
        number = ""
    presentation = value(elem, "presentation")
    if presentation in PRESENTATION:
        details["presentation"] = PRESENTATION[presentation]
    for key, attr in kept:
        v = value(elem, attr)
        if v and v != "-1":
            details[key] = v
    if contact:
        details["contact_name"] = contact
    duration_raw = value(elem, duration)
    seconds = int(duration_raw) if re.fullmatch(r"[0-9]{1,9}", duration_raw) else None
    if seconds is None and duration_raw:
        details["raw_duration"] = duration_raw
    event = common.call_event(
        time=time, party=number, call_type=TYPES.get(raw_type, common.CallType.OTHER), duration=seconds,
        source=ref, ctx=ctx, raw_type=raw_type, details=details,
    )
    return event, None

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
from pathlib import Path

from evidence import xmlsafe
from evidence.extract import Context
from evidence.model import Event, FileKind, Issue, SourceFile, SourceRef
from evidence.sources import common, sms_backup

TAGS = frozenset({"call"})
TYPES = {
    "1": common.CallType.INCOMING, "2": common.CallType.OUTGOING, "3": common.CallType.MISSED,
    "4": common.CallType.VOICEMAIL, "5": common.CallType.REJECTED, "6": common.CallType.BLOCKED,
}
HIDDEN_NUMBERS = {"-1": "unknown", "-2": "private", "-3": "payphone", "": "unknown"}
PRESENTATION = {"2": "restricted", "3": "unknown", "4": "payphone"}


def sniff(path: Path, head: bytes) -> FileKind | None:
    return FileKind.CALL_LOG if xmlsafe.root_tag(head) == "calls" else None


def validate(path: Path, lang: str) -> str | None:
    return xmlsafe.validate(path, TAGS, lang)


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    events: list[Event] = []
    issues: list[Issue] = []
    outcome = xmlsafe.Outcome()
    for tag, index, elem in xmlsafe.records(file.abspath, TAGS, outcome):
        ref = SourceRef(file.path, file.sha256, f"{tag}[{index}]")
        event, problem = _call(elem, ref, ctx)
        if event is not None:
            events.append(event)
        if problem is not None:
            issues.append(problem)
    issues.extend(xmlsafe.problems(outcome, file.path, ctx.lang))
    return events, issues


def _call(elem: ET.Element, ref: SourceRef, ctx: Context) -> tuple[Event | None, Issue | None]:
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
    for key, attr in (("readable_date", "readable_date"), ("sim", "subscription_id"),
                      ("post_dial_digits", "post_dial_digits")):
        v = value(elem, attr)
        if v and v != "-1":
            details[key] = v
    name = sms_backup.contact(elem)
    if name:
        details["contact_name"] = name
    duration_raw = value(elem, "duration")
    duration = int(duration_raw) if re.fullmatch(r"[0-9]{1,9}", duration_raw) else None
    if duration is None and duration_raw:
        details["raw_duration"] = duration_raw
    event = common.call_event(
        time=time, party=number, call_type=TYPES.get(raw_type, common.CallType.OTHER), duration=duration,
        source=ref, ctx=ctx, raw_type=raw_type, details=details,
    )
    return event, None

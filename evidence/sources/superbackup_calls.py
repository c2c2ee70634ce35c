"""SuperBackup (MobileIdea "Super Backup & Restore") call logs: root `<alllogs count="N">`, one
`<log>` each (layout as in novoid/Memacs `memacs/tests/data/calls_superbackup.xml` and its
`phonecalls_superbackup.py`):

    <alllogs count="2">
        <log number="+49123456789" time="17.09.2018 21:58:22" date="1537214302606" type="1"
             name="TestPerson1" new="1" dur="264" />

`date` is the call start in UTC epoch ms; `time` the phone's local rendering (kept as written,
never parsed); `dur` seconds; `type` the Android CallLog codes (1 incoming, 2 outgoing, 3 missed,
4 voicemail, 5 rejected, 6 blocked); `name` the contact. Locator `log[i]`: the 1-based position
among the `<log>` elements.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

from evidence import xmlsafe
from evidence.model import Basis, Event, FileKind, Issue, SourceFile, SourceRef
from evidence.sources import Context, call_backup, sms_backup

TIME_MEANING = "call_started"  # `date`: the call's start, UTC epoch ms
BASIS = Basis.EXACT
TAGS = frozenset({"log"})


def sniff(head: bytes, name: str) -> bool:
    return xmlsafe.root_tag(head) == "alllogs"


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.CALL_LOG


def validate(path: Path, lang: str) -> str | None:
    return xmlsafe.validate(path, TAGS, lang)


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    return call_backup.records(file, ctx, TAGS, _call)


def _call(elem: ET.Element, ref: SourceRef, ctx: Context) -> tuple[Event | None, Issue | None]:
    name = sms_backup.value(elem, "name")
    event, problem = call_backup.call(elem, ref, ctx, duration="dur", kept=(("readable_date", "time"),),
                                      contact="" if name == "(Unknown)" else name)
    if event is not None and sms_backup.value(elem, "new") == "1":
        event = dataclasses.replace(event, details={**event.details, "unseen": "yes"})
    return event, problem

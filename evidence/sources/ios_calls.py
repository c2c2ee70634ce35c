"""iOS call history `CallHistory.storedata` (Core Data SQLite), table `ZCALLRECORD`.

`ZDATE` is the call start in seconds since 2001-01-01 UTC; `ZDURATION` is seconds. There is no
"missed" column: missed = not `ZORIGINATED` and not `ZANSWERED`. `ZADDRESS` is sometimes a
BLOB of UTF-8 bytes. `ZCALLTYPE`: 1 phone, 8 FaceTime video, 16 FaceTime audio, 0 another app
through CallKit (WeChat…, named by `ZSERVICE_PROVIDER`). Locator: `ZCALLRECORD Z_PK N`.
Opened exactly like sms.db (evidence.sqlitedb: read-only, immutable, a -wal and -shm merged only
in a temporary copy).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from evidence.model import Basis, Event, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context, common, ios_sms

TIME_MEANING = "call_started"  # ZDATE: the call's start
BASIS = Basis.EXACT
TABLES = frozenset({"ZCALLRECORD"})
# sha1("HomeDomain-Library/CallHistoryDB/CallHistory.storedata")
NAMES = frozenset({"CallHistory.storedata", "5a4935c78a5255723f707230a451d79c540d2741"})
CALL_TYPES = {1: "phone", 8: "facetime_video", 16: "facetime_audio", 0: "app"}
FIELDS = ("ZDATE", "ZDURATION", "ZADDRESS", "ZORIGINATED", "ZANSWERED", "ZCALLTYPE", "ZSERVICE_PROVIDER", "ZNAME",
          "ZLOCATION", "ZISO_COUNTRY_CODE")


def sniff(head: bytes, name: str) -> bool:
    return ios_sms.sniff_db(head, name, (TABLES,), NAMES)


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.CALL_LOG


def validate(path: Path, lang: str) -> str | None:
    return ios_sms.validate_db(path, (TABLES,), lang)


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    events: list[Event] = []
    issues: list[Issue] = []
    try:
        with ios_sms.connect(file.abspath) as (conn, wal_used):
            if wal_used:
                issues.append(ios_sms.db_issue("db_wal_used", file, ctx, Severity.NOTE))
            have = ios_sms.columns(conn, "ZCALLRECORD")
            fields = ", ".join(name if name in have else "NULL" for name in FIELDS)
            for row in conn.execute(f"SELECT Z_PK, {fields} FROM ZCALLRECORD ORDER BY Z_PK"):
                event, problem = _call(row, file, ctx)
                if event is not None:
                    events.append(event)
                if problem is not None:
                    issues.append(problem)
    except (sqlite3.Error, OSError) as exc:
        issues.append(ios_sms.unreadable(file, ctx, exc))
    return events, issues


def _call(row: tuple[object, ...], file: SourceFile, ctx: Context) -> tuple[Event | None, Issue | None]:
    pk, date, duration, address, originated, answered, call_type, provider, name, location, country = row
    locator = f"ZCALLRECORD Z_PK {pk}"
    time = ios_sms.apple_time(date)
    if time is None:
        return None, ios_sms.db_issue("bad_time", file, ctx, Severity.WARNING, locator,
                                      value=ios_sms.as_text(date) or "-")
    if originated:
        kind = common.CallType.OUTGOING
    elif answered:
        kind = common.CallType.INCOMING
    else:
        kind = common.CallType.MISSED
    details = {"originated": str(int(bool(originated))), "answered": str(int(bool(answered)))}
    if isinstance(call_type, int) and not isinstance(call_type, bool):
        details["service"] = CALL_TYPES.get(call_type, str(call_type))
    for key, value in (("service_provider", provider), ("contact_name", name), ("location", location),
                       ("country", country)):
        text = ios_sms.as_text(value).strip()
        if text:
            details[key] = text
    seconds = duration if isinstance(duration, (int, float)) and not isinstance(duration, bool) else None
    event = common.call_event(
        time=time, party=ios_sms.as_text(address).strip(), call_type=kind,
        duration=seconds if seconds is None or 0 <= seconds < 1e7 else None,
        source=SourceRef(file.path, file.sha256, locator), ctx=ctx, details=details,
    )
    return event, None

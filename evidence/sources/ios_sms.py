"""iOS Messages database `sms.db` (and macOS `chat.db`).

iOS 6 and later: tables `message` + `handle` (+ `chat`); `message.date` counts from 2001-01-01
UTC, in seconds before iOS 11 and nanoseconds since. iOS 16+ often leaves `text` NULL and keeps
the body only in `attributedBody`, an archived NSAttributedString (typedstream): the string
follows the `NSString` class name, a `+` type code and a length (one byte, or 0x81 + uint16 LE,
or 0x82 + uint32 LE).

iOS 5 and earlier have no `handle` table: the number is `message.address` (SMS) or
`message.madrid_handle` (iMessage, `is_madrid` = 1), a group's members are in `group_member`, an
SMS's `date` is Unix seconds while an iMessage's counts from 2001, and the direction is a bit
field: `flags` & 1 set = sent by the phone (2 received, 3 sent, 33 failed), `madrid_flags` & 4
set = sent (12289 / 77825 received; 36869, 45061, 102405, 32773 sent), as tom-offermann's
iphone_sms export notes and the iOS 5 schema's own columns show.

The database is read through evidence.sqlitedb: read-only and `immutable=1`, or, with a -wal
beside it, from a temporary copy of the database and its -wal/-shm, so messages only in the
journal are read and the originals stay untouched. Text is quoted exactly as stored. Locator:
`message rowid N`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from evidence import sqlitedb, template, times
from evidence.model import Basis, Event, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context, common

TIME_MEANING = "message_time"  # `date`: when the phone received (or sent) the message
BASIS = Basis.EXACT
TABLES = frozenset({"message", "handle"})
TABLES_IOS5 = frozenset({"message", "msg_group"})  # `message.address`, no `handle`
SCHEMAS = (TABLES, TABLES_IOS5)
# iTunes/Finder backup file names: sha1("HomeDomain-Library/SMS/sms.db")
NAMES = frozenset({"sms.db", "chat.db", "3d0d7e5fb2ce288813306e4d4636395e047a3d28"})
IOS5_SMS_FROM_ME = 0x1  # `flags`: 2 received, 3 sent, 33 send failed
IOS5_IMESSAGE_FROM_ME = 0x4  # `madrid_flags`: 12289 received, 36869 sent


MAGIC = sqlitedb.MAGIC
connect = sqlitedb.connect
columns = sqlitedb.columns


def has_schema(schema: Mapping[str, frozenset[str]], required: frozenset[str]) -> bool:
    return required <= set(schema)


def sniff_db(head: bytes, name: str, schemas: tuple[frozenset[str], ...],
             names: frozenset[str]) -> bool:
    """An SQLite header whose schema has one of `schemas`' tables; a database that cannot be
    opened is claimed by its well-known name, so validate can say why it is refused."""
    if not head.startswith(sqlitedb.MAGIC):
        return False
    schema = sqlitedb.schema_of(head)
    if schema is None:
        return name in names
    return any(has_schema(schema, tables) for tables in schemas)


def validate_db(path: Path, schemas: tuple[frozenset[str], ...], lang: str) -> str | None:
    found = sqlitedb.schema(path)
    if found is None:
        return template.t(lang, "sources.db_unreadable")
    if not any(has_schema(found, tables) for tables in schemas):
        return template.t(lang, "sources.db_not_ios", tables=", ".join(sorted(schemas[0])))
    return None


def sniff(head: bytes, name: str) -> bool:
    return sniff_db(head, name, SCHEMAS, NAMES)


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.SMS_DB


def validate(path: Path, lang: str) -> str | None:
    return validate_db(path, SCHEMAS, lang)


def attributed_text(blob: bytes | None) -> str | None:
    """The plain text inside an `attributedBody` typedstream, or None if it cannot be found."""
    if not blob:
        return None
    at = blob.find(b"NSString")
    if at < 0:
        return None
    plus = blob.find(b"\x01+", at + 8, at + 8 + 16)
    if plus < 0 or plus + 2 >= len(blob):
        return None
    k = plus + 2
    n = blob[k]
    k += 1
    if n == 0x81:
        n, k = int.from_bytes(blob[k:k + 2], "little"), k + 2
    elif n == 0x82:
        n, k = int.from_bytes(blob[k:k + 4], "little"), k + 4
    elif n >= 0x80:
        return None
    raw = blob[k:k + n]
    if len(raw) < n:
        return None
    return raw.decode("utf-8", errors="replace")


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").replace("\x00", "")
    return str(value)


def unix_time(value: object) -> dt.datetime | None:
    """iOS 5 SMS `date`: Unix seconds."""
    return _stamp(value, times.from_epoch_s)


def apple_time(value: object) -> dt.datetime | None:
    return _stamp(value, times.from_apple)


def _stamp(value: object, convert: Callable[[float], dt.datetime]) -> dt.datetime | None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value == 0:
        return None
    try:
        return convert(value)
    except (OverflowError, OSError, ValueError):
        return None


def db_issue(code: str, file: SourceFile, ctx: Context, severity: Severity, locator: str | None = None,
             **values: object) -> Issue:
    return Issue(severity, code, template.t(ctx.lang, f"sources.{code}", path=file.path, locator=locator,
                                            **values), path=file.path, locator=locator)


def unreadable(file: SourceFile, ctx: Context, exc: Exception) -> Issue:
    """The database cannot be opened or queried (shared with ios_calls)."""
    return Issue(Severity.ERROR, "db_unreadable",
                 f"{file.path}: {template.t(ctx.lang, 'sources.db_unreadable')} ({exc})", path=file.path)


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    events: list[Event] = []
    issues: list[Issue] = []
    decoded = 0
    try:
        with connect(file.abspath) as (conn, wal_used):
            if wal_used:
                issues.append(db_issue("db_wal_used", file, ctx, Severity.NOTE))
            tables = {row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            ios5 = "handle" not in tables
            rows = _rows_ios5(conn, tables) if ios5 else conn.execute(_query(conn))
            for row in rows:
                event, problem, from_blob = _message(row, file, ctx)
                decoded += from_blob
                if event is not None:
                    events.append(event)
                if problem is not None:
                    issues.append(problem)
    except (sqlite3.Error, OSError) as exc:
        issues.append(unreadable(file, ctx, exc))
    if decoded:
        issues.append(db_issue("attributed_body", file, ctx, Severity.NOTE, n=decoded))
    events, repeats = common.drop_repeats(events, common.message_key, file.path, ctx.lang)
    return events, issues + repeats


def _rows_ios5(conn: sqlite3.Connection, tables: set[str]) -> Iterator[tuple[object, ...]]:
    """iOS 5 and earlier rows in the shape `_message` reads (see the module docstring)."""
    have = columns(conn, "message")

    def col(name: str) -> str:
        return f"m.{name}" if name in have else "NULL"

    member = "NULL"
    if "group_member" in tables and "group_id" in have:
        member = ("(SELECT g.address FROM group_member g WHERE g.group_id = m.group_id "
                  "ORDER BY g.ROWID LIMIT 1)")
    query = (f"SELECT m.ROWID, {col('text')}, {col('madrid_attributedBody')}, {col('date')}, "
             f"{col('flags')}, {col('is_madrid')}, {col('madrid_flags')}, {col('madrid_service')}, "
             f"{col('madrid_date_read')}, {col('madrid_date_delivered')}, {col('madrid_account')}, "
             f"{col('address')}, {col('madrid_handle')}, {col('madrid_roomname')}, {member} "
             "FROM message m ORDER BY m.ROWID")
    for (rowid, text, blob, date, flags, madrid, madrid_flags, service, read, delivered, account,
         address, handle, room, first_member) in conn.execute(query):
        imessage = madrid == 1
        when = apple_time(date) if imessage else unix_time(date)
        bits = madrid_flags if imessage else flags
        from_me = isinstance(bits, int) and bool(
            bits & (IOS5_IMESSAGE_FROM_ME if imessage else IOS5_SMS_FROM_ME))
        party = as_text(handle if imessage else address) or as_text(first_member)
        yield (rowid, text, blob, when, from_me, "iMessage" if imessage else as_text(service) or "SMS",
               read if imessage else None, delivered if imessage else None, 0, None, account,
               party, room if imessage else None)


def _query(conn: sqlite3.Connection) -> str:
    have = columns(conn, "message")

    def col(name: str) -> str:
        return f"m.{name}" if name in have else "NULL"

    chat, joined = "NULL", ""
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if {"chat", "chat_message_join"} <= names and "chat_identifier" in columns(conn, "chat"):
        # issue 23: each message's first chat, grouped ONCE. A subquery per message needs an
        # index on chat_message_join.message_id, which a damaged or hand-made sms.db may lack
        # (60k messages: minutes, quadratic); the file is read-only, so no index is added.
        chat = "c.chat_identifier"
        joined = ("LEFT JOIN (SELECT j.message_id AS mid, MIN(j.chat_id) AS cid "
                  "FROM chat_message_join j JOIN chat k ON k.ROWID = j.chat_id "
                  "GROUP BY j.message_id) fc ON fc.mid = m.ROWID "
                  "LEFT JOIN chat c ON c.ROWID = fc.cid ")
    fields = ", ".join(col(n) for n in (
        "text", "attributedBody", "date", "is_from_me", "service", "date_read", "date_delivered", "item_type",
        "cache_has_attachments", "account"))
    return (f"SELECT m.ROWID, {fields}, h.id, {chat} FROM message m "
            f"LEFT JOIN handle h ON h.ROWID = m.handle_id {joined}ORDER BY m.ROWID")


def _message(row: tuple[object, ...], file: SourceFile, ctx: Context) -> tuple[Event | None, Issue | None, int]:
    (rowid, text, blob, date, from_me, service, date_read, date_delivered, item_type, attachments, account,
     handle, chat) = row
    locator = f"message rowid {rowid}"
    if isinstance(item_type, int) and item_type != 0:
        return None, None, 0  # group renames, member changes: not messages
    time = date if isinstance(date, dt.datetime) else apple_time(date)  # iOS 5 rows: made already
    if time is None:
        return None, db_issue("bad_time", file, ctx, Severity.WARNING, locator, value=as_text(date) or "-"), 0
    body = as_text(text)
    from_blob = 0
    problem = None
    if not body and blob:
        found = attributed_text(blob if isinstance(blob, bytes) else None)
        if found is None:
            problem = db_issue("no_text", file, ctx, Severity.WARNING, locator)
        else:
            body, from_blob = found, 1
    details: dict[str, str] = {"message_type": "imessage" if as_text(service) == "iMessage" else "sms"}
    match_text = None
    if "\ufffc" in body or attachments == 1:
        details["attachments"] = "yes"
        # U+FFFC marks where an attachment sits: quoted as stored, left out for classifying
        match_text = body.replace("\ufffc", " ")
    for key, value in (("service", as_text(service)), ("account", as_text(account))):
        if value:
            details[key] = value
    for key, stamp in (("read_time", date_read), ("delivered_time", date_delivered)):
        t = apple_time(stamp)
        if t is not None:
            details[key] = times.iso(t, ctx.tz)
    party = as_text(handle) or as_text(chat)
    if chat and as_text(chat) != party:
        details["conversation"] = as_text(chat)
    event = common.message_event(
        time=time, party=party, incoming=not from_me, body=body, match_text=match_text,
        source=SourceRef(file.path, file.sha256, locator), ctx=ctx, details=details,
    )
    return event, problem, from_blob

"""iOS Messages database `sms.db` (and macOS `chat.db`): tables `message` + `handle` (+ `chat`).

`message.date` counts from 2001-01-01 UTC, in seconds before iOS 11 and nanoseconds since.
iOS 16+ often leaves `text` NULL and keeps the body only in `attributedBody`, an archived
NSAttributedString (typedstream): the string follows the `NSString` class name, a `+` type
code and a length (one byte, or 0x81 + uint16 LE, or 0x82 + uint32 LE).

The database is opened read-only and `immutable=1`, so SQLite creates no -journal/-wal/-shm
next to the evidence. When an unmerged `-wal` sits beside it (a live copy), both are copied to
a temporary folder and read there, so recent messages are not lost and the originals stay
untouched. Locator: `message rowid N`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from evidence import template, times
from evidence.extract import Context
from evidence.model import Event, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import common

MAGIC = b"SQLite format 3\x00"
TABLES = frozenset({"message", "handle"})
# iTunes/Finder backup file names: sha1("HomeDomain-Library/SMS/sms.db")
NAMES = frozenset({"sms.db", "chat.db", "3d0d7e5fb2ce288813306e4d4636395e047a3d28"})


@contextlib.contextmanager
def connect(path: Path) -> Iterator[tuple[sqlite3.Connection, bool]]:
    """(read-only connection, whether a -wal journal was merged in a temporary copy)."""
    wal = path.with_name(path.name + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        with tempfile.TemporaryDirectory(prefix="evidence-db-") as tmp:
            copy = Path(tmp) / path.name
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, Path(tmp) / wal.name)
            conn = sqlite3.connect(copy)  # the copy may be written: that is how SQLite reads a WAL
            try:
                yield conn, True
            finally:
                conn.close()
        return
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        yield conn, False
    finally:
        conn.close()


def tables(path: Path) -> set[str] | None:
    """Table names, or None when the file is not an SQLite database that can be opened."""
    try:
        with connect(path) as (conn, _):
            return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except (sqlite3.Error, OSError):
        return None


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def sniff_db(path: Path, head: bytes, required: frozenset[str], names: frozenset[str]) -> bool:
    if not head.startswith(MAGIC):
        return False
    found = tables(path)
    if found is None:  # damaged: claim it by its well-known name so validate can say why
        return path.name in names
    return required <= found


def validate_db(path: Path, required: frozenset[str], lang: str) -> str | None:
    found = tables(path)
    if found is None:
        return template.t(lang, "sources.db_unreadable")
    if not required <= found:
        return template.t(lang, "sources.db_not_ios", tables=", ".join(sorted(required)))
    return None


def sniff(path: Path, head: bytes) -> FileKind | None:
    return FileKind.SMS_DB if sniff_db(path, head, TABLES, NAMES) else None


def validate(path: Path, lang: str) -> str | None:
    return validate_db(path, TABLES, lang)


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


def apple_time(value: object) -> dt.datetime | None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value == 0:
        return None
    try:
        return times.from_apple(value)
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
            for row in conn.execute(_query(conn)):
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
    return events, issues


def _query(conn: sqlite3.Connection) -> str:
    have = columns(conn, "message")

    def col(name: str) -> str:
        return f"m.{name}" if name in have else "NULL"

    chat = "NULL"
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if {"chat", "chat_message_join"} <= names and "chat_identifier" in columns(conn, "chat"):
        chat = ("(SELECT c.chat_identifier FROM chat_message_join j JOIN chat c ON c.ROWID = j.chat_id "
                "WHERE j.message_id = m.ROWID ORDER BY c.ROWID LIMIT 1)")
    fields = ", ".join(col(n) for n in (
        "text", "attributedBody", "date", "is_from_me", "service", "date_read", "date_delivered", "item_type",
        "cache_has_attachments", "account"))
    return (f"SELECT m.ROWID, {fields}, h.id, {chat} FROM message m "
            "LEFT JOIN handle h ON h.ROWID = m.handle_id ORDER BY m.ROWID")


def _message(row: tuple[object, ...], file: SourceFile, ctx: Context) -> tuple[Event | None, Issue | None, int]:
    (rowid, text, blob, date, from_me, service, date_read, date_delivered, item_type, attachments, account,
     handle, chat) = row
    locator = f"message rowid {rowid}"
    if isinstance(item_type, int) and item_type != 0:
        return None, None, 0  # group renames, member changes: not messages
    time = apple_time(date)
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
    if "\ufffc" in body or attachments == 1:
        details["attachments"] = "yes"
        body = body.replace("\ufffc", "").strip()
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
        time=time, party=party, incoming=not from_me, body=body,
        source=SourceRef(file.path, file.sha256, locator), ctx=ctx, details=details,
    )
    return event, problem, from_blob

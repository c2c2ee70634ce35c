"""SQLite evidence databases (iOS sms.db, CallHistory.storedata), opened without touching them.

A database copied off a live phone often comes with its write-ahead log beside it (`sms.db-wal`,
and the WAL index `sms.db-shm`): recent messages can be in the -wal only. Opening the original
`mode=ro&immutable=1` (so SQLite writes nothing next to the evidence) ignores the -wal, and an
ordinary read-only open would need to create or write the -shm. So when a -wal sits beside the
database, the database and its companions are copied to a temporary folder and read there; the
originals are never opened for writing. The -wal and -shm are parts of that database: the
inventory lists them with it (`COMPANIONS`), and they are never read on their own.

`schema_head` appends a database's tables and columns to the head the format sniffers see, so a
format recognises its database by schema without opening it itself.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

MAGIC = b"SQLite format 3\x00"
COMPANIONS = ("-wal", "-shm")  # SQLite's write-ahead log and its index, beside the database
WAL_MAGICS = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
SCHEMA_MARK = b"\n\x00evidence-sqlite-schema\x00\n"
UNREADABLE = b"\x00unreadable\x00"


def companion_of(name: str) -> str | None:
    """`sms.db-wal` -> `sms.db`; None for any other name."""
    for suffix in COMPANIONS:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return None


def wal_used(path: Path) -> bool:
    """Whether a non-empty -wal beside the database must be merged when reading it."""
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.is_file() and wal.stat().st_size > 0
    except OSError:
        return False


@contextlib.contextmanager
def connect(path: Path, *, merge_wal: bool = True) -> Iterator[tuple[sqlite3.Connection, bool]]:
    """(read-only connection, whether a -wal journal was merged in a temporary copy)."""
    if merge_wal and wal_used(path):
        with tempfile.TemporaryDirectory(prefix="evidence-db-") as tmp:
            copy = Path(tmp) / path.name
            shutil.copyfile(path, copy)
            for suffix in COMPANIONS:
                part = path.with_name(path.name + suffix)
                if part.is_file():
                    shutil.copyfile(part, Path(tmp) / part.name)
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


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def schema(path: Path) -> dict[str, frozenset[str]] | None:
    """Table name -> column names, or None when the file is not an SQLite database that opens.

    Read from the database alone first (no copy); only a schema that is not there yet (a new
    database whose tables are still in its -wal) is read through the -wal's temporary copy."""
    found = _schema(path, merge_wal=False)
    if not found and wal_used(path):
        found = _schema(path, merge_wal=True)
    return found


def _schema(path: Path, *, merge_wal: bool) -> dict[str, frozenset[str]] | None:
    try:
        with connect(path, merge_wal=merge_wal) as (conn, _):
            names = [row[0] for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return {name: frozenset(columns(conn, name)) for name in names}
    except (sqlite3.Error, OSError):
        return None


def schema_head(path: Path, head: bytes) -> bytes:
    """`head` with the database's schema appended (one `table:col,col` line a table), or with
    an unreadable mark; unchanged when `head` is not an SQLite header."""
    if not head.startswith(MAGIC):
        return head
    found = schema(path)
    if found is None:
        return head + SCHEMA_MARK + UNREADABLE
    lines = (f"{table}:{','.join(sorted(cols))}" for table, cols in sorted(found.items()))
    return head + SCHEMA_MARK + "\n".join(lines).encode("utf-8", "replace")


def schema_of(head: bytes) -> Mapping[str, frozenset[str]] | None:
    """The schema `schema_head` appended; None when the database could not be read or the
    head carries none."""
    if not head.startswith(MAGIC):
        return None
    at = head.rfind(SCHEMA_MARK)
    if at < 0:
        return None
    listing = head[at + len(SCHEMA_MARK):]
    if listing == UNREADABLE:
        return None
    out: dict[str, frozenset[str]] = {}
    for line in listing.decode("utf-8", "replace").splitlines():
        table, _, cols = line.partition(":")
        out[table] = frozenset(c for c in cols.split(",") if c)
    return out

"""The registry of source formats, and running them over a victim's accepted files.

Every module in `evidence/sources/` implements `evidence.sources.Source`; `REGISTRY` lists them
explicitly, in sniff order: the first whose `sniff` says "mine" classifies and reads the file.

A reader that raises is a bug in that reader, not in the victim's file: it becomes one error
Issue naming the file, and the other files still count.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from pathlib import Path

from evidence import sources, sqlitedb
from evidence.model import Event, FileKind, Issue, Severity, SourceFile, Status
from evidence.sources import (
    call_backup,
    calls_csv,
    document,
    image,
    ios_calls,
    ios_sms,
    notice_text,
    recording,
    sms_backup,
    sms_csv,
    statement_csv,
    statement_pdf,
    superbackup_calls,
)

HEAD_BYTES = 8192
Context = sources.Context  # where the readers' run context lives; kept here for callers
Source = sources.Source

# Explicit and ordered: the first module whose sniff says "mine" reads the file. More specific
# signatures first (an XML root, an SQLite schema, a CSV header), the catch-alls (any PDF, any
# image, any .txt with a bank signature) last.
REGISTRY: tuple[Source, ...] = (
    sms_backup, call_backup, superbackup_calls, ios_sms, ios_calls, sms_csv, calls_csv,
    statement_csv, statement_pdf, document, recording, image, notice_text,
)


def name_of(source: Source) -> str:
    """The registry name of a source module (its module name: `sms_backup`)."""
    return source.__name__.rsplit(".", 1)[-1]


REGISTRY_NAMES = tuple(name_of(s) for s in REGISTRY)


def registry() -> tuple[Source, ...]:
    return REGISTRY


def head(path: Path) -> bytes:
    """What a sniff sees: the first HEAD_BYTES, and for an SQLite database its schema."""
    with path.open("rb") as f:
        data = f.read(HEAD_BYTES)
    return sqlitedb.schema_head(path, data)


def sniff(path: Path) -> tuple[FileKind, Source | None]:
    """Kind of a file by content, and the module that reads it (the inventory classifies a
    file and the extraction asks again for its reader: the file is looked at once)."""
    try:
        info = path.stat()
    except OSError:
        return _sniff(path)
    return _sniff_file(path, info.st_size, info.st_mtime_ns, info.st_ino)


@functools.lru_cache(maxsize=1024)
def _sniff_file(path: Path, size: int, mtime_ns: int, inode: int) -> tuple[FileKind,
                                                                          Source | None]:
    return _sniff(path)


def _sniff(path: Path) -> tuple[FileKind, Source | None]:
    data = head(path)
    for source in REGISTRY:
        try:
            if source.sniff(data, path.name):
                return source.kind(data, path.name), source
        except Exception:  # a sniff must never take the inventory down
            continue
    return FileKind.UNKNOWN, None


def reader_for(kind: FileKind, path: Path) -> Source | None:
    found_kind, source = sniff(path)
    return source if found_kind == kind else None


def _with_ocr(file: SourceFile, found: list[Event], problems: list[Issue], ctx: Context
              ) -> tuple[list[Event], list[Issue]]:
    """A reader's events plus what OCR reads on the image (evidence.ocr.facts.attach)."""
    from evidence.ocr import facts  # imports the sources' helpers, which import this module

    try:
        more, ocr_problems = facts.attach(file, found, ctx)
    except Exception as exc:  # a bug in the OCR readers: this image keeps its own event
        return found, [*problems, Issue(
            Severity.ERROR, "ocr_facts_failed",
            f"{file.path}: the text read on the image could not be interpreted "
            f"({type(exc).__name__}: {exc}); the image is still exhibited — please report this as a bug.",
            path=file.path)]
    return more, [*problems, *ocr_problems]


def run(files: Sequence[SourceFile], ctx: Context) -> tuple[list[Event], list[Issue]]:
    """Events and issues of every accepted file (duplicates, rejected files and the parts of
    another file, such as a database's -wal, are skipped)."""
    events: list[Event] = []
    issues: list[Issue] = []
    for file in files:
        if file.status is not Status.ACCEPTED or file.part_of is not None:
            continue
        source = reader_for(file.kind, file.abspath)
        if source is None:
            continue
        try:
            found, problems = source.read(file, ctx)
        except Exception as exc:
            issues.append(Issue(
                Severity.ERROR, "reader_failed",
                f"{file.path} could not be read ({type(exc).__name__}: {exc}); "
                "it is still exhibited as a file — please report this as a bug.",
                path=file.path,
            ))
            continue
        found = _meaning(found, source.TIME_MEANING)
        if ctx.ocr is not None:
            found, problems = _with_ocr(file, found, problems, ctx)
        events.extend(found)
        issues.extend(problems)
    return events, issues


def _meaning(events: list[Event], meaning: str) -> list[Event]:
    """Every event says what its time means: the reader's own word, else its format's."""
    return [e if "time_meaning" in e.details
            else dataclasses.replace(e, details={**e.details, "time_meaning": meaning})
            for e in events]

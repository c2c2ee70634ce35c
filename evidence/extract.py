"""The registry of source formats, and running them over a victim's accepted files.

A reader that raises is a bug in that reader, not in the victim's file: it becomes one error
Issue naming the file, and the other files still count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Protocol

from evidence import model
from evidence.model import Event, FileKind, Issue, Severity, SourceFile, Status
from evidence.ocr.model import OcrOutcome

HEAD_BYTES = 8192


@dataclasses.dataclass(frozen=True)
class Context:
    tz: dt.tzinfo
    lang: str = "zh-Hans"
    not_after: dt.datetime | None = None  # latest plausible time (the intake/check date)
    victim: model.Victim | None = None
    # The OCR stage (evidence.ocr.stage.Reader): accepted screenshot/photo -> its page. None: no
    # OCR, and images give one event each as always.
    ocr: Callable[[SourceFile], OcrOutcome] | None = None


class Source(Protocol):
    def sniff(self, path: Path, head: bytes) -> FileKind | None: ...
    def read(self, file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]: ...


# Explicit and ordered: the first module whose sniff says "mine" reads the file. Names, not
# imports, because the source modules import this module's Context.
REGISTRY_NAMES = (
    "sms_backup", "call_backup", "ios_sms", "ios_calls", "sms_csv", "calls_csv", "statement_csv",
    "statement_pdf", "document", "recording", "image", "notice_text",
)


@functools.cache
def registry() -> tuple[ModuleType, ...]:
    return tuple(importlib.import_module(f"evidence.sources.{name}") for name in REGISTRY_NAMES)


def head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(HEAD_BYTES)


def sniff(path: Path) -> tuple[FileKind, ModuleType | None]:
    """Kind of a file by content, and the module that reads it (the inventory classifies a
    file and the extraction asks again for its reader: the file is looked at once)."""
    try:
        info = path.stat()
    except OSError:
        return _sniff(path)
    return _sniff_file(path, info.st_size, info.st_mtime_ns, info.st_ino)


@functools.lru_cache(maxsize=1024)
def _sniff_file(path: Path, size: int, mtime_ns: int, inode: int) -> tuple[FileKind,
                                                                          ModuleType | None]:
    return _sniff(path)


def _sniff(path: Path) -> tuple[FileKind, ModuleType | None]:
    data = head(path)
    for module in registry():
        try:
            kind = module.sniff(path, data)
        except Exception:  # a sniff must never take the inventory down
            kind = None
        if kind is not None:
            return kind, module
    return FileKind.UNKNOWN, None


def reader_for(kind: FileKind, path: Path) -> ModuleType | None:
    found_kind, module = sniff(path)
    return module if found_kind == kind else None


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
    """Events and issues of every accepted file (duplicates and rejected files are skipped)."""
    events: list[Event] = []
    issues: list[Issue] = []
    for file in files:
        if file.status is not Status.ACCEPTED:
            continue
        module = reader_for(file.kind, file.abspath)
        if module is None:
            continue
        try:
            found, problems = module.read(file, ctx)
        except Exception as exc:
            issues.append(Issue(
                Severity.ERROR, "reader_failed",
                f"{file.path} could not be read ({type(exc).__name__}: {exc}); "
                "it is still exhibited as a file — please report this as a bug.",
                path=file.path,
            ))
            continue
        if ctx.ocr is not None:
            found, problems = _with_ocr(file, found, problems, ctx)
        events.extend(found)
        issues.extend(problems)
    return events, issues

"""Any other readable PDF (contracts, police receipts, chat exports printed to PDF): one DOCUMENT
event, dated by the PDF's own /CreationDate, else by the file's modification time (weak: shown,
flagged, never used to order anything). A bank statement table found in such a PDF (a statement
renamed by the victim) is still read onto the timeline, with a note.

The PDF checks every PDF source shares live here (`validate`, `open_pdf`): an encrypted or
damaged PDF is refused at inventory with a reason a lawyer can act on, so no later stage
(statement reading, exhibit stamping) trips over it.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pypdf
from pypdf import errors as pdf_errors

from evidence import redact, template, times
from evidence.model import Basis, Event, EventKind, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context

TIME_MEANING = "document_created"  # /CreationDate; else the file's modification time (weak)
BASIS = Basis.EXACT

MAGIC_WINDOW = 1024  # ISO 32000 lets `%PDF-` start anywhere in the first 1024 bytes
EOF_WINDOW = 2048

# pypdf logs a warning for every repaired xref; the inventory reports problems, not the logger
logging.getLogger("pypdf").setLevel(logging.ERROR)


def is_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:MAGIC_WINDOW]


def sniff(head: bytes, name: str) -> bool:
    return is_pdf(head)


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.DOCUMENT


@dataclasses.dataclass(frozen=True)
class Opened:
    reader: pypdf.PdfReader | None
    problem: str | None  # label key in notices.*: pdf_encrypted, pdf_corrupt, pdf_truncated, pdf_empty
    detail: str = ""


def open_pdf(path: Path) -> Opened:
    """A readable PdfReader (decrypted when only an owner password is set), or the problem."""
    try:
        with path.open("rb") as f:
            f.seek(0, 2)
            size = f.tell()
            f.seek(max(0, size - EOF_WINDOW))
            tail = f.read()
        if b"%%EOF" not in tail:
            return Opened(None, "pdf_truncated")
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    return Opened(None, "pdf_encrypted")
            except (pdf_errors.PdfReadError, NotImplementedError, ValueError):
                return Opened(None, "pdf_encrypted")
        if len(reader.pages) == 0:
            return Opened(None, "pdf_empty")
        reader.pages[0].get_contents()  # touch the first page: catches broken page trees
    except pdf_errors.FileNotDecryptedError:
        return Opened(None, "pdf_encrypted")
    except (OSError, pdf_errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, RecursionError, AssertionError, ZeroDivisionError) as exc:
        return Opened(None, "pdf_corrupt", type(exc).__name__)
    return Opened(reader, None)


def validate(path: Path, lang: str) -> str | None:
    """One sentence saying why the PDF cannot be used, or None."""
    return problem_text(open_pdf(path), lang)


def problem_text(opened: Opened, lang: str) -> str | None:
    if opened.problem is None:
        return None
    return template.t(lang, f"notices.{opened.problem}", detail=opened.detail or "-")


def _metadata(reader: pypdf.PdfReader) -> dict[str, str]:
    try:
        meta = reader.metadata
        if meta is None:
            return {}
        return {str(k): str(v) for k, v in meta.items() if isinstance(v, str | int)}
    except (pdf_errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    opened = open_pdf(file.abspath)
    if opened.reader is None:
        return [], []  # the inventory has already rejected it with the reason
    meta = _metadata(opened.reader)
    issues: list[Issue] = []
    details = {"pages": str(len(opened.reader.pages))}
    for key, name in (("/Title", "title"), ("/Producer", "producer"), ("/Creator", "creator")):
        if meta.get(key):
            details[name] = meta[key][:200]
    created = times.from_pdf_date(meta.get("/CreationDate", ""), ctx.tz)
    if created is not None:
        when, assumed, basis = created[0], created[1], Basis.EXACT
        details["time_source"] = "pdf_creation_date"
    else:
        when = file.mtime or times.from_mtime(file.abspath.stat().st_mtime)
        assumed, basis = False, Basis.FILE_MTIME
        details["time_source"] = "file_mtime"
        details["time_meaning"] = "file_modified"
        issues.append(Issue(Severity.NOTE, "document_mtime", template.t(
            ctx.lang, "notices.document_mtime", path=file.path), path=file.path))
    hint = _hint(opened.reader)  # issue 17: a police receipt or agreement is its own exhibit
    if hint:
        details["document_hint"] = hint
    name = Path(file.path).name
    summary = template.t(ctx.lang, "events.document", name=name)
    if details.get("title"):
        title = redact.clip(str(details["title"]), 40)  # issue 23: never half a number
        summary += f"（{title}）" if ctx.lang != "en" else f" ({title})"
    if basis is Basis.FILE_MTIME:
        summary += template.t(ctx.lang, "events.weak_time")
    events = [Event(time=when, basis=basis, kind=EventKind.DOCUMENT, summary=summary,
                    source=SourceRef(file.path, file.sha256, "file"), zone_assumed=assumed,
                    details=details)]
    rows, notes = _statement_rows(file, ctx)
    return events + rows, issues + notes


def _hint(reader: pypdf.PdfReader) -> str | None:
    """What the first page says the paper is (受案回执, 赔付协议…), or None."""
    from evidence import exhibits  # the wording lives with the evidence list

    try:
        text = reader.pages[0].extract_text() or ""
    except (pdf_errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, AssertionError, ZeroDivisionError):
        return None
    return exhibits.document_hint(text)


def _statement_rows(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    """Transactions of a statement table in a PDF not named like a statement (renamed)."""
    from evidence.sources import statement_pdf  # it builds on this module

    rows, problems = statement_pdf.read(file, ctx)
    if not rows:
        return [], []
    note = Issue(Severity.NOTE, "statement_in_document", template.t(
        ctx.lang, "sources.statement_in_document", path=file.path, n=len(rows)), path=file.path)
    return rows, [note, *(p for p in problems if p.code != "statement_no_rows")]

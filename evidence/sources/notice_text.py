"""Plain text where a victim pasted bank SMS and notices (微信/备忘录 copies): one message per line,
or messages separated by blank lines. Each is classified like a received SMS (notices.classify).

The time is the one written in the message (basis TEXT, zone assumed). A year the text does not
give comes from the file's modification time, which is weak, so the file gets a note saying so.
A sender written before the message (`95588：…`, `95588 2015-03-18 20:31 …`) is used when present.
"""

from __future__ import annotations

import re
from pathlib import Path

from evidence import notices, phones, template, textfile, times
from evidence.extract import Context
from evidence.model import Basis, Event, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import common

SUFFIXES = {".txt", ".text", ".md", ".log", ""}
MAX_BYTES = 5_000_000
_SIGNS = re.compile(r"[【\[][^】\]]{0,12}(?:银行|农信|农商|信用社)[^】\]]{0,6}[】\]]|尾号\s*\*?\d{3,4}")
_SENDER = re.compile(r"^\s*(?P<sender>\+?\d{5,14}|[\u4e00-\u9fff]{2,8}银行)\s*[:：]\s*"
                     r"|^\s*(?P<sender2>\+?\d{5,14})\s+(?=\d{2,4}[-/年])")
_STARTS = re.compile(r"^\s*(?:[【\[]|尾号|您|尊敬|账户|\d{1,2}日|\d{2}年|\+?\d{5,14}\s*[:：])")


def _decode(data: bytes, *, partial: bool) -> str | None:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    decoded = textfile.decode(data, partial=partial)
    if not decoded.exact and partial is False and decoded.text.count("\ufffd") > 10:
        return None
    return decoded.text


def sniff(path: Path, head: bytes) -> FileKind | None:
    if path.suffix.lower() not in SUFFIXES:
        return None
    text = _decode(head, partial=True)
    if text is None or not _SIGNS.search(times.normalize_text(text)):
        return None
    return FileKind.NOTICE_TEXT


def messages(text: str) -> list[tuple[int, str]]:
    """(first line number, message) pairs: blank lines separate; inside a block, a line that
    starts like a new notice (a signature, 尾号, 您…) starts a new message."""
    out: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if current:
                out.append((start, "".join(current)))
            current = []
            continue
        previous_done = bool(current) and bool(re.search(r"[。！!】\]]\s*$|\d{4}$", current[-1]))
        if current and previous_done and _STARTS.search(line):
            out.append((start, "".join(current)))
            current = []
        if not current:
            start = number
        current.append(line)
    if current:
        out.append((start, "".join(current)))
    return out


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    try:
        data = file.abspath.read_bytes()[:MAX_BYTES]
    except OSError:
        return [], []
    text = _decode(data, partial=False)
    if text is None:
        return [], []
    mtime = file.mtime or times.from_mtime(file.abspath.stat().st_mtime)
    events: list[Event] = []
    issues: list[Issue] = []
    year_guessed = False
    for number, body in messages(text):
        locator = f"line {number}"
        m = _SENDER.match(times.normalize_text(body))
        sender = ""
        if m:
            sender = phones.normalize(m.group("sender") or m.group("sender2"))
            if m.group("sender"):
                body = times.normalize_text(body)[m.end():]
        info = notices.classify(body, sender, mtime, ctx.tz)
        party = sender or info.bank or ""
        details = {"message_type": "pasted_text"}
        if info.stated_time is not None:
            when, basis = info.stated_time, Basis.TEXT
            written = times.normalize_text(body)
            if not re.search(r"(?:19|20)\d{2}\s*[-/.年]|(?<!\d)\d{2}\s*年", written):
                year_guessed = True
                details["year_from"] = "file_mtime"
        else:
            when, basis = mtime, Basis.FILE_MTIME
            issues.append(Issue(Severity.NOTE, "text_no_time", template.t(
                ctx.lang, "notices.text_no_time", path=file.path, locator=locator),
                path=file.path, locator=locator))
        events.append(common.message_event(
            time=when, party=party, incoming=True, body=body,
            source=SourceRef(file.path, file.sha256, locator), ctx=ctx, basis=basis,
            zone_assumed=basis is Basis.TEXT, details=details,
        ))
    if year_guessed:
        issues.insert(0, Issue(Severity.NOTE, "text_year_from_mtime", template.t(
            ctx.lang, "notices.text_year_from_mtime", path=file.path,
            year=mtime.astimezone(ctx.tz).year), path=file.path))
    return events, issues

"""Plain text where a victim pasted bank SMS and notices (微信/备忘录 copies): one message per line,
or messages separated by blank lines. Each is classified like a received SMS (notices.classify).

The time is the one written in the message (basis TEXT, zone assumed). A message that writes no
year (`3月18日17:34`) takes it from its own context, never from the file's date alone:
1. a year written elsewhere in the same message;
2. the nearest message in the file that writes its year (the year that puts the date closest);
3. the case period (`[case] period`): the year that puts the date inside it;
4. else the file's date (as intake recorded it, else the file's modification time) — and the
   message is marked `needs_review`, with a warning, so it counts in no total until reviewed.
A message with no time at all shows the file's time, flagged weak, and is marked for review.

The exhibit quotes each message as the file holds it (its lines, without the `95588：` sender
label); classification reads a normalised copy (NFKC, lines joined). Locator: `line N`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from evidence import model, notices, phones, template, textfile, times
from evidence.model import Basis, Event, EventKind, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context, common

TIME_MEANING = "stated_in_text"  # the time the notice itself states
BASIS = Basis.TEXT
SUFFIXES = {".txt", ".text", ".md", ".log", ""}
MAX_BYTES = 5_000_000
_SIGNS = re.compile(r"[【\[][^】\]]{0,12}(?:银行|农信|农商|信用社)[^】\]]{0,6}[】\]]|尾号\s*\*?\d{3,4}")
_SENDER = re.compile(r"^\s*(?P<sender>\+?\d{5,14}|[\u4e00-\u9fff]{2,8}银行)\s*[:：]\s*"
                     r"|^\s*(?P<sender2>\+?\d{5,14})\s+(?=\d{2,4}[-/年])")
_STARTS = re.compile(r"^\s*(?:[【\[]|尾号|您|尊敬|账户|\d{1,2}日|\d{2}年|\+?\d{5,14}\s*[:：])")
_YEAR_WRITTEN = re.compile(r"(?:19|20)\d{2}\s*[-/.年]|(?<!\d)\d{2}\s*年")
_YEAR_ANYWHERE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年|[-/.]\d{1,2}[-/.]\d{1,2})")


@dataclasses.dataclass(frozen=True)
class Message:
    line: int  # first line number in the file
    text: str  # as the file holds it: its lines joined by "\n"
    match: str  # what classification reads: the lines stripped and joined, NFKC


def _decode(data: bytes, *, partial: bool) -> str | None:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    decoded = textfile.decode(data, partial=partial)
    if not decoded.exact and partial is False and decoded.text.count("\ufffd") > 10:
        return None
    return decoded.text


def sniff(head: bytes, name: str) -> bool:
    if Path(name).suffix.lower() not in SUFFIXES:
        return False
    text = _decode(head, partial=True)
    return text is not None and bool(_SIGNS.search(times.normalize_text(text)))


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.NOTICE_TEXT


def validate(path: Path, lang: str) -> str | None:
    return None  # bank signs were found; lines that cannot be read are problems, not a refusal


def messages(text: str) -> list[Message]:
    """The messages in order: blank lines separate; inside a block, a line that starts like a new
    notice (a signature, 尾号, 您…) after one that ended like a notice starts a new message."""
    out: list[Message] = []
    current: list[str] = []
    start = 0

    def close() -> None:
        if current:
            match = times.normalize_text("".join(line.strip() for line in current))
            out.append(Message(start, "\n".join(current).strip(), match))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            close()
            current = []
            continue
        previous_done = bool(current) and bool(re.search(r"[。！!】\]]\s*$|\d{4}$", current[-1].strip()))
        if current and previous_done and _STARTS.search(line):
            close()
            current = []
        if not current:
            start = number
        current.append(raw)
    close()
    return out


def _without_sender(msg: Message) -> tuple[str, str, str]:
    """(sender, the message as quoted, the message as matched) with a written sender label cut."""
    m = _SENDER.match(msg.match)
    if not m:
        return "", msg.text, msg.match
    sender = phones.normalize(m.group("sender") or m.group("sender2"))
    if not m.group("sender"):  # `95588 2015-03-18 …`: the number stays part of the text
        return sender, msg.text, msg.match
    label = msg.match[: m.end()]
    quoted = msg.text.lstrip()
    cut = next((i for i in range(len(quoted) + 1)
                if times.normalize_text(quoted[:i]).replace(" ", "") == label.replace(" ", "")
                and (i == len(quoted) or not quoted[i].isspace())), 0)
    return sender, quoted[cut:], msg.match[m.end():]


@dataclasses.dataclass(frozen=True)
class _Stated:
    time: dt.datetime
    year_written: bool
    date_written: bool  # False for a time of day alone (`20:31`): its date is the anchor's


def _stated(match: str, anchor: dt.datetime, tz: dt.tzinfo) -> _Stated | None:
    found = times.find_cn_datetime(match, anchor, tz)
    if found is None:
        return None
    t, precision, (a, b) = found
    return _Stated(t, bool(_YEAR_WRITTEN.search(times.normalize_text(match)[a:b])),
                   precision is not times.Precision.TIME_ONLY)


def _closest(t: dt.datetime, ref: dt.datetime) -> dt.datetime:
    """`t` moved to the year (ref's, or the one before or after) that puts it closest to `ref`."""
    options = [c for y in (ref.year - 1, ref.year, ref.year + 1) if (c := times.with_year(t, y))]
    return min(options, key=lambda c: abs(c - ref), default=t)


def _party(match: str, sender: str, when: dt.datetime, tz: dt.tzinfo) -> tuple[str, str | None]:
    """Who sent a pasted message, and who it only claims to be. The number written before it
    sent it; with none written, a bank's own notice is the bank's (its signature's hotline,
    95588). A text imitating a notice (a lure, a spoofed signature, a phishing link) proves
    nothing of its sender: its signature is the party it CLAIMS to be, never the bank's number
    (the chronology's party column would otherwise put the fraud's words in the bank's name)."""
    if sender:
        return sender, None
    n = notices.classify(match, sender, when, tz)
    if n.lure or n.spoofed or n.kind is EventKind.PHISHING:
        return "", n.institution or n.signature or ""
    return n.bank or "", None


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    try:
        data = file.abspath.read_bytes()[:MAX_BYTES]
    except OSError:
        return [], []
    text = _decode(data, partial=False)
    if text is None:
        return [], []
    tz = ctx.tz
    mtime = file.mtime or times.from_mtime(file.abspath.stat().st_mtime)
    fallback = file.received or mtime  # the latest a pasted notice can be: when it was handed over
    period = ctx.period_days
    parts = [(msg, *_without_sender(msg)) for msg in messages(text)]
    # first the messages that write their year: they date their neighbours
    first = [_stated(match, fallback, tz) for _msg, _sender, _quoted, match in parts]
    dated = [(msg.line, s.time) for (msg, *_), s in zip(parts, first, strict=True)
             if s is not None and s.year_written]
    events: list[Event] = []
    issues: list[Issue] = []
    by_context: list[str] = []
    by_period: list[str] = []
    for (msg, sender, quoted, match), stated in zip(parts, first, strict=True):
        locator = f"line {msg.line}"
        details: dict[str, str] = {"message_type": "pasted_text"}
        when: dt.datetime
        if stated is not None and not stated.date_written and not dated:
            stated = None  # a time of day alone, and no dated message to take the date from
        if stated is None:  # no time written at all: the file's time, weak and for review
            when, basis = mtime, Basis.FILE_MTIME
            reason = template.t(ctx.lang, "notices.text_no_time", path=file.path, locator=locator)
            issues.append(Issue(Severity.NOTE, "text_no_time", reason, path=file.path, locator=locator))
            details = model.for_review({**details, "time_meaning": "file_modified"}, reason)
        elif stated.year_written:
            when, basis = stated.time, Basis.TEXT
        else:
            basis = Basis.TEXT
            written = _YEAR_ANYWHERE.search(match) if stated.date_written else None
            if written:
                year = int(written.group(1))
                again = _stated(match, times.local(year, 12, 31, 23, 59, 59, tz=tz), tz)
                when = times.with_year((again or stated).time, year) or stated.time
                details["year_from"] = "text"
            elif dated:
                line, ref = min(dated, key=lambda d: (abs(d[0] - msg.line), d[0]))
                again = _stated(match, ref, tz)
                when = _closest((again or stated).time, ref)
                details["year_from"] = f"line {line}"
                by_context.append(locator)
            elif period is not None and stated.date_written:
                last = times.local(period[1].year, period[1].month, period[1].day, 23, 59, 59, tz=tz)
                t = (_stated(match, last, tz) or stated).time
                year, _inside = times.year_for(t.month, t.day, period)
                when = times.with_year(t, year) or t
                details["year_from"] = "period"
                by_period.append(locator)
            else:
                when = stated.time
                details["year_from"] = "file_date"
                reason = template.t(ctx.lang, "sources.year_unknown", path=file.path,
                                    locator=locator, year=when.astimezone(tz).year)
                issues.append(Issue(Severity.WARNING, "year_unknown", reason, path=file.path,
                                    locator=locator))
                details = model.for_review(details, reason)
        party, claimed = _party(match, sender, when, tz)
        event = common.message_event(
            time=when, party=party, incoming=True, body=quoted, match_text=match,
            source=SourceRef(file.path, file.sha256, locator), ctx=ctx, basis=basis,
            zone_assumed=basis is Basis.TEXT, details=details, anchor=when,
        )
        if claimed:  # a text imitating a notice: its signature is only who it claims to be
            event = dataclasses.replace(event, attribution=template.t(ctx.lang, "events.claimed_party", name=claimed))
        if basis is Basis.FILE_MTIME:
            event = dataclasses.replace(
                event, summary=event.summary + template.t(ctx.lang, "events.weak_time"))
        elif details.get("year_from") == "file_date":
            event = dataclasses.replace(event, summary=event.summary + template.t(
                ctx.lang, "events.needs_review", reason=template.t(ctx.lang, "events.year_guessed")))
        events.append(event)
    shown = "" if period is None else f"{period[0].isoformat()}/{period[1].isoformat()}"
    if by_context:
        issues.insert(0, Issue(Severity.NOTE, "year_from_text", template.t(
            ctx.lang, "sources.year_from_text", path=file.path, n=len(by_context)), path=file.path))
    if by_period:
        issues.insert(0, Issue(Severity.NOTE, "year_from_period", template.t(
            ctx.lang, "sources.year_from_period", path=file.path, n=len(by_period), period=shown),
            path=file.path))
    return events, issues

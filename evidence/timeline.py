"""One victim's chronology: a total order, merged duplicates, recordings matched to calls, facts.

* Order: (time, kind, source path, locator in natural order, summary) — total and deterministic,
  so two runs over the same files print the same lines. An event dated only by its file's
  modification time (weak: a copy changes it) never decides the order: such events follow all
  the others, by path and locator, still showing their (flagged) time.
* Period: with `[case] period`, an event outside it is marked `needs_review` (with the reason)
  and reported; it stays on the timeline but counts in no fact or total until reviewed.
* Duplicates: the same record exported twice (an SMS in an SB&R XML *and* a CSV export) becomes
  one event whose `also` cites the other copies. Same kind, same second (for a bank notice that
  states its time to the minute, that stated time: the copy pasted into a note is timed by its
  text, the exported one on receipt), same counterparty (or none on one copy) and same content
  (message body; call type + duration; amount + direction). Two records inside ONE
  file are never merged here: two identical debit notices are two debits. (A record a file holds
  twice — same number, same time to the millisecond or second, same type and text — is folded by
  its reader, with a note: that is one message written twice, not two.)
* Read from images: a notice, list row, code or link read by OCR on a screenshot
  (`details["extracted_by"] == "ocr"`) is the same record as an event of the same kind from
  another file with the same amount, direction and card tail (code; domains) whose stated
  transaction time (else its own time) is within READ_TOLERANCE: it joins that event's `also`.
  An OCR reading never merges with another from the same image, and two records that were not
  read by OCR never merge here. A reading whose time is only the image's own never merges.
* One payment, two notices: a payment platform's debit notice that repeats a bank's (same
  amount and time, linked by the platform's name or the card tail) is kept and marked for review,
  so the payment counts once; a debit that a later reversal or refund of the same amount to the
  same card returns is marked for review (evidence/movements.py).
* Recordings are matched to the call they record: same number, start within ±3 min of the
  call's start or inside the call.
* Facts: what the lawyer argues from — order → first unknown call → debits. "Unknown" means
  not a bank/service/400 hotline, not the victim's own number, and never seen in a call or
  message before the first order. Events marked `needs_review` are never the first call nor a
  counted debit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, TextIO

from evidence import jsontext, model, movements, phones, spool, template, times
from evidence.banksms import balance
from evidence.model import Basis, Direction, Event, EventKind, Issue, Severity, SourceRef, Victim
from evidence.sources import Context

MATCH_WINDOW = dt.timedelta(minutes=3)
READ_TOLERANCE = dt.timedelta(minutes=3)  # an OCR reading and the record it shows
ZERO = Decimal("0")

# At the same instant: what happened first in a fraud is listed first.
KIND_ORDER = {kind: i for i, kind in enumerate((
    EventKind.ORDER, EventKind.MANUAL, EventKind.CALL, EventKind.RECORDING, EventKind.SMS,
    EventKind.PHISHING, EventKind.VERIFICATION_CODE, EventKind.BANK_NOTICE, EventKind.TRANSACTION,
    EventKind.SCREENSHOT, EventKind.PHOTO, EventKind.DOCUMENT,
))}
BASIS_RANK = {basis: i for i, basis in enumerate(Basis)}  # model lists them best first
SUSPICIOUS_CALL_TYPES = ("incoming", "missed")
CONTACT_KINDS = (EventKind.CALL, EventKind.SMS, EventKind.PHISHING, EventKind.RECORDING)


@dataclasses.dataclass(frozen=True)
class Facts:
    first_order_time: dt.datetime | None = None
    first_suspicious_call: Event | None = None
    order_to_call: dt.timedelta | None = None
    total_debited: Decimal = ZERO  # bank-notice debits in CNY
    total_debited_statements: Decimal = ZERO  # statement rows: the same money, counted apart
    debits_after_call: Decimal = ZERO
    numbers: tuple[str, ...] = ()  # callers + senders of links/codes in the fraud window
    domains: tuple[str, ...] = ()
    debit_events: tuple[Event, ...] = ()
    callers: tuple[str, ...] = ()  # strangers who rang after the first order, by first ring


@dataclasses.dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]
    facts: Facts
    issues: tuple[Issue, ...] = ()


def _say(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


# ---- order ---------------------------------------------------------------------------------


def _natural(text: str) -> tuple[Any, ...]:
    """`sms[2]` before `sms[10]`: digit runs compare as numbers (split keeps str/int alternating)."""
    parts = re.split(r"(\d+)", text)
    # issue 23: the words are interned ("sms[", "]"): 600,000 sort keys share them
    return tuple(int(p) if i % 2 else sys.intern(p) for i, p in enumerate(parts))


def in_order(events: Iterable[Event]) -> bool:
    """Already in sort_key order (one key alive at a time, not one per event)."""
    previous: tuple[Any, ...] | None = None
    before: Event | None = None
    for e in events:
        key = _coarse(e)
        if previous is not None and before is not None and (
                key < previous or (key == previous and sort_key(e) < sort_key(before))):
            return False
        previous, before = key, e
    return True


def sort_key(e: Event) -> tuple[Any, ...]:
    weak = e.basis is Basis.FILE_MTIME  # a file time: shown, never deciding the order
    return (weak, times.BEFORE_ALL if weak else e.time, KIND_ORDER.get(e.kind, 99), e.source.path,
            _natural(e.source.locator), e.summary)


def _coarse(e: Event) -> tuple[Any, ...]:
    """sort_key's first three parts, which need none of a spooled event's text."""
    weak = e.basis is Basis.FILE_MTIME
    return (weak, times.BEFORE_ALL if weak else e.time, KIND_ORDER.get(e.kind, 99))


def in_time_order(events: list[Event]) -> None:
    """Sorts `events` by sort_key in place. issue 23: by its first three parts, then each run
    that ties on them by the whole key — the same order, without 600,000 keys each holding a
    summary and reading every spooled event's text back."""
    events.sort(key=_coarse)
    start, previous = 0, None
    for i, e in enumerate([*events, None]):
        key = None if e is None else _coarse(e)
        if key != previous or e is None:
            if i - start > 1:
                events[start:i] = sorted(events[start:i], key=sort_key)
            start, previous = i, key


# ---- duplicates ----------------------------------------------------------------------------


def _content(e: Event) -> tuple[str, ...]:
    if e.kind in (EventKind.SCREENSHOT, EventKind.PHOTO, EventKind.RECORDING, EventKind.DOCUMENT):
        return ("file", e.source.sha256)  # distinct files are distinct evidence
    if e.kind is EventKind.CALL:
        return ("call", e.details.get("call_type", ""), e.details.get("duration_s", ""))
    body = e.details.get("body")
    if body is not None:
        return ("body", " ".join(body.split()))
    if e.amount is not None:
        return ("amount", str(e.amount), str(e.direction or ""))
    return ("summary", e.summary)


def _merge(events: Sequence[Event]) -> list[Event]:
    # issue 23: only records of one kind read from two files or more can be copies of each
    # other; a 600,000-message backup alone is not keyed (a normalised copy of every body)
    paths: dict[EventKind, set[str]] = defaultdict(set)
    for e in events:
        paths[e.kind].add(spool.path_of(e))
        paths[e.kind].update(r.path for r in e.also)
    alone = [e for e in events if len(paths[e.kind]) < 2]
    if len(alone) == len(events):
        return alone
    groups: dict[tuple[Any, ...], list[Event]] = defaultdict(list)
    for e in (e for e in events if len(paths[e.kind]) >= 2):
        groups[(e.kind, _copy_time(e), _content(e))].append(e)
    out: list[Event] = alone
    for group in groups.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        # best-timed copy first; each cluster holds at most one record per file, and one sender
        group.sort(key=lambda e: (BASIS_RANK[e.basis], e.zone_assumed, sort_key(e)))
        out.extend(_clustered(group, lambda e, clusters: next(
            (c for c in clusters if all(x.source.path != e.source.path and _same_party(x, e) for x in c)), None)))
    return out


def _copy_time(e: Event) -> int:
    """The second two copies of one record share. A notice stating its own time to the minute
    or second is keyed by that time: the copy a victim pasted into a note (timed by its text)
    and the one in the phone's export (timed on receipt, seconds later) are one message - counted
    twice, a claimant's loss doubled."""
    if e.kind is EventKind.BANK_NOTICE and e.details.get("transaction_time_precision") in ("minute", "second"):
        stated = times.parse_local(e.details.get("transaction_time", ""), times.UTC)
        if stated is not None:
            return int(stated[0].timestamp() // 1)
    return int(e.time.timestamp() // 1)


def _same_party(a: Event, b: Event) -> bool:
    """One sender, or one copy that lost it (a message pasted without its number)."""
    return not (a.counterparty and b.counterparty and a.counterparty != b.counterparty)


Home = Callable[[Event, list[list[Event]]], list[Event] | None]  # picks a cluster for an event


def _clustered(group: list[Event], home: Home) -> list[Event]:
    """`group` in order, each event joining the cluster `home` picks for it (or starting one),
    each cluster folded into one event."""
    clusters: list[list[Event]] = []
    for e in group:
        found = home(e, clusters)
        if found is None:
            clusters.append([e])
        else:
            found.append(e)
    return [_fold(cluster) for cluster in clusters]


def _fold(cluster: list[Event]) -> Event:
    """The cluster's first (best-timed) event, citing every other one's sources in `also`."""
    first, rest = cluster[0], cluster[1:]
    if not rest:
        return first
    refs = {*first.also, *(r.source for r in rest), *(a for r in rest for a in r.also)}
    refs.discard(first.source)
    also = tuple(sorted(refs, key=lambda r: (r.path, _natural(r.locator))))
    return dataclasses.replace(first, also=also)


def _read(e: Event) -> bool:
    return e.details.get("extracted_by") == "ocr"


def _fact(e: Event) -> tuple[Any, ...] | None:
    """What an OCR reading and the record it shows share exactly, or None: not comparable."""
    if e.kind in (EventKind.BANK_NOTICE, EventKind.TRANSACTION) and e.amount is not None and e.direction:
        return (e.kind, e.amount, e.direction)
    if e.kind is EventKind.VERIFICATION_CODE and e.details.get("code"):
        return (e.kind, e.details["code"])
    if e.kind is EventKind.PHISHING and e.details.get("domains"):
        return (e.kind, e.details["domains"])
    return None


def _fact_time(e: Event) -> dt.datetime | None:
    """The stated transaction time when it has a time of day, else the event's own time; None
    for a reading timed only by its image (a screenshot's time is not the message's)."""
    raw = e.details.get("transaction_time")
    precision = e.details.get("transaction_time_precision")
    if raw and precision in ("minute", "second", "time_only"):
        parsed = times.parse_local(raw, times.UTC)
        if parsed is not None:
            return parsed[0]
    if _read(e) and e.details.get("time_source") == "image":
        return None
    return e.time


def _merge_read(events: Sequence[Event]) -> list[Event]:
    """OCR readings folded into the records they show (see the module docstring)."""
    if not any(_read(e) for e in events):
        return list(events)
    out: list[Event] = []
    groups: dict[tuple[Any, ...], list[Event]] = defaultdict(list)
    for e in events:
        key = _fact(e)
        if key is None:
            out.append(e)
        else:
            groups[key].append(e)
    for group in groups.values():
        if not any(_read(e) for e in group):
            out.extend(group)
            continue
        # records first (each its own cluster), then readings, each joining the nearest cluster
        group.sort(key=lambda e: (_read(e), BASIS_RANK[e.basis], e.zone_assumed, sort_key(e)))
        out.extend(_clustered(group, _shown_record))
    return out


def _shown_record(e: Event, clusters: list[list[Event]]) -> list[Event] | None:
    """The cluster whose record the reading `e` shows: nearest in time within READ_TOLERANCE,
    same card tail when both have one, and no reading from `e`'s image in it yet."""
    when = _fact_time(e)
    if not _read(e) or when is None:
        return None
    fits = [(abs(when - t), i) for i, c in enumerate(clusters)
            if (t := _fact_time(c[0])) is not None and abs(when - t) <= READ_TOLERANCE
            and all(x.source.path != e.source.path for x in c) and _tails_agree(c[0], e)]
    return clusters[min(fits)[1]] if fits else None


def _tails_agree(a: Event, b: Event) -> bool:
    x, y = a.details.get("card_tail"), b.details.get("card_tail")
    return not (x and y and x != y)


# ---- recordings ----------------------------------------------------------------------------


def _within(rec: Event, call: Event) -> dt.timedelta | None:
    """How far the recording's start is from the call, or None if it cannot record that call."""
    gap = abs(rec.time - call.time)
    if gap <= MATCH_WINDOW:
        return gap
    try:
        length = dt.timedelta(seconds=float(call.details.get("duration_s", "0") or 0))
    except ValueError:
        return None
    if call.time <= rec.time <= call.time + length:
        return rec.time - call.time
    return None


def _match_recordings(events: list[Event], ctx: Context) -> list[Event]:
    calls = [i for i, e in enumerate(events) if e.kind is EventKind.CALL]
    by_number: dict[str, list[int]] = defaultdict(list)
    for i in calls:
        by_number[events[i].counterparty or ""].append(i)
    pairs: list[tuple[dt.timedelta, int, int, str]] = []
    for r, rec in enumerate(events):
        if rec.kind is not EventKind.RECORDING:
            continue
        if rec.counterparty:
            for c in by_number.get(rec.counterparty, ()):
                gap = _within(rec, events[c])
                if gap is not None:
                    pairs.append((gap, r, c, "number"))
        else:  # contact name only: match by time when exactly one answered call fits
            fits = [(gap, c) for c in calls
                    if events[c].details.get("duration_s", "0") not in ("0", "")
                    and (gap := _within(rec, events[c])) is not None]
            if len(fits) == 1:
                pairs.append((fits[0][0], r, fits[0][1], "time"))
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    used_rec: set[int] = set()
    used_call: set[int] = set()
    out = list(events)
    for _gap, r, c, how in pairs:
        if r in used_rec or c in used_call:
            continue
        used_rec.add(r)
        used_call.add(c)
        rec, call = out[r], out[c]
        rec_details = {**rec.details, "matched_call": f"{call.source.path} {call.source.locator}",
                       "matched_call_time": times.iso(call.time, ctx.tz), "matched_by": how}
        out[r] = dataclasses.replace(
            rec, details=rec_details, counterparty=rec.counterparty or call.counterparty,
            attribution=rec.attribution or call.attribution)
        out[c] = dataclasses.replace(call, details={**call.details, "recording": rec.source.path})
    return out


# ---- the case period ----------------------------------------------------------------------

MONEY_KINDS = (EventKind.BANK_NOTICE, EventKind.TRANSACTION)
PERIOD_LISTED = 5  # out-of-period records named one by one per file before they are summed up


def _period(events: list[Event], ctx: Context) -> tuple[list[Event], list[Issue]]:
    """Events outside `[case] period` marked for review, and the problems saying so: each
    money record by itself, the rest one line per file."""
    if ctx.period is None:
        return events, []
    start, end = ctx.period
    days = ctx.period_days
    shown = f"{days[0].isoformat()}/{days[1].isoformat()}" if days else ""
    out: list[Event] = []
    issues: list[Issue] = []
    others: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        if start <= e.time < end or e.basis is Basis.FILE_MTIME:
            out.append(e)  # a file time is weak already: said so where it is made
            continue
        when = times.iso(e.time, ctx.tz)
        ref = e.source
        message = template.t(ctx.lang, "sources.out_of_period", path=ref.path,
                             locator=ref.locator, time=when, period=shown)
        out.append(spool.replace(e, details=model.for_review(e.details, message),
                                 summary=e.summary + template.t(
                                     ctx.lang, "events.outside_period", period=shown)))
        if e.kind in MONEY_KINDS or len(others[ref.path]) < PERIOD_LISTED:
            issues.append(Issue(Severity.WARNING, "out_of_period", message, path=ref.path,
                                locator=ref.locator))
        if e.kind not in MONEY_KINDS:
            others[ref.path].append(e)
    for path, group in sorted(others.items()):
        if len(group) > PERIOD_LISTED:
            issues.append(Issue(Severity.WARNING, "out_of_period", template.t(
                ctx.lang, "sources.out_of_period_file", path=path, n=len(group), period=shown,
                first=times.iso(min(e.time for e in group), ctx.tz),
                last=times.iso(max(e.time for e in group), ctx.tz)), path=path))
    return out, issues


# ---- issues --------------------------------------------------------------------------------


def _issues(events: Sequence[Event], ctx: Context) -> list[Issue]:
    lang = ctx.lang
    issues: list[Issue] = []
    not_after = ctx.not_after
    for e in events:
        too_early = e.time < times.EARLIEST_PLAUSIBLE
        too_late = not_after is not None and e.time > not_after
        if too_early or too_late:
            shown = times.iso(e.time, ctx.tz)
            issues.append(Issue(Severity.WARNING, "implausible_time", _say(
                lang,
                f"{e.source.path} {e.source.locator} 的时间 {shown} "
                f"{'早于2000年' if too_early else '晚于收件日期'}，可能是手机时钟或导出错误；"
                "该条仍保留在时间线中，请核对原件。",
                f"{e.source.path} {e.source.locator} has the time {shown}, "
                f"{'before 2000' if too_early else 'after the intake date'}: probably a wrong "
                "phone clock or export; the entry is kept, check it against the original."),
                path=e.source.path, locator=e.source.locator))
    assumed = sorted({e.source.path for e in events if e.zone_assumed})
    zone = str(ctx.tz)
    for path in assumed:
        # same code and words as the CSV sources' own note, so a report can show it once
        issues.append(Issue(Severity.NOTE, "zone_assumed",
                            template.t(lang, "sources.zone_assumed", path=path, zone=zone), path=path))
    return issues


# ---- facts ---------------------------------------------------------------------------------


def _service(number: str) -> bool:
    """A bank, carrier or platform short code, an SP number (106…) or a 400/800 company hotline.

    Victims call the platform's real 400 hotline to check (JD: 4006065500); that is not the
    fraudster. A spoofed hotline is still visible in the timeline, only not counted here.
    """
    return (phones.bank_code(number) is not None or number in phones.OTHER_SERVICES
            or bool(re.fullmatch(r"\d{3,6}", number)) or number.startswith("106")
            or bool(re.fullmatch(r"[48]00\d{7}", number)))  # 400/800 company hotlines


def is_held_debit(e: Event) -> bool:
    """A notice of money out, or of a way undecided, with a CNY amount, shown for review: counted
    nowhere, but a sum the dossier's summary and the claims schedule state apart."""
    return (e.kind is EventKind.BANK_NOTICE and e.needs_review and e.amount is not None
            and e.direction is not Direction.CREDIT and _cny(e))


def _cny(e: Event) -> bool:
    return e.details.get("currency", "CNY") in ("CNY", "RMB", "人民币", "")


def _facts(events: Sequence[Event], victim: Victim) -> Facts:
    own = phones.normalize(victim.phone) if victim.phone else ""
    orders = [e.time for e in events if e.kind is EventKind.ORDER] or [o.placed for o in victim.orders]
    first_order = min(orders) if orders else None

    # People the victim already dealt with before ordering (family, colleagues) are not
    # strangers, whatever they are called. Saved contact names are not used: a victim may have
    # saved the fraudster's number as 京东客服 during the fraud.
    known = {own} | {e.counterparty for e in events if first_order is not None and e.time < first_order
                     and e.kind in CONTACT_KINDS and e.counterparty}

    def stranger(number: str | None) -> bool:
        return bool(number) and number not in known and not _service(number or "")

    calls = [e for e in events if e.kind is EventKind.CALL and not e.needs_review
             and e.details.get("call_type") in SUSPICIOUS_CALL_TYPES
             and stranger(e.counterparty)
             and (first_order is None or e.time > first_order)]
    # The first stranger to ring, landline or mobile: some victims were first rung from a
    # Hangzhou landline, and the bundle and each dossier must name the same call.
    first_call = calls[0] if calls else None
    callers = tuple(dict.fromkeys(e.counterparty or "" for e in calls))
    # a record marked for review (outside the case period, a guessed year…) counts nowhere
    debits = tuple(e for e in events if e.kind is EventKind.BANK_NOTICE and not e.needs_review
                   and e.direction is Direction.DEBIT and e.amount is not None)
    statement_debits = [e for e in events if e.kind is EventKind.TRANSACTION and not e.needs_review
                        and e.direction is Direction.DEBIT and e.amount is not None and _cny(e)]
    total = sum((e.amount for e in debits if e.amount is not None and _cny(e)), ZERO)
    after = sum((e.amount for e in debits if e.amount is not None and _cny(e)
                 and first_call is not None and e.time >= first_call.time), ZERO)
    numbers: list[str] = []
    if first_call is not None and first_call.counterparty:
        numbers.append(first_call.counterparty)
        last = max((e.time for e in debits), default=first_call.time)
        end = max(last, first_call.time + dt.timedelta(days=1))
        for e in events:
            if (e.kind in CONTACT_KINDS and first_call.time <= e.time <= end
                    and stranger(e.counterparty) and e.counterparty not in numbers):
                numbers.append(e.counterparty or "")
    domains: list[str] = []  # only links flagged as lures (with a reason), never plain links
    for e in events:
        if e.kind is EventKind.PHISHING and stranger(e.counterparty) and e.counterparty not in numbers:
            numbers.append(e.counterparty or "")
        for d in e.details.get("phishing_domains", "").split():
            if d not in domains:
                domains.append(d)
    return Facts(
        first_order_time=first_order, first_suspicious_call=first_call,
        order_to_call=(first_call.time - first_order) if first_call and first_order else None,
        total_debited=total,
        total_debited_statements=sum((e.amount for e in statement_debits if e.amount), ZERO),
        debits_after_call=after, numbers=tuple(numbers), domains=tuple(domains),
        debit_events=debits, callers=callers,
    )


# ---- build ---------------------------------------------------------------------------------


def build(events: Iterable[Event], victim: Victim, ctx: Context) -> Timeline:
    merged = _merge_read(_merge(list(events)))
    in_time_order(merged)
    matched = _match_recordings(merged, ctx)
    bounded, outside = _period(matched, ctx)
    once, repeated = movements.mark(bounded, ctx.lang, _fact_time)  # one payment, two notices
    once, returned = movements.undone(once, ctx.lang)  # a debit a later reversal or refund returned
    checked, balance_issues = balance.check(once, ctx.lang)
    checked = spool.kept(once, checked)  # a bank notice's balance facts back on disk
    return Timeline(events=tuple(checked), facts=_facts(checked, victim),
                    issues=(*_issues(checked, ctx), *outside, *repeated, *returned, *balance_issues))


# ---- JSON ----------------------------------------------------------------------------------


def _ref(ref: SourceRef) -> dict[str, str]:
    return {"path": ref.path, "sha256": ref.sha256, "locator": ref.locator}


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def event_json(e: Event, ctx: Context) -> dict[str, Any]:
    return {
        "time": times.iso(e.time, ctx.tz),
        "time_basis": str(e.basis),
        "zone_assumed": e.zone_assumed,
        "kind": str(e.kind),
        "summary": e.summary,
        "counterparty": e.counterparty,
        "attribution": e.attribution,
        "amount": _decimal(e.amount),
        "direction": str(e.direction) if e.direction else None,
        "needs_review": e.needs_review,
        "details": dict(sorted(e.details.items())),
        "source": _ref(e.source),
        "also": [_ref(r) for r in e.also],
    }


def to_json(tl: Timeline, ctx: Context) -> list[dict[str, Any]]:
    return [event_json(e, ctx) for e in tl.events]


def write_json(tl: Timeline, ctx: Context, out: TextIO) -> None:
    """`{"events": [...], "facts": {...}}` written event by event (issue 23: a 600k-message
    backup's document is ~10x the events it holds), byte for byte what
    `json.dumps(..., ensure_ascii=False, indent=2)` of the whole document gives."""
    indented = jsontext.indented
    out.write('{\n  "events": [')
    for i, e in enumerate(tl.events):
        out.write(("," if i else "") + "\n    " + indented(event_json(e, ctx), "    "))
    out.write("\n  ]" if tl.events else "]")
    out.write(',\n  "facts": ' + indented(facts_json(tl, ctx), "  ") + "\n}\n")


def span_text(delta: dt.timedelta, lang: str) -> str:
    """`1天3小时12分` / `1 d 3 h 12 min` (negative spans keep their sign)."""
    seconds = int(delta.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    units = (("天", " d"), ("小时", " h"), ("分", " min"), ("秒", " s"))
    parts = [f"{n}{u[1] if lang == 'en' else u[0]}"
             for n, u in zip((days, hours, minutes, secs), units, strict=True) if n]
    return sign + ((" " if lang == "en" else "").join(parts) or ("0 s" if lang == "en" else "0秒"))


def facts_json(tl: Timeline, ctx: Context) -> dict[str, Any]:
    f = tl.facts
    call = f.first_suspicious_call
    return {
        "first_order_time": times.iso(f.first_order_time, ctx.tz) if f.first_order_time else None,
        "first_suspicious_call": None if call is None else {
            "time": times.iso(call.time, ctx.tz), "counterparty": call.counterparty,
            "attribution": call.attribution, "summary": call.summary, "source": _ref(call.source),
        },
        "order_to_call": None if f.order_to_call is None else {
            "seconds": int(f.order_to_call.total_seconds()),
            "text": span_text(f.order_to_call, ctx.lang),
        },
        "total_debited": _decimal(f.total_debited),
        "total_debited_statements": _decimal(f.total_debited_statements),
        "debits_after_call": _decimal(f.debits_after_call),
        "numbers": list(f.numbers),
        "domains": list(f.domains),
        "debit_events": [
            {"time": times.iso(e.time, ctx.tz), "amount": _decimal(e.amount),
             "currency": e.details.get("currency", "CNY"), "summary": e.summary,
             "source": _ref(e.source)}
            for e in f.debit_events
        ],
    }

"""Event builders shared by the message and call sources, so every format summarises alike."""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import sys
from collections.abc import Callable, Hashable, Mapping, Sequence

from evidence import notices, phones, redact, spool, template, times
from evidence.model import Basis, Direction, Event, EventKind, Issue, Severity, SourceRef
from evidence.sources import Context

SUMMARY_TEXT = 60  # characters of a message body shown in a one-line summary


class CallType(enum.StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    MISSED = "missed"
    VOICEMAIL = "voicemail"
    REJECTED = "rejected"
    BLOCKED = "blocked"
    OTHER = "other"


def clip(text: str, n: int = SUMMARY_TEXT) -> str:
    """issue 23: never inside a number, so a service copy masks it whole (redact.clip)."""
    return redact.clip(text, n)


Places = dict[tuple[str, str], "str | None"]  # (number, language) -> 归属地 or bank, for one read


def place_of(number: str, lang: str, places: Places | None = None) -> str | None:
    """phones.attribute, remembered in `places` when given: a reader passes one dict for its
    file (a backup repeats a few hundred numbers over 600,000 messages; issue 23), so nothing
    is kept between reads or processes."""
    if places is None:
        return phones.attribute(number, lang)
    key = (number, lang)
    if key not in places:
        places[key] = phones.attribute(number, lang)
    return places[key]


def who(number: str, ctx: Context, places: Places | None = None) -> str:
    shown = phones.normalize(number) or template.t(ctx.lang, "events.unknown_party")
    place = place_of(number, ctx.lang, places)
    return f"{shown}（{place}）" if place and ctx.lang != "en" else (
        f"{shown} ({place})" if place else shown)


def duration_text(seconds: int | float | None, lang: str) -> str:
    """`2分5秒`; "duration unknown" when the source gave none (never 0 秒 for a missing value)."""
    if seconds is None:
        return template.t(lang, "events.duration_unknown")
    s = round(seconds)
    if s < 60:
        return template.t(lang, "events.seconds", s=s)
    return template.t(lang, "events.minutes", m=s // 60, s=s % 60)


def _money(value: object) -> str:
    return f"{value:,.2f}" if value is not None else "?"


def phishing_reason(flags: tuple[tuple[str, str], ...], lang: str) -> str:
    """`jd-tuikuan.com：仿冒jd的域名；链接附近有诱导用语（退款）` — why each flagged link is suspect."""
    parts: list[str] = []
    for domain, reason in flags:
        words: list[str] = []
        for code in reason.split("; "):
            name, _, arg = code.partition(":")
            words.append(template.t(lang, f"events.reason_{name}", brand=arg, words=arg.replace("/", "、")))
        sep = "; " if lang == "en" else "；"
        parts.append(f"{domain}: " + sep.join(words) if lang == "en" else f"{domain}：" + sep.join(words))
    return " | ".join(parts)


def message_event(
    *,
    time: dt.datetime,
    party: str,
    incoming: bool,
    body: str,
    source: SourceRef,
    ctx: Context,
    basis: Basis = Basis.EXACT,
    zone_assumed: bool = False,
    details: Mapping[str, str] | None = None,
    match_text: str | None = None,
    anchor: dt.datetime | None = None,
    places: Places | None = None,
) -> Event:
    """One SMS/MMS: classified as bank notice, verification code, phishing link or plain SMS.

    `body` is the message exactly as the source holds it: it is what the exhibit quotes.
    `match_text` (a normalised copy, e.g. a pasted message's lines joined) is what the
    classification reads when given; `anchor` completes a date the text writes without a year
    (default: the message's own time). `places`: see place_of."""
    number = sys.intern(phones.normalize(party))  # issue 23: a few hundred numbers, 600k messages
    text = body if match_text is None else match_text
    if incoming:
        info = notices.classify(text, number, anchor or time, ctx.tz)
    else:
        urls, domains = notices.links(text)
        info = notices.Notice(EventKind.SMS, urls=urls, domains=domains) if urls else notices.EMPTY
    extra: dict[str, str] = {"body": body, "direction_of_message": "in" if incoming else "out",
                             "time_meaning": "received" if incoming else "sent"}
    extra.update(details or {})
    lang = ctx.lang
    bank_code = info.bank or phones.bank_code(number)
    bank_name = place_of(bank_code, lang, places) if bank_code else None
    channel = f"（{info.channel or info.counterparty}）" if (info.channel or info.counterparty) else ""
    card = template.t(lang, "events.card_tail", tail=info.card_tail) if info.card_tail else ""
    if info.needs_review:
        summary = template.t(lang, "events.bank_review", bank=bank_name or number, card=card,
                             amount=_money(info.amount), text=" ".join(body.split()))
    elif info.kind is EventKind.BANK_NOTICE and info.amount is not None:
        key = "events.bank_debit" if info.direction is Direction.DEBIT else "events.bank_credit"
        # a platform's own notice (95188 支付宝) is named by the platform its text and sender prove
        summary = template.t(lang, key, bank=bank_name or info.institution or number, card=card,
                             amount=_money(info.amount), channel=channel)
    elif info.kind is EventKind.BANK_NOTICE and not info.lure:
        # (a lure's signature is only who it claims to be: it reads as the SMS it is, below)
        summary = template.t(lang, "events.bank_other", bank=bank_name or number, text=clip(text))
    elif info.kind is EventKind.VERIFICATION_CODE:
        purpose = "，".join(x for x in (
            info.counterparty or "", f"{_money(info.amount)}元" if info.amount is not None else "") if x)
        summary = template.t(lang, "events.otp", who=bank_name or who(number, ctx, places),
                             code=info.code or "?", purpose=f"：{purpose}" if purpose else "")
    elif info.kind is EventKind.PHISHING:
        summary = template.t(lang, "events.phishing", who=who(number, ctx, places), urls=" ".join(info.urls))
    else:
        key = "events.sms_in" if incoming else "events.sms_out"
        summary = template.t(lang, key, who=who(number, ctx, places), text=clip(text))
    # (a person's message, most of a phone's, found nothing: only these two can be set; issue 23)
    for name, value in (("bank", bank_code), ("currency", info.currency)) if info is notices.EMPTY else (
        ("bank", bank_code), ("card_tail", info.card_tail), ("currency", info.currency),
        ("balance", None if info.balance is None else str(info.balance)),
        ("merchant", info.counterparty), ("channel", info.channel), ("code", info.code),
        ("urls", " ".join(info.urls) or None), ("domains", " ".join(info.domains) or None),
        # (most messages flag no link: nothing to join; issue 23)
        ("phishing_domains", (info.phishing and " ".join(d for d, _ in info.phishing)) or None),
        ("phishing_reason", (info.phishing and phishing_reason(info.phishing, lang)) or None),
        ("transaction_time", times.iso(info.stated_time, ctx.tz) if info.stated_time else None),
        ("transaction_time_precision", str(info.precision) if info.precision else None),
        ("category", info.category if info.kind is EventKind.BANK_NOTICE else None),
        ("institution", info.institution), ("counterparty_tail", info.counterparty_tail),
        ("amount_text", info.amount_raw), ("direction_basis", info.direction_basis),
        ("lure", " ".join(info.lure) or None), ("lure_numbers", " ".join(info.lure_numbers) or None),
    ):
        if value:
            extra[name] = value
    if info.needs_review:
        extra["needs_review"] = "true"
        extra["review_reason"] = template.t(lang, f"events.review_{info.review_reason or 'none'}",
                                            words="、".join(info.direction_words))
    amount = info.amount if info.kind in (EventKind.BANK_NOTICE, EventKind.VERIFICATION_CODE) else None
    return Event(
        time=time, basis=basis, kind=info.kind, summary=summary, source=source,
        counterparty=number or None, attribution=place_of(number, lang, places) if number else None,
        amount=amount if info.kind is EventKind.BANK_NOTICE else None,
        direction=info.direction if info.kind is EventKind.BANK_NOTICE else None,
        zone_assumed=zone_assumed, details=extra,
    )


def call_event(
    *,
    time: dt.datetime,
    party: str,
    call_type: CallType,
    duration: int | float | None,
    source: SourceRef,
    ctx: Context,
    raw_type: str = "",
    basis: Basis = Basis.EXACT,
    zone_assumed: bool = False,
    details: Mapping[str, str] | None = None,
) -> Event:
    number = phones.normalize(party)
    key = {
        CallType.INCOMING: "events.call_in", CallType.OUTGOING: "events.call_out",
        CallType.MISSED: "events.call_missed", CallType.REJECTED: "events.call_rejected",
        CallType.BLOCKED: "events.call_blocked", CallType.VOICEMAIL: "events.call_voicemail",
    }.get(call_type, "events.call_other")
    summary = template.t(ctx.lang, key, who=who(number, ctx), type=raw_type,
                         duration=duration_text(duration, ctx.lang))
    # no duration in the source: no `duration_s` (the dossier prints nothing, never 0 秒)
    extra = {"call_type": str(call_type), "time_meaning": "call_started"}
    if duration is not None:
        extra["duration_s"] = str(round(duration))
    if raw_type:
        extra["raw_type"] = raw_type
    extra.update(details or {})
    return Event(
        time=time, basis=basis, kind=EventKind.CALL, summary=summary, source=source,
        counterparty=number or None,
        attribution=phones.attribute(number, ctx.lang) if number else None,
        zone_assumed=zone_assumed, details=extra,
    )


# ---- records a file holds twice ---------------------------------------------------------------


def message_key(e: Event) -> Hashable:
    """Same number, same time, same type, same text: the same message."""
    d = e.details
    return (e.kind, e.counterparty, e.time, d.get("raw_type"), d.get("direction_of_message"),
            d.get("body"), d.get("attachments"), d.get("recipients"))


def drop_repeats(events: list[Event], key: Callable[[Event], Hashable], path: str, lang: str,
                 hashes: Sequence[int] | None = None) -> tuple[list[Event], list[Issue]]:
    """One event for a record a file holds twice or more (exports repeat records when a backup
    was restored and backed up again). The first keeps `repeated_in_file` (the other records'
    locators) and each repeat is a note, so nothing is dropped unseen.

    issue 23: records are told apart by the hash of their key (`hashes`: taken by the reader's
    spool.Collector), the keys compared only when two hashes meet, so 600,000 keys — a copy of
    every body — are never held, nor a dict of 600,000 hashes: only those seen twice."""
    if hashes is None:
        hashes = [hash(key(e)) for e in events]
    ordered = sorted(hashes)
    twice = {a for a, b in itertools.pairwise(ordered) if a == b}
    del ordered
    first: dict[int, int] = {}
    collided: dict[Hashable, int] = {}  # keys whose hash another key already had
    repeats: dict[int, list[str]] = {}
    issues: list[Issue] = []
    kept: list[Event] = []
    for h, e in zip(hashes, events, strict=True):
        if h not in twice:
            kept.append(e)
            continue
        at = first.get(h)
        if at is None:
            first[h] = len(kept)
            kept.append(e)
            continue
        if key(kept[at]) != key(e):  # another record whose key has the same hash
            at = collided.setdefault(key(e), len(kept))
            if at == len(kept):
                kept.append(e)
                continue
        repeats.setdefault(at, []).append(e.source.locator)
        issues.append(Issue(Severity.NOTE, "record_repeated", template.t(
            lang, "sources.record_repeated", path=path, locator=e.source.locator,
            first=kept[at].source.locator), path=path, locator=e.source.locator))
    for at, locators in repeats.items():
        kept[at] = spool.replace(kept[at], details={
            **kept[at].details, "repeated_in_file": " ".join(locators)})
    return kept, issues

"""Event builders shared by the message and call sources, so every format summarises alike."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

from evidence import notices, phones, template, times
from evidence.extract import Context
from evidence.model import Basis, Direction, Event, EventKind, SourceRef

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
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= n else one_line[: n - 1] + "…"


def who(number: str, ctx: Context) -> str:
    shown = phones.normalize(number) or template.t(ctx.lang, "events.unknown_party")
    place = phones.attribute(number, ctx.lang)
    return f"{shown}（{place}）" if place and ctx.lang != "en" else (
        f"{shown} ({place})" if place else shown)


def duration_text(seconds: int | float | None, lang: str) -> str:
    s = round(seconds or 0)
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
) -> Event:
    """One SMS/MMS: classified as bank notice, verification code, phishing link or plain SMS."""
    number = phones.normalize(party)
    info = notices.classify(body, number, time, ctx.tz) if incoming else notices.Notice(
        EventKind.SMS, urls=notices.links(body)[0], domains=notices.links(body)[1])
    extra: dict[str, str] = {"body": body, "direction_of_message": "in" if incoming else "out"}
    extra.update(details or {})
    lang = ctx.lang
    bank_code = info.bank or phones.bank_code(number)
    bank_name = phones.attribute(bank_code, lang) if bank_code else None
    channel = f"（{info.channel or info.counterparty}）" if (info.channel or info.counterparty) else ""
    if info.needs_review:
        summary = template.t(lang, "events.bank_review", bank=bank_name or number, tail=info.card_tail or "?",
                             amount=_money(info.amount), text=" ".join(body.split()))
    elif info.kind is EventKind.BANK_NOTICE and info.amount is not None:
        key = "events.bank_debit" if info.direction is Direction.DEBIT else "events.bank_credit"
        summary = template.t(lang, key, bank=bank_name or number, tail=info.card_tail or "?",
                             amount=_money(info.amount), channel=channel)
    elif info.kind is EventKind.BANK_NOTICE:
        summary = template.t(lang, "events.bank_other", bank=bank_name or number, text=clip(body))
    elif info.kind is EventKind.VERIFICATION_CODE:
        purpose = "，".join(x for x in (
            info.counterparty or "", f"{_money(info.amount)}元" if info.amount is not None else "") if x)
        summary = template.t(lang, "events.otp", who=bank_name or who(number, ctx),
                             code=info.code or "?", purpose=f"：{purpose}" if purpose else "")
    elif info.kind is EventKind.PHISHING:
        summary = template.t(lang, "events.phishing", who=who(number, ctx), urls=" ".join(info.urls))
    else:
        key = "events.sms_in" if incoming else "events.sms_out"
        summary = template.t(lang, key, who=who(number, ctx), text=clip(body))
    for name, value in (
        ("bank", bank_code), ("card_tail", info.card_tail), ("currency", info.currency),
        ("balance", None if info.balance is None else str(info.balance)),
        ("merchant", info.counterparty), ("channel", info.channel), ("code", info.code),
        ("urls", " ".join(info.urls) or None), ("domains", " ".join(info.domains) or None),
        ("phishing_domains", " ".join(d for d, _ in info.phishing) or None),
        ("phishing_reason", phishing_reason(info.phishing, lang) or None),
        ("transaction_time", times.iso(info.stated_time, ctx.tz) if info.stated_time else None),
        ("transaction_time_precision", str(info.precision) if info.precision else None),
        ("category", info.category if info.kind is EventKind.BANK_NOTICE else None),
        ("institution", info.institution), ("counterparty_tail", info.counterparty_tail),
        ("amount_text", info.amount_raw), ("direction_basis", info.direction_basis),
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
        counterparty=number or None, attribution=phones.attribute(number, lang) if number else None,
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
    extra = {"call_type": str(call_type), "duration_s": str(round(duration or 0))}
    if raw_type:
        extra["raw_type"] = raw_type
    extra.update(details or {})
    return Event(
        time=time, basis=basis, kind=EventKind.CALL, summary=summary, source=source,
        counterparty=number or None,
        attribution=phones.attribute(number, ctx.lang) if number else None,
        zone_assumed=zone_assumed, details=extra,
    )

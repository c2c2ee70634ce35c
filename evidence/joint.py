"""Cross-victim analysis for the joint action: pure functions from per-claimant facts.

A `Claimant` is what one victim's build tells the joint layer (small, JSON round-trippable, so
a cached claimant is read back from its build.json without rebuilding). `analyse` turns the
claimants into the rows and tables of the bundle's front matter and of claims.csv: shared caller
numbers and phishing domains, the numbers lure texts asked victims to call, the order-to-call
delay distribution, losses by payment channel and by province, compensation counts. No files, no PDF, no printing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from evidence import timeline, times
from evidence.model import CompensationStatus, Event, EventKind, Victim

_CNY = ("CNY", "RMB", "人民币", "")  # as timeline._cny: the same money counts the same

PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
)
_PROVINCE_SUFFIX = {
    "北京": "北京市", "天津": "天津市", "上海": "上海市", "重庆": "重庆市", "内蒙古": "内蒙古自治区",
    "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区",
    "香港": "香港特别行政区", "澳门": "澳门特别行政区",
}

# Order-to-first-call delay buckets: (key, upper bound exclusive); None = no upper bound.
BUCKETS: tuple[tuple[str, dt.timedelta | None], ...] = (
    ("lt1h", dt.timedelta(hours=1)),
    ("1to3h", dt.timedelta(hours=3)),
    ("3to6h", dt.timedelta(hours=6)),
    ("6to24h", dt.timedelta(hours=24)),
    ("gt24h", None),
)
UNKNOWN = "unknown"


@dataclasses.dataclass(frozen=True)
class Call:
    number: str
    attribution: str
    time: dt.datetime


@dataclasses.dataclass(frozen=True)
class Debit:
    time: dt.datetime
    amount: Decimal
    channel: str  # 快捷支付 / 网银在线 / merchant named in the notice / "" when unknown
    bank: str  # hotline code, e.g. "95588"


@dataclasses.dataclass(frozen=True)
class Claimant:
    """One victim as the joint layer sees it. `error` set = the dossier could not be built."""

    id: str
    name: str = ""
    region: str = ""
    first_order: dt.datetime | None = None
    order_channels: tuple[str, ...] = ()
    first_call: Call | None = None
    callers: tuple[str, ...] = ()  # in order of first call
    caller_places: Mapping[str, str] = dataclasses.field(default_factory=dict)
    domains: tuple[str, ...] = ()
    lure_numbers: tuple[str, ...] = ()  # numbers a lure SMS asked the victim to call (banksms/lure.py)
    lure_sources: Mapping[str, str] = dataclasses.field(default_factory=dict)  # number -> its file
    debits: tuple[Debit, ...] = ()
    # notices of money out (or of an undecided way) shown for review from `since` on: in no
    # total, listed so the lawyer sees how much waits on the bank statement
    held: Decimal = Decimal("0")
    claimed_loss: Decimal | None = None
    compensation: CompensationStatus = CompensationStatus.NONE
    amount_paid: Decimal = Decimal("0")
    error: str = ""

    @property
    def amount_lost(self) -> Decimal:
        return sum((d.amount for d in self.debits), Decimal("0"))

    @property
    def channels(self) -> tuple[str, ...]:
        seen: list[str] = []
        for name in (*self.order_channels, *(d.channel for d in self.debits)):
            if name and name not in seen:
                seen.append(name)
        return tuple(seen)

    @property
    def delay(self) -> dt.timedelta | None:
        if self.first_order is None or self.first_call is None:
            return None
        return self.first_call.time - self.first_order


def claimant(victim: Victim, tl: timeline.Timeline) -> Claimant:
    """Facts of one victim from its timeline.

    Numbers that called and the first fraud call are the timeline's (one definition for the
    dossier and the bundle): strangers who rang after the first order, by first ring. Amount lost = CNY bank-notice
    debits (the timeline's) from that call on, or from the first order when no call was
    found: the victim's ordinary spending before is not a loss.
    """
    facts = tl.facts
    order = facts.first_order_time
    first = facts.first_suspicious_call
    callers = facts.callers
    places = {e.counterparty: e.attribution for e in tl.events
              if e.kind is EventKind.CALL and e.counterparty in callers and e.attribution}
    since = first.time if first is not None else order
    debits = tuple(
        Debit(time=e.time, amount=e.amount,
              channel=e.details.get("channel") or e.details.get("merchant") or "",
              bank=e.details.get("bank", ""))
        for e in facts.debit_events
        if e.amount is not None and e.details.get("currency", "CNY") in _CNY
        and e.details.get("needs_review") != "true"  # shown in the dossier, never counted
        and (since is None or e.time >= since))
    held = sum((e.amount for e in tl.events if timeline.is_held_debit(e) and e.amount is not None
                and (since is None or e.time >= since)), Decimal("0"))
    orders = sorted(victim.orders, key=lambda o: o.placed)
    lures = lure_numbers(tl.events)
    return Claimant(
        id=victim.id, name=victim.name, region=victim.region, first_order=order,
        order_channels=tuple(dict.fromkeys(o.channel for o in orders if o.channel)),
        first_call=None if first is None else Call(
            first.counterparty or "", first.attribution or "", first.time),
        callers=callers,
        caller_places={n: places[n] or "" for n in callers if places.get(n)},
        domains=tuple(facts.domains), lure_numbers=tuple(lures), lure_sources=lures, debits=debits,
        held=held, claimed_loss=victim.claimed_loss, compensation=victim.compensation.status,
        amount_paid=victim.compensation.amount_paid,
    )


def lure_numbers(events: Iterable[Event]) -> dict[str, str]:
    """Numbers the victim's lure texts asked them to call (issue 16's `lure_numbers`), by first
    text, each with the file of that text (its citation): evidence of the fraud like the
    numbers that rang, never a bank's hotline."""
    found: dict[str, str] = {}
    lures = (e for e in events if e.details.get("lure"))  # issue 23: no key per message
    for e in sorted(lures, key=lambda e: (e.time, e.source.path)):
        for number in e.details.get("lure_numbers", "").split():
            found.setdefault(number, e.source.path)
    return found


def failed(victim: Victim | None, victim_id: str, error: str) -> Claimant:
    """A claimant whose dossier could not be built: what the config says, and why."""
    if victim is None:
        return Claimant(id=victim_id, error=error)
    return Claimant(
        id=victim_id, name=victim.name, region=victim.region, claimed_loss=victim.claimed_loss,
        compensation=victim.compensation.status, amount_paid=victim.compensation.amount_paid,
        first_order=min((o.placed for o in victim.orders), default=None),
        order_channels=tuple(dict.fromkeys(o.channel for o in victim.orders if o.channel)),
        error=error,
    )


def province(region: str) -> str:
    """Province-level name of a free-text region ("浙江省杭州市" -> "浙江省"); "" if unknown."""
    text = region.strip()
    for short in sorted(PROVINCES, key=len, reverse=True):
        if text.startswith(short):
            return _PROVINCE_SUFFIX.get(short, short + "省")
    return ""


def bucket(delay: dt.timedelta | None) -> str:
    if delay is None or delay < dt.timedelta(0):
        return UNKNOWN
    for key, limit in BUCKETS:
        if limit is None or delay < limit:
            return key
    return UNKNOWN  # pragma: no cover - the last bucket has no limit


# ---- analysis ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Shared:
    value: str  # a phone number or a domain
    claimants: tuple[str, ...]  # claimant ids, in claimant order
    attribution: str = ""


@dataclasses.dataclass(frozen=True)
class Total:
    key: str  # channel, province or status; "" = unknown
    amount: Decimal
    claimants: int


@dataclasses.dataclass(frozen=True)
class Analysis:
    claimants: tuple[Claimant, ...]  # claimant order: number n is claimants[n - 1]
    shared_numbers: tuple[Shared, ...]
    shared_domains: tuple[Shared, ...]
    lure_numbers: tuple[Shared, ...]  # every number a lure asked to call, shared or not
    delays: tuple[tuple[str, int], ...]  # every bucket key + UNKNOWN, in order
    by_channel: tuple[Total, ...]
    by_region: tuple[Total, ...]
    by_status: tuple[Total, ...]  # every CompensationStatus, amount = paid
    amount_lost: Decimal
    claimed_loss: Decimal
    amount_paid: Decimal
    amount_held: Decimal = Decimal("0")  # shown for review, in no total (Claimant.held)


def _shared(claimants: Sequence[Claimant], values: Mapping[str, Sequence[str]],
            places: Mapping[str, str], least: int = 2) -> tuple[Shared, ...]:
    who: dict[str, list[str]] = {}
    for c in claimants:
        for value in values[c.id]:
            who.setdefault(value, [])
            if c.id not in who[value]:
                who[value].append(c.id)
    found = [Shared(v, tuple(ids), places.get(v, "")) for v, ids in who.items() if len(ids) >= least]
    return tuple(sorted(found, key=lambda s: (-len(s.claimants), s.value)))


def _totals(pairs: Iterable[tuple[str, Decimal, str]]) -> tuple[Total, ...]:
    amounts: dict[str, Decimal] = {}
    people: dict[str, set[str]] = {}
    for key, amount, who in pairs:
        amounts[key] = amounts.get(key, Decimal("0")) + amount
        people.setdefault(key, set()).add(who)
    rows = [Total(k, amounts[k], len(people[k])) for k in amounts]
    # biggest first; the unknown key ("") last so the chart reads from what is known
    return tuple(sorted(rows, key=lambda t: (t.key == "", -t.amount, t.key)))


def analyse(claimants: Sequence[Claimant]) -> Analysis:
    """The cross-victim tables. Claimants keep the order given (the claimant numbering)."""
    places: dict[str, str] = {}
    for c in claimants:
        for number, place in c.caller_places.items():
            places.setdefault(number, place)
    numbers = _shared(claimants, {c.id: c.callers for c in claimants}, places)
    domains = _shared(claimants, {c.id: c.domains for c in claimants}, {})
    # a lure's number is the fraud's even when one victim alone received it: all are listed
    lures = _shared(claimants, {c.id: c.lure_numbers for c in claimants}, places, least=1)
    counts = {key: 0 for key, _ in BUCKETS} | {UNKNOWN: 0}
    for c in claimants:
        counts[bucket(c.delay)] += 1
    channel_rows: list[tuple[str, Decimal, str]] = []
    for c in claimants:
        channel_rows.extend((d.channel, d.amount, c.id) for d in c.debits)
    paid = {s: Decimal("0") for s in CompensationStatus}
    heads = {s: 0 for s in CompensationStatus}
    for c in claimants:
        paid[c.compensation] += c.amount_paid
        heads[c.compensation] += 1
    return Analysis(
        claimants=tuple(claimants),
        shared_numbers=numbers,
        shared_domains=domains,
        lure_numbers=lures,
        delays=tuple(counts.items()),
        by_channel=_totals(channel_rows),
        by_region=_totals((province(c.region), c.amount_lost, c.id) for c in claimants),
        by_status=tuple(Total(str(s), paid[s], heads[s]) for s in CompensationStatus),
        amount_lost=sum((c.amount_lost for c in claimants), Decimal("0")),
        amount_held=sum((c.held for c in claimants), Decimal("0")),
        claimed_loss=sum((c.claimed_loss or Decimal("0") for c in claimants), Decimal("0")),
        amount_paid=sum((c.amount_paid for c in claimants), Decimal("0")),
    )


def page_ranges(front_pages: int, dossier_pages: Sequence[int]) -> tuple[tuple[int, int], ...]:
    """1-based (first, last) bundle pages of each dossier placed after `front_pages` pages."""
    out: list[tuple[int, int]] = []
    page = front_pages + 1
    for n in dossier_pages:
        out.append((page, page + max(n, 1) - 1))
        page += max(n, 1)
    return tuple(out)


# ---- JSON round trip (build.json keeps a claimant so cached victims need no rebuild) -----------


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t is not None else None


def _time(text: Any) -> dt.datetime | None:
    if not text:
        return None
    try:  # we only ever write aware times; refuse to invent a zone
        return times.from_iso_aware(str(text))
    except ValueError:
        raise ValueError(f"naive or bad time in claimant record: {text}") from None


def to_json(c: Claimant) -> dict[str, Any]:
    return {
        "id": c.id, "name": c.name, "region": c.region, "first_order": _iso(c.first_order),
        "order_channels": list(c.order_channels),
        "first_call": None if c.first_call is None else {
            "number": c.first_call.number, "attribution": c.first_call.attribution,
            "time": _iso(c.first_call.time)},
        "callers": list(c.callers), "caller_places": dict(sorted(c.caller_places.items())),
        "domains": list(c.domains), "lure_numbers": list(c.lure_numbers),
        "lure_sources": dict(sorted(c.lure_sources.items())),
        "debits": [{"time": _iso(d.time), "amount": str(d.amount), "channel": d.channel,
                    "bank": d.bank} for d in c.debits],
        "held": str(c.held),
        "claimed_loss": None if c.claimed_loss is None else str(c.claimed_loss),
        "compensation": str(c.compensation), "amount_paid": str(c.amount_paid),
        "error": c.error,
    }


def from_json(data: Mapping[str, Any]) -> Claimant:
    call = data.get("first_call")
    first_call = None
    if call:
        when = _time(call["time"])
        if when is not None:
            first_call = Call(str(call["number"]), str(call.get("attribution", "")), when)
    debits = []
    for d in data.get("debits", ()):
        when = _time(d["time"])
        if when is not None:
            debits.append(Debit(when, Decimal(str(d["amount"])), str(d.get("channel", "")),
                                str(d.get("bank", ""))))
    claimed = data.get("claimed_loss")
    return Claimant(
        id=str(data["id"]), name=str(data.get("name", "")), region=str(data.get("region", "")),
        first_order=_time(data.get("first_order")),
        order_channels=tuple(str(x) for x in data.get("order_channels", ())),
        first_call=first_call, callers=tuple(str(x) for x in data.get("callers", ())),
        caller_places={str(k): str(v) for k, v in dict(data.get("caller_places", {})).items()},
        domains=tuple(str(x) for x in data.get("domains", ())),
        lure_numbers=tuple(str(x) for x in data.get("lure_numbers", ())),
        lure_sources={str(k): str(v) for k, v in dict(data.get("lure_sources", {})).items()},
        debits=tuple(debits), held=Decimal(str(data.get("held", "0"))),
        claimed_loss=None if claimed is None else Decimal(str(claimed)),
        compensation=CompensationStatus(str(data.get("compensation", "none"))),
        amount_paid=Decimal(str(data.get("amount_paid", "0"))),
        error=str(data.get("error", "")),
    )

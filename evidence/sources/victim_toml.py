"""Events the lawyer typed into victim.toml: orders (`[[orders]]`) and manual events (`[[events]]`).

config.load_victim already validated and parsed them; this module only turns them into timeline
events that cite victim.toml itself (path, SHA-256 of its bytes, `orders[1]` / `events[1]`,
1-based like the lawyer counts them in the file).
"""

from __future__ import annotations

import hashlib

from evidence import template
from evidence.extract import Context
from evidence.model import Basis, Event, EventKind, Issue, SourceRef, Victim

FILE_NAME = "victim.toml"


def _money(value: object) -> str:
    return f"{value:,.2f}" if value is not None else "?"


def events(victim: Victim, ctx: Context) -> tuple[list[Event], list[Issue]]:
    """Order and manual events of one victim; none when victim.toml is missing (config says so)."""
    path = victim.folder / FILE_NAME
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return [], []
    out: list[Event] = []
    for i, order in enumerate(victim.orders, start=1):
        details = {"order_id": order.id, "time_meaning": "order_placed"}
        if order.item:
            details["item"] = order.item
        if order.channel:
            details["channel"] = order.channel
        summary = template.t(ctx.lang, "events.order", id=order.id, item=order.item,
                             amount=_money(order.amount), channel=order.channel or "—")
        out.append(Event(
            time=order.placed, basis=Basis.MANUAL, kind=EventKind.ORDER, summary=summary,
            source=SourceRef(FILE_NAME, digest, f"orders[{i}]"), amount=order.amount,
            zone_assumed=order.zone_assumed, details=details,
        ))
    for i, manual in enumerate(victim.events, start=1):
        out.append(Event(
            time=manual.time, basis=Basis.MANUAL, kind=EventKind.MANUAL,
            summary=template.t(ctx.lang, "events.manual", summary=manual.summary),
            source=SourceRef(FILE_NAME, digest, f"events[{i}]"), zone_assumed=manual.zone_assumed,
            details={"time_meaning": "stated_by_counsel",
                     **({"manual_kind": manual.kind} if manual.kind else {})},
        ))
    return out, []

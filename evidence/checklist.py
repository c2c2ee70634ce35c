"""Per-victim completeness checklist: is each element of a 3·18 fraud claim evidenced?

Order placed -> fraud call -> phishing link or verification code -> bank debit, and do the
debits add up to the claimed loss. Pure: reads what `collect` gathered, never a file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from evidence import exhibits, template, timeline, times
from evidence.model import Direction, Event, EventKind, FileKind, Issue, Status, Victim

KEYS = ("has_order", "has_fraud_call", "has_phishing_or_code_sms", "has_bank_debit",
        "debits_match_claim", "recording_transcripts")


@dataclasses.dataclass(frozen=True)
class Item:
    key: str
    ok: bool | None  # None: cannot tell (no claimed loss to compare with)
    label: str
    detail: str
    values: dict[str, str] = dataclasses.field(default_factory=dict)  # machine-readable extras


@dataclasses.dataclass(frozen=True)
class Checklist:
    items: tuple[Item, ...]

    def item(self, key: str) -> Item:
        return next(i for i in self.items if i.key == key)

    @property
    def complete(self) -> bool:
        return all(i.ok for i in self.items)


def build(collected: Any) -> Checklist:
    """Checklist of a `collect.Collected`."""
    tl = collected.timeline
    ctx_lang = collected.case.language
    tz = times.zone(collected.case.timezone)
    paths = {f.path for f in collected.inventory.files}
    recordings = sorted(f.path for f in collected.inventory.files
                        if f.kind is FileKind.RECORDING and f.status is Status.ACCEPTED)
    return evaluate(collected.victim, tl.events, tl.facts, ctx_lang, tz,
                    {r: exhibits.transcript_for(r, collected.victim, paths.__contains__)
                     for r in recordings})


def evaluate(victim: Victim, events: Sequence[Event], facts: timeline.Facts, lang: str,
             tz: dt.tzinfo, transcripts: Mapping[str, str | None] | None = None) -> Checklist:
    """`transcripts`: each accepted recording -> its transcript's path, or None (待补)."""
    def t(key: str, **values: object) -> str:
        return template.t(lang, f"check.checklist.{key}", **values)

    items: list[Item] = []

    order_ids = [o.id for o in victim.orders]
    order_ids += [e.details.get("order_id", "") or e.summary for e in events
                  if e.kind is EventKind.ORDER and not order_ids]
    items.append(Item("has_order", bool(order_ids), t("has_order"),
                      t("order_detail", ids="、".join(order_ids) if lang == "zh-Hans"
                        else ", ".join(order_ids)) if order_ids else t("no_order")))

    call: Event | None = facts.first_suspicious_call
    if call is not None:
        gap = facts.order_to_call
        detail = t("call_detail", time=times.display(call.time, tz),
                   who=call.counterparty or t("unknown"),
                   after=_duration(gap, lang) if gap is not None else t("unknown"))
    else:
        detail = t("no_call")
    items.append(Item("has_fraud_call", call is not None, t("has_fraud_call"), detail))

    sms = sorted((e for e in events
                  if e.kind in (EventKind.PHISHING, EventKind.VERIFICATION_CODE)),
                 key=lambda e: e.time)
    items.append(Item(
        "has_phishing_or_code_sms", bool(sms), t("has_phishing_or_code_sms"),
        t("sms_detail", n=len(sms), time=times.display(sms[0].time, tz)) if sms
        else t("no_sms")))

    debits: list[Event] = list(facts.debit_events)
    total = facts.total_debited
    if not debits:  # no bank SMS: a statement's debit rows are the evidence instead
        debits = [e for e in events if e.kind is EventKind.TRANSACTION
                  and e.direction is Direction.DEBIT and e.amount is not None]
        total = facts.total_debited_statements
    items.append(Item("has_bank_debit", bool(debits), t("has_bank_debit"),
                      t("debit_detail", n=len(debits), total=money(total)) if debits
                      else t("no_debit")))

    # The claim is the fraud: debits from the first fraud call on (earlier ones are routine).
    if call is not None:
        total = (facts.debits_after_call if facts.debit_events else
                 sum((e.amount for e in debits if e.amount is not None and e.time >= call.time),
                     Decimal(0)))
    claimed = victim.claimed_loss
    values = {"debited": f"{total:.2f}", "from": "first_call" if call is not None else "all"}
    if claimed is None:
        ok: bool | None = None
        detail = t("no_claim", debited=money(total))
        values["status"] = "no_claim"
    else:
        diff = claimed - total
        values.update(claimed=f"{claimed:.2f}", difference=f"{diff:.2f}")
        ok = diff == 0
        values["status"] = "equal" if ok else "differs"
        scope = t("after_call") if call is not None else ""
        detail = (t("equal", scope=scope, debited=money(total), claimed=money(claimed)) if ok
                  else t("differs", scope=scope, debited=money(total), claimed=money(claimed),
                         diff=money(abs(diff))))
    items.append(Item("debits_match_claim", ok, t("debits_match_claim"), detail, values))
    # Art. 15: a recording needs its transcript; the dossier prints a form to fill in (待补)
    found = transcripts or {}
    todo = [r for r, path in found.items() if path is None]
    items.append(Item(
        "recording_transcripts", not todo, t("recording_transcripts"),
        t("transcripts_todo", n=len(todo), paths="、".join(todo) if lang == "zh-Hans"
          else ", ".join(todo)) if todo else t("transcripts_ok", n=len(found)) if found
        else t("no_recordings"),
        {"status": "todo" if todo else "complete", "missing": " | ".join(todo)}))
    return Checklist(tuple(items))


def to_json(checklist: Checklist) -> dict[str, Any]:
    return {i.key: {"ok": i.ok, "label": i.label, "detail": i.detail, **i.values}
            for i in checklist.items}


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _duration(gap: dt.timedelta, lang: str) -> str:
    minutes = int(gap.total_seconds() // 60)
    hours, minutes = divmod(abs(minutes), 60)
    sign = "-" if gap.total_seconds() < 0 else ""
    if lang == "zh-Hans":
        return f"{sign}{hours}小时{minutes}分" if hours else f"{sign}{minutes}分钟"
    return f"{sign}{hours} h {minutes} min" if hours else f"{sign}{minutes} min"


# ---- the `check` report ---------------------------------------------------------------------


def victim_json(collected: Any, checklist: Checklist) -> dict[str, Any]:
    """One victim of `evidence check --json` (paths relative to the victim folder)."""
    return {
        "id": collected.victim.id,
        "files": [{"path": f.path, "sha256": f.sha256, "size": f.size, "kind": f.kind.value,
                   "status": f.status.value, "reason": f.reason}
                  for f in collected.inventory.files],
        "problems": [issue_json(i) for i in collected.issues],
        "checklist": to_json(checklist),
    }


def issue_json(issue: Issue) -> dict[str, Any]:
    return {"severity": issue.severity.value, "code": issue.code, "message": issue.message,
            "path": issue.path, "locator": issue.locator}

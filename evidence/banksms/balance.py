"""The balance check: consecutive notices of one account must add up, `before ± amount = after`.

Notices of the same account (same bank + the holder's own tail + card class: a credit card and a
debit card of one bank can share a tail) that state a balance are put in time order; for each one
with an amount, the previous notice's balance ± this amount must give this notice's balance.
* exact match with the direction read from the words: the direction is CONFIRMED
  (`details["balance_check"] = "confirmed"`);
* the words left the direction undecided (needs review) and the balances decide it exactly one
  way: the balance decides (`details["direction_basis"] = "balance"`), the review flag goes -
  never for a hold (预授权), a text no institution signed or a fake notice's script;
* the words say one way and the balances exactly the other: a contradiction — the event's
  direction is withdrawn (needs review, never counted) and an Issue names both messages;
* the same text twice in a row (same amount, same balance after): two real movements cannot
  leave the same balance, so the second is a copy of the first (resent, or exported twice into one
  file); it is withdrawn from the counts (needs review) and an Issue names both;
* neither way adds up: a GAP, which is what real phones hold - banks do not notify every movement
  (small amounts, interest, fees, payments in another channel), a phone keeps only some of the
  messages. It is recorded on the event (`balance_check = "gap"`), and is no problem: the
  first end-to-end run on real messages reported 7 such "problems" on 39 messages, none of them a
  fault of the messages.
Only a pair that can really be compared decides or contradicts anything: the same kind of balance
(可用余额, the available balance, moves with holds and overdraft lines; 余额 / 账户余额 / 活期余额
does not), and an order that is known - notices a few minutes apart arrive out of order (two
payments in one minute), so a group of close notices is compared in the order that chains best.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from evidence import phones, template
from evidence.model import Direction, Event, EventKind, Issue, Severity


def _balance(e: Event) -> Decimal | None:
    try:
        return Decimal(e.details["balance"]) if e.details.get("balance") else None
    except InvalidOperation:
        return None


def _where(e: Event) -> str:
    return f"{e.source.path} {e.source.locator}"


# Reviews the balances must not turn into movements: a hold (预授权 moves the available balance,
# not the money), a transfer still on its way (在途: it may yet come back), a text no institution
# signed, a fake notice's callback script.
_NOT_DECIDABLE = ("hold", "pending", "unsigned", "unverified", "no_amount", "forwarded")


def _decidable(e: Event, lang: str) -> bool:
    reason = e.details.get("review_reason")
    return reason not in {template.t(lang, f"events.review_{r}") for r in _NOT_DECIDABLE}


def _balance_kind(e: Event) -> str:
    """'available' (可用余额, 可用余额 moves with holds and overdraft lines) or 'ledger' (余额, 账户余额…)."""
    body = str(e.details.get("body") or "")
    return "available" if ("可用余额" in body or "可用餘額" in body) else "ledger"


def _card_class(e: Event) -> str:
    """A credit card and a debit card of one bank may share a tail: they are two chains."""
    body = str(e.details.get("body") or "")
    return "credit" if any(w in body for w in ("信用卡", "贷记卡", "貸記卡", "准贷记卡")) else "debit"


# Notices this close may have been received out of order (two payments in one minute): such a
# group is compared in the order that chains best.
_CLOSE = dt.timedelta(minutes=3)
_MAX_GROUP = 6


def _links(seq: Sequence[Event]) -> int:
    """How many consecutive pairs of the sequence chain exactly with the words' direction."""
    n = 0
    for prev, cur in itertools.pairwise(seq):
        before, after = _balance(prev), _balance(cur)
        if before is None or after is None or cur.amount is None:
            continue
        if (cur.direction is Direction.DEBIT and before - cur.amount == after) or (
                cur.direction is Direction.CREDIT and before + cur.amount == after):
            n += 1
    return n


def _ordered(idx: list[int], out: Sequence[Event]) -> list[int]:
    """Time order; within a group of close notices, the order that chains best (ties: as read)."""
    idx = sorted(idx, key=lambda i: (out[i].time, out[i].source.path, out[i].source.locator))
    groups: list[list[int]] = []
    for i in idx:
        if groups and out[i].time - out[groups[-1][-1]].time <= _CLOSE:
            groups[-1].append(i)
        else:
            groups.append([i])
    result: list[int] = []
    for g in groups:
        if 1 < len(g) <= _MAX_GROUP:
            head = [out[result[-1]]] if result else []
            best = max(itertools.permutations(g),
                       key=lambda p: _links(head + [out[i] for i in p]))
            if _links(head + [out[i] for i in best]) > _links(head + [out[i] for i in g]):
                g = list(best)
        result.extend(g)
    return result


def _candidate(e: Event) -> bool:
    return (e.kind is EventKind.BANK_NOTICE and bool(e.details.get("card_tail"))
            and bool(e.details.get("bank") or e.details.get("institution"))
            and e.details.get("currency", "CNY") == "CNY" and _balance(e) is not None)


def check(events: Sequence[Event], lang: str) -> tuple[list[Event], list[Issue]]:
    """Events with balance facts recorded (same order as given) and the problems found."""
    out = list(events)
    issues: list[Issue] = []
    chains: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, e in enumerate(out):
        if _candidate(e):
            chains[(e.details.get("bank") or e.details.get("institution") or "", e.details["card_tail"],
                    _card_class(e))].append(i)
    for (bank, tail, _cls), idx in sorted(chains.items()):
        for prev_i, cur_i in itertools.pairwise(_ordered(idx, out)):
            prev, cur = out[prev_i], out[cur_i]
            before, after = _balance(prev), _balance(cur)
            if before is None or after is None or cur.amount is None:
                continue
            if cur.details.get("body") == prev.details.get("body") and cur.amount:
                # The same text, so the same balance after: two real movements of one amount
                # cannot both leave the same balance. A second copy of one message (resent, or
                # exported twice into one file) — shown for review, not counted twice.
                message = template.t(lang, "events.balance_duplicate", prev=_where(prev), cur=_where(cur))
                details = dict(cur.details)
                details.update(balance_check="duplicate", needs_review="true", review_reason=message)
                out[cur_i] = dataclasses.replace(
                    cur, direction=None, details=details,
                    summary=template.t(lang, "events.review_prefix") + cur.summary + " — " + message)
                issues.append(Issue(Severity.WARNING, "balance_duplicate", message,
                                    path=cur.source.path, locator=cur.source.locator))
                continue
            fits = {Direction.DEBIT: before - cur.amount == after, Direction.CREDIT: before + cur.amount == after}
            words = cur.direction
            review = cur.details.get("needs_review") == "true"
            details = dict(cur.details)
            details["balance_previous"] = f"{_where(prev)} ({before})"
            name = phones.attribute(bank, lang) if bank.isdigit() else bank
            if words is not None and fits[words]:
                details["balance_check"] = "confirmed"
                out[cur_i] = dataclasses.replace(cur, details=details)
                continue
            decided = [d for d, ok in fits.items() if ok]
            if _balance_kind(prev) != _balance_kind(cur):
                decided = []  # an available and an account balance: not the same figure
            if words is None and review and len(decided) == 1 and _decidable(cur, lang):
                found = decided[0]
                details.update(balance_check="decided", direction_basis="balance",
                               category=str(found))
                details.pop("needs_review", None)
                details.pop("review_reason", None)
                key = "events.bank_debit" if found is Direction.DEBIT else "events.bank_credit"
                card = template.t(lang, "events.card_tail", tail=tail)
                summary = template.t(lang, key, bank=name, card=card, amount=f"{cur.amount:,.2f}",
                                     channel="") + template.t(lang, "events.balance_decided")
                out[cur_i] = dataclasses.replace(cur, direction=found, details=details, summary=summary)
                continue
            if words is None:
                continue
            values = {"prev": _where(prev), "cur": _where(cur), "before": before, "after": after,
                      "amount": cur.amount, "words": template.t(lang, f"events.word_{words}")}
            if not decided:  # a gap: a notice in between that the phone does not hold
                details["balance_check"] = "gap"
                out[cur_i] = dataclasses.replace(cur, details=details)
                continue
            # exactly the other way: the words were misread, or the text is odd
            message = template.t(lang, "events.balance_contradiction", **values)
            details.update(balance_check="contradiction", needs_review="true", review_reason=message)
            details.pop("direction_basis", None)
            out[cur_i] = dataclasses.replace(
                cur, direction=None, details=details,
                summary=template.t(lang, "events.review_prefix") + cur.summary + " — " + message)
            issues.append(Issue(Severity.WARNING, "balance_contradiction", message,
                                path=cur.source.path, locator=cur.source.locator))
    return out, issues

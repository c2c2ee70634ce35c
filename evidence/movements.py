"""One movement told twice, and a movement undone: what a claimant's loss must not count twice.

`mark`: a payment platform's debit notice that a bank's own notice also reports.

A card that pays through a platform is debited once, but two institutions may say so: the bank
(您尾号1234卡…快捷支付支出(支付宝-淘宝)39.90元) and the platform (【支付宝】你有一笔39.90元的支出, 京东支付
您尾号1234的银行卡支付3999.00元). Both are true notices of one movement; counted each, a claimant's
loss doubles. They are told apart from two movements by what both texts state: the same amount
and currency, stated times within WINDOW, card tails that agree, and a link between them - the
bank's text names the platform (支付宝, 财付通, 网银在线…), or both name the same card tail.

The bank's notice is counted (it speaks of the account the money left); the platform's is kept,
shown, and marked for review naming the bank notice it repeats - counted nowhere, so that a wrong
pairing can only under-count, and says so. Never between two notices of one institution, nor two
banks: equal debits from one bank are separate steps (a fraud drains a card in equal sums).

`undone`: a debit that a later notice returns - a reversal (冲正, 撤销), a refund (退款, 退货) or a
returned transfer (退回) of the same amount to the same card within RETURN_WINDOW. The money came
back, so counting the debit overstates the loss; but a refund of some other purchase of the same
amount is possible, so the debit is not silently netted either: it is shown and marked for review
naming the notice that returned it, and counted nowhere until reviewed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence

from evidence import model, spool, template
from evidence.banksms import institutions
from evidence.model import Direction, Event, EventKind, Issue, Severity

WINDOW = dt.timedelta(minutes=10)  # a platform's notice and the bank's of one payment
RETURN_WINDOW = dt.timedelta(days=7)  # a debit and the reversal or refund that returns it
RETURN_BASES = ("return", "reversal")  # direction bases of a credit that gives money back
BANKS = ("big_bank", "regional_bank", "rural")
When = Callable[[Event], dt.datetime | None]  # a notice's stated transaction time, else its own


def _counted_debit(e: Event) -> bool:
    return (e.kind is EventKind.BANK_NOTICE and e.direction is Direction.DEBIT and e.amount is not None
            and not e.needs_review)


def _platform(e: Event) -> str | None:
    name = e.details.get("institution")
    return name if institutions.kind(name) == "payment" else None


def _bank(e: Event) -> bool:
    return institutions.kind(e.details.get("institution")) in BANKS or bool(e.details.get("bank"))


def _linked(platform: Event, bank: Event, name: str) -> bool:
    """The bank's text names the platform, or both name one card tail (and tails never differ)."""
    mine, theirs = platform.details.get("card_tail"), bank.details.get("card_tail")
    if mine and theirs:
        return mine == theirs
    body = bank.details.get("body", "")
    return any(spelling in body for spelling in institutions.spellings(name))


def mark(events: Sequence[Event], lang: str, when: When) -> tuple[list[Event], list[Issue]]:
    """`events` with each platform debit that repeats a bank's debit marked for review, and the
    warnings saying which; each bank notice stands for at most one platform notice, nearest first."""
    platform = {i: name for i, e in enumerate(events) if _counted_debit(e) and (name := _platform(e))}
    if not platform:
        return list(events), []
    banks: dict[tuple[object, str], list[int]] = defaultdict(list)
    for i, e in enumerate(events):
        if i not in platform and _counted_debit(e) and _bank(e):
            banks[(e.amount, e.details.get("currency", "CNY"))].append(i)
    pairs: list[tuple[dt.timedelta, int, int]] = []
    for p, name in platform.items():
        e, t = events[p], when(events[p])
        for b in banks.get((e.amount, e.details.get("currency", "CNY")), ()):
            u = when(events[b])
            if t is not None and u is not None and abs(t - u) <= WINDOW and _linked(e, events[b], name):
                pairs.append((abs(t - u), p, b))
    return _marked(events, pairs, "same_movement", lang)


def _marked(events: Sequence[Event], pairs: list[tuple[dt.timedelta, int, int]], code: str,
            lang: str) -> tuple[list[Event], list[Issue]]:
    """Each (gap, marked, other) pair, nearest first, each event in one pair at most: `marked`
    kept, shown and marked for review naming `other`, with a warning (templates: `code`)."""
    out, issues, taken = list(events), [], set[int]()
    for _gap, m, o in sorted(pairs):
        if m in taken or o in taken:
            continue
        taken.update((m, o))
        e, other = events[m], events[o]
        message = template.t(lang, f"sources.{code}", path=e.source.path, locator=e.source.locator,
                             other_path=other.source.path, other_locator=other.source.locator)
        out[m] = spool.replace(e, details=model.for_review(e.details, message),
                               summary=e.summary + template.t(lang, f"events.{code}"))
        issues.append(Issue(Severity.WARNING, code, message, path=e.source.path, locator=e.source.locator))
    return out, issues


def _returns(e: Event) -> bool:
    return (e.kind is EventKind.BANK_NOTICE and e.direction is Direction.CREDIT and e.amount is not None
            and not e.needs_review and e.details.get("direction_basis") in RETURN_BASES)


def _same_account(debit: Event, back: Event) -> bool:
    """Tails that agree, and one institution when both name theirs."""
    tails = debit.details.get("card_tail"), back.details.get("card_tail")
    names = debit.details.get("institution"), back.details.get("institution")
    return not (all(tails) and tails[0] != tails[1]) and not (all(names) and names[0] != names[1])


def undone(events: Sequence[Event], lang: str) -> tuple[list[Event], list[Issue]]:
    """`events` with each debit that a later reversal or refund of the same amount returns marked
    for review, and the warnings saying which; each return stands for one debit, the nearest."""
    backs = [i for i, e in enumerate(events) if _returns(e)]
    if not backs:
        return list(events), []
    debits: dict[tuple[object, str], list[int]] = defaultdict(list)
    for i, e in enumerate(events):
        if _counted_debit(e):
            debits[(e.amount, e.details.get("currency", "CNY"))].append(i)
    pairs: list[tuple[dt.timedelta, int, int]] = []
    for r in backs:
        back = events[r]
        for d in debits.get((back.amount, back.details.get("currency", "CNY")), ()):
            gap = back.time - events[d].time
            if dt.timedelta(0) <= gap <= RETURN_WINDOW and _same_account(events[d], back):
                pairs.append((gap, d, r))
    return _marked(events, pairs, "returned_debit", lang)

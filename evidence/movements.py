"""One movement told twice: a payment platform's debit notice that a bank's own notice also reports.

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
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence

from evidence import model, spool, template
from evidence.banksms import institutions
from evidence.model import Direction, Event, EventKind, Issue, Severity

WINDOW = dt.timedelta(minutes=10)  # a platform's notice and the bank's of one payment
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
    out, issues, taken = list(events), [], set[int]()
    for _gap, p, b in sorted(pairs):
        if p in taken or b in taken:
            continue
        taken.update((p, b))
        e, bank = events[p], events[b]
        message = template.t(lang, "sources.same_movement", path=e.source.path, locator=e.source.locator,
                             bank_path=bank.source.path, bank_locator=bank.source.locator)
        out[p] = spool.replace(e, details=model.for_review(e.details, message),
                               summary=e.summary + template.t(lang, "events.same_movement"))
        issues.append(Issue(Severity.WARNING, "same_movement", message, path=e.source.path,
                            locator=e.source.locator))
    return out, issues

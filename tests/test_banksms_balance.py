"""Balance check and needs-review through the timeline: before ± amount = after, uncertainty shown.

Events are built by the real SMS event builder (sources/common.message_event), as every SMS
source builds them, then put through timeline.build.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from evidence import extract, joint, timeline, times
from evidence.model import Direction, EventKind, SourceRef, Victim
from evidence.sources import common

SH = times.zone("Asia/Shanghai")


def ctx(lang: str = "zh-Hans") -> extract.Context:
    return extract.Context(tz=SH, lang=lang, victim=Victim(id="V001", folder=Path("/nonexistent")))


def sms(c: extract.Context, i: int, minute: int, body: str, sender: str = "95588"):
    return common.message_event(
        time=dt.datetime(2015, 3, 18, 20, minute, tzinfo=SH), party=sender, incoming=True, body=body,
        source=SourceRef("sms-20150320.xml", "a" * 64, f"sms[{i}]"), ctx=c)


def build(bodies: list[tuple[int, str]], lang: str = "zh-Hans") -> timeline.Timeline:
    c = ctx(lang)
    events = [sms(c, i, minute, body) for i, (minute, body) in enumerate(bodies, start=1)]
    assert c.victim is not None
    return timeline.build(events, c.victim, c)


def _by_locator(tl: timeline.Timeline, locator: str):
    return next(e for e in tl.events if e.source.locator == locator)


def test_consecutive_balances_confirm_the_direction() -> None:
    tl = build([(30, "尾号6217卡3月18日20:30网上银行收入(他行汇入)1,000元，余额1,500.00元。【工商银行】"),
                (31, "尾号6217卡3月18日20:31快捷支付支出(网银在线)200元，余额1,300.00元。【工商银行】")])
    second = _by_locator(tl, "sms[2]")
    assert second.details["balance_check"] == "confirmed" and second.direction is Direction.DEBIT
    assert tl.facts.total_debited == Decimal("200")
    assert not [i for i in tl.issues if i.code.startswith("balance_")]


def test_balances_decide_a_direction_the_words_leave_open() -> None:
    tl = build([(30, "尾号6217卡3月18日20:30网上银行收入(他行汇入)1,000元，余额1,500.00元。【工商银行】"),
                (31, "【工商银行】您尾号6217账户3月18日20:31转账200.00元，余额1,300.00元。")])
    second = _by_locator(tl, "sms[2]")
    assert second.direction is Direction.DEBIT
    assert (second.details["direction_basis"], second.details["balance_check"]) == ("balance", "decided")
    assert "needs_review" not in second.details and "余额" in second.summary
    assert tl.facts.total_debited == Decimal("200.00")


def test_balances_never_turn_a_hold_into_a_debit() -> None:
    """A 预授权 lowers the balance the bank shows, but moves no money: it stays for review."""
    tl = build([(30, "尾号6217卡3月18日20:30网上银行收入(他行汇入)1,000元，余额1,500.00元。【工商银行】"),
                (31, "【工商银行】您尾号6217卡3月18日20:31预授权人民币200.00元，余额1,300.00元。")])
    second = _by_locator(tl, "sms[2]")
    assert second.direction is None and second.details.get("needs_review") == "true"
    assert tl.facts.total_debited == Decimal("0")


def test_undecided_notice_is_shown_never_counted() -> None:
    tl = build([(31, "【工商银行】您尾号6217账户3月18日20:31转账9,999.00元。"),
                (32, "尾号6217卡3月18日20:32快捷支付支出(网银在线)200元，余额1,300.00元。【工商银行】")])
    first = _by_locator(tl, "sms[1]")
    assert first.direction is None and first.details["needs_review"] == "true"
    assert first.details["review_reason"]
    assert first.summary.startswith("方向待核实") and "转账9,999.00元" in first.summary  # the full text
    row = timeline.event_json(first, ctx())
    assert row["needs_review"] is True and row["direction"] is None
    assert tl.facts.total_debited == Decimal("200")
    c = ctx()
    assert c.victim is not None
    claimant = joint.claimant(c.victim, tl)
    assert claimant.amount_lost == Decimal("200")
    en = build([(31, "【工商银行】您尾号6217账户3月18日20:31转账9,999.00元。")], lang="en")
    assert en.events[0].summary.startswith("Direction to be verified")


def test_a_contradiction_withdraws_the_direction_and_names_both_messages() -> None:
    tl = build([(30, "尾号6217卡3月18日20:30网上银行收入(他行汇入)1,000元，余额1,500.00元。【工商银行】"),
                (31, "尾号6217卡3月18日20:31网上银行收入(他行汇入)200元，余额1,300.00元。【工商银行】")])
    second = _by_locator(tl, "sms[2]")
    assert second.direction is None and second.details["needs_review"] == "true"
    assert second.details["balance_check"] == "contradiction"
    issue = next(i for i in tl.issues if i.code == "balance_contradiction")
    assert "sms[1]" in issue.message and "sms[2]" in issue.message
    assert "sms[1]" in second.summary  # the chronology shows it


def test_a_gap_in_the_chain_is_reported_and_the_words_stand() -> None:
    tl = build([(30, "尾号6217卡3月18日20:30网上银行收入(他行汇入)1,000元，余额1,500.00元。【工商银行】"),
                (31, "尾号6217卡3月18日20:31快捷支付支出(网银在线)200元，余额900.00元。【工商银行】")])
    second = _by_locator(tl, "sms[2]")
    assert second.direction is Direction.DEBIT and second.details["balance_check"] == "mismatch"
    assert any(i.code == "balance_mismatch" and "sms[1]" in i.message for i in tl.issues)
    assert tl.facts.total_debited == Decimal("200")


def test_a_second_copy_of_one_notice_is_withheld_not_counted_twice() -> None:
    body = "尾号6217卡3月18日20:31快捷支付支出(网银在线)200元，余额1,300.00元。【工商银行】"
    tl = build([(31, body), (31, body)])
    first, second = _by_locator(tl, "sms[1]"), _by_locator(tl, "sms[2]")
    assert first.direction is Direction.DEBIT and second.direction is None
    assert second.details["balance_check"] == "duplicate" and second.details["needs_review"] == "true"
    assert tl.facts.total_debited == Decimal("200")
    assert any(i.code == "balance_duplicate" and "sms[1]" in i.message for i in tl.issues)


def test_other_cards_and_other_banks_are_separate_chains() -> None:
    tl = build([(30, "尾号6217卡3月18日20:30网上银行收入(他行汇入)1,000元，余额1,500.00元。【工商银行】"),
                (31, "尾号1111卡3月18日20:31快捷支付支出(网银在线)200元，余额50.00元。【工商银行】")])
    assert not [i for i in tl.issues if i.code.startswith("balance_")]


def test_facts_domains_are_only_flagged_links() -> None:
    c = ctx()
    events = [
        sms(c, 1, 10, "【京东】您的订单因质量问题需办理退款，请登录 jd-tuikuan.com/x 填写退款信息", "13757123456"),
        sms(c, 2, 11, "【招商银行】年终好礼 cmbt.cn/a/DX25 。", "95555"),
    ]
    assert c.victim is not None
    tl = timeline.build(events, c.victim, c)
    assert tl.facts.domains == ("jd-tuikuan.com",)
    phish = next(e for e in tl.events if e.kind is EventKind.PHISHING)
    assert "仿冒jd" in phish.details["phishing_reason"]

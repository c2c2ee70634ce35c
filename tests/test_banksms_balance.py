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


def test_a_gap_in_the_chain_is_recorded_not_reported_and_the_words_stand() -> None:
    """Banks do not notify every movement and phones keep only some messages: a balance that does
    not chain is what real data looks like, not a problem (7 such "problems" on 39 real messages)."""
    tl = build([(30, "尾号6217卡3月18日20:30网上银行收入(他行汇入)1,000元，余额1,500.00元。【工商银行】"),
                (31, "尾号6217卡3月18日20:31快捷支付支出(网银在线)200元，余额900.00元。【工商银行】")])
    second = _by_locator(tl, "sms[2]")
    assert second.direction is Direction.DEBIT and second.details["balance_check"] == "gap"
    assert "sms[1]" in second.details["balance_previous"] and "余额" not in second.summary.split("。")[-1]
    assert not [i for i in tl.issues if i.code.startswith("balance_")]
    assert tl.facts.total_debited == Decimal("200")


def test_real_credits_with_debits_in_between_raise_no_problem() -> None:
    """Three real 民生银行 notices of one account (dev sms739): credits only, the balance falls in
    between (payments not notified by SMS). Several banks' wording alike."""
    for bodies in (
        ["账户*1895于09月10日11:00存入￥10.00元，可用余额111.26元。银联入账-商户资金结算-张**支付宝转账。【民生银行】",
         "账户*1895于09月11日14:26存入￥300.00元，可用余额304.83元。田*支付宝转账-田*支付宝转账。【民生银行】",
         "账户*1895于09月12日14:41存入￥1.00元，可用余额5.83元。存入￥500.00元。【民生银行】"],
        ["【邮储银行】26年06月15日15:04某公司账户9511向您尾号9653账户他行汇入，收入金额8407.27元，余额8419.67元",
         "【邮储银行】26年06月15日20:35您尾号9653账户向崔某尾号2863账户跨行汇出，支出金额8000.00元，余额387.77元",
         "【邮储银行】26年06月16日09:10您尾号9653账户快捷支付，支出金额30.00元，余额300.00元"],
    ):
        tl = build([(10 + k, b) for k, b in enumerate(bodies)])
        assert not [i for i in tl.issues if i.code.startswith("balance_")], bodies[0]
        assert all(e.direction is not None for e in tl.events if e.amount)


def test_notices_received_out_of_order_within_minutes_are_no_contradiction() -> None:
    """Two payments of one amount in one minute: the later balance may arrive first. Compared in
    the order that chains, they confirm each other; as received they would look like a credit."""
    for first, second in (
        ("尾号6217卡3月18日20:31快捷支付支出(网银在线)100元，余额800.00元。【工商银行】",
         "尾号6217卡3月18日20:31快捷支付支出(网银在线)100元，余额900.00元。【工商银行】"),
        ("【招商银行】您账户0951于03月18日20:31消费人民币100.00，余额800.00",
         "【招商银行】您账户0951于03月18日20:31消费人民币100.00，余额900.00"),
    ):
        tl = build([(31, first), (31, second)])
        assert not [i for i in tl.issues if i.code.startswith("balance_")]
        assert all(e.direction is Direction.DEBIT for e in tl.events)
        assert tl.facts.total_debited == Decimal("200")
    # far apart in time, the order is the order: the same figures are a contradiction
    tl = build([(1, "尾号6217卡3月18日20:01快捷支付支出(网银在线)100元，余额800.00元。【工商银行】"),
                (40, "尾号6217卡3月18日20:40快捷支付支出(网银在线)100元，余额900.00元。【工商银行】")])
    assert [i.code for i in tl.issues if i.code.startswith("balance_")] == ["balance_contradiction"]


def test_available_and_account_balances_are_not_compared_for_direction() -> None:
    """可用余额 moves with holds and overdraft lines, 余额 does not: a pair of them decides nothing."""
    tl = build([(30, "尾号6217卡3月18日20:30网上银行收入(他行汇入)1,000元，可用余额1,500.00元。【工商银行】"),
                (31, "尾号6217卡3月18日20:31网上银行收入(他行汇入)200元，余额1,300.00元。【工商银行】")])
    assert not [i for i in tl.issues if i.code.startswith("balance_")]
    assert _by_locator(tl, "sms[2]").direction is Direction.CREDIT


def test_a_credit_card_and_a_debit_card_with_one_tail_are_two_chains() -> None:
    tl = build([(30, "【中信银行】您尾号6217的借记卡3月18日20:30转入人民币1,000.00元，余额1,500.00元。"),
                (31, "【中信银行】您尾号6217的信用卡3月18日20:31存入人民币200.00元，余额1,300.00元。")])
    assert not [i for i in tl.issues if i.code.startswith("balance_")]
    assert _by_locator(tl, "sms[2]").direction is Direction.CREDIT


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


def test_balances_never_turn_a_transfer_in_transit_into_a_debit() -> None:
    """A transfer still on its way (在途, 处理中, 预计…到账) may come back: shown for review with its
    reason and amount, never counted, even when the balances would fit a debit (issue 16)."""
    tl = build([(30, "尾号6217卡3月18日20:30网上银行收入(他行汇入)1,000元，余额1,500.00元。【工商银行】"),
                (31, "尾号6217卡3月18日20:31向张*转账200元，资金在途，预计3月19日到账，余额1,300.00元。【工商银行】")])
    second = _by_locator(tl, "sms[2]")
    assert second.direction is None and second.details.get("needs_review") == "true"
    assert "在途" in second.details["review_reason"] and second.amount == Decimal("200")
    assert tl.facts.total_debited == Decimal("0")


def test_a_returned_transfer_offsets_its_debit_and_counts_nothing_alone() -> None:
    """转账…失败，资金已退回 after the transfer's own debit notice: the return is money in and the
    balances confirm both; the money came back, so the debit is shown for review naming the return
    and counted in no loss (evidence/movements.py); alone, the return counts in no loss total
    (issue 16: a credit is right where the money really came back, never a debit)."""
    debit = "尾号6217卡3月18日20:30转账支出(跨行汇款)500元，余额1,000.00元。【工商银行】"
    back = "尾号6217卡3月18日20:40跨行汇款500元失败，资金已退回，余额1,500.00元。【工商银行】"
    tl = build([(30, debit), (40, back)])
    returned = _by_locator(tl, "sms[2]")
    assert returned.direction is Direction.CREDIT and returned.details["balance_check"] == "confirmed"
    undone = _by_locator(tl, "sms[1]")
    assert undone.direction is Direction.DEBIT and undone.needs_review and "sms[2]" in undone.details["review_reason"]
    assert tl.facts.total_debited == Decimal("0")
    alone = build([(40, back)])
    assert alone.facts.total_debited == Decimal("0")
    assert _by_locator(alone, "sms[1]").direction is not Direction.DEBIT


def test_a_movement_whose_text_states_no_amount_is_shown_and_counted_nowhere() -> None:
    """您账户…发生快捷支付扣款 with no figure: a debit of the holder's account (its own verbs say
    so) shown for review with the reason, beside a notice whose balance it must not break;
    nothing counted from it. Money in without a figure, or no movement at all, stays an ordinary
    notice."""
    tl = build([(30, "【招商银行】您账户2836于03月18日20:30在【财付通-微信支付-微信转账】发生快捷支付扣款"),
                (31, "【招商银行】您账户2836于03月18日20:31在【财付通-微信支付】快捷支付扣款"
                     "人民币100.00元，余额900.00元"),
                (32, "【招商银行】您账户2836于03月18日20:32入账")])
    unstated = _by_locator(tl, "sms[1]")
    assert unstated.kind is EventKind.BANK_NOTICE and unstated.direction is Direction.DEBIT
    assert unstated.amount is None and unstated.details.get("needs_review") == "true"
    assert "没有写金额" in unstated.details["review_reason"] and "扣款" in unstated.details["review_reason"]
    arrived = _by_locator(tl, "sms[3]")  # money in without a figure: an ordinary notice
    assert arrived.direction is None and arrived.details.get("needs_review") is None
    assert tl.facts.total_debited == Decimal("100")
    plain = build([(30, "【招商银行】您账户2836已开通短信服务")])
    assert _by_locator(plain, "sms[1]").details.get("needs_review") is None
    failed = build([(30, "【招商银行】您账户2836于03月18日20:30在财付通快捷支付扣款。扣款失败")])
    assert _by_locator(failed, "sms[1]").direction is None
    reminder = build([(30, "【工商银行】温馨提示：您尾号1234的贷款即将扣款，本期应还")])
    assert _by_locator(reminder, "sms[1]").direction is None

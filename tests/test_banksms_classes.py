"""The bank-SMS reader, third pass: one test per CLASS of language, each with the real dev message
that showed the class (quoted from tests/data/bank_sms/dev, id in the comment) and with variants
written here - other banks, other word order, other amounts - that exercise the same rule
differently. Messages marked `constructed` are composed in the banks' real templates for these
tests: they are tests of a rule, never data for the eval (bench/notices_eval.py reads only
tests/data/bank_sms/)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from evidence import notices, times
from evidence.model import Direction

SH = times.zone("Asia/Shanghai")
RECEIVED = dt.datetime(2015, 3, 18, 21, 0, tzinfo=SH)
IN, OUT = Direction.CREDIT, Direction.DEBIT
REVIEW = "review"


def read(body: str, sender: str = "") -> notices.Notice:
    return notices._classify(body, sender, RECEIVED, SH)  # the inner parser: a bug must show


def outcome(n: notices.Notice) -> Direction | str | None:
    """IN / OUT for a movement, "review" for money shown as 方向待核实, else the no-money category."""
    if n.needs_review:
        return REVIEW
    return n.direction if n.direction is not None else n.category


def check(body: str, sender: str, want: Direction | str | None, amount: str | None) -> notices.Notice:
    n = read(body, sender)
    assert outcome(n) == want, n
    if want in (IN, OUT, REVIEW):
        assert n.amount == (Decimal(amount) if amount else None), n
    return n


# ---- a deduction that was only partly made: 应扣 is due, 实扣 moved ----------------------------
# Class: an auto-repayment or direct debit that could take only part of what was due states both
# figures (应扣 X, 实扣 Y / 还款金额 Y) and words of failure (未足额扣款, 余额不足, 失败) about the
# rest. Y moved; 应扣 never did. Whose money: the account the notice speaks of - a credit card
# repaid (its notice tells the holder to repay the rest: money INTO the card) or the deposit
# account that paid (money out).
PARTIAL = [
    # dev c-unresolved-code-3 (招商银行): the card's notice, money into the card
    ("【招商银行】您招行个人消费卡账户预约还款未足额扣款，应扣人民币13475.44，实扣人民币4318.96，剩余部分请自行还款。"
     "点 cmbt.cn/4Nz 自行还款或咨询信用卡客服了解更多还款方式", "", IN, "4318.96"),
    # dev c-unresolved-code-4 (招商银行): the account paying its linked card, money out
    ("【招商银行】您账户8747关联个人信用卡扣款，应扣人民币9156.48，实扣9156.48。", "", OUT, "9156.48"),
    # constructed: another bank's card, the figures in the other order, with 元
    ("【中信银行】您尾号1234信用卡自动还款扣款未足额，实扣人民币500.00元，应扣人民币2,000.00元，"
     "剩余欠款请于到期日前自行还款。", "95558", IN, "500.00"),
    # constructed: a deposit account's own notice of a partial direct debit
    ("【工商银行】您尾号5678账户代扣信用卡还款，应扣金额1,200.00元，实扣金额800.00元，余额0.00元。", "95588",
     OUT, "800.00"),
    # constructed: nothing was taken at all - a failure, no money
    ("【建设银行】您的龙卡信用卡自动还款扣款失败，应扣人民币1,000.00元，实扣人民币0.00元，请及时还款。", "95533",
     "failed", None),
]


@pytest.mark.parametrize(("body", "sender", "want", "amount"), PARTIAL, ids=lambda v: str(v)[:24])
def test_a_partial_deduction_moved_what_was_actually_taken(body: str, sender: str, want: Direction | str,
                                                           amount: str | None) -> None:
    check(body, sender, want, amount)


def test_a_partial_repayment_card_reads_its_repaid_figure() -> None:
    # dev c-autorule-wechat-24 (招商银行信用卡 on WeChat): the card's lines
    body = ("还款账户:个人消费卡账户\n应扣金额:人民币61597.12元\n还款金额:人民币13905.14元\n"
            "失败原因:关联活期账户余额不足，未足额扣款\n还款方式:预约还款失败，剩余欠款请自行还款至信用卡")
    check(body, "招商银行信用卡", IN, "13905.14")


# ---- 还款: a debt repaid, the direction from which account the notice speaks of ----------------
# Class: 还款/偿还/已还 say a debt was repaid. Out of the holder's account when the notice names the
# debt it paid (信用卡还款, 向尾号X的信用卡还款, 微粒贷…还款卡为X); into the account when the notice is
# the debt account's own (a credit card, a lender, a notice telling the holder how to repay it or
# what is still owed); naming neither, shown for review - never a guessed debit.
REPAID = [
    # dev evanhlx-7 (光大银行): the repayment advice says the card is the account repaid
    ("光大卡尾号6644还款5200元。如果您有多个账户，请区分账户、币种分别还款。竞猜世界杯，瓜分百亿积分。"
     "详见阳光惠生活APP[光大银行]", "", IN, "5200"),
    # constructed: the same notice without the advice: which account? review
    ("光大卡尾号6644还款5200元。[光大银行]", "95595", REVIEW, "5200"),
    # constructed: another bank, the repayment named with its debt (the account pays a card)
    ("【民生银行】您尾号2468账户03月18日信用卡还款人民币1,500.00元，余额300.00元。", "95568", OUT, "1500.00"),
    # dev unresolved-code-97 (a housing-fund loan): the total repaid, its parts and what is still owed
    ("您好!您于2019年6月30日偿还公积金贷款2455.21,其中本金1250.00元、利息1205.21元。剩余贷款本金为443750.00元。",
     "", IN, "2455.21"),
    # constructed: a bank's mortgage notice with the same breakdown, figures with 元
    ("【建设银行】您的个人住房贷款于03月18日归还本息3,513.34元，其中本金1,200.00元，利息2,313.34元，"
     "剩余本金480,000.00元。", "95533", IN, "3513.34"),
    # constructed: a consumer-finance lender's own notice (SCHEMA.md: money into the loan account)
    ("【某某消费金融】您尾号0123的借款于03月18日成功还款800.00元。", "", IN, "800.00"),
]


@pytest.mark.parametrize(("body", "sender", "want", "amount"), REPAID, ids=lambda v: str(v)[:24])
def test_a_repayment_is_read_from_the_account_the_notice_speaks_of(body: str, sender: str,
                                                                   want: Direction | str, amount: str) -> None:
    check(body, sender, want, amount)

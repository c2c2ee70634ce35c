"""The bank-SMS reader, fourteenth pass: the gaps the thirteenth pass named, closed as language
classes, and what the seventh blind round (sets j, n, p, v-z in tests/data/bank_sms_audit/) showed.
Each class is tested with the audit line that showed it (id in the comment) and variants written here;
the debits that must stay debits stand beside them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from evidence.model import Direction
from tests.test_banksms_ninth import IN, OUT, outcome, read

# ---- a figure of its own inside brackets says nothing of the amount's direction ---------------------
FIGURE_IN_BRACKETS = [
    # ru-4: a merchant acquirer's settlement, its fee taken off in brackets, paid into the shop's card
    ("【收钱吧】尊敬的商户，您的门店“老街面馆”05月11日交易已结算，结算金额2,318.40元（已扣手续费8.12元），"
     "已转入尾号6621的银行卡，请注意查收。", "106900000000", IN, "2318.40"),
    ("【建设银行】您尾号3310的账户05月12日跨行汇入1,000.00元(已扣汇费5.00元)，余额6,200.00元。", "95533", IN,
     "1000.00"),
    ("【中国银行】您的借记卡账户尾号0921于05月12日收入人民币2,000.00元（扣除手续费10.00元后入账），余额2,500.00元。",
     "95566", IN, "2000.00"),
    # the debits stay debits: the bracket only says what the fee was
    ("【工商银行】您尾号4410卡05月12日跨行转出3,000.00元（手续费3.00元），余额1,200.00元。", "95588", OUT, "3000.00"),
    ("【农业银行】您尾号8821账户05月12日支出人民币500.00元（含手续费2.00元），余额300.00元。", "95599", OUT, "500.00"),
]


@pytest.mark.parametrize(("body", "sender", "way", "amount"), FIGURE_IN_BRACKETS, ids=lambda v: str(v)[:20])
def test_a_bracket_holding_another_figure_does_not_vote(body: str, sender: str, way: Direction,
                                                         amount: str) -> None:
    n = read(body, sender)
    assert outcome(n) == way and n.amount == Decimal(amount), n


# ---- principal and yield paid together: the total is what arrived ------------------------------
@pytest.mark.parametrize(("body", "amount"), [
    # ru-27
    ("【华夏银行】您尾号2020账户于05月20日理财产品到期兑付，本金50,000.00元，收益812.33元，本息合计50,812.33元已入账。",
     "50812.33"),
    ("【宁波银行】您尾号6612的理财产品已到期，本金20,000.00元，收益301.37元，本息共计20,301.37元已划入您的账户。",
     "20301.37"),
])
def test_the_total_of_principal_and_yield_is_the_amount(body: str, amount: str) -> None:
    n = read(body, "95577")
    assert outcome(n) == IN and n.amount == Decimal(amount), n


def test_a_loan_bill_total_of_principal_and_interest_is_still_a_bill() -> None:
    n = read("【工商银行】您的个人贷款本月应还本息合计3,456.78元，请于05月20日前存足。", "95588")
    assert n.direction is None and not n.needs_review, n


# ---- institutions the reader did not know -------------------------------------------------------
@pytest.mark.parametrize(("body", "sender", "bank", "way", "amount"), [
    # rs-13, rs-45: Taiwan's CTBC signs 中國信託
    ("【中國信託】您的帳戶*5537於10/04 13:06轉帳支出NT$15,000，帳戶餘額NT$2,891。", "", "中国信托", OUT, "15000"),
    ("【中國信託】您的帳戶末四碼0812於10/18 20:03 ATM存款NT$30,000，可用餘額NT$31,442。", "", "中国信托", IN, "30000"),
    # rs-33: AlipayHK
    ("AlipayHK: You have transferred HK$2,000.00 to CHAN T** M** (+852 ****5187) on 20/10.", "", "支付宝香港", OUT,
     "2000.00"),
    # rs-26: an English 'Txn of CNY 458.00 … at' alert (the figure's point is no sentence end)
    ("SCB Alert: Txn of CNY 458.00 on card ending 1106 at CTRIP on 12Oct. Avail limit CNY 24,542.00. "
     "Call 800-820-8088 if not authorised.", "1069095888", "渣打银行", OUT, "458.00"),
    ("Citibank: Your card ending 7712 was charged RMB 1,280.50 at JD.COM on 12Oct.", "1069095888", "花旗银行", OUT,
     "1280.50"),
])
def test_foreign_and_cross_strait_institutions(body: str, sender: str, bank: str, way: Direction,
                                               amount: str) -> None:
    n = read(body, sender)
    assert n.institution == bank and n.direction == way and n.amount == Decimal(amount), n

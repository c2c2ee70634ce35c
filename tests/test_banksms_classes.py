"""The bank-SMS reader, third pass: one test per CLASS of language, each with the real dev message
that showed the class (quoted from tests/data/bank_sms/dev, id in the comment) and with variants
written here - other banks, other word order, other amounts - that exercise the same rule
differently. Messages marked `constructed` are composed in the banks' real templates for these
tests: they are tests of a rule, never data for the eval (bench/notices_eval.py reads only
tests/data/bank_sms/)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

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
    # the same without the lender's name: the holder's account repaid is the loan itself (尾号0123的借款)
    ("您尾号0123的借款于03月18日成功还款800.00元。", "10690000000", IN, "800.00"),
]


@pytest.mark.parametrize(("body", "sender", "want", "amount"), REPAID, ids=lambda v: str(v)[:24])
def test_a_repayment_is_read_from_the_account_the_notice_speaks_of(body: str, sender: str,
                                                                   want: Direction | str, amount: str) -> None:
    check(body, sender, want, amount)


# ---- offers, limits, settings, bills: figures that never moved -------------------------------
# Class: an offer says what the holder CAN do (可申请, 可在本行申请, 可办理), on a condition (回复X确认
# 办理, 以审批为准, 如有需要请回复) or at a rate (日利率0.05%) - its figure is bait even beside a money
# verb (取现, 划转到储蓄卡). A temporary limit (临额, 临时额度可提至) is a limit. A base or rate set to
# a figure (缴存基数调整为) is a setting. A bill stated by month (6月应还, 最后还款日) is a bill, also
# when an instalment offer stands beside it; a loan's 约定还款日 / 本次应还 is a reminder.
NO_MONEY = [
    # dev smscode-core-1 (平安银行): was the spurious CNY 50,000 debit
    ("【平安银行】您是我行优质客户，阅读业务条款后回复260404确认办理，可申请取现金额50000.00元，快至实时划转到储蓄卡1822。"
     "日利率0.050%，年化利率18.25%（单利），且手续费一次性收取0.000%。请务必点击 br.pingan.com/zYR 阅读业务条款，"
     "回复短信即视为您同意办理，04月07日前有效，以审批为准。拒收请回复R", "", "promo"),
    # constructed: the same offer in another bank's words, the money verb first
    ("【招商银行】尊敬的客户，转入您尾号1234储蓄卡的备用金最高可申请80,000.00元，回复1确认办理，以审批结果为准。",
     "95555", "promo"),
    # dev c-unresolved-code-8 (建设银行)
    ("【建设银行】尊敬的客户，您可在本行申请一笔450000元备用金，期限三年，随用随还。如有需要请及时回复，"
     "回复1查利率，回复2办理退订回T", "", "promo"),
    # dev c-heart5-everwork-4 and assetsking-15; constructed: another bank's temporary limit
    ("白**先生，您个人信用卡账户临额调整成功，该账户临额66000元，有效期至2015年03月03日，当前可用额度为32281元，"
     "超出信用额度使用的款项将计入最低还款额。巧用额度理财，猛戳 t.cn/8FdmPg8 查询[招商银行]", "95555", "credit_limit"),
    ("【中信银行信用卡】您信用卡临时额度可提至39000元（审核为准）如同意请于2026年07月11日前回LKT申领", "",
     "credit_limit"),
    ("【交通银行】您尾号1234的信用卡临时额度将于03月20日失效，失效后额度恢复为20000元。", "95559", "credit_limit"),
    # dev unresolved-code-102 (广州公积金中心); constructed: a transfer limit set
    ("【广州公积金中心】尊敬的甘*,您尾号为671700的住房公积金账户,从2019年07月01日起,缴存基数调整为7523.0元,月汇缴金额调整",
     "", "other"),
    ("【工商银行】您尾号1234卡的手机银行单笔转账限额已设置为5,000.00元。", "95588", "other"),
    # dev evanhlx-2 (民生银行): a bill with an instalment offer; constructed: the offer's figure first
    ("【民生银行】您民生信用卡人民币账户6月应还人民币13096.00元，最后还款日7月1日。其中最多可申请11786.40元免息分期，"
     "回复FQZD3253即可分12期偿还，每期手续费仅为分期总额的0.67%", "", "statement"),
    ("【民生银行】最多可申请11786.40元免息分期，您民生信用卡6月应还人民币13096.00元，最后还款日7月1日。", "95568",
     "statement"),
    # dev unresolved-code-100 (荆州公积金): a loan's schedule
    ("【荆州公积金】尊敬的客户陈*,您好!04日是您的约定还款日,本次应还1856.41元。请您留意还款账户金额是否充足,"
     "以便我们按时划款。", "", "reminder"),
]


@pytest.mark.parametrize(("body", "sender", "want"), NO_MONEY, ids=lambda v: str(v)[:24])
def test_offers_limits_settings_and_bills_never_move_money(body: str, sender: str, want: str) -> None:
    check(body, sender, want, None)


def test_a_bills_total_is_not_its_minimum() -> None:
    # dev evanhlx-4 (光大银行): 最低应还 is the minimum
    n = read("05月账单：您的炎黄信用卡金卡金卡最低应还816.20元，应还16323.93元。到期还款日06月06日。[光大银行]",
             "95595")
    assert (n.category, n.statement_total) == ("statement", Decimal("16323.93"))
    n = read("【招商银行】您的信用卡3月账单应还人民币2,000.00元，最低应还人民币200.00元，到期还款日4月8日。", "95555")
    assert (n.category, n.statement_total) == ("statement", Decimal("2000.00"))


# ---- a service's own site in its own verification code -------------------------------------
# Class: an international service sending a code names itself and its site (Venmo … venmo.com);
# verify/account words beside that site are its wording, not a lure. A look-alike of a listed
# brand, an IP host or a site the text does not name stays flagged.
@pytest.mark.parametrize(("body", "flagged"), [
    # dev parseotp-13
    ("Scotty, 8583 is your Venmo phone verification code. Enter it at venmo.com or in the Venmo app to verify "
     "your account.", False),
    # constructed: other services, other word order
    ("Your Coinbase verification code is 483920. Never share it. Sign in only at coinbase.com to verify your "
     "account.", False),
    ("Discord: 771204 is your login code. Secure your account at discord.com", False),
    # constructed: the same wording with a site the message does not name, or a look-alike
    ("Your Venmo verification code is 483920. Verify your account at venmo-secure-login.com", True),
    ("Your verification code is 483920. Verify your account at secure-verify-id.com", True),
])
def test_a_services_own_site_in_its_code_message_is_no_lure(body: str, flagged: bool) -> None:
    n = read(body, "10690000000")
    assert bool(n.phishing) is flagged, n.phishing


# ---- English codes written before the word that names them ----------------------------------
# Class: an English message that refers back to "this code" / "the code" / "this one-time
# password" holds its code elsewhere - first, alone on a line, in brackets; the one 4-8 digit
# number in it is the code. A hotline (详询95588, call 95555) is never the code; Google's G-123456
# is a code in any language.
@pytest.mark.parametrize(("body", "code"), [
    ("843208 - Welcome to V2EX, this code is valid for 20 minutes", "843208"),  # dev taskerconfig-issues-8
    ("729565\nEnter this verification code when prompted by XX-XXXX FS to complete your sign in verification.",
     "729565"),  # dev 2fhey-issues-3
    ("[WeChat] Your Weixin is linking or verifying mobile number (897582). Don't forward the code!", "897582"),
    ("G-723210(이)가 Google 인증 코드입니다.", "723210"),  # dev parseotp-3 (Korean)
    ("You requested a secure one-time password to log in to your USCIS Account. Please enter this secure "
     "one-time password: 04352398", "04352398"),  # dev parseotp-17
    # constructed: the same forms from other services, a hotline beside the code
    ("(4417) Do not share this code with anyone. Questions? Call 95555.", "4417"),
    ("Welcome to Shopee! 552901 is valid for 5 minutes. Never share the code.", "552901"),
])
def test_an_english_code_given_before_its_word(body: str, code: str) -> None:
    n = read(body, "10690000000")
    assert n.code == code, n
    assert n.direction is None


def test_a_hotline_after_an_english_code_is_not_the_code() -> None:
    n = read("[WeChat] Your Weixin is linking or verifying mobile number (897582). Don't forward the code!详询95588")
    assert n.code == "897582"


# ---- an institution's notice reporting a movement as done ------------------------------------
# Class: a payment institution or bank writes to its user "到账X元" / "已扣款X元" / "支付成功" with no
# account named: signed by it (or sent from its number) and reported as done, it is about the
# user's account with it. The future (预计…到账, 将于…扣款) stays a reminder.
@pytest.mark.parametrize(("body", "sender", "want", "amount"), [
    ("【翼支付】钱到啦到账1.02元。如有疑问，请致电95106", "95106", IN, "1.02"),  # dev unresolved-code-142
    ("【云闪付】转账到账100.00元，可在云闪付APP查看。", "95516", IN, "100.00"),  # constructed
    ("【京东支付】已扣款59.90元，用于京东PLUS会员自动续费。", "", OUT, "59.90"),  # constructed
    ("【翼支付】您有一笔20.00元的提现将于次日到账。", "95106", "reminder", None),  # constructed
    # constructed: a refund issued is money coming back even while it travels (dev assetsking-40/41)
    ("【翼支付】您的退款预计1-3个工作日到账，金额20.00元。", "95106", IN, "20.00"),
])
def test_a_movement_reported_done_by_its_institution(body: str, sender: str, want: Direction | str,
                                                     amount: str | None) -> None:
    check(body, sender, want, amount)


# ---- account-service notices: the account changed, no money moved -----------------------------
# Class (SCHEMA: reminder): 开通, 注册, 变更, 修改, 绑定, 签约, 开立, 欢迎使用, a certificate issued; and
# 余额不足 said of an account, not of a transaction that failed (a warning to fund it).
@pytest.mark.parametrize(("body", "sender", "want"), [
    ("【中国农业银行】尊敬的客户：您尾号5670的农行账户的消息服务注册信息已于2021年05月04日14时33分成功变更！", "",
     "reminder"),  # dev c-unresolved-code-9
    # dev c-virtualid-tests-6
    ("【支付宝】您已修改邮箱,xht*@tmpmail.*的账户服务已停止。如有疑问,请致电95188", "", "reminder"),
    ("您已成功注册一网通，可享受招行优质服务。一网通支持多家银行卡，网上支付安全便捷。滴滴出行率先接入，欢迎体验，详询95555。"
     "[招商银行]", "95555", "reminder"),  # dev c-rupiahflash-smslog-11
    # constructed
    ("【建设银行】您尾号1234的储蓄卡已成功签约快捷支付（财付通），单笔限额5000元。", "95533", "reminder"),
    ("【光大银行】您已成功绑定尾号5678的借记卡，如非本人操作请致电95595。", "95595", "reminder"),  # constructed
    ("您在我行住房贷款（本金76.00万元）的供款账户余额不足", "", "reminder"),  # dev c-finance-etl-5
    # constructed
    ("【邮储银行】您尾号123账户余额不足，请于03月20日前存入足额资金以免影响贷款还款。", "95580", "reminder"),
    ("【工商银行】您尾号1234卡代扣电费因余额不足未成功，金额120.00元。", "95588", "failed"),  # constructed
])
def test_account_service_notices_move_no_money(body: str, sender: str, want: str) -> None:
    check(body, sender, want, None)


# ---- a link written straight before Chinese text ----------------------------------------------
# Class: `请登录http://www.cmbchina.com下载安装…`: the Chinese text after a Latin host is the
# sentence going on, not part of the host (an IDN label would be followed by a dot) - read into the
# host, the bank's own domain was a "look-alike" of itself.
@pytest.mark.parametrize(("body", "domain"), [
    ("欢迎使用招行网银专业版。使用网银专业版请登录http://www.cmbchina.com下载安装专业版软件，详细演示流程请浏览e95555.cn/zjBE2A。"
     "[招商银行]", "www.cmbchina.com"),  # dev c-rupiahflash-smslog-13
    ("【工商银行】请访问https://www.icbc.com.cn办理，谢谢。", "www.icbc.com.cn"),  # constructed
    ("【建设银行】详情见http://ccb.com:8080了解更多", "ccb.com"),  # constructed
])
def test_a_link_ends_where_chinese_text_begins(body: str, domain: str) -> None:
    n = read(body, "95555")
    assert domain in n.domains and n.phishing == (), (n.domains, n.phishing)


# ---- the holder's own tail, however many digits the bank prints --------------------------------
# Class: 尾号 says the digits are the tail, 3 to 6 of them; a masked number ends in the tail even
# when it is 3 digits; an account number written in full (in brackets after 账户) ends in it too -
# but 账号 alone is as often an app's login id, no money account's number.
@pytest.mark.parametrize(("body", "sender", "tail"), [
    ("【江苏银行】您尾号14083账户于2月23日转入人民币1,000.00元，余额1,003.01元，对方户名为何**，摘要：转账。", "",
     "14083"),  # dev unresolved-code-112
    ("【宁波银行】您尾号为603912的借记卡03月18日支出人民币88.00元，余额1,000.00元。", "", "603912"),  # constructed
    ("您的账户623177000001****752于30日13:43在总行清算中心转帐支出3,018.00元,余额51.94元。【营口银行】", "",
     "752"),  # dev c-unresolved-code-6
    ("【潍坊银行】您的账号6230********381于03月18日转入人民币500.00元。", "", "381"),  # constructed
    ("尊敬的公积金缴存职工:您的住房公积金账户(21900468455)于本日27-OCT-17汇缴261.00元.【太原公积金中心】", "",
     "8455"),  # dev c-unresolved-code-5
    ("【农业银行】您的账户（6228480012345678）于03月18日存入人民币200.00元。", "", "5678"),  # constructed
    # dev c-virtualid-tests-17: a platform's login id is no account tail
    ("【抖音火山版】抖音钱包异动提醒:您的账号90649567129于2021年09月06日22:01 完成3000元充值", "", None),
])
def test_the_own_tail_in_all_its_lengths(body: str, sender: str, tail: str | None) -> None:
    assert read(body, sender).card_tail == tail


# ---- banking practice the dev set under-represents -------------------------------------------
# Constructed, every one, in the banks' real templates (ICBC `尾号N卡M月D日HH:MM…收入/支出(…)X元，余额Y元`,
# CCB `您尾号N的储蓄卡…支出人民币X元,活期余额Y元`, ABC `完成…交易人民币-X，余额Y`, BOC `您的借记卡账户N，于…
# 支取人民币X元,交易后余额Y`, CMB `您账户N于…人民币X，余额Y`; DOMAIN.md B.3) and English card alerts.
# What each class means in practice, and so its direction:
# - a loan disbursed into the card (贷款发放, 放款, 发放至尾号N): in; a loan repayment taken from it: out;
# - wealth products bought from the card: out; redeemed, matured, dividends paid into it: in; a
#   time deposit rolled over at maturity (到期自动转存, 续存): nothing enters or leaves the card;
# - interest (结息): in; fees taken (年费, 管理费, 手续费, 短信费; 收取…费): out;
# - ATM and counter withdrawals, cash advances (取现, 预借现金): out; cash deposits: in;
# - a purchase abroad with its yuan settlement (入账/折合/约合人民币): the yuan are the amount, the
#   direction that of the purchase; a foreign amount alone stays in its currency;
# - a reversal undoes what it names: 消费冲正/支付撤销 in, 存款冲正/代发工资冲正/入账冲正 out;
# - a transfer to the holder's own other account: out of this one;
# - third-party quick payments from the card (财付通, 支付宝, 网银在线 快捷支付): out; 提现 into it: in;
# - 代扣 (direct debit): out; salary 代发: in; 退汇 (a remittance returned): in;
# - a card instalment approved or posted (第N期, 每期本金…已入账): no money - the purchase was its
#   own debit when made, and counting its instalments again would count it twice;
# - failed, declined, not successful: no money.
PRACTICE = [
    # loan disbursement
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分个人贷款发'
     '放收入人民币50,000.00元,活期余额50,100.00元。', IN, '50000.00'),
    ('尾号1234卡3月18日10:05放款收入(个人消费贷款)30,000元，余额30,500.00元。【工商银行】', IN, '30000'),
    ('【招商银行】您的闪电贷50000.00元已于03月18日发放至尾号1234账户，请查收。', IN, '50000.00'),
    ('【微众银行】您的微粒贷借款10000.00元已到账，收款卡为农业银行(3919)。', IN, '10000.00'),
    ('【中国农业银行】您尾号1234账户03月18日10:05完成贷款发放交易人民币20,000.00，余额20,100.00。', IN, '20000.00'),
    ('【中国银行】您的借记卡账户1234，于03月18日贷款放款收入人民币8,000.00元,交易后余额8,100.00', IN, '8000.00'),
    # loan deduction
    ('【中国银行】您的借记卡账户1234，于03月18日扣收贷款本息人民币3,513.34元,交易后余额1,000.00', OUT, '3513.34'),
    ('【中国农业银行】您尾号1234账户03月18日10:00完成贷款还款交易人民币-2,000.00，余额500.00。', OUT, '2000.00'),
    ('【邮储银行】18年03月18日10:00您尾号123账户贷款扣款，支出金额2,000.00元，余额500.00元。', OUT, '2000.00'),
    ('尾号1234卡3月18日10:05支出(贷款还款)3,513.34元，余额100.00元。【工商银行】', OUT, '3513.34'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分个人住房'
     '贷款还款支出人民币1,500.00元,活期余额200.00元。', OUT, '1500.00'),
    # wealth
    ('【招商银行】您账户1234于03月18日购买理财产品人民币50,000.00，余额1,000.00', OUT, '50000.00'),
    ('尾号1234卡3月18日10:05网上银行支出(理财购买)10,000元，余额500.00元。【工商银行】', OUT, '10000'),
    ('【招商银行】您账户1234于03月18日理财赎回到账人民币50,120.00，余额51,120.00', IN, '50120.00'),
    ('【交通银行】您尾号*1234的卡于03月18日理财产品到期兑付'
     '转入人民币10,150.00元,交易后余额为10,200.00元', IN, '10150.00'),
    ('【中国银行】您的借记卡账户1234，于03月18日基金分红收入人民币120.50元,交易后余额1,120.50', IN, '120.50'),
    ('【中国银行】您的借记卡账户1234，于03月18日理财产品赎回存入人民币20,000.00元,交易后余额20,100.00', IN, '20000.00'),
    ('尾号1234卡3月18日10:05收入(理财到期)5,000元，余额5,100.00元。【工商银行】', IN, '5000.00'),
    ('【建设银行】您尾号1234的账户3月18日定期存款10,000.00元到期自动转存。', 'other', None),
    ('【工商银行】您尾号1234卡定期存款3月18日到期，本金10,000.00元已按原存期续存。', 'other', None),
    # money moved between the holder's own current and time deposits leaves the holder nothing less:
    # no debit to count in a loss (thirteenth pass; the blind audit's helpers read 活期转存定期 so)
    ('尾号1234卡3月18日10:05活期转定期支出10,000元，余额500元。【工商银行】', 'other', None),
    # interest
    ('【工商银行】您尾号1234卡3月21日结息收入12.34元，余额1,012.34元。', IN, '12.34'),
    ('【建设银行】您尾号1234的储蓄卡3月21日利息存入人民币3.21元,活期余额1003.21元。', IN, '3.21'),
    ('您尾号1234账户03月21日结息入账人民币5.67元，利息税0.00元，余额605.67元。【光大银行】', IN, '5.67'),
    ('【中国农业银行】您尾号1234账户03月21日完成结息交易人民币1.23，余额101.23。', IN, '1.23'),
    ('【招商银行】您账户1234于03月21日结息人民币0.85，余额100.85', IN, '0.85'),
    # fees
    ('【工商银行】您尾号1234卡3月18日扣收年费10.00元，余额990.00元。', OUT, '10.00'),
    ('【建设银行】您尾号1234的账户3月18日支出人民币2.00元,可用余额998.00元。附言：短信服务费。', OUT, '2.00'),
    ('【中国银行】您的借记卡账户1234，于03月18日收取小额账户管理费人民币3.00元,交易后余额97.00', OUT, '3.00'),
    ('【招商银行】您账户1234于03月18日扣收跨行转账手续费人民币5.00，余额95.00', OUT, '5.00'),
    ('【交通银行】您尾号1234的信用卡于03月18日收取年费人民币100.00元。', OUT, '100.00'),
    # ATM / counter
    ('尾号1234卡3月18日10:05ATM取款1,000元，余额500.00元。【工商银行】', OUT, '1000'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分ATM取款支出人民币2,000.00元,活期余额100.00元。', OUT, '2000.00'),
    ('【中国农业银行】您尾号1234账户03月18日10:05完成ATM取款交易人民币-1,000.00，余额500.00。', OUT, '1000.00'),
    ('尾号1234卡3月18日10:05柜面存入5,000元，余额5,500.00元。【工商银行】', IN, '5000'),
    ('【中国农业银行】您尾号1234账户03月18日10:05完成现金存款交易人民币2,000.00，余额2,500.00。', IN, '2000.00'),
    ('【招商银行】您账户1234于03月18日10:05在ATM存款人民币1,000.00，余额1,500.00', IN, '1000.00'),
    ('【中国银行】您的借记卡账户1234，于03月18日柜台取款支取人民币3,000.00元,交易后余额100.00', OUT, '3000.00'),
    # cash advance
    ('【交通银行】您尾号1234交行信用卡18日10时05分取现人民币1,000.00元，手续费10.00元。', OUT, '1000.00'),
    ('【招商银行】您尾号1234信用卡03月18日10:05取现人民币2,000.00', OUT, '2000.00'),
    ('【中信银行】您尾号1234的中信卡于03月18日10:05预借现金人民币500.00元。', OUT, '500.00'),
    # cross border
    ('【招商银行】您尾号1234信用卡03月18日10:05在AMAZON消费USD 100.00，入账人民币690.50元', OUT, '690.50'),
    ('【工商银行】您尾号1234卡3月18日10:05境外消费支出(美国)USD 50.00，折合人民币345.20元。', OUT, '345.20'),
    ('【中国银行】您的信用卡1234于2015年03月18日在APPLE.COM消费JPY 1,000.00（约合人民币58.30元）。', OUT, '58.30'),
    ('您尾号1234的龙卡信用卡10月02日23:00消费/预付款858.00日元'
     '，当前可用额度123456元。实际消费金额以入账结算币种金额为准。【建设银行】', OUT, '858.00'),
    # reversal
    ('尾号1234卡3月18日10:05消费冲正100.00元，余额600.00元。【工商银行】', IN, '100.00'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分转账冲正收入人民币500.00元,活期余额1,500.00元。', IN, '500.00'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分代发工资冲正支出人民币5,000.00元,活期余额100.00元。', OUT, '5000.00'),
    ('尾号1234卡3月18日10:05存款冲正200.00元，余额300.00元。【工商银行】', OUT, '200.00'),
    ('【中国银行】您的借记卡账户1234，于03月18日银联入账冲正支取人民币88.00元,交易后余额12.00', OUT, '88.00'),
    ('【招商银行】您账户1234于03月18日10:05快捷支付撤销人民币300.00，余额800.00', IN, '300.00'),
    ('【民生银行】您尾号1234账户3月18日消费撤销人民币66.00元，余额600.00元。', IN, '66.00'),
    ('【中国农业银行】您尾号1234账户03月18日10:05完成转账冲正交易人民币-1,000.00，余额0.00。', OUT, '1000.00'),
    # own other account
    ('【招商银行】您账户1234于03月18日转账给本人尾号5678账户人民币1,000.00', OUT, '1000.00'),
    ('尾号1234卡3月18日10:05手机银行支出(本人账户互转)1,000元，余额500元。【工商银行】', OUT, '1000'),
    ('【招商银行】您账户5678于03月18日收到本人尾号1234账户转入人民币1,000.00', IN, '1000.00'),
    # third-party payments
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分财付通快捷支付支出人民币200.00元,活期余额800.00元。', OUT, '200.00'),
    ('尾号1234卡3月18日10:05快捷支付支出(网银在线-京东商城)2,999元，余额1.00元。【工商银行】', OUT, '2999'),
    ('【中国银行】您的借记卡账户1234，于03月18日网银在线快捷支付支取人民币5,000.00元,交易后余额100.00', OUT, '5000.00'),
    ('【招商银行】您账户1234于03月18日10:05在【支付宝-淘宝】快捷支付扣款人民币88.00，余额912.00', OUT, '88.00'),
    ('【招商银行】您账户1234于03月18日10:05在【网银在线-京东】快捷支付扣款人民币5,000.00，余额10.00', OUT, '5000.00'),
    ('【中国农业银行】您尾号1234账户03月18日10:05完成网银在线交易人民币-199.00，余额1.00。', OUT, '199.00'),
    ('尾号1234卡3月18日10:05收入(支付宝提现)500元，余额1,500元。【工商银行】', IN, '500'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分微信提现收入人民币100.00元,活期余额200.00元。', IN, '100.00'),
    ('【招商银行】您账户1234于03月18日10:05收到财付通提现人民币300.00，余额1,300.00', IN, '300.00'),
    # 代扣
    ('【中国银行】您的借记卡账户1234，于03月18日代扣电费支取人民币120.00元,交易后余额880.00', OUT, '120.00'),
    ('您尾号1234卡人民币活期10:05代扣支出120.00元[水费]，可用余额880.00元。【浦发银行】', OUT, '120.00'),
    ('【招商银行】您账户1234于03月18日10:05代扣话费人民币35.00，余额965.00', OUT, '35.00'),
    # salary
    ('您尾号1234卡人民币活期14:09转入9,915.48元[其他代发工资],可用余额105,047.59元。【浦发银行】', IN, '9915.48'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分代发工资存入人民币8,000.00元,活期余额8,100.00元。', IN, '8000.00'),
    ('尾号1234卡3月18日10:05工资收入6,500元，余额6,600.00元。【工商银行】', IN, '6500'),
    ('【招商银行】您账户1234于03月18日10:05入账工资，人民币6,500.00，余额6,600.00', IN, '6500.00'),
    # 退汇
    ('【工商银行】您尾号1234卡3月18日10:05退汇收入5,000元，余额5,100元。', IN, '5000'),
    ('【中国银行】您的借记卡账户1234，于03月18日汇款退回人民币5,000.00元,交易后余额5,100.00', IN, '5000.00'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分跨行汇款'
     '退汇存入人民币2,000.00元,活期余额2,100.00元。', IN, '2000.00'),
    # instalments
    ('【招商银行】您尾号1234信用卡账单分期已成功办理，分期'
     '本金6,000.00元，分12期，每期手续费36.00元。', 'installment', None),
    ('【招商银行】您的信用卡分期第3期本金500.00元及手续费36.00元已入账。', 'installment', None),
    ('【中信银行】您尾号1234信用卡分期付款本期应还金额536.00元已计入本期账单。', 'statement', None),
    ('【广发银行】您尾号1234广发卡3月18日消费分期已入账，每期本金500.00元，手续费20.00元。', 'installment', None),
    # failed
    ('【工商银行】您尾号1234卡3月18日10:05快捷支付交易失败，原因：余额不足。', 'failed', None),
    ('【招商银行】您尾号1234信用卡03月18日10:05在AMAZON的交易被拒绝，金额USD 100.00', 'failed', None),
    ('【中国银行】您的借记卡账户1234于03月18日网上支付人民币500.00元未成功，请核实。', 'failed', None),
    # a failure whose money has come back reports the return (资金已退回: what finally happened to the
    # money, money in; a credit counts in no loss total, and offsets the debit notice of the same
    # transfer where the phone holds one); a return still to come leaves a failure
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分转账人民币1,000.00元失败，资金已退回。', IN, '1000.00'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分转账人民币1,000.00元失败，资金将于3日内退回。', 'failed', None),
    # english
    ('Your A/C XXXXX1234 has been debited by Rs 5,000.00 on 18-Mar-15. Avl Bal: Rs 10,000.00', OUT, '5000.00'),
    ('USD 25.00 was spent on your Citi card ending 1234 at AMAZON on 03/18.', OUT, '25.00'),
    ('Refund of HKD 120.00 credited to your card ending 1234.', IN, '120.00'),
    ('Reversal: your transaction of SGD 50.00 at GRAB has been reversed. Card ending 1234.', IN, '50.00'),
    ('Your card ending 1234 was declined for USD 30.00 at NETFLIX.', 'failed', None),
    ('Cash withdrawal of EUR 200.00 from your account ending 1234 at ATM.', OUT, '200.00'),
    ('Your salary of AED 10,000.00 has been credited to your account XX1234.', IN, '10000.00'),
    ('Transaction alert: You paid $45.00 to Uber with card ending 1234.', OUT, '45.00'),
    ('Your card ending 1234 has been charged GBP 60.00 at TESCO.', OUT, '60.00'),
    ('You received $300.00 from John Smith into your account ending 1234.', IN, '300.00'),
    ('A purchase of USD 99.99 was made with your card ending in 1234 at APPLE.COM/BILL.', OUT, '99.99'),
    ('Your refund of USD 20.00 from AMAZON has been processed to your card ending 1234.', IN, '20.00'),
    ('Your card ending 1234 statement is ready. Total due'
     ' USD 500.00, minimum due USD 25.00, due date 10 Apr.', 'statement', '500.00'),]


@pytest.mark.parametrize(("body", "want", "amount"), PRACTICE, ids=lambda v: str(v)[:24])
def test_banking_practice_classes(body: str, want: Direction | str, amount: str | None) -> None:
    n = read(body, "")
    got = outcome(n)
    assert got == want, n
    if want in (IN, OUT):
        assert n.amount == Decimal(amount or "0"), n
    elif want == "statement" and amount:
        assert n.statement_total == Decimal(amount), n


def test_a_purchase_abroad_keeps_its_foreign_figure_in_the_text_and_counts_the_yuan() -> None:
    n = read("【工商银行】您尾号1234卡3月18日10:05境外消费支出(美国)USD 50.00，折合人民币345.20元。", "95588")
    assert (n.direction, n.amount, n.currency, n.amount_raw) == (OUT, Decimal("345.20"), "CNY", "人民币345.20元")
    alone = read("您尾号1234的龙卡信用卡10月02日23:00消费/预付款858.00日元，当前可用额度123456元。【建设银行】",
                 "95533")
    assert (alone.direction, alone.amount, alone.currency) == (OUT, Decimal("858.00"), "JPY")


# ---- near-debits and the everyday notices around them -----------------------------------------
# Constructed. What looks like money out and is not: pending (待确认, 待入账) and in-progress (您正在
# 进行转账交易…请确认) operations, future deductions (将于…扣款), holds and their release (冻结, 已解冻),
# offers (最高可分期, 待领取的备用金), a balance stated alone; and everyday debits and credits of the
# 16 big banks' templates (快捷支付, 网联付款, 付款业务转出/转入, 他行实时转出, 网银在线) beside them. A
# bare 转账 or 交易 names no direction (review); a fund's 提取 says neither where the money went
# (review); a medical-insurance account 划入 is money in.
NEAR_DEBITS = [
    ('【建设银行】您尾号1234信用卡3月18日消费人民币100.00元的交易已退款。', IN, '100.00'),
    ('【工商银行】您尾号1234卡将于3月20日扣款人民币100.00元，请保证余额充足。', 'reminder', None),
    ('【招商银行】您账户1234的预约转账人民币1,000.00已提交，将于次日执行。', 'reminder', None),
    ('【浦发银行】您有一笔1,000.00元的消费待确认，请在APP中确认。', 'reminder', None),
    ('【交通银行】您尾号1234卡消费100.00元的交易已撤销，款项已退回。', IN, '100.00'),
    ('【中国银行】验证码123456，您正在向张三转账5,000.00元，请勿泄露。', 'otp', None),
    ('【农业银行】您正在进行转账交易，金额5,000.00元，收款人张三，请确认。', 'reminder', None),
    ('【华夏银行】交易提醒：您尾号1234卡于03月18日发生一笔5000.00元的交易。', REVIEW, '5000.00'),
    ('【某某银行】您尾号1234账户被冻结人民币5,000.00元。', REVIEW, '5000.00'),
    ('【某某银行】您尾号1234账户冻结资金人民币5,000.00元已解冻。', 'other', None),
    ('【工商银行】您尾号1234卡3月18日ETC通行费扣费30.00元，余额970.00元。', OUT, '30.00'),
    ('【招商银行】您尾号1234信用卡03月18日还款人民币1,000.00已入账。', IN, '1000.00'),
    ('【交通银行】您尾号1234的信用卡账户存入人民币1,000.00元。', IN, '1000.00'),
    ('【某某住房公积金】您的公积金账户于03月18日提取5,000.00元，余额10,000.00元。', REVIEW, '5000.00'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分公积金提取收入人民币5,000.00元,活期余额5,100.00元。', IN, '5000.00'),
    ('【某某医保】您的医保个人账户于03月18日划入300.00元，余额1,300.00元。', IN, '300.00'),
    ('【招商银行】您尾号1234的账户收到一笔转账人民币1,000.00，待入账。', 'reminder', None),
    ('【招商银行】您账户1234于03月18日他行实时转出人民币1,000.00，余额100.00，收款人张三', OUT, '1000.00'),
    ('【招商银行】您账户1234于03月18日他行实时转入人民币1,000.00，付款人张三', IN, '1000.00'),
    ('【中国银行】您的借记卡账户1234，于03月18日POS消费支取人民币200.00元,交易后余额800.00', OUT, '200.00'),
    ('【光大银行】尾号1234账户10:05支出5000元，余额100元，摘要:网银在线。[光大银行]', OUT, '5000.00'),
    ('【民生银行】您尾号1234账户03月18日10:05财付通扣款人民币49.90元，可用余额950.10元。', OUT, '49.90'),
    ('【平安银行】您尾号1234的账户于3月18日10:05付款业'
     '务转出人民币100.00元,存款账户余额人民币900.00元。', OUT, '100.00'),
    ('【平安银行】您尾号1234的账户于3月18日10:05付款业务'
     '转入人民币800.00元,存款账户余额人民币1,700.00元。', IN, '800.00'),
    ('【兴业银行】18日10:05账户*1234*网联付款支出3000.00元，余额100.00元[兴业银行]', OUT, '3000.00'),
    ('11日19:39账户*4574*网联付款收入199.97元，余额98342.14元[兴业银行]', IN, '199.97'),
    ('【中信银行】您尾号1234的中信卡于03月18日10:05，快'
     '捷支付支出人民币500.00元，当前余额为人民币10.00元。', OUT, '500.00'),
    ('【广发银行】您尾号1234广发卡18日10:05网上支付人民币20,000.00元。', OUT, '20000.00'),
    ('【邮储银行】15年03月18日10:05您尾号123账户网银在线快捷支付，支出金额5,000.00元，余额0.50元。', OUT, '5000.00'),
    ('【邮储银行】15年03月18日10:05您尾号123账户快捷支付5,000.00元交易失败，余额不足。', 'failed', None),
    ('【华夏银行】您尾号1234的账户于03月18日10:05网上银行转账支出8,000.00元，余额20.00元。', OUT, '8000.00'),
    ('【北京银行】您尾号1234的账户3月18日10:05转账支出人民币6,000.00元，余额10.00元。', OUT, '6000.00'),
    ('【某某银行】您尾号1234账户3月18日转账人民币5,000.00元，余额100.00元。', REVIEW, '5000.00'),
    ('【工商银行】尊敬的客户，您已获得信用卡分期优惠资格，最高可分期50,000.00元，回复Y办理。', 'promo', None),
    ('【招商银行】您有一笔30,000.00元的专属备用金待领取，点击 cmbt.cn/abc 领取。', 'promo', None),
    ('【中信银行】您尾号1234信用卡3月账单人民币3,00'
     '0.00元，最低还款300.00元，到期还款日4月8日。', 'statement', '3000.00'),
    ('【工商银行】您尾号1234卡3月18日账户余额为1,000.00元。', 'other', None),
    ('【招商银行】您账户1234于03月18日10:05银联卡转出人民币0.01，余额99.99', OUT, '0.01'),
]


@pytest.mark.parametrize(("body", "want", "amount"), NEAR_DEBITS, ids=lambda v: str(v)[:24])
def test_near_debits_and_everyday_notices(body: str, want: Direction | str, amount: str | None) -> None:
    check(body, "", want, amount)


# ---- the English side: international cards' alerts and services' codes ----------------------
# Constructed, in the forms US, UK, Hong Kong and Indian banks and card issuers use: debited /
# spent / charged / withdrawn / you paid / paid … to X / a card used or a transaction approved for
# an amount: out; credited / received / deposited / direct deposit / refund / reversal: in;
# declined / failed / pending / will be debited / scheduled: nothing yet. Codes: before or after
# their word, `OTP for txn of Rs 5,000.00 … is 482910`, letters and digits (Steam Guard). The
# service is named where English names it (Your X code, X verification code, on your X account,
# Welcome to X, [X]).
ENGLISH = [
    ('Rs 500 debited from a/c **1234 on 18-03-15 to VPA abc@upi. Not you? Call 18002586161', OUT, '500'),
    ('INR 1,000.00 credited to A/c no. XX1234 on 18-03-15 by a/c linked to VPA xyz@okaxis.', IN, '1000.00'),
    ('Your a/c no. XXXXXXXX1234 is credited by Rs.5000.00 on 18-03-2015 by'
     ' a/c linked to mobile 9XXXXXX999 (IMPS Ref no 123456789).', IN, '5000.00'),
    ('Dear Customer, Rs.1,000.00 is debited from your A/c XX1234 for UPI txn on 18-03-15.', OUT, '1000.00'),
    ("ALERT: You've spent Rs.500.00 on CREDIT Card xx1234 at AMAZON on 2015-03-18.", OUT, '500.00'),
    ('Txn of INR 2,500.00 done using Credit Card XX1234 at FLIPKART on 18-Mar-15.', OUT, '2500.00'),
    ('Thank you for using your Debit Card ending 1234 for Rs 300 at ATM on 18-03-15.', OUT, '300'),
    ('Chase: Your $42.50 transaction with STARBUCKS was approved on card ending 1234.', OUT, '42.50'),
    ('BOA: A $120.00 charge was made on your credit card ending in 1234 at WALMART.', OUT, '120.00'),
    ('Direct deposit of $2,500.00 posted to your checking account ending 1234.', IN, '2500.00'),
    ('Wells Fargo: Purchase of $75.00 at SHELL on card ending 1234.', OUT, '75.00'),
    ('You received a refund of $15.00 from AMAZON to your card ending 1234.', IN, '15.00'),
    ('Your payment of $60.00 to NETFLIX failed. Card ending 1234.', 'failed', None),
    ('HSBC: HKD 80.00 was debited from your account ending 1234 for an online payment.', OUT, '80.00'),
    ('HSBC: A transfer of HKD 80.00 was received in your account ending 1234.', IN, '80.00'),
    ('Your card ending 1234 has a pending transaction of USD 30.00 at UBER.', 'reminder', None),
    ('USD 120.00 will be debited from your account ending 1234 on 20 Mar'
     ' for your NETFLIX subscription.', 'reminder', None),
    ('A payment of $500.00 to Jane Doe is scheduled for 03/20 from your account ending 1234.', 'reminder', None),
]


@pytest.mark.parametrize(("body", "want", "amount"), ENGLISH, ids=lambda v: str(v)[:24])
def test_english_card_alerts(body: str, want: Direction | str, amount: str | None) -> None:
    check(body, "10690000000", want, amount)


ENGLISH_CODES = [
    'Your Amazon OTP is 123456. Do not share it with anyone.',
    '123456 is your Facebook confirmation code',
    'Your PayPal security code is: 654321. Your code expires in 10 minutes.',
    "Your Instagram code is 123 456. Don't share it.",
    '[TikTok] 384756 is your verification code, valid for 5 minutes.',
    'Binance verification code: 847362. Valid for 30 minutes.',
    'Your Grab verification code is 8374. Never share it.',
    'Steam Guard code: 4F7K2',
    'Your LINE verification code is 582930',
    'Use verification code 918273 for Microsoft authentication.',
    "Your Revolut code is 374-829. Don't share it with anyone, even Revolut staff.",
    'OTP for txn of Rs 5,000.00 at AMAZON on your card XX1234 is 482910. Valid for 10 mins. Do not share.',
    '482910 is the OTP for your transaction of USD 99.00 at APPLE.COM with card ending 1234.',
]


@pytest.mark.parametrize("body", ENGLISH_CODES, ids=lambda v: str(v)[:24])
def test_english_codes_of_international_services(body: str) -> None:
    n = read(body, "10690000000")
    assert n.code and n.direction is None and not n.needs_review, n


@pytest.mark.parametrize(("body", "institution"), [
    ("Your LinkedIn verification code is 804706.", "LinkedIn"),  # dev parseotp-8
    ("Your one-time eBay pin is 3190", "eBay"),  # dev parseotp-10
    ("You are applying a Weibo account, verification code:085429 (expire in 30 mins).", "微博"),  # dev
    ("WeChat verification code: 2035. This code is only used to freeze your account.", "微信"),  # dev
    ("843208 - Welcome to V2EX, this code is valid for 20 minutes", "V2EX"),  # dev taskerconfig-issues-8
    ("[Alibaba Group]Your verification code is 797428", "Alibaba Group"),  # dev parseotp-12
    # constructed
    ("Your Coinbase verification code is 483920.", "Coinbase"),
    ("Use the code (5521) on Weixin to log in.", "微信"),
    ("Your verification code is 987654.", None),  # no name: none guessed
])
def test_an_english_code_names_its_service(body: str, institution: str | None) -> None:
    assert read(body, "10690000000").institution == institution


def test_an_amount_written_with_the_euro_sign_after_it() -> None:
    # dev 2fhey-issues-1: the code authorises 150.51 EUR
    n = read("Use this verification code 868658 to accept your 150.51€ transaction at Vimexx.", "10690000000")
    assert (n.code, n.amount, n.currency) == ("868658", Decimal("150.51"), "EUR")


# ---- who sent it -----------------------------------------------------------------------------
# Class: with no signature and no sender naming an institution, the bank of the holder's own
# account the text names (招行一卡通, 农行借记卡, 广发卡, 工行储户, 中行微银行, ICBC's 工商银行收入) - not
# a payee's card (向陈*的工商银行卡) nor a platform's means of payment (付款方式：宁波银行储蓄卡); a
# credit line the payment was made with (使用花呗支付, 支付方式：美团月付) over the app that carried
# the notice; a dash signature (…-中信信用卡); a card brand is its bank (华夏信用卡, 光大卡); a foreign
# bank's China arm is the bank (汇丰银行中国); a city's housing fund under its official name
# (X住房公积金管理中心); a product before the institution running it (云闪付, 中国银联); a tag is no
# sender (【验证码】, 【未分期】).
@pytest.mark.parametrize(("body", "sender", "institution"), [
    ("您尾号0877的招行一卡通转出人民币5650.00元 ", "", "招商银行"),  # dev autorule-24
    ("您尾号为2473的农行借记卡于12月30日10:52发生一笔收入90000.00元，详情请点击", "", "农业银行"),  # dev autorule-27
    ("您尾号8101卡7月1日18:39工商银行收入(他行汇入)5元，余额586.27元。", "", "工商银行"),  # dev unresolved-code-79
    ("您尾号3304广发卡13日16:11消费人民币24.99元，交易商户:财付通-美团平台商户。", "", "广发银行"),  # dev assetsking-31
    ("您向陈*的工商银行卡6212 **** **** 7432转账170.00元，已于2024-10-06 23:46成功到账！", "", None),  # a payee's
    ("支付成功 30.00元 付款方式：宁波银行储蓄卡(3721)", "", None),  # dev assetsking-38: the app is not named
    ("你有一笔179.51元的支出，点击查看详情。使用花呗支付。请及时还款。", "支付宝", "花呗"),  # dev c-smsparse-vitest-5
    ("支付金额：￥79.87\n支付方式：美团月付", "美团钱包", "美团月付"),  # dev c-autorule-wechat-32
    ("您尾号9893的卡片18年01月17日21:27于财付通消费人民币288.00元。本卡人民币可用额度27.56元。-中信信用卡", "",
     "中信银行"),  # dev unresolved-code-68
    ("【华夏信用卡】您尾号9775的华夏信用卡于17:11消费人民币688.00元。", "", "华夏银行"),  # dev unresolved-code-70
    ("【汇丰银行中国】温馨提示：您尾号0025的美元信用卡当月账单为5.99元，最低还款额为0.30元", "", "汇丰银行"),  # dev
    ("【广州公积金中心】尊敬的甘*,您尾号为671700的住房公积金账户,缴存基数调整为7523.0元", "", "广州住房公积金管理中心"),
    ("【中国银联】验证码:213988，有效期2分钟。您正在登录/注册银联国际用户，请勿泄露！", "", "中国银联"),  # dev
    # dev unresolved-code-138
    ("【云闪付】恭喜您获得0.1元的红包奖励，立即前往云闪付APP领取。【中国银联】", "", "云闪付"),
    ("【验证码】888686，尊敬的用户，您正在登录中国移动 APP", "", "中国移动"),  # dev smscode-core-3
    # constructed: the same rules with other banks and word order
    ("尊敬的建行储户，您尾号1234的储蓄卡3月18日消费人民币50.00元。", "", "建设银行"),
    ("您尾号1234的光大卡3月18日支出人民币80.00元。", "", "光大银行"),
    ("【渣打银行(中国)】您尾号1234的借记卡3月18日转入人民币100.00元。", "", "渣打银行"),
    ("【昆明公积金中心】您的住房公积金账户3月18日汇缴1,000.00元。", "", "昆明住房公积金管理中心"),
    ("【省直住房公积金】您的住房公积金账户3月18日汇缴1,000.00元。", "", "省直住房公积金"),
])
def test_who_sent_it(body: str, sender: str, institution: str | None) -> None:
    assert read(body, sender).institution == institution


def test_a_code_tag_labels_the_code_after_it() -> None:
    n = read("【验证码】888686，尊敬的用户，您正在登录中国移动 APP", "10690000000")  # dev smscode-core-3
    assert (n.code, n.category) == ("888686", "otp")


# Constructed, a second round: running totals (本月消费累计, 今日累计支出: each movement was notified
# on its own), balance reminders, signing a quick-payment agreement with its limit, loans on offer or
# about to arrive, transfers not completed, declines over the limit, codes under other names (动态
# 密码, 交易码, 短信口令) with the transfer they authorise, auto-debits to come, an unsigned "notice"
# with a 400 callback, a bank's name on a look-alike link; and debits that end with an instalment
# or red-packet offer, which stay debits (the offer is in its own clause).
NEAR_DEBITS_2 = [
    ('【招商银行】您的信用卡本月消费累计人民币5,000.00元，可用额度10,000.00元。', 'statement', None),
    ('【工商银行】您尾号1234卡今日累计支出人民币5,000.00元，余额100.00元。', 'statement', None),
    ('【建设银行】余额提醒：您尾号1234的储蓄卡当前余额为人民币5,000.00元。', 'other', None),
    ('【工商银行】您尾号1234卡已成功签约支付宝快捷支付，单日限额50,000.00元。', 'reminder', None),
    ('【招商银行】您可借50000元，日息低至0.02%，点击申请。', 'promo', None),
    ('【微众银行】您的借款申请已通过，50,000.00元将在1小时内到账。', 'reminder', None),
    ('【中国银行】您的账户有一笔5,000.00元的转账未完成，请核实。', 'failed', None),
    ('【交通银行】您尾号1234信用卡消费人民币5,000.00元因超过额度被拒绝。', 'failed', None),
    ('【平安银行】您的信用卡消费满5000元可兑换积分，详询95511。', 'promo', None),
    ('【农业银行】您的动态密码为648213，您正在向尾号5678账户转账人民币20,000.00元。', 'otp', None),
    ('【建设银行】交易码：483920，用于向张*转账50,000.00元，请勿泄露。', 'otp', None),
    ('【工商银行】您正在进行网上支付，金额5,000.00元，短信口令123456，请勿告诉他人。', 'otp', None),
    ('【招商银行】您的信用卡将于3月25日自动扣款人民币3,000.00元，请保持账户余额充足。', 'reminder', None),
    ('【中信银行】您尾号1234信用卡本期应还人民币3,000.00元，请于3月25日前还款。', 'reminder', None),
    ('您尾号1234的银行卡于3月18日消费5000.00元，如非本人操作请致电400-888-9999。', REVIEW, '5000.00'),
    ('【工商银行】您的账户存在风险，已冻结5000元，请登录 icbc-safe.com 解冻。', 'phishing', None),
    ('【招商银行】您尾号1234信用卡消费5,000.00元已成功办理分期，分12期。', 'installment', None),
    ('【交通银行】您尾号1234信用卡于03月18日退货人民币5,000.00元。', IN, '5000.00'),
    ('【交通银行】您尾号1234信用卡于03月18日消费人民币5,000.00元，可申请分期，回复FQ办理。', OUT, '5000.00'),
    ('【招商银行】您尾号1234信用卡03月18日消费人民币3,000.00元，回复#FQ可申请分期，以审批为准。', OUT, '3000.00'),
    ('【招商银行】您账户1234于03月18日网上支付人民币5,000.00，余额10.00。领取红包 cmbt.cn/x', OUT, '5000.00'),
    ('【工商银行】您尾号1234卡3月18日快捷支付支出5,000.00元，余额10元。可申请e分期，详询95588。', OUT, '5000.00'),
    ('【中国银行】您的借记卡账户1234，于03月18日他行汇入人民币1,000.00元,交易后余额1,100.00', IN, '1000.00'),
    ('【中国银行】您的借记卡账户1234已于03月18日挂失，如非本人操作请致电95566。', 'other', None),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分扣收短信服务费支出人民币1.00元,活期余额99.00元。', OUT, '1.00'),
    # a warning that a done debit is fraud (您正在被盗刷) is no operation in progress
    ('【工商银行】您尾号1234卡3月18日消费5,000.00元，若非您本人操作，您正在被盗刷，请立即致电95588。', OUT, '5000.00'),
]


@pytest.mark.parametrize(("body", "want", "amount"), NEAR_DEBITS_2, ids=lambda v: str(v)[:24])
def test_near_debits_second_round(body: str, want: Direction | str, amount: str | None) -> None:
    check(body, "", want, amount)


# ---- a code word in a warning makes no code message --------------------------------------------
# Class: banks end money notices with fraud warnings (任何人索要验证码均为诈骗, 请勿向他人提供短信验证码,
# 不会索取您的动态密码): the warning gives no code, and the notice is still a debit or credit. A code
# right after the word is a code even inside a warning (千万不要告诉他人验证码951353).
@pytest.mark.parametrize(("body", "want", "amount"), [
    # constructed
    ("【工商银行】您尾号1234卡3月18日快捷支付支出5,000.00元，余额10元。任何人索要验证码均为诈骗，切勿泄露。", OUT,
     "5000.00"),
    ("【建设银行】您尾号1234的储蓄卡3月18日支出人民币5,000.00元，活期余额10.00元。请勿向他人提供短信验证码。", OUT,
     "5000.00"),
    ("【招商银行】您账户1234于03月18日转入人民币300.00，余额800.00。银行工作人员不会索取您的动态密码。", IN, "300.00"),
    ("【建设银行】验证码483920，您正在向张*转账5000元，任何人索要验证码均为诈骗。", "otp", None),
    # dev myphone-3: the code inside the warning
    ("您在向王**汇款，收款人卡号后四位：9486，为防止诈骗千万不要告诉他人验证码951353，金额76,526.72元。如有疑问请停止操作。"
     "（短信编号：335028）【工商银行】", "otp", None),
])
def test_a_warning_about_codes_is_not_a_code(body: str, want: Direction | str, amount: str | None) -> None:
    check(body, "", want, amount)


# ---- a top-up into the holder's wallet ---------------------------------------------------------
# Class: a wallet's or platform account's own notice of a top-up completed on it (您的账号…完成3000元
# 充值, 零钱充值成功) is money INTO that account; in a bank card's notice the top-up is what the card
# paid for elsewhere, read by the card's own words (支出, 消费) - and with none, not guessed.
@pytest.mark.parametrize(("body", "want", "amount"), [
    # dev c-virtualid-tests-17
    ("【抖音火山版】抖音钱包异动提醒:您的账号90649567129于2021年09月06日22:01 完成3000元充值,可进入抖音(或火山版)app"
     "钱包页查看充值记录。", IN, "3000"),
    # constructed
    ("【微信支付】您的零钱充值成功，充值金额200.00元已到账。", IN, "200.00"),
    ("【建设银行】您尾号1234的储蓄卡3月18日10时5分支付宝充值支出人民币500.00元,活期余额100.00元。", OUT, "500.00"),
    ("【工商银行】您尾号1234卡3月18日话费充值100.00元。", REVIEW, "100.00"),
])
def test_a_top_up_is_money_into_the_account_topped_up(body: str, want: Direction | str, amount: str) -> None:
    check(body, "", want, amount)


# ---- things cancelled, and codes not given ----------------------------------------------------
# Class: a booked transfer, an application or an instruction 撤销/撤回 was never executed (no money),
# unlike 消费撤销 (a done purchase reversed: money back). A message that speaks of a code without
# giving one (instructions, a chat line) is no code message, unless the code is masked (******).
@pytest.mark.parametrize(("body", "want", "amount"), [
    ("【招商银行】您账户1234的预约转账人民币1,000.00已撤销。", "failed", None),  # constructed
    ("【工商银行】您尾号1234卡的转账申请已被撤回，金额5,000.00元。", "failed", None),  # constructed
    ("【民生银行】您尾号1234账户3月18日消费撤销人民币66.00元，余额600.00元。", IN, "66.00"),  # constructed
])
def test_a_cancelled_instruction_is_no_reversal(body: str, want: Direction | str, amount: str | None) -> None:
    check(body, "", want, amount)


@pytest.mark.parametrize(("body", "category"), [
    # dev c-virtualid-tests-13
    ("【支付宝】您好!手机打开支付宝,点右下角【我的】-【登录】,输入账户:170***@qq.com,点击换个方式登录-【密码登录】-"
     "【忘记密码】-系统会问您【能否接收验证码】,系统会验证您的信息", "other"),
    # dev smscode-issues-1: the code masked
    ("您正在进行中行微银行关联账户操作（储蓄账户尾号****），手机验证码为：******（1分钟内有效），请勿告知他人。",
     "otp"),
])
def test_a_code_message_gives_a_code(body: str, category: str) -> None:
    n = read(body, "95566" if "中行" in body else "")
    assert n.category == category and n.direction is None


# ---- a housing loan disbursed ------------------------------------------------------------------
# Class (practice): a mortgage or housing-fund loan is paid to the seller, not into the borrower's
# account: its 发放 moves nothing in the holder's accounts unless the notice names one it went into.
# A consumer loan 发放至/到 an account of the holder's is money in.
@pytest.mark.parametrize(("body", "want", "amount"), [
    # dev unresolved-code-98 (no sender, no signature: a plain text that moved nothing)
    ("尊敬的客户:您的个人住房公积金委托贷款于20190701发放成功,金额为500000.00元,到期日为20340701,月利率为2.708333‰,"
     "首次还款日为20190801,首次还款金额为3513.34元。", "sms", None),
    # constructed
    ("【建设银行】您的个人住房贷款已于3月18日放款，金额人民币800,000.00元。", "other", None),
    ("【建设银行】您的个人住房贷款800,000.00元已于3月18日发放至您尾号1234的账户。", IN, "800000.00"),
    ("【招商银行】您的闪电贷50000.00元已于03月18日发放至尾号1234账户，请查收。", IN, "50000.00"),
])
def test_a_housing_loan_is_paid_to_the_seller(body: str, want: Direction | str, amount: str | None) -> None:
    check(body, "", want, amount)


# ---- everyday debits and credits in each bank's own template ----------------------------------
# Constructed, one or two per bank (the 16 large banks' and regional banks' templates of DOMAIN.md
# B.3, other channels and wordings): the rules above must leave the common notices as they were.
# PSBC's 提现 is money drawn from a payment platform INTO the account (issue 16).
BANK_TEMPLATES = [
    ('【邮储银行】24年03月18日10:05您尾号123账户提现，金额100.00元，余额900.00元。', IN, '100.00'),
    ('【邮储银行】24年03月18日10:05您尾号123账户支付宝提现，收入金额100.00元，余额900.00元。', IN, '100.00'),
    ('【交通银行】您尾号*1234的卡于03月18日10:05网络支付转出100.00元,交易后余额为900.00元。', OUT, '100.00'),
    ('【招商银行】您账户1234于03月18日10:05在【财付通-微信支付】快捷支付100.00元，余额900.00', OUT, '100.00'),
    ('【招商银行】您账户1234于03月18日10:05他行实时转入人民币100.00，付方张三', IN, '100.00'),
    ('【中信银行】您尾号1234的中信卡于03月18日10:05，支'
     '付宝支取人民币100.00元，当前余额为人民币900.00元。', OUT, '100.00'),
    ('18日10:05账户*1234*消费支出100.00元，余额900.00元[兴业银行]', OUT, '100.00'),
    ('您尾号1234的账户于3月18日10:05通过财付通支付-转出人'
     '民币100.00元，存款账户余额人民币900.00元。【平安银行】', OUT, '100.00'),
    ('您尾号1234卡人民币活期10:05快捷支付100.00元[支付宝-淘宝]，可用余额900.00元。【浦发银行】', OUT, '100.00'),
    ('【华夏银行】您的账户1234于03月18日10:05转出人民币100.00元，余额人民币900.00元。', OUT, '100.00'),
    ('【民生银行】账户*1234于03月18日10:05支取￥100.00元，可用余额900.00元。财付通-微信支付。', OUT, '100.00'),
    ('【民生银行】账户*1234于03月18日10:05存入￥100.00元，可用余额1000.00元。张三支付宝转账。', IN, '100.00'),
    ('【北京银行】您尾号1234的借记卡于03月18日10:05网上支付100.00元，余额900.00元。', OUT, '100.00'),
    ('【宁波银行】您尾号1234的借记卡于03月18日10:05通过财付通支出人民币100.00元，余额900.00元。', OUT, '100.00'),
    ('【江苏银行】您尾号1234账户于3月18日10:05转入人民币100.00元，余额1,000.00元，对方户名为张三。', IN, '100.00'),
    ('【上海银行】您尾号1234的借记卡3月18日10:05消费100.00元，余额900.00元。', OUT, '100.00'),
    ('【四川农信】您尾数1234的卡号3月18日10:05跨行转入人民币100.00元，余额1000.00元。', IN, '100.00'),
    ('【长沙银行】您尾号1234的账户于03月18日10:05快捷支付扣款人民币100.00元，余额900.00元。', OUT, '100.00'),
    ('【招商银行】您账户1234于03月18日10:05向尾号5678'
     '的账户转账人民币20,000.00，余额100.00，收款人李四', OUT, '20000.00'),
    ('【工商银行】您尾号1234卡3月18日10:05手机银行支出(跨行汇款)20,000元，余额100.00元。', OUT, '20000.00'),
    ('【建设银行】您尾号1234的储蓄卡3月18日10时5分向李四跨'
     '行转出支出人民币20,000.00元,活期余额100.00元。', OUT, '20000.00'),
    ('尾号1234卡3月18日10:05快捷支付支出(财付通-京东商城)9,999元，余额1.00元。【工商银行】', OUT, '9999.00'),
    ('【中国银行】您的借记卡账户1234，于03月18日网银在线快捷支付支取人民币5,000.00元,交易后余额1.00', OUT, '5000.00'),
]


@pytest.mark.parametrize(("body", "want", "amount"), BANK_TEMPLATES, ids=lambda v: str(v)[:24])
def test_everyday_notices_in_each_banks_template(body: str, want: Direction, amount: str) -> None:
    check(body, "", want, amount)


def test_a_transaction_password_given_is_a_code_and_warned_about_is_not() -> None:
    # dev xposedsmscode-issues-1 (Traditional, Taiwan): 交易密碼為7890 gives the code
    n = read("感謝您使用信用卡，卡號後四碼1234於今日網路交易約TWD 4567元，交易密碼為7890，請於5分鐘內輸入完成認證。")
    assert (n.code, n.category, n.direction) == ("7890", "otp", None)
    # constructed: a debit notice warning about the transaction password stays a debit
    n = read("【工商银行】您尾号1234卡3月18日支出5,000.00元，余额10元。请勿向任何人泄露交易密码。", "95588")
    assert (n.direction, n.amount) == (OUT, Decimal("5000.00"))


# ---- English sentences end at their full stop -----------------------------------------------
# Class: an English notice's full stop ends its sentence (…at ATM. Reply STOP to opt out), so a
# closing opt-out line or a Chinese 退订 line after it is not in the amount's sentence; an
# abbreviation's point (A/c no. XX1234, Rs. 500, Avl. Bal) ends nothing. A card's tail (card ending
# 1234, XX 1234) is never a code.
@pytest.mark.parametrize(("body", "want", "amount"), [
    ("Your card ending 1234 has been charged GBP 60.00 at TESCO. Reply STOP to opt out.", OUT, "60.00"),
    ("Refund of HKD 120.00 credited to your card ending 1234.回复TD退订", IN, "120.00"),
    ("INR 1,000.00 credited to A/c no. XX 1234 on 18-03-15 by a/c linked to VPA xyz@okaxis.", IN, "1000.00"),
    ("Dear Customer, Rs. 1,000.00 is debited from your A/c XX1234 for UPI txn. Avl. Bal Rs. 500.00", OUT,
     "1000.00"),
])
def test_english_sentences_end_at_their_full_stop(body: str, want: Direction, amount: str) -> None:
    n = check(body, "10690000000", want, amount)
    assert n.card_tail == "1234"


def test_a_card_tail_is_never_an_english_code() -> None:
    n = read("482910 is the OTP for your transaction of USD 99.00 at APPLE.COM with card ending 1234 .")
    assert n.code == "482910"


# ---- payment platforms and consumer credit ---------------------------------------------------------
# Constructed, in the platforms' wording (支付宝, 微信支付, 云闪付, 数字人民币, 花呗, 借呗, 京东白条, 美团月付,
# 抖音月付): they write 你 where banks write 您 (one "you" in two registers: 你收到一笔200.00元的转账 is
# money in); a credit line's spending is money out of it, its repayment money into it, its bill a bill.
PLATFORMS = [
    ('【花呗】你本月账单1000.00元，还款日为4月10日，可在支付宝中还款。', 'statement', '1000.00'),
    ('【京东白条】您的白条还款100.00元已成功，感谢您的支持。', IN, '100.00'),
    ('【美团月付】你有一笔38.50元的月付消费，可在美团App查看。', OUT, '38.50'),
    ('【支付宝】你收到一笔200.00元的转账，来自张*。', IN, '200.00'),
    ('【支付宝】你有一笔99.00元的支出，付款方式：余额宝。', OUT, '99.00'),
    ('【微信支付】收款到账通知：收款金额￥50.00，付款方：李*。', IN, '50.00'),
    ('【微信支付】已支付¥30.00，收款方：某某便利店，支付方式：零钱。', OUT, '30.00'),
    ('【支付宝】你的提现500.00元已到账招商银行(1234)。', IN, '500.00'),
    ('【支付宝】退款到账通知：88.00元已退回你的花呗。', IN, '88.00'),
    ('【云闪付】您尾号1234的银行卡向张三转账1,000.00元，已成功。', OUT, '1000.00'),
    ('【数字人民币】您的钱包收到一笔20.00元的转账。', IN, '20.00'),
    ('【抖音月付】你有一笔15.00元的抖音月付支出。', OUT, '15.00'),
    ('【花呗】你有一笔1,000.00元的账单将于4月10日自动还款，请确保余额充足。', 'reminder', None),
    ('【京东白条】您的白条分期已办理成功，分期金额1,200.00元，分6期。', 'installment', None),
    ('【借呗】您已成功还款1,000.00元。', IN, '1000.00'),
    ('【借呗】您借的5,000.00元已到账，收款账户：招商银行(1234)。', IN, '5000.00'),
]


@pytest.mark.parametrize(("body", "want", "amount"), PLATFORMS, ids=lambda v: str(v)[:24])
def test_payment_platforms_and_consumer_credit(body: str, want: Direction | str, amount: str | None) -> None:
    n = read(body, "")
    assert outcome(n) == want, n
    if want in (IN, OUT):
        assert n.amount == Decimal(amount or "0"), n


# ---- payment apps' own words, titled with their service accounts (test v2, moved into dev) ------
# Class: an app push quoted as text, `<service account>: <figure> <what happened>`, addressed to
# the app's user without a subject: 收到一笔转账 / 收款到账 (in), 转账成功 / 付款成功 (out: the
# confirmation goes to the one who sent), 已存入零钱 / 余额, 余额宝 收益到账, 对方已收款 (out). The
# title (支付助手, 商家服务, 收钱码, 微信收款助手) names the app as a signature does. dev
# d-weworkhook-1..3 (支付宝) showed it; the rest are constructed in the apps' and banks' wording.
APP_PUSH = [
    ("支付助手: ￥0.01 收到一笔转账", "", IN, "0.01", "支付宝"),  # dev d-weworkhook-1
    ("商家服务: ￥0.01 收款到账通知", "", IN, "0.01", "支付宝"),  # dev d-weworkhook-2
    ("支付助手: ￥10.00 转账成功", "", OUT, "10.00", "支付宝"),  # dev d-weworkhook-3
    ("收钱码: 收款到账 ¥25.50", "", IN, "25.50", "支付宝"),
    ("支付助手: ￥128.00 付款成功", "", OUT, "128.00", "支付宝"),
    ("支付助手: 你收到张**的转账 ￥66.00，已存入余额", "", IN, "66.00", "支付宝"),
    ("支付宝: 余额宝收益到账 ¥1.23", "", IN, "1.23", "支付宝"),
    ("微信收款助手: 微信支付收款50.00元(朋友到店)", "", IN, "50.00", "微信支付"),
    ("微信支付: 你发起的转账已被张**收款，金额￥200.00", "", OUT, "200.00", "微信支付"),
    ("微信转账: ￥88.00 已存入零钱", "", IN, "88.00", "微信支付"),
    ("微信转账: 对方已收款 ￥300.00", "", OUT, "300.00", "微信支付"),
    ("云闪付: 您向张*尾号5678的账户转账成功，金额￥300.00", "", OUT, "300.00", "云闪付"),
    ("京东支付: 您尾号1234的银行卡转账成功，金额500.00元", "", OUT, "500.00", "京东支付"),
    # a bank's receiver notice saying 转账成功 is still the receiver's: the voice outranks it
    ("【工商银行】张三向您尾号1234的账户转账成功，金额300元，余额500元", "", IN, "300", "工商银行"),
    ("【建设银行】您尾号1234的账户收到李*转账成功，金额1,000.00元。", "", IN, "1000.00", "建设银行"),
    # the other party received: not the user
    ("支付助手: 对方已收到你的转账 ￥20.00", "", OUT, "20.00", "支付宝"),
]


@pytest.mark.parametrize(("body", "sender", "want", "amount", "institution"), APP_PUSH, ids=lambda v: str(v)[:24])
def test_payment_apps_own_words(body: str, sender: str, want: Direction, amount: str, institution: str) -> None:
    n = check(body, sender, want, amount)
    assert n.institution == institution, n


# ---- the template's figure is the one the balance follows; a bank named inside is quoted -------
# Class: fake "you have been paid" texts are sent as real transfers of a few cents whose payer
# name or remark carries a large sum and another bank's name (附言：支付宝转账9999.8元,
# 【民生银行】…). The bank's own template states the movement right before the balance after it
# (存入人民币0.10元,活期余额1.04元); a figure earlier with its own verb is in a copied field. A
# bank's name inside the text is quoted too: the edge signature, or the sender, is who sent it.
# dev d-sms739-1, -13, -14 (建设银行) showed it; the others are constructed.
QUOTED_IN_FIELDS = [
    ("杜**9月12日1时11分向您尾号8600的储蓄卡支付宝提现收入人民币5000.00元【民生银行】附言：支付宝转账9999.8元，"
     "存入人民币0.10元,活期余额1.04元。[建设银行]", IN, "0.10", "建设银行"),  # dev d-sms739-13
    ("王*8月30日11时9分向您尾号8600的储蓄卡支付宝转账9999.98元存入人民币0.10元，活期余额4.28.[建设银行]",
     IN, "0.10", "建设银行"),  # dev d-sms739-14
    ("何**9月12日11时23分向您尾号6777的储蓄卡转入资金999.8【交通银行】存入人民币0.10元,活期余额53.47元。[建设银行]",
     IN, "0.10", "建设银行"),  # dev d-sms739-1
    ("【招商银行】您账户0951于09月12日00:36收到本行转入人民币2.00，余额7.67，付方王**，备注：收款人民币500.00元",
     IN, "2.00", "招商银行"),
    ("【工商银行】您尾号1234卡9月1日10:00工商银行收入(他行汇入:【农业银行】向您转账20000元)1.00元，余额11.00元。",
     IN, "1.00", "工商银行"),
    ("李*向您尾号4321账户转入人民币0.01元，附言：中国银行转账到账50000元，当前余额100.01元。【中国银行】",
     IN, "0.01", "中国银行"),
    # an ordinary notice with a fee keeps its principal: the fee is no movement figure
    ("【农业银行】您尾号1234账户9月1日10:00转支交易人民币-1000.00，手续费2.00元，余额500.00。", OUT, "1000.00",
     "农业银行"),
    # a purchase abroad: the yuan it settled at, as before
    ("【中信银行】您尾号1234的信用卡9月1日10:00消费USD10.00，折合人民币70.00元。", OUT, "70.00", "中信银行"),
]


@pytest.mark.parametrize(("body", "want", "amount", "institution"), QUOTED_IN_FIELDS, ids=lambda v: str(v)[:24])
def test_the_figure_the_balance_follows_and_banks_named_inside(body: str, want: Direction, amount: str,
                                                               institution: str) -> None:
    n = check(body, "", want, amount)
    assert n.institution == institution, n


# ---- the metamorphic rewrites over the constructed messages too ----------------------------------
# bench/notices_metamorphic.py rewrites dev and the shared 76; the constructed messages above must
# read the same under the same rewrites (signature moved or dropped, widths, spaces, adverts,
# amount x k, other tails, times, 元 toggled, Traditional). The expectation is the reader's own
# reading of the message as written, so this checks invariance, not the labels above. (English
# codes are left out of the `spaces` rewrite: it would split `123 456` or `4F7K2` apart, which no
# sender does.)
def _meta() -> ModuleType:
    if "notices_metamorphic" in sys.modules:
        return sys.modules["notices_metamorphic"]
    path = Path(__file__).resolve().parents[1] / "bench" / "notices_metamorphic.py"
    spec = importlib.util.spec_from_file_location("notices_metamorphic", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["notices_metamorphic"] = module
    spec.loader.exec_module(module)
    return module


def _constructed() -> list[dict[str, object]]:
    meta = _meta()
    tables = [PARTIAL, REPAID, [(b, s, w, None) for b, s, w in NO_MONEY], PRACTICE, NEAR_DEBITS, ENGLISH,
              NEAR_DEBITS_2, BANK_TEMPLATES, PLATFORMS, [(b, None, None) for b in ENGLISH_CODES],
              [(b, sd, w, a) for b, sd, w, a, _ in APP_PUSH], [(b, w, a) for b, w, a, _ in QUOTED_IN_FIELDS],
              FIFTH_PASS, [(b, w, None) for b, w, _, _ in TAIL_SHAPES]]
    out = []
    for table in tables:
        for row in table:
            body = str(row[0])
            amount = row[-1] if isinstance(row[-1], str) else None
            n = notices.classify(body, "", meta.EVAL.ANCHOR, meta.EVAL.SH)
            moved = n.direction is not None
            out.append({"id": body[:20], "body": body, "sender": None, "received": None,
                        "amount": amount, "kind": "debit" if moved else "other",
                        "card_tail": n.card_tail, "balance": None if n.balance is None else str(n.balance),
                        "institution": n.institution, "counterparty": None,
                        "_english_code": body in ENGLISH_CODES})
    return out


def test_constructed_messages_read_the_same_under_the_metamorphic_rewrites() -> None:
    meta = _meta()
    records = _constructed()
    broken = []
    for r in records:
        for v, want, got in meta.check(r):
            if r["_english_code"] and v.family == "spaces":
                continue
            broken.append(f"{v.transform}: {meta._diff(want, got)} {v.body!r}")
    assert not broken, "\n".join(broken[:10])


# ---- fifth pass: the classes test v3 showed, and the sweep of templates after it ------------------
# A payment app's collection line said with 成功收款 / 微信收款X元 / 支付宝收款 (dev t3-paysvc-2,
# t3-qianyou-2), the holder's tail written before the account's noun (您的1259个人账户: dev
# t3-lant-1), and money that is not the holder's: a shop clerk's copy of a collection (dev
# t3-paysvc-5) and a collection speaker's replay of the previous announcement (dev t3-vmq-1). The
# sweep of the standard templates that followed found: a masked payer sending through a platform
# (周**支付宝转账), 余额宝转出到余额, a red packet a person sent and the holder took, a credit
# product's own repayment (白条还款, 还款白条账单), a reversal written after its figure
# (支出260.00元交易已撤销). Constructed rows name no dev id.
FIFTH_PASS = [
    ("成功收款0.01元。享免费提现等更多专属服务，点击查看", "支付宝通知", IN, "0.01"),  # dev t3-paysvc-2
    ("成功收款25.00元", "微信支付", IN, "25.00"),  # constructed
    ("支付宝成功收款100.00元，已存入余额", "支付宝", IN, "100.00"),  # constructed
    ("微信收款0.01元", "丰收家商户", IN, "0.01"),  # dev t3-qianyou-2
    ("云闪付收款 88.00元", "云闪付", IN, "88.00"),  # constructed
    ("[店员消息]收款到账0.05元\n收款金额￥0.05\n汇总今日第2笔收款, 共计￥0.10\n说明已存入店长黑米支付(**旺)的零钱",
     "微信支付", "other", None),  # dev t3-paysvc-5
    ("收款到账12.00元，已存入店长王**的零钱", "微信支付", "other", None),  # constructed
    ("上一笔播报：支付宝到账 1430.00 元。收钱提醒助手正在为您服务", "支付宝", "other", None),  # dev t3-vmq-1
    ("上一笔播报：微信收款 20.00 元", "微信支付", "other", None),  # constructed
    # dev t3-lant-1
    ("【福建农信】您的1259个人账户09月04日20时42分转入收入2.00人民币，余额75.34人民币。", "", IN, "2.00"),
    ("【江西农商银行】您的6217借记卡12月04日消费支出20.00元，余额55.34元。", "", OUT, "20.00"),  # constructed
    # constructed
    ("【河北农信】您的账户(尾号4209)于09月12日16:56周**支付宝转账2.00元，余额29910.00元。", "", IN, "2.00"),
    ("【长沙银行】您尾号2211的卡于12月03日15:52李*微信转账300.00元，余额2035.00元。", "", IN, "300.00"),  # constructed
    ("【支付宝】你的余额宝转出到余额5000.00元已到账。", "", IN, "5000.00"),  # constructed
    ("余额宝转出到余额5,000.00元已到账", "支付宝", IN, "5000.00"),  # constructed
    ("你已领取张**的红包8.88元，已存入零钱", "微信支付", IN, "8.88"),  # constructed
    ("微信红包：你领取了李*的红包，66.00元已存入零钱", "微信支付", IN, "66.00"),  # constructed
    ("【京东金融】您的白条还款299.00元已成功。", "", IN, "299.00"),  # constructed
    ("【京东金融】您已成功还款白条账单299.00元，感谢使用。", "", IN, "299.00"),  # constructed
    ("【支付宝】你的花呗还款880.00元已成功，剩余应还0.00元。", "", IN, "880.00"),  # constructed
    ("【光大银行】您尾号8642账户12:30支出260.00元交易已撤销，请勿重复操作。", "", IN, "260.00"),  # constructed
    ("【华夏银行】您尾号7531的账户于12月03日消费88.80元的交易已被撤销，余额200.00元。", "", IN, "88.80"),  # constructed
    ("【青岛银行】您尾号2626的账户12月03日存入80.00元交易已冲正，余额29542.14元。", "", OUT, "80.00"),  # constructed
    # a bill collected from the card for its biller: 代收电费 / 代缴水费 (a merchant's 代收货款 is not this)
    ("【邮储银行】12月03日15:52您尾号6789账户代收电费金额58.00元，余额4743.00元。", "", OUT, "58.00"),  # constructed
    ("【江西农商银行】您尾号3311账户于12月03日代缴水费36.50元，余额1098.50元。", "", OUT, "36.50"),  # constructed
]


@pytest.mark.parametrize(("body", "sender", "want", "amount"), FIFTH_PASS, ids=lambda v: str(v)[:24])
def test_fifth_pass_classes(body: str, sender: str, want: Direction | str, amount: str | None) -> None:
    check(body, sender, want, amount)


# The holder's tail against the other party's, in every shape the templates use (constructed).
TAIL_SHAPES = [
    ("【广州农商银行】您尾号3939的卡向尾号4040的卡转账500.00元，余额1000.00元。", OUT, "3939", "4040"),
    ("【顺德农商银行】尾号4040的卡向您尾号3939的卡转账500.00元，余额1500.00元。", IN, "3939", "4040"),
    ("【常熟农商银行】您尾号3939账户于12月03日收款200.00元，付款方：张三，付款方账户尾号4040，余额1700.00元。",
     IN, "3939", "4040"),
    ("【江南农商银行】您尾号3939账户于12月03日付款200.00元，收款方：张三，收款方账户尾号4040，余额1500.00元。",
     OUT, "3939", "4040"),
    ("【盛京银行】您尾号3939账户12月03日他行汇入200.00元，汇款人张三，他行账户尾号4040，余额1700.00元。",
     IN, "3939", "4040"),
    ("【成都银行】您尾号6677的账户于12月03日跨行转出600.00元，余额1435.00元，对方账户尾号8899。", OUT, "6677", "8899"),
    ("【平安银行】您尾号1470的账户于12月03日转入人民币25.00元，可用余额100.00元，交易对方：张三(尾号8888)。",
     IN, "1470", "8888"),
    ("【福建农信】您的1259个人账户12月04日转出支出50.00人民币，余额25.34人民币。", OUT, "1259", None),
]


@pytest.mark.parametrize(("body", "want", "own", "other"), TAIL_SHAPES, ids=lambda v: str(v)[:24])
def test_the_holders_tail_and_the_other_partys(body: str, want: Direction, own: str, other: str | None) -> None:
    n = read(body)
    assert outcome(n) == want, n
    assert n.card_tail == own, n
    if other is not None:
        assert n.counterparty_tail == other, n


# A bank's credit-card app (掌上生活, 买单吧, 动卡空间, 发现精彩) is the bank; the platform named in the
# merchant field (在支付宝-山姆会员商店) is where it was spent (dev t3-ledger-3, t3-ledger-6).
@pytest.mark.parametrize(("body", "sender", "institution"), [
    ("您在支付宝-山姆会员商店有一笔319.40人民币的消费已成功，点击查看详情", "掌上生活", "招商银行"),
    ("您在财付通-四川云慧充有一笔1.49人民币的退货已成功", "掌上生活", "招商银行"),
    ("您尾号1234的信用卡消费66.00元", "买单吧", "交通银行"),
    ("您尾号1234的信用卡消费66.00元", "动卡空间", "中信银行"),
    ("您尾号1234的信用卡消费66.00元", "发现精彩", "广发银行"),
])
def test_a_card_app_is_its_bank(body: str, sender: str, institution: str) -> None:
    assert read(body, sender).institution == institution


# A platform named as the channel of a card's movement (inside a bank line's brackets, or joined to
# the merchant by a dash) is not who sent the notice: unsigned, the sender stays unknown rather than
# guessed (dev autorule-15, autorule-16); named plainly, the platform is the sender.
@pytest.mark.parametrize(("body", "institution"), [
    ("尾号1054卡1月5日15:00收入(退款支付宝-支付宝-消费)3.70元", None),
    ("尾号9301卡1月18日16:00支出(缴费财付通-北京科技大学)5元", None),
    ("您账户1007于01月02日12:07在【财付通-群收款】发生快捷支付扣款，人民币30.00", None),
    ("你有一笔35.00元的支出，已从支付宝余额付款", "支付宝"),  # constructed
])
def test_a_platform_named_as_the_channel_is_not_the_sender(body: str, institution: str | None) -> None:
    assert read(body).institution == institution


@pytest.mark.parametrize("advert", ["", "信用卡分期最高可享12期免息", "办信用卡送好礼"])
def test_a_credit_card_advert_after_the_sentence_does_not_make_the_paying_card_a_credit_card(
        advert: str) -> None:
    """A loan repaid from a debit card (还款卡为农业银行（3919）) is money out of that card; a
    later sentence selling credit cards (found by the metamorphic advert test) changes nothing."""
    body = f"还款成功通知：您在手机微信申请的微粒贷已还本息共10010.00元，还款卡为农业银行（3919）。{advert}【微众银行】"
    n = notices.classify(body, "", None, SH)
    assert (n.direction, n.amount, n.card_tail) == (Direction.DEBIT, Decimal("10010.00"), "3919")

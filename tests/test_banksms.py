"""The bank-SMS reader on the LANGUAGE: one case per way Chinese bank and payment SMS say direction,
own vs other account, amount and balance (issue 16's kinds of failure), phrased as banks phrase
them. These are grammar cases, not copies of held-out messages: each checks a rule, and each rule
is a lexicon entry or an extractor (evidence/banksms/).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from evidence import notices, times
from evidence.banksms import lexicon, links, money
from evidence.model import Direction, EventKind

SH = times.zone("Asia/Shanghai")
RECEIVED = dt.datetime(2015, 3, 18, 21, 0, tzinfo=SH)
IN, OUT = Direction.CREDIT, Direction.DEBIT


def read(body: str, sender: str = "") -> notices.Notice:
    return notices._classify(body, sender, RECEIVED, SH)  # the inner parser: a bug must show


# (body, sender, direction, amount, own tail, balance)
MONEY_IN_WITH_DEBIT_LOOKING_WORDS = [
    ("【中国银行】您的借记卡账户1234，于03月18日支付宝代付收入人民币200.00元,交易后余额1200.00", "95566",
     IN, "200.00", "1234", "1200.00"),
    ("您尾号1234卡3月18日10:05支付宝代付200.00元，余额1,200.00元。【工商银行】", "95588",
     IN, "200.00", "1234", "1200.00"),
    ("【建设银行】您尾号5678的储蓄卡3月18日10时5分微信零钱提现100.00元，活期余额300.00元。", "95533",
     IN, "100.00", "5678", "300.00"),
    ("【中国农业银行】您尾号2222账户03月18日12:00完成二维码收款交易人民币88.00，余额188.00。", "95599",
     IN, "88.00", "2222", "188.00"),
    ("【招商银行】您账户3333于03月18日收到跨行汇款人民币5000.00，付款人李*", "95555",
     IN, "5000.00", "3333", None),
    ("您尾号4444卡3月18日银联入账人民币29。19元，余额129。19元。【交通银行】", "95559",
     IN, "29.19", "4444", "129.19"),
    ("【中信银行】您尾号5555的中信卡于03月18日收到退款人民币59.90元。", "95558", IN, "59.90", "5555", None),
    ("【兴业银行】3月18日您账户*6666*的转账汇款已退回，退回金额1000.00元，余额1500.00元。", "95561",
     IN, "1000.00", "6666", "1500.00"),
    ("您尾号7777账户3月18日往账退回人民币300.00元，余额800.00元。【光大银行】", "95595",
     IN, "300.00", "7777", "800.00"),
    ("【平安银行】您尾号8888的账户于3月18日收到财付通支付科技有限公司付款人民币66.00元。", "95511",
     IN, "66.00", "8888", None),
    ("【上海农商银行】您尾号9999账户3月18日支付宝(中国)网络技术有限公司付款200.00元，余额500.00元。", "",
     IN, "200.00", "9999", "500.00"),
    ("【民生银行】您尾号1234账户3月18日消费撤销人民币100.00元，余额600.00元。", "95568",
     IN, "100.00", "1234", "600.00"),
    ("【中信银行】您尾号1234的信用卡于03月18日还款人民币2,000.00元已入账。", "95558",
     IN, "2000.00", "1234", None),
    ("【建设银行】李*3月18日10时5分向您尾号1234的账户转账存入人民币1,000.00元，活期余额1,100.00元。", "95533",
     IN, "1000.00", "1234", "1100.00"),
    ("【交通银行】您尾号1234的卡于03月18日收到来自张*尾号5678的转账300.00元，余额400.00元。", "95559",
     IN, "300.00", "1234", "400.00"),
    # 农业银行 signs debits (人民币-18.90): in that frame an unsigned amount is money in
    ("【中国农业银行】您尾号1234账户03月18日15:07完成支付宝交易人民币10.00，余额565.74。", "95599",
     IN, "10.00", "1234", "565.74"),
]

MONEY_OUT = [
    ("【建设银行】您于3月18日通过手机银行汇款，汇款金额5000.00元，向张*账户（尾号6789）。", "95533",
     OUT, "5000.00", None, None),
    ("【工商银行】您尾号1234卡3月18日20:31向李*尾号5678账户转账10,000.00元，余额2,000.00元。", "95588",
     OUT, "10000.00", "1234", "2000.00"),
    ("【浦发银行】您尾号1234信用卡(附属卡)3月18日消费人民币200.00元，可用余额9,800.00元。", "95528",
     OUT, "200.00", "1234", None),  # 可用余额 of a credit card is available credit, not a balance
    ("【招商银行】您账户0708于03月18日向尾号为1356的信用卡还款人民币3,000.00元", "95555",
     OUT, "3000.00", "0708", None),
    ("【华夏银行】您尾号1234账户3月18日跨行转出人民币5,000.00元，手续费5.00元，余额1,000.00元。", "95577",
     OUT, "5000.00", "1234", "1000.00"),  # the fee is not the amount
    ("【民生银行】3月18日您已向张*转账500.00元，付款账户尾号4321。", "95568",
     OUT, "500.00", "4321", None),  # 付款账户 of a payment the holder made is the holder's own
    ("【广发银行】您尾号1234广发卡18日20:45预授权完成人民币500.00元。", "95508", OUT, "500.00", "1234", None),
]


@pytest.mark.parametrize(("body", "sender", "direction", "amount", "tail", "balance"),
                         MONEY_IN_WITH_DEBIT_LOOKING_WORDS + MONEY_OUT, ids=lambda v: str(v)[:30])
def test_direction_amount_tail_balance(body: str, sender: str, direction: Direction, amount: str,
                                       tail: str | None, balance: str | None) -> None:
    n = read(body, sender)
    assert n.kind is EventKind.BANK_NOTICE and not n.needs_review, n
    assert (n.direction, n.amount, n.card_tail) == (direction, Decimal(amount), tail)
    assert n.balance == (Decimal(balance) if balance else None)
    assert n.amount_raw and amount.split(".")[0] in n.amount_raw.replace(",", "")


NO_MONEY = [
    ("【招商银行】您的信用卡已成功办理账单分期，分期本金3,000.00元，分6期。", "installment"),
    ("【交通银行】您尾号1234的信用卡本期账单金额5,000.00元，最低还款额500.00元，到期还款日04月05日。",
     "statement"),
    ("【工商银行】您尾号1234卡3月18日快捷支付交易失败，金额20,000.00元，余额不足。", "failed"),
    ("【建设银行】您尾号1234信用卡临时额度已提升至50000元。", "credit_limit"),
    ("【中国银行】您的信用卡将于03月25日从尾号5678借记卡自动扣款1,000.00元，请确保账户余额充足。", "reminder"),
    ("【中国农业银行】尊敬的客户，刷农行卡消费满100元立减10元，详询95599。", "promo"),
    ("【招商银行】您的分期申请已受理，分期金额6,000.00元，每期手续费36.00元。", "installment"),
    ("【招商银行】您的信用卡本期账单已出，本期消费3,000.00元，到期还款日04月05日。", "statement"),
    ("【工商银行】您尾号1234卡向张三转账1,000.00元的申请已受理，预计2小时内到账。", "reminder"),
    ("【建设银行】您尾号1234账户代扣水费未扣款，金额50.00元，余额不足。", "failed"),
    ("【广发银行】您尾号3304信用卡已办8,937.78元24期总账分期，使用消费额度8,937.78元。", "installment"),
]


@pytest.mark.parametrize(("body", "category"), NO_MONEY, ids=lambda v: str(v)[:30])
def test_no_money_moved_is_never_a_movement(body: str, category: str) -> None:
    n = read(body, "")
    assert n.direction is None and not n.needs_review
    assert n.category == category


@pytest.mark.parametrize(("body", "sender"), [
    ("【京东】您已成功下单，订单9134567890，支付金额599.00元，预计明天送达。", "1069013395118"),
    ("您在某某商城购买的商品已发货，订单金额199.00元。", "13800138000"),  # a person's phone
    ("【中国移动】您本月已使用话费58.00元，余额23.50元。", "10086"),
])
def test_shops_carriers_and_people_never_send_account_notices(body: str, sender: str) -> None:
    n = read(body, sender)
    assert n.kind is not EventKind.BANK_NOTICE and n.direction is None


def test_traditional_characters_read_like_simplified() -> None:
    n = read("【中國銀行(香港)】您的帳戶尾號1234於06月28日10:06轉帳支出港幣500.00元，餘額1,200.00元。", "")
    assert (n.direction, n.amount, n.currency, n.card_tail, n.balance) == (
        OUT, Decimal("500.00"), "HKD", "1234", Decimal("1200.00"))


def test_a_debit_notice_ending_with_an_advert_or_a_warning_is_still_a_debit() -> None:
    n = read("尾号4501账户21:10支出228,000元，余额1,726.7元，如非本人操作请及时致电95595。"
             "信用卡分期最高可享12期免息。[光大银行]", "95595")
    assert (n.direction, n.amount) == (OUT, Decimal("228000"))


@pytest.mark.parametrize("body", [
    "【某某银行】您尾号1234账户3月18日转账1000.00元，余额500.00元。",  # 转账 alone: which way?
    "【某某银行】您尾号1234账户3月18日交易人民币1000.00元。",
    "【广发银行】您尾号1234广发卡18日20:45预授权人民币1000.00元。",  # a hold: not (yet) taken
])
def test_undecided_direction_is_shown_for_review_never_guessed(body: str) -> None:
    n = read(body, "")
    assert n.kind is EventKind.BANK_NOTICE and n.direction is None
    assert n.needs_review and n.review_reason in ("none", "conflict", "hold")
    assert n.amount == Decimal("1000.00")


# ---- amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value", "currency"), [
    ("支出RMB1,234.56元", "1234.56", "CNY"), ("支出¥88.00", "88.00", "CNY"), ("支出人民币100", "100", "CNY"),
    ("消费200.00美元", "200.00", "USD"), ("支出29。19元", "29.19", "CNY"), ("支出１，２３４．００元", "1234.00", "CNY"),
    ("交易人民币-18.90，", "18.90", "CNY"), ("消费USD 20.00", "20.00", "USD"),
])
def test_amount_forms(text: str, value: str, currency: str) -> None:
    found = money.find(times.normalize_text(money.prepare(text)))
    assert found and (found[0].value, found[0].currency) == (Decimal(value), currency)


def test_fee_balance_points_and_ads_are_never_the_amount() -> None:
    s = "转出人民币5,000.00元，手续费5.00元，余额1,000.00元，满100元立减10元"
    labels = [(m.value, m.label) for m in money.find(s)]
    assert labels[0] == (Decimal("5000.00"), "plain")
    assert (Decimal("5.00"), "fee") in labels and (Decimal("1000.00"), "balance") in labels
    assert all(label in ("promo",) for v, label in labels if v in (Decimal(100), Decimal(10)))


# ---- verification codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "code"), [
    ("G-123456 is your Google verification code.", "123456"),
    ("Your WhatsApp code: 123-456. Don't share this code with others", "123-456"),
    ("Your Microsoft account security code is 4821", "4821"),
    ("Telegram code: 54321. You can also tap on this link to log in", "54321"),
    ("Apple ID Code: 654321. Don't share it with anyone.", "654321"),
    ("Your verification code is 987654.", "987654"),
    ("【民生银行】短信验证码：009512，您正在使用转账汇款功能，金额0.18，收款人张三，收款卡尾号2345。", "009512"),
])
def test_verification_codes(body: str, code: str) -> None:
    n = read(body, "")
    assert (n.kind, n.code, n.direction) == (EventKind.VERIFICATION_CODE, code, None)


def test_otp_keeps_payee_amount_and_the_payee_tail_is_not_the_holders() -> None:
    n = read("【邮储银行】验证码：549921（序号4677），您向张三尾号1234账户转账5.00元。", "95580")
    assert (n.code, n.amount, n.counterparty_tail, n.card_tail) == ("549921", Decimal("5.00"), "1234", None)


# ---- links: phishing means suspicious, with a reason ---------------------------------------------


@pytest.mark.parametrize(("body", "sender", "flagged", "reason"), [
    ("【京东】您的订单因质量问题需办理退款，请点击 jd-refund.com/a 填写信息", "10690000123", "jd-refund.com",
     "lookalike:jd"),
    ("【京东】退款请访问 http://jd.com.refund-cn.xyz/x", "13757123456", "jd.com.refund-cn.xyz", "lookalike:jd"),
    ("客服：您的退款已审核，请登录 http://120.55.1.10/jd 办理", "13757123456", "120.55.1.10", "ip_host"),
    ("【工商银行】您的账户异常，请点击 t.cn/A6xyz 激活", "10690000123", "t.cn", "shortener"),
    ("您的理赔款待领取，请访问 1cbc.com 处理", "13757123456", "1cbc.com", "lookalike:icbc"),
    ("京东客服：订单退款请进 jdkefu-refund.cn 办理", "13757123456", "jdkefu-refund.cn", "lookalike:jd"),
])
def test_phishing_is_flagged_with_its_reason(body: str, sender: str, flagged: str, reason: str) -> None:
    n = read(body, sender)
    assert n.kind is EventKind.PHISHING
    reasons = dict(n.phishing)
    assert reason in reasons[flagged]


@pytest.mark.parametrize(("body", "sender"), [
    ("【京东】您的退款已原路退回，详情见 jd.com/refund", "10690000123"),
    ("【招商银行】年终好礼领取 cmbt.cn/a/DX25 ，客服95555", "95555"),
    ("【广发银行】您尾号2498广发卡10日09:27消费人民币40.00元。快速查账戳 n.95508.com/OTVBav2y7", "95508"),
    ("【平安银行】信用卡激活请登录 bank.pingan.com", "95511"),
    ("【美团】美团月付账单已出，查看 i.meituan.com/x", "10690000123"),
    ("【抖音】抖音月付本期待还，详见 v.douyin.com/abc", "10690000123"),
    ("【顺丰速运】您的快件已到，查看 sf-express.com/x", "95338"),  # a plain link: no lure
    ("Your Google verification code is 123456. g.co/help", ""),
])
def test_official_and_plain_links_are_not_phishing(body: str, sender: str) -> None:
    n = read(body, sender)
    assert n.kind is not EventKind.PHISHING and n.phishing == ()


def test_every_official_domain_entry_has_a_source() -> None:
    import tomllib

    data = tomllib.loads(links.PATH.read_text(encoding="utf-8"))
    for entry in data["domain"]:
        assert entry["name"] and entry["owner"] and len(entry["source"]) > 10, entry
    assert links.official("n.95508.com") and links.official("weixin.qq.com") and not links.official("jd.com.xx.cn")


@pytest.mark.parametrize(("body", "sender"), [
    # regional, city and rural banks' own sites and short links, even from a number no table knows
    # and beside words a lure would use (领取, 登录, 客服)
    ("【宁波银行】您尾号1234账户支出人民币10.00元。登录 https://www.nbcb.com.cn 领取积分", "1069012345678"),
    ("【广东华兴银行】您尾号8665账户转账存入人民币16.99元。登录手机银行了解详情 u.ghbank.com.cn/1KRM", "1069098765"),
    ("【湖南农信】您尾号1554的卡转入人民币5.00元。客服 www.hnnxs.com", "96518"),
    ("【四川农信】您尾数1234的卡号消费人民币9.00元。登录 m.scrcu.com.cn 查看", "1069055555"),
    ("【上海农商银行】您账户8162转入人民币100.00元，详情 srcb.com/app", "10698000962999"),
    ("【美团月付】您8月账单27.56元待还，立即还款点击 mt.cn/S8EsAe2a", "1069077777"),
])
def test_regional_and_rural_banks_own_domains_are_never_phishing(body: str, sender: str) -> None:
    n = read(body, sender)
    assert n.phishing == () and n.kind is not EventKind.PHISHING


def test_the_allowlist_holds_regional_and_rural_banks_each_with_a_source() -> None:
    import tomllib

    data = tomllib.loads(links.PATH.read_text(encoding="utf-8"))
    big = r"工商|建设|农业银行|中国银行|招商|交通|民生|中信|兴业|浦东|广发|光大|平安|邮政|华夏|北京银行|网商|微众"
    regional = [e for e in data["domain"]
                if re.search(r"农信|农商|农金|信用社|银行", e["owner"]) and not re.search(big, e["owner"])]
    assert len(regional) >= 40
    assert all("http" in e["source"] or "notice" in e["source"] or "list" in e["source"] for e in regional)


def test_every_lexicon_entry_says_why() -> None:
    lex = lexicon.get()
    assert lex.no_money and lex.phrases
    assert all(e.why for e in lex.no_money) and all(p.why for p in lex.phrases)


# ---- second pass: app pushes, payment cards, senders, holds, unsigned texts ----------------------

CARDS = [
    # (body, sender, direction, amount, own tail)
    ("付款金额￥88.00\n收款方某某便利店\n支付方式招商银行储蓄卡(1234)\n支付时间2025-03-18 10:00", "微信支付",
     OUT, "88.00", "1234"),
    ("收款金额￥200.00\n收款账户零钱\n付款方张*", "微信支付", IN, "200.00", None),
    ("退款金额¥66.00\n退款方式退回支付卡(工商银行5678)\n到账时间2025-03-18 12:00", "微信支付", IN, "66.00", "5678"),
    ("转账金额¥500.00\n收款方李*\n收款账号建设银行(4321)\n到账时间2025-03-18 11:00", "微信支付",
     OUT, "500.00", None),
    ("提现金额：¥300.00\n提现银行：某某农信(2468)\n提现时间：2025-03-18 09:00", "微信支付", IN, "300.00", "2468"),
    ("转出金额￥1000.00\n到账账户中国银行(1357)\n备注资金已从零钱通转出至指定账户", "微信支付", IN, "1000.00", "1357"),
    ("交易时间：03月18日 10:00\n交易类型：消费（尾号2222）\n交易金额：人民币45.00元\n账户余额：人民币955.00元",
     "某某银行", OUT, "45.00", "2222"),
    ("交易时间：2025-03-18 10:00\n交易类型：转入(3333)-劳务费\n交易金额：1200.00\n账户余额：1300.00",
     "某某农商银行微银行", IN, "1200.00", "3333"),
    ("交易卡号:6222*4444\n交易时间:2025年03月18日 10:00\n交易类型:支出-协议支付\n交易金额:50.00元", "某某农金电子银行",
     OUT, "50.00", "4444"),
    ("还款时间：03月18日10:00\n还款金额：人民币500.00元\n还款卡号：尾号5555", "某某银行信用卡", IN, "500.00", "5555"),
    ("支付金额：人民币30.00元\n支付方式：美团月付\n支付时间：2025-03-18 10:00", "美团钱包", OUT, "30.00", None),
    ("还款金额：30.00元\n还款时间：3月18日", "京东白条", IN, "30.00", None),
    # a lender's own notice: the loan account is repaid (SCHEMA.md, corrections of 2026-12-07)
    ("【某某消费金融】您于03月18日成功还款1000.00元。", "", IN, "1000.00", None),
    ("[3条]微信支付: 已支付¥12.50", "", OUT, "12.50", None),
]


@pytest.mark.parametrize(("body", "sender", "direction", "amount", "tail"), CARDS)
def test_payment_cards_and_app_pushes(body: str, sender: str, direction: Direction, amount: str,
                                      tail: str | None) -> None:
    n = read(body, sender)
    assert (n.kind, n.direction, n.amount, n.card_tail) == (EventKind.BANK_NOTICE, direction, Decimal(amount), tail)


def test_a_named_sender_is_the_institution_under_its_short_name() -> None:
    assert read("交易类型：消费\n交易金额：人民币10.00元", "中国工商银行客户服务").institution == "工商银行"
    assert read("交易类型：转入\n交易金额：人民币10.00元", "泉州农村商业银行").institution == "泉州农商银行"
    both = "您尾号1234的卡03月18日消费人民币9.90元。"
    first, last = read(f"【某省农信】{both}【某某农商银行】"), read(f"【某某农商银行】{both}【某省农信】")
    assert first.institution == last.institution == "某某农商银行"


@pytest.mark.parametrize("body", [
    "【某某银行】您尾号1234卡03月18日预授权人民币800.00元。",  # a hold
    "【某某银行】您尾号1234卡03月18日预授权撤销人民币800.00元。",  # a hold released
])
def test_holds_move_no_money(body: str) -> None:
    assert read(body).direction is None


def test_a_completed_pre_authorisation_is_a_debit_and_its_reversal_a_credit() -> None:
    assert read("【某某银行】您尾号1234卡03月18日预授权完成人民币800.00元。").direction is OUT
    assert read("【某某银行】您尾号1234卡03月18日预授权完成撤销人民币800.00元。").direction is IN


@pytest.mark.parametrize("body", [
    "某某快捷支付800.00元，账户余额200.00元",  # no signature, no sender, no word of the holder
    "您的零花钱于03月18日成功付款5.00元，当前余额95.00元",
])
def test_an_unsigned_text_from_an_unknown_sender_is_shown_for_review(body: str) -> None:
    n = read(body, "10690000000")
    assert n.needs_review and n.direction is None and n.review_reason == "unsigned"


def test_an_unsigned_notice_asking_to_call_a_non_bank_number_is_never_a_debit() -> None:
    n = read("您尾号1234的银行卡于03月18日消费5000.00元，如非本人操作请致电400-123-4567。", "10690000000")
    assert n.direction is None and n.needs_review and n.review_reason == "unverified"
    bank = read("您尾号1234的银行卡于03月18日消费5000.00元，如非本人操作请致电95588。【工商银行】", "95588")
    assert bank.direction is OUT


@pytest.mark.parametrize("body", [
    "【某某银行】您的缴费号码1234567890总计欠费0元。",
    "【某某银行】您尾号1234账户应扣金额人民币100.00元，请确保余额充足。",
])
def test_arrears_and_amounts_due_are_never_movements(body: str) -> None:
    assert read(body).direction is None


def test_loose_spaces_and_ascii_stops_read_like_tight_text() -> None:
    tight = read("【某某银行】您尾号0956的储蓄卡2月15日20时16分向某某-群收款消费支出人民币180.75元,活期余额24.81元。")
    loose = read("【某某银行】您尾号 0956 的储蓄卡 2 月 15 日 20 时 16 分向某某-群收款消费支出人民币 180.75 元,"
                 "活期余额 24.81 元。")
    assert (loose.direction, loose.amount, loose.card_tail, loose.balance) == (
        tight.direction, tight.amount, tight.card_tail, tight.balance) == (OUT, Decimal("180.75"), "0956",
                                                                           Decimal("24.81"))
    n = read("【某某公积金中心】您的住房公积金账户于03月18日汇缴261.00元.回复TD退订")
    assert (n.direction, n.amount) == (IN, Decimal("261.00"))


@pytest.mark.parametrize(("body", "direction"), [
    ("【某某银行】您尾号1234的卡于03月18日网银跨行汇款1,000.00元,交易后余额为500.00元。", None),  # which way?
    ("【某某银行】您尾号1234的卡于03月18日向张*跨行汇款1,000.00元,交易后余额为500.00元。", OUT),
    ("【某某银行】张*于03月18日向您尾号1234的卡跨行汇款1,000.00元。", IN),
    ("【某某银行】您尾号1234的卡于03月18日收到来自张*的跨行汇款1,000.00元。", IN),
])
def test_a_bare_cross_bank_remittance_takes_its_direction_from_the_subject_or_is_reviewed(
        body: str, direction: Direction | None) -> None:
    n = read(body)
    assert n.direction is direction and n.amount == Decimal("1000.00")
    assert n.needs_review is (direction is None)


@pytest.mark.parametrize("advert", [
    "本机构吸收的本外币存款依照《存款保险条例》受到保护。", "下载APP，转入余额宝享收益。", "工资到账早知道。",
])
def test_a_closing_advert_never_votes_on_a_cards_direction(advert: str) -> None:
    card = "交易类型：消费\n交易金额：人民币23.88元\n可用额度：10737.38元。"
    assert read(card + advert, "某某银行").direction is OUT


@pytest.mark.parametrize(("body", "direction", "amount"), [
    ("【某某银行】您尾号1234的储蓄卡3月18日扣收年费人民币10.00元。", OUT, "10.00"),  # the fee is the movement
    ("【某某银行】您尾号1234卡3月18日扣短信服务费2元，余额900元。", OUT, "2"),
    ("【某某银行】您尾号1234的储蓄卡3月18日收到微信红包100.00元。", IN, "100.00"),  # a red packet received
])
def test_fees_taken_and_red_packets_received_are_movements(body: str, direction: Direction, amount: str) -> None:
    n = read(body)
    assert (n.direction, n.amount) == (direction, Decimal(amount))


@pytest.mark.parametrize("body", [
    "【某某银行】您尾号1234的信用卡临时额度5000元已生效。",
    "【某某银行】领红包！最高88元现金红包等你拿，回复TD退订",
])
def test_limits_and_red_packet_adverts_move_no_money(body: str) -> None:
    assert read(body).direction is None and not read(body).needs_review


@pytest.mark.parametrize(("body", "code"), [
    ("Use 123456 as your login code for Uber", "123456"),
    ("Enter 654321 to verify your account", "654321"),
    ("Your one-time password is 112233", "112233"),
])
def test_more_english_verification_codes(body: str, code: str) -> None:
    n = read(body)
    assert n.kind is EventKind.VERIFICATION_CODE and n.code == code


@pytest.mark.parametrize(("body", "direction", "amount", "currency", "tail"), [
    ("Your a/c XX1234 is debited with INR 500.00 on 18-03-18. Avl bal INR 9,500.00", OUT, "500.00", "INR", "1234"),
    ("Your account ending 1234 has been credited with USD 100.00. Balance USD 900.00", IN, "100.00", "USD", "1234"),
    ("You have spent $25.00 on your card ending in 1234 at a shop.", OUT, "25.00", "USD", "1234"),
    ("A refund of $25.00 has been credited to your card ending 1234.", IN, "25.00", "USD", "1234"),
    ("Dear Customer, Rs.500.00 has been withdrawn from your account XX1234 at ATM.", OUT, "500.00", "INR", "1234"),
])
def test_english_notices(body: str, direction: Direction, amount: str, currency: str, tail: str) -> None:
    n = read(body, "10690000000")
    assert (n.direction, n.amount, n.currency, n.card_tail) == (direction, Decimal(amount), currency, tail)


def test_an_english_transaction_that_failed_or_a_statement_moves_nothing() -> None:
    assert read("Your card ending 1234 transaction of USD 50.00 was declined.").direction is None
    assert read("Your card ending 1234 statement: minimum due USD 50.00, due date 10 Apr.").direction is None

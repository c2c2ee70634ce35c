"""Chinese bank notices, verification-code SMS and phishing links, read from message text.

Pure text in, facts out: no file access. Every message source (SB&R XML, CSV, iOS, pasted text)
calls `classify`. The reading is built on how the messages are phrased, not on examples
(evidence/banksms/): a lexicon of money-in / money-out / no-money phrases with an explicit
precedence (templates/banksms/lexicon.toml), the holder's own tail told apart from the other
party's, amounts normalised with their raw text kept, an official-domain allowlist for links.

What must never happen: an advertisement, a bill, an instalment, a failed payment or a
verification code read as money leaving the account; and a notice whose direction the words do
not decide must not be guessed: it comes back with `needs_review` and a reason, direction None.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from decimal import Decimal

from evidence import phones, times
from evidence.banksms import accounts, direction, institutions, lexicon, lure, money, otp, parties
from evidence.banksms import links as _links
from evidence.model import Direction, EventKind


class Category:
    """What a message is, finer than EventKind (stable strings for details/JSON)."""

    DEBIT = "debit"
    CREDIT = "credit"
    STATEMENT = "statement"  # credit-card bill: total and due date, no money moved
    CREDIT_LIMIT = "credit_limit"
    INSTALLMENT = "installment"  # 分期 approved: the purchase was its own debit
    FAILED = "failed"  # a transaction that did not go through
    REMINDER = "reminder"  # due dates, future debits, auto-repay notices
    PROMO = "promo"
    REVIEW = "review"  # money moved but the words do not say which way (or how much)
    OTHER = "other"  # any other bank message (holds, balance-only notes, service notices)
    OTP = "otp"
    PHISHING = "phishing"
    SPOOFED = "spoofed"  # a transaction notice signed as a bank by a number that is not the bank's
    LURE = "lure"  # a text imitating a notice or luring its reader (banksms/lure.py): no money moved
    SMS = "sms"


@dataclasses.dataclass(frozen=True)
class Notice:
    kind: EventKind  # BANK_NOTICE, VERIFICATION_CODE, PHISHING or SMS
    bank: str | None = None  # hotline code, e.g. "95588"
    amount: Decimal | None = None
    direction: Direction | None = None
    currency: str = "CNY"
    card_tail: str | None = None
    balance: Decimal | None = None
    counterparty: str | None = None  # merchant or payee named in the text
    channel: str | None = None  # 快捷支付, 网银在线, 网上银行…
    stated_time: dt.datetime | None = None  # the transaction time written in the body
    precision: times.Precision | None = None
    code: str | None = None  # verification code
    urls: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()  # every host named in the message
    category: str = Category.SMS
    signature: str | None = None  # bank name in the body's 【…】/[…] signature, as written
    sender_bank: str | None = None  # hotline the *sender number* stands for (may differ from bank)
    spoofed: bool = False  # the body signs as a bank the sender number is not
    counterparty_tail: str | None = None  # the other account's tail (对方账户尾号, 收款卡尾号)
    statement_total: Decimal | None = None  # credit-card bill total (category statement)
    due_date: dt.date | None = None  # credit-card bill due date
    institution: str | None = None  # who sent it, short Chinese name (工商银行, 支付宝, 某某农商银行)
    amount_raw: str | None = None  # the amount exactly as read (`人民币-18.90`, `RMB 45.00元`)
    balance_raw: str | None = None
    direction_basis: str | None = None  # sign, voice, return, strong, weak, credit_card
    direction_words: tuple[str, ...] = ()  # the words that decided (or clashed)
    needs_review: bool = False
    review_reason: str | None = None  # "conflict" (in and out words clash) | "none" (no direction word)
    phishing: tuple[tuple[str, str], ...] = ()  # (domain, reason) of every flagged link
    own_credit_card: bool = False  # the holder's account in the notice is a credit card
    lure: tuple[str, ...] = ()  # why the text is taken for a lure, not a notice (banksms/lure.py)
    lure_numbers: tuple[str, ...] = ()  # numbers a lure asks to call: evidence, never a bank's hotline


# ---- links (kept here: every source imports them from notices) ---------------------------------


def links(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """URLs (as written, after NFKC) and their lower-case host names, in order of appearance."""
    if _QUIET.fullmatch(text):
        return (), ()  # every URL form needs a Latin letter, or an IP's points and slash (issue 23)
    return _links.find(text)


# issue 23: a text of Chinese characters, ASCII digits and sentence punctuation only, as most of
# a phone's messages are. NFKC leaves such a text as it is (，？！ become ,?!), and it holds no Latin
# letter, point, slash, space, bracket, dash or colon: no link, no signature or title, no English
# code or brand, nothing for _tighten to move. (U+4E00-U+9FFF: NFKC-stable ideographs only.)
_QUIET = re.compile(r"[\u4e00-\u9fff0-9，。？！、,?!]*")


def official(domain: str) -> bool:
    return _links.official(domain)


# ---- text preparation ---------------------------------------------------------------------------

_SIG = re.compile(r"-?【([^【】]{1,24})】|-?\[([^\[\]]{1,24})\]")
# Who may send money notices: banks, credit unions, housing funds, payment and credit platforms.
_INSTITUTION = re.compile(
    r"银行|农信|农商|信用社|信用联社|村镇|公积金|12329|支付宝|财付通|微信支付|云闪付|银联|京东金融|京东支付|"
    r"网银在线|白条|花呗|借呗|月付|分期乐|美团支付|抖音支付|翼支付|数字人民币|钱包|金融|微粒贷|网商贷|信用卡|"
    r"微信收款|零钱通|农金|农村信用|数科|数字科技|消费金融|小额贷款|医保|社保|信合")
# The holder's own account referred to in the text: with no bank signature or bank number, a
# message that talks to the holder about the holder's account reads as an account notice (app
# notifications and exports often drop the sender), unless a personal number sent it.
_OWN_REFERENCE = re.compile(
    r"(?:您|你)(?:的)?\s*(?:尾号|尾数|账户|账号|卡|信用卡|借记卡|储蓄卡|银行卡|存款账户|\d{4}的)"
    r"|(?:您|你)(?:在|于|已|有一笔|通过|使用|向)|(?:您|你)的[^,。;]{0,8}(?:账户|卡|钱包|余额)|您的\d"
    r"|(?:您|你)[^,。;]{0,20}(?:已到账|已入账)|(?:您|你)(?:已|已经)?收到(?![^,。;]{0,4}短信)"
    # the holder's account at a named bank: 您招行个人消费卡账户, 您工行借记卡
    r"|(?:您|你)(?:的)?(?:[\u4e00-\u9fff]{1,3}行|[\u4e00-\u9fff]{2,6}银行)[^,。;]{0,8}?(?:账户|卡)"
    # someone pays the holder: 张*向您付款, 转入您的账户
    r"|向(?:您|你)|(?:转入|存入|汇入|打入|退回|退至|退还至?|返还至?|到账至?|发放至?)(?:您|你)"
    # the holder's wallet or credit product named as where money went: 已退回美团月付, 退回零钱
    r"|(?:您|你)的(?:支付宝|微信|零钱|余额宝|花呗|白条|月付)"
    r"|(?:退回|退至|退还至?|返还至?|存入|到账至?)(?:零钱通?|余额宝?|钱包|美团月付|抖音月付|月付|白条|花呗|原?支付卡|银行卡)"
    # a payment card's lines naming the holder's means or destination: 支付方式：招商银行储蓄卡(7575),
    # 收款账户：零钱, 到账账户：招商银行(6598), 提现银行：四川农信(1586)
    r"|(?:支付|付款|扣款|扣费|还款|退款)方式\s*[:：]?\s*\S"
    r"|(?:收款|到账|提现|入账)(?:账户|银行|卡)\s*[:：]?\s*(?:零钱|[\u4e00-\u9fff]{2,12}\s*[(（]\s*\d{4}\s*[)）])"
    # English notices: your a/c XX1234, your account ending 1234, your card
    r"|(?i:\byour\s+(?:a/c|acct|account|(?:credit\s+|debit\s+)?card)\b)")
# A notification's title naming the app or institution: `[8条]微信支付: 已支付¥24.99`
_TITLE = re.compile(r"^(?:\[\d+条\])?\s*([\u4e00-\u9fff]{2,8})\s*:")
# A title naming a kind of account, not who sent it: 信用卡通知:, 银行卡尾号:9500
_GENERIC_TITLE = re.compile(r"^(?:信用卡|银行卡|储蓄卡|借记卡|贷记卡|账户|卡)|尾号|卡号|账号")
_TAG = re.compile(r"提醒|通知|提示|公告|分期|账单|消息|动账|交易|验证|安全|福利")
# a mobile or a landline, also as quoted with its last digits masked (151194603xx)
_PERSONAL_NUMBER = re.compile(r"1[3-9]\d{7}[\dxX*]{2}|0\d{7,9}[\dxX*]{2}")
# an area code and a 9xxxx service number (0769-961122, 东莞农商银行's): no subscriber's line starts
# with 9 - those are the regional banks' and utilities' short numbers (010 and 02X are the 3-digit codes)
_AREA_SERVICE = re.compile(r"(?:010|02\d|0[3-9]\d{2})9[56]\d{3,4}")
_BANK_NAME = re.compile(
    r"(?:银行|农信|信合|农商|信用社|联社|公积金|公积金中心|12329|信用卡|信用卡中心)(?:\s*[(（][^()（）]{1,6}[)）])?$")
_SIGNATURE_ALIASES = {"中国农业银行": "农业银行", "中国邮政储蓄银行": "邮储银行", "邮政储蓄银行": "邮储银行",
                      "中国工商银行": "工商银行", "中国建设银行": "建设银行", "中国光大银行": "光大银行",
                      "中国民生银行": "民生银行", "上海浦东发展银行": "浦发银行", "浦东发展银行": "浦发银行",
                      "工行": "工商银行", "建行": "建设银行", "农行": "农业银行", "中行": "中国银行",
                      "招行": "招商银行", "交行": "交通银行"}
_SHORT_NAME = {code: name for name, code in phones.SIGNATURES.items() if len(name) <= 4}


# A carrier speaking of the phone's own account (话费, 套餐费, 流量, 预存款, MM业务): its money is the
# phone bill's, not a bank's or a payment platform's (您目前的话费为62.07元…预存款余额为11.63元,
# 您已购买5.00元MM业务, 您本月应扣月套餐费总计11.00元…10086). A carrier's payment service (联通手机支付,
# 翼支付, 和包) is a payment account and stays one; so does a bank's or platform's signed notice.
_CARRIER = re.compile(r"中国移动|中国联通|中国电信|移动官网|(?<!\d)(?:10086|10010|10000)(?!\d)|动感地带|全球通|神州行|"
                      r"[\u4e00-\u9fff]{2}(?:移动|联通|电信)(?![\u4e00-\u9fff]{0,2}支付)")
_PHONE_ACCOUNT = re.compile(r"话费|套餐|流量|预存款|MM业务|增值业务|通信账户")
_PHONE_PAY = re.compile(r"手机支付|翼支付|和包|沃支付|支付宝|财付通|微信支付|银行卡|信用卡|储蓄卡|借记卡")


def _phone_account(s: str) -> bool:
    speaks = bool((_CARRIER.search(s) or "预存" in s) and _PHONE_ACCOUNT.search(s))
    return speaks and not _PHONE_PAY.search(_SUPPORTED.sub("", s))


# a carrier listing the ways to pay it (支持网银、支付宝、财付通等): names of means, not the payer
_SUPPORTED = re.compile(r"支持[^。;!?]{0,30}?等|"
                        r"(?:通过|可用|使用)[^。;!?]{0,6}(?:网银|支付宝|财付通|银行卡)[^。;!?]{0,20}(?:充值|交费|缴费)")


_NOT_A_NAME = re.compile(r"[:,;!?。，：；！？\d]{1}.*[\u4e00-\u9fff]|^\d+$")


_CJK = "\u3001-\u303f\u4e00-\u9fff"
# Spaces typed (or left by OCR and exports) between a Chinese word and a number, inside brackets
# and around masks carry nothing: `尾号 6684 卡 4 月 21 日`, `[ 8 条]`, `账户* 6751 *`, `¥ 24.99`.
# Spaces between two numbers (a date and a time) and in Latin text are kept.
_LOOSE_SPACE = re.compile(
    rf"(?<=[{_CJK}\[(*¥$:])[ \t\u3000]+(?=[\d{_CJK}*¥$\])])|(?<=[\d*])[ \t\u3000]+(?=[{_CJK}*\])])")
# A full stop typed as an ASCII point after Chinese text (`汇缴261.00元.回复TD退订`) ends the
# sentence as 。 does; points between digits or letters (amounts, links) stay.
_ASCII_STOP = re.compile(rf"(?<=[{_CJK}])\.(?=[{_CJK}]|\s|$)"
                         # and an English sentence's full stop before the next sentence or Chinese text
                         # (…at ATM. Reply STOP to opt out; …ending 1234.回复TD退订), not an
                         # abbreviation's point (A/c no. XX1234, Rs. 500, Avl. Bal)
                         rf"|(?<=[A-Za-z0-9)\]])(?P<word_end>)\.(?=\s+[A-Z]|\s*[{_CJK}])")
_ABBREVIATION = re.compile(r"(?:\b|^)(?:no|nos|rs|re|mr|mrs|ms|dr|ltd|co|inc|corp|bal|avl|a/c|acct|txn|ref|st|jr|sr|vs|"
                           r"etc|e\.g|i\.e|u\.s|u\.k|approx|dept|govt|info|amt|dt|inr|usd|hkd|eur|gbp)$", re.IGNORECASE)


def _stop(m: re.Match[str]) -> str:
    if m.group("word_end") is not None and _ABBREVIATION.search(m.string[max(0, m.start() - 8): m.start()]):
        return "."
    return "。"


def _tighten(s: str) -> str:
    return _ASCII_STOP.sub(_stop, _LOOSE_SPACE.sub("", s))


def fold(text: str) -> str:
    """A copy of `text` for matching: NFKC, loose spaces dropped, Traditional folded."""
    return _tighten(times.normalize_text(text or "")).translate(lexicon.traditional())


def _institutional(name: str) -> bool:
    """A name of a bank, payment or credit institution: by its words (…银行, …农信), or listed
    under it in institutions.toml (支付助手 and 商家服务 are Alipay's service accounts)."""
    return bool(_INSTITUTION.search(name)) or institutions.listed(name)


def _prepare(body: str) -> tuple[str, list[str], list[str]]:
    """NFKC text with signatures cut out (they hold digits: 【福建12329】) and the names found.

    A signature is a short name in 【…】 (or […] naming a bank) at the start or the end of the
    message, or a bank's name anywhere (returned apart: inside the text it may be quoted - a
    remark, a payer's name - and speaks last); `在【拼多多支付-拼多多平台商户】发生…` is a merchant, and
    `【福利：分期还款利息低至1.7折起】` an advertisement, not a signature.
    """
    # full width folded first (NFKC: ４７．００ -> 47.00), then typed punctuation inside numbers
    # mended (29。19), then Traditional characters folded for matching (帳戶 -> 账户)
    s = money.prepare(_tighten(times.normalize_text(body or ""))).translate(lexicon.traditional())
    # 你 and 您 are one "you" in two registers (payment apps write 你收到一笔…, banks 您尾号…): the
    # lexicon is written with 您, so the matching copy is too
    s = s.replace("你", "您")
    names: list[str] = []
    inner: list[str] = []  # a bank's name inside the text: quoted (a remark, a payer's name) unless no edge one
    text = s.strip()

    def cut(m: re.Match[str]) -> str:
        # spaces typed between a Latin name's letters and digits carry nothing (【 1024 CODE】)
        name = re.sub(r"(?<=\d)\s+(?=[A-Za-z])|(?<=[A-Za-z])\s+(?=\d)", "", (m.group(1) or m.group(2)).strip())
        at_edge = not text[: m.start()].strip(" -") or not text[m.end():].strip(" -。.")
        short = len(name) <= 12 and not re.search(r"[:,;!?，：；！？]", name)
        # a bank's name ends with what it is (…银行, …农信, …公积金中心, 【中國銀行(香港)】);
        # `[财付通-转账到银行卡]` names a channel that mentions a bank card
        bank = bool(_BANK_NAME.search(name)) and not re.search(r"[-—]|银行卡", name)
        if (m.group(1) is not None and at_edge and short) or (bank and short and at_edge):
            names.append(name)
            return " "
        if bank and short:
            inner.append(name)
            return " "
        return m.group(0)

    s = _SIG.sub(cut, text)
    # a signature after a dash at the end: `…本卡人民币可用额度27.56元。-中信信用卡`
    # (after a full stop: `财付通-微信支付` at the end is a channel named X-Y, not a signature)
    dashed = re.search(r"(?:^|[。.!！?？]\s*)[-—－]\s*([\u4e00-\u9fff]{2,12})\s*[。.]?\s*$", s)
    if dashed and _institutional(dashed.group(1)):
        names.append(dashed.group(1))
        s = s[: dashed.start()]
    title = _TITLE.match(s.strip())
    if title:
        # 华夏银行提示您: / 招商银行提醒: name the institution; 交易提醒: / 账单通知: do not
        named = re.sub(r"(?:(?:温馨)?(?:提醒|提示|通知)|异动|动账|交易)+(?:您|你)?$", "", title.group(1))
        if len(named) >= 2 and _institutional(named) and not _GENERIC_TITLE.search(named):
            names.append(named)
            if not _says_a_movement(named):  # 零钱通转出到账通知: a card's headline, read with the card
                s = s.strip()[title.end():]
    elif (leading := _leading_name(s.strip())) is not None:
        names.append(leading)
        s = s.strip()[len(leading):]
    elif (english := _ENGLISH_TITLE.match(s.strip())) is not None and institutions.listed(english.group(1)):
        names.append(english.group(1))  # (kept in the text: it is the notice's title)
    return s.strip(" -"), names, inner


# an English notice opens with the institution's name and a colon (SCB Alert: Txn of…, AlipayHK: You have…)
_ENGLISH_TITLE = re.compile(r"([A-Za-z][A-Za-z&]*(?: [A-Za-z&]+){0,3}?)(?: (?:Alerts?|Notice|Notification|SMS))?"
                            r"\s*[:：]")


def _says_a_movement(title: str) -> bool:
    """Whether a title holds a direction word (零钱通转出到账, 转账到账提醒), not only a name."""
    return any(p.rank in ("return", "voice", "strong") and p.pattern.search(title) for p in lexicon.get().phrases)


# An app push quoted as text begins with its title, the institution's name, on its own line or
# before the text addressed to the holder about the account: `招商银行\n您账户1234于…`, `中信银行
# 您尾号9554…`, `招商银行您账户3832于…`. Not a payer named first (`支付宝5月21日…向您尾号…`: a date
# follows it), nor a greeting (`招商银行您好`).
# On the same line the text must go on about the holder's account (招商银行您好 is a greeting).
_AFTER_TITLE = re.compile(r"[ \t]*\n|\s*(?=(?:尊敬的[\u4e00-\u9fff]{0,3}\s*)?"
                          r"(?:(?:您|你)的?(?:尾号|账户|账号|个人|[\u4e00-\u9fff]{0,2}卡|\d)|尾号|账户|贵))")


# a card's headline holding a name (微信支付自动续费开通成功, 招商银行动账通知): the name is the sender's,
# the headline no institution's
_CARD_HEADLINE = re.compile(r"成功|失败|通知|提醒|提示|消息|到账|续费|开通|动账")


def _leading_name(s: str) -> str | None:
    """The longest institution's name the text starts with, when a title's break follows it."""
    first = re.match(r"[\u4e00-\u9fff]{2,12}", s)
    if first is None:
        return None
    for k in range(len(first.group(0)), 1, -1):
        if not _AFTER_TITLE.match(s, k):  # first, as it is cheap: most texts are people's, no title
            continue
        name = s[:k]
        # on a line of its own any institution's name is a title; within a line only a listed
        # one (欢迎开立招商银行账户 starts with words, not a name)
        own_line = re.match(r"[ \t]*\n", s[k:]) is not None
        greeted = s[k:].lstrip().startswith("尊敬的")  # 吉林农信 尊敬的客户 您尾号…: a name, then its greeting
        if greeted and _institutional(name) and not _says_a_movement(name):
            return name
        if institutions.listed(name) or (own_line and _institutional(name) and not _says_a_movement(name)
                                          and not _CARD_HEADLINE.search(name)):
            return name
        if own_line and (_says_a_movement(name) or _CARD_HEADLINE.search(name)):
            # a card's headline (花呗自动还款成功, 零钱通转出到账通知): the product or institution it opens
            # with is named, its words stay to be read
            return next((name[:j] for j in range(len(name) - 1, 1, -1) if institutions.listed(name[:j])), None)
    return None


# ---- time -------------------------------------------------------------------------------------

_FULL_YEAR = re.compile(r"(?:19|20)\d{2}\s*[-/.年]|(?<!\d)\d{2}\s*年")


def _stated(
    s: str, received: dt.datetime | None, tz: dt.tzinfo
) -> tuple[dt.datetime | None, times.Precision | None]:
    """Transaction time written in the body, its year/month/day completed from the receive time."""
    anchor = received or dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    try:
        found = times.find_cn_datetime(s, anchor, tz)
    except (ValueError, OverflowError):
        return None, None
    if found is None:
        return None, None
    t, precision, span = found
    if received is None and not _FULL_YEAR.search(s[span[0]: span[1]]):
        return None, None  # nothing to take the year from
    return t, precision


# ---- statements -----------------------------------------------------------------------------

def _due_date(s: str, received: dt.datetime | None, tz: dt.tzinfo) -> dt.date | None:
    m = re.search(r"(?:到期还款日|还款日|请于)\s*(?:为|是|:)?\s*", s)
    if not m:
        return None
    t, _ = _stated(s[m.end(): m.end() + 16], received, tz)
    if t is None or received is None:
        return t.date() if t else None
    # a due date lies ahead of the bill: 1月15日 on a bill received in December is next year
    if t < received - dt.timedelta(days=120):
        try:
            t = t.replace(year=t.year + 1)
        except ValueError:
            return None
    return t.date()


# ---- classification ---------------------------------------------------------------------------


def _signature_code(names: list[str]) -> str | None:
    for name in names:
        short = _SIGNATURE_ALIASES.get(name, name)
        code = phones.SIGNATURES.get(short) or phones.SIGNATURES.get(name)
        if code:
            return code
    return None


# Products named in a text without a sender, by preference: a credit line (the account that
# paid: 使用花呗支付), then UnionPay's app and the e-CNY wallet, then the wallets.
_IN_BODY = (re.compile(r"花呗|借呗|白条|美团月付|抖音月付|微粒贷"), re.compile(r"云闪付|数字人民币"),
            re.compile(r"支付宝|微信支付|财付通"))
# A platform named as the channel of a card's movement, not as who sent the notice: inside the
# brackets of a bank's line (支出(缴费财付通-北京科技大学), 收入(退款支付宝-…)), or as the merchant's
# channel (在【财付通-群收款】, 财付通-四川云慧充: a platform name joined to the merchant by a dash).
_AS_CHANNEL = re.compile(r"[(（【\[][^)）】\]]*$")
# The payment was made with a credit line (使用花呗支付, 支付方式：美团月付): that debt account moved
# the money, whichever app carried the notice (支付宝, 美团钱包).
_PAID_WITH = re.compile(r"(?:使用|用|通过)(花呗|借呗|京东白条|白条|美团月付|抖音月付)(?:支付|付款)"
                        r"|(?:支付|付款)方式\s*[:：]?\s*(花呗|京东白条|白条|美团月付|抖音月付)")
# The holder's own account at a bank the text names: 招行一卡通, 农行借记卡, 广发信用卡, 华夏信用卡,
# 中行微银行, 工行储户, and ICBC's own name as its channel (工商银行收入(他行汇入)). Not a payee's card
# (向陈*的工商银行卡) nor a platform's means of payment (付款方式：宁波银行储蓄卡).
_OWN_ACCOUNT_NOUN = re.compile(
    r"信用卡|借记卡|储蓄卡|一卡通|卡(?!号)|账户|储户|微银行|网银|E令|手机银行|电子银行|收入|支出")
_NOT_OWN_BANK_BEFORE = re.compile(r"(?:付款方式|支付方式|收款|付款方|转账给|(?:向|给|至|到)(?!您|你))[^,。;]{0,12}$")


def _own_bank(s: str) -> str | None:
    """The listed bank whose name stands right before an account noun of the holder's."""
    for m in _OWN_ACCOUNT_NOUN.finditer(s):
        before = s[max(0, m.start() - 10): m.start()]
        found: tuple[str, int] | None = None
        for k in range(2, len(before) + 1):  # the longest listed name that ends at the noun
            name = before[-k:]
            if not re.fullmatch(r"[\u4e00-\u9fff]+", name):
                break
            short = institutions.canonical(name)
            if short and institutions.kind(short) not in (None, "other"):
                found = (short, k)
        if found and not _NOT_OWN_BANK_BEFORE.search(s[max(0, m.start() - found[1] - 16): m.start() - found[1]]):
            return found[0]
    return None


def _institution(names: list[str], bank: str | None, sender: str, s: str) -> str | None:
    """Who sent it, by its short name (evidence/banksms/institutions.py): a credit line the
    payment was made with, else the institutions named by signatures, an app title or a named
    sender (the member bank before its union), else the bank of the sender number, else the last
    signature that is no tag (【账单提醒】…【中国电信】: the tag comes first, the sender last), else
    the bank of the holder's account the text names, else a payment product named in the text
    (花呗, 云闪付), else the service an English code names."""
    paid = _PAID_WITH.search(s)
    if paid:
        return institutions.canonical(paid.group(1) or paid.group(2))
    named = [n for n in names if _institutional(n)]
    if named:
        return institutions.pick(named)
    if bank:
        return institutions.canonical(_SHORT_NAME.get(bank) or phones.BANKS.get(bank))
    other = phones.OTHER_SERVICES.get(phones.normalize(sender))
    if other:
        return institutions.canonical(other)
    untagged = [n for n in names if not _TAG.search(n)]
    if untagged:
        return untagged[-1]
    own = _own_bank(s)
    if own:
        return own
    for products in _IN_BODY:
        for found in products.finditer(s):
            if not _AS_CHANNEL.search(s[: found.start()]) and s[found.end(): found.end() + 1] != "-":
                return institutions.canonical(found.group(0))
    return institutions.canonical(otp.brand(s) or otp.chinese_brand(s))


def _named_sender(sender: str) -> str | None:
    """A sender shown as a name that names a financial institution (an app notification's or
    official account's name, 中国银行微银行, 招商银行信用卡, 微信支付; an export's alphanumeric
    sender, 建设银行): it says who sent the text as a signature does."""
    if not sender or re.fullmatch(r"[+\d\s()-]*", sender):
        return None
    name = times.normalize_text(sender).translate(lexicon.traditional()).strip()
    return name if _institutional(name) and len(name) <= 24 else None


def classify(body: str, sender: str, received: dt.datetime | None, tz: dt.tzinfo) -> Notice:
    """What a message is: bank debit/credit notice, bill, OTP, phishing link or a plain SMS.

    `received` (the message's own time) completes a year-less stated time; `tz` is the case zone.
    Never raises on any text. The reader's own data (lexicon, institutions) is loaded first, outside
    that promise: a data file that does not load is the program's fault, and must stop it rather
    than read every message as nothing.
    """
    lexicon.get(), institutions.table()
    try:
        return _classify(body or "", sender or "", received, tz)
    except Exception:  # a parser bug must not lose the message itself
        urls, domains = links(body or "")
        return Notice(EventKind.SMS, urls=urls, domains=domains)


_OUT_IN = {direction.OUT: Direction.DEBIT, direction.IN: Direction.CREDIT}
# what a direction read from the words alone may rest on: the verbs themselves, not a weak word
_WORDED = ("strong", "voice", "party", "return")
_SENTENCE_STOP = re.compile(r"[。！!？?\n]")


@dataclasses.dataclass(frozen=True)
class Unstated:
    direction: Direction
    basis: str
    words: tuple[str, ...]


def _unstated_amount(s: str, own_tail: str) -> Unstated | None:
    """A debit whose text states no amount, read as if its amount stood at the end of the
    sentence naming the holder's account (an advert or a deposit-insurance line after it does
    not vote), or None unless its own verbs decide it out (basis strong, voice, party or return)
    and no no-money phrase (failed, pending, reminder…) applies there."""
    tail = max(s.find(own_tail), 0)
    stop = _SENTENCE_STOP.search(s, tail + len(own_tail))
    end = stop.start() if stop else len(s)
    begin = max((m.end() for m in _SENTENCE_STOP.finditer(s, 0, tail)), default=0)
    # a no-money phrase anywhere in that sentence, or a hard one (失败, 分期已受理…) anywhere
    hard = next((e for e in lexicon.get().no_money if e.scope == "message" and e.pattern.search(s)), None)
    if hard is not None or _no_money(s[begin:end], None) is not None:
        return None
    at_end = money.Money(Decimal(0), "", "CNY", "amount", True, end, end, "")
    decision = direction.decide(s, at_end)
    # money in without a figure (a transfer announced, 将汇入您的账户) counts in no loss either way;
    # a debit is what the lawyer must not miss
    if decision.direction != direction.OUT or decision.basis not in _WORDED:
        return None
    return Unstated(Direction.DEBIT, decision.basis, decision.words)


# A movement reported as done, in the amount's own clause: 到账/入账 (arrived), 已扣款, 扣款成功,
# 支付成功, 已支付, a refund come back (您的退款25.00元已退回至余额) (the future - 预计…到账,
# 将于…扣款 - is a reminder and never reaches here).
_DONE = re.compile(r"到账|到帐|入账|已(?:自动)?(?:扣款|扣除|扣收|支付|付款|转出|转入|存入|汇出|汇入)|"
                   r"(?:扣款|支付|付款|转账|汇款|还款|充值|提现|收款|退款)成功|成功(?:收款|扣款|支付|付款|还款|转入|到账|发放)|"
                   r"已(?:原路)?退回|已退款|"
                   # a collection app's own line: 微信收款0.01元, 支付宝收款12.50元, 云闪付收款
                   r"(?:微信|支付宝|云闪付|微信支付)收款(?=\s*(?:RMB|人民币|¥|\d))")
# A bare figure with cents right after one of these is the movement (浦发 `快捷支付12.00[支付宝-…]`,
# 江苏银行 `消费1169.00，…`): the words that move money, not only the direction verbs.
_DIRECTION_VERBS = ("消费|支出|存入|转入|转出|支取|收入|入账|还款|偿还|归还|快捷支付|网上支付|网银支付|无卡支付|"
                    "付款|扣款|代扣|代付|转账|汇款|汇入|汇出|取款|取出|卡取|取现|提现|退款|缴费|"
                    "收款|到账|到帐|来账|划入|划扣|代发|扣费|扣收|退货|退回|转存|缴存|汇缴|结息|兑付|存款|往账|贷记|借记|发生额|"
                    "(?:(?<![\u4e00-\u9fff])|(?<=账户)|(?<=卡))[收支取存]")  # (a terse notice's 收 2,300.00, 支200.00)
# no-money categories whose figure is shown for review (lexicon.toml): money held or on its way, and
# money of an account that is not the holder's (a child's, a ward's, a 亲属卡's giver's)
_HELD = ("hold", "pending", "others_account")


def _forged_link(flagged: tuple[tuple[str, str], ...]) -> bool:
    """A link to a look-alike of an official domain or to a bare IP address: no bank's own notice
    carries one, whatever number it came from (a fake base station shows the bank's number)."""
    return any(part.startswith(("lookalike:", "ip_host")) for _, r in flagged for part in r.split("; "))


def _card_title(s: str, main: money.Money | None) -> str:
    """An app card's title lines - the lines above the amount's that hold no figure (微信支付 / 退款处理中,
    你有一笔待接收的转账, over 转账金额 ￥1,500.00): they speak of every line under them, the amount's
    among them. Empty for a message of one or two lines."""
    if main is None or "\n" not in s:
        return ""
    above = s[: s.rfind("\n", 0, main.start) + 1].split("\n")
    return "".join(line + "\n" for line in above if line and not re.search(r"\d", line))


def _no_money(s: str, main: money.Money | None) -> lexicon.NoMoney | None:
    """The first no-money phrase that applies: hard ones anywhere in `s`, the others in the amount's
    own sentence or clause (anywhere when there is no amount)."""
    title = _card_title(s, main)
    where = {"message": s, "sentence": title + direction.sentence(s, main) if main else s,
             "clause": title + direction.clause(s, main) if main else s}
    for entry in lexicon.get().no_money:
        text = where[entry.scope]
        if entry.category == Category.PROMO:  # a bracket names the channel: 支出(消费-立减20元)480元
            text = direction.blank_brackets(text)
        if entry.unless_within is not None and entry.unless_within.search(where[entry.unless_scope or entry.scope]):
            continue
        for m in entry.pattern.finditer(text):
            if entry.unless_before is not None and entry.unless_before.search(text[: m.start()]):
                continue
            return entry
    return None


_ACCOUNT_NOUN = re.compile(r"信用卡|贷记卡|龙卡|附属卡|账户|账号|借记卡|储蓄卡|一卡通|钱包|借款|贷款|借据|卡")
# the holder's own account is a loan: 您尾号0123的借款…还款 is money INTO it, as for a credit card
_LOAN_NOUN = ("借款", "贷款", "借据")
_CREDIT_LEFT = re.compile(r"(?:目前|当前|剩余|现)?可用(?:信用)?额度(?:为|是|:|：)?\s*(?:人民币|RMB|¥)?\s*\d")
_CC_BEFORE = re.compile(r"(?:信用卡|贷记卡)\s*[(（]?\s*(?:尾号)?\s*[:：]?\s*\**\s*$")


# An account named as linked to the one the notice is about is another account: `您账户8747关联个人
# 信用卡扣款` (the account pays its linked card), `关联活期账户余额不足` (a card's linked deposit).
_LINKED = re.compile(r"(?:关联|绑定|约定|签约)(?:的)?(?:个人|本人)?[\u4e00-\u9fff]{0,4}?(?:账户|账号|卡)")
# A notice telling the holder to repay the rest himself, or how to repay this account, is the debt
# account's own notice (剩余部分请自行还款, 剩余欠款请自行还款至信用卡, 请区分账户、币种分别还款): money
# repaid is money INTO the account it speaks of.
_DEBT_ADVICE = re.compile(r"(?:剩余|其余|尚欠)[^,。;\n]{0,6}?(?:请)?(?:自行|及时|尽快)?还款|自行还款|分别还款"
                          # or states what is still owed on it (剩余贷款本金为443750.00元)
                          r"|剩余(?:贷款)?本金|剩余(?:未还)?(?:欠款|应还)|尚欠(?:本金|金额)|未还本金|待还本金")


def _unlinked(s: str) -> str:
    return _LINKED.sub(lambda m: "_" * len(m.group(0)), s)


# charges only a credit card's account is posted (a late fee, revolving interest, an over-limit fee)
_CARD_ONLY_CHARGE = re.compile(r"滞纳金|循环利息|超限费|透支利息")


def _own_credit_card(s: str, tail: str | None) -> bool:
    """Is the holder's account in this notice a credit card (or a loan: a debt account)? The account
    noun that heads the own tail decides: `尾号2412的信用卡`, `信用卡6706`, `您0059的信用卡`, `尾号0123的借款`
    are; `尾号6598的账户信用卡预约还款` (an account repaying a card) and `账户8747关联个人信用卡` (an
    account and its linked card) are not."""
    cc = lexicon.get().credit_card
    s = _unlinked(s)
    if _CARD_ONLY_CHARGE.search(s) and not _DEBIT_ACCOUNT.search(s):
        return True  # 广发卡…入账滞纳金人民币64.33元: only a credit card is charged so
    if _CREDIT_LEFT.search(s) and not _DEBIT_ACCOUNT.search(s):
        return True  # 目前可用额度为人民币1559.79元: what is left of a credit line, on no deposit account
    if tail is None:
        return bool(re.search(r"(?:您|你)的?[^,。;向]{0,6}?(?:" + cc.pattern + ")", s))
    for m in re.finditer(re.escape(tail), s):
        if _CC_BEFORE.search(s[max(0, m.start() - 8): m.start()]):
            return True
        # the noun naming the tail's account stands in its sentence (a later 信用卡分期免息 advert
        # does not make 农业银行（3919） a credit card)
        head = _ACCOUNT_NOUN.search(_SENTENCE_STOP.split(s[m.end(): m.end() + 10], 1)[0])
        if head and (cc.fullmatch(head.group(0)) or head.group(0) in _LOAN_NOUN):
            return True
    return False


# A foreign amount and its settlement in yuan (境外消费USD 100.00，入账人民币690.50元; 折合人民币345.20元;
# 约合人民币58.30元): the yuan are what the holder's account moved, and what a claim counts.
# (扣账金额人民币381.27元, 扣款人民币1,889.76元, 已按人民币1,532.55元入账, 兑换为人民币4,592.50元,
# 结汇后人民币9,230.13元; a card's next line 扣账金额：人民币1,003.20)
_SETTLED_BEFORE = re.compile(r"(?:折合|约合|折算|折|合计|入账|结算|记账|相当于|约|扣账|扣款|扣收|兑换为|兑换成|结汇后"
                             r"|已?按)"
                             r"(?:扣账|扣款|入账)?(?:金额)?(?:为)?\s*[:：]?\s*$")


def _in_brackets(s: str, at: int) -> bool:
    return any(m.start() < at < m.end() for m in direction.BRACKETS.finditer(s))


def _settled(s: str, main: money.Money, monies: list[money.Money]) -> money.Money:
    for m in monies:
        if m.start < main.end or m.currency != "CNY" or m.label not in ("plain", "amount"):
            continue
        between = s[main.end: m.start]
        line = between.rsplit("\n", 1)[-1]  # a card's field line below the foreign figure's
        if re.search(r"[。;；!?！？]", between) or len(between) > 16 or (line != between and len(line) > 8):
            break
        if _SETTLED_BEFORE.search(line) and "余额" not in line:  # (余额折合人民币…: the balance in yuan)
            return dataclasses.replace(m, marked=True)
    return main


# A fee the bank took (its figure is the only one): 扣收年费, 扣短信服务费, 收取手续费.
_FEE_TAKEN = re.compile(r"(?:扣收|扣除|扣缴|扣取|扣|收取|代扣|支付|缴纳)[^,。;\d]{0,10}$")  # (支付POS机服务费99.00元)
# a deposit's interest paid to the holder (结息, 利息收入, 付息), in a notice naming no debt
_INTEREST_PAID = re.compile(r"结息|利息收入|付息|利息入账|利息存入|收到利息")
_DEBT_WORDS = re.compile(r"贷款|借款|欠款|应还|逾期|透支|分期|信用卡")
# what a bill's figure became: 应还款2,345.67元已于…从您尾号3082的还款账户扣收成功, 账单1,236.40元已自动还款成功
_TAKEN_AFTER = re.compile(r"\s*元?\s*(?:[(（][^()（）]{0,40}[)）])?\s*[,，]?\s*(?:已|已经)[^。;；,，]{0,40}?"
                          r"(?:扣收|扣款|划扣|扣除|扣缴|还款|还清|缴纳)(?:成功|完成)?"
                          r"(?![^。;；]{0,6}(?:失败|不成功))")


# (本金50,000.00元，收益812.33元，本息合计50,812.33元已入账: principal and yield paid together)
_ACTUAL = re.compile(r"(?:(?:实际(?:到账|入账|扣款|扣收|支付|付款|转出|转入)|实(?:到|收|付|扣|发))(?:金额)?|到账金额"
                     r"|入账金额|结算金额"
                     r"|本息(?:合计|共计|总计|总额))"
                     r"[为是:：\s]*(?:人民币|RMB|¥|￥)?\s*$")
# 兑付本金100,000.00元、收益1,032.88元，合计101,032.88元: the sum of a principal and its yield paid together
_PRINCIPAL_AND_YIELD = re.compile(r"本金[^。;；]{0,30}?(?:收益|利息)[^。;；]{0,24}?(?:合计|共计|总计)"
                                  r"(?:金额)?[为是:：\s]*"
                                  r"(?:人民币|RMB|¥|￥)?\s*$")
# 本金200,000.00元及利息5,720.00元已转入活期: a principal and its yield moved together with no total
# written - the amount is their sum (the figures quoted as written, from the first to the last)
_BEFORE_PRINCIPAL = re.compile(r"本金\s*[:：为]?\s*$")
_YIELD_JOINED = re.compile(r"\s*元?\s*(?:[,，、]|及|和|与|以及|加)\s*(?:及|和|与)?\s*"
                           r"(?:利息|收益|理财收益|投资收益)\s*[:：为]?\s*$")
_TOTAL_WRITTEN = re.compile(r"合计|共计|总计|总额|本息和|本息共")


def _with_its_yield(s: str, main: money.Money | None, monies: list[money.Money]) -> money.Money | None:
    """`main` with the yield or interest paid with it added, where the text names the principal and
    the yield side by side in one sentence and writes no total (else `main` as it is)."""
    if main is None or not _BEFORE_PRINCIPAL.search(s[max(0, main.start - 6): main.start]):
        return main
    later = [m for m in monies if m.start >= main.end and m.currency == main.currency]
    if not later or not _YIELD_JOINED.fullmatch(s, main.end, later[0].start):
        return main
    part = later[0]
    if _TOTAL_WRITTEN.search(s[main.start: _window_end(s, main.start)]):
        return main
    return dataclasses.replace(main, value=main.value + part.value, end=part.end, raw=s[main.start: part.end])


# the words of a movement in a figure's own clause: 10:15转入2,000.00元, 14:05转出19,998.00元
_MOVEMENT_RANKS = ("return", "voice", "strong")
_TIMED = re.compile(r"\d{1,2}[:：]\d{2}|\d{1,2}时\d{1,2}分")


def _more_movements(s: str, main: money.Money, monies: list[money.Money], way: str | None,
                    own_cc: bool, balance: money.Money | None) -> list[tuple[money.Money, str]]:
    """The other figures of `s` that are movements of their own, listed by their times as the amount
    is (10:12转入3,000.00元，10:15转入2,000.00元): each in a clause of its own that opens with its time,
    before the balance after them, in the amount's currency and of another value (a figure repeated is
    the same movement told twice), with a movement verb of its clause (not a weak word: 快捷支付 alone
    is a channel) that decides its direction. Empty for the common one-movement notice - and for a
    figure in a name or a remark the bank copied (附言：…存入500.00元), which has no time of its own."""
    if way is None:
        return []
    own_clause = direction.clause(s, main)
    if not _TIMED.search(own_clause):
        return []
    out = []
    for m in monies:
        if (m.label not in ("amount", "plain") or not m.marked or m.currency != main.currency
                or main.start <= m.start < main.end or m.value in (main.value, 0)):
            continue
        clause_ = direction.clause(s, m)
        if (clause_ == own_clause or direction.in_remark(s, m.start) or not _TIMED.search(clause_)
                or (balance is not None and m.start > balance.start)):
            continue
        masked = direction.mask_roles(clause_)
        if not any(direction.hits(masked, rank) for rank in _MOVEMENT_RANKS):
            continue
        decided = direction.decide(s, m, own_credit_card=own_cc)
        if decided.direction is None or decided.basis not in ("return", "voice", "strong", "reversal", "sign"):
            return []  # (a figure whose way is unclear: no sum, no review - the amount read stands)
        out.append((m, decided.direction))
    return out


# a card's line naming the account that paid: 扣款账户：工商银行(4410), 付款卡：建设银行(1263)
_PAYING_ACCOUNT = re.compile(r"(?<!原)(?:扣款|付款|还款|支付)(?:账户|卡|银行卡|方式)\s*[:：]?\s*[\u4e00-\u9fff]{0,10}"
                             r"\s*[(（]?\s*"
                             r"(?:尾号)?\s*(?P<tail>\d{4})\s*[)）]?")


def _paid_from_own(s: str, own_tail: str | None) -> bool:
    """The holder's own account is named as the one that paid (扣款账户：工商银行(4410), 从尾号2617的
    银行卡转入…): a repayment from it is money out of it, no account left unknown."""
    found = _PAYING_ACCOUNT.search(s) or _OWN_CARD_PAYS.search(s)
    return own_tail is not None and found is not None and found.group("tail") == own_tail


# money arriving in an account of the holder's named after it: 放款至您尾号0219的借记卡
_INTO_YOURS = re.compile(r"(?:转至|放款至|发放至|划至|划入|转入|存入|汇入|退回至?|退至)(?:您|你)(?:的)?(?:尾号)?\s*\*?"
                         r"(\d{4})(?!\d)")
# a message sent on by a person: 转发：…, Fwd: …
_FORWARDED = re.compile(r"^\s*(?:转发|(?i:fwd?|fw))\s*[:：]")
# the holder's own card named as the source of a top-up or a transfer into a wallet or product
_OWN_CARD_PAYS = re.compile(r"(?:从|使用|用|通过)(?:您的?)?(?:尾号)?\s*\*?(?P<tail>\d{4})\s*的?[\u4e00-\u9fff]{0,6}?"
                            r"(?:银行卡|储蓄卡|借记卡|卡|账户)[^。,;]{0,20}?(?:转入|充值|支付|付款|购买|申购|还款|扣划|划扣|扣款|扣收)"
                            # 您尾号7810的招商银行卡已成功转入余额宝2,000.00元: the card is the subject
                            r"|尾号\s*(?P<tail2>\d{4})\s*的?[\u4e00-\u9fff]{0,8}?卡[^。,;]{0,6}?转入"
                            r"(?=余额宝|零钱通|小金库|理财通|余利宝|朝朝宝)")
# a credit card's charge posted (年费…已于04月01日入账, 循环利息…已入账, 已收取): 入账 on a card's bill
# is posting, not money in
_POSTED = re.compile(r"\s*元?\s*(?:已|已经)(?:于[^。;；,，]{0,14})?(?:入账|收取|扣收|计收|计入(?:本期)?账单)")


def _window_end(s: str, at: int) -> int:
    """The end of the sentence holding `at`."""
    ends = [i for i in (s.find(c, at) for c in "。;；!?！？\n") if i >= 0]
    return min(ends) if ends else len(s)
# Money words about an account, for a text without sender or signature (shown for review).
_REPAID = re.compile(r"还款|已还|还本息|偿还|归还")  # repayment words, which say nothing of the account
# A debt named beside the holder's account, which the account repays: 信用卡还款, 向尾号1356的信用卡
# 还款, 微粒贷已还本息…还款卡为农业银行(3919) (the paying card named).
_DEBT_NAMED = re.compile(r"信用卡|贷记卡|贷款|借款|房贷|车贷|按揭|欠款|账单|分期|花呗|借呗|白条|月付|微粒贷|网商贷|"
                         r"[\u4e00-\u9fff]{1,3}贷(?!记)|"
                         r"(?:还款|付款|扣款)(?:卡|账户|账号)|向[^,。;]{1,20}?还款")
# The holder's account repaying a debt it is not: a deposit account named (储蓄卡, 一卡通), or the
# debt named as the one paid TO (向X还款, 还款至信用卡, 信用卡还款, 还款卡为…: the paying card). A notice
# naming only a card and the state of its bill (还款卡号：尾号4542广发卡，账单还款进度：未还清) is the
# card's own: its repayment went in - never a guessed debit (shown for review when undecided).
_PAID_TO = re.compile(r"向[^,。;]{1,20}?还款|还款(?:至|到)|还(?:信用卡|贷款|借款|花呗|白条|房贷|车贷)|"
                      r"(?:信用卡|贷记卡|贷款|借款|房贷|车贷|按揭|花呗|借呗|白条|月付|微粒贷|网商贷|分期)(?:预约|自动|主动|定期)?还款|"
                      r"(?:还款|付款|扣款)(?:卡|账户|账号)为|"
                      # 自动还款（闪电贷）, 提前还款（个人住房贷款）: the loan repaid named in brackets after it
                      r"还款\s*[(（][^()（）]{0,12}?(?:贷|借款|按揭)[^()（）]{0,6}[)）]")


def _repays_other(s: str) -> bool:
    return bool(_DEBT_NAMED.search(s) and (_DEBIT_ACCOUNT.search(s) or _PAID_TO.search(s)))


_ACCOUNT_WORD = re.compile(r"余额|账户|账号|银行卡|储蓄卡|信用卡|借记卡|钱包|零钱|借款|尾号|卡号")
# A notice that asks the holder to call a number: a bank gives its own hotline (955xx, 96xxx);
# an unsigned "notice" giving a 400/800 number, a landline or a mobile is a fraud script.
_CALLBACK = re.compile(
    r"(?:如非本人|非本人操作|如有疑问|如有异议|如有问题|详询|咨询|致电|联系|拨打|来电)[^。!]{0,16}?"
    r"((?:400|800)[-\s]?\d{3}[-\s]?\d{4}|0\d{2,3}-?\d{7,8}|1[3-9]\d{9})")
_DEBIT_ACCOUNT = re.compile(r"借记卡|储蓄卡|一卡通|活期|存款账户|储蓄账户|理财卡|工资卡|社保卡")


def _credit_account(s: str, names: list[str], institution: str | None) -> bool:
    """The notice comes from a credit account's own channel, or tells the holder how to repay the
    account it speaks of (_DEBT_ADVICE), and names no deposit account of the holder: a revolving
    credit product (花呗, 白条, 月付: institutions.toml credit_line), or a card centre signing or
    sending as one (【中信银行信用卡】, 招商银行信用卡 on WeChat). 还款 in such a notice is money INTO
    the credit account."""
    if _DEBIT_ACCOUNT.search(_unlinked(s)):
        return False
    if institutions.credit_line(institution) or _DEBT_ADVICE.search(s):
        return True
    return any("信用卡" in n or "卡中心" in n for n in names)


# A credit product's own repayment named in an unsigned-by-card notice (您的白条还款299.00元已成功, 花呗还款
# 成功, 你的花呗本月账单已还款500.00元): the debt account is the one the notice speaks of, so 还款 is
# money INTO it (as for 【花呗】).
_CREDIT_PRODUCT_REPAID = re.compile(r"(?:白条|花呗|借呗|月付|金条|微粒贷)(?:本期|本月|当期|\d{1,2}月)?(?:账单)?(?:已)?"
                                    r"还款"
                                    r"|还款[^,。;\d]{0,4}(?:白条|花呗|借呗|月付|金条)"
                                    # 您对2个京东白条已成功付款3506元: paid TO the product, not with it
                                    r"|(?:对|为|向)[^,。;]{0,8}?(?:白条|花呗|借呗|月付|金条|微粒贷)[^,。;\d]{0,8}?付款")


# A bill beyond doubt, wherever in the message: its figures are never movements unless a plain
# money verb (支出, 转出, 存入…) governs the amount.
# (未出账单金额: spending not yet billed, a running total beside a movement - no bill)
_BILL = re.compile(r"(?<!计入)本期账单(?!日)|账单已出|最低还款|最低应还|(?<!未出)账单金额|本期应还|到期还款日"
                   r"|最后还款日"
                   r"|\d{1,2}月(?:份)?应还")
_BILL_REPAID = re.compile(r"账单(?:已(?:于|经)?|已)[^。;；,，]{0,30}?(?:自动)?还款(?!日|提醒)|账单已(?:还清|结清)"
                          r"|(?:已|成功)还款(?:白条|花呗)?\s*(?:人民币|RMB|¥)?\s*\d"  # 已还款人民币3,500.00元
                          r"|应还[^。;；]{0,20}?已(?:于|经)?[^。;；,，]{0,36}?(?:成功(?:扣收|扣款|划扣|扣除|扣缴|还款)"
                          r"|(?:扣收|扣款|划扣|扣除|扣缴|还款|还清)(?:成功|完成))")


def _bill_up_to(s: str, main: money.Money) -> bool:
    """Bill words before the amount or in its sentence: the figure is the bill's. A bill remark in a
    later sentence (消费500元，余额100元。本期账单请于4月5日前还款) leaves the notice a movement, and so
    does a bill its own sentence says was repaid (本期账单已于04月25日通过尾号*8830借记卡自动还款人民币
    2,918.77元): the figure is the repayment."""
    ends = [i for i in (s.find(c, main.end) for c in "。!?;；！？\n") if i >= 0]
    end = min(ends) if ends else len(s)
    return _BILL.search(s, 0, end) is not None and not _BILL_REPAID.search(s, 0, end)


# A shop's or a travel site's own notice that it refunded an order into the holder's wallet or card
# (【大众点评】您的【食神锅奉行】退款申请已经成功，共268.00元，请在10个工作日内查看您的银行帐户;
# [艺龙]…订单…已退款243.22元，支付宝预计4个工作日内退还至原支付账户): money in for the holder, as the
# payer reports it. With no figure in it, it is that movement shown for review.
_REFUNDED = re.compile(r"(?:已(?:经)?(?:成功)?(?:退款|退保|退票)|退(?:款|票|保)(?:申请)?(?:已(?:经)?)?(?:成功|完成)|"
                       r"已(?:经)?(?:成功)?(?:原路)?(?:退回|退还|退至))(?!失败)")
_REFUND_TO_HOLDER = re.compile(r"(?:您|你)的?(?:支付宝|银行|微信|财付通|京东)?(?:帐户|账户|卡|钱包)|"
                               r"支付宝(?:帐户|账户)?|"
                               r"原(?:支付|付款)(?:账户|帐户|方式|卡|渠道)|原路|银行(?:帐户|账户|卡)|零钱")


# A lender's notice that a loan's instalment was collected (您合同号为…的住房贷款于14年9月13日应归还贷款本息
# 3,077.87元，并已扣款成功): money left some account of the holder's into the loan account; naming
# none of the holder's accounts, it is the repayment rule's case (shown for review), never a guessed debit.
_LOAN_INSTALMENT = re.compile(r"贷款[^。;]{0,16}?(?:应归还|应还|归还|偿还)[^。;]{0,8}?(?:本息|本金|利息|贷款)")


# A bank's notice with its advert after it (您尾号4118的信用卡29日20:11消费人民币190.00元。领取年终福利，马上点
# t.cn/8FPUanJ 。[招商银行]): the link stands in a sentence of its own that offers something and says
# nothing of this movement. A fake notice's link is its way to "dispute" the movement - its sentence
# says 非本人, 疑问, 取消, 退款, 冻结, 核实, 客服, 升级, 过期… - and stays a lure. The link is still
# reported as flagged; only the movement is not taken for the lure's.
_ADVERT = re.compile(r"积分|红包|福利|好礼|礼包|[抢送领享]|优惠|特惠|返现|抽奖|活动|包邮|折|影票|券|大片|美食|购物")
_DISPUTE = re.compile(r"非本人|疑问|疑义|异议|取消|退款|退回|退还|冻结|解冻|异常|核实|客服|验证|认证|升级|过期|失效|"
                      r"密码|登录|登陆|清零|兑换现金|现金|到期|安全|风险|致电|拨打|联系")
_SENTENCE_END = re.compile(r"[。!?;\n]")


def _advert_apart(s: str, main: money.Money, flagged: tuple[tuple[str, str], ...]) -> bool:
    lowered = s.lower()
    for domain, reason in flagged:
        if any(not (r.startswith("lure_words") or r == "shortener") for r in reason.split("; ")):
            return False  # a look-alike, a bare IP, a false signature: a lure whatever it says
        at = lowered.find(domain)
        if at < 0:
            return False
        start = max((m.end() for m in _SENTENCE_END.finditer(s, 0, at)), default=0)
        end_m = _SENTENCE_END.search(s, at + len(domain))
        end = end_m.start() if end_m else len(s)
        sentence = s[start:end]
        if start <= main.start < end or not _ADVERT.search(sentence) or _DISPUTE.search(sentence):
            return False
    return True


def _merchant_refund(base: Notice, s: str, main: money.Money | None, word: str,
                     stated: dt.datetime | None, precision: times.Precision | None) -> Notice:
    notice = dataclasses.replace(
        base, kind=EventKind.BANK_NOTICE, direction=Direction.CREDIT, direction_basis="return",
        direction_words=(word,), counterparty=parties.counterparty(s, main.end if main else len(s)),
        stated_time=stated, precision=precision)
    if notice.card_tail is None and (to := accounts.role_tails(s).get("to")) is not None:
        # 已原路退回至尾号0348的宁波银行卡: the card the refund went to is the holder's
        notice = dataclasses.replace(notice, card_tail=to, counterparty_tail=None)
    if main is None:
        return dataclasses.replace(notice, category=Category.REVIEW, needs_review=True, review_reason="no_amount")
    return dataclasses.replace(notice, category=Category.CREDIT, amount=main.value, currency=main.currency,
                               amount_raw=main.raw)


def _statement(base: Notice, s: str, monies: list[money.Money], received: dt.datetime | None,
               tz: dt.tzinfo) -> Notice:
    bills = [m for m in monies if m.label == "bill"] or [
        m for m in monies if m.marked and m.label in ("plain", "amount") and m.start > s.find("账单")]
    return dataclasses.replace(
        base, kind=EventKind.BANK_NOTICE, category=Category.STATEMENT,
        statement_total=bills[0].value if bills else None,
        currency=bills[0].currency if bills else "CNY", due_date=_due_date(s, received, tz),
    )


EMPTY = Notice(EventKind.SMS)  # a plain SMS in which nothing was found (callers may test `is EMPTY`)


@functools.cache
def _hooks() -> tuple[re.Pattern[str], ...]:
    """The patterns one of which must match the folded text of a quiet message from a personal
    number for the reader to find anything in it (see _plain): a tail, a code word, an account
    noun or product (_institution), a lure mark. The reader's own objects, not copies."""
    return (accounts.TAIL, otp.WORD, _OWN_ACCOUNT_NOUN, *_IN_BODY, _PAID_WITH,
            *(m.pattern for m in lure.markers()))


@functools.cache
def _traditional_chars() -> frozenset[str]:
    """The characters the Traditional fold changes (lexicon.traditional's keys)."""
    return frozenset(map(chr, lexicon.traditional()))


def _plain(body: str, sender: str) -> bool:
    """issue 23: True only when `_classify` would return Notice(SMS) with nothing found, for less
    than half its cost: a person's chat line (晚上一起吃饭吗？…第123条消息) is most of a phone.

    For a _QUIET text from a personal number, `_prepare` cuts no signature and names nothing, so
    its text is the fold below; links are none, so no verdict; with no name, no bank and no
    OTHER_SERVICES sender, `bankish` is false and `_institution` can only answer from the hook
    patterns (a brand needs a Latin letter); `is_otp` needs a code word (or Latin letters), the
    tails TAIL, a lure a marker. No hook matching, the shortcut in `_classify` returns that
    empty base. tests/test_notices_shortcut.py compares it with the full reading."""
    if not _QUIET.fullmatch(body):
        return False
    number = phones.normalize(sender)
    if (_PERSONAL_NUMBER.fullmatch(number) is None or _AREA_SERVICE.fullmatch(number) is not None
            or phones.bank_code(sender) is not None
            or number in phones.OTHER_SERVICES or _named_sender(number) is not None):
        return False
    # NFKC of a quiet text only turns ，？！ into ,?! (done first, NFKC then finds nothing to do:
    # 0.1 instead of 3 µs), and the Traditional fold is needed only when such a character is there
    s = money.prepare(times.normalize_text(body.replace("，", ",").replace("？", "?").replace("！", "!")))
    if not _traditional_chars().isdisjoint(s):
        s = s.translate(lexicon.traditional())
    s = s.replace("你", "您")
    return not any(hook.search(s) for hook in _hooks())


def _classify(body: str, sender: str, received: dt.datetime | None, tz: dt.tzinfo, *,
              shortcut: bool = True) -> Notice:
    """`shortcut=False` reads every message in full (tests prove both ways give the same)."""
    if shortcut and _plain(body, sender):
        return EMPTY
    s, edge, inner = _prepare(body)
    signed = edge + inner
    urls, domains = links(body)
    normalized_sender = phones.normalize(sender)
    sender_bank = phones.bank_code(sender)
    sig_code = _signature_code(signed)
    named_sender = _named_sender(normalized_sender)
    # a bank named inside the text (a remark, a payer's name) speaks only when neither an edge
    # signature nor the sender's own name or number does
    names = [*edge, *([named_sender] if named_sender and sender_bank is None else []),
             *([] if sender_bank else inner)]
    bank = sender_bank or sig_code
    # Signed as bank X by a number that cannot be X's: a personal mobile or landline, or an SP
    # number (106…) that embeds no bank's code and carries a link to a site that is not official.
    # Banks send from their hotline or from 106… numbers of their own. A public shortener (t.cn)
    # proves nothing either way - banks append one to their own notices' adverts (【招商银行】
    # …消费人民币327.62元。9积分抢兑… t.cn/R7t0CoD) - so it does not make the signature false; what
    # it hides is still judged as a link (lure words, an action).
    personal = (_PERSONAL_NUMBER.fullmatch(normalized_sender) is not None
                and _AREA_SERVICE.fullmatch(normalized_sender) is None)
    unverified_sp = normalized_sender.startswith("106") and sender_bank is None
    # (any institution's signature from a personal phone: 【江苏银行】 from a mobile is as false as 【工商银行】)
    unofficial = [d for d in domains if not _links.official(d)]
    spoofed = bool((sig_code or any(_institutional(n) for n in signed)) and personal) or bool(
        sig_code and unverified_sp and any(not _links.shortener(d) for d in unofficial))
    # (such a shortener still earns that sender no trust for its links: they are judged as anyone's)
    vouched = not spoofed and not (sig_code and unverified_sp and unofficial)
    institution = _institution(names, bank, sender, s)
    bankish = bool(bank or any(_institutional(n) for n in names) or normalized_sender in ("12329", "12333", "12366")
                   or normalized_sender in ("95188", "95017", "95516"))
    # an account notice without a bank's name or number: it speaks of the holder's own account
    own_tail, other_tail, other_role = accounts.tails_with_role(s)
    # A message signed by a shop, a carrier or any other non-financial sender (【京东】 order
    # notices: 您已下单…金额599元) is that sender's, never an account notice.
    senders = [n for n in names if not _TAG.search(n)]  # 【账单提醒】【未分期】 are tags, not senders
    other_sender = (bool(senders) and not any(_institutional(n) for n in senders)) or (
        normalized_sender in phones.OTHER_SERVICES and normalized_sender not in ("95188", "95017", "95516")
    ) or (not bankish and own_tail is None and _phone_account(s + "".join(signed)))
    notice_like = bankish or (not personal and not other_sender
                              and (own_tail is not None or bool(_OWN_REFERENCE.search(s))))
    # The institution's own channel: its hotline, or a service number signing with its name
    # (regional banks send from 106… numbers no table knows); not a personal phone.
    trusted = (bool(sender_bank and not spoofed) or normalized_sender in phones.OTHER_SERVICES
               or (bankish and bool(names) and not personal and vouched))
    verdicts = _links.judge(domains, body, trusted_sender=trusted, spoofed=spoofed,
                            code_message=bool(domains) and otp.is_otp(s) and otp.code(s) is not None)
    flagged = tuple((v.domain, v.reason) for v in verdicts if v.reason)
    base = Notice(
        EventKind.SMS, bank=bank, urls=urls, domains=domains, signature=signed[0] if signed else None,
        sender_bank=sender_bank, spoofed=spoofed, card_tail=own_tail, counterparty_tail=other_tail,
        institution=institution, phishing=flagged,
    )
    # a code word written as a bracketed tag (【验证码】888686，…) labels the code after it
    coded = "".join(f"{n}:" for n in signed if otp.WORD.fullmatch(n)) + s
    is_otp = otp.is_otp(coded)
    # Someone else's text imitating a notice, or luring its reader (a number to call that is no
    # hotline, a fee threatened for later, a payer's "check whether it arrived"): the figure it
    # names is evidence of the fraud, never money moved (banksms/lure.py gives the reasons)
    verdict = lure.judge(s, personal_sender=personal)
    if shortcut and personal and not bankish and not flagged and not is_otp and not verdict.lure:
        # issue 23: most of a phone's messages are people's. From a personal number, with no
        # institution's signature or name (so not bankish, and not notice_like: that needs a
        # non-personal sender), no flagged link, no code word and no lure mark, no branch below
        # returns anything but `base`: the code branch needs is_otp, the lure one a lure, the
        # bill and movement ones notice_like, the phishing one a flagged link, the unsigned one a
        # non-personal sender, the last bankish or notice_like. Amounts, dates and direction
        # words (most of the reader's time) are not read for it.
        return base
    monies = money.find(s)

    if is_otp:
        code = otp.code(coded)
        if code or otp.chinese(coded):  # a Chinese 验证码 message never moves money, code found or not
            amounts = [m for m in monies if m.marked and m.label in ("amount", "plain")]
            amount = amounts[0] if amounts else None
            # no code in it (a chat line asking the victim for "the code", instructions that mention
            # one): no code event, and no code message unless the code is masked (验证码为：******)
            masked = code is None and otp.masked(coded)
            return dataclasses.replace(
                base, kind=EventKind.VERIFICATION_CODE if code else EventKind.SMS,
                category=Category.OTP if code or masked else (Category.OTHER if bankish else Category.SMS),
                code=code,
                institution=institution or institutions.canonical(otp.brand(coded) or otp.chinese_brand(coded)),
                counterparty=parties.counterparty(s, amount.end if amount else len(s)),
                channel=parties.channel(s), amount=amount.value if amount else None,
                currency=amount.currency if amount else "CNY", amount_raw=amount.raw if amount else None,
            )

    own_cc = (_own_credit_card(s, own_tail) or _credit_account(s, names, institution)
              or (own_tail is None and not _DEBIT_ACCOUNT.search(s) and bool(_CREDIT_PRODUCT_REPAID.search(s))))
    balance_m = next((m for m in monies if m.label == "balance"), None)
    balance = (-balance_m.value if balance_m.sign == "-" else balance_m.value) if balance_m else None
    if own_cc and balance_m is not None and "可用余额" in s[max(0, balance_m.start - 6): balance_m.start]:
        balance = None  # 可用余额 of a credit card is the credit still available, not money held
    stated, precision = _stated(s, received, tz)
    moved = [m for m in monies if m.marked and m.label in ("amount", "plain")]
    if not moved:
        moved = money.bare_after_verb(s, monies, _DIRECTION_VERBS)
    elif _in_brackets(s, moved[0].start) and (bare := money.bare_after_verb(s, monies, _DIRECTION_VERBS)) and (
            not _in_brackets(s, bare[0].start)):
        # 支出332.08[银联境外消费KRW63,000]: the figure the verb governs, not the one the bracket explains
        moved = bare + moved
    if not moved:  # 扣收年费人民币10.00元: a fee taken is itself the movement
        moved = [m for m in monies if m.label == "fee" and _FEE_TAKEN.search(s[max(0, m.start - 16): m.start])]
    if not moved and _INTEREST_PAID.search(s) and not _DEBT_WORDS.search(s):
        # 贵账户*5802于…结息，利息8.63元，税后利息8.63元: a deposit's interest paid in (after tax if said)
        paid = [m for m in monies if m.label == "fee" and s[max(0, m.start - 4): m.start].endswith("利息")]
        moved = sorted(paid, key=lambda m: "税后" not in s[max(0, m.start - 4): m.start])[:1]
    if not moved and own_cc:  # 年费人民币580.00元已于04月01日入账: a charge posted to the holder's card
        moved = [m for m in monies if m.label == "fee" and _POSTED.match(s, m.end, _window_end(s, m.end))]
    if not moved:  # 本期应还款2,345.67元已于05月20日从您尾号3082的还款账户扣收成功: the bill, taken
        moved = [m for m in monies if m.label in ("bill", "due")
                 and _TAKEN_AFTER.match(s, m.end, _window_end(s, m.end))]
    # 借款￥30,000.00已放款，扣除服务费900.00元后实际到账29,100.00元: what actually moved is the figure
    # (never a figure in a remark: 附言：中国银行转账到账50000元 is the payer's text, a fraud's favourite)
    actual = [m for m in moved if (_ACTUAL.search(s[max(0, m.start - 10): m.start])
                                   or _PRINCIPAL_AND_YIELD.search(s[max(0, m.start - 60): m.start]))
              and not direction.in_remark(s, m.start)]
    main = money.tied_to_balance(s, moved, balance_m) or next(iter(actual or moved), None)
    main = _with_its_yield(s, main, monies)
    # the direction is read at the amount as spent, the yuan it settled at are the amount
    settled = _settled(s, main, monies) if main is not None and main.currency != "CNY" else main
    if main is not None and main.value == 0:
        main = None  # 欠费0元, 0.00元: nothing moved
    blocked = _no_money(s, main)

    if verdict.lure:
        base = dataclasses.replace(base, lure=verdict.reasons, lure_numbers=verdict.numbers)
        if main is not None:
            return dataclasses.replace(
                base, kind=EventKind.PHISHING if flagged else EventKind.SMS, category=Category.LURE,
                amount=main.value, currency=main.currency, amount_raw=main.raw, stated_time=stated,
                precision=precision)

    if notice_like and blocked is not None and (
            blocked.category == Category.STATEMENT
            or (blocked.category in (Category.PROMO, Category.INSTALLMENT) and _BILL.search(s))):
        # a bill, also when the figure read first is the instalment it offers (6月应还…，最多可申请
        # 11786.40元免息分期): the bill is what the message is
        return _statement(base, s, monies, received, tz)

    # 微信支付: 已支付¥24.99 (the holder's app); 接上: opens the second part of a split SMS, no title
    titled = bool((t := _TITLE.match(fold(body).strip())) and t.group(1) not in ("接上", "上接", "续上")) or bool(
        (e := _ENGLISH_TITLE.match(s)) and institutions.listed(e.group(1))) or (  # AlipayHK: You have…
        0 < s.find("\n") <= 12 and _says_a_movement(s[: s.find("\n")]))  # a card's headline: 余额宝收益到账
    # a payment card's labelled figure (收款金额￥1500.00) from the institution's own channel
    card_figure = bankish and main is not None and main.label == "amount"
    # an institution's own notice reporting a movement as done (【翼支付】钱到啦到账1.02元): said to
    # its user, about the user's account with it
    done = (bankish and main is not None and bool(names or sender_bank)
            and _DONE.search(direction.clause(s, main)) is not None)
    looks_moved = main is not None and (own_tail is not None or other_tail is not None or stated is not None
                                        or bool(_OWN_REFERENCE.search(s)) or (titled and bankish) or card_figure
                                        or done)
    # a hold (预授权) or a transfer still on its way (在途): shown for review with its amount, never counted
    held = blocked.category if blocked is not None and blocked.category in _HELD else None
    hold = held is not None
    callback = _CALLBACK.search(s)
    # a notice asking the holder to call a number no listed institution answers on: unsigned, or
    # signed as a bank by a sender that is not that bank's number and naming none of the holder's
    # accounts - a bank's own notice names the card; a fake cannot (建行通知:我行已成功在您卡上扣取
    # 1200元…详情咨询4006685299【建设银行】, a fraud text from a mobile)
    bank_number = sender_bank is not None and normalized_sender[:1].isdigit()  # (a name proves nothing)
    unverified = (callback is not None and institutions.by_hotline(callback.group(1)) is None
                  and (not bankish or (not bank_number and own_tail is None)))
    if notice_like and looks_moved and (blocked is None or hold) and main is not None:
        decision = (direction.Decision(direction.OUT, "strong", ("入账",)) if own_cc and main.label == "fee"
                    else direction.decide(s, main, own_credit_card=own_cc))  # (a card's 入账 posts a charge)
        if decision.basis == "credit_card" and own_tail is not None and own_tail in "".join(decision.words):
            # 本期应还…已于05月25日从尾号4731的银行卡成功扣款: the tail is the card that paid, not the
            # debt: the notice's own account is the payer
            decision = direction.Decision(direction.OUT, "strong", decision.words)
        elif (decision.direction != direction.OUT and decision.basis not in ("reversal", "return")
              and own_tail is not None
              and (source := _OWN_CARD_PAYS.search(s) or _PAYING_ACCOUNT.search(s)) is not None
              and (source.groupdict().get("tail") or source.groupdict().get("tail2")) == own_tail):
            # 您已成功从尾号2617的银行卡转入小金库5,000.00元, 使用尾号8824的银行卡为翼支付账户充值500.00元:
            # the holder's card is the source; what 转入 / 充值 names came in elsewhere
            decision = direction.Decision(direction.OUT, "voice", (source.group(0),))
        if decision.basis in ("weak", "none", "credit_card") and _bill_up_to(s, main):
            # 本期账单已出…本期消费1,000元: a bill's figures, only spending words about them
            return _statement(base, s, monies, received, tz)
        found = _OUT_IN.get(decision.direction or "")
        if found is not None or decision.basis in ("conflict", "none"):
            # a look-alike bank notice carrying a lure link is the phishing, not a notice
            if spoofed and not flagged and _FORWARDED.match(body):
                # 转发：【中国农业银行】您尾号8841账户…: a victim sending on a bank's notice from his own
                # phone is no fake, but a copy: shown with its amount, counted nowhere (the original
                # may be in the same export)
                return dataclasses.replace(
                    base, kind=EventKind.BANK_NOTICE, category=Category.REVIEW, needs_review=True,
                    review_reason="forwarded", spoofed=False, amount=main.value, currency=main.currency,
                    balance=balance, stated_time=stated, precision=precision, amount_raw=main.raw,
                    direction_words=decision.words)
            if spoofed and not flagged:
                # 【工商银行】 from a number that is not ICBC's: a fake notice moves no money
                return dataclasses.replace(
                    base, kind=EventKind.SMS, category=Category.SPOOFED, amount=main.value,
                    currency=main.currency, stated_time=stated, precision=precision, amount_raw=main.raw)
            if flagged and (spoofed or not sender_bank or _forged_link(flagged)) and not (
                    own_tail is not None and not spoofed and _advert_apart(s, main, flagged)):
                # the claimed sum stays as evidence of the lure; no money moved by this message
                return dataclasses.replace(
                    base, kind=EventKind.PHISHING, category=Category.PHISHING, amount=main.value,
                    currency=main.currency, stated_time=stated, precision=precision, amount_raw=main.raw)
            shown = settled or main
            notice = dataclasses.replace(
                base, kind=EventKind.BANK_NOTICE, amount=shown.value, currency=shown.currency,
                balance=balance, counterparty=parties.counterparty(s, main.end), channel=parties.channel(s),
                stated_time=stated, precision=precision, amount_raw=shown.raw,
                balance_raw=balance_m.raw if balance_m and balance is not None else None,
                own_credit_card=own_cc, direction_words=decision.words,
            )
            if unverified:  # 您尾号…消费5000元，如非本人请致电400…: a fake notice's script
                return dataclasses.replace(notice, category=Category.REVIEW, needs_review=True,
                                           review_reason="unverified")
            if held:  # 预授权, 在途: money reserved or travelling, not taken; shown, counted nowhere
                return dataclasses.replace(notice, category=Category.REVIEW, needs_review=True,
                                           review_reason=held)
            if found is None:  # shown as 方向待核实, counted nowhere
                return dataclasses.replace(notice, category=Category.REVIEW, needs_review=True,
                                           review_reason=decision.basis)
            if (found is Direction.DEBIT and not own_cc and decision.words
                    and not _paid_from_own(s, own_tail)
                    and ((all(_REPAID.fullmatch(w) for w in decision.words) and not _repays_other(s))
                         or (own_tail is None and _LOAN_INSTALMENT.search(s) is not None))):
                # 还款 says a debt was repaid, not which account paid: money repaid INTO a card or
                # loan account is money in for it, money paid from a bank card to a debt is money
                # out. A notice naming no debt but the holder's own account (光大卡尾号6644还款5200元,
                # 您于07月17日成功还款1352.29元) may be either: never a guessed debit
                return dataclasses.replace(notice, category=Category.REVIEW, needs_review=True,
                                           review_reason="repayment_account_unknown")
            if own_tail is None and other_role:
                # 付款账户尾号1234 on a payment the holder made is the holder's own account, and 收款卡
                # 中国银行(6092) on money the holder received (beside 付款方 刘*（6217****1023）)
                roles = accounts.role_tails(s)
                mine = roles.get("payer") if found is Direction.DEBIT else (roles.get("payee") or roles.get("to"))
                if mine is not None:
                    theirs = next((t for r, t in roles.items() if t != mine and r != "to"), None)
                    notice = dataclasses.replace(notice, card_tail=mine, counterparty_tail=theirs)
            into = _INTO_YOURS.search(s) if found is Direction.CREDIT else None
            if into is not None and into.group(1) != notice.card_tail:
                # 您尾号7765的信用卡现金分期…放款至您尾号0219的借记卡: the money arrived in 0219
                notice = dataclasses.replace(notice, card_tail=into.group(1), counterparty_tail=notice.card_tail)
            if shown is main and (more := _more_movements(s, main, monies, decision.direction, own_cc,
                                                          balance_m)):
                if any(way != decision.direction for _, way in more):
                    # 转入20,000.00元；14:05转出19,998.00元: money in and out in one message - no net
                    # figure is guessed; each is shown, none counted until checked
                    return dataclasses.replace(notice, category=Category.REVIEW, needs_review=True,
                                               review_reason="several_movements")
                # 10:12转入3,000.00元，10:15转入2,000.00元: one message for several movements the same
                # way - the amount is their sum, quoted figure by figure
                figures = sorted([main, *(m for m, _ in more)], key=lambda m: m.start)
                notice = dataclasses.replace(notice, amount=sum((m.value for m in figures), Decimal(0)),
                                             amount_raw=" + ".join(m.raw for m in figures))
            return dataclasses.replace(
                notice, direction=found, direction_basis=decision.basis,
                category=Category.DEBIT if found is Direction.DEBIT else Category.CREDIT)

    if flagged:
        return dataclasses.replace(base, kind=EventKind.PHISHING, category=Category.PHISHING)
    # (a shop's signature from a personal mobile proves nothing: no refund is read from it)
    refunded = _REFUNDED.search(s) if other_sender and not personal and not verdict.lure and not is_otp else None
    # (with no figure in it, an advert or an unsubscribe line elsewhere in it blocks nothing)
    refund_blocked = blocked if main is not None or (blocked and blocked.category == Category.FAILED) else None
    if (refunded is not None and _REFUND_TO_HOLDER.search(s)
            and (refund_blocked is None or refund_blocked.category == "pending")):
        return _merchant_refund(base, s, main, refunded.group(0), stated, precision)
    if main is None and notice_like and own_tail is not None and not is_otp and not verdict.lure \
            and (unstated := _unstated_amount(s, own_tail)) is not None:
        # 您账户2836于09月13日22:49在…发生快捷支付扣款: a movement of the holder's account whose
        # text writes no amount - shown as that movement for review, with nothing to count
        return dataclasses.replace(
            base, kind=EventKind.BANK_NOTICE, category=Category.REVIEW, needs_review=True,
            review_reason="no_amount", direction=unstated.direction, direction_words=unstated.words,
            direction_basis=unstated.basis, balance=balance, counterparty=parties.counterparty(s, len(s)),
            channel=parties.channel(s), stated_time=stated, precision=precision,
            balance_raw=balance_m.raw if balance_m and balance is not None else None)
    if (not bankish and not notice_like and not personal and not other_sender and main is not None
            and (blocked is None or hold)
            and (_ACCOUNT_WORD.search(s) or re.search("[您你]", s) or main.label == "amount"
                 or _DONE.search(direction.clause(s, main)))  # 成功收款0.01元: a movement said done
            and ((decided := direction.decide(s, main, own_credit_card=own_cc)).basis != "none" or hold)):
        # No signature, no institution's number, no word of the holder's own account: the text
        # alone does not prove whose money moved (an export without senders, a screenshot's
        # OCR). What it says is shown for review, counted nowhere.
        return dataclasses.replace(
            base, kind=EventKind.BANK_NOTICE, category=Category.REVIEW, needs_review=True,
            review_reason=held or "unsigned", amount=main.value, currency=main.currency, balance=balance,
            counterparty=parties.counterparty(s, main.end), channel=parties.channel(s), stated_time=stated,
            precision=precision, amount_raw=main.raw, direction_words=decided.words,
            balance_raw=balance_m.raw if balance_m and balance is not None else None)
    if bankish or (notice_like and blocked is not None):
        # a bank's or payment platform's message that moved no money, or one about the holder's
        # account whose words say no money moved (an export that lost the sender)
        category = (Category.REMINDER if held == "pending" else Category.OTHER if held
                    else blocked.category if blocked is not None else Category.OTHER)
        return dataclasses.replace(base, kind=EventKind.BANK_NOTICE, balance=balance,
                                   stated_time=stated, precision=precision, category=category,
                                   own_credit_card=own_cc)
    return base

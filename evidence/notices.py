"""Chinese bank notices, verification-code SMS and phishing links, read from message text.

Pure text in, facts out: no file access. Used by every message source (SB&R XML, CSV, iOS) and by
the pasted-text source. A small set of field extractors (tail, time, amount with sign and currency,
direction keyword, balance, counterparty) instead of one regex per bank (DOMAIN.md B.3.5): the 14
big banks and the regional ones write the same fields in different orders.

What must never happen: an advertisement, a bill, a credit-limit change or a verification code
read as money leaving the account. Hence the rules below are conservative: a debit needs an
amount with a currency or an amount label, a direction word, and a card tail or a stated time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from evidence import phones, times
from evidence.model import Direction, EventKind


class Category:
    """What a message is, finer than EventKind (stable strings for details/JSON)."""

    DEBIT = "debit"
    CREDIT = "credit"
    STATEMENT = "statement"  # credit-card bill: total and due date, no money moved
    CREDIT_LIMIT = "credit_limit"
    FAILED = "failed"  # a transaction that did not go through
    OTHER = "other"  # any other bank message (ads, reminders, balance-only notes)
    OTP = "otp"
    PHISHING = "phishing"
    SPOOFED = "spoofed"  # a transaction notice signed as a bank by a number that is not the bank's
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
    domains: tuple[str, ...] = ()
    category: str = Category.SMS
    signature: str | None = None  # bank name in the body's 【…】/[…] signature, as written
    sender_bank: str | None = None  # hotline the *sender number* stands for (may differ from bank)
    spoofed: bool = False  # the body signs as a bank the sender number is not
    counterparty_tail: str | None = None  # the other account's tail (对方账户尾号, 收款卡尾号)
    statement_total: Decimal | None = None  # credit-card bill total (category statement)
    due_date: dt.date | None = None  # credit-card bill due date


# ---- links ------------------------------------------------------------------------------------

_TLDS = (
    "com|cn|net|org|cc|top|xyz|vip|info|wang|club|site|online|shop|ltd|link|live|pro|icu|fun|ren|"
    "biz|me|io|co|app|tech|store|asia|work|mobi|tv|ink|hk|tk|ml|ga|cf|gq|pw|win|bid|loan|red|kim"
)
_URL = re.compile(
    # with a scheme: anything up to a space or a CJK character (the host may be an IDN)
    r"https?://[^\s/?#<>\"'，。；、！？）】」》]+[^\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*"
    r"|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*"
    r"|(?<![@A-Za-z0-9.\-_])(?:xn--[A-Za-z0-9-]+|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    rf"\.(?:{_TLDS})(?:\.cn|\.hk)?(?![A-Za-z0-9-])"
    r"(?::\d{2,5})?(?:/[^\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*)?",
    re.IGNORECASE,
)
# Chinese punctuation ends a link; NFKC would turn `，` into a comma that URLs may contain.
_CJK_PUNCT = re.compile(r"[，。；、！？：（）【】「」《》“”‘’…\u3000]")

# Domains (and their subdomains) that real banks, JD and carriers send; links elsewhere are suspect.
OFFICIAL_DOMAINS = (
    "icbc.com.cn", "ccb.com", "ccb.cn", "abchina.com", "boc.cn", "bankofchina.com", "cmbchina.com",
    "cmbt.cn", "bankcomm.com", "cmbc.com.cn", "citicbank.com", "cib.com.cn", "spdb.com.cn",
    "cgbchina.com.cn", "95508.com", "cebbank.com", "pingan.com", "pingan.com.cn", "psbc.com",
    "hxb.com.cn", "bankofbeijing.com.cn", "jd.com", "3.cn", "jd.hk", "jdpay.com", "chinabank.com.cn",
    "taobao.com", "tb.cn", "tmall.com", "alipay.com", "tenpay.com", "qq.com", "weixin.qq.com",
    "10086.cn", "10010.com", "189.cn", "gov.cn", "unionpay.com", "95516.com",
)


def links(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """URLs (as written, after NFKC) and their lower-case host names, in order of appearance."""
    urls: list[str] = []
    domains: list[str] = []
    for m in _URL.finditer(times.normalize_text(_CJK_PUNCT.sub(" ", text or ""))):
        url = m.group(0).rstrip(".,;:!?)]}'\"")
        try:
            host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
        except ValueError:  # e.g. a malformed IPv6 literal
            continue
        if not host or "." not in host or url in urls:
            continue
        urls.append(url)
        if host.lower() not in domains:
            domains.append(host.lower())
    return tuple(urls), tuple(domains)


def official(domain: str) -> bool:
    d = domain.lower().rstrip(".")
    return any(d == o or d.endswith("." + o) for o in OFFICIAL_DOMAINS)


# ---- text preparation ---------------------------------------------------------------------------

_SIG = re.compile(r"-?【([^【】]{1,24})】|-?\[([^\[\]]{1,24})\]")
_BANKISH = re.compile(r"银行|农信|农商|信用社|公积金|12329")
_SIGNATURE_ALIASES = {"中国农业银行": "农业银行", "中国邮政储蓄银行": "邮储银行", "邮政储蓄银行": "邮储银行"}


def _prepare(body: str) -> tuple[str, list[str]]:
    """NFKC text with bank signatures cut out (they hold digits: 【福建12329】) and the names found."""
    s = times.normalize_text(body or "")
    names: list[str] = []

    def cut(m: re.Match[str]) -> str:
        name = m.group(1) or m.group(2)
        if m.group(1) is not None or _BANKISH.search(name):
            if _BANKISH.search(name):
                names.append(name.strip())
            return " "
        return m.group(0)

    s = _SIG.sub(cut, s)
    return s.strip(" -"), names


# ---- amounts ----------------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CURRENCY_AFTER = {"日元": "JPY", "美元": "USD", "港元": "HKD", "港币": "HKD", "欧元": "EUR",
                   "英镑": "GBP", "韩元": "KRW", "元": "CNY", "人民币": "CNY"}
_CURRENCY_BEFORE = {"人民币": "CNY", "RMB": "CNY", "CNY": "CNY", "¥": "CNY", "美元": "USD",
                    "USD": "USD", "港币": "HKD", "HKD": "HKD", "日元": "JPY", "JPY": "JPY"}
_MONEY = re.compile(
    r"(?P<pre>人民币|RMB|CNY|¥|美元|USD|港币|HKD|日元|JPY)?\s*(?P<sign>[-+])?\s*"
    rf"(?<![\d.,*])(?P<num>{_NUM})(?![\d,]*\.?\d)"
    r"\s*(?P<post>日元|美元|港元|港币|欧元|英镑|韩元|元|人民币)?",
    re.IGNORECASE,
)


@dataclasses.dataclass(frozen=True)
class _Money:
    value: Decimal
    sign: str
    currency: str
    label: str  # balance, limit, minimum, bill, amount (explicit 金额), plain
    marked: bool  # carries a currency or an amount label
    start: int
    end: int


_LABELS = (
    ("balance", re.compile(r"余额[为是:\s]*$")),
    ("limit", re.compile(r"额度[^,。;\d]{0,6}$")),
    ("minimum", re.compile(r"最低(?:还款)?(?:额|金额)?[为是:\s]*$")),
    ("bill", re.compile(r"(?:账单|应还款?|应还金额|账单金额)[为是:\s]*$")),
    ("promo", re.compile(r"(?:满|减|最高|高达|返|送|赠|领|借|贷|可得|奖励?|红包|券|低至|仅需|首年)\s*$")),
    ("amount", re.compile(r"(?:金额|交易额|发生额)[为是:\s]*$")),
)


def _monies(s: str) -> list[_Money]:
    out: list[_Money] = []
    for m in _MONEY.finditer(s):
        start = m.start("pre") if m.group("pre") else m.start("num")
        after = s[m.end("num"): m.end("num") + 2]
        before = s[max(0, start - 12): start]
        if re.match(r"\s*(?!日元)[年月日号时分点:%]|\s*-\d|\s*个|\s*笔|\s*期|\s*天|\s*万|\s*位", after):
            continue  # a date, a time, a count, or 5万元 in an advertisement
        if re.search(r"(?:尾号|尾数|账户|账号|卡号|卡|序号|详询|致电|拨打|客服|热线|电话|为\*|\*)\s*[为:]?\s*$",
                     before) and not m.group("pre") and not m.group("post"):
            continue
        label = "plain"
        for name, pattern in _LABELS:
            if pattern.search(before):
                label = name
                break
        try:
            value = Decimal(m.group("num").replace(",", ""))
        except InvalidOperation:
            continue
        pre, post = m.group("pre"), m.group("post")
        currency = _CURRENCY_AFTER.get(post or "") if post and post != "元" else None
        currency = currency or (_CURRENCY_BEFORE.get((pre or "").upper()) if pre else None) or "CNY"
        marked = bool(pre or post) or label in ("amount", "balance", "limit", "minimum", "bill")
        out.append(_Money(value, m.group("sign") or "", currency, label, marked, start, m.end()))
    return out


# ---- card tails --------------------------------------------------------------------------------

_TAIL = re.compile(
    r"(?:尾号|尾数)\s*(?:为|是|:)?\s*\*{0,4}\s*(?P<a>\d{3,4})(?!\d)"
    r"|(?:账户|账号|卡号|借记卡|信用卡|储蓄卡|银行卡|贷记卡|钱包|中信卡|龙卡)\s*:?\s*\*{0,4}"
    r"(?P<b>\d{4})\*?(?![\d年月日号时:]|[.,]\d)"
)
_OTHER_PARTY_BEFORE = re.compile(r"(?:对方|转出方|转入方|收款|付款方|(?:向|给)(?!您)[^,。;]{0,6})[^,。;]*$")


def _tails(s: str) -> tuple[str | None, str | None]:
    """(own card tail, the other party's tail): first of each in the text."""
    own: str | None = None
    other: str | None = None
    for m in _TAIL.finditer(s):
        digits = m.group("a") or m.group("b")
        before = s[max(0, m.start() - 10): m.start()]
        if _OTHER_PARTY_BEFORE.search(before):
            other = other or digits
        else:
            own = own or digits
    return own, other


# ---- direction ---------------------------------------------------------------------------------

_STRONG_DEBIT = ("支出", "转出", "汇出", "支取", "扣款", "扣收", "扣费", "代扣", "取款", "取现",
                 "转至他行", "转账至", "付出")
_STRONG_CREDIT = ("收入", "转入", "存入", "入账", "汇入", "来账", "转存", "代发", "退款", "退货",
                  "退税", "冲正", "缴存", "汇缴", "到账", "入帐", "提现")
_WEAK_DEBIT = ("消费", "快捷支付", "网上支付", "支付", "代付", "预授权", "付款", "缴费",
               "购买", "刷卡", "交易")
_WEAK_CREDIT = ("还款", "工资", "补贴", "补助", "报销", "奖金", "利息")
_PARTY_WORDS = re.compile(r"(?:转出|转入|付款|收款)(?:方|人(?!民币))")
_PAID_TO = re.compile(r"向[^,。;]{0,24}还款")
_FAILED = re.compile(r"失败|未成功|不成功|余额不足|已撤销|被拒绝|拒绝交易")
_BRACKETS = re.compile(r"\([^()]*(?:\([^()]*\)[^()]*)*\)|\[[^\[\]]*\]")


def _keyword_direction(text: str, anchor: int) -> Direction | None:
    """Direction word nearest before `anchor` (else after it); strong words beat weak ones."""
    text = _PARTY_WORDS.sub(lambda m: "_" * len(m.group(0)), text)
    if _PAID_TO.search(text):
        return Direction.DEBIT  # 向尾号为1356的信用卡还款: this account pays
    for debit_words, credit_words in ((_STRONG_DEBIT, _STRONG_CREDIT), (_WEAK_DEBIT, _WEAK_CREDIT)):
        hits: list[tuple[int, Direction]] = []
        for words, direction in ((debit_words, Direction.DEBIT), (credit_words, Direction.CREDIT)):
            for w in words:
                hits.extend((m.start(), direction) for m in re.finditer(re.escape(w), text))
        if not hits:
            continue
        if len({d for _, d in hits}) == 1:
            return hits[0][1]
        before = [h for h in hits if h[0] < anchor]
        return max(before)[1] if before else min(hits)[1]
    return None


def _direction(s: str, money: _Money) -> Direction | None:
    if money.sign == "-":
        return Direction.DEBIT  # ABC writes the direction only as a sign
    start = max(s.rfind("。", 0, money.start) + 1, 0)
    end = s.find("。", money.end)
    sentence = s[start: end if end >= 0 else len(s)]
    anchor = money.start - start
    outside = _BRACKETS.sub(lambda m: " " * len(m.group(0)), sentence)
    for text in (outside, sentence, s):
        found = _keyword_direction(text, anchor if text is not s else money.start)
        if found is not None:
            return found
    return None


# ---- counterparty and channel ----------------------------------------------------------------

# How the money moved (preferred), then the platform it went through.
CHANNELS = ("快捷支付", "网上支付", "网上银行", "手机银行", "无卡支付", "银联入账", "他行汇入", "跨行汇款",
            "跨行支付", "跨行转入", "网联", "代发工资", "云闪付", "POS", "ATM")
PLATFORMS = ("网银在线", "京东支付", "财付通", "支付宝", "微信支付", "银联")
_CHANNEL_WORDS = re.compile(
    r"财付通|支付宝|微信|银联|他行|跨行|本行|行内|支付|入账|汇入|汇款|转入|转出|转账|代发|工资|消费|"
    r"提现|网联|互联|圈存|存款保险|尾号|事由|手机银行|网上银行|POS|ATM",
    re.IGNORECASE,
)
_PLATFORM_PREFIX = re.compile(r"^(?:(?:支付宝|财付通|微信支付|微信|美团支付|京东支付|云闪付|银联|消费)-?)+")
_MASKED = re.compile(r"(?<![\u4e00-\u9fff*])(?<!尊敬的)([\u4e00-\u9fff]{1,2}\*{1,3})")
_TRANSFER_SUFFIX = re.compile(r"(?:支付宝转账|微信转账|财付通转账|转账|汇款|支付宝|财付通)+$")


_NOT_NAMES = {"账户", "户", "尾号", "号", "卡号", "卡", "账号", "客户", "用户"}


def _masked_name(text: str) -> str | None:
    """A masked person's name (张*, 林**), not the account holder (尊敬的黄**)."""
    for m in _MASKED.finditer(text):
        if m.group(1).rstrip("*") not in _NOT_NAMES:
            return m.group(1)
    return None


def _clean_party(raw: str) -> str | None:
    text = raw.strip(" ,:;()[]")
    if not re.search(r"[\u4e00-\u9fff]", text):
        return None  # （****6V2） is a licence plate, not a party
    masked = _masked_name(text)
    if masked and not text.endswith("公司"):
        return masked
    pieces = [p.strip() for p in text.split("-")]
    for piece in reversed(pieces):
        if not piece.endswith("公司"):
            piece = _PLATFORM_PREFIX.sub("", piece).strip()
        if not piece.strip(".…"):
            continue
        if piece.endswith("公司") or not _CHANNEL_WORDS.search(piece):
            return piece
        return None
    return None


def _counterparty(s: str, money_end: int) -> str | None:
    found = _find_counterparty(s, money_end)
    return found.replace("...", "…") if found else None


def _find_counterparty(s: str, money_end: int) -> str | None:
    for pattern in (r"对方户名\s*:?\s*([^,;。]+)", r"收款人\s*:?\s*([^,;。(\s]+)",
                    r"付款方\s*:?\s*([^,;。]+)", r"(?:收款方|商户名称|商户)\s*:?\s*([^,;。]+)"):
        m = re.search(pattern, s)
        if m:
            return m.group(1).strip() or None
    m = re.search(r"向(?!您)([^,。;]{1,40}?)(?:完成|支出|转出|汇款|转账|付款|还款)", s) or re.search(
        r"向(?!您)([^,。;]{1,40}?)支付", s)
    if m and not m.group(1).startswith("尾号"):
        name = re.split(r"尾号|账户|\(账户", m.group(1))[0]
        cleaned = name if name.endswith("公司") else _PLATFORM_PREFIX.sub("", name).strip("- ")
        if cleaned.strip("*"):
            return cleaned
    idx = s.find("向您")
    if idx > 0:
        pre = re.sub(r"\d+\s*[年月日号]|\d{1,2}\s*[:时点]\s*\d{1,2}\s*分?", "", s[:idx])
        pre = re.split(r"[,:;。]", pre)[-1]
        pre = re.sub(r"^(?:尊敬的客户|尊敬的用户)", "", pre).strip(" []()")
        pre = re.sub(r"于\s*$", "", pre).strip(" []()")
        if 0 < len(pre) <= 30 and "您" not in pre:
            return pre
    m = re.search(r"在(?!\d)([^,。;\d]{1,30}?)(?:快捷支付|支付|消费|进行)", s)
    if m:
        found = _clean_party(m.group(1))
        if found:
            return found
    m = re.search(r"摘要\s*:?\s*([^。;,]+)", s)
    if m:
        first = m.group(1).split()[0] if m.group(1).split() else ""
        found = _clean_party(_TRANSFER_SUFFIX.sub("", first) or first)
        if found and not _CHANNEL_WORDS.search(found):
            return found
    for b in _BRACKETS.finditer(s):
        if b.start() > money_end + 2:
            break
        found = _clean_party(b.group(0)[1:-1])
        if found:
            return found
    return _masked_name(s)


def _channel(s: str) -> str | None:
    for words in (CHANNELS, PLATFORMS):
        hits = [(s.find(c), c) for c in words if c in s]
        if hits:
            return min(hits)[1]
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


# ---- verification codes -------------------------------------------------------------------

_OTP_WORD = re.compile(r"验证码|校验码|动态码|动态密码|短信密码|口令|确认码|交易码|安全码")
_CODE_AFTER_WORD = re.compile(
    r"(?:验证码|校验码|动态码|动态密码|短信密码|口令|确认码|交易码|安全码)"
    r"(?:是|为|:|\s|\(|\))*(?<![\d.])(\d{4,8})(?!\d|[.,]\d|\s*[元年月日号时分])"
)
_CODE_ANY = re.compile(r"(?<![\d.,*])(\d{4,8})(?!\d|[.,]\d|\s*[元年月日号时分:%])")
_NOT_CODE_BEFORE = re.compile(
    r"(?:尾号|尾数|序号|详询|致电|拨打|客服|热线|电话|金额|人民币|RMB|¥|账户|卡号|账号|卡|编号)[为是:\s*]*$",
    re.IGNORECASE)


def _code(s: str) -> str | None:
    m = _CODE_AFTER_WORD.search(s)
    if m:
        return m.group(1)
    words = [w.start() for w in _OTP_WORD.finditer(s)]
    best: tuple[int, str] | None = None
    for c in _CODE_ANY.finditer(s):
        if _NOT_CODE_BEFORE.search(s[max(0, c.start() - 8): c.start()]) or c.group(1).startswith("95"):
            continue
        distance = min(abs(c.start() - w) for w in words) if words else 10**6
        if best is None or distance < best[0]:
            best = (distance, c.group(1))
    return best[1] if best else None


# ---- statements -----------------------------------------------------------------------------

_STATEMENT = re.compile(r"到期还款日|最低还款|本期账单|账单金额|本期应还|账单日|应还金额")
_LIMIT = re.compile(r"额度")


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


def classify(body: str, sender: str, received: dt.datetime | None, tz: dt.tzinfo) -> Notice:
    """What a message is: bank debit/credit notice, bill, OTP, phishing link or a plain SMS.

    `received` (the message's own time) completes a year-less stated time; `tz` is the case zone.
    Never raises on any text.
    """
    try:
        return _classify(body or "", sender or "", received, tz)
    except Exception:  # a parser bug must not lose the message itself
        urls, domains = links(body or "")
        return Notice(EventKind.SMS, urls=urls, domains=domains)


def _classify(body: str, sender: str, received: dt.datetime | None, tz: dt.tzinfo) -> Notice:
    s, names = _prepare(body)
    urls, domains = links(body)
    sender_bank = phones.bank_code(sender)
    sig_code = _signature_code(names)
    bank = sender_bank or sig_code
    # a number that is not the signed bank's own: 10690000123 or a mobile sending 【工商银行】
    numeric_sender = re.fullmatch(r"\d{3,20}", phones.normalize(sender)) is not None
    spoofed = bool(sig_code and numeric_sender and sender_bank != sig_code)
    bankish = bool(bank or names or phones.normalize(sender) == "12329")
    bad_links = tuple(d for d in domains if not official(d))
    own_tail, other_tail = _tails(s)
    base = Notice(
        EventKind.SMS, bank=bank, urls=urls, domains=domains, signature=names[0] if names else None,
        sender_bank=sender_bank, spoofed=spoofed, card_tail=own_tail, counterparty_tail=other_tail,
    )
    monies = _monies(s)

    if _OTP_WORD.search(s):
        code = _code(s)
        if code:
            amounts = [m for m in monies if m.marked and m.label in ("amount", "plain")]
            amount = amounts[0] if amounts else None
            return dataclasses.replace(
                base, kind=EventKind.VERIFICATION_CODE, category=Category.OTP, code=code,
                counterparty=_counterparty(s, amount.end if amount else len(s)), channel=_channel(s),
                amount=amount.value if amount else None,
                currency=amount.currency if amount else "CNY",
            )

    balance_m = next((m for m in monies if m.label == "balance"), None)
    balance = balance_m.value if balance_m else None
    stated, precision = _stated(s, received, tz)

    if bankish and _STATEMENT.search(s) and not _FAILED.search(s):
        bills = [m for m in monies if m.label == "bill"] or [
            m for m in monies if m.marked and m.label == "plain" and m.start > s.find("账单")]
        return dataclasses.replace(
            base, kind=EventKind.BANK_NOTICE, category=Category.STATEMENT,
            statement_total=bills[0].value if bills else None,
            currency=bills[0].currency if bills else "CNY", due_date=_due_date(s, received, tz),
        )

    moved = [m for m in monies if m.marked and m.label in ("amount", "plain")]
    if not moved:  # 江苏银行 `消费1169.00，…`: a bare figure right after a direction word
        bare = re.search(r"(?:消费|支出|存入|转入|转出|支取|收入|入账|还款)\s*(\d+\.\d{2})(?!\d)", s)
        if bare:
            moved = [x for x in monies if x.start <= bare.start(1) < x.end]
    if bankish and moved and (own_tail or stated) and not _FAILED.search(s):
        money = moved[0]
        direction = _direction(s, money)
        if direction is not None:
            # a look-alike bank notice carrying a foreign link is the phishing, not a notice
            if spoofed and not bad_links:
                # 【工商银行】 from a number that is not ICBC's: a fake notice moves no money
                return dataclasses.replace(
                    base, kind=EventKind.SMS, category=Category.SPOOFED, amount=money.value,
                    currency=money.currency, stated_time=stated, precision=precision)
            if bad_links and (spoofed or not sender_bank):
                # the claimed sum stays as evidence of the lure; no money moved by this message
                return dataclasses.replace(
                    base, kind=EventKind.PHISHING, category=Category.PHISHING, amount=money.value,
                    currency=money.currency, stated_time=stated, precision=precision)
            return dataclasses.replace(
                base, kind=EventKind.BANK_NOTICE, amount=money.value, direction=direction, currency=money.currency,
                balance=balance, counterparty=_counterparty(s, money.end), channel=_channel(s),
                stated_time=stated, precision=precision,
                category=Category.DEBIT if direction is Direction.DEBIT else Category.CREDIT,
            )

    if bad_links:
        return dataclasses.replace(base, kind=EventKind.PHISHING, category=Category.PHISHING)
    if bankish:
        category = Category.OTHER
        if _FAILED.search(s) and moved:
            category = Category.FAILED
        elif _LIMIT.search(s):
            category = Category.CREDIT_LIMIT
        return dataclasses.replace(base, kind=EventKind.BANK_NOTICE, balance=balance,
                                   stated_time=stated, precision=precision, category=category)
    return base

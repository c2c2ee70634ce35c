"""Amounts in a bank SMS: every figure that is money, with what it is (amount, balance, fee…).

The text given is already NFKC (full-width digits and `￥` folded) with signatures cut out;
`prepare` also mends punctuation typed inside a number (`29。19元`, `1，000元`). Each `Money`
keeps the exact characters it was read from (`raw`), so the dossier can quote what the bank wrote.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal, InvalidOperation

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:,\d{2,3})+\.\d{1,2}|\d+(?:\.\d+)?"  # 10,00.00 is a typo of 1000.00
CURRENCY_AFTER = {"€": "EUR", "新台币": "TWD", "台币": "TWD", "日元": "JPY", "美元": "USD", "港元": "HKD",
                  "港币": "HKD", "欧元": "EUR",
                  "英镑": "GBP", "韩元": "KRW", "澳元": "AUD", "加元": "CAD", "新加坡元": "SGD",
                  "元": "CNY", "人民币": "CNY"}
# The other currencies a card abroad is charged in, by their Chinese names as a card notice writes
# them after the figure (POS支出(消费…)7.06丹麦克朗): the names of GB/T 12406 (ISO 4217)
CURRENCY_AFTER.update({
    "丹麦克朗": "DKK", "瑞典克朗": "SEK", "挪威克朗": "NOK", "冰岛克朗": "ISK", "捷克克朗": "CZK",
    "瑞士法郎": "CHF", "新西兰元": "NZD", "澳门元": "MOP", "澳门币": "MOP", "加拿大元": "CAD",
    "澳大利亚元": "AUD", "卢布": "RUB", "泰铢": "THB", "韩币": "KRW", "日币": "JPY", "越南盾": "VND",
    "印尼盾": "IDR", "印度卢比": "INR", "林吉特": "MYR", "菲律宾比索": "PHP", "墨西哥比索": "MXN",
    "南非兰特": "ZAR", "土耳其里拉": "TRY", "迪拉姆": "AED", "里亚尔": "SAR", "福林": "HUF", "兹罗提": "PLN",
    "巴西雷亚尔": "BRL", "以色列新谢克尔": "ILS", "埃及镑": "EGP"})
_AFTER_WORDS = "|".join(sorted((k for k in CURRENCY_AFTER if k != "€"), key=lambda k: (-len(k), k)))
CURRENCY_BEFORE = {"人民币元": "CNY", "人民币": "CNY", "RMB": "CNY", "CNY": "CNY", "¥": "CNY", "美元": "USD",
                   "USD": "USD", "US$": "USD", "HK$": "HKD", "$": "USD", "€": "EUR", "£": "GBP", "港币": "HKD",
                   "港元": "HKD",
                   "HKD": "HKD", "日元": "JPY",
                   "JPY": "JPY", "欧元": "EUR", "EUR": "EUR", "英镑": "GBP", "GBP": "GBP", "TWD": "TWD", "NT$": "TWD",
                   "INR": "INR", "RS": "INR", "RS.": "INR", "IDR": "IDR", "RP": "IDR", "RP.": "IDR", "SGD": "SGD",
                   "MYR": "MYR", "RM": "MYR", "PHP": "PHP", "AUD": "AUD", "CAD": "CAD", "KRW": "KRW", "THB": "THB"}
# Other ISO 4217 codes written before an amount in international cards' notices (AED 10,000.00)
ISO_CODES = ("AED", "SAR", "QAR", "KWD", "BHD", "OMR", "CHF", "NZD", "VND", "NGN", "KES", "ZAR", "TRY", "BRL",
             "MXN", "RUB", "PKR", "BDT", "LKR", "NPR", "MOP", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "ILS",
             "EGP", "CNH")
CURRENCY_BEFORE.update({c: c for c in ISO_CODES})
_MONEY = re.compile(
    r"(?P<pre>人民币元|人民币|RMB|CNY|US\$|NT\$|HK\$|USD|HKD|JPY|EUR|GBP|TWD|INR|IDR|SGD|MYR|PHP|AUD|CAD|KRW|THB|"
    + "|".join(ISO_CODES) + "|"
    r"(?<![A-Za-z])(?:Rs|Rp)\.?|(?<![A-Za-z])RM|¥|\$|€|£|美元|港币|港元|日元|欧元|英镑)?\s*(?P<sign>[-+])?\s*"
    # not after a digit or a mask (6212****1234), except a masked name's (转至李*1,280.50元)
    rf"(?<!\d)(?:(?<=[\u4e00-\u9fff]\*)|(?<!\*))(?<![\d*]\.)(?<!\d,)(?<!\d:)(?P<num>{NUM})(?![\d,]*\.?\d)"
    rf"\s*(?P<post>{_AFTER_WORDS}|€)?",
    re.IGNORECASE,
)
# A label just before the figure says what it is. Order matters: the first that fits is taken.
_LABELS = (
    ("balance", re.compile(r"(?:余额|(?<![\u4e00-\u9fff])余)[为是:\s]*(?:人民币|RMB)?\s*$"
                           r"|(?<![a-z])(?:(?:avl\.?|available|a/c|acct|ledger)\s*)?bal(?:ance)?\.?\s*(?:is|:|of)?\s*$",
                           re.IGNORECASE)),
    # a credit line, a transaction limit (单笔限额5000元), a direct debit's cap (扣款上限3,000.00元/月)
    # (and a banknote's face value: 发现假币1张（面额100元）)
    ("limit", re.compile(r"(?:额度|限额|上限|封顶)[^,。;\d]{0,6}$|(?:面额|面值)\s*[为:：]?\s*$"
                         # a price per period: 首月6元，次月起每月25元 (an auto-renewal's terms)
                         r"|(?:首月|首期|次月起?|每月|每季度?|每年)\s*(?:仅|只需|为|:)?\s*$")),
    # what a medical insurance fund paid (统筹基金支付9,512.50元): the fund's money, not the holder's
    ("covered", re.compile(r"(?:统筹(?:基金)?|基金|医保)(?:支付|记账)\s*[:：]?\s*$")),
    # what is still owed or left after it (剩余贷款本金为443750.00元, 尚欠), not what moved
    ("remaining", re.compile(r"(?:剩余|尚欠|未还)[^,。;\d]{0,8}?(?:为|是|:)?\s*(?:人民币|RMB)?\s*$", re.IGNORECASE)),
    # 最低还款额, 最低应还 (a bill's minimum payment, not its total)
    ("minimum", re.compile(r"最低(?:还款|应还款?|应缴|应付)?(?:额|金额)?[为是:\s]*(?:人民币|RMB)?\s*$", re.IGNORECASE)),
    ("bill", re.compile(r"(?:账单|应还(?:款|本金|本息|利息)?|应还金额|账单金额|欠款(?:合计|总额|金额)?)"
                        r"[为是:\s]*(?:人民币|RMB)?\s*$",
                        re.IGNORECASE)),
    ("fee", re.compile(r"(?:手续费|服务费|费用|工本费|年费|月费|短信费|管理费|利息|违约金|滞纳金|超限费|"
                       r"(?<![退免])税(?:款|费)?)"
                       r"(?:为|是|:|\s)*(?:人民币|RMB)?\s*$", re.IGNORECASE)),
    ("points", re.compile(r"积分[为是:\s]*$")),
    # what is due or was asked for, not what moved: 应扣金额, 应缴, 待还
    ("due", re.compile(r"(?:应扣|应缴|应付|应收|待扣|待还|待缴|欠费)(?:款)?(?:金额|总额|额)?[为是:\s]*"
                       r"(?:人民币|RMB)?\s*$", re.IGNORECASE)),
    ("promo", re.compile(r"(?:满|减|省下|省了|已省|节省|最高(?:可)?(?:借|贷|领|得|享)?|高达|返|送|赠|领|可借|可贷|可得|"
                         r"奖励?|(?<!收到)(?<!微信)(?<!支付宝)(?<!的)红包|(?<!证)券|低至|仅需|首年)\s*$")),
    # a running total (今日累计支出5,000.00元) sums movements each notified on its own, and the
    # original figure a refund or a reversal refers to (原交易金额2,000.00元，退款500.00元): neither moved
    ("total", re.compile(r"累计[^,。;\d]{0,8}?(?:为|是|:)?\s*(?:人民币|RMB)?\s*$", re.IGNORECASE)),
    ("original", re.compile(r"原(?:交易|订单|消费|支付|付款|扣款)?(?:金额|价)[为是:\s]*(?:人民币|RMB)?\s*$",
                            re.IGNORECASE)),
    # what was actually taken or paid (实扣, 实际扣款, 实付): the figure that moved, beside one that
    # was due (应扣人民币13475.44，实扣人民币4318.96)
    ("amount", re.compile(r"(?:金额|交易额|发生额|款项|实扣|实际扣款|实际扣收|实际扣除|实付|实收|实还|实际还款)"
                          r"[为是:\s]*(?:人民币|RMB)?\s*(?:活期|定期)?\s*$", re.IGNORECASE)),
)
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?!日元)[年月日号时分点:%]|\s*-\d|\s*(?:个|笔|期|天|万|位|次|分钟|积分|公里|英里|兆|(?i:[KMG]B\b))")
_IDENTIFIER_BEFORE = re.compile(
    r"(?:尾号|尾数|账户|账号|卡号|卡|序号|详询|致电|拨打|客服|热线|电话|编号|单号|订单|为\*|\*)\s*[为:]?\s*$")
# (not after a number that already has its point: 人民币318.00。10元抢… is a full stop, then an advert)
_TYPO_POINT = re.compile(r"(?<![\d.])(\d+)[。．](?=\d{1,2}(?!\d)\s*(?:元|$|[,，。;]))")
_TYPO_COMMA = re.compile(r"(?<=\d)[，、](?=\d{3}(?!\d))")
_BRACKETED = re.compile(r"[【\[]\s*(\d[\d,.]*)\s*[】\]]")  # 一笔【47.00】元


# A clause opened by 其中 (of which) / 含 / 包括 breaks the amount before it into its parts.
_PART = re.compile(r"\s*[(（]?\s*(?:其中|含|包含|包括)")
# 应还2,106.67元（本金1,666.67元，利息440.00元）: the parts of the figure before the bracket
_PART_IN_BRACKETS = re.compile(r"[(（]\s*(?:本金|利息)\s*[:：]?\s*(?:人民币|RMB|¥)?\s*$")


def _clause_start(s: str, start: int) -> int:
    return max(s.rfind(c, 0, start) for c in "。,;，；!?！？\n") + 1


@dataclasses.dataclass(frozen=True)
class Money:
    value: Decimal
    sign: str  # "-", "+" or ""
    currency: str  # ISO code
    label: str  # balance, limit, remaining, minimum, bill, fee, points, due, promo, total, original, amount (金额…),
    # part, plain
    marked: bool  # carries a currency or an amount label: a bare number is not money
    start: int
    end: int
    raw: str  # the characters it was read from, as written in the (normalised) text


# What OCR of a screenshot does to a figure (the text of a photographed SMS): a line broken after its
# comma or point (12,\n000.00元), a space inside it (5 000元, 12,8 00.00元, 3 ,000.00元 - never after a 4-digit run:
# 尾号1234 500.00元 is two numbers), O or o read for 0 and l or I for 1 (1,5OO.00元, 人民币l,500.00元).
_BROKEN_LINE = re.compile(r"(?<=\d[,.])[ \t]*\n[ \t]*(?=\d)")
_SPACE_BEFORE_COMMA = re.compile(r"(?<![\d,])(\d{1,3})[ \u3000]+(?=,\d{3}(?!\d))")  # 3 ,000.00 元
_SPACE_INSIDE = re.compile(r"(?<![\d,])(\d{1,3}(?:,\d{1,3})*)[ \u3000](\d{2,3}(?:\.\d{2}(?!\d)|(?=\s*元)))")
_OCR_FIGURE = re.compile(r"(?<![A-Za-z\d.,])(?=[\dOolI,]*\d)[\dOolI][\dOolI,]*(?:\.[\dOo]{2}(?![A-Za-z\d])|(?=元))")
_OCR_DIGITS = str.maketrans("OolI", "0011")


def prepare(text: str) -> str:
    """`29。19元` -> `29.19元`, `1，000元` -> `1,000元` (before NFKC folds `，` into `,`), and a figure
    as OCR misreads it mended (a copy for reading: the quoted text stays as written)."""
    text = _BROKEN_LINE.sub("", text)
    text = _SPACE_INSIDE.sub(r"\1\2", _SPACE_BEFORE_COMMA.sub(r"\1", text))
    text = _OCR_FIGURE.sub(lambda m: m.group(0).translate(_OCR_DIGITS), text)
    return _BRACKETED.sub(r"\1", _TYPO_COMMA.sub(",", _TYPO_POINT.sub(r"\1.", text)))


_GIVEN_BACK = re.compile(r"\s*元?\s*(?:已|已经)?(?:原路)?(?:退回|退还|返还)")
_PER_PERIOD = re.compile(r"\s*/\s*(?:月|年|季|周|天|日|次|期)")
_CODE_AFTER = re.compile(r"\s*[(（]\s*([A-Za-z]{3})\s*[)）]")
_CODES = frozenset(CURRENCY_BEFORE.values())


def find(s: str) -> list[Money]:
    out: list[Money] = []
    for m in _MONEY.finditer(s):
        start = m.start("pre") if m.group("pre") else (m.start("sign") if m.group("sign") else m.start("num"))
        after = s[m.end("num"): m.end("num") + 3]
        before = s[max(0, start - 14): start]
        if (wan := _TEN_THOUSANDS.match(s, m.end("num"))) is not None and not m.group("sign") and (
                m.group("pre") or _MOVED_BEFORE.search(before) or _MOVED_AFTER.match(s, wan.end())):
            # 转出人民币1万元整, 跨行汇入1.5万元, 快贷3万元已发放: a movement's figure in 万元
            value = Decimal(m.group("num").replace(",", "")) * 10000
            out.append(Money(value, "", "CNY", _label(before), True, start, wan.end(), s[start: wan.end()]))
            continue
        if _NOT_MONEY_AFTER.match(after):
            continue  # a date, a time, a count, or 5万元 in an advertisement
        pre, post = m.group("pre"), m.group("post")
        # (a signed figure with cents is money: 1126卡+1,500.00 余4,023.19, 尾号4476 -45.50 余额958.10)
        signed = bool(m.group("sign")) and re.search(r"\.\d{2}$", m.group("num")) is not None
        if _IDENTIFIER_BEFORE.search(before) and not pre and not post and not signed:
            continue
        label = _label(before)
        if label == "remaining" and _GIVEN_BACK.match(s, m.end("post") if post else m.end("num")):
            label = "plain"  # 红包未被领完，剩余¥35.20已退回至余额: what is left is what came back
        if _PER_PERIOD.match(s, m.end("post") if post else m.end("num")):
            label = "limit"  # 扣费金额 ￥25.00/月: a price per month, not what moved
        if label in ("plain", "amount", "fee") and (_PART.match(s[_clause_start(s, start): start])
                                                    or _PART_IN_BRACKETS.search(s[max(0, start - 8): start])):
            label = "part"  # 偿还贷款2455.21，其中本金1250.00元、利息1205.21元: a share of the amount
        try:
            value = Decimal(m.group("num").replace(",", ""))
        except InvalidOperation:
            continue
        num_start = m.start("num")
        if (not m.group("sign") and num_start > 0 and s[num_start - 1] == "." and m.group("num").isdigit()
                and len(m.group("num")) <= 2 and (num_start < 2 or not s[num_start - 2].isdigit())):
            value = Decimal("0." + m.group("num"))  # 结息金额.50元: a figure written without its 0
            start = min(start, num_start - 1)
        currency = CURRENCY_AFTER.get(post or "") if post and post not in ("元",) else None
        if (code := _CODE_AFTER.match(s, m.end("num"))) is not None and code.group(1).upper() in _CODES:
            currency = code.group(1).upper()  # ¥1,210(JPY): the yen sign is the yuan's too
        currency = currency or (CURRENCY_BEFORE.get((pre or "").upper()) if pre else None) or "CNY"
        marked = bool(pre or post or signed) or label != "plain"
        end = m.end("post") if post else m.end("num")
        sign = m.group("sign") or ""
        if not sign and re.match(r"-(?![\d.])", s[end: end + 2]):
            sign, end = "-", end + 1  # 交易金额RMB1,000.00- 余额…: a minus written after the figure
        out.append(Money(value, sign, currency, label, marked, start, end, s[start:end].strip()))
    for c in (_CAPITAL.finditer(s) if not _CAPITAL_CHARS.isdisjoint(s) else ()):  # 人民币贰仟叁佰肆拾伍元陆角柒分
        written = _capital_value(c.group("yuan"), c.group("jiao"), c.group("fen"))
        if written and not any(x.start <= c.start() < x.end or c.start() <= x.start < c.end() for x in out):
            before = s[max(0, c.start() - 14): c.start()]
            out.append(Money(written, "", "CNY", _label(before), True, c.start(), c.end(), c.group(0)))
    return sorted(out, key=lambda x: x.start)


def _label(before: str) -> str:
    """What the words right before a figure say it is (_LABELS), "plain" when none."""
    return next((name for name, pattern in _LABELS if pattern.search(before)), "plain")


# 1.5万元, 3万元整: a figure in ten thousands, taken as a movement's only beside a movement's word
_TEN_THOUSANDS = re.compile(r"\s*万\s*(?:元|人民币)\s*整?")
_MOVED_BEFORE = re.compile(r"(?:转出|转入|汇入|汇出|存入|支出|收入|支取|取款|取现|消费|付款|支付|借款|贷款|快贷|放款|"
                           r"发放|到账|入账|提取|还款|金额)[^,。;，；\d]{0,6}$")
_MOVED_AFTER = re.compile(r"[^,。;，；\d]{0,2}已(?:于[^,。;，；]{0,12})?"
                          r"(?:发放|放款|到账|入账|转入|存入|汇入|转出|支付|扣款)")
# capital numerals (大写), as a counter's receipt or a large transfer's notice writes them
_CAPITAL_DIGITS = {"零": 0, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9}
_CAPITAL_UNITS = {"拾": 10, "佰": 100, "仟": 1000}
_CAPITAL_CHARS = frozenset("壹贰叁肆伍陆柒捌玖拾佰仟")  # (most texts hold none: the pattern is not run)
_CAPITAL = re.compile(r"(?:人民币)?(?P<yuan>[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+)[元圆]"
                      r"(?:(?P<jiao>[零壹贰叁肆伍陆柒捌玖])角)?(?:(?P<fen>[壹贰叁肆伍陆柒捌玖])分)?整?")


def _capital_value(yuan: str, jiao: str | None, fen: str | None) -> Decimal | None:
    """壹拾万 -> 100000, 贰仟叁佰肆拾伍 -> 2345 (with 角 and 分 as tenths and hundredths)."""
    total = section = number = 0
    for ch in yuan:
        if ch in _CAPITAL_DIGITS:
            number = _CAPITAL_DIGITS[ch]
        elif ch in _CAPITAL_UNITS:
            section += (number or 1) * _CAPITAL_UNITS[ch]
            number = 0
        else:  # 万, 亿
            total += (section + number) * (10000 if ch == "万" else 100000000)
            section = number = 0
    value = Decimal(total + section + number)
    value += Decimal(_CAPITAL_DIGITS[jiao]) / 10 if jiao else 0
    value += Decimal(_CAPITAL_DIGITS[fen]) / 100 if fen else 0
    return value or None


def bare_after_verb(s: str, monies: list[Money], verbs: str) -> list[Money]:
    """江苏银行 `消费1169.00，…`: a figure with cents right after a direction word is money, and so
    is one right after the verb's object (`偿还公积金贷款2455.21,其中本金…`) or the verb's field label
    (`存款:1000.00`, a card's line `收入：2,315.00`)."""
    found = re.search(rf"(?:{verbs})[\u4e00-\u9fff]{{0,8}}?(?:[(（][^()（）]{{0,12}}[)）])?\s*[:：]?\s*[-+]?\s*"
                      rf"[(（]?\s*(\d[\d,]*\.\d{{2}})(?![\d.])", s)  # (转账收入（5,600.00）元, 壹万元整(10,000.00))
    if not found:
        return []
    # (a limit stays a limit: 扣款上限3,000.00元/月 is what may be taken, not what was)
    return [dataclasses.replace(x, marked=True) for x in monies
            if x.start <= found.start(1) < x.end and x.label != "limit"]


# The bank's own template states the movement right before the balance after it:
# `…存入人民币0.10元,活期余额1.04元`. An earlier figure with its own verb sits in a field the bank
# copies from someone else - a payer's name or a remark (附言：支付宝转账9999.8元) - where senders of
# fake "you have been paid" texts put a large sum.
_TIED_VERB = re.compile(r"(?:存入|支出|转入|转出|收入|入账|汇入|汇出|支取|消费|扣款)(?:资金|金额)?\s*[:：]?\s*"
                        r"(?:人民币|RMB|CNY|¥|￥)?\s*$")
_BRACKET_END = re.compile(r"[(（][^()（）]{0,60}[)）]\s*$")  # 收入(他行汇入…)1.00元: the channel in brackets
_TO_BALANCE = re.compile(r"\s*元?\s*[,，;；]?\s*(?:当前|交易后|活期|可用|账户)?余额(?:为|是)?\s*[:：]?\s*"
                         r"(?:人民币|RMB|CNY|¥|￥)?\s*")


def tied_to_balance(s: str, moved: list[Money], balance: Money | None) -> Money | None:
    """A later movement figure that the balance follows directly, in the currency of the first and of
    the balance, with its own verb (收到境外汇款USD1,200.00，扣除费用后入账USD1,185.00，可用余额USD…)."""
    if balance is None or len(moved) < 2:
        return None
    for m in moved[1:]:
        # (a balance written bare, 交易后余额1,840.22, is in the account's currency: the movement's)
        bare = re.fullmatch(r"[\d,.]+", balance.raw) is not None
        if (m.currency == moved[0].currency and (bare or balance.currency == m.currency) and m.end <= balance.start
                and _TO_BALANCE.fullmatch(s[m.end: balance.start])
                and _TIED_VERB.search(_BRACKET_END.sub("", s[: m.start])[-12:])):
            return m
    return None

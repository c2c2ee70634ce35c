"""Verification-code SMS: the code, and what it authorises (payee, amount) when stated.

Chinese: 验证码/校验码/动态码/动态密码/短信密码/口令… followed (or preceded) by 4-8 digits; a
date (2026年03月28日), a serial (序号4677), a hotline (95568) or an amount is never the code.
English: Google (`G-123456`), WhatsApp (`code: 123-456`), Apple, Microsoft, Telegram and generic
`code is 123456` / `123456 is your … code`.
"""

from __future__ import annotations

import re

# (交易密码 is a PIN in warnings, a code only where one is given: 交易密码为7890)
# 授权码 / 取款码: the code a booked cardless withdrawal is collected with (无卡取款人民币3000.00授权码为
# 235707，…于预约当日…完成取款) - the money moves only when the code is used, in a notice of its own
WORD = re.compile(r"验证码|校验码|动态码|动态密码|短信密码|口令|确认码|交易码|安全码|随机码|认证码|"
                  r"(?:授权码|取款码|预约码)(?=\s*(?:为|是|:|：)?\s*\d)|"
                  r"交易密码(?=\s*(?:为|是|:|：))|驗證碼|認證碼|交易密碼|動態密碼")
_CODE_AFTER_WORD = re.compile(
    r"(?:验证码|校验码|动态码|动态密码|短信密码|口令|确认码|交易码|安全码|随机码|认证码|交易密码|驗證碼|認證碼|交易密碼|"
    r"動態密碼|授权码|取款码|预约码)"
    r"(?:是|为|為|:|\s|\(|\)|：)*(?<![\d.])([A-Za-z0-9]?\d{3,7}[A-Za-z0-9]?)(?!\d|\.\d|,\d{3}(?!\d)|\s*[元年月日号时分])"
)
_CODE_ANY = re.compile(r"(?<![\d.,*])(\d{4,8})(?!\d|\.\d|,\d{3}(?!\d)|\s*[元年月日号时分:%])")
_NOT_CODE_BEFORE = re.compile(
    r"(?:尾号|尾数|序号|详询|致电|拨打|客服|热线|电话|金额|人民币|RMB|¥|账户|卡号|账号|卡|编号)[为是:\s*]*$",
    re.IGNORECASE)
EN_WORD = re.compile(
    r"\b(?:verification|security|login|sign-in|one[- ]time|confirmation|access|authentication)?\s*"
    r"(?:code|OTP|passcode|PIN)\b|\bone[- ]time\s+password\b"
    r"|\b(?:enter|use)\s+\d{4,8}\s+(?:to|as)\s+(?:verify|confirm|log\s?in|sign\s?in|your)\b", re.IGNORECASE)
_EN_CODE = (
    re.compile(r"\bG-\s?(\d{4,8})\b"),  # Google
    re.compile(r"\b(?:code|OTP|passcode|PIN)\b(?:\s+is|\s*:|\s+for [^.:\d]{1,40}?(?:is|:))?\s*:?\s*"
               r"(\d{3}[- ]\d{3}|\d{4,8})\b", re.IGNORECASE),
    re.compile(r"\b(\d{3}[- ]\d{3}|\d{4,8})\s+is your\b", re.IGNORECASE),
    re.compile(r"\bpassword\s*(?:is)?\s*:?\s*(\d{4,8})\b", re.IGNORECASE),
    re.compile(r"\b(?:enter|use)\s+(\d{4,8})\s+(?:to|as)\b", re.IGNORECASE),  # Use 123456 as your login code
    # the code after what it is for: OTP for txn of Rs 5,000.00 at AMAZON on your card XX1234 is 482910
    re.compile(r"\b(?:code|OTP|passcode|PIN)\b[^\n]{0,80}?\bis\s*:?\s*(\d{3}[- ]\d{3}|\d{4,8})\b", re.IGNORECASE),
    # letters and digits, as Steam Guard writes them: `Steam Guard code: 4F7K2`
    re.compile(r"\bcode\s*(?:is)?\s*:\s*((?=[A-Z]*\d)(?=\d*[A-Z])[A-Z0-9]{5,8})\b"),
    re.compile(r"\b(?:code|OTP)\b[^.\d]{0,40}?(\d{3}[- ]\d{3}|\d{4,8})\b", re.IGNORECASE),
)


_EN_BRAND = re.compile(r"\b(Google|WhatsApp|Apple|Microsoft|Telegram|Citi|Facebook|Instagram|Amazon|PayPal|Uber|"
                       r"Twitter|Discord|Steam|Binance|Signal|LINE|WeChat|Alipay|TikTok|Netflix|Yahoo)\b")


# Who an English code message names as itself, by where English puts the sender's name:
# `Your LinkedIn verification code`, `Your one-time eBay pin`, `your Venmo phone verification code`,
# `WeChat verification code: 2035`, `…on your Sony Entertainment Network account`, `Welcome to V2EX`,
# `Use the code (7744) on WeChat`, `[Alibaba Group]Your verification code`.
_NAME = r"((?:[A-Z][A-Za-z0-9&.'-]*|[a-z][A-Z][A-Za-z0-9]*|[A-Z0-9]{2,}[a-z]*)(?:\s+[A-Z][A-Za-z0-9&'-]*){0,3})"
_KIND = r"(?:\s+(?:phone|mobile|account|login|sign-?in|security|verification|confirmation|one-time|authentication))*"
_EN_NAMED = (
    re.compile(r"^\s*\[([^\[\]]{2,30})\]"),
    re.compile(r"\b[Yy]our\s+(?:one-time\s+|new\s+)?" + _NAME + _KIND + r"\s+(?:code|pin|PIN|OTP|passcode|password)\b"),
    re.compile(r"^\s*" + _NAME + _KIND + r"\s+(?:code|pin|PIN|OTP|passcode)\b"),
    re.compile(r"\bis\s+your\s+" + _NAME + _KIND + r"\s+(?:code|pin|PIN|OTP|passcode)\b"),
    re.compile(r"\b(?:on|to|for|applying|registering|creating|opening)\s+(?:for\s+)?(?:your|a|an)\s+" + _NAME
               + r"\s+(?:[Aa]ccount|ID)\b"),
    re.compile(r"\b[Ww]elcome\s+to\s+" + _NAME),
    re.compile(r"\bcode\b[^.]{0,24}?\bon\s+" + _NAME + r"\s+to\b"),
)
_NOT_A_BRAND = re.compile(r"^(?:Your|The|This|That|A|An|Use|Enter|Code|OTP|PIN|Verification|Security|Account|Do|Don't|"
                          r"Never|Please|Dear|Hi|Hello|One-time|Login|Sign|Phone|Mobile|New)$")


# Every pattern `brand` reads needs a Latin letter, but a name in square brackets at the start
_MAY_NAME_BRAND = re.compile(r"[A-Za-z\[]")


def brand(s: str) -> str | None:
    """The company an English verification code comes from (`G-123456` is Google's)."""
    if not _MAY_NAME_BRAND.search(s):
        return None  # issue 23: most messages are Chinese: nothing below can match them
    return _brand(s)


def _brand(s: str) -> str | None:
    m = _EN_BRAND.search(s)
    if m:
        return m.group(1)
    if re.search(r"\bG-\s?\d{4,8}\b", s):
        return "Google"
    s = re.sub(r"(?<=[A-Z]) (\d{1,3}) (?=[A-Z])", r"\1", s)  # V 2 EX: spaces typed around a name's digits
    for pattern in _EN_NAMED:
        for found in pattern.finditer(s):
            words = found.group(1).strip().split()
            while words and _NOT_A_BRAND.match(words[0]):
                words = words[1:]
            if words and not re.fullmatch(r"[\d\W]+", words[0]):
                return " ".join(words)
    return None


_CN_NAMED = re.compile(r"(?:登录|登陆|注册|使用)\s*([\u4e00-\u9fffA-Za-z]{2,8}?)\s*(?:APP|App|app|客户端|账号|账户)")


def chinese_brand(s: str) -> str | None:
    """The service a Chinese code message names as what the holder is logging into: 您正在登录中国移动 APP."""
    m = _CN_NAMED.search(s)
    return m.group(1) if m and WORD.search(s) else None


# A code word inside a warning (任何人索要验证码均为诈骗, 请勿向他人提供短信验证码, 不会索取您的动态密码):
# banks append it to money notices too; it gives no code and makes no message a code message.
_WARNING_BEFORE = re.compile(r"(?:索要|索取|泄露|泄漏|透露|提供|告诉|告知|转发|询问|骗取|套取|不会|切勿|请勿|勿|"
                             r"不要|谨防)[^。,;，；!！]{0,10}$")
_WARNING_AFTER = re.compile(r"^[^。,;，；!！\d]{0,4}(?:均为诈骗|是诈骗|切勿|请勿|勿|不要|谨防|不得)")


def _told(s: str) -> list[re.Match[str]]:
    """The code words of `s` that are not inside a warning, or that a code follows (千万不要告诉他人
    验证码951353 warns and gives the code at once)."""
    return [w for w in WORD.finditer(s)
            if _CODE_AFTER_WORD.match(s, w.start())
            or (not _WARNING_BEFORE.search(s[max(0, w.start() - 12): w.start()])
                and not _WARNING_AFTER.match(s[w.end(): w.end() + 10]))]


def masked(s: str) -> bool:
    """A code given but masked (手机验证码为：******): a code message whose code a screenshot or export hid."""
    return re.search(r"(?:" + WORD.pattern + r")[为是:：\s]*[*＊xX]{4,8}", s) is not None


def chinese(s: str) -> bool:
    """A Chinese verification-code word, not in a warning: such a message never moves money, code
    found or not (a debit notice ending 任何人索要验证码均为诈骗 is still a debit)."""
    return bool(_told(s))


_GOOGLE = re.compile(r"\bG-\s?\d{4,8}\b")  # Google's code form, in any language (G-723210(이)가 Google 인증 코드입니다)
# English that refers back to a code already given: `843208 - Welcome to V2EX, this code is valid…`,
# `729565\nEnter this verification code…`, `…mobile number (897582). Don't forward the code!`
_EN_REFERS = re.compile(r"\b(?:this|the|that)\s+(?:verification\s+|security\s+|login\s+|one[- ]time\s+)?"
                        r"(?:code|pin|passcode|password|OTP)\b", re.IGNORECASE)
_EN_LONE = re.compile(r"(?<![\d.,:/\-+$€£¥])(\d{4,8})(?![\d.,:/€]|\s*(?:minutes?|mins?|hours?|seconds?|secs?|days?)\b)",
                      re.IGNORECASE)
# a hotline or phone number written after these is never the code (详询95588, call 95555), nor a
# card's tail (card ending 1234, a/c XX1234)
_HOTLINE_BEFORE = re.compile(r"(?:详询|致电|拨打|客服|热线|电话|\bcall|\bphone|\btel|\bending(?:\s+in)?|"
                             r"\b(?:a/c|acct|account|card)(?:\s+no\.?)?\s*(?:x{2,}|\*{2,})?)[:\s]*$", re.IGNORECASE)


def is_otp(s: str) -> bool:
    return bool(_told(s) or EN_WORD.search(s) or _GOOGLE.search(s))


def _lone_code(s: str) -> str | None:
    """The one 4-8 digit number of a message that refers to "this code" without writing it after."""
    if not _EN_REFERS.search(s):
        return None
    found = {m.group(1) for m in _EN_LONE.finditer(s)
             if not _HOTLINE_BEFORE.search(s[max(0, m.start() - 16): m.start()])}
    return found.pop() if len(found) == 1 else None


def code(s: str) -> str | None:
    m = _CODE_AFTER_WORD.search(s)
    if m:
        return m.group(1)
    if told := _told(s):
        words = [w.start() for w in told]
        best: tuple[int, str] | None = None
        for c in _CODE_ANY.finditer(s):
            if _NOT_CODE_BEFORE.search(s[max(0, c.start() - 8): c.start()]) or c.group(1).startswith("95"):
                continue
            distance = min(abs(c.start() - w) for w in words)
            if best is None or distance < best[0]:
                best = (distance, c.group(1))
        if best:
            return best[1]
    for pattern in _EN_CODE:
        for m in pattern.finditer(s):
            if not _HOTLINE_BEFORE.search(s[max(0, m.start(1) - 16): m.start(1)]):
                return m.group(1)
    return _lone_code(s)

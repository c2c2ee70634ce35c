"""Phone numbers: normalisation, 归属地 (region) and original carrier, bank short codes.

phonenumbers (Google's libphonenumber data) gives 浙江省杭州市 / 中国移动 for 1375712xxxx; newer
prefixes (166, 17x, 19x) only give 中国. Bank hotlines (95588) are not phone numbers to it, so
they come from our own table. Carrier is the number block's *original* carrier (携号转网 since
2019), which is why labels call it 号段运营商.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping

import phonenumbers

from evidence import cnprefixes

# Hotline -> bank (DOMAIN.md B.3.1). Also matched as the tail of 106… SP numbers.
BANKS: dict[str, str] = {
    "95588": "中国工商银行",
    "95533": "中国建设银行",
    "95599": "中国农业银行",
    "95566": "中国银行",
    "95555": "招商银行",
    "95559": "交通银行",
    "95568": "中国民生银行",
    "95558": "中信银行",
    "95561": "兴业银行",
    "95528": "上海浦东发展银行",
    "95508": "广发银行",
    "95595": "中国光大银行",
    "95511": "平安银行",
    "95580": "中国邮政储蓄银行",
    "95577": "华夏银行",
    "95526": "北京银行",
}
BANKS_EN: dict[str, str] = {
    "95588": "ICBC", "95533": "CCB", "95599": "ABC", "95566": "Bank of China", "95555": "CMB",
    "95559": "BoCom", "95568": "CMBC", "95558": "CITIC", "95561": "CIB", "95528": "SPDB",
    "95508": "CGB", "95595": "CEB", "95511": "Ping An Bank", "95580": "PSBC", "95577": "Hua Xia",
    "95526": "Bank of Beijing",
}
# Short names as they appear in SMS signatures (【工商银行】) and as alphanumeric senders.
SIGNATURES: dict[str, str] = {
    "工商银行": "95588", "建设银行": "95533", "农业银行": "95599", "中国农业银行": "95599",
    "中国银行": "95566", "招商银行": "95555", "交通银行": "95559", "民生银行": "95568",
    "中信银行": "95558", "兴业银行": "95561", "浦发银行": "95528", "广发银行": "95508",
    "光大银行": "95595", "平安银行": "95511", "邮储银行": "95580", "华夏银行": "95577",
    "北京银行": "95526", "中国邮政储蓄银行": "95580",
}
SIGNATURES.update({name: code for code, name in BANKS.items()})  # 【中国建设银行】 as well as 【建设银行】
OTHER_SERVICES: dict[str, str] = {
    "95118": "京东客服", "10086": "中国移动", "10010": "中国联通", "10000": "中国电信",
    "95188": "支付宝", "95017": "财付通", "95516": "中国银联", "110": "公安报警",
}


@functools.lru_cache(maxsize=4096)  # a victim's SMS and calls repeat the same few numbers
def normalize(raw: str) -> str:
    """Digits of a number as people dial it inside China: no +86/0086, spaces or dashes.

    Non-numeric senders (`建设银行`, `group_8@rcs.google.com`) come back trimmed, unchanged.
    """
    s = unicodedata.normalize("NFKC", raw or "").strip()
    digits = re.sub(r"[\s\-().]", "", s)
    if not re.fullmatch(r"\+?\d+", digits):
        return s
    international = digits.startswith(("+86", "0086"))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]
    if international and len(digits) >= 9 and not digits.startswith(("1", "0")):
        digits = "0" + digits  # +86 571 8765 4321 is dialled 0571 8765 4321 at home
    return digits


@functools.lru_cache(maxsize=4096)  # three times a message (issue 23): the same few senders
def bank_code(sender: str) -> str | None:
    """The bank hotline a sender stands for: 95588, +8695588, 106980095533, 建设银行."""
    s = normalize(sender)
    if s in BANKS:
        return s
    if s in SIGNATURES:
        return SIGNATURES[s]
    m = re.fullmatch(r"106\d*?(95\d{3})", s)
    if m and m.group(1) in BANKS:
        return m.group(1)
    return None


def is_mobile(number: str) -> bool:
    return bool(re.fullmatch(r"1[3-9]\d{9}", normalize(number)))


def preload() -> None:
    """Derive the +86 places and carriers now: a process about to fork several workers that
    all attribute numbers calls this, so they share one copy and derive it once."""
    cnprefixes.tables()


@dataclasses.dataclass(frozen=True)
class Lookups:
    """One build's geocoder answers (issue 19: a run's state, never the process's).

    `known`: answers of an earlier build with the same data_version(), keyed `lang|number`
    (DIR/.cache/phones.json): a rebuild of one claimant then need not load the geocoder (0.4 s)
    for numbers it attributed before. `found`: what the geocoder answered during this run,
    for the next build's cache."""

    known: Mapping[str, str | None] = dataclasses.field(default_factory=dict)
    found: dict[str, str | None] = dataclasses.field(default_factory=dict)


# The run whose attributions are being made, set for the duration of session(): a context
# variable, not a module global, so two builds in one process (a test run, the web server)
# each see only their own answers, and a thread that opened no session records nothing.
_SESSION: contextvars.ContextVar[Lookups] = contextvars.ContextVar("evidence_phone_lookups")


def data_version() -> str:
    return str(phonenumbers.__version__)


@contextlib.contextmanager
def session(known: Mapping[str, str | None] | None = None) -> Iterator[Lookups]:
    """Attributions made inside the block use `known` first and record what the geocoder
    answered in the yielded Lookups (its `found`)."""
    lookups = Lookups(dict(known or {}))
    token = _SESSION.set(lookups)
    try:
        yield lookups
    finally:
        _SESSION.reset(token)


def attribute(number: str, lang: str = "zh-Hans") -> str | None:
    """`浙江省杭州市 中国移动` for a mobile, the bank's name for a hotline, None if unknown."""
    fixed, key = _classify(number, lang)
    if key is None:
        return fixed
    lookups = _SESSION.get(None)
    if lookups is not None and key in lookups.known:
        return lookups.known[key]
    found, asked = _geocode(key)
    if lookups is not None and asked:
        lookups.found[key] = found
    return found


@functools.lru_cache(maxsize=65536)  # a victim's SMS and calls repeat the same few numbers
def _classify(number: str, lang: str) -> tuple[str | None, str | None]:
    """(the answer, None) when no geocoder is needed, else (None, its key `lang|number`)."""
    s = normalize(number)
    code = bank_code(s)
    if code:
        return (BANKS_EN if lang == "en" else BANKS)[code], None
    if s in OTHER_SERVICES:
        return OTHER_SERVICES[s], None
    if not re.fullmatch(r"\+?\d{5,16}", s):
        return None, None
    return None, f"{'en' if lang == 'en' else 'zh'}|{s}"


@functools.cache  # a pure function of the number and the library's data: no run's state
def _geocode(key: str) -> tuple[str | None, bool]:
    """The answer, and whether the geocoder was asked (only then is it worth remembering:
    an invalid number is refused without loading the geocoder's data)."""
    loc, _, s = key.partition("|")
    try:
        parsed = phonenumbers.parse(s, "CN")
    except phonenumbers.NumberParseException:
        return None, False
    if not phonenumbers.is_valid_number(parsed):
        return None, False
    answer = cnprefixes.place_and_carrier(parsed, loc)  # +86: without the world's data
    if answer is None:
        # Imported here: the geocoder's data takes 0.4 s and ≈100 MB to load, and processes
        # that never attribute a foreign number should not pay for it.
        from phonenumbers import carrier, geocoder

        answer = geocoder.description_for_number(parsed, loc), carrier.name_for_number(parsed, loc)
    return " ".join(part for part in answer if part) or None, True


def is_hangzhou(attribution: str | None) -> bool:
    return bool(attribution) and ("杭州" in (attribution or "") or "Hangzhou" in (attribution or ""))

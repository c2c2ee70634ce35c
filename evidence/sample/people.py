"""Fake but well-formed people: names, regions, ID numbers, bank cards, mobile numbers.

Well-formed matters: the tools (and the court clerk) check GB 11643 ID check digits and Luhn
card numbers, and phone attribution must land in the stated province.
"""

from __future__ import annotations

import dataclasses
import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉晓燕建飞斌宇浩凯健俊帆帅旭宁雪琳晨欣婷佳怡博文志"

# (region as people write it, GB/T 2260 district code inside it, mobile prefixes attributed there)
REGIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("广东省深圳市", "440307", ("1381", "1390", "1352")),
    ("北京市", "110105", ("1380", "1391", "1861")),
    ("上海市", "310115", ("1381", "1391", "1356")),
    ("浙江省杭州市", "330106", ("1395", "1385", "1586")),
    ("江苏省南京市", "320102", ("1390", "1385", "1377")),
    ("四川省成都市", "510104", ("1398", "1388", "1350")),
    ("湖北省武汉市", "420106", ("1397", "1387", "1357")),
    ("山东省济南市", "370102", ("1395", "1386", "1506")),
    ("河南省郑州市", "410105", ("1393", "1383", "1503")),
    ("湖南省长沙市", "430102", ("1397", "1387", "1357")),
    ("福建省厦门市", "350203", ("1395", "1385", "1595")),
    ("重庆市", "500103", ("1398", "1388", "1358")),
    ("陕西省西安市", "610113", ("1399", "1389", "1359")),
    ("辽宁省沈阳市", "210102", ("1394", "1384", "1594")),
    ("天津市", "120101", ("1382", "1392", "1362")),
    ("安徽省合肥市", "340104", ("1395", "1385", "1365")),
)


@dataclasses.dataclass(frozen=True)
class Bank:
    code: str  # hotline, also the SMS sender
    short: str  # as in SMS signatures: 工商银行
    bin: str  # a real issuer prefix of the bank's debit cards
    length: int  # card number length for that BIN


BANKS: tuple[Bank, ...] = (
    Bank("95588", "工商银行", "622202", 19),
    Bank("95533", "建设银行", "621700", 19),
    Bank("95599", "农业银行", "622848", 19),
    Bank("95566", "中国银行", "621661", 19),
    Bank("95555", "招商银行", "622588", 16),
    Bank("95559", "交通银行", "622262", 19),
    Bank("95568", "民生银行", "622622", 16),
    Bank("95558", "中信银行", "622690", 16),
    Bank("95561", "兴业银行", "622909", 18),
    Bank("95528", "浦发银行", "622521", 16),
    Bank("95508", "广发银行", "622568", 16),
    Bank("95595", "光大银行", "622660", 16),
    Bank("95511", "平安银行", "622155", 16),
    Bank("95580", "邮储银行", "621799", 19),
)
BANK_BY_CODE = {b.code: b for b in BANKS}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2)."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_valid(number: str) -> bool:
    return len(number) == 18 and number[:17].isdigit() and id_check_digit(number[:17]) == number[17]


def luhn_digit(partial: str) -> str:
    """Digit that makes `partial + digit` pass the Luhn check."""
    total = 0
    for i, c in enumerate(reversed(partial)):
        d = int(c)
        if i % 2 == 0:  # these positions get doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) >= 2 and luhn_digit(number[:-1]) == number[-1]


def card_number(rng: random.Random, bank: Bank) -> str:
    body = bank.bin + "".join(str(rng.randrange(10)) for _ in range(bank.length - len(bank.bin) - 1))
    return body + luhn_digit(body)


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    region: str
    id_number: str
    phone: str
    bank: Bank
    card: str


def person(rng: random.Random, region_index: int | None = None) -> Person:
    region, district, prefixes = REGIONS[
        rng.randrange(len(REGIONS)) if region_index is None else region_index % len(REGIONS)]
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    year = rng.randrange(1960, 1996)
    month = rng.randrange(1, 13)
    day = rng.randrange(1, 29)
    first17 = f"{district}{year:04d}{month:02d}{day:02d}{rng.randrange(1000):03d}"
    phone = rng.choice(prefixes) + f"{rng.randrange(10**7):07d}"
    bank = rng.choice(BANKS)
    return Person(name, region, first17 + id_check_digit(first17), phone, bank, card_number(rng, bank))


def contact_number(rng: random.Random) -> str:
    """An ordinary mobile number somewhere in China (friends, family, couriers)."""
    return rng.choice(("138", "139", "135", "136", "150", "186", "189", "133", "158", "188")) + (
        f"{rng.randrange(10**8):08d}")

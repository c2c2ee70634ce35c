"""Who sent a notice, under one short name (templates/banksms/institutions.toml, rules there).

`canonical("中国工商银行客户服务")` is "工商银行", `canonical("泉州农村商业银行")` "泉州农商银行",
`canonical("交通银行微银行")` "交通银行", `canonical("財付通")` "微信支付"; a name no entry knows keeps
its reduced form. `pick` chooses among several names met in one message (the member bank over its
provincial union).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable

from evidence import template
from evidence.banksms import lexicon

PATH = template.TEMPLATES_DIR / "banksms" / "institutions.toml"

_CHANNEL_END = re.compile(r"(?:微银行|电子银行|手机银行|网上银行|微信银行|客户服务|客服|服务号|信用卡中心|信用卡|"
                          r"股份有限公司|有限责任公司)$")


@dataclasses.dataclass(frozen=True)
class Table:
    alias: dict[str, str]  # reduced alias (and short name) -> short name
    kind: dict[str, str]  # short name -> type
    hotline: dict[str, str]  # hotline -> short name
    credit_line: frozenset[str]  # revolving credit products (花呗, 白条, 月付)
    part_of: dict[str, str]  # a product -> the institution that runs it (云闪付 -> 中国银联)


@functools.cache
def table() -> Table:
    with PATH.open("rb") as f:
        data = tomllib.load(f)
    alias: dict[str, str] = {}
    kind: dict[str, str] = {}
    hotline: dict[str, str] = {}
    credit_line: set[str] = set()
    part_of: dict[str, str] = {}
    for e in data["institution"]:
        if e.get("part_of"):
            part_of[e["name"]] = e["part_of"]
        if e.get("credit_line"):
            credit_line.add(e["name"])
        name = e["name"]
        kind[name] = e["type"]
        for a in (name, *e.get("aliases", [])):
            alias[_reduce(a)] = name
        if e.get("hotlines") and not e.get("hotline_source"):
            raise ValueError(f"{PATH}: {name}'s hotlines name no hotline_source")
        for h in e.get("hotlines", []):
            hotline[h] = name
    return Table(alias, kind, hotline, frozenset(credit_line), part_of)


def _reduce(name: str) -> str:
    s = unicodedata.normalize("NFKC", name or "").translate(lexicon.traditional())
    # spaces go, except one between two Latin words (Sony Entertainment Network)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])", "", s).strip("【】[]-:：")
    for _ in range(3):
        shorter = _CHANNEL_END.sub("", s)
        if shorter == s or len(shorter) < 2:
            break
        s = shorter
    s = s.replace("农村商业银行", "农商银行").replace("（", "(").replace("）", ")")
    # a foreign bank's China arm: 汇丰银行中国, 渣打银行(中国) -> 汇丰银行, 渣打银行
    s = re.sub(r"(银行)\(?中国\)?$", r"\1", s)
    # a city's housing fund under its official name (住房公积金管理条例: one 住房公积金管理中心 per
    # city): 长沙住房公积金, 广州公积金中心, 太原公积金中心 -> X住房公积金管理中心
    fund = re.fullmatch(r"([\u4e00-\u9fff]{2,8}?)(?:市)?(?:住房)?公积金(?:管理)?(?:中心)?", s)
    if fund and not fund.group(1).endswith(("住房", "个人")) and not fund.group(1).startswith(("省", "市")):
        # (省监狱住房公积金, 省直: a sector's fund under a province, not a city's centre)
        s = fund.group(1) + "住房公积金管理中心"
    return s


def canonical(name: str | None) -> str | None:
    """The short name of an institution as met in a message, or None for an empty name."""
    if not name:
        return None
    s = _reduce(name)
    t = table()
    if s in t.alias:
        return t.alias[s]
    if "您" in s and s.replace("您", "你") in t.alias:  # the reader folds 你 into 您 before names are read (你我贷)
        return t.alias[s.replace("您", "你")]
    if s.startswith("中国") and s[2:] in t.alias:
        return t.alias[s[2:]]
    if s + "银行" in t.alias:  # 华夏信用卡 -> 华夏 -> 华夏银行, 光大卡 -> 光大银行
        return t.alias[s + "银行"]
    # a large bank's branch signing with its province or city first: 广东农行, 深圳招行, 浙江省工行
    for cut in (2, 3, 4):
        rest = s[cut:]
        if len(rest) >= 2 and rest in t.alias and t.kind.get(t.alias[rest]) == "big_bank" \
                and re.fullmatch(r"[\u4e00-\u9fff]{2,3}(?:省|市)?", s[:cut]):
            return t.alias[rest]
    return s or None


# Types whose notices report money (not a carrier's or a shop's).
# (insurers and fund companies report premiums taken from and claims or dividends paid into a card)
_MONEY_TYPES = frozenset({"big_bank", "regional_bank", "rural", "payment", "consumer_credit", "housing_fund",
                          "insurer", "fund"})


def listed(name: str | None) -> bool:
    """The name is one of a money institution's listed names (an app's service account, 支付助手)."""
    if not name:
        return False
    return table().kind.get(canonical(name) or "") in _MONEY_TYPES  # (广东农行: a branch of 农业银行)


def by_hotline(number: str) -> str | None:
    return table().hotline.get(number)


def pick(names: Iterable[str]) -> str | None:
    """Of several institution names in one message, the one that sent it: a bank (a name with
    银行) before a union or platform (广东农信 signs for its member 河源农商银行), a product before
    the institution that runs it (【云闪付】…【中国银联】), else the first."""
    found = [c for c in (canonical(n) for n in names) if c]
    banks = [c for c in found if "银行" in c]
    runs = {table().part_of.get(c) for c in found}
    chosen = banks or [c for c in found if c not in runs] or found
    return chosen[0] if chosen else None


@functools.cache
def spellings(short: str) -> tuple[str, ...]:
    """Every listed way of writing the institution `short` names (支付宝, Alipay, 支付助手…), as
    reduced for matching; the longest first."""
    return tuple(sorted((a for a, n in table().alias.items() if n == short), key=lambda a: (-len(a), a)))


def kind(name: str | None) -> str | None:
    """The type of a listed institution (big_bank, payment, consumer_credit…), None if unlisted."""
    short = canonical(name)
    return table().kind.get(short) if short else None


# A lender by its name: a consumer-finance or micro-loan company keeps only loan accounts
# (某某消费金融, 某某小额贷款, 某某小贷), so its notice speaks of a debt account.
_LENDER = re.compile(r"消费金融|小额贷款|小贷")


def credit_line(name: str | None) -> bool:
    """A debt account (花呗, 白条, 月付, 借呗, 招联, any 消费金融/小贷 company): 还款 in its own notice
    is money into it."""
    short = canonical(name)
    return bool(short) and (short in table().credit_line or bool(_LENDER.search(short or "")))

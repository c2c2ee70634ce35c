"""Counterparty (payee, payer, merchant) and channel (快捷支付, 网银在线…) named in a bank notice."""

from __future__ import annotations

import re

_BRACKETS = re.compile(r"\([^()]*(?:\([^()]*\)[^()]*)*\)|\[[^\[\]]*\]")

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


def counterparty(s: str, money_end: int) -> str | None:
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


def channel(s: str) -> str | None:
    for words in (CHANNELS, PLATFORMS):
        hits = [(s.find(c), c) for c in words if c in s]
        if hits:
            return min(hits)[1]
    return None

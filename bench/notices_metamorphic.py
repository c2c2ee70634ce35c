#!/usr/bin/env python3
"""Metamorphic checks of the bank-SMS reader: rewrite a message in ways that must not change
what it says, and check the reader reads the same thing.

    python3 bench/notices_metamorphic.py            # dev + the shared 76: invariant messages
    python3 bench/notices_metamorphic.py --failures # and every variant read differently (dev only)
    python3 bench/notices_metamorphic.py --audit    # the same rewrites over the blind audit's constructed
                                                    # texts (tests/data/bank_sms_audit), a set of its own

No labels are needed: the reader's reading of the original message is the expectation, changed
only where the rewrite changes it by construction (amount x k, balance x k, other tail digits).
Each rewrite is one way real messages differ from one another without meaning anything else:

* `signature_moved` / `signature_dropped`: 【工商银行】 at the front instead of the back (or the
  other way), or no signature at all while the sender (its number or name) still says who it is;
  `signature_as_title`: the signature's name as the title line of an app push copied as text
  (`招商银行\n您账户1234于…`);
  `signature_dropped_unknown_number`: no signature and only a sender number no table knows (a
  regional bank's 106… number): the reading may claim less (a movement shown for review with the
  same amount; a bill or an advert read as just 'other'), never something else;
* `full_width` / `half_width`: digits and punctuation typed full width (１２３，：) or half width;
* `spaces`: a space either side of every number (`尾号 6684 卡 4 月 21 日`);
* `advert_*`: an unrelated sentence added (回复TD退订, 详询95588, 点击 <the bank's site> 领取);
* `amount_scaled`: the amount and the balance multiplied by the same k (the chain still adds up);
* `tail_changed`: other digits for the holder's own tail;
* `time_shifted`: another day, hour and year in the stated date and time;
* `counterparty_renamed`: another payee/payer name of the same form (张* for 李*, a company for a company);
* `yuan_toggled`: `人民币100.00` <-> `人民币100.00元` (the currency is already written);
* `traditional`: the message in Traditional characters (OpenCC's S->T table, not the reader's own);
* `credit_verb_unknown`: a credit's own money-in words (收入, 转入, 代付…) replaced by a word the
  reader does not know (变动): the reading may become a review or nothing, never a debit - the case
  of a real bank's wording no lexicon has seen, which must not turn money in into a loss.

The reading compared: kind, direction, amount, currency, own tail, balance, needs_review, whether
a link is flagged, the verification code and the institution.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import importlib.util
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from evidence import notices  # noqa: E402


def _eval_module() -> ModuleType:
    if "notices_eval" in sys.modules:
        return sys.modules["notices_eval"]
    spec = importlib.util.spec_from_file_location("notices_eval", REPO / "bench" / "notices_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["notices_eval"] = module
    spec.loader.exec_module(module)
    return module


EVAL = _eval_module()
S2T_PATH = REPO / "tests" / "data" / "bank_sms" / "s2t.tsv"


# ---- what the reader reads ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Reading:
    kind: str
    direction: str | None
    amount: Decimal | None
    currency: str
    card_tail: str | None
    balance: Decimal | None
    needs_review: bool
    flagged: bool
    code: str | None
    institution: str | None


def read(body: str, sender: str | None, record: Mapping[str, Any]) -> Reading:
    n = notices.classify(body, sender or EVAL.NO_SENDER, EVAL._received(record), EVAL.SH)
    kind = EVAL.kind_of(n)
    if kind == "statement":
        amount = n.statement_total
    elif kind in ("debit", "credit", "review", "otp"):
        amount = n.amount
    else:
        amount = None
    return Reading(kind, str(n.direction) if n.direction else None, amount, n.currency, n.card_tail,
                   n.balance, n.needs_review, bool(n.phishing), n.code, EVAL._name(n.institution) or None)


@dataclasses.dataclass(frozen=True)
class Variant:
    transform: str
    body: str
    sender: str | None
    expect: Callable[[Reading], Reading] = lambda r: r
    ignore: tuple[str, ...] = ()  # reading fields this rewrite may change by construction
    unsigned: bool = False  # no signature and no known sender: what the text alone proves
    never_opposite: bool = False  # the rewrite removes what decided: any reading but the opposite way
    family: str = ""  # the rewrite function that made it (signature, width, …)


# ---- helpers ------------------------------------------------------------------------------------

_URL_SPANS = re.compile(r"https?://[^\s，。；！？）】\u4e00-\u9fff]+|www\.[^\s，。；！？）】\u4e00-\u9fff]+"
                        r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|cc|me)(?:/[^\s，。\u4e00-\u9fff]*)?")


def _outside_urls(body: str, fn: Callable[[str], str]) -> str:
    """`fn` applied to the text between links; links kept as written."""
    out, last = [], 0
    for m in _URL_SPANS.finditer(body):
        out.append(fn(body[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(fn(body[last:]))
    return "".join(out)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


_SIGNATURE = re.compile(r"^\s*(【[^【】]{2,14}】|\[[^\[\]]{2,14}\])|(【[^【】]{2,14}】|\[[^\[\]]{2,14}\])\s*[。.]?\s*$")
_INSTITUTION_NAME = re.compile(
    r"银行|銀行|农信|农商|信用社|公积金|支付宝|微信支付|云闪付|花呗|白条|月付|借呗|金融|微众")


def _signature(body: str) -> tuple[re.Match[str], str] | None:
    m = _SIGNATURE.search(body)
    if m is None:
        return None
    sig = m.group(1) or m.group(2)
    if not _INSTITUTION_NAME.search(sig):
        return None
    return m, sig


# ---- the rewrites -------------------------------------------------------------------------------


def signature(r: Mapping[str, Any]) -> list[Variant]:
    body, sender = str(r["body"]), r.get("sender")
    found = _signature(body)
    if found is None:
        return []
    m, sig = found
    rest = (body[: m.start()] + body[m.end():]).strip()
    if rest.endswith(("【", "[")):
        return []
    moved = rest + sig if m.group(1) else sig + rest
    name = sig[1:-1]
    from evidence import phones

    said = phones.bank_code(str(sender or ""))
    if said and phones.SIGNATURES.get(name.removeprefix("中国") if len(name) > 4 else name,
                                      phones.SIGNATURES.get(name)) not in (None, said):
        # the record's sender number is another bank's than its signature: without the
        # signature the number speaks, and that is another institution by construction
        return [Variant("signature_moved", moved, sender)]
    # dropped: the sender still says who it is - its number when that number is an institution's
    # known hotline, else the signature's name as an export or an app notification shows it
    known = bool(said) or phones.normalize(str(sender or "")) in phones.OTHER_SERVICES
    out = [Variant("signature_moved", moved, sender)]
    base = notices.classify(body, sender or EVAL.NO_SENDER, EVAL._received(r), EVAL.SH)
    if known or not (base.spoofed or base.phishing):
        # (a notice read as spoofed - a bank's signature from a number that cannot be that bank's,
        # beside a link not its own - is so by its signature against its sender, and so is a link
        # judged as anyone's because an SP number no table knows signs as a bank: shown under the
        # signature's name instead, the contradiction is gone by construction, not a rewrite that
        # keeps the meaning)
        out.append(Variant("signature_dropped", rest, sender if known else name))
        # an app push copied as text: the institution's name as its title line (the sender kept:
        # dropping it beside a link that is not the bank's would make a look-alike by construction)
        out.append(Variant("signature_as_title", f"{name}\n{rest}", sender))
    if not known:
        # and with only the number no table knows: who sent it is lost, what it says is not
        out.append(Variant("signature_dropped_unknown_number", rest, sender, ignore=("institution",),
                           unsigned=True))
    return out


_HALF = "".join(chr(c) for c in range(0x21, 0x7F))
_TO_FULL = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789.,:;()!?%*+-/"} | {"¥": "￥"})
_TO_HALF = str.maketrans({chr(ord(c) + 0xFEE0): c for c in _HALF} | {"￥": "¥", "\u3000": " "})


def width(r: Mapping[str, Any]) -> list[Variant]:
    body, sender = str(r["body"]), r.get("sender")
    out = []
    full = _outside_urls(body, lambda t: t.translate(_TO_FULL))
    if full != body:
        out.append(Variant("full_width", full, sender))
    half = body.translate(_TO_HALF)
    if half != body:
        out.append(Variant("half_width", half, sender))
    return out


_NUMBER_TOKEN = re.compile(r"\d(?:[\d,.:/\-。，]*\d)?")


def spaces(r: Mapping[str, Any]) -> list[Variant]:
    body = str(r["body"])
    spaced = _outside_urls(body, lambda t: _NUMBER_TOKEN.sub(lambda m: f" {m.group(0)} ", t))
    return [Variant("spaces", spaced, r.get("sender"))] if spaced != body else []


@functools.cache
def _bank_site() -> dict[str, str]:
    """Institution short name -> one of its official domains (from the allowlist)."""
    import tomllib

    data = tomllib.loads((REPO / "templates" / "banksms" / "official_domains.toml").read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for e in data["domain"]:
        for part in re.split(r"[ /()（）,]+", e["owner"]):
            short = part.removeprefix("中国") if len(part) > 4 else part
            if part and short not in out:
                out[short] = e["name"]
    return out


def _site(institution: str | None) -> str:
    name = EVAL._name(institution or "")
    for short, domain in _bank_site().items():
        if short and (short in name or name in short) and len(short) >= 2 and len(name) >= 2:
            return domain
    return "icbc.com.cn"


ADVERTS = (
    ("advert_td", "回复TD退订"),
    ("advert_hotline", "详询95588"),
    ("advert_link", "点击 https://www.{site}/m/act 领取"),
    # adverts that hold money words of their own
    ("advert_deposit", "本机构吸收的本外币存款依照《存款保险条例》受到保护"),
    ("advert_words", "下载APP，转入余额宝享收益，刷卡消费享优惠，工资到账早知道"),
)


# the signatures a message ends with: 【工商银行】, [招商银行], or a dash and a card centre's name
# (…点击 t.cn/RvH2Ph4 。-中信信用卡): an advert goes before them, as a bank's own line would
_TRAILING_SIGNATURES = re.compile(r"(?:\s*(?:【[^【】]{2,14}】|\[[^\[\]]{2,14}\]|-[\u4e00-\u9fff]{2,8}"
                                  r"(?:银行|信用卡|卡中心))\s*[。.]?)+\s*$")


def advert(r: Mapping[str, Any], adverts: Sequence[tuple[str, str]] = ADVERTS) -> list[Variant]:
    body, sender = str(r["body"]).rstrip(), r.get("sender")
    trailing = _TRAILING_SIGNATURES.search(body)
    core = body[: trailing.start()].rstrip() if trailing and trailing.start() > 0 else body
    end = body[len(core):] if trailing and trailing.start() > 0 else ""
    ended = core.endswith(("。", "!", "！", "?", "？")) or (core.endswith(".") and not core.endswith(".."))
    sep = "" if ended else "。"
    out = []
    for name, text in adverts:
        text = text.format(site=_site(r.get("institution")))
        if end.lstrip().startswith("-") and not text.endswith(("。", "!", "！")):
            text += "。"  # a dash signature follows a finished sentence: …。-中信信用卡
        out.append(Variant(name, f"{core}{sep}{text}{end}", sender))
    return out


# numbers as written: ASCII or full-width digits, thousands commas, a decimal point (or the
# 。 typed for one, 29。19), never part of a longer digit run
_AMOUNT_TEXT = re.compile(r"(?<![\d０-９.．,，])[\d０-９]+(?:[,，][\d０-９]{2,3})*(?:[.．。][\d０-９]+)?(?![\d０-９])")


def _value(text: str) -> Decimal | None:
    t = _fold(text).replace("。", ".").replace(",", "")
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


def _write_like(value: Decimal, like: str) -> str:
    """`value` written the way `like` writes a number: decimals, thousands commas, width, 。."""
    folded = _fold(like)
    point = next((c for c in like if c in ".．。"), ".")
    decimals = len(re.split(r"[.。]", folded)[1]) if re.search(r"[.。]", folded) else 0
    grouped = "," in folded
    text = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    comma = next((c for c in like if c in ",，"), ",")
    text = text.replace(",", "\0").replace(".", point).replace("\0", comma)
    if any("０" <= c <= "９" for c in like):
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return text


_NOT_AMOUNT_AFTER = re.compile(r"^\s*[年月日号时分:：点期个笔位天]")


def amount_scaled(r: Mapping[str, Any], k: int = 3) -> list[Variant]:
    """Amount and balance x k, wherever the labelled figures are written as money."""
    amount, balance = EVAL._dec(r.get("amount")), EVAL._dec(r.get("balance"))
    if amount is None or amount == 0:
        return []
    body = str(r["body"])
    targets = {abs(amount)} | ({abs(balance)} if balance is not None else set())
    hits = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal hits
        value = _value(m.group(0))
        if value is None or value not in targets or _NOT_AMOUNT_AFTER.match(body[m.end():m.end() + 2]):
            return m.group(0)
        before = body[max(0, m.start() - 3): m.start()]
        if re.search(r"尾号|号|\*$", before):
            return m.group(0)
        hits += 1
        return _write_like(value * k, m.group(0))

    scaled = _outside_urls(body, lambda t: _AMOUNT_TEXT.sub(sub, t))
    if not hits or scaled == body:
        return []

    def expect(x: Reading) -> Reading:
        return dataclasses.replace(
            x, amount=x.amount * k if x.amount is not None and abs(x.amount) in targets else x.amount,
            balance=x.balance * k if x.balance is not None and abs(x.balance) in targets else x.balance)

    return [Variant("amount_scaled", scaled, r.get("sender"), expect)]


def _other_digits(tail: str, shift: int = 3) -> str:
    return "".join(str((int(d) + shift) % 10) for d in tail)


def tail_changed(r: Mapping[str, Any], shift: int = 3) -> list[Variant]:
    tail = str(r.get("card_tail") or "").lstrip("*")
    if not re.fullmatch(r"\d{3,4}", tail):
        return []
    body = str(r["body"])
    new = _other_digits(tail, shift)
    changed = _outside_urls(body, lambda t: re.sub(rf"(?<![\d.,]){tail}(?![\d]|[.,]\d)", new, t))
    if changed == body:
        return []

    def expect(x: Reading) -> Reading:
        return dataclasses.replace(x, card_tail=new if x.card_tail == tail else x.card_tail)

    return [Variant("tail_changed", changed, r.get("sender"), expect)]


def time_shifted(r: Mapping[str, Any]) -> list[Variant]:
    body = str(r["body"])

    def shift(t: str) -> str:
        t = re.sub(r"(?<![\d.])(20\d\d)(?=\s*[年\-/])", lambda m: str(int(m.group(1)) - 1), t)
        t = re.sub(r"(?<![\d.])(\d{1,2})(\s*[日号](?!元))",
                   lambda m: f"{int(m.group(1)) % 27 + 1:0{len(m.group(1))}d}{m.group(2)}", t)
        t = re.sub(r"(?<![\d.])(\d{1,2})(\s*[:：时点]\s*\d{2})",
                   lambda m: f"{(int(m.group(1)) + 5) % 24:0{len(m.group(1))}d}{m.group(2)}", t)
        return re.sub(r"(?<=\d{4}-\d{2}-)(\d{2})(?!\d)", lambda m: f"{int(m.group(1)) % 27 + 1:02d}", t)

    shifted = _outside_urls(body, shift)
    return [Variant("time_shifted", shifted, r.get("sender"))] if shifted != body else []


_PLATFORM = re.compile(r"银行|支付|财付通|微信|云闪付|花呗|白条|月付|京东|美团|拼多多|淘宝|天猫|抖音|银联|公积金|零钱")


def counterparty_renamed(r: Mapping[str, Any]) -> list[Variant]:
    name = str(r.get("counterparty") or "")
    body = str(r["body"])
    if len(name) < 2 or name not in body or _PLATFORM.search(name) or re.search(r"\d", name):
        return []
    if "*" in name:
        other = ("王" if not name.startswith("王") else "赵") + "*" * name.count("*")
        if re.fullmatch(r"[\u4e00-\u9fff]\*+[\u4e00-\u9fff]?", name) and name[-1] != "*":
            other += "明"
    elif name.endswith("公司"):
        other = "杭州华联商贸有限公司" if "华联" not in name else "宁波远航贸易有限公司"
    elif re.fullmatch(r"[\u4e00-\u9fff]{2,3}", name):
        other = "周晓明" if name != "周晓明" else "吴建国"
    else:
        other = "华联超市" if "华联" not in name else "远航书店"
    return [Variant("counterparty_renamed", body.replace(name, other), r.get("sender"))]


_CURRENCY_BEFORE = re.compile(
    r"(人民币|RMB|CNY|[¥￥])(\s*[-+]?\s*)([\d０-９][\d０-９,，]*(?:[.．][\d０-９]+)?)(\s*元)?", re.IGNORECASE)


def yuan_toggled(r: Mapping[str, Any]) -> list[Variant]:
    body = str(r["body"])

    def toggle(m: re.Match[str]) -> str:
        following = body[m.end():m.end() + 1]
        if m.group(4):
            if following and following in "分角整":  # 2877.38元分6期: without 元, 2877.38分 is another unit
                return m.group(0)
            return m.group(1) + m.group(2) + m.group(3)
        if following and following in "元万千百":
            return m.group(0)
        return m.group(0) + "元"

    toggled = _CURRENCY_BEFORE.sub(toggle, body)
    return [Variant("yuan_toggled", toggled, r.get("sender"))] if toggled != body else []


@functools.cache
def _s2t() -> dict[int, str]:
    table: dict[int, str] = {}
    for line in S2T_PATH.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            s, t = line.split("\t")
            table[ord(s)] = t
    return table


def traditional(r: Mapping[str, Any]) -> list[Variant]:
    body, sender = str(r["body"]), r.get("sender")
    t = body.translate(_s2t())
    out = [Variant("traditional", t, sender.translate(_s2t()) if sender else sender)] if t != body else []
    tw = t.replace("賬", "帳")  # HK/TW banks write 帳戶, 轉帳
    if tw != t:
        out.append(Variant("traditional_tw", tw, sender.translate(_s2t()) if sender else sender))
    return out


UNKNOWN_VERB = "变动"  # a word that says money moved and not which way (账户变动), in no lexicon rank


def credit_verb_unknown(r: Mapping[str, Any], word: str = UNKNOWN_VERB) -> list[Variant]:
    """A credit read by its plain money-in words (收入, 转入, 代付, 工资…) with those words replaced by
    a verb the reader does not know: real banks word money in in ways no lexicon has seen, and such a
    notice must read as money in by its other words, or be shown for review - never as a debit
    because a channel word (快捷支付, 网上支付, 付款业务) or an advert's 消费 is left in the text."""
    body, sender = str(r["body"]), r.get("sender")
    n = notices.classify(body, sender or EVAL.NO_SENDER, EVAL._received(r), EVAL.SH)
    if str(n.direction or "") != "credit" or n.direction_basis not in ("strong", "weak"):
        return []
    rewritten = body
    for decided in sorted(set(n.direction_words), key=len, reverse=True):
        if not re.search(r"\d", decided):
            rewritten = rewritten.replace(decided, word)
    return [Variant("credit_verb_unknown", rewritten, sender, never_opposite=True)] if rewritten != body else []


TRANSFORMS: tuple[Callable[[Mapping[str, Any]], list[Variant]], ...] = (
    signature, width, spaces, advert, amount_scaled, tail_changed, time_shifted, counterparty_renamed,
    yuan_toggled, traditional, credit_verb_unknown)


def variants(r: Mapping[str, Any]) -> list[Variant]:
    out: list[Variant] = []
    for t in TRANSFORMS:
        out.extend(dataclasses.replace(v, family=t.__name__) for v in t(r))
    return out


# ---- the check ----------------------------------------------------------------------------------


_NO_MONEY_OTHER = ("other", "promo")
_MOVED = ("debit", "credit", "review")


def _proves_less(want: Reading, got: Reading) -> bool:
    """Without a signature or a known sender the reader may claim less, never other: a movement
    shown for review with the same amount, or a message that moved no money read as just 'other'."""
    if want.kind in _MOVED:
        return got.kind == "review" and got.direction is None and got.amount == want.amount
    return got.kind in ("other", want.kind) and got.direction is None


def check(r: Mapping[str, Any], only: str | None = None) -> list[tuple[Variant, Reading, Reading]]:
    """Every variant of `r` read differently from what the original's reading implies."""
    base = read(str(r["body"]), r.get("sender"), r)
    bad = []
    for v in variants(r):
        if only is not None and not v.transform.startswith(only):
            continue
        want = v.expect(base)
        got = read(v.body, v.sender, r)
        if v.transform.startswith("advert") and want.kind in _NO_MONEY_OTHER and got.kind in _NO_MONEY_OTHER:
            got = dataclasses.replace(got, kind=want.kind)  # an added advert may make it a promo
        if v.ignore:
            got = dataclasses.replace(got, **{f: getattr(want, f) for f in v.ignore})
        if v.unsigned and _proves_less(want, got):
            continue
        if v.never_opposite and got.direction in (want.direction, None):
            continue
        if got != want:
            bad.append((v, want, got))
    return bad


def corpus(with_shared: bool = True) -> list[dict[str, Any]]:
    """The dev split and (when present) the shared 76; never the test split."""
    records: list[dict[str, Any]] = list(EVAL.load_split("dev"))
    if with_shared:
        records += [r for r in EVAL.load_split("seed") if r.get("_file") == "shared"]
    return records


AUDIT = REPO / "tests" / "data" / "bank_sms_audit"


def audit_corpus() -> list[dict[str, Any]]:
    """The blind audit's constructed texts (id, sender, body; their labels are not needed here)."""
    records: list[dict[str, Any]] = []
    for path in sorted(AUDIT.glob("blind-*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                id_, sender, body = line.split("\t")[:3]
                records.append({"id": id_, "sender": sender, "body": body.replace("\\n", "\n"), "_file": "audit"})
    return records


def summary(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    per: dict[str, list[int]] = {}
    invariant = 0
    failures: list[tuple[Any, ...]] = []
    for r in records:
        bad = check(r)
        names = {v.transform for v in variants(r)}
        for name in names:
            per.setdefault(name, [0, 0])[1] += 1
        for name in {v.transform for v, _, _ in bad}:
            per[name][0] += 1
        invariant += not bad
        failures.extend((r, v, w, g) for v, w, g in bad)
    return {"messages": len(records), "invariant": invariant,
            "per_transform": {k: {"broken": v[0], "applied": v[1]} for k, v in sorted(per.items())},
            "_failures": failures}


def _diff(want: Reading, got: Reading) -> dict[str, list[str]]:
    return {f.name: [str(getattr(want, f.name)), str(getattr(got, f.name))]
            for f in dataclasses.fields(Reading) if getattr(want, f.name) != getattr(got, f.name)}


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--failures", action="store_true", help="list every variant read differently")
    parser.add_argument("--only", help="only the rewrites whose name starts so")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--audit", action="store_true", help="the blind audit's constructed texts instead")
    args = parser.parse_args(list(argv) if argv is not None else None)
    records = audit_corpus() if args.audit else corpus()
    result = summary(records)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if not k.startswith("_")}, ensure_ascii=False, indent=1))
        return 0
    if args.audit:
        print(f"{result['invariant']}/{result['messages']} constructed texts read the same under every rewrite")
    else:
        dev = sum(1 for r in records if r.get("_file") != "shared")
        dev_bad = {id(r) for r, *_ in result["_failures"] if r.get("_file") != "shared"}
        print(f"{result['invariant']}/{result['messages']} messages read the same under every rewrite "
              f"(dev: {dev - len(dev_bad)}/{dev}; shared: {result['invariant'] - dev + len(dev_bad)}/"
              f"{result['messages'] - dev})")
    for name, x in result["per_transform"].items():
        print(f"  {name:<22}{x['broken']:>4} broken of {x['applied']:>4} applied")
    if args.failures:
        for r, v, want, got in result["_failures"]:
            if args.only and not v.transform.startswith(args.only):
                continue
            print(f"  ! {r.get('id')} {v.transform}: {json.dumps(_diff(want, got), ensure_ascii=False)}\n"
                  f"      {v.body!r} (sender {v.sender})")
    return 0


if __name__ == "__main__":
    sys.exit(main())


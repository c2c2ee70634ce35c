"""Links in a message: where they go, whether the domain is official, and whether it is a lure.

A link is PHISHING only when its domain is not official (templates/banksms/official_domains.toml,
each entry with its source) AND it looks like a lure, for a reason that is recorded:
* `lookalike`: the brand of an official domain inside another domain (jd-refund.com,
  jdkefu-refund.cn, jd.com.xx.cn), or one character / a digit-for-letter away from it (1cbc.com);
* `lure_words`: refund / claim / customer-service / activate / unfreeze words in the message;
* `ip_host`: a bare IP address as the host;
* `shortener`: a public short-link service hiding the destination, in a message asking for an
  action (点击, 登录…) that did not come from a bank's or platform's own number;
* `spoofed`: the message signs as a bank from a number that is not that bank's.
Everything else is a plain link.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import re
import tomllib
from urllib.parse import urlsplit

from evidence import template, times
from evidence.banksms import lexicon

PATH = template.TEMPLATES_DIR / "banksms" / "official_domains.toml"

_TLDS = (
    "com|cn|net|org|cc|top|xyz|vip|info|wang|club|site|online|shop|ltd|link|live|pro|icu|fun|ren|"
    "biz|me|io|co|app|tech|store|asia|work|mobi|tv|ink|hk|tk|ml|ga|cf|gq|pw|win|bid|loan|red|kim|ms|gg|ly|"
    "nz|id|gd|nu|im|so"
)
URL = re.compile(
    # with a scheme: anything up to a space or a CJK character (the host may be an IDN)
    r"https?://[^\s/?#<>\"'，。；、！？）】」》]+[^\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*"
    r"|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*"
    r"|(?<![@A-Za-z0-9.\-_])(?:xn--[A-Za-z0-9-]+|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
    rf"\.(?:{_TLDS})(?:\.cn|\.hk)?(?![A-Za-z0-9-])"
    r"(?::\d{2,5})?(?:/[^\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*)?"
    r"|(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{2,5})?/[^\s<>\"'\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]*",
    re.IGNORECASE,
)
# A Latin host with its top-level domain, followed straight by Chinese text that no dot ends: the
# text is the sentence after the link, not an internationalised label of its host (中国银行.cn).
_LATIN_HOST_THEN_TEXT = re.compile(
    r"^(https?://[A-Za-z0-9\-.]*[A-Za-z0-9]\.[A-Za-z]{2,}(?::\d{2,5})?)(?=[\u4e00-\u9fff]+(?:[^.\u4e00-\u9fff]|$))")
# Chinese punctuation ends a link; NFKC would turn `，` into a comma that URLs may contain.
_CJK_PUNCT = re.compile(r"[，。；、！？：（）【】「」《》“”‘’…\u3000]")
_SECOND_LEVEL = {"com", "net", "org", "gov", "edu", "ac", "co"}  # com.cn, com.hk, co.uk…
_LURE_WORDS = re.compile(
    r"退款|退货|退费|理赔|赔付|赔偿|补偿|客服|激活|解冻|冻结|解除|注销|认证|升级|过期|失效|异常|"
    r"核实|违规|风险|降额|提额|领取|中奖|兑换|返现|退税|refund|kefu|tuikuan|service|verify|"
    r"account|secure|unlock|login", re.IGNORECASE)
_LURE_TOKENS = ("refund", "tuikuan", "tk", "kefu", "kf", "service", "help", "pay", "zf", "mb", "vip",
                "safe", "secure", "verify", "login", "bank", "card", "cs", "app", "online", "web", "m")
# Phishing scripts no bank uses with a link: a bank's own number (which a 伪基站 can fake) sending
# one of these beside a link that is not the bank's own domain is still a lure.
# A refund or compensation the notice reports as already posted (退款人民币23,516.00元已入账): the bank's
# report of a movement, not an offer to click for one; a lure offering money says 领取 / 办理 / 申请.
_POSTED = re.compile(r"(?:退款|退货|退费|理赔|赔付|返现)(?:[^,;!?。\n]|(?<=\d),(?=\d{3})){0,28}?"
                     r"(?:已入账|已到账|已存入|已退回|已退还|入账成功)")
# a service number right after a word (客服95588, 客服热线4008205555, 达美客服热线400-120-2364,
# 新航客服010-65052233): the word names the line, not
# a lure; a sum after it (兑换249.2元现金) is what the lure offers
_HOTLINE_AFTER = re.compile(r"(?:热线|电话)?[:：]?(?:\d{5,}|\d{3,4}(?:-\d{2,8}){1,3})(?![\d.,]*\s*元)")
_SENTENCE = re.compile(r"[^。;!?\n]*")
_UNSUBSCRIBE = re.compile(r"回复?\s*[A-Za-z#]{1,6}\s*退订|退订回复?\s*[A-Za-z#]{1,6}|回复?\s*TD")
_STRONG_LURE = re.compile(r"兑换|密码器|失效|过期|升级|冻结|解冻|注销|理赔|退款|认证|异常|违规")
_ACTION = re.compile(r"点击|点开|戳|登录|登陆|访问|打开|进入|填写|查看|领取|办理|确认|激活|申请|提交|输入|回复")
_HOMOGLYPHS = (str.maketrans("013457", "oieast"), str.maketrans("013457", "olease"))


@dataclasses.dataclass(frozen=True)
class Official:
    domains: frozenset[str]
    brands: frozenset[str]
    shorteners: frozenset[str]


@functools.cache
def official_list() -> Official:
    with PATH.open("rb") as f:
        data = tomllib.load(f)
    domains = frozenset(e["name"].lower() for e in data["domain"])
    brands = frozenset(e["brand"].lower() for e in data["domain"] if e.get("brand"))
    return Official(domains, brands, frozenset(data["shorteners"]["names"]))


def find(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """URLs (as written, after NFKC) and their lower-case host names, in order of appearance."""
    urls: list[str] = []
    domains: list[str] = []
    for m in URL.finditer(times.normalize_text(_CJK_PUNCT.sub(" ", text or ""))):
        url = m.group(0).rstrip(".,;:!?)]}'\"")
        latin = _LATIN_HOST_THEN_TEXT.match(url)
        if latin:  # http://www.cmbchina.com下载安装专业版软件: the text after a link is not its host
            url = latin.group(1)
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
    return any(d == o or d.endswith("." + o) for o in official_list().domains)


def registrable(domain: str) -> str:
    """`a.b.jd-refund.com.cn` -> `jd-refund.com.cn` (a small public-suffix rule, enough here)."""
    labels = domain.lower().rstrip(".").split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, small strings only."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def lookalike(domain: str) -> str | None:
    """The brand a non-official domain imitates, or None."""
    brands = official_list().brands
    host = domain.lower()
    labels = host.split(".")
    name = registrable(host).split(".")[0]
    for label in labels[:-1]:
        for token in re.split(r"[-_]", label):
            if token in brands:
                return token  # jd-refund.com, jd.com.xx.cn, icbc-mb.com
            for brand in brands:
                rest = token[len(brand):]
                if token.startswith(brand) and (rest.isdigit() or rest in _LURE_TOKENS
                                                or any(rest.startswith(w) for w in _LURE_TOKENS if len(w) > 2)):
                    return brand  # jdkefu, icbc95588
                if len(brand) >= 4 and brand in token:
                    return brand  # myalipay-verify, ddicbc
    for brand in brands:
        if any(name.translate(t) == brand for t in _HOMOGLYPHS) and name != brand:
            return brand  # 1cbc, taoba0
        if len(brand) >= 5 and _distance(name, brand) == 1:
            return brand  # a1ipay, tmal1
    return None


@dataclasses.dataclass(frozen=True)
class Verdict:
    domain: str
    reason: str  # "" = a plain link


NEAR = 40  # characters either side of a link in which lure words count


def _asks_to_act(text: str, domain: str) -> bool:
    """The link's own sentence asks the reader to do something (点击, 登录, 领取…): an unsubscribe
    line (回复TD退订) or an action in another sentence is not what the link is for."""
    at = text.lower().find(domain)
    if at < 0:
        return bool(_ACTION.search(_UNSUBSCRIBE.sub(" ", text)))
    start = max(text.rfind(c, 0, at) for c in "。;!?\n") + 1
    sentence = _SENTENCE.match(text, at)
    end = sentence.end() if sentence else len(text)
    return bool(_ACTION.search(_UNSUBSCRIBE.sub(" ", text[start:end])))


def _near(text: str, domain: str) -> str:
    at = text.lower().find(domain)
    if at < 0:
        return text
    return text[max(0, at - NEAR): at + len(domain) + NEAR]


def _names_itself(domain: str, text: str) -> bool:
    """The message names the domain's owner as a word of its own, outside the link: `8583 is your
    Venmo phone verification code. Enter it at venmo.com` - the service's own site."""
    name = registrable(domain).split(".")[0]
    if len(name) < 3 or not name.isalnum():
        return False
    outside = re.sub(r"\S*" + re.escape(name) + r"\.[^\s]*", " ", text, flags=re.IGNORECASE)
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", outside, re.IGNORECASE) is not None


_SIGNATURE = re.compile(r"【([^【】]{1,24})】|\[([^\[\]]{1,24})\]")


def _signs_as(domain: str, text: str) -> bool:
    """The message's signature carries the domain's name (【D1优尚】 … 登陆qq.d1.cn领取): the sender's
    own site. Only a name of its own counts, never a shortener's; a look-alike of a listed brand is
    judged before this and stays one."""
    name = registrable(domain).split(".")[0].lower()
    if len(name) < 2 or shortener(domain):
        return False
    for m in _SIGNATURE.finditer(text):
        if name in (t.lower() for t in re.findall(r"[A-Za-z0-9]+", re.sub(r"\s+", "", m.group(1) or m.group(2)))):
            return True
    return False


def shortener(domain: str) -> bool:
    """A public URL shortener (t.cn, dwz.cn…): its destination is hidden, its owner is no one's."""
    return registrable(domain) in official_list().shorteners


def judge(domains: tuple[str, ...], text: str, *, trusted_sender: bool, spoofed: bool,
          code_message: bool = False) -> tuple[Verdict, ...]:
    """A verdict per domain: why it is a lure, or "" when it is a plain link.

    `trusted_sender`: the message came from a bank's or platform's own number and signs as
    that institution: its everyday wording (客服, 领取…) and its short links are its own; a
    look-alike domain, a bare IP or a phishing script (积分兑换, 密码器失效…) still counts (a 伪基站
    can fake the sender number).
    `code_message`: the message carries a verification code; a service sending its code names
    itself and its own site (Venmo … venmo.com): verify/account words beside that site are its
    own wording, as a trusted sender's are.
    """
    if not domains:
        return ()  # (most messages: nothing below is read for them)
    out: list[Verdict] = []
    # lure words read in Simplified (兌換 is 兑换)
    plain = _POSTED.sub(lambda m: " " * len(m.group(0)),
                        times.normalize_text(text or "").translate(lexicon.traditional()))
    norm = _CJK_PUNCT.sub(" ", plain)
    compact = re.sub(r"\s+", "", norm)  # (a space typed around a figure moves no word away from a link)
    for d in domains:
        acts = _asks_to_act(plain, d)
        reasons: list[str] = []
        if official(d):
            out.append(Verdict(d, ""))
            continue
        brand = lookalike(d)
        if brand:
            reasons.append(f"lookalike:{brand}")
        if _ip(d):
            reasons.append("ip_host")
        near = _near(compact, d)
        lures = sorted({m.group(0) for m in _LURE_WORDS.finditer(near)
                        if not _HOTLINE_AFTER.match(near, m.end())})  # 客服95588 is a hotline
        own_site = not brand and ((code_message and _names_itself(d, norm)) or _signs_as(d, plain))
        if not trusted_sender and not own_site and lures:
            reasons.append("lure_words:" + "/".join(lures))
        elif trusted_sender and (strong := [w for w in lures if _STRONG_LURE.fullmatch(w)]):
            reasons.append("lure_words:" + "/".join(strong))
        if shortener(d) and acts and not trusted_sender and not own_site:
            reasons.append("shortener")
        if spoofed:
            reasons.append("spoofed")
        out.append(Verdict(d, "; ".join(reasons)))
    return tuple(out)

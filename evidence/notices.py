"""Chinese bank notices, verification-code SMS and phishing links, read from message text.

Pure text in, facts out: no file access. Used by every message source (SB&R XML, CSV, iOS).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from decimal import Decimal
from urllib.parse import urlsplit

from evidence import times
from evidence.model import Direction, EventKind


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


_URL = re.compile(
    r"(?:https?://|www\.)[^\s，。；、）)】\]\"'<>]+"
    r"|(?<![@\w.])(?:[a-z0-9-]+\.)+(?:com|cn|net|cc|top|xyz|vip|info|org|wang|club|site|online|shop)"
    r"(?:\.cn)?(?:/[^\s，。；、）)】\]\"'<>]*)?",
    re.IGNORECASE,
)


def links(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """URLs (as written) and their lower-case host names."""
    urls: list[str] = []
    domains: list[str] = []
    for m in _URL.finditer(times.normalize_text(text)):
        url = m.group(0).rstrip(".,;:!?")
        host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
        if host and url not in urls:
            urls.append(url)
            if host.lower() not in domains:
                domains.append(host.lower())
    return tuple(urls), tuple(domains)


def classify(body: str, sender: str, received: dt.datetime | None, tz: dt.tzinfo) -> Notice:
    """What a message is. Placeholder until the bank parser lands: links only."""
    urls, domains = links(body)
    if urls:
        return Notice(EventKind.PHISHING, urls=urls, domains=domains)
    return Notice(EventKind.SMS)

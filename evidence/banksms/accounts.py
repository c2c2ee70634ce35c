"""Card and account tails: the holder's own, told apart from the other party's.

A tail is written many ways: `尾号1234`, `尾号为*1234`, `尾数0666`, `账户*4574*`, `账户0877`,
`信用卡4594`, `[尾号6864]`, `末四位1234`, `(尾号:6735)`. Whose it is comes from the words around
it: `对方账户尾号`, `收款卡尾号`, `转出方尾号`, `来自…尾号`, `付款方…`, and `向…尾号` or `至…尾号`
when the holder is the one paying, name the other party; `您尾号…`, `您的…账户`, `X向您尾号…` and
a tail with no role name the holder's own. The first own tail is the holder's.
"""

from __future__ import annotations

import re

TAIL = re.compile(
    r"(?:尾号|尾数|末四位|后四位|末4位|后4位)\s*(?:为|是|:)?\s*\*{0,6}\s*(?P<a>\d{3,4})(?!\d)"
    r"|(?:账户|账号|卡号|借记卡|信用卡|储蓄卡|银行卡|贷记卡|钱包|中信卡|龙卡|存款账户|理财卡|社保卡|工资卡)"
    r"\s*(?:为|:)?\s*(?:\*{1,6}|\d{4,12}\*{2,12})?(?P<b>\d{4})\*?(?![\d年月日号时:]|[.,]\d)"
    r"|(?<![\d*])\*{2,6}(?P<c>\d{4})(?![\d.,])"
)
# Words right before a tail that make it the other party's.
_OTHER_BEFORE = re.compile(
    r"(?:对方|转出方|转入方|收款方|付款方|收款人|付款人|汇款人|收款|付款|来自|转账给|汇款给|转给|汇给|付给)"
    r"[^,。;]{0,12}$"
    r"|(?:向|给|至|到)(?!您)[^,。;您]{0,14}$"
)
_OWN_BEFORE = re.compile(r"(?:您|你)(?:的)?[^,。;向给至到]{0,10}$|向您[^,。;]{0,6}$")


def tails(s: str) -> tuple[str | None, str | None]:
    """(own tail, the other party's tail): the first of each in the text."""
    own: str | None = None
    other: str | None = None
    for m in TAIL.finditer(s):
        digits = m.group("a") or m.group("b") or m.group("c")
        before = s[max(0, m.start() - 16): m.start()]
        if _OTHER_BEFORE.search(before) and not _OWN_BEFORE.search(before[-8:]):
            other = other or digits
        else:
            own = own or digits
    return own, other

"""Card and account tails: the holder's own, told apart from the other party's.

A tail is written many ways: `尾号1234`, `尾号为*1234`, `尾号14083`, `尾数0666`, `账户*4574*`, `账户0877`,
`账户623177000001****752`, `账户(21900468455)` (a full number: its last four),
`信用卡4594`, `[尾号6864]`, `末四位1234`, `(尾号:6735)`, `6212 **** **** 7432`, `您0059的信用卡`,
`储蓄卡(3721)`, `农业银行(3919)`, `贵卡1407`. Whose it is comes from the words around it:
* the other party's: `对方账户尾号`, `收款卡尾号`, `转出方尾号`, `来自…尾号`, `付款方…`, `他行账户尾号`; `向…尾号`,
  `至/到…尾号` and `给…尾号` when the holder is the subject (`您账户…向尾号1356的信用卡还款`); a
  tail that is the subject of `向您` (`何*账户0807向您尾号099账户…`);
* the holder's: `您尾号…`, `您的…账户`, `X向您尾号…`, `张*向尾号1349账户转入` (a third party is the
  subject, so the account it pays into is the holder's), and any tail with no role.
Not a tail at all: order numbers (`订单尾号1207`, `尾号6964的订单`).
The first own tail is the holder's. Where the only tail is named by a role (`付款账户尾号4321`),
`tails_with_role` says which, and the caller decides with the direction (notices._classify).
"""

from __future__ import annotations

import re

TAIL = re.compile(
    r"(?<!\d)\d{4}\s*(?:\*{3,6}\s*){1,3}(?P<m>\d{4})(?!\d)"  # 6212 **** **** 7432
    r"|(?<!\d)\d{4}\s*\d{1,4}\*{2,}[\s*]*(?P<n>\d{4})(?!\d)"  # 6228 48** **** 1234
    # a terse notice opening with the card: [建行]1126卡-236.00 余3,787.19, 【民生信用卡】*4019 04/22 消费
    r"|^\s*(?:\[[^\[\]]{1,8}\]\s*)?(?:(?P<s>\d{4})\s*卡|\*(?P<u>\d{4})(?![\d.,]))"
    # 尾号 says the digits are the tail, however many the bank prints (3 to 6: 江苏银行 尾号14083)
    r"|(?:尾号|尾数|末四位(?:数字|数)?|后四位|末4位|后4位|末位号|後四码|后四码|末四码|末4码|末五码|末五位)\s*(?:为|是|:)?\s*[(（]?\s*"
    r"\*{0,6}\s*(?P<a>\d{3,6})(?!\d)"
    # a masked account number ending in 3 or 4 digits: 账户623177000001****752, 账户181****4727 (an
    # Alipay account by its login number)
    r"|(?:账户|账号|卡号)\s*(?:为|:)?\s*\d{1,12}\s*\*{2,12}\s*(?P<h>\d{3,4})(?![\d*])"
    # an account number written in full, in brackets or after its noun: 住房公积金账户(21900468455)
    # (账号 alone is as often an app's login id: 您的账号90649567129 is no money account's number)
    r"|(?:账户|卡号)\s*(?:为|:)?\s*[(（]?\s*\d{4,15}(?P<g>\d{4})\s*[)）]?(?![\d.,年月日号时:*])"
    r"|(?:账户|账号|卡号|借记卡|信用卡|储蓄卡|银行卡|贷记卡|附属卡|主卡|副卡|钱包|中信卡|龙卡|存款账户|理财卡|社保卡|工资卡|一卡通"
    # a bank's own card names: 您的中银卡3218, 牡丹卡, 金穗卡, 广发卡
    r"|中银卡|工行卡|建行卡|农行卡|交行卡|招行卡|浦发卡|兴业卡|光大卡|华夏卡|民生卡|平安卡|邮储卡|广发卡|牡丹卡|金穗卡|"
    r"长城卡|太平洋卡|灵通卡"
    # the bank addressing the holder politely: 贵卡1407于…发生ATM取款交易 (贵 = your)
    r"|贵卡|贵户|您的卡|你的卡)"
    r"\s*(?:为|:)?\s*[(（]?\s*(?:\*{1,6}\s*|\d{4,12}\s*\*{1,12}\s*)?(?P<b>\d{4})\s*\*?[)）]?"
    r"(?![\d年月日号:*]|时(?!间)|[.,]\d|\s*\*{3}|\s*\d{1,4}\*{2})"  # (借记卡4588时间:…)
    r"|(?:银行|卡|农信|农商|农金|信用社|零钱通)\s*[(（]\s*(?P<p>\d{4})\s*[)）]"  # 农业银行(3919), 储蓄卡(3721)
    r"|[(（][\u4e00-\u9fff]{2,12}(?:银行|卡|农信|农商)\s*(?P<r>\d{4})\s*[)）]"  # 退回支付卡(建设银行8254)
    # a transaction type with the account's digits in brackets: 转入(9820)-补贴, 消费（尾号7368）
    r"|(?:转入|转出|收入|支出|存入|消费|入账|支付|取出|汇入|汇出)\s*[(（]\s*(?P<q>\d{4})\s*[)）]"
    r"|您(?:的)?\s*(?P<y>\d{4})\s*的(?=[^,。;]{0,6}(?:卡|账户))"  # 您0059的信用卡
    # 您的1259个人账户, 您的6217借记卡, 您1234账户: the digits stand before the account's noun
    r"|您(?:的)?\s*(?P<z>\d{4})\s*(?=(?:个人|单位|对公|活期|定期|结算|储蓄|借记|信用|贷记|银行|社保|工资)?(?:账户|账号|卡))"
    r"|(?<![\d*])\*{2,6}(?P<c>\d{4})(?![\d.]|,\d)"
    # a card by any name, or an account, with its star-masked tail: 福万通卡*8120, 账户:*0587时间:… (the
    # star makes it a tail whatever follows)
    r"|(?:卡|账户|账号|卡号)\s*(?:为|:)?\s*\*{1,6}(?P<x>\d{4})(?![\d.,*])"
    # English: card ending (in) 1234, a/c XX1234, account no. ****1234
    r"|(?i:\bending(?:\s+(?:in|with))?\s*:?\s*)(?P<e>\d{3,4})\b"
    r"|(?i:\b(?:a/c|acct|account|card)\s*(?:no\.?\s*)?(?:x{2,}|\*[*\-x]*))\s?(?P<f>\d{3,4})\b"  # a/c ***-***-*2286
    r"|(?i:\byour\s+account\s+)(?P<v>\d{4})\b"  # CMB: Your account 8806 has been debited
    r"|(?:账户|账号|卡号)\s*[:：]?\s*(?:\*{3,4}\s*){1,3}(?P<w>\d{4})(?!\d)"  # 账户：**** **** 6120
    r"|(?i:\bcard\s*[(（])\s*(?P<k>\d{4})\s*[)）]"  # Debit Card(6122)
)
# Words right before a tail that make it the other party's.
_OTHER_BEFORE = re.compile(
    r"(?:对方|转出方|转入方|收款方|付款方(?!式)|(?<![支付])付方|收方|收款人|付款人|汇款人|收款|付款(?!方式)|来自|转账给|"
    r"汇款给|转给|汇给|付给|"
    r"(?<!您)(?<!您的)他行(?=账户|账号|卡))"
    r"[^,。;\n]{0,12}\Z"  # a card's line is a field of its own: 交易类型:收款（转账）\n交易卡号:*1234
)
_TO_BEFORE = re.compile(r"(?:向|给|至|到)(?!您)[^,。;您\n]{0,14}\Z")
# A label naming the account the card is about: （个人账户：尾号2754）, 交易卡号:*4720, 交易账号:借记卡（6510）
_OWN_LABEL = re.compile(r"(?:个人|本人|交易)(?:账户|账号|卡号)\s*[:：]\s*(?:[\u4e00-\u9fff]{0,3}卡)?\s*[(（]?\s*"
                        r"(?:尾号)?\s*\**\Z")
_OWN_BEFORE = re.compile(r"(?:您|你)(?:的)?[^,。;向给至到]{0,10}\Z|向您[^,。;]{0,6}\Z")
_THIRD_PARTY_SUBJECT = re.compile(
    r"(?:[\u4e00-\u9fff]{1,3}\*{1,3}|公司|[\u4e00-\u9fff]{2,4}(?<!您))\s*(?:于[^,。;向]{0,20})?向\Z")
# 何*账户0807向您…: the account's digits are the subject of 向您 when only its noun, a date or a
# time stands between them, or its owner's name with the holder's account named after 向您
# (账户*1234*张*向您转账: 张* is the subject, the tail the holder's)
_SUBJECT_OF_TO_YOU = re.compile(r"^[\s*)）\]]*(?:的)?(?:[\u4e00-\u9fff]{0,4}?(?:账户|账号|卡))?\s*(?:于)?"
                                r"[\d年月日时分:\s]{0,16}向您"
                                # or its owner's name between, when the holder's account is named after
                                # 向您 (尾号5678的李*向您尾号1234卡, 账户5678(李*)向您账户*1234*)
                                r"|^[^,。;]{0,10}?向您(?=[^,。;]{0,4}(?:尾号|账户|账号|卡))")
_PAY_INTO_BEFORE = re.compile(r"(?:转入|转至|转到|汇入|汇至|转账至|转账到)[^,。;]{0,6}\Z")
# (a biller's 户号, a policy's or a claim's number, a POS terminal's: none is the holder's account)
_NOT_ACCOUNT_BEFORE = re.compile(r"(?:订单|单号|运单|快递|车牌|手机|电话|号码|借据|合同|流水|凭证|户号|缴费号|保单|终端"
                                 r"|案件号?)[^,。;]{0,4}\Z")
_NOUN_FIRST = re.compile(r"(?:账户|账号|卡号)")
_NOT_ACCOUNT_AFTER = re.compile(r"^\s*(?:的)?(?:订单|运单|快递|包裹)")
# (a card's line is a field of its own: 付款人 *华\n收款卡 农业银行(5509) names the payee's card)
_PAYER_ROLE = re.compile(
    r"(?:付款|转出|汇款)(?:方(?!式)|人|账户|账号|卡号|卡)[^,。;\n]{0,12}\Z|付款方式[^,。;\n]{0,12}\Z")
_PAYEE_ROLE = re.compile(r"(?:收款|转入|到账)(?:方|人|账户|账号|卡号|卡|银行卡|银行)[^,。;\n]{0,12}\Z")


def tails(s: str) -> tuple[str | None, str | None]:
    """(own tail, the other party's tail): the first of each in the text."""
    own, other, _role = tails_with_role(s)
    return own, other


def role_tails(s: str) -> dict[str, str]:
    """The first tail named by each role ("payer", "payee", "to"): a payment card may name both
    sides (付款方 刘*（6217****1023） / 收款卡 中国银行(6092)), and the holder is the one the direction
    says (the payee of money in, the payer of money out)."""
    out: dict[str, str] = {}
    for digits, kind in _classified(s):
        if kind in ("payer", "payee", "to"):
            out.setdefault(kind, digits)
    return out


def tails_with_role(s: str) -> tuple[str | None, str | None, str]:
    """As `tails`, plus the role the other party's tail was named by: "payer", "payee", "to" or "".

    `付款账户尾号1234` is the other party's when the holder receives, but the holder's own when
    the holder pays; `已到…尾号3919银行卡` is the holder's when money comes in. The caller, knowing
    the direction, may take such a tail as the own one.
    """
    own: str | None = None
    mine: str | None = None
    other: str | None = None
    role = ""
    for digits, kind in _classified(s):
        if kind == "mine":
            mine = mine or digits
        elif kind:
            if other is None:
                other, role = digits, kind if kind in ("payer", "payee", "to") else ""
        else:
            own = own or digits
    # (对方户名：李秀英，账号尾号：8831，您尾号240账户汇兑来账: the tail the text calls the holder's
    # outranks one named with no role)
    return mine or own, other, role


def _classified(s: str) -> list[tuple[str, str]]:
    """Every tail in `s` with its kind: "" (the holder's), "mine" (the holder's, said so: 您尾号…), "payer",
    "payee", "to", "subject", "role"."""
    out: list[tuple[str, str]] = []
    own: str | None = None
    for m in TAIL.finditer(s):
        group = next(i for i, g in enumerate(m.groups(), 1) if g)
        digits = m.group(group)
        before = s[max(0, m.start() - 16): m.start()]
        after = s[m.end(): m.end() + 12]
        if _NOT_ACCOUNT_BEFORE.search(before) or _NOT_ACCOUNT_AFTER.match(after):
            continue
        if _NOUN_FIRST.match(s, m.start(), m.start(group)):
            # 付款账号:6217****8810 - the match begins with the account's noun, which finishes its role's
            # label: the role is read up to the digits
            before = s[max(0, m.start() - 16): m.start(group)]
        kind = ""
        if own is not None and _PAY_INTO_BEFORE.search(before):
            kind = "to"  # 您尾号1234账户转入尾号5678账户: the holder pays into another account
        elif _SUBJECT_OF_TO_YOU.match(s[m.end(): m.end() + 30]) and not _OWN_BEFORE.search(before[-8:]):
            # (您尾号0927的储蓄卡…向您发放工资: the card the text calls the holder's is not the payer)
            kind = "subject"  # 何*账户0807向您…: the payer's account
        elif _OWN_LABEL.search(before):
            kind = ""
        elif _OTHER_BEFORE.search(before) and not _OWN_BEFORE.search(before[-8:]):
            kind = "payer" if _PAYER_ROLE.search(before) else ("payee" if _PAYEE_ROLE.search(before) else "role")
        elif _TO_BEFORE.search(before) and not _OWN_BEFORE.search(before[-8:]):
            to = _TO_BEFORE.search(before)
            assert to is not None
            subject = before[: to.start() + 1]
            # 张*向尾号1349账户转入: a third party pays, so the account it pays into is the holder's
            third_party = own is None and _THIRD_PARTY_SUBJECT.search(subject) and "您" not in subject
            kind = "" if third_party else "to"
        if not kind and _OWN_BEFORE.search(before[-8:]):
            kind = "mine"
        out.append((digits, kind))
        if kind in ("", "mine"):
            own = own or digits
    return out

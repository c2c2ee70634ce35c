"""Which way the money in a bank notice went, by the lexicon's precedence (lexicon.toml header).

`decide(s, money)` looks at widening windows of text around the amount — its own clause, its
sentence, the whole message; each first with bracketed text blanked out (brackets name the
channel: `支出(消费支付宝-…)`) — and at each window walks the ranks return → voice → strong → weak.
The first rank that has any hit decides if all its hits agree; if they disagree the notice is
undecided and says why. Nothing found anywhere = no direction word (the caller decides whether
that makes the message a non-transaction or one to review). A debit decided in the amount's own
clause whose sentence says it was undone or sent back (交易状态：已撤销, 对方行退回) is undecided:
the money may be back, so it is shown for review, never counted.
"""

from __future__ import annotations

import dataclasses
import re

from evidence.banksms import lexicon
from evidence.banksms.money import CURRENCY_AFTER, Money

IN, OUT = "in", "out"
_SENTENCE_END = "。!?;；！？\n"
_CLAUSE_END = _SENTENCE_END + ",，:："
# brackets and quotation marks: a name quoted (向商户“京东客服退款中心”付款) holds words that are no verb
BRACKETS = re.compile(r"\([^()]*(?:\([^()]*\)[^()]*)*\)|\[[^\[\]]*\]|（[^（）]*）|【[^【】]*】"
                      r"|“[^“”]{1,30}”|\"[^\"]{1,30}\"|「[^「」]{1,30}」")
_PAYS_SOMEONE = re.compile(r"向(?!您)[^,。;]{0,20}还款")
_REPAYMENT = re.compile(r"还款|已还|还本息|偿还|归还")  # a debt repaid: into a debt account, out of any other
# 付款 made TO a credit product (您对2个京东白条已成功付款3506元) repays it, as 还款 does; 付款 made WITH
# one (使用花呗付款39.90元) is a purchase on it
# 微信零钱提现, 财付通提现: a platform paying out to the card, whichever card it is (never counted as a loss
# when wrong: money in)
_FROM_WALLET = re.compile(r"(?:微信|零钱|财付通|支付宝|红包|余额宝|钱包|理财通|小金库)\s*$")
_PAID_TOWARDS = re.compile(r"(?:对|为|向)[^,。;]{0,8}?(?:白条|花呗|借呗|月付|金条|微粒贷)[^,。;]{0,8}$")
# money from the holder's own wallet to the holder's own card or balance (余额宝转出到银行卡, 零钱通转出至
# 指定账户, 余额宝转出到余额): like 提现, money INTO the card or balance, whatever 转出 the line says
# (a bank's own wallet products too: 招商银行 朝朝宝, and any X宝 of a bank or a platform)
_WALLETS = (r"(?:零钱通?|余额宝|余利宝|钱包余额|小金库|理财通|零钱宝|活期宝|余额理财|朝朝宝|朝朝盈|小荷包"
            r"|(?<!支付)[\u4e00-\u9fff]{1,2}宝)")
_WALLET_TO_CARD = re.compile(
    rf"(?:从|由)?{_WALLETS}[^,。;\n]{{0,4}}(?:转出|提现)(?:[^,。;\n]|(?<=\d),(?=\d)){{0,16}}(?:至|到)"
    r"[^,。;\n]{0,16}(?:账户|银行卡|卡|余额(?!宝))"
    # an app's card: 小金库转出到账 / 转出金额 10,000.00元 / 到账银行卡 建设银行(2281)
    rf"|{_WALLETS}[^,。;\n]{{0,4}}(?:转出|提现)[\s\S]{{0,80}}?到账(?:银行卡?|账户|卡)"
    # a wallet's own card: 小荷包“家庭备用金” / 你已成功转出¥1,000.00至账户余额
    rf"|^[^\n]{{0,4}}{_WALLETS}[^\n]{{0,12}}\n[^\n]{{0,8}}(?:转出|提现)(?:[^,。;\n]|(?<=\d),(?=\d)){{0,16}}?(?:至|到)"
    r"(?:账户|支付宝|零钱)?余额(?!宝)")
# A top-up completed on the holder's wallet or platform account, in that account's own notice (您的
# 账号…完成3000元充值, 零钱充值成功): money INTO it. In a bank card's notice (a 卡 named) a top-up is
# what the card paid for elsewhere, read by the card's own words (支出, 消费).
# (完成代扣(中国移动话费自动充值): a top-up the account paid for by direct debit, not one it received)
_TOPPED_UP = re.compile(r"(?:账号|账户|钱包|零钱|余额)[^,。;\n]{0,30}?(?:完成|成功)"
                        r"(?![^,。;\n]{0,6}(?:代扣|扣款|支付|缴费))[^,。;\n]{0,12}?充值"
                        r"|充值(?:成功|已到账|到账)"
                        # an electronic (II类) account topped up from its bound card: 从绑定账户充值
                        r"|(?:从|由)(?:绑定|关联)[^,。;\n]{0,10}?(?:账户|卡)[^,。;\n]{0,16}?充值")
_CARD = re.compile(r"(?:银行|储蓄|借记|信用|贷记)卡|尾号\s*\d{3,6}\s*(?:的)?\s*[\u4e00-\u9fff]{0,4}卡|卡\s*尾号|卡号|"
                   r"一卡通")

# 龙卡信用卡…从约定账户成功扣款: the card is repaid FROM another account, money into the card; so is
# a credit account's own repayment deduction (预约还款未足额扣款, 自动还款扣款成功): what is deducted
# comes from the linked deposit account, the repayment goes INTO the card
_FROM_OTHER_ACCOUNT = re.compile(
    r"从[^,。;]{0,14}?(?:账户|借记卡|储蓄卡|卡)[^,。;]{0,10}?(?:扣款|扣收|划扣|转入|还款|扣缴)"
    r"|还款[^,。;\n]{0,8}?(?:扣款|扣收|划扣|扣缴)|(?:扣款|扣收|划扣|扣缴)[^,。;\n]{0,4}?还款"
    # a card's notice naming the account it was repaid from (扣款账户尾号6620)
    r"|(?:扣款|还款)(?:账户|账号|卡|来源|渠道|方式)\s*(?:尾号)?\s*[:：]?\s*(?:\*?\d{4}|余额宝|余额|零钱|[\u4e00-\u9fff]{0,6}卡)")

# a credit card's notice that its linked deposit account was debited (关联活期账户余额不足，未足额扣款;
# 已从您的约定还款账户扣款) anywhere in it: what was taken went INTO the card, a repayment
_LINKED_ACCOUNT_TAKEN = re.compile(r"(?:关联|约定|绑定|指定)[^,。;\n]{0,8}?(?:账户|借记卡|储蓄卡|卡)[^。;\n]{0,20}?"
                                   r"(?:扣款|扣收|划扣|扣缴)")


# 冲正/撤销/冲销 undo the movement they name: 消费冲正, 快捷支付撤销, 取款冲正 give money back (in);
# 存款冲正, 代发工资冲正, 银联入账冲正 take back money that had come in (out). A reversal naming no
# movement (转账冲正: a transfer either way) follows the bank's own bookkeeping word in its clause
# (冲正支出, 冲正收入), else it credits back (the return rank).
_REVERSAL = re.compile(r"冲正|撤销|冲销|冲回|冲账")
_REVERSES_IN = re.compile(r"(?:存款|存入|转入|收入|入账|汇入|来账|代发|工资|代付|提现|退款|退货|结息|利息|"
                          r"汇款入账)\s*$")
_REVERSES_OUT = re.compile(r"(?:消费|支出|支取|取款|取现|转出|汇出|扣款|扣费|代扣|快捷支付|网上支付|支付|付款|缴费|"
                           r"预授权完成|刷卡)\s*$")
_BOOKKEEPING = re.compile(r"收入|存入|入账|支出|支取")
# (the kind undone, not the reversal's own bookkeeping: 冲正入账, 冲正收入 and 冲正支出 post the reversal)
_UNDONE_AFTER = re.compile(r"(?:代发|工资|代付|消费|取款|取现|扣款|扣费|代扣|快捷支付|网上支付|支付|付款|缴费)")
_UNDONE_FIGURE = re.compile(r"(?:人民币|RMB|¥)?\s*-?[\d,]+(?:\.\d+)?\s*元?\s*(?:的)?(?:交易|业务)?"
                            r"\s*(?:已被|已经|已|被)?\s*[(（]?\s*$")  # (存入人民币-2,000.00元（冲销）)


def _reversal(part: str) -> Decision | None:
    """The direction of a reversal in `part` (a window of the masked text), if one is there."""
    found = list(_REVERSAL.finditer(part))
    if not found:
        return None
    for m in found:
        # the movement undone may stand before its figure: 支出260.00元交易已撤销 is 支出撤销
        told = part[max(0, m.start() - 30): m.start()]
        before = _UNDONE_FIGURE.sub("", told)[-8:]
        if _REVERSES_IN.search(before):
            if m.group(0) == "撤销" and before != told[-8:] and re.search(r"交易|业务", told[-12:]):
                # 转入人民币300.00元的交易已撤销: a credit told as cancelled - taken back after it posted,
                # or before: shown for review, never a guessed debit (冲正, the bank's correction, posts
                # the debit: 存入80.00元交易已冲正 is money out)
                return Decision(None, "conflict", (before.strip() + m.group(0),))
            return Decision(OUT, "reversal", (before.strip() + m.group(0),))
        if _REVERSES_OUT.search(before):
            return Decision(IN, "reversal", (before.strip() + m.group(0),))
        # or after it: 撤销代付交易 takes back a payment received, 撤销消费 gives one back
        after = part[m.end(): m.end() + 8]
        if (named := _UNDONE_AFTER.match(after)) is not None:
            undone = named.group(0)
            way = OUT if undone in ("代发", "工资", "代付") else IN
            return Decision(way, "reversal", (m.group(0) + undone,))
    books = {OUT if w.startswith("支") else IN for w in _BOOKKEEPING.findall(part)}
    if len(books) == 1:
        return Decision(books.pop(), "reversal", (found[0].group(0),))
    return None


@dataclasses.dataclass(frozen=True)
class Decision:
    direction: str | None  # IN, OUT or None
    basis: str  # sign, voice, return, party, strong, weak, credit_card, own_transfer, fee, none, conflict
    words: tuple[str, ...] = ()  # the words that decided (or clashed)


# 附言：跨行转出 / 备注：收款人民币500.00元: a remark is the payer's free text, written from the payer's
# side or about anything; a bank's own summary (摘要：转账) is the bank's word and stays
_REMARK = re.compile(r"(?:(?<=附言)|(?<=留言)|(?<=备注)|(?<=备注信息))\s*[:：][^，,。;；\n]*")


def in_remark(s: str, at: int) -> bool:
    """Whether position `at` of `s` stands in a remark's text (附言：…, 备注：…): the payer's words."""
    return any(m.start() <= at <= m.end() for m in _REMARK.finditer(s))


# 商户：财付通-退款服务 / 商户名称：XX退款中心: a merchant's name, whatever words it holds; so is the
# other party's name after its label (收款方：京东退款中心, 对方户名：深圳市鑫诚退款中心服务有限公司)
_MERCHANT_NAME = re.compile(r"(?<=商户)(?:名称)?\s*[:：][^，,。;；\n)）\]】]*")
_PARTY_NAME = re.compile(r"(?:(?<=收款方)|(?<=付款方)|(?<=收款人)|(?<=付款人)|(?<=转出方)|(?<=转入方)|(?<=交易对方)"
                         r"|(?<=对方户名)|(?<=对方名称)|(?<=收款户名)|(?<=付款户名)|(?<=收款单位)|(?<=付款单位)"
                         r"|(?<=对方)|(?<=交易对手)|(?<=对手方))(?:名称|户名|姓名)?\s*[:：][^，,。;；\n]*")


def mask_roles(s: str) -> str:
    """收款人/付款方/对方户名… blanked (same length, positions kept): labels, not verbs; and the
    text of a remark (附言：…, 备注：…) and a merchant's name (商户：…)."""
    s = _REMARK.sub(lambda m: "_" * len(m.group(0)), s)
    s = _MERCHANT_NAME.sub(lambda m: "_" * len(m.group(0)), s)
    s = _PARTY_NAME.sub(lambda m: "_" * len(m.group(0)), s)
    return lexicon.get().roles.sub(lambda m: "_" * len(m.group(0)), s)


def _time_colon(s: str, i: int) -> bool:
    """Whether s[i] is the colon of a time (10:44): it ends no clause."""
    return s[i] == ":" and 0 < i < len(s) - 1 and s[i - 1].isdigit() and s[i + 1].isdigit()


def _window(s: str, start: int, end: int, stops: str) -> tuple[int, int]:
    plain = stops.replace(":", "")
    left = max((s.rfind(c, 0, start) for c in plain), default=-1)
    rights = [i for i in (s.find(c, end) for c in plain) if i >= 0]
    right = min(rights) if rights else len(s)
    if ":" in stops:  # a colon ends a clause, unless it is a time's
        i = s.rfind(":", 0, start)
        while i > left and _time_colon(s, i):
            i = s.rfind(":", 0, i)
        left = max(left, i)
        j = s.find(":", end)
        while 0 <= j < right and _time_colon(s, j):
            j = s.find(":", j + 1)
        right = j if 0 <= j < right else right
    return left + 1, right


def blank_brackets(text: str) -> str:
    return BRACKETS.sub(lambda m: " " * len(m.group(0)), text)


def hits(text: str, rank: str) -> list[tuple[int, str, str]]:
    """Phrases of one rank in `text` (position, direction, words)."""
    return _hits(text, rank)


def _hits(text: str, rank: str) -> list[tuple[int, str, str]]:
    """Phrases of one rank in `text`, except those inside a longer name (支付 in 支付宝)."""
    names = [m.span() for p in lexicon.get().phrases if p.rank == lexicon.NAME for m in p.pattern.finditer(text)]
    out: list[tuple[int, str, str]] = []
    for p in lexicon.get().phrases:
        if p.rank != rank:
            continue
        for m in p.pattern.finditer(text):
            a, b = m.span()
            if any(a < nb and na < b and not (a <= na and nb <= b) for na, nb in names):
                continue  # overlaps a name without containing it
            out.append((a, p.direction, m.group(0)))
    return out


_CLAUSE = re.compile(r"[^。!?;；！？\n,，:：>]+")
_SENTENCE = re.compile(r"[^。!?;；！？\n]+")
_FIELD = re.compile(r"\s*[\u4e00-\u9fff]{2,6}\s*[:：]")  # 交易类型：支出


def _quiet(text: str, start: int, end: int) -> str:
    """`text` as the whole message votes on a direction (positions kept): every boilerplate clause
    (an advert, 退订, 存款保险…) blanked, and every sentence after the amount's that holds no
    figure and is no field (a card's lines, `交易类型：支出`) - a closing remark or an advert."""
    pattern = lexicon.get().boilerplate

    def blank(m: re.Match[str]) -> str:
        holds_amount = m.start() <= start < m.end() or m.start() < end <= m.end()
        return m.group(0) if holds_amount or not pattern.search(m.group(0)) else " " * len(m.group(0))

    def remark(m: re.Match[str]) -> str:
        # a card's line is a field, and so is `交易类型：支出` after a full stop
        field = m.start() == 0 or text[m.start() - 1] == "\n" or _FIELD.match(m.group(0))
        after = m.start() >= end and not field and not re.search(r"\d", m.group(0))
        return " " * len(m.group(0)) if after else m.group(0)

    return _SENTENCE.sub(remark, _CLAUSE.sub(blank, text))


# 如有外币欠款以入账为准, 若转账未到账请…: a clause put as a condition says what may be, not what
# this movement was; one put as a request (请及时存入足额资金, 请勿向陌生人转账) or a warning (谨防诈骗，
# 勿向陌生账户转账, 不要向陌生人转账5000元以上) says what to do next
_CONDITION = re.compile(r"(?<=[,，:：;；。!！?？\n])\s*(?:如果|假如|倘若|如(?![下意实期])|若|请|切勿|勿|不要|谨防|警惕)"
                        r"[^,，。;；!！?？\n]*")


# 在财付通-个人收款消费人民币1,999.00元: the merchant's name between 在 and the spending word is a
# name (a payee called 个人收款 receives; the holder spends)
_MERCHANT_SLOT = re.compile(r"(?<=在)[^，。,;；在\s]{2,30}?"
                            r"(?=(?:发生)?(?:快捷支付|网上支付|网银支付)?(?:消费|支付|付款|支出)(?!宝))")
# 扣除费用USD15.00后入账USD1,185.00: what was taken off before the movement, not the movement
_DEDUCTED_FIRST = re.compile(r"(?:扣除|扣减|减去|扣掉)[^,，。;；!！?？\n]{0,24}?后")


# 扣除手续费19.58元, 另收取手续费2.00元: a clause about a fee and its own figure, not the amount's
_FEE_CLAUSE = re.compile(r"(?<=[,，;；。\n])[^,，;；。\n]{0,8}(?:手续费|服务费|工本费|费用)[^,，;；。\n]{0,6}?\d"
                         r"[^,，;；。\n]*")


def _blank_conditions(text: str, money: Money) -> str:
    """`text` with every clause that opens with 如/若/请 blanked (positions kept), but the amount's own,
    every clause about a fee and its figure, and every 扣除…后 phrase (the fee taken off before the
    amount moved)."""
    def blank(m: re.Match[str]) -> str:
        holds_amount = m.start() <= money.start < m.end()
        return m.group(0) if holds_amount else " " * len(m.group(0))
    text = _MERCHANT_SLOT.sub(lambda m: " " * len(m.group(0)), text)
    text = _FEE_CLAUSE.sub(blank, text)
    return _DEDUCTED_FIRST.sub(blank, _CONDITION.sub(blank, text))


def sentence(s: str, money: Money) -> str:
    """The amount's own sentence (between full stops, line breaks), where a pending or in-progress
    phrase must stand (您正在进行转账交易，金额5,000.00元，请确认)."""
    left, right = _window(s, money.start, money.end, _SENTENCE_END)
    return s[left:right]


def clause(s: str, money: Money) -> str:
    """The amount's own clause (between commas/colons), where a no-money phrase must stand (a comma
    inside brackets ends none: 应还2,106.67元（本金1,666.67元，利息440.00元）已于…扣款成功)."""
    left, right = _window(blank_brackets(s), money.start, money.end, _CLAUSE_END)
    return s[left:right]


# 农业银行's frame `完成…交易人民币-18.90`: the sign alone says the direction, so in this frame an
# amount WITHOUT a minus is money in (完成转存交易人民币60000.00, 完成代付交易人民币10.00).
# The same frame without 交易 after the account and its time (完成支付宝人民币-900.00, 完成代付人民币
# 3500.00, 完成连连付款人民币810.00): the channel word between 完成 and 人民币 names who paid or was
# paid, the sign alone says which way.
_PAYS_TO = re.compile(r"(?<![\u4e00-\u9fff]\*)向(?!您|你)[^。;,，]{1,40}?完成")
_SIGNED_FRAME = re.compile(r"(?<!预授权)完成[^。;]{0,24}交易\s*(?:人民币|,?\s*金额为?)\s*$"
                           r"|账户\s*\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}\s*完成[^。;,，\d]{1,12}人民币\s*$")


# 完成代扣交易: a debit word inside 农业银行's frame, whose missing minus would say money in
_FRAME_DEBIT = re.compile(r"代扣|扣款|扣费|消费|取款|取现|支出|转出|汇出|缴费|快捷支付|网上支付|网银支付")
_BOOKED_BEFORE = re.compile(r"(?<=[\u4e00-\u9fff])(?<!未)(?<!无)(?<!合计)(?<!累计)(收入|支出)\s*$")


def decide(s: str, money: Money, *, own_credit_card: bool = False) -> Decision:
    if money.sign == "-":
        return _minus(s, money, own_credit_card)
    if money.sign == "+":
        return Decision(IN, "sign", (money.raw,))
    currency_word = "人民币" if money.raw.startswith("人民币") else ""  # part of the amount as read
    frame = _SIGNED_FRAME.search(s[max(0, money.start - 40): money.start] + currency_word)
    if frame and not _PAYS_TO.search(s[max(0, money.start - 60): money.start]):
        # (向支付宝-…完成快捷支付交易人民币3000.00: the holder paying someone, whose voice decides)
        words = (frame.group(0).strip() + money.raw[len(currency_word):],)
        named = _reversal(frame.group(0)) or (
            Decision(OUT, "strong") if _FRAME_DEBIT.search(frame.group(0)) and not _REFUNDED.search(frame.group(0))
            else None)
        if named is not None and named.direction != IN:
            # 完成代扣交易人民币99.00, 撤销代付交易人民币300.00: the words say money out where the frame's
            # missing minus says in - shown for review, never guessed either way
            return Decision(None, "conflict", words + named.words)
        return _undone_later(Decision(IN, "sign", words), s, money)
    text = _blank_conditions(mask_roles(s), money)
    c_left, c_right = _window(text, money.start, money.end, _CLAUSE_END)
    s_left, s_right = _window(text, money.start, money.end, _SENTENCE_END)
    windows: list[tuple[str, str]] = []  # (masked, as written)
    for left, right in ((c_left, c_right), (s_left, s_right), (0, len(text))):
        part, raw = text[left:right], s[left:right]
        if (left, right) == (0, len(text)):  # the whole message: adverts and boilerplate do not vote
            part, raw = _quiet(part, money.start, money.end), _quiet(raw, money.start, money.end)
        windows.extend(((blank_brackets(part), blank_brackets(raw)), (part, raw)))
    if (found := _WALLET_TO_CARD.search(s)) is not None:
        return Decision(IN, "own_transfer", (found.group(0),))
    if (found := _TOPPED_UP.search(s)) is not None and not _CARD.search(s):
        return Decision(IN, "own_transfer", (found.group(0),))
    booked = _BOOKED_BEFORE.search(text, max(0, money.start - 12), money.start)
    if booked is not None and _reversal(windows[2][0]) is None:
        # 余额宝转出收入人民币2,000.00元, 退款支出128.00元: the kind of transaction, then the bank's own
        # bookkeeping verb right before the figure - that verb is the direction, whatever the kind says
        # (a reversal in its sentence, 支付宝支出人民币1,399.00元已冲正, is read as a reversal)
        # (the kind before the verb, 退款支出, and the summary, 摘要：客户退货退款, say what the payment
        # was for, not that it came back)
        sentence_ = windows[2][0]
        kind = slice(c_left - s_left, money.start - s_left)
        sentence_ = sentence_[:kind.start] + " " * (kind.stop - kind.start) + sentence_[kind.stop:]
        by_book = _undone(Decision(IN if booked.group(1) == "收入" else OUT, "strong", (booked.group(0),)),
                          _SUMMARY_FIELD.sub(lambda m: " " * len(m.group(0)), sentence_))
        return _undone_later(by_book, s, money)
    paying_someone = bool(_PAYS_SOMEONE.search(text))
    if own_credit_card and (found := _FROM_OTHER_ACCOUNT.search(text[s_left:s_right])
                            or _LINKED_ACCOUNT_TAKEN.search(text)):
        return Decision(IN, "credit_card", (found.group(0),))
    modifiers = _channel_modifiers(text, money, c_left) | _repaid_parts(text)
    labels = _label_words(text, money)
    silent = _unknown_verbs_bracket(text, money, c_left) + _other_figures_brackets(text, money)
    for n, (part, raw) in enumerate(windows):
        left = (c_left, c_left, s_left, s_left, 0, 0)[n]
        skip = frozenset(i - left for i in modifiers)
        if n >= 4:  # the whole message: a weak word elsewhere votes only as a card's field
            skip |= _outside_fields(part)
        else:  # 付款金额：¥15.00 - the amount's own label votes only with the card's other lines
            skip |= frozenset(i - left for i in labels)
        decided = _at(part, raw, own_credit_card=own_credit_card, paying_someone=paying_someone, skip=skip,
                      silent=tuple((a - left, b - left) for a, b in silent))
        if decided is not None:
            decided = _undone(decided, windows[2][0]) if n < 2 else decided  # 2: the sentence, brackets blanked
            return _undone_later(decided, s, money)
    if (fee := _SENDERS_FEE.search(mask_roles(s))) is not None:
        # 跨行汇款人民币10,000.00元，手续费人民币5.00元: a bare transfer the holder paid a fee on is his own
        # (a bank charges the sender; a transfer received costs nothing, and one from abroad says 汇入)
        return Decision(OUT, "fee", (fee.group(0),))
    return Decision(None, "none")


_SENDERS_FEE = re.compile(r"(?:转账|汇款)[^。;；]{0,40}?手续费\s*[为:：]?\s*(?:人民币|RMB|¥)?\s*"
                          r"(?!0+(?:\.0+)?(?![\d.]))\d")  # (a fee of 0.00 says nothing)


_REFUNDED = re.compile(r"退款|退货|退回|退汇|退票|退还|返还")
_BACK_INTO = re.compile(r"已(?:原路)?(?:退回|退还|返还|存入|退至)(?:至|到)?(?:您的?)?[^。,;，；]{0,8}?(?:卡|账户)")
_REPAID_WORD = re.compile(r"还款|已还|溢缴")


def _minus(s: str, money: Money, own_credit_card: bool) -> Decision:
    """A minus is money out (农业银行's frame, where a reversal's sign is its direction: 转账冲正
    -1,000.00) - unless its own clause names money coming back: a credit card writes a refund with a
    minus (退款人民币-99.00元) and a repayment (还款-1,000.00: the debt goes down), money into the card;
    on any other account such a figure is undecided (review) unless its sentence says where the money
    went (已存入您的卡账户), never a debit (a deposit account's 还款 -500.00 paid a loan: out).
    What follows the figure in its sentence may undo it (人民币-1,280.50，交易已冲正: review)."""
    clause_ = mask_roles(s[slice(*_window(s, money.start, money.end, _CLAUSE_END))])
    back = _REFUNDED.findall(blank_brackets(clause_)) + _REFUNDED.findall(clause_)
    if own_credit_card:
        back += _REPAID_WORD.findall(clause_)
        if not back:  # 光大信用卡于07月12日退货，金额人民币-459.00元: the kind named in the sentence's field
            left, right = _window(s, money.start, money.end, _SENTENCE_END)
            sentence_ = _CONDITION.sub(lambda m: " " * len(m.group(0)), mask_roles(s[left:right]))
            back = _REFUNDED.findall(sentence_) + _REPAID_WORD.findall(sentence_)
    if back and own_credit_card:
        # a credit card writes what it is credited with a minus (退货人民币-899.00元, 还款-1,000.00:
        # the debt goes down): money into the card
        return Decision(IN, "return", (money.raw, *dict.fromkeys(back)))
    if back:
        # 退货人民币-1,299.00元，已存入您的卡账户: the sentence itself says the money came in
        left, right = _window(s, money.start, money.end, _SENTENCE_END)
        sentence_ = blank_brackets(mask_roles(s[left:right]))
        said = {d for _, d, _ in _hits(sentence_, "strong") + _hits(sentence_, "voice")}
        if said == {IN} or (not said and _BACK_INTO.search(sentence_)):  # 退货-499.00元，已退回信用卡账户
            return Decision(IN, "return", (money.raw, *dict.fromkeys(back)))
        return Decision(None, "conflict", (money.raw, *dict.fromkeys(back)))
    sentence_start, sentence_end = _window(s, money.start, money.end, _SENTENCE_END)
    return _undone(Decision(OUT, "sign", (money.raw,)), s[money.end: sentence_end],
                   s[sentence_start: sentence_end])


# What may stand between a payment word and the figure it governs (快捷支付交易人民币5.00, 网上支付
# 成功 12.00, 还本息共1,000元, 境外网上交易当地币30.00): the transaction's own words, no verb.
_GOVERNED = re.compile(r"(?:已|已经)?(?:成功|完成)|交易|业务|金额|共计|合计|总计|[共计为约的了]|本息|当地币|人民币|"
                       # the verb's object: 支付京东订单1,049.00元, 无感支付停车费12.00元
                       r"[\u4e00-\u9fff]{0,8}?(?:订单|账单|货款|会员|费)|AA款|"
                       + "|".join(sorted((c for c in CURRENCY_AFTER if c != "€"), key=len, reverse=True)))
# the weak words that name a way of paying, which a movement either way can go through
_CHANNEL = re.compile(r"(?:快捷|网上|网银|无卡|在线|网络|境外|手机)?(?:支付|付款|交易)|快付")
_NAME_AFTER_DASH = re.compile(r"[-－—–][^,，。;；:：\n】)）\]]*")  # 消费-北京百度网讯科技有限公司: a payee's name


def _channel_modifiers(text: str, money: Money, clause_left: int) -> frozenset[int]:
    """Positions (in `text`) of the money-out weak words that only name the channel of a movement
    whose verb the lexicon does not know.

    A weak word (快捷支付, 网上支付, 付款) is the verb where it governs the amount: 快捷支付100元,
    网上支付交易人民币5.00, 交易类型：消费. Where another word follows it in its clause, before the
    amount if the amount is there (快捷支付贷记(…)1,000元, 付款业务回款人民币5元, 交易类型：快捷支付入户),
    that word is the verb, and not one the lexicon knows: the channel says nothing of the direction
    (a quick payment can be refunded, a payment line can bring money in), so the notice is shown for
    review - an unknown word for money in must never become a debit."""
    out: set[int] = set()
    plain = blank_brackets(text)  # a colon inside brackets ends no clause (付款（个人账户：尾号1234）)
    for i, d, w in _hits(text, "weak"):
        if d != OUT or not _CHANNEL.fullmatch(w):  # 购买理财产品, 消费XX: a verb with its object
            continue
        end = _window(plain, i, i + len(w), _CLAUSE_END)[1]
        if i >= clause_left and i < money.start:
            end = money.start
        gap = _NAME_AFTER_DASH.sub("", plain[i + len(w): end])
        for p in lexicon.get().phrases:  # words the lexicon knows are read by their own rank
            gap = p.pattern.sub("", gap)
        if re.search(r"[\u4e00-\u9fff]", _GOVERNED.sub("", gap)):
            out.add(i)
    return frozenset(out)


# 归还贷款本金5,000.00元、利息385.42元: the interest is what is repaid, no money paid to the holder
_REPAID_PART = re.compile(r"(?:还款|归还|偿还|还本付息|扣收|扣还)[^。;；!?！？\n]{0,40}?(利息|罚息|本息)")


def _repaid_parts(text: str) -> frozenset[int]:
    """Positions of 利息 / 罚息 / 本息 that a repayment word before them in their sentence governs."""
    return frozenset(m.start(1) for m in _REPAID_PART.finditer(text))


_BRACKET_BEFORE_AMOUNT = re.compile(r"(?:\([^()]*\)|（[^（）]*）|\[[^\[\]]*\])\s*$")
# a bank's summary field after the amount names the kind of transaction as both sides' statements show
# it (网联付款, 京东支付-小金库转出): with the verb before the amount unknown, it does not decide
_SUMMARY_FIELD = re.compile(r"摘要\s*[:：][^，,。;；\n]*")
_BRACKET_AFTER_AMOUNT = re.compile(r"\s*元?\s*(\([^()]*\)|（[^（）]*）|\[[^\[\]]*\])")


def _known_end(text: str) -> bool:
    """Whether `text` ends with a word the reader knows (a lexicon phrase, a transaction's own word)
    or with no Chinese word at all (a figure, a time, a card's tail)."""
    tail = text.rstrip()
    if not re.search(r"[\u4e00-\u9fff]$", tail):
        return True
    if re.search(f"(?:{_GOVERNED.pattern})$", tail):
        return True
    return any(m.end() == len(tail) for p in lexicon.get().phrases for m in p.pattern.finditer(tail[-12:]))


def _unknown_verbs_bracket(text: str, money: Money, clause_left: int) -> tuple[tuple[int, int], ...]:
    """The span of a bracket between the amount and a verb the reader does not know (工商银行入户(跨行
    转出)888元): the bracket says what the unknown verb was about - the other bank's side of a transfer,
    the channel - so its words do not decide the direction (ICBC's summary in brackets is often the
    counterparty's: 收入(跨行转出)). Empty when the word before the bracket is known, or there is none."""
    before = text[clause_left: money.start]
    summary = _SUMMARY_FIELD.search(text, money.end)  # 变动1,750.00元，…，摘要:网联付款
    if summary is not None and not _known_end(before):
        return ((summary.start(), summary.end()),)
    found = _BRACKET_BEFORE_AMOUNT.search(before)
    if found is None:
        # or the bracket right after the amount (变动人民币450.00元(网联付款), 变动1,200.00[支付宝-转账到卡])
        after = _BRACKET_AFTER_AMOUNT.match(text, money.end)
        if after is None or _known_end(before):
            return ()
        return ((after.start(1), after.end(1)),)
    if _known_end(before[:found.start()]):
        return ()
    return ((clause_left + found.start(), clause_left + found.end()),)


# a figure of its own inside brackets: 结算金额2,318.40元（已扣手续费8.12元）, 转账1,000.00元(手续费2.00元)
_FIGURE_IN_BRACKETS = re.compile(r"(?:\([^()]*|（[^（）]*)(?:(?:人民币|RMB|CNY|¥)\s*\d|\d[\d,]*(?:\.\d+)?\s*元)"
                                 r"[^()（）]*[)）]")


def _other_figures_brackets(text: str, money: Money) -> tuple[tuple[int, int], ...]:
    """The spans of brackets holding a figure other than the amount: what they say (已扣手续费8.12元,
    含利息12.00元) is about that figure - a fee taken off, a share - not which way the amount went."""
    return tuple(m.span() for m in _FIGURE_IN_BRACKETS.finditer(text)
                 if not m.start() <= money.start < m.end())


_LABEL_TO_AMOUNT = re.compile(r"\s*(?:金额|总额|额)?\s*[:：]\s*$")


def _label_words(text: str, money: Money) -> frozenset[int]:
    """Positions of the weak words that are the amount's own field label (付款金额：¥15.00, 支付金额
    30.00): a card names its figure by the kind of transaction, from either side (付款商户 paying the
    holder: 付款金额), so the label alone does not say which way - the card's other lines do."""
    if not re.search(r"[:：]\s*$", text[max(0, money.start - 3): money.start]):
        return frozenset()  # (no field label before the amount: the common case, at no cost)
    return frozenset(i for i, d, w in _hits(text, "weak")
                     if d == OUT and i + len(w) <= money.start
                     and (i == 0 or text[:i].rstrip(" \t")[-1:] in ("", "\n"))  # a card's line begins with it
                     and _LABEL_TO_AMOUNT.fullmatch(text, i + len(w), money.start))


def _outside_fields(text: str) -> frozenset[int]:
    """Positions of weak words in `text` that stand in no field line of a card (交易类型：消费,
    支付方式：京东付款码打白条): a kind of payment named in another sentence than the amount's -
    an advert's 手机支付, 消费满60减20 - says nothing of which way this movement went."""
    out = set()
    for i, _, _ in _hits(text, "weak"):
        start = max(text.rfind("\n", 0, i), *(text.rfind(c, 0, i) for c in "。;；!?！？")) + 1
        title = start == 0 and 0 < text.find("\n") <= 12  # a card's headline (付款成功) is its first field
        if not _FIELD.match(text, start) and not title:
            out.add(i)
    return frozenset(out)


def _at(part: str, raw: str, *, own_credit_card: bool, paying_someone: bool,
        skip: frozenset[int] = frozenset(), silent: tuple[tuple[int, int], ...] = ()) -> Decision | None:
    """The decision of one window, by the ranks in order, or None when no rank has a hit there.
    `skip`: positions in the window of weak words that only name a channel (_channel_modifiers);
    `silent`: spans whose words do not vote at any rank (_unknown_verbs_bracket)."""
    if (reversed_ := _reversal(part)) is not None:
        return reversed_
    for rank in lexicon.RANKS:
        hits = _hits(raw if rank in lexicon.UNMASKED else part, rank)
        if rank == "weak":
            hits = [h for h in hits if h[0] not in skip]
        hits = [h for h in hits if not any(a <= h[0] < b for a, b in silent)]
        if own_credit_card and not paying_someone:  # 还款 INTO the holder's credit card
            # and a bare 提现 FROM it is a cash advance (广发卡…提现人民币1000.00元，目前可用额度…): money out
            hits = [(i, IN if _REPAYMENT.match(w) or (w == "付款" and _PAID_TOWARDS.search(part[max(0, i - 20): i]))
                     else OUT if w == "提现" and not _FROM_WALLET.search(part[max(0, i - 6): i]) else d, w)
                    for i, d, w in hits]
        if not hits:
            continue
        hits = _outermost(hits)
        directions = {d for _, d, _ in hits}
        words = tuple(dict.fromkeys(w for _, _, w in sorted(hits)))
        if len(directions) == 1:
            return Decision(directions.pop(), rank, words)
        return Decision(None, "conflict", words)
    return None


def _outermost(hits: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Hits of one rank without those lying inside a longer hit of the other direction: the longer
    phrase is the reading of those words (向张*付款 is the holder paying 张*; the 张*付款 inside it,
    a named payer paying the holder, is not what it says)."""
    def inside(a: tuple[int, str, str], b: tuple[int, str, str]) -> bool:
        return (a[1] != b[1] and b[0] <= a[0] and a[0] + len(a[2]) <= b[0] + len(b[2])
                and len(a[2]) < len(b[2]))
    return [h for h in hits if not any(inside(h, other) for other in hits)]


# 将退还368元, 退货将原路退回, 可申请退款: a return promised or possible has not happened
_NOT_YET = re.compile(r"将|会|可|如|若|需|要|预计|申请|以便|才能")  # in the return word's clause
# the bank holding a transfer it could not deliver (因收款账户状态异常已挂账处理): it may come back
_HELD_BACK = re.compile(r"(?<!解)挂账")
_ORIGINAL_HOLD = re.compile(r"原(?:预授权|冻结)[^,，。;；]*")


# 代发工资金额3,962.17元，余额4,015.02元。该笔交易已于09:31冲正: a later sentence saying this very
# movement was reversed or cancelled
_UNDONE_LATER = re.compile(r"(?:该笔|此笔|本笔|上述)(?:交易|款项|资金|业务)?(?:已|已于[^。;]{0,14}?|已经)(?:被)?"
                           r"(?:冲正|撤销|冲回)")


def _undone_later(found: Decision, s: str, money: Money) -> Decision:
    """`found`, or undecided (review) when a later sentence says this movement was reversed: the money
    may be back, either way (never a guessed count)."""
    if (found.direction is None or found.basis in ("reversal", "return")  # (itself a reversal or refund)
            or (later := _UNDONE_LATER.search(s, money.end)) is None):
        return found
    return Decision(None, "conflict", (*found.words, later.group(0)))


def _undone(found: Decision, sentence_: str, whole: str | None = None) -> Decision:
    """A debit read in the amount's own clause that its sentence says was undone or sent back
    (网上支付500元，交易状态：已撤销 / 转出1,000元，对方行退回): the money may have come back, so the
    notice is shown for review (方向待核实), never counted as a debit."""
    if found.direction != OUT or found.basis == "reversal":  # 存款冲正: the reversal itself is the debit
        return found
    # 预授权完成356.00元，原预授权800.00元已撤销: what was undone is the original hold, not this capture
    sentence_ = _ORIGINAL_HOLD.sub(lambda m: " " * len(m.group(0)), sentence_)
    if whole is not None:
        whole = _ORIGINAL_HOLD.sub(lambda m: " " * len(m.group(0)), whole)
    said = [(i, w) for i, d, w in _outermost(_hits(sentence_, "return")) if d == IN]
    said += [(m.start(), m.group(0)) for m in _REVERSAL.finditer(sentence_)]
    reversal = _reversal(whole if whole is not None else sentence_)
    if reversal is not None and reversal.direction == OUT:  # 存入冲正，支出600.00元: the reversal IS the debit
        said = [(i, w) for i, w in said if not _REVERSAL.search(w)]
    said += [(m.start(), m.group(0)) for m in _HELD_BACK.finditer(sentence_)]
    undone = [w for i, w in sorted(said)
              if not _NOT_YET.search(sentence_[slice(*_window(sentence_, i, i, _CLAUSE_END))])]
    return Decision(None, "conflict", found.words + tuple(dict.fromkeys(undone))) if undone else found

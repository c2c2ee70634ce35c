"""issue 23: the bank reader's shortcut for people's messages changes no result.

`notices.classify` returns early for a text from a personal number that names no institution,
carries no flagged link, no code word and no lure mark (most of a phone's messages). Every
labelled bank / payment message of the dev and seed sets and every SMS body of the shared
corpus's backups is read both ways, from its own sender and from personal numbers (where the
shortcut can apply), and the two readings must be equal field by field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from evidence import notices, times
from tests.test_notices_eval import EVAL

SH = times.zone("Asia/Shanghai")
RECEIVED = dt.datetime(2015, 3, 18, 20, 40, tzinfo=SH)
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "sms-backup-restore"
# a mobile, a landline, a masked mobile (as quoted), a bank's hotline and a 106 SP number
SENDERS = ("13912345678", "02887654321", "151194603xx", "95588", "1069800095588")


def _bodies() -> list[tuple[str, str]]:
    found = [(str(r["body"]), str(r.get("sender") or "")) for split in ("dev", "seed")
             for r in EVAL.load_split(split)]
    for xml in sorted(CORPUS.glob("*.xml")) if CORPUS.is_dir() else []:
        text = xml.read_text("utf-8", errors="replace")
        found += [(m.group(1), "") for m in re.finditer(r'\bbody="([^"]*)"', text)]
    # people's lines as a phone holds them: with digits, times, a callback, a code word
    found += [(b, "") for b in ("晚上一起吃饭吗？我在老地方等你，第123条消息，收到请回复好的",
                                "明天3点到，带上卡", "你好，我是京东客服，请加QQ 123456", "验证码是多少")]
    return found


def test_the_shortcut_changes_no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence.banksms import money

    read_amounts = 0
    find = money.find

    def counted(s: str) -> list[money.Money]:
        nonlocal read_amounts
        read_amounts += 1
        return find(s)

    monkeypatch.setattr(money, "find", counted)
    shortcuts = readings = 0
    bodies = _bodies()
    assert len(bodies) > 500
    for body, own in bodies:
        for sender in (own, *SENDERS):
            full = notices._classify(body, sender, RECEIVED, SH, shortcut=False)
            before = read_amounts
            fast = notices._classify(body, sender, RECEIVED, SH)
            assert fast == full, (body, sender)
            shortcuts += read_amounts == before  # the amounts were not read: the shortcut
            readings += 1
    # the comparison covered many messages that took the shortcut, and many that did not
    assert 300 < shortcuts < readings - 1000, (shortcuts, readings)


# people's lines as phones hold them, quiet (Chinese, digits, ，。？！ only) or not; several name money,
# a card, an account, a code, a platform or a callback number, which the filter must leave to the reader
PEOPLE = (
    "妈，我到学校了，明天给你打电话", "今晚加班，不回来吃饭了", "你转我的500收到了，谢谢", "我的卡被冻结了怎么办",
    "把你支付宝账号发我", "快递到了吗？", "下午3点在老地方见", "刚才那个验证码别给别人", "你微信支付还是现金",
    "房租2800这个月15号前交", "工资到账了没？", "我给你卡里打了1000", "他说是客服，让我拨打4008123123",
    "有人说要退款给我，让我点击链接", "下周一开会，8点半到", "孩子发烧了，38度5", "帮我充50话费",
    "这个月信用卡还了吗", "我在银行排队", "你的快递单号是多少", "123456", "。。。", "？", "收到", "好的，谢谢！",
    "明天9点民政局见，带上户口本和身份证", "我们的会员续费了吗", "账户里还有多少钱", "你先垫付一下，回头还你",
    "他让我交保证金3000", "我已经报警了，110说让我去派出所", "晚安", "第1天，第2天，第3天", "你尾号多少",
    "您好，我是小区物业，明天停水", "你好！你在哪里？", "哈哈哈哈哈", "借我200，下个月还", "转账给你了，查收一下",
)


def test_the_plain_filter_answers_only_what_the_full_reader_answers() -> None:
    """issue 23: `_plain` (a quiet text from a personal number, no hook matching) must give the
    very reading `_classify` gives in full, and its fold must be `_prepare`'s text."""
    from evidence.banksms import lexicon, money

    bodies = [b for b, _ in _bodies()]
    # the 260 MB bench's shapes, and people's lines that must NOT pass (a tail, a code word, a lure)
    bodies += [f"晚上一起吃饭吗？我在老地方等你，第{n}条消息，收到请回复好的" for n in range(0, 400, 7)]
    bodies += ["你尾号1234的卡怎么了", "验证码是多少", "请致电13912345678办理退款", "用花呗付款吧", "你的卡号给我",
               "29。19元收到没", "好的！！", "在吗?", "我到了、你呢", *PEOPLE]
    plain = 0
    for body in bodies:
        for sender in (*SENDERS, "13757123456"):
            if not notices._plain(body, sender):
                continue
            plain += 1
            assert notices._classify(body, sender, RECEIVED, SH, shortcut=False) == notices.Notice(
                notices.EventKind.SMS), (body, sender)
            folded = money.prepare(times.normalize_text(body)).translate(lexicon.traditional()).replace("你", "您")
            assert folded == notices._prepare(body)[0], body
    assert plain > 150, plain
    for hooked in ("你尾号1234的卡怎么了", "验证码是多少", "请致电13912345678办理退款", "用花呗付款吧"):
        assert not notices._plain(hooked, "13912345678"), hooked
    assert not notices._plain("晚上吃饭吗", "95588")  # a bank's number is read in full
    assert not notices._plain("晚上吃饭吗 ", "13912345678")  # a space: _tighten may move it

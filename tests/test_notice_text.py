"""notice_text: bank SMS a victim pasted into a .txt file (GBK from Windows Notepad, or UTF-8)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from decimal import Decimal
from pathlib import Path

from conftest import sniffed
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import extract, times
from evidence.model import Basis, Direction, EventKind, FileKind, SourceFile, Status
from evidence.sources import notice_text

SH = times.zone("Asia/Shanghai")
CTX = extract.Context(tz=SH)

PASTED = (
    "95588：尾号6217卡3月18日20:31快捷支付支出(网银在线)20,000元，余额228,000.36元。【工商银行】\n"
    "尾号6217卡3月18日20:34快捷支付支出(网银在线)228,000元，余额0.36元。【工商银行】\n"
    "\n"
    "【中国农业银行】您尾号0773账户03月18日20:36向网银在线（北京）科技有限公司完成网上支付交易\n"
    "人民币-20000.00，余额15034.48。\n"
    "\n"
    "【工商银行】您正在使用快捷支付向网银在线（北京）科技有限公司付款20000.00元，验证码：482913，请勿向任何人泄露。\n"
    "【邮储银行】15年03月18日20:56您尾号097账户快捷支付，支出金额20000.00元，余额155.70元。\n"
    "13757123456：【京东】您购买的商品因质量问题需办理退款，请登录jd-tuikuan.com/x，填写退款信息。\n"
)


def _write(folder: Path, text: str, encoding: str, mtime: dt.datetime) -> SourceFile:
    path = folder / "短信.txt"
    path.write_bytes(text.encode(encoding))
    os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    data = path.read_bytes()
    return SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), FileKind.NOTICE_TEXT,
                      Status.ACCEPTED, mtime=times.from_mtime(path.stat().st_mtime))


def test_pasted_gbk_notices(tmp_path: Path) -> None:
    file = _write(tmp_path, PASTED, "gbk", dt.datetime(2015, 4, 2, 10, 0, tzinfo=SH))
    assert sniffed(notice_text, file.abspath, file.abspath.read_bytes()[:8192]) is FileKind.NOTICE_TEXT
    events, issues = notice_text.read(file, CTX)
    got = [(e.kind, e.time, e.basis, e.amount, e.direction, e.counterparty, e.source.locator) for e in events]
    mtime = dt.datetime(2015, 4, 2, 10, 0, tzinfo=SH)
    assert got == [
        (EventKind.BANK_NOTICE, dt.datetime(2015, 3, 18, 20, 31, tzinfo=SH), Basis.TEXT, Decimal("20000"),
         Direction.DEBIT, "95588", "line 1"),
        (EventKind.BANK_NOTICE, dt.datetime(2015, 3, 18, 20, 34, tzinfo=SH), Basis.TEXT, Decimal("228000"),
         Direction.DEBIT, "95588", "line 2"),  # no sender written: the signature's bank
        (EventKind.BANK_NOTICE, dt.datetime(2015, 3, 18, 20, 36, tzinfo=SH), Basis.TEXT, Decimal("20000.00"),
         Direction.DEBIT, "95599", "line 4"),  # one message over two lines
        (EventKind.VERIFICATION_CODE, mtime, Basis.FILE_MTIME, None, None, "95588", "line 7"),
        (EventKind.BANK_NOTICE, dt.datetime(2015, 3, 18, 20, 56, tzinfo=SH), Basis.TEXT, Decimal("20000.00"),
         Direction.DEBIT, "95580", "line 8"),
        (EventKind.PHISHING, mtime, Basis.FILE_MTIME, None, None, "13757123456", "line 9"),
    ]
    assert all(e.zone_assumed for e in events if e.basis is Basis.TEXT)
    assert events[0].details["card_tail"] == "6217" and events[0].details["balance"] == "228000.36"
    # no year written on line 1: the nearest message that writes one (line 8, 15年) gives it
    assert events[0].details["year_from"] == "line 8"
    assert "year_from" not in events[4].details  # 15年 is written
    assert not events[0].needs_review
    assert events[3].details["code"] == "482913"
    assert events[5].details["domains"] == "jd-tuikuan.com"
    assert events[5].attribution == "浙江省杭州市 中国移动"
    # no time in the message: the file's time, shown flagged, never counted before review
    assert events[3].needs_review and events[5].needs_review
    assert "文件修改时间" in events[3].summary
    codes = [(i.code, i.locator) for i in issues]
    assert codes[0] == ("year_from_text", None)
    assert ("text_no_time", "line 7") in codes
    assert "year_unknown" not in {c for c, _ in codes}


def test_the_quote_is_the_original_text(tmp_path: Path) -> None:
    """Classification reads a normalised copy; the exhibit quotes the file's own text."""
    text = ("９５５８８：您尾号６２１７卡3月18日20:31快捷支付支出(网银在线)\n"
            "  20,000.00元，余额228,000.36元。【工商银行】\n")
    file = _write(tmp_path, text, "utf-8", dt.datetime(2015, 3, 20, tzinfo=SH))
    (event,), _ = notice_text.read(file, CTX)
    assert event.details["body"] == ("您尾号６２１７卡3月18日20:31快捷支付支出(网银在线)\n"
                                     "  20,000.00元，余额228,000.36元。【工商银行】")
    assert event.counterparty == "95588" and event.amount == Decimal("20000.00")


def test_year_from_the_case_period_never_from_the_file_date(tmp_path: Path) -> None:
    """issue 16: a pasted "3月18日17:34" in a file saved in 2026 is 2015 when the case says so."""
    file = _write(tmp_path, "【工商银行】您尾号6217卡3月18日17:34快捷支付支出228,000.00元，余额0.36元。\n", "utf-8",
                  dt.datetime(2026, 5, 1, 9, 0, tzinfo=SH))
    period = times.day_bounds(dt.date(2015, 3, 1), dt.date(2015, 4, 30), SH)
    (event,), issues = notice_text.read(file, extract.Context(tz=SH, period=period))
    assert event.time == dt.datetime(2015, 3, 18, 17, 34, tzinfo=SH)
    assert event.details["year_from"] == "period" and not event.needs_review
    assert [i.code for i in issues] == ["year_from_period"]
    assert "2015-03-01/2015-04-30" in issues[0].message
    # without a period the file's year is only a guess: marked for review, with a warning
    (guess,), issues = notice_text.read(file, CTX)
    assert guess.time.year == 2026 and guess.needs_review
    assert guess.details["year_from"] == "file_date" and "review_reason" in guess.details
    assert [(i.code, i.severity.value) for i in issues] == [("year_unknown", "warning")]
    # a year written elsewhere in the message wins over both
    other = _write(tmp_path, "【工商银行】2015年度账单：您尾号6217卡3月18日17:34支出228,000.00元。\n", "utf-8",
                   dt.datetime(2026, 5, 1, 9, 0, tzinfo=SH))
    (written,), _ = notice_text.read(other, CTX)
    assert written.time.year == 2015 and written.details["year_from"] == "text" and not written.needs_review


def test_december_notice_in_a_file_saved_in_january(tmp_path: Path) -> None:
    file = _write(tmp_path, "尾号0891卡12月30日21:07网上银行支出(无卡支付)4.78元，余额3.46元。【工商银行】\n", "utf-8",
                  dt.datetime(2016, 1, 5, 9, 0, tzinfo=SH))
    (event,), _ = notice_text.read(file, CTX)
    assert event.time == dt.datetime(2015, 12, 30, 21, 7, tzinfo=SH)
    assert event.needs_review  # the year is only the file date's guess
    period = times.day_bounds(dt.date(2015, 12, 1), dt.date(2016, 1, 31), SH)
    (event,), _ = notice_text.read(file, extract.Context(tz=SH, period=period))
    assert event.time == dt.datetime(2015, 12, 30, 21, 7, tzinfo=SH) and not event.needs_review


def test_sniff_needs_bank_signs_and_a_text_suffix() -> None:
    assert sniffed(notice_text, Path("a.txt"), "今天天气很好\n".encode()) is None
    assert sniffed(notice_text, Path("a.jpg"), "尾号6217卡".encode()) is None
    assert sniffed(notice_text, Path("a.txt"), b"\x00\x01\x02") is None
    assert sniffed(notice_text, Path("notes"), "【建设银行】您尾号1546账户".encode("gbk")) is FileKind.NOTICE_TEXT


@settings(max_examples=80, deadline=None)
@given(data=st.one_of(st.binary(max_size=1500),
                      st.text(max_size=500).map(lambda t: ("尾号1234卡【工商银行】\n" + t).encode("utf-8"))))
def test_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.txt"
        path.write_bytes(data)
        sniffed(notice_text, path, data[:8192])
        file = SourceFile("x.txt", path, "0" * 64, len(data), FileKind.NOTICE_TEXT, Status.ACCEPTED)
        events, issues = notice_text.read(file, CTX)
        assert all(e.time.tzinfo is not None for e in events)
        assert isinstance(issues, list)


def test_a_pasted_lure_names_no_bank_number_as_its_sender(tmp_path: Path) -> None:
    """issue 16: a fraud text pasted without its sender, signed 【建设银行】, is not 95533's: the
    party column shows who it claims to be, never the bank's number; a real notice keeps it."""
    text = ("【建设银行】您的账户因异常将于3月19日冻结，请联系客服0755-12345678办理解冻。\n"
            "尾号6217卡3月18日20:34快捷支付支出(网银在线)228,000元，余额0.36元。【工商银行】\n"
            "13757123456：【建设银行】您的账户因异常将于3月19日冻结，请联系客服0755-12345678办理解冻。\n")
    file = _write(tmp_path, text, "utf-8", dt.datetime(2015, 4, 2, 10, 0, tzinfo=SH))
    lure, notice, sent = notice_text.read(file, CTX)[0]
    assert lure.details.get("lure") and lure.counterparty is None
    assert lure.attribution == "自称建设银行"  # and its summary: 收到未知号码短信
    assert "95533" not in lure.summary and "中国建设银行通知" not in lure.summary
    assert lure.summary.startswith("收到未知号码短信：【建设银行】")
    assert notice.counterparty == "95588" and notice.direction is Direction.DEBIT
    assert sent.counterparty == "13757123456" and sent.attribution == "浙江省杭州市 中国移动"

"""notice_text: bank SMS a victim pasted into a .txt file (GBK from Windows Notepad, or UTF-8)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from decimal import Decimal
from pathlib import Path

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
    assert notice_text.sniff(file.abspath, file.abspath.read_bytes()[:8192]) is FileKind.NOTICE_TEXT
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
    assert events[0].details["year_from"] == "file_mtime"
    assert "year_from" not in events[4].details  # 15年 is written
    assert events[3].details["code"] == "482913"
    assert events[5].details["domains"] == "jd-tuikuan.com"
    assert events[5].attribution == "浙江省杭州市 中国移动"
    codes = [(i.code, i.locator) for i in issues]
    assert codes[0] == ("text_year_from_mtime", None)
    assert ("text_no_time", "line 7") in codes
    assert "2015 年" in issues[0].message


def test_december_notice_in_a_file_saved_in_january(tmp_path: Path) -> None:
    file = _write(tmp_path, "尾号0891卡12月30日21:07网上银行支出(无卡支付)4.78元，余额3.46元。【工商银行】\n", "utf-8",
                  dt.datetime(2016, 1, 5, 9, 0, tzinfo=SH))
    (event,), _ = notice_text.read(file, CTX)
    assert event.time == dt.datetime(2015, 12, 30, 21, 7, tzinfo=SH)


def test_sniff_needs_bank_signs_and_a_text_suffix() -> None:
    assert notice_text.sniff(Path("a.txt"), "今天天气很好\n".encode()) is None
    assert notice_text.sniff(Path("a.jpg"), "尾号6217卡".encode()) is None
    assert notice_text.sniff(Path("a.txt"), b"\x00\x01\x02") is None
    assert notice_text.sniff(Path("notes"), "【建设银行】您尾号1546账户".encode("gbk")) is FileKind.NOTICE_TEXT


@settings(max_examples=80, deadline=None)
@given(data=st.one_of(st.binary(max_size=1500),
                      st.text(max_size=500).map(lambda t: ("尾号1234卡【工商银行】\n" + t).encode("utf-8"))))
def test_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.txt"
        path.write_bytes(data)
        notice_text.sniff(path, data[:8192])
        file = SourceFile("x.txt", path, "0" * 64, len(data), FileKind.NOTICE_TEXT, Status.ACCEPTED)
        events, issues = notice_text.read(file, CTX)
        assert all(e.time.tzinfo is not None for e in events)
        assert isinstance(issues, list)

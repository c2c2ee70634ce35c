"""CSV exports of messages and call logs: GBK and UTF-8-BOM, Chinese, English and iMazing headers."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from conftest import sniffed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence import extract, textfile, times
from evidence.model import EventKind, FileKind, Severity, SourceFile, Status
from evidence.sources import calls_csv, sms_csv

DATA = Path(__file__).resolve().parent / "data"
SMS_DATA = DATA / "sms_csv"
CALLS_DATA = DATA / "calls_csv"
SH = times.zone("Asia/Shanghai")
CTX = extract.Context(tz=SH, lang="zh-Hans")
CTX_EN = extract.Context(tz=SH, lang="en")


def source(path: Path, kind: FileKind = FileKind.SMS_EXPORT) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), kind, Status.ACCEPTED)


def sniffs(path: Path) -> tuple[FileKind | None, FileKind | None]:
    head = path.read_bytes()[:8192]
    return sniffed(sms_csv, path, head), sniffed(calls_csv, path, head)


def sh(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def test_textfile_decodings():
    text = "时间,号码,内容\n2015-03-18 20:15,95588,余额"
    assert textfile.decode(text.encode("gbk")) == textfile.Decoded(text, "GB18030")
    assert textfile.decode(text.encode("gb18030")).encoding == "GB18030"
    assert textfile.decode(b"\xef\xbb\xbf" + text.encode()) == textfile.Decoded(text, "UTF-8-BOM")
    assert textfile.decode(text.encode("utf-16")) == textfile.Decoded(text, "UTF-16LE")
    assert textfile.decode(text.encode()) == textfile.Decoded(text, "UTF-8")
    # a head cut inside a multi-byte character still decodes
    assert textfile.decode(text.encode()[:-1], partial=True).text == text[:-1]
    assert textfile.decode(text.encode("gbk")[:-1], partial=True).text == text[:-1]


def test_gbk_chinese_sms_export():
    path = SMS_DATA / "sms_gbk_zh.csv"
    assert sniffs(path) == (FileKind.SMS_EXPORT, None)
    events, issues = sms_csv.read(source(path), CTX)
    assert [e.source.locator for e in events] == ["row 3", "row 4", "row 5"]  # title row 1, header row 2
    link, reply, notice = events
    assert link.time == sh(2015, 3, 18, 20, 12) and link.zone_assumed
    assert link.counterparty == "13757123456" and link.attribution == "浙江省杭州市 中国移动"
    assert link.details["direction_of_message"] == "in" and link.details["raw_type"] == "接收"
    assert link.kind is EventKind.PHISHING and link.details["domains"] == "jd-tuikuan.cc"
    assert reply.details["direction_of_message"] == "out"
    assert reply.details["body"] == "好的，链接已经打开了，\n接下来怎么操作？"  # quoted multi-line cell: one row
    assert notice.time == sh(2015, 3, 18, 20, 25, 41)
    assert notice.details["contact_name"] == "工商银行" and notice.counterparty == "95588"
    assert notice.kind is EventKind.BANK_NOTICE
    got = [(i.code, i.locator, i.severity) for i in issues]
    assert got == [
        ("encoding_guessed", None, Severity.NOTE),
        ("zone_assumed", None, Severity.NOTE),
        ("draft_skipped", "row 6", Severity.NOTE),
        ("row_empty", "row 7", Severity.WARNING),
        ("bad_time", "row 8", Severity.WARNING),
    ]
    assert "GB18030" in issues[0].message and "Asia/Shanghai" in issues[1].message


def test_utf8_bom_english_sms_export():
    path = SMS_DATA / "sms_utf8bom_en.csv"
    assert sniffs(path) == (FileKind.SMS_EXPORT, None)
    events, issues = sms_csv.read(source(path), CTX_EN)
    otp, sent, odd = events
    assert otp.time == times.from_epoch_ms(1426681267417) and not otp.zone_assumed  # epoch: no zone guess
    assert otp.details["body"].startswith("您正在进行快捷支付，验证码385716")
    assert sent.counterparty == "13757123456"  # "+86 137 5712 3456"
    assert sent.details["direction_of_message"] == "out" and sent.zone_assumed
    assert odd.details["direction_of_message"] == "in" and odd.details["raw_type"] == "9"
    assert [(i.code, i.locator) for i in issues] == [("zone_assumed", None), ("direction_unknown", "row 4")]


def test_imazing_messages():
    path = SMS_DATA / "imazing_messages.csv"
    assert sniffs(path) == (FileKind.SMS_EXPORT, None)
    events, issues = sms_csv.read(source(path), CTX_EN)
    assert [i.code for i in issues] == ["zone_assumed"]
    link, sent, notice = events
    assert link.counterparty == "13757123456" and link.details["service"] == "SMS"
    assert link.details["status"] == "Read"
    assert sent.counterparty == "13757123456"  # empty Sender ID on outgoing rows: the Chat Session
    assert sent.details["body"] == "好的 👌" and sent.details["direction_of_message"] == "out"
    assert notice.details["contact_name"] == "工商银行"
    assert notice.time == sh(2015, 3, 18, 20, 25, 41)


def test_gbk_chinese_call_log():
    path = CALLS_DATA / "calls_gbk_zh.csv"
    assert sniffs(path) == (None, FileKind.CALL_LOG)
    events, issues = calls_csv.read(source(path, FileKind.CALL_LOG), CTX)
    rows = [(e.source.locator, e.counterparty, e.details["call_type"], e.details.get("duration_s"))
            for e in events]
    assert rows == [
        ("row 2", "95118", "outgoing", "95"),
        ("row 3", "13757123456", "incoming", "1265"),  # 00:21:05
        ("row 4", "13757123456", "missed", "0"),
        ("row 5", "17012345678", "rejected", None),  # empty duration: unknown, not 0
        ("row 6", None, "blocked", None),
        ("row 7", "13757123456", "outgoing", "125"),  # 2分5秒
        ("row 8", "13800138000", "other", "10"),
    ]
    assert events[1].time == sh(2015, 3, 18, 20, 5, 10) and events[1].zone_assumed
    assert events[1].details["location"] == "浙江杭州" and events[1].details["raw_type"] == "呼入"
    assert events[4].details["number_hidden"] == "未知号码"
    assert [(i.code, i.locator) for i in issues] == [
        ("encoding_guessed", None), ("zone_assumed", None), ("call_type_unknown", "row 8")]


def test_imazing_call_history():
    path = CALLS_DATA / "imazing_calls.csv"
    assert sniffs(path) == (None, FileKind.CALL_LOG)
    events, _ = calls_csv.read(source(path, FileKind.CALL_LOG), CTX_EN)
    rows = [(e.counterparty, e.details["call_type"], e.details["duration_s"]) for e in events]
    assert rows == [("13757123456", "incoming", "1265"), ("13757123456", "outgoing", "125"),
                    ("13757123456", "missed", "0"), ("13912345678", "outgoing", "0")]
    assert events[0].details["service"] == "Phone: +86 139 1234 5678"
    assert events[3].details["service"] == "WhatsApp Video" and events[3].details["contact_name"] == "Mum"


@pytest.mark.parametrize(
    "content",
    [
        "交易日期,交易时间,摘要,交易金额,余额,对方户名\n2015-03-18,20:25:41,快捷支付,-5000.00,120.35,网银在线\n",
        "记账日期,交易类型,金额,余额,对方账号\n2015-03-18,消费,5000.00,120.35,6222\n",
        "Date,Description,Amount,Balance\n2015-03-18,ICBC quick pay,-5000.00,120.35\n",
        "时间,内容\n2015-03-18 20:15,没有号码列\n",
        "姓名,身份证号\n张*,3301\n",
    ],
)
def test_not_claimed(tmp_path, content):
    path = tmp_path / "x.csv"
    path.write_bytes(content.encode("gbk"))
    assert sniffs(path) == (None, None)


def test_semicolon_and_tab_delimiters(tmp_path):
    path = tmp_path / "tab.csv"
    path.write_text("时间\t号码\t通话时长\n2015-03-18 20:05:10\t13757123456\t00:21:05\n", encoding="utf-8")
    assert sniffs(path) == (None, FileKind.CALL_LOG)
    events, issues = calls_csv.read(source(path, FileKind.CALL_LOG), CTX)
    assert events[0].details["call_type"] == "other" and events[0].details["duration_s"] == "1265"
    assert [i.code for i in issues] == ["zone_assumed", "call_type_unknown"]
    path = tmp_path / "semi.csv"
    path.write_text("Date;Number;Text;Type\n2015-03-18 20:05:10+08:00;95588;hi;received\n", encoding="utf-8")
    assert sniffs(path) == (FileKind.SMS_EXPORT, None)
    events, issues = sms_csv.read(source(path), CTX)
    assert events[0].zone_assumed is False and issues == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=500),
       prefix=st.sampled_from([b"", "时间,号码,内容,类型\n".encode("gbk"), b"Call type,Date,Duration,Number\n"]))
def test_read_never_raises_on_arbitrary_bytes(tmp_path, data, prefix):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(prefix + data)
    for module in (sms_csv, calls_csv):
        sniffed(module, path, (prefix + data)[:8192])
        events, issues = module.read(source(path), CTX_EN)
        assert isinstance(events, list) and isinstance(issues, list)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_csv_read_never_raises_on_arbitrary_text(text):
    table = sms_csv.find_table("时间,号码,内容,类型\n" + text, "UTF-8", True, sms_csv.SMS_ROLES, sms_csv.is_sms_header)
    assert table is not None
    for _ in table.rows():
        pass

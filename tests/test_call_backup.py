"""SMS Backup & Restore calls-*.xml: every call type, hidden numbers, and the public corpus file."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from conftest import sniffed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence import extract, times
from evidence.model import Basis, EventKind, FileKind, SourceFile, Status
from evidence.sources import call_backup

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "sms-backup-restore"
DATA = REPO / "tests" / "data" / "call_backup"
SH = times.zone("Asia/Shanghai")
CTX = extract.Context(tz=SH, lang="zh-Hans")
CTX_EN = extract.Context(tz=SH, lang="en")


def source(path: Path) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), FileKind.CALL_LOG,
                      Status.ACCEPTED)


def test_every_call_type():
    path = DATA / "calls-20150320103000.xml"
    assert sniffed(call_backup, path, path.read_bytes()[:8192]) is FileKind.CALL_LOG
    assert call_backup.validate(path, "zh-Hans") is None
    events, issues = call_backup.read(source(path), CTX)
    assert issues == []
    rows = [(e.source.locator, e.counterparty, e.details["call_type"], e.details["duration_s"], e.details["raw_type"])
            for e in events]
    assert rows == [
        ("call[1]", "95118", "outgoing", "95", "2"),
        ("call[2]", "13757123456", "incoming", "1265", "1"),
        ("call[3]", "13757123456", "missed", "0", "3"),
        ("call[4]", "057187654321", "voicemail", "30", "4"),
        ("call[5]", "17012345678", "rejected", "0", "5"),
        ("call[6]", None, "blocked", "0", "6"),
        ("call[7]", "13800138000", "other", "60", "7"),  # answered on another device: kept raw
        ("call[8]", None, "incoming", "12", "1"),
    ]
    assert all(e.kind is EventKind.CALL and e.basis is Basis.EXACT and not e.zone_assumed for e in events)
    first_call = events[1]
    assert first_call.time == dt.datetime(2015, 3, 18, 20, 5, 10, 250000, tzinfo=SH)
    assert first_call.attribution == "浙江省杭州市 中国移动"
    assert first_call.summary == "来电：13757123456（浙江省杭州市 中国移动），通话21分5秒"
    assert first_call.details["readable_date"] == "2015年3月18日 下午8:05:10"
    assert events[0].details["contact_name"] == "京东客服"
    assert "contact_name" not in first_call.details  # "(Unknown)"
    assert events[5].details["number_hidden"] == "private" and events[5].details["presentation"] == "restricted"
    assert events[5].summary == "拦截来电：未知号码"
    assert events[7].details["number_hidden"] == "unknown" and events[7].details["presentation"] == "unknown"
    assert events[3].attribution == "浙江省杭州市"  # fixed line 0571


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_minimal_calls():
    path = CORPUS / "shruggietech__minimal_calls.xml"
    assert sniffed(call_backup, path, path.read_bytes()) is FileKind.CALL_LOG
    events, issues = call_backup.read(source(path), CTX_EN)
    assert issues == []
    (call,) = events
    assert call.details["call_type"] == "incoming" and call.details["duration_s"] == "125"
    assert call.counterparty == "+15551234567" and call.details["contact_name"] == "Alice Smith"
    assert call.time == times.from_epoch_ms(1609632000000) == dt.datetime(2021, 1, 3, tzinfo=dt.UTC)
    assert call.details["sim"] == "1"
    assert call.summary.startswith("Incoming call: +15551234567") and call.summary.endswith("2m 5s")
    sms = CORPUS / "shruggietech__minimal_sms.xml"
    assert sniffed(call_backup, sms, sms.read_bytes()) is None


def test_truncated_call_log(tmp_path):
    path = tmp_path / "calls-cut.xml"
    path.write_text('<?xml version="1.0"?>\n<calls count="3">\n'
                    '<call number="-1" duration="0" date="1426680310250" type="3" />\n'
                    '<call number="13757123456" duration="abc" date="1426680320250" type="9" />\n'
                    '<call number="1375', encoding="utf-8")
    assert call_backup.validate(path, "en") is None
    events, issues = call_backup.read(source(path), CTX_EN)
    assert [(e.counterparty, e.details["call_type"]) for e in events] == [(None, "missed"), ("13757123456", "other")]
    assert events[1].details["raw_duration"] == "abc" and events[1].details["raw_type"] == "9"
    assert [i.code for i in issues] == ["xml_truncated", "xml_count_mismatch"]
    assert "truncated after record 2 (call[2])" in issues[0].message  # call[3] start tag never finished


def test_not_xml_at_all_is_rejected(tmp_path):
    path = tmp_path / "calls-bad.xml"
    path.write_text("<calls count='1'><call number=13757123456 /></calls>", encoding="utf-8")
    assert sniffed(call_backup, path, path.read_bytes()) is FileKind.CALL_LOG
    assert "损坏" in (call_backup.validate(path, "zh-Hans") or "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), prefix=st.sampled_from([b"", b"<calls>", b"<calls><call date='1426680310250'"]))
def test_read_never_raises_on_arbitrary_bytes(tmp_path, data, prefix):
    path = tmp_path / "calls-fuzz.xml"
    path.write_bytes(prefix + data)
    sniffed(call_backup, path, prefix + data)
    call_backup.validate(path, "en")
    events, issues = call_backup.read(source(path), CTX_EN)
    assert isinstance(events, list) and isinstance(issues, list)

"""iOS sms.db and CallHistory.storedata, built with sqlite3 in the real table/column layout."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest
from conftest import sniffed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence import extract, times
from evidence.model import Basis, EventKind, FileKind, SourceFile, Status
from evidence.sources import ios_calls, ios_sms

SH = times.zone("Asia/Shanghai")
CTX = extract.Context(tz=SH, lang="zh-Hans")
CTX_EN = extract.Context(tz=SH, lang="en")
APPLE = dt.datetime(2001, 1, 1, tzinfo=dt.UTC)

# iOS 14-16 sms.db (abridged to the columns readers use plus their neighbours; names and types as on device)
SMS_DDL = """
CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
  service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, style INTEGER,
  state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT, service_name TEXT, room_name TEXT,
  account_login TEXT, is_archived INTEGER DEFAULT 0, last_addressed_handle TEXT, display_name TEXT,
  group_id TEXT, is_filtered INTEGER DEFAULT 0, successful_query INTEGER);
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
  handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
  message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0,
  PRIMARY KEY (chat_id, message_id));
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, created_date
  INTEGER DEFAULT 0, filename TEXT, mime_type TEXT, transfer_name TEXT, total_bytes INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
  attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
  replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT,
  attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT,
  account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER,
  is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0,
  is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0,
  is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0,
  is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0,
  is_service_message INTEGER DEFAULT 0, is_forward INTEGER DEFAULT 0, was_downgraded INTEGER DEFAULT 0,
  is_archive INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, cache_roomnames TEXT,
  was_data_detected INTEGER DEFAULT 0, was_deduplicated INTEGER DEFAULT 0, is_audio_message INTEGER DEFAULT 0,
  is_played INTEGER DEFAULT 0, date_played INTEGER, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0,
  group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0,
  share_direction INTEGER DEFAULT 0, is_expirable INTEGER DEFAULT 0, expire_state INTEGER DEFAULT 0,
  message_action_type INTEGER DEFAULT 0, message_source INTEGER DEFAULT 0, associated_message_guid TEXT,
  associated_message_type INTEGER DEFAULT 0, balloon_bundle_id TEXT, payload_data BLOB,
  expressive_send_style_id TEXT, associated_message_range_location INTEGER DEFAULT 0,
  associated_message_range_length INTEGER DEFAULT 0, time_expressive_send_played INTEGER,
  message_summary_info BLOB, destination_caller_id TEXT, is_spam INTEGER DEFAULT 0, thread_originator_guid TEXT);
"""

# Core Data model of CallHistory.storedata (iOS 13+), abridged
CALLS_DDL = """
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE Z_METADATA (Z_VERSION INTEGER PRIMARY KEY, Z_UUID VARCHAR(255), Z_PLIST BLOB);
CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZANSWERED INTEGER,
  ZCALL_CATEGORY INTEGER, ZCALLTYPE INTEGER, ZDISCONNECTED_CAUSE INTEGER, ZFACE_TIME_DATA_ID INTEGER,
  ZHANDLE_TYPE INTEGER, ZNUMBER_AVAILABILITY INTEGER, ZORIGINATED INTEGER, ZREAD INTEGER, ZDATE TIMESTAMP,
  ZDURATION FLOAT, ZADDRESS VARCHAR, ZDEVICE_ID VARCHAR, ZISO_COUNTRY_CODE VARCHAR, ZLOCATION VARCHAR,
  ZNAME VARCHAR, ZSERVICE_PROVIDER VARCHAR, ZUNIQUE_ID VARCHAR);
CREATE TABLE ZHANDLE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZTYPE INTEGER, ZVALUE VARCHAR);
"""


def apple_s(*args: int) -> float:
    return (dt.datetime(*args, tzinfo=SH) - APPLE).total_seconds()


def typedstream(text: str) -> bytes:
    """attributedBody as iOS writes it: an NSAttributedString archived with typedstream."""
    raw = text.encode("utf-8")
    length = bytes([len(raw)]) if len(raw) < 0x80 else b"\x81" + len(raw).to_bytes(2, "little")
    return (b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject"
            b"\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+" + length + raw
            + b"\x86\x84\x02iI\x01" + bytes([min(len(text), 127)]) + b"\x92\x84\x84\x84\x0cNSDictionary\x00\x94\x84"
            b"\x01i\x01\x92\x84\x96\x96\x1d__kIMMessagePartAttributeName\x86\x92\x84\x84\x84\x08NSNumber\x00\x84"
            b"\x84\x07NSValue\x00\x94\x84\x01*\x84\x99\x99\x00\x86\x86\x86")


def source(path: Path, kind: FileKind) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), kind, Status.ACCEPTED)


@pytest.fixture
def sms_db(tmp_path: Path) -> Path:
    path = tmp_path / "3d0d7e5fb2ce288813306e4d4636395e047a3d28"
    conn = sqlite3.connect(path)
    conn.executescript(SMS_DDL)
    conn.executemany("INSERT INTO handle (ROWID, id, country, service) VALUES (?, ?, 'cn', ?)",
                     [(1, "+8613757123456", "SMS"), (2, "95588", "SMS"), (3, "+8613800138000", "iMessage")])
    conn.execute("INSERT INTO chat (ROWID, guid, chat_identifier, service_name) "
                 "VALUES (1, 'SMS;-;+8613757123456', '+8613757123456', 'SMS')")
    ns = 10**9
    link = "【京东商城】您的订单异常，退款请登录 http://jd-tuikuan.cc/refund 办理。"
    notice = "您尾号1234卡3月18日20:25快捷支付支出(网银在线)5,000.00元，余额120.35元。【工商银行】"
    long_text = "验证码385716。" + "请勿泄露给任何人，" * 30
    rows = [
        # rowid, text, attributedBody, handle, date (ns), is_from_me, service, date_read, item_type, attachments
        (1, link, typedstream(link), 1, int(apple_s(2015, 3, 18, 20, 12, 5)) * ns, 0, "SMS",
         int(apple_s(2015, 3, 18, 20, 13, 0)) * ns, 0, 0),
        (2, None, typedstream("好的，怎么操作👌"), 0, int(apple_s(2015, 3, 18, 20, 16, 40)) * ns, 1, "SMS", 0, 0, 0),
        (3, None, typedstream(notice), 2, int(apple_s(2015, 3, 18, 20, 25, 41)) * ns, 0, "SMS", 0, 0, 0),
        (4, None, typedstream(long_text), 2, int(apple_s(2015, 3, 18, 20, 21, 7)) * ns, 0, "SMS", 0, 0, 0),
        (5, "\ufffc", None, 3, int(apple_s(2015, 3, 18, 20, 30, 0)) * ns, 0, "iMessage", 0, 0, 1),
        (6, None, None, 1, 0, 0, "SMS", 0, 0, 0),  # no date
        (7, None, None, 3, int(apple_s(2015, 3, 18, 20, 31, 0)) * ns, 0, "iMessage", 0, 1, 0),  # member change
        (8, None, b"\x04\x0bstreamtyped garbage", 1, int(apple_s(2015, 3, 18, 20, 32, 0)) * ns, 0, "SMS", 0, 0, 0),
    ]
    conn.executemany(
        "INSERT INTO message (ROWID, guid, text, attributedBody, handle_id, date, is_from_me, service, date_read,"
        " item_type, cache_has_attachments) VALUES (?, 'g' || ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(r[0], r[0], *r[1:]) for r in rows])
    conn.execute("INSERT INTO chat_message_join (chat_id, message_id, message_date) VALUES (1, 2, 0)")
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def calls_db(tmp_path: Path) -> Path:
    path = tmp_path / "CallHistory.storedata"
    conn = sqlite3.connect(path)
    conn.executescript(CALLS_DDL)
    rows = [
        # Z_PK, ZDATE, ZDURATION, ZADDRESS, ZORIGINATED, ZANSWERED, ZCALLTYPE, ZSERVICE_PROVIDER, ZLOCATION
        (1, apple_s(2015, 3, 18, 19, 40, 0), 95.0, "95118", 1, 0, 1, "com.apple.Telephony", ""),
        (2, apple_s(2015, 3, 18, 20, 5, 10), 1265.4, b"+8613757123456", 0, 1, 1, "com.apple.Telephony", "浙江省杭州市"),
        (3, apple_s(2015, 3, 18, 20, 40, 0), 0.0, "13757123456", 0, 0, 1, "com.apple.Telephony", "浙江省杭州市"),
        (4, apple_s(2015, 3, 18, 20, 52, 0), 33.0, "wxid_abc123", 0, 1, 0, "com.tencent.xin", None),
        (5, apple_s(2015, 3, 18, 21, 0, 0), 0.0, "+8613912345678", 1, 0, 16, "com.apple.FaceTime", None),
        (6, None, 0.0, "13757123456", 0, 0, 1, "com.apple.Telephony", None),
    ]
    conn.executemany(
        "INSERT INTO ZCALLRECORD (Z_PK, Z_ENT, Z_OPT, ZDATE, ZDURATION, ZADDRESS, ZORIGINATED, ZANSWERED, ZCALLTYPE,"
        " ZSERVICE_PROVIDER, ZLOCATION, ZISO_COUNTRY_CODE, ZUNIQUE_ID) VALUES (?, 2, 1, ?, ?, ?, ?, ?, ?, ?, ?, 'cn',"
        " 'U' || ?)", [(*r, r[0]) for r in rows])
    conn.commit()
    conn.close()
    return path


def test_sms_db(sms_db: Path):
    before = sorted(p.name for p in sms_db.parent.iterdir())
    assert sniffed(ios_sms, sms_db, sms_db.read_bytes()[:100]) is FileKind.SMS_DB
    assert sniffed(ios_calls, sms_db, sms_db.read_bytes()[:100]) is None
    assert ios_sms.validate(sms_db, "en") is None
    events, issues = ios_sms.read(source(sms_db, FileKind.SMS_DB), CTX)
    assert sorted(p.name for p in sms_db.parent.iterdir()) == before  # no -journal/-wal/-shm created
    by = {e.source.locator: e for e in events}
    assert sorted(by) == [f"message rowid {n}" for n in (1, 2, 3, 4, 5, 8)]
    assert by["message rowid 8"].details["body"] == ""  # kept: the message exists, its text is unreadable
    link = by["message rowid 1"]
    assert link.time == dt.datetime(2015, 3, 18, 20, 12, 5, tzinfo=SH) and link.basis is Basis.EXACT
    assert not link.zone_assumed and link.counterparty == "13757123456"
    assert link.attribution == "浙江省杭州市 中国移动" and link.kind is EventKind.PHISHING
    assert link.details["read_time"] == "2015-03-18T20:13:00+08:00" and link.details["service"] == "SMS"
    sent = by["message rowid 2"]
    assert sent.details["direction_of_message"] == "out"
    assert sent.details["body"] == "好的，怎么操作👌"  # text NULL: decoded from attributedBody
    assert sent.counterparty == "13757123456"  # handle_id 0: the chat's identifier
    notice = by["message rowid 3"]
    assert notice.counterparty == "95588" and notice.kind is EventKind.BANK_NOTICE
    assert notice.details["body"].startswith("您尾号1234卡3月18日20:25")
    assert by["message rowid 4"].details["body"].startswith("验证码385716。请勿泄露")  # 0x81 length form
    assert len(by["message rowid 4"].details["body"]) == 10 + 9 * 30
    imessage = by["message rowid 5"]
    # the attachment's placeholder U+FFFC is quoted as stored: the text is never edited
    assert imessage.details["attachments"] == "yes" and imessage.details["body"] == "\ufffc"
    assert imessage.details["message_type"] == "imessage"
    got = [(i.code, i.locator) for i in issues]
    assert got == [("bad_time", "message rowid 6"), ("no_text", "message rowid 8"), ("attributed_body", None)]
    assert "3" in issues[-1].message


def test_sms_db_old_schema_seconds(tmp_path: Path):
    """iOS 10: no attributedBody column, dates in seconds."""
    path = tmp_path / "sms.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
          service TEXT NOT NULL, uncanonicalized_id TEXT, UNIQUE (id, service));
        CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
          handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, date_read INTEGER, is_from_me INTEGER DEFAULT 0);
    """)
    conn.execute("INSERT INTO handle VALUES (1, '95588', 'cn', 'SMS', NULL)")
    conn.execute("INSERT INTO message VALUES (1, 'g1', '余额120.35元', 1, 'SMS', ?, 0, 0)",
                 (int(apple_s(2015, 3, 18, 20, 25, 41)),))
    conn.commit()
    conn.close()
    events, issues = ios_sms.read(source(path, FileKind.SMS_DB), CTX_EN)
    assert issues == []
    assert [(e.time, e.counterparty, e.details["body"]) for e in events] == [
        (dt.datetime(2015, 3, 18, 20, 25, 41, tzinfo=SH), "95588", "余额120.35元")]


def test_wal_is_read_from_a_copy(tmp_path: Path):
    path = tmp_path / "sms.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript("CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT NOT NULL, service TEXT);"
                       "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER,"
                       " date INTEGER, is_from_me INTEGER);")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("INSERT INTO handle VALUES (1, '95588', 'SMS')")
    conn.execute("INSERT INTO message VALUES (1, 'g', 'only in the wal', 1, ?, 0)", (int(apple_s(2015, 3, 18)),))
    conn.commit()
    wal = tmp_path / "sms.db-wal"
    # keep the writer open so the WAL is not checkpointed away; copy what a live phone dump looks like
    snapshot = tmp_path / "dump"
    snapshot.mkdir()
    (snapshot / "sms.db").write_bytes(path.read_bytes())
    (snapshot / "sms.db-wal").write_bytes(wal.read_bytes())
    conn.close()
    target = snapshot / "sms.db"
    before = {p.name: p.read_bytes() for p in snapshot.iterdir()}
    events, issues = ios_sms.read(source(target, FileKind.SMS_DB), CTX_EN)
    assert [e.details["body"] for e in events] == ["only in the wal"]
    assert [i.code for i in issues] == ["db_wal_used"]
    assert {p.name: p.read_bytes() for p in snapshot.iterdir()} == before  # originals untouched


def test_damaged_db_is_rejected_by_name(tmp_path: Path, sms_db: Path):
    broken = tmp_path / "CallHistory.storedata"
    broken.write_bytes(ios_sms.MAGIC + b"\x00" * 200)
    assert sniffed(ios_calls, broken, broken.read_bytes()) is FileKind.CALL_LOG
    assert "damaged or encrypted" in (ios_calls.validate(broken, "en") or "")
    events, issues = ios_calls.read(source(broken, FileKind.CALL_LOG), CTX_EN)
    assert events == [] and [i.code for i in issues] == ["db_unreadable"]
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    assert sniffed(ios_sms, other, other.read_bytes()[:100]) is None
    assert "handle, message" in (ios_sms.validate(other, "en") or "")


def test_call_history(calls_db: Path):
    before = sorted(p.name for p in calls_db.parent.iterdir())
    assert sniffed(ios_calls, calls_db, calls_db.read_bytes()[:100]) is FileKind.CALL_LOG
    assert sniffed(ios_sms, calls_db, calls_db.read_bytes()[:100]) is None
    events, issues = ios_calls.read(source(calls_db, FileKind.CALL_LOG), CTX)
    assert sorted(p.name for p in calls_db.parent.iterdir()) == before
    rows = [(e.source.locator, e.counterparty, e.details["call_type"], e.details["duration_s"], e.details["service"])
            for e in events]
    assert rows == [
        ("ZCALLRECORD Z_PK 1", "95118", "outgoing", "95", "phone"),
        ("ZCALLRECORD Z_PK 2", "13757123456", "incoming", "1265", "phone"),  # ZADDRESS as a BLOB
        ("ZCALLRECORD Z_PK 3", "13757123456", "missed", "0", "phone"),  # not originated, not answered
        ("ZCALLRECORD Z_PK 4", "wxid_abc123", "incoming", "33", "app"),
        ("ZCALLRECORD Z_PK 5", "13912345678", "outgoing", "0", "facetime_audio"),
    ]
    incoming = events[1]
    assert incoming.time == dt.datetime(2015, 3, 18, 20, 5, 10, tzinfo=SH) and not incoming.zone_assumed
    assert incoming.attribution == "浙江省杭州市 中国移动" and incoming.details["location"] == "浙江省杭州市"
    assert events[3].details["service_provider"] == "com.tencent.xin"
    assert [(i.code, i.locator) for i in issues] == [("bad_time", "ZCALLRECORD Z_PK 6")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), magic=st.booleans())
def test_read_never_raises_on_arbitrary_bytes(tmp_path, data, magic):
    path = tmp_path / "sms.db"
    path.write_bytes((ios_sms.MAGIC if magic else b"") + data)
    for module in (ios_sms, ios_calls):
        sniffed(module, path, path.read_bytes()[:100])
        module.validate(path, "en")
        events, issues = module.read(source(path, FileKind.SMS_DB), CTX_EN)
        assert isinstance(events, list) and isinstance(issues, list)


@given(st.binary(max_size=300))
def test_attributed_text_never_raises(blob):
    result = ios_sms.attributed_text(b"NSString\x01\x94\x84\x01+" + blob)
    assert result is None or isinstance(result, str)

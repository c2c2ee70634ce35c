"""SMS Backup & Restore sms-*.xml: the public corpus files and a Chinese fraud-night backup."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from conftest import sniffed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence import extract, times
from evidence.model import Basis, EventKind, FileKind, Severity, SourceFile, Status
from evidence.sources import sms_backup

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "sms-backup-restore"
DATA = REPO / "tests" / "data" / "sms_backup"
SH = times.zone("Asia/Shanghai")
CTX = extract.Context(tz=SH, lang="zh-Hans")
CTX_EN = extract.Context(tz=SH, lang="en")

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


def source(path: Path) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), FileKind.SMS_BACKUP,
                      Status.ACCEPTED)


def read(path: Path, ctx: extract.Context = CTX_EN):
    assert sniffed(sms_backup, path, path.read_bytes()[:8192]) is FileKind.SMS_BACKUP
    return sms_backup.read(source(path), ctx)


def sh(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


# ---- the Chinese fixture ----------------------------------------------------------------------


def test_chinese_backup_fields():
    events, issues = read(DATA / "sms-20150320103000.xml", CTX)
    by = {e.source.locator: e for e in events}
    assert sorted(by) == ["mms[1]", "sms[1]", "sms[2]", "sms[3]", "sms[4]", "sms[6]"]  # sms[5] is a draft
    assert [i.code for i in issues] == ["draft_skipped", "xml_repaired"]
    assert issues[0].locator == "sms[5]" and issues[0].severity is Severity.NOTE

    phishing = by["sms[1]"]
    assert phishing.time == sh(2015, 3, 18, 20, 12, 5) + dt.timedelta(milliseconds=417)
    assert phishing.basis is Basis.EXACT and phishing.zone_assumed is False
    assert phishing.counterparty == "13757123456"
    assert phishing.attribution == "浙江省杭州市 中国移动"
    assert phishing.details["direction_of_message"] == "in"
    assert phishing.details["body"].startswith("【京东商城】尊敬的会员")
    assert "退款&解冻" in phishing.details["body"]  # &amp; decoded once, not twice
    assert phishing.details["sent_time"] == "2015-03-18T20:12:03+08:00"
    assert phishing.details["readable_date"] == "2015年3月18日 下午8:12:05"  # kept, never parsed
    assert "contact_name" not in phishing.details  # "(Unknown)"
    assert "http://jd-tuikuan.cc/refund" in phishing.details.get("urls", "")

    reply = by["sms[2]"]
    assert reply.details["direction_of_message"] == "out"
    assert reply.details["body"] == "好的，链接已经打开了👌\n接下来怎么操作？"  # surrogate pair + &#10;
    assert "sent_time" not in reply.details  # date_sent="0"
    assert reply.counterparty == "13757123456"

    notice = by["sms[4]"]
    assert notice.counterparty == "95588" and notice.attribution == "中国工商银行"
    assert notice.details["body"] == (
        "您尾号1234卡3月18日20:25快捷支付支出(网银在线)5,000.00元，余额120.35元。【工商银行】")
    assert notice.time == sh(2015, 3, 18, 20, 25, 41) + dt.timedelta(milliseconds=417)

    mms = by["mms[1]"]
    assert mms.counterparty == "13757123456"  # +86 stripped, sender from addr type 137
    assert mms.details["message_type"] == "mms"
    assert mms.details["body"] == "退款流程截图：按图操作，验证码发给客服即可到账😊"
    assert mms.details["attachments"] == "tk.png (image/png)"
    assert mms.details["sent_time"] == "2015-03-18T20:29:58+08:00"  # date_sent in seconds
    assert mms.time == sh(2015, 3, 18, 20, 30, 0)

    assert by["sms[6]"].details["direction_of_message"] == "out"


def test_icbc_notice_is_classified_as_bank_notice():
    """Integration with notices.classify (owned elsewhere): the obvious ICBC debit."""
    events, _ = read(DATA / "sms-20150320103000.xml", CTX)
    notice = next(e for e in events if e.source.locator == "sms[4]")
    assert notice.kind is EventKind.BANK_NOTICE


def test_english_labels():
    events, issues = read(DATA / "sms-20150320103000.xml", CTX_EN)
    assert "draft" in issues[0].message
    assert next(e for e in events if e.source.locator == "sms[6]").summary.startswith("SMS to 13757123456")


# ---- the public corpus --------------------------------------------------------------------


@needs_corpus
def test_corpus_sms_small():
    events, issues = read(CORPUS / "devadvance__sms_small.xml")
    assert issues == []
    assert len(events) == 12
    assert sum(e.details["direction_of_message"] == "out" for e in events) == 4
    first = events[0]
    assert first.source.locator == "sms[1]"
    assert first.time == dt.datetime(2017, 12, 2, 14, 49, 27, 463000, tzinfo=dt.UTC)
    assert first.details["sent_time"] == times.iso(times.from_epoch_ms(1512226166000), SH)
    assert first.details["contact_name"] == "Contact A"
    assert "subject" not in first.details  # the string "null"
    ten = next(e for e in events if e.source.locator == "sms[10]")
    assert ten.details["body"] == "Body text 10\nBody text 11\nBody text 12"
    assert all("sent_time" not in e.details for e in events if e.details["direction_of_message"] == "out")


@needs_corpus
def test_corpus_truncated_sms_and_mms():
    path = CORPUS / "devadvance__sms_and_mms.xml"
    assert sms_backup.validate(path, "en") is None  # truncated but has complete records: accepted
    events, issues = read(path)
    sms = [e for e in events if e.details["message_type"] == "sms"]
    mms = [e for e in events if e.details["message_type"] == "mms"]
    assert (len(sms), len(mms)) == (41, 8)
    assert sum(e.details["direction_of_message"] == "in" for e in sms) == 21
    codes = {i.code: i for i in issues}
    assert set(codes) == {"xml_truncated", "xml_count_mismatch"}
    truncated = codes["xml_truncated"]
    assert "truncated after record 49" in truncated.message and truncated.locator == "mms[8]"
    assert "+15550000009~+15550000012~+15550000013" in truncated.message  # the unfinished 9th MMS
    assert "58" in codes["xml_count_mismatch"].message and "49" in codes["xml_count_mismatch"].message
    # date_sent in seconds next to date in ms
    received = [e for e in mms if e.details["direction_of_message"] == "in"]
    assert len(received) == 6
    m = next(e for e in received if e.time == times.from_epoch_ms(1720997593000))
    assert m.details["sent_time"] == times.iso(times.from_epoch_s(1720997593), SH)
    group = "group_8@rcs.google.com"
    groups = [e for e in mms if group in (e.counterparty, e.details.get("conversation"))]
    assert len(groups) == 3
    sent = next(e for e in groups if e.details["direction_of_message"] == "out")
    assert sent.counterparty == "+15550000009" and sent.details["recipients"].startswith("+15550000009 +15550000006")
    # received in the group: the sender is the type-137 addr, not the group id
    assert sorted(e.counterparty for e in groups if e.details["direction_of_message"] == "in") == [
        "+15550000009", "+15550000010"]


@needs_corpus
def test_corpus_minimal_mms_sender_from_addr_137():
    events, issues = read(CORPUS / "shruggietech__minimal_mms.xml")
    assert issues == []
    (mms,) = events
    assert mms.counterparty == "+15559876543"  # not the address attribute +15551234567
    assert mms.details["body"] == "Hello from MMS!"
    assert mms.details["subject"] == "Test MMS Subject"
    assert mms.details["attachments"] == "image.jpg (image/jpeg)"
    assert mms.time == dt.datetime(2021, 1, 2, tzinfo=dt.UTC)


@needs_corpus
def test_corpus_edge_cases_hex_references():
    events, issues = read(CORPUS / "shruggietech__edge_cases.xml")
    assert issues == []
    assert [e.source.locator for e in events] == ["sms[1]", "sms[2]", "sms[3]", "mms[1]"]
    assert events[1].details["body"] == "Hello 🌍 — this has «special» chars & symbols < > \" '"
    assert events[2].details["body"] == ""
    assert events[3].details["body"] == "" and "attachments" not in events[3].details
    assert events[3].counterparty == "+15557778888"  # no <addrs>: the address attribute


@needs_corpus
def test_corpus_mixed_skips_draft():
    events, issues = read(CORPUS / "shruggietech__mixed.xml")
    assert [e.source.locator for e in events] == ["sms[1]", "mms[1]", "sms[2]"]
    assert [(i.code, i.locator) for i in issues] == [("draft_skipped", "sms[3]")]


@needs_corpus
def test_corpus_small_files():
    events, issues = read(CORPUS / "devadvance__sample_small.xml")
    assert len(events) == 7 and issues == []
    no_sender = next(e for e in events if e.source.locator == "mms[1]")
    assert no_sender.counterparty == "+15550000001"  # only a type-130 addr: the address attribute
    assert read(CORPUS / "devadvance__empty.xml") == ([], [])
    assert sms_backup.validate(CORPUS / "devadvance__empty.xml", "en") is None
    events, issues = read(CORPUS / "devadvance__corrupt_attachments.xml")
    assert len(events) == 2
    assert [(i.code, i.locator) for i in issues] == [("attachment_bad", "mms[1]"), ("attachment_bad", "mms[2]")]
    events, issues = read(CORPUS / "devadvance__sample_mms.xml")
    assert len(events) == 4 and issues == []  # valid base64 of truncated media is not our business
    events, issues = read(CORPUS / "shruggietech__minimal_sms.xml")
    assert len(events) == 1 and events[0].details["body"] == "Happy New Year! This is a test message."


@needs_corpus
def test_corpus_malformed_is_rejected():
    path = CORPUS / "shruggietech__malformed.xml"
    assert sniffed(sms_backup, path, path.read_bytes()) is FileKind.SMS_BACKUP
    reason = sms_backup.validate(path, "en")
    assert reason is not None and "not a readable XML backup" in reason
    assert "损坏" in (sms_backup.validate(path, "zh-Hans") or "")
    events, issues = sms_backup.read(source(path), CTX_EN)  # even if asked to read: no crash
    assert events == [] and [i.code for i in issues] == ["xml_malformed"]


@needs_corpus
def test_calls_file_is_not_an_sms_backup():
    path = CORPUS / "shruggietech__minimal_calls.xml"
    assert sniffed(sms_backup, path, path.read_bytes()) is None


# ---- hostile and broken input ------------------------------------------------------------


def test_doctype_is_rejected_and_never_expanded(tmp_path):
    bomb = tmp_path / "sms-bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<smses count="1"><sms address="95588" date="1426681541417" type="1" body="&b;&x;" /></smses>\n',
        encoding="utf-8")
    assert sniffed(sms_backup, bomb, bomb.read_bytes()) is FileKind.SMS_BACKUP
    reason = sms_backup.validate(bomb, "en")
    assert reason is not None and reason.startswith("XML contains a DOCTYPE/entity declaration")
    events, issues = sms_backup.read(source(bomb), CTX_EN)
    assert events == [] and [i.code for i in issues] == ["xml_doctype"]


def test_bad_record_is_skipped_rest_kept(tmp_path):
    path = tmp_path / "sms-1.xml"
    path.write_text(
        '<smses count="3">'
        '<sms address="95588" date="bad" type="1" body="x" />'
        '<sms address="95588" date="999999999999999999999999999999" type="1" body="y" />'
        '<sms address="13757123456" date="1426681541417" type="1" body="z" /></smses>', encoding="utf-8")
    events, issues = sms_backup.read(source(path), CTX_EN)
    assert [e.source.locator for e in events] == ["sms[3]"]
    assert [(i.code, i.locator) for i in issues] == [("bad_time", "sms[1]"), ("bad_time", "sms[2]")]


def test_utf16_backup_with_bom(tmp_path):
    path = tmp_path / "sms-utf16.xml"
    text = ('<?xml version="1.0" encoding="UTF-16"?>\n<smses count="1"><sms address="95588" '
            'date="1426681541417" type="1" body="余额&#55357;&#56396;" /></smses>')
    path.write_bytes(text.encode("utf-16"))
    assert sniffed(sms_backup, path, path.read_bytes()[:100]) is FileKind.SMS_BACKUP
    events, issues = sms_backup.read(source(path), CTX_EN)
    assert [e.details["body"] for e in events] == ["余额👌"]
    assert [i.code for i in issues] == ["xml_repaired"]


def test_streaming_large_backup_keeps_memory_flat(tmp_path):
    """10 000 MMS with 2 KB of base64 each (20 MB): read in a stream, every record kept."""
    path = tmp_path / "sms-big.xml"
    blob = "QUJD" * 512
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<smses count="10000">\n')
        for i in range(10000):
            f.write(f'<mms date="{1426681541417 + i}" msg_box="1" address="+8613757123456"><parts>'
                    f'<part ct="image/png" name="p{i}.png" data="{blob}" />'
                    f'<part ct="text/plain" text="&#55357;&#56396; {i}" /></parts>'
                    f'<addrs><addr address="+8613757123456" type="137" /></addrs></mms>\n')
        f.write("</smses>\n")
    events, issues = sms_backup.read(source(path), CTX_EN)
    assert len(events) == 10000
    assert events[-1].details["body"] == "👌 9999" and events[-1].source.locator == "mms[10000]"
    assert [i.code for i in issues] == ["xml_repaired"] and "10000" in issues[0].message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), prefix=st.sampled_from([b"", b"<smses count='2'>", b"<smses><sms date='1'"]))
def test_read_never_raises_on_arbitrary_bytes(tmp_path, data, prefix):
    path = tmp_path / "sms-fuzz.xml"
    path.write_bytes(prefix + data)
    sniffed(sms_backup, path, prefix + data)
    sms_backup.validate(path, "en")
    events, issues = sms_backup.read(source(path), CTX_EN)
    assert isinstance(events, list) and isinstance(issues, list)


def test_each_number_is_attributed_once_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 23: a backup repeats a few numbers over many messages; each is attributed once per
    read (the memory is the read's own: a second read asks again), with the same events."""
    from evidence import phones

    rows = "".join(
        f'<sms address="{n}" date="{1426682400000 + i * 1000}" type="{1 + i % 2}" body="第{i}条 收到" />'
        for i, n in enumerate(["13757123456", "95588", "13757123456", "0571-87654321"] * 25))
    path = tmp_path / "sms-20150320.xml"
    path.write_text(f"<?xml version='1.0' encoding='UTF-8'?><smses count=\"100\">{rows}</smses>", "utf-8")
    unremembered, _ = sms_backup.read(source(path), CTX)
    asked: list[str] = []
    attribute = phones.attribute

    def counted(number: str, lang: str = "zh-Hans") -> str | None:
        asked.append(number)
        return attribute(number, lang)

    monkeypatch.setattr(phones, "attribute", counted)
    events, _ = sms_backup.read(source(path), CTX)
    assert len(events) == 100 and events == unremembered
    assert sorted(asked) == ["057187654321", "13757123456", "95588"]
    assert events[0].attribution == attribute("13757123456") and "13757123456（" in events[0].summary
    sms_backup.read(source(path), CTX)
    assert len(asked) == 6  # nothing kept between reads

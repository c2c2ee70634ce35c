"""checklist.py and `evidence check`: a victim's real phone exports, read back as a report."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import VICTIM_TOML, make_case
from typer.testing import CliRunner

import cli
from evidence import checklist, collect, config, extract, timeline, times
from evidence.model import Basis, Direction, Event, EventKind, SourceRef, Victim

WHEN = dt.datetime(2015, 3, 25, 2, 0, tzinfo=dt.UTC)
SH = times.zone("Asia/Shanghai")


def ms(y: int, mo: int, d: int, h: int, mi: int) -> int:
    """Epoch ms of a Shanghai wall-clock time, as SMS Backup & Restore writes `date`."""
    return int(dt.datetime(y, mo, d, h, mi, tzinfo=SH).timestamp() * 1000)


def sms_xml(messages: list[tuple[str, int, str]]) -> str:
    rows = "\n".join(
        f'  <sms protocol="0" address="{addr}" date="{date}" type="1" subject="null" '
        f'body="{body}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" '
        f'locked="0" date_sent="0" readable_date="" contact_name="(Unknown)" />'
        for addr, date, body in messages)
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
            f'<smses count="{len(messages)}">\n{rows}\n</smses>\n')


def calls_xml(calls: list[tuple[str, int, int, int]]) -> str:
    rows = "\n".join(
        f'  <call number="{num}" duration="{dur}" date="{date}" type="{kind}" presentation="1" '
        f'readable_date="" contact_name="(Unknown)" />' for num, date, dur, kind in calls)
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
            f'<calls count="{len(calls)}">\n{rows}\n</calls>\n')


DEBIT = "您尾号0123卡3月18日20:40网上银行支出(消费){amount}元，余额1.00元。【工商银行】"


def victim_files(folder: Path, debit_amounts: list[str], routine: str | None = None) -> None:
    """Order 20:05 (victim.toml), fake customer service calls 20:25, link + OTP, ICBC debits.

    `routine`: an ordinary debit at 19:00, before the fraud, which the claim must not include.
    """
    (folder / "短信").mkdir()
    (folder / "通话").mkdir()
    messages = [
        ("13757123456", ms(2015, 3, 18, 20, 30), "【京东客服】您的订单退款请登录 http://jd-refund.cn 办理"),
        ("1069012345", ms(2015, 3, 18, 20, 35), "【京东】验证码：123456，您正在进行退款操作，切勿告知他人。"),
    ]
    messages += [("95588", ms(2015, 3, 18, 20, 40 + i), DEBIT.format(amount=a))
                 for i, a in enumerate(debit_amounts)]
    if routine:
        messages.append(("95588", ms(2015, 3, 18, 19, 0), DEBIT.replace("20:40", "19:00").format(
            amount=routine)))
    (folder / "短信/sms-20150318.xml").write_text(sms_xml(messages), encoding="utf-8")
    (folder / "通话/calls-20150318.xml").write_text(
        calls_xml([("13757123456", ms(2015, 3, 18, 20, 25), 610, 1)]), encoding="utf-8")


@pytest.fixture
def case_folder(tmp_path, corpus) -> Path:
    folder = make_case(tmp_path, {"V001": VICTIM_TOML, "V002": VICTIM_TOML, "V003": None},
                       language="zh-Hans")
    victim_files(folder / "victims/V001", ["39,999.00"])
    victim_files(folder / "victims/V002", ["30,000.00", "10,000.00"], routine="100.00")
    shutil.copy(corpus / "images/exif-samples__HMD_Nokia_8.3_5G.jpg", folder / "victims/V002/退款.jpg")
    (folder / "victims/V002/empty.png").write_bytes(b"")
    return folder


def gathered(folder: Path, victim_id: str) -> collect.Collected:
    case, _ = config.load_case(folder)
    return collect.victim(case, victim_id, not_after=WHEN)


def test_checklist_from_real_exports(case_folder):
    one = checklist.build(gathered(case_folder, "V001"))
    assert [(i.key, i.ok) for i in one.items] == [
        ("has_order", True), ("has_fraud_call", True), ("has_phishing_or_code_sms", True),
        ("has_bank_debit", True), ("debits_match_claim", False), ("recording_transcripts", True)]
    assert one.item("has_order").detail == "订单 9134567890"
    assert one.item("has_fraud_call").detail.startswith("2015-03-18 20:25:00 来电 13757123456")
    assert one.item("has_fraud_call").detail.endswith("下单后 20分钟")
    assert one.item("has_phishing_or_code_sms").detail == "2 条（首条 2015-03-18 20:30:00）"
    assert one.item("has_bank_debit").detail == "1 笔，合计 39,999.00 元"
    match = one.item("debits_match_claim")
    assert match.detail == "不一致：诈骗来电后扣款合计 39,999.00 元，主张损失 40,000.00 元，相差 1.00 元"
    assert match.values == {"debited": "39999.00", "claimed": "40000.00", "difference": "1.00",
                            "status": "differs", "from": "first_call"}
    assert not one.complete
    two = checklist.build(gathered(case_folder, "V002"))
    assert two.complete
    # the routine 100.00 debit before the fraud call is evidence, but not part of the claim
    assert two.item("has_bank_debit").detail == "3 笔，合计 40,100.00 元"
    assert two.item("debits_match_claim").detail == (
        "一致：诈骗来电后扣款合计 40,000.00 元 = 主张损失 40,000.00 元")


def test_checklist_without_config_or_evidence(case_folder):
    three = checklist.build(gathered(case_folder, "V003"))
    assert [(i.key, i.ok) for i in three.items] == [
        ("has_order", False), ("has_fraud_call", False), ("has_phishing_or_code_sms", False),
        ("has_bank_debit", False), ("debits_match_claim", None), ("recording_transcripts", True)]
    assert three.item("recording_transcripts").detail == "无录音，不需要录音笔录"
    assert three.item("debits_match_claim").values["status"] == "no_claim"


def test_checklist_in_english_from_events():
    ctx = extract.Context(tz=SH, lang="en", not_after=WHEN)
    victim = Victim(id="V1", folder=Path("/nonexistent"), claimed_loss=Decimal("500"))
    ref = SourceRef("statement.csv", "0" * 64, "row 2")
    row = Event(time=dt.datetime(2015, 3, 18, 20, 41, tzinfo=SH), basis=Basis.EXACT,
                kind=EventKind.TRANSACTION, summary="debit", source=ref, amount=Decimal("500.00"),
                direction=Direction.DEBIT)
    tl = timeline.build([row], victim, ctx)
    result = checklist.evaluate(victim, tl.events, tl.facts, "en", SH)
    # no bank SMS: the statement row is the debit evidence
    assert result.item("has_bank_debit").detail == "1 debit(s), CNY 500.00 in total"
    assert result.item("debits_match_claim").detail == (
        "match: debits CNY 500.00 = claimed loss CNY 500.00")
    assert result.item("has_order").detail == (
        "no [[orders]] in victim.toml and no order found in the evidence")


# ---- the command --------------------------------------------------------------------------


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(*args: str):
    return CliRunner().invoke(cli.app, list(args))


def test_check_json_shape_and_exit_code(case_folder):
    before = hashes(case_folder)
    result = invoke("check", str(case_folder), "--json")
    # V003 has no victim.toml: a config error -> 4 (rejected files alone would give 3)
    assert result.exit_code == 4, result.output
    doc = json.loads(result.stdout)
    assert list(doc) == ["victims"]
    assert [v["id"] for v in doc["victims"]] == ["V001", "V002", "V003"]
    for v in doc["victims"]:
        assert list(v) == ["id", "files", "problems", "checklist"]
        for f in v["files"]:
            assert list(f) == ["path", "sha256", "size", "kind", "status", "reason"]
        for p in v["problems"]:
            assert list(p) == ["severity", "code", "message", "path", "locator"]
        assert list(v["checklist"]) == list(checklist.KEYS)
    v2 = doc["victims"][1]
    files = {f["path"]: f for f in v2["files"]}
    assert files["通话/calls-20150318.xml"]["kind"] == "call_log"
    assert files["短信/sms-20150318.xml"] == {
        "path": "短信/sms-20150318.xml", "sha256": before["victims/V002/短信/sms-20150318.xml"],
        "size": (case_folder / "victims/V002/短信/sms-20150318.xml").stat().st_size,
        "kind": "sms_backup", "status": "accepted", "reason": None}
    assert files["empty.png"]["status"] == "rejected"
    assert files["empty.png"]["reason"] == "文件为空（0 字节）：请当事人重新发送该文件。"
    assert {"severity": "error", "code": "zero_byte", "message": files["empty.png"]["reason"],
            "path": "empty.png", "locator": None} in v2["problems"]
    assert v2["checklist"]["debits_match_claim"]["status"] == "equal"
    assert [p["code"] for p in doc["victims"][2]["problems"]] == ["victim_toml_missing"]
    # check only reads
    assert hashes(case_folder) == before


def test_check_exit_codes_per_victim(case_folder):
    assert invoke("check", str(case_folder), "--victim", "V001", "--json").exit_code == 0
    assert invoke("check", str(case_folder), "--victim", "V002", "--json").exit_code == 3
    assert invoke("check", str(case_folder), "--victim", "V003", "--json").exit_code == 4
    unknown = invoke("check", str(case_folder), "--victim", "V999")
    assert unknown.exit_code == 2
    assert "no victim folder" in unknown.stderr and "V001, V002, V003" in unknown.stderr


def test_check_human_table(case_folder):
    result = CliRunner().invoke(cli.app, ["check", str(case_folder), "--victim", "V002"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 3
    out = result.stdout
    assert "当事人 V002" in out and "短信/sms-20150318.xml" in out and "已拒收" in out
    assert "文件为空（0 字节）" in out
    assert "完整性核对" in out and "扣款合计与主张损失：一致：诈骗来电后扣款合计 40,000.00 元" in out
    assert "4 个文件：接受 3，拒收 1，重复 0" in out


def test_check_bad_case_toml_is_one_sentence_on_stderr_exit_4(tmp_path):
    folder = make_case(tmp_path, [], case_toml='[case]\ntitle = "x\n')
    result = invoke("check", str(folder))
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "case.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_case_toml_warnings_go_to_stderr_and_json_stays_clean(tmp_path):
    folder = make_case(tmp_path, [], case_toml='[case]\ntitle = "x"\ncourt_name = "y"\n')
    result = invoke("check", str(folder), "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"victims": []}
    assert "case.court_name" in result.stderr


def test_originals_unchanged_after_intake_and_check(tmp_path, corpus):
    folder = make_case(tmp_path, [])
    src = tmp_path / "提交"
    src.mkdir()
    shutil.copy(corpus / "images/exif-samples__HMD_Nokia_8.3_5G.jpg", src / "a.jpg")
    shutil.copy(corpus / "sms-backup-restore/devadvance__sms_small.xml", src / "sms.xml")
    assert invoke("intake", str(src), "--case", str(folder), "--victim", "V1").exit_code == 0
    originals = folder / "victims/V1/originals"
    before = hashes(originals)
    assert before == {"a.jpg": hashes(src)["a.jpg"], "sms.xml": hashes(src)["sms.xml"]}
    stat_before = {p: (originals / p).stat().st_mtime_ns for p in before}
    result = invoke("check", str(folder), "--json")
    assert result.exit_code == 0, result.output
    assert hashes(originals) == before
    assert {p: (originals / p).stat().st_mtime_ns for p in before} == stat_before


def test_check_shows_a_note_repeated_per_file_once_with_a_count(tmp_path):
    """The case zone applied to six files is one line with "5 more", not six; --json keeps all."""
    from evidence import sample

    sample.generate(tmp_path / "case", victims=1, seed=7, scale="small")
    human = CliRunner().invoke(cli.app, ["check", str(tmp_path / "case")], env={"COLUMNS": "200"})
    data = json.loads(invoke("check", str(tmp_path / "case"), "--json").stdout)
    notes = [p for p in data["victims"][0]["problems"] if p["code"] == "zone_assumed"]
    assert len(notes) >= 3  # the sample has several files whose times carry no zone
    lines = [line for line in human.stdout.splitlines() if "没有时区" in line]
    assert len(lines) == 1
    assert lines[0].strip() == f"· {notes[0]['message']} （另有 {len(notes) - 1} 个文件同样；逐个见 check --json）"

"""A bank SMS a victim pasted into a note AND has in the phone's export is one message: the pasted
copy (timed by the text, to the minute) joins the exported one (timed on receipt, seconds later)
and the debit counts once. Two equal debits stay two, each with its own copy. Read back from the
timeline JSON the CLI writes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

import cli
from tests.conftest import CASE_TOML, make_case
from tests.test_review_dossier import _sbr

SH = dt.timezone(dt.timedelta(hours=8))
DEBIT = "您尾号6217卡3月18日20:31快捷支付支出(网银在线-京东商城)20,000元。【工商银行】"  # no balance
OTHER = "您尾号6217卡3月18日20:52快捷支付支出(网银在线-京东商城)8,000元。【工商银行】"


def _timeline(tmp_path: Path, xml: list[tuple[str, str, int]], note: str) -> dict:
    case = make_case(tmp_path, case_toml=CASE_TOML.format(language="zh-Hans") + 'period = "2015-03-01/2015-04-30"\n')
    originals = case / "victims" / "V001" / "originals"
    originals.mkdir()
    _sbr(originals / "sms-20150320.xml", xml)
    (originals / "银行短信.txt").write_text(note, encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["timeline", str(case), "--victim", "V001", "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _ms(minute: int, second: int) -> int:
    return int(dt.datetime(2015, 3, 18, 20, minute, second, tzinfo=SH).timestamp() * 1000)


def test_a_pasted_copy_of_an_exported_notice_counts_once(tmp_path: Path) -> None:
    data = _timeline(tmp_path, [("95588", DEBIT, _ms(31, 40))], f"95588：{DEBIT}\n\n{OTHER}\n")
    assert data["facts"]["total_debited"] == "28000.00"
    notices = [e for e in data["events"] if e["kind"] == "bank_notice"]
    assert len(notices) == 2
    first = notices[0]
    assert first["source"]["path"].endswith("sms-20150320.xml")  # the export, timed on receipt
    assert [a["path"] for a in first["also"]] == ["originals/银行短信.txt"]
    assert notices[1]["source"]["path"] == "originals/银行短信.txt"  # 8,000: only in the note


def test_two_equal_debits_with_their_two_pasted_copies_stay_two(tmp_path: Path) -> None:
    xml = [("95588", DEBIT, _ms(31, 40)), ("95588", DEBIT, _ms(31, 55))]
    data = _timeline(tmp_path, xml, f"95588：{DEBIT}\n\n{DEBIT}\n")  # the second pasted without sender
    assert data["facts"]["total_debited"] == "40000.00"
    notices = [e for e in data["events"] if e["kind"] == "bank_notice"]
    assert [len(e["also"]) for e in notices] == [1, 1]
    assert {a["locator"] for e in notices for a in e["also"]} == {"line 1", "line 3"}

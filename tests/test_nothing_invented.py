"""issue 16, "nothing invented", read back from what a build writes.

A call log without a duration column must print "duration unknown", never 0 秒; a message must be
quoted exactly as the phone stored it (spaces, line breaks, full-width characters), whatever
normalised copy was used to classify it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import make_case

from evidence import config, pipeline

BODY = "  您尾号６２１７卡3月18日20:31快捷支付支出(网银在线)20,000.00元，\n余额228,000.36元。【工商银行】 "
SMS_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"1\">\n"
    '  <sms protocol="0" address="95588" date="1426681902417" type="1" subject="null" '
    f'body="{BODY.replace(chr(10), "&#10;")}" toa="null" sc_toa="null" service_center="null" read="1" '
    'status="-1" locked="0" date_sent="0" readable_date="2015年3月18日 下午8:31:42" contact_name="(Unknown)" />\n'
    "</smses>\n")
CALLS = "号码,通话类型,通话时间\r\n13757123456,呼入,2015-03-18 20:05:10\r\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("invented")
    case_folder = make_case(root)
    folder = case_folder / "victims" / "V001" / "originals"
    folder.mkdir()
    (folder / "sms-20150320.xml").write_text(SMS_XML, encoding="utf-8")
    (folder / "通话记录.csv").write_bytes(CALLS.encode("gbk"))
    case, _ = config.load_case(case_folder)
    out = root / "out"
    pipeline.build_victim(case, "V001", out)
    return out / "V001"


def test_a_call_without_a_duration_is_printed_as_unknown(built: Path) -> None:
    events = json.loads((built / "timeline.json").read_text(encoding="utf-8"))["events"]
    call = next(e for e in events if e["kind"] == "call")
    assert "duration_s" not in call["details"] and "时长未知" in call["summary"]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(built / "dossier.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())  # the chronology wraps the summary over two lines
    assert "来电：13757123456" in flat and "通话时长未知" in flat
    assert "通话0秒" not in flat
    inventory = json.loads((built / "inventory.json").read_text(encoding="utf-8"))
    problems = {i["code"] for i in inventory["problems"]}
    assert "duration_column_missing" in problems


def test_the_quoted_message_is_the_original_text(built: Path) -> None:
    events = json.loads((built / "timeline.json").read_text(encoding="utf-8"))["events"]
    notice = next(e for e in events if e["kind"] == "bank_notice")
    assert notice["details"]["body"] == BODY  # not trimmed, not NFKC-normalised
    assert notice["amount"] == "20000.00" and notice["details"]["card_tail"] == "6217"

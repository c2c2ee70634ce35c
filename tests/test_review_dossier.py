"""A notice whose direction the words leave open is shown in the dossier's chronology as
方向待核实 with its full text, and is counted in no total; a balance contradiction names both
messages in the chronology. Read back from the built PDF and claims data."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from evidence import collect, config, joint, pipeline, verify
from tests.conftest import make_case

DEBIT = "尾号6217卡3月18日20:31快捷支付支出(网银在线)20,000元，余额1,500.00元。【工商银行】"
UNDECIDED = "【工商银行】您尾号6217账户3月18日20:40转账9,999.00元。"  # 转账 alone: which way?


def _sbr(path: Path, messages: list[tuple[str, str, int]]) -> None:
    rows = "\n".join(
        f'  <sms protocol="0" address={quoteattr(a)} date="{ms}" type="1" body={quoteattr(b)} read="1" />'
        for a, b, ms in messages)
    path.write_text(f"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"{len(messages)}\">\n"
                    f"{rows}\n</smses>\n", encoding="utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler not installed")
def test_undecided_notice_is_shown_in_the_chronology_and_counted_nowhere(tmp_path: Path) -> None:
    case_dir = make_case(tmp_path)
    orig = case_dir / "victims" / "V001" / "originals"
    orig.mkdir()
    t = int(dt.datetime(2015, 3, 18, 20, 31, 40, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp() * 1000)
    _sbr(orig / "sms-20150320.xml", [("95588", DEBIT, t), ("95588", UNDECIDED, t + 9 * 60_000)])
    case, _ = config.load_case(case_dir)
    got = collect.victim(case, "V001")
    review = [e for e in got.timeline.events if e.details.get("needs_review") == "true"]
    assert len(review) == 1 and review[0].direction is None
    assert got.timeline.facts.total_debited == Decimal("20000")
    assert joint.claimant(got.victim, got.timeline).amount_lost == Decimal("20000")

    result = pipeline.build_collected(got, tmp_path / "out")
    assert result.dossier is not None
    text = "".join("".join(verify.page_texts(result.dossier)).split())
    assert "方向待核实" in text
    assert "".join(UNDECIDED.split()) in text  # the full text, as the bank wrote it
    assert "29,999" not in text  # never added to the debit total
    # its amount in the chronology carries neither sign; the note is on its own line under the
    # whole amount (the next column's text may fall between them once the page text is joined)
    assert re.search(r"9,999\.00[^（]{0,12}（方向待核实）", text)
    assert "+9,999.00" not in text and "-9,999.00" not in text

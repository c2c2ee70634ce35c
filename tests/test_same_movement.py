"""What a claimant's loss must not count twice (evidence/movements.py). One payment told by the bank
and by the payment platform counts once: the bank's notice is counted, the platform's is shown and
marked for review; two equal debits of one bank, and a platform debit with no bank notice beside
it, each count. A debit that a later reversal returns to the same card is shown for review and not
counted. Read back from the collected facts, the claims figure, the timeline JSON and the built
dossier's text."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from evidence import collect, config, joint, pipeline, verify
from evidence.model import Direction
from tests.conftest import make_case
from tests.test_review_dossier import _sbr

SH = dt.timezone(dt.timedelta(hours=8))
BANK = "您尾号6217卡3月18日20:31快捷支付支出(支付宝-淘宝)3,999元，余额1,500.00元。【工商银行】"
ALIPAY = "【支付宝】你有一笔3999.00元的支出，点击查看详情。"  # the same payment, by the platform
STEP = "您尾号6217卡3月18日20:40网上银行支出(跨行汇款)5,000元，余额{b}元。【工商银行】"  # equal steps
JD = "【京东支付】您尾号8801的银行卡于3月18日20:50成功支付2000.00元。"  # no bank notice of its own


def _ms(hour: int, minute: int, second: int = 0) -> int:
    return int(dt.datetime(2015, 3, 18, hour, minute, second, tzinfo=SH).timestamp() * 1000)


def _case(tmp_path: Path) -> Path:
    case_dir = make_case(tmp_path)
    orig = case_dir / "victims" / "V001" / "originals"
    orig.mkdir()
    _sbr(orig / "sms-20150320.xml", [
        ("95588", BANK, _ms(20, 31, 40)), ("95188", ALIPAY, _ms(20, 32, 5)),
        ("95588", STEP.format(b="1,000.00"), _ms(20, 40, 30)), ("95588", STEP.format(b="-4,000.00"), _ms(20, 41)),
        ("95118", JD, _ms(20, 50, 20)),
    ])
    return case_dir


def test_one_payment_two_notices_counts_once(tmp_path: Path) -> None:
    case, _ = config.load_case(_case(tmp_path))
    got = collect.victim(case, "V001")
    facts = got.timeline.facts
    assert facts.total_debited == Decimal("3999") + 2 * Decimal("5000") + Decimal("2000")
    claimant = joint.claimant(got.victim, got.timeline)
    assert claimant.amount_lost == facts.total_debited and claimant.held == Decimal("3999.00")
    marked = [e for e in got.timeline.events if e.details.get("needs_review") == "true"]
    assert [e.source.locator for e in marked] == ["sms[2]"]  # the platform's notice, not the bank's
    assert marked[0].amount == Decimal("3999.00") and "sms[1]" in marked[0].details["review_reason"]
    issues = [i for i in got.timeline.issues if i.code == "same_movement"]
    assert [(i.path, i.locator) for i in issues] == [("originals/sms-20150320.xml", "sms[2]")]


def test_the_timeline_json_says_which_notice_was_not_counted(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["timeline", str(_case(tmp_path)), "--victim", "V001", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["facts"]["total_debited"] == "15999.00"
    notices = {e["source"]["locator"]: e for e in data["events"] if e["kind"] == "bank_notice"}
    assert notices["sms[2]"]["details"]["needs_review"] == "true"
    assert all("needs_review" not in notices[k]["details"] for k in ("sms[1]", "sms[3]", "sms[4]", "sms[5]"))


def test_far_apart_or_different_cards_are_two_payments(tmp_path: Path) -> None:
    case_dir = make_case(tmp_path)
    orig = case_dir / "victims" / "V001" / "originals"
    orig.mkdir()
    other_card = "【京东支付】您尾号9900的银行卡于3月18日20:31成功支付3999.00元。"
    late = "【支付宝】你有一笔3999.00元的支出，点击查看详情。"
    _sbr(orig / "sms.xml", [("95588", BANK, _ms(20, 31, 40)), ("95118", other_card, _ms(20, 31, 50)),
                            ("95188", late, _ms(21, 0))])
    case, _ = config.load_case(case_dir)
    got = collect.victim(case, "V001")
    assert not [e for e in got.timeline.events if e.details.get("needs_review") == "true"]
    assert got.timeline.facts.total_debited == 3 * Decimal("3999")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler not installed")
def test_the_dossier_shows_the_repeated_notice_for_review(tmp_path: Path) -> None:
    case, _ = config.load_case(_case(tmp_path))
    result = pipeline.build_collected(collect.victim(case, "V001"), tmp_path / "out")
    assert result.dossier is not None
    text = "".join("".join(verify.page_texts(result.dossier)).split())
    assert "待核实：似与" in text and "同一金额的银行通知为同一笔款项" in text  # (the row may wrap)
    assert "【待核实，未计入合计】originals/sms-20150320.xmlsms[2]" in text
    assert "15,999.00" in text and "19,998.00" not in text
    # the summary says how much waits on review, apart from every total
    assert "待核实、未计入的扣款通知1笔，3,999.00元（未计入以上合计" in text


REVERSED = "您尾号6217卡3月18日20:35快捷支付支出冲正3,999元，余额5,499.00元。【工商银行】"
REFUND_OTHER_CARD = "您尾号7777卡3月19日10:02退款收入(淘宝)3,999元，余额9,999.00元。【工商银行】"
PAID_IN = "您尾号6217卡3月19日09:00手机银行转入(李*)3,999元，余额9,498.00元。【工商银行】"


def _returned_case(tmp_path: Path, later: list[tuple[str, str, int]]) -> collect.Collected:
    case_dir = make_case(tmp_path)
    orig = case_dir / "victims" / "V001" / "originals"
    orig.mkdir()
    _sbr(orig / "sms.xml", [("95588", BANK, _ms(20, 31, 40)), *later])
    case, _ = config.load_case(case_dir)
    return collect.victim(case, "V001")


def test_a_debit_a_later_reversal_returns_is_shown_and_not_counted(tmp_path: Path) -> None:
    got = _returned_case(tmp_path, [("95588", REVERSED, _ms(20, 35, 10))])
    assert got.timeline.facts.total_debited == Decimal("0")
    assert joint.claimant(got.victim, got.timeline).amount_lost == Decimal("0")
    marked = [e for e in got.timeline.events if e.needs_review]
    assert [(e.source.locator, e.direction) for e in marked] == [("sms[1]", Direction.DEBIT)]
    assert "sms[2]" in marked[0].details["review_reason"] and "未计入损失" in marked[0].summary
    assert [i.locator for i in got.timeline.issues if i.code == "returned_debit"] == ["sms[1]"]


def test_money_in_that_returns_nothing_leaves_the_debit_counted(tmp_path: Path) -> None:
    """A refund to another card, and a transfer in of the same amount, undo no debit."""
    got = _returned_case(tmp_path, [("95588", REFUND_OTHER_CARD, _ms(23, 2)), ("95588", PAID_IN, _ms(23, 3))])
    assert got.timeline.facts.total_debited == Decimal("3999")
    assert not [e for e in got.timeline.events if e.needs_review]

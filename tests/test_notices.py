"""notices.classify: Chinese bank notices, OTP SMS and phishing links, table-driven.

(a) the 76 real labelled bodies in ../shared/corpus/bank-sms/bank_sms_labelled.json;
(b) tests/data/bank_sms_cases.json: >= 60 real-style messages over the 14 big banks (shapes of
    DOMAIN.md B.3.2/B.3.3) plus non-transaction messages that must never yield a debit.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import notices, times
from evidence.model import Direction, EventKind

SH = times.zone("Asia/Shanghai")
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
LABELLED = CORPUS / "bank-sms" / "bank_sms_labelled.json"
CASES = REPO / "tests" / "data" / "bank_sms_cases.json"
# Bodies without a receive time in the corpus are anchored here; only month/day/time are compared.
FIXED_ANCHOR = dt.datetime(2025, 6, 30, 12, 0, tzinfo=SH)


def _labelled() -> list[dict[str, object]]:
    if not LABELLED.exists():
        return []
    data: list[dict[str, object]] = json.loads(LABELLED.read_text(encoding="utf-8"))
    return data


def _nfkc(text: object) -> str | None:
    return unicodedata.normalize("NFKC", str(text)) if text else None


def _dec(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _parsed(n: notices.Notice) -> dict[str, object]:
    """The labelled fields as this parser sees them."""
    out: dict[str, object] = {"currency": n.currency, "card_tail": n.card_tail, "balance": n.balance}
    if n.category == notices.Category.STATEMENT:
        out.update(kind="statement", amount=n.statement_total)
        when: dt.date | dt.datetime | None = n.due_date
    else:
        out.update(kind=str(n.direction) if n.direction else n.category, amount=n.amount)
        when = n.stated_time
    if when is not None:
        out.update(year=when.year, month=when.month, day=when.day)
        if isinstance(when, dt.datetime) and n.precision not in (times.Precision.DAY, None):
            out.update(hour=when.hour, minute=when.minute)
    return out


@pytest.mark.skipif(not LABELLED.exists(), reason="shared corpus not present")
@pytest.mark.parametrize("case", _labelled(), ids=lambda c: f"{c['bank']}:{str(c['body'])[:24]}")
def test_labelled_corpus_message(case: dict[str, object]) -> None:
    received = times.from_epoch_ms(int(str(case["received_ms"]))) if case["received_ms"] else FIXED_ANCHOR
    n = notices.classify(str(case["body"]), str(case["sender"]), received, SH)
    got = _parsed(n)
    assert n.kind is EventKind.BANK_NOTICE
    assert got["kind"] == case["kind"]
    assert got["amount"] == _dec(case["amount"])
    assert got["currency"] == case["currency"]
    assert got["card_tail"] == case["card_tail"]
    assert got["balance"] == _dec(case["balance"])
    for part in ("year", "month", "day", "hour", "minute"):
        if case[part] is not None:
            assert got.get(part) == case[part], part
    if case["kind"] == "statement":
        assert n.amount is None and n.direction is None  # a bill moves no money


@pytest.mark.skipif(not LABELLED.exists(), reason="shared corpus not present")
def test_labelled_corpus_pass_rate_and_counterparties() -> None:
    """All 76 pass; counterparty is a judgement field (README), compared after NFKC."""
    cases = _labelled()
    assert len(cases) == 76
    same = 0
    for case in cases:
        received = times.from_epoch_ms(int(str(case["received_ms"]))) if case["received_ms"] else FIXED_ANCHOR
        n = notices.classify(str(case["body"]), str(case["sender"]), received, SH)
        if case["kind"] == "statement" or _nfkc(n.counterparty) == _nfkc(case["counterparty"]):
            same += 1
    assert same == len(cases)


def test_year_comes_from_the_receive_time_across_new_year() -> None:
    # December notice received on 2 January: previous year
    received = dt.datetime(2016, 1, 2, 9, 0, tzinfo=SH)
    n = notices.classify("尾号1234卡12月31日23:58快捷支付支出(网银在线)20,000元，余额3.46元。【工商银行】",
                         "95588", received, SH)
    assert n.stated_time == dt.datetime(2015, 12, 31, 23, 58, tzinfo=SH)
    assert n.direction is Direction.DEBIT and n.amount == Decimal("20000")

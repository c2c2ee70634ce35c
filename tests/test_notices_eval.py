"""bench/notices_eval.py on the dev data (and the older seed set): the targets hold, so CI catches
a regression in the bank-SMS reader. The test split is never read here."""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


def _eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("notices_eval", REPO / "bench" / "notices_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["notices_eval"] = module
    spec.loader.exec_module(module)
    return module


EVAL = _eval()


def _split(name: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = EVAL.load_split(name)
    return records


def _assert_targets(r: dict[str, Any]) -> None:
    fields = r["fields"]
    assert fields["amount_direction"]["rate"] >= EVAL.TARGETS["amount_direction"], r["_errors"][:5]
    assert fields["card_tail"]["rate"] >= EVAL.TARGETS["card_tail"], r["_errors"][:5]
    assert r["spurious_debits"]["count"] == 0, r["_spurious"]
    assert r["official_flagged"] == 0, r["_official"]


def test_targets_on_seed() -> None:
    records = _split("seed")
    if not records:
        pytest.skip("no seed data")
    _assert_targets(EVAL.evaluate(records))


def test_targets_on_dev_sms() -> None:
    """The issue's targets on the dev split's SMS (never on test: it is read once, for a report)."""
    _assert_targets(EVAL.evaluate(EVAL.by_medium(_split("dev"))["sms"]))


# App-push and notification texts (payment cards, bank app pushes, OCR of screenshots): an
# honest bar below the SMS targets, raised as the reader improves (third pass: 104/104 and 101/101
# on dev, so one miss in a hundred is allowed, not more). Spurious debits and flagged official
# domains have no lower bar: none, ever.
# 2026-12-07, after test v6 joined dev (170 app pushes): 0.99 -> 0.98 for amount + direction. Its
# two misses are pushes that name no institution and no sender (a merchant app's 支付成功11.9元, a
# transit card's 刷卡完成), which the reader shows for review by design (nothing says whose account
# paid); below, every miss must be such a review, never a direction read wrong.
APP_PUSH_BAR = {"amount_direction": 0.98, "card_tail": 0.99}


def test_app_push_bar_on_dev() -> None:
    r = EVAL.evaluate(EVAL.by_medium(_split("dev"))["app_push"])
    fields = r["fields"]
    assert fields["amount_direction"]["rate"] >= APP_PUSH_BAR["amount_direction"], r["_errors"][:5]
    missed = [e for e in r["_errors"] if "amount_direction" in e["wrong"]]
    assert all(e["wrong"]["amount_direction"][1] == "(None, None)" for e in missed), missed
    assert fields["card_tail"]["rate"] >= APP_PUSH_BAR["card_tail"], r["_errors"][:5]
    assert r["spurious_debits"]["count"] == 0, r["_spurious"]
    assert r["official_flagged"] == 0, r["_official"]


def test_every_record_says_its_medium() -> None:
    for r in _split("dev"):
        assert r.get("medium") in EVAL.MEDIA, r.get("id")


@pytest.mark.parametrize("split", ["seed", "dev"])
def test_end_to_end_total_debited_matches_the_labels(split: str) -> None:
    """The same messages through real SB&R XML and CSV files: the claimant's total is the truth
    minus at most what the reader could not decide (missed debits) and second copies of one
    message that the balance check withholds, a platform's notice of a payment its bank also
    notified, and debits a later reversal or refund returned (each text is labelled a debit by
    itself; the claimant lost the money once, or not at all), never more."""
    records = _split(split)
    if not records:
        pytest.skip(f"no {split} data")
    r = EVAL.evaluate(records)
    e2e = EVAL.end_to_end(records)
    truth = Decimal(e2e["labelled_debits"])
    missed = Decimal(r["missed_debits"]["sum"])
    for path in ("sms_backup_xml", "csv_export"):
        total = Decimal(e2e[path]["total_debited"])
        copies = Decimal(e2e[path]["copies_sum"])
        withheld = copies + Decimal(e2e[path]["echoes_sum"]) + Decimal(e2e[path]["returned_sum"])
        assert truth - missed - withheld <= total <= truth, (path, total, truth, missed, withheld)
        assert e2e[path]["events"] == e2e["messages"]
        # Real phones hold gaps (banks do not notify every movement), not contradictions: a
        # balance check that raised 52 "problems" on the dev messages was itself the fault. The
        # only balance issues left are second copies of one message (the seed's case table has some)
        assert e2e[path]["balance_issues"] == e2e[path]["copies_withheld"], (path, e2e[path])


def test_unreadable_data_file_exits_non_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "broken.json").write_text("[{", encoding="utf-8")
    monkeypatch.setattr(EVAL, "DATA", tmp_path)
    assert EVAL.main(["--split", "dev"]) == 1
    (tmp_path / "dev" / "broken.json").write_text("[]", encoding="utf-8")
    assert EVAL.main(["--split", "dev"]) == 0

"""tests/data/LICENSES.md lists every bank_sms file (dev and test) with its source groups, licences
and counts: the table is written by tests/data/bank_sms/licences.py and must match the files."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]


def _module() -> ModuleType:
    path = REPO / "tests" / "data" / "bank_sms" / "licences.py"
    spec = importlib.util.spec_from_file_location("bank_sms_licences", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


LIC = _module()


def test_the_licences_table_is_up_to_date() -> None:
    text = LIC.LICENSES.read_text(encoding="utf-8")
    assert LIC.rewritten(text) == text, "run: python3 tests/data/bank_sms/licences.py"


def test_every_file_of_both_splits_has_a_row() -> None:
    text = LIC.LICENSES.read_text(encoding="utf-8")
    for split in LIC.SPLITS:
        for path in (REPO / "tests" / "data" / "bank_sms" / split).glob("*.json"):
            assert f"`bank_sms/{split}/{path.name}`" in text


def test_a_changed_file_makes_the_table_stale(tmp_path: Path) -> None:
    for split in LIC.SPLITS:
        (tmp_path / split).mkdir()
    (tmp_path / "dev" / "x.json").write_text(
        '[{"source_group": "a/b", "licence": "MIT", "medium": "sms", "body": "", "kind": "otp"}]', encoding="utf-8")
    table = LIC.table(tmp_path)
    assert "| dev | `bank_sms/dev/x.json` | a/b | MIT | 1 | 0 |" in table
    assert LIC.table(tmp_path) != LIC.table()

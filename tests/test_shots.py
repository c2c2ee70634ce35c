"""Issue 17: screenshots nobody has read (no OCR) go where a court expects them — by the app
their file name names, else by when they were taken in the fraud — named as unchecked, never
as what they might show; read back from the built 证据目录.docx and dossier.pdf."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from evidence import batch, sample

HAVE_POPPLER = shutil.which("pdftotext") is not None

# V001 of the seed-318 sample ordered at 12:29 on 2015-03-18, was called at 17:15, lost money
# from 17:34 to 17:38; its own screenshots are one at 17:28 (named in victim.toml) and two days
# later. Ours, each with bytes of its own (else intake keeps one copy):
ADDED = {
    "Screenshot_20150318-124100_com.jingdong.app.mall.png": ("订单", "京东App截图（2015-03-18 12:41，内容待核实）"),
    "Screenshot_20150318-172700_com.android.chrome.png": ("钓鱼链接及验证码",
                                                          "浏览器截图（2015-03-18 17:27，内容待核实）"),
    "Screenshot_20150318-171900.png": ("钓鱼链接及验证码", "手机截图（2015-03-18 17:19，内容待核实）"),
    "Screenshot_20150318-173700.png": ("银行扣款", "手机截图（2015-03-18 17:37，内容待核实）"),
    "Screenshot_20150325-090000.png": ("其他材料", "手机截图（2015-03-25 09:00，内容待核实）"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shots")
    case = root / "case"
    sample.generate(case, victims=1, seed=318, scale="small")
    folder = case / "victims" / "V001" / "originals" / "Pictures" / "Screenshots"
    picture = next(folder.glob("Screenshot_*.png")).read_bytes()
    for name in ADDED:
        (folder / name).write_bytes(picture + name.encode())
    batch.build(case, root / "out", jobs=1, tool="test")
    return root / "out" / "V001"


def _rows(folder: Path) -> list[tuple[str, str, str, str]]:
    """(fact heading, name, purpose, 原件/复印件) of every exhibit row of the evidence list."""
    fact, out = "", []
    for row in docx.Document(str(folder / "证据目录.docx")).tables[0].rows[1:]:
        cells = [c.text for c in row.cells]
        if cells[1].startswith("待证事实："):
            fact = cells[1].removeprefix("待证事实：")
            continue
        out.append((fact, cells[1], cells[4], cells[2]))
    return out


def test_unread_screenshots_are_grouped_by_app_and_time_and_named_unchecked(built: Path) -> None:
    rows = _rows(built)
    for file, (fact, name) in ADDED.items():
        found = [r for r in rows if r[1] == name]
        assert found, (file, rows)
        group, _, purpose, _ = found[0]
        assert group == fact, (file, group)
        assert "待律师核对" in purpose, purpose  # what it shows is not claimed
        if fact != "其他材料":
            assert f"列于“{fact}”待证事实下" in purpose, purpose
    # the file name's app in words a court reads, not the package
    assert not [r for r in rows if "com.jingdong" in r[1] + r[3] or "com.android" in r[1] + r[3]]
    assert "原告手机截图（京东App）" in next(r[3] for r in rows if r[1].startswith("京东App"))
    if HAVE_POPPLER:
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(built / "dossier.pdf"), "-"],
                                                 capture_output=True, text=True,
                                                 check=True).stdout)
        # an unchecked JD screen does not prove the order: the statement sheet stays, and the
        # summary still asks for the order itself
        assert "订单情况说明（原告陈述）" in text and "无订单原始证据" in text

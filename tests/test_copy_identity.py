"""issue 16: facts that must not depend on where the files were copied.

A case folder is built, copied with a plain `cp -r` (every file gets a new modification time, in
the order cp happens to copy them), and the copy is built again: every output — dossiers,
timeline.json, inventory.json, the bundle, the claims schedule, the manifest — must be the same
bytes. The case has what used to move: screenshots ordered inside an exhibit group, a build date
taken from the newest input, a pasted bank SMS without a year, and a screenshot that records no
time of its own (its weak time comes from intake.json, not from the copy's disk).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from evidence import batch, config, intake, sample, times

TOOL = "pinned-for-tests"
SH = times.zone("Asia/Shanghai")
BUILD_DAY = dt.date(2015, 4, 1)
PASTED = "【工商银行】您尾号6217卡3月18日17:34快捷支付支出(网银在线)1,000.00元，余额8.36元。\n"
STALE = "【工商银行】您尾号6217卡2014年3月18日17:40快捷支付支出(网银在线)228,000.00元，余额0.36元。\n"


def _outputs(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and batch.CACHE_DIR not in p.parts}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("copy")
    case = root / "case"
    sample.generate(case, victims=3, seed=16, scale="small")
    with (case / "case.toml").open("a", encoding="utf-8") as f:
        f.write('period = "2015-03-01/2015-04-30"\n')
    # a submission through intake: a pasted SMS without a year, a picture without any time
    submission = root / "补充材料"
    submission.mkdir()
    (submission / "银行短信.txt").write_text(PASTED, encoding="utf-8")
    (submission / "旧短信.txt").write_text(STALE, encoding="utf-8")
    Image.new("RGB", (400, 300), "white").save(submission / "转账凭证.jpg", "JPEG")
    handed_over = dt.datetime(2015, 3, 22, 9, 0, tzinfo=SH).timestamp()
    for p in submission.iterdir():
        os.utime(p, (handed_over, handed_over))
    loaded, _ = config.load_case(case)
    intake.intake(submission, loaded, "V001", now=dt.datetime(2015, 3, 25, 10, 0, tzinfo=SH))
    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(2015, 4, 1, 12, 0, tzinfo=dt.UTC).timestamp()))
    try:
        first = root / "out-original"
        batch.build(case, first, jobs=2, tool=TOOL)
        copy = root / "copy"
        subprocess.run(["cp", "-r", str(case), str(copy)], check=True)  # no -p: new mtimes
        # make sure the copy's times really differ, and in another order than the original's
        for n, p in enumerate(sorted(copy.rglob("*"), reverse=True)):
            if p.is_file():
                stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp() + n
                os.utime(p, (stamp, stamp))
        second = root / "out-copy"
        batch.build(copy, second, jobs=2, tool=TOOL)
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    return case, first, second


def test_a_cp_r_copy_builds_byte_identical_outputs(built: tuple[Path, Path, Path]) -> None:
    _, first, second = built
    a, b = _outputs(first), _outputs(second)
    assert a and sorted(a) == sorted(b)
    differ = sorted(name for name in a if a[name] != b[name])
    assert differ == [], f"outputs that depend on file times: {differ}"
    assert any(name.endswith("dossier.pdf") for name in a)
    assert {"joint/bundle.pdf", "joint/claims.csv", "joint/claims.json"} <= set(a)


def test_dates_and_years_come_from_the_case_not_the_files(built: tuple[Path, Path, Path]) -> None:
    _, first, _ = built
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(first / "V001" / "dossier.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert f"制作日期 {BUILD_DAY.isoformat()}" in " ".join(text.split())
    assert re.search(rf"日期\s+{BUILD_DAY.isoformat()}", text)  # the evidence list's date
    events = json.loads((first / "V001" / "timeline.json").read_text(encoding="utf-8"))["events"]
    pasted = next(e for e in events if e["source"]["path"].endswith("银行短信.txt"))
    assert pasted["time"] == "2015-03-18T17:34:00+08:00"  # the year from [case] period
    assert pasted["details"]["year_from"] == "period"
    # a notice dated outside the period: on the timeline, marked, reported, counted nowhere
    stale = next(e for e in events if e["source"]["path"].endswith("旧短信.txt"))
    assert stale["time"].startswith("2014-03-18") and stale["details"]["needs_review"] == "true"
    facts = json.loads((first / "V001" / "timeline.json").read_text(encoding="utf-8"))["facts"]
    assert all(not d["source"]["path"].endswith("旧短信.txt") for d in facts["debit_events"])
    claims = json.loads((first / "joint" / "claims.json").read_text(encoding="utf-8"))
    v001 = next(c for c in claims["claimants"] if c["id"] == "V001")
    assert v001["amount_lost"] == facts["debits_after_call"]
    problems = json.loads((first / "V001" / "inventory.json").read_text(encoding="utf-8"))["problems"]
    assert any(p["code"] == "out_of_period" and p["path"].endswith("旧短信.txt") for p in problems)
    plain = subprocess.run(["pdftotext", str(first / "V001" / "dossier.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout  # cell by cell
    assert "待核实：不在案件期间2015-03-01/2015-04-30内" in "".join(plain.split())
    picture = next(e for e in events if e["source"]["path"].endswith("转账凭证.jpg"))
    assert picture["time_basis"] == "file_mtime"  # shown, flagged, from intake.json
    assert picture["time"] == "2015-03-22T09:00:00+08:00"
    assert events[-1] is picture  # a file time never decides the order: it comes last

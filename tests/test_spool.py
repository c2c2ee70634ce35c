"""issue 23: a large export's events keep their text on disk (evidence/spool.py).

The same case is built twice, once with every events' text in memory and once with every file
of more than 5 events spooled: every output (dossiers, timeline.json, inventory.json, the bundle,
the claims schedule, the `timeline` JSON and CSV, `check --json`) must be the same bytes. The
case is the sample (calls, recordings, statements, bank notices, a case period) plus a message
backup of 2,600 records (listed in part), with repeats, an MMS and messages outside the period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from evidence import batch, collect, config, sample, spool
from evidence.model import Event

TOOL = "pinned-for-tests"
REPO = Path(__file__).resolve().parents[1]
BACKUP = "SMSBackupRestore/sms-20150320103000.xml"


def backup_xml(n: int) -> str:
    """n records: plain messages from 40 people, bank debit notices, codes, a phishing link,
    an MMS every 500, a record written twice every 700, the first 50 before the case period."""
    rows = []
    for i in range(n):
        ms = (1420000000000 if i < 50 else 1426000000000) + i * 41_000
        if i % 700 == 699:  # the record before, written again
            rows.append(rows[-1])
            continue
        if i % 500 == 0:
            rows.append(f'  <mms date="{ms}" msg_box="1" address="1065{i}" m_type="132"><parts>'
                        f'<part ct="text/plain" text="图片{i}" /></parts>'
                        f'<addrs><addr address="1065{i}" type="137" /></addrs></mms>')
            continue
        body, sender = f"晚上一起吃饭吗？第{i}条", f"1370{i % 40:07d}"
        if i % 5 == 0:
            body = (f"【工商银行】您尾号6217卡3月18日17:{i % 60:02d}快捷支付支出(网银在线)"
                    f"{i % 90 + 10}.00元，余额8.36元。")
            sender = "95588"
        elif i % 7 == 0:
            body, sender = f"您的验证码为{i:06d}，请勿泄露。【京东】", "1069000"
        elif i == 333:
            body = "您的积分即将清零，请登录 http://jd-refund.top 兑换【京东】"
        rows.append(f'  <sms protocol="0" address="{sender}" date="{ms}" type="{1 + i % 2}" '
                    f'subject="null" body="{body}" toa="null" sc_toa="null" '
                    f'service_center="null" read="1" status="-1" locked="0" date_sent="0" '
                    f'readable_date="2015年3月{i % 28 + 1}日" contact_name="(Unknown)" />')
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"0\">\n"
            + "\n".join(rows) + "\n</smses>\n")


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spool") / "case"
    sample.generate(folder, victims=2, seed=23, scale="small")
    with (folder / "case.toml").open("a", encoding="utf-8") as f:
        f.write('period = "2015-03-01/2015-04-30"\n')
    target = folder / "victims" / "V001" / "originals" / BACKUP
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(backup_xml(2600), encoding="utf-8")
    return folder


@pytest.fixture
def low_threshold() -> Iterator[None]:
    before = spool.SPOOL_ABOVE
    spool.SPOOL_ABOVE = 5
    try:
        yield
    finally:
        spool.SPOOL_ABOVE = before


def _outputs(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and batch.CACHE_DIR not in p.parts}


def _everything(case: Path, out: Path) -> dict[str, str]:
    """Every output of a build, `timeline` (JSON, CSV) and `check --json`, by SHA-256."""
    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(2015, 5, 1, tzinfo=dt.UTC).timestamp()))
    try:
        batch.build(case, out, jobs=1, tool=TOOL)
        got = _outputs(out)
        runner = CliRunner()
        for name, args in (("json", ["--format", "json"]), ("csv", ["--format", "csv"])):
            result = runner.invoke(cli.app, ["timeline", str(case), "--victim", "V001", *args])
            got[f"timeline.{name}"] = hashlib.sha256(result.stdout_bytes).hexdigest()
        result = runner.invoke(cli.app, ["check", str(case), "--json"])
        got["check.json"] = hashlib.sha256(result.stdout_bytes).hexdigest()
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    return got


def _collected(case: Path) -> collect.Collected:
    loaded, _ = config.load_case(case)
    return collect.victim(loaded, "V001")


def test_outputs_are_the_same_bytes_spooled_or_not(case: Path, tmp_path: Path) -> None:
    whole = _everything(case, tmp_path / "whole")
    before = spool.SPOOL_ABOVE
    spool.SPOOL_ABOVE = 5
    try:
        spooled = _everything(case, tmp_path / "spooled")
        got = _collected(case)
    finally:
        spool.SPOOL_ABOVE = before
    assert sum(isinstance(e, spool.SpooledEvent) for e in got.timeline.events) > 2000
    assert any(p.endswith("dossier.pdf") for p in whole)
    assert any(p.endswith("timeline.json") for p in whole)
    assert spooled == whole


def test_nothing_lost_when_spooled(case: Path, low_threshold: None) -> None:
    spooled = _collected(case)
    spool.SPOOL_ABOVE = 10**9
    whole = _collected(case)
    assert len(spooled.timeline.events) == len(whole.timeline.events) > 2600
    for a, b in zip(spooled.timeline.events, whole.timeline.events, strict=True):
        assert dataclasses.asdict(a) == dataclasses.asdict(b)
    assert spooled.issues == whole.issues
    assert spooled.timeline.facts.numbers == whole.timeline.facts.numbers
    repeated = [e for e in spooled.timeline.events if "repeated_in_file" in e.details]
    assert len(repeated) == 3 and all(isinstance(e, spool.SpooledEvent) for e in repeated)
    # changed on the way (a balance checked, a time outside the period): still on disk
    checked = [e for e in spooled.timeline.events if "balance_check" in e.details]
    outside = [e for e in spooled.timeline.events if e.needs_review]
    assert checked and outside
    assert all(isinstance(e, spool.SpooledEvent) for e in [*checked, *outside]
               if e.source.path.endswith(BACKUP))


def test_a_spooled_event_is_an_event(case: Path, low_threshold: None) -> None:
    events = [e for e in _collected(case).timeline.events if isinstance(e, spool.SpooledEvent)]
    e = events[100]
    plain = e.whole()
    assert type(plain) is Event and dataclasses.asdict(plain) == dataclasses.asdict(e)
    assert "body" in e.details and "no such key" not in e.details
    assert e.details.get("no such key", "-") == "-" and e.details["body"] == plain.details["body"]
    changed = dataclasses.replace(e, summary="x")
    assert type(changed) is Event and changed.summary == "x" and changed.details == e.details
    kept = spool.replace(e, summary="y")
    assert isinstance(kept, spool.SpooledEvent) and kept.summary == "y" and e.summary != "y"
    back = pickle.loads(pickle.dumps(e))  # another process gets a plain Event
    assert type(back) is Event and back == plain


def test_a_killed_run_leaves_no_spool_behind(tmp_path: Path) -> None:
    """The spool is an unnamed file: `kill -9` in the middle leaves nothing in the temp folder,
    the case folder is untouched."""
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "case.toml").write_text('[case]\ntitle = "t"\n', encoding="utf-8")
    victim = folder / "victims" / "V001"
    target = victim / "originals" / BACKUP
    target.parent.mkdir(parents=True)
    (victim / "victim.toml").write_text('[victim]\nname = "甲"\n', encoding="utf-8")
    target.write_text(backup_xml(spool.SPOOL_ABOVE * 3), encoding="utf-8")
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp)}
    proc = subprocess.Popen([sys.executable, "-m", "cli", "timeline", str(folder), "--victim",
                             "V001", "--format", "json"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not _spooling(proc.pid, temp):
            assert proc.poll() is None and time.monotonic() < deadline, "never spooled"
            time.sleep(0.05)
        assert not list(temp.iterdir())  # open, and already without a name
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert not list(temp.iterdir())
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before


def _spooling(pid: int, temp: Path) -> bool:
    """The process holds a file open in `temp` (O_TMPFILE: "/tmp/#1234 (deleted)")."""
    fds = Path(f"/proc/{pid}/fd")
    try:
        return any(str(fd.readlink()).startswith(str(temp)) for fd in fds.iterdir())
    except OSError:
        return False

"""issue 23: a large message export is listed in part in the dossier, whole in timeline.json.

The same path as a 600,000-message backup, at a small size: LIST_ALL is lowered for the test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest
from typer.testing import CliRunner

import cli
from evidence import listing
from tests.conftest import make_case

ORDER_MS = 1426680300000  # 2015-03-18 20:05 +08:00, the order in conftest's victim.toml
DAY_MS = 86_400_000
FRIEND, FRAUD = "13700000001", "17012345678"


def _sms(address: str, ms: int, body: str) -> str:
    return (f'  <sms protocol="0" address="{address}" date="{ms}" type="1" subject="null" '
            f'body={quoteattr(body)} toa="null" sc_toa="null" service_center="null" read="1" '
            f'status="-1" locked="0" date_sent="0" readable_date="-" contact_name="(Unknown)" />')


def _backup() -> str:
    rows = [_sms(FRIEND, ORDER_MS - 30 * DAY_MS + i * 60_000, f"周末去爬山吗？第{i}条") for i in range(100)]
    rows += [_sms(FRIEND, ORDER_MS + 3_600_000 + i * 60_000, f"订单那天的闲聊{i}") for i in range(5)]
    rows.append(_sms(FRAUD, ORDER_MS + 10 * DAY_MS, "远在窗口之外的诈骗号码来信"))
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
            f'<smses count="{len(rows)}">\n' + "\n".join(rows) + "\n</smses>\n")


def _calls() -> str:  # the fraud call: a stranger rings 20 minutes after the order
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count=\"1\">\n"
            f'  <call number="{FRAUD}" duration="600" date="{ORDER_MS + 1_200_000}" type="1" '
            'presentation="1" readable_date="-" contact_name="(Unknown)" />\n</calls>\n')


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler not installed")
def test_a_large_export_is_listed_in_part_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing, "LIST_ALL", 50)
    case = make_case(tmp_path)
    folder = case / "victims" / "V001" / "originals"
    (folder / "SMSBackupRestore").mkdir(parents=True)
    (folder / "SMSBackupRestore" / "sms-20150320103000.xml").write_text(_backup(), encoding="utf-8")
    (folder / "SMSBackupRestore" / "calls-20150320103000.xml").write_text(_calls(), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.app, ["build", str(case), "--victim", "V001", "--out", str(out)])
    assert result.exit_code in (0, 3), result.output
    text = subprocess.run(["pdftotext", "-layout", str(out / "V001" / "dossier.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    # in the window (a day either side of the order and the call) and from the fraud number: listed
    assert all(f"订单那天的闲聊{i}" in flat for i in range(5))
    assert "远在窗口之外的诈骗号码来信" in flat
    # the 100 chats of a month before: counted, not printed, and the page says where they are
    assert "周末去爬山吗" not in flat
    assert "本文件共有消息106条，下表逐条列出与本案相关的6条" in flat
    assert "其余100条（普通短信100条）与本案无直接关系" in flat
    assert "共有消息106条，本时间线只列出其中与本案相关的6条" in flat
    # nothing dropped: timeline.json holds every message, the manifest says what it lists
    events = json.loads((out / "V001" / "timeline.json").read_text("utf-8"))["events"]
    assert sum(e["kind"] == "sms" for e in events) == 106
    assert sum("周末去爬山吗" in e["summary"] for e in events) == 100


def test_a_small_export_is_listed_whole() -> None:
    import datetime as dt

    from evidence.model import Basis, Event, EventKind, SourceRef

    when = dt.datetime(2015, 1, 1, 2, tzinfo=dt.UTC)
    events = [Event(when, Basis.EXACT, EventKind.SMS, "s", SourceRef("a.xml", "0" * 64, f"sms[{i}]"))
              for i in range(listing.LIST_ALL)]
    assert listing.hidden({"a.xml": events}, (), (), None) == (set(), ())
    more = [*events, Event(when, Basis.EXACT, EventKind.SMS, "s", SourceRef("a.xml", "0" * 64, "sms[x]"))]
    left_out, listings = listing.hidden({"a.xml": more}, (), (), None)
    assert len(left_out) == len(more) and listings[0].unlisted == (("sms", len(more)),)
    # a message of the fraud window is listed
    span = (when - dt.timedelta(hours=1), when + dt.timedelta(hours=1))
    assert listing.hidden({"a.xml": more}, (), (), span)[0] == set()
    # a bank notice or a code weeks after the fraud: listed when the case's period holds it
    far = when + dt.timedelta(days=30)
    notices = [Event(far, Basis.EXACT, kind, "n", SourceRef("a.xml", "0" * 64, f"n[{kind}]"))
               for kind in (EventKind.BANK_NOTICE, EventKind.VERIFICATION_CODE)]
    late = Event(far, Basis.EXACT, EventKind.SMS, "s", SourceRef("a.xml", "0" * 64, "sms[late]"))
    events = [*more, *notices, late]
    assert listing.hidden({"a.xml": events}, (), (), span)[0] == {id(e) for e in (*notices, late)}
    period = listing.period_span((dt.date(2014, 12, 1), far.date()), dt.UTC)
    left_out, listings = listing.hidden({"a.xml": events}, (), (), span, period)
    assert left_out == {id(late)}  # a plain message outside the fraud window stays counted
    assert listings[0].unlisted == (("sms", 1),)

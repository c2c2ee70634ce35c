"""The OCR stage with its real engine (the `ocr` extra): generated phone screenshots read back into
facts, a victim with screenshots only, offline operation, limits and determinism.

About 40 s on 2 cores: one engine for the module, every picture read once (a module cache):
9 screens × 3 formats, one 12 MP photo, one offline process.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from evidence import config, extract, inventory, timeline, times
from evidence.model import EventKind, FileKind, SourceFile, Status
from evidence.ocr import cache, engine, facts, stage
from evidence.sample import fraud, screens, sms_xml
from evidence.sources import image
from tests.conftest import CORPUS, make_case

try:
    engine.identify(engine.Settings())
    MISSING = None
except engine.Unavailable as exc:
    MISSING = str(exc)
if MISSING and os.environ.get("CI"):
    raise RuntimeError(f"CI must test the OCR extra: {MISSING}")
pytestmark = pytest.mark.skipif(MISSING is not None, reason=f"OCR extra: {MISSING}")

ROOT = Path(__file__).resolve().parents[1]
SH = times.zone("Asia/Shanghai")
LABELLED = CORPUS / "bank-sms" / "bank_sms_labelled.json"
SENDERS = ("95566", "95528", "106902895319")  # ICBC is in the case screens; BOC, SPDB (a link), Jiangsu


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> stage.Reader:
    return stage.Reader(tmp_path_factory.mktemp("ocr-cache"))


def _screens() -> list[screens.Screen]:
    out = [*screens.case_screens(), *screens.chat_screens()[:1], *screens.bank_list_screens()]
    if LABELLED.exists():  # the first screen of each of SENDERS' real messages
        corpus = json.loads(LABELLED.read_text(encoding="utf-8"))
        firsts = {s.header: s for s in reversed(screens.sms_screens(corpus))}
        out += [firsts[x] for x in SENDERS if x in firsts]
    return out


def _file(folder: Path, name: str, data: bytes, kind: FileKind | None = None) -> SourceFile:
    path = folder / name
    path.write_bytes(data)
    found = kind or (image.kind(data[:64], name) if image.sniff(data[:64], name) else FileKind.PHOTO)
    return SourceFile(name, path, hashlib.sha256(data).hexdigest(), len(data), found, Status.ACCEPTED)


def _read(file: SourceFile, reader: stage.Reader) -> tuple[list[Any], list[Any]]:
    ctx = extract.Context(tz=SH, ocr=reader)
    found, _ = image.read(file, ctx)
    return facts.attach(file, found, ctx)


def _stated(e: Any) -> dt.datetime | None:
    raw = e.details.get("transaction_time")
    return times.parse_local(raw, SH)[0] if raw else None  # type: ignore[index]


def _exact(exp: screens.Expected, events: list[Any]) -> bool:
    for e in events:
        if e.kind is not exp.kind:
            continue
        if exp.kind in (EventKind.BANK_NOTICE, EventKind.TRANSACTION):
            if (e.amount, e.direction, e.details.get("card_tail"), _stated(e)) == (
                    exp.amount, exp.direction, exp.tail, exp.time) and (
                    exp.balance is None or e.details.get("balance") == str(exp.balance)):
                events.remove(e)
                return True
        elif (exp.kind is EventKind.VERIFICATION_CODE and e.details.get("code") == exp.code) or \
                (exp.kind is EventKind.PHISHING and exp.domain in e.details.get("domains", "").split()):
            events.remove(e)
            return True
    return False


@pytest.fixture(scope="module")
def read_back(reader: stage.Reader, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[bool]]]:
    """Per format, per fact kind: exact or not, over every test screen; every picture read once."""
    folder = tmp_path_factory.mktemp("screens")
    out: dict[str, dict[str, list[bool]]] = {}
    for fmt in screens.FORMATS:
        (folder / fmt).mkdir()
        results: dict[str, list[bool]] = collections.defaultdict(list)
        for shot in _screens():
            name, data = screens.encode(shot, fmt)
            events, issues = _read(_file(folder / fmt, name, data), reader)
            assert issues == []
            read = [e for e in events if e.details.get("extracted_by") == "ocr"]
            for exp in shot.expected:
                results[str(exp.kind)].append(_exact(exp, read))
            results["unexpected"] += [False] * len(read)
        out[fmt] = results
    return out


@pytest.mark.parametrize("fmt", screens.FORMATS)
def test_facts_read_back_exactly_from_screenshots(read_back: dict[str, dict[str, list[bool]]], fmt: str) -> None:
    got = read_back[fmt]
    summary = {k: f"{sum(v)}/{len(v)}" for k, v in got.items()}
    assert len(got["bank_notice"]) >= 2 and len(got["transaction"]) == 18 and len(got["phishing"]) == 2, summary
    for kind, results in got.items():
        assert all(results), (fmt, kind, summary)  # every amount, tail, direction, time, code, domain


# ---- a victim with screenshots only ------------------------------------------------------------------


def _victim(tmp_path: Path, reader: stage.Reader, export: bool) -> tuple[timeline.Timeline, list[Any]]:
    case_folder = make_case(tmp_path)
    originals = case_folder / "victims" / "V001" / "originals"
    originals.mkdir()
    for shot in [*screens.case_screens(), screens.chat_screens()[0]]:
        name, data = screens.encode(shot, "png")
        (originals / name).write_bytes(data)
    if export:
        msgs = [fraud.Msg(t, sender, body) for sender, body, t in screens.CASE_SMS]
        xml = sms_xml.sms_xml(msgs, dt.datetime(2015, 3, 20, 10, 0, tzinfo=SH), random.Random(1))
        (originals / "sms-20150320100000.xml").write_bytes(xml)
    case, _ = config.load_case(case_folder)
    victim, _ = config.load_victim(case, "V001")
    ctx = extract.Context(tz=SH, not_after=dt.datetime(2015, 6, 1, tzinfo=SH), victim=victim, ocr=reader)
    inv = inventory.scan(victim, ctx)
    events, issues = extract.run(inv.files, ctx)
    return timeline.build(events, victim, ctx), issues


def test_a_victim_with_only_screenshots_gets_debits_and_the_phishing_domain(reader: stage.Reader,
                                                                          tmp_path: Path) -> None:
    tl, issues = _victim(tmp_path, reader, export=False)
    assert [i.code for i in issues] == []
    f = tl.facts
    assert f.total_debited == Decimal("229500")
    assert [(e.amount, e.details["card_tail"], e.time) for e in f.debit_events] == [
        (Decimal("228000"), "6617", dt.datetime(2015, 3, 18, 21, 2, tzinfo=SH)),
        (Decimal("1500"), "6617", dt.datetime(2015, 3, 18, 21, 9, tzinfo=SH))]
    assert all(e.source.path.startswith("originals/Screenshot_") and e.source.locator.startswith("file#")
               for e in f.debit_events)
    assert set(f.domains) == {"jd-tk.vip", "www.jd-tuikuan.com"}
    codes = [e for e in tl.events if e.kind is EventKind.VERIFICATION_CODE]
    assert [e.details["code"] for e in codes] == ["836152"]


def test_an_export_and_its_screenshots_give_each_debit_once_with_both_sources(reader: stage.Reader,
                                                                             tmp_path: Path) -> None:
    tl, _ = _victim(tmp_path, reader, export=True)
    assert tl.facts.total_debited == Decimal("229500")
    for debit in tl.facts.debit_events:
        assert debit.source.path == "originals/sms-20150320100000.xml"
        assert [r.path for r in debit.also] == ["originals/Screenshot_20150318-211219.png"]
    phishing = [e for e in tl.events if e.kind is EventKind.PHISHING]
    assert len(phishing) == 2  # the lure SMS (export + its screenshot: one) and the chat's link
    assert sorted(len(e.also) for e in phishing) == [0, 1]


# ---- limits, the cache, determinism ------------------------------------------------------------------


def test_a_12_megapixel_photo_turned_by_exif_is_read_in_its_own_pixels(reader: stage.Reader, tmp_path: Path) -> None:
    photo = screens.police_photo()
    stored = photo.image.rotate(90, expand=True)  # held sideways, as a phone camera stores it
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=85, exif=exif)
    file = _file(tmp_path, "IMG_20150320_110240.jpg", buf.getvalue(), FileKind.PHOTO)
    out = reader(file)
    assert out.page is not None and (out.page.width, out.page.height) == (4000, 3000)
    title = next(x for x in out.page.lines if "受案回执" in x.text.replace(" ", ""))
    assert abs(title.box.cx - 2000) < 60 and 380 < title.box.y < 480 and title.box.h > 120
    events, _ = _read(file, reader)
    assert events[0].details["document_hint"] == "police_receipt"


def test_the_time_limit_gives_an_issue_and_the_engine_goes_on(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A picture that takes longer than the limit is given up (its inference terminated) and the
    same engine then reads the next one."""
    # The limit is wall time, so on a loaded machine even the quick picture (~0.1 CPU-s) could
    # pass any fixed limit: the first picture gets 1 s (four dense screens take ~4 CPU-s, cut
    # short on any machine), every later one 60 s.
    limits = iter([1.0])
    start = engine._Clock.start
    monkeypatch.setattr(engine._Clock, "start",
                        lambda clock, seconds, options: start(clock, next(limits, 60.0), options))
    limited = stage.Reader(None, dataclasses.replace(engine.Settings(), time_limit_s=1.0))
    shots = screens.bank_list_screens()
    wide = Image.new("RGB", (2160, 4680))
    for i in range(4):
        wide.paste(shots[i % len(shots)].image, (1080 * (i % 2), 2340 * (i // 2)))
    buf = io.BytesIO()
    wide.save(buf, "PNG", compress_level=1)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    slow = _file(tmp_path / "a", "Screenshot_20150318-212805.png", buf.getvalue(), FileKind.SCREENSHOT)
    small = screens.bank_list_screens()[0].image.crop((0, 380, 1080, 600))  # one row: ~0.1 CPU-s
    buf = io.BytesIO()
    small.save(buf, "PNG")
    quick = _file(tmp_path / "b", "Screenshot_20150318-212806.png", buf.getvalue(), FileKind.SCREENSHOT)
    started = dt.datetime.now(dt.UTC)
    events, issues = extract.run([slow, quick], extract.Context(tz=SH, ocr=limited))
    assert (dt.datetime.now(dt.UTC) - started).total_seconds() < 20  # the slow one was cut short
    assert [(i.code, i.path) for i in issues] == [("ocr_timeout", slow.path)]
    assert [e.kind for e in events] == [EventKind.SCREENSHOT, EventKind.SCREENSHOT]
    assert "ocr_lines" not in events[0].details
    page = limited(quick).page
    assert events[1].details["ocr_lines"] == "4" and page is not None
    assert [x.text for x in page.lines][:2] == ["快捷支付-网银在线", "-228,000.00"]


def test_a_page_is_a_pure_function_of_the_bytes(reader: stage.Reader, tmp_path: Path) -> None:
    name, data = screens.encode(screens.case_screens()[1], "jpeg")
    file = _file(tmp_path, name, data)
    first = reader(file)
    assert first.page is not None
    assert reader.cache_folder is not None
    stored = cache.path(reader.cache_folder, file.sha256, first.page.engine_id)
    kept = stored.read_bytes()
    stored.unlink()
    again = reader(file)
    assert not again.cached and stored.read_bytes() == kept  # read again by the engine: same bytes


# ---- offline --------------------------------------------------------------------------------------

OFFLINE = textwrap.dedent("""
    import json, socket, sys
    from pathlib import Path
    attempts = []
    class NoSocket(socket.socket):  # urllib3 binds ::1 at import to test for IPv6: allowed
        def connect(self, address):
            attempts.append(repr(address))
            raise OSError("network access in an offline test")
        connect_ex = connect
    def no_lookup(host, *a, **k):
        attempts.append(repr(host))
        raise OSError("name lookup in an offline test")
    socket.socket, socket.getaddrinfo = NoSocket, no_lookup
    import hashlib
    from evidence import extract, times
    from evidence.model import FileKind, SourceFile, Status
    from evidence.ocr import facts, stage
    from evidence.sources import image
    path = Path(sys.argv[1])
    data = path.read_bytes()
    file = SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), FileKind.SCREENSHOT,
                      Status.ACCEPTED)
    ctx = extract.Context(tz=times.zone("Asia/Shanghai"), ocr=stage.Reader(Path(sys.argv[2])))
    events, issues = facts.attach(file, image.read(file, ctx)[0], ctx)
    print(json.dumps({"attempts": attempts, "issues": [i.code for i in issues],
                      "debits": [str(e.amount) for e in events if e.kind.value == "bank_notice"]}))
""")


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _files_under(*folders: Path) -> set[Path]:
    return {p for folder in folders if folder.exists() for p in folder.rglob("*")}


def test_the_engine_runs_with_no_network_and_fetches_nothing(tmp_path: Path) -> None:
    """In a fresh process without a network (a new network namespace under `unshare -rn` where
    the kernel allows it; socket creation refused inside the process in any case), with HOME and
    the caches pointed at an empty folder: the engine reads a screenshot, nothing tries to
    connect, and no file appears anywhere but in the OCR cache."""
    name, data = screens.encode(screens.case_screens()[1], "png")
    shot = tmp_path / name
    shot.write_bytes(data)
    home = tmp_path / "home"
    home.mkdir()
    models = engine.model_dir()
    before = {p: p.stat().st_mtime_ns for p in _files_under(models)}
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "TMPDIR": str(home),
           "PYTHONPATH": str(ROOT), "no_proxy": "", "http_proxy": "http://192.0.2.1:9", "https_proxy":
           "http://192.0.2.1:9"}
    command = [sys.executable, "-c", OFFLINE, str(shot), str(tmp_path / "ocr-cache")]
    isolated = _unshare_works()
    if isolated:
        command = ["unshare", "-rn", *command]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=home, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"attempts": [], "issues": [], "debits": ["228000", "1500"]}, (isolated, result)
    assert {p: p.stat().st_mtime_ns for p in _files_under(models)} == before
    assert _files_under(home) == set()
    assert [p.suffix for p in _files_under(tmp_path / "ocr-cache") if p.is_file()] == [".json"]

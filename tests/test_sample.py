"""The sample generator: deterministic, well-formed people and numbers, real-format files.

Everything is read back from the written files with independent readers (xml.etree after the
documented surrogate fix, csv, wave, mutagen, Pillow, pypdf, tomllib) — not from the plan.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import tomllib
import wave
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import mutagen.mp3
import mutagen.mp4
import pypdf
import pytest
from PIL import Image

from evidence import errors
from evidence import sample as generator
from evidence.sample import audio, fraud, people

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> generator.GroundTruth:
    return generator.generate(tmp_path_factory.mktemp("s") / "case", victims=5, seed=7, scale="small")


def tree(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(folder).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def files(gt: generator.GroundTruth, victim: dict[str, Any], suffix: str) -> Iterator[Path]:
    for f in victim["files"]:
        if f["path"].lower().endswith(suffix) and f["status"] == "accepted":
            yield gt.folder / "victims" / victim["id"] / f["path"]


def fix_surrogates(raw: bytes) -> bytes:
    def pair(m: re.Match[bytes]) -> bytes:
        hi, lo = int(m.group(1)), int(m.group(2))
        return b"&#%d;" % (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
    return re.sub(rb"&#(5[56]\d{3});&#(5[67]\d{3});", pair, raw)


def test_same_seed_same_bytes_and_times(tmp_path: Path, case: generator.GroundTruth) -> None:
    again = generator.generate(tmp_path / "again", victims=5, seed=7, scale="small", jobs=2)
    assert tree(again.folder) == tree(case.folder)
    other = generator.generate(tmp_path / "other", victims=5, seed=8, scale="small")
    assert tree(other.folder) != tree(case.folder)


def test_refuses_a_non_empty_folder_and_bad_arguments(tmp_path: Path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    with pytest.raises(errors.OutputError):
        generator.generate(tmp_path / "x", victims=1)
    with pytest.raises(errors.UsageError):
        generator.generate(tmp_path / "y", victims=1, scale="huge")
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"


def test_people_are_well_formed(case: generator.GroundTruth) -> None:
    for v in case.victims:
        assert people.id_valid(v["id_number"]), v["id_number"]
        assert people.luhn_valid(v["card"]), v["card"]
        bank = people.BANK_BY_CODE[v["bank"]]
        assert v["card"].startswith(bank.bin) and len(v["card"]) == bank.length
        assert re.fullmatch(r"1[3-9]\d{9}", v["phone"])
    # known answers: GB 11643 example and a Luhn example
    assert people.id_check_digit("11010519491231002") == "X"
    assert people.luhn_valid("4539578763621486") and not people.luhn_valid("4539578763621487")


def test_case_and_victim_toml_have_the_documented_keys(case: generator.GroundTruth) -> None:
    c = tomllib.loads((case.folder / "case.toml").read_text(encoding="utf-8"))["case"]
    assert set(c) == {"title", "court", "counsel", "defendant", "timezone", "bates_prefix", "language"}
    statuses = set()
    for v in case.victims:
        t = tomllib.loads((case.folder / "victims" / v["id"] / "victim.toml").read_text(encoding="utf-8"))
        assert set(t) <= {"victim", "orders", "compensation", "events", "exhibits"}
        assert t["victim"]["id_number"] == v["id_number"] and t["victim"]["cards"] == [v["card"]]
        assert Decimal(t["victim"]["claimed_loss"]) == Decimal(v["claimed_loss"])
        assert t["orders"][0]["id"] == v["orders"][0]["id"]
        statuses.add(t["compensation"]["status"])
        for path in t.get("exhibits", {}):
            assert (case.folder / "victims" / v["id"] / path).is_file()
    assert statuses == {"none", "registered", "agreement", "paid"}
    assert not any(p.name == "intake.json" for p in case.folder.rglob("*"))


def test_sms_backup_xml_layout_and_contents(case: generator.GroundTruth) -> None:
    v = case.victim("V001")
    (path,) = [p for p in files(case, v, ".xml") if p.name.startswith("sms-")]
    raw = path.read_bytes()
    assert re.fullmatch(r"sms-\d{14}\.xml", path.name)
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>")
    assert re.search(rb"&#55357;&#5[67]\d{3};", raw), "some bodies carry emoji as surrogate pairs"
    with pytest.raises(ElementTree.ParseError):
        ElementTree.fromstring(raw)  # exactly as the real app's files
    root = ElementTree.fromstring(fix_surrogates(raw))
    assert root.tag == "smses" and root.get("backup_set") and root.get("backup_date", "").isdigit()
    items = list(root)
    assert int(root.get("count", "-1")) == len(items)
    expected = [e for e in v["events"] if e["source"]["path"] == path.relative_to(
        case.folder / "victims" / "V001").as_posix()]
    assert len(expected) == len(items)
    for e in expected:
        el = items[int(e["source"]["locator"][4:-1])]
        when = dt.datetime.fromtimestamp(int(el.get("date", "0")) / 1000, CST)
        assert when.isoformat() == e["time"]
        assert el.get("address") == e["counterparty"] and el.get("subject") == "null"
        if e["kind"] == "bank_notice":
            assert f"{Decimal(e['amount']):.2f}" in el.get("body", "").replace(",", "")
        if e["kind"] == "phishing":
            assert f"http://{e['domain']}/" in el.get("body", "")
    kinds = {e["kind"] for e in expected}
    assert {"sms", "bank_notice", "verification_code", "phishing"} <= kinds


def test_csv_exports_gbk_and_zone_less(case: generator.GroundTruth) -> None:
    v2 = case.victim("V002")
    assert v2["formats"]["sms"] == "csv_gbk"
    (sms,) = files(case, v2, ".csv")
    raw = sms.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.decode("gbk"))))
    assert rows[0] == ["类型", "号码", "联系人", "时间", "内容"]
    assert len(rows) - 1 == sum(1 for e in v2["events"] if e["source"]["path"].endswith(".csv"))
    v3 = case.victim("V003")
    (calls,) = files(case, v3, ".csv")
    text = calls.read_bytes().decode("utf-8")
    assert text.startswith("\ufeffCall type,Date,Duration,Number")
    first = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1]
    assert re.fullmatch(r"2015-\d\d-\d\d \d\d:\d\d:\d\d", first[1]) and re.fullmatch(r"\d\d:\d\d:\d\d", first[2])


def test_recordings_have_the_duration_of_their_call(case: generator.GroundTruth) -> None:
    seen = set()
    for v in case.victims:
        for e in v["events"]:
            if e["kind"] != "recording":
                continue
            path = case.folder / "victims" / v["id"] / e["source"]["path"]
            data = path.read_bytes()
            suffix = path.suffix
            seen.add(suffix)
            if suffix == ".amr":
                assert data.startswith(b"#!AMR\n")
                length = audio.amr_frame_count(data) * 0.020
            elif suffix == ".m4a":
                assert data[4:12] == b"ftypM4A "
                length = mutagen.mp4.MP4(path).info.length
            elif suffix == ".mp3":
                length = mutagen.mp3.MP3(path).info.length
            else:
                with wave.open(str(path)) as w:
                    length = w.getnframes() / w.getframerate()
            assert abs(length - e["duration_s"]) < 0.05, (path.name, length, e["duration_s"])
            assert e["counterparty"] in path.name
    assert seen == {".amr", ".m4a", ".mp3", ".wav"}


def test_audio_writers_exact_lengths() -> None:
    assert audio.amr_frame_count(audio.amr(4.36)) == 218
    assert mutagen.mp4.MP4(io.BytesIO(audio.m4a(3.328))).info.length == pytest.approx(3.328)
    assert mutagen.mp3.MP3(io.BytesIO(audio.mp3(36))).info.length == pytest.approx(36, abs=0.04)
    with wave.open(io.BytesIO(audio.wav(2.5))) as w:
        assert w.getnframes() == 20000


def test_images_open_and_carry_their_times(case: generator.GroundTruth) -> None:
    names = set()
    for v in case.victims:
        for e in v["events"]:
            if e["kind"] not in ("screenshot", "photo"):
                continue
            path = case.folder / "victims" / v["id"] / e["source"]["path"]
            with Image.open(path) as img:
                img.load()
                exif = img.getexif().get_ifd(0x8769)
            when = dt.datetime.fromisoformat(e["time"])
            if e["basis"] == "exif":
                assert exif[0x9003] == f"{when:%Y:%m:%d %H:%M:%S}" and exif[0x9011] == "+08:00"
                assert path.name == f"IMG_{when:%Y%m%d_%H%M%S}.jpg"
            else:
                assert not exif and e["kind"] == ("photo" if path.suffix == ".jpg" else "screenshot")
                assert path.name in (f"Screenshot_{when:%Y%m%d-%H%M%S}.png",
                                     f"Screenshot_{when:%Y-%m-%d-%H-%M-%S}.png", f"微信图片_{when:%Y%m%d%H%M%S}.jpg")
                assert img.size == (1080, 2340)
            assert path.stat().st_mtime == when.timestamp()
            names.add(re.sub(r"\d", "", path.name))
    assert {"Screenshot_-.png", "IMG__.jpg"} <= names


def test_statements_list_every_account_movement(case: generator.GroundTruth) -> None:
    for v in case.victims:
        rows = [e for e in v["events"] if e["kind"] == "transaction"]
        by_file: dict[str, list[dict[str, Any]]] = {}
        for e in rows:
            by_file.setdefault(e["source"]["path"], []).append(e)
        for rel, expected in by_file.items():
            text = pypdf.PdfReader(case.folder / "victims" / v["id"] / rel).pages[0].extract_text()
            cells = text.split()  # one string per table cell, in row order
            assert len([c for c in cells if re.fullmatch(r"[+-][\d,]+\.\d\d", c)]) == len(expected)
            for e in expected:
                when = dt.datetime.fromisoformat(e["time"])
                sign = "-" if e["direction"] == "debit" else "+"
                i = cells.index(f"{when:%H:%M:%S}")
                assert cells[i - 1] == f"{when:%Y-%m-%d}" and cells[i + 2] == f"{sign}{Decimal(e['amount']):,.2f}"
        fraud_rows = sum((Decimal(e["amount"]) for e in rows if e.get("fraud")), Decimal(0))
        assert fraud_rows == Decimal(v["debit_total"])


def test_ground_truth_is_consistent(case: generator.GroundTruth) -> None:
    data = json.loads((case.folder / generator.GROUND_TRUTH).read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(case.data))
    messy = {f["status"] for v in case.victims for f in v["files"]}
    assert messy == {"accepted", "duplicate", "rejected"}
    numbers: dict[str, set[str]] = {}
    for v in case.victims:
        vdir = case.folder / "victims" / v["id"]
        on_disk = {p.relative_to(vdir).as_posix() for p in vdir.rglob("*") if p.is_file()} - {"victim.toml"}
        assert on_disk == {f["path"] for f in v["files"]}
        for f in v["files"]:
            assert hashlib.sha256((vdir / f["path"]).read_bytes()).hexdigest() == f["sha256"]
        notices = [e for e in v["events"] if e["kind"] == "bank_notice" and e["direction"] == "debit"]
        for d in v["debits"]:  # each fraud debit is announced by the bank within a minute
            t = dt.datetime.fromisoformat(d["time"])
            assert any(e["amount"] == d["amount"] and dt.timedelta(0) < dt.datetime.fromisoformat(e["time"]) - t
                       < dt.timedelta(minutes=1) for e in notices), d
        assert sum((Decimal(d["amount"]) for d in v["debits"]), Decimal(0)) == Decimal(v["debit_total"])
        assert Decimal(v["all_debits_total"]) == sum((Decimal(e["amount"]) for e in notices), Decimal(0))
        assert all(Decimal("100") <= Decimal(d["amount"]) <= fraud.MAX_DEBIT for d in v["debits"])
        assert 1 <= len(v["debits"]) <= 4
        assert 30 <= v["order_to_call_minutes"] <= 6 * 60
        for n in v["fraud_numbers"]:
            numbers.setdefault(n, set()).add(v["id"])
        phishing = [e for e in v["events"] if e["kind"] == "phishing"]
        assert {e["domain"] for e in phishing} == set(v["domains"])
    assert {k: sorted(s) for k, s in numbers.items()} == data["numbers"]
    assert data["shared_numbers"] == {k: sorted(s) for k, s in numbers.items() if len(s) > 1}
    assert sum(data["compensation_counts"].values()) == len(case.victims)


def test_realistic_scale_counts(tmp_path: Path) -> None:
    gt = generator.generate(tmp_path / "r", victims=1, seed=3, scale="realistic")
    v = gt.victims[0]
    kinds = [e["kind"] for e in v["events"]]
    assert 180 <= sum(k in ("sms", "bank_notice", "verification_code", "phishing") for k in kinds) <= 230
    assert 15 <= kinds.count("call") <= 25
    assert kinds.count("screenshot") + kinds.count("photo") == 30
    assert sum(f["kind"] == "bank_statement" for f in v["files"]) == 2
    assert v["debits"][0]["amount"] == "228000.00"  # victim 1 is the largest single debit of the case

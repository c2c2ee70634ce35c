"""Every source format is complete: one module implementing the declared `Source` interface, one
registry entry, one folder of sample files under tests/data/<name>/, one README row. Adding a
sample file to a folder adds a test case.

Each sample file must be claimed by its own folder's module (no two formats overlap), pass its
validate(), and read back into events that carry an aware time, a source reference, a summary and
what their time means.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from evidence import extract, sources, times
from evidence.model import (
    Basis,
    Direction,
    Event,
    EventKind,
    FileKind,
    Severity,
    SourceFile,
    Status,
)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
SOURCES = REPO / "evidence" / "sources"
NOT_FORMATS = {"__init__", "common", "victim_toml"}  # helpers and the lawyer's own entries
CORPORA = {"bank_sms", "bank_sms_audit"}  # labelled message corpora (notices_eval, the blind audit), not samples
SH = times.zone("Asia/Shanghai")
# Some formats carry no year (pasted SMS): it comes from the case period, never from the file's
# modification time (which a git checkout sets to "now"; pinned anyway to the day of saving).
CTX = extract.Context(tz=SH, lang="zh-Hans",
                      period=times.day_bounds(dt.date(2015, 3, 1), dt.date(2015, 4, 30), SH))
SAVED = dt.datetime(2026, 3, 20, 10, 30, tzinfo=SH)

SAMPLES = sorted(
    (folder.name, path)
    for folder in DATA.iterdir() if folder.is_dir() and folder.name not in CORPORA
    for path in folder.iterdir() if path.is_file()
)


def _source(folder: str, path: Path) -> SourceFile:
    kind, _ = extract.sniff(path)
    data = path.read_bytes()
    return SourceFile(f"{folder}/{path.name}", path, hashlib.sha256(data).hexdigest(), len(data), kind,
                      Status.ACCEPTED, mtime=SAVED)


def _module_name(module: sources.Source | None) -> str | None:
    return extract.name_of(module) if module is not None else None


# ---- completeness -------------------------------------------------------------------------


def test_every_source_module_is_registered_and_every_entry_has_a_module() -> None:
    modules = {p.stem for p in SOURCES.glob("*.py")} - NOT_FORMATS
    assert modules == set(extract.REGISTRY_NAMES)
    assert len(set(extract.REGISTRY_NAMES)) == len(extract.REGISTRY_NAMES)
    assert tuple(extract.name_of(s) for s in extract.REGISTRY) == extract.REGISTRY_NAMES


@pytest.mark.parametrize("source", extract.REGISTRY, ids=extract.REGISTRY_NAMES)
def test_every_module_implements_the_declared_interface(source: sources.Source) -> None:
    """mypy checks the registry against the Protocol; this checks the running modules too."""
    for name in ("sniff", "kind", "validate", "read"):
        assert callable(getattr(source, name, None)), f"{extract.name_of(source)} lacks {name}()"
    assert isinstance(source.TIME_MEANING, str) and source.TIME_MEANING
    assert isinstance(source.BASIS, Basis)
    # a sniff is cheap and total: it never raises, whatever it is shown
    for head, name in ((b"", ""), (b"\x00" * 64, "x.bin"), (b"%PDF-1.4\n", "x.pdf"), (b"<", "a.xml")):
        assert source.sniff(head, name) in (True, False)


def test_sniffing_never_reads_a_pdfs_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """issue 19: a PDF is a statement by signature (its name), not by extracting its text."""
    import pypdf

    def forbidden(*args: object, **kwargs: object) -> str:
        raise AssertionError("a sniff extracted a PDF's text")

    monkeypatch.setattr(pypdf.PageObject, "extract_text", forbidden)
    extract._sniff_file.cache_clear()
    kinds = {path.parent.name: extract.sniff(path)[0] for path in
             sorted((DATA / "statement_pdf").iterdir()) + sorted((DATA / "document").iterdir())}
    extract._sniff_file.cache_clear()
    # told apart by signature alone: statements by their names, any other PDF a document
    assert kinds == {"statement_pdf": FileKind.BANK_STATEMENT, "document": FileKind.DOCUMENT}


@pytest.mark.parametrize("name", extract.REGISTRY_NAMES)
def test_every_format_has_sample_files(name: str) -> None:
    folder = DATA / name
    files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    assert files, f"add real-layout sample files of `{name}` under tests/data/{name}/"
    assert all(p.stat().st_size < 200_000 for p in files), "keep sample files small"


def test_no_sample_folder_without_a_format() -> None:
    folders = {p.name for p in DATA.iterdir() if p.is_dir()} - CORPORA
    assert folders <= set(extract.REGISTRY_NAMES), folders - set(extract.REGISTRY_NAMES)


@pytest.mark.parametrize("name", extract.REGISTRY_NAMES)
def test_every_format_has_a_readme_row(name: str) -> None:
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    assert f"| `{name}` |" in text, f"README.md's format table needs a row starting with | `{name}` |"


# ---- every sample file -------------------------------------------------------------------


@pytest.mark.parametrize(("folder", "path"), SAMPLES, ids=[f"{f}/{p.name}" for f, p in SAMPLES])
def test_sample_file_is_sniffed_validated_and_read(folder: str, path: Path) -> None:
    kind, module = extract.sniff(path)
    assert _module_name(module) == folder, f"{path.name} is claimed by {_module_name(module)}, not {folder}"
    assert module is not None
    assert module.validate(path, "zh-Hans") is None
    assert module.validate(path, "en") is None
    file = _source(folder, path)
    assert file.kind is kind
    events, issues = module.read(file, CTX)
    assert events, f"{path.name} gave no events"
    errors = [i for i in issues if i.severity is Severity.ERROR]
    assert not errors, errors
    assert all(i.path == file.path for i in issues)
    for event in events:
        assert event.time.tzinfo is not None and event.time.utcoffset() is not None
        assert event.source.path == file.path and event.source.sha256 == file.sha256
        assert event.source.locator
        assert event.summary.strip()
    full, _ = extract.run([file], CTX)
    assert full and all(e.details.get("time_meaning") for e in full)
    # deterministic: a second read gives the same events
    again, _ = module.read(file, CTX)
    assert again == events


# ---- what particular samples must say ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Expect:
    path: str  # under tests/data
    count: int  # events
    index: int  # the event checked below
    time: dt.datetime
    basis: Basis
    kind: EventKind
    fields: dict[str, object] = dataclasses.field(default_factory=dict)  # Event attributes
    details: dict[str, str] = dataclasses.field(default_factory=dict)
    offset: dt.timedelta | None = None  # the UTC offset the event keeps, where the source states one


def sh(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


EXPECT = [
    Expect("recording/13757123456_20150318201530.amr", 1, 0, sh(2015, 3, 18, 20, 15, 30), Basis.FILENAME,
           EventKind.RECORDING, {"counterparty": "13757123456", "zone_assumed": True},
           {"duration_s": "4.36", "frames": "218", "codec": "AMR-NB", "name_convention": "miui_huawei"}),
    Expect("recording/13757123456 2015-03-18 20-50-00.m4a", 1, 0, sh(2015, 3, 18, 20, 50), Basis.FILENAME,
           EventKind.RECORDING, {"counterparty": "13757123456"},
           {"duration_s": "3.33", "codec": "AAC LC", "name_convention": "vivo"}),
    Expect("recording/通话录音_95588_20150318_203500.3gp", 1, 0, sh(2015, 3, 18, 20, 35), Basis.FILENAME,
           EventKind.RECORDING, {"counterparty": "95588"}, {"duration_s": "3.01", "codec": "AMR-NB"}),
    Expect("image/Screenshot_20150318-203530.png", 1, 0, sh(2015, 3, 18, 20, 35, 30), Basis.FILENAME,
           EventKind.SCREENSHOT, {"zone_assumed": True},
           {"width": "270", "height": "585", "name_convention": "aosp_screenshot", "time_meaning": "taken"}),
    Expect("image/IMG_20150319_103012.jpg", 1, 0, sh(2015, 3, 19, 10, 30, 12), Basis.EXIF, EventKind.PHOTO,
           {"zone_assumed": False},
           {"exif_time": "2015:03:19 10:30:12 +08:00", "zone_source": "exif_offset", "camera": "Xiaomi MI 4LTE"},
           dt.timedelta(hours=8)),
    Expect("image/mmexport1426683000000.jpg", 1, 0, dt.datetime(2015, 3, 18, 12, 50, tzinfo=dt.UTC),
           Basis.FILENAME, EventKind.PHOTO, {"zone_assumed": False},
           {"name_convention": "wechat_mmexport", "time_meaning": "saved"}),
    Expect("statement_pdf/icbc_historydetail_6217.pdf", 4, 0, sh(2015, 3, 17, 10, 5, 30), Basis.EXACT,
           EventKind.TRANSACTION, {"amount": Decimal("50000.00"), "direction": Direction.CREDIT}),
    Expect("statement_pdf/icbc_historydetail_6217.pdf", 4, 2, sh(2015, 3, 18, 20, 34, 12), Basis.EXACT,
           EventKind.TRANSACTION, {"amount": Decimal("228000.00"), "direction": Direction.DEBIT},
           {"balance": "0.36"}),
    Expect("statement_pdf/建设银行交易明细_20150322.pdf", 3, 0, sh(2015, 3, 18, 20, 33, 5), Basis.EXACT,
           EventKind.TRANSACTION, {"amount": Decimal("9800.00"), "direction": Direction.DEBIT},
           {"balance": "5234.48"}),
    Expect("statement_csv/historydetail_6222xxxx6217.csv", 3, 1, sh(2015, 3, 18, 20, 31, 40), Basis.EXACT,
           EventKind.TRANSACTION, {"amount": Decimal("20000.00"), "direction": Direction.DEBIT}),
    Expect("statement_csv/CMB_流水_20150320.csv", 2, 1, sh(2015, 3, 18, 21, 3), Basis.EXACT, EventKind.TRANSACTION,
           {"amount": Decimal("1000.00"), "direction": Direction.CREDIT}),
    Expect("document/受案回执_20150319.pdf", 1, 0, sh(2015, 3, 19, 10, 35, 12), Basis.EXACT, EventKind.DOCUMENT,
           {"zone_assumed": False}, {"title": "受案回执", "pages": "1", "time_source": "pdf_creation_date"}),
    Expect("ios_sms/sms.db", 4, 0, sh(2015, 3, 18, 20, 12, 5), Basis.EXACT, EventKind.PHISHING,
           {"counterparty": "13757123456"}),
    Expect("ios_sms/sms.db", 4, 3, sh(2015, 3, 18, 20, 31, 45), Basis.EXACT, EventKind.BANK_NOTICE,
           {"counterparty": "95588", "amount": Decimal("20000.00")}),
    Expect("ios_calls/CallHistory.storedata", 4, 1, sh(2015, 3, 18, 20, 5, 10), Basis.EXACT, EventKind.CALL,
           {"counterparty": "13757123456"}),
    Expect("notice_text/银行短信.txt", 3, 1, sh(2015, 3, 18, 20, 34), Basis.TEXT, EventKind.BANK_NOTICE,
           {"amount": Decimal("228000.00"), "zone_assumed": True}),
    Expect("notice_text/银行短信.txt", 3, 2, sh(2015, 3, 18, 20, 33), Basis.TEXT, EventKind.BANK_NOTICE,
           {"amount": Decimal("9800.00")}),
    Expect("sms_backup/devadvance__sms_small.xml", 12, 0, dt.datetime(2017, 12, 2, 14, 49, 27, 463000, tzinfo=dt.UTC),
           Basis.EXACT, EventKind.SMS, {"counterparty": "+15550000001"}),
    Expect("call_backup/shruggietech__minimal_calls.xml", 1, 0, dt.datetime(2021, 1, 3, tzinfo=dt.UTC), Basis.EXACT,
           EventKind.CALL, {"counterparty": "+15551234567"}),
    Expect("sms_csv/sms_gbk_zh.csv", 3, 0, sh(2015, 3, 18, 20, 12), Basis.EXACT, EventKind.PHISHING,
           {"counterparty": "13757123456"}),
    Expect("calls_csv/imazing_calls.csv", 4, 0, sh(2015, 3, 18, 20, 5, 10), Basis.EXACT, EventKind.CALL,
           {"counterparty": "13757123456"}),
    # issue 16: formats met in real exports
    Expect("superbackup_calls/calls_20150320.xml", 4, 0, sh(2015, 3, 18, 20, 5, 10, 417000), Basis.EXACT,
           EventKind.CALL, {"counterparty": "13757123456", "zone_assumed": False},
           {"call_type": "incoming", "duration_s": "1265", "readable_date": "18.03.2015 20:05:10",
            "time_meaning": "call_started"}),
    Expect("superbackup_calls/calls_20150320.xml", 4, 3, sh(2015, 3, 18, 20, 47, 9, 3000), Basis.EXACT,
           EventKind.CALL, {"counterparty": None}, {"call_type": "rejected", "number_hidden": "unknown"}),
    Expect("calls_csv/call_log_direction_timestamp.csv", 3, 0, sh(2015, 3, 18, 20, 5, 10), Basis.EXACT,
           EventKind.CALL, {"counterparty": "13757123456", "zone_assumed": True},
           {"call_type": "incoming", "duration_s": "1265"}),
    Expect("calls_csv/call_log_direction_timestamp.csv", 3, 2, sh(2015, 3, 18, 19, 40), Basis.EXACT,
           EventKind.CALL, {"counterparty": "95118"},
           {"call_type": "outgoing", "duration_s": "95", "contact_name": "JD Customer Service"}),
    Expect("ios_sms/sms_ios5.db", 4, 2, sh(2015, 3, 18, 20, 31, 45), Basis.EXACT, EventKind.BANK_NOTICE,
           {"counterparty": "95588", "amount": Decimal("20000.00"), "direction": Direction.DEBIT},
           {"direction_of_message": "in", "message_type": "sms"}),
    Expect("ios_sms/sms_ios5.db", 4, 1, sh(2015, 3, 18, 20, 16, 40), Basis.EXACT, EventKind.SMS,
           {"counterparty": "13757123456"}, {"direction_of_message": "out"}),
    Expect("ios_sms/sms_ios5.db", 4, 3, sh(2015, 3, 18, 21, 0), Basis.EXACT, EventKind.SMS,
           {"counterparty": "13912345678"}, {"direction_of_message": "in", "message_type": "imessage"}),
    Expect("recording/13757123456_150318_201530123.amr", 1, 0, sh(2015, 3, 18, 20, 15, 30, 123000),
           Basis.FILENAME, EventKind.RECORDING, {"counterparty": "13757123456", "zone_assumed": True},
           {"name_convention": "lineageos", "duration_s": "4.40", "frames": "220"}),
    Expect("recording/20150318_205012.881926+0800_in_13757123456.wav", 1, 0, sh(2015, 3, 18, 20, 50, 12, 881926),
           Basis.FILENAME, EventKind.RECORDING, {"counterparty": "13757123456", "zone_assumed": False},
           {"name_convention": "bcr", "direction_of_call": "in", "duration_s": "1.00"}, dt.timedelta(hours=8)),
    Expect("image/signal-2020-10-26-163832.jpg", 1, 0, sh(2020, 10, 26, 16, 38, 32), Basis.FILENAME,
           EventKind.PHOTO, {"zone_assumed": True}, {"name_convention": "signal"}),
    Expect("image/IMG_20180823102109.jpg", 1, 0, sh(2018, 8, 23, 10, 21, 9), Basis.FILENAME, EventKind.PHOTO,
           {"zone_assumed": True}, {"name_convention": "camera", "time_meaning": "taken"}),
    Expect("sms_backup/sms-20150326101530.xml", 2, 0, sh(2015, 3, 18, 20, 31, 42, 417000), Basis.EXACT,
           EventKind.BANK_NOTICE, {"amount": Decimal("20000.00")}, {"repeated_in_file": "sms[3]"}),
    Expect("notice_text/银行短信.txt", 3, 0, sh(2015, 3, 18, 20, 31), Basis.TEXT, EventKind.BANK_NOTICE,
           {"amount": Decimal("20000.00")}, {"year_from": "period"}),
]


def _read(rel: str) -> list[Event]:
    path = DATA / rel
    _, module = extract.sniff(path)
    assert module is not None
    events, _ = module.read(_source(path.parent.name, path), CTX)
    return events


def test_a_call_log_without_durations_says_unknown_never_0() -> None:
    events = _read("calls_csv/通话记录_无时长.csv")
    assert [(e.details["call_type"], e.details.get("duration_s")) for e in events] == [
        ("incoming", None), ("missed", None)]
    assert "时长未知" in events[0].summary and "0秒" not in events[0].summary
    _, issues = extract.sniff(DATA / "calls_csv/通话记录_无时长.csv")[1].read(  # type: ignore[union-attr]
        _source("calls_csv", DATA / "calls_csv/通话记录_无时长.csv"), CTX)
    assert "duration_column_missing" in {i.code for i in issues}


def test_a_record_a_file_holds_twice_is_one_message_with_a_note() -> None:
    path = DATA / "sms_backup/sms-20150326101530.xml"
    _, module = extract.sniff(path)
    assert module is not None
    events, issues = module.read(_source("sms_backup", path), CTX)
    assert [e.source.locator for e in events] == ["sms[1]", "sms[2]"]
    assert [(i.code, i.locator) for i in issues] == [("record_repeated", "sms[3]")]
    assert "sms[1]" in issues[0].message


def test_expectations_cover_every_format() -> None:
    assert {e.path.split("/")[0] for e in EXPECT} == set(extract.REGISTRY_NAMES)


@pytest.mark.parametrize("expect", EXPECT, ids=[f"{e.path}[{e.index}]" for e in EXPECT])
def test_sample_file_says(expect: Expect) -> None:
    events = _read(expect.path)
    assert len(events) == expect.count
    event = events[expect.index]
    assert (event.time, event.basis, event.kind) == (expect.time, expect.basis, expect.kind)
    if expect.offset is not None:
        assert event.time.utcoffset() == expect.offset
    assert {k: getattr(event, k) for k in expect.fields} == expect.fields
    assert {k: event.details.get(k) for k in expect.details} == expect.details

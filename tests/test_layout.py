"""layout: numbering, grouping, purposes, pagination and Bates arithmetic (pure: no PDF here)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from evidence import layout, times
from evidence.model import (
    Basis,
    Case,
    Direction,
    Event,
    EventKind,
    FileKind,
    SourceFile,
    SourceRef,
    Status,
    Victim,
)

TZ = times.zone("Asia/Shanghai")


def _file(path: str, kind: FileKind, status: Status = Status.ACCEPTED, **kw: object) -> SourceFile:
    return SourceFile(path=path, abspath=Path("/nonexistent") / path, sha256=f"{hash(path):064x}"[-64:],
                      size=10, kind=kind, status=status, **kw)  # type: ignore[arg-type]


def _plan(files: list[SourceFile], events: list[Event] = (), victim: Victim | None = None,  # type: ignore[assignment]
          pats: layout.Patterns | None = None, case: Case | None = None) -> layout.Plan:
    return layout.plan(
        case=case or Case(folder=Path("/c"), title="t"),
        victim=victim or Victim(id="V001", folder=Path("/c/v")),
        files=files, events=list(events), purposes={g: f"default {g}" for g in layout.Group},
        titles={}, compensation_labels={}, pats=pats or layout.Patterns(), fingerprint="f" * 64, lang="zh-Hans", tz=TZ,
    )


def test_groups_in_reading_order_and_items_numbered_within_groups() -> None:
    files = [
        _file("b.png", FileKind.SCREENSHOT), _file("a.png", FileKind.SCREENSHOT),
        _file("stmt.pdf", FileKind.BANK_STATEMENT), _file("sms.xml", FileKind.SMS_BACKUP),
        _file("x.bin", FileKind.UNKNOWN, Status.REJECTED, reason="?"),
        _file("a (1).png", FileKind.SCREENSHOT, Status.DUPLICATE, duplicate_of="a.png"),
    ]
    t = dt.datetime(2015, 3, 18, 17, 26, tzinfo=TZ)
    link = Event(t, Basis.EXACT, EventKind.PHISHING, "link", SourceRef("sms.xml", "s", "sms[0]"))
    p = _plan(files, [link])
    # grouped by the fact proved, in the fraud's order (issue 17): link, debits, the rest last
    assert [(e.label, e.group) for e in p.exhibits] == [
        ("证据1", layout.Group.PHISHING), ("证据2", layout.Group.DEBITS),
        ("证据3", layout.Group.OTHER)]
    assert [i.label for i in p.items] == ["证据1", "证据2", "证据3-1", "证据3-2"]
    assert [i.file.path for i in p.items][2:] == ["a.png", "b.png"]
    shot = p.items[2]
    assert shot.duplicates == ("a (1).png",) and shot.form is layout.Form.ELECTRONIC
    assert p.items[1].mode is layout.Mode.PDF and p.items[1].form is layout.Form.DOCUMENTARY
    assert len(p.custody) == 6  # rejected and duplicate files are listed, not exhibited


def test_template_patterns_and_purposes_from_victim_toml() -> None:
    files = [_file("r1.amr", FileKind.RECORDING), _file("r2.amr", FileKind.RECORDING)]
    v = Victim(id="V002", folder=Path("/v"), purposes={"r2.amr": "证明对方自称京东客服。"})
    p = _plan(files, victim=v, pats=layout.Patterns(exhibit="Tab {n}", item="{exhibit}.{i}"))
    assert [i.label for i in p.items] == ["Tab 1.1", "Tab 1.2"]
    assert "录音" in p.items[0].purpose and p.items[0].name.endswith("通话录音（）")
    assert p.items[1].purpose == "证明对方自称京东客服。"
    assert p.items[0].form is layout.Form.AUDIOVISUAL
    en = layout.patterns({"patterns": {"exhibit": "证据{n}"}}, "en")
    assert en.exhibit == "Exhibit {n}"


def test_chronology_cites_the_exhibit_and_marks_debits_and_first_call() -> None:
    sms = _file("sms.xml", FileKind.SMS_BACKUP)
    calls = _file("calls.xml", FileKind.CALL_LOG)
    t0 = dt.datetime(2015, 3, 18, 20, 0, tzinfo=TZ)
    order_v = Victim(id="V1", folder=Path("/v"), orders=(
        __import__("evidence.model", fromlist=["Order"]).Order("1", t0),))
    ev_call_service = Event(t0 + dt.timedelta(minutes=1), Basis.EXACT, EventKind.CALL, "10086",
                            SourceRef("calls.xml", calls.sha256, "call[0]"), counterparty="10086")
    ev_call = Event(t0 + dt.timedelta(minutes=5), Basis.EXACT, EventKind.CALL, "scam",
                    SourceRef("calls.xml", calls.sha256, "call[1]"), counterparty="13757123456",
                    details={"call_type": "incoming"})
    ev_debit = Event(t0 + dt.timedelta(minutes=40), Basis.EXACT, EventKind.BANK_NOTICE, "debit",
                     SourceRef("sms.xml", sms.sha256, "sms[3]"), counterparty="95588",
                     amount=Decimal("20000.00"), direction=Direction.DEBIT)
    ev_shopping = Event(t0 + dt.timedelta(minutes=2), Basis.EXACT, EventKind.BANK_NOTICE, "coffee",
                        SourceRef("sms.xml", sms.sha256, "sms[1]"), counterparty="95588",
                        amount=Decimal("30.00"), direction=Direction.DEBIT)
    ev_other = Event(t0 + dt.timedelta(days=1), Basis.MANUAL, EventKind.MANUAL, "报警",
                     SourceRef("victim.toml", "", "events[0]"))
    p = _plan([sms, calls], [ev_debit, ev_other, ev_call, ev_shopping, ev_call_service],
              victim=order_v)
    assert [r.event.summary for r in p.rows] == ["10086", "coffee", "scam", "debit", "报警"]
    # spending before the fraud call is in the chronology but not marked as the loss
    assert [r.marker for r in p.rows] == ["", "", "call", "debit", ""]
    # 证据1 is the order sheet (no file proves the order), then the calls, then the messages
    assert [r.item_label for r in p.rows] == ["证据2", "证据3", "证据2", "证据3", None]
    assert p.items[0].mode is layout.Mode.STATEMENT and p.items[0].form is layout.Form.STATEMENT
    s = p.summary
    assert s.first_call is ev_call and s.call_delay == dt.timedelta(minutes=5)
    assert s.debit_total == Decimal("20000.00") and s.all_debit_total == Decimal("20030.00")


def _shot(path: str, when: dt.datetime, basis: Basis) -> Event:
    return Event(time=when, basis=basis, kind=EventKind.SCREENSHOT, summary=path,
                 source=SourceRef(path, f"{hash(path):064x}"[-64:], "file"))


def test_items_in_a_group_follow_the_files_own_times_never_their_mtimes() -> None:
    t = dt.datetime(2015, 3, 18, 20, 0, tzinfo=TZ)
    copied = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # what `cp -r` does to every file's mtime
    files = [
        _file("a.png", FileKind.SCREENSHOT, mtime=copied),  # its name says 20:30
        _file("z.png", FileKind.SCREENSHOT, mtime=copied - dt.timedelta(days=9)),  # EXIF 20:10
        _file("b.png", FileKind.SCREENSHOT, mtime=copied - dt.timedelta(days=99)),  # no time of its own
        _file("c.png", FileKind.SCREENSHOT, received=copied),  # the same time as a.png: by name
    ]
    events = [_shot("a.png", t + dt.timedelta(minutes=30), Basis.FILENAME),
              _shot("z.png", t + dt.timedelta(minutes=10), Basis.EXIF),
              _shot("b.png", copied - dt.timedelta(days=99), Basis.FILE_MTIME),
              _shot("c.png", t + dt.timedelta(minutes=30), Basis.FILENAME)]
    p = _plan(files, events)
    assert [(i.label, i.file.path) for i in p.items] == [
        ("证据1-1", "z.png"), ("证据1-2", "a.png"), ("证据1-3", "c.png"), ("证据1-4", "b.png")]
    # other mtimes, the same exhibits
    moved = [dataclasses.replace(f, mtime=copied + dt.timedelta(days=i), received=None)
             for i, f in enumerate(reversed(files))]
    assert [i.file.path for i in _plan(moved, events).items] == ["z.png", "a.png", "c.png", "b.png"]
    # and the chronology lists the weakly dated screenshot last, whatever its time
    assert [r.event.source.path for r in p.rows] == ["z.png", "a.png", "c.png", "b.png"]


def test_build_date_is_the_cases_never_the_inputs_times() -> None:
    late = dt.datetime(2015, 3, 25, 23, 30, tzinfo=dt.UTC)
    files = [_file("a", FileKind.PHOTO, received=late)]
    case = Case(folder=Path("/c"), title="t", build_date=dt.date(2015, 4, 1))
    assert layout.build_date(case) == dt.date(2015, 4, 1)
    p = _plan(case=case, files=files, events=[])
    assert p.build_date == dt.date(2015, 4, 1)
    assert layout.build_date(Case(folder=Path("/c"), title="t")) is None


def test_fingerprint_depends_on_every_input_but_not_their_order() -> None:
    a = layout.fingerprint(["1", "2"], "v", "0.1", "t")
    assert a == layout.fingerprint(["2", "1"], "v", "0.1", "t")
    assert len({a, layout.fingerprint(["1", "3"], "v", "0.1", "t"),
                layout.fingerprint(["1", "2"], "w", "0.1", "t"),
                layout.fingerprint(["1", "2"], "v", "0.2", "t"),
                layout.fingerprint(["1", "2"], "v", "0.1", "u")}) == 5


@given(count=st.integers(1, 2500), start=st.integers(1, 1200))
def test_label_ranges_reproduce_every_bates_stamp(count: int, start: int) -> None:
    pattern = "{prefix}-{victim}-{page:06d}"
    ranges = layout.label_ranges(pattern, "JD", "V001", count, start)
    assert len(ranges) <= 7  # one per number of digits, not one per page
    expect = layout.bates_labels(pattern, "JD", "V001", count, start)
    got = []
    for i in range(count):
        r = max((r for r in ranges if r.first <= i), key=lambda r: r.first)
        got.append(layout.label_text(r, i))
    assert got == expect


def test_label_ranges_for_a_pattern_not_ending_in_the_page_number() -> None:
    ranges = layout.label_ranges("{page}-{victim}", "P", "V1", 3)
    assert [layout.label_text(r, r.first) for r in ranges] == ["1-V1", "2-V1", "3-V1"]


def test_paginate() -> None:
    assert layout.paginate([1, 2, 0, 5]) == [1, 2, 4, 4]
    assert layout.paginate([3], start=10) == [10]


def test_phone_screenshots_go_two_to_a_page_landscape_photos_alone() -> None:
    frame = layout.Box(51, 60, 493, 700)
    sizes = [(1080, 2340), (1080, 2340), (4032, 3024), (1080, 2340), None, (1080, 2340)]
    pages = layout.image_sheets(sizes, frame, gap=17)
    assert [[i for i, _ in p] for p in pages] == [[0, 1], [2], [3], [4], [5]]
    left, right = pages[0][0][1], pages[0][1][1]
    assert left.w >= 0.45 * frame.w and right.x >= left.x + left.w  # legible, side by side
    for p in pages:
        for _, b in p:
            assert b.x >= frame.x and b.x + b.w <= frame.x + frame.w + 1e-6
            assert b.y >= frame.y and b.y + b.h <= frame.y + frame.h + 1e-6


def test_fit_keeps_the_aspect_ratio() -> None:
    b = layout.fit(1080, 2340, layout.Box(0, 0, 100, 100))
    assert abs(b.w / b.h - 1080 / 2340) < 1e-9 and b.h == 100

"""Cross-victim analysis and the claims schedule, on hand-made claimants with known answers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

from evidence import claims, joint
from evidence.model import CompensationStatus

TZ = dt.timezone(dt.timedelta(hours=8))
ORDER = dt.datetime(2015, 3, 18, 20, 5, tzinfo=TZ)


def person(vid: str, *, delay: dt.timedelta | None, callers: tuple[str, ...],
           domains: tuple[str, ...], debits: tuple[tuple[str, str], ...], region: str,
           status: CompensationStatus = CompensationStatus.NONE, paid: str = "0",
           name: str = "", held: str = "0") -> joint.Claimant:
    first = None if delay is None else joint.Call(callers[0], "浙江省杭州市 中国移动", ORDER + delay)
    return joint.Claimant(
        id=vid, name=name or f"张{vid}", region=region, first_order=ORDER,
        order_channels=("网银在线",), first_call=first, callers=callers,
        caller_places={n: "浙江省杭州市" for n in callers}, domains=domains,
        debits=tuple(joint.Debit(ORDER + dt.timedelta(hours=2), Decimal(a), ch, "95588")
                     for a, ch in debits), held=Decimal(held),
        claimed_loss=Decimal("1000.00"), compensation=status, amount_paid=Decimal(paid))


CLAIMANTS = [
    person("V001", delay=dt.timedelta(minutes=59), callers=("13757112345",),
           domains=("jd-tuikuan.com",), debits=(("228000.00", "快捷支付"),), region="浙江省杭州市",
           name="=HYPERLINK(1)"),
    person("V002", delay=dt.timedelta(hours=1), callers=("13757112345", "13705711111"),
           domains=("jd-tuikuan.com", "jd-tk.cc"), debits=(("0.10", "网银在线"), ("99.90", "快捷支付")),
           region="北京市朝阳区", status=CompensationStatus.PAID, paid="300.00", held="5000.00"),
    person("V003", delay=dt.timedelta(hours=5, minutes=59), callers=("13705711111",),
           domains=("jd-tk.cc",), debits=(("1.01", ""),), region="浙江省宁波市",
           status=CompensationStatus.REGISTERED),
    person("V004", delay=None, callers=(), domains=(), debits=(), region="",
           status=CompensationStatus.AGREEMENT),
    person("V005", delay=dt.timedelta(days=2), callers=("18600000000",), domains=("x.cn",),
           debits=(), region="广西壮族自治区南宁市"),
]


def test_shared_numbers_and_domains_name_the_victims() -> None:
    a = joint.analyse(CLAIMANTS)
    assert [(s.value, s.claimants) for s in a.shared_numbers] == [
        ("13705711111", ("V002", "V003")), ("13757112345", ("V001", "V002"))]
    assert [(s.value, s.claimants) for s in a.shared_domains] == [
        ("jd-tk.cc", ("V002", "V003")), ("jd-tuikuan.com", ("V001", "V002"))]
    assert a.shared_numbers[0].attribution == "浙江省杭州市"


def test_delay_buckets_have_exclusive_upper_bounds() -> None:
    a = joint.analyse(CLAIMANTS)
    assert dict(a.delays) == {"lt1h": 1, "1to3h": 1, "3to6h": 1, "6to24h": 0, "gt24h": 1,
                              "unknown": 1}
    assert joint.bucket(dt.timedelta(hours=6)) == "6to24h"
    assert joint.bucket(dt.timedelta(minutes=-5)) == "unknown"


def test_totals_by_channel_region_and_status_reconcile() -> None:
    a = joint.analyse(CLAIMANTS)
    assert a.amount_lost == Decimal("228101.01")
    assert {t.key: t.amount for t in a.by_channel} == {
        "快捷支付": Decimal("228099.90"), "网银在线": Decimal("0.10"), "": Decimal("1.01")}
    assert a.by_channel[-1].key == ""  # unknown channel listed last
    assert sum((t.amount for t in a.by_channel), Decimal(0)) == a.amount_lost
    assert {t.key: (t.amount, t.claimants) for t in a.by_region} == {
        "浙江省": (Decimal("228001.01"), 2), "北京市": (Decimal("100.00"), 1),
        "": (Decimal("0"), 1), "广西壮族自治区": (Decimal("0"), 1)}
    assert [(t.key, t.claimants, t.amount) for t in a.by_status] == [
        ("none", 2, Decimal(0)), ("registered", 1, Decimal(0)), ("agreement", 1, Decimal(0)),
        ("paid", 1, Decimal("300.00"))]
    assert a.claimed_loss == Decimal("5000.00")


def test_claimant_json_round_trip_is_exact() -> None:
    for c in CLAIMANTS:
        assert joint.from_json(json.loads(json.dumps(joint.to_json(c)))) == c


def test_page_ranges_follow_the_front_matter() -> None:
    assert joint.page_ranges(11, [60, 1, 3]) == ((12, 71), (72, 72), (73, 75))


def test_csv_has_bom_and_parses_back_to_the_json_decimals() -> None:
    a = joint.analyse(CLAIMANTS)
    ranges = joint.page_ranges(4, [10, 10, 10, 10, 10])
    raw = claims.to_csv(a, ranges, TZ, "zh-Hans")
    data = json.loads(claims.to_json(a, ranges, TZ, "zh-Hans", "案"))
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[claims.COLUMNS.index("amount_lost")] == "银行通知损失（元）"
    assert len(body) == len(data["claimants"]) == 5
    for row, record in zip(body, data["claimants"], strict=True):
        for key in claims.AMOUNTS:
            cell = row[claims.COLUMNS.index(key)]
            assert cell == record[key]
            assert Decimal(cell) == Decimal(record[key])  # plain decimals: no 1,234 or ¥
        assert row[claims.COLUMNS.index("pages")] == record["pages"]
    assert body[1][claims.COLUMNS.index("amount_lost")] == "100.00"
    # what waits on review stands in its own column and total, never in the loss
    assert body[1][claims.COLUMNS.index("amount_held")] == "5000.00"
    assert header[claims.COLUMNS.index("amount_held")] == "待核实、未计入的扣款通知（元）"
    assert data["totals"]["amount_held"] == "5000.00"
    assert body[1][claims.COLUMNS.index("compensation")] == "已赔付"
    assert data["claimants"][1]["compensation"] == "paid"
    assert body[0][claims.COLUMNS.index("name")] == "'=HYPERLINK(1)"  # no formula in Excel
    assert body[0][claims.COLUMNS.index("first_order")] == "2015-03-18 20:05:00"
    assert data["totals"]["amount_lost"] == "228101.01"
    assert body[2][claims.COLUMNS.index("delay_hours")] == "5.98"


def test_english_headers() -> None:
    raw = claims.to_csv(joint.analyse(CLAIMANTS), None, TZ, "en")
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header[:3] == ["No.", "ID", "Name"]

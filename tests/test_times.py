"""times.py: every datetime the tool makes, from every shape evidence arrives in."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence import times

SH = times.zone("Asia/Shanghai")
ANCHOR = dt.datetime(2015, 3, 18, 12, 30, tzinfo=dt.UTC)  # 20:30 in Shanghai


def test_epochs_are_utc_and_units_are_detected():
    assert times.from_epoch_ms(1426681530000) == dt.datetime(2015, 3, 18, 12, 25, 30, tzinfo=dt.UTC)
    # SB&R date_sent in seconds next to date in ms (corpus devadvance__sms_and_mms.xml)
    assert times.from_epoch_auto(1720997593) == times.from_epoch_auto(1720997593000)
    assert times.from_apple(447876000) == dt.datetime(2015, 3, 12, 18, 0, tzinfo=dt.UTC)
    assert times.from_apple(447876000 * 10**9) == times.from_apple(447876000)


@pytest.mark.parametrize(
    ("text", "expected", "assumed"),
    [
        ("2015-03-18 20:05", dt.datetime(2015, 3, 18, 20, 5, tzinfo=SH), True),
        ("2015/3/18 20:05:09", dt.datetime(2015, 3, 18, 20, 5, 9, tzinfo=SH), True),
        ("2015-03-18T12:05:00+00:00", dt.datetime(2015, 3, 18, 12, 5, tzinfo=dt.UTC), False),
        ("20150318201530", dt.datetime(2015, 3, 18, 20, 15, 30, tzinfo=SH), True),
        ("2015年3月18日 下午8:25:30", dt.datetime(2015, 3, 18, 20, 25, 30, tzinfo=SH), True),
        ("２０１５年３月１８日　２０：１５", dt.datetime(2015, 3, 18, 20, 15, tzinfo=SH), True),
    ],
)
def test_parse_local_complete_forms(text, expected, assumed):
    t, zone_assumed = times.parse_local(text, SH)
    assert t == expected
    assert t.utcoffset() == expected.utcoffset()
    assert zone_assumed is assumed


def test_parse_local_rejects_impossible_and_yearless():
    assert times.parse_local("2015-02-30 10:00", SH) is None
    assert times.parse_local("3月18日20:15", SH) is None  # a year must come from a record


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("尾号1234卡3月18日20:15支出", (2015, 3, 18, 20, 15), "minute"),
        ("8月29日20时3分转帐", (2014, 8, 29, 20, 3), "minute"),  # later month -> previous year
        ("【邮储银行】24年10月09日15:54您尾号", (2024, 10, 9, 15, 54), "minute"),
        ("14:09转入", (2015, 3, 18, 14, 9), "time_only"),
        ("于12月28日网上支付", (2014, 12, 28, 0, 0), "day"),
        ("尾号1234卡 1月 9日18:55", (2015, 1, 9, 18, 55), "minute"),
        ("于2024-12-24 13:05:14使用", (2024, 12, 24, 13, 5), "second"),
    ],
)
def test_find_cn_datetime_completes_from_anchor(text, expected, precision):
    t, prec, _span = times.find_cn_datetime(text, ANCHOR, SH)
    assert (t.year, t.month, t.day, t.hour, t.minute) == expected
    assert str(prec) == precision
    assert t.tzinfo is SH


def test_december_notice_received_in_january_is_last_year():
    jan = dt.datetime(2016, 1, 2, 1, 0, tzinfo=SH)
    t, _, _ = times.find_cn_datetime("12月31日23:59支出", jan, SH)
    assert t == dt.datetime(2015, 12, 31, 23, 59, tzinfo=SH)


def test_exif_with_and_without_offset():
    t, assumed = times.from_exif("2022:08:14 14:12:31", "+03:00", SH)
    assert t.astimezone(dt.UTC) == dt.datetime(2022, 8, 14, 11, 12, 31, tzinfo=dt.UTC) and not assumed
    t, assumed = times.from_exif("2022:07:16 16:27:30", None, SH)
    assert t.utcoffset() == dt.timedelta(hours=8) and assumed


@pytest.mark.parametrize(("text", "seconds"), [("125", 125), ("00:02:05", 125), ("2:05", 125),
                                               ("2分5秒", 125), ("1小时2分5秒", 3725), ("abc", None)])
def test_durations(text, seconds):
    assert times.parse_duration(text) == seconds


def test_plausibility_window():
    assert not times.plausible(dt.datetime(1999, 12, 31, tzinfo=dt.UTC), ANCHOR)
    assert times.plausible(ANCHOR, ANCHOR)


@given(st.text())
def test_text_parsers_never_raise(s):
    times.parse_local(s, SH)
    times.find_cn_datetime(s, ANCHOR, SH)
    times.parse_duration(s)
    assert times.parse_offset(s) is None or isinstance(times.parse_offset(s), dt.tzinfo)


def test_case_dates_period_and_year_completion():
    assert times.parse_date("2015-04-01") == dt.date(2015, 4, 1)
    assert times.parse_date("2015-02-30") is None and times.parse_date("2015-4-1") is None
    assert times.parse_period("2015-03-01/2015-04-30") == (dt.date(2015, 3, 1), dt.date(2015, 4, 30))
    assert times.parse_period("2015-03-01/15") == (dt.date(2015, 3, 1), dt.date(2015, 3, 15))
    assert times.parse_period("2015-04-30/2015-03-01") is None
    assert times.parse_period("2015-03-01/P2M") is None
    start, end = times.day_bounds(dt.date(2015, 3, 1), dt.date(2015, 4, 30), SH)
    assert (start, end) == (dt.datetime(2015, 3, 1, tzinfo=SH), dt.datetime(2015, 5, 1, tzinfo=SH))
    period = (dt.date(2014, 12, 1), dt.date(2015, 1, 31))
    assert times.year_for(12, 30, period) == (2014, True)
    assert times.year_for(1, 5, period) == (2015, True)
    assert times.year_for(6, 1, period) == (2015, False)  # outside: the last year, to be reviewed
    assert times.with_year(dt.datetime(2016, 2, 29, tzinfo=SH), 2015) is None
    assert times.from_source_date_epoch("1427817600", SH) == dt.date(2015, 4, 1)
    assert times.from_source_date_epoch("-1", SH) is None

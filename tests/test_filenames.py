"""filenames.py: times, numbers and apps from real phone file-naming conventions."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import filenames, times

SH = times.zone("Asia/Shanghai")
T = dt.datetime(2015, 3, 18, 20, 15, 30, tzinfo=SH)
E = dt.datetime(2015, 3, 18, 20, 25, 30, tzinfo=SH)  # epoch ms 1426681530000


@pytest.mark.parametrize(
    ("name", "time", "number", "contact", "convention"),
    [
        ("张三@138 0013 8000_20150318201530.mp3", T, "13800138000", "张三", "miui_huawei"),
        ("13800138000_20150318201530.amr", T, "13800138000", None, "miui_huawei"),
        ("通话录音 13800138000_20150318_201530.amr", T, "13800138000", None, "huawei_samsung"),
        ("138 0013 8000_20150318201530.m4a", T, "13800138000", None, "miui_huawei"),
        ("15882033521(15882033521)_20230506192735.mp3",
         dt.datetime(2023, 5, 6, 19, 27, 35, tzinfo=SH), "15882033521", None, "miui_huawei"),
        ("张三(+86 137 5712 3456)_20150318201530.mp3", T, "13757123456", "张三", "miui_huawei"),
        ("通话录音@李四(008613757123456)_20150318201530.mp3", T, "13757123456", "李四", "miui_huawei"),
        ("19145520861 2019-05-16 10-06-40.amr",
         dt.datetime(2019, 5, 16, 10, 6, 40, tzinfo=SH), "19145520861", None, "vivo"),
        ("Call recording 13757123456_150318_201530.m4a", T, "13757123456", None, "huawei_samsung"),
        ("Call recording 张三_150318_201530.m4a", T, None, "张三", "huawei_samsung"),
        ("Papa-2512232146.mp3", dt.datetime(2025, 12, 23, 21, 46, tzinfo=SH), None, "Papa", "oppo"),
    ],
)
def test_recording_names(name, time, number, contact, convention):
    stamp = filenames.recording(name, SH)
    assert stamp is not None
    assert (stamp.time, stamp.number, stamp.contact, stamp.convention) == (time, number, contact, convention)
    assert stamp.zone_assumed


def test_recording_oppo_is_minute_precision_and_lenovo_needs_a_year():
    assert filenames.recording("Papa-2512232146.mp3", SH).precision is times.Precision.MINUTE
    lenovo = "19145520861_通话_05月13日_15点26分.amr"
    assert filenames.recording(lenovo, SH).time is None
    # the year from the case period, never from the file's date alone
    in_period = filenames.recording(lenovo, SH, period=(dt.date(2015, 3, 1), dt.date(2015, 5, 31)),
                                    fallback_year=2026)
    assert in_period.time == dt.datetime(2015, 5, 13, 15, 26, tzinfo=SH)
    assert (in_period.number, in_period.year_from) == ("19145520861", "period")
    # a period spanning New Year: December is the earlier year
    december = filenames.recording("19145520861_通话_12月30日_21点07分.amr", SH,
                                   period=(dt.date(2014, 12, 1), dt.date(2015, 1, 31)))
    assert december.time == dt.datetime(2014, 12, 30, 21, 7, tzinfo=SH)
    outside = filenames.recording(lenovo, SH, period=(dt.date(2015, 3, 1), dt.date(2015, 4, 30)))
    assert (outside.time.year, outside.year_from) == (2015, "period_outside")
    guessed = filenames.recording(lenovo, SH, fallback_year=2015)
    assert (guessed.time, guessed.year_from) == (dt.datetime(2015, 5, 13, 15, 26, tzinfo=SH), "file_date")


def test_recording_bcr_carries_its_own_offset_and_lg_its_direction():
    bcr = filenames.recording("20230414_215701.088-0400_in_13757123456_John_Doe.oga", SH)
    assert bcr.time == dt.datetime(2023, 4, 15, 1, 57, 1, 88000, tzinfo=dt.UTC)
    assert (bcr.zone_assumed, bcr.number, bcr.direction) == (False, "13757123456", "in")
    lg = filenames.recording("0d20151122141548p+74993464260.3gp", SH)
    assert (lg.time, lg.number, lg.direction) == (
        dt.datetime(2015, 11, 22, 14, 15, 48, tzinfo=SH), "+74993464260", "out")


def test_recording_names_without_time():
    assert filenames.recording("录音.amr", SH) is None
    only = filenames.recording("13757123456.amr", SH)
    assert (only.time, only.number) == (None, "13757123456")
    # a date that cannot exist is not a time
    bad = filenames.recording("13800138000_20150230201530.amr", SH)
    assert bad is None or bad.time is None


@pytest.mark.parametrize(
    ("name", "time", "assumed", "screenshot", "app", "convention"),
    [
        ("Screenshot_20150318-201530.png", T, True, True, None, "aosp_screenshot"),
        ("Screenshot_2015-03-18-20-15-30.png", T, True, True, None, "dashed_screenshot"),
        ("Screenshot_2025-10-28-19-07-16-918_com.tencent.mm.jpg",
         dt.datetime(2025, 10, 28, 19, 7, 16, 918000, tzinfo=SH), True, True, "com.tencent.mm",
         "dashed_screenshot"),
        ("Screenshot_20201114_170057_com.tencent.mm.jpg",
         dt.datetime(2020, 11, 14, 17, 0, 57, tzinfo=SH), True, True, "com.tencent.mm",
         "huawei_samsung_screenshot"),
        ("Screenshot_2024-02-11-10-44-02-30_e39d2c7de19156b0683cd93e8735f348.jpg",
         dt.datetime(2024, 2, 11, 10, 44, 2, 300000, tzinfo=SH), True, True, "com.tencent.mm",
         "dashed_screenshot"),
        ("Screenshot_20240720_020223_Jerboa.png",
         dt.datetime(2024, 7, 20, 2, 2, 23, tzinfo=SH), True, True, "Jerboa", "huawei_samsung_screenshot"),
        ("Screen Shot 2023-03-06 at 1.35.38 PM.png",
         dt.datetime(2023, 3, 6, 13, 35, 38, tzinfo=SH), True, True, None, "macos_screenshot"),
        ("IMG_20150318_201530.jpg", T, True, False, None, "camera"),
        ("IMG20240507145428.jpg", dt.datetime(2024, 5, 7, 14, 54, 28, tzinfo=SH), True, False, None, "camera"),
        ("微信图片_20150318201530.jpg", T, True, False, None, "wechat_pc"),
        ("微信图片_20150318201530_158_292.jpg", T, True, False, None, "wechat_pc"),
        ("QQ图片20150318201530.jpg", T, True, False, None, "qq"),
        ("mmexport1426681530000.jpg", E, False, False, None, "wechat_mmexport"),
        ("mmexportd41d8cd98f00b204e9800998ecf8427e_1426681530000.jpeg", E, False, False, None,
         "wechat_mmexport"),
        ("wx_camera_1426681530000.jpg", E, False, False, None, "wechat_wx_camera"),
        ("mm_facetoface_collect_qrcode_1426681530000.png", E, False, False, None,
         "wechat_mm_facetoface_collect_qrcode"),
        ("Image_1426681530000.png", E, False, False, None, "epoch_ms_image"),
    ],
)
def test_image_names(name, time, assumed, screenshot, app, convention):
    stamp = filenames.image(name, SH)
    assert stamp is not None
    assert stamp.time == time
    assert (stamp.zone_assumed, stamp.screenshot, stamp.app, stamp.convention) == (
        assumed, screenshot, app, convention)


def test_image_names_without_time():
    assert filenames.image("IMG_1234.HEIC", SH) is None  # iOS: no time in the name
    assert filenames.image("mmexport99.jpg", SH) is None
    shot = filenames.image("Screenshot.png", SH)
    assert (shot.time, shot.screenshot) == (None, True)
    wa = filenames.image("IMG-20150318-WA0001.jpg", SH)
    assert (wa.time, wa.precision) == (dt.datetime(2015, 3, 18, tzinfo=SH), times.Precision.DAY)
    # 13 digits that are not a plausible epoch (before 2000) are not a time
    assert filenames.image("mmexport0426681530000.jpg", SH) is None


NAME_PARTS = st.sampled_from(["Screenshot_", "IMG_", "IMG", "微信图片_", "mmexport", "_", "-", " ", "@",
                              "(", ")", "2015", "0318", "201530", "1426681530000", "通话_", "月", "日", "点",
                              "分", ".amr", ".jpg", "+0800", "\x00", "..", "/"])


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=60), st.lists(NAME_PARTS, max_size=12).map("".join)),
       st.one_of(st.none(), st.integers(min_value=-5, max_value=99999)))
def test_parsers_never_raise(name, year):
    for stamp in (filenames.recording(name, SH, fallback_year=year), filenames.image(name, SH)):
        if stamp is not None and stamp.time is not None:
            assert stamp.time.tzinfo is not None

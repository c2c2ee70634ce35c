"""sources/recording.py: call recordings named and stored the way Chinese phones do it."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import struct
from pathlib import Path

import pytest
from conftest import sniffed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence import audio, extract, times
from evidence.model import Basis, EventKind, FileKind, SourceFile, Status
from evidence.sources import recording

SH = times.zone("Asia/Shanghai")
CTX = extract.Context(tz=SH, lang="zh-Hans")
CTX_EN = extract.Context(tz=SH, lang="en")


def place(corpus: Path, victim: Path, sample: str, rel: str) -> Path:
    path = victim / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(corpus / "audio" / sample, path)
    return path


def source(victim: Path, path: Path) -> SourceFile:
    data = path.read_bytes()
    kind = sniffed(recording, path, data[:8192])
    assert kind is FileKind.RECORDING
    return SourceFile(path.relative_to(victim).as_posix(), path, hashlib.sha256(data).hexdigest(),
                      len(data), kind, Status.ACCEPTED)


@pytest.mark.parametrize(
    ("sample", "rel", "number", "time", "duration", "fmt", "codec"),
    [
        ("androidx-media__sample_nb.amr", "Sounds/CallRecord/通话录音 13757123456_20150318_201530.amr",
         "13757123456", dt.datetime(2015, 3, 18, 20, 15, 30, tzinfo=SH), "4.36", "amr-nb", "AMR-NB"),
        ("androidx-media__bear-vbr-xing-header.mp3",
         "MIUI/sound_recorder/call_rec/张三@137 5712 3456_20150318201530.mp3",
         "13757123456", dt.datetime(2015, 3, 18, 20, 15, 30, tzinfo=SH), "2.81", "mp3", "MPEG-1 Layer III"),
        ("androidx-media__bbb_1ch_8kHz_aac_lc.m4a", "Record/Call/13757123456 2015-03-18 20-15-30.m4a",
         "13757123456", dt.datetime(2015, 3, 18, 20, 15, 30, tzinfo=SH), "3.33", "mp4", "AAC LC"),
        ("androidx-media__sample_wb_with_silence_frames.amr",
         "Sounds/CallRecord/13757123456_20150318201530.amr",
         "13757123456", dt.datetime(2015, 3, 18, 20, 15, 30, tzinfo=SH), "3.40", "amr-wb", "AMR-WB"),
        ("androidx-media__bbb_mono_8kHz_12.2kbps_amrnb.3gp", "0d20150318201530p13757123456.3gp",
         "13757123456", dt.datetime(2015, 3, 18, 20, 15, 30, tzinfo=SH), "3.01", "3gp", "AMR-NB"),
        ("androidx-media__sample.wav", "Recordings/Call/13757123456_20150318_201530.wav",
         "13757123456", dt.datetime(2015, 3, 18, 20, 15, 30, tzinfo=SH), "1.00", "wav", "PCM 16-bit"),
    ],
)
def test_recordings_in_phone_layouts(corpus, tmp_path, sample, rel, number, time, duration, fmt, codec):
    path = place(corpus, tmp_path, sample, rel)
    file = source(tmp_path, path)
    events, issues = recording.read(file, CTX)
    assert issues == []
    (event,) = events
    assert event.kind is EventKind.RECORDING
    assert (event.time, event.basis, event.zone_assumed) == (time, Basis.FILENAME, True)
    assert (event.counterparty, event.attribution) == (number, "浙江省杭州市 中国移动")
    assert (event.details["duration_s"], event.details["format"], event.details["codec"]) == (duration, fmt, codec)
    assert event.details["time_meaning"] == "recording_started"
    assert (event.source.path, event.source.locator, event.source.sha256) == (rel, "file", file.sha256)
    assert event.summary.startswith("通话录音：13757123456（浙江省杭州市 中国移动），时长")
    assert recording.validate(path, "en") is None


def test_contact_name_kept_and_summary_in_english(corpus, tmp_path):
    path = place(corpus, tmp_path, "androidx-media__sample_nb.amr",
                 "MIUI/sound_recorder/call_rec/京东客服(13757123456)_20150318201530.mp3")
    (event,), _ = recording.read(source(tmp_path, path), CTX_EN)
    assert event.details["contact_name"] == "京东客服"
    assert event.summary == "Call recording: 13757123456 (Hangzhou, Zhejiang China Mobile), 4s"


def test_name_without_time_uses_mtime_with_warning(corpus, tmp_path):
    path = place(corpus, tmp_path, "androidx-media__sine-nb.amr", "录音/新录音1.amr")
    os.utime(path, (1426681530, 1426681530))
    (event,), issues = recording.read(source(tmp_path, path), CTX_EN)
    assert (event.time, event.basis) == (dt.datetime(2015, 3, 18, 12, 25, 30, tzinfo=dt.UTC), Basis.FILE_MTIME)
    assert event.counterparty is None
    assert event.details["duration_s"] == "1.02"
    assert [i.code for i in issues] == ["time_from_mtime"]
    assert "changes when files are copied" in issues[0].message


def test_header_only_and_truncated(tmp_path):
    empty = tmp_path / "13757123456_20150318201530.amr"
    empty.write_bytes(audio.AMR_NB_MAGIC)
    assert sniffed(recording, empty, empty.read_bytes()) is FileKind.RECORDING
    assert "no playable audio" in recording.validate(empty, "en")
    assert "没有可播放的声音" in recording.validate(empty, "zh-Hans")
    (event,), issues = recording.read(source(tmp_path, empty), CTX)
    assert "duration_s" not in event.details
    assert [i.code for i in issues] == ["recording_no_duration"]
    cut = tmp_path / "13757123456_20150318201531.amr"
    cut.write_bytes(audio.AMR_NB_MAGIC + bytes([0x3C]) + b"\x00" * 31 + bytes([0x3C]) + b"\x00" * 5)
    assert recording.validate(cut, "en") is None
    (event,), issues = recording.read(source(tmp_path, cut), CTX)
    assert event.details["duration_s"] == "0.02"
    assert [i.code for i in issues] == ["recording_truncated"]


def test_sniff_rejects_images_and_text(corpus, tmp_path):
    heic = corpus / "images" / "exif-samples__IMG_5195.HEIC"
    assert sniffed(recording, heic, heic.read_bytes()[:8192]) is None
    txt = tmp_path / "a.txt"
    txt.write_text("#!AMX", encoding="utf-8")
    assert sniffed(recording, txt, txt.read_bytes()) is None


def test_a_screen_recording_is_refused_with_its_reason(tmp_path):
    """Sniffed by its MP4 signature (no track walk in the sniff); validate finds the video."""
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(payload), kind) + payload

    def trak(handler: bytes) -> bytes:
        return box(b"trak", box(b"mdia", box(b"hdlr", b"\x00" * 8 + handler + b"\x00" * 12)))

    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    video = tmp_path / "Record_2025-10-14-09-14-37.mp4"
    video.write_bytes(ftyp + box(b"moov", trak(b"vide") + trak(b"soun")))
    assert sniffed(recording, video) is FileKind.RECORDING
    assert "video" in (recording.validate(video, "en") or "")
    assert "视频" in (recording.validate(video, "zh-Hans") or "")


def test_a_lenovo_name_takes_its_year_from_the_period_never_the_file_date(tmp_path):
    path = tmp_path / "19145520861_通话_03月18日_20点15分.amr"
    shutil.copyfile(Path(__file__).parent / "data" / "recording" / "13757123456_20150318201530.amr", path)
    stamp = dt.datetime(2026, 5, 1, tzinfo=SH).timestamp()
    os.utime(path, (stamp, stamp))
    file = source(tmp_path, path)
    period = times.day_bounds(dt.date(2015, 3, 1), dt.date(2015, 4, 30), SH)
    (event,), issues = recording.read(file, extract.Context(tz=SH, period=period))
    assert event.time == dt.datetime(2015, 3, 18, 20, 15, tzinfo=SH) and not event.needs_review
    assert event.details["year_from"] == "period"
    (guess,), issues = recording.read(file, CTX)  # no period: the file's year, for review
    assert guess.time.year == 2026 and guess.needs_review and guess.details["year_from"] == "file_date"
    assert "year_unknown" in {i.code for i in issues}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from([audio.AMR_NB_MAGIC, audio.AMR_WB_MAGIC, b"ID3\x03\x00", b"RIFF\x10\x00\x00\x00WAVE",
                        b"\x00\x00\x00\x14ftypM4A ", b"OggS"]),
       st.binary(max_size=300))
def test_read_never_raises(tmp_path, prefix, tail):
    path = tmp_path / "13757123456_20150318201530.bin"
    path.write_bytes(prefix + tail)
    file = SourceFile(path.name, path, "0" * 64, path.stat().st_size, FileKind.RECORDING, Status.ACCEPTED)
    events, _ = recording.read(file, CTX)
    assert len(events) == 1
    reason = recording.validate(path, "en")
    assert reason is None or reason.endswith(".")

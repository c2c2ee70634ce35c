"""audio.py: durations of real call-recording formats, read from the files themselves."""

from __future__ import annotations

import io
import math
import struct
import wave

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import audio

# corpus/README.md, audio section: (file, format, codec, expected duration in seconds)
CORPUS_AUDIO = [
    ("androidx-media__sample_nb.amr", "amr-nb", "AMR-NB", 4.36),
    ("androidx-media__sample_nb_with_silence_frames.amr", "amr-nb", "AMR-NB", 4.40),
    ("androidx-media__sample_wb.amr", "amr-wb", "AMR-WB", 3.38),
    ("androidx-media__sample_wb_with_silence_frames.amr", "amr-wb", "AMR-WB", 3.40),
    ("androidx-media__sine-nb.amr", "amr-nb", "AMR-NB", 1.02),
    ("androidx-media__bbb_mono_8kHz_12.2kbps_amrnb.3gp", "3gp", "AMR-NB", 3.00625),
    ("androidx-media__bbb_1ch_8kHz_aac_lc.m4a", "mp4", "AAC LC", 3.328),
    ("androidx-media__sample.wav", "wav", "PCM 16-bit", 1.000),
    ("androidx-media__bear-vbr-xing-header.mp3", "mp3", "MPEG-1 Layer III", 2.808),
]


@pytest.mark.parametrize(("name", "fmt", "codec", "seconds"), CORPUS_AUDIO)
def test_corpus_durations(corpus, name, fmt, codec, seconds):
    info = audio.probe(corpus / "audio" / name)
    assert info is not None
    assert (info.format, info.codec) == (fmt, codec)
    assert info.duration_s == pytest.approx(seconds, abs=1e-6)
    assert info.problem is None


def test_amr_frame_counts_include_no_data_frames(corpus):
    plain = audio.probe(corpus / "audio" / "androidx-media__sample_nb.amr")
    silent = audio.probe(corpus / "audio" / "androidx-media__sample_nb_with_silence_frames.amr")
    wb = audio.probe(corpus / "audio" / "androidx-media__sample_wb_with_silence_frames.amr")
    assert (plain.frames, silent.frames, wb.frames) == (218, 220, 170)
    assert (plain.sample_rate, wb.sample_rate) == (8000, 16000)


def _amr_nb(frame_types: list[int]) -> bytes:
    out = bytearray(audio.AMR_NB_MAGIC)
    for ft in frame_types:
        size = audio.AMR_NB_SIZES[ft]
        out += bytes([(ft << 3) | 0x04]) + b"\x55" * (size - 1)
    return bytes(out)


def test_amr_built_frames_mixed_modes_and_truncation():
    data = _amr_nb([7] * 100 + [15] * 50 + [0] * 10)  # 12.2k speech, NO_DATA, 4.75k
    info = audio.amr(data)
    assert (info.frames, info.duration_s, info.problem) == (160, 3.2, None)
    cut = audio.amr(data[:-5])  # last 13-byte frame cut off mid-way (phone died while writing)
    assert (cut.frames, cut.duration_s, cut.problem) == (159, 3.18, "truncated")


@given(st.lists(st.sampled_from([0, 7, 15]), max_size=60), st.booleans(), st.integers(0, 40))
def test_amr_frame_count_equals_a_walk_frame_by_frame(types, uniform, cut):
    """A file of one frame type is counted by its stride: the same count as the walk."""
    data = _amr_nb([7] * len(types) if uniform else types)
    data = data[:max(len(audio.AMR_NB_MAGIC), len(data) - cut)]
    i, frames = len(audio.AMR_NB_MAGIC), 0
    while i < len(data) and i + audio.AMR_NB_SIZES[data[i] >> 3] <= len(data):
        i += audio.AMR_NB_SIZES[data[i] >> 3]
        frames += 1
    assert audio.amr(data).frames == frames


def test_amr_header_only_has_no_frames():
    info = audio.probe_bytes(audio.AMR_NB_MAGIC)
    assert info is not None
    assert (info.duration_s, info.problem) == (None, "no_frames")
    assert audio.probe_bytes(audio.AMR_WB_MAGIC).problem == "no_frames"


def test_wav_built_with_stdlib():
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 8000 * 3)
    info = audio.probe_bytes(buf.getvalue())
    assert (info.format, info.codec, info.duration_s, info.frames) == ("wav", "PCM 16-bit", 3.0, 24000)


def test_magic_sorts_audio_from_images_and_video(corpus):
    heic = (corpus / "images" / "exif-samples__IMG_5195.HEIC").read_bytes()[:64]
    assert audio.magic(heic) is None
    assert audio.magic(b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00") == "mp4"
    mp3 = (corpus / "audio" / "androidx-media__bear-vbr-xing-header.mp3").read_bytes()
    bare = mp3[mp3.index(b"\xff\xfb"):]  # the same MP3 without its ID3 tag: frame sync only
    assert audio.magic(bare[:8192]) == "mp3"
    assert audio.probe_bytes(bare).duration_s == pytest.approx(2.808)
    assert audio.magic(bare[:4]) is None  # one frame header alone is not enough evidence
    assert audio.magic(b"\xff\xd8\xff\xe0") is None  # a JPEG is not an MP3 frame sync
    assert audio.magic(b"OggS\x00\x02") == "ogg"


def test_mp4_tracks_reads_handler_types(corpus):
    with (corpus / "audio" / "androidx-media__bbb_mono_8kHz_12.2kbps_amrnb.3gp").open("rb") as f:
        size = f.seek(0, io.SEEK_END)
        assert audio.mp4_tracks(f, size) == {b"soun"}


def test_mp4_with_video_track_is_not_audio(tmp_path):
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I4s", 8 + len(payload), kind) + payload

    def trak(handler: bytes) -> bytes:
        return box(b"trak", box(b"mdia", box(b"hdlr", b"\x00" * 8 + handler + b"\x00" * 12)))

    ftyp = box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
    video = tmp_path / "Record_2025-10-14-09-14-37.mp4"
    video.write_bytes(ftyp + box(b"moov", trak(b"vide") + trak(b"soun")))
    voice = tmp_path / "voice.mp4"
    voice.write_bytes(ftyp + box(b"moov", trak(b"soun")))
    assert not audio.is_audio_mp4(video)
    assert audio.is_audio_mp4(voice)


MAGICS = [b"", audio.AMR_NB_MAGIC, audio.AMR_WB_MAGIC, b"#!AMR_MC1.0\n", b"RIFF\x00\x00\x00\x00WAVE",
          b"ID3\x04\x00", b"\xff\xfb", b"OggS", b"\x00\x00\x00\x18ftypM4A ", b"\x00\x00\x00\x18ftyp3gp4",
          b"\x00\x00\x00\x18ftypisom"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(MAGICS), st.binary(max_size=600))
def test_probe_never_raises_on_arbitrary_bytes(prefix, tail):
    info = audio.probe_bytes(prefix + tail)
    if info is not None:
        assert info.duration_s is None or (info.duration_s >= 0 and math.isfinite(info.duration_s))

"""Durations of call recordings, read from the audio file itself. Pure: bytes in, facts out.

Dispatch is on magic bytes, never on `mutagen.File()`: that returns None for `.3gp`, and
mutagen has no AMR reader at all, while AMR-NB is what older Huawei/vivo/Lenovo phones record.
AMR is read by walking its frames (RFC 4867 §5): every frame is 20 ms, including NO_DATA
frames (FT 15), which ExoPlayer counts too (oracle: sample_nb_with_silence_frames.amr = 4.40 s).
"""

from __future__ import annotations

import dataclasses
import io
import struct
import wave
from pathlib import Path
from typing import Any, BinaryIO

import mutagen
import mutagen.mp3
import mutagen.mp4
import mutagen.oggopus
import mutagen.oggvorbis
import mutagen.wave

AMR_NB_MAGIC = b"#!AMR\n"
AMR_WB_MAGIC = b"#!AMR-WB\n"
AMR_MC_MAGICS = (b"#!AMR_MC1.0\n", b"#!AMR-WB_MC1.0\n")
FRAME_S = 0.020
# Total frame size in bytes (TOC byte included) by frame type FT 0..15 (ExoPlayer AmrExtractor).
AMR_NB_SIZES = (13, 14, 16, 18, 20, 21, 27, 32, 6, 7, 6, 6, 1, 1, 1, 1)
AMR_WB_SIZES = (18, 24, 33, 37, 41, 47, 51, 59, 61, 6, 1, 1, 1, 1, 1, 1)
# frame size by the whole header byte (frame type in bits 3-6): one lookup a frame, no shifts
_NB_BY_HEADER = tuple(AMR_NB_SIZES[(b >> 3) & 0x0F] for b in range(256))
_WB_BY_HEADER = tuple(AMR_WB_SIZES[(b >> 3) & 0x0F] for b in range(256))

# ISO-BMFF major brands that are audio containers whatever their tracks say.
AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A "})
# Brands that can hold audio or video: audio only if no video track (checked in `mp4_tracks`).
MIXED_BRANDS = frozenset({
    b"3gp4", b"3gp5", b"3gp6", b"3gp7", b"3gs7", b"3ge6", b"3ge7", b"3g2a", b"3g2b", b"3g2c",
    b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"dash", b"MSNV", b"qt  ",
})
# HEIF/AVIF still images share the ftyp box: never ours.
IMAGE_BRANDS = frozenset({
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif", b"avis",
})


@dataclasses.dataclass(frozen=True)
class AudioInfo:
    format: str  # amr-nb, amr-wb, amr-mc, mp4, 3gp, mp3, wav, ogg
    codec: str  # "AMR-NB", "AAC LC", "PCM 16-bit", "MPEG-1 Layer III", "Opus" …
    duration_s: float | None  # None when the file holds no decodable audio
    frames: int | None = None  # AMR frames / PCM frames / MP3 frames where known
    sample_rate: int | None = None
    problem: str | None = None  # "no_frames", "truncated", "unreadable", "unsupported"


def magic(head: bytes) -> str | None:
    """Audio format from the first bytes, or None. `mp4` needs `is_audio_mp4` to confirm."""
    if head.startswith(AMR_WB_MAGIC):
        return "amr-wb"
    if head.startswith(AMR_NB_MAGIC):
        return "amr-nb"
    if any(head.startswith(m) for m in AMR_MC_MAGICS):
        return "amr-mc"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in AUDIO_BRANDS:
            return "mp4"
        if brand.startswith(b"3g"):
            return "3gp"
        if brand in MIXED_BRANDS:
            return "mp4"
        return None
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"ID3") and len(head) >= 10:
        return "mp3"
    if _mp3_sync(head, 0):
        return "mp3"
    return None


# kbit/s by bitrate index 1..14 for (MPEG-1, layer) and (MPEG-2/2.5, layer); layer 3 = Layer I
_BITRATES = {
    (True, 3): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 1): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 3): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 1): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(data: bytes, i: int) -> int | None:
    """Length of the MPEG audio frame whose header is at i, or None if there is none there."""
    if len(data) < i + 4 or data[i] != 0xFF or data[i + 1] & 0xE0 != 0xE0:
        return None
    version = (data[i + 1] >> 3) & 0x3  # 3 = MPEG-1, 2 = MPEG-2, 0 = MPEG-2.5
    layer = (data[i + 1] >> 1) & 0x3
    index = data[i + 2] >> 4
    rate_index = (data[i + 2] >> 2) & 0x3
    if version == 1 or layer == 0 or index in (0, 15) or rate_index == 3:
        return None
    mpeg1 = version == 3
    bitrate = _BITRATES[(mpeg1, layer)][index - 1] * 1000
    rate = _RATES[version][rate_index]
    padding = (data[i + 2] >> 1) & 0x1
    if layer == 3:
        return (12 * bitrate // rate + padding) * 4
    return (144 if mpeg1 or layer == 2 else 72) * bitrate // rate + padding


def _mp3_sync(data: bytes, i: int) -> bool:
    """Two MPEG audio frames in a row: one valid-looking header is too easy to hit by chance."""
    length = _mp3_frame_length(data, i)
    return bool(length) and _mp3_frame_length(data, i + (length or 0)) is not None


_RUN_WINDOW = 512  # frames looked at per step: long runs cost n / 512 steps, mixed ones stay linear


def amr(data: bytes) -> AudioInfo:
    """Walk AMR-NB/WB frames. A cut-off last frame is not counted and marks `truncated`."""
    start = bytes(data[:16])  # a memory map has no startswith
    wide = start.startswith(AMR_WB_MAGIC)
    if not wide and not start.startswith(AMR_NB_MAGIC):
        return AudioInfo("amr-mc" if any(start.startswith(m) for m in AMR_MC_MAGICS) else "amr",
                         "AMR", None, problem="unsupported")
    sizes = _WB_BY_HEADER if wide else _NB_BY_HEADER
    i = len(AMR_WB_MAGIC if wide else AMR_NB_MAGIC)
    frames = 0
    problem = None
    n = len(data)
    reach = 8  # issue 23: frames looked ahead, doubled while runs fill it, reset when they end
    while i < n:
        # a run of frames with the same header byte is counted in C: the header bytes a
        # frame size apart, from here (the walk goes through exactly these while they match).
        # Alternating headers make every run one frame long: the look-ahead stays short, so
        # a frame costs the same however the modes are mixed (50 MB: linear, not minutes).
        head, size = data[i:i + 1], sizes[data[i]]
        window = data[i:i + size * reach:size]
        run = len(window) - len(window.lstrip(head))
        reach = min(reach * 2, _RUN_WINDOW) if run == len(window) else 8
        whole = min(run, (n - i) // size)
        frames += whole
        i += whole * size
        if whole < run:  # the run's next frame is cut off
            problem = "truncated"
            break
    if frames == 0:
        problem = "no_frames"
    return AudioInfo(
        "amr-wb" if wide else "amr-nb", "AMR-WB" if wide else "AMR-NB",
        round(frames * FRAME_S, 3) if frames else None, frames=frames,
        sample_rate=16000 if wide else 8000, problem=problem,
    )


def mp4_tracks(read: BinaryIO, size: int) -> set[bytes]:
    """Handler types (`soun`, `vide`, …) of the tracks in an ISO-BMFF file, from box headers.

    Only box headers and the small `hdlr` boxes are read, so a large video costs a few seeks.
    """
    handlers: set[bytes] = set()

    def walk(start: int, end: int, depth: int) -> None:
        pos = start
        while pos + 8 <= end and depth < 8:
            read.seek(pos)
            header = read.read(8)
            if len(header) < 8:
                return
            box_size, box_type = struct.unpack(">I4s", header)
            header_len = 8
            if box_size == 1:
                big = read.read(8)
                if len(big) < 8:
                    return
                box_size = struct.unpack(">Q", big)[0]
                header_len = 16
            elif box_size == 0:
                box_size = end - pos
            if box_size < header_len:
                return
            if box_type in (b"moov", b"trak", b"mdia"):
                walk(pos + header_len, min(pos + box_size, end), depth + 1)
            elif box_type == b"hdlr":
                read.seek(pos + header_len + 8)  # version/flags + pre_defined
                handlers.add(read.read(4))
            pos += box_size

    walk(0, size, 0)
    return handlers


def is_audio_mp4(path: Path) -> bool:
    """True for an ISO-BMFF file with a sound track and no video track."""
    try:
        with path.open("rb") as f:
            size = f.seek(0, io.SEEK_END)
            handlers = mp4_tracks(f, size)
    except OSError:
        return False
    return b"soun" in handlers and b"vide" not in handlers


def _wav(data: bytes) -> AudioInfo:
    try:
        with wave.open(io.BytesIO(data)) as w:
            frames, rate = w.getnframes(), w.getframerate()
            codec = f"PCM {w.getsampwidth() * 8}-bit"
    except Exception:  # wave.Error, EOFError, struct.error, RuntimeError… on damaged headers
        # WAVE_FORMAT_EXTENSIBLE and compressed WAV: mutagen reads the header
        try:
            m = mutagen.wave.WAVE(io.BytesIO(data))  # type: ignore[no-untyped-call]
        except Exception:
            return AudioInfo("wav", "WAV", None, problem="unreadable")
        wav_info: Any = m.info
        length = float(wav_info.length or 0)
        return AudioInfo("wav", "WAV", round(length, 3) if length > 0 else None,
                         sample_rate=int(wav_info.sample_rate or 0) or None,
                         problem=None if length > 0 else "no_frames")
    if rate <= 0 or frames <= 0:
        return AudioInfo("wav", codec, None, frames=frames, problem="no_frames")
    return AudioInfo("wav", codec, round(frames / rate, 3), frames=frames, sample_rate=rate)


_MP4_CODECS = {"samr": "AMR-NB", "sawb": "AMR-WB", "mp4a.40.2": "AAC LC", "mp4a.40.5": "HE-AAC"}


def _mutagen(fmt: str, data: bytes) -> AudioInfo:
    kinds: dict[str, tuple[type[mutagen.FileType], ...]] = {
        "mp4": (mutagen.mp4.MP4,), "3gp": (mutagen.mp4.MP4,), "mp3": (mutagen.mp3.MP3,),
        "ogg": (mutagen.oggopus.OggOpus, mutagen.oggvorbis.OggVorbis),
    }
    for cls in kinds[fmt]:
        try:
            m = cls(io.BytesIO(data))
        except Exception:
            continue
        info: Any = m.info
        length = float(getattr(info, "length", 0) or 0)
        codec = (_MP4_CODECS.get(str(getattr(info, "codec", "")))
                 or getattr(info, "codec_description", None)
                 or (f"MPEG-{info.version:g} Layer {'I' * int(info.layer)}" if fmt == "mp3" else None)
                 or ("Opus" if cls is mutagen.oggopus.OggOpus else "Vorbis" if fmt == "ogg" else fmt))
        rate = int(getattr(info, "sample_rate", 0) or 0) or None
        if length <= 0:
            return AudioInfo(fmt, str(codec), None, sample_rate=rate, problem="no_frames")
        return AudioInfo(fmt, str(codec), round(length, 5), sample_rate=rate)
    return AudioInfo(fmt, fmt.upper(), None, problem="no_frames")


def probe_bytes(data: bytes) -> AudioInfo | None:
    """Format, codec and duration of audio bytes; None if not audio. Never raises."""
    fmt = magic(data[:8192])
    if fmt is None:
        return None
    if fmt.startswith("amr"):
        return amr(data)
    if fmt == "wav":
        return _wav(data)
    return _mutagen(fmt, data)


def probe(path: Path) -> AudioInfo | None:
    """`probe_bytes` on a file. Call recordings are small (≈1 MB per minute at most); an AMR
    file is walked through a memory map, so a huge one costs no memory (issue 23)."""
    import mmap

    with path.open("rb") as f:
        if magic(f.read(16)) in ("amr-nb", "amr-wb") and path.stat().st_size > 0:
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as view:
                return amr(view)  # type: ignore[arg-type]  # bytes-like: slices are bytes
    return probe_bytes(path.read_bytes())

"""Silent call recordings in the formats Chinese phones write, with exact durations.

No encoder is needed: each format is built frame by frame from its specification, so the file
is valid and its duration is known exactly. Silence keeps the files small.
"""

from __future__ import annotations

import io
import math
import struct
import wave

# ---- AMR-NB (RFC 4867 section 5): "#!AMR\n" then 20 ms frames, each a TOC byte + payload.
_AMR_FT7 = bytes([0x3C]) + bytes(31)  # 12.2 kbit/s frame, Q=1, zero payload: 32 bytes
_AMR_NO_DATA = bytes([0x7C])  # FT 15 NO_DATA, Q=1: 1 byte
AMR_FRAME_S = 0.020


def amr(seconds: float, speech_frames: int = 50) -> bytes:
    """AMR-NB with round(seconds / 20 ms) frames: some FT 7 frames, then NO_DATA frames."""
    frames = round(seconds / AMR_FRAME_S)
    speech = min(speech_frames, frames)
    return b"#!AMR\n" + _AMR_FT7 * speech + _AMR_NO_DATA * (frames - speech)


# ---- MP3: MPEG-2 Layer III, 8 kbit/s, 16 kHz mono. Zeroed side info = no main data = silence.
# MPEG-2 (not MPEG-1) because its 8 kbit/s frames keep a 20-minute recording at ~1 MB.
_MP3_HEADER = bytes([0xFF, 0xF3, 0x18, 0xC0])  # sync, MPEG-2, L3, no CRC; 8 kbit/s, 16 kHz; mono
_MP3_FRAME = _MP3_HEADER + bytes(36 - 4)  # 72 * 8000 / 16000 = 36 bytes, 9 of them side info
MP3_FRAME_S = 576 / 16000


def mp3(seconds: float) -> bytes:
    return _MP3_FRAME * round(seconds / MP3_FRAME_S)


# ---- WAV: 8 kHz, 8-bit unsigned PCM mono (silence is 0x80), via the stdlib.
def wav(seconds: float, rate: int = 8000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(rate)
        w.writeframes(b"\x80" * round(seconds * rate))
    return buf.getvalue()


# ---- M4A: a minimal MP4 (ftyp "M4A ", moov, mdat) holding silent AAC-LC frames, 8 kHz mono.
_AAC_RATE = 8000
_AAC_SAMPLES = 1024
_AAC_SILENT = bytes([0x01, 0x40, 0x20, 0x07])  # SCE with max_sfb 0 + END: a silent raw AAC frame
_AUDIO_SPECIFIC_CONFIG = bytes([0x15, 0x88])  # AAC-LC (2), 8 kHz (index 11), mono: 00010 1011 0001 000


def _box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I", 8 + len(body)) + kind + body


def _full(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags), *payload)


def _descriptor(tag: int, body: bytes) -> bytes:
    # Length in the 4-byte 0x80-continued form many encoders write.
    n = len(body)
    size = bytes([0x80 | (n >> 21) & 0x7F, 0x80 | (n >> 14) & 0x7F, 0x80 | (n >> 7) & 0x7F, n & 0x7F])
    return bytes([tag]) + size + body


def m4a(seconds: float) -> bytes:
    """An MP4 audio file whose track lasts exactly `seconds` (mdhd duration at 8000 Hz)."""
    total = round(seconds * _AAC_RATE)
    frames = max(1, math.ceil(total / _AAC_SAMPLES))
    last = total - (frames - 1) * _AAC_SAMPLES
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    ftyp = _box(b"ftyp", b"M4A ", struct.pack(">I", 0), b"M4A ", b"mp42", b"isom")
    mvhd = _full(b"mvhd", 0, 0, struct.pack(">IIII", 0, 0, _AAC_RATE, total),
                 struct.pack(">IH", 0x00010000, 0x0100), bytes(10), matrix, bytes(24), struct.pack(">I", 2))
    tkhd = _full(b"tkhd", 0, 7, struct.pack(">IIII", 0, 0, 1, 0), struct.pack(">I", total), bytes(8),
                 struct.pack(">HHHH", 0, 0, 0x0100, 0), matrix, struct.pack(">II", 0, 0))
    mdhd = _full(b"mdhd", 0, 0, struct.pack(">IIII", 0, 0, _AAC_RATE, total),
                 struct.pack(">HH", 0x55C4, 0))  # language "und"
    hdlr = _full(b"hdlr", 0, 0, struct.pack(">I", 0), b"soun", bytes(12), b"SoundHandler\x00")
    dec_config = _descriptor(0x04, bytes([0x40, 0x15]) + bytes(3) + struct.pack(">II", 8000, 8000)
                             + _descriptor(0x05, _AUDIO_SPECIFIC_CONFIG))
    es = _descriptor(0x03, struct.pack(">HB", 1, 0) + dec_config + _descriptor(0x06, b"\x02"))
    esds = _full(b"esds", 0, 0, es)
    mp4a = _box(b"mp4a", bytes(6), struct.pack(">H", 1), bytes(8),
                struct.pack(">HHHH", 1, 16, 0, 0), struct.pack(">I", _AAC_RATE << 16), esds)
    stsd = _full(b"stsd", 0, 0, struct.pack(">I", 1), mp4a)
    if last == _AAC_SAMPLES:
        stts = _full(b"stts", 0, 0, struct.pack(">III", 1, frames, _AAC_SAMPLES))
    else:
        stts = _full(b"stts", 0, 0, struct.pack(">IIIII", 2, frames - 1, _AAC_SAMPLES, 1, last))
    stsc = _full(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, frames, 1))
    stsz = _full(b"stsz", 0, 0, struct.pack(">II", len(_AAC_SILENT), frames))

    def moov(chunk_offset: int) -> bytes:
        stco = _full(b"stco", 0, 0, struct.pack(">II", 1, chunk_offset))
        stbl = _box(b"stbl", stsd, stts, stsc, stsz, stco)
        dinf = _box(b"dinf", _full(b"dref", 0, 0, struct.pack(">I", 1), _full(b"url ", 0, 1)))
        minf = _box(b"minf", _full(b"smhd", 0, 0, bytes(4)), dinf, stbl)
        return _box(b"moov", mvhd, _box(b"trak", tkhd, _box(b"mdia", mdhd, hdlr, minf)))

    head_len = len(ftyp) + len(moov(0))
    return ftyp + moov(head_len + 8) + _box(b"mdat", _AAC_SILENT * frames)


def amr_frame_count(data: bytes) -> int:
    """Frames of an AMR-NB file (for tests and self-checks): walk TOC bytes."""
    sizes = (13, 14, 16, 18, 20, 21, 27, 32, 6, 7, 6, 6, 1, 1, 1, 1)
    pos, n = 6, 0
    while pos < len(data):
        pos += sizes[(data[pos] >> 3) & 0x0F]
        n += 1
    return n


WRITERS = {"amr": amr, "mp3": mp3, "wav": wav, "m4a": m4a}

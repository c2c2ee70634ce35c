"""sources/image.py: screenshots and photos, their times (EXIF, name, mtime) and damage checks."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from conftest import sniffed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from evidence import extract, times
from evidence.model import Basis, EventKind, FileKind, SourceFile, Status
from evidence.sources import image

SH = times.zone("Asia/Shanghai")
CTX = extract.Context(tz=SH, lang="zh-Hans")
CTX_EN = extract.Context(tz=SH, lang="en")


def source(path: Path, rel: str | None = None) -> SourceFile:
    data = path.read_bytes()
    kind = sniffed(image, path, data[:8192])
    assert kind is not None
    return SourceFile(rel or path.name, path, hashlib.sha256(data).hexdigest(), len(data), kind,
                      Status.ACCEPTED)


def read_one(path: Path, ctx=CTX):
    events, issues = image.read(source(path), ctx)
    assert len(events) == 1
    return events[0], issues


def jpeg(path: Path, size=(400, 300), exif: Image.Exif | None = None) -> Path:
    im = Image.new("RGB", size, (200, 30, 30))
    im.save(path, "JPEG", quality=90, exif=exif if exif is not None else Image.Exif())
    return path


def png(path: Path, size=(1080, 2340)) -> Path:
    Image.new("RGB", size, (255, 255, 255)).save(path, "PNG")
    return path


# ---- the public corpus ---------------------------------------------------------------------

CORPUS_IMAGES = [
    # file, time in the file's own zone, zone_assumed, zone source, camera
    ("exif-samples__HMD_Nokia_8.3_5G.jpg", "2022-08-14T14:12:31+03:00", False, "exif_offset",
     "HMD Global Nokia 8.3 5G"),
    ("exif-samples__iphone_hdr_YES.jpg", "2015-04-10T20:12:23.550000+02:00", False, "gps", "Apple iPhone 6"),
    ("exif-py__Xiaomi_Mi_9T_KeyError.jpg", "2022-07-16T16:27:30.360058+08:00", True, "case_zone",
     "Xiaomi Mi 9T"),
    ("exif-samples__corrupted.jpg", "2015-09-08T11:02:17+08:00", True, "case_zone",
     "OLYMPUS IMAGING CORP. u1020,S1020"),
    ("exif-samples__IMG_5195.HEIC", "2021-04-11T15:47:53.054000-05:00", False, "exif_offset",
     "Apple iPhone 11 Pro Max"),
]


@pytest.mark.parametrize(("name", "iso", "assumed", "zone_source", "camera"), CORPUS_IMAGES)
def test_corpus_exif_times(corpus, name, iso, assumed, zone_source, camera):
    path = corpus / "images" / name
    assert sniffed(image, path, path.read_bytes()[:8192]) is FileKind.PHOTO
    event, _issues = read_one(path)
    assert event.time == dt.datetime.fromisoformat(iso)
    assert event.time.isoformat() == iso
    assert (event.basis, event.kind, event.zone_assumed) == (Basis.EXIF, EventKind.PHOTO, assumed)
    assert event.details["zone_source"] == zone_source
    assert event.details["camera"] == camera
    assert event.details["time_meaning"] == "taken"
    assert event.source.locator == "file"


def test_corpus_nokia_details_and_instant(corpus):
    event, issues = read_one(corpus / "images" / "exif-samples__HMD_Nokia_8.3_5G.jpg")
    assert event.time.astimezone(dt.UTC) == dt.datetime(2022, 8, 14, 11, 12, 31, tzinfo=dt.UTC)
    assert (event.details["width"], event.details["height"], event.details["format"]) == ("4608", "1976", "JPEG")
    assert event.details["orientation"] == "1"
    assert event.details["exif_time"] == "2022:08:14 14:12:31 +03:00"
    assert issues == []


def test_corpus_xiaomi_orientation(corpus):
    event, _ = read_one(corpus / "images" / "exif-py__Xiaomi_Mi_9T_KeyError.jpg")
    assert event.details["orientation"] == "6"  # rotated 90° CW


def test_corpus_heic_without_decoder_is_read_and_noted(corpus):
    path = corpus / "images" / "exif-samples__IMG_5195.HEIC"
    assert image.image_format(path.read_bytes()[:16]) == "HEIF"
    event, issues = read_one(path)
    assert event.details["format"] == "HEIF"
    assert image.validate(path, "en") is None  # accepted, whether or not pillow-heif is present
    try:
        import pillow_heif  # noqa: F401
    except ImportError:
        assert [i.code for i in issues] == ["heif_not_decoded"]


def test_corpus_shortened_jpeg_is_rejected_as_incomplete(corpus):
    path = corpus / "images" / "androidx-media__non-motion-photo-shortened-no-exif.jpg"
    reason = image.validate(path, "en")
    assert reason is not None and reason.startswith("The image is incomplete: a 4032×3024 JPEG")
    assert "5045" in reason
    assert "不完整" in image.validate(path, "zh-Hans")
    # read() still gives its one weak event if someone reads it anyway
    event, issues = read_one(path)
    assert event.basis is Basis.FILE_MTIME
    assert [i.code for i in issues] == ["time_from_mtime"]


@pytest.mark.parametrize("name", ["exif-samples__HMD_Nokia_8.3_5G.jpg", "exif-samples__corrupted.jpg",
                                  "exif-py__Xiaomi_Mi_9T_KeyError.jpg", "exif-samples__iphone_hdr_YES.jpg"])
def test_corpus_good_images_validate(corpus, name):
    assert image.validate(corpus / "images" / name, "en") is None


# ---- built files in the phones' real layouts ------------------------------------------------


def test_aosp_screenshot_png_with_exif_offset(tmp_path):
    # Android 11+ ImageExporter writes DateTimeOriginal + OffsetTimeOriginal + Software into the PNG
    exif = Image.Exif()
    exif[0x0131] = "Android RQ3A.211001.001"
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = "2015:03:18 20:15:30"
    ifd[0x9011] = "+08:00"
    ifd[0x9291] = "123"
    path = tmp_path / "Screenshot_20150318-201530.png"
    Image.new("RGB", (1080, 2340), "white").save(path, "PNG", exif=exif)
    event, issues = read_one(path)
    assert event.kind is EventKind.SCREENSHOT
    assert event.time == dt.datetime(2015, 3, 18, 20, 15, 30, 123000, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert (event.basis, event.zone_assumed) == (Basis.EXIF, False)
    assert event.details["software"] == "Android RQ3A.211001.001"
    assert event.details["name_convention"] == "aosp_screenshot"
    assert event.summary == "截图：Screenshot_20150318-201530.png"
    assert issues == []


def test_wechat_screenshot_time_from_name(tmp_path):
    path = jpeg(tmp_path / "Screenshot_2024-02-11-10-44-02-30_e39d2c7de19156b0683cd93e8735f348.jpg", (1080, 2400))
    event, issues = read_one(path, CTX_EN)
    assert event.kind is EventKind.SCREENSHOT
    assert event.time == dt.datetime(2024, 2, 11, 10, 44, 2, 300000, tzinfo=SH)
    assert (event.basis, event.zone_assumed) == (Basis.FILENAME, True)
    assert event.details["app"] == "com.tencent.mm"
    assert event.summary == "Screenshot: " + path.name
    assert issues == []


def test_wechat_export_epoch_name_is_save_time_not_capture_time(tmp_path):
    path = jpeg(tmp_path / "mmexport1426681530000.jpg")
    event, _ = read_one(path)
    assert event.kind is EventKind.PHOTO
    assert event.time == dt.datetime(2015, 3, 18, 12, 25, 30, tzinfo=dt.UTC)
    assert (event.basis, event.zone_assumed, event.details["time_meaning"]) == (Basis.FILENAME, False, "saved")


def test_exif_beats_file_name(tmp_path):
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2015:03:18 19:00:00"
    path = jpeg(tmp_path / "IMG_20150318_201530.jpg", exif=exif)
    event, _ = read_one(path)
    assert (event.time, event.basis) == (dt.datetime(2015, 3, 18, 19, 0, tzinfo=SH), Basis.EXIF)


def test_no_time_anywhere_falls_back_to_mtime_with_warning(tmp_path):
    path = jpeg(tmp_path / "证据1.jpg")
    os.utime(path, (1426681530, 1426681530))
    event, issues = read_one(path, CTX_EN)
    assert event.time == dt.datetime(2015, 3, 18, 12, 25, 30, tzinfo=dt.UTC)
    assert event.basis is Basis.FILE_MTIME
    assert len(issues) == 1 and issues[0].code == "time_from_mtime"
    assert "modification time, which changes when files are copied" in issues[0].message
    assert issues[0].path == "证据1.jpg"


def test_png_with_phone_proportions_is_a_screenshot_camera_photo_is_not(tmp_path):
    shot = png(tmp_path / "证据.png", (1080, 2340))
    assert sniffed(image, shot, shot.read_bytes()[:8192]) is FileKind.SCREENSHOT
    square = png(tmp_path / "二维码.png", (800, 800))
    assert sniffed(image, square, square.read_bytes()[:8192]) is FileKind.PHOTO
    exif = Image.Exif()
    exif[0x010F] = "Xiaomi"
    camera = tmp_path / "cam.png"
    Image.new("RGB", (1080, 1920), "white").save(camera, "PNG", exif=exif)
    assert sniffed(image, camera, camera.read_bytes()[:8192]) is FileKind.PHOTO
    # a chat-app JPEG is a photo even when phone-shaped: the file alone cannot tell
    wechat = jpeg(tmp_path / "微信图片_20150318201530.jpg", (1080, 2340))
    assert sniffed(image, wechat, wechat.read_bytes()[:8192]) is FileKind.PHOTO
    assert sniffed(image, tmp_path / "x.txt", b"hello") is None


def test_sniff_formats(tmp_path):
    for fmt, ext in (("GIF", "gif"), ("WEBP", "webp")):
        path = tmp_path / f"sticker.{ext}"
        Image.new("RGB", (64, 64), "blue").save(path, fmt)
        assert image.image_format(path.read_bytes()[:16]) == fmt
        assert sniffed(image, path, path.read_bytes()[:64]) is FileKind.PHOTO
        event, _ = read_one(path)
        assert event.details["format"] == fmt


def test_truncated_jpeg_is_rejected(tmp_path):
    noisy = Image.effect_noise((800, 600), 80).convert("RGB")
    buf = io.BytesIO()
    noisy.save(buf, "JPEG", quality=95)
    path = tmp_path / "IMG_20150318_201530.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) * 2 // 3])
    assert image.validate(path, "zh-Hans") == "图片已损坏或不完整，无法打开；请当事人重新发送原图。"
    event, _issues = read_one(path)  # header still readable: the name gives the time
    assert event.basis is Basis.FILENAME


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))


def test_decompression_bomb_and_zero_size_are_rejected(tmp_path):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(100_000, 100_000))
    assert "crafted file" in image.validate(bomb, "en")
    events, issues = image.read(source(bomb), CTX)
    assert len(events) == 1 and issues[0].code == "image_unreadable"
    empty = tmp_path / "empty.png"
    empty.write_bytes(_png_header(0, 10))
    assert image.validate(empty, "en").startswith("The image is damaged or incomplete")


def test_validate_ignores_global_truncated_setting(tmp_path):
    from PIL import ImageFile

    noisy = Image.effect_noise((400, 300), 80).convert("RGB")
    buf = io.BytesIO()
    noisy.save(buf, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buf.getvalue()[:-4000])
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        assert image.validate(path, "en") is not None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False


def _noisy_png() -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((400, 300), 80).convert("RGB").save(buf, "PNG")
    return buf.getvalue()


def _idat_span(data: bytes) -> tuple[int, int]:
    """Offsets of the first IDAT chunk's data, found by walking the real chunk layout."""
    pos = 8
    while True:
        length = struct.unpack(">I", data[pos:pos + 4])[0]
        if data[pos + 4:pos + 8] == b"IDAT":
            return pos + 8, pos + 8 + length
        pos += 12 + length


def test_png_with_a_flipped_byte_inside_idat_is_rejected(tmp_path):
    data = bytearray(_noisy_png())
    start, end = _idat_span(bytes(data))
    data[(start + end) // 2] ^= 0x01  # one bit, as a bad copy makes: the chunk's CRC no longer matches
    path = tmp_path / "Screenshot_20150318-201530.png"
    path.write_bytes(bytes(data))
    assert image.validate(path, "zh-Hans") == "图片已损坏或不完整，无法打开；请当事人重新发送原图。"
    path.write_bytes(_noisy_png())
    assert image.validate(path, "zh-Hans") is None


def test_png_cut_inside_idat_is_rejected(tmp_path):
    data = _noisy_png()
    start, end = _idat_span(data)
    path = tmp_path / "Screenshot_20150318-201530.png"
    path.write_bytes(data[: (start + end) // 2])
    assert image.validate(path, "en").startswith("The image is damaged or incomplete")


def test_png_whose_pixel_data_is_short_for_its_header_is_rejected(tmp_path):
    # every CRC right and IEND present, but the IDAT stream holds half the rows IHDR declares
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 100, 40, 8, 2, 0, 0, 0)
    rows = (b"\x00" + b"\x80" * 300) * 20
    path = tmp_path / "short.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows))
                     + chunk(b"IEND", b""))
    assert image.validate(path, "en").startswith("The image is damaged or incomplete")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                     + chunk(b"IDAT", zlib.compress(rows * 2)) + chunk(b"IEND", b""))
    assert image.validate(path, "en") is None


MAGICS = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe1", b"GIF89a", b"RIFF\x00\x00\x00\x00WEBPVP8 ",
          b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(MAGICS), st.binary(max_size=400))
def test_read_never_raises_on_arbitrary_bytes(tmp_path, prefix, tail):
    path = tmp_path / "Screenshot_20150318-201530.png"
    path.write_bytes(prefix + tail)
    events, _issues = image.read(source(path), CTX)
    assert len(events) == 1 and events[0].time.tzinfo is not None
    reason = image.validate(path, "en")
    assert reason is None or reason.endswith(".")
    image.heif_exif(prefix + tail)


def test_size_floor_only_for_huffman_jpeg(tmp_path):
    path = jpeg(tmp_path / "a.jpg", (64, 64))
    assert image._huffman_jpeg(path)
    data = path.read_bytes()
    sof = data.index(b"\xff\xc0")
    path.write_bytes(data[:sof] + b"\xff\xc9" + data[sof + 2:])  # arithmetic-coded frame header
    assert not image._huffman_jpeg(path)

"""Screenshots and photos: PNG, JPEG, HEIC/HEIF, WebP, GIF. One event per file.

A file is a screenshot when its name says so (Screenshot_…, 截屏…) or when it is a PNG with a
phone screen's proportions (16:9 to 20:9) and no camera maker in its EXIF; anything else is a
photo. A chat-app JPEG (`微信图片_….jpg`) stays a photo even when its pixels are a screenshot:
the file alone cannot tell, and the sample case's ground truth agrees.

Time, best first: EXIF DateTimeOriginal (+ OffsetTimeOriginal; without it the offset is
derived from the GPS UTC time when the photo has one), then the file name
(`Screenshot_20150318-201530.png`, `mmexport<ms>.jpg`…), then the file's mtime — weak, because
copying a file changes it, and said so in a warning.

Damage policy (`validate`): a file is rejected when Pillow cannot fully decode it with
LOAD_TRUNCATED_IMAGES off, or when a JPEG is smaller than its pixel count allows. A Huffman-coded
JPEG needs at least one bit per 8×8 luma block, so a file under width×height/512 bytes cannot
hold the whole picture; androidx-media's `non-motion-photo-shortened-no-exif.jpg` (4032×3024 in
5,045 bytes) decodes without error only because an end marker was appended to shortened scan
data, and is rejected as incomplete. HEIC files are accepted even when no HEIF decoder
(pillow-heif) is installed: the time is still read from their EXIF item, and read() says the
picture itself could not be checked. A PNG is checked without Pillow's decode (twice as fast):
every chunk's CRC, IHDR first, IEND present, and the pixel stream inflating completely to exactly
the size its header declares (a stream short of it is rejected even though Pillow would pad it);
interlaced or unusual PNGs still get Pillow's full decode.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import struct
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from evidence import filenames, imagefile, template, times
from evidence.model import Basis, Event, EventKind, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context

TIME_MEANING = "taken"  # EXIF DateTimeOriginal / the name's time; "saved" or "file_modified" per event
BASIS = Basis.EXIF

try:  # zlib-ng inflates a screenshot's 7.6 MB of pixels in 1.3 ms instead of zlib's 4.3 ms
    from zlib_ng import zlib_ng as inflating
except ImportError:  # pragma: no cover - a platform without its wheel: same API, slower
    import zlib as inflating  # type: ignore[no-redef]
_INFLATE_ERROR = cast(type[Exception], inflating.error)  # its stub types it as an instance

with contextlib.suppress(ImportError):  # optional HEIF decoder; never required
    import pillow_heif

    pillow_heif.register_heif_opener()

HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
                         b"avif", b"avis"})
CAMERA_MAKE = 0x010F
CAMERA_MODEL = 0x0110
ORIENTATION = 0x0112
SOFTWARE = 0x0131
DATETIME_ORIGINAL = 0x9003
DATETIME_DIGITIZED = 0x9004
OFFSET_TIME = 0x9010
OFFSET_ORIGINAL = 0x9011
OFFSET_DIGITIZED = 0x9012
SUBSEC_ORIGINAL = 0x9291
GPS_TIME = 7
GPS_DATE = 29


def image_format(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


def _phone_shaped(width: int, height: int) -> bool:
    """Proportions of a phone screen (16:9 to 20:9, either way up), not of a camera (4:3)."""
    short, long_ = sorted((width, height))
    return 320 <= short <= 1800 and 1.6 <= long_ / short <= 2.4


def sniff(head: bytes, name: str) -> bool:
    return image_format(head) is not None


def kind(head: bytes, name: str) -> FileKind:
    """A screenshot by its name, or a PNG with a phone screen's shape and no camera maker."""
    if filenames.looks_like_screenshot(name):
        return FileKind.SCREENSHOT
    if image_format(head) == "PNG" and _screen_shaped_without_camera(head):
        return FileKind.SCREENSHOT
    return FileKind.PHOTO


def _screen_shaped_without_camera(head: bytes) -> bool:
    """Phone-screen proportions and no camera maker in EXIF, from the file's first bytes (the
    PNG header and the chunks before the pixels). No pixel decode."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(head)) as im:
                if not _phone_shaped(*im.size):
                    return False
                raw = im.info.get("exif")  # an eXIf chunk before the pixels (no decode)
                if not isinstance(raw, bytes):
                    return True
                exif = Image.Exif()
                exif.load(raw)
                return not exif.get(CAMERA_MAKE)
    except Exception:  # a sniff never fails; damage is validate()'s business
        return False


# ---- reading -------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return str(value).replace("\x00", "").strip() if value is not None else ""


def _say(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


@contextlib.contextmanager
def _strict_pillow() -> Iterator[None]:
    """Full-decode checks with Pillow's own safety settings, whatever another module set."""
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def heif_exif(data: bytes) -> bytes | None:
    """The TIFF-format EXIF block of a HEIF file (its `Exif` item), found through meta/iinf/iloc.

    Only box structure is parsed here; the EXIF itself is handed to Pillow.
    """
    def boxes(start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
        pos = start
        while pos + 8 <= end:
            size, kind = struct.unpack_from(">I4s", data, pos)
            head = 8
            if size == 1 and pos + 16 <= end:
                size, head = struct.unpack_from(">Q", data, pos + 8)[0], 16
            elif size == 0:
                size = end - pos
            if size < head or pos + size > end:
                return
            yield kind, pos + head, pos + size
            pos += size

    def uint(pos: int, n: int) -> int:
        return int.from_bytes(data[pos:pos + n], "big") if n else 0

    try:
        meta = next(((b, e) for k, b, e in boxes(0, len(data)) if k == b"meta"), None)
        if meta is None:
            return None
        children = {k: (b, e) for k, b, e in boxes(meta[0] + 4, meta[1])}
        exif_id = None
        if b"iinf" in children:
            b, e = children[b"iinf"]
            version = data[b]
            first = b + 4 + (2 if version == 0 else 4)
            for kind, ib, _ie in boxes(first, e):
                if kind != b"infe" or data[ib] < 2:
                    continue
                id_len = 2 if data[ib] == 2 else 4
                item_id = uint(ib + 4, id_len)
                if data[ib + 4 + id_len + 2: ib + 4 + id_len + 6] == b"Exif":
                    exif_id = item_id
                    break
        if exif_id is None or b"iloc" not in children:
            return None
        b, _e = children[b"iloc"]
        version = data[b]
        off_size, len_size = data[b + 4] >> 4, data[b + 4] & 0xF
        base_size, index_size = data[b + 5] >> 4, (data[b + 5] & 0xF) if version in (1, 2) else 0
        pos = b + 6
        count_len = 4 if version == 2 else 2
        count = uint(pos, count_len)
        pos += count_len
        for _ in range(count):
            item_id = uint(pos, count_len)
            pos += count_len
            if version in (1, 2):
                pos += 2  # construction_method
            pos += 2  # data_reference_index
            base = uint(pos, base_size)
            pos += base_size
            extents = uint(pos, 2)
            pos += 2
            chunks = []
            for _ in range(extents):
                pos += index_size
                offset, length = uint(pos, off_size), uint(pos + off_size, len_size)
                pos += off_size + len_size
                chunks.append(data[base + offset: base + offset + length])
            if item_id == exif_id:
                blob = b"".join(chunks)
                skip = 4 + int.from_bytes(blob[:4], "big")  # exif_tiff_header_offset
                tiff = blob[skip:]
                return tiff if tiff[:4] in (b"MM\x00*", b"II*\x00") else None
    except (struct.error, IndexError, ValueError):
        return None
    return None


def _exif_time(exif: Image.Exif, ctx: Context) -> tuple[dt.datetime, bool, str, str] | None:
    """(time, zone_assumed, zone_source, raw text) from EXIF, or None."""
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    raw = _text(ifd.get(DATETIME_ORIGINAL))
    offset = _text(ifd.get(OFFSET_ORIGINAL)) or _text(ifd.get(OFFSET_TIME))
    if not raw:
        raw = _text(ifd.get(DATETIME_DIGITIZED))
        offset = _text(ifd.get(OFFSET_DIGITIZED)) or _text(ifd.get(OFFSET_TIME))
    parsed = times.from_exif(raw, offset or None, ctx.tz) if raw else None
    if parsed is None:
        return None
    t, assumed = parsed
    sub = _text(ifd.get(SUBSEC_ORIGINAL))
    if sub.isdigit():
        t = t.replace(microsecond=int(sub[:6].ljust(6, "0")))
    source = "exif_offset" if not assumed else "case_zone"
    if assumed:
        derived = _gps_offset(exif, raw)
        if derived is not None:
            t, assumed, source = times.with_zone(t, derived), False, "gps"
    return t, assumed, source, f"{raw} {offset}".strip()


def _gps_offset(exif: Image.Exif, raw: str) -> dt.timezone | None:
    """The photo's UTC offset from its GPS (UTC) stamp, rounded to 15 minutes; None if unsure."""
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    stamp, hms = _text(gps.get(GPS_DATE)), gps.get(GPS_TIME)
    try:
        h, m, s = (float(x) for x in (hms or ()))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    utc = times.from_gps(stamp, h, m, s)
    wall = times.from_exif(raw, "+00:00", times.UTC)
    if utc is None or wall is None:
        return None
    quarter = round((wall[0] - utc).total_seconds() / 900) * 900
    if abs(quarter) > 14 * 3600 or abs((wall[0] - utc).total_seconds() - quarter) > 120:
        return None  # a stale GPS fix, not a zone offset
    return dt.timezone(dt.timedelta(seconds=quarter))


def _inspect(path: Path) -> tuple[dict[str, str], Image.Exif | None, str | None]:
    """(details, exif, error name). Opens lazily: header and metadata only, no pixel decode."""
    details: dict[str, str] = {}
    try:
        with _strict_pillow(), Image.open(path) as im:
            details.update(width=str(im.width), height=str(im.height), format=str(im.format))
            if im.format == "PNG" and not _png_late_metadata(path):
                # Pillow's PNG getexif decodes every pixel to look for metadata after the image
                # data; when the chunk walk found none there, what open() read is all there is
                return details, Image.Image.getexif(im), None
            return details, im.getexif(), None
    except Exception as exc:
        error = type(exc).__name__
    try:
        data = path.read_bytes()
    except OSError:
        return details, None, error
    if image_format(data[:16]) == "HEIF":
        details["format"] = "HEIF"
        tiff = heif_exif(data)
        if tiff:
            exif = Image.Exif()
            with contextlib.suppress(Exception):
                exif.load(b"Exif\x00\x00" + tiff)
                return details, exif, "no_heif_decoder"
        return details, None, "no_heif_decoder"
    return details, None, error


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    issues: list[Issue] = []
    lang = ctx.lang
    name = Path(file.path).name
    details, exif, error = _inspect(file.abspath)
    if error == "no_heif_decoder":
        issues.append(Issue(Severity.NOTE, "heif_not_decoded", _say(
            lang,
            f"{file.path} 是 HEIC 图片，本机未安装 HEIF 解码器（pillow-heif），只读取了拍摄时间；"
            "原件照常保留，如需在卷宗中显示画面请安装 pillow-heif 或请当事人导出为 JPEG。",
            f"{file.path} is a HEIC picture and no HEIF decoder (pillow-heif) is installed, so only "
            "its time was read; the original is kept. Install pillow-heif or ask for a JPEG "
            "export to show the picture in the dossier."), path=file.path, locator="file"))
    elif error:
        issues.append(Issue(Severity.WARNING, "image_unreadable", _say(
            lang, f"{file.path} 无法作为图片打开（{error}），时间只能取自文件名或修改时间。",
            f"{file.path} could not be opened as an image ({error}); its time comes only from "
            "its name or modification time."), path=file.path, locator="file"))
    if exif is not None:
        camera = " ".join(x for x in (_text(exif.get(CAMERA_MAKE)), _text(exif.get(CAMERA_MODEL)))
                          if x)
        for key, value in (("camera", camera), ("orientation", _text(exif.get(ORIENTATION))),
                           ("software", _text(exif.get(SOFTWARE)))):
            if value:
                details[key] = value
    stamp = filenames.image(name, ctx.tz)
    if stamp is not None:
        details["name_convention"] = stamp.convention
        if stamp.app:
            details["app"] = stamp.app
    found = _exif_time(exif, ctx) if exif is not None else None
    if found is not None:
        t, assumed, zone_source, raw = found
        basis, meaning = Basis.EXIF, "taken"
        details.update(exif_time=raw, zone_source=zone_source)
        bad = raw.partition(" ")[2].partition(" ")[2]  # issue 23: the offset text, if any
        if bad and times.parse_offset(bad) is None:
            issues.append(Issue(Severity.NOTE, "exif_offset_invalid", _say(
                lang, f"{file.path} 的 EXIF 时区 {bad!r} 无效，已忽略，按案件时区理解拍摄时间。",
                f"{file.path}: the EXIF time zone {bad!r} is not valid and was ignored; the "
                "capture time is read in the case's time zone."), path=file.path, locator="exif"))
    elif stamp is not None and stamp.time is not None:
        t, assumed, basis = stamp.time, stamp.zone_assumed, Basis.FILENAME
        # WeChat/QQ strip EXIF: their names carry the save/export time, not the capture time
        meaning = "taken" if stamp.convention in ("camera",) or stamp.screenshot else "saved"
        details["zone_source"] = "case_zone" if assumed else "epoch"
        if stamp.precision is not times.Precision.SECOND:
            details["time_precision"] = str(stamp.precision)
    else:
        t = file.mtime or times.from_mtime(file.abspath.stat().st_mtime)
        assumed, basis, meaning = False, Basis.FILE_MTIME, "file_modified"
        issues.append(Issue(Severity.WARNING, "time_from_mtime", _say(
            lang,
            f"{file.path} 没有拍摄时间或带时间的文件名，时间只是文件的修改时间，复制文件时会改变；"
            "请当事人提供原图或截图时的说明。",
            f"{file.path} has no EXIF time and no time in its name: its time is only the file's "
            "modification time, which changes when files are copied; ask the victim for the "
            "original or for when it was taken."), path=file.path, locator="file"))
    details["time_meaning"] = meaning
    event_kind = EventKind.SCREENSHOT if file.kind is FileKind.SCREENSHOT else EventKind.PHOTO
    summary = template.t(lang, f"events.{event_kind.value}", name=name)
    if basis is Basis.FILE_MTIME:
        summary += template.t(lang, "events.weak_time")
    event = Event(
        time=t, basis=basis, kind=event_kind, summary=summary,
        source=SourceRef(file.path, file.sha256, "file"), zone_assumed=assumed, details=details,
    )
    return [event], issues


# ---- validation ----------------------------------------------------------------------------


def _huffman_jpeg(path: Path) -> bool:
    """True unless the frame header (SOFn) says arithmetic coding, which can go below the floor."""
    with path.open("rb") as f:
        data = f.read(1 << 16)
    i = 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            return marker < 0xC8
        i += 2 + int.from_bytes(data[i + 2:i + 4], "big")
    return True


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_METADATA = {b"eXIf", b"tEXt", b"zTXt", b"iTXt"}


def _png_late_metadata(path: Path) -> bool:
    """Whether a metadata chunk (EXIF or text) follows the image data, by walking the chunk
    headers only; True also when the walk cannot tell (then Pillow decodes to find it)."""
    seen_data = False
    with path.open("rb") as f:
        if f.read(len(_PNG_SIGNATURE)) != _PNG_SIGNATURE:
            return True
        while True:
            head = f.read(8)
            if len(head) < 8:
                return True
            kind = head[4:]
            if kind == b"IEND":
                return False
            if kind == b"IDAT":
                seen_data = True
            elif seen_data and kind in _PNG_METADATA:
                return True
            f.seek(int.from_bytes(head[:4], "big") + 4, 1)
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel
_PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
_BLOCK = 1 << 20  # inflating into 1 MB pieces: 20 % faster than 256 KB, 3x faster than one whole buffer


def _png_intact(path: Path) -> bool | None:
    """Whether a PNG is whole, at half the cost of Pillow's decode: every chunk's CRC, IHDR first
    and IEND last, and the IDAT stream inflating to its end and to exactly the bytes the header's
    geometry needs (rows are not unfiltered). True whole, False damaged; None when this check
    cannot tell (interlaced, unusual layout, extra data) and Pillow must decode it."""
    crc_size = 4
    with path.open("rb") as f:
        if f.read(len(_PNG_SIGNATURE)) != _PNG_SIGNATURE:
            return False
        inflater = inflating.decompressobj()
        expected = produced = -1
        while True:
            head = f.read(8)
            if len(head) < 8:
                return False  # no IEND: the file was cut short
            length, kind = int.from_bytes(head[:4], "big"), head[4:]
            crc = zlib.crc32(kind)
            first = expected < 0
            if first and (kind != b"IHDR" or length != 13):
                return False
            left = length
            while left:
                piece = f.read(min(left, _BLOCK))
                if not piece:
                    return False
                left -= len(piece)
                crc = zlib.crc32(piece, crc)
                if first:
                    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", piece)
                    if interlace or depth not in _PNG_DEPTHS.get(colour, ()):
                        return None
                    expected, produced = height * (1 + (width * _PNG_CHANNELS[colour] * depth + 7) // 8), 0
                elif kind == b"IDAT":
                    try:
                        while piece:
                            produced += len(inflater.decompress(piece, _BLOCK))
                            piece = inflater.unconsumed_tail
                    except _INFLATE_ERROR:
                        return False
                    if produced > expected:
                        return None
            stored = f.read(crc_size)
            if len(stored) < crc_size or int.from_bytes(stored, "big") != crc:
                return False
            if kind == b"IEND":
                break
    if produced < expected:
        return False
    return True if inflater.eof else None


def validate(path: Path, lang: str) -> str | None:
    """One-sentence rejection reason for a damaged, incomplete or hostile image; None if fine."""
    damaged = _say(lang, "图片已损坏或不完整，无法打开；请当事人重新发送原图。",
                   "The image is damaged or incomplete and cannot be opened; ask the victim to "
                   "send the original again.")
    try:
        size = path.stat().st_size
        with _strict_pillow(), Image.open(path) as im:
            width, height = im.size
            if imagefile.too_many_pixels(im.format, width, height):
                raise Image.DecompressionBombError(f"{width}×{height}")  # issue 23: one limit
            if width <= 0 or height <= 0:
                return _say(lang, "图片的宽或高为零，没有可显示的画面；请当事人重新发送原图。",
                            "The image has zero width or height, so there is nothing to show; "
                            "ask the victim to send the original again.")
            if im.format == "JPEG":
                if size < width * height / 512 and _huffman_jpeg(path):
                    return _say(
                        lang,
                        f"图片不完整：{width}×{height} 像素的 JPEG 至少应有 {width * height // 512} "
                        f"字节，此文件只有 {size} 字节；请当事人重新发送原图。",
                        f"The image is incomplete: a {width}×{height} JPEG needs at least "
                        f"{width * height // 512} bytes and this file has {size}; ask the victim "
                        "to send the original again.")
                if imagefile.jpeg_ends(path, size):
                    return None  # headers parsed by open() and the end-of-image marker last
                # 1/8-scale decode still reads every entropy-coded byte, so truncation shows
                im.draft(im.mode, (max(1, width // 8), max(1, height // 8)))
            elif im.format == "PNG":
                intact = _png_intact(path)
                if intact is not None:
                    return None if intact else damaged
            im.load()
    except Image.DecompressionBombError:
        return _say(lang, "图片声称的像素数远超任何手机拍摄的尺寸，可能是恶意构造的文件，未予处理；"
                    "请当事人重新发送手机里的原图。",
                    "The image claims far more pixels than any phone camera produces and may be a "
                    "crafted file, so it was not opened; ask the victim for the original from the "
                    "phone.")
    except UnidentifiedImageError:
        with contextlib.suppress(OSError), path.open("rb") as f:
            if image_format(f.read(16)) == "HEIF":
                return None  # no HEIF decoder here: accepted, read() notes it
        return damaged
    except Exception:
        return damaged
    return None


"""Phone screenshots and photos drawn with Pillow: refund page, SMS list, bank app, call log.

Speed: each scene's static chrome is drawn once per process and copied; only the text that
differs (times, amounts, the victim's numbers and link) is drawn per image. So no two images
share bytes, across victims too, and 150 realistic victims stay fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import struct
import zlib
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
WIDTH, HEIGHT = 1080, 2340
PHOTO_SIZE = (1600, 1200)
BG = (246, 246, 246)
INK = (34, 34, 34)
GREY = (128, 128, 128)
RED = (226, 35, 26)
BLUE = (28, 110, 220)
ROW = 190


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, size)


def _chrome(title: str, color: tuple[int, int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (WIDTH, HEIGHT), BG)
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, WIDTH, 90), fill=(20, 20, 20))  # status bar
    d.text((WIDTH - 200, 22), "4G  87%", font=font(36), fill=(240, 240, 240))
    d.rectangle((0, 90, WIDTH, 250), fill=color)
    d.text((60, 130), "‹", font=font(70), fill=(255, 255, 255))
    d.text((140, 135), title, font=font(56), fill=(255, 255, 255))
    d.rectangle((0, HEIGHT - 140, WIDTH, HEIGHT), fill=(250, 250, 250))
    for x in (200, 540, 880):
        d.ellipse((x - 30, HEIGHT - 100, x + 30, HEIGHT - 40), outline=GREY, width=4)
    return img, d


@functools.cache
def _base(scene: str, title: str) -> Image.Image:
    if scene == "refund":
        img, d = _chrome("", (255, 255, 255))
        d.rectangle((40, 120, WIDTH - 40, 220), fill=(235, 235, 235))
        d.rectangle((0, 250, WIDTH, 420), fill=RED)
        d.text((60, 290), "京东退款中心", font=font(72), fill=(255, 255, 255))
        labels = ("订单编号", "持卡人姓名", "身份证号码", "银行卡号", "预留手机号", "短信验证码")
        for i, label in enumerate(labels):
            y = 620 + i * 200
            d.text((60, y), label, font=font(44), fill=INK)
            d.rectangle((60, y + 70, WIDTH - 60, y + 160), outline=(200, 200, 200), width=3, fill=(255, 255, 255))
        d.rounded_rectangle((60, 1900, WIDTH - 60, 2040), radius=20, fill=RED)
        d.text((400, 1935), "立即退款", font=font(60), fill=(255, 255, 255))
        d.text((60, 2080), "退款将在24小时内原路退回您的银行卡", font=font(36), fill=GREY)
        return img
    color = {"sms": (50, 50, 50), "bank": (200, 30, 40), "calls": (40, 130, 80)}.get(scene, BLUE)
    img, d = _chrome(title, color)
    for i in range(11):
        y = 250 + (i + 1) * ROW
        d.line((40, y, WIDTH - 40, y), fill=(220, 220, 220), width=2)
    return img


def _status_time(d: ImageDraw.ImageDraw, when: dt.datetime) -> None:
    d.text((40, 20), when.strftime("%H:%M"), font=font(44), fill=(240, 240, 240))


Row = tuple[str, str, str]  # (title, detail, right-hand text)


def screen(scene: str, title: str, when: dt.datetime, rows: Sequence[Row], stamp: str,
           header: str = "") -> Image.Image:
    """One phone screen: cached chrome + the rows that make this screenshot unique."""
    img = _base(scene, title).copy()
    d = ImageDraw.Draw(img)
    _status_time(d, when)
    if scene == "refund":
        d.text((70, 140), header, font=font(40), fill=INK)  # the address bar with the phishing URL
        for i, (_, value, _) in enumerate(rows[:6]):
            d.text((90, 620 + i * 200 + 90), value, font=font(42), fill=INK)
    else:
        for i, (left, detail, right) in enumerate(rows[:10]):
            y = 250 + i * ROW + 30
            d.text((60, y), left, font=font(46), fill=INK)
            d.text((60, y + 70), detail[:26], font=font(36), fill=GREY)
            d.text((WIDTH - 60, y), right, font=font(40), fill=RED if right.startswith("-") else GREY,
                   anchor="ra")
    d.text((40, HEIGHT - 190), stamp, font=font(24), fill=(200, 200, 200))
    return img


TOP = 90  # rows that change per screenshot: the status bar ...
BOTTOM = 240  # ... and a faint stamp above the navigation bar
STAMP_BOX = (40, HEIGHT - 220, 700, HEIGHT - 150)


def _rows(img: Image.Image, top: int, bottom: int) -> bytes:
    """PNG scanlines with filter type 0, as the IDAT stream wants them."""
    data = img.crop((0, top, WIDTH, bottom)).tobytes()
    stride = WIDTH * 3
    return b"".join(b"\x00" + data[i:i + stride] for i in range(0, len(data), stride))


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


class Screen:
    """A prepared screen whose screenshots differ only in the clock and a stamp.

    The middle rows never change, so they are compressed once and spliced into each PNG's
    zlib stream after a full flush (no back-references cross a full flush): a screenshot
    then costs a few milliseconds instead of a full encode.
    """

    def __init__(self, img: Image.Image) -> None:
        self.img = img
        mid = _rows(img, TOP, HEIGHT - BOTTOM)
        self.mid_adler = mid
        c = zlib.compressobj(1, zlib.DEFLATED, -15)
        self.mid = c.compress(mid) + c.flush(zlib.Z_FULL_FLUSH)

    def draw(self, when: dt.datetime, text: str) -> Image.Image:
        d = ImageDraw.Draw(self.img)  # in place: both boxes are repainted whole each time
        d.rectangle((0, 0, 300, 88), fill=(20, 20, 20))
        _status_time(d, when)
        d.rectangle(STAMP_BOX, fill=BG)
        d.text((STAMP_BOX[0], STAMP_BOX[1] + 30), text, font=font(24), fill=(200, 200, 200))
        return self.img

    def png(self, when: dt.datetime, text: str) -> bytes:
        self.draw(when, text)
        top = _rows(self.img, 0, TOP)
        bottom = _rows(self.img, HEIGHT - BOTTOM, HEIGHT)
        c1 = zlib.compressobj(1, zlib.DEFLATED, -15)
        c2 = zlib.compressobj(1, zlib.DEFLATED, -15)
        adler = zlib.adler32(bottom, zlib.adler32(self.mid_adler, zlib.adler32(top)))
        stream = (b"\x78\x01" + c1.compress(top) + c1.flush(zlib.Z_FULL_FLUSH) + self.mid
                  + c2.compress(bottom) + c2.flush(zlib.Z_FINISH) + struct.pack(">I", adler))
        ihdr = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")

    def jpeg(self, when: dt.datetime, text: str, exif_when: dt.datetime | None = None) -> bytes:
        return jpeg(self.draw(when, text), exif_when)


def photo(lines: Sequence[str], stamp: str) -> Image.Image:
    """A photographed paper (police receipt): camera JPEG, not a screenshot."""
    img = Image.new("RGB", PHOTO_SIZE, (120, 100, 80))
    d = ImageDraw.Draw(img)
    d.rectangle((200, 80, 1400, 1120), fill=(250, 248, 240))
    for i, line in enumerate(lines):
        d.text((260, 140 + i * 80), line, font=font(44 if i else 60), fill=INK)
    d.text((260, 1060), stamp, font=font(20), fill=(210, 210, 200))
    return img


def png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def jpeg(img: Image.Image, when: dt.datetime | None = None, make: str = "Xiaomi", model: str = "MI 4LTE") -> bytes:
    """JPEG; with `when`, EXIF DateTimeOriginal + OffsetTimeOriginal as a phone camera writes them."""
    buf = io.BytesIO()
    if when is None:
        img.save(buf, "JPEG", quality=80)
        return buf.getvalue()
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    stamp = when.strftime("%Y:%m:%d %H:%M:%S")
    exif[0x0132] = stamp  # DateTime
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = stamp  # DateTimeOriginal
    sub[0x9004] = stamp  # DateTimeDigitized
    offset = when.strftime("%z")
    sub[0x9011] = f"{offset[:3]}:{offset[3:]}"  # OffsetTimeOriginal
    sub[0x9010] = sub[0x9011]  # OffsetTime
    img.save(buf, "JPEG", quality=80, exif=exif)
    return buf.getvalue()


def truncated_jpeg(data: bytes) -> bytes:
    """A JPEG cut off mid-scan, as a failed chat-app download leaves it."""
    return data[: max(200, len(data) // 3)]

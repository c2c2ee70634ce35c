"""Images made ready for a dossier page without re-encoding: one img2pdf page per image.

img2pdf embeds JPEG bytes as they are (DCTDecode) and PNG image data without decompressing it,
which is what makes a 100-screenshot dossier about as fast as img2pdf itself. Before that, a
cheap integrity check, so an image that would show half-grey in court becomes an error page:
JPEG decoded at 1/8 scale (the whole entropy stream is read, little is computed), PNG chunk
CRCs walked to IEND. Images img2pdf refuses (alpha channel, odd modes) are flattened onto
white with Pillow first; the original file is never touched.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import img2pdf
from PIL import Image

from evidence.render.dossier import ImageInfo

Image.MAX_IMAGE_PIXELS = 120_000_000  # decompression bombs are refused, not rendered
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def check(path: Path) -> str | None:
    """None when the image decodes completely, else a short reason."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
        if head.startswith(PNG_MAGIC):
            return _png(path)
        with Image.open(path) as im:
            if im.format == "JPEG":
                im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
            im.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def _png(path: Path) -> str | None:
    data = path.read_bytes()
    pos = 8
    idat = False
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if end > len(data):
            return "PNG truncated inside a chunk"
        if zlib.crc32(data[pos + 4:pos + 8 + length]) != struct.unpack(">I", data[end - 4:end])[0]:
            return f"PNG chunk {ctype.decode('latin-1')} damaged (CRC)"
        idat = idat or ctype == b"IDAT"
        if ctype == b"IEND":
            return None if idat else "PNG without image data"
        pos = end
    return "PNG truncated (no IEND)"


def prepare(src: Path, dst: Path) -> ImageInfo:
    """Write a one-page PDF holding the image to `dst`; report its displayed size."""
    problem = check(src)
    if problem:
        return ImageInfo(None, None, problem)
    try:
        pdf = img2pdf.convert(str(src), rotation=img2pdf.Rotation.ifvalid)
    except Exception:  # noqa: BLE001 - img2pdf refuses alpha etc.: flatten, then retry
        try:
            pdf = _flattened(src)
        except Exception as exc:  # noqa: BLE001 - reported on the exhibit page
            return ImageInfo(None, None, f"{type(exc).__name__}: {exc}")
    dst.write_bytes(pdf)
    return ImageInfo(dst, _displayed_size(pdf))


def _flattened(src: Path) -> bytes:
    with Image.open(src) as im:
        im.seek(0)
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    buf = io.BytesIO()
    flat.save(buf, format="PNG", compress_level=1)
    return bytes(img2pdf.convert(buf.getvalue()))


def _displayed_size(pdf: bytes) -> tuple[float, float]:
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    return (h, w) if int(page.get("/Rotate", 0)) % 180 else (w, h)

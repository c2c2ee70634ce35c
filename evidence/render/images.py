"""Images made ready for a dossier page without re-encoding.

The common phone cases (baseline/progressive JPEG in grey or RGB, 8-bit grey/RGB PNG) are
embedded straight from the file's bytes, as img2pdf would embed them, but without the full
decode img2pdf's metadata step does for PNG. Anything else goes through img2pdf (palette,
CMYK, interlaced, 16-bit), and images it refuses (alpha) are flattened onto white with Pillow
first; the original file is never touched. Before embedding, a cheap integrity check, so an
image that would show half-grey in court becomes an error page: a JPEG without its end marker
is decoded at 1/8 scale (the whole entropy stream is read, little is computed), PNG chunk CRCs
are walked to IEND.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import img2pdf
from PIL import Image

from evidence import geometry, imagefile, model
from evidence.render.dossier import ImageInfo

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


ROTATION = {1: 0, 3: 180, 6: 90, 8: 270}  # EXIF orientation -> clockwise display rotation


def check(path: Path) -> str | None:
    """None when the image decodes completely, else a short reason."""
    problem, _ = _inspect(path)
    return problem


def _inspect(path: Path) -> tuple[str | None, model.Raster | None]:
    """(problem, raster): a raster when the bytes can be embedded as they are."""
    try:
        with path.open("rb") as f:
            head = f.read(8)
        if head.startswith(PNG_MAGIC):
            return _png(path)
        with Image.open(path) as im:
            if imagefile.too_many_pixels(im.format, *im.size):  # issue 23: as check refuses it
                return f"DecompressionBombError: {im.size[0]}×{im.size[1]} pixels", None
            if im.format != "JPEG":
                im.load()
                return None, None
            orientation = im.getexif().get(0x0112, 1)
            size, mode = im.size, im.mode
            if not imagefile.jpeg_ends(path):
                im.draft("RGB" if mode != "L" else "L", (max(1, im.width // 8),
                                                         max(1, im.height // 8)))
                im.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        return f"{type(exc).__name__}: {exc}", None
    if mode not in ("RGB", "L") or orientation not in ROTATION:
        return None, None  # CMYK, mirrored orientations…: img2pdf knows these
    return None, model.Raster(path, "/DCTDecode", size[0], size[1], 1 if mode == "L" else 3,
                              ROTATION[orientation])


def _png(path: Path) -> tuple[str | None, model.Raster | None]:
    data = path.read_bytes()
    pos = 8
    idat: list[tuple[int, int]] = []
    header = b""
    simple = True
    while pos + 8 <= len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length
        if end > len(data):
            return "PNG truncated inside a chunk", None
        if zlib.crc32(data[pos + 4:pos + 8 + length]) != struct.unpack(">I", data[end - 4:end])[0]:
            return f"PNG chunk {ctype.decode('latin-1')} damaged (CRC)", None
        if ctype == b"IHDR":
            header = data[pos + 8:pos + 8 + length]
            if len(header) == 13 and imagefile.too_many_pixels("PNG", *struct.unpack(">II", header[:8])):
                return "DecompressionBombError: {}×{} pixels".format(*struct.unpack(">II", header[:8])), None
        elif ctype == b"IDAT":
            idat.append((pos + 8, length))
        elif ctype in (b"eXIf", b"tRNS"):  # orientation / transparency: leave it to img2pdf
            simple = False
        elif ctype == b"IEND":
            if not idat:
                return "PNG without image data", None
            if len(header) != 13 or not simple:
                return None, None
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", header)
            if depth != 8 or color not in (0, 2) or interlace:
                return None, None
            return None, model.Raster(path, "/FlateDecode", width, height,
                                      1 if color == 0 else 3, 0, tuple(idat))
        pos = end
    return "PNG truncated (no IEND)", None


def prepare(src: Path, dst: Path) -> ImageInfo:
    """An embeddable image, or a one-page img2pdf PDF written to `dst`, or the reason why not."""
    problem, raster = _inspect(src)
    if problem:
        return ImageInfo(None, None, problem)
    if raster is not None:
        w, h = raster.width, raster.height
        return ImageInfo(None, (h, w) if raster.rotate in (90, 270) else (w, h), raster=raster)
    try:
        pdf = img2pdf.convert(str(src), rotation=img2pdf.Rotation.ifvalid)
    except Exception:
        try:
            pdf = _flattened(src)
        except Exception as exc:
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
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        v = geometry.view(doc.pages[0])
    return v.size

"""Pages for printing that are drawn, not assembled (issue 6): the marked blank verso of a
duplex dossier, greyscale copies of images for black-and-white printers. Moved out of the
output layer (issue 19): drawing is reportlab's and Pillow's, here.
"""

from __future__ import annotations

from pathlib import Path

from evidence import template


def blank_page(path: Path, size: tuple[float, float], font: str, lang: str) -> Path:
    """One page saying it is intentionally blank (real text, so it is searchable)."""
    from reportlab.pdfgen.canvas import Canvas

    canv = Canvas(str(path), pagesize=size, invariant=1, initialFontName=font)
    canv.setFont(font, 11)
    canv.setFillGray(0.35)
    canv.drawCentredString(size[0] / 2, size[1] / 2, template.t(lang, "print.blank"))
    canv.showPage()
    canv.save()
    return path


def grayscale_copy(src: Path, dst_stem: Path) -> Path:
    """A greyscale copy of an image for black-and-white printing (the original is untouched).

    JPEGs stay JPEG (quality 92), everything else becomes a grey PNG; EXIF rotation is applied
    to the pixels. An image Pillow cannot read is returned as it is, so the usual check reports
    it as damaged.
    """
    from PIL import Image, ImageOps

    try:
        with Image.open(src) as im:
            fmt = im.format
            im.seek(0)
            upright = ImageOps.exif_transpose(im)
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                rgba = upright.convert("RGBA")
                flat = Image.new("RGB", rgba.size, (255, 255, 255))
                flat.paste(rgba, mask=rgba.getchannel("A"))
                upright = flat
            grey = upright.convert("L")
            if fmt == "JPEG":
                out = dst_stem.with_suffix(".jpg")
                grey.save(out, format="JPEG", quality=92, optimize=False)
            else:
                out = dst_stem.with_suffix(".png")
                grey.save(out, format="PNG", compress_level=6)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return src
    return out

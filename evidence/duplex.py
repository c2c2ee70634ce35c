"""Print profile `duplex`: recto starts, marked blank versos, an alternating binding gutter.

Pure arithmetic first (`recto`: where blanks go and where every original page ends up), then
the pypdf steps the stamper runs on the assembled pages before the Bates stamps, so numbering
stays continuous over the inserted blanks. The gutter moves and scales each page's content
(generated and merged pages alike) away from the inner edge: right on odd (recto) pages, left
on even (verso) pages, so nothing falls into the binding.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import ArrayObject, FloatObject, NameObject

from evidence import template

DEFAULT_GUTTER_MM = 12.0
MM = 72 / 25.4


@dataclasses.dataclass(frozen=True)
class Recto:
    """Where the pages go once blanks are inserted (0-based indices)."""

    final: tuple[int, ...]  # final index of each original page
    blanks: tuple[int, ...]  # final indices of the inserted blank pages
    total: int

    def page(self, raw_1based: int) -> int:
        """Final 1-based page number of an original 1-based page number."""
        return self.final[raw_1based - 1] + 1


def recto(starts: Sequence[int], total: int) -> Recto:
    """Insert a blank before every part start that would otherwise fall on a verso.

    `starts`: 0-based indices (in the unpadded document) of pages that must be rectos (odd
    1-based numbers): the first page of each section and exhibit.
    """
    must = set(starts)
    final: list[int] = []
    blanks: list[int] = []
    pos = 0
    for i in range(total):
        if i in must and pos % 2 == 1:
            blanks.append(pos)
            pos += 1
        final.append(pos)
        pos += 1
    return Recto(tuple(final), tuple(blanks), pos)


def gutter_pt(setup: dict[str, Any] | None = None) -> float:
    s = setup if setup is not None else template.setup()
    section = s.get("print", {}) if isinstance(s.get("print"), dict) else {}
    return float(section.get("gutter_mm", DEFAULT_GUTTER_MM)) * MM


def profile(setup: dict[str, Any] | None = None) -> str:
    """The template's `[print] profile` ("simplex" unless set)."""
    s = setup if setup is not None else template.setup()
    section = s.get("print", {}) if isinstance(s.get("print"), dict) else {}
    return str(section.get("profile", "simplex"))


def blank_label(lang: str) -> str:
    return template.t(lang, "print.blank")


# ---- pypdf steps ---------------------------------------------------------------------------


def insert_blanks(writer: PdfWriter, plan: Recto, blank_pdf: Path) -> None:
    """Insert the marked blank page at each of `plan.blanks` (ascending final indices)."""
    blank = PdfReader(blank_pdf).pages[0]
    for index in plan.blanks:
        writer.insert_page(blank, index)


def gutter_matrix(width: float, height: float, x0: float, y0: float, gutter: float, recto_page: bool
                  ) -> tuple[float, float, float]:
    """(scale, dx, dy) mapping a page's visible box into itself minus the gutter.

    Uniform scaling keeps the aspect ratio; content is top-aligned so the space freed at the
    bottom adds to the stamp band.
    """
    s = (width - gutter) / width
    dx = x0 * (1 - s) + (gutter if recto_page else 0.0)
    dy = y0 * (1 - s) + height * (1 - s)
    return s, dx, dy


def apply_gutter(writer: PdfWriter, gutter: float, pages: Sequence[int] | None = None) -> None:
    """Shift/scale content (and link rectangles) of each page away from its binding edge.

    Pages with /Rotate are turned into their displayed orientation first, so the inner edge is
    the one the reader sees on the left (recto) or right (verso).
    """
    targets = range(len(writer.pages)) if pages is None else pages
    for i in targets:
        page = writer.pages[i]
        if int(page.get("/Rotate", 0) or 0) % 360:
            page.transfer_rotation_to_content()
        box = page.cropbox
        x0, y0 = float(box.left), float(box.bottom)
        w, h = float(box.width), float(box.height)
        s, dx, dy = gutter_matrix(w, h, x0, y0, gutter, i % 2 == 0)
        page.add_transformation(Transformation().scale(s, s).translate(dx, dy))
        annots = page.get("/Annots")
        if annots is None:
            continue
        for ref in annots.get_object():
            a = ref.get_object()
            rect = a.get("/Rect")
            if rect is None:
                continue
            r = [float(v) for v in rect]
            a[NameObject("/Rect")] = ArrayObject([FloatObject(round(v * s + d, 3)) for v, d in
                                                  zip(r, (dx, dy, dx, dy), strict=True)])


def blank_page(path: Path, size: tuple[float, float], font: str, lang: str) -> Path:
    """One page saying it is intentionally blank (real text, so it is searchable)."""
    from reportlab.pdfgen.canvas import Canvas

    canv = Canvas(str(path), pagesize=size, invariant=1, initialFontName=font)
    canv.setFont(font, 11)
    canv.setFillGray(0.35)
    canv.drawCentredString(size[0] / 2, size[1] / 2, blank_label(lang))
    canv.showPage()
    canv.save()
    return path


class Assembler:
    """Appends pages to a writer, putting a marked blank wherever `plan` says one goes.

    Used while the dossier is assembled, so every later step (images, links, stamps, outline)
    already works in final page numbers.
    """

    def __init__(self, writer: PdfWriter, plan: Recto, blank_pdf: Path | None) -> None:
        self.writer, self.plan, self.blank_pdf = writer, plan, blank_pdf
        self.raw = 0

    def add(self, page: Any) -> None:
        target = self.plan.final[self.raw] if self.raw < len(self.plan.final) else None
        while target is not None and len(self.writer.pages) < target:
            if self.blank_pdf is None:
                raise ValueError("a blank page is planned but no blank page was made")
            # a fresh reader each time: the same source page added twice would be one object
            self.writer.add_page(PdfReader(self.blank_pdf).pages[0])
        self.writer.add_page(page)
        self.raw += 1

    def add_pdf(self, path: Path) -> int:
        reader = PdfReader(path)
        for page in reader.pages:
            self.add(page)
        return len(reader.pages)


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

"""Print profile `duplex`: recto starts, marked blank versos, an alternating binding gutter.

Pure arithmetic first (`recto`: where blanks go and where every original page ends up), then
the steps on the dossier being assembled (stamp.Dossier): blanks go in while the pages are
added, before the Bates stamps, so numbering stays continuous over them. The gutter moves and scales each page's content
(generated and merged pages alike) away from the inner edge: right on odd (recto) pages, left
on even (verso) pages, so nothing falls into the binding.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pikepdf

from evidence import sanitize, stamp, template

DEFAULT_GUTTER_MM = 12.0


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
    return float(section.get("gutter_mm", DEFAULT_GUTTER_MM)) * stamp.MM


def profile(setup: dict[str, Any] | None = None) -> str:
    """The template's `[print] profile` ("simplex" unless set)."""
    s = setup if setup is not None else template.setup()
    section = s.get("print", {}) if isinstance(s.get("print"), dict) else {}
    return str(section.get("profile", "simplex"))


def blank_label(lang: str) -> str:
    return template.t(lang, "print.blank")


# ---- steps on the dossier ---------------------------------------------------------------------


def insert_blanks(doc: stamp.Dossier, plan: Recto, blank_pdf: Path) -> None:
    """Insert the marked blank page at each of `plan.blanks` (ascending final indices)."""
    blank = doc.open(blank_pdf).pages[0]
    for index in plan.blanks:
        doc.pages.insert(index, blank)  # a foreign page is copied anew each time


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


def apply_gutter(doc: stamp.Dossier, gutter: float, pages: Sequence[int] | None = None) -> None:
    """Shift/scale content (and link rectangles) of each page away from its binding edge.

    Pages with /Rotate are turned into their displayed orientation first, so the inner edge is
    the one the reader sees on the left (recto) or right (verso).
    """
    targets = range(len(doc.pages)) if pages is None else pages
    for i in targets:
        page = doc.pages[i].obj
        upright = _upright(page)
        v = stamp.view(page)
        s, dx, dy = gutter_matrix(v.w, v.h, v.x0, v.y0, gutter, i % 2 == 0)
        m = stamp.compose(upright, (s, 0.0, 0.0, s, dx, dy)) if upright else (s, 0.0, 0.0, s, dx, dy)
        stamp.wrap(doc, page, stamp.cm(m).encode())
        for a in page.get("/Annots") or ():
            rect = a.get("/Rect")
            if rect is not None:
                a.Rect = pikepdf.Array([round(x, 3) for x in stamp.transform_rect(
                    m, [float(x) for x in rect])])


def _upright(page: Any) -> stamp.Matrix | None:
    """A rotated page turned into its displayed orientation: /Rotate 0, boxes in displayed
    coordinates from (0, 0); returns the matrix its content needs (None: not rotated)."""
    v = stamp.view(page)
    if not v.rotate:
        return None
    x0, y0, x1, y1 = stamp.box(stamp.inherited(page, "/MediaBox")) or [0.0, 0.0, v.w, v.h]
    m = stamp.invert(stamp.display_to_user(stamp.View(x0, y0, x1 - x0, y1 - y0, v.rotate)))
    for key in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        box = page.get(key) if key != "/MediaBox" else stamp.inherited(page, key)
        if box is not None:
            page[key] = pikepdf.Array([round(x, 4) for x in stamp.transform_rect(
                m, [float(x) for x in box])])
    page.Rotate = 0
    return m


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
    """Appends pages to a dossier, putting a marked blank wherever `plan` says one goes.

    Used while the dossier is assembled, so every later step (images, links, stamps, outline)
    already works in final page numbers.
    """

    def __init__(self, doc: stamp.Dossier, plan: Recto, blank_pdf: Path | None) -> None:
        self.doc, self.plan, self.blank_pdf = doc, plan, blank_pdf
        self.blank: Any = None
        self.raw = 0

    def add(self, page: Any) -> None:
        target = self.plan.final[self.raw] if self.raw < len(self.plan.final) else None
        while target is not None and len(self.doc.pages) < target:
            if self.blank_pdf is None:
                raise ValueError("a blank page is planned but no blank page was made")
            if self.blank is None:
                self.blank = self.doc.open(self.blank_pdf).pages[0]
            self.doc.pages.append(self.blank)  # a foreign page is copied anew each time
        self.doc.pages.append(page)
        self.raw += 1

    def add_pdf(self, path: Path) -> int:
        src = sanitize.clean(self.doc.open(path))  # issue 23: nothing in it can act
        for page in src.pages:
            self.add(page)
        return len(src.pages)


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

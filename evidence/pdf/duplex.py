"""Print profile `duplex`: recto starts, marked blank versos, an alternating binding gutter.

Pure arithmetic first (`recto`: where blanks go and where every original page ends up), then
the steps on the dossier being assembled (assemble.Dossier): blanks go in while the pages are
added, before the Bates stamps, so numbering stays continuous over them. The gutter moves and scales each page's content
(generated and merged pages alike) away from the inner edge: right on odd (recto) pages, left
on even (verso) pages, so nothing falls into the binding.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pikepdf

from evidence import geometry, layout, sanitize, template
from evidence.pdf import assemble

DEFAULT_GUTTER_MM = 12.0


def gutter_pt(setup: dict[str, Any] | None = None) -> float:
    s = setup if setup is not None else template.setup()
    section = s.get("print", {}) if isinstance(s.get("print"), dict) else {}
    return float(section.get("gutter_mm", DEFAULT_GUTTER_MM)) * geometry.MM


def profile(setup: dict[str, Any] | None = None) -> str:
    """The template's `[print] profile` ("simplex" unless set)."""
    s = setup if setup is not None else template.setup()
    section = s.get("print", {}) if isinstance(s.get("print"), dict) else {}
    return str(section.get("profile", "simplex"))


# ---- steps on the dossier ---------------------------------------------------------------------


def insert_blanks(doc: assemble.Dossier, plan: layout.Recto, blank_pdf: Path) -> None:
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


def apply_gutter(doc: assemble.Dossier, gutter: float, pages: Sequence[int] | None = None) -> None:
    """Shift/scale content (and link rectangles) of each page away from its binding edge.

    Pages with /Rotate are turned into their displayed orientation first, so the inner edge is
    the one the reader sees on the left (recto) or right (verso).
    """
    targets = range(len(doc.pages)) if pages is None else pages
    for i in targets:
        page = doc.pages[i].obj
        upright = _upright(page)
        v = geometry.view(page)
        s, dx, dy = gutter_matrix(v.w, v.h, v.x0, v.y0, gutter, i % 2 == 0)
        m = geometry.compose(upright, (s, 0.0, 0.0, s, dx, dy)) if upright else (s, 0.0, 0.0, s, dx, dy)
        assemble.wrap(doc, page, geometry.cm(m).encode())
        for a in page.get("/Annots") or ():
            rect = a.get("/Rect")
            if rect is not None:
                a.Rect = pikepdf.Array([round(x, 3) for x in geometry.transform_rect(
                    m, [float(x) for x in rect])])


def _upright(page: Any) -> geometry.Matrix | None:
    """A rotated page turned into its displayed orientation: /Rotate 0, boxes in displayed
    coordinates from (0, 0); returns the matrix its content needs (None: not rotated)."""
    v = geometry.view(page)
    if not v.rotate:
        return None
    x0, y0, x1, y1 = geometry.box(geometry.inherited(page, "/MediaBox")) or [0.0, 0.0, v.w, v.h]
    m = geometry.invert(geometry.display_to_user(geometry.View(x0, y0, x1 - x0, y1 - y0, v.rotate)))
    for key in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        box = page.get(key) if key != "/MediaBox" else geometry.inherited(page, key)
        if box is not None:
            page[key] = pikepdf.Array([round(x, 4) for x in geometry.transform_rect(
                m, [float(x) for x in box])])
    page.Rotate = 0
    return m


class Assembler:
    """Appends pages to a dossier, putting a marked blank wherever `plan` says one goes.

    Used while the dossier is assembled, so every later step (images, links, stamps, outline)
    already works in final page numbers.
    """

    def __init__(self, doc: assemble.Dossier, plan: layout.Recto, blank_pdf: Path | None) -> None:
        self.doc, self.plan, self.blank_pdf = doc, plan, blank_pdf
        self.blank: Any = None
        self.raw = 0

    def add(self, page: Any) -> None:
        target = self.plan.final[self.raw] if self.raw < len(self.plan.final) else None
        while target is not None and len(self.doc.pages) < target:
            self.add_blank()
        self.doc.pages.append(page)
        self.raw += 1

    def finish(self) -> None:
        """The planned blanks after the last page (a duplex dossier ends on a verso)."""
        while len(self.doc.pages) < self.plan.total:
            self.add_blank()

    def add_blank(self) -> None:
        if self.blank_pdf is None:
            raise ValueError("a blank page is planned but no blank page was made")
        if self.blank is None:
            self.blank = self.doc.open(self.blank_pdf).pages[0]
        self.doc.pages.append(self.blank)  # a foreign page is copied anew each time

    def add_pdf(self, path: Path) -> int:
        src = sanitize.clean(self.doc.open(path))  # issue 23: nothing in it can act
        for page in src.pages:
            self.add(page)
        return len(src.pages)

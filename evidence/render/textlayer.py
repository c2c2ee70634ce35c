"""An invisible text layer over an exhibited screenshot: what OCR read, where it was read.

Each OCR line is written in text render mode 3 (neither filled nor stroked: invisible, but
extracted by pdftotext and found by a viewer's search), in the dossier's embedded CJK TrueType
subset (reportlab writes its ToUnicode map, so Chinese is searchable as Chinese), on the line's
box scaled to the exhibit box, and stretched horizontally to the box's width, so a search
highlights the place on the picture. Lines go in reading order (rows top to bottom, left to
right), so pdftotext returns the screenshot's text in the order a person reads it.

Geometry: OCR boxes are pixels of the upright picture, origin top left (`OcrPage.width` ×
`height`); the exhibit box is points, origin bottom left, and shows the picture upright.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from evidence.ocr import layout as ocr_layout
from evidence.ocr.model import OcrPage

INVISIBLE = 3  # PDF text render mode: no fill, no stroke
SIZE = 0.85  # font size as a share of the line box's height (the rest is descent and leading)
DESCENT = 0.15  # baseline above the box's bottom, as a share of its height


def draw(canv: Canvas, page: OcrPage, x: float, y: float, w: float, h: float, font: str,
         mask: Callable[[str], str] | None = None) -> int:
    """Write `page`'s lines over the box (x, y, w, h) in points; returns the lines written.

    `mask`: what a service copy does to text (redact.Redactor.text): the layer carries the
    masked form, never the number the picture's pixels no longer show."""
    if page.width <= 0 or page.height <= 0 or not page.lines:
        return 0
    sx, sy = w / page.width, h / page.height
    canv.saveState()
    canv.setFont(font, 10)  # a text object opens in the canvas's font: never a base-14 one
    text = canv.beginText()
    text.setTextRenderMode(INVISIBLE)
    written = 0
    for line in ocr_layout.reading_order(page):
        said = ocr_layout.text(line)
        if mask is not None:
            said = mask(said)
        if not said or line.box.w <= 0 or line.box.h <= 0:
            continue
        size = max(0.5, line.box.h * sy * SIZE)
        natural = stringWidth(said, font, size)
        text.setFont(font, size)
        text.setHorizScale(100.0 * line.box.w * sx / natural if natural > 0 else 100.0)
        text.setTextOrigin(x + line.box.x * sx,
                           y + h - line.box.bottom * sy + DESCENT * line.box.h * sy)
        text.textOut(said)
        written += 1
    if written:
        canv.drawText(text)
    canv.restoreState()
    return written

"""Page geometry, written once (issue 19): how a page is displayed (CropBox, /Rotate), the
matrices that place things on it as displayed, rectangles through them. Pure arithmetic on
numbers and a page's dictionary (anything with `in`/`[]`/`.get`): no PDF library, so the
renderer (an image's displayed size) and the output layer (stamps, gutter, bundle) share it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from evidence import layout

Matrix = tuple[float, float, float, float, float, float]
MM = 72 / 25.4  # points in a millimetre

@dataclasses.dataclass(frozen=True)
class View:
    """How a page is displayed: its visible box in user space and its clockwise rotation."""

    x0: float
    y0: float
    w: float  # unrotated visible width / height (CropBox)
    h: float
    rotate: int  # 0, 90, 180, 270

    @property
    def size(self) -> tuple[float, float]:
        """Displayed width, height."""
        return (self.h, self.w) if self.rotate in (90, 270) else (self.w, self.h)


def display_to_user(v: View) -> Matrix:
    """cm matrix taking displayed coordinates (origin at the displayed bottom left) to user space."""
    if v.rotate == 90:
        return (0, 1, -1, 0, v.x0 + v.w, v.y0)
    if v.rotate == 180:
        return (-1, 0, 0, -1, v.x0 + v.w, v.y0 + v.h)
    if v.rotate == 270:
        return (0, -1, 1, 0, v.x0, v.y0 + v.h)
    return (1, 0, 0, 1, v.x0, v.y0)


def image_matrix(box: layout.Box, rotate: int) -> Matrix:
    """cm for an image XObject (unit square) to fill `box` as displayed under `rotate`."""
    x, y, w, h = box.x, box.y, box.w, box.h
    if rotate % 360 == 90:
        return (0, -h, w, 0, x, y + h)
    if rotate % 360 == 180:
        return (-w, 0, 0, -h, x + w, y + h)
    if rotate % 360 == 270:
        return (0, h, -w, 0, x + w, y)
    return (w, 0, 0, h, x, y)


def cm(m: Matrix) -> str:
    return " ".join(f"{v:.4f}".rstrip("0").rstrip(".") if v else "0" for v in m) + " cm"


def invert(m: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    det = a * d - b * c
    return (d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det)


def compose(first: Matrix, then: Matrix) -> Matrix:
    """The matrix applying `first`, then `then` (one cm instead of two)."""
    a1, b1, c1, d1, e1, f1 = first
    a2, b2, c2, d2, e2, f2 = then
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def transform_rect(m: Matrix, rect: Sequence[float]) -> list[float]:
    """The bounding box of a rectangle after `m` (x0, y0, x1, y1, normalised)."""
    (x0, y0), (x1, y1) = apply(m, rect[0], rect[1]), apply(m, rect[2], rect[3])
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def translation(tx: float, ty: float) -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, tx, ty)


def view(page: Any) -> View:
    """How a page is displayed: CropBox (clipped to the MediaBox, as viewers do) and /Rotate,
    inherited from the page tree where the page does not say."""
    obj = getattr(page, "obj", page)  # a pikepdf.Page, or its dictionary
    media = box(inherited(obj, "/MediaBox")) or [0.0, 0.0, 612.0, 792.0]
    crop = box(inherited(obj, "/CropBox")) or media
    x0, y0 = max(crop[0], media[0]), max(crop[1], media[1])
    x1, y1 = min(crop[2], media[2]), min(crop[3], media[3])
    if x1 <= x0 or y1 <= y0:
        x0, y0, x1, y1 = media
    return View(x0, y0, x1 - x0, y1 - y0, int(inherited(obj, "/Rotate") or 0) % 360)


def box(value: Any) -> list[float] | None:
    """A PDF rectangle as [x0, y0, x1, y1], corners in order."""
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]


def inherited(page: Any, key: str) -> Any:
    node = page
    for _ in range(64):  # a page tree deeper than this is broken; stop rather than loop
        if key in node:
            return node[key]
        node = node.get("/Parent")
        if node is None:
            return None
    return None

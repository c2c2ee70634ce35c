"""Every PDF write: the dossier's assembly (pikepdf: merging, image placing, Bates stamps, links,
outline, labels, attachments) and the joint bundle (our own streaming writer, pdffile.py).

Original PDFs are copied page by page (never rasterised, never re-encoded). A stamp is a small
form XObject appended to a page's content with the page's own state saved around it, so nothing
in the original content stream is parsed or rewritten, and it is placed through the page's
/Rotate and CropBox so it lands bottom right *as displayed*.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pikepdf

from evidence import atomic, layout, pdffile

Matrix = tuple[float, float, float, float, float, float]


# ---- geometry (pure) ---------------------------------------------------------------------------


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


# ---- the dossier being assembled ----------------------------------------------------------------


class Dossier:
    """A dossier being assembled, on pikepdf (qpdf, C++: a third of pypdf's time per dossier).

    The PDFs its pages come from stay open until it is written (qpdf copies their streams
    then). Images are placeholders in the document and their bytes go from the image files
    straight into the written file (finish), so a dossier of a thousand photos never holds its
    pixels in memory.
    """

    def __init__(self) -> None:
        self.pdf = pikepdf.new()
        self.sources: list[pikepdf.Pdf] = []
        self.rasters: list[Raster] = []
        self.q_open = self.pdf.make_stream(b"q\n")  # shared by every page that is wrapped
        self.q_close = self.pdf.make_stream(b"\nQ\n")

    def open(self, path: Path) -> pikepdf.Pdf:
        src = pikepdf.open(path)
        self.sources.append(src)
        return src

    @property
    def pages(self) -> Any:
        return self.pdf.pages

    def close(self) -> None:
        for src in self.sources:
            src.close()
        self.sources.clear()
        self.pdf.close()

    def __enter__(self) -> Dossier:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def view(page: Any) -> View:
    """How a page is displayed: CropBox (clipped to the MediaBox, as viewers do) and /Rotate,
    inherited from the page tree where the page does not say."""
    obj = page.obj if isinstance(page, pikepdf.Page) else page
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


def page_sizes(doc: Dossier) -> list[tuple[float, float]]:
    return [view(p).size for p in doc.pdf.pages]


def add_pdf(doc: Dossier, path: Path) -> int:
    """Append every page of a PDF as it is. Returns the number of pages added."""
    src = doc.open(path)
    doc.pdf.pages.extend(src.pages)
    return len(src.pages)


# ---- content-stream plumbing ---------------------------------------------------------------------


def _own_resources(page: Any) -> Any:
    """The page's /Resources as its own dict (shared ones are copied, not edited in place)."""
    res = page.get("/Resources")
    mine = pikepdf.Dictionary(dict(res.items())) if res is not None else pikepdf.Dictionary()
    xobj = mine.get("/XObject")
    mine.XObject = pikepdf.Dictionary(dict(xobj.items())) if xobj is not None else (
        pikepdf.Dictionary())
    page.Resources = mine
    return mine


def contents(page: Any) -> list[Any]:
    old = page.get("/Contents")
    if old is None:
        return []
    return list(old) if isinstance(old, pikepdf.Array) else [old]


def wrap(doc: Dossier, page: Any, before: bytes = b"", after: Sequence[Any] = ()) -> None:
    """Put the page's content inside q/Q (with `before` drawn first inside it), then `after`."""
    parts = contents(page)
    head = doc.pdf.make_stream(b"q " + before + b"\n") if before else doc.q_open
    page.Contents = pikepdf.Array([head, *parts, doc.q_close, *after] if parts or before
                                  else list(after))


def _append(doc: Dossier, page: Any, name: str, xobject: Any, m: Matrix, isolate: bool) -> None:
    """Draw `xobject` on top of the page; with `isolate`, wrap the old content in q/Q first."""
    _own_resources(page).XObject[name] = xobject
    draw = doc.pdf.make_stream(f"q {cm(m)} {name} Do Q\n".encode())
    if isolate:
        wrap(doc, page, after=[draw])
    else:
        page.Contents = pikepdf.Array([*contents(page), draw])


# ---- images ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Raster:
    """An image file whose compressed data a PDF can carry unchanged.

    JPEG: the whole file as /DCTDecode. PNG (8-bit grey/RGB, not interlaced): the IDAT chunks
    joined, as /FlateDecode with the PNG predictor, which is what img2pdf does, minus its full
    decode of the image.
    """

    path: Path
    filter: str  # "/DCTDecode" | "/FlateDecode"
    width: int
    height: int
    colors: int  # 1 grey, 3 RGB
    rotate: int = 0  # clockwise display rotation from EXIF orientation
    idat: tuple[tuple[int, int], ...] = ()  # PNG: (offset, length) of each IDAT payload


@dataclasses.dataclass(frozen=True)
class ImageSpot:
    page: int  # 0-based index in the dossier
    box: layout.Box
    raster: Raster | None = None
    pdf: Path | None = None  # or an img2pdf one-page PDF


_MARK = b"\x00\xffevidence-raster:%08d:9f1c2e7a4b6d8053\xff\x00"  # a placeholder's data
_MARK_LEN = len(_MARK % 0)
_MARKS = re.compile(b"stream\n" + re.escape(_MARK.split(b"%08d")[0]) + rb"(\d{8})"
                    + re.escape(_MARK.split(b"%08d")[1]) + b"\nendstream")


def image_xobject(doc: Dossier, r: Raster) -> Any:
    """An image XObject whose data is a placeholder: finish() writes the file's bytes there."""
    img = doc.pdf.make_stream(_MARK % len(doc.rasters))
    doc.rasters.append(r)
    img.Type, img.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    img.Width, img.Height, img.BitsPerComponent = r.width, r.height, 8
    img.ColorSpace = pikepdf.Name.DeviceGray if r.colors == 1 else pikepdf.Name.DeviceRGB
    img.Filter = pikepdf.Name(r.filter)
    if r.filter == "/FlateDecode":
        img.DecodeParms = pikepdf.Dictionary(Predictor=15, Colors=r.colors, BitsPerComponent=8,
                                             Columns=r.width)
    return img


def place_images(doc: Dossier, spots: Sequence[ImageSpot]) -> None:
    """Put each image (its bytes untouched) into its box on its page."""
    for n, spot in enumerate(spots):
        if spot.raster is not None:
            ref, rotate = image_xobject(doc, spot.raster), spot.raster.rotate
        elif spot.pdf is not None:
            src = doc.open(spot.pdf).pages[0].obj
            xobjs = src.Resources.XObject
            ref = doc.pdf.copy_foreign(xobjs[sorted(xobjs.keys())[0]])
            rotate = int(src.get("/Rotate", 0) or 0)
        else:
            continue
        _append(doc, doc.pdf.pages[spot.page].obj, f"/EvImg{n}", ref,
                image_matrix(spot.box, rotate), isolate=False)


# ---- stamps, links, labels, outline ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class StampText:
    """The stamps' text as render.dossier.stamp_text made it."""

    pdf: bytes  # one page whose /Resources hold the font subsets the stamps use
    runs: tuple[tuple[tuple[str, bytes], ...], ...]  # per stamp: (font name, codes) pieces
    widths: tuple[float, ...]  # per stamp, at `size`
    size: float


MM = 72 / 25.4  # points in a millimetre


def stamp_pages(doc: Dossier, stamps: StampText, *, right: float, bottom: float,
                pages: Sequence[int] | None = None) -> None:
    """Stamp i at the displayed bottom right of target page i, `right` and `bottom` points
    from the corner, on a white knock-out: a form XObject /EvStamp over the page's own content
    (kept in q/Q), its text in the embedded subsets of `stamps.pdf`."""
    sheet = pikepdf.open(io.BytesIO(stamps.pdf))
    doc.sources.append(sheet)
    resources = doc.pdf.make_indirect(_foreign(doc, sheet.pages[0].obj.Resources))
    size = _num(stamps.size)
    targets = list(range(len(doc.pdf.pages))) if pages is None else list(pages)
    for runs, width, target in zip(stamps.runs, stamps.widths, targets, strict=True):
        page = doc.pdf.pages[target].obj
        v = view(page)
        w, h = v.size
        x = w - right - width
        ops = [b"1 1 1 rg %s %s %s %s re f 0 0 0 rg BT 1 0 0 1 %s %s Tm" % (
            _num(x - 1.5 * MM), _num(bottom - 1.2 * MM), _num(width + 3 * MM),
            _num(stamps.size + 2.2 * MM), _num(x), _num(bottom + 0.3 * MM))]
        for font, codes in runs:
            ops.append(b"%s %s Tf <%s> Tj" % (font.encode("ascii"), size, codes.hex().encode()))
        form = doc.pdf.make_stream(b" ".join(ops) + b" ET\n")
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox, form.Resources = pikepdf.Array([0, 0, w, h]), resources
        _append(doc, page, "/EvStamp", form, display_to_user(v), isolate=True)


def _foreign(doc: Dossier, obj: Any) -> Any:
    """A value of another PDF, usable in the dossier (qpdf copies indirect objects only)."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return doc.pdf.copy_foreign(obj)
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _foreign(doc, v) for k, v in obj.items()})
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_foreign(doc, v) for v in obj])
    return obj


def _goto(page: Any, zoom: float | None = None) -> Any:
    return pikepdf.Array([page, pikepdf.Name.XYZ, None, None, zoom])


def add_links(doc: Dossier, links: Sequence[tuple[int, Sequence[float], int]]) -> int:
    """Links drawn by the renderer (render.common.LinkCanvas): (0-based page, rectangle,
    1-based target page), made here as GoTo links now that every page is in one file."""
    pages = [p.obj for p in doc.pdf.pages]
    border = pikepdf.Array([0, 0, 0])
    annot, link, xyz = pikepdf.Name.Annot, pikepdf.Name.Link, pikepdf.Name.XYZ
    made: dict[int, list[Any]] = {}
    for page, rect, target in links:
        if not 1 <= target <= len(pages):
            continue
        # a plain dict of Names and lists: a quarter faster than keywords and pikepdf.Arrays
        made.setdefault(page, []).append(doc.pdf.make_indirect(pikepdf.Dictionary({
            "/Type": annot, "/Subtype": link, "/Rect": list(rect), "/Border": border,
            "/Dest": [pages[target - 1], xyz, None, None, None]})))
    for page, annots in made.items():
        obj = pages[page]
        obj.Annots = pikepdf.Array([*(obj.get("/Annots") or ()), *annots])
    return sum(len(a) for a in made.values())


def page_labels(doc: Dossier, ranges: Sequence[layout.LabelRange]) -> None:
    """Set /PageLabels so that the viewer's page label equals the Bates stamp."""
    nums: list[Any] = []
    for r in ranges:
        entry = pikepdf.Dictionary()
        if r.decimal:
            entry.S, entry.St = pikepdf.Name.D, r.start
        if r.prefix:
            entry.P = pikepdf.String(r.prefix)
        nums += [r.first, entry]
    doc.pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(nums))


Mark = layout.Mark  # a plain value: planned in layout (issue 19)


def add_outline(doc: Dossier, marks: Sequence[Mark]) -> None:
    with doc.pdf.open_outline() as outline:
        outline.root.extend(_outline(doc, marks))


def _outline(doc: Dossier, marks: Sequence[Mark]) -> list[Any]:
    items = []
    for m in marks:
        item = pikepdf.OutlineItem(m.title, _goto(doc.pdf.pages[m.page].obj))
        item.children.extend(_outline(doc, m.children))
        item.is_closed = True
        items.append(item)
    return items


# ---- writing ------------------------------------------------------------------------------------


def finish(doc: Dossier, out: Path, *, info: Mapping[str, str], when: dt.date | None,
           attachments: Mapping[str, bytes], file_id: str) -> str:
    """Metadata, attachments, a fixed /ID, 100 % default view; then write `out`. Returns the
    SHA-256 of the bytes written (hashed as they go: the file is not read again for it)."""
    pdf = doc.pdf
    meta = {f"/{k}": v for k, v in info.items() if v}
    if when is not None:
        meta["/CreationDate"] = meta["/ModDate"] = f"D:{when:%Y%m%d}000000Z"
    for key, value in meta.items():
        pdf.docinfo[pikepdf.Name(key)] = pikepdf.String(value)
    for name, data in sorted(attachments.items()):
        pdf.attachments[name] = pikepdf.AttachedFileSpec(pdf, data, mime_type="application/json"
                                                         if name.endswith(".json") else "")
    pdf.Root.PageLayout = pikepdf.Name.SinglePage
    pdf.Root.PageMode = pikepdf.Name.UseOutlines
    if len(pdf.pages):
        pdf.Root.OpenAction = _goto(pdf.pages[0].obj, 1)
    raw = io.BytesIO()
    # streams as they are (merged originals unchanged, no recompression); no object streams,
    # so every object has its own offset (bundle segments copy stream bytes by range)
    pdf.save(raw, static_id=True, compress_streams=False, min_version="1.7",
             stream_decode_level=pikepdf.StreamDecodeLevel.none,
             object_stream_mode=pikepdf.ObjectStreamMode.disable)
    ident = hashlib.md5(file_id.encode(), usedforsecurity=False).hexdigest().encode()
    with out.open("wb", buffering=0) as f:
        return _splice(raw.getvalue(), doc.rasters, f, ident)


_XREF = re.compile(rb"xref\n0 (\d+)\n")
_ID = re.compile(rb"/ID \[ ?<[0-9a-f]*> ?<[0-9a-f]*> ?\]")


def _splice(data: bytes, rasters: Sequence[Raster], f: Any, ident: bytes) -> str:
    """Write qpdf's output with each raster placeholder replaced by the image file's bytes
    (copied file to file in the kernel, hashed as they go), the xref moved to match and /ID set
    to `ident`. Returns the SHA-256 of the file."""
    start = int(data[data.rindex(b"startxref") + 9:].split()[0])
    head = _XREF.match(data, start)
    if head is None:
        raise ValueError("qpdf wrote no classic xref table")
    count = int(head.group(1))
    table = data[head.end():head.end() + 20 * count]
    offsets = [int(table[k * 20:k * 20 + 10]) if table[k * 20 + 17] == ord("n") else None
               for k in range(count)]
    known = sorted(o for o in offsets if o is not None)
    trailer = data[head.end() + 20 * count:data.rindex(b"startxref")]
    cuts: list[tuple[int, int, bytes, Raster]] = []  # (from, to, placeholder's part, raster)
    length = b"/Length %d" % _MARK_LEN
    found = {int(m.group(1)): m.start() for m in _MARKS.finditer(data)}  # one pass
    for n, r in enumerate(rasters):
        at = found.get(n, -1)
        obj = known[bisect.bisect_left(known, at) - 1] if at > 0 else -1
        dict_at = data.rfind(length, obj, at) if obj >= 0 else -1
        if dict_at < 0:
            raise ValueError(f"image {r.path.name}: its place in the written PDF was not found")
        cuts.append((dict_at + len(length), at + 7 + _MARK_LEN, data[dict_at + len(length):at + 7],
                     r))
    cuts.sort(key=lambda c: c[0])
    w = pdffile.Writer(f, header=False)
    try:
        pos = 0
        moved: list[int] = []  # where each cut ends in qpdf's output
        shifts: list[int] = []  # how far everything after it has moved
        for begin, end, between, r in cuts:
            source = pdffile.Source(r.path)
            ranges = r.idat or ((0, source.size),)
            size = sum(n for _, n in ranges)
            w.write(data[pos:begin - len(length)] + b"/Length %d" % size + between)
            for off, n in ranges:
                w.copy(source, off, n)
            w.release(source)
            moved.append(end)
            shifts.append((shifts[-1] if shifts else 0) + size - _MARK_LEN + len(
                b"%d" % size) - len(b"%d" % _MARK_LEN))
            pos = end
        w.write(data[pos:start])

        def moved_to(o: int) -> int:
            k = bisect.bisect_right(moved, o)
            return o + (shifts[k - 1] if k else 0)

        lines = [b"xref\n0 %d\n" % count]
        lines += [b"%010d 00000 n \n" % moved_to(o) if o is not None else b"0000000000 65535 f \n"
                  for o in offsets]
        lines.append(_ID.sub(b"/ID [<%s> <%s>]" % (ident, ident), trailer))
        lines.append(b"startxref\n%d\n%%%%EOF\n" % moved_to(start))
        w.write(b"".join(lines))
        w.end()
    finally:
        w.stop()
    return w.sha256()


# --- joint bundle ---------------------------------------------------------------------------
# The joint bundle concatenates 150+ dossiers (thousands of pages, every screenshot of every
# claimant). pypdf holds every copied page in memory until it writes, and so does qpdf (measured:
# 2.6x the inputs' size resident). So the bundle is written as a stream by our own append-only
# writer, one part at a time; peak memory is one part, whatever the number of claimants.
#
# Rebuilds: a lawyer adds one screenshot to one claimant and every later Bates number moves. So
# what is copied from a dossier does not depend on where it lands: each part is first turned into
# a *segment* (bundle_segment) — its objects serialised once, with references left as tokens
# (a page of this part, an object of this part, this page's stamp), and every stream kept as a
# byte range of the dossier file rather than a copy. A segment is cached beside the bundle, keyed
# by the dossier's SHA-256; assembling the bundle is then numbering, stamping (a stamp is a few
# bytes drawing glyph forms, not a reportlab page) and copying byte ranges. A from-scratch build
# makes the same segments and assembles them the same way, so both give the same bytes.


@dataclasses.dataclass(frozen=True)
class BundlePart:
    """One claimant's pages in the bundle: a dossier file, or a placeholder page (failed).

    `segment`/`key`: where this part's relocatable copy is cached and what it must have been
    made from (the dossier's hash and the tool); without them it is made in memory."""

    title: str  # outline entry of the claimant
    pdf: Path | bytes
    segment: Path | None = None
    key: str = ""


@dataclasses.dataclass(frozen=True)
class BundleSection:
    title: str  # outline entry inside the front matter
    page: int  # 0-based page in the front matter


@dataclasses.dataclass(frozen=True)
class BundleStampFace:
    """How bundle stamps are drawn (render.joint.stamp_face): `sheet` has one page per
    character of `chars`, drawn in black from x = 0 at the stamp's baseline; `widths` are their
    advances; `size` is the stamp's box. A label is these glyph forms side by side, right-aligned
    on a white knock-out: extractable text, embedded font, a few bytes per page."""

    sheet: bytes
    chars: str
    widths: tuple[float, ...]
    size: tuple[float, float]


CLAIMANT_LINK = "evidence-claimant:"  # placeholder URIs drawn by render.joint (1-based claimant)
BUNDLE_STAMP_MARGIN = 8.0  # points from the visible top and right edges to the bundle stamp
SEGMENT_FORMAT = "evidence-bundle-segment/1"
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
_TOKEN = b"\x00"  # never in serialised PDF syntax: pikepdf writes binary strings as hex
_PAGES_ROOT, _Q_OPEN = b"\x00s0\x00", b"\x00s1\x00"
# in qpdf's serialisation: a literal string (qpdf escapes every parenthesis in one), the
# /Length entry of a stream dictionary, or a reference
_SYNTAX = re.compile(rb"\((?:[^\\)]|\\.)*\)|/Length (?:\d+ \d+ R|\d+)|(\d+) (\d+) R")
_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n)")
_STREAM_END = re.compile(rb"(?:\r\n|\r|\n)?endstream")
_REWRITTEN = re.compile(rb"/Dest\s*[(</]|/A\s*<<|/URI\b")  # for dictionary() to rewrite


def _bundle_view(box: Sequence[float], rotate: int) -> tuple[list[float], float, float]:
    """Matrix from "as the reader sees it" coordinates to the page's user space, and the
    visible width/height. Honours /CropBox and /Rotate (pdfcpu #298, Stirling #6793)."""
    x0, x1 = min(box[0], box[2]), max(box[0], box[2])
    y0, y1 = min(box[1], box[3]), max(box[1], box[3])
    w, h = x1 - x0, y1 - y0
    rotate %= 360
    if rotate == 90:
        return [0.0, 1.0, -1.0, 0.0, x0 + w, y0], h, w
    if rotate == 180:
        return [-1.0, 0.0, 0.0, -1.0, x0 + w, y0 + h], w, h
    if rotate == 270:
        return [0.0, -1.0, 1.0, 0.0, x0, y0 + h], h, w
    return [1.0, 0.0, 0.0, 1.0, x0, y0], w, h


def _bundle_translate(m: list[float], tx: float, ty: float) -> list[float]:
    """m after a translation by (tx, ty): the form's origin in visible coordinates."""
    a, b, c, d, e, f = m
    return [a, b, c, d, a * tx + c * ty + e, b * tx + d * ty + f]


def _bundle_label_nums(labels: Sequence[str]) -> list[tuple[int, str | None, int | None]]:
    """/PageLabels /Nums entries (page index, /P prefix, /St start or None for no number):
    runs of `prefix + decimal` compress to one entry, so `EV-B-000001…` needs six entries,
    not one per page; a label that does not end in its page number gets its own /P."""
    nums: list[tuple[int, str | None, int | None]] = []
    current: tuple[str, int, int] | None = None  # prefix, first page index, start number
    for index, label in enumerate(labels):
        number = index + 1
        text = str(number)
        prefix = label[: -len(text)] if label.endswith(text) else None
        if current and prefix == current[0] and current[2] + (index - current[1]) == number:
            continue
        if prefix is not None:
            current = (prefix, index, number)
            nums.append((index, prefix or None, number))
        else:
            current = None
            nums.append((index, label, None))
    return nums


def _pdf_text(text: str) -> bytes:
    """A PDF text string: ASCII as a literal, anything else UTF-16BE with a BOM (CJK titles)."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


@functools.lru_cache(maxsize=4096)  # stamps repeat the same few positions on every page
def _num(value: float) -> bytes:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


@dataclasses.dataclass(frozen=True)
class Segment:
    """One part, serialised independently of where it lands in the bundle.

    objects: ("p", page, body) — the page's dictionary; or ("o", index, body, data) — a local
    object, data None (not a stream), bytes, or (offset, length) in the part's file. Bodies hold
    tokens \\0p<n>\\0 (page n of this part), \\0o<n>\\0 (object n), \\0f<n>\\0 (page n's bundle
    stamp), \\0c<n>\\0 (claimant n's first page), \\0s0\\0 / \\0s1\\0 (page tree, "q" stream).
    outline: (title, page of this part, children)."""

    key: str
    pages: int
    count: int
    objects: tuple[tuple[Any, ...], ...]
    outline: tuple[Any, ...]


class _Copy:
    """Serialises one PDF's pages and everything they reference into a Segment."""

    def __init__(self, pdf: Any, path: Path | None, claimant_links: bool) -> None:
        self.pdf = pdf
        self.map: dict[tuple[int, int], bytes] = {}
        self.count = 0
        self.todo: list[tuple[int, Any]] = []
        self.objects: list[tuple[Any, ...]] = []
        self.page_index: dict[tuple[int, int], int] = {}
        for i, page in enumerate(pdf.pages):
            self.map[page.obj.objgen] = b"\x00p%d\x00" % i
            self.page_index[page.obj.objgen] = i
        self.claimant_links = claimant_links  # front matter only
        self._length = True  # unparsed(): keep a stream dictionary's /Length (see _token)
        self._names: dict[str, Any] | None = None
        self.raw = path.open("rb") if path is not None else None
        self.xref = pdf.get_xref_table() if path is not None else {}

    def close(self) -> None:
        if self.raw is not None:
            self.raw.close()

    def new(self) -> int:
        self.count += 1
        return self.count - 1

    def ref(self, obj: Any) -> bytes:
        key = obj.objgen
        token = self.map.get(key)
        if token is None:
            num = self.new()
            token = self.map[key] = b"\x00o%d\x00" % num
            self.todo.append((num, obj))
        return token

    def dest_page(self, dest: Any) -> int | None:
        """Index in this source of a destination: explicit array, or a named destination."""
        import pikepdf

        if isinstance(dest, (pikepdf.String, pikepdf.Name, str)):
            if self._names is None:
                self._names = {}
                names = self.pdf.Root.get("/Names")
                if names is not None and "/Dests" in names:
                    for key, value in pikepdf.NameTree(names.Dests).items():
                        self._names[str(key)] = value
                old = self.pdf.Root.get("/Dests")
                if old is not None:
                    for key, value in old.items():
                        self._names[key.lstrip("/")] = value
            dest = self._names.get(str(dest).lstrip("/"))
            if isinstance(dest, pikepdf.Dictionary):
                dest = dest.get("/D")
        if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0], pikepdf.Object):
            try:
                return self.page_index.get(dest[0].objgen)
            except (AttributeError, TypeError):
                return None
        return None

    @staticmethod
    def goto(token: bytes) -> bytes:
        return b"[" + token + b" /XYZ null null null]"

    def value(self, obj: Any, top: bool = False) -> bytes:
        """PDF syntax of a value; indirect objects become tokens (their bodies are written by
        drain, `top` = writing that body now)."""
        import pikepdf

        if isinstance(obj, pikepdf.Object):
            if obj.is_indirect and not top:
                return self.ref(obj)
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
                fast = self.unparsed(obj, top)
                if fast is not None:
                    return fast
                if isinstance(obj, pikepdf.Dictionary):
                    return self.dictionary(obj.items())
                return b"[" + b" ".join(self.value(v) for v in obj) + b"]"
            text = bytes(obj.unparse())
            if _TOKEN in text:  # a string with NUL that was not hexed: write it as hex
                text = b"<" + bytes(obj).hex().encode() + b">"
            return text
        if obj is None:
            return b"null"
        if isinstance(obj, bool):
            return b"true" if obj else b"false"
        if isinstance(obj, int):
            return b"%d" % obj
        return _num(float(obj))

    def unparsed(self, obj: Any, top: bool = False, length: bool = True) -> bytes | None:
        """qpdf's own serialisation of a dictionary with its references made tokens: one C
        call and one regex pass instead of a Python call per entry. None when the dictionary
        holds what `dictionary` must rewrite (named destinations, actions, links) or a NUL.
        `length` False: a stream's dictionary, written without its /Length."""
        text = bytes(obj.unparse(resolved=True) if top else obj.unparse())
        if _TOKEN in text or _REWRITTEN.search(text):
            return None
        self._length = length
        return _SYNTAX.sub(self._token, text)

    def _token(self, m: re.Match[bytes]) -> bytes:
        if m.group(1) is not None:  # a reference
            key = (int(m.group(1)), int(m.group(2)))
            token = self.map.get(key)
            return token if token is not None else self.ref(self.pdf.get_object(key))
        if m.group(0).startswith(b"/"):  # /Length of a stream: written by drain
            return m.group(0) if self._length else b""
        return m.group(0)  # a string, as it is (its parentheses are escaped by qpdf)

    def dictionary(self, items: Any, skip: Sequence[str] = ()) -> bytes:
        import pikepdf

        out = [b"<<"]
        for key, value in items:
            if key in skip:
                continue
            if key == "/Dest" and isinstance(value, (pikepdf.String, pikepdf.Name)):
                index = self.dest_page(value)
                if index is not None:  # named destinations do not survive the copy
                    out.append(b"/Dest " + self.goto(b"\x00p%d\x00" % index))
                    continue
            if key == "/A" and isinstance(value, pikepdf.Dictionary):
                uri = str(value.get("/URI", ""))
                if self.claimant_links and uri.startswith(CLAIMANT_LINK) and uri[
                        len(CLAIMANT_LINK):].isdigit():
                    out.append(b"/Dest " + self.goto(b"\x00c%d\x00" % int(uri[len(CLAIMANT_LINK):])))
                    continue
                if value.get("/S") == "/GoTo" and isinstance(
                        value.get("/D"), (pikepdf.String, pikepdf.Name)):
                    index = self.dest_page(value.D)
                    if index is not None:
                        out.append(b"/Dest " + self.goto(b"\x00p%d\x00" % index))
                        continue
            out.append(bytes(pikepdf.Name(key).unparse()) + b" " + self.value(value))
        out.append(b">>")
        return b" ".join(out)

    def _range(self, obj: Any, data: bytes) -> tuple[int, int] | None:
        """Where `data` (obj's raw stream) sits in the part's file, checked byte for byte."""
        entry = self.xref.get(obj.objgen)
        if self.raw is None or entry is None or getattr(entry, "type", 0) != 1:
            return None
        self.raw.seek(int(entry.offset))
        head = self.raw.read(65536)
        at = head.find(b"stream")
        while at >= 0:
            start = at + 6 + (2 if head[at + 6:at + 8] == b"\r\n" else 1)
            self.raw.seek(int(entry.offset) + start)
            if self.raw.read(len(data)) == data:
                return int(entry.offset) + start, len(data)
            at = head.find(b"stream", at + 6)
        return None

    def _located(self, obj: Any) -> tuple[int, int] | None:
        """Where a big stream's data sits in the part's file, from its object's offset and its
        /Length, when the file says `endstream` right after them (the dossiers: qpdf writes
        them so): its bytes need not be read here at all."""
        length = obj.stream_dict.get("/Length")
        entry = self.xref.get(obj.objgen)
        if (self.raw is None or entry is None or getattr(entry, "type", 0) != 1
                or not isinstance(length, int) or length <= 4096):
            return None
        self.raw.seek(int(entry.offset))
        head = self.raw.read(4096)
        m = _STREAM_START.search(head)
        if m is None:
            return None
        start = int(entry.offset) + m.end()
        self.raw.seek(start + length)
        return (start, length) if _STREAM_END.match(self.raw.read(12)) else None

    def drain(self) -> None:
        import pikepdf

        while self.todo:
            num, obj = self.todo.pop()
            if isinstance(obj, pikepdf.Stream):
                body = self.unparsed(obj.stream_dict, length=False) or self.dictionary(
                    obj.stream_dict.items(), skip=("/Length",))
                where = self._located(obj)
                if where is not None:
                    self.objects.append(("o", num, body.rstrip()[:-2] + b" /Length %d>>"
                                         % where[1], where))
                    continue
                data = obj.read_raw_bytes()
                body = body.rstrip()[:-2] + b" /Length %d>>" % len(data)
                where = self._range(obj, data) if len(data) > 4096 else None
                self.objects.append(("o", num, body, where if where is not None else data))
                del data
            else:
                self.objects.append(("o", num, self.value(obj, top=True), None))


def inherited(page: Any, key: str) -> Any:
    node = page
    for _ in range(64):  # a page tree deeper than this is broken; stop rather than loop
        if key in node:
            return node[key]
        node = node.get("/Parent")
        if node is None:
            return None
    return None


def _outline_items(src: _Copy, items: Sequence[Any]) -> tuple[Any, ...]:
    """(title, page of the part, children) of a source outline."""
    out = []
    for item in items:
        dest = item.destination
        if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
            dest = item.action.get("/D")
        index = src.dest_page(dest) if dest is not None else None
        out.append((str(item.title), index or 0, _outline_items(src, item.children)))
    return tuple(out)


def _segment_page(src: _Copy, page: Any, index: int, size: tuple[float, float]) -> None:
    """One page: its own dictionary (inherited attributes pushed down, the page tree as
    parent), its content wrapped in q/Q, then its bundle stamp (a token: the stamp's text is
    the bundle's business) placed at the visible top right."""
    import pikepdf

    box = inherited(page, "/CropBox") or inherited(page, "/MediaBox")
    rotate = int(inherited(page, "/Rotate") or 0)
    matrix, vw, vh = _bundle_view([float(v) for v in box], rotate)
    sw, sh = size
    place = _bundle_translate(matrix, vw - BUNDLE_STAMP_MARGIN - sw,
                              vh - BUNDLE_STAMP_MARGIN - sh)
    stamp_ops = b"Q q " + b" ".join(_num(v) for v in place) + b" cm /EvBundleStamp Do Q\n"
    tail = src.new()

    resources = inherited(page, "/Resources") or pikepdf.Dictionary()
    items = dict(resources.items())
    xobjects = items.pop("/XObject", None)
    xitems = b" ".join(bytes(pikepdf.Name(k).unparse()) + b" " + src.value(v)
                       for k, v in (xobjects.items() if xobjects is not None else ()))
    res = src.dictionary(items.items())[:-2] + b" /XObject <<%s /EvBundleStamp \x00f%d\x00>>>>" % (
        xitems, index)

    contents = page.get("/Contents")
    if contents is None:
        own: list[bytes] = []
    elif isinstance(contents, pikepdf.Array):
        own = [src.value(c) for c in contents]
    else:
        own = [src.value(contents)]
    body = src.dictionary(
        [(k, v) for k, v in page.items() if k not in ("/Parent", "/Contents", *_INHERITED)])
    extra = [b"/Parent " + _PAGES_ROOT, b"/Resources " + res,
             b"/Contents [%s]" % b" ".join([_Q_OPEN, *own, b"\x00o%d\x00" % tail]),
             b"/MediaBox " + src.value(inherited(page, "/MediaBox"))]
    if inherited(page, "/CropBox") is not None:
        extra.append(b"/CropBox " + src.value(inherited(page, "/CropBox")))
    if rotate:
        extra.append(b"/Rotate %d" % rotate)
    src.objects.append(("p", index, body[:-2] + b" " + b" ".join(extra) + b">>"))
    src.objects.append(("o", tail, b"<</Length %d>>" % len(stamp_ops), stamp_ops))


def _open(pdf: Path | bytes) -> Any:
    import io

    import pikepdf

    return pikepdf.open(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))


def bundle_segment(pdf: Path | bytes, size: tuple[float, float], key: str = "", *,
                   claimant_links: bool = False) -> Segment:
    """Serialise a part (a dossier, the front matter, a placeholder page) for the bundle.
    `size`: the bundle stamp's box. Streams of a file part stay byte ranges of that file."""
    with _open(pdf) as opened:
        src = _Copy(opened, pdf if isinstance(pdf, Path) else None, claimant_links)
        try:
            for i, page in enumerate(opened.pages):
                _segment_page(src, page.obj, i, size)
                src.drain()
            outline = _outline_items(src, list(opened.open_outline().root)) if (
                "/Outlines" in opened.Root) else ()
        finally:
            src.close()
        return Segment(key, len(opened.pages), src.count, tuple(src.objects), outline)


def save_segment(segment: Segment, path: Path) -> None:
    import marshal  # own cache files of bytes, ints and tuples: fast, nothing to execute

    data = marshal.dumps((SEGMENT_FORMAT, segment.key, segment.pages, segment.count,
                          segment.objects, segment.outline), 2)  # 2: no back-references,
    # so the same segment always gives the same bytes
    atomic.write_bytes(path, data, durable=False)  # a cache: losing it costs time only


def load_segment(path: Path, key: str) -> Segment | None:
    """The cached segment at `path` if it was made with `key`, else None."""
    import marshal

    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(data, tuple) or len(data) != 6 or data[0] != SEGMENT_FORMAT or (
            data[1] != key):
        return None
    return Segment(*data[1:])


def part_segment(part: BundlePart, size: tuple[float, float]) -> Segment:
    """The part's segment: the cached one if its key matches, else made (and cached)."""
    if part.segment is not None and part.key:
        cached = load_segment(part.segment, part.key)
        if cached is not None:
            return cached
    made = bundle_segment(part.pdf, size, part.key)
    if part.segment is not None and part.key:
        save_segment(made, part.segment)
    return made


def _resolve(body: bytes, locals_: int, pages: int, stamps: int, claimants: Sequence[int],
             specials: Sequence[int]) -> bytes:
    """Replace a segment body's tokens by object references."""
    if _TOKEN not in body:
        return body
    parts = body.split(_TOKEN)
    for j in range(1, len(parts), 2):
        code = parts[j]
        kind, n = code[0], int(code[1:])  # kind as a byte value: no slice to compare
        num = (locals_ + n if kind == _O else pages + n if kind == _P else
               stamps + n if kind == _F else claimants[n] if kind == _C else specials[n])
        parts[j] = b"%d 0 R" % num
    return b"".join(parts)


_O, _P, _F, _C = b"opfc"


def _stamp_content(label: str, face: BundleStampFace,
                   glyphs: Mapping[str, tuple[int, float]]) -> bytes:
    """A label right-aligned on a white knock-out, drawn with the face's glyph forms.
    `glyphs`: character -> (form index, advance), from _glyphs(face)."""
    width, height = face.size
    placed = [glyphs[ch] for ch in label]
    text_width = sum(advance for _, advance in placed)
    x = width - 2 - text_width
    ops = [b"q 1 g %s 1 %s %s re f Q" % (_num(x - 2), _num(text_width + 4), _num(height - 2))]
    for index, advance in placed:
        ops.append(b"q 1 0 0 1 %s 0 cm /G%d Do Q" % (_num(x), index))
        x += advance
    return b"\n".join(ops) + b"\n"


def _glyphs(face: BundleStampFace) -> dict[str, tuple[int, float]]:
    return {ch: (i, face.widths[i]) for i, ch in enumerate(face.chars)}


def _write_outline(w: pdffile.Writer, parent: int, items: Sequence[tuple[str, int, Any]]
                   ) -> tuple[int, int, int]:
    """Write `items` (title, bundle page object, children) under `parent`; returns (first,
    last, visible count)."""
    first_num = w.reserve(len(items)) if items else 0
    nums = [first_num + i for i in range(len(items))]
    count = 0
    for i, ((title, page, children), num) in enumerate(zip(items, nums, strict=True)):
        parts = [b"/Title " + _pdf_text(title), b"/Parent %d 0 R" % parent,
                 b"/Dest [%d 0 R /XYZ null null null]" % page]
        if i:
            parts.append(b"/Prev %d 0 R" % nums[i - 1])
        if i + 1 < len(nums):
            parts.append(b"/Next %d 0 R" % nums[i + 1])
        if children:
            first, last, _ = _write_outline(w, num, children)
            # claimants closed (negative count): 150 claimants stay one screen of bookmarks
            parts.append(b"/First %d 0 R /Last %d 0 R /Count -%d" % (first, last, len(children)))
        count += 1
        w.obj(num, b"<<" + b" ".join(parts) + b">>")
    return (nums[0], nums[-1], count) if nums else (0, 0, 0)


def _outline_pages(items: Sequence[Any], first_page: int) -> list[tuple[str, int, Any]]:
    return [(title, first_page + page, _outline_pages(children, first_page))
            for title, page, children in items]


def _glyph_forms(w: pdffile.Writer, face: BundleStampFace) -> tuple[int, int]:
    """The face's sheet pages as form XObjects: the first one's number (/G0) and how many."""
    import pikepdf

    with _open(face.sheet) as sheet:
        src = _Copy(sheet, None, False)
        forms = []
        for page in sheet.pages:
            content = b"".join(c.read_bytes() for c in (
                page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]))
            res = src.value(page.obj.get("/Resources", pikepdf.Dictionary()))
            forms.append((res, content))
        src.drain()
    sw, sh = face.size
    base = w.reserve(src.count)
    form_base = w.reserve(len(forms))
    for _, num, body, data in src.objects:
        w.obj(base + num, _resolve(body, base, 0, 0, (), ()), data)
    for i, (res, content) in enumerate(forms):
        w.obj(form_base + i, b"<</Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources %s "
              b"/Length %d>>" % (_num(sw), _num(sh), _resolve(res, base, 0, 0, (), ()),
                                 len(content)), content)
    return form_base, len(forms)


FrontSource = Callable[[], tuple[bytes, Sequence[BundleSection]]]
StampSource = Callable[[int], tuple[Sequence[str], BundleStampFace]]


def bundle(out: Path, front: bytes | FrontSource, parts: Sequence[BundlePart],
           sections: Sequence[BundleSection], front_title: str, stamps: StampSource,
           metadata: Mapping[str, str], stamp_size: tuple[float, float]) -> tuple[int, str]:
    """Write the joint bundle: front matter, then every part, stamped and bookmarked.

    Every page gets its label as a stamp at the visible top right; page labels equal the
    stamps; the outline has the front-matter sections, then one entry per claimant (its title,
    then the label of its first page) holding its dossier's own outline. Front-matter links
    `evidence-claimant:<n>` become jumps to claimant n's first page. Parts with a segment cache
    are reused when their key matches. Writes to a temporary file beside `out`, then renames it.
    Returns (page count, SHA-256 of the file).

    Nothing written for the parts depends on the front matter's length: their pages are
    numbered before it, and the stamps (which show bundle page numbers) are written last. So
    `front` may be a function giving (front matter, sections) that is called once the parts
    are written (the caller renders it meanwhile), and `stamps` gives, for the front matter's
    page count, every bundle page's label and the face they are drawn with. `stamp_size`: the
    stamp's box (the parts' segments are cut for it).
    """
    with atomic.replacing(out, free_old_later=True) as tmp, tmp.open("wb", buffering=0) as f:
        w = pdffile.DirectWriter(f, tmp)
        try:
            root, pages_root, outline_root, info, q_open, stamp_res = (w.reserve() for _ in range(6))
            w.obj(q_open, b"<</Length 2>>", b"q\n")
            claimant_first: list[int] = [0]  # index 0: the front matter
            pending: list[tuple[int, int]] = []  # (stamp object, page of the claimants' part)
            kids: list[int] = []  # the claimants' page objects, in order
            outlines: list[tuple[str, int, Any, int]] = []  # title, first page, outline, page
            for part in parts:
                seg = part_segment(part, stamp_size)
                first, locals_, stamp_objs = (w.reserve(seg.pages), w.reserve(seg.count),
                                              w.reserve(seg.pages))
                _write_segment(w, seg, part.pdf, first, locals_, stamp_objs, claimant_first,
                               (pages_root, q_open))
                claimant_first.append(first)
                pending += [(stamp_objs + i, len(kids) + i) for i in range(seg.pages)]
                outlines.append((part.title, first, _outline_pages(seg.outline, first), len(kids)))
                kids += range(first, first + seg.pages)
            if isinstance(front, bytes):
                pdf, front_sections = front, sections
            else:
                pdf, front_sections = front()
            seg = bundle_segment(pdf, stamp_size, claimant_links=True)
            first, locals_, stamp_objs = (w.reserve(seg.pages), w.reserve(seg.count),
                                          w.reserve(seg.pages))
            claimant_first[0] = first
            _write_segment(w, seg, None, first, locals_, stamp_objs, claimant_first,
                           (pages_root, q_open))
            front_pages = seg.pages
            total = front_pages + len(kids)
            labels, face = stamps(front_pages)
            if len(labels) != total:
                raise ValueError(f"{len(labels)} labels for {total} bundle pages")
            missing = set("".join(labels)) - set(face.chars)
            if missing:
                raise ValueError(f"the stamp face lacks {''.join(sorted(missing))!r}")
            _write_stamps(w, face, stamp_res, labels, [
                *((stamp_objs + i, i) for i in range(front_pages)),
                *((num, front_pages + page) for num, page in pending)])
            refs = b" ".join(b"%d 0 R" % n for n in [*range(first, first + front_pages), *kids])
            w.obj(pages_root, b"<</Type /Pages /Kids [%s] /Count %d>>" % (refs, total))
            tree = [(front_title, first, [(s.title, first + s.page, ()) for s in front_sections])]
            tree += [(f"{title}  {labels[front_pages + page]}", top, children)
                     for title, top, children, page in outlines]
            first_item, last_item, count = _write_outline(w, outline_root, tree)
            w.obj(outline_root, b"<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>"
                  % (first_item, last_item, count))
            entries = []
            for index, prefix, start in _bundle_label_nums(labels):
                entry_text = b"<<"
                if start is not None:
                    entry_text += b"/S /D /St %d" % start
                if prefix:
                    entry_text += b" /P " + _pdf_text(prefix)
                entries.append(b"%d %s>>" % (index, entry_text))
            w.obj(root, b"<</Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines "
                  b"/PageLabels <</Nums [%s]>>>>" % (pages_root, outline_root, b" ".join(entries)))
            w.obj(info, b"<<" + b" ".join(b"/" + k.encode("ascii") + b" " + _pdf_text(v)
                                          for k, v in sorted(metadata.items())) + b">>")
            w.finish(root, info)
        finally:
            w.stop()
    return total, w.sha256()


def _write_segment(w: pdffile.Writer, seg: Segment, pdf: Path | bytes | None, first: int,
                   locals_: int, stamps: int, claimants: Sequence[int],
                   specials: tuple[int, int]) -> None:
    """A part's pages and objects at the numbers reserved for them; big streams are copied
    from the part's file."""
    source = None
    try:
        for entry in seg.objects:
            if entry[0] == "p":
                _, i, body = entry
                w.obj(first + i, _resolve(body, locals_, first, stamps, claimants, specials))
                continue
            _, n, body, data = entry
            body = _resolve(body, locals_, first, stamps, claimants, specials)
            if isinstance(data, tuple):
                if source is None:
                    assert isinstance(pdf, Path)  # ranges only come from files
                    source = pdffile.Source(pdf)
                w.copy_range(locals_ + n, body, source, data[0], data[1])
            else:
                w.obj(locals_ + n, body, data)
    finally:
        if source is not None:
            w.release(source)


def _write_stamps(w: pdffile.Writer, face: BundleStampFace, resources: int, labels: Sequence[str],
                  stamps: Sequence[tuple[int, int]]) -> None:
    """The face's glyph forms, the stamps' shared /Resources, then each (stamp object, bundle
    page) stamp."""
    forms, count = _glyph_forms(w, face)
    w.obj(resources, b"<</XObject <<%s>>>>" % b" ".join(
        b"/G%d %d 0 R" % (i, forms + i) for i in range(count)))
    glyphs = _glyphs(face)
    sw, sh = face.size
    head = b"<</Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources %d 0 R " % (
        _num(sw), _num(sh), resources)
    for num, page in stamps:
        content = _stamp_content(labels[page], face, glyphs)
        w.obj(num, head + b"/Length %d>>" % len(content), content)

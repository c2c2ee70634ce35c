"""A dossier's assembly, on pikepdf: merging, image placing, Bates stamps, links, outline,
labels, attachments, and writing it (its images' bytes copied by writer.py).

Original PDFs are copied page by page (never rasterised, never re-encoded). A stamp is a small
form XObject appended to a page's content with the page's own state saved around it, so nothing
in the original content stream is parsed or rewritten, and it is placed through the page's
/Rotate and CropBox so it lands bottom right *as displayed*.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pikepdf

from evidence import geometry, layout, model
from evidence.pdf import writer


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
        self.rasters: list[model.Raster] = []
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


def page_sizes(doc: Dossier) -> list[tuple[float, float]]:
    return [geometry.view(p).size for p in doc.pdf.pages]


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


def _append(doc: Dossier, page: Any, name: str, xobject: Any, m: geometry.Matrix, isolate: bool) -> None:
    """Draw `xobject` on top of the page; with `isolate`, wrap the old content in q/Q first."""
    _own_resources(page).XObject[name] = xobject
    draw = doc.pdf.make_stream(f"q {geometry.cm(m)} {name} Do Q\n".encode())
    if isolate:
        wrap(doc, page, after=[draw])
    else:
        page.Contents = pikepdf.Array([*contents(page), draw])


# ---- images ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ImageSpot:
    page: int  # 0-based index in the dossier
    box: layout.Box
    raster: model.Raster | None = None
    pdf: Path | None = None  # or an img2pdf one-page PDF


_MARK = b"\x00\xffevidence-raster:%08d:9f1c2e7a4b6d8053\xff\x00"  # a placeholder's data
_MARK_LEN = len(_MARK % 0)
_MARKS = re.compile(b"stream\n" + re.escape(_MARK.split(b"%08d")[0]) + rb"(\d{8})"
                    + re.escape(_MARK.split(b"%08d")[1]) + b"\nendstream")


def placeholder_raster(doc: Dossier, data: bytes) -> model.Raster | None:
    """issue 18: the image file finish() will write in place of this placeholder's data."""
    m = re.fullmatch(re.escape(_MARK.split(b"%08d")[0]) + rb"(\d{8})" + re.escape(
        _MARK.split(b"%08d")[1]), data) if len(data) == _MARK_LEN else None
    return doc.rasters[int(m.group(1))] if m and int(m.group(1)) < len(doc.rasters) else None


def image_xobject(doc: Dossier, r: model.Raster) -> Any:
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
                geometry.image_matrix(spot.box, rotate), isolate=False)


# ---- stamps, links, labels, outline ------------------------------------------------------------


def stamp_pages(doc: Dossier, stamps: model.StampText, *, right: float, bottom: float,
                pages: Sequence[int] | None = None) -> None:
    """Stamp i at the displayed bottom right of target page i, `right` and `bottom` points
    from the corner, on a white knock-out: a form XObject /EvStamp over the page's own content
    (kept in q/Q), its text in the embedded subsets of `stamps.pdf`."""
    sheet = pikepdf.open(io.BytesIO(stamps.pdf))
    doc.sources.append(sheet)
    resources = doc.pdf.make_indirect(_foreign(doc, sheet.pages[0].obj.Resources))
    size = writer.num(stamps.size)
    targets = list(range(len(doc.pdf.pages))) if pages is None else list(pages)
    for runs, width, target in zip(stamps.runs, stamps.widths, targets, strict=True):
        page = doc.pdf.pages[target].obj
        v = geometry.view(page)
        w, h = v.size
        x = w - right - width
        mm, num = geometry.MM, writer.num
        ops = [b"1 1 1 rg %s %s %s %s re f 0 0 0 rg BT 1 0 0 1 %s %s Tm" % (
            num(x - 1.5 * mm), num(bottom - 1.2 * mm), num(width + 3 * mm),
            num(stamps.size + 2.2 * mm), num(x), num(bottom + 0.3 * mm))]
        for font, codes in runs:
            ops.append(b"%s %s Tf <%s> Tj" % (font.encode("ascii"), size, codes.hex().encode()))
        form = doc.pdf.make_stream(b" ".join(ops) + b" ET\n")
        form.Type, form.Subtype = pikepdf.Name.XObject, pikepdf.Name.Form
        form.BBox, form.Resources = pikepdf.Array([0, 0, w, h]), resources
        _append(doc, page, "/EvStamp", form, geometry.display_to_user(v), isolate=True)


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


def _splice(data: bytes, rasters: Sequence[model.Raster], f: Any, ident: bytes) -> str:
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
    cuts: list[tuple[int, int, bytes, model.Raster]] = []  # (from, to, placeholder's part, raster)
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
    w = writer.Writer(f, header=False)
    try:
        pos = 0
        moved: list[int] = []  # where each cut ends in qpdf's output
        shifts: list[int] = []  # how far everything after it has moved
        for begin, end, between, r in cuts:
            source = writer.Source(r.path)
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

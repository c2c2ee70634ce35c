"""Every pypdf write: merging, image placing, Bates stamps, links, outline, labels, attachments.

Original PDFs are copied page by page (never rasterised, never re-encoded). A stamp is a small
form XObject appended to a page's content with the page's own state saved around it, so nothing
in the original content stream is parsed or rewritten, and it is placed through the page's
/Rotate and CropBox so it lands bottom right *as displayed*.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from evidence import layout
from evidence.render.common import LINK_SCHEME

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


def view(page: Any) -> View:
    box = page.cropbox  # pypdf falls back to the MediaBox; clip to it like viewers do
    media = page.mediabox
    x0, y0 = max(float(box.left), float(media.left)), max(float(box.bottom), float(media.bottom))
    x1, y1 = min(float(box.right), float(media.right)), min(float(box.top), float(media.top))
    if x1 <= x0 or y1 <= y0:
        x0, y0, x1, y1 = (float(media.left), float(media.bottom), float(media.right),
                          float(media.top))
    return View(x0, y0, x1 - x0, y1 - y0, int(page.get("/Rotate", 0) or 0) % 360)


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


def _cm(m: Matrix) -> str:
    return " ".join(f"{v:.4f}".rstrip("0").rstrip(".") if v else "0" for v in m) + " cm"


# ---- content-stream plumbing ---------------------------------------------------------------------


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    s = DecodedStreamObject()
    s.set_data(data)
    return writer._add_object(s)


def _own_resources(page: Any) -> DictionaryObject:
    """The page's /Resources as its own dict (shared ones are copied, not edited in place)."""
    res = page.get("/Resources")
    res = res.get_object() if res is not None else DictionaryObject()
    mine = DictionaryObject({NameObject(k): v for k, v in res.items()})
    xobj = mine.get("/XObject")
    xobj = xobj.get_object() if xobj is not None else DictionaryObject()
    mine[NameObject("/XObject")] = DictionaryObject({NameObject(k): v for k, v in xobj.items()})
    page[NameObject("/Resources")] = mine
    return mine


def _append(writer: PdfWriter, page: Any, name: str, xobject: IndirectObject, m: Matrix,
            isolate: bool) -> None:
    """Draw `xobject` on top of the page; with `isolate`, wrap the old content in q/Q first."""
    res = _own_resources(page)
    xobjs = res["/XObject"]
    assert isinstance(xobjs, DictionaryObject)
    xobjs[NameObject(name)] = xobject
    old = page.get("/Contents")
    parts: list[PdfObject] = []
    if old is not None:
        resolved = old.get_object()
        parts = list(resolved) if isinstance(resolved, ArrayObject) else [old]
    draw = _stream(writer, f"q {_cm(m)} {name} Do Q\n".encode())
    if isolate and parts:
        parts = [_stream(writer, b"q\n"), *parts, _stream(writer, b"\nQ\n")]
    page[NameObject("/Contents")] = ArrayObject([*parts, draw])


# ---- assembling --------------------------------------------------------------------------------


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
    page: int  # 0-based index in the writer
    box: layout.Box
    raster: Raster | None = None
    pdf: Path | None = None  # or an img2pdf one-page PDF


def add_pdf(writer: PdfWriter, path: Path) -> int:
    """Append every page of a PDF as it is. Returns the number of pages added."""
    reader = PdfReader(path)
    for p in reader.pages:
        writer.add_page(p)
    return len(reader.pages)


class FileStream(StreamObject):
    """An image stream whose bytes are read from the original file only while the PDF is being
    written, so a 100-screenshot dossier never holds all its pixels in memory."""

    def __init__(self, r: Raster) -> None:
        self._raster = r
        self._cached: bytes | None = None
        super().__init__()

    @property
    def _data(self) -> bytes:  # anything in pypdf that wants the bytes still gets them
        return self._cached if self._cached is not None else _raster_bytes(self._raster)

    @_data.setter
    def _data(self, value: bytes) -> None:
        self._cached = value or None

    def write_to_stream(self, stream: Any) -> None:
        data = self._data
        self[NameObject("/Length")] = NumberObject(len(data))
        DictionaryObject.write_to_stream(self, stream)
        del self["/Length"]
        stream.write(b"\nstream\n")
        stream.write(data)
        stream.write(b"\nendstream")


def _raster_bytes(r: Raster) -> bytes:
    data = r.path.read_bytes()
    return b"".join(data[o:o + n] for o, n in r.idat) if r.idat else data


def image_xobject(writer: PdfWriter, r: Raster) -> IndirectObject:
    img = FileStream(r)
    img.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Image"),
        NameObject("/Width"): NumberObject(r.width),
        NameObject("/Height"): NumberObject(r.height),
        NameObject("/ColorSpace"): NameObject("/DeviceGray" if r.colors == 1 else "/DeviceRGB"),
        NameObject("/BitsPerComponent"): NumberObject(8),
        NameObject("/Filter"): NameObject(r.filter),
    })
    if r.filter == "/FlateDecode":
        img[NameObject("/DecodeParms")] = DictionaryObject({
            NameObject("/Predictor"): NumberObject(15), NameObject("/Colors"): NumberObject(r.colors),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Columns"): NumberObject(r.width)})
    return writer._add_object(img)


def place_images(writer: PdfWriter, spots: Sequence[ImageSpot]) -> None:
    """Put each image (its bytes untouched) into its box on its page."""
    for n, spot in enumerate(spots):
        if spot.raster is not None:
            ref, rotate = image_xobject(writer, spot.raster), spot.raster.rotate
        elif spot.pdf is not None:
            src = PdfReader(spot.pdf).pages[0]
            res: Any = src["/Resources"]
            xobjs: Any = res.get_object()["/XObject"].get_object()
            cloned = xobjs.raw_get(sorted(xobjs)[0]).clone(writer)
            ref = cloned.indirect_reference or writer._add_object(cloned)
            rotate = int(src.get("/Rotate", 0) or 0)
        else:
            continue
        _append(writer, writer.pages[spot.page], f"/EvImg{n}", ref,
                image_matrix(spot.box, rotate), isolate=False)


def stamp_pages(writer: PdfWriter, stamps: PdfReader, pages: Sequence[int] | None = None) -> None:
    """Overlay page i of `stamps` (drawn in displayed coordinates) on target page i."""
    targets = list(range(len(writer.pages))) if pages is None else list(pages)
    for i, target in zip(range(len(stamps.pages)), targets, strict=True):
        sp = stamps.pages[i]
        page = writer.pages[target]
        v = view(page)
        w, h = v.size
        form = DecodedStreamObject()
        form.set_data(_content_bytes(sp))
        form.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(w),
                                              FloatObject(h)]),
            NameObject("/Resources"): _resources(sp).clone(writer),
        })
        _append(writer, page, "/EvStamp", writer._add_object(form), display_to_user(v),
                isolate=True)


def _resources(page: Any) -> Any:
    res = page.get("/Resources")
    return res.get_object() if res is not None else DictionaryObject()


def _content_bytes(page: Any) -> bytes:
    contents = page.get("/Contents")
    if contents is None:
        return b""
    contents = contents.get_object()
    parts = contents if isinstance(contents, ArrayObject) else [contents]
    return b"\n".join(bytes(c.get_object().get_data()) for c in parts)


def page_sizes(writer: PdfWriter) -> list[tuple[float, float]]:
    return [view(p).size for p in writer.pages]


def resolve_links(writer: PdfWriter, pages: Sequence[int]) -> int:
    """Turn `evidence-page:N` links drawn by the renderer into jumps to page N (1-based)."""
    done = 0
    for i in pages:
        annots = writer.pages[i].get("/Annots")
        if annots is None:
            continue
        for ref in annots.get_object():
            a = ref.get_object()
            action = a.get("/A")
            uri = action.get_object().get("/URI") if action is not None else None
            if not isinstance(uri, str) or not uri.startswith(LINK_SCHEME):
                continue
            n = int(uri[len(LINK_SCHEME):])
            if not 1 <= n <= len(writer.pages):
                continue
            del a["/A"]
            a[NameObject("/Dest")] = ArrayObject([
                writer.pages[n - 1].indirect_reference, NameObject("/XYZ"),
                NullObject(), NullObject(), NullObject()])
            a[NameObject("/Border")] = ArrayObject([NumberObject(0)] * 3)
            done += 1
    return done


def page_labels(writer: PdfWriter, ranges: Sequence[layout.LabelRange]) -> None:
    """Set /PageLabels so that the viewer's page label equals the Bates stamp."""
    n = len(writer.pages)
    for k, r in enumerate(ranges):
        last = (ranges[k + 1].first - 1) if k + 1 < len(ranges) else n - 1
        if r.decimal:
            writer.set_page_label(r.first, last, style=PageLabelStyle.DECIMAL, prefix=r.prefix,
                                  start=r.start)
        else:
            writer.set_page_label(r.first, last, prefix=r.prefix, start=None)


@dataclasses.dataclass(frozen=True)
class Mark:
    """One bookmark: title, 0-based page, children."""

    title: str
    page: int
    children: tuple[Mark, ...] = ()


def add_outline(writer: PdfWriter, marks: Sequence[Mark], parent: Any = None) -> None:
    for m in marks:
        node = writer.add_outline_item(title=m.title, page_number=m.page, parent=parent,
                                       fit=Fit.xyz(None, None, None), is_open=False)
        add_outline(writer, m.children, node)


def finish(writer: PdfWriter, out: Path, *, info: Mapping[str, str], when: dt.date | None,
           attachments: Mapping[str, bytes], file_id: str) -> None:
    """Metadata, attachments, a fixed /ID, 100 % default view; then write `out`."""
    meta = {f"/{k}": v for k, v in info.items() if v}
    if when is not None:
        stamp = f"D:{when:%Y%m%d}000000Z"
        meta["/CreationDate"] = meta["/ModDate"] = stamp
    writer.add_metadata(meta)
    for name, data in sorted(attachments.items()):
        writer.add_attachment(name, data)
    ident = ByteStringObject(hashlib.md5(file_id.encode(), usedforsecurity=False).digest())
    writer._ID = ArrayObject([ident, ident])
    writer.set_page_layout("/SinglePage")
    if len(writer.pages):
        writer._root_object[NameObject("/OpenAction")] = ArrayObject([
            writer.pages[0].indirect_reference, NameObject("/XYZ"), NullObject(), NullObject(),
            NumberObject(1)])
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")
    with out.open("wb") as f:
        writer.write(f)


# --- joint bundle ---------------------------------------------------------------------------
# The joint bundle concatenates 150+ dossiers (thousands of pages, every screenshot of every
# claimant). pypdf holds every copied page in memory until it writes, and so does qpdf (measured:
# 2.6x the inputs' size resident). So the bundle is written as a stream: one dossier at a time is
# opened (pikepdf, read only), its page objects and everything they reference are serialised
# straight to the output with new object numbers, then it is closed. Peak memory is one dossier,
# whatever the number of claimants. Objects are written as they are (streams stay compressed).


@dataclasses.dataclass(frozen=True)
class BundlePart:
    """One claimant's pages in the bundle: a dossier file, or a placeholder page (failed)."""

    title: str  # outline entry of the claimant
    pdf: Path | bytes


@dataclasses.dataclass(frozen=True)
class BundleSection:
    title: str  # outline entry inside the front matter
    page: int  # 0-based page in the front matter


CLAIMANT_LINK = "evidence-claimant:"  # placeholder URIs drawn by render.joint (1-based claimant)
BUNDLE_STAMP_MARGIN = 8.0  # points from the visible top and right edges to the bundle stamp
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


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


def _num(value: float) -> bytes:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


class _BundleWriter:
    """Append-only PDF writer: objects are written once, in order; the xref comes last."""

    def __init__(self, f: Any) -> None:
        self.f = f
        self.offsets: list[int | None] = []
        self.digest = hashlib.sha256()
        self.pos = 0
        self.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def write(self, data: bytes) -> None:
        self.f.write(data)
        self.digest.update(data)
        self.pos += len(data)

    def reserve(self) -> int:
        self.offsets.append(None)
        return len(self.offsets)

    def obj(self, num: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[num - 1] = self.pos
        if stream is None:
            self.write(b"%d 0 obj\n%s\nendobj\n" % (num, body))
        else:
            self.write(b"%d 0 obj\n%s\nstream\n" % (num, body))
            self.write(stream)
            self.write(b"\nendstream\nendobj\n")

    def finish(self, root: int, info: int) -> None:
        start = self.pos
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.offsets) + 1)]
        lines += [b"%010d 00000 n \n" % (off or 0) if off is not None else
                  b"0000000000 65535 f \n" for off in self.offsets]
        ident = self.digest.hexdigest()[:32].encode()
        lines.append(b"trailer\n<</Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>]>>\n"
                     b"startxref\n%d\n%%%%EOF\n" % (len(self.offsets) + 1, root, info, ident,
                                                  ident, start))
        self.write(b"".join(lines))


class _Source:
    """One PDF being copied: maps its objects to bundle object numbers as they are met."""

    def __init__(self, writer: _BundleWriter, pdf: Any, page_nums: Sequence[int],
                 links: Mapping[int, int]) -> None:
        self.w = writer
        self.pdf = pdf
        self.map: dict[tuple[int, int], int] = {}
        self.todo: list[tuple[int, Any]] = []
        self.page_index: dict[tuple[int, int], int] = {}
        for i, (page, num) in enumerate(zip(pdf.pages, page_nums, strict=True)):
            self.map[page.obj.objgen] = num
            self.page_index[page.obj.objgen] = i
        self.page_nums = list(page_nums)
        self.links = links  # claimant number -> bundle page object (front matter only)
        self._names: dict[str, Any] | None = None

    def ref(self, obj: Any) -> bytes:
        key = obj.objgen
        num = self.map.get(key)
        if num is None:
            num = self.map[key] = self.w.reserve()
            self.todo.append((num, obj))
        return b"%d 0 R" % num

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

    def goto(self, num: int) -> bytes:
        return b"[%d 0 R /XYZ null null null]" % num

    def value(self, obj: Any, top: bool = False) -> bytes:
        """PDF syntax of a value; indirect objects become references (their bodies are
        written by drain, `top` = writing that body now)."""
        import pikepdf

        if isinstance(obj, pikepdf.Object):
            if obj.is_indirect and not top:
                return self.ref(obj)
            if isinstance(obj, pikepdf.Dictionary):
                return self.dictionary(obj.items())
            if isinstance(obj, pikepdf.Array):
                return b"[" + b" ".join(self.value(v) for v in obj) + b"]"
            return bytes(obj.unparse())
        if obj is None:
            return b"null"
        if isinstance(obj, bool):
            return b"true" if obj else b"false"
        if isinstance(obj, int):
            return b"%d" % obj
        return _num(float(obj))

    def dictionary(self, items: Any, skip: Sequence[str] = ()) -> bytes:
        import pikepdf

        out = [b"<<"]
        for key, value in items:
            if key in skip:
                continue
            if key == "/Dest" and isinstance(value, (pikepdf.String, pikepdf.Name)):
                index = self.dest_page(value)
                if index is not None:  # named destinations do not survive the copy
                    out.append(b"/Dest " + self.goto(self.page_nums[index]))
                    continue
            if key == "/A" and isinstance(value, pikepdf.Dictionary):
                uri = str(value.get("/URI", ""))
                if uri.startswith(CLAIMANT_LINK) and int(uri[len(CLAIMANT_LINK):]) in self.links:
                    out.append(b"/Dest " + self.goto(self.links[int(uri[len(CLAIMANT_LINK):])]))
                    continue
                if value.get("/S") == "/GoTo" and isinstance(
                        value.get("/D"), (pikepdf.String, pikepdf.Name)):
                    index = self.dest_page(value.D)
                    if index is not None:
                        out.append(b"/Dest " + self.goto(self.page_nums[index]))
                        continue
            out.append(bytes(pikepdf.Name(key).unparse()) + b" " + self.value(value))
        out.append(b">>")
        return b" ".join(out)

    def drain(self) -> None:
        import pikepdf

        while self.todo:
            num, obj = self.todo.pop()
            if isinstance(obj, pikepdf.Stream):
                data = obj.read_raw_bytes()
                body = self.dictionary(obj.stream_dict.items(), skip=("/Length",))
                self.w.obj(num, body[:-2] + b" /Length %d>>" % len(data), data)
                del data
            else:
                self.w.obj(num, self.value(obj, top=True))


def _inherited(page: Any, key: str) -> Any:
    node = page
    for _ in range(64):  # a page tree deeper than this is broken; stop rather than loop
        if key in node:
            return node[key]
        node = node.get("/Parent")
        if node is None:
            return None
    return None


def _outline_items(src: _Source, items: Sequence[Any]) -> list[tuple[str, int, list[Any]]]:
    """(title, bundle page object, children) of a source outline, re-pointed at its pages."""
    out: list[tuple[str, int, list[Any]]] = []
    for item in items:
        dest = item.destination
        if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
            dest = item.action.get("/D")
        index = src.dest_page(dest) if dest is not None else None
        page = src.page_nums[index if index is not None else 0]
        out.append((str(item.title), page, _outline_items(src, item.children)))
    return out


def _write_outline(w: _BundleWriter, parent: int, items: Sequence[tuple[str, int, list[Any]]]
                   ) -> tuple[int, int, int]:
    """Write `items` under `parent`; returns (first, last, visible count)."""
    nums = [w.reserve() for _ in items]
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


def bundle(out: Path, front: bytes, parts: Sequence[BundlePart],
           sections: Sequence[BundleSection], front_title: str,
           stamps: Callable[[Sequence[str]], bytes], labels: Sequence[str],
           metadata: Mapping[str, str]) -> int:
    """Write the joint bundle: front matter, then every part, stamped and bookmarked.

    `stamps(labels)` renders one small page per label (render.joint.stamps); each is placed as
    a form XObject at the visible top right of its page. Page labels equal `labels`; the
    outline has the front-matter sections, then one entry per claimant holding its dossier's
    own outline. Front-matter links `evidence-claimant:<n>` become jumps to claimant n's first
    page. Returns the page count. Writes to a temporary file beside `out`, then renames it.
    """
    import io

    import pikepdf

    def open_part(pdf: Path | bytes) -> Any:
        return pikepdf.open(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))

    sources: list[Path | bytes] = [front, *(p.pdf for p in parts)]
    counts = []
    for pdf in sources:
        with open_part(pdf) as opened:
            counts.append(len(opened.pages))
    total = sum(counts)
    if len(labels) != total:
        raise ValueError(f"{len(labels)} labels for {total} bundle pages")

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.partial")
    with tmp.open("wb") as f:
        w = _BundleWriter(f)
        root, pages_root, outline_root, info = (w.reserve() for _ in range(4))
        page_nums = [w.reserve() for _ in range(total)]
        starts = [sum(counts[:i]) for i in range(len(counts))]
        links = {n: page_nums[starts[n]] for n in range(1, len(sources))}
        q_open = w.reserve()
        w.obj(q_open, b"<</Length 2>>", b"q\n")
        claimant_outlines: list[tuple[str, int, list[Any]]] = []
        front_outline: list[tuple[str, int, list[Any]]] = []
        for k, pdf in enumerate(sources):
            first = starts[k]
            nums = page_nums[first:first + counts[k]]
            with open_part(pdf) as opened, open_part(stamps(labels[first:first + counts[k]])
                                                     ) as stamp_pdf:
                src = _Source(w, opened, nums, links if k == 0 else {})
                marks = _Source(w, stamp_pdf, [0] * len(stamp_pdf.pages), {})
                for page, num, stamp_page in zip(opened.pages, nums, stamp_pdf.pages,
                                                 strict=True):
                    _bundle_page(w, src, marks, page.obj, num, pages_root, stamp_page.obj,
                                 q_open)
                    src.drain()
                    marks.drain()
                if k == 0:
                    front_outline = [(s.title, nums[s.page], []) for s in sections]
                else:
                    kids = _outline_items(src, list(opened.open_outline().root)) if (
                        "/Outlines" in opened.Root) else []
                    claimant_outlines.append((parts[k - 1].title, nums[0], kids))
        refs = b" ".join(b"%d 0 R" % n for n in page_nums)
        w.obj(pages_root, b"<</Type /Pages /Kids [%s] /Count %d>>" % (refs, total))
        top = [(front_title, page_nums[0], front_outline), *claimant_outlines]
        first, last, count = _write_outline(w, outline_root, top)
        w.obj(outline_root, b"<</Type /Outlines /First %d 0 R /Last %d 0 R /Count %d>>"
              % (first, last, count))
        entries = []
        for index, prefix, start in _bundle_label_nums(labels):
            entry = b"<<"
            if start is not None:
                entry += b"/S /D /St %d" % start
            if prefix:
                entry += b" /P " + _pdf_text(prefix)
            entries.append(b"%d %s>>" % (index, entry))
        w.obj(root, b"<</Type /Catalog /Pages %d 0 R /Outlines %d 0 R /PageMode /UseOutlines "
              b"/PageLabels <</Nums [%s]>>>>" % (pages_root, outline_root, b" ".join(entries)))
        w.obj(info, b"<<" + b" ".join(b"/" + k.encode("ascii") + b" " + _pdf_text(v)
                                      for k, v in sorted(metadata.items())) + b">>")
        w.finish(root, info)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(out)
    return total


def _bundle_page(w: _BundleWriter, src: _Source, marks: _Source, page: Any, num: int,
                 parent: int, stamp_page: Any, q_open: int) -> None:
    """One page: its own dictionary (inherited attributes pushed down, new parent), its
    content wrapped in q/Q, then the bundle stamp as a form XObject at the visible top right."""
    import pikepdf

    box = _inherited(page, "/CropBox") or _inherited(page, "/MediaBox")
    rotate = int(_inherited(page, "/Rotate") or 0)
    matrix, vw, vh = _bundle_view([float(v) for v in box], rotate)
    sw, sh = (float(v) for v in stamp_page.MediaBox[2:4])
    place = _bundle_translate(matrix, vw - BUNDLE_STAMP_MARGIN - sw,
                              vh - BUNDLE_STAMP_MARGIN - sh)

    content = b"".join(c.read_bytes() for c in (
        stamp_page.Contents if isinstance(stamp_page.Contents, pikepdf.Array)
        else [stamp_page.Contents]))
    form = w.reserve()
    w.obj(form, b"<</Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources %s /Length %d>>"
          % (_num(sw), _num(sh), marks.value(stamp_page.get("/Resources", pikepdf.Dictionary())),
             len(content)), content)
    tail = w.reserve()
    stamp_ops = b"Q q " + b" ".join(_num(v) for v in place) + b" cm /EvBundleStamp Do Q\n"
    w.obj(tail, b"<</Length %d>>" % len(stamp_ops), stamp_ops)

    resources = _inherited(page, "/Resources") or pikepdf.Dictionary()
    items = dict(resources.items())
    xobjects = items.pop("/XObject", None)
    xitems = b" ".join(bytes(pikepdf.Name(k).unparse()) + b" " + src.value(v)
                       for k, v in (xobjects.items() if xobjects is not None else ()))
    res = src.dictionary(items.items())[:-2] + b" /XObject <<%s /EvBundleStamp %d 0 R>>>>" % (
        xitems, form)

    contents = page.get("/Contents")
    if contents is None:
        own: list[bytes] = []
    elif isinstance(contents, pikepdf.Array):
        own = [src.value(c) for c in contents]
    else:
        own = [src.value(contents)]
    body = src.dictionary(
        [(k, v) for k, v in page.items() if k not in ("/Parent", "/Contents", *_INHERITED)])
    extra = [b"/Parent %d 0 R" % parent, b"/Resources " + res,
             b"/Contents [%s]" % b" ".join([b"%d 0 R" % q_open, *own, b"%d 0 R" % tail]),
             b"/MediaBox " + src.value(_inherited(page, "/MediaBox"))]
    if _inherited(page, "/CropBox") is not None:
        extra.append(b"/CropBox " + src.value(_inherited(page, "/CropBox")))
    if rotate:
        extra.append(b"/Rotate %d" % rotate)
    w.obj(num, body[:-2] + b" " + b" ".join(extra) + b">>")

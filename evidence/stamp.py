"""Every pypdf write: merging, image placing, Bates stamps, links, outline, labels, attachments.

Original PDFs are copied page by page (never rasterised, never re-encoded). A stamp is a small
form XObject appended to a page's content with the page's own state saved around it, so nothing
in the original content stream is parsed or rewritten, and it is placed through the page's
/Rotate and CropBox so it lands bottom right *as displayed*.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, cast

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

from evidence import atomic, layout, pdffile
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
           attachments: Mapping[str, bytes], file_id: str) -> str:
    """Metadata, attachments, a fixed /ID, 100 % default view; then write `out`. Returns the
    SHA-256 of the bytes written (hashed as they go: the file is not read again for it)."""
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
        hashing = _Hashing(f)
        writer.write(cast(IO[bytes], hashing))
    return hashing.digest.hexdigest()


class _Hashing:
    """The file being written, hashing what goes into it (pypdf writes, flushes and asks for
    positions; anything else is passed through)."""

    def __init__(self, f: Any) -> None:
        self.f = f
        self.digest = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return int(self.f.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.f, name)


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
_REF = re.compile(rb"\d\s+\d+\s+R\b")  # an indirect reference in unparsed syntax
_PAGES_ROOT, _Q_OPEN = b"\x00s0\x00", b"\x00s1\x00"


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
            if isinstance(obj, pikepdf.Dictionary):
                return self.dictionary(obj.items())
            if isinstance(obj, pikepdf.Array):
                # numbers only (widths, rectangles, matrices: most of a dossier's values):
                # qpdf writes it, instead of one Python call per element
                text = bytes(obj.unparse())
                if _TOKEN not in text and b"<<" not in text and not _REF.search(text):
                    return text
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

    def drain(self) -> None:
        import pikepdf

        while self.todo:
            num, obj = self.todo.pop()
            if isinstance(obj, pikepdf.Stream):
                data = obj.read_raw_bytes()
                body = self.dictionary(obj.stream_dict.items(), skip=("/Length",))
                body = body[:-2] + b" /Length %d>>" % len(data)
                where = self._range(obj, data) if len(data) > 4096 else None
                self.objects.append(("o", num, body, where if where is not None else data))
                del data
            else:
                self.objects.append(("o", num, self.value(obj, top=True), None))


def _inherited(page: Any, key: str) -> Any:
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

    box = _inherited(page, "/CropBox") or _inherited(page, "/MediaBox")
    rotate = int(_inherited(page, "/Rotate") or 0)
    matrix, vw, vh = _bundle_view([float(v) for v in box], rotate)
    sw, sh = size
    place = _bundle_translate(matrix, vw - BUNDLE_STAMP_MARGIN - sw,
                              vh - BUNDLE_STAMP_MARGIN - sh)
    stamp_ops = b"Q q " + b" ".join(_num(v) for v in place) + b" cm /EvBundleStamp Do Q\n"
    tail = src.new()

    resources = _inherited(page, "/Resources") or pikepdf.Dictionary()
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
             b"/MediaBox " + src.value(_inherited(page, "/MediaBox"))]
    if _inherited(page, "/CropBox") is not None:
        extra.append(b"/CropBox " + src.value(_inherited(page, "/CropBox")))
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


def _glyph_forms(w: pdffile.Writer, face: BundleStampFace) -> int:
    """The face's sheet pages as form XObjects; returns the stamps' shared /Resources object."""
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
    resources = w.reserve()
    for _, num, body, data in src.objects:
        w.obj(base + num, _resolve(body, base, 0, 0, (), ()), data)
    for i, (res, content) in enumerate(forms):
        w.obj(form_base + i, b"<</Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources %s "
              b"/Length %d>>" % (_num(sw), _num(sh), _resolve(res, base, 0, 0, (), ()),
                                 len(content)), content)
    w.obj(resources, b"<</XObject <<%s>>>>" % b" ".join(
        b"/G%d %d 0 R" % (i, form_base + i) for i in range(len(forms))))
    return resources


class FrontPagesChanged(Exception):
    """bundle: the front matter came out with another page count than it was told."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"the front matter has {pages} pages")
        self.pages = pages


FrontSource = Callable[[], tuple[bytes, Sequence[BundleSection]]]


def bundle(out: Path, front: bytes | FrontSource, parts: Sequence[BundlePart],
           sections: Sequence[BundleSection], front_title: str,
           face: BundleStampFace, labels: Sequence[str],
           metadata: Mapping[str, str], front_pages: int | None = None) -> tuple[int, str]:
    """Write the joint bundle: front matter, then every part, stamped and bookmarked.

    Every page gets its label (`labels`, one per bundle page) as a stamp at the visible top
    right, drawn with `face`; page labels equal `labels`; the outline has the front-matter
    sections, then one entry per claimant holding its dossier's own outline. Front-matter links
    `evidence-claimant:<n>` become jumps to claimant n's first page. Parts with a segment cache
    are reused when their key matches. Writes to a temporary file beside `out`, then renames it.
    Returns (page count, SHA-256 of the file).

    `front` may also be a function giving (front matter, sections) that is called only after
    the parts are written, with `front_pages` its expected page count: the caller renders the
    front matter meanwhile; FrontPagesChanged if it turns out otherwise. The front matter's
    objects come last in the file either way, so both give the same bytes.
    """
    import threading

    release = threading.Thread(target=atomic.release_cache, args=(out,))  # beside pass 1
    release.start()
    # pass 1: make the missing segments, learn page counts; a cached segment is read again
    # when written, so only one part is in memory at a time
    front_seg = None
    if isinstance(front, bytes):
        front_seg = bundle_segment(front, face.size, claimant_links=True)
        front_pages = front_seg.pages
    if front_pages is None:
        raise ValueError("front_pages is needed when the front matter comes later")
    held: list[Segment | None] = [front_seg]
    counts = [front_pages]
    for p in parts:
        seg = part_segment(p, face.size)
        counts.append(seg.pages)
        held.append(None if p.segment is not None and p.key else seg)
    total = sum(counts)
    if len(labels) != total:
        raise ValueError(f"{len(labels)} labels for {total} bundle pages")
    starts = [sum(counts[:i]) for i in range(len(counts))]
    missing = set("".join(labels)) - set(face.chars)
    if missing:
        raise ValueError(f"the stamp face lacks {''.join(sorted(missing))!r}")

    release.join()
    with atomic.replacing(out) as tmp, tmp.open("wb", buffering=0) as f:
        w = pdffile.Writer(f)
        try:
            root, pages_root, outline_root, info = (w.reserve() for _ in range(4))
            page_base = w.reserve(total)
            claimant_first = [page_base + s for s in starts]  # index 0: the front matter
            q_open = w.reserve()
            w.obj(q_open, b"<</Length 2>>", b"q\n")
            stamp_res = _glyph_forms(w, face)
            sw, sh = face.size
            glyphs = _glyphs(face)
            stamp_head = b"<</Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources %d 0 R " % (
                _num(sw), _num(sh), stamp_res)
            outlines: list[tuple[str, int, Any]] = []
            for k in [*range(1, len(held)), 0]:  # the front matter last (see above)
                kept = held[k]
                if k == 0 and kept is None:
                    assert callable(front)
                    pdf, sections = front()
                    kept = bundle_segment(pdf, face.size, claimant_links=True)
                    if kept.pages != front_pages:
                        raise FrontPagesChanged(kept.pages)
                seg = kept if kept is not None else part_segment(parts[k - 1], face.size)
                if seg.pages != counts[k]:
                    raise ValueError(f"{parts[k - 1].title}: its pages changed while bundling")
                locals_ = w.reserve(seg.count)
                stamps = w.reserve(seg.pages)
                first = page_base + starts[k]
                source = None
                try:
                    for entry in seg.objects:
                        if entry[0] == "p":
                            _, i, body = entry
                            w.obj(first + i, _resolve(body, locals_, first, stamps, claimant_first,
                                                      (pages_root, q_open)))
                            content = _stamp_content(labels[starts[k] + i], face, glyphs)
                            w.obj(stamps + i, stamp_head + b"/Length %d>>" % len(content), content)
                            continue
                        _, n, body, data = entry
                        body = _resolve(body, locals_, first, stamps, claimant_first,
                                        (pages_root, q_open))
                        if isinstance(data, tuple):
                            if source is None:
                                part = parts[k - 1].pdf
                                assert isinstance(part, Path)  # ranges only come from files
                                source = pdffile.Source(part)
                            w.copy_range(locals_ + n, body, source, data[0], data[1])
                        else:
                            w.obj(locals_ + n, body, data)
                finally:
                    if source is not None:
                        w.release(source)
                if k == 0:
                    outlines.insert(0, (front_title, first, [(s.title, first + s.page, ())
                                                             for s in sections]))
                else:
                    outlines.append((parts[k - 1].title, first, _outline_pages(seg.outline, first)))
            refs = b" ".join(b"%d 0 R" % (page_base + n) for n in range(total))
            w.obj(pages_root, b"<</Type /Pages /Kids [%s] /Count %d>>" % (refs, total))
            first_item, last_item, count = _write_outline(w, outline_root, outlines)
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

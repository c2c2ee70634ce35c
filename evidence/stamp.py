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
from collections.abc import Mapping, Sequence
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
# claimant). pypdf copies each page's streams into memory until it writes, so a bundle would
# need as much RAM as its own size; pikepdf (qpdf) copies stream data lazily while writing, so
# peak memory stays at the object structure. That is why this one writer uses pikepdf.


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


def _bundle_view(page: Any) -> tuple[list[float], float, float]:
    """Matrix from "as the reader sees it" coordinates to the page's user space, and the
    visible width/height. Honours /CropBox and /Rotate (pdfcpu #298, Stirling #6793)."""
    box = page.obj.get("/CropBox") or page.obj.get("/MediaBox")
    x0, y0, x1, y1 = (float(v) for v in box)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    w, h = x1 - x0, y1 - y0
    rotate = int(page.obj.get("/Rotate", 0)) % 360
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


def _bundle_label_nums(labels: Sequence[str]) -> list[Any]:
    """/PageLabels /Nums: runs of `prefix + decimal` compressed into one entry each, so
    `EV-B-000001…` needs six entries, not one per page; anything else gets its own /P."""
    import pikepdf

    nums: list[Any] = []
    current: tuple[str, int, int] | None = None  # prefix, first page index, start number
    for index, label in enumerate(labels):
        number = index + 1
        text = str(number)
        prefix = label[: -len(text)] if label.endswith(text) else None
        if current and prefix == current[0] and current[2] + (index - current[1]) == number:
            continue
        if prefix is not None:
            current = (prefix, index, number)
            entry = pikepdf.Dictionary(S=pikepdf.Name.D, St=number)
            if prefix:
                entry.P = pikepdf.String(prefix)
        else:
            current = None
            entry = pikepdf.Dictionary(P=pikepdf.String(label))
        nums.extend([index, entry])
    return nums


def _bundle_dest_index(src: Any, dest: Any, pages: dict[tuple[int, int], int]) -> int | None:
    """0-based page of an outline/link destination in `src` (explicit array or a name)."""
    import pikepdf

    if isinstance(dest, (pikepdf.String, pikepdf.Name, str)):
        key = str(dest).lstrip("/")
        found = None
        names = src.Root.get("/Names")
        if names is not None and "/Dests" in names:
            tree = pikepdf.NameTree(names.Dests)
            found = tree.get(key)
        if found is None and "/Dests" in src.Root:
            found = src.Root.Dests.get("/" + key)
        if found is None:
            return None
        dest = found.get("/D") if isinstance(found, pikepdf.Dictionary) else found
    if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0], pikepdf.Dictionary):
        return pages.get(dest[0].objgen)
    if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0], int):
        return int(dest[0])
    return None


def _bundle_goto(page: Any) -> Any:
    """Explicit destination keeping the reader's zoom (UK e-bundle guidance: zoom inherit)."""
    import pikepdf

    return pikepdf.Array([page, pikepdf.Name.XYZ, None, None, None])


def _bundle_outline_copy(src: Any, items: Sequence[Any], targets: Sequence[Any],
                  pages: dict[tuple[int, int], int]) -> list[Any]:
    """A dossier's outline re-pointed at its pages inside the bundle (`targets`)."""
    import pikepdf

    out = []
    for item in items:
        dest = item.destination
        if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
            dest = item.action.get("/D")
        index = _bundle_dest_index(src, dest, pages) if dest is not None else None
        target = targets[index if index is not None and 0 <= index < len(targets) else 0]
        copy = pikepdf.OutlineItem(item.title, _bundle_goto(target))
        copy.children.extend(_bundle_outline_copy(src, item.children, targets, pages))
        out.append(copy)
    return out


def _bundle_fix_named_links(src: Any, targets: Sequence[Any], pages: dict[tuple[int, int], int]) -> None:
    """Links inside a dossier that jump by name would point nowhere in the bundle (its name
    tree is not copied): turn them into explicit jumps to the copied page."""
    import pikepdf

    for page in targets:
        for annot in page.get("/Annots", ()):
            dest = annot.get("/Dest")
            action = annot.get("/A")
            if dest is None and action is not None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if not isinstance(dest, (pikepdf.String, pikepdf.Name)):
                continue
            index = _bundle_dest_index(src, dest, pages)
            if index is None or not 0 <= index < len(targets):
                continue
            if "/A" in annot:
                del annot["/A"]
            annot.Dest = _bundle_goto(targets[index])


def bundle(out: Path, front: bytes, parts: Sequence[BundlePart],
           sections: Sequence[BundleSection], front_title: str, stamps: bytes,
           labels: Sequence[str], metadata: dict[str, str]) -> int:
    """Write the joint bundle: front matter, then every part, stamped and bookmarked.

    `stamps` has one page per bundle page (render.joint.stamps); each is placed at the visible
    top right. Page labels equal `labels`; the outline has the front-matter sections, then one
    entry per claimant holding its dossier's own outline. Front-matter links
    `evidence-claimant:<n>` become jumps to claimant n's first page. Returns the page count.
    Writes to a temporary file beside `out` and renames it into place.
    """
    import io

    import pikepdf

    sources: list[Any] = []  # qpdf reads stream data from these while saving: keep them open
    try:
        pdf = pikepdf.new()
        head = pikepdf.open(io.BytesIO(front))
        sources.append(head)
        pdf.pages.extend(head.pages)
        front_count = len(head.pages)
        outlines: list[tuple[str, int, Any, dict[tuple[int, int], int]]] = []
        for part in parts:
            src = pikepdf.open(part.pdf if isinstance(part.pdf, Path) else io.BytesIO(part.pdf))
            sources.append(src)
            outlines.append((part.title, len(pdf.pages), src,
                             {p.obj.objgen: i for i, p in enumerate(src.pages)}))
            pdf.pages.extend(src.pages)
        page_objs = [p.obj for p in pdf.pages]  # pdf.pages[i] is slow on big documents
        total = len(page_objs)
        if len(labels) != total:
            raise ValueError(f"{len(labels)} labels for {total} bundle pages")
        starts = [first for _, first, _, _ in outlines]
        ends = [*starts[1:], total]

        claimant_items = []
        for (title, first, src, index), end in zip(outlines, ends, strict=True):
            targets = page_objs[first:end]
            _bundle_fix_named_links(src, targets, index)
            entry = pikepdf.OutlineItem(title, _bundle_goto(targets[0]))
            if "/Outlines" in src.Root:
                entry.children.extend(
                    _bundle_outline_copy(src, src.open_outline().root, targets, index))
            claimant_items.append(entry)

        stamp_pdf = pikepdf.open(io.BytesIO(stamps))
        sources.append(stamp_pdf)
        if len(stamp_pdf.pages) != total:
            raise ValueError(f"{len(stamp_pdf.pages)} stamps for {total} bundle pages")
        sw, sh = (float(v) for v in stamp_pdf.pages[0].mediabox[2:4])
        for page, stamp_page in zip(pdf.pages, stamp_pdf.pages, strict=True):
            form = pdf.copy_foreign(stamp_page.as_form_xobject())
            matrix, vw, vh = _bundle_view(page)
            place = _bundle_translate(matrix, vw - BUNDLE_STAMP_MARGIN - sw, vh - BUNDLE_STAMP_MARGIN - sh)
            # A private copy of the resources: dossier pages may share one dictionary.
            resources = pikepdf.Dictionary(
                {k: v for k, v in page.obj.get("/Resources", pikepdf.Dictionary()).items()})
            xobjects = pikepdf.Dictionary(
                {k: v for k, v in resources.get("/XObject", pikepdf.Dictionary()).items()})
            xobjects["/EvBundleStamp"] = form
            resources["/XObject"] = xobjects
            page.obj.Resources = resources
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            cm = " ".join(f"{v:.4f}".rstrip("0").rstrip(".") for v in place)
            page.contents_add(pikepdf.Stream(pdf, f"Q q {cm} cm /EvBundleStamp Do Q\n".encode()))

        # front-matter links -> the claimant's first page
        for front_page in page_objs[:front_count]:
            for annot in front_page.get("/Annots", ()):
                action = annot.get("/A")
                uri = str(action.get("/URI", "")) if action is not None else ""
                if uri.startswith(CLAIMANT_LINK):
                    del annot["/A"]
                    annot.Dest = _bundle_goto(page_objs[starts[int(uri[len(CLAIMANT_LINK):]) - 1]])

        with pdf.open_outline() as outline:
            top = pikepdf.OutlineItem(front_title, _bundle_goto(page_objs[0]))
            top.children.extend(pikepdf.OutlineItem(s.title, _bundle_goto(page_objs[s.page]))
                                for s in sections)
            outline.root.append(top)
            outline.root.extend(claimant_items)
        pdf.Root.PageLabels = pikepdf.Dictionary(Nums=pikepdf.Array(_bundle_label_nums(labels)))
        pdf.Root.PageMode = pikepdf.Name.UseOutlines
        pdf.docinfo = pdf.make_indirect(pikepdf.Dictionary(
            {f"/{k}": pikepdf.String(v) for k, v in sorted(metadata.items())}))
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.partial")
        pdf.save(tmp, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        tmp.replace(out)
        return total
    finally:
        for src in sources:
            src.close()

"""PDF/A-2b for courts that ask for it (`build --pdfa`): applied to a built dossier in place.

What it does to the written file:
- XMP metadata with the pdfaid schema (part 2, conformance B), its Dublin Core and dates taken
  from the document information dictionary, so the two agree;
- an sRGB OutputIntent (an ICC profile made by Pillow's littleCMS, written into the file), the
  colour space every DeviceRGB/DeviceGray image and drawing is then interpreted in;
- the print flag on every annotation (links), and no hidden ones;
- no embedded files (PDF/A-2 allows only PDF/A attachments: the manifest goes beside the PDF),
  no JavaScript, no additional actions;
- fonts: ours are always embedded. A page merged from a victim's PDF that uses a font the PDF
  does not embed cannot be made PDF/A by embedding (we do not have the victim's font, and a
  substitute would change the glyphs): that page is rasterised as displayed (pdftoppm, 200 dpi)
  with our Bates stamp kept on top as text, and the page is named in the build's warnings and in
  the manifest ("pdfa.rasterised"). The text of the original stays untouched in the original
  file; it is the dossier's copy of the page that becomes an image.

Not checked here: full ISO 19005-2 validation (no veraPDF on this machine); see the README.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import Any

import pikepdf

from evidence import verify

SRGB = "sRGB IEC61966-2.1"
RASTER_DPI = 200


@dataclasses.dataclass(frozen=True)
class Result:
    rasterised: tuple[int, ...]  # 1-based pages turned into images (fonts not embedded)
    fonts: tuple[str, ...]  # the fonts that were missing on them


def srgb_profile() -> bytes:
    """An sRGB ICC profile, made by littleCMS through Pillow (no file to ship or fetch).

    littleCMS writes the time it made the profile into its header: that is set to a fixed date
    (and the profile ID, an MD5 over the header, recomputed) so two builds stay identical."""
    import hashlib
    import struct

    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36] = struct.pack(">6H", 2015, 3, 18, 0, 0, 0)
    if any(data[84:100]):
        data[84:100] = bytes(16)
        masked = bytearray(data)
        masked[44:48] = masked[64:68] = bytes(4)  # flags and rendering intent (ICC.1 7.2.18)
        data[84:100] = hashlib.md5(masked, usedforsecurity=False).digest()
    return bytes(data)


def convert(pdf: Path, when: dt.date | None = None) -> Result:
    """Make `pdf` PDF/A-2b in place (rewritten atomically by the caller's work folder)."""
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        if doc.is_encrypted:
            raise ValueError(f"{pdf.name}: an encrypted PDF cannot be PDF/A")
        rasterised, fonts = _fonts(doc, pdf)
        _strip(doc)
        _annotations(doc)
        _output_intent(doc)
        _xmp(doc, when)
        # the same writing rules as the dossier (classic xref, streams as they are), and the
        # file's own /ID kept: two builds stay byte-identical
        doc.save(pdf, static_id=True, compress_streams=False, min_version="1.7",
                 stream_decode_level=pikepdf.StreamDecodeLevel.none,
                 object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return Result(tuple(rasterised), tuple(sorted(fonts)))


# ---- fonts --------------------------------------------------------------------------------------


def bare_fonts(res: Any, seen: set[tuple[int, int]] | None = None, depth: int = 0) -> set[str]:
    """Fonts without an embedded font program used by these resources (and their forms)."""
    seen = seen if seen is not None else set()
    out: set[str] = set()
    if res is None or depth > 8:
        return out
    fonts = res.get("/Font")
    for font in fonts.values() if fonts is not None else ():
        if font.is_indirect:
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
        if font.get("/Subtype") == "/Type3":
            out |= bare_fonts(font.get("/Resources"), seen, depth + 1)
            continue
        desc = font.get("/FontDescriptor")
        if font.get("/Subtype") == "/Type0":
            kids = font.get("/DescendantFonts")
            desc = kids[0].get("/FontDescriptor") if kids else None
        if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            out.add(str(font.get("/BaseFont", "?")).lstrip("/"))
    xobjs = res.get("/XObject")
    for x in xobjs.values() if xobjs is not None else ():
        if x.get("/Subtype") == "/Form" and not (x.is_indirect and x.objgen in seen):
            if x.is_indirect:
                seen.add(x.objgen)
            out |= bare_fonts(x.get("/Resources"), seen, depth + 1)
    return out


def _fonts(doc: pikepdf.Pdf, path: Path) -> tuple[list[int], set[str]]:
    pages: list[int] = []
    names: set[str] = set()
    for i, page in enumerate(doc.pages):
        missing = bare_fonts(verify.inherited_resources(page.obj))
        if missing:
            _rasterise(doc, i, path)
            pages.append(i + 1)
            names |= missing
    return pages, names


def _is_stamp(stream: Any) -> bool:
    try:
        return b"/EvStamp" in bytes(stream.read_bytes())
    except pikepdf.PdfError:
        return False


def _rasterise(doc: pikepdf.Pdf, index: int, path: Path) -> None:
    """Replace page `index`'s drawing by an image of it as displayed, keeping our stamp (its own
    content stream, drawing the /EvStamp form) on top as text."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise ValueError(f"{path.name}: page {index + 1} uses fonts that are not embedded and "
                         "pdftoppm (poppler-utils) is not installed to rasterise it for PDF/A; "
                         "install poppler-utils or build without --pdfa.")
    page = doc.pages[index].obj
    contents = page.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    stamps = [s for s in streams if _is_stamp(s)]
    box = [float(x) for x in page.MediaBox]
    with tempfile.TemporaryDirectory(prefix="evidence-pdfa-") as tmp:
        one = pikepdf.new()
        one.pages.append(doc.pages[index])
        copy = one.pages[0].obj
        own = copy.get("/Contents")
        own_streams = list(own) if isinstance(own, pikepdf.Array) else [own]
        copy.Contents = one.make_indirect(pikepdf.Array(
            [x for x in own_streams if x is not None and not _is_stamp(x)]))
        if "/Rotate" in copy:
            del copy["/Rotate"]  # drawn in the page's own space; the page keeps its rotation
        one.save(Path(tmp) / "page.pdf")
        subprocess.run([exe, "-r", str(RASTER_DPI), "-png", "-singlefile", str(Path(tmp) / "page.pdf"),
                        str(Path(tmp) / "page")], check=True, capture_output=True, timeout=300)
        from PIL import Image

        with Image.open(Path(tmp) / "page.png") as im:
            rgb = im.convert("RGB")
            width, height = rgb.size
            data = rgb.tobytes()
    image = doc.make_stream(zlib.compress(data, 6))
    image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    image.Width, image.Height, image.BitsPerComponent = width, height, 8
    image.ColorSpace, image.Filter = pikepdf.Name.DeviceRGB, pikepdf.Name.FlateDecode
    res = pikepdf.Dictionary(XObject=pikepdf.Dictionary(EvRaster=image))
    old = verify.inherited_resources(page)
    xobjs = old.get("/XObject") if old is not None else None
    if xobjs is not None and "/EvStamp" in xobjs:
        res.XObject.EvStamp = xobjs.EvStamp
    page.Resources = res
    w, h = box[2] - box[0], box[3] - box[1]
    draw = doc.make_stream(b"q %.4f 0 0 %.4f %.4f %.4f cm /EvRaster Do Q\n" % (w, h, box[0], box[1]))
    page.Contents = pikepdf.Array([draw, *stamps])


# ---- document level -----------------------------------------------------------------------------


def _strip(doc: pikepdf.Pdf) -> None:
    names = doc.Root.get("/Names")
    if names is not None:
        for key in ("/EmbeddedFiles", "/JavaScript"):
            if key in names:
                del names[key]
    for key in ("/AA", "/AF"):
        if key in doc.Root:
            del doc.Root[key]
    action = doc.Root.get("/OpenAction")
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") != "/GoTo":
        del doc.Root["/OpenAction"]


def _annotations(doc: pikepdf.Pdf) -> None:
    for page in doc.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
        for annot in page.obj.get("/Annots") or ():
            flags = int(annot.get("/F", 0))
            annot.F = (flags | 4) & ~(1 | 2 | 32)  # print; not invisible, hidden or no-view


def _output_intent(doc: pikepdf.Pdf) -> None:
    icc = doc.make_stream(srgb_profile())
    icc.N = 3
    intent = pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1,
                                OutputConditionIdentifier=pikepdf.String(SRGB),
                                Info=pikepdf.String(SRGB), DestOutputProfile=icc)
    doc.Root.OutputIntents = pikepdf.Array([doc.make_indirect(intent)])


def _xmp(doc: pikepdf.Pdf, when: dt.date | None) -> None:
    with doc.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta.load_from_docinfo(doc.docinfo, delete_missing=False, raise_failure=False)
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        if when is not None:  # the build date, as in /CreationDate: reproducible
            stamp = dt.datetime(when.year, when.month, when.day, tzinfo=dt.UTC).isoformat()
            meta["xmp:CreateDate"] = meta["xmp:ModifyDate"] = meta["xmp:MetadataDate"] = stamp


def read_xmp(pdf: Path) -> dict[str, str]:
    """pdfaid and a few Dublin Core fields read back from the file's XMP (for checks)."""
    with pikepdf.open(pdf) as doc:
        meta = doc.open_metadata()
        keys = ("pdfaid:part", "pdfaid:conformance", "dc:title", "xmp:CreateDate")
        return {k: str(meta.get(k, "")) for k in keys}


def write_beside(pdf: Path, manifest: bytes) -> Path:
    """PDF/A-2 forbids non-PDF/A attachments: the manifest goes next to the PDF."""
    target = pdf.with_name(pdf.name + ".manifest.json")
    target.write_bytes(manifest)
    return target

"""stamp: Bates stamps on any page geometry, page labels, links, images placed without re-encoding."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject
from reportlab.pdfgen.canvas import Canvas

from evidence import geometry, layout
from evidence.pdf import assemble as stamp
from evidence.render import dossier as render
from evidence.render import fonts as fonts_mod
from evidence.render import images

POPPLER = shutil.which("pdftotext") is not None


def write(doc: stamp.Dossier, out: Path) -> str:
    """The dossier written as the pipeline writes it; returns the SHA-256 finish reports."""
    return stamp.finish(doc, out, info={"Title": "t"}, when=None, attachments={}, file_id="test")


def _source(path: Path) -> None:
    """Eight pages: each rotation, with and without a CropBox offset from the MediaBox."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(600, 800), invariant=1)
    for n in range(8):
        c.drawString(100, 700, f"original text {n}")
        c.showPage()
    c.save()
    w = PdfWriter()
    for n, p in enumerate(PdfReader(io.BytesIO(buf.getvalue())).pages):
        w.add_page(p)
        page = w.pages[n]
        if n % 4:
            page.rotate(90 * (n % 4))
        if n >= 4:
            page.cropbox = RectangleObject((40, 60, 520, 760))
    with path.open("wb") as f:
        w.write(f)


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_stamp_lands_bottom_right_as_displayed_for_every_rotation_and_crop(tmp_path: Path) -> None:
    src = tmp_path / "src.pdf"
    _source(src)
    out = tmp_path / "out.pdf"
    labels = [f"EV-V9-{n:06d}" for n in range(1, 9)]
    with stamp.Dossier() as doc:
        stamp.add_pdf(doc, src)
        stamp.stamp_pages(doc, render.stamp_text(labels, fonts_mod.register()),
                          right=render.STAMP_RIGHT, bottom=render.STAMP_BOTTOM)
        stamp.page_labels(doc, layout.label_ranges("{prefix}-{victim}-{page:06d}", "EV", "V9", 8))
        write(doc, out)
    assert list(PdfReader(out).page_labels) == labels
    for n in range(8):
        # render the displayed page and look where the dark stamp pixels are
        png = tmp_path / f"p{n}"
        subprocess.run(["pdftoppm", "-cropbox", "-r", "72", "-gray", "-f", str(n + 1), "-l", str(n + 1),
                        "-singlefile", "-png", str(out), str(png)], check=True)
        im = Image.open(f"{png}.png").convert("L")
        w, h = im.size
        displayed = (480, 700) if n >= 4 else (600, 800)
        if n % 2:
            displayed = displayed[::-1]
        assert (w, h) == displayed, n
        corner = im.crop((int(w * 0.6), int(h * 0.93), w, h))
        assert corner.getextrema()[0] < 100, f"page {n}: no stamp in the bottom-right corner"
        text = subprocess.run(["pdftotext", "-f", str(n + 1), "-l", str(n + 1), str(out), "-"],
                              capture_output=True, check=True).stdout.decode()
        assert labels[n] in text and f"original text {n}" in text


def test_display_to_user_maps_the_displayed_corner_inside_the_crop() -> None:
    for rot in (0, 90, 180, 270):
        v = geometry.View(40, 60, 480, 700, rot)
        a, b, c, d, e, f = geometry.display_to_user(v)
        dw, dh = v.size
        for u, w_ in ((0, 0), (dw, 0), (0, dh), (dw, dh)):
            x, y = a * u + c * w_ + e, b * u + d * w_ + f
            assert 40 - 1e-6 <= x <= 520 + 1e-6 and 60 - 1e-6 <= y <= 760 + 1e-6, (rot, u, w_)


def test_links_become_page_destinations(tmp_path: Path) -> None:
    from evidence.render import common

    buf = io.BytesIO()
    c = common.LinkCanvas(buf, invariant=1)
    c.linkURL("evidence-page:3", (10, 10, 100, 30))
    c.translate(50, 100)
    c.linkURL("evidence-page:2", (10, 10, 100, 30), relative=1)
    c.linkURL("https://example.org", (10, 40, 100, 60))
    for _ in range(3):
        c.showPage()
    c.save()
    assert c.links == [(1, (10, 10, 100, 30), 3), (1, (60, 110, 150, 130), 2)]
    (tmp_path / "src.pdf").write_bytes(buf.getvalue())
    out = tmp_path / "l.pdf"
    with stamp.Dossier() as doc:
        stamp.add_pdf(doc, tmp_path / "src.pdf")
        assert stamp.add_links(doc, [(p - 1, r, t) for p, r, t in [*c.links, (1, (0, 0, 1, 1), 9)]]
                               ) == 2  # a page that does not exist gets no link
        write(doc, out)
    r = PdfReader(out)
    annots = [a.get_object() for a in r.pages[0]["/Annots"]]
    dests = [a for a in annots if "/Dest" in a]
    assert [r.get_page_number(a["/Dest"][0].get_object()) for a in dests] == [2, 1]
    assert [[float(v) for v in a["/Rect"]] for a in dests] == [[10, 10, 100, 30], [60, 110, 150, 130]]
    assert any(a.get("/A", {}).get("/URI") == "https://example.org" for a in annots)


def _idat(png: Path) -> bytes:
    data, pos, out = png.read_bytes(), 8, b""
    while pos < len(data):
        n = int.from_bytes(data[pos:pos + 4], "big")
        if data[pos + 4:pos + 8] == b"IDAT":
            out += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    return out


def test_images_are_placed_with_their_original_bytes(tmp_path: Path) -> None:
    jpg, png, pal = tmp_path / "a.jpg", tmp_path / "b.png", tmp_path / "c.png"
    Image.effect_noise((300, 650), 60).convert("RGB").save(jpg, quality=80)
    Image.effect_noise((300, 650), 60).convert("RGB").save(png)
    Image.effect_noise((300, 650), 60).convert("P").save(pal)  # palette: the img2pdf path
    infos = [images.prepare(p, tmp_path / f"{p.stem}.pdf") for p in (jpg, png, pal)]
    assert [i.raster is not None for i in infos] == [True, True, False]
    assert infos[2].pdf is not None and infos[2].pdf.is_file()
    assert all(i.size == (300, 650) for i in infos[:2])
    spots = [stamp.ImageSpot(0, layout.Box(20 + 190 * n, 100, 180, 400), i.raster, i.pdf)
             for n, i in enumerate(infos)]
    out = tmp_path / "i.pdf"
    with stamp.Dossier() as doc:
        doc.pdf.add_blank_page(page_size=(595, 842))
        stamp.place_images(doc, spots)
        write(doc, out)
    xobjs = [x.get_object() for x in PdfReader(out).pages[0]["/Resources"]["/XObject"].values()]
    assert sorted(str(x["/Filter"]) for x in xobjs) == ["/DCTDecode", "/FlateDecode", "/FlateDecode"]
    streams = {x._data for x in xobjs}
    assert jpg.read_bytes() in streams  # the JPEG file, byte for byte
    assert _idat(png) in streams  # the PNG's compressed data, never decompressed
    # and every image decodes to its original pixels
    if shutil.which("pdfimages"):
        subprocess.run(["pdfimages", "-png", str(out), str(tmp_path / "x")], check=True)
        got = sorted(Image.open(p).convert("RGB").tobytes() for p in tmp_path.glob("x-*.png"))
        want = sorted(Image.open(p).convert("RGB").tobytes() for p in (png, pal))
        assert want[0] in got and want[1] in got


def test_damaged_images_are_reported_not_rendered(tmp_path: Path) -> None:
    png = tmp_path / "c.png"
    Image.effect_noise((200, 200), 60).convert("RGB").save(png)
    data = png.read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    (tmp_path / "flip.png").write_bytes(bytes(flipped))
    for name in ("cut.png", "flip.png"):
        info = images.prepare(tmp_path / name, tmp_path / f"{name}.pdf")
        assert info.pdf is None and info.error and re.search("PNG|CRC", info.error)
    corpus = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "images"
    heic = corpus / "exif-samples__IMG_5195.HEIC"
    if heic.exists():  # Pillow cannot decode HEIC here: an error page, never a crash
        info = images.prepare(heic, tmp_path / "h.pdf")
        assert info.pdf is None and info.error


def test_alpha_png_is_flattened_onto_white(tmp_path: Path) -> None:
    src = tmp_path / "alpha.png"
    Image.new("RGBA", (40, 80), (255, 0, 0, 128)).save(src)
    info = images.prepare(src, tmp_path / "alpha.pdf")
    assert info.pdf is not None and info.size is not None
    assert info.size[1] > info.size[0]


def test_spliced_images_leave_an_exact_xref(tmp_path: Path) -> None:
    """Image bytes go in after qpdf wrote the file: every xref entry must still point at its
    object (a reader would otherwise silently rebuild the table) and qpdf finds nothing wrong."""
    rasters = []
    for n in range(4):  # JPEGs and multi-IDAT PNGs of different sizes around each other
        im = Image.effect_noise((120 + 40 * n, 90), 60).convert("RGB")
        path = tmp_path / f"i{n}.{'jpg' if n % 2 else 'png'}"
        im.save(path, **({"quality": 85} if n % 2 else {"compress_level": 1}))
        rasters.append(images.prepare(path, tmp_path / f"i{n}.pdf").raster)
    out = tmp_path / "x.pdf"
    with stamp.Dossier() as doc:
        for _ in range(2):
            doc.pdf.add_blank_page(page_size=(595, 842))
        stamp.place_images(doc, [stamp.ImageSpot(n % 2, layout.Box(20, 20 + 150 * n, 100, 100), r)
                                 for n, r in enumerate(rasters)])
        sha = write(doc, out)
    data = out.read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha
    start = int(data[data.rindex(b"startxref") + 9:].split()[0])
    assert data[start:start + 4] == b"xref"
    count = int(data[start:].split(b"\n")[1].split()[1])
    table = data[start:].split(b"\n")[2:2 + count]
    for num, entry in enumerate(table):
        if entry.endswith(b" n "):
            offset = int(entry[:10])
            assert data[offset:].startswith(b"%d 0 obj" % num), num
    assert b"evidence-raster" not in data
    if shutil.which("qpdf"):
        done = subprocess.run(["qpdf", "--check", str(out)], capture_output=True, text=True)
        assert done.returncode == 0 and "WARNING" not in done.stdout + done.stderr, done.stdout

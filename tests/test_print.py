"""Duplex print profile: recto starts, marked blank versos, alternating binding gutter."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from evidence import layout
from evidence.pdf import assemble as stamp
from evidence.pdf import duplex
from evidence.render import dossier as render_dossier
from evidence.render import fonts, printing


@given(st.integers(1, 60).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(0, n - 1)))))
def test_recto_rule(case: tuple[int, set[int]]) -> None:
    total, starts = case
    plan = layout.recto(sorted(starts | {0}), total)
    assert all(plan.final[s] % 2 == 0 for s in starts)  # 0-based even = odd page number = recto
    assert list(plan.final) == sorted(plan.final) and len(set(plan.final)) == total
    assert sorted([*plan.final, *plan.blanks]) == list(range(plan.total))  # continuous numbering
    for b in plan.blanks:  # a blank is only ever inserted right before a part start
        assert plan.final.index(b + 1) in starts


def pages_with_boxes(path: Path, n: int) -> Path:
    canv = Canvas(str(path), pagesize=A4, invariant=1)
    for i in range(n):
        canv.rect(50, 50, A4[0] - 100, A4[1] - 100, fill=1)
        canv.drawString(60, A4[1] - 40, f"page {i + 1}")
        canv.linkURL("https://example.org", (60, 60, 160, 80))
        canv.showPage()
    canv.save()
    return path


def ink_columns(pdf: Path, folder: Path) -> list[tuple[int, int] | None]:
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(pdf), str(folder / "p")], check=True)
    out: list[tuple[int, int] | None] = []
    for png in sorted(folder.glob("p-*.pgm")):
        im = Image.open(png)
        px = im.load()
        assert px is not None
        xs = [x for x in range(im.width) for y in range(0, im.height, 4) if px[x, y] < 128]
        out.append((min(xs), max(xs)) if xs else None)
    return out


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler not installed")
def test_blanks_marked_and_gutter_alternates(tmp_path: Path) -> None:
    raw = pages_with_boxes(tmp_path / "raw.pdf", 5)
    plan = layout.recto([0, 1, 3], 5)  # sections start on raw pages 1, 2 and 4
    assert plan.blanks == (1,) and plan.total == 6
    body = fonts.register().body
    blank = printing.blank_page(tmp_path / "blank.pdf", A4, body, "zh-Hans")
    gutter = duplex.gutter_pt({"print": {"gutter_mm": 15}})
    out = tmp_path / "duplex.pdf"
    with stamp.Dossier() as doc:
        stamp.add_pdf(doc, raw)
        duplex.insert_blanks(doc, plan, blank)
        duplex.apply_gutter(doc, gutter)
        stamp.finish(doc, out, info={}, when=None, attachments={}, file_id="t")
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 6
    assert "此页有意留白" in reader.pages[1].extract_text()
    assert "This page intentionally left blank" in reader.pages[1].extract_text()
    texts = [p.extract_text().strip() for p in reader.pages]
    assert [t for i, t in enumerate(texts) if i != 1] == [f"page {i}" for i in range(1, 6)]
    cols = ink_columns(out, tmp_path)
    odd, even = cols[0], cols[3]  # page 1 (recto) and page 4 (verso)
    assert odd is not None and even is not None
    assert odd[0] > even[0] and odd[1] > even[1]  # recto content sits further right
    width_px = 20 / 72 * A4[0]
    gutter_px = 20 / 72 * gutter
    assert odd[0] >= gutter_px and even[1] <= width_px - gutter_px  # nothing in the gutter
    # link rectangles follow the content
    rect = [float(v) for v in reader.pages[0]["/Annots"][0].get_object()["/Rect"]]
    assert rect[0] > 60 and rect[2] < 160 + gutter


# ---- a real dossier built with --print duplex --tabs --grayscale ---------------------------------


def word_boxes(pdf: Path) -> list[dict[str, tuple[float, float, float, float]]]:
    """Per page as displayed (crop box, rotation): word -> (xMin, yMin, xMax, yMax)."""
    import re

    html = subprocess.run(["pdftotext", "-cropbox", "-bbox", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                      r"([^<]+)</word>")
    return [{m[4]: (float(m[0]), float(m[1]), float(m[2]), float(m[3]))
             for m in word.findall(page)} for page in html.split("<page ")[1:]]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler not installed")
def test_gutter_keeps_rotated_and_cropped_pages_as_displayed(tmp_path: Path) -> None:
    """A merged original with /Rotate and a CropBox is turned upright for the gutter: it must
    look as before, only scaled away from the binding edge, stamp included."""
    from test_assemble import _source  # eight pages: every rotation, with and without a crop

    src = tmp_path / "src.pdf"
    _source(src)
    labels = [f"EV-V9-{n:06d}" for n in range(1, 9)]
    gutter = duplex.gutter_pt({"print": {"gutter_mm": 15}})
    for name, on in (("plain", False), ("gutter", True)):
        with stamp.Dossier() as doc:
            stamp.add_pdf(doc, src)
            stamp.stamp_pages(doc, render_dossier.stamp_text(labels, fonts.register()),
                              right=render_dossier.STAMP_RIGHT, bottom=render_dossier.STAMP_BOTTOM)
            sizes = stamp.page_sizes(doc)
            if on:
                duplex.apply_gutter(doc, gutter)
                assert stamp.page_sizes(doc) == sizes
            stamp.finish(doc, tmp_path / f"{name}.pdf", info={}, when=None, attachments={},
                         file_id=name)
    with pikepdf.open(tmp_path / "gutter.pdf") as done:
        assert all(int(p.obj.get("/Rotate", 0)) == 0 for p in done.pages)
    plain, moved = word_boxes(tmp_path / "plain.pdf"), word_boxes(tmp_path / "gutter.pdf")
    for n, (before, after, label) in enumerate(zip(plain, moved, labels, strict=True)):
        width = sizes[n][0]
        s = (width - gutter) / width
        for k in (0, 1):  # "original" to the stamp: the same vector, scaled, not turned
            was = before[label][k] - before["original"][k]
            now = after[label][k] - after["original"][k]
            assert abs(now - was * s) < 0.5, (n, k, was, now)
        left = min(b[0] for b in after.values())
        right = max(b[2] for b in after.values())
        if n % 2 == 0:  # a recto: nothing in the binding gutter on the left
            assert left >= gutter - 0.5, (n, left)
        else:
            assert right <= width - gutter + 0.5, (n, right)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from evidence import config, pipeline, sample

    root = tmp_path_factory.mktemp("duplex")
    case_dir = root / "case"
    sample.generate(case_dir, victims=1, seed=3, scale="small")
    case, _ = config.load_case(case_dir)
    vid = config.victim_ids(case)[0]
    options = pipeline.Options(print_profile="duplex", tabs=True, grayscale=True)
    result = pipeline.build_victim(case, vid, root / "out", options)
    simplex = pipeline.build_victim(case, vid, root / "simplex")
    return {"case": case_dir, "pdf": result.dossier, "result": result, "simplex": simplex,
            "vid": vid}


def outline_pages(reader: pypdf.PdfReader) -> list[tuple[int, int, str]]:
    """(depth, 1-based page, title) of every bookmark."""
    out: list[tuple[int, int, str]] = []

    def walk(items: list[object], depth: int) -> None:
        for it in items:
            if isinstance(it, list):
                walk(it, depth + 1)
            else:
                out.append((depth, reader.get_destination_page_number(it) + 1, it.title))  # type: ignore[arg-type, attr-defined]

    walk(reader.outline, 0)  # type: ignore[arg-type]
    return out


def page_texts(pdf: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def stamp_boxes(pdf: Path, labels: list[str]) -> list[tuple[float, float]]:
    """(xMin, xMax) of the Bates stamp word on each page, from `pdftotext -bbox`."""
    import re

    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    pages = html.split("<page ")[1:]
    out = []
    for page, label in zip(pages, labels, strict=True):
        m = re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">'
                      + re.escape(label) + "</word>", page)
        assert m, label
        out.append((float(m.group(1)), float(m.group(2))))
    return out


def content_left(pdf: Path) -> list[float]:
    """Smallest xMin of any word on each page."""
    import re

    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    return [min((float(x) for x in re.findall(r'<word xMin="([\d.]+)"', p)), default=999.0)
            for p in html.split("<page ")[1:]]


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler not installed")


@needs_poppler
def test_every_section_and_exhibit_starts_on_a_recto(built: dict[str, object]) -> None:
    pdf = built["pdf"]
    assert isinstance(pdf, Path)
    reader = pypdf.PdfReader(pdf)
    marks = outline_pages(reader)
    sections = [(p, t) for d, p, t in marks if d == 0]
    exhibits = [(p, t) for d, p, t in marks if d == 1]
    assert len(sections) >= 6 and len(exhibits) >= 4  # cover…chronology, exhibits, custody
    assert all(p % 2 == 1 for p, _ in sections + exhibits), sections + exhibits
    texts = page_texts(pdf)
    blanks = [i + 1 for i, t in enumerate(texts) if "此页有意留白" in t]
    assert blanks, "the sample needs blank versos"
    assert all(b % 2 == 0 for b in blanks)  # only ever a verso
    starts = {p for p, _ in sections + exhibits} | {p for d, p, _ in marks if d == 2}
    # a blank sits right before a start (or between a tab sheet and its exhibit)
    assert all(b + 1 in starts or (b - 1) in starts for b in blanks)
    # every exhibit bookmark lands on its tab sheet, which says the exhibit number big
    for page, title in exhibits:
        label = title.split()[0]
        assert texts[page - 1].split()[0] == label, (page, texts[page - 1][:40])


@needs_poppler
def test_bates_continuous_over_blank_pages(built: dict[str, object]) -> None:
    pdf, result = built["pdf"], built["result"]
    assert isinstance(pdf, Path)
    reader = pypdf.PdfReader(pdf)
    n = len(reader.pages)
    assert n == result.pages  # type: ignore[attr-defined]
    labels = [f"JD-{built['vid']}-{k:06d}" for k in range(1, n + 1)]
    assert list(reader.page_labels) == labels
    texts = page_texts(pdf)
    assert all(label in text for label, text in zip(labels, texts, strict=True))
    # the blank pages are counted: more pages than the simplex build, same content otherwise
    simplex = built["simplex"]
    blanks = sum("此页有意留白" in t for t in texts)
    tabs = sum(1 for d, _, _ in outline_pages(reader) if d == 1)
    assert n == simplex.pages + blanks + tabs  # type: ignore[attr-defined]


@needs_poppler
def test_gutter_alternates_and_stamps_move_with_content(built: dict[str, object]) -> None:
    pdf = built["pdf"]
    assert isinstance(pdf, Path)
    n = len(pypdf.PdfReader(pdf).pages)
    labels = [f"JD-{built['vid']}-{k:06d}" for k in range(1, n + 1)]
    stamps = stamp_boxes(pdf, labels)
    gutter = duplex.gutter_pt(None)
    width = A4[0]
    odd = [x for i, x in enumerate(stamps) if i % 2 == 0]
    even = [x for i, x in enumerate(stamps) if i % 2 == 1]
    # odd (recto) stamps sit further right than even (verso) ones, by about the gutter
    assert min(b for _, b in odd) > max(b for _, b in even) + gutter * 0.8
    assert all(b <= width for _, b in odd)
    assert all(b <= width - gutter for _, b in even)  # nothing in the verso's gutter
    lefts = content_left(pdf)
    assert all(x >= gutter for i, x in enumerate(lefts) if i % 2 == 0)  # recto: gutter left
    simplex = built["simplex"]
    plain = stamp_boxes(simplex.dossier, [f"JD-{built['vid']}-{k:06d}"  # type: ignore[attr-defined]
                                          for k in range(1, simplex.pages + 1)])  # type: ignore[attr-defined]
    assert len({round(b) for _, b in plain}) == 1  # no gutter: every stamp in the same place


def test_links_land_on_the_exhibits_after_blanks(built: dict[str, object]) -> None:
    from evidence import verify

    pdf = built["pdf"]
    assert isinstance(pdf, Path)
    reader = pypdf.PdfReader(pdf)
    starts = {p for d, p, _ in outline_pages(reader) if d >= 1}
    with pikepdf.open(pdf) as doc:
        targets = {p for p in verify.link_pages(doc) if p is not None}
    items = {p for d, p, _ in outline_pages(reader) if d == 2}
    assert targets and items and items <= targets  # the evidence list links every item
    assert all(t <= len(reader.pages) for t in targets)
    blank_pages = {i + 1 for i, p in enumerate(reader.pages) if "有意留白" in p.extract_text()}
    assert not targets & blank_pages and not starts & blank_pages


def test_grayscale_images_are_device_gray(built: dict[str, object]) -> None:
    pdf = built["pdf"]
    assert isinstance(pdf, Path)
    spaces = []
    for page in pypdf.PdfReader(pdf).pages:
        res = page.get("/Resources")
        xobjs = res.get_object().get("/XObject") if res is not None else None
        for x in (xobjs.get_object() if xobjs is not None else {}).values():
            x = x.get_object()
            if x.get("/Subtype") == "/Image":
                spaces.append(str(x["/ColorSpace"]))
    assert spaces and set(spaces) == {"/DeviceGray"}
    simplex = built["simplex"]
    colour = []
    for page in pypdf.PdfReader(simplex.dossier).pages:  # type: ignore[attr-defined]
        xobjs = page["/Resources"].get_object().get("/XObject")
        for x in (xobjs.get_object() if xobjs is not None else {}).values():
            if x.get_object().get("/Subtype") == "/Image":
                colour.append(str(x.get_object()["/ColorSpace"]))
    assert "/DeviceRGB" in colour  # the sample's screenshots are in colour without --grayscale


@needs_poppler
def test_cli_print_options_end_to_end(built: dict[str, object], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    import cli

    out = tmp_path / "out"
    args = ["build", str(built["case"]), "--victim", str(built["vid"]), "--out", str(out),
            "--print", "duplex", "--tabs", "--grayscale", "--redact"]
    res = CliRunner().invoke(cli.app, args)
    assert res.exit_code in (0, 3), res.output  # 3: the sample has files it rejects
    pdf = out / str(built["vid"]) / "dossier-redacted.pdf"
    assert pdf.is_file() and (pdf.parent / "dossier-redacted.pdf.sha256").is_file()
    assert not (pdf.parent / "dossier.pdf").exists()
    texts = page_texts(pdf)
    assert "送达副本（已脱敏）" in texts[0] and any("此页有意留白" in t for t in texts)
    assert "人工审查" in res.output  # images listed for manual review in the build report
    bad = CliRunner().invoke(cli.app, [*args[:6], "--print", "booklet"])
    assert bad.exit_code == 2 and "simplex or duplex" in bad.output


def test_template_decides_the_profile_unless_the_command_line_does() -> None:
    from evidence import pipeline, template

    assert pipeline.print_profile(pipeline.Options(), template.setup()) == "simplex"
    setup = {"print": {"profile": "duplex", "gutter_mm": 10}}
    assert pipeline.print_profile(pipeline.Options(), setup) == "duplex"
    assert pipeline.print_profile(pipeline.Options(print_profile="simplex"), setup) == "simplex"
    assert duplex.gutter_pt(setup) == pytest.approx(10 * 72 / 25.4)

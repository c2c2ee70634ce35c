"""Duplex print profile: recto starts, marked blank versos, alternating binding gutter."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from evidence import duplex
from evidence.render import fonts


@given(st.integers(1, 60).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(0, n - 1)))))
def test_recto_rule(case: tuple[int, set[int]]) -> None:
    total, starts = case
    plan = duplex.recto(sorted(starts | {0}), total)
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
    plan = duplex.recto([0, 1, 3], 5)  # sections start on raw pages 1, 2 and 4
    assert plan.blanks == (1,) and plan.total == 6
    body = fonts.register().body
    blank = duplex.blank_page(tmp_path / "blank.pdf", A4, body, "zh-Hans")
    writer = pypdf.PdfWriter(clone_from=raw)
    duplex.insert_blanks(writer, plan, blank)
    gutter = duplex.gutter_pt({"print": {"gutter_mm": 15}})
    duplex.apply_gutter(writer, gutter)
    out = tmp_path / "duplex.pdf"
    with out.open("wb") as f:
        writer.write(f)
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

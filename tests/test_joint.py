"""The joint bundle of a generated multi-victim case, read back from the files it wrote."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from evidence import batch, inventory, sample, verify
from evidence.render import joint as render_joint

VICTIMS = 5


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any], Any]:
    root = tmp_path_factory.mktemp("joint")
    case = root / "case"
    truth = sample.generate(case, victims=VICTIMS, seed=11, scale="small")
    out = root / "out"
    result = batch.build(case, out, jobs=2, tool="test")
    return case, out, truth.data, result


def test_analysis_matches_ground_truth(built: tuple[Path, Path, dict[str, Any], Any]) -> None:
    _, out, truth, result = built
    assert not result.failed
    data = json.loads((out / "joint" / "claims.json").read_text(encoding="utf-8"))
    shared_numbers = {s["number"]: s["claimants"] for s in data["shared_numbers"]}
    shared_domains = {s["domain"]: s["claimants"] for s in data["shared_domains"]}
    assert shared_numbers == truth["shared_numbers"]
    assert shared_domains == truth["shared_domains"]
    by_id = {v["id"]: v for v in truth["victims"]}
    for row in data["claimants"]:
        expected = by_id[row["id"]]
        assert row["callers"] == expected["fraud_numbers"]
        assert row["domains"] == expected["domains"]
        assert Decimal(row["amount_lost"]) == Decimal(expected["debit_total"])
        assert row["compensation"] == expected["compensation"]["status"]
        assert Decimal(row["amount_paid"]) == Decimal(expected["compensation"]["amount_paid"])
        assert row["name"] == expected["name"]
    assert Decimal(data["totals"]["amount_lost"]) == Decimal(truth["debit_total"])
    assert {c["status"]: c["claimants"] for c in data["compensation"]} == {
        k: truth["compensation_counts"].get(k, 0) for k in ("none", "registered", "agreement",
                                                            "paid")}
    assert sum(data["delays"].values()) == VICTIMS


def test_claims_csv_matches_claims_json(built: tuple[Path, Path, dict[str, Any], Any]) -> None:
    _, out, _, _ = built
    raw = (out / "joint" / "claims.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    data = json.loads((out / "joint" / "claims.json").read_text(encoding="utf-8"))
    col = {k: i for i, k in enumerate(batch.claims.COLUMNS)}
    for row, record in zip(rows[1:], data["claimants"], strict=True):
        assert Decimal(row[col["amount_lost"]]) == Decimal(record["amount_lost"])
        assert row[col["name"]] == record["name"]
        assert re.fullmatch(r"\d+\.\d\d", row[col["amount_lost"]])


def _pages_text(pdf: Path) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          check=True, text=True).stdout
    return text.split("\f")[:-1]


def test_bates_numbers_run_through_the_bundle(built: tuple[Path, Path, dict[str, Any], Any]
                                              ) -> None:
    _, out, _, result = built
    bundle = out / "joint" / "bundle.pdf"
    pages = _pages_text(bundle)
    assert len(pages) == result.bundle_pages
    front_pages = int(json.loads((out / "joint" / "claims.json").read_text(
        encoding="utf-8"))["claimants"][0]["pages"].split("-")[0]) - 1
    for n, text in enumerate(pages, start=1):
        # issue 17: one stamp, bottom right: the bundle number, then (a dossier's page) its own
        # stamp in brackets beneath: the last lines of the extracted page
        last = [line.strip() for line in text.splitlines() if line.strip()][-2:]
        if n <= front_pages:
            assert last[-1].endswith(f"JD-B-{n:06d}"), (n, last)
        else:
            assert last[0].endswith(f"JD-B-{n:06d}"), (n, last)
            assert re.fullmatch(r"（.*JD-V\d{3}-\d{6}）", last[1]), (n, last)
    with pikepdf.open(bundle) as pdf:
        labels = [pikepdf.Page(p).label for p in pdf.pages]
    assert labels == [f"JD-B-{n:06d}" for n in range(1, len(pages) + 1)]
    # each dossier's own number stays beneath: V001's first page sits where the index says
    data = json.loads((out / "joint" / "claims.json").read_text(encoding="utf-8"))
    for record in data["claimants"]:
        first, last = (int(x) for x in record["pages"].split("-"))
        assert f"JD-{record['id']}-000001" in pages[first - 1]
        assert f"JD-{record['id']}-{last - first + 1:06d}" in pages[last - 1]


def test_index_links_land_on_each_dossier_first_page(
        built: tuple[Path, Path, dict[str, Any], Any]) -> None:
    _, out, _, _ = built
    data = json.loads((out / "joint" / "claims.json").read_text(encoding="utf-8"))
    starts = [int(r["pages"].split("-")[0]) - 1 for r in data["claimants"]]
    with pikepdf.open(out / "joint" / "bundle.pdf") as pdf:
        index = {p.objgen: i for i, p in enumerate(pdf.pages)}
        outline_pages = []
        with pdf.open_outline() as outline:
            top = list(outline.root)
            for item in top[1:]:
                outline_pages.append(index[item.destination[0].objgen])
                assert item.children, "each claimant keeps its dossier's bookmarks"
                for child in item.children:
                    page = index[child.destination[0].objgen]
                    assert page >= outline_pages[-1]
            assert [c.title for c in top[0].children][:2] == ["封面", "原告索引"]
        targets: list[int] = []
        for page in pdf.pages[:starts[0]]:
            for annot in page.obj.get("/Annots", ()):
                dest = annot.get("/Dest")
                assert annot.get("/A") is None or "/URI" not in annot.A, "placeholder URI left"
                if dest is not None:
                    targets.append(index[dest[0].objgen])
    assert outline_pages == starts
    assert set(targets) == set(starts)
    assert len(targets) >= 3 * VICTIMS  # number, name and page range of every row


def test_fonts_embedded_and_front_matter_text(built: tuple[Path, Path, dict[str, Any], Any]
                                              ) -> None:
    _, out, truth, _ = built
    bundle = out / "joint" / "bundle.pdf"
    data = json.loads((out / "joint" / "claims.json").read_text(encoding="utf-8"))
    front_pages = int(data["claimants"][0]["pages"].split("-")[0]) - 1
    if shutil.which("pdffonts"):
        # what the joint layer writes (front matter and every page's bundle stamp) embeds its
        # font; victims' own PDFs merged as they are may not, which is not ours to change
        listing = subprocess.run(["pdffonts", "-l", str(front_pages), str(bundle)],
                                 capture_output=True, text=True, check=True).stdout
        assert listing.splitlines()[2:] and all(
            line.split()[-5] == "yes" for line in listing.splitlines()[2:]), listing
    with pikepdf.open(bundle) as pdf:
        cmaps: dict[Any, Any] = {}
        shown = {ch for page in pdf.pages for ch in verify.form_text(
            page.obj.Resources.XObject["/EvBundleStamp"].Resources, cmaps)}
        for page in pdf.pages:
            # the stamp draws one glyph form per character; each glyph's font is embedded;
            # no form is there for a character no stamp shows
            form = page.obj.Resources.XObject["/EvBundleStamp"]
            glyphs = list(form.Resources.XObject.values())
            assert len(glyphs) == len(shown) and set("JD-B-0123456789（）") <= shown
            for glyph in glyphs:
                for font in glyph.Resources.Font.values():
                    descendant = font.get("/DescendantFonts", [font])[0]
                    assert "/FontFile2" in descendant.FontDescriptor
    pages = _pages_text(bundle)
    front = "\n".join(pages[:4])
    assert "原告索引" in front and "跨受害人分析" in "\n".join(pages)
    for victim in truth["victims"]:
        assert victim["name"] in front
    with pikepdf.open(bundle) as pdf:
        assert str(pdf.docinfo["/Title"]) and "/Keywords" in pdf.docinfo


def test_bundle_link_placeholder_matches_stamp() -> None:
    assert render_joint.LINK_SCHEME == batch.bundle.CLAIMANT_LINK


def test_rotated_page_gets_its_stamp_bottom_right_as_displayed(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from evidence import template
    from evidence.pdf import bundle as stamp

    src = tmp_path / "d.pdf"
    c = canvas.Canvas(str(src), pagesize=A4, invariant=1)
    c.drawString(300, 100, "content")  # shown mid-left once rotated
    c.showPage()
    c.save()
    with pikepdf.open(src, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Rotate = 90
        pdf.save(src)
    labels = ["X-B-000001", "X-B-000002"]
    front = io.BytesIO()
    c = canvas.Canvas(front, pagesize=A4, invariant=1)
    c.drawString(100, 100, "front")
    c.showPage()
    c.save()
    face = render_joint.stamp_face(labels, template.setup())
    stamp.bundle(tmp_path / "b.pdf", front.getvalue(), [stamp.BundlePart("one", src)], [],
                 "front", lambda *_: (labels, face), {"Title": "t"}, render_joint.STAMP_SIZE)
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed")
    from PIL import Image

    subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", "72", "-gray", "-png",
                    str(tmp_path / "b.pdf"), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    width, height = image.size
    assert width > height  # shown landscape
    ink = [(x, y) for x in range(width) for y in range(height) if image.getpixel((x, y)) < 200]
    stamp_ink = [(x, y) for x, y in ink if x > 0.7 * width and y > 0.9 * height]
    assert stamp_ink, "no stamp at the bottom right as displayed"
    assert all(y > 0.9 * height or x < 0.6 * width for x, y in ink)  # nothing else down there


def _small_pdf(path: Path, pages: int, text: str) -> Path:
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.effect_noise((300, 200), 60).convert("RGB")  # a stream big enough to be a range
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for n in range(pages):
        c.drawString(72, 720, f"{text} page {n + 1}")
        c.drawImage(ImageReader(picture), 72, 400, 300, 200)
        c.bookmarkPage(f"p{n}")
        c.addOutlineEntry(f"{text} {n + 1}", f"p{n}")
        c.showPage()
    c.save()
    return path


def test_segments_are_cached_reused_and_remade_when_stale(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from evidence import template
    from evidence.pdf import bundle as stamp

    one, two = _small_pdf(tmp_path / "one.pdf", 2, "one"), _small_pdf(tmp_path / "two.pdf", 3, "two")
    front_buffer = io.BytesIO()
    c = canvas.Canvas(front_buffer, pagesize=A4, invariant=1)
    c.drawString(72, 720, "front")
    c.showPage()
    c.save()
    labels = [f"T-B-{n:06d}" for n in range(1, 7)]
    face = render_joint.stamp_face(labels, template.setup())
    cache = tmp_path / "segments"

    def build(name: str, parts: list[Any]) -> tuple[int, str]:
        return stamp.bundle(tmp_path / name, front_buffer.getvalue(), parts, [], "front",
                            lambda *_: (labels, face), {"Title": "t"}, render_joint.STAMP_SIZE)

    plain = [stamp.BundlePart("one", one), stamp.BundlePart("two", two)]
    cached = [stamp.BundlePart("one", one, cache / "one.seg", "k1"),
              stamp.BundlePart("two", two, cache / "two.seg", "k2")]
    pages, sha = build("plain.pdf", plain)
    assert pages == 6
    assert build("first.pdf", cached) == (6, sha)  # segments made and saved
    segment = stamp.load_segment(cache / "one.seg", "k1")
    assert segment is not None and segment.pages == 2
    # the noise image is copied from the dossier's bytes, not kept in the cache
    assert any(isinstance(o[-1], tuple) for o in segment.objects if o[0] == "o")
    assert stamp.load_segment(cache / "one.seg", "other key") is None
    assert build("again.pdf", cached) == (6, sha)  # from the cache
    (cache / "two.seg").write_bytes(b"not a segment")
    assert build("remade.pdf", cached) == (6, sha)
    assert stamp.load_segment(cache / "two.seg", "k2") is not None
    assert inventory.sha256(tmp_path / "remade.pdf") == sha
    with pikepdf.open(tmp_path / "remade.pdf") as pdf:
        assert len(pdf.pages) == 6
        with pdf.open_outline() as outline:
            top = list(outline.root)
            assert [t.title for t in top] == ["front", "one  T-B-000002", "two  T-B-000004"]
            assert [c.title for c in top[2].children] == ["two 1", "two 2", "two 3"]
            index = {p.objgen: i for i, p in enumerate(pdf.pages)}
            assert [index[c.destination[0].objgen] for c in top[2].children] == [3, 4, 5]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "remade.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout.split("\f")
        assert "T-B-000004" in text[3] and "two page 1" in text[3]


def test_summary_never_splits_a_number_across_lines(
        built: tuple[Path, Path, dict[str, Any], Any]) -> None:
    """CJK wrapping may break a cell anywhere: two caller numbers or a paid amount that do not
    fit side by side each get a line of their own instead of being cut in two."""
    import dataclasses
    import zoneinfo

    from evidence import joint
    from evidence.model import CompensationStatus

    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    result = built[3]
    people = [dataclasses.replace(o.claimant, callers=("13705716878", "13705710768"),
                                  compensation=CompensationStatus.PAID,
                                  amount_paid=Decimal("11372.10"))
              for o in result.outcomes]
    front = render_joint.Front(title="测试", court="法院", defendant="被告", counsel="律师",
                               prefix="JD", fingerprint="0" * 64, total_pages=0)
    rendered = render_joint.front_matter(joint.analyse(people), (), front, "zh-Hans",
                                         zoneinfo.ZoneInfo("Asia/Shanghai"), {})
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=rendered.pdf,
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert text.count("11,372.10") == len(people)
    assert len(re.findall(r"(?<!\d)13705710768(?!\d)", text)) >= len(people)


def test_cross_victim_tables_keep_every_number_and_name_on_one_line(
        built: tuple[Path, Path, dict[str, Any], Any]) -> None:
    """issue 17: read back from the bundle's front matter, no phone number, its 归属地, a delay,
    an amount, a status or a claimant's name cited in the cross-victim tables is split across
    lines (the 首次诈骗来电号码 column wrapped number and place over three lines)."""
    from evidence import joint

    _, out, _, result = built
    data = json.loads((out / "joint" / "claims.json").read_text(encoding="utf-8"))
    front_pages = int(data["claimants"][0]["pages"].split("-")[0]) - 1
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed")
    text = subprocess.run(["pdftotext", "-layout", "-l", str(front_pages),
                           str(out / "joint" / "bundle.pdf"), "-"],
                          capture_output=True, check=True, text=True).stdout
    lines = text.splitlines()
    analysis = joint.analyse([o.claimant for o in result.outcomes])
    whole: list[str] = []
    for c in analysis.claimants:
        whole += [c.name, render_joint._money_shown(c.amount_lost), *c.callers]
        if c.first_call is not None:
            whole += [c.first_call.number, c.first_call.attribution,
                      render_joint._delay(c.delay, "zh-Hans")]
        if c.amount_paid:
            whole.append(render_joint._money_shown(c.amount_paid))
    whole += [s.value for s in analysis.shared_numbers]
    whole += [s.attribution for s in analysis.shared_numbers]
    whole += re.findall(r"JD-B-\d{6}", text) + ["已达成协议"] * ("已达成" in text)
    for word in filter(None, whole):
        assert any(word in line for line in lines), word
    for name in (c.name for c in analysis.claimants):  # each cited claimant on a line of its own
        assert re.search(rf"\d+\. {name}（证据[\d-]+，JD-B-\d{{6}}）", text), name


def test_segment_keeps_strings_that_look_like_references(tmp_path: Path) -> None:
    """Bodies are qpdf's serialisation with references turned into tokens: text inside a
    string that reads like a reference or a /Length must come through untouched, and a named
    destination still becomes a jump to its page."""
    from evidence.pdf import bundle as stamp

    src = pikepdf.new()
    for _ in range(2):
        src.add_blank_page(page_size=(300, 300))
    note = src.make_indirect(pikepdf.Dictionary(Info=pikepdf.String("kept")))
    src.pages[0].obj.Annots = src.make_indirect(pikepdf.Array([
        src.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=[0, 0, 10, 10],
            Contents=pikepdf.String("see (12 0 R) /Length 7 and 3 0 R"), Ref=note)),
        src.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 20, 10, 30],
            Dest=pikepdf.String("second")))]))
    src.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String("second"),
                             pikepdf.Array([src.pages[1].obj, pikepdf.Name.Fit])])))
    path = tmp_path / "src.pdf"
    src.save(path)
    seg = stamp.bundle_segment(path, (80.0, 12.0))
    bodies = b"\n".join(o[2] for o in seg.objects)
    assert b"(see \\(12 0 R\\) /Length 7 and 3 0 R)" in bodies
    assert b"/Dest [\x00p1\x00 /XYZ null null null]" in bodies
    assert b"/Ref \x00o" in bodies and b"(kept)" in bodies

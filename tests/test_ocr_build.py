"""OCR in the build (issue 21): the searchable text layer, pixel redaction in service copies, the
`evidence ocr` command, the engine in the fingerprint, and the dossier's marks.

With the engine (the `ocr` extra; CI must have it): one case for the module, a victim whose only
evidence is four screenshots (the lure and the bank's SMS, the fake agent's chat, a refund form
showing the claimant's own phone, ID and card numbers), read once into the case's cache, then
built plain and redacted; the redacted picture is read once more to prove the numbers are gone
from its pixels; and one EXIF-turned photo. Six pictures read in all, ~25 s on one core.
Without the engine: pages written into the cache by hand under a made-up engine id, which a
build reads like any cached page (no engine is built), for exact boxes and confidences."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from evidence import batch, config, pipeline
from evidence.model import FileKind, SourceFile, Status
from evidence.ocr import cache, engine, run, stage
from evidence.ocr.model import OcrPage
from evidence.sample import screens
from tests.conftest import make_case

try:
    ENGINE = engine.identify(engine.Settings())[0]
except engine.Unavailable as exc:
    if os.environ.get("CI"):
        raise RuntimeError(f"CI must test the OCR extra: {exc}") from exc
    ENGINE = ""
needs_engine = pytest.mark.skipif(not ENGINE, reason="OCR extra not installed")
TOOL = "test-tool"
PHONE, ID_NUMBER, CARD = "13912345678", "440307198001011234", "6222021234567890123"  # VICTIM_TOML's
FORM = "Screenshot_20150318-204907.png"


def _form() -> bytes:
    """A refund form as the phishing page showed it, filled with the claimant's numbers."""
    img = Image.new("RGB", (1080, 1000), (255, 255, 255))
    d = ImageDraw.Draw(img)
    rows = ["京东退款中心", "持卡人姓名 余某某", f"身份证号码 {ID_NUMBER}", f"银行卡号 {CARD}",
            f"预留手机号 {PHONE}", "退款金额 599.00 元"]
    for i, text in enumerate(rows):
        d.text((60, 80 + 140 * i), text, font=screens.font(52), fill=screens.INK)
    buf = io.BytesIO()
    img.save(buf, "PNG", compress_level=1)
    return buf.getvalue()


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def _exhibit_page(out: Path, victim: str, name: str, redacted: bool = False) -> int:
    data = (out / victim / ("inventory-redacted.json" if redacted else "inventory.json")).read_text("utf-8")
    import json

    for ex in json.loads(data)["exhibits"]:
        if ex["path"].endswith(name):
            return int(ex["first_page"])
    raise AssertionError(f"{name} is not exhibited")


@dataclasses.dataclass(frozen=True)
class Placed:
    width: int
    raw: bytes  # the stream's data as stored
    picture: Image.Image
    matrix: tuple[float, ...]  # a b c d e f it is drawn with


def _images(pdf: Path, page: int) -> list[Placed]:
    """The page's images with the matrix each is drawn with."""
    found = []
    with pikepdf.open(pdf) as doc:
        p = doc.pages[page - 1]
        ctm: tuple[float, ...] = ()
        for operands, op in pikepdf.parse_content_stream(p):
            if str(op) == "cm":
                ctm = tuple(float(v) for v in operands)
            elif str(op) == "Do":
                xobj = p.Resources.XObject[str(operands[0])]
                if xobj.get("/Subtype") == "/Image":
                    found.append(Placed(int(xobj.Width), xobj.read_raw_bytes(),
                                        pikepdf.PdfImage(xobj).as_pil_image(), ctm))
    return found


def _idat(png: bytes) -> bytes:
    pos, out = 8, b""
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IDAT":
            out += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not ENGINE:
        pytest.skip("OCR extra not installed")
    root = tmp_path_factory.mktemp("ocrbuild")
    case = make_case(root)
    originals = case / "victims" / "V001" / "originals"
    originals.mkdir()
    shots = [*screens.case_screens(), screens.chat_screens()[0]]
    for shot in shots:
        name, data = screens.encode(shot, "png")
        (originals / name).write_bytes(data)
    (originals / FORM).write_bytes(_form())
    out = case / "out"
    loaded, _ = config.load_case(case)
    first = run.prepass(loaded, ["V001"], out, ENGINE, jobs=1)
    again = run.prepass(loaded, ["V001"], out, ENGINE, jobs=1)
    plain = batch.build(case, out, jobs=1, options=pipeline.Options(ocr=ENGINE), tool=TOOL)
    reused = batch.build(case, out, jobs=1, options=pipeline.Options(ocr=ENGINE), tool=TOOL)
    redacted = batch.build(case, out, jobs=1, options=pipeline.Options(ocr=ENGINE, redact=True),
                           tool=TOOL)
    return {"case": case, "out": out, "first": first, "again": again, "plain": plain,
            "redacted": redacted, "shots": shots, "reused": reused}


# ---- the pre-pass and the cache ----------------------------------------------------------------


@needs_engine
def test_the_pre_pass_reads_each_picture_once_and_a_second_pass_reads_none(built: dict[str, Any]) -> None:
    first, again = built["first"], built["again"]
    assert first.counts["V001"] == run.Counts(images=4, read=4, cached=0, failed=0)
    assert again.counts["V001"] == run.Counts(images=4, read=0, cached=4, failed=0)
    assert first.read == 4 and again.read == 0 and first.cpu_seconds > 0
    assert len(list((built["out"] / ".cache" / "ocr").rglob("*.json"))) == 4


@needs_engine
def test_evidence_ocr_prints_per_victim_counts(built: dict[str, Any]) -> None:
    import cli

    result = CliRunner().invoke(cli.app, ["ocr", str(built["case"]), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "V001: 4 images, 0 read, 4 cached, 0 not read" in result.output
    missing = CliRunner().invoke(cli.app, ["ocr", str(built["case"]), "--victim", "V404"])
    assert missing.exit_code == 3 and "V404" in missing.output


@needs_engine
def test_an_unchanged_case_is_reused_and_a_rebuild_elsewhere_is_byte_identical(
        built: dict[str, Any], tmp_path: Path) -> None:
    out = built["out"]
    dossier = (out / "V001" / "dossier.pdf").read_bytes()
    assert [o.state for o in built["plain"].outcomes] == [batch.State.BUILT]
    assert [o.state for o in built["reused"].outcomes] == [batch.State.CACHED]
    # a copy of the case, its pictures' pages in its own cache: a fresh build, the same bytes
    copy = tmp_path / "copy"
    shutil.copytree(built["case"], copy, ignore=shutil.ignore_patterns("out"))
    shutil.copytree(out / ".cache" / "ocr", copy / "out" / ".cache" / "ocr")
    fresh = batch.build(copy, copy / "out", jobs=1, options=pipeline.Options(ocr=ENGINE), tool=TOOL)
    assert [o.state for o in fresh.outcomes] == [batch.State.BUILT]
    assert (copy / "out" / "V001" / "dossier.pdf").read_bytes() == dossier


def test_the_engine_is_part_of_the_fingerprint(tmp_path: Path) -> None:
    case, _ = config.load_case(make_case(tmp_path))

    def fp(engine_id: str) -> str:
        return batch.fingerprint(case, "V001", TOOL, pipeline.Options(ocr=engine_id))

    assert len({fp(""), fp("rapidocr-3.10.0 a"), fp("rapidocr-3.10.0 b")}) == 3
    assert fp("x") == fp("x")


# ---- the text layer ------------------------------------------------------------------------------


@needs_engine
def test_pdftotext_returns_each_screenshot_text_on_its_exhibit_page(built: dict[str, Any]) -> None:
    out = built["out"]
    pdf = out / "V001" / "dossier.pdf"
    chat = _text(pdf, _exhibit_page(out, "V001", built["shots"][2].name + ".png"))
    assert "京东商城客服" in chat and "http://www.jd-tuikuan.co" in chat  # header; the link, as wrapped
    form = _text(pdf, _exhibit_page(out, "V001", FORM))
    lines = [x.strip() for x in form.splitlines() if x.strip()]
    wanted = ["京东退款中心", "余某某", ID_NUMBER, CARD, PHONE, "599.00"]
    where = [next(i for i, x in enumerate(lines) if w in x) for w in wanted]
    assert where == sorted(where), lines  # in reading order
    bank = _text(pdf, _exhibit_page(out, "V001", built["shots"][1].name + ".png"))
    assert "228,000" in bank.replace("，", ",") and "6617" in bank
    bundle = _text(out / "joint" / "bundle.pdf")  # the bundle carries the dossiers' layers
    assert "京东商城客服" in bundle and "预留手机号" in bundle


@needs_engine
def test_the_amount_is_found_where_the_picture_shows_it(built: dict[str, Any]) -> None:
    out = built["out"]
    pdf = out / "V001" / "dossier.pdf"
    page_no = _exhibit_page(out, "V001", FORM)
    page = cache.load(cache.folder(out), hashlib.sha256(_form()).hexdigest(), ENGINE)
    assert page is not None
    line = next(x for x in page.lines if "599.00" in x.text)
    [(a, _b, _c, d, e, f)] = [i.matrix for i in _images(pdf, page_no) if i.width == 1080]
    with pikepdf.open(pdf) as doc:
        height = float(doc.pages[page_no - 1].mediabox[3])
    # the line's box on the page, top-left origin as pdftotext -bbox gives it
    sx, sy = a / page.width, d / page.height
    left, right = e + line.box.x * sx, e + line.box.right * sx
    top, bottom = height - (f + d - line.box.y * sy), height - (f + d - line.box.bottom * sy)
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page_no), "-l", str(page_no), str(pdf), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    word = next(m for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                       r'yMax="([\d.]+)">([^<]*)</word>', html) if "599.00" in m.group(5))
    x0, y0, x1, y1 = (float(word.group(i)) for i in range(1, 5))
    slack = 2.0
    assert left - slack <= x0 < x1 <= right + slack and top - slack <= y0 < y1 <= bottom + slack, (
        (x0, y0, x1, y1), (left, top, right, bottom))


@needs_engine
def test_the_plain_dossier_embeds_the_original_bytes(built: dict[str, Any]) -> None:
    out = built["out"]
    pdf = out / "V001" / "dossier.pdf"
    [image] = [i for i in _images(pdf, _exhibit_page(out, "V001", FORM)) if i.width == 1080]
    assert image.raw == _idat(_form())  # the PNG's own compressed data, never re-encoded


# ---- pixel redaction -----------------------------------------------------------------------------


@needs_engine
def test_a_service_copy_shows_no_claimant_number_in_pixels_or_text(built: dict[str, Any],
                                                                    tmp_path: Path) -> None:
    out = built["out"]
    pdf = out / "V001" / "dossier-redacted.pdf"
    text = _text(pdf)
    digits = re.sub(r"\D", "", text)
    for number in (PHONE, ID_NUMBER, CARD):
        assert number not in digits, number
    page_no = _exhibit_page(out, "V001", FORM, redacted=True)
    layer = _text(pdf, page_no)
    assert "139****5678" in layer and "440307********1234" in layer  # the masked form, in its place
    assert "需人工审查" not in layer  # every number on it was read surely and painted over
    [image] = [i for i in _images(pdf, page_no) if i.width == 1080]
    picture = image.picture
    assert picture.size == (1080, 1000)
    # read the service copy's picture again: none of the numbers is on it any more
    copy = tmp_path / "redacted.png"
    picture.save(copy)
    data = copy.read_bytes()
    reader = stage.Reader(cache.folder(tmp_path / "out"), engine_id=ENGINE)
    got = reader(SourceFile(copy.name, copy, hashlib.sha256(data).hexdigest(), len(data),
                            FileKind.SCREENSHOT, Status.ACCEPTED))
    assert got.page is not None
    seen = re.sub(r"\D", "", " ".join(x.text for x in got.page.lines))
    for number in (PHONE, ID_NUMBER, CARD, PHONE[:7], PHONE[3:], ID_NUMBER[6:14], CARD[:15]):
        assert number not in seen, (number, [x.text for x in got.page.lines])
    read = " ".join(x.text for x in got.page.lines)
    assert "退款金额" in read and "599.00" in read  # what is not the claimant's number stays readable
    # the original picture is untouched, and exhibited as it is in the plain dossier
    assert (built["case"] / "victims" / "V001" / "originals" / FORM).read_bytes() == _form()


@needs_engine
def test_a_fully_read_picture_leaves_the_manual_review_list(built: dict[str, Any]) -> None:
    [outcome] = built["redacted"].outcomes
    reviewed = {i.path for i in outcome.issues if i.code == "manual_review"}
    assert not any(p.endswith(FORM) for p in reviewed), reviewed


# ---- the dossier's marks ---------------------------------------------------------------------------


@needs_engine
def test_the_chronology_marks_readings_from_pictures(built: dict[str, Any]) -> None:
    text = _text(built["out"] / "V001" / "dossier.pdf")
    chrono = text[text.index("时间线"):]
    assert "图片识别" in chrono and "228,000.00" in chrono
    assert "OCR 未运行" not in text
    # no SMS export: the summary's debits and their total come from the bank's screenshot
    summary = text[text.index("案情摘要\n"):text.index("主张损失")]
    assert "▼ 2015-03-18 21:02:00：图片识别" in summary and "229,500.00元" in summary, summary


def test_without_ocr_the_dossier_says_the_pictures_text_was_not_read(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(_settings: engine.Settings) -> tuple[str, dict[str, Path]]:
        raise engine.Unavailable("the OCR extra is not installed")

    monkeypatch.setattr(engine, "identify", missing)
    decision = run.decide({"build": {"ocr": True}}, None)
    assert decision == run.Decision("", True, "the OCR extra is not installed")
    assert run.decide({"build": {"ocr": True}}, False) == run.Decision("", False)
    case = make_case(tmp_path)
    originals = case / "victims" / "V001" / "originals"
    originals.mkdir()
    name, data = screens.encode(screens.case_screens()[1], "png")
    (originals / name).write_bytes(data)
    result = batch.build(case, case / "out", jobs=1, options=pipeline.Options(ocr=decision.engine_id),
                         tool=TOOL)
    assert [o.state for o in result.outcomes] == [batch.State.BUILT]
    text = _text(case / "out" / "V001" / "dossier.pdf")
    assert "OCR 未运行" in text and "图片识别" not in text


# ---- without the engine: pages placed in the cache by hand -------------------------------------------


def _hand_read_case(tmp_path: Path) -> tuple[Path, Path, str]:
    """A victim with one screenshot whose page is in the cache under a made-up engine id: the
    build reads the cache only (no engine), so these tests run without the extra."""
    from tests.test_ocr_facts import DEBIT, line, wrapped

    case = make_case(tmp_path)
    originals = case / "victims" / "V001" / "originals"
    originals.mkdir()
    buf = io.BytesIO()
    Image.new("RGB", (1080, 2340), (255, 255, 255)).save(buf, "PNG")
    data = buf.getvalue()
    (originals / "Screenshot_20150318-211219.png").write_bytes(data)
    small = DEBIT.replace("228,000", "1,500")
    second = wrapped(small, 60, 1000)
    at = small.index("1,500") - 19  # on the bubble's second line
    second[1] = line(second[1].text, 60, 1070, low={at + 1: 0.55})
    lines = [line("21:12", 30, 14), line("95588", 112, 123, h=70),
             line("3月18日 21:02", 430, 280, h=49), *wrapped(DEBIT, 60, 380),
             line("3月18日 21:09", 430, 900, h=49), *second,
             line(f"预留手机号 {PHONE}", 60, 1600), line(f"联系 {PHONE[:10]}", 60, 1800)]
    page = OcrPage(hashlib.sha256(data).hexdigest(), "hand-made", 1080, 2340, tuple(lines))
    out = case / "out"
    assert cache.store(cache.folder(out), page)
    return case, out, "hand-made"


def test_a_reading_with_an_uncertain_amount_is_marked_and_counted_in_no_total(tmp_path: Path) -> None:
    case, out, engine_id = _hand_read_case(tmp_path)
    result = batch.build(case, out, jobs=1, options=pipeline.Options(ocr=engine_id), tool=TOOL)
    assert [o.state for o in result.outcomes] == [batch.State.BUILT]
    text = _text(out / "V001" / "dossier.pdf")
    summary = text[text.index("案情摘要\n"):text.index("主张损失")]
    assert "228,000.00" in summary and "1,500.00" not in summary  # the sure debit only
    assert "228,000.00元" in summary.split("扣款通知合计")[1]
    chrono = text[text.index("时间线\n"):]
    assert "【待核实，未计入合计】识别置信度低：amount 0.55" in chrono.replace("\n", "")
    # the 证据目录's 来源 column (issue 17: seven columns; read the column alone)
    from evidence.render import dossier as render

    index_page = text[:text.index("证据目录\n")].count("\f") + 1
    margin, frame = 18 * 72 / 25.4, 595.28 - 2 * 18 * 72 / 25.4
    x = int(margin + sum(render.INDEX_WIDTHS[:3]) * frame) + 1
    column = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(index_page), "-l", str(index_page),
                             "-x", str(x), "-y", "0", "-W", str(int(render.INDEX_WIDTHS[3] * frame) - 2),
                             "-H", "842", str(out / "V001" / "dossier.pdf"), "-"],
                            capture_output=True, check=True).stdout.decode("utf-8")
    assert "图片识别2项（其中1项待核实）" in "".join(column.split())
    # the picture's text layer, on its exhibit page
    page = _text(out / "V001" / "dossier.pdf", _exhibit_page(out, "V001", "Screenshot_20150318-211219.png"))
    assert "95588" in page and "余额1,523.47" in page.replace("\n", "")


def test_a_service_copy_paints_the_number_over_where_ocr_read_it(tmp_path: Path) -> None:
    case, out, engine_id = _hand_read_case(tmp_path)
    batch.build(case, out, jobs=1, options=pipeline.Options(ocr=engine_id, redact=True), tool=TOOL)
    pdf = out / "V001" / "dossier-redacted.pdf"
    page_no = _exhibit_page(out, "V001", "Screenshot_20150318-211219.png", redacted=True)
    [image] = _images(pdf, page_no)
    picture = image.picture.convert("L")
    # the hand-made line: 40 px a character from x=60, `预留手机号 ` then the number (no space box)
    hidden = [60 + 40 * (5 + k) + 20 for k in range(3, 7)]  # the 4 middle digits' centres
    kept = [60 + 40 * (5 + k) + 20 for k in (0, 1, 2, 7, 8, 9, 10)]
    assert all(picture.getpixel((x, 1625)) == 0 for x in hidden)
    assert all(picture.getpixel((x, 1625)) == 255 for x in kept)  # the rule keeps 139 and 5678
    assert picture.getpixel((60 + 40 * 3 + 20, 1625)) == 255  # the label is not covered
    layer = _text(pdf, page_no)
    assert "139****5678" in layer and PHONE not in re.sub(r"\D", "", _text(pdf))
    # a piece of the number (one digit lost to OCR): covered whole, and reviewed by a person
    assert all(picture.getpixel((60 + 40 * (2 + k) + 20, 1825)) == 0 for k in range(10))
    assert PHONE[:10] not in layer and "联系 **********" in layer
    [outcome] = batch.build(case, out, jobs=1, options=pipeline.Options(ocr=engine_id, redact=True),
                            tool=TOOL).outcomes
    assert any(i.code == "manual_review" for i in outcome.issues)
    with pikepdf.open(pdf) as doc:  # nor in what the copy carries attached
        attached = [f.get_file().read_bytes() for f in doc.attachments.values()]
    assert attached and not any(PHONE.encode() in a for a in attached)
    # the plain dossier (built from the same cache) shows the original picture and the number
    batch.build(case, out, jobs=1, options=pipeline.Options(ocr=engine_id), tool=TOOL)
    plain = out / "V001" / "dossier.pdf"
    [original] = _images(plain, _exhibit_page(out, "V001", "Screenshot_20150318-211219.png"))
    assert original.picture.convert("L").getextrema() == (255, 255)
    assert PHONE in _text(plain)


def test_a_debit_in_the_export_and_in_its_screenshot_is_one_row_citing_both(tmp_path: Path) -> None:
    import datetime as dt
    import random

    from evidence import times
    from evidence.sample import fraud, sms_xml

    case, out, engine_id = _hand_read_case(tmp_path)
    sh = times.zone("Asia/Shanghai")
    msgs = [fraud.Msg(t, sender, body) for sender, body, t in screens.CASE_SMS]
    xml = sms_xml.sms_xml(msgs, dt.datetime(2015, 3, 20, 10, 0, tzinfo=sh), random.Random(1))
    (case / "victims" / "V001" / "originals" / "sms-20150320100000.xml").write_bytes(xml)
    batch.build(case, out, jobs=1, options=pipeline.Options(ocr=engine_id), tool=TOOL)
    # the chronology as laid out (a row: from its date line to the next), so a cell's lines
    # stay with their row whatever order pdftotext reads the cells in
    pages = subprocess.run(["pdftotext", "-layout", str(out / "V001" / "dossier.pdf"), "-"],
                           capture_output=True, check=True, text=True).stdout.split("\f")
    chrono = "".join(p for p in pages if re.search(r"时间线 JD-V001-\d+", p))  # by their stamps
    rows = [r for r in re.split(r"\n(?=2015-03-18 )", chrono)
            if "228,000" in r and "尾号6617" in r]
    assert len(rows) == 1, rows  # one debit, not two
    import json

    exhibits = json.loads((out / "V001" / "inventory.json").read_text("utf-8"))["exhibits"]
    label = {e["path"].rsplit("/", 1)[-1]: e["label"] for e in exhibits}
    assert label["sms-20150320100000.xml"] in rows[0]
    assert "+" + label["Screenshot_20150318-211219.png"] in rows[0].replace("\n", "")
    # issue 17: the second source is table text like the first (it was drawn at 6.5 pt)
    import math

    import pypdf

    sizes: list[float] = []

    def visit(text: str, cm: Any, tm: Any, _font: Any, size: float) -> None:
        if text.strip().startswith("+证据"):
            sizes.append(size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]))

    for page in pypdf.PdfReader(out / "V001" / "dossier.pdf").pages:
        page.extract_text(visitor_text=visit)
    assert sizes and min(sizes) >= 9 - 0.01, sizes


@needs_engine
def test_a_photo_turned_by_its_exif_gets_its_text_where_it_is_shown(tmp_path: Path) -> None:
    img = Image.new("RGB", (1200, 900), (255, 255, 255))
    ImageDraw.Draw(img).text((80, 600), "涉案金额 8,484.00元", font=screens.font(60), fill=screens.INK)
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera stored it turned: shown turned 90° clockwise
    buf = io.BytesIO()
    img.transpose(Image.Transpose.ROTATE_90).save(buf, "JPEG", quality=90, exif=exif.tobytes())
    case = make_case(tmp_path)
    (case / "victims" / "V001" / "originals").mkdir()
    (case / "victims" / "V001" / "originals" / "IMG_20150320_110240.jpg").write_bytes(buf.getvalue())
    out = case / "out"
    batch.build(case, out, jobs=1, options=pipeline.Options(ocr=ENGINE), tool=TOOL)
    pdf = out / "V001" / "dossier.pdf"
    page_no = _exhibit_page(out, "V001", "IMG_20150320_110240.jpg")
    [(a, b, c, d, e, f)] = [i.matrix for i in _images(pdf, page_no)]
    corners = [(a * u + c * v + e, b * u + d * v + f) for u in (0, 1) for v in (0, 1)]
    left, bottom = min(x for x, _ in corners), min(y for _, y in corners)  # the displayed box
    width, height = max(x for x, _ in corners) - left, max(y for _, y in corners) - bottom
    with pikepdf.open(pdf) as doc:
        page_h = float(doc.pages[page_no - 1].mediabox[3])
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page_no), "-l", str(page_no), str(pdf), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    word = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">8,484', html)
    assert word is not None, html
    # the figure is drawn at x 80..~600 px of 1200, y 600..~670 px of 900 of the upright picture
    x0, y0 = (float(word.group(1)) - left) / width, (float(word.group(2)) - (page_h - bottom - height)) / height
    assert 0.25 < x0 < 0.32 and 0.64 < y0 < 0.70, (x0, y0, (a, b, c, d, e, f))

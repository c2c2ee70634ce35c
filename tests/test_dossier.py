"""The per-victim dossier, read back from the PDF: exhibits, stamps, labels, links, text, fonts.

The victim folder is made of real-format files (SMS Backup & Restore XML, a PDF statement with a
rotated and a cropped page, phone screenshots, a corpus AMR recording and JPEG photo, a damaged
image); events are built with the same builders the sources use, so the test does not depend on
every reader being finished.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from evidence import collect, errors, integrity, inventory, pipeline, timeline, times, verify
from evidence.model import (
    Basis,
    Case,
    Compensation,
    CompensationStatus,
    Direction,
    Event,
    EventKind,
    FileKind,
    Order,
    SourceFile,
    SourceRef,
    Status,
    Victim,
)

# in-repo samples (tests/data), so these tests run without ../shared/corpus too
DATA = Path(__file__).resolve().parent / "data"
TZ = times.zone("Asia/Shanghai")
HAVE_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None


def _t(day: int, h: int, m: int, s: int = 0) -> dt.datetime:
    return dt.datetime(2015, 3, day, h, m, s, tzinfo=TZ)


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _screenshot(path: Path, text: str, fmt: str, seed: int) -> None:
    im = Image.new("RGB", (1080, 2340), (245, 245, 245))
    d = ImageDraw.Draw(im)
    for i in range(40):
        y = 120 + i * 52
        d.rectangle((40, y, 1040, y + 40), fill=((seed * 37 + i * 11) % 255, 120, 200))
        d.text((60, y + 10), f"{text} line {i}", fill=(0, 0, 0))
    im.save(path, fmt, quality=85) if fmt == "JPEG" else im.save(path, fmt)


def _statement(path: Path, owner_locked: bool = False) -> None:
    """Three pages: portrait, a landscape page shown via /Rotate 90, and a cropped page.
    `owner_locked`: encrypted with an owner password only, as e-banking downloads often are."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName="DejaVu")
    for n in range(3):
        c.setFont("DejaVu", 14)
        c.drawString(72, 760, f"BANK STATEMENT page {n + 1}")
        c.drawString(72, 700, "2015-03-18 20:41 debit 20000.00")
        c.showPage()
    c.save()
    r = PdfReader(io.BytesIO(buf.getvalue()))
    w = PdfWriter()
    for p in r.pages:
        w.add_page(p)
    w.pages[1].rotate(90)
    w.pages[2].cropbox.lower_left = (50, 100)
    w.pages[2].cropbox.upper_right = (500, 800)
    if owner_locked:
        w.encrypt(user_password="", owner_password="bank", algorithm="AES-128")
    with path.open("wb") as f:
        w.write(f)


SMS_BODIES = (
    ("95588", 1426682460000, "【工商银行】您尾号1234卡3月18日20:41网上银行支出20,000.00元，余额1,234.56元。"),
    ("13757123456", 1426681200000, "京东客服：您的订单异常，请登录 http://jd-refund.top/a 办理退款"),
    ("95588", 1426682700000, "【工商银行】您尾号1234卡3月18日20:45网上银行支出9,800.00元，余额0.56元。"),
)
SMS_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count=\"3\">\n"
    + "".join(f'  <sms protocol="0" address="{a}" date="{d}" type="1" body="{b}" read="1" '
              'status="-1" />\n' for a, d, b in SMS_BODIES)
    + "</smses>\n"
)
CALLS_XML = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<calls count="2">
  <call number="13757123456" duration="1260" date="1426680300000" type="1" presentation="1" />
  <call number="10086" duration="60" date="1426600000000" type="1" presentation="1" />
</calls>
"""


def make_victim(root: Path, *, empty: bool = False, broken: bool = False,
                lang: str = "zh-Hans", owner_locked: bool = False) -> collect.Collected:
    """A case with one victim, V001 张三, as the inventory and timeline would hand it over."""
    case_dir = root / "case"
    vdir = case_dir / "victims" / "V001"
    orig = vdir / "originals"
    orig.mkdir(parents=True)
    (case_dir / "case.toml").write_text('[case]\ntitle = "张三等诉京东"\n', encoding="utf-8")
    (vdir / "victim.toml").write_text('name = "张三"\n', encoding="utf-8")
    case = Case(folder=case_dir, title="张三等诉京东案", court="北京市大兴区人民法院",
                counsel="李律师", defendant="北京京东世纪贸易有限公司", bates_prefix="JD",
                language=lang)
    victim = Victim(
        id="V001", folder=vdir, name="张三", region="浙江省杭州市",
        claimed_loss=Decimal("30000.00"),
        orders=(Order("9527001", _t(18, 19, 30), "iPhone 6", Decimal("5288.00"), "京东APP"),),
        compensation=Compensation(CompensationStatus.REGISTERED, Decimal("0")),
        purposes={"SMSBackupRestore/sms-20150320.xml": "证明诈骗短信及扣款通知。"},
    )
    received = _t(25, 10, 0)
    files: list[SourceFile] = []
    events: list[Event] = []

    def add(rel: str, kind: FileKind, status: Status = Status.ACCEPTED, **kw: object) -> SourceFile:
        p = orig / rel
        sf = SourceFile(path=f"originals/{rel}", abspath=p, sha256=_sha(p), size=p.stat().st_size,
                        kind=kind, status=status, received=received, original_path=rel,
                        **kw)  # type: ignore[arg-type]
        files.append(sf)
        return sf

    if not empty:
        (orig / "SMSBackupRestore").mkdir()
        (orig / "SMSBackupRestore" / "sms-20150320.xml").write_text(SMS_XML, encoding="utf-8")
        (orig / "SMSBackupRestore" / "calls-20150320.xml").write_text(CALLS_XML, encoding="utf-8")
        sms = add("SMSBackupRestore/sms-20150320.xml", FileKind.SMS_BACKUP)
        calls = add("SMSBackupRestore/calls-20150320.xml", FileKind.CALL_LOG)
        (orig / "Screenshots").mkdir()
        for i in range(3):
            fmt = "PNG" if i % 2 == 0 else "JPEG"
            name = f"Screenshot_20150318-20{i}000.{'png' if fmt == 'PNG' else 'jpg'}"
            _screenshot(orig / "Screenshots" / name, f"chat {i}", fmt, i)
            shot = add(f"Screenshots/{name}", FileKind.SCREENSHOT)
            events.append(Event(_t(18, 20, i), Basis.FILENAME, EventKind.SCREENSHOT,
                                f"截图：{name}", SourceRef(shot.path, shot.sha256, "file")))
        shutil.copy(DATA / "image" / "IMG_20150319_103012.jpg", orig / "photo.jpg")
        photo = add("photo.jpg", FileKind.PHOTO)
        shutil.copy(DATA / "recording" / "13757123456_20150318201530.amr",
                    orig / "13757123456_20150318201500.amr")
        rec = add("13757123456_20150318201500.amr", FileKind.RECORDING)
        (orig / "银行流水").mkdir()
        _statement(orig / "银行流水" / "工商银行流水.pdf", owner_locked)
        stmt = add("银行流水/工商银行流水.pdf", FileKind.BANK_STATEMENT)
        # a copy of the photo under another name, an unreadable file
        shutil.copy(orig / "photo.jpg", orig / "photo (1).jpg")
        add("photo (1).jpg", FileKind.PHOTO, Status.DUPLICATE, duplicate_of=photo.path)
        (orig / "notes.bin").write_bytes(b"\x00\x01garbage")
        add("notes.bin", FileKind.UNKNOWN, Status.REJECTED, reason="无法识别的文件类型。")
        if broken:  # accepted by the inventory, but its pixels cannot be decoded
            good = (orig / "Screenshots" / "Screenshot_20150318-201000.jpg").read_bytes()
            (orig / "broken.jpg").write_bytes(good[: len(good) // 3])
            add("broken.jpg", FileKind.SCREENSHOT)

        ctx = collect.context(case, victim, not_after=_t(31, 0, 0))
        from evidence.sources import common as sc

        events.append(sc.call_event(time=_t(18, 20, 5), party="13757123456",
                                    call_type=sc.CallType.INCOMING, duration=1260,
                                    source=SourceRef(calls.path, calls.sha256, "call[0]"), ctx=ctx))
        events.append(sc.call_event(time=_t(17, 21, 46, 40), party="10086",
                                    call_type=sc.CallType.INCOMING, duration=60,
                                    source=SourceRef(calls.path, calls.sha256, "call[1]"), ctx=ctx))
        for i, (addr, when, body) in enumerate(SMS_BODIES):
            events.append(sc.message_event(
                time=times.from_epoch_ms(when), party=addr, incoming=True, body=body,
                source=SourceRef(sms.path, sms.sha256, f"sms[{i}]"), ctx=ctx))
        events.append(Event(_t(18, 20, 15), Basis.FILENAME, EventKind.RECORDING,
                            "通话录音：13757123456，时长4秒", SourceRef(rec.path, rec.sha256, "file"),
                            counterparty="13757123456",
                            details={"duration_s": "4", "format": "AMR-NB"}))
        events.append(Event(_t(18, 20, 41), Basis.EXACT, EventKind.TRANSACTION,
                            "银行流水：支出20,000.00元", SourceRef(stmt.path, stmt.sha256,
                                                            "page 2 line 1"),
                            amount=Decimal("20000.00"), direction=Direction.DEBIT))
        events.append(Event(_t(19, 9, 0), Basis.EXIF, EventKind.PHOTO, "照片：photo.jpg",
                            SourceRef(photo.path, photo.sha256, "file")))
    ctx = collect.context(case, victim, not_after=_t(31, 0, 0))
    tl = timeline.build(events, victim, ctx)
    inv = inventory.Inventory(tuple(files), ())
    return collect.Collected(case, victim, inv, tl, ())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[collect.Collected, Path]:
    root = tmp_path_factory.mktemp("dossier")
    got = make_victim(root, broken=True)
    result = pipeline.build_collected(got, root / "out")
    assert result.dossier is not None
    return got, result.dossier


def _texts(pdf: Path) -> list[str]:
    return verify.page_texts(pdf)


def _manifest(pdf: Path) -> dict:  # type: ignore[type-arg]
    return verify.read_manifest(pdf)


def test_every_accepted_file_is_an_exhibit_with_a_bookmark(built: tuple) -> None:  # type: ignore[type-arg]
    got, pdf = built
    accepted = sorted(f.path for f in got.inventory.files if f.status is Status.ACCEPTED)
    exhibits = _manifest(pdf)["exhibits"]
    # plus the order sheet (the claimant's statement in victim.toml) when no file proves the order
    assert sorted(e["path"] for e in exhibits if e["path"] != "victim.toml") == accepted
    reader = PdfReader(pdf)
    titles: list[str] = []

    def walk(items: list) -> None:  # type: ignore[type-arg]
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                titles.append(it.title)
                # every bookmark lands on the page whose stamp its title cites (issue 17: the
                # stamp stays true inside the bundle, a viewer's page number would not)
                assert it.title.endswith(f"-{reader.get_destination_page_number(it) + 1:06d}）")

    walk(reader.outline)
    for e in exhibits:
        name = Path(e["path"]).name
        assert any(t.startswith(f"{e['label']} {name}") or t.startswith(f"{e['label']} ")
                   for t in titles), e["label"]
    for section in ("封面", "案情摘要", "证据目录", "时间线", "附录：原始文件保管链"):
        assert any(t.startswith(section) for t in titles)
    # items of a group are numbered 证据N-i in file order, groups in reading order
    labels = [e["label"] for e in exhibits]
    assert labels[0] == "证据1" and "证据5-1" in labels and "证据5-4" in labels


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_every_page_has_its_bates_number_and_label_equal(built: tuple) -> None:  # type: ignore[type-arg]
    _, pdf = built
    texts = _texts(pdf)
    labels = list(PdfReader(pdf).page_labels)
    assert len(texts) == len(labels) == _manifest(pdf)["pages"]
    for n, (text, label) in enumerate(zip(texts, labels, strict=True), start=1):
        assert label == f"JD-V001-{n:06d}"
        found = re.findall(r"JD-V001-\d{6}", text)
        assert label in found, (n, found)


def test_index_rows_link_to_each_exhibits_first_page(built: tuple) -> None:  # type: ignore[type-arg]
    _, pdf = built
    man = _manifest(pdf)
    reader = PdfReader(pdf)
    index_pages = [i for i, t in enumerate(_texts(pdf)) if "证明目的" in t and "证据目录" in t]
    assert index_pages
    targets = set()
    page_of = {p.indirect_reference.idnum: i + 1 for i, p in enumerate(reader.pages)}
    for i in index_pages:
        for a in reader.pages[i].get("/Annots", []):
            dest = a.get_object()["/Dest"]
            targets.add(page_of[dest[0].idnum])
    for e in man["exhibits"]:
        assert e["first_page"] in targets, e
        # the page the row links to shows that exhibit's label in its stamp
        assert e["label"] in _texts(pdf)[e["first_page"] - 1]


def test_chronology_rows_link_to_the_page_of_their_record(built: tuple) -> None:  # type: ignore[type-arg]
    _, pdf = built
    man = _manifest(pdf)
    texts = _texts(pdf)
    reader = PdfReader(pdf)
    page_of = {p.indirect_reference.idnum: i + 1 for i, p in enumerate(reader.pages)}
    chrono = next(i for i, t in enumerate(texts) if t.lstrip().startswith("时间线"))
    targets = [page_of[a.get_object()["/Dest"][0].idnum] for a in reader.pages[chrono]["/Annots"]]
    statement = next(e for e in man["exhibits"] if e["path"].endswith(".pdf"))
    # the statement row cites "page 2": slip sheet + 2 pages into the exhibit
    assert statement["first_page"] + 2 in targets
    sms = next(e for e in man["exhibits"] if e["path"].endswith("sms-20150320.xml"))
    assert sms["first_page"] in targets
    assert "20,000.00" in texts[sms["first_page"] - 1]


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_chinese_names_amounts_numbers_are_text(built: tuple) -> None:  # type: ignore[type-arg]
    _, pdf = built
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode()
    for needle in ("张三", "北京市大兴区人民法院", "证据目录", "证明目的", "电子数据", "视听资料",
                   "书证", "20,000.00", "9,800.00", "29,800.00", "13757123456",
                   "浙江省杭州市", "jd-refund.top", "首次诈骗来电", "距下单35分钟", "已登记，尚未赔偿"):
        assert needle in text, needle
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout.decode()
    rows = fonts.splitlines()[2:]
    assert rows
    for row in rows:  # name type encoding emb sub uni ...: 'emb' is the 4th field from the end
        assert row.split()[-5] == "yes", row


def test_attachment_parses_back_to_the_inventory(built: tuple) -> None:  # type: ignore[type-arg]
    got, pdf = built
    man = _manifest(pdf)
    files = {f["path"]: f for f in man["inventory"]["files"]}
    assert set(files) == {f.path for f in got.inventory.files}
    for f in got.inventory.files:
        assert files[f.path]["sha256"] == f.sha256 and files[f.path]["status"] == str(f.status)
    assert files["notes.bin".join(("originals/", ""))]["reason"] == "无法识别的文件类型。"
    assert man["fingerprint"] in _texts(pdf)[0]
    assert len(man["timeline"]) == len(got.timeline.events)
    side = json.loads((pdf.parent / "inventory.json").read_text(encoding="utf-8"))
    assert side == man["inventory"]
    tl = json.loads((pdf.parent / "timeline.json").read_text(encoding="utf-8"))
    assert tl["events"] == man["timeline"]


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_rotated_and_cropped_pages_are_stamped_bottom_right_as_displayed(built: tuple) -> None:  # type: ignore[type-arg]
    _, pdf = built
    st = next(e for e in _manifest(pdf)["exhibits"] if e["path"].endswith(".pdf"))
    for n in range(st["first_page"] + 1, st["last_page"] + 1):
        html = subprocess.run(["pdftotext", "-bbox", "-f", str(n), "-l", str(n), str(pdf), "-"],
                              capture_output=True, check=True).stdout.decode()
        w, h = (float(x) for x in re.search(r'<page width="([\d.]+)" height="([\d.]+)"',
                                            html).groups())
        m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                      rf"JD-V001-{n:06d}<", html)
        assert m, n
        page = PdfReader(pdf).pages[n - 1]
        crop = page.cropbox
        # visible box in poppler's top-down coordinates (MediaBox based)
        left, right = float(crop.left), float(crop.right)
        top, bottom = h - float(crop.top), h - float(crop.bottom)
        if page.get("/Rotate", 0) in (90, 270):  # poppler: unrotated size, displayed positions
            left, right, top, bottom = 0, h, 0, w
        x0, y0, x1, y1 = (float(v) for v in m.groups())
        vw, vh = right - left, bottom - top
        assert left + 0.6 * vw < x0 < x1 <= right, (n, left, right, m.groups())
        assert bottom - 0.1 * vh < y0 < y1 <= bottom, (n, top, bottom, m.groups())
    reader = PdfReader(pdf)
    assert reader.pages[st["first_page"] + 1].get("/Rotate") == 90  # left as the bank made it
    assert float(reader.pages[st["first_page"] + 2].cropbox.width) == 450


def test_jpegs_are_embedded_byte_for_byte(built: tuple) -> None:  # type: ignore[type-arg]
    got, pdf = built
    jpegs = {f.sha256 for f in got.inventory.files if f.status is Status.ACCEPTED
             and f.path.endswith(".jpg") and "broken" not in f.path}
    found = set()
    for page in PdfReader(pdf).pages:
        for x in (page["/Resources"].get("/XObject") or {}).values():
            x = x.get_object()
            if x.get("/Subtype") == "/Image" and x.get("/Filter") == "/DCTDecode":
                found.add(hashlib.sha256(x._data).hexdigest())
    assert jpegs and jpegs <= found


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_a_file_that_fails_to_render_gets_an_error_page(built: tuple) -> None:  # type: ignore[type-arg]
    got, pdf = built
    broken = next(f for f in got.inventory.files if f.path.endswith("broken.jpg"))
    ex = next(e for e in _manifest(pdf)["exhibits"] if e["path"] == broken.path)
    page = _texts(pdf)[ex["first_page"] - 1]
    assert "该文件无法显示" in page and broken.sha256 in page


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    got = make_victim(tmp_path)
    a = pipeline.build_collected(got, tmp_path / "a").dossier
    b = pipeline.build_collected(got, tmp_path / "b").dossier
    assert a and b and a.read_bytes() == b.read_bytes()
    assert (a.parent / "timeline.json").read_bytes() == (b.parent / "timeline.json").read_bytes()


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_a_statement_locked_by_an_owner_password_only_is_merged(tmp_path: Path) -> None:
    """E-banking statements often carry an owner password (no editing) and no user password:
    anyone can open them, the inventory accepts them, and their pages go into the dossier."""
    got = make_victim(tmp_path, owner_locked=True)
    with pikepdf.open(got.victim.folder / "originals" / "银行流水" / "工商银行流水.pdf") as src:
        assert src.is_encrypted
    result = pipeline.build_collected(got, tmp_path / "out")
    assert result.dossier is not None
    assert not [i for i in result.issues if i.code == "render_failed"]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(result.dossier), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    assert all(f"BANK STATEMENT page {n}" in text for n in (1, 2, 3))
    with pikepdf.open(result.dossier) as out:
        assert not out.is_encrypted


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_a_victim_without_exhibits_still_gets_a_dossier(tmp_path: Path) -> None:
    got = make_victim(tmp_path, empty=True)
    pdf = pipeline.build_collected(got, tmp_path / "out").dossier
    assert pdf is not None
    text = "".join(_texts(pdf))
    assert "缺少的证据" in text and "未发现任何可出示的证据文件" in text
    assert "本案原告未提交可出示的证据文件" in text
    assert next(iter(PdfReader(pdf).page_labels)) == "JD-V001-000001"


def test_a_failed_build_leaves_nothing_at_the_final_path(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    got = make_victim(tmp_path)
    monkeypatch.setattr(verify, "check", lambda pdf, expect: ["page 3 has no stamp"])
    with pytest.raises(errors.VerifyError):
        pipeline.build_collected(got, tmp_path / "out")
    assert not (tmp_path / "out" / "V001").exists()
    assert list((tmp_path / "out").iterdir()) == []  # the work folder is gone too


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_english_template(tmp_path: Path) -> None:
    got = make_victim(tmp_path, lang="en")
    pdf = pipeline.build_collected(got, tmp_path / "out").dossier
    assert pdf is not None
    text = "".join(_texts(pdf))
    for needle in ("Evidence list", "Offered to prove", "Exhibit 5-2", "Chronology",
                   "Appendix: chain of custody", "张三"):
        assert needle in text, needle


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_finds_no_structural_errors(built: tuple) -> None:  # type: ignore[type-arg]
    _, pdf = built
    done = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_font_option_and_visible_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence.render import fonts

    chosen = fonts.register("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#0")
    if chosen.embedded:  # the font is installed here: --font wins over the template list
        assert chosen.body.startswith("EvFont-wqy-microhei") and not chosen.issues
    monkeypatch.setattr(fonts, "COMMON_PATHS", ())
    monkeypatch.setattr(fonts, "fontconfig", lambda lang="zh": [])
    fell = fonts.register("/no/such/font.ttf", ["/no/such/either.ttc"], [])
    assert not fell.embedded and fell.body == "STSong-Light"
    codes = [i.code for i in fell.issues]
    assert codes == ["font_unusable", "font_not_embedded"]
    assert "--font" in fell.issues[-1].message


def test_characters_no_font_has_are_named_not_boxed(tmp_path: Path) -> None:
    from evidence.render import common, fonts

    f = fonts.register(None, ["/usr/share/fonts/truetype/arphic/uming.ttc"], [])
    common.styles(f)
    if f.embedded:
        common.use_fonts(dataclasses.replace(f, fallbacks=()))  # no fallback font: named
        assert common.esc("哈哈🤣 <b>") == "哈哈[U+1F923] &lt;b&gt;"
        common.use_fonts(f)  # issue 17: a fallback font draws it, when one is installed
        if f.fallbacks:
            assert common.esc("哈哈🤣 <b>") == (
                '哈哈<font name="EvFallback-Symbola_hint">🤣</font> &lt;b&gt;')
        # a character not even a fallback has is still named, never boxed
        assert "[U+E000]" in common.esc("\ue000")


# ---- the post-conditions catch what they claim to (verify.check on a tampered copy) -----------


def _expect(pdf: Path) -> verify.Expect:
    man = _manifest(pdf)
    with pikepdf.open(pdf) as doc:
        labels = verify.page_labels(doc)
        links = {str(i): p for i, p in enumerate(sorted({p for p in verify.link_pages(doc) if p}))}
    originals = frozenset(i for e in man["exhibits"] if e.get("mode") == "pdf"
                          for i in range(e["first_page"], e["last_page"]))
    return verify.Expect(pages=man["pages"], labels=labels, link_targets=links,
                         originals=originals)


def _tampered(pdf: Path, tmp_path: Path, change: Callable[[pikepdf.Pdf], None]) -> Path:
    out = tmp_path / "tampered.pdf"
    with pikepdf.open(pdf) as doc:
        change(doc)
        doc.save(out)
    return out


def test_verify_passes_the_built_dossier(built: tuple) -> None:  # type: ignore[type-arg]
    _, pdf = built
    expect = _expect(pdf)
    assert expect.labels[0] == "JD-V001-000001" and len(expect.labels) == expect.pages
    assert verify.check(pdf, expect) == []
    with pikepdf.open(pdf) as doc:  # the stamp is read from the page's own stamp form
        cmaps: dict = {}  # type: ignore[type-arg]
        assert all(label in verify.stamp_text(page, cmaps)
                   for page, label in zip(doc.pages, expect.labels, strict=True))


def _swap_stamps(doc: pikepdf.Pdf) -> None:
    a, b = doc.pages[1].obj.Resources.XObject, doc.pages[2].obj.Resources.XObject
    a["/EvStamp"], b["/EvStamp"] = b["/EvStamp"], a["/EvStamp"]


def _drop_labels(doc: pikepdf.Pdf) -> None:
    del doc.Root["/PageLabels"]


def _drop_manifest(doc: pikepdf.Pdf) -> None:
    del doc.attachments[integrity.MANIFEST_NAME]


def _drop_links(doc: pikepdf.Pdf) -> None:
    for page in doc.pages:
        if "/Annots" in page.obj:
            del page.obj["/Annots"]


def _bare_font(doc: pikepdf.Pdf) -> None:
    page = doc.pages[0].obj
    page.Resources.Font["/Bare"] = doc.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))


def _drop_page(doc: pikepdf.Pdf) -> None:
    del doc.pages[-1]


@pytest.mark.parametrize(("change", "problem"), [
    (_swap_stamps, "page 2 does not show its stamp JD-V001-000002"),
    (_drop_labels, "page label of page 1 differs from its stamp"),
    (_drop_manifest, "manifest.json is not attached"),
    (_drop_links, "no link to pages"),
    (_bare_font, "fonts not embedded: /Helvetica"),
    (_drop_page, "pages, expected"),
])
def test_verify_catches_a_tampered_dossier(built: tuple, tmp_path: Path,  # type: ignore[type-arg]
                                           change: Callable[[pikepdf.Pdf], None],
                                           problem: str) -> None:
    _, pdf = built
    bad = _tampered(pdf, tmp_path, change)
    problems = verify.check(bad, _expect(pdf))
    assert any(problem in p for p in problems), problems


def test_verify_names_files_not_exhibited(built: tuple) -> None:  # type: ignore[type-arg]
    _, pdf = built
    expect = dataclasses.replace(_expect(pdf), accepted=("截图/missing.png",), exhibited=())
    assert verify.check(pdf, expect) == ["accepted files not exhibited: 截图/missing.png"]


def test_verify_reports_an_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "cut.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    problems = verify.check(bad, verify.Expect(pages=1, labels=["X"]))
    assert len(problems) == 1 and problems[0].startswith("the PDF cannot be read back")


def test_verify_compares_the_attached_manifest_with_the_one_built(built: tuple) -> None:  # type: ignore[type-arg]
    _, pdf = built
    with pikepdf.open(pdf) as doc:
        attached = doc.attachments[integrity.MANIFEST_NAME].get_file().read_bytes()
    same = dataclasses.replace(_expect(pdf), manifest_bytes=attached)
    assert verify.check(pdf, same) == []
    other = dataclasses.replace(_expect(pdf), manifest_bytes=attached.replace(b'"pages"', b'"Pages"'))
    assert verify.check(pdf, other) == ["manifest.json differs from the one built"]


def test_table_text_is_written_exactly_as_reportlab_writes_it(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Table strings skip reportlab's textOut bookkeeping (render.common._TextOut): the dossier
    must come out byte for byte as through textOut itself."""
    from evidence.render import common

    got = make_victim(tmp_path)
    fast = pipeline.build_collected(got, tmp_path / "fast").dossier
    original = common._TextOut.__init__

    def slow(self: common._TextOut, canv: object, tx: object) -> None:
        original(self, canv, tx)  # type: ignore[arg-type]
        self.fast = False

    monkeypatch.setattr(common._TextOut, "__init__", slow)
    through_reportlab = pipeline.build_collected(got, tmp_path / "slow").dossier
    assert fast and through_reportlab
    assert fast.read_bytes() == through_reportlab.read_bytes()


def _index_rows(pdf: Path) -> dict[str, str]:
    """证据目录 rows as printed: exhibit label -> the page column (last cell of its first line)."""
    rows = {}
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         check=True).stdout.decode()
    for text in out.split("\f"):
        if "证明目的" in text and "证据目录" in text:
            for line in text.splitlines():
                m = re.match(r"\s*(证据[\d-]+)\s.*?\s(\d+(?:–\d+)?)\s*$", line)
                if m:
                    rows[m.group(1)] = m.group(2)
    return rows


def _printed_range(e: dict) -> str:  # type: ignore[type-arg]
    first, last = e["first_page"], e["last_page"]
    return str(first) if first == last else f"{first}–{last}"


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_front_matter_prints_the_final_page_numbers(built: tuple) -> None:  # type: ignore[type-arg]
    """The numbers are drawn after the front matter's own pages are counted (one pass): the
    evidence list shows each exhibit's real page range, the cover the real page count."""
    _, pdf = built
    man = _manifest(pdf)
    rows = _index_rows(pdf)
    items = [e for e in man["exhibits"] if e["label"] in rows]
    assert len(items) == len(man["exhibits"]) > 5
    for e in items:
        assert rows[e["label"]] == _printed_range(e), e
    cover = _texts(pdf)[0]
    assert re.search(rf"页数\s+{man['pages']}\s", cover), cover


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_a_page_number_wider_than_its_room_is_laid_out_again(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """When the room laid out for the numbers is too narrow (here: one digit), the front matter is
    laid out again with the final numbers: the same pages and text as with room enough."""
    from evidence.render import dossier

    got = make_victim(tmp_path)
    roomy = pipeline.build_collected(got, tmp_path / "roomy").dossier
    calls: list[bool] = []
    front = dossier.front

    def spy(*a: Any, **kw: Any) -> tuple[list[int], int, bool]:
        counts, appendix, fitted = front(*a, **kw)
        calls.append(fitted)
        return counts, appendix, fitted

    monkeypatch.setattr(dossier, "reserved_digits", lambda pages: 1)
    monkeypatch.setattr(dossier, "front", spy)
    narrow = pipeline.build_collected(got, tmp_path / "narrow").dossier
    assert roomy and narrow
    # issue 19: a counting pass, the pass told the numbers (did not fit), then laid out again
    assert calls[1] is False and len(calls) >= 3
    assert _texts(narrow) == _texts(roomy)
    assert _index_rows(narrow) == _index_rows(roomy)

"""Issue 17: a 证据目录 a clerk can file, read back from what a build of the sample case wrote —
the dossier's text (pdftotext), 证据目录.docx (python-docx), 原告名单.docx and claims.xlsx
(openpyxl)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from evidence import batch, exhibits, sample
from evidence.render import dossier as render

HAVE_POPPLER = shutil.which("pdftotext") is not None
FACT_ORDER = ("订单", "诈骗来电", "钓鱼链接及验证码", "银行扣款", "报案", "赔付及协商", "其他材料")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("fileable")
    case = root / "case"
    truth = sample.generate(case, victims=3, seed=318, scale="small")
    out = root / "out"
    batch.build(case, out, jobs=2, tool="test")
    return case, out, truth.data


def _text(pdf: Path, page: int | None = None, column: int | None = None) -> str:
    """pdftotext of the file, one page, or one column of the 证据目录 table on that page."""
    args = ["pdftotext"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    if column is not None:
        margin, frame = 18 * 72 / 25.4, 595.28 - 2 * 18 * 72 / 25.4
        x = margin + sum(render.INDEX_WIDTHS[:column]) * frame
        args += ["-x", str(int(x) + 1), "-y", "0", "-W",
                 str(int(render.INDEX_WIDTHS[column] * frame) - 2), "-H", "842"]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout


def _index_pages(pdf: Path) -> list[int]:
    pages = []
    for n in range(1, 12):
        text = _text(pdf, n)
        if text.startswith("证据目录") or (pages and "证明目的" in text and "时间线" not in text):
            pages.append(n)
        elif pages:
            break
    return pages


def _index_text(pdf: Path, column: int | None = None) -> str:
    """The 证据目录 pages' text, or one column of its table, without line breaks."""
    return "".join(re.sub(r"\s+", "", _text(pdf, n, column)) for n in _index_pages(pdf))


def _victim(truth: dict[str, Any], vid: str) -> dict[str, Any]:
    return next(v for v in truth["victims"] if v["id"] == vid)


def _rows(path: Path) -> list[list[str]]:
    table = docx.Document(str(path)).tables[0]
    return [[c.text for c in r.cells] for r in table.rows]


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_index_names_exhibits_by_what_they_are_grouped_in_the_frauds_order(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, truth = built
    v = _victim(truth, "V001")
    pdf = out / "V001" / "dossier.pdf"
    flat = _index_text(pdf)
    names, sources, purposes = (_index_text(pdf, k) for k in (1, 3, 4))
    # groups in the order of the fraud, each a 待证事实 row
    found = [f for f in FACT_ORDER if f"待证事实：{f}" in flat]
    assert found == sorted(found, key=FACT_ORDER.index) and found[:2] == ["订单", "诈骗来电"]
    # a recording is named by its caller, time and duration, not by its file name
    rec = next(f for f in v["files"] if f["kind"] == "recording")
    call = next(e for e in v["events"] if e["kind"] == "recording")
    number = call["counterparty"]
    minutes, seconds = divmod(int(float(call["duration_s"])), 60)
    when = call["time"][:16].replace("T", "")
    assert f"{number}通话录音（{when}，{minutes}分{seconds}秒）" in names
    assert Path(rec["path"]).stem not in names
    # the file name moved to the 来源 column, with its hash
    assert rec["path"] in sources and "SHA-256" in sources
    # 证明目的 from this claimant's facts: the delay after the order and the fraud number
    first = dt.datetime.fromisoformat(v["first_fraud_call"])
    placed = dt.datetime.fromisoformat(v["orders"][0]["placed"])
    h, m = divmod(int((first - placed).total_seconds()) // 60, 60)
    said = re.search(r"原告下单后(\d+)小时(\d+)分即接到冒充京东客服的(\d+)", purposes)
    assert said is not None and (int(said[1]), int(said[2])) == (h, m)
    assert said[3] in v["fraud_numbers"]
    assert "证明与本案有关的事实情况" not in flat  # the old generic line is gone
    # the statement's bank and period; the police receipt photo is its own exhibit
    assert re.search(r"[\u4e00-\u9fff]+银行账户明细（2015-0\d-\d\d至", names)
    assert "公安机关受案回执（照片" in names
    # columns a clerk expects, then who submits it, the date and room to sign
    heads = ("序号", "证据名称", "证据形式／原件或复印件", "来源（文件）", "证明目的", "份数／页数", "页码")
    for k, head in enumerate(heads):
        assert head in _index_text(pdf, k)[:40], head
    assert "原始载体" in _index_text(pdf, 2)
    assert re.search(r"提交人原告.+日期\d{4}-\d\d-\d\d签名（盖章）", flat)


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_order_sheet_marked_as_statement_and_missing_evidence_listed(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, truth = built
    text = subprocess.run(["pdftotext", str(out / "V001" / "dossier.pdf"), "-"],
                          capture_output=True, check=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    order_id = _victim(truth, "V001")["orders"][0]["id"]
    assert "订单情况说明（原告陈述）" in flat and "属当事人陈述" in flat and order_id in flat
    missing = flat[flat.index("缺少的证据"):flat.index("证据目录", flat.index("缺少的证据"))]
    assert "无订单原始证据" in missing  # only the claimant's statement proves the order
    assert "未附录音笔录" in missing
    assert "无原告身份证复印件" in missing
    assert "无报案回执" not in missing  # the receipt photo is in the file


def test_evidence_list_docx_has_the_same_rows(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, _truth = built
    path = out / "V001" / "证据目录.docx"
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "证据目录"
    rows = _rows(path)
    assert rows[0] == ["序号", "证据名称", "证据形式／原件或复印件", "来源（文件）", "证明目的",
                       "份数／页数", "页码"]
    labels = [r[0] for r in rows[1:] if r[0] and not r[1].startswith("待证事实")]
    assert labels[0] == "证据1" and all(x.startswith("证据") for x in labels)
    recording = next(r for r in rows if "通话录音（" in r[1])
    assert recording[3].startswith("originals/") and "SHA-256" in recording[3]
    assert re.fullmatch(r"\d+(–\d+)?", recording[6])
    tail = [p.text for p in document.paragraphs[-4:]]
    assert tail[0].startswith("提交人：原告") and tail[2].startswith("日期：")
    assert tail[3].startswith("签名（盖章）")
    fonts = document.styles["Normal"].font
    assert fonts.size is not None and fonts.size.pt == 10.5


def test_claims_xlsx_numbers_dates_frozen_header(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, truth = built
    ws = openpyxl.load_workbook(out / "joint" / "claims.xlsx").active
    assert ws is not None and ws.freeze_panes == "A2"
    head = [c.value for c in ws[1]]
    assert "生成状态" not in head  # build status is for the terminal, not a court document
    lost = head.index("银行通知损失（元）")
    called = head.index("首次诈骗来电时间")
    for row, v in zip(ws.iter_rows(min_row=2), truth["victims"], strict=True):
        assert row[head.index("姓名")].value == v["name"]  # Chinese intact
        assert Decimal(str(row[lost].value)) == Decimal(v["debit_total"])
        assert row[lost].number_format == "#,##0.00"
        assert isinstance(row[called].value, dt.datetime)
        assert row[called].value == dt.datetime.fromisoformat(v["first_fraud_call"]).replace(
            tzinfo=None)


def test_claimants_docx(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, truth = built
    rows = _rows(out / "joint" / "原告名单.docx")
    assert rows[0][:3] == ["序号", "姓名", "编号"]
    assert [r[1] for r in rows[1:]] == [v["name"] for v in truth["victims"]]
    assert all(re.fullmatch(r"JD-B-\d{6}–JD-B-\d{6}", r[-1]) for r in rows[1:])


def test_editable_outputs_are_byte_identical_between_builds(
        built: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    case, out, _ = built
    again = tmp_path / "out"
    batch.build(case, again, jobs=1, tool="test")
    for rel in ("V001/证据目录.docx", "joint/claims.xlsx", "joint/原告名单.docx"):
        assert (out / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_transcript_parsing_and_form_rows() -> None:
    srt = ("1\n00:00:01,000 --> 00:00:04,000\n乙：您好，我是京东客服。\n\n"
           "2\n00:00:05,500 --> 00:00:09,000\n甲：什么事？\n")
    lines = exhibits.transcript(srt, ".srt")
    assert [(x.at, x.speaker, x.text) for x in lines] == [(1, "乙", "您好，我是京东客服。"), (5, "甲", "什么事？")]
    txt = exhibits.transcript("[01:02] 乙：请点击链接\n没有时间的一行\n", ".txt")
    assert [(x.at, x.speaker, x.text) for x in txt] == [(62, "乙", "请点击链接"), (None, "", "没有时间的一行")]
    assert exhibits.form_marks(1050) == tuple(range(0, 1050, 30)) and len(exhibits.form_marks(1050)) == 35
    assert exhibits.form_marks(None) == (0,)
    assert exhibits.clock(1049) == "17:29"


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_recording_gets_a_transcript_page_or_a_form(tmp_path: Path) -> None:
    case = tmp_path / "case"
    truth = sample.generate(case, victims=2, seed=318, scale="small").data
    rec = next(f for f in _victim(truth, "V001")["files"] if f["kind"] == "recording")
    audio = case / "victims" / "V001" / rec["path"]
    audio.with_suffix(".srt").write_text(
        "1\n00:00:03,000 --> 00:00:06,000\n乙：您好，这里是京东客服，您的订单出了问题。\n", encoding="utf-8")
    out = tmp_path / "out"
    batch.build(case, out, jobs=1, tool="test")
    with_text = re.sub(r"\s+", "", _text(out / "V001" / "dossier.pdf"))
    assert "录音笔录" in with_text and "您好，这里是京东客服，您的订单出了问题。" in with_text
    assert "00:03" in with_text and "未附录音笔录" not in with_text
    others = [v for v in truth["victims"] if v["id"] != "V001"
              and any(f["kind"] == "recording" for f in v["files"])]
    assert others
    for v in others:  # no transcript: a form with a row every 30 s, and 待补 in the summary
        call = next(e for e in v["events"] if e["kind"] == "recording")
        text = re.sub(r"\s+", "", _text(out / v["id"] / "dossier.pdf"))
        last = exhibits.clock(exhibits.form_marks(float(call["duration_s"]))[-1])
        assert "待补" in text and f"{last}" in text and "未附录音笔录" in text


HAVE_FALLBACKS = all(Path(p).is_file() for p in (
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"))


@pytest.mark.skipif(not (HAVE_POPPLER and HAVE_FALLBACKS), reason="fonts-hanazono/fonts-symbola")
def test_rare_characters_and_emoji_are_printed_and_read_back(built: tuple[Path, Path, dict[str, Any]]
                                                             ) -> None:
    _, out, _truth = built
    text = _text(out / "V001" / "dossier.pdf")
    emoji = [e for e in ("😂", "🎂", "😊", "👍") if e in text]
    assert emoji and "[U+1F" not in text  # drawn by the fallback font, extracted as themselves
    from reportlab.pdfgen.canvas import Canvas

    from evidence.render import common, fonts

    f = fonts.register(None, ["/usr/share/fonts/truetype/arphic/uming.ttc"], [])
    common.use_fonts(f)
    pdf = out / "extb.pdf"
    canv = Canvas(str(pdf), invariant=1)
    grid = common.Grid([400], [common.GridRow((common.cell(common.styles(f).cell, "吉𠮷祥😂"),))])
    grid.wrapOn(canv, 400, 100)
    grid.drawOn(canv, 50, 700)
    canv.save()
    assert "吉𠮷祥😂" in _text(pdf)  # Extension B via HanaMinB, with a correct ToUnicode map


def test_no_chinese_font_is_one_clear_message_not_a_traceback(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence import errors, pipeline
    from evidence.render import fonts

    case = tmp_path / "case"
    sample.generate(case, victims=1, seed=318, scale="small")
    monkeypatch.setattr(fonts, "candidates", lambda override, configured: [])
    fonts._register.cache_clear()
    try:
        with pytest.raises(errors.UsageError, match=r"No Chinese TrueType font.*--font"):
            pipeline.build_victim(pipeline.config.load_case(case)[0], "V001", tmp_path / "out")
    finally:
        fonts._register.cache_clear()
    assert not list((tmp_path / "out").rglob("dossier.pdf"))  # nothing half-written


def test_caption_is_balanced_never_a_lone_word(built: tuple[Path, Path, dict[str, Any]]) -> None:
    from evidence.render import fonts
    from evidence.render import joint as render_joint

    f = fonts.register(None, ["/usr/share/fonts/truetype/arphic/uming.ttc"],
                       ["/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"])
    lines = render_joint.balanced("闫某某等12人诉北京某电子商务有限公司网络购物合同纠纷", f.heading, 20,
                                  493).split("\n")
    assert lines == ["闫某某等12人诉", "北京某电子商务有限公司网络购物合同纠纷"]
    _, out, _ = built
    cover = _text(out / "joint" / "bundle.pdf", 1).splitlines()
    assert all(len(line.strip()) > 2 for line in cover if "纠纷" in line)


def test_a_scanned_police_receipt_is_classified_by_its_text(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from evidence.render import fonts

    case = tmp_path / "case"
    sample.generate(case, victims=1, seed=318, scale="small")
    f = fonts.register(None, ["/usr/share/fonts/truetype/arphic/uming.ttc"], [])
    if not f.embedded:
        pytest.skip("no Chinese TrueType font")
    scan = case / "victims" / "V001" / "originals" / "其他" / "scan0001.pdf"
    scan.parent.mkdir(parents=True, exist_ok=True)
    canv = Canvas(str(scan), invariant=1)
    canv.setFont(f.body, 16)
    canv.drawString(200, 760, "受 案 回 执")
    canv.drawString(80, 700, "报案人：某某  案由：冒充京东客服网络诈骗")
    canv.save()
    out = tmp_path / "out"
    batch.build(case, out, jobs=1, tool="test")
    rows = _rows(out / "V001" / "证据目录.docx")
    facts = [r[1] for r in rows if r[1].startswith("待证事实")]
    report = facts.index("待证事实：报案")
    heads = [i for i, r in enumerate(rows) if r[1].startswith("待证事实")]
    start = heads[report]
    end = heads[report + 1] if report + 1 < len(heads) else len(rows)
    mine = [r for r in rows[start + 1:end] if "scan0001.pdf" in r[3]]
    assert mine and mine[0][1].startswith("公安机关受案回执")
    assert "向公安机关报案" in mine[0][4]


@pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")
def test_bundle_front_matter_is_a_court_document(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, truth = built
    bundle = out / "joint" / "bundle.pdf"
    front = "".join(_text(bundle, n) for n in range(1, 6))
    flat = re.sub(r"\s+", "", front)
    assert "生成状态" not in flat and "已生成" not in flat  # build status: terminal and manifest
    start = flat.index("跨受害人分析")
    analysis = flat[start:flat.index("下单至首次诈骗来电的间隔分布", start)]
    cited = re.findall(r"\d+\.([^（；]+)（(证据[\d-]+)，JD-B-(\d{6})）", analysis)
    names = {v["name"] for v in truth["victims"]}
    assert cited and {c[0] for c in cited} <= names  # every claimant cited to an exhibit
    for _name, label, page in cited:  # … on the very bundle page that exhibit starts
        # its stamp: the bundle number, the dossier's own stamp (exhibit label first) beneath
        assert f"JD-B-{page}（{label}" in re.sub(r"\s+", "", _text(bundle, int(page)))
    domains = analysis[analysis.index("钓鱼网站域名"):]
    assert "归属地" not in domains  # no empty column for domains
    assert "纵轴为原告人数" in flat and "横轴为原告人数" in flat  # each count chart has a legend


def _small_text(pdf: Path, limit: float) -> list[tuple[int, float, str]]:
    """(page, size, text) of every run drawn smaller than `limit` points: the font size times
    the text and graphics matrices' vertical scale, as a reader sees it."""
    import math

    import pypdf

    found: list[tuple[int, float, str]] = []
    for n, page in enumerate(pypdf.PdfReader(pdf).pages, start=1):
        def visit(text: str, cm: Any, tm: Any, _font: Any, size: float, n: int = n) -> None:
            shown = size * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
            if text.strip() and shown < limit - 0.01:
                found.append((n, round(shown, 2), text.strip()))
        page.extract_text(visitor_text=visit)
    return found


def test_no_text_under_9_points_but_the_stamps(built: tuple[Path, Path, dict[str, Any]]) -> None:
    """issue 17: table text ≥ 9 pt, nothing smaller (the OCR note, an exhibit's file and hash
    in its header band, the cover's fingerprint were 7.5-8.5 pt) — except the Bates stamp."""
    _, out, _ = built
    for vid in ("V001", "V002", "V003"):
        pdf = out / vid / "dossier.pdf"
        small = [(n, size, text) for n, size, text in _small_text(pdf, 9.0)
                 if f"JD-{vid}-{n:06d}" not in text]
        assert not small, small[:5]
        assert _small_text(pdf, 9.0), "the stamps are drawn smaller: the reading must see them"
    summary = [text for n, size, text in _small_text(out / "V001" / "dossier.pdf", 10.5)
               if n == 2 and "JD-" not in text]
    assert not any("OCR" in t for t in summary)  # the summary's note is body text
    front = [t for n, _, t in _small_text(out / "joint" / "bundle.pdf", 9.0) if n <= 6]
    assert not front, front[:5]


def test_bundle_table_headers_leave_no_character_alone(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    """issue 17: a header narrower than its column's text is cut into even lines
    ("首次下单时" over a lone "间" before), read back as the lines pdftotext sees in the header
    row of each table in the bundle's front matter."""
    from evidence import template

    _, out, _ = built
    bundle = out / "joint" / "bundle.pdf"
    heads = {template.t("zh-Hans", f"joint.col.{k}") for k in (
        "number", "name", "id", "region", "pages", "amount_lost", "first_order",
        "first_call_number", "delay", "callers", "channels", "compensation")}
    html = subprocess.run(["pdftotext", "-f", "2", "-l", "3", "-bbox", str(bundle), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">'
                      r"([^<]+)</word>")
    seen = 0
    for page in html.split("<page ")[1:]:
        words = [(float(x), float(y), w) for x, y, w in word.findall(page)]
        top = next(y for _, y, w in words if w == "序号")
        first_row = min(y for _, y, w in words if y > top + 2 and w == "1")
        cells: dict[int, list[str]] = {}  # a header's lines share their left edge
        for x, y, w in sorted(words, key=lambda t: (t[0], t[1])):
            if top - 1 <= y < first_row - 1:
                cells.setdefault(round(x), []).append(w)
        for lines in cells.values():
            text = "".join(lines)
            seen += text in heads
            if text in heads:  # lines shorter than half the longest: a character left alone
                assert all(2 * len(line) >= max(map(len, lines)) for line in lines), lines
            else:
                assert len(lines) == 1, lines  # not a header of ours: a word pdftotext split
    assert seen >= 12  # the index's and the summary's headers


def test_recording_sheet_names_recorder_carrier_and_hash(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    """issue 17 (Art. 15): each recording sheet says which phone's recorder made it (from the
    file name's convention, as the 证据目录 says it), that the original carrier is handed over
    separately, and the file's SHA-256."""
    _, out, truth = built
    sheets = 0
    for vid in ("V001", "V002", "V003"):
        pages = _text(out / vid / "dossier.pdf").split("\f")
        inventory = {f["path"]: f["sha256"] for f in json.loads(
            (out / vid / "inventory.json").read_text(encoding="utf-8"))["files"]}
        for page in pages:
            if "录音文件说明" not in page:
                continue
            sheets += 1
            flat = re.sub(r"\s+", "", page)
            source = flat[flat.index("来源"):]
            assert re.match(r"来源原告手机通话录音（[^）]*(手机自带通话录音|App)）；录音原件以原始载体另行提交",
                            source), source[:60]
            shown = [sha for path, sha in inventory.items()
                     if "文件" + re.sub(r"\s+", "", path) + "类型" in flat]
            assert len(shown) == 1 and shown[0] in flat  # the full hash of that very file
    recordings = sum(f["kind"] == "recording" for v in truth["victims"] for f in v["files"]
                     if v["id"] in ("V001", "V002", "V003"))
    assert sheets == recordings >= 2


def test_evidence_list_leaves_room_to_sign_and_seal(
        built: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    """issue 17: the 证据目录 ends with 提交人, 日期 and a 签名（盖章） cell tall enough for a
    signature and a seal: measured on the rendered page, from the label's top to the rule
    that closes its cell."""
    from PIL import Image

    _, out, _ = built
    pdf = out / "V001" / "dossier.pdf"
    page = next(n for n in _index_pages(pdf) if "签名（盖章）" in _text(pdf, n))
    flat = re.sub(r"\s+", "", _text(pdf, page))
    assert flat.index("提交人") < flat.index("日期") < flat.index("签名（盖章）")
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    _, top, x1 = (float(v) for v in re.search(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">签名（盖章）',
        html).groups())  # type: ignore[union-attr]
    subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", str(page), "-l", str(page), "-png",
                    str(pdf), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    x = int(x1 + 60)  # inside the value cell, right of the label
    bottom = next(y for y in range(int(top) + 14, image.height)
                  if int(image.getpixel((x, y))) < 160)  # type: ignore[arg-type]
    assert (bottom - top) * 25.4 / 72 >= 18, (bottom - top) * 25.4 / 72


def test_an_order_in_the_chronology_is_its_price_not_a_debit_to_verify(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    """issue 17: the order row's amount read "259.00（方向待核实）" (direction to be verified),
    as if it were a bank notice of unknown sign; it is the order's price."""
    _, out, truth = built
    for vid in ("V001", "V002", "V003"):
        pdf = out / vid / "dossier.pdf"
        chronology = "".join(re.sub(r"\s+", "", t) for t in _text(pdf).split("\f")
                             if t.lstrip().startswith("时间线") or "证据／页码" in t)
        orders = _victim(truth, vid)["orders"]
        assert chronology.count("（订单金额）") == len(orders) >= 1, vid
        layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                                check=True, text=True).stdout.splitlines()
        for order in orders:  # the price in the amount column, the words right beneath it
            price = f"{Decimal(order['amount']):,.2f}"
            rows = [n for n, line in enumerate(layout) if f"订单{order['id']}" in line]
            assert any(price in layout[n] and "（订单金额）" in layout[n + 1] for n in rows), vid


def test_evidence_list_headers_break_at_their_slash(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    """issue 17: "证据形式／原件或复印件" broke as "证据形式／原" over "件或复印件"."""
    _, out, _ = built
    pdf = out / "V001" / "dossier.pdf"
    lines = [ln.strip() for ln in _text(pdf, _index_pages(pdf)[0], column=2).splitlines()
             if ln.strip()]
    at = lines.index("证据形式／")  # under the intro line's words that fall in this column
    assert lines[at + 1] == "原件或复印件", lines[:4]


def test_the_answered_fraud_call_is_marked_in_the_chronology(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    """issue 17: not only the first (often missed) fraud call: the fraud number's later calls
    and recordings are drawn like it (the marked rows' bold face), the legend says so."""
    import pypdf

    _, out, _ = built
    checked = 0
    for vid in ("V001", "V002", "V003"):
        reader = pypdf.PdfReader(out / vid / "dossier.pdf")
        faces: dict[str, set[str]] = {}

        def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: float,
                  faces: dict[str, set[str]] = faces) -> None:
            if font is not None and text.strip():
                faces.setdefault(text.strip(), set()).add(str(font.get("/BaseFont")))

        pages = [p for p in reader.pages if "证据／页码" in p.extract_text()]
        assert "此后的通话、录音均以红色、加粗" in re.sub(r"\s+", "", pages[0].extract_text())
        for page in pages:
            page.extract_text(visitor_text=visit)
        first = next(t for t in faces if t.startswith("★"))
        number = re.search(r"1\d{10}", first + "".join(t for t in faces if t.startswith(
            first)))
        marked = faces[first]
        later = [t for t in faces if number and t.startswith(("来电：", "通话录音："))
                 and number.group(0) in t]
        for text in later:
            assert faces[text] == marked, (vid, text, faces[text], marked)
        checked += len(later)
    assert checked >= 2  # the sample's answered calls and recordings after the first


def test_a_service_copy_carries_no_instruction_to_counsel(
        built: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    """issue 17: "（内容待律师核对后填写）" in a purpose and "请补充京东订单截图…" under the order
    sheet are the lawyer's to-do: on the court's copy, not on the copy served on the defendant
    (PDF and its editable 证据目录)."""
    from evidence import config, pipeline

    case, out, _ = built
    loaded, _ = config.load_case(case)
    pipeline.build_victim(loaded, "V001", tmp_path, pipeline.Options(redact=True))
    plain = re.sub(r"\s+", "", _text(out / "V001" / "dossier.pdf"))
    served = re.sub(r"\s+", "", _text(tmp_path / "V001" / "dossier-redacted.pdf"))
    todos = ("内容待律师核对后填写", "请补充京东订单截图")
    assert all(t in plain for t in todos)  # the sample needs both for the test to mean anything
    assert not any(t in served for t in todos), [t for t in todos if t in served]
    assert "显示的内容" in served and "属当事人陈述" in served  # the rest of each line stays
    cells = [c.text for t in docx.Document(str(tmp_path / "V001" / "证据目录-redacted.docx")).tables
             for r in t.rows for c in r.cells]
    assert not any(t in c for c in cells for t in todos)

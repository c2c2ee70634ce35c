"""Issue 17, the last points: transcripts named in victim.toml or supplied as .docx, the 待补
checklist row for recordings without one, lure numbers across victims, the bundle's own page
wording and exhibit-named bookmarks — each read back from what a build of the sample case wrote
(pdftotext, pikepdf, the `check` checklist)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import docx
import pikepdf
import pytest

from evidence import app, batch, sample

HAVE_POPPLER = shutil.which("pdftotext") is not None
pytestmark = pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils not installed")

DOCX_LINES = ("[00:04] 乙：您好，我是京东客服，您的订单因系统故障需要退款。",
              "[00:21] 甲：怎么退？")
TABLE_ROW = ("00:40", "乙", "请您打开我们发的链接，输入银行卡号和验证码。")
TOML_LINE = "[00:02] 乙：这里是京东售后，您买的剃须刀有质量问题，我们给您办理理赔。"
LURE_NUMBER = "02161452233"
LURE = "【建设银行】您的龙卡于2015年03月18日17:40在国美电器消费12,800.00元，如有疑问请拨打021-61452233。"


def _recording(truth: dict[str, Any], vid: str) -> str:
    v = next(v for v in truth["victims"] if v["id"] == vid)
    return next(f["path"] for f in v["files"] if f["kind"] == "recording")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("courtfix")
    case = root / "case"
    truth = sample.generate(case, victims=3, seed=318, scale="small").data
    victims = case / "victims"
    # V001: a Word transcript beside the recording (paragraphs, then a table row)
    rec1 = victims / "V001" / _recording(truth, "V001")
    document = docx.Document()
    for line in DOCX_LINES:
        document.add_paragraph(line)
    row = document.add_table(rows=1, cols=3).rows[0]
    for cell, text in zip(row.cells, TABLE_ROW, strict=True):
        cell.text = text
    document.save(str(rec1.with_suffix(".docx")))
    # V002: a transcript named in victim.toml, in another folder
    rec2 = _recording(truth, "V002")
    (victims / "V002" / "笔录").mkdir()
    (victims / "V002" / "笔录" / "通话笔录.txt").write_text(TOML_LINE + "\n", encoding="utf-8")
    with (victims / "V002" / "victim.toml").open("a", encoding="utf-8") as f:
        f.write(f'\n[exhibits."{rec2}"]\ntranscript = "笔录/通话笔录.txt"\n')
    # the same lure text in V001 and V002 (pasted as text: a bank's signature, a number to call)
    for vid in ("V001", "V002"):
        (victims / vid / "originals" / "短信文本.txt").write_text(LURE + "\n", encoding="utf-8")
    out = root / "out"
    batch.build(case, out, jobs=2, tool="test")
    return case, out, truth


def _text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext"]
    if first is not None:
        args += ["-f", str(first), "-l", str(last or first)]
    out = subprocess.run([*args, str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return re.sub(r"\s+", "", out)


def test_docx_and_toml_named_transcripts_are_printed_unchanged(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, _ = built
    v1 = _text(out / "V001" / "dossier.pdf")
    for line in DOCX_LINES:
        words = line.split("：", 1)[1]
        assert re.sub(r"\s+", "", words) in v1
    assert TABLE_ROW[2] in v1 and "00:40" in v1 and "00:21" in v1
    assert "未附录音笔录" not in v1
    v2 = _text(out / "V002" / "dossier.pdf")
    assert re.sub(r"\s+", "", TOML_LINE.split("：", 1)[1]) in v2 and "通话笔录.txt" in v2
    assert "未附录音笔录" not in v2


def test_checklist_has_a_todo_row_for_recordings_without_transcripts(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    case, out, truth = built
    checked = {g.victim.id: cl for g, cl in app.check(case).reports}
    for vid in ("V001", "V002"):
        row = checked[vid].item("recording_transcripts")
        assert row.ok is True, row.detail
    row = checked["V003"].item("recording_transcripts")
    v3 = [f["path"] for v in truth["victims"] if v["id"] == "V003" for f in v["files"]
          if f["kind"] == "recording"]
    assert row.ok is False and row.detail.startswith("待补") and all(p in row.detail for p in v3)
    assert "未附录音笔录" in _text(out / "V003" / "dossier.pdf")  # the summary's 缺少的证据
    shown = subprocess.run([str(Path(__file__).parents[1] / ".venv" / "bin" / "python"),
                            str(Path(__file__).parents[1] / "cli.py"), "check", str(case)],
                           capture_output=True, text=True, env={"COLUMNS": "400", "PATH": "/usr/bin:/bin"})
    assert "录音笔录：待补" in shown.stdout, shown.stdout[-2000:] + shown.stderr[-2000:]


def test_lure_numbers_are_listed_across_victims_and_marked_in_the_chronology(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, truth = built
    bundle = out / "joint" / "bundle.pdf"
    front = _text(bundle, 1, 6)
    start = front.index("诈骗短信要求回拨的号码")
    section = front[start:front.index("多名受害人共同的钓鱼网站域名", start)]
    names = {v["id"]: v["name"] for v in truth["victims"]}
    assert LURE_NUMBER in section
    assert names["V001"] in section and names["V002"] in section and names["V003"] not in section
    for vid in ("V001", "V002"):  # cited to the lure text's own exhibit, on its bundle page
        inventory = json.loads((out / vid / "inventory.json").read_text(encoding="utf-8"))
        label = next(e["label"] for e in inventory["exhibits"] if e["path"].endswith("短信文本.txt"))
        page = re.search(rf"{names[vid]}（{label}，JD-B-(\d{{6}})）", section)
        assert page, (label, section)
        assert f"JD-B-{page.group(1)}（{label}" in _text(bundle, int(page.group(1)))
    rows = [[c.text for c in r.cells] for r in docx.Document(
        str(out / "V001" / "证据目录.docx")).tables[0].rows]
    fact = ""
    for row in rows:
        fact = row[1] if row[1].startswith("待证事实") else fact
        if "短信文本.txt" in row[3]:  # the lure file: the fraud's text, not a bank's debits
            assert row[1].startswith("诈骗短信文本") and fact == "待证事实：钓鱼链接及验证码", row
            assert f"要求拨打{LURE_NUMBER}" in row[4], row
            break
    else:
        raise AssertionError(rows)
    for vid in ("V001", "V002"):
        assert "【诈骗短信】" in _text(out / vid / "dossier.pdf")
        assert f"短信要求拨打：{LURE_NUMBER}" in _text(out / vid / "dossier.pdf")


def _titles(items: Any) -> list[str]:
    out: list[str] = []
    for item in items:
        out.append(str(item.title))
        out.extend(_titles(item.children))
    return out


def test_bundle_cover_wording_and_bookmarks_name_exhibits(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, truth = built
    dossier = out / "V001" / "dossier.pdf"
    cover = _text(dossier, 1, 2)
    # true alone and in the bundle: where the bundle puts its number, and the dossier's
    assert "单独打开本卷宗时，与PDF阅读器显示的页码一致" in cover and "JD-B-000001" in cover
    assert "每页右下角改印汇编页码" in cover and "右上角" not in cover
    files = {Path(f["path"]).name for v in truth["victims"] for f in v["files"]}
    for pdf in (dossier, out / "joint" / "bundle.pdf"):
        with pikepdf.open(pdf) as p, p.open_outline() as outline:
            titles = _titles(outline.root)
        exhibit = [t for t in titles if t.startswith("证据")]
        assert exhibit, titles
        assert not [t for t in exhibit if any(name in t for name in files)], exhibit
        assert any("通话录音" in t for t in exhibit)  # named by what it is
        assert not [t for t in titles if re.search(r"第\d+页", t)]  # no viewer page that lies


def _zoom(pdf: Path) -> Any:
    with pikepdf.open(pdf) as p:
        action = p.Root.get("/OpenAction")
        return (list(action)[1:], p.pages.index(pikepdf.Page(action[0]))) if action else None


def test_one_stamp_per_bundle_page_and_bookmarks_cite_bundle_pages(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    """issue 17: inside the bundle each dossier page carries one stamp — the bundle number
    (its page label) with the dossier's own stamp beneath in brackets —, the front matter
    says how to cite, the dossiers' bookmarks cite bundle numbers, and it opens at 100 %."""
    _, out, _ = built
    bundle = out / "joint" / "bundle.pdf"
    assert "引用页码以每页右下角的汇编页码（如JD-B-000001" in _text(bundle, 1)
    with pikepdf.open(bundle) as p:
        labels = [pikepdf.Page(page).label for page in p.pages]
        index = {page.objgen: i for i, page in enumerate(p.pages)}
        with p.open_outline() as outline:
            claimants = list(outline.root)[1:]
            front_pages = index[claimants[0].destination[0].objgen]
            cited = []
            for item in claimants:
                stack = list(item.children)
                while stack:
                    child = stack.pop()
                    stack.extend(child.children)
                    cited.append((str(child.title), index[child.destination[0].objgen]))
    assert len(cited) > 20 and not [t for t, _ in cited if "JD-V" in t], cited
    for title, page in cited:  # "证据目录（JD-B-000009）": the page the bookmark opens
        assert re.search(r"（(JD-B-\d{6})）$", title).group(1) == labels[page], (title, page)
    for page in range(1, len(labels) + 1, 3):
        raw = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(bundle), "-"],
                             capture_output=True, check=True, text=True).stdout
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        if page <= front_pages:  # the front matter: the bundle number alone
            assert lines[-1] == labels[page - 1], (page, lines[-2:])
            continue
        # one stamp: the bundle number, and beneath it the dossier's own stamp in brackets
        assert lines[-2] == labels[page - 1], (page, lines[-3:])
        assert re.fullmatch(r"（(?:\S+ )?JD-V\d{3}-\d{6}）", lines[-1]), (page, lines[-3:])
        # the dossier's own stamp is not printed a second time
        assert raw.count(lines[-1][1:-1]) == 1, (page, raw[-300:])
    for pdf in (out / "V001" / "dossier.pdf", bundle):
        assert _zoom(pdf) == ([pikepdf.Name.XYZ, None, None, 1], 0)


def test_third_party_numbers_masked_only_when_the_template_says(tmp_path: Path) -> None:
    from evidence import collect, config, pipeline, redact

    case = tmp_path / "case"
    sample.generate(case, victims=2, seed=318, scale="small")
    got = collect.victim(config.load_case(case)[0], "V001")
    tl = got.timeline
    family = redact.third_party_numbers(tl.events, tl.facts.numbers)
    fraud = "13757124988"  # rang V001 and V002 after their orders: the case's evidence
    assert family and fraud in tl.facts.numbers and fraud not in family
    rules = tmp_path / "case" / "my-redaction.toml"
    rules.write_text(redact.RULES_FILE.read_text(encoding="utf-8").replace(
        "mask_third_parties = false", "mask_third_parties = true"), encoding="utf-8")
    red = redact.Redactor(redact.load_rules(rules), third_parties=family)
    assert red.text(f"{family[0]} / {fraud}") == (
        f"{family[0][:3]}{'*' * (len(family[0]) - 7)}{family[0][-4:]} / {fraud}")
    assert redact.Redactor(third_parties=family).text(family[0]) == family[0]  # default: off

    def served(out: Path) -> str:
        batch.build(case, out, jobs=1, options=pipeline.Options(redact=True), tool="test")
        return _text(out / "V001" / "dossier-redacted.pdf")

    plain = served(tmp_path / "out1")
    shown = [n for n in family if n in plain]
    assert shown and fraud in plain  # without the option the family's numbers are printed
    toml = case / "case.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "[case]\n", '[case]\nredaction = "my-redaction.toml"\n', 1), encoding="utf-8")
    masked = served(tmp_path / "out2")
    assert fraud in masked
    assert not [n for n in family if n in masked], [n for n in family if n in masked]
    assert any(f"{n[:3]}****{n[-4:]}" in masked for n in shown)
    # … and through the joint bundle: the served bundle holds the masked dossier, not the
    # numbers (issue 17); without the option the bundle prints them, as the dossier does
    for out, printed in ((tmp_path / "out1", True), (tmp_path / "out2", False)):
        bundle = _text(out / "joint" / "bundle-redacted.pdf")
        assert fraud in bundle and _text(out / "served" / "joint" / "bundle-redacted.pdf") == bundle
        assert bool([n for n in shown if n in bundle]) == printed, out
    assert all(f"{n[:3]}****{n[-4:]}" in bundle for n in shown)


def test_each_chart_is_on_the_page_of_its_figures(built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, truth = built
    bundle = out / "joint" / "bundle.pdf"
    pages = [_text(bundle, n) for n in range(1, 8)]
    charts = {"下单至首次诈骗来电的间隔分布": "间隔区间人数",
              "按支付渠道统计的损失": "支付渠道金额（元）人数",
              "按省份统计的损失": "省份金额（元）人数",
              "赔付状态统计": "赔付状态人数已赔付（元）"}
    for title, heads in charts.items():
        page = next(p for p in pages if title in p)
        after = page[page.index(title):]
        assert heads in after, (title, after[:300])  # the figures' table follows on that page
    status = next(p for p in pages if "赔付状态统计" in p)
    n = len(truth["victims"])
    counts = [int(x) for x in re.findall(r"(?:未赔付|已登记|已达成协议|已赔付)(\d+)(?=\d+\.\d\d)",
                                         status[status.index("赔付状态人数已赔付"):])]
    assert sum(counts) == n  # the table's figures are the claimants, each counted once


def test_a_transcript_is_part_of_its_recording_not_a_refused_file(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    """The file printed as a recording's 录音笔录 is listed with that recording (inventory,
    custody), never as refused nor as an exhibit of its own."""
    case, out, truth = built
    for vid, transcript in (("V001", str(PurePosixPath(_recording(truth, "V001")).with_suffix(
            ".docx"))), ("V002", "笔录/通话笔录.txt")):
        inventory = json.loads((out / vid / "inventory.json").read_text(encoding="utf-8"))
        files = {f["path"]: f for f in inventory["files"]}
        entry = files[transcript]
        assert entry["status"] == "accepted", entry
        assert entry["part_of"] == _recording(truth, vid), entry
        assert transcript not in {e.get("path") for e in inventory["exhibits"]}
    checked = {g.victim.id: g for g, _ in app.check(case).reports}
    refused = [f.path for f in checked["V001"].inventory.files if f.status.value == "rejected"]
    assert not any(p.endswith(".docx") for p in refused), refused

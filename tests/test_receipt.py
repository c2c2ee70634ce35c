"""The intake receipt PDF: every file with size and SHA-256, rejections, what is missing."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from evidence.model import Case, FileKind, SourceFile, Status, Victim
from evidence.render import receipt

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
WHEN = dt.datetime(2015, 4, 1, 2, 30, tzinfo=dt.UTC)
CASE = Case(folder=Path("/nonexistent"), title="京东“3·18”假客服诈骗案", court="北京市大兴区人民法院",
            counsel="李明律师", bates_prefix="JD")
VICTIM = Victim(id="V03", folder=Path("/nonexistent"), name="王芳")
MISSING = ("缺少银行流水或动账短信：请到开户银行打印2015年3月的交易明细。",
           "缺少京东订单截图：请在京东App“我的订单”中截图。")


def text_of(pdf: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


def source(path: Path, rel: str, kind: FileKind, status: Status, **kw: object) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path=rel, abspath=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                      kind=kind, status=status, **kw)  # type: ignore[arg-type]


@pytest.fixture
def files() -> list[SourceFile]:
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    sms = CORPUS / "sms-backup-restore"
    img = CORPUS / "images"
    audio = CORPUS / "audio"
    jpg = next(p for p in sorted(img.glob("*.jpg")) if "corrupted" not in p.name)
    return [
        source(sms / "devadvance__sms_small.xml", "短信/sms-20150318.xml", FileKind.SMS_BACKUP, Status.ACCEPTED),
        source(sms / "shruggietech__minimal_calls.xml", "calls-20150318.xml", FileKind.CALL_LOG, Status.ACCEPTED),
        source(audio / "androidx-media__sample_nb.amr", "录音/通话录音 17097300143_20150318201530.amr",
               FileKind.RECORDING, Status.ACCEPTED),
        source(jpg, "照片/IMG_0001.jpg", FileKind.PHOTO, Status.ACCEPTED),
        source(jpg, "照片/IMG_0001 (1).jpg", FileKind.PHOTO, Status.DUPLICATE, duplicate_of="照片/IMG_0001.jpg",
               reason="与 照片/IMG_0001.jpg 内容相同"),
        source(img / "exif-samples__corrupted.jpg", "截图/broken.jpg", FileKind.SCREENSHOT, Status.REJECTED,
               reason="图片已损坏或不完整，无法打开；请当事人重新发送原图。"),
    ]


def test_receipt_lists_every_file_with_size_and_hash(tmp_path: Path, files: list[SourceFile]) -> None:
    out = receipt.write(tmp_path / "V03" / "receipt.pdf", CASE, VICTIM, files, when=WHEN, missing=MISSING)
    assert out.is_file()
    text = text_of(out)
    flat = re.sub(r"\s+", "", text)
    for f in files:
        assert re.sub(r"\s+", "", f.path) in flat, f.path
        # the digest is printed in two halves of 32 (fits the column); both must be there
        assert f.sha256[:32] in text and f.sha256[32:] in text, f.path
    assert receipt.human_size(files[0].size, "zh-Hans").replace(" ", "") in flat
    assert "图片已损坏或不完整，无法打开；请当事人重新发送原图。" in flat
    for line in MISSING:
        assert line in flat
    assert "共收到6个文件：接收4个，重复1个，未能接收1个。" in flat
    assert "2015-04-0110:30:00" in flat  # received time shown in the case zone (UTC+8)
    assert "王芳" in text and "京东“3·18”假客服诈骗案" in text
    info = pypdf.PdfReader(out).metadata
    assert info is not None and info.title == "证据材料接收回执"


def test_receipt_fonts_embedded_and_deterministic(tmp_path: Path, files: list[SourceFile]) -> None:
    a = receipt.write(tmp_path / "a.pdf", CASE, VICTIM, files, when=WHEN, missing=MISSING)
    b = receipt.write(tmp_path / "b.pdf", CASE, VICTIM, files, when=WHEN, missing=MISSING)
    assert a.read_bytes() == b.read_bytes()
    if shutil.which("pdffonts"):
        lines = subprocess.run(["pdffonts", str(a)], capture_output=True, text=True, check=True).stdout
        rows = lines.splitlines()[2:]
        assert rows, "no fonts at all"
        assert all(" yes yes " in row for row in rows), lines  # embedded and subset, every font
    assert not list(tmp_path.glob(".receipt-*"))  # no temporary left behind


def test_receipt_in_english_and_nothing_missing(tmp_path: Path, files: list[SourceFile]) -> None:
    out = receipt.write(tmp_path / "receipt.pdf", CASE, VICTIM, files[:2], when=WHEN, lang="en")
    text = text_of(out)
    assert "Receipt for evidence received" in text
    assert "Nothing is missing at this stage." in text
    assert "2 files received: 2 accepted, 0 duplicates, 0 not accepted." in re.sub(r"\s+", " ", text)


def test_receipt_for_an_empty_submission(tmp_path: Path) -> None:
    out = receipt.write(tmp_path / "receipt.pdf", CASE, VICTIM, [], when=WHEN, missing=MISSING[:1])
    flat = re.sub(r"\s+", "", text_of(out))
    assert "共收到0个文件" in flat and MISSING[0] in flat


def test_cli_intake_writes_receipt_pdf(tmp_path: Path) -> None:
    """`evidence intake` writes receipt.pdf next to receipt.txt: files, hashes, refusals."""
    import zipfile

    from conftest import make_case
    from typer.testing import CliRunner

    import cli

    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    folder = make_case(tmp_path, [])
    src = tmp_path / "提交"
    (src / "短信").mkdir(parents=True)
    xml = CORPUS / "sms-backup-restore" / "devadvance__sms_small.xml"
    shutil.copy(xml, src / "短信" / "sms-20150318.xml")
    runner = CliRunner()
    ok = runner.invoke(cli.app, ["intake", str(src), "--case", str(folder), "--victim", "V001"])
    assert ok.exit_code == 0, ok.output
    pdf = folder / "victims" / "V001" / receipt.FILE_NAME
    assert pdf.is_file() and "receipt.pdf" in ok.output
    text = text_of(pdf)
    assert "sms-20150318.xml" in text
    digest = hashlib.sha256(xml.read_bytes()).hexdigest()
    assert digest[:16] in re.sub(r"\s", "", text)
    # a second submission with an entry intake refuses: the refusal is on the new receipt
    z = tmp_path / "slip.zip"
    with zipfile.ZipFile(z, "w") as archive:
        archive.writestr("../evil.txt", b"e")
    bad = runner.invoke(cli.app, ["intake", str(z), "--case", str(folder), "--victim", "V001"])
    assert bad.exit_code == 3
    again = text_of(pdf)
    assert "../evil.txt" in again and "sms-20150318.xml" in again

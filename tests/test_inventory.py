"""inventory.py: every file under a victim folder is accepted, rejected with its reason, or a duplicate."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from conftest import make_case
from PIL import Image

from evidence import collect, config, extract, inventory, template
from evidence import intake as intake_mod
from evidence.model import FileKind, Severity, Status

WHEN = dt.datetime(2015, 3, 25, 2, 0, tzinfo=dt.UTC)
JPEG = "images/exif-samples__HMD_Nokia_8.3_5G.jpg"
SMS = "sms-backup-restore/devadvance__sms_small.xml"
AMR = "audio/androidx-media__sample_nb.amr"


def scan(case_folder: Path, victim_id: str = "V001"):
    case, _ = config.load_case(case_folder)
    victim, _ = config.load_victim(case, victim_id)
    return case, inventory.scan(victim, collect.context(case, victim, WHEN))


def by_path(inv):
    return {f.path: f for f in inv.files}


def hashes(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def png_bytes(width: int, height: int) -> bytes:
    """A real PNG with a valid IHDR declaring width x height and one tiny IDAT."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


@pytest.fixture
def victim_folder(tmp_path, corpus) -> Path:
    """A victim folder in the layout a lawyer ends up with, one file for each case below."""
    case = make_case(tmp_path, language="zh-Hans")
    v = case / "victims/V001"
    (v / "截图").mkdir()
    (v / "短信").mkdir()
    (v / "录音").mkdir()
    (v / "杂项").mkdir()
    shutil.copy(corpus / JPEG, v / "截图/退款 页面.jpg")
    shutil.copy(corpus / JPEG, v / "杂项/copy-of-退款页面.jpg")  # same bytes, other name
    shutil.copy(corpus / SMS, v / "短信/sms-20150318.xml")
    shutil.copy(corpus / AMR, v / "录音/通话 0318.amr")
    (v / "杂项/empty.jpg").write_bytes(b"")
    (v / "杂项/data.bin").write_bytes(bytes(range(256)) * 4)  # no known format
    jpeg = (corpus / JPEG).read_bytes()
    (v / "截图/truncated.jpg").write_bytes(jpeg[: len(jpeg) // 3])
    (v / "截图/bomb.png").write_bytes(png_bytes(100_000, 100_000))
    # XML with an external entity: must be refused without reading /etc/passwd
    (v / "短信/sms-entity.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE smses [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<smses count="1"><sms address="10086" date="1426681530000" type="1" body="&x;" /></smses>\n',
        encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.jpg").write_bytes(jpeg)
    (v / "杂项/link.jpg").symlink_to(outside / "secret.jpg")
    (v / "杂项/linkdir").symlink_to(outside, target_is_directory=True)
    return v


def test_every_file_is_accounted_for_with_exact_status_and_reason(victim_folder):
    before = hashes(victim_folder)
    _, inv = scan(victim_folder.parents[1])
    files = by_path(inv)
    zh = "zh-Hans"
    assert sorted(files) == [
        "录音/通话 0318.amr", "截图/bomb.png", "截图/truncated.jpg", "截图/退款 页面.jpg",
        "杂项/copy-of-退款页面.jpg", "杂项/data.bin", "杂项/empty.jpg", "杂项/link.jpg",
        "杂项/linkdir", "短信/sms-20150318.xml", "短信/sms-entity.xml"]
    # victim.toml is the tool's own file, not evidence
    assert "victim.toml" not in files
    # the count invariant: files in = accepted + rejected + duplicate
    walked = [p for p in victim_folder.rglob("*")
              if (p.is_file() or p.is_symlink()) and p.name != "victim.toml"
              and not any(parent.is_symlink() for parent in p.parents)]
    assert len(walked) == len(inv.files) == (
        inv.count(Status.ACCEPTED) + inv.count(Status.REJECTED) + inv.count(Status.DUPLICATE))

    def status(path):
        f = files[path]
        return f.status, f.kind, f.reason

    assert status("截图/退款 页面.jpg")[:2] == (Status.ACCEPTED, FileKind.PHOTO)
    assert status("短信/sms-20150318.xml") == (Status.ACCEPTED, FileKind.SMS_BACKUP, None)
    assert status("录音/通话 0318.amr") == (Status.ACCEPTED, FileKind.RECORDING, None)
    assert status("杂项/copy-of-退款页面.jpg") == (
        Status.DUPLICATE, FileKind.PHOTO, "与 截图/退款 页面.jpg 内容完全相同：只作为一份证据出示。")
    assert files["杂项/copy-of-退款页面.jpg"].duplicate_of == "截图/退款 页面.jpg"
    assert status("杂项/empty.jpg") == (
        Status.REJECTED, FileKind.UNKNOWN, template.t(zh, "check.reason.zero_byte"))
    assert status("杂项/data.bin") == (
        Status.REJECTED, FileKind.UNKNOWN,
        "无法识别的文件类型（不是图片、录音、短信/通话记录导出、银行流水或 PDF）：请确认是否为证据文件，"
        "必要时请当事人重新导出。")
    assert status("杂项/link.jpg") == (Status.REJECTED, FileKind.UNKNOWN, "符号链接，未跟随：请直接提供文件本身。")
    assert status("杂项/linkdir")[:2] == (Status.REJECTED, FileKind.UNKNOWN)
    assert files["杂项/link.jpg"].sha256 == ""  # never opened
    assert status("短信/sms-entity.xml") == (
        Status.REJECTED, FileKind.SMS_BACKUP, template.t(zh, "sources.xml_doctype"))
    # image.validate (owned by the image source) decides these two reasons
    truncated = files["截图/truncated.jpg"]
    assert (truncated.status, truncated.kind) == (Status.REJECTED, FileKind.PHOTO)
    assert truncated.reason and "请当事人重新发送原图" in truncated.reason
    bomb = files["截图/bomb.png"]
    assert bomb.status is Status.REJECTED
    assert bomb.reason and "像素" in bomb.reason
    # every rejection is also a problem, with a stable code
    errors = {(i.path, i.code) for i in inv.issues if i.severity is Severity.ERROR}
    assert errors == {
        ("杂项/empty.jpg", "zero_byte"), ("杂项/data.bin", "unknown_type"),
        ("杂项/link.jpg", "symlink"), ("杂项/linkdir", "symlink"),
        ("短信/sms-entity.xml", "invalid_file"), ("截图/truncated.jpg", "invalid_file"),
        ("截图/bomb.png", "invalid_file")}
    assert [(i.path, i.code) for i in inv.issues if i.severity is Severity.NOTE] == [
        ("杂项/copy-of-退款页面.jpg", "duplicate")]
    # sizes and hashes are those of the bytes on disk; nothing was changed by looking
    jpg = files["截图/退款 页面.jpg"]
    assert jpg.sha256 == before["截图/退款 页面.jpg"]
    assert jpg.size == (victim_folder / "截图/退款 页面.jpg").stat().st_size
    assert jpg.mtime is not None and jpg.mtime.tzinfo is not None
    assert hashes(victim_folder) == before


def test_reasons_follow_the_case_language(tmp_path):
    case = make_case(tmp_path, language="en")
    (case / "victims/V001/empty.txt").write_bytes(b"")
    _, inv = scan(case)
    assert inv.files[0].reason == "The file is empty (0 bytes); ask the victim to send it again."


def test_scan_is_deterministic(victim_folder):
    _, first = scan(victim_folder.parents[1])
    _, second = scan(victim_folder.parents[1])
    assert first == second
    assert [f.path for f in first.files] == sorted(f.path for f in first.files)


def test_fifo_is_rejected_without_being_opened(tmp_path):
    case = make_case(tmp_path)
    os.mkfifo(case / "victims/V001/pipe")
    _, inv = scan(case)  # would block forever if the FIFO were opened
    (f,) = inv.files
    assert (f.status, f.reason) == (Status.REJECTED, template.t("zh-Hans", "check.reason.not_regular"))


def test_csv_exports_in_gbk_and_utf8_bom_are_classified(tmp_path):
    case = make_case(tmp_path)
    rows = "时间,号码,类型,内容\n2015-03-18 20:31:02,13757123456,接收,【京东】您的退款链接 http://jd-tk.cn\n"
    v = case / "victims/V001"
    (v / "sms-gbk.csv").write_bytes(rows.encode("gbk"))
    (v / "sms-bom.csv").write_bytes(b"\xef\xbb\xbf" + rows.encode("utf-8"))
    _, inv = scan(case)
    files = by_path(inv)
    for name in ("sms-gbk.csv", "sms-bom.csv"):
        assert (files[name].status, files[name].kind) == (Status.ACCEPTED, FileKind.SMS_EXPORT)


def _pdf(tmp_path: Path, *, encrypt: bool) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.drawString(72, 720, "Account statement 2015-03")
    c.showPage()
    c.save()
    if not encrypt:
        return buf.getvalue()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(buf.getvalue())))
    writer.encrypt(user_password="1234", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_corrupt_and_encrypted_pdfs_are_rejected(tmp_path):
    # the reasons come from the PDF source modules' validate(); this asserts the inventory's part
    case = make_case(tmp_path)
    v = case / "victims/V001"
    good = _pdf(tmp_path, encrypt=False)
    (v / "ok.pdf").write_bytes(good)
    (v / "corrupt.pdf").write_bytes(good[:200])
    (v / "locked.pdf").write_bytes(_pdf(tmp_path, encrypt=True))
    _, inv = scan(case)
    files = by_path(inv)
    assert files["ok.pdf"].status is Status.ACCEPTED
    corrupt, locked = files["corrupt.pdf"], files["locked.pdf"]
    assert (corrupt.status, locked.status) == (Status.REJECTED, Status.REJECTED)
    # two different problems, two different reasons a lawyer can act on
    assert corrupt.reason and locked.reason and corrupt.reason != locked.reason
    assert "加密" in locked.reason  # document.validate's sentence says it is encrypted


def test_custody_after_intake_received_time_and_tampering(tmp_path, corpus):
    case_folder = make_case(tmp_path)
    case, _ = config.load_case(case_folder)
    src = tmp_path / "提交"
    src.mkdir()
    shutil.copy(corpus / JPEG, src / "a.jpg")
    shutil.copy(corpus / SMS, src / "sms.xml")
    intake_mod.intake(src, case, "V001", now=WHEN)
    _, inv = scan(case_folder)
    files = by_path(inv)
    # intake.json and receipt.txt are the tool's own files
    assert sorted(files) == ["originals/a.jpg", "originals/sms.xml"]
    assert files["originals/a.jpg"].received == WHEN
    assert files["originals/a.jpg"].original_path == "a.jpg"
    assert inv.issues == ()
    # a stored original altered, another deleted: both reported as custody errors
    stored = case_folder / "victims/V001/originals"
    (stored / "sms.xml").write_bytes((stored / "sms.xml").read_bytes().replace(b"Body", b"Bodx"))
    (stored / "a.jpg").unlink()
    _, inv = scan(case_folder)
    assert sorted((i.code, i.path) for i in inv.issues if i.severity is Severity.ERROR) == [
        ("original_changed", "originals/sms.xml"), ("original_missing", "originals/a.jpg")]


def test_broken_intake_json_is_a_warning_not_a_crash(tmp_path, corpus):
    case = make_case(tmp_path)
    v = case / "victims/V001"
    shutil.copy(corpus / JPEG, v / "a.jpg")
    (v / "intake.json").write_text("{not json", encoding="utf-8")
    _, inv = scan(case)
    assert [f.path for f in inv.files] == ["a.jpg"]
    assert [(i.severity, i.code) for i in inv.issues] == [(Severity.WARNING, "intake_json_invalid")]


def test_missing_victim_folder_gives_an_empty_inventory(tmp_path):
    case, _ = config.load_case(make_case(tmp_path, []))
    victim, issues = config.load_victim(case, "V404")
    inv = inventory.scan(victim, extract.Context(tz=dt.UTC))
    assert inv.files == () and [i.code for i in issues] == ["victim_toml_missing"]


def test_bomb_png_is_a_real_png_header():
    # guard the fixture: a well-formed PNG whose declared size trips Pillow's bomb check
    data = png_bytes(100_000, 100_000)
    assert struct.unpack(">II", data[16:24]) == (100_000, 100_000)
    with pytest.raises(Image.DecompressionBombError):
        Image.open(io.BytesIO(data))

"""Bank statements (CSV and PDF) and other PDFs: realistic files built here, read back field by field."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tempfile
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from conftest import sniffed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from evidence import extract, times
from evidence.model import Basis, Direction, EventKind, FileKind, SourceFile, Status
from evidence.sources import document, statement_csv, statement_pdf

SH = times.zone("Asia/Shanghai")
CTX = extract.Context(tz=SH)
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _file(path: Path, kind: FileKind) -> SourceFile:
    data = path.read_bytes()
    return SourceFile(path.name, path, hashlib.sha256(data).hexdigest(), len(data), kind, Status.ACCEPTED)


# ---- CSV --------------------------------------------------------------------------------------

ICBC_CSV = (
    "中国工商银行借记卡账户历史明细\r\n"
    "卡号:6222********6217,户名:王**\r\n"
    "起始日期:2015-03-01,终止日期:2015-03-31\r\n"
    "交易日期,交易时间,摘要,交易金额,账户余额,对方户名,对方账号,币种\r\n"
    "2015-03-17,10:05:30,他行汇入,\"50,000.00\",\"248,000.36\",李*,6217000011118831,人民币\r\n"
    "2015-03-18,20:31:40,快捷支付,\"-20,000.00\",\"228,000.36\",网银在线（北京）科技有限公司,,人民币\r\n"
    "2015-03-18,20:34:12,快捷支付,\"-228,000.00\",0.36,网银在线（北京）科技有限公司,,人民币\r\n"
    "2015-03-1x,20:40:00,快捷支付,-1.00,0.36,,,人民币\r\n"
    "2015-03-19,09:00:00,利息,abc,0.36,,,人民币\r\n"
    "合计,,,\"-198,000.00\",,,,\r\n"
)

DEBIT_CREDIT_CSV = (
    "记账日期,交易时间,交易摘要,借方发生额,贷方发生额,余额,对方户名\n"
    "20150318,203110,网上支付,\"9,800.00\",,\"5,234.48\",财付通支付科技有限公司\n"
    "20150318,210300,退款,,\"1,000.00\",\"6,234.48\",网银在线（北京）科技有限公司\n"
    "20150320,,代发工资,,\"8,000.00\",\"14,234.48\",某某公司\n"
)


def test_statement_csv_gbk_with_preamble(tmp_path: Path) -> None:
    path = tmp_path / "工行流水.csv"
    path.write_bytes(ICBC_CSV.encode("gbk"))
    assert sniffed(statement_csv, path, path.read_bytes()[:8192]) is FileKind.BANK_STATEMENT
    assert extract.sniff(path)[0] is FileKind.BANK_STATEMENT  # no SMS/call reader claims it first
    events, issues = statement_csv.read(_file(path, FileKind.BANK_STATEMENT), CTX)
    got = [(e.time, e.amount, e.direction, e.source.locator, e.details.get("balance"),
            e.details.get("counterparty")) for e in events]
    assert got == [
        (dt.datetime(2015, 3, 17, 10, 5, 30, tzinfo=SH), Decimal("50000.00"), Direction.CREDIT, "row 5",
         "248000.36", "李*"),
        (dt.datetime(2015, 3, 18, 20, 31, 40, tzinfo=SH), Decimal("20000.00"), Direction.DEBIT, "row 6",
         "228000.36", "网银在线（北京）科技有限公司"),
        (dt.datetime(2015, 3, 18, 20, 34, 12, tzinfo=SH), Decimal("228000.00"), Direction.DEBIT, "row 7",
         "0.36", "网银在线（北京）科技有限公司"),
    ]
    assert all(e.kind is EventKind.TRANSACTION and e.basis is Basis.EXACT and e.zone_assumed for e in events)
    assert events[0].details["counterparty_account"] == "6217000011118831"
    assert events[1].summary == "银行流水：支出20,000.00元 快捷支付 网银在线（北京）科技有限公司"
    by_code = {(i.code, i.locator) for i in issues}
    assert ("statement_bad_date", "row 8") in by_code
    assert ("statement_bad_amount", "row 9") in by_code
    assert ("statement_total_row", "row 10") in by_code
    assert ("encoding_guessed", None) in by_code  # GBK said out loud


def test_statement_csv_debit_credit_columns_bom(tmp_path: Path) -> None:
    path = tmp_path / "statement.csv"
    path.write_bytes(DEBIT_CREDIT_CSV.encode("utf-8-sig"))
    events, issues = statement_csv.read(_file(path, FileKind.BANK_STATEMENT), CTX)
    assert [(e.time, e.amount, e.direction, e.basis, e.source.locator) for e in events] == [
        (dt.datetime(2015, 3, 18, 20, 31, 10, tzinfo=SH), Decimal("9800.00"), Direction.DEBIT, Basis.EXACT, "row 2"),
        (dt.datetime(2015, 3, 18, 21, 3, tzinfo=SH), Decimal("1000.00"), Direction.CREDIT, Basis.EXACT, "row 3"),
        (dt.datetime(2015, 3, 20, tzinfo=SH), Decimal("8000.00"), Direction.CREDIT, Basis.TEXT, "row 4"),
    ]
    assert events[2].details["time_precision"] == "day"
    assert "statement_date_only" in {i.code for i in issues}
    assert "encoding_guessed" not in {i.code for i in issues}


def test_sms_export_is_not_a_statement() -> None:
    head = "时间,号码,内容,类型\n2015-03-18 20:31:40,95588,尾号6217卡支出20000元,接收\n".encode()
    assert sniffed(statement_csv, Path("sms.csv"), head) is None


# ---- PDF ----------------------------------------------------------------------------------------

ROWS = [
    ("2015-03-17", "10:05:30", "他行汇入", "", "50,000.00", "248,000.36", "李*"),
    ("2015-03-18", "20:31:40", "快捷支付", "20,000.00", "", "228,000.36", "网银在线（北京）科技有限公司"),
    ("2015-03-18", "20:34:12", "快捷支付", "228,000.00", "", "0.36", "网银在线（北京）科技有限公司"),
]


def _statement_pdf(rows_per_page: list[list[tuple[str, ...]]]) -> bytes:
    """An ICBC-style 明细 PDF: title, account line, header, one drawString per cell."""
    pdfmetrics.registerFont(TTFont("WQY", str(CJK_FONT), subfontIndex=0))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setCreator("statement test")
    cols = [40, 110, 160, 250, 320, 390, 460]
    right = {3, 4, 5}  # money right-aligned under its header, as banks print it
    for rows in rows_per_page:
        c.setFont("WQY", 14)
        c.drawString(150, 800, "中国工商银行 借记卡账户历史明细（对账单）")
        c.setFont("WQY", 9)
        c.drawString(40, 780, "卡号：6222********6217   户名：王**   起止日期：2015-03-01 至 2015-03-31")
        for x, h in zip(cols, ["交易日期", "交易时间", "摘要", "支出", "收入", "余额", "对方户名"], strict=True):
            c.drawString(x, 760, h)
        y = 745.0
        for row in rows:
            for i, (x, value) in enumerate(zip(cols, row, strict=True)):
                if value and i in right:
                    c.drawRightString(x + 45, y, value)
                elif value:
                    c.drawString(x, y, value)
            y -= 15
        c.drawString(40, y - 10, "合计  支出 248,000.00  收入 50,000.00")
        c.showPage()
    c.save()
    return buf.getvalue()


@pytest.mark.skipif(not CJK_FONT.exists(), reason="fonts-wqy-microhei not installed")
def test_statement_pdf_rows(tmp_path: Path) -> None:
    path = tmp_path / "工行对账单.pdf"
    path.write_bytes(_statement_pdf([ROWS[:2], ROWS[2:]]))
    assert sniffed(statement_pdf, path, path.read_bytes()[:8192]) is FileKind.BANK_STATEMENT
    assert extract.sniff(path)[0] is FileKind.BANK_STATEMENT
    assert statement_pdf.validate(path, "zh-Hans") is None
    events, issues = statement_pdf.read(_file(path, FileKind.BANK_STATEMENT), CTX)
    got = [(e.time, e.amount, e.direction, e.source.locator, e.details.get("balance")) for e in events]
    assert got == [
        (dt.datetime(2015, 3, 17, 10, 5, 30, tzinfo=SH), Decimal("50000.00"), Direction.CREDIT, "page 1 line 4",
         "248000.36"),
        (dt.datetime(2015, 3, 18, 20, 31, 40, tzinfo=SH), Decimal("20000.00"), Direction.DEBIT, "page 1 line 5",
         "228000.36"),
        (dt.datetime(2015, 3, 18, 20, 34, 12, tzinfo=SH), Decimal("228000.00"), Direction.DEBIT, "page 2 line 4",
         "0.36"),
    ]
    assert events[1].details["counterparty"] == "网银在线（北京）科技有限公司"
    assert events[1].details["summary"] == "快捷支付"
    assert sum(e.amount or 0 for e in events if e.direction is Direction.DEBIT) == Decimal("248000.00")
    assert [i.code for i in issues] == ["zone_assumed"]


@pytest.mark.skipif(not CJK_FONT.exists(), reason="fonts-wqy-microhei not installed")
def test_encrypted_truncated_and_corrupt_pdfs_are_refused(tmp_path: Path) -> None:
    plain = _statement_pdf([ROWS])
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password="110101", owner_password="owner", algorithm="AES-128")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    assert extract.sniff(locked)[0] is FileKind.DOCUMENT  # not readable as a statement…
    reason = document.validate(locked, "zh-Hans")
    assert reason is not None and reason.startswith("PDF 已加密") and "请当事人提供未加密版本" in reason
    assert "encrypted" in (document.validate(locked, "en") or "")

    truncated = tmp_path / "cut.pdf"
    truncated.write_bytes(plain[: len(plain) // 2])
    assert "不完整" in (statement_pdf.validate(truncated, "zh-Hans") or "")

    corrupt = tmp_path / "bad.pdf"
    corrupt.write_bytes(b"%PDF-1.4\n1 0 obj <<>> garbage\n%%EOF\n")
    assert "损坏" in (document.validate(corrupt, "zh-Hans") or "")

    # an owner password alone (empty user password) still opens: accepted
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    open_pdf = tmp_path / "owner-only.pdf"
    with open_pdf.open("wb") as f:
        writer.write(f)
    assert document.validate(open_pdf, "zh-Hans") is None


def test_other_pdf_is_a_document_dated_by_creation_date(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "报案回执", "/CreationDate": "D:20150320103000+08'00'"})
    path = tmp_path / "receipt.pdf"
    with path.open("wb") as f:
        writer.write(f)
    assert extract.sniff(path)[0] is FileKind.DOCUMENT
    (event,), issues = document.read(_file(path, FileKind.DOCUMENT), CTX)
    assert event.time == dt.datetime(2015, 3, 20, 2, 30, tzinfo=dt.UTC)
    assert event.basis is Basis.EXACT and not event.zone_assumed
    assert event.kind is EventKind.DOCUMENT and event.source.locator == "file"
    assert event.summary == "文件：receipt.pdf（报案回执）"
    assert issues == []


def test_pdf_without_creation_date_uses_mtime(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as f:
        writer.write(f)
    stamp = dt.datetime(2015, 3, 21, 9, 0, tzinfo=SH).timestamp()
    import os

    os.utime(path, (stamp, stamp))
    (event,), issues = document.read(_file(path, FileKind.DOCUMENT), CTX)
    assert event.basis is Basis.FILE_MTIME
    assert event.time == dt.datetime(2015, 3, 21, 9, 0, tzinfo=SH)
    assert [i.code for i in issues] == ["document_mtime"]


# ---- never raise ----------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=1500).map(lambda b: b"%PDF-1.4\n" + b + b"\n%%EOF\n"),
    st.text(max_size=400).map(lambda t: ("交易日期,交易时间,摘要,交易金额,余额\n" + t).encode("gb18030")),
))
def test_statement_and_document_sources_never_raise(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in ("x.csv", "x.pdf"):
            path = Path(folder) / name
            path.write_bytes(data)
            file = _file(path, FileKind.BANK_STATEMENT)
            head = data[:8192]
            for module in (statement_csv, statement_pdf, document):
                sniffed(module, path, head)
                events, issues = module.read(file, CTX)
                assert isinstance(events, list) and isinstance(issues, list)
            assert document.validate(path, "en") is None or isinstance(document.validate(path, "en"), str)

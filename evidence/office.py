"""Editable copies the lawyer signs (issue 17): 证据目录.docx per claimant, 原告名单.docx and
claims.xlsx for the joint bundle.

python-docx and openpyxl write real Word/Excel files (styles, merged header rows, frozen panes,
numbers as numbers) that WPS and Office open without a conversion prompt; hand-written XML
would have to get all of that right again. Both libraries stamp the current time into the zip
entries and the document properties, so every file is re-zipped with fixed times and the
case's build date: two builds of the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

import docx
import openpyxl
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl.styles import Alignment, Font

from evidence import claims, joint, template
from evidence.layout import Plan

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
BODY_FONT = "宋体"  # what a Chinese court's templates use; Word substitutes if missing
BODY_PT = 10.5  # 五号
TABLE_PT = 9


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _stable(data: bytes, day: dt.date | None = None) -> bytes:
    """The same zip with fixed entry times, in the order written; with `day`, the document's
    modified time too (openpyxl stamps the clock's on save, whatever it was told)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml" and day is not None:
                stamp = _when(day).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                blob = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", blob)
            dst.writestr(fixed, blob)
    return out.getvalue()


def _when(day: dt.date | None) -> dt.datetime:
    d = day or dt.date(2000, 1, 1)
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


# ---- Word -----------------------------------------------------------------------------------------


def _document(title: str, author: str, day: dt.date | None, landscape: bool) -> DocxDocument:
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)  # CJK text takes this font
    sec = d.sections[0]
    sec.page_width, sec.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Mm(18))
    props = d.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = _when(day)
    props.revision = 1
    return d


def _heading(d: DocxDocument, text: str) -> None:
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = Pt(16)


def _cell(cell: object, text: str, bold: bool = False) -> None:
    p = cell.paragraphs[0]  # type: ignore[attr-defined]
    for n, line in enumerate(text.split("\n")):
        if n:
            p.add_run().add_break()
        run = p.add_run(line)
        run.bold = bold
        run.font.size = Pt(TABLE_PT)


def _table(d: DocxDocument, head: Sequence[str], widths_mm: Sequence[float]) -> object:
    table = d.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.autofit = False
    for cell, text, w in zip(table.rows[0].cells, head, widths_mm, strict=True):
        _cell(cell, text, bold=True)
        cell.width = Mm(w)
    # the header repeats on every printed page
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = tr_pr.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"})
    tr_pr.append(header)
    return table


def _row(table: object, values: Sequence[str], widths_mm: Sequence[float], bold: bool = False,
         merge: bool = False) -> None:
    cells = table.add_row().cells  # type: ignore[attr-defined]
    if merge:  # a group row: the label, then the fact across the rest of the row
        rest = cells[1].merge(cells[-1])
        _cell(cells[0], values[0], bold=True)
        _cell(rest, values[1], bold=True)
        return
    for cell, text, w in zip(cells, values, widths_mm, strict=True):
        _cell(cell, text, bold)
        cell.width = Mm(w)


def _save(d: DocxDocument) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return _stable(buf.getvalue())


INDEX_COLUMNS = ("no", "name", "original", "source", "purpose", "count", "pages")
INDEX_WIDTHS = (18.0, 48.0, 34.0, 50.0, 73.0, 15.0, 17.0)  # landscape A4, 261 mm of text


def evidence_list(plan: Plan, item_pages: Mapping[str, tuple[int, int]]) -> bytes:
    """证据目录.docx: the dossier's list with the same columns, ready to edit, sign and print."""
    lang, v, case = plan.lang, plan.victim, plan.case

    def t(key: str, **kw: object) -> str:
        return template.t(lang, "dossier." + key, **kw)

    name = v.name or v.id
    d = _document(t("index.heading") + " " + name, case.counsel, plan.build_date, landscape=True)
    _heading(d, t("index.heading"))
    d.add_paragraph(t("index.intro", name=name, case=case.title))
    table = _table(d, [t(f"index.{k}") for k in INDEX_COLUMNS], INDEX_WIDTHS)
    for ex in plan.exhibits:
        _row(table, [ex.label if len(ex.items) > 1 else "",
                     t("index.fact", fact=t(f"group.{ex.group}"))], INDEX_WIDTHS, merge=True)
        for it in ex.items:
            first, last = item_pages.get(it.file.path, (0, 0))
            pages = "" if not first else str(first) if first == last else f"{first}–{last}"
            source = it.file.path if it.file.sha256 else t("index.statement_source")
            if it.file.sha256:
                source += t("index.sha_line", sha=it.file.sha256[:16])
            form = t(f"form.{it.form}") + (f"\n{it.original}" if it.original else "")
            _row(table, [it.label, it.name or it.file.path, form, source, it.purpose,
                         t("index.count_n", n=last - first + 1 if first else "—"), pages],
                 INDEX_WIDTHS)
    d.add_paragraph()
    d.add_paragraph(t("index.total", count=len(plan.items)))
    date = plan.build_date.isoformat() if plan.build_date else "＿＿＿＿"
    for label, value in ((t("index.submitter"), t("index.submitter_line", name=name)),
                         (t("index.counsel"), case.counsel or ""), (t("index.date"), date),
                         (t("index.signature"), "")):
        d.add_paragraph(f"{label}：{value}" if lang != "en" else f"{label}: {value}")
    return _save(d)


NAMES_COLUMNS = ("number", "name", "id", "region", "amount_lost", "claimed_loss", "compensation",
                 "amount_paid", "pages")
NAMES_WIDTHS = (12.0, 28.0, 18.0, 40.0, 30.0, 30.0, 30.0, 26.0, 30.0)


def claimants(analysis: joint.Analysis, ranges: Sequence[tuple[int, int]] | None, lang: str,
              title: str, counsel: str, day: dt.date | None, stamp: Callable[[int], str],
              mask: Callable[[str], str] = str) -> bytes:
    """原告名单.docx: one row per claimant with the bundle pages of their dossier."""
    d = _document(template.t(lang, "joint.names_heading"), counsel, day, landscape=True)
    _heading(d, template.t(lang, "joint.names_heading"))
    d.add_paragraph(template.t(lang, "joint.names_intro", case=title))
    table = _table(d, [template.t(lang, f"joint.col.{k}") for k in NAMES_COLUMNS], NAMES_WIDTHS)
    for n, (row, c) in enumerate(zip(claims.rows(analysis, ranges, dt.UTC, lang),
                                     analysis.claimants, strict=True), start=1):
        pages = ranges[n - 1] if ranges else None
        _row(table, [row["number"], mask(row["name"]), row["id"], mask(row["region"]),
                     _yuan(c.amount_lost), _yuan(c.claimed_loss),
                     template.t(lang, f"joint.status.{row['compensation']}"), _yuan(c.amount_paid),
                     f"{stamp(pages[0])}–{stamp(pages[1])}" if pages else
                     template.t(lang, "joint.names_failed")], NAMES_WIDTHS)
    d.add_paragraph()
    d.add_paragraph(template.t(lang, "joint.names_total", n=len(analysis.claimants),
                               lost=_yuan(analysis.amount_lost),
                               claimed=_yuan(analysis.claimed_loss)))
    return _save(d)


def _yuan(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


# ---- Excel ----------------------------------------------------------------------------------------

XLSX_COLUMNS = tuple(k for k in claims.COLUMNS if k != "status")  # build status: not for a court
TIMES = ("first_order", "first_call_time")
NUMBERS = ("delay_hours",)
MONEY_FORMAT = "#,##0.00"
TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def claims_xlsx(analysis: joint.Analysis, ranges: Sequence[tuple[int, int]] | None,
                tz: dt.tzinfo, lang: str, day: dt.date | None,
                mask: Callable[[str], str] | None = None) -> bytes:
    """claims.xlsx: money as numbers with two decimals, times as Excel dates (case zone),
    a frozen header row, text always text (a name starting with = is never a formula)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = template.t(lang, "joint.sheet_title")
    ws.append([template.t(lang, f"joint.col.{k}") for k in XLSX_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    by_id = {c.id: c for c in analysis.claimants}
    for row in claims.rows(analysis, ranges, tz, lang):
        c = by_id[row["id"]]
        values: list[object] = []
        for key in XLSX_COLUMNS:
            text = row[key]
            if key in claims.AMOUNTS:
                values.append(Decimal(text) if text else None)
            elif key in TIMES:
                moment = {"first_order": c.first_order,
                          "first_call_time": c.first_call.time if c.first_call else None}[key]
                values.append(moment.astimezone(tz).replace(tzinfo=None) if moment else None)
            elif key in NUMBERS or key == "number":
                values.append(Decimal(text) if text else None)
            elif key == "delay_bucket":
                values.append(template.t(lang, f"joint.bucket.{text}"))
            elif key == "compensation":
                values.append(template.t(lang, f"joint.status.{text}"))
            else:
                values.append(mask(text) if mask else text)
        ws.append(values)
        for key, cell in zip(XLSX_COLUMNS, ws[ws.max_row], strict=True):
            if key in claims.AMOUNTS:
                cell.number_format = MONEY_FORMAT
            elif key in TIMES:
                cell.number_format = TIME_FORMAT
            elif key in NUMBERS:
                cell.number_format = "0.00"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
    ws.freeze_panes = "A2"
    for n, key in enumerate(XLSX_COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(n)
        ws.column_dimensions[letter].width = 20 if key in TIMES else 14
    wb.properties.created = wb.properties.modified = _when(day).replace(tzinfo=None)  # naive in xlsx
    wb.properties.creator = wb.properties.lastModifiedBy = "evidence"
    buf = io.BytesIO()
    wb.save(buf)
    return _stable(buf.getvalue(), day)

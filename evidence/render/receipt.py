"""The intake receipt (证据材料接收回执): what the lawyer received from a victim, as a PDF.

Plain language for the victim: every file with its size and SHA-256, the files that could not be
accepted and why, and what is still missing. Written next to the victim's files as receipt.pdf
(the inventory never counts it as evidence). Deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from evidence import atomic, template, times
from evidence.model import Case, SourceFile, Status, Victim
from evidence.render import fonts

if TYPE_CHECKING:  # values the caller made: the receipt never runs collection itself
    from evidence import checklist, collect

FILE_NAME = "receipt.pdf"


@dataclasses.dataclass(frozen=True)
class Receipt:
    case: Case
    victim: Victim
    files: tuple[SourceFile, ...]
    when: dt.datetime  # when the files were received (aware)
    missing: tuple[str, ...] = ()  # sentences from the completeness checklist, in `lang`
    lang: str = "zh-Hans"
    refused: tuple[tuple[str, str], ...] = ()


def write(path: Path, case: Case, victim: Victim, files: Sequence[SourceFile], *,
          when: dt.datetime, missing: Sequence[str] = (), refused: Sequence[tuple[str, str]] = (),
          lang: str | None = None) -> Path:
    """Write the receipt PDF to `path` (atomically) and return the path.

    `refused`: (name in the submission, reason) of entries intake did not even store (unsafe
    paths, zip bombs); they have no stored bytes, so no size or hash.
    """
    language = lang or (case.language if case.language in template.LANGUAGES else "zh-Hans")
    data = Receipt(case, victim, tuple(files), when, tuple(missing), language, tuple(refused))
    with atomic.replacing(path) as tmp:
        _render(data, tmp)
    return path


def write_for_intake(case: Case, gathered: collect.Collected, checks: checklist.Checklist, *,
                     when: dt.datetime, refused: Sequence[tuple[str, str]] = ()) -> Path:
    """receipt.pdf in the victim's folder: everything received so far, and what is missing —
    from the collection and checklist the caller already has (app.write_receipt), never
    collected again here (issue 19)."""
    lang = case.language if case.language in template.LANGUAGES else "zh-Hans"
    sep = "：" if lang == "zh-Hans" else ": "
    missing = [f"{i.label}{sep}{i.detail}" for i in checks.items if i.ok is False]
    return write(gathered.victim.folder / FILE_NAME, case, gathered.victim,
                 gathered.inventory.files, when=when, missing=missing, refused=refused, lang=lang)


MAX_ROWS = 2000  # issue 23: files listed one by one per table (100,000 rows: > 15 min, 2 GB)
MAX_SHOWN = 300  # characters of a name shown (5,000 would not fit on a page)


def shown(text: str) -> str:
    """issue 23: a name on visible characters only, and short enough to fit on a page."""
    from evidence import printable

    s = printable.text(text)
    return s if len(s) <= MAX_SHOWN else f"{s[:MAX_SHOWN - 20]}…（{len(s)}）{s[-12:]}"


def human_size(n: int, lang: str) -> str:
    if n < 1024:
        return template.t(lang, "receipt.bytes", n=n)
    for unit in ("KB", "MB", "GB"):
        n_f = n / 1024
        if n_f < 1024 or unit == "GB":
            return f"{n_f:.1f} {unit}"
        n = int(n_f)
    raise AssertionError  # pragma: no cover


# ---- rendering ----------------------------------------------------------------------------


def _render(r: Receipt, out: Path) -> None:
    lang = r.lang

    def t(key: str, **kw: object) -> str:
        return template.t(lang, f"receipt.{key}", **kw)

    setup = template.setup()
    found = fonts.register(body=setup.get("fonts", {}).get("body", ()),
                           heading=setup.get("fonts", {}).get("heading", ()))
    body_font, head_font = found.body, found.heading
    size = LETTER if str(setup.get("page", {}).get("size", "A4")).lower() == "letter" else A4
    margin = float(setup.get("page", {}).get("margin_mm", 18)) * mm
    base = ParagraphStyle("body", fontName=body_font, fontSize=10, leading=14, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=10)
    mono = ParagraphStyle("mono", parent=base, fontSize=7, leading=9)
    head = ParagraphStyle("head", parent=base, fontName=head_font, fontSize=12, leading=18, spaceBefore=8,
                          spaceAfter=4)
    title = ParagraphStyle("title", parent=head, fontSize=18, leading=24, alignment=TA_CENTER, spaceAfter=10)

    def p(text: str, style: ParagraphStyle = base) -> Paragraph:
        return Paragraph(escape(text), style)

    def capped(rows: list[list[Paragraph]], total: int) -> list[list[Paragraph]]:
        """issue 23: a few thousand rows at most; the text receipt lists every file."""
        if total <= MAX_ROWS:
            return rows
        return [*rows[:MAX_ROWS + 1], [p("…", small), p(t("more", n=total - MAX_ROWS), small),
                                        *[p("", small) for _ in rows[0][2:]]]]

    tz = times.zone(r.case.timezone)
    accepted = [f for f in r.files if f.status is Status.ACCEPTED]
    duplicates = [f for f in r.files if f.status is Status.DUPLICATE]
    rejected = [f for f in r.files if f.status is Status.REJECTED]
    already = {f.original_path for f in rejected if f.original_path}
    refused = [(name, why) for name, why in r.refused if name not in already]

    story: list[Flowable] = [p(t("title"), title)]
    facts = [
        (t("case"), r.case.title), (t("court"), r.case.court), (t("counsel"), r.case.counsel),
        (t("victim"), r.victim.name or r.victim.id), (t("victim_id"), r.victim.id),
        (t("received"), f"{times.display(r.when, tz)} ({r.case.timezone})"),
    ]
    width = size[0] - 2 * margin
    story.append(_table([[p(k), p(v)] for k, v in facts if v], [32 * mm, width - 32 * mm], body_font, header=False))
    story += [Spacer(1, 4 * mm), p(t("intro")), Spacer(1, 2 * mm),
              p(t("summary", total=len(r.files) + len(refused), accepted=len(accepted),
                  duplicates=len(duplicates), rejected=len(rejected) + len(refused)))]

    def sha(f: SourceFile) -> Paragraph:
        return Paragraph(f"{f.sha256[:32]}<br/>{f.sha256[32:]}", mono)

    def kind(f: SourceFile) -> str:
        return t(f"kind.{f.kind.value}")

    cols = [10 * mm, width - 10 * mm - 24 * mm - 20 * mm - 46 * mm, 24 * mm, 20 * mm, 46 * mm]
    story.append(p(t("accepted_heading"), head))
    if accepted:
        rows = [[p(t(c), small) for c in ("col_no", "col_file", "col_kind", "col_size", "col_sha")]]
        rows += [[p(str(i), small), p(shown(f.path), small), p(kind(f), small), p(human_size(f.size, lang), small),
                  sha(f)] for i, f in enumerate(accepted[:MAX_ROWS], 1)]
        story.append(_table(capped(rows, len(accepted)), cols, body_font))
    else:
        story.append(p(t("none")))

    if duplicates:
        story.append(p(t("duplicates_heading"), head))
        dcols = [10 * mm, (width - 56 * mm) / 2, (width - 56 * mm) / 2, 46 * mm]
        rows = [[p(t(c), small) for c in ("col_no", "col_file", "col_same_as", "col_sha")]]
        rows += [[p(str(i), small), p(shown(f.path), small), p(shown(f.duplicate_of or ""), small), sha(f)]
                 for i, f in enumerate(duplicates[:MAX_ROWS], 1)]
        story.append(_table(capped(rows, len(duplicates)), dcols, body_font))

    story.append(p(t("rejected_heading"), head))
    if rejected or refused:
        rcols = [10 * mm, 50 * mm, width - 60 * mm - 46 * mm, 46 * mm]
        rows = [[p(t(c), small) for c in ("col_no", "col_file", "col_reason", "col_sha")]]
        rows += [[p(str(i), small), Paragraph(f"{escape(shown(f.path))}<br/>{escape(human_size(f.size, lang))}",
                                              small),
                  p(shown(f.reason or ""), small), sha(f)] for i, f in enumerate(rejected[:MAX_ROWS], 1)]
        rows += [[p(str(i), small), p(shown(name), small), p(shown(why), small), p("—", small)]
                 for i, (name, why) in enumerate(refused[:max(0, MAX_ROWS - len(rejected))],
                                                 len(rejected) + 1)]
        story.append(_table(capped(rows, len(rejected) + len(refused)), rcols, body_font))
    else:
        story.append(p(t("none")))

    story.append(p(t("missing_heading"), head))
    if r.missing:
        story += [p(f"{i}. {line}") for i, line in enumerate(r.missing, 1)]
    else:
        story.append(p(t("nothing_missing")))
    story += [Spacer(1, 6 * mm), p(t("closing")), Spacer(1, 12 * mm),
              p(f"{t('sign_counsel')}{'_' * 24}    {t('sign_date')}{'_' * 16}")]

    footer_font = body_font
    case_title, person = r.case.title, r.victim.name or r.victim.id

    def on_page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(footer_font, 8)
        canvas.setFillColor(colors.black)
        canvas.drawCentredString(size[0] / 2, margin / 2,
                                 t("footer", case=case_title, victim=person, page=canvas.getPageNumber()))
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(out), pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=margin, title=t("title"), author=r.case.counsel or r.case.title,
        subject=f"{r.case.title} · {r.victim.id}", creator="evidence", invariant=1, initialFontName=body_font,
        lang="zh-CN" if lang == "zh-Hans" else "en",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)


def _table(rows: list[list[Paragraph]], widths: list[float], font: str, *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),  # else the table selects Helvetica, left unembedded
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")))
    table.setStyle(TableStyle(style))
    return table

"""A bank account statement (账户历史明细) as a PDF with a real text layer, drawn with reportlab.

Used by the sample generator: bank statements are one of the inputs victims hand in. Each
transaction is one table row (交易日期, 交易时间, 摘要, signed 交易金额, 账户余额, 对方户名), each value
a separate string under its column header, as bank PDF statements lay them out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
from collections.abc import Sequence
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from evidence.render import patches

FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
FONT = "WenQuanYiMicroHei"
ROWS_PER_PAGE = 32
# A table as bank PDFs print it: each value its own string, left-aligned under its header.
HEADER = ("交易日期", "交易时间", "摘要", "交易金额", "账户余额", "对方户名")
COLUMNS = (50, 110, 165, 225, 300, 380)


@dataclasses.dataclass(frozen=True)
class Row:
    time: dt.datetime  # wall-clock in the bank's zone (statements carry no zone)
    summary: str  # 摘要: 快捷支付, 网银在线, 消费, 代发工资
    amount: Decimal  # signed: negative is a debit
    balance: Decimal
    counterparty: str


@dataclasses.dataclass(frozen=True)
class Statement:
    bank: str  # 中国工商银行
    holder: str
    card: str  # full number; printed masked
    start: dt.date
    end: dt.date
    printed: dt.datetime
    rows: Sequence[Row]


@functools.cache
def _font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, FONT_FILE, subfontIndex=0))
    return FONT


def _masked(card: str) -> str:
    return card[:6] + "*" * (len(card) - 10) + card[-4:]


def pdf(statement: Statement) -> bytes:
    """The statement as PDF bytes; the same input gives the same bytes (invariant mode)."""
    patches.install()  # invariant mode among the project's reportlab settings
    font = _font()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(f"{statement.bank}账户历史明细")
    c.setAuthor(statement.bank)
    c.setCreator(statement.bank)
    width, height = A4
    rows = list(statement.rows)
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    for page in range(pages):
        y = height - 60
        c.setFont(font, 16)
        c.drawString(50, y, f"{statement.bank} 借记卡账户历史明细清单")
        c.setFont(font, 9)
        y -= 24
        c.drawString(50, y, f"户名：{statement.holder}    卡号：{_masked(statement.card)}    币种：人民币")
        y -= 14
        c.drawString(50, y, f"起止日期：{statement.start:%Y-%m-%d} 至 {statement.end:%Y-%m-%d}    "
                            f"打印时间：{statement.printed:%Y-%m-%d %H:%M:%S}")
        y -= 24
        for x, name in zip(COLUMNS, HEADER, strict=True):
            c.drawString(x, y, name)
        c.line(50, y - 4, width - 50, y - 4)
        y -= 18
        for row in rows[page * ROWS_PER_PAGE:(page + 1) * ROWS_PER_PAGE]:
            sign = "-" if row.amount < 0 else "+"
            cells = (f"{row.time:%Y-%m-%d}", f"{row.time:%H:%M:%S}", row.summary, f"{sign}{abs(row.amount):,.2f}",
                     f"{row.balance:,.2f}", row.counterparty)
            for x, text in zip(COLUMNS, cells, strict=True):
                c.drawString(x, y, text)
            y -= 16
        c.drawString(50, 40, f"第 {page + 1} 页 / 共 {pages} 页    本清单仅供参考，以银行系统记录为准。")
        c.showPage()
    c.save()
    return buf.getvalue()

"""Bank statement exports as CSV (网银 "交易明细" downloads): one TRANSACTION event per row.

Chinese banks write a few preamble lines (账号, 户名, 起止日期) before the header, in UTF-8, UTF-8
with BOM or GBK. Columns vary: one signed 交易金额/发生额, or separate 支出/收入 (借方/贷方发生额),
sometimes with a 收/支 or 借/贷 flag. The row reading here (`header_roles`, `transaction`) is
shared with statement_pdf, which meets the same columns as text on a page.
The locator is the spreadsheet row a lawyer sees in Excel (`row 7`).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path

from evidence import redact, template, textfile, times
from evidence.model import Basis, Direction, Event, EventKind, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context, sms_csv

TIME_MEANING = "transaction_time"  # the statement's 交易时间 (or date only: 记账日)
BASIS = Basis.EXACT

HEADER_SEARCH_ROWS = 15
DELIMITERS = (",", "\t", ";", "|")

DATE, TIME, AMOUNT, DEBIT, CREDIT, FLAG, BALANCE = "date", "time", "amount", "debit", "credit", "flag", "balance"
SUMMARY, PARTY, PARTY_ACCOUNT, CURRENCY, CHANNEL = "summary", "party", "party_account", "currency", "channel"

ROLES: dict[str, tuple[str, ...]] = {
    DATE: ("交易日期", "记账日期", "入账日期", "交易日", "日期", "交易时间", "记账时间", "交易日期时间",
           "transactiondate", "date", "postingdate"),
    TIME: ("时间", "交易时刻", "time"),
    AMOUNT: ("交易金额", "发生额", "金额", "交易额", "收支金额", "amount"),
    DEBIT: ("支出", "支出金额", "借方发生额", "借方金额", "借方", "转出金额", "取出金额", "debit", "withdrawal"),
    CREDIT: ("收入", "收入金额", "贷方发生额", "贷方金额", "贷方", "转入金额", "存入金额", "credit", "deposit"),
    FLAG: ("收/支", "收支", "借贷标志", "借贷", "收支标志", "借/贷", "收付标志", "交易方向", "dc", "direction"),
    BALANCE: ("余额", "账户余额", "交易后余额", "可用余额", "当前余额", "balance"),
    SUMMARY: ("摘要", "交易摘要", "用途", "附言", "备注", "交易类型", "交易说明", "描述", "description", "memo"),
    PARTY: ("对方户名", "对方名称", "对方账户名", "对方账户名称", "收/付款人", "交易对方", "对方户名/账号",
            "counterparty"),
    PARTY_ACCOUNT: ("对方账号", "对方账户", "对方卡号", "对方账号/卡号"),
    CURRENCY: ("币种", "币别", "currency"),
    CHANNEL: ("交易渠道", "渠道", "交易场所", "交易地点"),
}
_DEBIT_FLAGS = {"支", "支出", "借", "出", "转出", "d", "debit", "-", "付", "付出"}
_CREDIT_FLAGS = {"收", "收入", "贷", "入", "转入", "c", "credit", "+", "存入"}
_CURRENCIES = {"人民币": "CNY", "rmb": "CNY", "cny": "CNY", "156": "CNY", "美元": "USD", "usd": "USD",
               "港币": "HKD", "港元": "HKD", "hkd": "HKD", "日元": "JPY", "jpy": "JPY", "欧元": "EUR"}
_TOTAL_ROW = re.compile(r"合计|小计|总计|本页|累计|共\s*\d+\s*笔|total", re.IGNORECASE)
_EMPTY_MONEY = {"", "-", "--", "—", "0", "0.00", "0.0", "+0.00", "-0.00"}


def norm(header: str) -> str:
    """`交易金额(元)`, ` 余额 `, `Amount (CNY)` -> the bare name."""
    h = times.normalize_text(header).strip().strip("\ufeff\"'").lower()
    h = re.sub(r"[(\[].*?[)\]]", "", h)
    return re.sub(r"[\s_:]", "", h)


def header_roles(cells: Iterable[str]) -> dict[str, int]:
    """role -> column index, exact names only. A date column and some money column are required.

    `交易时间` is the date column when it comes first (it then holds date and time), the time
    column when a `交易日期` precedes it.
    """
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = norm(cell)
        if not key:
            continue
        for role, names in ROLES.items():
            if (key in names or (role == TIME and key == "交易时间")) and role not in found:
                found[role] = i
                break
    money_column = AMOUNT in found or DEBIT in found or CREDIT in found
    return found if DATE in found and money_column else {}


def money(text: str) -> Decimal | None:
    """`20,000.00`, `-228000`, `¥1,000.00元`, `+50.00`, `(1,000.00)` -> Decimal; None if not money."""
    s = times.normalize_text(text or "").strip().replace(" ", "")
    s = re.sub(r"^(?:rmb|cny|¥|人民币)|元$", "", s, flags=re.IGNORECASE)
    negative = s.startswith("(") and s.endswith(")")
    s = s.strip("()")
    if not re.fullmatch(r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", s):
        return None
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None
    return -value if negative else value


@dataclasses.dataclass(frozen=True)
class Transaction:
    time: dt.datetime
    has_time: bool  # False: the statement gives the date only
    amount: Decimal  # positive
    direction: Direction
    details: Mapping[str, str]


def parse_when(date_text: str, time_text: str, tz: dt.tzinfo) -> tuple[dt.datetime, bool] | None:
    """(time, has_time of day) from a date cell and an optional time cell, read in the case zone."""
    d = times.normalize_text(date_text or "").strip()
    t = times.normalize_text(time_text or "").strip()
    if re.fullmatch(r"\d{6}", t):  # 203140
        t = f"{t[:2]}:{t[2:4]}:{t[4:]}"
    elif re.fullmatch(r"\d{4}", t):
        t = f"{t[:2]}:{t[2:]}"
    if re.fullmatch(r"\d{8}", d):  # 20150318
        d = f"{d[:4]}-{d[4:6]}-{d[6:]}"
    text = f"{d} {t}" if t else d
    parsed = times.parse_local(text, tz)
    if parsed is None and t:
        parsed = times.parse_local(d, tz)
        t = ""
    if parsed is None:
        return None
    has_time = bool(t) or bool(re.search(r"\d{1,2}[:时]\d{2}", d))
    return parsed[0], has_time


def transaction(row: Mapping[str, str], tz: dt.tzinfo) -> Transaction | str:
    """One statement row (role -> text), or the reason it is not a transaction:
    "blank", "total", "bad_date", "bad_amount"."""
    joined = " ".join(v for v in row.values() if v)
    if not joined.strip():
        return "blank"
    if _TOTAL_ROW.search(joined) and not parse_when(row.get(DATE, ""), "", tz):
        return "total"
    when = parse_when(row.get(DATE, ""), row.get(TIME, ""), tz)
    if when is None:
        return "total" if _TOTAL_ROW.search(joined) else "bad_date"
    debit_cell, credit_cell = row.get(DEBIT, "").strip(), row.get(CREDIT, "").strip()
    amount: Decimal | None = None
    direction: Direction | None = None
    if debit_cell not in _EMPTY_MONEY or credit_cell not in _EMPTY_MONEY:
        d, c = money(debit_cell), money(credit_cell)
        if d is not None and d != 0:
            amount, direction = abs(d), Direction.DEBIT if d > 0 else Direction.CREDIT
        elif c is not None and c != 0:
            amount, direction = abs(c), Direction.CREDIT if c > 0 else Direction.DEBIT
    elif AMOUNT in row:
        a = money(row.get(AMOUNT, ""))
        if a is not None and a != 0:
            amount, direction = abs(a), Direction.DEBIT if a < 0 else Direction.CREDIT
            flag = times.normalize_text(row.get(FLAG, "")).strip().lower()
            if flag in _DEBIT_FLAGS:
                direction = Direction.DEBIT
            elif flag in _CREDIT_FLAGS:
                direction = Direction.CREDIT
    if amount is None or direction is None:
        return "bad_amount"
    details: dict[str, str] = {}
    balance = money(row.get(BALANCE, ""))
    if balance is not None:
        details["balance"] = str(balance)
    currency = _CURRENCIES.get(times.normalize_text(row.get(CURRENCY, "")).strip().lower(), "")
    details["currency"] = currency or "CNY"
    for key, role in (("summary", SUMMARY), ("counterparty", PARTY), ("counterparty_account", PARTY_ACCOUNT),
                      ("channel", CHANNEL)):
        value = " ".join((row.get(role) or "").split())
        if value:
            details[key] = value[:200]
    if not when[1]:
        details["time_precision"] = "day"
    return Transaction(when[0], when[1], amount, direction, details)


def event(tx: Transaction, file: SourceFile, locator: str, ctx: Context) -> Event:
    text = " ".join(x for x in (tx.details.get("summary", ""), tx.details.get("counterparty", "")) if x)
    key = "events.transaction_debit" if tx.direction is Direction.DEBIT else "events.transaction_credit"
    return Event(
        time=tx.time, basis=Basis.EXACT if tx.has_time else Basis.TEXT, kind=EventKind.TRANSACTION,
        summary=template.t(ctx.lang, key, amount=f"{tx.amount:,.2f}", text=text).strip(),
        source=SourceRef(file.path, file.sha256, locator), amount=tx.amount, direction=tx.direction,
        zone_assumed=True, details=dict(tx.details),
    )


def row_problem(reason: str, file: SourceFile, locator: str, value: str, ctx: Context) -> Issue | None:
    if reason == "blank":
        return None
    code = {"total": "statement_total_row", "bad_date": "statement_bad_date",
            "bad_amount": "statement_bad_amount"}[reason]
    severity = Severity.NOTE if reason == "total" else Severity.WARNING
    return Issue(severity, code, template.t(ctx.lang, f"notices.{code}", path=file.path, locator=locator,
                                            value=redact.clip(value, 60) or "-"), path=file.path, locator=locator)


def file_notes(file: SourceFile, txs: list[Transaction], ctx: Context) -> list[Issue]:
    notes = []
    if txs:
        notes.append(Issue(Severity.NOTE, "zone_assumed", template.t(
            ctx.lang, "notices.statement_zone", path=file.path, zone=str(ctx.tz)), path=file.path))
    if any(not t.has_time for t in txs):
        notes.append(Issue(Severity.NOTE, "statement_date_only", template.t(
            ctx.lang, "notices.statement_date_only", path=file.path), path=file.path))
    if not txs:
        notes.append(Issue(Severity.WARNING, "statement_no_rows", template.t(
            ctx.lang, "notices.statement_no_rows", path=file.path), path=file.path))
    return notes


# ---- CSV ----------------------------------------------------------------------------------


def find_table(data: bytes, *, partial: bool) -> sms_csv.Table | None:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # binary
    if data.lstrip()[:5] in (b"%PDF-", b"<?xml") or data[:4] == b"PK\x03\x04":
        return None
    decoded = textfile.decode(data, partial=partial)
    sample = "\n".join(decoded.text.splitlines()[: HEADER_SEARCH_ROWS * 3])
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        for number, cells in enumerate(rows[:HEADER_SEARCH_ROWS], start=1):
            if len(cells) < 3:
                continue
            columns = header_roles(cells)
            if columns:
                return sms_csv.Table(decoded.text, decoded.encoding, decoded.exact, delimiter, number, columns)
    return None


def sniff(head: bytes, name: str) -> bool:
    return find_table(head, partial=True) is not None


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.BANK_STATEMENT


def validate(path: Path, lang: str) -> str | None:
    return None  # a statement header was found: unreadable rows are problems, not a refusal


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    try:
        data = file.abspath.read_bytes()
    except OSError:
        return [], []
    table = find_table(data, partial=False)
    if table is None:
        return [], []
    events: list[Event] = []
    issues: list[Issue] = []
    txs: list[Transaction] = []
    for number, row in table.rows():  # the same row walk (and Excel row numbers) as the SMS CSVs
        locator = f"row {number}"
        if row is None:
            issues.append(Issue(Severity.WARNING, "row_unreadable", f"{file.path} {locator}: "
                                "the CSV cannot be split past this row; rows after it were not read.",
                                path=file.path, locator=locator))
            break
        found = transaction(row, ctx.tz)
        if isinstance(found, str):
            problem = row_problem(found, file, locator, " ".join(v for v in row.values() if v), ctx)
            if problem:
                issues.append(problem)
            continue
        txs.append(found)
        events.append(event(found, file, locator, ctx))
    notes = file_notes(file, txs, ctx)
    if table.encoding not in ("UTF-8", "UTF-8-BOM") or not table.exact:
        notes.append(Issue(Severity.NOTE, "encoding_guessed", template.t(
            ctx.lang, "notices.statement_encoding", path=file.path, encoding=table.encoding), path=file.path))
    return events, notes + issues

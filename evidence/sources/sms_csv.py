"""CSV exports of text messages: Chinese PC-suite style (时间, 号码, 内容, 类型), English
(date, address, body, type) and iMazing (`Chat Session,Message Date,…,Sender ID,…,Text,…`).

Header names are matched exactly after normalisation (case, spaces, a unit in brackets), never
by substring, so a bank statement (交易日期, 交易金额, 余额, 摘要…) is never claimed: any
money column makes the file someone else's. The locator `row N` is the spreadsheet row a
lawyer sees in Excel: the header is row 1 when it is the first line, and a quoted multi-line
message body stays one row. Times written without a zone are read in the case zone
(zone_assumed=True, with one note per file saying so). Message text is quoted exactly as the
cell holds it (other cells are trimmed). A row repeated exactly (same number, time to the second,
type and text) is one message, with a note naming the repeat.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from evidence import template, textfile, times
from evidence.model import Basis, Event, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context, common

TIME_MEANING = "message_time"  # the export's time column: received (or sent)
BASIS = Basis.EXACT

HEADER_SEARCH_ROWS = 10
DELIMITERS = (",", "\t", ";", "|")

TIME = "time"
NUMBER = "number"
CONTACT = "contact"
BODY = "body"
TYPE = "type"
CHAT = "chat"
SERVICE = "service"
STATUS = "status"
ATTACHMENT = "attachment"
DURATION = "duration"
CALL_TYPE = "call_type"
LOCATION = "location"

COMMON_ROLES: dict[str, set[str]] = {
    TIME: {"时间", "日期", "日期时间", "发送时间", "接收时间", "短信时间", "收发时间", "时间戳", "通话时间",
           "通话日期", "呼叫时间", "来电时间", "date", "time", "datetime", "date/time", "messagedate",
           "timestamp", "calldate", "starttime", "calltimestamp", "calltime"},
    NUMBER: {"号码", "电话", "电话号码", "手机号", "手机号码", "联系电话", "对方号码", "发件人", "发信人", "发送人",
             "发送方", "联系方式", "来电号码", "通话号码", "对方电话", "address", "number", "phone", "phonenumber",
             "senderid", "sender", "from", "contactnumber"},
    CONTACT: {"联系人", "姓名", "名称", "联系人姓名", "备注名", "contact", "name", "sendername", "contactname"},
    SERVICE: {"service"},
    LOCATION: {"归属地", "号码归属地", "location"},
}
SMS_ROLES: dict[str, set[str]] = {
    **COMMON_ROLES,
    BODY: {"内容", "短信内容", "信息内容", "消息内容", "正文", "短信", "body", "text", "message", "content",
           "messagetext", "sms"},
    TYPE: {"类型", "方向", "收发", "收/发", "短信类型", "收发类型", "type", "direction", "box", "folder"},
    CHAT: {"chatsession"},
    STATUS: {"status", "状态"},
    ATTACHMENT: {"attachment", "附件"},
}
CALL_ROLES: dict[str, set[str]] = {
    **COMMON_ROLES,
    # `Duration HH:MM:SS` normalises to `durationhhmmss` (a unit in brackets is dropped already)
    DURATION: {"通话时长", "时长", "通话时间长度", "duration", "callduration", "durationhhmmss",
               "durationmmss", "durationsec", "durationsecs", "durationseconds"},
    CALL_TYPE: {"类型", "通话类型", "呼叫类型", "来电类型", "通话状态", "calltype", "type", "direction",
                "calldirection", "通话方向", "呼叫方向"},
}
# Any of these in a header means money: a bank statement, read by statement_csv.
MONEY = re.compile(r"金额|余额|交易|摘要|借方|贷方|收入|支出|对方户名|账号|卡号|amount|balance|debit|credit", re.I)

IN_WORDS = {"接收", "收到", "已接收", "收件箱", "收信", "来信", "接收短信", "收", "incoming", "received", "inbox",
            "in", "1"}
OUT_WORDS = {"发送", "已发送", "发件箱", "发信", "发出", "发送短信", "发", "outgoing", "sent", "outbox", "out", "2",
             "发送失败", "failed", "5", "待发送", "queued", "6", "4"}
DRAFT_WORDS = {"草稿", "草稿箱", "draft", "3"}


Accept = Callable[[Mapping[str, int]], bool]


def norm(header: str) -> str:
    h = times.normalize_text(header).strip().strip("\ufeff\"'").lower()
    h = re.sub(r"[(（\[].*?[)）\]]", "", h)  # 通话时长(秒), Duration (s)
    return re.sub(r"[\s_:：]", "", h)


@dataclasses.dataclass(frozen=True)
class Table:
    text: str
    encoding: str
    exact: bool
    delimiter: str
    header_row: int  # 1-based spreadsheet row of the header
    columns: Mapping[str, int]  # role -> column index

    def rows(self) -> Iterator[tuple[int, dict[str, str] | None]]:
        """(spreadsheet row, role -> cell text) for every non-empty data row; (row, None) and the
        end when the CSV cannot be split further (e.g. a quoted cell longer than csv's limit).
        Cells are trimmed, except a message body, which is quoted as written."""
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        number = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                yield number + 1, None
                return
            number += 1
            if number <= self.header_row or not any(c.strip() for c in cells):
                continue
            yield number, {role: (cells[i] if role == BODY else cells[i].strip()) if i < len(cells) else ""
                           for role, i in self.columns.items()}


def _roles(cells: list[str], roles: Mapping[str, set[str]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = norm(cell)
        for role, names in roles.items():
            if key in names and role not in found:
                found[role] = i
                break
    return found


def find_table(text: str, encoding: str, exact: bool, roles: Mapping[str, set[str]], accept: Accept
               ) -> Table | None:
    """The first delimiter and header row (within the first rows) that `accept(columns)` likes."""
    lines = re.split(r"\r\n|\r|\n", text, maxsplit=HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]  # as csv counts lines
    for delimiter in DELIMITERS:
        if not any(delimiter in line for line in lines):
            continue
        for number, line in enumerate(lines, start=1):
            try:
                cells = next(csv.reader([line], delimiter=delimiter), [])
            except csv.Error:
                continue
            if len(cells) < 2 or any(MONEY.search(c) for c in cells):
                continue
            columns = _roles(cells, roles)
            if accept(columns):
                return Table(text, encoding, exact, delimiter, number, columns)
    return None


def is_sms_header(columns: Mapping[str, int]) -> bool:
    return TIME in columns and BODY in columns and (NUMBER in columns or CHAT in columns)


def load(data: bytes, *, partial: bool, roles: Mapping[str, set[str]], accept: Accept) -> Table | None:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # binary
    decoded = textfile.decode(data, partial=partial)
    return find_table(decoded.text, decoded.encoding, decoded.exact, roles, accept)


def sniff(head: bytes, name: str) -> bool:
    return load(head, partial=True, roles=SMS_ROLES, accept=is_sms_header) is not None


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.SMS_EXPORT


def validate(path: Path, lang: str) -> str | None:
    return None  # a header was found: rows that cannot be read are problems, not a refusal


def parse_time(text: str, tz: dt.tzinfo) -> tuple[dt.datetime, bool] | None:
    """A CSV time cell: local text (zone assumed unless written) or a 10/13-digit epoch."""
    s = times.normalize_text(text).strip()
    if re.fullmatch(r"\d{10}(?:\d{3})?", s):
        try:
            return times.from_epoch_auto(int(s)), False
        except (OverflowError, OSError, ValueError):
            return None
    return times.parse_local(s, tz)


def file_issues(file: SourceFile, table: Table, assumed: bool, ctx: Context) -> list[Issue]:
    issues: list[Issue] = []
    if table.encoding not in ("UTF-8", "UTF-8-BOM") or not table.exact:
        issues.append(Issue(Severity.NOTE, "encoding_guessed", template.t(
            ctx.lang, "sources.encoding_guessed", path=file.path, encoding=table.encoding), path=file.path))
    if assumed:
        issues.append(Issue(Severity.NOTE, "zone_assumed", template.t(
            ctx.lang, "sources.zone_assumed", path=file.path, zone=str(ctx.tz)), path=file.path))
    return issues


def row_issue(code: str, file: SourceFile, locator: str, ctx: Context, severity: Severity = Severity.WARNING,
              **values: object) -> Issue:
    return Issue(severity, code, template.t(ctx.lang, f"sources.{code}", path=file.path, locator=locator, **values),
                 path=file.path, locator=locator)


def read_table(file: SourceFile, roles: Mapping[str, set[str]], accept: Accept) -> Table | None:
    try:
        data = file.abspath.read_bytes()
    except OSError:
        return None
    return load(data, partial=False, roles=roles, accept=accept)


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    table = read_table(file, SMS_ROLES, is_sms_header)
    if table is None:
        return [], []
    events: list[Event] = []
    issues: list[Issue] = []
    seconds: set[int] = set()  # events whose time is given to the second
    assumed = False
    if TYPE not in table.columns:
        issues.append(Issue(Severity.WARNING, "no_direction_column", template.t(
            ctx.lang, "sources.no_direction_column", path=file.path), path=file.path))
    for number, row in table.rows():
        locator = f"row {number}"
        if row is None:
            issues.append(row_issue("csv_damaged", file, locator, ctx))
            break
        kind = row.get(TYPE, "")
        word = norm(kind)
        if word in DRAFT_WORDS:
            issues.append(row_issue("draft_skipped", file, locator, ctx, Severity.NOTE))
            continue
        incoming = word not in OUT_WORDS
        if TYPE in table.columns and word not in IN_WORDS and word not in OUT_WORDS:
            issues.append(row_issue("direction_unknown", file, locator, ctx, value=kind or "-"))
        when = parse_time(row.get(TIME, ""), ctx.tz)
        if when is None:
            issues.append(row_issue("bad_time", file, locator, ctx, value=row.get(TIME) or "-"))
            continue
        party = row.get(NUMBER, "") or row.get(CHAT, "")
        if not party:
            issues.append(row_issue("row_empty", file, locator, ctx))
            continue
        assumed = assumed or when[1]
        details = {"message_type": "sms"}
        for key, role in (("raw_type", TYPE), ("contact_name", CONTACT), ("service", SERVICE),
                          ("status", STATUS), ("attachments", ATTACHMENT), ("conversation", CHAT)):
            value = row.get(role, "")
            if value and not (role == CHAT and value == party):
                details[key] = value
        events.append(common.message_event(
            time=when[0], party=party, incoming=incoming, body=row.get(BODY, ""),
            source=SourceRef(file.path, file.sha256, locator), ctx=ctx, zone_assumed=when[1], details=details,
        ))
        if _to_the_second(row.get(TIME, "")):
            seconds.add(len(events) - 1)
    # exact repeats only where the time is given to the second (or an epoch): two identical
    # notices in one minute can be two real debits
    exact = [e for i, e in enumerate(events) if i in seconds]
    rest = [e for i, e in enumerate(events) if i not in seconds]
    exact, repeats = common.drop_repeats(exact, common.message_key, file.path, ctx.lang)
    events = sorted([*exact, *rest], key=lambda e: int(e.source.locator.split()[-1]))
    return events, file_issues(file, table, assumed, ctx) + issues + repeats


def _to_the_second(text: str) -> bool:
    s = times.normalize_text(text).strip()
    return bool(re.fullmatch(r"\d{10}(?:\d{3})?", s) or re.search(r"\d{1,2}[:时点]\d{1,2}[:分]\d{1,2}", s))

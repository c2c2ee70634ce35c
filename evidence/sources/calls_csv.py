"""CSV call logs: Chinese PC-suite style (号码, 通话类型, 通话时间, 通话时长), iMazing call history
(`Call type,Date,Duration,Number,Contact,Location,Service`, duration `HH:MM:SS`) and exports
headed `Phone Number,Contact Name,Call Direction,Call Timestamp,Duration HH:MM:SS`.

A file without a duration column gives calls whose duration is unknown (no `duration_s`), never
0 秒, and one warning saying so.

A call log has a duration or an explicit call-type column and no message-body column; header
matching, row locators and zone handling are shared with sms_csv.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from evidence import template, times
from evidence.model import Basis, Event, FileKind, Issue, Severity, SourceFile, SourceRef
from evidence.sources import Context, common, sms_csv

TIME_MEANING = "call_started"  # the export's time column: when the call began
BASIS = Basis.EXACT

CallType = common.CallType
TYPE_WORDS: dict[str, CallType] = {}
for _type, _words in (
    (CallType.INCOMING, "呼入 来电 已接来电 已接 接听 已接听 打入 incoming in received answered 1"),
    (CallType.OUTGOING, "呼出 去电 已拨电话 已拨 拨出 已拨出 打出 outgoing out dialed dialled 2"),
    (CallType.MISSED, "未接 未接来电 未接听 漏接 missed 3"),
    (CallType.VOICEMAIL, "语音信箱 语音留言 voicemail 4"),
    (CallType.REJECTED, "拒接 已拒接 拒绝 挂断 rejected declined refused 5"),
    (CallType.BLOCKED, "拦截 已拦截 骚扰拦截 黑名单 blocked 6"),
):
    TYPE_WORDS.update(dict.fromkeys(_words.split(), _type))
HIDDEN = {"unknown", "private", "未知", "未知号码", "私人号码", "隐藏号码", "-1", "-2", "-3"}
EXPLICIT_CALL_HEADERS = {"通话类型", "calltype", "呼叫类型", "来电类型", "通话状态", "calldirection", "通话方向",
                         "呼叫方向"}


def is_call_header(columns: Mapping[str, int]) -> bool:
    return (sms_csv.TIME in columns and sms_csv.NUMBER in columns
            and (sms_csv.DURATION in columns or sms_csv.CALL_TYPE in columns))


def _accept(columns: Mapping[str, int]) -> bool:
    return is_call_header(columns)


def _looks_like_calls(table: sms_csv.Table) -> bool:
    """`类型`/`type` alone is ambiguous: without a duration, insist on a call-type header name."""
    if sms_csv.DURATION in table.columns:
        return True
    first = table.text.splitlines()[table.header_row - 1] if table.header_row else ""
    return any(sms_csv.norm(c) in EXPLICIT_CALL_HEADERS for c in re.split(r"[,\t;|]", first))


def _table(data: bytes, partial: bool) -> sms_csv.Table | None:
    table = sms_csv.load(data, partial=partial, roles=sms_csv.CALL_ROLES, accept=_accept)
    if table is None or not _looks_like_calls(table):
        return None
    # a message export with a 类型 column is sms_csv's, whatever else it has
    if sms_csv.load(data, partial=partial, roles=sms_csv.SMS_ROLES, accept=sms_csv.is_sms_header):
        return None
    return table


def sniff(head: bytes, name: str) -> bool:
    return _table(head, True) is not None


def kind(head: bytes, name: str) -> FileKind:
    return FileKind.CALL_LOG


def validate(path: Path, lang: str) -> str | None:
    return None  # a call-log header was found: unreadable rows are problems, not a refusal


def read(file: SourceFile, ctx: Context) -> tuple[list[Event], list[Issue]]:
    try:
        table = _table(file.abspath.read_bytes(), False)
    except OSError:
        return [], []
    if table is None:
        return [], []
    events: list[Event] = []
    issues: list[Issue] = []
    assumed = False
    if sms_csv.CALL_TYPE not in table.columns:
        issues.append(Issue(Severity.WARNING, "call_type_unknown", template.t(
            ctx.lang, "sources.call_type_unknown", path=file.path, locator="-", value="-"), path=file.path))
    if sms_csv.DURATION not in table.columns:
        issues.append(Issue(Severity.WARNING, "duration_column_missing", template.t(
            ctx.lang, "sources.duration_column_missing", path=file.path), path=file.path))
    for number, row in table.rows():
        locator = f"row {number}"
        if row is None:
            issues.append(sms_csv.row_issue("csv_damaged", file, locator, ctx))
            break
        when = sms_csv.parse_time(row.get(sms_csv.TIME, ""), ctx.tz)
        if when is None:
            issues.append(sms_csv.row_issue("bad_time", file, locator, ctx, value=row.get(sms_csv.TIME) or "-"))
            continue
        assumed = assumed or when[1]
        raw_type = row.get(sms_csv.CALL_TYPE, "")
        call_type = TYPE_WORDS.get(sms_csv.norm(raw_type), CallType.OTHER)
        if raw_type and call_type is CallType.OTHER:
            issues.append(sms_csv.row_issue("call_type_unknown", file, locator, ctx, value=raw_type))
        party = row.get(sms_csv.NUMBER, "")
        details: dict[str, str] = {}
        if sms_csv.norm(party) in HIDDEN:
            details["number_hidden"] = party
            party = ""
        raw_duration = row.get(sms_csv.DURATION, "")
        duration = times.parse_duration(raw_duration) if raw_duration else None
        if raw_duration and duration is None:
            details["raw_duration"] = raw_duration
        for key, role in (("contact_name", sms_csv.CONTACT), ("location", sms_csv.LOCATION),
                          ("service", sms_csv.SERVICE)):
            value = row.get(role, "")
            if value:
                details[key] = value
        events.append(common.call_event(
            time=when[0], party=party, call_type=call_type, duration=duration,
            source=SourceRef(file.path, file.sha256, locator), ctx=ctx, raw_type=raw_type,
            zone_assumed=when[1], details=details,
        ))
    return events, sms_csv.file_issues(file, table, assumed, ctx) + issues

"""CSV exports as Chinese phone tools and iMazing write them: the messy, zone-less kind.

- SMS from a Chinese PC phone manager: GBK bytes, Chinese headers, local time without zone.
  GBK has no emoji, so those characters come out as "?" as they do in real exports.
- Call history from iMazing (an iPhone user): UTF-8 with BOM, `Call type,Date,Duration,...`,
  local time without zone, duration as HH:MM:SS (DOMAIN.md B.2.3).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from evidence.sample import fraud

SMS_HEADER = ("类型", "号码", "联系人", "时间", "内容")
CALL_HEADER = ("Call type", "Date", "Duration", "Number", "Contact", "Location", "Service")
IMAZING_TYPES = {1: "Incoming", 2: "Outgoing", 3: "Missed", 5: "Missed"}


def gbk_text(text: str) -> str:
    """What survives a round trip through GBK."""
    return text.encode("gbk", errors="replace").decode("gbk")


def sms_gbk(msgs: Sequence[fraud.Msg]) -> bytes:
    """Row i+1 (after the header) is msgs[i]."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(SMS_HEADER)
    for m in msgs:
        w.writerow(("接收" if m.incoming else "发送", m.address, m.contact or "", f"{m.time:%Y-%m-%d %H:%M:%S}",
                    gbk_text(m.body)))
    return buf.getvalue().encode("gbk")


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _intl(number: str) -> str:
    # iOS shows mobiles in international form; landlines and 400 numbers as dialled at home.
    return "+86" + number if len(number) == 11 and number.startswith("1") else number


def calls_imazing(calls: Sequence[fraud.Call]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CALL_HEADER)
    for c in calls:
        w.writerow((IMAZING_TYPES[c.type], f"{c.time:%Y-%m-%d %H:%M:%S}", _hms(c.duration), _intl(c.number),
                    c.contact or "", "", f"Phone: {_intl(c.number)}"))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")

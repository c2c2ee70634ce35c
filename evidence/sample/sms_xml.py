"""SMS Backup & Restore `sms-YYYYMMDDHHMMSS.xml` and `calls-….xml`, byte for byte as the app writes them.

The app writes attributes itself, not through an XML library: literal "null" strings, `&#10;`
for new lines, and emoji as two UTF-16 surrogate references (`&#55357;&#56397;`), which makes the
file not well-formed — the readers must cope, so the sample does it too (DOMAIN.md B.1).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Sequence

from evidence.sample import fraud


def escape(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif ch == "\n":
            out.append("&#10;")
        elif code > 0xFFFF:  # the app writes UTF-16 code units, one reference each
            v = code - 0x10000
            out.append(f"&#{0xD800 + (v >> 10)};&#{0xDC00 + (v & 0x3FF)};")
        else:
            out.append(ch)
    return "".join(out)


def epoch_ms(t: dt.datetime) -> int:
    return round(t.timestamp() * 1000)


def readable(t: dt.datetime) -> str:
    """Chinese-locale `readable_date`: 2015年3月18日 下午8:15:30 (never parsed; shown for realism)."""
    half = "上午" if t.hour < 12 else "下午"
    hour = t.hour % 12 or 12
    return f"{t.year}年{t.month}月{t.day}日 {half}{hour}:{t.minute:02d}:{t.second:02d}"


def _header(root: str, count: int, backup: dt.datetime, rng: random.Random, xsl: str) -> list[str]:
    backup_set = uuid.UUID(int=rng.getrandbits(128), version=4)
    return [
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
        f"<!--File Created By SMS Backup & Restore v7.47 on {backup:%d/%m/%Y %H:%M:%S}-->",
        f'<?xml-stylesheet type="text/xsl" href="{xsl}"?>',
        f'<{root} count="{count}" backup_set="{backup_set}" backup_date="{epoch_ms(backup)}" type="full">',
    ]


def sms_xml(msgs: Sequence[fraud.Msg], backup: dt.datetime, rng: random.Random) -> bytes:
    """Messages in file order; `sms[i]` in the ground truth is the i-th element."""
    lines = _header("smses", len(msgs), backup, rng, "sms.xsl")
    for m in msgs:
        date = epoch_ms(m.time)
        if m.incoming:
            sent = date - rng.randrange(800, 6000)
            center = '"+8613800571500"'
        else:
            sent, center = 0, '"null"'
        lines.append(
            f'  <sms protocol="0" address="{escape(m.address)}" date="{date}" type="{1 if m.incoming else 2}" '
            f'subject="null" body="{escape(m.body)}" toa="null" sc_toa="null" service_center={center} '
            f'read="1" status="-1" locked="0" date_sent="{sent}" sub_id="-1" '
            f'readable_date="{readable(m.time)}" contact_name="{escape(m.contact or "(Unknown)")}" />'
        )
    lines.append("</smses>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def calls_xml(calls: Sequence[fraud.Call], backup: dt.datetime, rng: random.Random) -> bytes:
    lines = _header("calls", len(calls), backup, rng, "calls.xsl")
    for c in calls:
        lines.append(
            f'  <call number="{c.number}" duration="{c.duration}" date="{epoch_ms(c.time)}" type="{c.type}" '
            f'presentation="1" subscription_id="89860114831010654321" post_dial_digits="" '
            f'subscription_component_name="com.android.phone/com.android.services.telephony.'
            f'TelephonyConnectionService" readable_date="{readable(c.time)}" '
            f'contact_name="{escape(c.contact or "(Unknown)")}" />'
        )
    lines.append("</calls>")
    return ("\n".join(lines) + "\n").encode("utf-8")

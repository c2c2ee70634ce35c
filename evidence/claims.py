"""The claims schedule: one row per claimant, as claims.csv (for Excel/WPS/LibreOffice) and JSON.

Both files carry the same values: amounts as plain decimals with two places (`12345.00`, no
thousands separators, no currency sign), times in the case zone as `YYYY-MM-DD HH:MM:SS`. The CSV
starts with a UTF-8 BOM because Excel on Chinese Windows otherwise reads it as GBK and garbles
every name. Functions return bytes; the caller writes them atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from evidence import csvout, joint, jsontext, template, times

# Column keys, in order. Headers come from templates/<lang>/joint.toml [col].
COLUMNS = (
    "number", "id", "name", "region", "province", "first_order", "first_call_number",
    "first_call_attribution", "first_call_time", "delay_hours", "delay_bucket", "callers",
    "domains", "channels", "amount_lost", "amount_held", "claimed_loss", "compensation", "amount_paid",
    "pages", "status",
)
AMOUNTS = ("amount_lost", "amount_held", "claimed_loss", "amount_paid")
SEPARATOR = "; "  # inside a cell holding several numbers/domains/channels


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _hours(delay: dt.timedelta | None) -> str:
    if delay is None:
        return ""
    return f"{Decimal(int(delay.total_seconds())) / Decimal(3600):.2f}"


def rows(analysis: joint.Analysis, ranges: Sequence[tuple[int, int]] | None, tz: dt.tzinfo,
         lang: str) -> list[dict[str, str]]:
    """One dict per claimant, keyed by COLUMNS; every value a string (the CSV cell)."""
    out: list[dict[str, str]] = []
    for n, c in enumerate(analysis.claimants, start=1):
        pages = ranges[n - 1] if ranges else None
        call = c.first_call
        out.append({
            "number": str(n),
            "id": c.id,
            "name": c.name,
            "region": c.region,
            "province": joint.province(c.region),
            "first_order": times.display(c.first_order, tz) if c.first_order else "",
            "first_call_number": call.number if call else "",
            "first_call_attribution": call.attribution if call else "",
            "first_call_time": times.display(call.time, tz) if call else "",
            "delay_hours": _hours(c.delay),
            "delay_bucket": joint.bucket(c.delay),
            "callers": SEPARATOR.join(c.callers),
            "domains": SEPARATOR.join(c.domains),
            "channels": SEPARATOR.join(c.channels),
            "amount_lost": money(c.amount_lost),
            "amount_held": money(c.held),
            "claimed_loss": money(c.claimed_loss),
            "compensation": str(c.compensation),
            "amount_paid": money(c.amount_paid),
            "pages": f"{pages[0]}-{pages[1]}" if pages else "",
            "status": "failed" if c.error else "ok",
        })
    return out


def to_csv(analysis: joint.Analysis, ranges: Sequence[tuple[int, int]] | None, tz: dt.tzinfo,
           lang: str) -> bytes:
    """UTF-8 with BOM, CRLF line ends (RFC 4180, what Excel writes), headers in `lang`.

    Codes (delay bucket, compensation status, build status) are written as their labels in the
    case language so the lawyer can paste the table into pleadings; claims.json keeps the codes.
    """
    table: list[list[str]] = [[template.t(lang, f"joint.col.{key}") for key in COLUMNS]]
    for row in rows(analysis, ranges, tz, lang):
        shown = dict(row)
        shown["delay_bucket"] = template.t(lang, f"joint.bucket.{row['delay_bucket']}")
        shown["compensation"] = template.t(lang, f"joint.status.{row['compensation']}")
        shown["status"] = template.t(lang, f"joint.status.{row['status']}")
        table.append([shown[key] for key in COLUMNS])
    return csvout.text(table).encode("utf-8-sig")  # issue 23: the one CSV writer


def to_json(analysis: joint.Analysis, ranges: Sequence[tuple[int, int]] | None, tz: dt.tzinfo,
            lang: str, title: str) -> bytes:
    data: dict[str, Any] = {
        "case": title,
        "timezone": str(tz),
        "columns": {key: template.t(lang, f"joint.col.{key}") for key in COLUMNS},
        "claimants": [
            {**row, "callers": row["callers"].split(SEPARATOR) if row["callers"] else [],
             "domains": row["domains"].split(SEPARATOR) if row["domains"] else [],
             "channels": row["channels"].split(SEPARATOR) if row["channels"] else [],
             "error": c.error}
            for row, c in zip(rows(analysis, ranges, tz, lang), analysis.claimants, strict=True)
        ],
        "totals": {
            "claimants": len(analysis.claimants),
            "amount_lost": money(analysis.amount_lost),
            "amount_held": money(analysis.amount_held),
            "claimed_loss": money(analysis.claimed_loss),
            "amount_paid": money(analysis.amount_paid),
        },
        "shared_numbers": [{"number": s.value, "attribution": s.attribution,
                            "claimants": list(s.claimants)} for s in analysis.shared_numbers],
        "shared_domains": [{"domain": s.value, "claimants": list(s.claimants)}
                           for s in analysis.shared_domains],
        "lure_numbers": [{"number": s.value, "attribution": s.attribution,
                          "claimants": list(s.claimants)} for s in analysis.lure_numbers],
        "delays": {key: count for key, count in analysis.delays},
        "losses_by_channel": [{"channel": t.key, "amount": money(t.amount),
                               "claimants": t.claimants} for t in analysis.by_channel],
        "losses_by_province": [{"province": t.key, "amount": money(t.amount),
                                "claimants": t.claimants} for t in analysis.by_region],
        "compensation": [{"status": t.key, "claimants": t.claimants,
                          "amount_paid": money(t.amount)} for t in analysis.by_status],
    }
    return jsontext.dumps(data)

"""The ONLY place a datetime is made from text or an epoch. Every result is aware.

Why hand-written patterns: python-dateutil's fuzzy mode silently misreads Chinese dates
(`2015年3月18日 20:15` -> this year, `24年10月09日` -> 2009-10-24); strict mode rejects them.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC
APPLE_EPOCH = 978_307_200  # 2001-01-01T00:00:00Z in Unix seconds
EARLIEST_PLAUSIBLE = dt.datetime(2000, 1, 1, tzinfo=UTC)
BEFORE_ALL = dt.datetime.min.replace(tzinfo=UTC)  # sorts before any real time


class Precision(enum.StrEnum):
    SECOND = "second"
    MINUTE = "minute"
    DAY = "day"  # no time of day was given
    TIME_ONLY = "time_only"  # no date: taken from the enclosing record


@functools.cache
def zone(name: str) -> ZoneInfo:
    """IANA zone by name; raises ValueError with a readable message."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") from exc


# ---- epochs -------------------------------------------------------------------------------


def from_epoch_ms(ms: int | float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, tz=UTC)


def from_epoch_s(s: int | float) -> dt.datetime:
    return dt.datetime.fromtimestamp(s, tz=UTC)


def from_epoch_auto(value: int | float) -> dt.datetime:
    """Epoch of unknown unit: SB&R `date_sent` is seconds where `date` is milliseconds."""
    v = abs(value)
    if v >= 1e17:  # nanoseconds
        return from_epoch_s(value / 1e9)
    if v >= 1e14:  # microseconds
        return from_epoch_s(value / 1e6)
    if v >= 1e11:  # milliseconds
        return from_epoch_ms(value)
    return from_epoch_s(value)


def from_apple(value: int | float) -> dt.datetime:
    """Cocoa/Core Data time: seconds since 2001 (old iOS) or nanoseconds (iOS 11+)."""
    seconds = value / 1e9 if abs(value) > 1e15 else value
    return from_epoch_s(seconds + APPLE_EPOCH)


# ---- construction from parts ----------------------------------------------------------------


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
    *, tz: dt.tzinfo, microsecond: int = 0,
) -> dt.datetime:
    """Wall-clock time in `tz`. Raises ValueError for impossible dates (Feb 30)."""
    return dt.datetime(year, month, day, hour, minute, second, microsecond, tzinfo=tz)


def parse_offset(text: str) -> dt.timezone | None:
    """`+08:00`, `-0500`, `Z` -> timezone; None when absent or malformed."""
    m = re.fullmatch(r"\s*(?:(Z)|([+-])(\d{2}):?(\d{2}))\s*", text or "")
    if not m:
        return None
    if m.group(1):
        return UTC
    sign = 1 if m.group(2) == "+" else -1
    if int(m.group(3)) > 18 or int(m.group(4)) > 59:  # issue 23: -25:00 is no offset (ISO: ±18)
        return None
    return dt.timezone(sign * dt.timedelta(hours=int(m.group(3)), minutes=int(m.group(4))))


def from_exif(value: str, offset: str | None, tz: dt.tzinfo) -> tuple[dt.datetime, bool] | None:
    """EXIF `YYYY:MM:DD HH:MM:SS` (+ OffsetTimeOriginal). Returns (time, zone_assumed)."""
    m = re.fullmatch(r"\s*(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})\s*\x00*", value or "")
    if not m:
        return None
    off = parse_offset(offset or "")
    try:
        y, mo, d, h, mi, sec = (int(g) for g in m.groups())
        t = local(y, mo, d, h, mi, sec, tz=off or tz)
    except ValueError:
        return None
    return t, off is None


def normalize_text(text: str) -> str:
    """NFKC: full-width digits and colons become ASCII (`２０：１５` -> `20:15`)."""
    return unicodedata.normalize("NFKC", text)


# ---- free text --------------------------------------------------------------------------------

_ISO = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T_]+(\d{1,2})[:.](\d{1,2})(?:[:.](\d{1,2})(?:\.(\d{1,6}))?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?"
)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})[-_ T]?(\d{2})(\d{2})(\d{2})?")
_HALF_DAY = {"上午": 0, "早上": 0, "凌晨": 0, "中午": 12, "下午": 12, "晚上": 12, "傍晚": 12}
_CN = re.compile(
    r"(?:(?P<y>\d{2}|\d{4})\s*年\s*)?"
    r"(?:(?P<mo>\d{1,2})\s*月\s*)?"
    r"(?:(?P<d>\d{1,2})\s*[日号])?"
    r"\s*(?:星期.|周.)?[\s,_，]*"
    r"(?:(?P<half>上午|下午|晚上|凌晨|早上|中午|傍晚)\s*)?"
    r"(?:(?P<h>\d{1,2})\s*[:时点]\s*(?P<mi>\d{1,2})\s*分?(?:\s*[:]?\s*(?P<s>\d{1,2})\s*秒?)?)?"
)


def _hour(hour: int, half: str | None) -> int:
    if half and _HALF_DAY[half] == 12 and hour < 12:
        return hour + 12
    if half in ("凌晨", "上午", "早上") and hour == 12:
        return 0
    return hour


def parse_local(text: str, tz: dt.tzinfo) -> tuple[dt.datetime, bool] | None:
    """A complete date-time written as text, with or without a zone.

    Accepts ISO and slash/dot forms, compact `20150318201530`, and Chinese forms with a year
    (`2015年3月18日 下午8:25:30`, `二〇…` is not handled). Returns (time, zone_assumed) or None.
    A date without time gives midnight.
    """
    s = normalize_text(text).strip()
    m = _ISO.fullmatch(s)
    if m:
        y, mo, d, h, mi, sec, frac, off = m.groups()
        zone_ = parse_offset(off) if off else None
        try:
            t = local(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(sec or 0),
                      microsecond=int((frac or "0").ljust(6, "0")), tz=zone_ or tz)
        except ValueError:
            return None
        return t, zone_ is None
    m = _COMPACT.fullmatch(s)
    if m:
        y, mo, d, h, mi, sec = m.groups()
        try:
            return local(int(y), int(mo), int(d), int(h), int(mi), int(sec or 0), tz=tz), True
        except ValueError:
            return None
    m = _CN.fullmatch(s)
    if m and m.group("y") and len(m.group("y")) == 4 and m.group("mo") and m.group("d"):
        try:
            t = local(
                int(m.group("y")), int(m.group("mo")), int(m.group("d")),
                _hour(int(m.group("h") or 0), m.group("half")), int(m.group("mi") or 0),
                int(m.group("s") or 0), tz=tz,
            )
        except ValueError:
            return None
        return t, True
    return None


def find_cn_datetime(
    text: str, anchor: dt.datetime, tz: dt.tzinfo
) -> tuple[dt.datetime, Precision, tuple[int, int]] | None:
    """Find the first Chinese/ISO date-time inside free text (a bank notice) and complete it.

    Missing year/month/day come from `anchor` (the message's own receive time) seen in `tz`.
    A month later than the anchor's month means the previous year (December notice received
    in January); a day later than the anchor's day, with no month, means the previous month.
    Returns (time, precision, span in the normalised text) or None.
    """
    s = normalize_text(text)
    a = anchor.astimezone(tz)
    for m in _SCAN.finditer(s):
        g = m.groupdict()
        if not (g["mo"] or g["d"] or g["h"] or g["iy"]):
            continue
        try:
            if g["iy"]:
                t = local(int(g["iy"]), int(g["imo"]), int(g["id"]),
                          int(g["ih"] or 0), int(g["imi"] or 0), int(g["isec"] or 0), tz=tz)
                prec = Precision.DAY if g["ih"] is None else (
                    Precision.SECOND if g["isec"] else Precision.MINUTE)
                return t, prec, m.span()
            if g["d"] is None and g["h"] is None:
                continue  # "3月" alone is not a time
            year = a.year
            if g["y"]:
                year = int(g["y"]) + (2000 if len(g["y"]) == 2 else 0)
            month = int(g["mo"]) if g["mo"] else None
            day = int(g["d"]) if g["d"] else None
            if month is None and day is None:  # time only: the anchor's date
                month, day = a.month, a.day
                prec = Precision.TIME_ONLY
            elif month is None and day is not None:
                month = a.month
                if day > a.day:  # e.g. "30日23:04" received on the 1st
                    month -= 1
                    if month == 0:
                        month, year = 12, year - 1
            elif month is not None and not g["y"] and month > a.month:
                year -= 1
            if month is None or day is None:
                continue
            if g["h"] is None:
                hour = minute = sec = 0
                prec = Precision.DAY
            else:
                secs = g["s"] or g["s2"]
                hour, minute, sec = _hour(int(g["h"]), g["half"]), int(g["mi"]), int(secs or 0)
                if g["mo"] or g["d"]:
                    prec = Precision.SECOND if secs else Precision.MINUTE
            if g["mo"] is None and g["d"] is not None:
                t = _day_only(year, month, day, hour, minute, sec, tz)
            else:
                t = local(year, month, day, hour, minute, sec, tz=tz)
        except (ValueError, TypeError):
            continue
        return t, prec, m.span()
    return None


def _day_only(
    year: int, month: int, day: int, hour: int, minute: int, sec: int, tz: dt.tzinfo
) -> dt.datetime:
    """`30日23:04` whose month (from the anchor) lacks that day: the latest earlier month with it."""
    for _ in range(3):
        try:
            return local(year, month, day, hour, minute, sec, tz=tz)
        except ValueError:
            month -= 1
            if month == 0:
                month, year = 12, year - 1
    return local(year, month, day, hour, minute, sec, tz=tz)


_SCAN = re.compile(
    r"(?<!\d)(?:"
    # ISO-like with a 4-digit year: 2024-12-24 13:05:14, 2024/10/5
    r"(?P<iy>(?:19|20)\d{2})[-/.](?P<imo>\d{1,2})[-/.](?P<id>\d{1,2})"
    r"(?:[ T]+(?P<ih>\d{1,2}):(?P<imi>\d{2})(?::(?P<isec>\d{2}))?)?"
    r"|"
    r"(?:(?P<y>\d{4}|\d{2})\s*年\s*)?(?:(?P<mo>\d{1,2})\s*月\s*)?(?:(?P<d>\d{1,2})\s*[日号])?"
    r"\s*(?:(?P<half>上午|下午|晚上|凌晨|早上|中午|傍晚)\s*)?"
    r"(?:(?P<h>\d{1,2})\s*(?::|时|点)\s*(?P<mi>\d{1,2})\s*分?(?:\s*:\s*(?P<s>\d{2})|\s*(?P<s2>\d{1,2})秒)?)?"
    # a match ending in 日/分 may be followed by digits (`2024年12月18日12月份加班补贴`)
    r")(?:(?<=\D)|(?!\d))"
)


# ---- checks and display --------------------------------------------------------------------


_PDF_DATE = re.compile(
    r"\s*(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*"
    r"(?:(Z)|([+-])(\d{2})'?(?:(\d{2})'?)?)?\s*"
)


def from_pdf_date(text: str, tz: dt.tzinfo) -> tuple[dt.datetime, bool] | None:
    """PDF date string `D:20150320103000+08'00'` (ISO 32000 7.9.4). Returns (time, zone_assumed)."""
    m = _PDF_DATE.fullmatch(text or "")
    if not m:
        return None
    y, mo, d, h, mi, sec, z, sign, oh, om = m.groups()
    zone_: dt.tzinfo | None = None
    if z:
        zone_ = UTC
    elif sign:
        minutes = int(oh) * 60 + int(om or 0)
        if minutes >= 24 * 60:
            return None
        zone_ = dt.timezone((1 if sign == "+" else -1) * dt.timedelta(minutes=minutes))
    try:
        t = local(int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(sec or 0),
                  tz=zone_ or tz)
    except ValueError:
        return None
    return t, zone_ is None


def plausible(t: dt.datetime, not_after: dt.datetime) -> bool:
    """Evidence of this case cannot predate 2000 nor postdate its intake."""
    return EARLIEST_PLAUSIBLE <= t <= not_after


def now() -> dt.datetime:
    """Wall-clock now, aware. Builds must not use it in outputs (determinism)."""
    return dt.datetime.now(tz=UTC)


def today(tz: dt.tzinfo) -> dt.date:
    """Today's date in `tz` (the case zone)."""
    return now().astimezone(tz).date()


# ---- dates: build date, case period -----------------------------------------------------------

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_date(text: str) -> dt.date | None:
    """ISO 8601 calendar date `YYYY-MM-DD` -> date; None when malformed or impossible."""
    m = _DATE.fullmatch(text.strip())
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def from_toml_date(value: object) -> dt.date | None:
    """A TOML value that should be a date: an unquoted TOML date or an ISO date string."""
    if isinstance(value, dt.datetime):
        return None  # a date-time is not a date: say so rather than drop the time
    if isinstance(value, dt.date):
        return value
    return parse_date(value) if isinstance(value, str) else None


def from_source_date_epoch(text: str, tz: dt.tzinfo) -> dt.date | None:
    """`SOURCE_DATE_EPOCH` (reproducible-builds.org: decimal Unix seconds) -> its date in `tz`."""
    if not re.fullmatch(r"\s*\d{1,12}\s*", text):
        return None
    try:
        return from_epoch_s(int(text)).astimezone(tz).date()
    except (OverflowError, OSError, ValueError):
        return None


def parse_period(text: str) -> tuple[dt.date, dt.date] | None:
    """ISO 8601 time interval of whole days: `2015-03-01/2015-04-30`, the end possibly shortened
    as ISO 8601 allows (`2015-03-01/04-30`, `2015-03-01/30`), `--` accepted for `/`.
    Both days are included. None when malformed, impossible or ending before it starts."""
    parts = re.split(r"/|--", text.strip())
    if len(parts) != 2:
        return None
    start = parse_date(parts[0])
    if start is None:
        return None
    end_text = parts[1].strip()
    if re.fullmatch(r"\d{2}-\d{2}", end_text):
        end_text = f"{start.year:04d}-{end_text}"
    elif re.fullmatch(r"\d{2}", end_text):
        end_text = f"{start.year:04d}-{start.month:02d}-{end_text}"
    end = parse_date(end_text)
    if end is None or end < start:
        return None
    return start, end


def day_bounds(first: dt.date, last: dt.date, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """[start of `first`, start of the day after `last`) in `tz`: the instants of those days."""
    after = last + dt.timedelta(days=1)
    return (local(first.year, first.month, first.day, tz=tz),
            local(after.year, after.month, after.day, tz=tz))


def from_toml_datetime(value: object, tz: dt.tzinfo) -> tuple[dt.datetime, bool] | None:
    """An unquoted TOML date-time or date, or a string (parse_local). Returns (time,
    zone_assumed): a value without an offset is read in `tz`."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=tz), True
        return value, False
    if isinstance(value, dt.date):
        return local(value.year, value.month, value.day, tz=tz), True
    return parse_local(value, tz) if isinstance(value, str) else None


def with_zone(t: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """The same wall-clock time read in another zone (an assumed zone corrected)."""
    return t.replace(tzinfo=tz)


def with_year(t: dt.datetime, year: int) -> dt.datetime | None:
    """The same wall-clock time in another year; None for 29 February in a common year."""
    try:
        return t.replace(year=year)
    except ValueError:
        return None


def year_for(month: int, day: int, period: tuple[dt.date, dt.date]) -> tuple[int, bool]:
    """The year a date written without one (`3月18日`) takes from the case period: the latest
    year in which that month and day fall inside the period (True), else the period's last
    year (False: outside the period, to be reviewed)."""
    first, last = period
    for year in range(last.year, first.year - 1, -1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if first <= candidate <= last:
            return year, True
    return last.year, False


def from_mtime(seconds: float) -> dt.datetime:
    return from_epoch_s(seconds)


def iso(t: dt.datetime, tz: dt.tzinfo) -> str:
    """ISO 8601 with offset in the case zone: `2015-03-18T20:15:30+08:00`."""
    return t.astimezone(tz).isoformat(timespec="seconds")


def display(t: dt.datetime, tz: dt.tzinfo, *, seconds: bool = True) -> str:
    """`2015-03-18 20:15:30` in the case zone (the zone is stated once per page/table)."""
    return t.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def parse_duration(text: str) -> int | None:
    """`125`, `2:05`, `00:02:05`, `2分5秒`, `1小时2分5秒` -> seconds; None if not a duration."""
    s = normalize_text(text).strip()
    if re.fullmatch(r"\d+", s):
        return int(s)
    m = re.fullmatch(r"(?:(\d+):)?(\d{1,2}):(\d{2})", s)
    if m:
        return int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
    m = re.fullmatch(r"(?:(\d+)\s*(?:小时|时))?\s*(?:(\d+)\s*分(?:钟)?)?\s*(?:(\d+)\s*秒)?", s)
    if m and any(m.groups()):
        h, mi, sec = (int(x or 0) for x in m.groups())
        return h * 3600 + mi * 60 + sec
    return None


def from_gps(datestamp: str, hour: float, minute: float, second: float) -> dt.datetime | None:
    """EXIF GPSDateStamp `YYYY:MM:DD` + GPSTimeStamp (h, m, s rationals) -> UTC; None if bad."""
    m = re.fullmatch(r"\s*(\d{4}):(\d{2}):(\d{2})\s*\x00*", datestamp or "")
    if not m:
        return None
    try:
        whole = int(second)
        return local(int(m.group(1)), int(m.group(2)), int(m.group(3)), int(hour), int(minute),
                     whole, tz=UTC, microsecond=round((second - whole) * 1e6) % 1_000_000)
    except (ValueError, OverflowError):
        return None


# A day for a zone's offset when a case has no build date: the fraud's day, not today, so the
# same inputs always print the same offset (issue 19: was hard-coded in render/dossier.py).
REFERENCE_DAY = dt.date(2015, 3, 18)


def utc_offset(tz: dt.tzinfo, on: dt.date | None = None) -> str:
    """`UTC+08:00`: the zone's offset at noon on `on` (REFERENCE_DAY when None)."""
    day = on or REFERENCE_DAY
    off = dt.datetime(day.year, day.month, day.day, 12, tzinfo=tz).strftime("%z")
    return f"UTC{off[:3]}:{off[3:]}"


def from_iso_aware(text: str) -> dt.datetime:
    """An ISO time this tool wrote (always with its offset); a naive one is refused, never
    given an invented zone."""
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"naive time: {text}")
    return value

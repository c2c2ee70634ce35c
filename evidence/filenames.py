"""Times, numbers and apps written into phone file names (DOMAIN.md B.4.2, B.5.1). Pure.

Names carry device-local wall-clock time with no zone, so the case zone is applied and
`zone_assumed` is True — except epoch-millisecond names (WeChat `mmexport…`, `wx_camera_…`),
which are absolute instants, and BCR recordings, which write their own UTC offset.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import unicodedata

from evidence import phones, times

EPOCH_MS_MIN = 946_684_800_000  # 2000-01-01: a 13-digit number before that is not a time
EPOCH_MS_MAX = 4_102_444_800_000  # 2100-01-01

# ColorOS screenshots end in md5(package name): this table turns the hash back into the app.
KNOWN_PACKAGES = (
    "com.tencent.mm", "com.tencent.mobileqq", "com.tencent.tim", "com.eg.android.AlipayGphone",
    "com.jingdong.app.mall", "com.taobao.taobao", "com.android.mms", "com.android.messaging",
    "com.google.android.apps.messaging", "com.coloros.mms", "com.android.incallui",
    "com.android.dialer", "com.android.contacts", "com.coloros.gallery3d", "com.android.chrome",
    "com.android.browser", "com.heytap.browser", "com.coloros.browser", "com.UCMobile",
    "com.tencent.mtt", "com.icbc", "com.chinamworld.main", "com.android.bankabc",
    "com.chinamworld.bocmbci", "cmb.pb", "com.bankcomm.Bankcomm", "com.ecitic.bank.mobile",
    "com.cib.cibmb", "cn.com.spdb.mobilebank.per", "com.cgbchina.xpt", "com.cebbank.mobile.cemb",
    "com.pingan.paces.ccms", "com.yitong.mbank.psbc", "com.unionpay", "com.sankuai.meituan",
    "com.ss.android.ugc.aweme", "com.sina.weibo", "com.coloros.filemanager",
)
PACKAGE_BY_MD5 = {hashlib.md5(p.encode()).hexdigest(): p for p in KNOWN_PACKAGES}


@dataclasses.dataclass(frozen=True)
class Stamp:
    """What a file name says. `time` is None when the name has a number but no usable date."""

    time: dt.datetime | None
    zone_assumed: bool
    convention: str  # "miui", "huawei", "vivo", "oppo", "aosp_screenshot", "wechat_export" …
    precision: times.Precision = times.Precision.SECOND
    number: str | None = None  # normalised phone number, recordings only
    contact: str | None = None  # contact name as the phone wrote it, recordings only
    app: str | None = None  # package or app label, screenshots only
    screenshot: bool = False
    direction: str | None = None  # "in" / "out" where the name says (LG, BCR)
    # where the year came from when the name has none (Lenovo): "period" (the case period),
    # "period_outside" (the period's last year; the date falls outside it), "file_date"
    year_from: str | None = None


def _stem(name: str) -> str:
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    return base.rsplit(".", 1)[0] if "." in base[1:] else base


def _local(tz: dt.tzinfo, *parts: str | int, ms: str | None = None) -> dt.datetime | None:
    y, mo, d, h, mi, s = (int(p) for p in parts)
    if not 2000 <= y <= 2099:  # plausible phone-era years only: rejects random digit runs
        return None
    try:
        return times.local(y, mo, d, h, mi, s, tz=tz,
                           microsecond=int(ms.ljust(6, "0")[:6]) if ms else 0)
    except ValueError:
        return None


def _epoch_ms(text: str) -> dt.datetime | None:
    value = int(text)
    if not EPOCH_MS_MIN <= value <= EPOCH_MS_MAX:
        return None
    return times.from_epoch_ms(value)


# ---- call recordings -----------------------------------------------------------------------

_REC_TIME = (
    # MIUI / Huawei: …_20150318201530
    ("compact", re.compile(r"^(?P<rest>.*?)[_ -]?(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})"
                           r"(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})$")),
    # Huawei/Samsung: …_20150318_201530 (Samsung: 150318_201530); LineageOS Dialer
    # `<number>_yyMMdd_HHmmssSSS`: 13757123456_150318_201530123 (milliseconds)
    ("split", re.compile(r"^(?P<rest>.*?)[_ ](?P<y>\d{4}|\d{2})(?P<mo>\d{2})(?P<d>\d{2})"
                         r"_(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})(?P<ms>\d{3})?$")),
    # vivo: 19145520861 2019-05-16 10-06-40
    ("dashed", re.compile(r"^(?P<rest>.*?)[ _](?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
                          r"[ _](?P<h>\d{2})-(?P<mi>\d{2})-(?P<s>\d{2})$")),
    # OPPO ColorOS: Papa-2512232146 (yyMMddHHmm: minutes only, 2-digit year)
    ("oppo", re.compile(r"^(?P<rest>.+?)-(?P<y>\d{2})(?P<mo>\d{2})(?P<d>\d{2})"
                        r"(?P<h>\d{2})(?P<mi>\d{2})$")),
)
# BCR `{date}` is `yyyyMMdd_HHmmss.SSS±hhmm`; newer versions write microseconds
# (20230802_122802.881926-0400): the offset makes it an exact instant
_BCR = re.compile(
    r"^(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})_(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})"
    r"(?:\.(?P<ms>\d{1,9}))?(?P<off>[+-]\d{4})(?P<rest>.*)$"
)
_LG = re.compile(r"^(?P<dir>[01])d(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?P<h>\d{2})(?P<mi>\d{2})"
                 r"(?P<s>\d{2})p?(?P<num>\+?\d+)$")
_LENOVO = re.compile(r"^(?P<rest>.*?)_通话_(?P<mo>\d{1,2})月(?P<d>\d{1,2})日_(?P<h>\d{1,2})点"
                     r"(?P<mi>\d{1,2})分$")
_LABELS = re.compile(
    r"^(?:通话录音|录音|电话录音|Call recording|Call_recording|Record|Вызов)[\s_@-]*", re.IGNORECASE)


def _number_and_contact(rest: str) -> tuple[str | None, str | None]:
    """`张三@138 0013 8000`, `张三(13800138000)`, `通话录音 13800138000` -> (number, name)."""
    text = _LABELS.sub("", rest.strip(" _-@"))
    contact: str | None = None
    m = re.search(r"\(([^()]*)\)\s*$", text)
    if m:
        inside, before = m.group(1), text[: m.start()]
        if "@" in before:  # older MIUI: <label>@<name>(<number>)
            before = before.rsplit("@", 1)[1]
        contact = before.strip() or None
        text = inside
    elif "@" in text:  # Huawei EMUI 5: <contact>@<number>
        contact, text = (part.strip() for part in text.rsplit("@", 1))
    # MIUI writes `+` as `00`: 0086138… is a Chinese mobile
    digits = re.sub(r"[\s\-]", "", text)
    if re.fullmatch(r"\+?\d{3,20}", digits):
        number = phones.normalize(digits)
        return number, (contact if contact and contact != number else None)
    return None, (text.strip() or contact or None)


def recording(name: str, tz: dt.tzinfo, period: tuple[dt.date, dt.date] | None = None,
              fallback_year: int | None = None) -> Stamp | None:
    """Time and number from a call-recording file name; None when the name says neither.

    Lenovo names have no year: it comes from the case `period` (first and last day), else from
    `fallback_year` (the file's date: weak, so `year_from` says so and the caller flags it).
    """
    stem = _stem(name)
    m = _BCR.match(stem)
    if m:
        off = times.parse_offset(m.group("off"))
        t = _local(off or tz, *m.group("y", "mo", "d", "h", "mi", "s"), ms=m.group("ms"))
        fields = [f for f in m.group("rest").split("_") if f]
        direction = next((f for f in fields if f in ("in", "out")), None)
        number = next((phones.normalize(f) for f in fields if re.fullmatch(r"\+?\d{3,20}", f)),
                      None)
        return Stamp(t, off is None, "bcr", number=number, direction=direction)
    m = _LG.match(stem)
    if m:
        t = _local(tz, *m.group("y", "mo", "d", "h", "mi", "s"))
        return Stamp(t, True, "lg", number=phones.normalize(m.group("num")),
                     direction="out" if m.group("dir") == "0" else "in")
    m = _LENOVO.match(stem)
    if m:
        number, contact = _number_and_contact(m.group("rest"))
        month, day = int(m.group("mo")), int(m.group("d"))
        said_year: int | None = fallback_year
        year_from = "file_date" if fallback_year else None
        if period is not None:
            said_year, inside = times.year_for(month, day, period)
            year_from = "period" if inside else "period_outside"
        t = _local(tz, said_year, month, day, *m.group("h", "mi"), 0) if said_year else None
        return Stamp(t, True, "lenovo", times.Precision.MINUTE, number=number, contact=contact,
                     year_from=year_from if t is not None else None)
    for convention, pattern in _REC_TIME:
        m = pattern.match(stem)
        if not m:
            continue
        year = m.group("y")
        year = f"20{year}" if len(year) == 2 else year
        seconds = m.groupdict().get("s") or 0
        ms = m.groupdict().get("ms")
        t = _local(tz, year, *m.group("mo", "d", "h", "mi"), seconds, ms=ms)
        if t is None:
            continue
        number, contact = _number_and_contact(m.group("rest"))
        label = {"compact": "miui_huawei", "split": "lineageos" if ms else "huawei_samsung",
                 "dashed": "vivo", "oppo": "oppo"}[convention]
        precision = times.Precision.MINUTE if convention == "oppo" else times.Precision.SECOND
        return Stamp(t, True, label, precision, number=number, contact=contact)
    number, contact = _number_and_contact(stem)
    if number:
        return Stamp(None, True, "number_only", number=number, contact=contact)
    return None


# ---- screenshots and photos ----------------------------------------------------------------

_D8T6 = r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})"
_IMAGE = (
    # AOSP / Samsung old: Screenshot_20150318-201530
    ("aosp_screenshot", True, re.compile(
        r"^Screenshot_" + _D8T6 + r"-(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})(?:_(?P<app>.+))?$")),
    # Huawei/Honor, Samsung One UI: Screenshot_20201114_170057_com.tencent.mm
    ("huawei_samsung_screenshot", True, re.compile(
        r"^Screenshot_" + _D8T6 + r"_(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})(?:_(?P<app>.+))?$")),
    # MIUI (…-SSS_<package>), ColorOS (…-cc_<md5>), older dashed form
    ("dashed_screenshot", True, re.compile(
        r"^Screenshot_(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})-(?P<h>\d{2})-(?P<mi>\d{2})"
        r"-(?P<s>\d{2})(?:-(?P<ms>\d{2,3}))?(?:_(?P<app>.+))?$")),
    # macOS: Screen Shot 2023-03-06 at 1.35.38 PM / Screenshot 2023-03-06 at 13.35.38
    ("macos_screenshot", True, re.compile(
        r"^Screen ?[Ss]hot (?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2}) at (?P<h>\d{1,2})\.(?P<mi>\d{2})"
        r"\.(?P<s>\d{2})(?:\s?(?P<ampm>[AP]M))?(?: \(\d+\))?$")),
    # Camera: IMG_20150318_201530(_123), VID_…, PANO_…
    ("camera", False, re.compile(
        r"^(?:IMG|PANO|MVIMG|PXL)_" + _D8T6 + r"_(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})"
        r"(?:_?(?P<ms>\d{3}))?(?:[_~.(].*)?$")),
    # OPPO/vivo camera: IMG20240507145428; with an underscore: IMG_20180823102109
    ("camera", False, re.compile(
        r"^IMG_?" + _D8T6 + r"(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})(?:[_(].*)?$")),
    # Signal saving an attachment: signal-2020-10-26-163832 (-1, _001 … when several)
    ("signal", False, re.compile(
        r"^signal-(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})-(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})"
        r"(?:[-_ (].*)?$")),
    # WeChat PC save-as: 微信图片_20150318201530 (newer: _158_292 suffix)
    ("wechat_pc", False, re.compile(
        r"^微信图片_" + _D8T6 + r"(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})(?:_\d+)*(?:\(\d+\))?$")),
    # QQ / TIM: QQ图片20150318201530
    ("qq", False, re.compile(
        r"^(?:QQ|TIM)图片" + _D8T6 + r"(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})(?:\(\d+\))?$")),
    # Telegram desktop: photo_2015-03-18_20-15-30
    ("telegram", False, re.compile(
        r"^photo_(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})_(?P<h>\d{2})-(?P<mi>\d{2})-(?P<s>\d{2})"
        r"(?: \(\d+\))?$")),
)
# WeChat and generic epoch-ms names: absolute instants (save/export time, not capture time).
_EPOCH = re.compile(
    r"^(?P<prefix>thumbmmexport|mmexport(?:[0-9a-f]{32}_)?|wx_camera_|mmqrcode|"
    r"mm_facetoface_collect_qrcode_|mm_reward_qrcode_|microMsg\.|capture|Image_|)"
    r"(?P<ms>1\d{12})(?:\(\d+\))?$"
)
_WHATSAPP = re.compile(r"^(?:IMG|VID)-" + _D8T6 + r"-WA\d+$")
_SCREENSHOT_WORDS = re.compile(r"^(?:Screenshot|Screen ?shot|截屏|截图|屏幕截图|Record_)", re.I)


def _app(text: str | None) -> str | None:
    if not text:
        return None
    key = text.lower()
    if re.fullmatch(r"[0-9a-f]{32}", key):
        return PACKAGE_BY_MD5.get(key, text)
    return text


def image(name: str, tz: dt.tzinfo) -> Stamp | None:
    """Time (and foreground app) from a screenshot/photo file name; None if it has none."""
    stem = _stem(name)
    for convention, shot, pattern in _IMAGE:
        m = pattern.match(stem)
        if not m:
            continue
        g = m.groupdict()
        hour = int(g["h"])
        if g.get("ampm") == "PM" and hour < 12:
            hour += 12
        elif g.get("ampm") == "AM" and hour == 12:
            hour = 0
        ms = g.get("ms")
        if ms and len(ms) == 2:  # ColorOS centiseconds
            ms = ms + "0"
        t = _local(tz, g["y"], g["mo"], g["d"], hour, g["mi"], g["s"], ms=ms)
        if t is None:
            continue
        return Stamp(t, True, convention, app=_app(g.get("app")), screenshot=shot)
    m = _EPOCH.match(stem)
    if m:
        t = _epoch_ms(m.group("ms"))
        if t is not None:
            prefix = re.sub(r"[0-9a-f]{32}_$", "", m.group("prefix")).rstrip("_.")
            wechat = prefix not in ("", "Image", "capture")
            convention = f"wechat_{prefix}" if wechat else f"epoch_ms_{prefix or 'bare'}".lower()
            return Stamp(t, False, convention)
    m = _WHATSAPP.match(stem)
    if m:
        t = _local(tz, *m.group("y", "mo", "d"), 0, 0, 0)
        if t is not None:
            return Stamp(t, True, "whatsapp", times.Precision.DAY)
    if _SCREENSHOT_WORDS.match(stem):
        return Stamp(None, True, "screenshot", screenshot=True)
    return None


def looks_like_screenshot(name: str) -> bool:
    return bool(_SCREENSHOT_WORDS.match(_stem(name)))

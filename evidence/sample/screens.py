"""Phone screenshots with known text, for testing and measuring the OCR stage.

Drawn with Pillow at 1080×2340 in a CJK TrueType font — WenQuanYi Micro Hei (sans-serif, like
phone UI fonts) and, for every third SMS screen, every other chat and one list, AR PL UMing (a
Ming face with thin strokes) — deterministic (same inputs, same pixels):

* `sms_screens`: an SMS app's conversation with a bank (MIUI-like: sender number in the header,
  a timestamp over each grey bubble), from real bank-SMS texts, up to three messages a screen;
  `case_screens`: the lure, the code and the debits of one 3·18 victim (CASE_SMS);
* `chat_screens`: a WeChat-like chat with a fake JD customer-service agent whose refund link is
  long enough to wrap across the bubble's lines, and the victim's replies on the right;
* `bank_list_screens`: bank-app transaction lists in three layouts (date+time under each
  row's summary, balance under its amount; day headers with times only; month headers with
  `MM-DD HH:MM` rows and no balance);
* `police_photo`: a 12-megapixel camera photo of a police receipt (受案回执).

Each `Screen` carries the facts a reader should find on it (`Expected`). `encode` gives the
file bytes as PNG, JPEG q75, or a WeChat-like copy (scaled to 720 px wide, JPEG q70, then
recompressed at q60, as a forwarded picture is).

Text is wrapped as Android wraps it: Chinese anywhere, a run of Latin letters, digits and URL
characters kept whole unless longer than the line, no line starting with closing punctuation.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from evidence import notices, times
from evidence.model import Direction, EventKind

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # a sans-serif like phones' UI fonts
MING = "/usr/share/fonts/truetype/arphic/uming.ttc"  # a Ming (serif) face: thinner strokes, harder
WIDTH, HEIGHT = 1080, 2340
SH = times.zone("Asia/Shanghai")
FORMATS = ("png", "jpeg", "wechat")
INK = (25, 25, 25)
GREY = (140, 140, 140)


@functools.cache
def font(size: int, family: str = FONT) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(family, size)


@dataclasses.dataclass(frozen=True)
class Expected:
    """One fact on a screen, as the text itself says it (read by notices.classify on the
    original text for messages)."""

    kind: EventKind  # BANK_NOTICE, VERIFICATION_CODE, PHISHING, TRANSACTION
    amount: Decimal | None = None
    direction: Direction | None = None
    tail: str | None = None
    time: dt.datetime | None = None  # the stated transaction time
    domain: str | None = None
    code: str | None = None
    balance: Decimal | None = None
    url: str | None = None  # the link as written (its path may be misread: l/I/1; the domain is the fact)


@dataclasses.dataclass(frozen=True)
class Screen:
    name: str  # file name stem: its time is the screenshot's (Screenshot_YYYYMMDD-HHMMSS)
    scene: str  # sms, chat, bank_list, police
    image: Image.Image
    taken: dt.datetime
    expected: tuple[Expected, ...]
    hint: str | None = None  # document hint the page should give
    header: str = ""  # the conversation's title: an SMS screen's sender


def encode(screen: Screen, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of `screen` as `png`, `jpeg` (q75) or `wechat`."""
    buf = io.BytesIO()
    if fmt == "png":
        screen.image.save(buf, "PNG", compress_level=1)
        return f"{screen.name}.png", buf.getvalue()
    if fmt == "jpeg":
        screen.image.save(buf, "JPEG", quality=75)
        return f"{screen.name}.jpg", buf.getvalue()
    if fmt == "wechat":
        w, h = screen.image.size
        small = screen.image.resize((720, round(h * 720 / w)), Image.Resampling.BILINEAR) if w > 720 \
            else screen.image
        small.save(buf, "JPEG", quality=70)
        once = Image.open(io.BytesIO(buf.getvalue()))
        buf = io.BytesIO()
        once.save(buf, "JPEG", quality=60)
        ms = int(screen.taken.timestamp() * 1000) + 47_000  # saved from the chat a little later
        return f"mmexport{ms}.jpg", buf.getvalue()
    raise ValueError(f"unknown format {fmt!r}")


# ---- drawing helpers -------------------------------------------------------------------------

_RUN = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&'*+,;=%()\[\]]+")
_NO_START = set("，。、；：？！）】」》,.;:?!)]%")


def wrap(text: str, size: int, width: int, family: str = FONT) -> list[str]:
    """Android-like line breaking of `text` in `font(size, family)` within `width` pixels."""
    f = font(size, family)
    tokens: list[str] = []
    pos = 0
    for m in _RUN.finditer(text):
        tokens.extend(text[pos:m.start()])
        tokens.append(m.group(0))
        pos = m.end()
    tokens.extend(text[pos:])
    lines: list[str] = []
    cur = ""
    for tok in tokens:
        if f.getlength(cur + tok) <= width:
            cur += tok
            continue
        if len(tok) > 1 and f.getlength(tok) > width:  # a run longer than a line: cut it
            for ch in tok:
                if f.getlength(cur + ch) > width:
                    lines.append(cur)
                    cur = ""
                cur += ch
            continue
        if tok in _NO_START and cur:  # keep closing punctuation on the line it closes
            cur, tail = cur[:-1], cur[-1]
            lines.append(cur)
            cur = tail + tok
            continue
        if cur:
            lines.append(cur)
        cur = tok.lstrip() if len(tok) > 1 else tok
    if cur:
        lines.append(cur)
    return lines


def _status_bar(d: ImageDraw.ImageDraw, when: dt.datetime, dark: bool = False) -> None:
    fill = (250, 250, 250) if dark else INK  # the phone's own UI font, whatever the app's
    d.text((48, 24), when.astimezone(SH).strftime("%H:%M"), font=font(38), fill=fill)
    d.text((WIDTH - 230, 26), "4G  87%", font=font(34), fill=fill)


def _canvas(bg: tuple[int, int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (WIDTH, HEIGHT), bg)
    return img, ImageDraw.Draw(img)


def _bubble(d: ImageDraw.ImageDraw, lines: list[str], x: int, y: int, size: int, fill: tuple[int, int, int],
            *, right: bool = False, family: str = FONT) -> int:
    """A rounded bubble holding `lines`; x is its left edge (right edge when `right`). Returns
    the y below it."""
    f = font(size, family)
    pad, step = 30, round(size * 1.45)
    text_w = max(int(f.getlength(line)) for line in lines)
    w = text_w + 2 * pad
    left = x - w if right else x
    h = step * len(lines) + 2 * pad - (step - size) + 6
    d.rounded_rectangle((left, y, left + w, y + h), radius=18, fill=fill)
    for i, line in enumerate(lines):
        d.text((left + pad, y + pad + i * step), line, font=f, fill=INK)
    return y + h


def _centered(d: ImageDraw.ImageDraw, text: str, y: int, size: int, fill: tuple[int, int, int] = GREY,
              family: str = FONT) -> None:
    d.text((WIDTH // 2, y), text, font=font(size, family), fill=fill, anchor="ma")


def _shown(t: dt.datetime, with_year: bool) -> str:
    t = t.astimezone(SH)
    return (f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}" if with_year else f"{t.month}月{t.day}日 {t:%H:%M}")


def _stamp(t: dt.datetime) -> str:
    return t.astimezone(SH).strftime("%Y%m%d-%H%M%S")


# ---- SMS conversations -------------------------------------------------------------------------


def _expected_message(body: str, sender: str, received: dt.datetime) -> Expected | None:
    n = notices.classify(body, sender, received, SH)
    if n.kind is EventKind.BANK_NOTICE and n.amount is not None and n.direction is not None:
        return Expected(EventKind.BANK_NOTICE, n.amount, n.direction, n.card_tail, n.stated_time)
    if n.kind is EventKind.VERIFICATION_CODE:
        return Expected(EventKind.VERIFICATION_CODE, code=n.code)
    if n.kind is EventKind.PHISHING:
        return Expected(EventKind.PHISHING, domain=n.domains[0] if n.domains else None,
                        url=n.urls[0] if n.urls else None)
    return None


def sms_screen(sender: str, messages: Sequence[tuple[str, dt.datetime]], *, with_year: bool = False,
               family: str = FONT) -> Screen:
    """One conversation screen: each (body, received time) under its timestamp, in `family`."""
    img, d = _canvas((255, 255, 255))
    last = max(t for _, t in messages)
    taken = last + dt.timedelta(minutes=3, seconds=17)
    _status_bar(d, taken)
    d.text((50, 120), "‹", font=font(72), fill=INK)
    d.text((130, 128), sender, font=font(54, family), fill=INK)
    d.line((0, 240, WIDTH, 240), fill=(230, 230, 230), width=2)
    y = 290
    expected: list[Expected] = []
    for body, received in messages:
        _centered(d, _shown(received, with_year), y, 32, family=family)
        y = _bubble(d, wrap(body, 44, 780, family), 40, y + 70, 44, (240, 240, 240), family=family) + 60
        found = _expected_message(body, sender, received)
        if found is not None:
            expected.append(found)
    d.rounded_rectangle((40, HEIGHT - 170, WIDTH - 180, HEIGHT - 70), radius=50, outline=(210, 210, 210), width=3)
    d.text((90, HEIGHT - 145), "短信", font=font(40, family), fill=(180, 180, 180))
    return Screen(f"Screenshot_{_stamp(taken)}", "sms", img, taken, tuple(expected), header=sender)


ANCHOR = dt.datetime(2025, 6, 30, 12, 0, tzinfo=SH)  # for messages exported without a time


def _received(item: dict[str, Any]) -> dt.datetime:
    """The message's receive time; for a labelled message without one, 20 s after the time it
    states (the year from ANCHOR, as the notices tests complete it)."""
    if item.get("received_ms"):
        return times.from_epoch_ms(int(item["received_ms"]))
    n = notices.classify(str(item["body"]), str(item["sender"]), ANCHOR, SH)
    if n.stated_time is None:
        return ANCHOR
    if n.precision is times.Precision.DAY:
        return n.stated_time + dt.timedelta(hours=10, minutes=4)
    return n.stated_time + dt.timedelta(seconds=20)


def sms_screens(corpus: Iterable[dict[str, Any]], per_screen: int = 3) -> list[Screen]:
    """Screens of the labelled bank SMS (`bank_sms_labelled.json` records), grouped by sender
    in their order, at most `per_screen` each, every other screen with the year shown and every
    third drawn in the Ming face."""
    by_sender: dict[str, list[tuple[str, dt.datetime]]] = {}
    for item in corpus:
        received = _received(item)
        by_sender.setdefault(str(item["sender"]), []).append((str(item["body"]), received))
    screens: list[Screen] = []
    for sender, items in by_sender.items():
        items.sort(key=lambda x: x[1])
        for i in range(0, len(items), per_screen):
            group = items[i:i + per_screen]
            if sum(len(b) for b, _ in group) > 330 and len(group) > 1:  # keep it on one screen
                screens.append(sms_screen(sender, group[:1], with_year=len(screens) % 2 == 1,
                                          family=MING if len(screens) % 3 == 2 else FONT))
                group = group[1:]
            screens.append(sms_screen(sender, group, with_year=len(screens) % 2 == 1,
                                      family=MING if len(screens) % 3 == 2 else FONT))
    return screens


# The 3·18 pattern on one victim's phone: the lure by SMS, the code, the debits (sender, body, time)
CASE_SMS: tuple[tuple[str, str, dt.datetime], ...] = (
    ("10690757123456", "【京东】尊敬的客户，您的订单9134567890因系统升级卡单，请点击 jd-tk.vip/r/8LlI1x "
     "办理退款，24小时内有效。", dt.datetime(2015, 3, 18, 20, 44, 5, tzinfo=SH)),
    ("95588", "验证码：836152，您正在使用网银在线快捷支付，金额228,000.00元，请勿泄露。【工商银行】",
     dt.datetime(2015, 3, 18, 20, 59, 31, tzinfo=SH)),
    ("95588", "您尾号6617卡3月18日21:02快捷支付支出(网银在线)228,000元，余额1,523.47元。【工商银行】",
     dt.datetime(2015, 3, 18, 21, 2, 40, tzinfo=SH)),
    ("95588", "您尾号6617卡3月18日21:09快捷支付支出(网银在线)1,500元，余额23.47元。【工商银行】",
     dt.datetime(2015, 3, 18, 21, 9, 2, tzinfo=SH)),
)


def case_screens() -> list[Screen]:
    """The CASE_SMS as a victim screenshots them: the lure's conversation, then the bank's."""
    lure = [(body, t) for sender, body, t in CASE_SMS if sender != "95588"]
    bank = [(body, t) for sender, body, t in CASE_SMS if sender == "95588"]
    return [sms_screen(CASE_SMS[0][0], lure, with_year=True), sms_screen("95588", bank)]


# ---- the fake customer-service chat --------------------------------------------------------------

CHAT_LINKS = (
    "http://www.jd-tuikuan.com/refund/aIl1xQ9Kd2?order=9134567890",
    "https://jdkefu-refund.top/t/Il1lI0O8/pay.html?id=3315",
    "http://jd.tk-kefu.cn/kf/l1Il/index.php?o=9146632871",
    "www.jd-refund.cc/m/refund?uid=0l1I88&o=9138820015",
    "http://jdpay-tuikuan.vip/a/1lIlxx/refund_apply.html",
    "https://refund-jd.xyz/I1l/",
)


def chat_screen(link: str, when: dt.datetime, *, order: str = "9134567890", family: str = FONT) -> Screen:
    """A WeChat-like chat with the fake agent: the link wraps across the bubble's lines."""
    img, d = _canvas((237, 237, 237))
    taken = when + dt.timedelta(minutes=9, seconds=41)
    _status_bar(d, taken)
    _centered(d, "京东商城客服", 130, 50, INK, family)
    d.line((0, 230, WIDTH, 230), fill=(215, 215, 215), width=2)
    avatar = 100
    y = 280
    messages = (
        ("in", f"您好，我是京东商城售后客服，您的订单{order}因系统升级出现卡单，需要为您办理退款。"),
        ("out", "怎么退款？"),
        ("in", f"请点击退款链接填写银行卡信息：{link} 退款将在24小时内原路退回。"),
        ("out", "好的，我填一下"),
        ("in", "稍后系统会发送验证码到您手机上，请把验证码告诉我，以便核实。"),
    )
    _centered(d, _shown(when, True), y, 32, family=family)
    y += 80
    for side, text in messages:
        lines = wrap(text, 46, 640, family)
        if side == "in":
            d.rectangle((30, y, 30 + avatar, y + avatar), fill=(60, 120, 200))
            bottom = _bubble(d, lines, 30 + avatar + 24, y, 46, (255, 255, 255), family=family)
        else:
            d.rectangle((WIDTH - 30 - avatar, y, WIDTH - 30, y + avatar), fill=(200, 160, 90))
            bottom = _bubble(d, lines, WIDTH - 30 - avatar - 24, y, 46, (149, 236, 105), right=True,
                             family=family)
        y = max(bottom, y + avatar) + 50
    d.rectangle((0, HEIGHT - 160, WIDTH, HEIGHT), fill=(246, 246, 246))
    d.rounded_rectangle((140, HEIGHT - 135, WIDTH - 220, HEIGHT - 45), radius=12, fill=(255, 255, 255))
    urls, domains = notices.links(link)
    return Screen(f"Screenshot_{_stamp(taken)}", "chat", img, taken,
                  (Expected(EventKind.PHISHING, domain=domains[0], url=urls[0]),))


def chat_screens(links: Sequence[str] = CHAT_LINKS,
                 start: dt.datetime = dt.datetime(2015, 3, 18, 20, 31, tzinfo=SH)) -> list[Screen]:
    """One chat per link, every other one in the Ming face."""
    return [chat_screen(link, start + dt.timedelta(hours=i, minutes=7 * i), order=str(9134567890 + 7919 * i),
                        family=MING if i % 2 else FONT)
            for i, link in enumerate(links)]


# ---- bank-app transaction lists ------------------------------------------------------------------

Row = tuple[dt.datetime, str, Decimal, Decimal | None]  # time, summary, signed amount, balance

LIST_ROWS: tuple[Row, ...] = (
    (dt.datetime(2015, 3, 18, 21, 2, tzinfo=SH), "快捷支付-网银在线", Decimal("-228000.00"), Decimal("1523.47")),
    (dt.datetime(2015, 3, 18, 20, 58, tzinfo=SH), "快捷支付-网银在线", Decimal("-50000.00"), Decimal("229523.47")),
    (dt.datetime(2015, 3, 18, 20, 51, tzinfo=SH), "网上银行-财付通", Decimal("-9999.00"), Decimal("279523.47")),
    (dt.datetime(2015, 3, 18, 9, 15, tzinfo=SH), "工资 代发", Decimal("8600.00"), Decimal("289522.47")),
    (dt.datetime(2015, 3, 17, 19, 40, tzinfo=SH), "消费-京东商城", Decimal("-599.00"), Decimal("280922.47")),
    (dt.datetime(2015, 3, 16, 12, 3, tzinfo=SH), "转账-张*", Decimal("-1200.00"), Decimal("281521.47")),
)


def _money(value: Decimal, sign: bool = True) -> str:
    text = f"{abs(value):,.2f}"
    return (("-" if value < 0 else "+") + text) if sign else text


def bank_list_screen(layout: str, rows: Sequence[Row] = LIST_ROWS, tail: str = "6617", later: int = 0,
                     family: str = FONT) -> Screen:
    """`layout`: `icbc` (date+time under each summary, balance under each amount), `ccb` (day
    headers, times only), `cmb` (month header, `MM-DD HH:MM` rows, no balance)."""
    img, d = _canvas((245, 245, 245))
    taken = max(r[0] for r in rows) + dt.timedelta(minutes=26 + later, seconds=5)
    _status_bar(d, taken, dark=True)
    color = {"icbc": (200, 22, 30), "ccb": (0, 72, 152), "cmb": (190, 20, 40)}[layout]
    d.rectangle((0, 0, WIDTH, 250), fill=color)
    _status_bar(d, taken, dark=True)
    title = {"icbc": "账户明细", "ccb": "交易明细", "cmb": "收支明细"}[layout]
    _centered(d, title, 130, 52, (255, 255, 255), family)
    d.rectangle((0, 250, WIDTH, 380), fill=(255, 255, 255))
    d.text((50, 285), f"借记卡 尾号{tail}" if layout != "cmb" else f"一卡通 **** {tail}", font=font(42, family),
           fill=INK)
    y = 400
    expected = []
    day = None
    for t, summary, amount, balance in rows:
        t_local = t.astimezone(SH)
        if layout == "ccb" and t_local.date() != day:
            day = t_local.date()
            d.rectangle((0, y, WIDTH, y + 80), fill=(232, 232, 232))
            d.text((50, y + 18), f"{day.year}年{day.month:02d}月{day.day:02d}日", font=font(36, family), fill=GREY)
            y += 80
        if layout == "cmb" and day is None:
            day = t_local.date()
            d.text((50, y + 10), f"{day.year}年{day.month}月", font=font(40, family), fill=GREY)
            y += 80
        d.rectangle((0, y, WIDTH, y + 190), fill=(255, 255, 255))
        d.line((50, y + 189, WIDTH, y + 189), fill=(225, 225, 225), width=2)
        d.text((50, y + 32), summary, font=font(44, family), fill=INK)
        when = {"icbc": f"{t_local:%Y-%m-%d %H:%M}", "ccb": f"{t_local:%H:%M:%S}",
                "cmb": f"{t_local:%m-%d %H:%M}"}[layout]
        d.text((50, y + 112), when, font=font(34, family), fill=GREY)
        red = amount < 0
        d.text((WIDTH - 50, y + 30), _money(amount), font=font(48, family),
               fill=(40, 160, 80) if not red else (220, 40, 40), anchor="ra")
        if balance is not None and layout != "cmb":
            label = "余额 " if layout == "icbc" else "余额:"
            d.text((WIDTH - 50, y + 112), f"{label}{balance:,.2f}", font=font(34, family), fill=GREY, anchor="ra")
        y += 200
        expected.append(Expected(
            EventKind.TRANSACTION, abs(amount), Direction.DEBIT if red else Direction.CREDIT, tail,
            t_local.replace(second=0) if layout != "ccb" else t_local,
            balance=balance if layout != "cmb" else None))
    return Screen(f"Screenshot_{_stamp(taken)}", "bank_list", img, taken, tuple(expected))


def bank_list_screens() -> list[Screen]:
    """The three layouts; the CMB-like one in the Ming face."""
    return [bank_list_screen("icbc"), bank_list_screen("ccb", tail="0933", later=3),
            bank_list_screen("cmb", tail="4420", later=7, family=MING)]


# ---- a photographed police receipt ----------------------------------------------------------------

RECEIPT_LINES = (
    "深圳市公安局龙岗分局同乐派出所",
    "余某某：",
    "你（单位）于2015年3月20日报称的",
    "被网络诈骗一案我所已受理。",
    "受案民警：张某  联系电话：0755-12345678",
    "2015年3月20日",
)


def police_photo(taken: dt.datetime = dt.datetime(2015, 3, 20, 11, 2, 40, tzinfo=SH)) -> Screen:
    """A 4000×3000 camera photo of a receipt on a desk (12 MP: downscaled for detection)."""
    img = Image.new("RGB", (4000, 3000), (96, 80, 66))
    d = ImageDraw.Draw(img)
    d.rectangle((700, 250, 3300, 2800), fill=(248, 246, 238))
    _centered_at(d, "受案回执", 2000, 420, 170)
    for i, line in enumerate(RECEIPT_LINES):
        d.text((850, 800 + i * 260), line, font=font(104, MING), fill=INK)  # printed: a Song/Ming face
    return Screen(f"IMG_{taken:%Y%m%d_%H%M%S}", "police", img, taken, (), hint="police_receipt")


def _centered_at(d: ImageDraw.ImageDraw, text: str, x: int, y: int, size: int) -> None:
    d.text((x, y), text, font=font(size, MING), fill=INK, anchor="ma")

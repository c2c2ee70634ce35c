"""Where a screenshot nobody has read belongs in the evidence list (issue 17).

Without OCR the tool does not know what a screenshot shows, and must not say it does. What it
does know: the app the file name names (Android appends the foreground app's package or label:
`Screenshot_20150318-172857_com.jingdong.app.mall.png`; filenames.py reads it, ColorOS hashes
included) and when it was taken, beside the claimant's fraud call and debits. So a screenshot
goes to the fact group a court expects — a JD app screen with the order, a browser or chat
screen with the phishing link, a banking app's with the debits — or, by its time alone, to the
stage of the fraud it was taken in; and its name always says its content is still to be checked
(`京东App截图（2015-03-18 12:41，内容待核实）`), never what it might show. A screenshot the
timeline cannot place stays in 其他材料, named the same way.

Pure: model values in, a Placed out (the wording is data, templates/<lang>/exhibits.toml).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence

from evidence import spool
from evidence.model import Event, FileKind, SourceFile

# the app a file name names -> (its key in exhibits.toml [shot_app], the fact it goes with);
# first match wins: a browser before chat (com.tencent.mtt is QQ's browser)
_APPS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("jd", "order", re.compile(r"jingdong|\bjd\b|京东", re.I)),
    ("browser", "phishing", re.compile(
        r"browser|chrome|ucmobile|com\.tencent\.mtt|浏览器|safari|firefox|quark", re.I)),
    ("wechat", "phishing", re.compile(r"com\.tencent\.mm$|wechat|weixin|微信", re.I)),
    ("qq", "phishing", re.compile(r"com\.tencent\.(mobileqq|tim)|^qq$", re.I)),
    ("sms", "phishing", re.compile(r"mms|messaging|短信|信息", re.I)),
    ("calls", "calls", re.compile(r"incallui|dialer|contacts|电话|通话", re.I)),
    ("bank", "debits", re.compile(
        r"alipay|支付宝|银行|bank|icbc|chinamworld|cmb\.pb|ecitic|cibmb|spdb|cgbchina|cebbank|"
        r"pingan|psbc|unionpay|云闪付", re.I)),
)
AFTER_DEBITS = dt.timedelta(hours=1)  # a screenshot this soon after the last debit: of the debits
SESSION = dt.timedelta(hours=2)  # the fraud session when no debit followed the call


@dataclasses.dataclass(frozen=True)
class Placed:
    """fact: an exhibits.Fact value; app: its [shot_app] key, "" when placed by time alone."""

    fact: str
    app: str = ""


def app_key(app: str) -> str:
    """The [shot_app] key of an app a file name names ("" unknown)."""
    return next((key for key, _, words in _APPS if app and words.search(app)), "")


def place(file: SourceFile, events: Sequence[Event], first_call: Event | None,
          debits: Sequence[Event]) -> Placed | None:
    """The group of an unread picture: by the app its name names, else by when it was taken
    (during the fraud session: the phishing; from the first debit to an hour after the last:
    the debits); None: nothing known places it."""
    own = [e for e in events if spool.path_of(e) == file.path]
    key = app_key(next((e.details["app"] for e in own if e.details.get("app")), ""))
    if key:
        return Placed(next(fact for k, fact, _ in _APPS if k == key), key)
    if file.kind is not FileKind.SCREENSHOT or not own or first_call is None:
        return None  # a camera photo shows paper or a screen: its time says nothing of which
    taken = min(e.time for e in own)
    hits = sorted(e.time for e in debits if e.time >= first_call.time)
    if hits and hits[0] <= taken <= hits[-1] + AFTER_DEBITS:
        return Placed("debits")
    if first_call.time <= taken < (hits[0] if hits else first_call.time + SESSION):
        return Placed("phishing")
    return None

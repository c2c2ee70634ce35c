"""Is a text the institution's own notice of money moved, or someone else's text imitating one?

Fraud victims' phones hold the fraudsters' messages beside the bank's: fake purchase and fee
notices that ask to call a number, "your membership renews tomorrow" texts, a payer's "I have
sent you 1000 yuan, check it" notice. Counted as debits they would inflate a claim in court, so
the reader decides explicitly, with reasons, before any amount is counted:

* the marks of a lure (templates/banksms/lures.toml): a number to call that is no institution's
  hotline, a debit only threatened for later, a fee or membership pretext, a refund or claim, a
  frozen account, a request to click or reply to cancel, a payer's "check whether it arrived";
* how they combine: one `strong` mark makes a lure; `weak` marks need two of them, or one from a
  personal phone number. A 400/800 number to call is weak (card centres and regional banks give
  such numbers; an unsigned notice naming one is shown for review, not counted); a mobile, a
  landline or a bare local number is strong: no bank asks its customers to call one;
* the result: the reasons, and the phone numbers the text asks to call (evidence for the
  cross-victim analysis). A lure moves no money: shown with its text, counted nowhere.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib

from evidence import template
from evidence.banksms import institutions

PATH = template.TEMPLATES_DIR / "banksms" / "lures.toml"
CALLBACK = "callback_not_hotline"
FEE = "fee_or_membership"


@dataclasses.dataclass(frozen=True)
class Marker:
    name: str
    strong: bool
    pattern: re.Pattern[str]
    why: str


@dataclasses.dataclass(frozen=True)
class Verdict:
    reasons: tuple[str, ...] = ()  # marker names, in the order of lures.toml
    numbers: tuple[str, ...] = ()  # numbers the text asks to call that no institution lists

    @property
    def lure(self) -> bool:
        return bool(self.reasons)


@functools.cache
def markers() -> tuple[Marker, ...]:
    with PATH.open("rb") as f:
        data = tomllib.load(f)
    return tuple(Marker(m["name"], m["strength"] == "strong", re.compile(m["pattern"]), m["why"])
                 for m in data["marker"])


def _digits(number: str) -> str:
    return re.sub(r"[\s\-—－]", "", number)


def judge(s: str, *, personal_sender: bool) -> Verdict:
    """The lure marks found in `s` (the folded text), and whether they make it a lure.

    `personal_sender`: a mobile or landline sent it (a bank's own number can be faked by a 伪基站,
    so the sender never clears a text of its marks).
    """
    strong: list[str] = []
    weak: list[str] = []
    numbers: list[str] = []
    for marker in markers():
        found = False
        service_only = True  # every number found is a 400/800 service number
        for m in marker.pattern.finditer(s):
            if marker.name == CALLBACK:
                number = _digits(m.group("number"))
                if institutions.by_hotline(number) is not None:
                    continue  # the institution's own listed hotline
                numbers.append(number)
                service_only = service_only and number.startswith(("400", "800"))
            found = True
        if not found:
            continue
        # card centres and regional banks do give 400 numbers (a 400 number alone leaves an unsigned
        # notice to review, notices.py); no bank asks to call a mobile, a landline or a local number
        if marker.strong and not (marker.name == CALLBACK and service_only):
            strong.append(marker.name)
        else:
            weak.append(marker.name)
    if set(weak) == {FEE, CALLBACK} and not personal_sender:
        # a fee taken, with a 400 number to ask about it, is how card centres write a real annual-fee
        # notice (扣收年费200元，如需减免请致电400…): a lure needs more (a threat, a refund, a cancel)
        weak = []
    if strong or len(weak) >= 2 or (weak and personal_sender):
        order = [m.name for m in markers()]
        return Verdict(tuple(sorted({*strong, *weak}, key=order.index)), tuple(dict.fromkeys(numbers)))
    return Verdict()

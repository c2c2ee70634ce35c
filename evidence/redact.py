"""Masking personal numbers in generated text for service copies (FRCP 5.2 style).

What is masked (rules in templates/redaction.toml): 居民身份证 numbers (keep first 6, last 4),
bank card numbers (keep last 4) and the claimants' own phone numbers (keep first 3, last 4).
Fraudsters' numbers, amounts, dates, order ids and hashes are evidence and stay as they are.

Matching happens on an NFKC-normalised copy (full-width digits, ideographic spaces), the mask is
applied to the original string, so untouched text keeps its exact characters. Digits count
through separators: "6222 0212 3456 7890 123" and "１３８－１２３４－５６７８" are one number each.
Images and merged PDFs cannot be masked here; the caller lists them for manual review.

issue 23: the claimants' *own* numbers (victim.toml) are also found as digit sequences with any
separators between the digits — dots, underscores, brackets, dashes, spaces, zero-width and
direction marks — and wherever they stand, glued to letters included (`deadbeef13919437971`).
A run that is both a plausible ID and a plausible card keeps only what both rules keep (the
last four). Callers clip text only where `safe_cut` says, so no number is ever cut in half
before it is masked.

issue 17: with `mask_third_parties = true` (templates/redaction.toml) the service copy also masks
the numbers of the other people in the claimant's calls and messages — family, contacts — like
the claimant's own phone. The numbers that are the case's evidence stay: those that rang after
the order and sent the links and codes (the timeline's `numbers`), and those a lure asked to
call. Institutions' short codes and 400/800 numbers are never personal and are not masked.
"""

from __future__ import annotations

import calendar
import dataclasses
import enum
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from evidence import phones, template
from evidence.model import Event, Victim

RULES_FILE = template.TEMPLATES_DIR / "redaction.toml"

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

# Characters that do not show, or show as nothing, between two digits (issue 23).
_INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
# A run of digit groups joined by single separators; matched on the NFKC copy.
_SEP = (rf"(?:[ \t\u00a0{_INVISIBLE}]{{1,3}}|[ {_INVISIBLE}]?[-‐‑‒–—._][ {_INVISIBLE}]?"
        rf"|[{_INVISIBLE}]+)")
# Anything that may stand between the digits of a claimant's own number (at most a few).
_GAP = rf"[\s._\-‐‑‒–—−/\\()\[\]·,:;'\"*#{_INVISIBLE}]"
_LOOSE = re.compile(rf"[0-9](?:{_GAP}{{0,4}}[0-9])*(?:{_GAP}{{0,4}}[Xx])?")
KNOWN_MIN = 11  # own numbers this long are matched anywhere; shorter ones as whole runs
# A part of an own number this long is masked too (a number cut short by a phone's contact list
# or another program). Shorter parts are not: 7 digits of a mobile number are its area prefix,
# shared with the fraudsters' numbers that are evidence.
PARTIAL = 8
_RUN = re.compile(rf"(?<![0-9])\+?[0-9]+(?:{_SEP}[0-9]+)*(?:[Xx](?![0-9A-Za-z]))?(?![0-9])")
_GROUP = re.compile(r"[0-9]+[Xx]?")
# Hex digests (SHA-256, MD5) are identifiers of evidence, never personal numbers.
_HEX = re.compile(r"(?<![0-9A-Za-z])(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{16,}(?![0-9A-Za-z])")
# issue 23: only a run of a digest's length is a digest (MD5, SHA-1, SHA-224, SHA-256, SHA-384,
# SHA-512); hex letters glued to a part of an own number (deadbeef13919437) are no digest.
DIGEST_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
_NOT_TEXT = frozenset({"sha256", "abspath", "folder", "victim_toml_sha256", "template_sha256", "fingerprint"})
_MAX_GROUPS = 12  # longer runs are tables of numbers; split them into windows of this size


@dataclasses.dataclass(frozen=True)
class Rules:
    mask: str = "*"
    id_keep: tuple[int, int] = (6, 4)
    id_old_15: bool = True
    card_keep: tuple[int, int] = (0, 4)
    card_digits: tuple[int, int] = (16, 19)
    bin_prefixes: tuple[str, ...] = ("62", "60", "4", "51", "52", "53", "54", "55", "35", "37")
    phone_keep: tuple[int, int] = (3, 4)
    mask_third_parties: bool = False  # issue 17: family/contacts' numbers too (not the evidence)


def load_rules(path: Path | None = None) -> Rules:
    """Rules from templates/redaction.toml, or a lawyer's copy of it."""
    with (path or RULES_FILE).open("rb") as f:
        data = tomllib.load(f)
    ids, card, phone = data.get("id_number", {}), data.get("card", {}), data.get("phone", {})
    base = Rules()
    return Rules(
        mask=str(data.get("mask", base.mask))[:1] or base.mask,
        id_keep=(int(ids.get("keep_first", 6)), int(ids.get("keep_last", 4))),
        id_old_15=bool(ids.get("old_15_digit", True)),
        card_keep=(int(card.get("keep_first", 0)), int(card.get("keep_last", 4))),
        card_digits=(int(card.get("min_digits", 16)), int(card.get("max_digits", 19))),
        bin_prefixes=tuple(str(p) for p in card.get("bin_prefixes", base.bin_prefixes)),
        phone_keep=(int(phone.get("keep_first", 3)), int(phone.get("keep_last", 4))),
        mask_third_parties=bool(data.get("mask_third_parties", False)),
    )


_PERSONAL = re.compile(r"1[3-9][0-9]{9}|0[1-9][0-9]{8,10}")  # a mobile or a landline with its area code


def third_party_numbers(events: Iterable[Event], evidence: Iterable[str]) -> tuple[str, ...]:
    """issue 17: the personal numbers in a claimant's calls and messages that are not the case's
    evidence (`evidence`: the timeline's fraud numbers), nor a number a lure asked to call."""
    keep = {phones.normalize(n) for n in evidence if n}
    seen = list(events)
    for e in seen:
        if e.details.get("lure"):
            keep.update(phones.normalize(n) for n in e.details.get("lure_numbers", "").split())
    out: dict[str, None] = {}
    for e in seen:
        number = phones.normalize(e.counterparty or "")
        if _PERSONAL.fullmatch(number) and number not in keep:
            out[number] = None
    return tuple(sorted(out))


@dataclasses.dataclass(frozen=True)
class Finding:
    kind: str  # "id_number" | "card" | "phone"
    start: int  # offsets in the original string
    end: int
    prefix: int = 0  # leading significant characters kept as they are (+86 of a phone)
    hidden: tuple[int, ...] = ()  # issue 23: a part of an own number: exactly these are masked


# ---- number checks ------------------------------------------------------------------------


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def _plausible_birth(year: int, month: int, day: int) -> bool:
    return 1850 <= year <= 2099 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def is_id18(s: str) -> bool:
    s = s.upper()
    if not re.fullmatch(r"[1-9][0-9]{16}[0-9X]", s):
        return False
    if not _plausible_birth(int(s[6:10]), int(s[10:12]), int(s[12:14])):
        return False
    return id_check_char(s[:17]) == s[17]


def is_id15(s: str) -> bool:
    if not re.fullmatch(r"[1-9][0-9]{14}", s):
        return False
    return _plausible_birth(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]))


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _digits(raw: str) -> str:
    s = unicodedata.normalize("NFKC", raw or "")
    return "".join(c for c in s if c.isdigit() or c in "Xx").upper()


# ---- the redactor -------------------------------------------------------------------------


class Redactor:
    """Masks ID, card and claimant phone numbers in text and in JSON-like data.

    `phones`, `ids`, `cards`: the claimants' own numbers (always masked, in any format);
    `keep`: numbers never masked (the claimants' order ids).
    """

    def __init__(self, rules: Rules | None = None, *, phones_: Iterable[str] = (),
                 ids: Iterable[str] = (), cards: Iterable[str] = (), keep: Iterable[str] = (),
                 third_parties: Iterable[str] = ()) -> None:
        self.rules = rules or load_rules()
        self._ids = {d for d in map(_digits, ids) if len(d) >= 15}
        self._cards = {d for d in map(_digits, cards) if len(d) >= 12}
        self._keep = {d for d in map(_digits, keep) if d}
        # A claimant's number as it may be written: national, 86…, 0086…, 86 without trunk 0.
        self._phones: dict[str, int] = {}
        self._known: list[tuple[str, str, int]] = []  # (digits, kind, prefix), longest first
        for raw in phones_:
            national = phones.normalize(raw)
            if not re.fullmatch(r"[0-9]{7,12}", national):
                continue
            self._phones[national] = 0
            for cc in ("86", "0086"):
                self._phones[cc + national] = len(cc)
                if national.startswith("0"):
                    self._phones[cc + national[1:]] = len(cc)
        known = [(d, "id_number", 0) for d in self._ids] + [(d, "card", 0) for d in self._cards]
        known += [(d, "phone", p) for d, p in self._phones.items()]
        # issue 17: other people's numbers, whole (no parts: a part may be a fraud number's too)
        others: list[tuple[str, str, int]] = []
        if self.rules.mask_third_parties:
            for raw in third_parties:
                national = phones.normalize(raw)
                if _PERSONAL.fullmatch(national) and national not in self._phones:
                    others += [(national, "phone", 0), ("86" + national.lstrip("0"), "phone", 2),
                               ("0086" + national.lstrip("0"), "phone", 4)]
        self._known = sorted((k for k in known if len(k[0]) >= KNOWN_MIN),
                             key=lambda k: (-len(k[0]), k))
        mine = list(self._known)
        self._known = sorted([*mine, *(k for k in others if len(k[0]) >= 10)],
                             key=lambda k: (-len(k[0]), k))
        # issue 23: every PARTIAL-digit window of an own number, to find it cut short
        self._windows: dict[str, list[tuple[str, str, int]]] = {}
        for digits, kind, prefix in mine:
            if prefix:
                continue  # +86… forms: their national number has the same windows
            for i in range(len(digits) - PARTIAL + 1):
                self._windows.setdefault(digits[i:i + PARTIAL], []).append((digits, kind, i))

    @classmethod
    def for_victim(cls, victim: Victim, rules: Rules | None = None) -> Redactor:
        return cls.for_victims([victim], rules)

    @classmethod
    def for_victims(cls, victims: Iterable[Victim], rules: Rules | None = None, *,
                    third_parties: Iterable[str] = ()) -> Redactor:
        people = list(victims)
        return cls(
            rules, third_parties=third_parties,
            phones_=[v.phone for v in people if v.phone],
            ids=[v.id_number for v in people if v.id_number],
            cards=[c for v in people for c in v.cards],
            keep=[o.id for v in people for o in v.orders],
        )

    # -- public API --

    def text(self, s: str) -> str:
        found = self.find(s)
        if not found:
            return s
        out = list(s)
        for f in found:
            if f.hidden:
                for i in f.hidden:
                    out[i] = self.rules.mask
                continue
            keep_first, keep_last = self._keep_counts(f.kind)
            sig = [i for i in range(f.start, f.end) if _digits(s[i])]
            sig = sig[f.prefix:]
            hidden = sig[keep_first:len(sig) - keep_last] if keep_last else sig[keep_first:]
            if not hidden:  # rules keep every digit: still hide one, never show a number whole
                hidden = sig[len(sig) // 2:len(sig) // 2 + 1]
            for i in hidden:
                out[i] = self.rules.mask
        return "".join(out)

    def json(self, obj: Any) -> Any:
        """The same data with every string (keys included) passed through `text`."""
        if isinstance(obj, str):
            return self.text(obj)
        if isinstance(obj, Mapping):
            return {(self.text(k) if isinstance(k, str) else k): self.json(v) for k, v in obj.items()}
        if isinstance(obj, list | tuple):
            return [self.json(v) for v in obj]
        return obj

    def model(self, obj: Any, _memo: dict[int, Any] | None = None) -> Any:
        """A redacted copy of model values (Plan, Victim, Event, SourceFile… as dataclasses).

        Every str field, mapping key and element is masked; enums, numbers, dates, paths on disk
        (`abspath`) and digests are left alone, so a renderer fed the copy reads the same files
        but can only print masked text. An object met twice becomes one copy, so identity
        (`row.event is summary.first_call`) survives.
        """
        if isinstance(obj, enum.Enum):
            return obj
        if isinstance(obj, str):
            return self.text(obj)
        memo: dict[int, Any] = {} if _memo is None else _memo
        key = id(obj)
        if key in memo:
            return memo[key][1]
        out = self._model(obj, memo)
        memo[key] = (obj, out)  # the original kept alive so its id is not reused meanwhile
        return out

    def _model(self, obj: Any, memo: dict[int, Any]) -> Any:
        if isinstance(obj, Mapping):
            return {(self.text(k) if isinstance(k, str) and not isinstance(k, enum.Enum) else k):
                    self.model(v, memo) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.model(v, memo) for v in obj]
        if isinstance(obj, tuple):
            items = [self.model(v, memo) for v in obj]
            return type(obj)(*items) if hasattr(obj, "_fields") else tuple(items)
        if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
            return obj
        changes = {}
        for field in dataclasses.fields(obj):
            if field.name in _NOT_TEXT or not field.init:
                continue
            value = getattr(obj, field.name)
            new = self.model(value, memo)
            if new is not value:
                changes[field.name] = new
        return dataclasses.replace(obj, **changes) if changes else obj

    def find(self, s: str) -> list[Finding]:
        if not s or not any(c.isdigit() for c in s):
            return []
        norm, index = _normalise(s)
        found = self._find_generic(norm, index)
        if self._known:
            found.extend(self._find_known(norm, index))
        return found

    def _find_known(self, norm: str, index: list[int]) -> list[Finding]:
        """issue 23: the claimants' own numbers, digit by digit through any separators."""
        found: list[Finding] = []
        hexes = [(m.start(), m.end()) for m in _HEX.finditer(norm) if m.end() - m.start() in DIGEST_LENGTHS]
        for run in _LOOSE.finditer(norm):
            spots = [run.start() + i for i, c in enumerate(run.group()) if c.isdigit() or c in "Xx"]
            if len(spots) < PARTIAL:
                continue
            digits = "".join(norm[i] for i in spots).upper()
            whole: set[int] = set()  # not for _partial: whole own numbers (their rule decides)
            for known, kind, prefix in self._known:
                at = digits.find(known)
                while at >= 0:
                    found.append(Finding(kind, index[spots[at]], index[spots[at + len(known) - 1]] + 1,
                                         prefix))
                    whole.update(range(at, at + len(known)))
                    at = digits.find(known, at + 1)
            # a part of a number inside a digest is chance (8 digits: 1 in 4 billion per spot,
            # but a case prints thousands of SHA-256s); a whole own number is masked even there,
            # and a part glued to hex letters in a run of no digest's length is masked too
            if hexes:
                whole.update(k for k, i in enumerate(spots) if any(a <= i < b for a, b in hexes))
            found.extend(self._partial(digits, [index[i] for i in spots], whole))
        return found

    def _partial(self, digits: str, where: list[int], whole: set[int]) -> list[Finding]:
        """Digits of an own number seen PARTIAL or more in a row (not within a whole one):
        masked as that number's rule masks them (its kept first and last digits stay).

        Only a number cut short counts: the run starts where the number starts (a contact list
        or a summary that cut its end) or ends where it ends (one that cut its start). Eight of
        a card's digits in the middle of a date, a time or a serial (2010-02-12 02:00:00 against
        a card holding 0212 0200) are chance, not the number."""
        hidden: dict[int, str] = {}
        for at in range(len(digits) - PARTIAL + 1):
            if whole and any(at + k in whole for k in range(PARTIAL)):
                continue
            for known, kind, offset in self._windows.get(digits[at:at + PARTIAL], ()):
                starts = offset == at and known.startswith(digits[:at + PARTIAL])
                ends = len(known) - offset == len(digits) - at and known.endswith(digits[at:])
                if not (starts or ends):
                    continue
                keep_first, keep_last = self._keep_counts(kind)
                for k in range(PARTIAL):
                    pos = offset + k  # position in the known number
                    if keep_first <= pos < len(known) - keep_last:
                        hidden[where[at + k]] = kind
        if not hidden:
            return []
        kind = next(iter(hidden.values()))
        return [Finding(kind, min(hidden), max(hidden) + 1, hidden=tuple(sorted(hidden)))]

    def _find_generic(self, norm: str, index: list[int]) -> list[Finding]:
        protected = [(m.start(), m.end()) for m in _HEX.finditer(norm)]
        found: list[Finding] = []
        for run in _RUN.finditer(norm):
            segment: list[tuple[str, int, int]] = []
            for g in _GROUP.finditer(run.group()):
                start = run.start() + g.start()
                if any(a <= start < b for a, b in protected):  # a digest splits the run
                    found.extend(self._scan_groups(segment, index))
                    segment = []
                else:
                    segment.append((g.group().upper(), start, run.start() + g.end()))
            found.extend(self._scan_groups(segment, index))
        return found

    # -- internals --

    def _keep_counts(self, kind: str) -> tuple[int, int]:
        return {"id_number": self.rules.id_keep, "card": self.rules.card_keep}.get(kind, self.rules.phone_keep)

    def _scan_groups(self, groups: list[tuple[str, int, int]], index: list[int]) -> list[Finding]:
        found: list[Finding] = []
        i = 0
        while i < len(groups):
            for j in range(min(len(groups), i + _MAX_GROUPS) - 1, i - 1, -1):
                part = groups[i:j + 1]
                hit = self._classify([g for g, _, _ in part])
                if hit is not None:
                    kind, prefix = hit
                    found.append(Finding(kind, index[part[0][1]], index[part[-1][2] - 1] + 1, prefix))
                    i = j + 1
                    break
            else:
                i += 1
        return found

    def _classify(self, groups: list[str]) -> tuple[str, int] | None:
        d = "".join(groups)
        if "X" in d[:-1]:
            return None
        if d in self._ids:
            return "id_number", 0
        if d in self._cards:
            return "card", 0
        if d in self._phones:
            return "phone", self._phones[d]
        if d in self._keep:
            return None
        lo, hi = self.rules.card_digits
        card = False
        if d.isdigit() and lo <= len(d) <= hi and _card_grouping(groups):
            four = len(groups) >= 4 and all(len(g) == 4 for g in groups[:-1]) and len(groups[-1]) <= 4
            card = luhn_ok(d) or (four and d.startswith(self.rules.bin_prefixes))
        id18 = len(d) == 18 and is_id18(d)
        # issue 23: a card that also reads as an ID (621700185007010155, BIN 621700) is a card
        # and keeps its last four; an ID of an area that is no card prefix stays an ID
        if card and (not id18 or d.startswith(self.rules.bin_prefixes)):
            return "card", 0
        if id18:
            return "id_number", 0
        if len(d) == 15 and self.rules.id_old_15 and is_id15(d):
            return "id_number", 0
        return None


def safe_cut(text: str, n: int) -> int:
    """issue 23: where `text` may be cut to at most `n` characters without splitting a number.

    A cut inside a run of digits (separators included) moves back to before the run, so a
    number is shown whole — and masked whole later — or not at all.
    """
    if len(text) <= n:
        return len(text)
    plain = "".join(_one_char(c) for c in text[:n + 200])  # full-width digits are digits
    for run in _LOOSE.finditer(plain):
        if run.start() < n < run.end():
            return run.start()
    return n


def _one_char(c: str) -> str:
    """`c` as NFKC writes it when that is one character (１ -> 1, （ -> (), else `c`."""
    if c < "\x80":
        return c
    n = unicodedata.normalize("NFKC", c)
    return n if len(n) == 1 else c


def clip(text: str, n: int) -> str:
    """One line of at most `n` characters ending in … when shortened, never inside a number."""
    one_line = " ".join(text.split())
    if len(one_line) <= n:
        return one_line
    return one_line[:safe_cut(one_line, n - 1)].rstrip() + "…"


def _card_grouping(groups: list[str]) -> bool:
    """How cards are written: one block, blocks of four, or BIN (6) + the rest."""
    if len(groups) == 1:
        return True
    if all(len(g) == 4 for g in groups[:-1]) and 1 <= len(groups[-1]) <= 4:
        return True
    return len(groups) == 2 and len(groups[0]) == 6


def _normalise(s: str) -> tuple[str, list[int]]:
    """NFKC copy of `s` and, for each of its characters, the index of the original one."""
    chars: list[str] = []
    index: list[int] = []
    for i, c in enumerate(s):
        n = c if c < "\x80" else unicodedata.normalize("NFKC", c)
        chars.append(n)
        index.extend([i] * len(n))
    return "".join(chars), index

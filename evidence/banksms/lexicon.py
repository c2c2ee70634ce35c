"""The lexicon of templates/banksms/lexicon.toml, compiled once per process."""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from typing import Any

from evidence import template

PATH = template.TEMPLATES_DIR / "banksms" / "lexicon.toml"
TRADITIONAL = template.TEMPLATES_DIR / "banksms" / "traditional.tsv"
RANKS = ("return", "voice", "party", "strong", "weak")  # direction steps, strongest first
# a no-money phrase's rank -> where it must stand to block the amount
SCOPES = {"hard": "message", "sentence": "sentence", "clause": "clause"}
UNMASKED = frozenset({"party"})  # ranks matched on the text as written (role labels are their words)
NAME = "name"  # words that hold a verb but are names (支付宝): a verb inside them is not read


@dataclasses.dataclass(frozen=True)
class NoMoney:
    category: str  # failed, installment, statement, credit_limit, reminder, promo, other
    scope: str  # where it must stand: "message" (failed), "sentence" or "clause" (the amount's own)
    pattern: re.Pattern[str]
    unless_before: re.Pattern[str] | None
    unless_within: re.Pattern[str] | None  # the phrase does not apply where these words stand in its scope
    why: str
    # where unless_within is looked for, when wider than the phrase's own scope: 本期应还X元，已从尾号…
    # 扣款 - the due figure's clause says it is due, the next clause that it was taken
    unless_scope: str | None = None


@dataclasses.dataclass(frozen=True)
class Phrase:
    direction: str  # "in" | "out" | "none" (names)
    rank: str  # one of RANKS
    pattern: re.Pattern[str]
    why: str


@dataclasses.dataclass(frozen=True)
class Lexicon:
    no_money: tuple[NoMoney, ...]
    phrases: tuple[Phrase, ...]
    roles: re.Pattern[str]
    boilerplate: re.Pattern[str]
    credit_card: re.Pattern[str]


def _load(data: dict[str, Any]) -> Lexicon:
    no_money = tuple(
        NoMoney(e["category"], SCOPES[e["rank"]], re.compile(e["pattern"]),
                re.compile(f"(?:{e['unless_before']})[^。,;!?]{{0,8}}$") if e.get("unless_before") else None,
                re.compile(e["unless_within"]) if e.get("unless_within") else None,
                e["why"], SCOPES[e["unless_in"]] if e.get("unless_in") else None)
        for e in data["no_money"])
    phrases = tuple(Phrase(e["dir"], e["rank"], re.compile(e["pattern"]), e["why"]) for e in data["phrase"])
    for p in phrases:
        if (p.direction, p.rank) != ("none", NAME) and (p.direction not in ("in", "out") or p.rank not in RANKS):
            raise ValueError(f"{PATH}: bad phrase entry {p.pattern.pattern!r}")
    return Lexicon(no_money, phrases, re.compile(data["roles"]["pattern"]), re.compile(data["boilerplate"]["pattern"]),
                   re.compile(data["credit_card"]["pattern"]))


@functools.cache
def get() -> Lexicon:
    with PATH.open("rb") as f:
        return _load(tomllib.load(f))


@functools.cache
def traditional() -> dict[int, str]:
    """Traditional -> Simplified characters (templates/banksms/traditional.tsv), for str.translate:
    the reader folds 帳戶/轉帳/餘額/匯款 for matching; quotes keep what the bank wrote."""
    table: dict[int, str] = {}
    for line in TRADITIONAL.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            trad, simp = line.split("\t")
            table[ord(trad)] = simp
    return table

"""cnprefixes gives exactly phonenumbers' geocoder and carrier answers, without their data.

The library's own answers are the reference (its geocoder loaded here, in the test process).
The numbers: each +86 prefix of its geodata and carrier data, expanded to numbers of the lengths
Chinese numbers have (mobile, fixed line, valid or not); plus foreign, invalid and service
numbers through `phones`. Here a sample of the prefixes (the fixed lines' and the short ones,
every 40th of the others); bench/cnprefixes_proof.py runs every prefix.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import phonenumbers
import pytest
from phonenumbers import PhoneNumberType, carrier, geocoder
from phonenumbers.carrierdata import CARRIER_DATA
from phonenumbers.geodata import GEOCODE_DATA

from evidence import cnprefixes, phones

REPO = Path(__file__).resolve().parents[1]
FILLS = ("0000000000", "5555555555", "8888888888", "2345678901")


def prefixes() -> list[str]:
    """Every prefix of the library's data a +86 number can match, geodata and carrier."""
    return sorted({p for data in (GEOCODE_DATA, CARRIER_DATA) for p in data
                   if p.startswith("86") or "86".startswith(p)})


def numbers_of(prefix: str) -> Iterator[phonenumbers.PhoneNumber]:
    """The prefix's national digits completed to 10 and 11 digits (fixed lines have both,
    mobiles 11) in a few ways: some valid, some not, all parsed as the tool parses them."""
    national = prefix[2:]
    for length in (10, 11):
        for fill in FILLS:
            yield phonenumbers.parse((national + fill)[:length], "CN")


def mismatches(sample: Iterable[str]) -> tuple[list[str], Counter[str]]:
    """(each number and language where cnprefixes and the library disagree, how many numbers
    of each type were compared)."""
    wrong, kinds = [], Counter[str]()
    for prefix in sample:
        for number in numbers_of(prefix):
            kinds[_kind(number)] += 1
            for lang in cnprefixes.LANGS:
                ours = cnprefixes.place_and_carrier(number, lang)
                library = (geocoder.description_for_number(number, lang),
                           carrier.name_for_number(number, lang))
                if ours != library:
                    wrong.append(f"{prefix} {number.national_number} {lang}: {ours} != {library}")
    return wrong, kinds


def _kind(number: phonenumbers.PhoneNumber) -> str:
    kind = phonenumbers.number_type(number)
    names = {v: k for k, v in vars(PhoneNumberType).items() if isinstance(v, int)}
    return names.get(kind, str(kind))


def test_the_tables_come_from_the_installed_library() -> None:
    tables = cnprefixes.tables()
    assert tables is not None  # else every +86 number would load the whole geocoder again
    geo_zh = [p for p, names in GEOCODE_DATA.items() if p.startswith("86") and "zh" in names]
    assert len(tables.places["zh"].keys) == len(geo_zh) > 100_000
    assert tables.country == {"zh": "中国", "en": "China"}


def test_same_answers_as_the_library_on_a_sample_of_every_prefix() -> None:
    every = prefixes()  # 130k, of which ~370 fixed-line area codes (86 + not 1)
    sample = [p for at, p in enumerate(every)
              if not p.startswith("861") or len(p) < 8 or at % 40 == 0
              or set(GEOCODE_DATA.get(p, cnprefixes.LANGS)) < set(cnprefixes.LANGS)]  # a name missing
    wrong, kinds = mismatches(sample)
    assert wrong == []
    # the sample reaches each kind of Chinese number: mobile, fixed line, not valid
    assert kinds["MOBILE"] > 10_000 and kinds["FIXED_LINE"] > 1_000, kinds
    assert kinds["UNKNOWN"] > 1_000, kinds


def _library_attribute(raw: str, lang: str) -> str | None:
    """phones.attribute as it was before cnprefixes: the library's geocoder for every number."""
    fixed, key = phones._classify(raw, lang)
    if key is None:
        return fixed
    loc, _, digits = key.partition("|")
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    parts = (geocoder.description_for_number(parsed, loc), carrier.name_for_number(parsed, loc))
    return " ".join(part for part in parts if part) or None


@pytest.mark.parametrize("raw", [
    # Chinese mobiles and fixed lines, written the ways messages and call logs write them
    "13757123456", "+86 137 5712 3456", "19912345678", "16612345678", "17012345678",
    "14512345678", "057187654321", "+86 571 8765 4321", "01087654321", "0085287654321",
    # foreign: the library's geocoder
    "+14155550123", "+442083612345", "+85223456789", "+886212345678", "+85361234567",
    "+819012345678", "+4915123456789", "+12025550123", "0012025550123",
    # service and short numbers, SP senders, 400/800 numbers
    "95588", "10086", "12345", "110", "106980095533", "1069012345678", "4006001234",
    "8008101234", "12306", "95017",
    # invalid
    "12345678901", "10012345678", "0571123", "99999999999", "+86123", "+999123456",
    "", "group_8@rcs.google.com",
])
@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_attribution_is_what_the_library_answered(raw: str, lang: str) -> None:
    assert phones.attribute(raw, lang) == _library_attribute(raw, lang)


def test_a_process_attributing_chinese_numbers_does_not_load_the_world_s_geodata() -> None:
    """The point of cnprefixes (≈100 MB, issue 23): only a foreign number loads the library's
    geocoder; a process that attributes nothing derives nothing."""
    script = """
import sys
from evidence import cnprefixes, phones
phones.normalize("+86 137 5712 3456")
print(cnprefixes.tables.cache_info().currsize, "phonenumbers.geodata" in sys.modules)
for number in ("13757123456", "057187654321", "19912345678"):
    phones.attribute(number), phones.attribute(number, "en")
print(cnprefixes.tables.cache_info().currsize, "phonenumbers.geodata" in sys.modules)
phones.attribute("+14155550123")
print("phonenumbers.geodata" in sys.modules)
"""
    run = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True,
                         text=True, check=True)
    assert run.stdout.split("\n") == ["0 False", "1 False", "True", ""]

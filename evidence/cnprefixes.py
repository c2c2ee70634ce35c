"""归属地 and carrier of +86 numbers from a compact copy of phonenumbers' own prefix data.

`from phonenumbers import geocoder` loads every country's places in every language: ≈100 MB
in each process that attributes a number, a fifth of the 500 MB a 260 MB build may use
(issue 23). A case asks about Chinese numbers, in zh and en. So the +86 prefixes' zh and en
names are copied at run time from the installed library's own data files (never a table of
ours that could drift from it), each file executed on its own and dropped before the next:
~3 MB of tables stays. Any other number goes to the library's geocoder (`phones._geocode`).
tests/test_cnprefixes.py compares the two on every kind of +86 number, and
bench/cnprefixes_proof.py on every prefix the library has.
"""

from __future__ import annotations

import array
import bisect
import dataclasses
import functools
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberType, phonenumberutil

COUNTRY = 86
LANGS = ("zh", "en")  # the only two phones._classify asks for
# The number types carrier.name_for_number answers for (phonenumbers.carrier._is_mobile).
CARRIER_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE, PhoneNumberType.PAGER)


@dataclasses.dataclass(frozen=True)
class Prefixes:
    """One language's names by number prefix (E.164 digits after the +), the longest prefix
    winning as in phonenumbers.prefix. Prefixes are kept as sorted integers, not a dict of
    strings (~11 MB a language): every one starts with 8, so no two lengths share a value."""

    keys: array.array[int]
    name_at: array.array[int]
    names: tuple[str, ...]
    longest: int

    def lookup(self, digits: str) -> str:
        for length in range(min(self.longest, len(digits)), 0, -1):
            key = int(digits[:length])
            at = bisect.bisect_left(self.keys, key)
            if at < len(self.keys) and self.keys[at] == key:
                return self.names[self.name_at[at]]
        return ""


@dataclasses.dataclass(frozen=True)
class Tables:
    places: dict[str, Prefixes]  # by language, from phonenumbers.geodata
    carriers: dict[str, Prefixes]  # from phonenumbers.carrierdata
    country: dict[str, str]  # the country's name, geodata.locale's, for a number with no place


def place_and_carrier(number: phonenumbers.PhoneNumber, lang: str) -> tuple[str, str] | None:
    """`geocoder.description_for_number(number, lang)` and `carrier.name_for_number(number,
    lang)` for a +86 number in zh or en; None for any other, or when the library's data is not
    laid out as this module reads it (then ask the library)."""
    if number.country_code != COUNTRY or lang not in LANGS:
        return None
    found = tables()
    if found is None:
        return None
    kind = phonenumberutil.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        return "", ""
    digits = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    place = ""
    if phonenumberutil.is_number_type_geographical(kind, COUNTRY):
        place = found.places[lang].lookup(digits)
    operator = found.carriers[lang].lookup(digits) if kind in CARRIER_TYPES else ""
    return place or found.country[lang], operator


@functools.cache  # built by the first +86 attribution of a process (or preload before a fork)
def tables() -> Tables | None:
    # The geocoder's shortcuts this module does not take: a mobile token stripped before the
    # lookup, a country code shared by several regions.
    if (phonenumberutil.country_mobile_token(COUNTRY)
            or phonenumbers.region_codes_for_country_code(COUNTRY) != ("CN",)):
        return None
    try:
        places = _prefixes("phonenumbers.geodata")
        carriers = _prefixes("phonenumbers.carrierdata")
        locale = _execute("phonenumbers.geodata", _folder("phonenumbers.geodata") / "locale.py")
        country = _country_names(locale.LOCALE_DATA["CN"])
    except (ImportError, OSError, AttributeError, KeyError, TypeError, ValueError):
        return None
    if not all(places[lang].keys for lang in LANGS):  # files not found where they were
        return None
    return Tables(places, carriers, country)


def _prefixes(package: str) -> dict[str, Prefixes]:
    """Every +86 prefix of a phonenumbers prefix-data package (`data` of its data*.py:
    prefix -> {language: name}), by language."""
    found: dict[str, dict[int, str]] = {lang: {} for lang in LANGS}
    for data in _data_dicts(package):
        for prefix, by_lang in data.items():
            if prefix.startswith(str(COUNTRY)) or str(COUNTRY).startswith(prefix):
                for lang in LANGS:
                    if lang in by_lang:  # else the library tries a shorter prefix too
                        found[lang][int(prefix)] = by_lang[lang]
    return {lang: _compact(names) for lang, names in found.items()}


def _compact(names: dict[int, str]) -> Prefixes:
    keys = sorted(names)
    distinct = sorted(set(names.values()))
    index = {name: at for at, name in enumerate(distinct)}
    return Prefixes(array.array("Q", keys), array.array("I", (index[names[k]] for k in keys)),
                    tuple(distinct), max((len(str(k)) for k in keys), default=0))


def _country_names(by_lang: dict[str, str]) -> dict[str, str]:
    """As geocoder._region_display_name reads them: `*xx` means "the name in language xx"."""
    names = {}
    for lang in LANGS:
        name = by_lang.get(lang, "")
        names[lang] = by_lang.get(name[1:], "") if name.startswith("*") else name
    return names


def _data_dicts(package: str) -> Iterator[dict[str, dict[str, str]]]:
    for path in sorted(_folder(package).glob("data*.py")):
        yield _execute(package, path).data


def _folder(package: str) -> Path:
    spec = importlib.util.find_spec(package)  # imports phonenumbers, not the package itself
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(package)
    return Path(spec.submodule_search_locations[0])


def _execute(package: str, path: Path) -> Any:
    """A module of a phonenumbers data package, run on its own and not kept in sys.modules:
    importing it the usual way would run the package's __init__, which loads all of them."""
    spec = importlib.util.spec_from_file_location(f"{package}.{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

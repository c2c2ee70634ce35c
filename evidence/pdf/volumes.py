"""Volumes of the joint bundle (issue 18): which parts go into which file, within a page and a
byte limit (e-filing systems cap a file's size; a lever-arch file holds about 300 sheets).

Planned from the parts' page counts and file sizes before anything is written. A volume is
cut only between parts (the front matter, one claimant's dossier); a part bigger than the
limit on its own gets a volume to itself, which is then over the limit (the caller says so).
The first volume always starts with the front matter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

# What a volume adds to its parts' bytes: the cover (its font subset), the stamps' glyph forms,
# the page tree, outline and cross-reference table; and a few hundred bytes a page (its
# dictionary, its stamp). Measured on the sample: a volume is within 1% of the sum of its
# dossiers' sizes plus these.
VOLUME_BYTES = 400_000
PAGE_BYTES = 400
SIZE_MARGIN = 0.97  # the parts are copied, not re-compressed: sizes are near exact


@dataclasses.dataclass(frozen=True)
class Unit:
    """What cannot be split across volumes: its pages and its bytes (file size)."""

    pages: int
    size: int


def plan(units: Sequence[Unit], max_pages: int, max_bytes: int,
         cover_pages: Callable[[int, int], int]) -> list[tuple[int, ...]]:
    """The units (by index, in order) of each volume. `cover_pages(volume, units in it)`: the
    volume's cover length (the first volume's indexes every unit)."""
    volumes: list[list[int]] = []
    for index in range(len(units)):
        if volumes and _fits(volumes[-1] + [index], len(volumes), units, max_pages, max_bytes,
                             cover_pages):
            volumes[-1].append(index)
        else:
            volumes.append([index])
    return [tuple(v) for v in volumes]


def _fits(members: Sequence[int], number: int, units: Sequence[Unit], max_pages: int,
          max_bytes: int, cover_pages: Callable[[int, int], int]) -> bool:
    pages = cover_pages(number, len(members)) + sum(units[i].pages for i in members)
    size = VOLUME_BYTES + PAGE_BYTES * pages + sum(units[i].size for i in members)
    return (not max_pages or pages <= max_pages) and (not max_bytes or
                                                      size <= max_bytes * SIZE_MARGIN)


def file_name(number: int) -> str:
    """bundle-vol01.pdf, … (two digits: they sort in order up to 99 volumes)."""
    return f"bundle-vol{number:02d}.pdf"


def pieces(pages: int, cuts: Sequence[int], fits: Callable[[int, int], bool]
           ) -> list[tuple[int, int]]:
    """A part too big for one volume as page ranges [first, end), cut only at `cuts` (where
    its exhibits start): each as long as `fits(first, end)` allows; an exhibit longer than
    the limit on its own stays whole (its volume is then over the limit)."""
    ends = [c for c in sorted(set(cuts)) if 0 < c < pages] + [pages]
    out: list[tuple[int, int]] = []
    first = 0
    while first < pages:
        following = [e for e in ends if e > first]
        end = following[0]  # at least one exhibit, whatever its length
        for candidate in following[1:]:
            if not fits(first, candidate):
                break
            end = candidate
        out.append((first, end))
        first = end
    return out


def too_big(unit: Unit, max_pages: int, max_bytes: int) -> bool:
    """Whether a unit overflows a volume of its own (one cover page)."""
    return not _fits([0], 2, [unit], max_pages, max_bytes, lambda _n, _m: 1)


def fits_alone(pages: int, size: int, max_pages: int, max_bytes: int) -> bool:
    return not too_big(Unit(pages, size), max_pages, max_bytes)

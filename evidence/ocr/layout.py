"""Reading order and blocks: which OCR lines belong together on a phone screen.

* Rows: lines whose vertical extents overlap by half the smaller height share a row; rows run
  top to bottom, lines in a row left to right (a list's title and its amount, an avatar and a
  bubble).
* Blocks: one chat bubble, SMS bubble or paragraph each. A line continues the block above it
  when it starts at the same left edge (bubble text is left-aligned inside the bubble, on
  either side of a chat), has about the same height, and the gap between them is under a line
  spacing. A timestamp between two bubbles, a bubble on the other side or a larger heading
  starts a new block.
* Joining: a block's text is its lines joined without a separator where the wrap cut a word
  (Chinese text, a number, a URL: `http://jd-tuikuan.com/re` + `fund/aIl1x9` is one link) and
  with a space between two Latin words or between a date and the time on the next line. Links
  are read from the joined text, never per line.
"""

from __future__ import annotations

import dataclasses
import re
import statistics

from evidence.ocr.model import Box, OcrLine, OcrPage

SAME_ROW = 0.5  # vertical overlap, as a share of the smaller line height
GAP = 0.8  # a wrapped line's gap to the line above it, at most, in line heights
ALIGN = 0.8  # left edges of one block's lines differ by at most this many line heights
HEIGHT = 0.3  # line heights inside one block differ by at most this share
URL_CHARS = r"A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%"
_URL_TAIL = re.compile(rf"(?:https?://|www\.|[A-Za-z0-9-]+\.[A-Za-z]{{2,}}/)[{URL_CHARS}]*$", re.IGNORECASE)
_URL_HEAD = re.compile(rf"^[{URL_CHARS}]")
_NUMBER_TAIL = re.compile(r"[\d,.]$")
_DATE_TAIL = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$")
_TIME_HEAD = re.compile(r"^\d{1,2}:\d{2}")
_LATIN_END = re.compile(r"[A-Za-z0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9]")


@dataclasses.dataclass(frozen=True)
class Block:
    lines: tuple[OcrLine, ...]  # top to bottom
    text: str  # the lines joined (see join)
    box: Box

    @property
    def confidence(self) -> float:
        return min(line.confidence for line in self.lines)


def rows(lines: tuple[OcrLine, ...] | list[OcrLine]) -> list[list[OcrLine]]:
    """Lines grouped into rows, top to bottom, each row left to right."""
    out: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda x: (x.box.cy, x.box.x)):
        row = out[-1] if out else None
        if row is not None and any(_overlap(line.box, other.box) >= SAME_ROW for other in row):
            row.append(line)
        else:
            out.append([line])
    return [sorted(row, key=lambda x: x.box.x) for row in out]


def reading_order(page: OcrPage) -> list[OcrLine]:
    return [line for row in rows(page.lines) for line in row]


def _overlap(a: Box, b: Box) -> float:
    shared = min(a.bottom, b.bottom) - max(a.y, b.y)
    return max(0, shared) / max(1, min(a.h, b.h))


def _continues(above: OcrLine, line: OcrLine) -> bool:
    a, b = above.box, line.box
    height = min(a.h, b.h)
    gap = b.y - a.bottom
    return (
        -SAME_ROW * height < gap <= GAP * height
        and abs(a.h - b.h) <= HEIGHT * max(a.h, b.h)
        and abs(a.x - b.x) <= ALIGN * height
    )


def blocks(page: OcrPage) -> list[Block]:
    """The page's blocks in reading order (by their first line)."""
    groups: list[list[OcrLine]] = []
    for line in reading_order(page):
        home = None
        for group in reversed(groups):  # the nearest open block above that this line continues
            if _continues(group[-1], line):
                home = group
                break
        if home is None:
            groups.append([line])
        else:
            home.append(line)
    return [Block(tuple(g), join([text(x) for x in g]), Box.around([x.box for x in g])) for g in groups]


_GLUED = re.compile(r"(?<![\d-])((?:\d{4}[-/.])?\d{1,2}[-/.])(3[01]|[12]\d|0?[1-9])([01]?\d|2[0-3])(:[0-5]\d)")


def text(line: OcrLine) -> str:
    """A line's text, stripped, with the space the recogniser drops between a date and a time
    put back (`2024-12-2413:05:14` -> `2024-12-24 13:05:14`, `03-1719:40` -> `03-17 19:40`).
    Only spaces are ever added."""
    return _GLUED.sub(r"\1\2 \3\4", line.text.strip())


def join(texts: list[str]) -> str:
    """Lines of one block as one text: no separator where a word, number or link was wrapped,
    a space between two Latin words."""
    out = ""
    for text in texts:
        text = text.strip()
        if not out:
            out = text
        elif _URL_TAIL.search(out) and _URL_HEAD.match(text):
            out += text  # a link wrapped across lines
        elif _DATE_TAIL.search(out) and _TIME_HEAD.match(text):
            out += " " + text  # `2024-12-24` | `13:05:14`: the space the wrap took
        elif _NUMBER_TAIL.search(out) and text[:1].isdigit():
            out += text
        elif _LATIN_END.search(out) and _LATIN_START.match(text):
            out += " " + text
        else:
            out += text
    return out


def median_height(page: OcrPage) -> float:
    return statistics.median(line.box.h for line in page.lines) if page.lines else 0.0

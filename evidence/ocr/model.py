"""The nouns of the OCR stage. Frozen dataclasses, no engine import.

Coordinates are pixels of the picture as it is displayed: the stored image turned upright by its
EXIF orientation, origin top left, x to the right, y down. `OcrPage.width`/`height` are that
upright picture's size, whatever size the engine was given (large photos are downscaled for
detection and their boxes scaled back).
"""

from __future__ import annotations

import dataclasses

from evidence.model import Issue


@dataclasses.dataclass(frozen=True)
class Box:
    """An axis-aligned rectangle: left, top, width, height in image pixels."""

    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def locator(self) -> str:
        """`file#x,y,w,h`: where on the image a fact was read (an Event's source locator)."""
        return f"file#{self.x},{self.y},{self.w},{self.h}"

    @staticmethod
    def around(boxes: tuple[Box, ...] | list[Box]) -> Box:
        """The smallest box holding all of `boxes` (at least one)."""
        left = min(b.x for b in boxes)
        top = min(b.y for b in boxes)
        return Box(left, top, max(b.right for b in boxes) - left, max(b.bottom for b in boxes) - top)


@dataclasses.dataclass(frozen=True)
class OcrChar:
    text: str  # one character as recognised
    box: Box
    confidence: float  # 0..1, the recogniser's score for this character


@dataclasses.dataclass(frozen=True)
class OcrLine:
    text: str
    box: Box
    confidence: float  # 0..1, the recogniser's score for the line
    chars: tuple[OcrChar, ...] = ()  # per-character boxes when the engine gave them (same text)


@dataclasses.dataclass(frozen=True)
class OcrPage:
    """What the engine read on one image: a pure function of the image bytes and engine_id."""

    sha256: str  # of the image file's bytes
    engine_id: str
    width: int
    height: int
    lines: tuple[OcrLine, ...]  # in the engine's order (top to bottom); layout.py reads them


@dataclasses.dataclass(frozen=True)
class OcrOutcome:
    """One image through the OCR stage: its page (None when not read) and what went wrong."""

    page: OcrPage | None
    issues: tuple[Issue, ...] = ()
    cached: bool = False  # the page came from the cache, not from the engine

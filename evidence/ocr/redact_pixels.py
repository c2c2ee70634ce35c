"""Redaction that reaches the pixels: claimants' numbers read by OCR in a screenshot are covered
by opaque boxes in a re-encoded copy of the picture, for service (`--redact`) copies only.

* What is covered: every character `redact.Redactor.text` masks in an OCR line (ID numbers
  except the first 6 and last 4, cards except the last 4, claimants' phones except the first 3
  and last 4, as the text rules say), by the union of those characters' boxes, padded by
  PAD of the line height; the whole line when the engine gave no character boxes. Also a run
  of PARTIAL or more digits that is a piece of a claimant's number (a screenshot cut the
  number, or OCR misread one digit of it): it is covered whole, and the picture is listed for
  manual review, since what was not matched whole may not be all of it.
* What stays for manual review: a picture whose number characters were read below
  facts.REVIEW_BELOW, one with a shorter run (HINT digits) that could be a piece of a number
  (not painted: amounts are evidence), and every picture without an OCR page.
* The copy: decoded, turned upright by its EXIF orientation (the boxes are in upright pixels),
  boxes filled black, re-encoded (PNG stays PNG, anything else becomes JPEG quality 90) without
  metadata. The original file is never touched, and the unredacted dossier embeds its bytes.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from evidence import redact
from evidence.ocr.facts import REVIEW_BELOW
from evidence.ocr.model import Box, OcrLine, OcrPage

PAD = 0.15  # of the line height, above and below the covered characters
PAD_X = 0.08  # of the line height, left and right (not into the digits a rule keeps)
PARTIAL = 7  # digits of a claimant's number in a row: covered, and the picture reviewed
HINT = 5  # digits of a claimant's number in a row: the picture reviewed (not covered)
_DIGIT_RUN = re.compile(r"[0-9Xx](?:[ \-*]?[0-9Xx])*")


@dataclasses.dataclass(frozen=True)
class Regions:
    boxes: tuple[Box, ...]  # to cover, in upright pixels
    review: bool  # a person must look at the picture before it is served


def _numbers(red: redact.Redactor) -> frozenset[str] | None:
    """The claimants' own numbers (digits) the redactor knows, or None when it does not say.
    (redact.py keeps them private; None makes every long digit run a reason for review.)"""
    try:
        ids, cards, phones_ = red._ids, red._cards, red._phones
    except AttributeError:
        return None
    return frozenset({*ids, *cards, *phones_})


def regions(page: OcrPage, red: redact.Redactor) -> Regions:
    numbers = _numbers(red)
    boxes: list[Box] = []
    review = False
    for line in page.lines:
        found, doubt = _line(line, red, numbers)
        boxes += found
        review = review or doubt
    return Regions(tuple(boxes), review)


def needs_review(page: OcrPage | None, red: redact.Redactor) -> bool:
    return page is None or regions(page, red).review


def _hidden(text: str, red: redact.Redactor, numbers: frozenset[str] | None) -> tuple[set[int], bool]:
    """(positions of `text` to hide, whether a person must look at the picture)."""
    masked = red.text(text)
    hidden = {i for i, (a, b) in enumerate(zip(text, masked, strict=True)) if a != b}
    matched = {i for f in red.find(text) for i in range(f.start, f.end)}  # whole numbers
    review = False
    for run in _DIGIT_RUN.finditer(text):
        positions = [i for i in range(run.start(), run.end()) if text[i].isdigit() or text[i] in "Xx"]
        if set(positions) <= matched:
            continue
        digits = "".join(text[i] for i in positions).upper()
        if numbers is None:
            if len(digits) >= PARTIAL:
                review = True
            continue
        if len(digits) >= PARTIAL and any(digits in n for n in numbers):
            hidden.update(positions)
            review = True
        elif len(digits) >= HINT and any(digits in n for n in numbers):
            review = True
    return hidden, review


def masker(red: redact.Redactor) -> Callable[[str], str]:
    """What a service copy's text layer says for an OCR line: the characters painted over in
    the picture masked (whole numbers as `red.text` masks them, and pieces of numbers)."""
    numbers = _numbers(red)

    def mask(text: str) -> str:
        hidden, _ = _hidden(text, red, numbers)
        return "".join(red.rules.mask if i in hidden else ch for i, ch in enumerate(text))

    return mask


def _line(line: OcrLine, red: redact.Redactor, numbers: frozenset[str] | None
          ) -> tuple[list[Box], bool]:
    hidden, review = _hidden(line.text, red, numbers)
    if not hidden:
        return [], review
    chars = _aligned(line)
    if chars is None:
        return [_pad(line.box, line.box.h)], review or line.confidence < REVIEW_BELOW
    picked = [chars[i] for i in sorted(hidden) if chars[i] is not None]
    if len(picked) < len(hidden):
        return [_pad(line.box, line.box.h)], True
    review = review or min(c.confidence for c in picked if c is not None) < REVIEW_BELOW
    return [_pad(Box.around([c.box for c in picked if c is not None]), line.box.h)], review


def _aligned(line: OcrLine) -> list[_Char | None] | None:
    """For each character of the line's text, its OCR character (None for a space), or None
    when the engine's characters do not spell the text one by one."""
    if not line.chars:
        return None
    out: list[_Char | None] = []
    k = 0
    for ch in line.text:
        if ch.isspace():
            out.append(None)
            continue
        if k >= len(line.chars) or line.chars[k].text != ch:
            return None
        out.append(_Char(line.chars[k].box, line.chars[k].confidence))
        k += 1
    return out if k == len(line.chars) else None


@dataclasses.dataclass(frozen=True)
class _Char:
    box: Box
    confidence: float


def _pad(box: Box, height: int) -> Box:
    p, q = max(1, round(PAD * height)), max(1, round(PAD_X * height))
    return Box(box.x - q, box.y - p, box.w + 2 * q, box.h + 2 * p)


def burn(data: bytes, boxes: Iterable[Box]) -> tuple[bytes, str]:
    """The picture upright, with `boxes` filled black, re-encoded: (bytes, suffix)."""
    with Image.open(io.BytesIO(data)) as im:
        fmt = im.format
        upright = ImageOps.exif_transpose(im)
        picture = upright.convert("RGB") if upright.mode not in ("RGB", "L") else upright.copy()
    draw = ImageDraw.Draw(picture)
    for b in boxes:
        draw.rectangle((max(0, b.x), max(0, b.y), min(picture.width, b.right) - 1,
                        min(picture.height, b.bottom) - 1), fill=0)
    out = io.BytesIO()
    if fmt == "PNG":
        picture.save(out, format="PNG", compress_level=6)
        return out.getvalue(), ".png"
    picture.save(out, format="JPEG", quality=90, subsampling=0)
    return out.getvalue(), ".jpg"


def copy(src: Path, page: OcrPage | None, red: redact.Redactor, stem: Path) -> tuple[Path, bool]:
    """(the picture a service copy exhibits, whether it stays on the manual-review list).

    Without a page (OCR off or failed) the original, reviewed by hand; with nothing to cover,
    the original too (nothing to hide: no re-encoding)."""
    if page is None:
        return src, True
    found = regions(page, red)
    if not found.boxes:
        return src, found.review
    data, suffix = burn(src.read_bytes(), found.boxes)
    dst = stem.with_suffix(suffix)
    dst.write_bytes(data)
    return dst, found.review

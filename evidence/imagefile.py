"""Byte-level facts about image files that both the inventory and the renderer rely on."""

from __future__ import annotations

from pathlib import Path


def jpeg_ends(path: Path, size: int | None = None) -> bool:
    """Whether the file ends with the JPEG end-of-image marker FFD9.

    A JPEG cut short in transfer (the usual damage) loses it, so a file that has it needs no
    trial decode; files with data after it (motion photos, OEM trailers) are decoded instead."""
    with path.open("rb") as f:
        f.seek(max(0, (size if size is not None else path.stat().st_size) - 2))
        return f.read(2) == b"\xff\xd9"


# issue 23: ONE pixel limit for every command. Before, `check` used Pillow's default while
# importing the renderer raised it, so `build` embedded images `check` had refused.
# The largest phone cameras make 200-megapixel JPEGs (decoded at 1/8 scale, never whole);
# anything else is decoded whole (RGBA PNG: 4 bytes a pixel), and screenshots — long scrolling
# ones included — stay far below 50 megapixels.
MAX_PIXELS = 210_000_000
MAX_DECODED_PIXELS = 50_000_000


def too_many_pixels(fmt: str | None, width: int, height: int) -> bool:
    """Whether an image of this format and size is refused (by check and by build alike)."""
    limit = MAX_PIXELS if fmt == "JPEG" else MAX_DECODED_PIXELS
    return width * height > limit


def set_pillow_limit() -> None:
    """Pillow's own guard at the same limit (it raises beyond twice its setting)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS // 2


set_pillow_limit()

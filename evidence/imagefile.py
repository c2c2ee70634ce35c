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

"""OCR pages remembered as small JSON files: `<out>/.cache/ocr/<ab>/<sha256>.<engine key>.json`.

The key is the image's SHA-256 and a hash of the engine_id, so a page is a pure function of the
bytes it was read from and of the engine that read it: a rebuild reads the same page, and a new
engine or model never reuses an old one. The folder is safe to delete (it costs OCR time, never
correctness). Files are written to a unique temporary name beside the target and renamed, so
two workers storing the same picture (two victims sent the same screenshot) never collide and a
reader never sees half a file; a file that does not parse, or names another image or engine,
is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from evidence.ocr.model import Box, OcrChar, OcrLine, OcrPage

FORMAT = 1


def folder(out: Path) -> Path:
    """Where a build's OCR pages are kept: `<out>/.cache/ocr/`."""
    return out / ".cache" / "ocr"


def engine_key(engine_id: str) -> str:
    return hashlib.sha256(engine_id.encode("utf-8")).hexdigest()[:16]


def path(root: Path, sha256: str, engine_id: str) -> Path:
    return root / sha256[:2] / f"{sha256}.{engine_key(engine_id)}.json"


def to_json(page: OcrPage) -> bytes:
    """Compact, deterministic JSON: equal pages give equal bytes."""
    data = {
        "format": FORMAT, "sha256": page.sha256, "engine_id": page.engine_id,
        "width": page.width, "height": page.height,
        "lines": [_line(line) for line in page.lines],
    }
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _line(line: OcrLine) -> dict[str, Any]:
    out: dict[str, Any] = {"text": line.text, "box": _xywh(line.box), "conf": line.confidence}
    if line.chars:
        out["chars"] = "".join(c.text for c in line.chars) if all(len(c.text) == 1 for c in line.chars) \
            else [c.text for c in line.chars]
        out["char_boxes"] = [v for c in line.chars for v in _xywh(c.box)]
        out["char_conf"] = [c.confidence for c in line.chars]
    return out


def _xywh(box: Box) -> list[int]:
    return [box.x, box.y, box.w, box.h]


def from_json(data: bytes) -> OcrPage:
    """The page in `data`; raises ValueError (or KeyError/TypeError) when it is not one."""
    raw = json.loads(data)
    if raw.get("format") != FORMAT:
        raise ValueError("another cache format")
    lines = []
    for item in raw["lines"]:
        chars: tuple[OcrChar, ...] = ()
        if "chars" in item:
            texts, flat, conf = list(item["chars"]), item["char_boxes"], item["char_conf"]
            if len(flat) != 4 * len(texts) or len(conf) != len(texts):
                raise ValueError("character boxes do not match the characters")
            chars = tuple(OcrChar(str(t), Box(*(int(v) for v in flat[4 * i:4 * i + 4])), float(conf[i]))
                          for i, t in enumerate(texts))
        lines.append(OcrLine(str(item["text"]), Box(*(int(v) for v in item["box"])), float(item["conf"]),
                             chars))
    return OcrPage(str(raw["sha256"]), str(raw["engine_id"]), int(raw["width"]), int(raw["height"]),
                   tuple(lines))


def load(root: Path, sha256: str, engine_id: str) -> OcrPage | None:
    """The cached page of these bytes read by this engine, or None."""
    try:
        page = from_json(path(root, sha256, engine_id).read_bytes())
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if page.sha256 != sha256 or page.engine_id != engine_id:
        return None
    return page


def store(root: Path, page: OcrPage) -> bool:
    """Remember `page`; False when the cache cannot be written (the build goes on without it)."""
    target = path(root, page.sha256, page.engine_id)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(to_json(page))
        Path(tmp).replace(target)
    except OSError:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        return False
    return True

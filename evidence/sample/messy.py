"""The messy parts of real submissions: a duplicate, a broken image, an unknown file, an empty file."""

from __future__ import annotations

import io
import random
import zipfile


def unknown_bin(rng: random.Random, size: int = 4096) -> bytes:
    """Bytes no reader recognises (a chat app's cache file)."""
    return b"\x17\x9a\x03\x00" + rng.randbytes(size - 4)


def docx_like(text: str) -> bytes:
    """A zip with a Word document's parts: neither evidence format nor image."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in (
            ("[Content_Types].xml", '<?xml version="1.0"?><Types/>'),
            ("word/document.xml", f'<?xml version="1.0"?><w:document><w:t>{text}</w:t></w:document>'),
        ):
            info = zipfile.ZipInfo(name, date_time=(2015, 3, 20, 10, 0, 0))
            z.writestr(info, body)
    return buf.getvalue()

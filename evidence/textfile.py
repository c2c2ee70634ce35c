"""Text and CSV bytes from phones and PCs to str: UTF-8 (with or without BOM), UTF-16 with a
BOM, and the GBK/GB18030 that Chinese Windows Excel and many Chinese phones still write.

Order matters: a BOM is certain; strict UTF-8 almost never decodes anything else by accident;
then GB18030 (a superset of GBK/GB2312), because charset-normalizer guesses short Chinese
GBK texts as Big5 (seen with a two-line `时间,号码` CSV); charset-normalizer decides the rest.
"""

from __future__ import annotations

import codecs
import dataclasses

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8-BOM"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32LE"),  # before UTF-16 LE: same first two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32BE"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"),
)


@dataclasses.dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # display name: "UTF-8", "UTF-8-BOM", "UTF-16LE", "GB18030", …
    exact: bool = True  # False when characters had to be replaced


def _strict(data: bytes, codec: str, partial: bool) -> str | None:
    """Decode strictly; with `partial`, a character cut at the end of a head is dropped."""
    for cut in range(4 if partial else 1):
        try:
            return data[: len(data) - cut].decode(codec)
        except UnicodeDecodeError:
            continue
    return None


def decode(data: bytes, *, partial: bool = False) -> Decoded:
    """Best reading of `data`; never raises. `partial=True` for the first bytes of a file."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            if codec.startswith(("utf-16", "utf-32")) and partial:
                unit = 4 if codec.startswith("utf-32") else 2
                body = body[: len(body) - len(body) % unit]
            text = _strict(body, codec.removesuffix("-sig"), partial)
            if text is not None:
                return Decoded(text, name)
            return Decoded(body.decode(codec.removesuffix("-sig"), errors="replace"), name, exact=False)
    text = _strict(data, "utf-8", partial)
    if text is not None:
        return Decoded(text, "UTF-8")
    text = _strict(data, "gb18030", partial)
    if text is not None and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return Decoded(text, "GB18030")
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        text = _strict(data, best.encoding, partial)
        if text is not None:
            return Decoded(text, best.encoding.upper().replace("_", "-"))
    return Decoded(data.decode("utf-8", errors="replace"), "UTF-8", exact=False)

"""Find and register a CJK TrueType font, once per process.

Order: `--font`, the template's list, fontconfig (`fc-match :lang=zh`), common system paths.
A font counts only if reportlab can embed it (TrueType outlines, .ttf/.ttc) and it has the CJK
characters a dossier prints. Without one, reportlab's built-in CID font STSong-Light is used,
which viewers must supply themselves: that is reported as a warning Issue, never silently.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from evidence.model import Issue, Severity
from evidence.render import patches

COMMON_PATHS = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",  # last: a Mincho face, but embeddable
)
PROBE = "证据目录证明目的页码银行¥０１２"
FALLBACK_CID = "STSong-Light"
# Glyph fallbacks for characters the body font lacks (issue 17): CJK Extension B (𠮷, rare
# names) from HanaMinB, other rare ideographs from HanaMinA, monochrome emoji and symbols from
# Symbola (Debian fonts-hanazono, fonts-symbola; scripts/setup.sh installs them). Noto Color
# Emoji is CBDT bitmaps, which reportlab cannot embed: not listed.
HANA_B = "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf"
HANA_A = "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"
SYMBOLA = "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"
FALLBACK_PATHS = (HANA_B, HANA_A, SYMBOLA)
# Which fallbacks are asked, in order, for a character in each range (the first range that
# holds it decides). A fallback is parsed only when a character sends the chain to it: a
# Hanazono face costs 66-90 MB in every process that parses it (issue 23: a build of a phone's
# whole backup), and most dossiers need none of it - emoji and symbols go to Symbola (10 MB)
# first. HanaMinB has nothing outside plane 2 that the body fonts lack (tests/test_fonts_lazy.py).
FALLBACK_ORDER: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (0x20000, 0x2FFFF, (HANA_B, HANA_A)),  # CJK Extension B-F
    (0x2000, 0x2BFF, (SYMBOLA, HANA_A)),  # punctuation, arrows, symbols, dingbats
    (0x10000, 0x1FFFF, (SYMBOLA, HANA_A)),  # emoji and other plane-1 symbols
    (0x0000, 0x10FFFF, (HANA_A, SYMBOLA)),  # the rest: rare BMP ideographs first
)


class Chain:
    """The glyph fallbacks of one set of fonts (`paths`, those installed), parsed on first need."""

    def __init__(self, paths: Sequence[str]) -> None:
        self.paths = tuple(paths)

    def __bool__(self) -> bool:
        return bool(self.paths)

    def font_for(self, ch: str) -> str | None:
        """The registered name of the first fallback that has `ch`, or None."""
        cp = ord(ch)
        order = next(fonts for low, high, fonts in FALLBACK_ORDER if low <= cp <= high)
        for path in order:
            if path in self.paths and (found := _load_fallback(path)) is not None and ch in found[1]:
                return found[0]
        return None


@dataclasses.dataclass(frozen=True)
class Fonts:
    body: str  # registered reportlab font names
    heading: str
    embedded: bool
    files: tuple[str, ...]  # the font files used (for the report and the manifest)
    issues: tuple[Issue, ...] = ()
    fallbacks: tuple[str, ...] = ()  # the glyph fallback font files installed (Chain)


def to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """reportlab's ToUnicode CMap (put in place by patches.install()), with characters beyond
    U+FFFF written as UTF-16 surrogate pairs as the PDF spec requires (reportlab writes
    `<20BB7>`, which pdftotext and every viewer's copy/search read as garbage).
    Same bytes as reportlab's for all other text."""
    def utf16(v: int) -> str:
        if v <= 0xFFFF:
            return f"{v:04X}"
        v -= 0x10000
        return f"{0xD800 + (v >> 10):04X}{0xDC00 + (v & 0x3FF):04X}"

    return "\n".join([
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"])



@functools.cache
def _load_fallback(entry: str) -> tuple[str, frozenset[str]] | None:
    """A fallback font: registered, with the characters it has (no Chinese probe)."""
    path = Path(entry)
    if not path.is_file():
        return None
    name = f"EvFallback-{path.stem}"
    try:
        font = TTFont(name, str(path))
    except (TTFError, OSError, ValueError, IndexError):
        return None
    share_tables(font.face)
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(font)
    return name, frozenset(chr(c) for c in font.face.charToGlyph if c > 0x7F)


def installed_fallbacks(paths: Sequence[str] = FALLBACK_PATHS) -> tuple[str, ...]:
    """The fallback font files present on this machine (not parsed: see Chain)."""
    return tuple(p for p in paths if Path(p).is_file())


def pieces(text: str, covered: frozenset[str] | None,
           chain: Chain | tuple[()]) -> list[tuple[str, str | None]]:
    """`text` cut where the font must change: (piece, fallback font name or None for the
    dossier's own font). A character no font has stays with the own font (printed as [U+…])."""
    if covered is None or not chain or covered.issuperset(text):
        return [(text, None)]
    assert isinstance(chain, Chain)
    patches.install()
    out: list[tuple[str, str | None]] = []
    for ch in text:
        font = None if ch in covered else chain.font_for(ch)
        if out and out[-1][1] == font:
            out[-1] = (out[-1][0] + ch, font)
        else:
            out.append((ch, font))
    return out


def _spec(entry: str) -> tuple[Path, int]:
    """`path.ttc#1` selects a face inside a collection."""
    path, _, index = entry.partition("#")
    return Path(path).expanduser(), int(index or 0)


def fontconfig(lang: str = "zh") -> list[str]:
    exe = shutil.which("fc-match")
    if not exe:
        return []
    try:
        done = subprocess.run([exe, "-s", "-f", "%{file}\n", f":lang={lang}"], capture_output=True,
                              text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line for line in done.stdout.splitlines()[:30] if line.endswith((".ttf", ".ttc"))]


def candidates(override: str | None, configured: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for entry in (*([override] if override else []), *configured, *fontconfig(), *COMMON_PATHS):
        if entry and entry not in seen:
            seen.append(entry)
    return seen


@functools.cache
def _load(entry: str) -> TTFont | None:
    path, index = _spec(entry)
    if not path.is_file() or path.suffix.lower() not in (".ttf", ".ttc"):
        return None
    name = f"EvFont-{path.stem}-{index}"
    try:
        font = TTFont(name, str(path), subfontIndex=index)
    except (TTFError, OSError, ValueError, IndexError):
        return None
    if not all(ord(ch) in font.face.charToGlyph for ch in PROBE):
        return None
    share_tables(font.face)
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(font)
    return font


SUBSET_TABLES = ("glyf", "post", "name", "OS/2", "cvt ", "fpgm", "prep", "hhea", "maxp", "head")


def share_tables(face: Any) -> None:
    """reportlab copies whole tables out of the font file for every subset it embeds (the
    glyph table of a CJK font is megabytes; a dossier embeds about nine subsets): keep one
    copy of each, read here, so forked workers share it too. Same bytes, same subsets."""
    tables: dict[str, bytes] = {}
    for tag in SUBSET_TABLES:
        with contextlib.suppress(KeyError):
            tables[tag] = face.get_table(tag)
    read = face.get_table

    def get_table(tag: str) -> bytes:
        data = tables.get(tag)
        return data if data is not None else read(tag)

    face.get_table = get_table


def register(override: str | None = None, body: Sequence[str] = (),
             heading: Sequence[str] = ()) -> Fonts:
    """The fonts a dossier uses; cached, so each font file is parsed once per process.
    A render entry point: reportlab gets the project's settings first (patches.install)."""
    patches.install()
    return _register(override, tuple(body), tuple(heading))


@functools.cache
def _register(override: str | None, body: tuple[str, ...], heading: tuple[str, ...]) -> Fonts:
    issues: list[Issue] = []
    if override and _load(override) is None:
        issues.append(Issue(
            Severity.WARNING, "font_unusable",
            f"The font {override} cannot be embedded or lacks Chinese characters; another "
            "font was used. Give a TrueType .ttf/.ttc font with Chinese glyphs.",
        ))
    body_font = next((f for e in candidates(override, body) if (f := _load(e))), None)
    if body_font is None:
        if FALLBACK_CID not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))
        issues.append(Issue(
            Severity.WARNING, "font_not_embedded",
            "No embeddable Chinese TrueType font was found, so the dossier uses the built-in "
            "STSong-Light font, which is NOT embedded: some viewers and courts will show boxes. "
            "Install fonts-arphic-uming or pass --font /path/to/font.ttc, then rebuild.",
        ))
        return Fonts(FALLBACK_CID, FALLBACK_CID, False, (), tuple(issues))
    head_font = next((f for e in heading if (f := _load(e))), None) or body_font
    files = tuple(dict.fromkeys((body_font.face.filename, head_font.face.filename)))
    return Fonts(body_font.fontName, head_font.fontName, True,
                 tuple(str(x) for x in files), tuple(issues),
                 installed_fallbacks())

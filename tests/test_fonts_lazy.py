"""issue 23: the glyph fallback fonts (issue 17) are parsed only when a character needs one.

A Hanazono face costs 66-90 MB in every process that parses it; a dossier of plain Chinese and
emoji needs only Symbola. Which font draws a character follows fonts.FALLBACK_ORDER."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evidence.render import common, fonts

REPO = Path(__file__).resolve().parents[1]
NEEDS_ALL = pytest.mark.skipif(len(fonts.installed_fallbacks()) < 3,
                               reason="fonts-hanazono and fonts-symbola are installed by scripts/setup.sh")


def _parsed_after(text: str) -> tuple[list[str], str]:
    """In a fresh process: the fallback fonts parsed after escaping `text` for a paragraph,
    and the markup."""
    code = ("import json, sys\n"
            "from reportlab.pdfbase import pdfmetrics\n"
            "from evidence.render import common, fonts\n"
            "common.use_fonts(fonts.register())\n"
            "markup = common.esc(sys.argv[1])\n"
            "names = sorted(n for n in pdfmetrics.getRegisteredFontNames() if n.startswith('EvFallback'))\n"
            "print(json.dumps([names, markup]))\n")
    out = subprocess.run([sys.executable, "-c", code, text], cwd=REPO, capture_output=True,
                         text=True, check=True).stdout
    names, markup = json.loads(out)
    return names, markup


@NEEDS_ALL
def test_plain_chinese_parses_no_fallback_and_emoji_only_symbola() -> None:
    assert _parsed_after("您尾号1234卡消费100.00元")[0] == []
    names, markup = _parsed_after("收到了😀谢谢")
    assert names == ["EvFallback-Symbola_hint"]
    assert '<font name="EvFallback-Symbola_hint">😀</font>' in markup


@NEEDS_ALL
def test_extension_b_goes_to_hanamin_b_and_a_rare_bmp_ideograph_to_hanamin_a() -> None:
    common.use_fonts(fonts.register())
    covered = common.glyphs().covered
    assert covered is not None
    rare = next(chr(c) for c in range(0x3400, 0x4DC0) if chr(c) not in covered
                and fonts.Chain(fonts.installed_fallbacks()).font_for(chr(c)) is not None)
    names, markup = _parsed_after("𠮷田" + rare)
    assert "EvFallback-HanaMinB" in names and "EvFallback-Symbola_hint" not in names
    assert '<font name="EvFallback-HanaMinB">𠮷</font>' in markup
    assert f'<font name="EvFallback-HanaMinA">{rare}</font>' in markup


@NEEDS_ALL
def test_the_order_leaves_out_nothing_hanamin_b_would_have_drawn() -> None:
    """FALLBACK_ORDER asks HanaMinB only in plane 2: every character it has elsewhere is one
    the body fonts have already, so no character lost its glyph by the lazy order."""
    common.use_fonts(fonts.register())
    covered = common.glyphs().covered
    assert covered is not None
    loaded = fonts._load_fallback(fonts.HANA_B)
    assert loaded is not None
    outside = [c for c in loaded[1] if not 0x20000 <= ord(c) <= 0x2FFFF and c not in covered]
    assert outside == []


@NEEDS_ALL
def test_every_character_a_fallback_has_is_drawn_by_one() -> None:
    """Whatever the order, a character that any installed fallback has is drawn by one of them."""
    chain = fonts.Chain(fonts.installed_fallbacks())
    for path in fonts.installed_fallbacks():
        loaded = fonts._load_fallback(path)
        assert loaded is not None
        for ch in sorted(loaded[1])[::97]:  # a spread sample of each font's characters
            assert chain.font_for(ch) is not None, (path, hex(ord(ch)))

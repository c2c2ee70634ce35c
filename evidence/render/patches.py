"""The changes this project makes to reportlab's module state, in one place (issue 19).

Nothing here runs at import: importing `evidence` (or `evidence.render`) leaves reportlab as
it is, so a program embedding the library next to its own reportlab documents is not changed
behind its back. `install()` applies them; every render entry point calls it first
(`fonts.register`, `fonts.pieces` and the sample statement: nothing draws text without one
of them). It is idempotent and cheap, so calling it again is harmless.

What, why, and what each was measured worth (bench/README.md, "Issue 19"):

- `rl_config.useA85 = 0`: no ASCII85 around image and content streams, the single biggest cost
  of a naive reportlab build (STYLE.md); `rl_config.invariant = 1`: reproducible bytes (no
  creation date, fixed document id) — the byte-identity tests depend on it.
- `pdfdoc.zlib` -> zlib-ng at level 1: reportlab deflates every page and font subset through
  that module name and has no setting for it. A dossier's ~1.1 MB of page content and font
  subsets in 5 ms instead of 13 ms (25-40 % of a sample dossier's wall time), 130 KB bigger;
  the output bytes depend on it, so it is not optional.
- `ttfonts.makeToUnicodeCMap` -> `fonts.to_unicode_cmap`: characters beyond U+FFFF written as
  UTF-16 surrogate pairs as the PDF spec requires (issue 17's Ext B names); a correctness fix,
  same bytes as reportlab's for every other character.
- (per font, not module state) `fonts.share_tables`: one copy of a face's subset tables per
  process, ~25 % of a dossier's CPU; applied to the faces this project loads, in fonts.py.

reportlab is bounded `<6` in pyproject.toml: these names (`pdfdoc.zlib`,
`ttfonts.makeToUnicodeCMap`) are not public API, and only 4.x and 5.x were tested.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, ttfonts
from zlib_ng import zlib_ng


def _deflate(data: Any) -> bytes:
    return zlib_ng.compress(data, 1)


_ZLIB = SimpleNamespace(compress=_deflate, decompress=zlib_ng.decompress)  # never changed


def installed() -> bool:
    """Whether install() ran in this process (read from reportlab itself, no flag of ours)."""
    from evidence.render import fonts

    return (pdfdoc.zlib is _ZLIB and ttfonts.makeToUnicodeCMap is fonts.to_unicode_cmap
            and not rl_config.useA85 and bool(rl_config.invariant))


def install() -> None:
    """Apply the settings and replacements above to reportlab (idempotent)."""
    from evidence.render import fonts

    rl_config.useA85 = 0
    rl_config.invariant = 1
    pdfdoc.zlib = _ZLIB
    ttfonts.makeToUnicodeCMap = fonts.to_unicode_cmap

"""Every reportlab call lives in this package (one module per kind of document).

Settings made here, before any submodule draws: no ASCII85 for image and content streams (the
single biggest cost in a naive reportlab build), reproducible output, and zlib-ng for deflating.
"""

from types import SimpleNamespace
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from zlib_ng import zlib_ng

rl_config.useA85 = 0
rl_config.invariant = 1


def _deflate(data: Any) -> bytes:
    return zlib_ng.compress(data, 1)


# reportlab deflates every page and font subset through its module's `zlib` name and has no
# setting for it. zlib-ng at its fastest level: a dossier's ~1.1 MB of page content and font
# subsets in 5 ms instead of 13 ms at the default level, 130 KB bigger (images are not
# deflated here: they are embedded as they are)
pdfdoc.zlib = SimpleNamespace(compress=_deflate, decompress=zlib_ng.decompress)

"""Every reportlab call lives in this package (one module per kind of document).

Settings made here, before any submodule draws: no ASCII85 for image and content streams (the
single biggest cost in a naive reportlab build), reproducible output, and zlib-ng for deflating.
"""

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc
from zlib_ng import zlib_ng

rl_config.useA85 = 0
rl_config.invariant = 1
# reportlab deflates every page and font subset through its module's `zlib` name and has no
# setting for it; zlib-ng writes the same format 2.4x faster (about 2 % bigger)
pdfdoc.zlib = zlib_ng

"""Every reportlab call lives in this package (one module per kind of document).

Importing it changes nothing in reportlab: the project's settings and replacements (no
ASCII85, reproducible output, zlib-ng for deflating, the ToUnicode fix) are applied by
`patches.install()`, which every render entry point calls first (issue 19).
"""

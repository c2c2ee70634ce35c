"""The bundle's page hashes made while it is written (issue 18), not read back from the file.

The bundle writer copies each part's pages as its segment says; a page's hash covers what the
page draws, and the bundle adds one thing a segment does not know: the stamp's text. So the
pages are hashed once per segment (in the claimant's worker, cached with the segment): the
segment is written by the bundle's own code into a small PDF of its own, with a stand-in for
each stamp, and pagehash cuts each page's canonical text where the stamp's digest goes. The
joint step then only puts each stamp's digest in. Written by the same code, read by the same
hash as `evidence verify` uses: the same value as hashing the finished file (tests prove it).
"""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Callable
from typing import Any

import pikepdf

from evidence import pagehash
from evidence.pdf import writer

# write(w, catalog) -> (objects standing for pages in another file, or for stamps: what each
# hashes as; pagehash.MARK for a stamp)
Write = Callable[[writer.Writer, int], dict[int, bytes]]


def materials(write: Write) -> list[pagehash.Material]:
    """Each page's hash material (pagehash.materials) of the PDF `write` makes, the text after
    the stamp compressed: it is mostly the page's drawing instructions (about 10 KB a page of
    the 150-claimant sample, 2.4 KB compressed), held for every page until the stamps are
    drawn."""
    with tempfile.TemporaryFile(buffering=0) as f:
        given: dict[int, bytes] = _make(f, write)
        f.seek(0)
        with pikepdf.open(f) as doc:
            return [(head, zlib.compress(tail, 1), target) for head, tail, target in
                    pagehash.materials(doc, {(n, 0): v for n, v in given.items()})]


def page_hash(material: pagehash.Material, stamp: bytes) -> str:
    """The page's hash from its material (as `materials` keeps it) and its stamp's digest."""
    head, tail, target = material
    return pagehash.finish((head, zlib.decompress(tail), target), stamp)


def stream_head(write: Callable[[writer.Writer, int], int]) -> bytes:
    """pagehash.stream_head of the stream (a stamp's form) whose object `write` returns."""
    with tempfile.TemporaryFile(buffering=0) as f:
        stream: int = _make(f, write)
        f.seek(0)
        with pikepdf.open(f) as doc:
            return pagehash.stream_head(doc, doc.get_object((stream, 0)))


def _make(f: Any, fill: Callable[[writer.Writer, int], Any]) -> Any:
    """A small PDF: what `fill` writes, given the catalog's number; a stand-in for each object
    of the dict it returns (pagehash takes what those hash as given)."""
    w = writer.Writer(f)
    try:
        catalog, info = w.reserve(), w.reserve()
        made = fill(w, catalog)
        for num in made if isinstance(made, dict) else ():
            w.obj(num, b"<<>>")
        w.obj(info, b"<<>>")
        w.finish(catalog, info)
    finally:
        w.stop()
    return made

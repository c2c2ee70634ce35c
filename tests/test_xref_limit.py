"""Issue 22: the bundle writer's xref holds 10-digit offsets (%010d). An object that would start
past 9,999,999,999 bytes is refused with a sentence, never written into a corrupt xref. No 10 GB
is written: the offset is injected by a hole in a sparse file."""

from __future__ import annotations

import os
from pathlib import Path

import pikepdf
import pytest

from evidence import errors
from evidence.pdf import writer as pdffile


def _write_at(out: Path, offset: int) -> None:
    """A one-page PDF whose page object starts near `offset` (a sparse hole before it)."""
    with out.open("wb", buffering=0) as f:
        w = pdffile.Writer(f)
        try:
            root, pages, page, info = (w.reserve() for _ in range(4))
            w.obj(pages, b"<</Type /Pages /Kids [%d 0 R] /Count 1>>" % page)
            w.obj(root, b"<</Type /Catalog /Pages %d 0 R>>" % pages)
            w.obj(info, b"<</Title (near the limit)>>")
            w.write(b"%")  # a comment line spans the hole: still a valid PDF
            w.flush()
            w.sync()
            hole = offset - w.pos - 1
            f.seek(hole, os.SEEK_CUR)
            w.pos += hole
            w.written_back = w.pos
            w.write(b"\n")
            w.obj(page, b"<</Type /Page /Parent %d 0 R /MediaBox [0 0 200 100]>>" % pages)
            w.finish(root, info)
        finally:
            w.stop()


def test_an_object_at_the_last_ten_digit_offset_is_found(tmp_path: Path) -> None:
    out = tmp_path / "edge.pdf"
    _write_at(out, pdffile.MAX_OFFSET)
    assert out.stat().st_size > pdffile.MAX_OFFSET
    if out.stat().st_blocks * 512 > 1 << 30:
        pytest.skip("this file system does not keep holes: not writing 10 GB")
    tail = _tail(out)
    assert b"\n9999999999 00000 n \n" in tail  # the page object's entry, read back
    with pikepdf.open(out) as pdf:  # found through the xref, no reconstruction
        assert [float(x) for x in pdf.pages[0].MediaBox] == [0, 0, 200, 100]
        assert pdf.docinfo["/Title"] == "near the limit"


def test_an_object_past_it_is_refused_with_a_sentence(tmp_path: Path) -> None:
    out = tmp_path / "over.pdf"
    with pytest.raises(errors.OutputError, match=r"larger than 9,999,999,999 bytes.*in parts"):
        _write_at(out, pdffile.MAX_OFFSET + 1)


def _tail(path: Path, n: int = 400) -> bytes:
    with path.open("rb") as f:
        f.seek(-n, os.SEEK_END)
        return f.read()

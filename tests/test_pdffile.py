"""pdffile.Writer: the file it writes is what it hashed, whichever way the streams are copied."""

import hashlib
from pathlib import Path

import pikepdf
import pytest

from evidence import pdffile


def _write(out: Path, part: Path, kernel_copy: bool) -> str:
    data = part.read_bytes()
    with out.open("wb", buffering=0) as f:
        w = pdffile.Writer(f)
        w.kernel_copy = kernel_copy and w.kernel_copy
        try:
            root, pages, page, info = (w.reserve() for _ in range(4))
            small, big = w.reserve(), w.reserve()
            source = pdffile.Source(part)
            w.copy_range(small, b"<</Length 100>>", source, 0, 100)  # copied along in Python
            w.copy_range(big, b"<</Length %d>>" % (len(data) - 100), source, 100,
                         len(data) - 100)  # copied by the kernel when it can
            w.release(source)
            w.obj(page, b"<</Type /Page /Parent %d 0 R /MediaBox [0 0 100 100]>>" % pages)
            w.obj(pages, b"<</Type /Pages /Kids [%d 0 R] /Count 1>>" % page)
            w.obj(root, b"<</Type /Catalog /Pages %d 0 R>>" % pages)
            w.obj(info, b"<</Title (t)>>")
            w.finish(root, info)
        finally:
            w.stop()
    return w.sha256()


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_hash_is_the_file_and_streams_are_byte_exact(tmp_path: Path, kernel_copy: bool) -> None:
    part = tmp_path / "part.bin"
    part.write_bytes(bytes(range(256)) * 4000)  # 1 MB: over the kernel-copy threshold
    out = tmp_path / "out.pdf"
    sha = _write(out, part, kernel_copy)
    assert sha == hashlib.sha256(out.read_bytes()).hexdigest()
    with pikepdf.open(out) as pdf:  # offsets in the xref are right: no reconstruction needed
        assert len(pdf.pages) == 1
        assert pdf.get_object(5, 0).read_raw_bytes() == part.read_bytes()[:100]
        assert pdf.get_object(6, 0).read_raw_bytes() == part.read_bytes()[100:]


def test_both_ways_give_the_same_bytes(tmp_path: Path) -> None:
    part = tmp_path / "part.bin"
    part.write_bytes(b"x" * 300_000)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert _write(a, part, True) == _write(b, part, False)
    assert a.read_bytes() == b.read_bytes()


def test_a_short_part_is_an_error(tmp_path: Path) -> None:
    part = tmp_path / "part.bin"
    part.write_bytes(b"x" * 10)
    with (tmp_path / "out.pdf").open("wb", buffering=0) as f:
        w = pdffile.Writer(f)
        try:
            num = w.reserve()
            source = pdffile.Source(part)
            with pytest.raises(OSError, match="shorter than its bundle segment"):
                w.copy_range(num, b"<<>>", source, 0, 100)
            w.release(source)
        finally:
            w.stop()

"""pdffile.Writer: the file it writes is what it hashed, whichever way the streams are copied;
pdffile.DirectWriter (the bundle's, past the disk cache): the same bytes as Writer."""

import errno
import hashlib
import os
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from evidence.pdf import writer as pdffile


class _SmallDirect(pdffile.DirectWriter):
    BUFFER = 16384  # objects and copies cross buffer boundaries, as 8 MB buffers do in a bundle


def _write(out: Path, part: Path, kernel_copy: bool, direct: bool = False) -> str:
    data = part.read_bytes()
    with out.open("wb", buffering=0) as f:
        w = _SmallDirect(f, out) if direct else pdffile.Writer(f)
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


@pytest.mark.parametrize(("kernel_copy", "direct"), [(True, False), (False, False), (False, True)])
def test_hash_is_the_file_and_streams_are_byte_exact(tmp_path: Path, kernel_copy: bool,
                                                     direct: bool) -> None:
    part = tmp_path / "part.bin"
    part.write_bytes(bytes(range(256)) * 4000)  # 1 MB: over the kernel-copy threshold
    out = tmp_path / "out.pdf"
    sha = _write(out, part, kernel_copy, direct)
    assert sha == hashlib.sha256(out.read_bytes()).hexdigest()
    with pikepdf.open(out) as pdf:  # offsets in the xref are right: no reconstruction needed
        assert len(pdf.pages) == 1
        assert pdf.get_object(5, 0).read_raw_bytes() == part.read_bytes()[:100]
        assert pdf.get_object(6, 0).read_raw_bytes() == part.read_bytes()[100:]


def test_every_way_gives_the_same_bytes(tmp_path: Path) -> None:
    part = tmp_path / "part.bin"
    part.write_bytes(os.urandom(300_001))
    a, b, c = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    assert _write(a, part, True) == _write(b, part, False) == _write(c, part, False, direct=True)
    assert a.read_bytes() == b.read_bytes() == c.read_bytes()
    assert c.stat().st_size % 4096  # the padded last block was cut back


@pytest.mark.parametrize("refused_from", [0, 16384])
def test_direct_writes_refused_go_through_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   refused_from: int) -> None:
    """A disk that accepts O_DIRECT at open but refuses a write (EINVAL: an alignment it does not
    take), at the first write or a later one: the same bytes, the rest written through the disk
    cache; and one that refuses O_DIRECT at open (tmpfs)."""
    part = tmp_path / "part.bin"
    part.write_bytes(os.urandom(100_000))
    plain = tmp_path / "plain.pdf"
    sha = _write(plain, part, False)
    real_pwrite, real_open = os.pwrite, os.open
    target = tmp_path / "refused.pdf"
    direct_fds: set[int] = set()
    refused: list[int] = []

    def open_(path: Any, flags: int, *a: Any) -> int:
        fd = real_open(path, flags, *a)
        if Path(path) == target and flags & getattr(os, "O_DIRECT", 0):
            direct_fds.add(fd)
        else:
            direct_fds.discard(fd)
        return fd

    def pwrite(fd: int, data: Any, offset: int) -> int:
        if fd in direct_fds and offset >= refused_from:
            refused.append(offset)
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "pwrite", pwrite)
    assert _write(target, part, False, direct=True) == sha
    if getattr(os, "O_DIRECT", 0):
        assert refused == [refused_from]
    assert target.read_bytes() == plain.read_bytes()
    monkeypatch.undo()

    def no_direct(path: Any, flags: int, *a: Any) -> int:
        if flags & getattr(os, "O_DIRECT", 0):
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_open(path, flags, *a)

    monkeypatch.setattr(os, "open", no_direct)
    assert _write(tmp_path / "tmpfs.pdf", part, False, direct=True) == sha
    assert (tmp_path / "tmpfs.pdf").read_bytes() == plain.read_bytes()


@pytest.mark.parametrize("direct", [False, True])
def test_a_short_part_is_an_error(tmp_path: Path, direct: bool) -> None:
    part = tmp_path / "part.bin"
    part.write_bytes(b"x" * 10)
    out = tmp_path / "out.pdf"
    with out.open("wb", buffering=0) as f:
        w = _SmallDirect(f, out) if direct else pdffile.Writer(f)
        try:
            num = w.reserve()
            source = pdffile.Source(part)
            with pytest.raises(OSError, match="shorter than its bundle segment"):
                w.copy_range(num, b"<<>>", source, 0, 100)
            w.release(source)
        finally:
            w.stop()

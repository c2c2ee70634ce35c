"""Writing a large PDF file fast: an append-only object writer for the joint bundle (and the
byte copier behind a dossier's images).

The caller serialises objects; this module puts them on disk. Writer (a dossier's images):
streams from the parts' files go disk cache to disk cache in the kernel (copy_file_range), and
a thread computes the SHA-256 of the output as it is made, from memory or from the parts (the
file is never read back), and asks the disk to start writing as it goes. DirectWriter (the
bundle): the parts are read into a few reused buffers; one thread hashes them while another
writes them to the disk past its cache. All in calls that release the GIL.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import mmap
import os
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from evidence import atomic, errors

CHUNK_BYTES = 1 << 20  # small writes are gathered into blocks of about this size
KERNEL_COPY_BYTES = 1 << 15  # smaller streams are cheaper to copy along with their neighbours
WRITE_BACK_BYTES = 32 << 20
# issue 22: a classic xref entry holds a 10-digit offset; an object past this cannot be found
MAX_OFFSET = 9_999_999_999
QUEUE_ITEMS = 64  # how far a thread may fall behind: at most 64 blocks of CHUNK_BYTES in memory
_NO_KERNEL_COPY = (errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF)


class Source:
    """A part's file, open while its streams are copied. Read with pread, not mapped: hashing
    730 MB through a map took 0.70 s here against 0.53 s read into a buffer (page faults)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.open("rb", buffering=0)
        self.fileno = self.file.fileno()
        self.size = os.fstat(self.fileno).st_size

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self.fileno, length, offset)
        while len(data) < length:
            more = os.pread(self.fileno, length - len(data), offset + len(data))
            if not more:
                raise OSError(f"{self.path} is shorter than its bundle segment says")
            data += more
        return data

    def hash_into(self, digest: Any, offset: int, length: int, buffer: bytearray) -> None:
        """Feed `length` bytes from `offset` to the digest, a buffer at a time."""
        view = memoryview(buffer)
        while length:
            n = os.preadv(self.fileno, [view[:min(length, len(buffer))]], offset)
            if n <= 0:
                raise OSError(f"{self.path} is shorter than its bundle segment says")
            digest.update(view[:n])
            offset += n
            length -= n

    def done(self, _: object = None) -> None:
        self.file.close()


class _Ordered:
    """A thread running calls in the order they were put; the first failure is raised again
    by wait() in the caller's thread, and later calls are skipped."""

    def __init__(self, name: str) -> None:
        self.todo: queue.Queue[tuple[Callable[[Any], Any], Any] | None] = queue.Queue(QUEUE_ITEMS)
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def put(self, call: Callable[[Any], Any], arg: Any) -> None:
        self.todo.put((call, arg))

    def _run(self) -> None:
        while (item := self.todo.get()) is not None:
            call, arg = item
            if self.failed is not None and call not in _ALWAYS:
                continue
            try:
                call(arg)
            except BaseException as exc:
                self.failed = exc

    def wait(self) -> None:
        """Return when everything put so far is done."""
        done = threading.Event()
        self.put(_signal, done)
        done.wait()
        if self.failed is not None:
            raise self.failed

    def stop(self) -> None:
        self.todo.put(None)
        self.thread.join()


def _signal(event: threading.Event) -> None:
    event.set()


def _drain(job: tuple[DirectWriter, mmap.mmap, int, int, int]) -> None:
    """(hashing thread) A DirectWriter's buffer: hash what is not hashed yet, then hand it to
    the writing thread (also after a failure: the writer waits for its buffers back)."""
    writer, buffer, hashed, end, size = job
    try:
        if writer.hash.failed is None:
            writer.digest.update(memoryview(buffer)[hashed:end])
    finally:
        writer.out.put(_write_out, (writer, buffer, size))


def _write_out(job: tuple[DirectWriter, mmap.mmap, int]) -> None:
    """(writing thread) Write `size` bytes of the buffer to the disk, then free the buffer."""
    writer, buffer, size = job
    try:
        if writer.out.failed is None and writer.hash.failed is None:
            writer.put_out(memoryview(buffer)[:size])
    finally:
        writer.free.put(buffer)


_ALWAYS: tuple[Callable[[Any], Any], ...] = (_signal, Source.done, _drain, _write_out)


class Writer:
    """Append-only PDF writer: objects are written once, in order; the xref comes last.

    `f` is an unbuffered file; `pos` is where the next byte goes. `header`: False when the
    caller writes a PDF's bytes as they come (a dossier spliced from qpdf's output)."""

    def __init__(self, f: BinaryIO, header: bool = True) -> None:
        self.f = f
        self.offsets: list[int | None] = []
        self.digest = hashlib.sha256()
        self.pos = 0
        self.pending: list[bytes] = []
        self.pending_size = 0
        self.kernel_copy = hasattr(os, "copy_file_range")
        self.written_back = 0
        self.hash = _Ordered("bundle-hash")
        self._buffer = bytearray(CHUNK_BYTES)  # the hash thread's, for reading parts
        if header:
            self.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def write(self, data: bytes) -> None:
        self.pos += len(data)
        if len(data) < CHUNK_BYTES // 4:
            self.pending.append(data)
            self.pending_size += len(data)
            if self.pending_size < CHUNK_BYTES:
                return
            data = b""
        self.flush()
        if data:
            self._out(data)

    def flush(self) -> None:
        if self.pending:
            block = b"".join(self.pending)
            self.pending.clear()
            self.pending_size = 0
            self._out(block)

    def _out(self, block: bytes | memoryview) -> None:
        self.hash.put(self.digest.update, block)
        self._write_all(block)
        self._write_back()

    def _write_all(self, block: bytes | memoryview) -> None:
        view = memoryview(block)
        while view:
            view = view[self.f.write(view):]

    def _write_back(self) -> None:
        # the disk starts on each 32 MB as it is written, so the fsync before the rename waits
        # for the last few MB instead of the whole file
        if self.pos - self.written_back >= WRITE_BACK_BYTES:
            self.hash.put(_start_writeback, (self.f.fileno(), self.written_back,
                                             self.pos - self.written_back))
            self.written_back = self.pos

    def reserve(self, n: int = 1) -> int:
        """Reserve n consecutive object numbers; returns the first."""
        first = len(self.offsets) + 1
        self.offsets.extend([None] * n)
        return first

    def obj(self, num: int, body: bytes, stream: bytes | None = None) -> None:
        self.offsets[num - 1] = self.pos if self.pos <= MAX_OFFSET else self._too_large()
        if stream is None or len(stream) < CHUNK_BYTES // 4:  # most objects: one small piece
            data = (b"%d 0 obj\n%s\nendobj\n" % (num, body) if stream is None else
                    b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (num, body, stream))
            self.pos += len(data)  # write(), inlined: a bundle has 10^5 of these
            self.pending.append(data)
            self.pending_size += len(data)
            if self.pending_size >= CHUNK_BYTES:
                self.flush()
        else:
            self.write(b"%d 0 obj\n%s\nstream\n" % (num, body))
            self.write(stream)
            self.write(b"\nendstream\nendobj\n")

    def copy_range(self, num: int, body: bytes, source: Source, offset: int, length: int
                   ) -> None:
        """A stream whose data is `length` bytes of the part file `source` from `offset`."""
        self.offsets[num - 1] = self.pos if self.pos <= MAX_OFFSET else self._too_large()
        self.write(b"%d 0 obj\n%s\nstream\n" % (num, body))
        self.copy(source, offset, length)
        self.write(b"\nendstream\nendobj\n")

    def _too_large(self) -> int:
        """Refuse before an xref offset would need an 11th digit (a corrupt file otherwise)."""
        raise errors.OutputError(
            f"this PDF would be larger than {MAX_OFFSET:,} bytes, the most its cross-reference "
            "table can address (about 1,900 claimants with pictures in one bundle); nothing was "
            "replaced. Build the case in parts (fewer claimants per case folder), then run the "
            "build again.")

    def copy(self, source: Source, offset: int, length: int) -> None:
        """`length` bytes of `source` from `offset`, as they are."""
        if length < KERNEL_COPY_BYTES:
            self.write(source.read(offset, length))
        else:
            self.flush()
            self.pos += length
            self.hash.put(self._hash_range, (source, offset, length))
            self._copy(source, offset, length)
            self._write_back()

    def _hash_range(self, job: tuple[Source, int, int]) -> None:
        source, offset, length = job
        source.hash_into(self.digest, offset, length, self._buffer)

    def _copy(self, source: Source, offset: int, length: int) -> None:
        left = length
        if self.kernel_copy:
            try:
                while left:
                    done = os.copy_file_range(source.fileno, self.f.fileno(), left,
                                              offset + length - left)
                    if not done:
                        raise OSError(f"{source.path} is shorter than its bundle segment says")
                    left -= done
                return
            except OSError as exc:
                if exc.errno not in _NO_KERNEL_COPY or left != length:
                    raise
                self.kernel_copy = False  # another file system, an old kernel: plain writes
        for start in range(offset, offset + length, CHUNK_BYTES):
            self._write_all(source.read(start, min(CHUNK_BYTES, offset + length - start)))

    def release(self, source: Source) -> None:
        """`source` is not used after this; it closes once its bytes are hashed."""
        self.hash.put(Source.done, source)

    def finish(self, root: int, info: int) -> None:
        """The xref and trailer; returns once everything is on its way to the disk."""
        start = self.pos
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.offsets) + 1)]
        lines += [b"%010d 00000 n \n" % (off or 0) if off is not None else
                  b"0000000000 65535 f \n" for off in self.offsets]
        self.sync()
        ident = self.digest.hexdigest()[:32].encode()
        lines.append(b"trailer\n<</Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>]>>\n"
                     b"startxref\n%d\n%%%%EOF\n" % (len(self.offsets) + 1, root, info, ident,
                                                  ident, start))
        self.write(b"".join(lines))
        self.end()

    def sync(self) -> None:
        """Everything written so far is hashed."""
        self.flush()
        self.hash.wait()

    def end(self) -> None:
        """Everything written so far is in the file and hashed (for callers that write their
        own xref instead of finish)."""
        self.sync()

    def stop(self) -> None:
        """End the thread (after finish, or when the bundle failed: before closing `f`)."""
        self.hash.stop()

    def sha256(self) -> str:
        """Hash of everything written (after finish)."""
        return self.digest.hexdigest()


def _start_writeback(job: tuple[int, int, int]) -> None:
    atomic.start_writeback(*job)


class DirectWriter(Writer):
    """The bundle's writer: every byte goes through a few page-aligned buffers to the disk
    without the disk cache (O_DIRECT), hashed on the way: one thread hashes a buffer while
    another writes the one before (SHA-256 and the disk each take ~0.5 s for a bundle).

    Why: the bundle is ~730 MB written at once. Put in the disk cache, it needs that much
    cache memory it has not used before, which this machine hands out slowly (copying the
    parts in the kernel ran at ~0.75 GB/s in a build, ~2.8 GB/s when the memory was reused).
    Read into a reused buffer and written directly, it goes at the disk's speed (~1.3 GB/s
    here), and the parts' bytes are read once for both the file and its hash.
    Where the file system refuses O_DIRECT, the same writes go through the cache.
    `end` ends the file (its last block is padded to the disk's alignment, then cut)."""

    BUFFER = 8 << 20  # a multiple of every disk's block size
    BUFFERS = 3

    def __init__(self, f: BinaryIO, path: Path, header: bool = True) -> None:
        self.path = path
        self.fd = -1
        self.cached = not getattr(os, "O_DIRECT", 0)
        try:
            self.fd = os.open(path, os.O_WRONLY | getattr(os, "O_DIRECT", 0))
        except OSError:  # tmpfs and others: through the cache
            self.fd = os.open(path, os.O_WRONLY)
            self.cached = True
        self.free: queue.Queue[mmap.mmap] = queue.Queue()
        self.buffers = [mmap.mmap(-1, self.BUFFER) for _ in range(self.BUFFERS)]
        for b in self.buffers:
            self.free.put(b)
        self.buf = self.free.get()
        self.view = memoryview(self.buf)
        self.fill = self.hashed = 0
        self.on_disk = 0
        self.out = _Ordered("bundle-write")
        super().__init__(f, header)

    def _out(self, block: bytes | memoryview) -> None:
        data = memoryview(block)
        while data:
            n = min(len(data), self.BUFFER - self.fill)
            self.view[self.fill:self.fill + n] = data[:n]
            self.fill += n
            data = data[n:]
            if self.fill == self.BUFFER:
                self._submit(self.BUFFER)

    def copy(self, source: Source, offset: int, length: int) -> None:
        """Read straight into the buffer (from the disk cache: the parts were just written)."""
        self.flush()
        self.pos += length
        while length:
            n = min(length, self.BUFFER - self.fill)
            got = os.preadv(source.fileno, [self.view[self.fill:self.fill + n]], offset)
            if got <= 0:
                raise OSError(f"{source.path} is shorter than its bundle segment says")
            self.fill += got
            offset += got
            length -= got
            if self.fill == self.BUFFER:
                self._submit(self.BUFFER)

    def _submit(self, size: int) -> None:
        self.hash.put(_drain, (self, self.buf, self.hashed, self.fill, size))
        self.buf = self.free.get()  # every buffer comes back, after a failure too (_write_out)
        self.view = memoryview(self.buf)
        self.fill = self.hashed = 0

    def put_out(self, data: memoryview) -> None:
        """(writing thread) Write `data` at the end of what is on the disk."""
        while data:
            try:
                n = os.pwrite(self.fd, data, self.on_disk)
            except OSError as exc:
                if exc.errno != errno.EINVAL or self.cached:
                    raise
                # O_DIRECT accepted at open, refused at a write (an alignment this disk
                # does not take): the rest goes through the cache
                os.close(self.fd)
                self.fd = os.open(self.path, os.O_WRONLY)
                self.cached = True
                continue
            self.on_disk += n
            data = data[n:]

    def sync(self) -> None:
        self.flush()
        if self.fill > self.hashed:
            self.hash.put(_hash_part, (self.digest, self.view, self.hashed, self.fill))
            self.hashed = self.fill
        self.hash.wait()

    def end(self) -> None:
        self.flush()
        if self.fill:
            self._submit(-(-self.fill // mmap.PAGESIZE) * mmap.PAGESIZE)  # padded, cut below
        self.hash.wait()
        self.out.wait()
        os.ftruncate(self.fd, self.pos)

    def stop(self) -> None:
        super().stop()
        self.out.stop()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        self.view.release()
        for b in self.buffers:
            with contextlib.suppress(BufferError):  # a view of it still referenced: freed with it
                b.close()

    def _write_back(self) -> None:
        pass  # nothing waits in the disk cache


def _hash_part(job: tuple[Any, memoryview, int, int]) -> None:
    digest, view, start, end = job
    digest.update(view[start:end])


@functools.lru_cache(maxsize=4096)  # stamps repeat the same few positions on every page
def num(value: float) -> bytes:
    """A PDF number as both writers put it in content streams: at most 4 decimals, no -0."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()

"""One build at a time per output folder (issue 23): an exclusive lock on OUT/.build.lock.

A second build does not wait and deletes nothing: it says who holds the folder and exits 5.
The lock is the kernel's (flock), so it goes with the process that held it, even killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from evidence import errors, times

LOCK_NAME = ".build.lock"


@contextlib.contextmanager
def hold(out: Path) -> Iterator[None]:
    path = out / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "another build"
            raise errors.OutputError(
                f"{out} is being written by another build ({holder}); wait for it to finish, "
                "or choose another --out folder. Nothing was changed.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, (f"pid {os.getpid()} on {socket.gethostname()}, started "
                       f"{times.now().isoformat(timespec='seconds')}\n").encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock

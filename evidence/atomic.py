"""Replacing a file so that no reader ever sees half of it: write beside it, fsync, rename.

One implementation for every output (dossier sidecars, encrypted copies, receipts, intake.json,
build records, the bundle, caches). The temporary file is `.NAME.partial` in the target's
folder (or a given work folder), which `batch` sweeps away after a killed build.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def replacing(path: Path, *, work: Path | None = None, durable: bool = True) -> Iterator[Path]:
    """A temporary path to write `path`'s new content to. When the block ends normally it is
    flushed to disk (unless `durable` is False: caches) and renamed over `path`; when it raises,
    it is removed and `path` is left as it was."""
    folder = work if work is not None else path.parent
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.partial"
    try:
        yield tmp
        if durable:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    with replacing(path, durable=durable) as tmp:
        tmp.write_bytes(data)

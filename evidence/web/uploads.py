"""Resumable uploads: a file arrives in chunks, appended to CASE/.inbox/<id>.part.

The browser announces a file (name, size), then sends chunks at the offset the server has; after
a dropped connection it asks for that offset and goes on from there, even after a server restart
(the spool is on disk). When every byte is there, the size and SHA-256 are checked and the file
goes through the library intake; only then is the spool dropped. The victim's file name is kept
as data in <id>.json and never used as a path here.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from evidence.web import core

UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{22}")
STALE_SECONDS = 14 * 24 * 3600  # an upload untouched for two weeks is abandoned
DONE_SECONDS = 24 * 3600  # how long a finished upload's answer is kept for a repeated finish


class UploadError(Exception):
    """A refused request: `status` is the HTTP status, `key` the label of the message."""

    def __init__(self, status: int, key: str, **values: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.values = values


@dataclasses.dataclass(frozen=True)
class Upload:
    id: str
    victim: str
    name: str
    size: int
    sha256: str | None  # what the browser computed, when it could
    received: int  # bytes on disk
    modified: float | None = None  # the file's time on the victim's device (epoch seconds)


class Spool:
    def __init__(self, inbox: Path) -> None:
        self.inbox = inbox
        inbox.mkdir(mode=0o700, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _part(self, upload_id: str) -> Path:
        return self.inbox / f"{upload_id}.part"

    def _meta(self, upload_id: str) -> Path:
        return self.inbox / f"{upload_id}.json"

    @contextlib.contextmanager
    def _lock(self, upload_id: str) -> Iterator[None]:
        """One request at a time per upload (a retried chunk racing the original)."""
        with self._guard:
            lock = self._locks.setdefault(upload_id, threading.Lock())
        if not lock.acquire(blocking=False):
            raise UploadError(409, "busy")
        try:
            yield
        finally:
            lock.release()

    def start(self, victim: str, name: str, size: int, sha256: str | None,
              modified: float | None = None) -> Upload:
        upload_id = secrets.token_urlsafe(16)
        meta = {"victim": victim, "name": name, "size": size, "sha256": sha256,
                "modified": modified, "started": time.time()}
        self._part(upload_id).touch(mode=0o600)
        core.write_bytes(self._meta(upload_id), json.dumps(meta, ensure_ascii=False).encode())
        return Upload(upload_id, victim, name, size, sha256, 0, modified)

    def get(self, victim: str, upload_id: str) -> Upload:
        """The victim's upload; another victim's (or an unknown id) is simply not found."""
        if not UPLOAD_ID.fullmatch(upload_id):
            raise UploadError(404, "no_upload")
        try:
            meta: dict[str, Any] = json.loads(self._meta(upload_id).read_text(encoding="utf-8"))
            received = self._part(upload_id).stat().st_size
        except (OSError, ValueError):
            raise UploadError(404, "no_upload") from None
        if meta.get("victim") != victim:
            raise UploadError(404, "no_upload")
        modified = meta.get("modified")
        return Upload(upload_id, victim, str(meta["name"]), int(meta["size"]), meta.get("sha256"),
                      received, float(modified) if isinstance(modified, int | float) else None)

    def pending(self, victim: str | None = None) -> list[Upload]:
        out = []
        for meta in sorted(self.inbox.glob("*.json")):
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
                if victim is None or data.get("victim") == victim:
                    out.append(self.get(str(data["victim"]), meta.stem))
            except (OSError, ValueError, KeyError, UploadError):
                continue
        return out

    async def append(self, upload: Upload, offset: int, pieces: AsyncIterator[bytes]) -> int:
        """Write the chunk's pieces at `offset` (which must be where the file ends); the new
        end. Never more than the announced size."""
        with self._lock(upload.id):
            path = self._part(upload.id)
            have = path.stat().st_size
            if offset != have:
                raise UploadError(409, "offset", offset=have)
            with path.open("r+b") as f:
                f.seek(have)
                async for piece in pieces:  # small writes to the page cache: not worth a thread
                    if have + len(piece) > upload.size:
                        f.truncate(have)
                        raise UploadError(413, "chunk_too_big")
                    f.write(piece)
                    have += len(piece)
            return have

    def complete(self, upload: Upload) -> tuple[Path, str]:
        """The finished spool file and its SHA-256, once its size (and the browser's SHA-256,
        if it sent one) match."""
        path = self._part(upload.id)
        with self._lock(upload.id):
            size = path.stat().st_size
            if size != upload.size:
                raise UploadError(409, "incomplete", received=size, size=upload.size)
            digest = hashlib.sha256()
            with path.open("rb") as f:
                while block := f.read(1 << 20):
                    digest.update(block)
            sha = digest.hexdigest()
            if upload.sha256 and upload.sha256 != sha:
                self.drop(upload.id)  # corrupted on the way: the browser sends it again
                raise UploadError(422, "hash_mismatch")
            if upload.modified is not None:  # intake records it, as for a file in a folder
                with contextlib.suppress(OSError, OverflowError, ValueError):
                    os.utime(path, (upload.modified, upload.modified))
            return path, sha

    def _done(self, upload_id: str) -> Path:
        return self.inbox / f"{upload_id}.done"

    def finished(self, upload: Upload, answer: dict[str, Any]) -> None:
        """The upload went through intake: keep its answer a while (a phone that lost it asks
        again) and drop the spooled bytes."""
        record = {"victim": upload.victim, "answer": answer}
        core.write_bytes(self._done(upload.id), json.dumps(record, ensure_ascii=False).encode())
        self.drop(upload.id)

    def answer(self, victim: str, upload_id: str) -> dict[str, Any] | None:
        """The kept answer of a finished upload of this victim, if any."""
        if not UPLOAD_ID.fullmatch(upload_id):
            return None
        try:
            record = json.loads(self._done(upload_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return dict(record["answer"]) if record.get("victim") == victim else None

    def drop(self, upload_id: str) -> None:
        self._part(upload_id).unlink(missing_ok=True)
        self._meta(upload_id).unlink(missing_ok=True)
        with self._guard:
            self._locks.pop(upload_id, None)

    def sweep(self, now: float | None = None) -> int:
        """Remove abandoned uploads (and half-written metadata of a killed start)."""
        now = now or time.time()
        n = 0
        for path in self.inbox.iterdir():
            with contextlib.suppress(OSError):
                if path.name.startswith(".") and path.name.endswith(".partial"):
                    path.unlink()
                elif now - path.stat().st_mtime > (DONE_SECONDS if path.suffix == ".done"
                                                   else STALE_SECONDS):
                    path.unlink()
                    n += path.suffix == ".part"
        return n

    def bytes_pending(self, victim: str) -> int:
        return sum(u.size for u in self.pending(victim))


def file_size_ok(size: object) -> bool:
    return isinstance(size, int) and not isinstance(size, bool) and size >= 0


def clean_sha(value: object) -> str | None:
    return value.lower() if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{64}", value) else None



def clean_time(value: object) -> float | None:
    """The browser's File.lastModified (milliseconds) as epoch seconds, when plausible."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 4102444800000:
        return float(value) / 1000
    return None

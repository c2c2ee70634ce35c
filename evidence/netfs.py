"""Is a path on a network file system? (issue 22: shared storage for a Dask cluster)

batch.Hashes remembers a file's SHA-256 with its (size, mtime, ctime, inode), as git's index
does. On NFS, SMB, CephFS and the like that shortcut is not the truth: attributes are cached by
each client for seconds, another machine's clock set the times, and inode numbers can be reused
after a server restart. There the content is hashed every time. Read from /proc/self/mountinfo
(Linux); anywhere it cannot be read, nothing is taken for a network file system.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

# file system types whose files other machines may change (fuse.* are named by their daemon)
NETWORK = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "ceph", "glusterfs", "lustre",
    "gpfs", "beegfs", "9p", "fuse.sshfs", "fuse.glusterfs", "fuse.cephfs", "fuse.s3fs",
    "fuse.gcsfuse", "fuse.juicefs", "fuse.rclone", "fuse.beegfs", "fuse.lizardfs",
    "fuse.moosefs",
})
MOUNTINFO = Path("/proc/self/mountinfo")


@functools.cache
def _mounts(table: Path = MOUNTINFO) -> tuple[tuple[str, str], ...]:
    """(mount point, file system type), longest mount point first."""
    try:
        lines = table.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ()
    found = []
    for line in lines:
        left, _, right = line.partition(" - ")
        fields, after = left.split(), right.split()
        if len(fields) >= 5 and after:  # octal escapes (\040 for a space) as the kernel writes
            point = fields[4].encode().decode("unicode_escape")
            found.append((point, after[0]))
    return tuple(sorted(found, key=lambda m: len(m[0]), reverse=True))


def remote(path: str | Path, table: Path = MOUNTINFO) -> bool:
    """True when `path` (absolute, or relative to the working folder) is on a network file
    system."""
    full = os.path.abspath(path)  # noqa: PTH100 (a string, as batch.Hashes keeps them)
    return _remote_folder(os.path.dirname(full), table)  # noqa: PTH120


@functools.lru_cache(maxsize=4096)  # a build asks for thousands of files in few folders
def _remote_folder(full: str, table: Path) -> bool:
    for point, kind in _mounts(table):
        if full == point or full.startswith(point.rstrip("/") + "/"):
            return kind in NETWORK
    return False

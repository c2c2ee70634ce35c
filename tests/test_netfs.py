"""Issue 22: on a network file system a file's remembered hash is not trusted from its stat."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from evidence import batch, netfs

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:40 / /mnt/case\\040files rw,relatime shared:2 - nfs4 srv:/export/case rw,vers=4.2
41 40 0:41 / /mnt/case\\040files/local rw,relatime shared:3 - ext4 /dev/sdb1 rw
42 22 0:42 / /srv/cifs rw - cifs //nas/evidence rw
"""


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "mountinfo"
    path.write_text(MOUNTINFO, encoding="utf-8")
    return path


def test_paths_are_matched_to_their_mount(table: Path) -> None:
    assert netfs.remote("/mnt/case files/out/V001/dossier.pdf", table)
    assert netfs.remote("/srv/cifs/a.jpg", table)
    assert not netfs.remote("/mnt/case files/local/scratch.bin", table)  # a local disk inside
    assert not netfs.remote("/mnt/case filesX/a", table)  # a prefix is not a mount point
    assert not netfs.remote("/home/lawyer/case/out/bundle.pdf", table)
    assert not netfs.remote("/anything", table.parent / "missing")  # unreadable: local


def test_a_remembered_hash_is_used_locally_but_not_on_a_network_fs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out" / "dossier.pdf"
    path.parent.mkdir()
    path.write_bytes(b"%PDF-1.7 the real bytes")
    real = hashlib.sha256(path.read_bytes()).hexdigest()
    hashes = batch.Hashes(None)
    # what a stale cache would say: the same (size, mtime, ctime, inode), another hash
    hashes.files[str(path)] = [*batch.Hashes._stat(path), "0" * 64]
    assert hashes.sha(path) == "0" * 64  # local disk: the stat is trusted (git's index rule)
    mounts = ((str(tmp_path), "nfs4"), ("/", "ext4"))
    monkeypatch.setattr(netfs, "_mounts", lambda _table=None: mounts)
    netfs._remote_folder.cache_clear()
    try:
        assert hashes.sha(path) == real  # NFS: the content decides
    finally:
        netfs._remote_folder.cache_clear()

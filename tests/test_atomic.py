"""evidence.atomic: a target is replaced whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence import atomic


def test_replaces_the_target_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.json"
    atomic.write_bytes(target, b"first")
    atomic.write_bytes(target, b"second", durable=False)
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]


def test_a_failure_leaves_the_old_file_and_removes_the_partial_one(tmp_path: Path) -> None:
    target = tmp_path / "dossier.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic.replacing(target) as tmp:
        tmp.write_bytes(b"half of the new")
        raise RuntimeError("killed while writing")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossier.pdf"]


def test_a_work_folder_keeps_the_partial_file_out_of_the_target_folder(tmp_path: Path) -> None:
    target, work = tmp_path / "victim" / "intake.json", tmp_path / "work"
    target.parent.mkdir()
    with atomic.replacing(target, work=work) as tmp:
        assert tmp.parent == work
        assert list(target.parent.iterdir()) == []
        tmp.write_bytes(b"{}")
    assert target.read_bytes() == b"{}" and list(work.iterdir()) == []


def test_a_large_replaced_file_is_freed_by_a_helper_not_left_behind(tmp_path: Path) -> None:
    import contextlib
    import time

    target = tmp_path / "bundle.pdf"
    target.write_bytes(b"old" * 1000)
    reader = target.open("rb")  # a viewer with the old bundle open keeps reading it
    with atomic.replacing(target, free_old_later=True) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.pdf"]
    assert reader.read() == b"old" * 1000
    reader.close()
    helper = atomic._HELPERS[-1]
    deadline = time.monotonic() + 10
    while helper.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert helper.returncode == 0
    held = []
    for fd in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):
            held.append(str(fd.readlink()))
    assert not [h for h in held if h.startswith(str(target))]  # this process holds no copy

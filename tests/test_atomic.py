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

"""issue 16: `sms.db-wal` / `sms.db-shm` beside their database belong to it.

The sample in tests/data/ios_sms/wal/ was copied off an open database: `sms.db` itself holds one
bank notice, its `-wal` journal a second. Both must be read (from a temporary copy, the
originals untouched), and the -wal/-shm must be listed as parts of the database — never as two
rejected files, never as exhibits of their own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import make_case

from evidence import collect, config, pipeline
from evidence.model import FileKind, Status

WAL = Path(__file__).resolve().parent / "data" / "ios_sms" / "wal"
DB = "originals/iPhone/sms.db"


def _case(tmp_path: Path, *, empty_wal: bool = False) -> tuple[Path, Path]:
    case = make_case(tmp_path)
    folder = case / "victims" / "V001" / "originals" / "iPhone"
    folder.mkdir(parents=True)
    for part in ("sms.db", "sms.db-wal", "sms.db-shm"):
        shutil.copyfile(WAL / part, folder / part)
    if empty_wal:  # a journal already merged: SQLite leaves it empty
        (folder / "sms.db-wal").write_bytes(b"")
    return case, folder


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_journal_is_read_with_its_database_and_listed_as_its_part(tmp_path: Path) -> None:
    case_folder, folder = _case(tmp_path)
    before = _bytes(folder)
    case, _ = config.load_case(case_folder)
    got = collect.victim(case, "V001")
    files = {f.path: f for f in got.inventory.files}
    assert sorted(files) == [DB, DB + "-shm", DB + "-wal"]
    assert all(f.status is Status.ACCEPTED for f in files.values())
    assert files[DB].part_of is None and files[DB].kind is FileKind.SMS_DB
    for part in ("-wal", "-shm"):
        assert files[DB + part].part_of == DB
        assert DB in (files[DB + part].reason or "")
    assert not [i for i in got.issues if i.path and i.path.endswith(("-wal", "-shm"))]
    # the message only in the journal is there: two debits, both citing the database
    notices = [e for e in got.timeline.events if e.source.path == DB]
    assert [e.source.locator for e in notices] == ["message rowid 1", "message rowid 2"]
    assert "228,000.00元" in notices[1].details["body"]
    assert "db_wal_used" in {i.code for i in got.issues}
    assert _bytes(folder) == before  # read from a copy: nothing written beside the evidence

    out = tmp_path / "out"
    pipeline.build_victim(case, "V001", out)
    inventory = json.loads((out / "V001" / "inventory.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in inventory["files"]}
    assert listed[DB + "-wal"]["part_of"] == DB and listed[DB + "-wal"]["status"] == "accepted"
    # 证据1 is the order sheet from victim.toml (no file proves the order); the database next
    assert listed[DB + "-wal"]["exhibit"] == listed[DB]["exhibit"] == "证据2"
    # the parts are not exhibits (victim.toml: the order sheet, the claimant's statement)
    assert [e["path"] for e in inventory["exhibits"]] == ["victim.toml", DB]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out / "V001" / "dossier.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "sms.db-wal" in text and "sms.db-shm" in text  # in the custody appendix
    assert _bytes(folder) == before


@pytest.mark.parametrize("empty_wal", [True])
def test_an_empty_journal_is_a_part_not_an_empty_file(tmp_path: Path, empty_wal: bool) -> None:
    case_folder, _ = _case(tmp_path, empty_wal=empty_wal)
    case, _ = config.load_case(case_folder)
    got = collect.victim(case, "V001")
    wal = next(f for f in got.inventory.files if f.path.endswith("-wal"))
    assert (wal.status, wal.part_of) == (Status.ACCEPTED, DB)
    assert "zero_byte" not in {i.code for i in got.issues}
    # without its journal the database holds only what was checkpointed
    assert [e.source.locator for e in got.timeline.events if e.source.path == DB] == ["message rowid 1"]

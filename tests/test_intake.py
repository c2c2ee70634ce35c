"""intake.py: submissions as victims send them (folders and zips), hostile ones included."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import make_case
from typer.testing import CliRunner

import cli
from evidence import config, inventory, times
from evidence import intake as intake_mod
from evidence.errors import InputError, UsageError

WHEN = dt.datetime(2015, 3, 25, 2, 0, tzinfo=dt.UTC)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tree(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every regular file under folder."""
    return {p.relative_to(folder).as_posix(): sha(p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def load(tmp_path: Path, victims=("V001",), language="zh-Hans"):
    case, _ = config.load_case(make_case(tmp_path, victims, language=language))
    return case


def run(source: Path, case, victim="V001", **kw):
    return intake_mod.intake(source, case, victim, now=WHEN, **kw)


@pytest.fixture
def submission(tmp_path: Path, corpus: Path) -> Path:
    """A folder as a victim exports it: Chinese names, spaces, sub-folders, real files."""
    src = tmp_path / "余某某 提交"
    (src / "截图").mkdir(parents=True)
    (src / "短信 备份").mkdir()
    shutil.copy(corpus / "images/exif-samples__HMD_Nokia_8.3_5G.jpg", src / "截图/退款 页面.jpg")
    shutil.copy(corpus / "sms-backup-restore/devadvance__sms_small.xml",
                src / "短信 备份/sms-20150318.xml")
    (src / "说明.txt").write_text("3月18日晚接到假客服电话。\n", encoding="utf-8")
    (src / "empty.dat").write_bytes(b"")
    return src


def test_folder_intake_copies_hashes_records_and_writes_a_receipt(tmp_path, submission):
    case = load(tmp_path)
    before = tree(submission)
    result = run(submission, case)
    folder = case.folder / "victims/V001"
    assert sorted(s.stored_path for s in result.stored) == [
        "originals/empty.dat", "originals/截图/退款 页面.jpg", "originals/短信 备份/sms-20150318.xml",
        "originals/说明.txt"]
    assert result.rejected == () and result.duplicates == ()
    # bytes are identical and the source is untouched
    assert tree(folder / "originals") == before
    assert tree(submission) == before
    records = json.loads((folder / "intake.json").read_text(encoding="utf-8"))
    assert {r["original_path"]: r["sha256"] for r in records} == before
    jpg = next(r for r in records if r["original_path"] == "截图/退款 页面.jpg")
    # the file time the submission gave, recorded: a later copy of the case cannot change it
    modified = jpg.pop("modified")
    assert modified == times.iso(times.from_mtime((submission / "截图/退款 页面.jpg").stat().st_mtime), times.UTC)
    assert jpg == {"original_path": "截图/退款 页面.jpg", "stored_path": "originals/截图/退款 页面.jpg",
                   "sha256": before["截图/退款 页面.jpg"],
                   "size": (submission / "截图/退款 页面.jpg").stat().st_size,
                   "received": "2015-03-25T02:00:00+00:00", "submission": "余某某 提交"}
    receipt = (folder / "receipt.txt").read_text(encoding="utf-8")
    assert "证据接收回执" in receipt and "余某某等诉某电商平台网络购物合同纠纷" in receipt
    for name, digest in before.items():
        assert f"originals/{name}" in receipt and digest in receipt
    assert "共接收 4 个文件" in receipt
    # a victim.toml existed already (make_case wrote one): it is not replaced
    assert not result.victim_toml_created


def test_victim_toml_template_is_created_and_loads_cleanly(tmp_path, submission):
    case = load(tmp_path, victims={})
    result = run(submission, case, "V002")
    assert result.victim_toml_created
    text = (case.folder / "victims/V002/victim.toml").read_text(encoding="utf-8")
    for key in (*config.VICTIM_KEYS, *config.ORDER_KEYS, *config.COMPENSATION_KEYS,
                *config.EVENT_KEYS, "purpose", "[[orders]]", "[compensation]", "[[events]]"):
        assert key in text
    victim, issues = config.load_victim(case, "V002")
    assert victim.config_found and issues == []
    # uncommenting the template's example lines gives a valid victim.toml with no warnings
    (case.folder / "victims/V002/originals/截图/退款页面.png").parent.mkdir(exist_ok=True)
    (case.folder / "victims/V002/originals/截图/退款页面.png").write_bytes(b"x")
    lines = [line[2:] if (line.startswith("# ") and "=" in line) or line.startswith("# [")
             else line for line in text.splitlines()]
    (case.folder / "victims/V002/victim.toml").write_text("\n".join(lines), encoding="utf-8")
    victim, issues = config.load_victim(case, "V002")
    assert issues == []
    assert victim.name == "余某某" and victim.orders[0].id == "9134567890"


def test_rerun_is_idempotent(tmp_path, submission):
    case = load(tmp_path)
    run(submission, case)
    folder = case.folder / "victims/V001"
    records = (folder / "intake.json").read_bytes()
    originals = tree(folder / "originals")
    again = run(submission, case)
    assert again.stored == ()
    assert len(again.duplicates) == 4
    assert (folder / "intake.json").read_bytes() == records
    assert tree(folder / "originals") == originals
    # no work folders left behind in the case
    assert [p.name for p in case.folder.iterdir() if p.name.startswith(".")] == []


def test_same_name_different_bytes_never_overwrites(tmp_path):
    case = load(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, text in ((first, "第一次"), (second, "第二次")):
        (folder / "截图").mkdir(parents=True)
        (folder / "截图/微信 图片.txt").write_text(text, encoding="utf-8")
    run(first, case)
    result = run(second, case)
    assert [s.stored_path for s in result.stored] == ["originals/截图/微信 图片 (2).txt"]
    originals = case.folder / "victims/V001/originals/截图"
    assert (originals / "微信 图片.txt").read_text(encoding="utf-8") == "第一次"
    assert (originals / "微信 图片 (2).txt").read_text(encoding="utf-8") == "第二次"
    # the same second submission again: recorded once
    assert run(second, case).stored == ()
    # a third version takes (3)
    (second / "截图/微信 图片.txt").write_text("第三次", encoding="utf-8")
    assert [s.stored_path for s in run(second, case).stored] == ["originals/截图/微信 图片 (3).txt"]


def test_files_named_like_the_tools_own_are_still_received(tmp_path):
    case = load(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    (src / "receipt.txt").write_text("淘宝收据", encoding="utf-8")
    (src / "intake.json").write_text("{}", encoding="utf-8")
    result = run(src, case)
    assert sorted(s.stored_path for s in result.stored) == [
        "originals/intake.json", "originals/receipt.txt"]


def test_same_bytes_under_another_name_are_stored_once(tmp_path):
    case = load(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("同一内容", encoding="utf-8")
    (src / "b.txt").write_text("同一内容", encoding="utf-8")
    result = run(src, case)
    assert [s.stored_path for s in result.stored] == ["originals/a.txt"]
    assert [(d.original_path, d.stored_path) for d in result.duplicates] == [
        ("b.txt", "originals/a.txt")]


def test_folder_symlink_outside_the_case_is_refused_and_not_followed(tmp_path):
    case = load(tmp_path)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0", encoding="utf-8")
    src = tmp_path / "src"
    src.mkdir()
    (src / "ok.txt").write_text("x", encoding="utf-8")
    (src / "link.txt").symlink_to(secret / "passwd")
    (src / "linkdir").symlink_to(secret, target_is_directory=True)
    result = run(src, case)
    assert sorted((r.original_path, r.code) for r in result.rejected) == [
        ("link.txt", "symlink"), ("linkdir", "symlink")]
    assert result.rejected[0].reason == "符号链接 link.txt，未跟随：请直接提供文件本身。"
    assert tree(case.folder / "victims/V001/originals") == {"ok.txt": sha(b"x")}
    records = json.loads((case.folder / "victims/V001/intake.json").read_text(encoding="utf-8"))
    assert sorted(r["original_path"] for r in records if "reason" in r) == ["link.txt", "linkdir"]


# ---- zips ---------------------------------------------------------------------------------


def write_zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return path


def rename_raw(path: Path, placeholder: str, raw: bytes) -> None:
    """Put raw (non-UTF-8-flagged) name bytes in place of an ASCII placeholder of equal length."""
    data = path.read_bytes()
    assert len(placeholder.encode()) == len(raw) and data.count(placeholder.encode()) == 2
    path.write_bytes(data.replace(placeholder.encode(), raw))


def test_zip_with_gbk_and_unflagged_utf8_names(tmp_path):
    case = load(tmp_path)
    gbk = "微信截图/转账记录.png".encode("gbk")
    utf8 = "录音 通话.amr".encode()
    z = write_zip(tmp_path / "来自微信.zip", [
        ("A" * (len(gbk) - 4) + ".png", b"gbk-named"),
        ("B" * (len(utf8) - 4) + ".amr", b"utf8-named"),
        ("plain.txt", b"ascii"),
    ])
    rename_raw(z, "A" * (len(gbk) - 4) + ".png", gbk)
    rename_raw(z, "B" * (len(utf8) - 4) + ".amr", utf8)
    with zipfile.ZipFile(z) as check:  # as the zipfile module sees it: CP437 mojibake
        assert not any(i.flag_bits & 0x800 for i in check.infolist())
        assert "微信" not in check.namelist()[0]
    result = run(z, case)
    assert sorted(s.stored_path for s in result.stored) == [
        "originals/plain.txt", "originals/录音 通话.amr", "originals/微信截图/转账记录.png"]
    stored = case.folder / "victims/V001/originals"
    assert (stored / "微信截图/转账记录.png").read_bytes() == b"gbk-named"
    records = json.loads((case.folder / "victims/V001/intake.json").read_text(encoding="utf-8"))
    assert {r["submission"] for r in records} == {"来自微信.zip"}
    assert {r["submission_sha256"] for r in records} == {sha(z.read_bytes())}


def test_zip_slip_entries_are_refused_and_nothing_is_written_outside(tmp_path):
    case = load(tmp_path, language="en")
    z = write_zip(tmp_path / "slip.zip", [
        ("../evil.txt", b"evil"), ("/tmp/evil-abs.txt", b"evil"), ("C:\\evil.txt", b"evil"),
        ("a/../../evil2.txt", b"evil"), ("..\\evil3.txt", b"evil"), ("good/ok.txt", b"ok"),
    ])
    before = tree(tmp_path)
    result = run(z, case)
    assert [s.stored_path for s in result.stored] == ["originals/good/ok.txt"]
    assert [(r.original_path, r.code) for r in result.rejected] == [
        ("../evil.txt", "zip_slip"), ("/tmp/evil-abs.txt", "zip_slip"), ("C:\\evil.txt", "zip_slip"),
        ("a/../../evil2.txt", "zip_slip"), ("..\\evil3.txt", "zip_slip")]
    assert result.rejected[0].reason == (
        "Zip entry ../evil.txt points outside the archive (../, an absolute path or a drive "
        "letter); refused, nothing written.")
    after = tree(tmp_path)
    new = sorted(set(after) - set(before))
    assert all(p.startswith("case/victims/V001/") for p in new), new
    assert not any("evil" in p for p in new)
    assert not Path("/tmp/evil-abs.txt").exists()


def test_zip_bomb_entry_ratio_is_refused_saying_which(tmp_path):
    case = load(tmp_path, language="en")
    z = write_zip(tmp_path / "bomb.zip", [("zeros.bin", bytes(20 << 20)), ("ok.txt", b"fine")])
    result = run(z, case)
    (bad,) = result.rejected
    assert bad.code == "zip_ratio" and bad.original_path == "zeros.bin"
    assert "zeros.bin" in bad.reason and ":1, above the 200:1 safety limit" in bad.reason
    assert [s.stored_path for s in result.stored] == ["originals/ok.txt"]
    assert not (case.folder / "victims/V001/originals/zeros.bin").exists()


def test_zip_bomb_total_size_refuses_the_whole_zip_before_writing(tmp_path):
    case = load(tmp_path, victims={})
    z = write_zip(tmp_path / "big.zip", [("a.bin", os.urandom(4000)), ("b.bin", os.urandom(4000))])
    with pytest.raises(InputError, match=r"would unpack to .* more than the .* limit"):
        run(z, case, limits=intake_mod.Limits(total=6000))
    assert not (case.folder / "victims").exists() or not any((case.folder / "victims").rglob("*"))


def test_zip_symlink_and_encrypted_entries_are_refused(tmp_path):
    case = load(tmp_path)
    link = zipfile.ZipInfo("passwd-link")
    link.external_attr = (0o120777 << 16)
    link.create_system = 3
    z = write_zip(tmp_path / "mixed.zip", [("secret.txt", b"locked content"), (link, b"/etc/passwd"),
                                           ("ok.txt", b"ok")])
    # mark the first entry encrypted (general purpose bit 0) in its local and central headers
    data = bytearray(z.read_bytes())
    assert data[:4] == b"PK\x03\x04"
    data[6] |= 1
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 1
    z.write_bytes(bytes(data))
    result = run(z, case)
    assert [(r.original_path, r.code) for r in result.rejected] == [
        ("secret.txt", "zip_encrypted"), ("passwd-link", "zip_symlink")]
    assert result.rejected[0].reason.startswith("压缩包内的文件 secret.txt 已加密")
    assert [s.stored_path for s in result.stored] == ["originals/ok.txt"]


def test_nested_zip_is_copied_as_a_file(tmp_path):
    case = load(tmp_path)
    inner = write_zip(tmp_path / "inner.zip", [("x.txt", b"x")])
    outer = write_zip(tmp_path / "outer.zip", [("备份/inner.zip", inner.read_bytes())])
    result = run(outer, case)
    assert [s.stored_path for s in result.stored] == ["originals/备份/inner.zip"]
    assert (case.folder / "victims/V001/originals/备份/inner.zip").read_bytes() == inner.read_bytes()


def test_damaged_zip_entry_is_refused(tmp_path):
    case = load(tmp_path)
    z = write_zip(tmp_path / "crc.zip", [("a.txt", b"hello world " * 100)])
    data = bytearray(z.read_bytes())
    data[40] ^= 0xFF  # inside the compressed data of the only entry
    z.write_bytes(bytes(data))
    result = run(z, case)
    assert [r.code for r in result.rejected] == ["zip_damaged"]
    assert list((case.folder / "victims/V001/originals").rglob("*")) == []


def test_not_a_zip_and_missing_source(tmp_path):
    case = load(tmp_path)
    (tmp_path / "fake.zip").write_bytes(b"not a zip")
    with pytest.raises(InputError, match="not a readable zip"):
        run(tmp_path / "fake.zip", case)
    with pytest.raises(InputError, match="does not exist"):
        run(tmp_path / "nothing", case)


def test_single_file_submission(tmp_path, corpus):
    case = load(tmp_path)
    src = tmp_path / "通话录音 0318.amr"
    shutil.copy(corpus / "audio/androidx-media__sample_nb.amr", src)
    result = run(src, case)
    assert [s.stored_path for s in result.stored] == ["originals/通话录音 0318.amr"]


@pytest.mark.parametrize("victim_id", ["../V1", "a/b", ".hidden", "", " V1"])
def test_bad_victim_ids_are_usage_errors(tmp_path, victim_id):
    case = load(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    with pytest.raises(UsageError):
        run(src, case, victim_id)


def test_source_inside_the_case_is_refused(tmp_path):
    case = load(tmp_path)
    with pytest.raises(UsageError, match="inside the case folder"):
        run(case.folder / "victims/V001", case)


def test_zip_name_decoding():
    info = zipfile.ZipInfo("x")
    info.filename = "微信".encode("gbk").decode("cp437")
    assert intake_mod.zip_name(info) == "微信"
    info.filename = "café".encode("cp437").decode("cp437")
    assert intake_mod.zip_name(info) == "café"
    flagged = zipfile.ZipInfo("微信")
    flagged.flag_bits |= 0x800
    assert intake_mod.zip_name(flagged) == "微信"


def test_intake_json_is_never_left_half_written(tmp_path, submission):
    case = load(tmp_path)
    run(submission, case)
    path = case.folder / "victims/V001/intake.json"
    path.write_text("[{broken", encoding="utf-8")
    with pytest.raises(InputError, match=r"intake\.json cannot be read"):
        run(submission, case)
    assert path.read_text(encoding="utf-8") == "[{broken"


# ---- CLI ----------------------------------------------------------------------------------


def test_cli_intake_summary_and_exit_codes(tmp_path, submission):
    folder = make_case(tmp_path, [], language="en")
    runner = CliRunner()
    ok = runner.invoke(cli.app, ["intake", str(submission), "--case", str(folder),
                                 "--victim", "V001"])
    assert ok.exit_code == 0, ok.output
    assert "Received 4 new file(s), 0 duplicate(s), 0 rejected." in ok.output
    assert "receipt.txt" in ok.output and "victim.toml template" in ok.output
    z = write_zip(tmp_path / "slip.zip", [("../evil.txt", b"e")])
    bad = runner.invoke(cli.app, ["intake", str(z), "--case", str(folder), "--victim", "V001"])
    assert bad.exit_code == 3
    assert "Received 0 new file(s), 0 duplicate(s), 1 rejected." in bad.output
    assert "../evil.txt" in bad.output
    missing = runner.invoke(cli.app, ["intake", str(submission), "--case", str(tmp_path / "no"),
                                      "--victim", "V001"])
    assert missing.exit_code == 4
    assert "Traceback" not in missing.output


def test_inventory_reads_what_intake_recorded(tmp_path, submission):
    case = load(tmp_path)
    run(submission, case)
    records = inventory.read_intake(case.folder / "victims/V001")
    assert len(records) == 4

"""issue 23, through the CLI: CSV injection, templates, ids, file names, limits, custody."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from typer.testing import CliRunner

import cli
from tests.conftest import make_case
from tests.test_redact import _sms_xml


def run(*args: str) -> tuple[int, str]:
    """Exit code and standard output (stderr apart) of `evidence ARGS`."""
    result = CliRunner().invoke(cli.app, list(args), env={"COLUMNS": "400"})
    return result.exit_code, result.stdout


def run_err(*args: str) -> tuple[int, str]:
    """Exit code and everything printed."""
    result = CliRunner().invoke(cli.app, list(args), env={"COLUMNS": "400"})
    return result.exit_code, result.output


# ---- CSV: one writer, formulas neutralised (OWASP) ------------------------------------------


FORMULAS = ["=HYPERLINK(\"http://evil\",\"点我\")", "@SUM(1)", "-2+3", "+1+1", "\t=1+1",
            "\r=1+1", "＝1+1", "  =1"]


def test_timeline_csv_neutralises_formulas(tmp_path: Path) -> None:
    import json

    from tests.conftest import VICTIM_TOML

    events = "".join(f'\n[[events]]\ntime = "2015-03-2{k} 10:00"\nkind = "other"\n'
                     f"summary = {json.dumps(f)}\n" for k, f in enumerate(FORMULAS))
    case = make_case(tmp_path, {"V001": VICTIM_TOML + events})
    folder = case / "victims" / "V001" / "originals" / "SMSBackupRestore"
    folder.mkdir(parents=True)
    (folder / "sms-20150320103000.xml").write_text(_sms_xml(FORMULAS), encoding="utf-8")
    code, out = run("timeline", str(case), "--victim", "V001", "--format", "csv")
    assert code == 0, out
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    head = rows[0]
    summaries = [r[head.index("summary")] for r in rows[1:] if r]
    for f in FORMULAS[:4]:  # victim.toml's own events (the others are trimmed on reading)
        assert "'" + f in summaries, f
    for row in rows[1:]:
        for value in row:
            first = value.lstrip(" ")[:1]
            assert first not in ("=", "+", "@", "\t", "\r", "＝") or value.startswith("'"), row
            assert not (first == "-" and "+" in value), row


def test_csv_cell_rule() -> None:
    from evidence import csvout

    assert [csvout.cell(v) for v in FORMULAS] == ["'" + v for v in FORMULAS]
    assert csvout.cell("-599.00") == "-599.00"  # a plain number stays a number
    assert csvout.cell("余某某") == "余某某" and csvout.cell(None) == ""


# ---- one pixel limit ------------------------------------------------------------------------


def _bomb_png(path: Path, width: int, height: int) -> None:
    """A valid RGBA PNG of width×height transparent pixels, a few hundred KB on disk."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\x00" * (4 * width)
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(row) for _ in range(height)) + comp.flush()
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
                     + chunk(b"IDAT", body) + chunk(b"IEND", b""))


def test_an_image_check_refuses_is_not_embedded_by_build(tmp_path: Path) -> None:
    """15000×15000 RGBA: refused by check AND by build (before: build embedded it, 5.9 GB)."""
    import subprocess

    import pikepdf

    from evidence.render import images  # the import that used to raise the limit
    assert images is not None

    case = make_case(tmp_path)
    shots = case / "victims" / "V001" / "originals" / "Pictures"
    shots.mkdir(parents=True)
    _bomb_png(shots / "Screenshot_20150318-201500.png", 15000, 15000)
    code, out = run_err("check", str(case))
    assert code == 3, out
    assert "Screenshot_20150318-201500.png" in out
    code, out = run_err("build", str(case), "--victim", "V001", "--out", str(tmp_path / "out"))
    pdf = tmp_path / "out" / "V001" / "dossier.pdf"
    with pikepdf.open(pdf) as doc:
        biggest = max((int(x.obj.get("/Width", 0)) * int(x.obj.get("/Height", 0))
                       for page in doc.pages for x in page.get_images()), default=0)
    assert biggest < 15000 * 15000
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    # the custody appendix's first column (the path wraps inside it): listed as refused,
    # not silently dropped
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if "SHA-256" in line and "大小" in line)
    col = lines[head].index("SHA-256")
    first_column = "".join(line[:col].strip() for line in lines[head + 1:head + 8])
    assert "originals/Pictures/Screenshot_20150318-201500.png" in first_column, first_column
    plain = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "未采用：图片声称的像素数" in plain.replace("\n", "")


# ---- intake: limits, names, custody -----------------------------------------------------------


def _intake(source: Path, case: Path, victim: str = "V001") -> tuple[int, str]:
    return run_err("intake", str(source), "--case", str(case), "--victim", victim)


def _records(case: Path, victim: str = "V001") -> list[dict[str, object]]:
    import json

    return json.loads((case / "victims" / victim / "intake.json").read_text("utf-8"))


def test_zip_with_100000_entries_is_refused_quickly(tmp_path: Path) -> None:
    import time
    import zipfile

    case = make_case(tmp_path)
    src = tmp_path / "many.zip"
    with zipfile.ZipFile(src, "w") as z:
        for i in range(100_000):
            z.writestr(f"f/{i}.txt", "x")
    started = time.perf_counter()
    code, out = _intake(src, case)
    assert code == 3, out
    assert time.perf_counter() - started < 30
    assert "100,000" in out and "20,000" in out and "nothing was written" in out
    assert not (case / "victims" / "V001" / "originals").exists()


def test_receipt_pdf_summarises_beyond_its_row_limit(tmp_path: Path, monkeypatch: object) -> None:
    import subprocess

    from evidence.render import receipt

    monkeypatch.setattr(receipt, "MAX_ROWS", 5)  # type: ignore[attr-defined]
    case = make_case(tmp_path)
    src = tmp_path / "sub"
    src.mkdir()
    for i in range(8):
        (src / f"note-{i}.txt").write_text(f"第{i}条", encoding="utf-8")
    code, out = _intake(src, case)
    assert code == 0, out
    text = subprocess.run(["pdftotext", str(case / "victims" / "V001" / "receipt.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout.replace("\n", "")
    assert "另有 3 项未在此逐一列出" in text
    assert "note-4.txt" in text and "note-7.txt" not in text
    assert "note-7.txt" in (case / "victims" / "V001" / "receipt.txt").read_text("utf-8")


def test_control_characters_in_names_are_escaped(tmp_path: Path) -> None:
    case = make_case(tmp_path)
    src = tmp_path / "sub"
    src.mkdir()
    forged = "a.txt\n  99 | forged.jpg | 1 | 00 | forged.jpg"
    (src / forged).write_text("x", encoding="utf-8")
    (src / "\x1b[31mred\x1b[0m.txt").write_text("y", encoding="utf-8")
    (src / "photo\u202egpj.exe").write_text("z", encoding="utf-8")
    code, out = _intake(src, case)
    assert code == 0, out
    receipt = (case / "victims" / "V001" / "receipt.txt").read_text("utf-8")
    assert not any(line.lstrip().startswith("99 |") for line in receipt.splitlines())
    assert "a.txt\\n  99 | forged.jpg" in receipt
    assert "\x1b" not in receipt and "\\x1b[31mred" in receipt and "\\u202e" in receipt
    # the stored file and its record keep the name exactly
    assert (case / "victims" / "V001" / "originals" / forged).is_file()
    assert forged in {r["original_path"] for r in _records(case)}
    code, out = run_err("check", str(case))
    assert "\x1b" not in out and "\u202e" not in out and "\\x1b[31mred" in out


def test_long_entry_paths_and_names_are_stored(tmp_path: Path) -> None:
    import zipfile

    case = make_case(tmp_path)
    src = tmp_path / "long.zip"
    deep = "/".join(["目录" * 20] * 60) + "/短信.txt"  # about 7,000 bytes, 5,000 characters
    long_name = "截图" * 60 + ".png"  # 364 bytes in UTF-8
    with zipfile.ZipFile(src, "w") as z:
        z.writestr(deep, "deep")
        z.writestr(long_name, "long")
    code, out = _intake(src, case)
    assert code == 0, out
    records = {r["original_path"]: r for r in _records(case)}
    assert set(records) == {deep, long_name}
    folder = case / "victims" / "V001"
    for r in records.values():
        stored = folder / str(r["stored_path"])
        assert stored.is_file()
        assert all(len(part.encode()) <= 255 for part in stored.relative_to(folder).parts)
        assert stored.read_text("utf-8") in ("deep", "long")
    assert str(records[long_name]["stored_path"]).startswith("originals/截图截图")
    assert str(records[long_name]["stored_path"]).endswith(".png")
    assert (folder / "receipt.pdf").is_file()


def test_a_fifo_named_zip_is_refused_at_once(tmp_path: Path) -> None:
    import os
    import time

    case = make_case(tmp_path)
    fifo = tmp_path / "x.zip"
    os.mkfifo(fifo)
    started = time.perf_counter()
    code, out = _intake(fifo, case)
    assert code == 3, out
    assert "not a regular file" in out
    assert time.perf_counter() - started < 10


def test_a_folder_has_the_size_cap_of_a_zip(tmp_path: Path) -> None:
    case = make_case(tmp_path)
    src = tmp_path / "big"
    src.mkdir()
    with (src / "video.mp4").open("wb") as f:  # sparse: 3 GiB on paper, nothing on disk
        f.truncate(3 << 30)
    code, out = _intake(src, case)
    assert code == 3, out
    assert "more than the 2.0 GiB limit" in out
    assert not (case / "victims" / "V001" / "originals").exists()


def test_a_stored_file_without_record_is_adopted(tmp_path: Path, monkeypatch: object) -> None:
    """The disk filled up after the file was stored, before intake.json: the next intake records
    it (adopted, with its hash) instead of calling it a duplicate of itself."""
    import hashlib

    from evidence import errors, intake

    case = make_case(tmp_path)
    src = tmp_path / "sub"
    src.mkdir()
    (src / "IMG_1.jpg").write_bytes(b"\xff\xd8photo\xff\xd9")

    def full(path: Path, text: str, work: Path) -> None:
        raise errors.OutputError(f"cannot write {path} (No space left on device)")

    monkeypatch.setattr(intake, "_write_atomic", full)  # type: ignore[attr-defined]
    code, out = _intake(src, case)
    assert code == 5, out
    stored = case / "victims" / "V001" / "originals" / "IMG_1.jpg"
    assert stored.is_file() and not (case / "victims" / "V001" / "intake.json").exists()
    monkeypatch.undo()  # type: ignore[attr-defined]
    code, out = _intake(src, case)
    assert code == 0, out
    records = _records(case)
    assert [(r["stored_path"], r.get("adopted")) for r in records] == [("originals/IMG_1.jpg", True)]
    assert records[0]["sha256"] == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert "originals/IMG_1.jpg" in (case / "victims" / "V001" / "receipt.txt").read_text("utf-8")


def test_an_intake_stopped_after_the_copy_keeps_the_original_name(tmp_path: Path, monkeypatch: object) -> None:
    """issue 23: the journal's pending line (original name, submission, time) is durable before
    the file enters originals/; an intake that stops right after the copy leaves it, and the next
    intake records the file under the name the victim gave it, not as an anonymous adoption."""
    import hashlib
    import zipfile

    from evidence import errors, intake

    case = make_case(tmp_path)
    long_name = "聊天记录/" + "截" * 100 + ".png"  # 304 bytes: stored under a shortened name
    sub = tmp_path / "微信导出.zip"
    with zipfile.ZipFile(sub, "w") as z:
        z.writestr(long_name, b"\x89PNG first")
    real_place = intake._place  # type: ignore[attr-defined]

    def copied_then_disk_full(*args: object) -> Path:
        real_place(*args)  # the file is in originals/ …
        raise errors.OutputError("cannot write intake.json (No space left on device)")  # … no record

    monkeypatch.setattr(intake, "_place", copied_then_disk_full)  # type: ignore[attr-defined]
    code, out = _intake(sub, case)
    assert code == 5, out
    folder = case / "victims" / "V001"
    stored = [p for p in (folder / "originals").rglob("*") if p.is_file()]
    assert len(stored) == 1 and len(stored[0].name.encode()) <= 255
    assert not (folder / "intake.json").exists()
    journal = case / intake.JOURNAL_DIR / "V001.jsonl"
    assert long_name in journal.read_text("utf-8")
    monkeypatch.undo()  # type: ignore[attr-defined]

    later = tmp_path / "later"  # the next intake is another submission
    later.mkdir()
    (later / "IMG_2.jpg").write_bytes(b"\xff\xd8second\xff\xd9")
    code, out = _intake(later, case)
    assert code == 0, out
    records = {r["original_path"]: r for r in _records(case)}
    first = records[long_name]
    assert first["submission"] == "微信导出.zip" and first["adopted"] is True
    assert first["stored_path"] == stored[0].relative_to(folder).as_posix()
    assert first["sha256"] == hashlib.sha256(b"\x89PNG first").hexdigest()
    assert first["received"] <= first["recorded"]  # received at the first intake, recorded at the second
    assert records["IMG_2.jpg"]["submission"] == "later"
    assert not (case / intake.JOURNAL_DIR).exists()  # every pending line became a record
    code, out = _intake(later, case)  # and nothing is recorded twice
    assert code == 0 and len(_records(case)) == 2, out


def test_a_journal_line_whose_file_never_arrived_is_reported(tmp_path: Path, monkeypatch: object) -> None:
    """issue 23: the journal announced a file and the intake stopped before it entered
    originals/: `check` says so in one sentence, the next intake records the loss in intake.json
    (and says it), and the journal is then gone — the gap is never silent, nor reported twice."""
    import json

    from evidence import errors, intake

    case = make_case(tmp_path, language="en")
    sub = tmp_path / "wechat"
    sub.mkdir()
    (sub / "IMG_9.jpg").write_bytes(b"\xff\xd8lost\xff\xd9")

    def disk_full_before_the_copy(*args: object) -> Path:
        raise errors.OutputError("cannot write originals/IMG_9.jpg (No space left on device)")

    monkeypatch.setattr(intake, "_place", disk_full_before_the_copy)  # type: ignore[attr-defined]
    code, out = _intake(sub, case)
    assert code == 5, out
    folder = case / "victims" / "V001"
    assert not (folder / "originals" / "IMG_9.jpg").exists()
    assert "IMG_9.jpg" in (case / intake.JOURNAL_DIR / "V001.jsonl").read_text("utf-8")
    monkeypatch.undo()  # type: ignore[attr-defined]

    code, out = run("check", str(case), "--json")
    assert code == 3, out
    said = [i for v in json.loads(out)["victims"] for i in v["problems"] if i["code"] == "never_stored"]
    assert len(said) == 1, out
    assert said[0]["message"].startswith("IMG_9.jpg (submission wechat, received ")
    assert "never stored whole in originals/" in said[0]["message"]

    later = tmp_path / "later"
    later.mkdir()
    (later / "IMG_10.jpg").write_bytes(b"\xff\xd8kept\xff\xd9")
    code, out = _intake(later, case)
    assert code == 3, out  # the loss is a refusal of that earlier file, said once
    assert "IMG_9.jpg (submission wechat" in " ".join(out.split()), out
    records = {r["original_path"]: r for r in _records(case)}
    assert records["IMG_9.jpg"]["never_stored"] is True and "stored_path" not in records["IMG_9.jpg"]
    assert records["IMG_10.jpg"]["stored_path"] == "originals/IMG_10.jpg"
    assert not (case / intake.JOURNAL_DIR).exists()
    assert "IMG_9.jpg" in (folder / "receipt.txt").read_text("utf-8")
    code, out = run("check", str(case), "--json")
    assert "never_stored" not in [i["code"] for v in json.loads(out)["victims"] for i in v["problems"]]


def test_an_exif_offset_of_minus_25_hours_is_a_note_not_a_bug(tmp_path: Path) -> None:
    from PIL import Image

    case = make_case(tmp_path)
    pics = case / "victims" / "V001" / "originals" / "DCIM"
    pics.mkdir(parents=True)
    exif = Image.Exif()
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2015:03:18 20:15:00"
    sub[0x9011] = "-25:00"
    Image.new("RGB", (64, 48), (200, 10, 10)).save(pics / "IMG_0001.jpg", exif=exif)
    code, out = run_err("check", str(case))
    assert code in (0, 3), out
    assert "-25:00" in out and "无效，已忽略" in out
    code, out = run_err("timeline", str(case), "--victim", "V001", "--format", "json")
    assert code == 0, out
    assert "2015-03-18T20:15:00+08:00" in out


# ---- case.toml: template, ids, prefix ----------------------------------------------------------


def _case_toml(extra: str) -> str:
    from tests.conftest import CASE_TOML

    return CASE_TOML.format(language="zh-Hans") + extra


def test_a_template_outside_the_case_is_refused(tmp_path: Path) -> None:
    case = make_case(tmp_path, case_toml=_case_toml('template = "/etc/passwd"\n'))
    code, out = run_err("check", str(case))
    assert code == 4, out
    assert "outside the case folder" in out
    code, out = run_err("build", str(case), "--victim", "V001")
    assert code == 4, out


def test_a_template_that_is_not_toml_is_exit_4(tmp_path: Path) -> None:
    case = make_case(tmp_path, case_toml=_case_toml('template = "page.toml"\n'))
    (case / "page.toml").write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    code, out = run_err("build", str(case), "--victim", "V001")
    assert code == 4, out
    assert "is not a TOML template" in out


def test_a_template_outside_the_case_by_absolute_path_on_the_command_line(tmp_path: Path) -> None:
    """issue 23: outside the case only when the lawyer names it with --template /abs/path."""
    import pypdf

    from evidence import template

    case = make_case(tmp_path)
    letter = tmp_path / "elsewhere" / "letter.toml"
    letter.parent.mkdir()
    letter.write_text(template.TEMPLATES_DIR.joinpath("default.toml").read_text("utf-8")
                      .replace('size = "A4"', 'size = "Letter"', 1), "utf-8")
    code, out = run_err("build", str(case), "--victim", "V001", "--template", str(letter),
                        "--out", str(tmp_path / "o"))
    assert code in (0, 3), out
    page = pypdf.PdfReader(tmp_path / "o" / "V001" / "dossier.pdf").pages[0].mediabox
    assert (round(float(page.width)), round(float(page.height))) == (612, 792)  # Letter, not A4
    for bad, said in (("letter.toml", "must be an absolute path"),
                      (str(tmp_path / "nope.toml"), "does not exist"),
                      ("/etc/passwd", "is not a TOML template")):
        code, out = run_err("build", str(case), "--victim", "V001", "--template", bad,
                            "--out", str(tmp_path / "o2"))
        assert code == 2 and said in out, out
        assert not (tmp_path / "o2" / "V001").exists()


def test_a_bates_prefix_with_a_newline_or_rtl_override_is_exit_4(tmp_path: Path) -> None:
    for bad in ("JD\\nFORGED", "JD\\u202eDJ"):
        root = tmp_path / bad.replace("\\", "")
        root.mkdir()
        case = make_case(root, case_toml=_case_toml("").replace('bates_prefix = "JD"',
                                                                 f'bates_prefix = "{bad}"'))
        code, out = run_err("check", str(case))
        assert code == 4, out
        assert "bates_prefix" in out and "\u202e" not in out


def test_victim_ids_with_control_characters_are_refused(tmp_path: Path) -> None:
    case = make_case(tmp_path, ["V001", "V002\u202e", "joint"])
    code, out = run_err("check", str(case))
    assert code == 4, out
    assert "\u202e" not in out and "\\u202e" in out
    src = tmp_path / "sub"
    src.mkdir()
    (src / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "g").mkdir()
    good = make_case(tmp_path / "g")
    for bad in ("V003\n", "V\x1b[2J", "served"):
        code, out = run_err("intake", str(src), "--case", str(good), "--victim", bad)
        assert code == 2, out
        assert "\x1b" not in out


def test_an_amr_with_alternating_frame_modes_is_read_in_bounded_time(tmp_path: Path) -> None:
    """Every run of equal frame headers is one frame long: the walk stays linear."""
    import time

    case = make_case(tmp_path)
    rec = case / "victims" / "V001" / "originals" / "Recordings"
    rec.mkdir(parents=True)
    frames = 400_000  # 8 hours of 20 ms frames, 9 MB
    one = bytes([7 << 3 | 4]) + b"\x55" * 31 + bytes([0 << 3 | 4]) + b"\x55" * 12
    (rec / "call-20150318201500.amr").write_bytes(b"#!AMR\n" + one * (frames // 2))
    started = time.perf_counter()
    code, out = run("timeline", str(case), "--victim", "V001", "--format", "json")
    assert code == 0, out
    assert time.perf_counter() - started < 30
    assert '"duration_s": 8000.0' in out.replace(" ", "") or "8000.0" in out

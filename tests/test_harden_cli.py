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
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    flat = text.replace("\n", "")
    assert "Screenshot_20150318-201500.png" in flat  # listed as refused, not silently dropped
    assert "未采用：图片声称的像素数" in flat

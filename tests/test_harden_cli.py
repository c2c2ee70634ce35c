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
    result = CliRunner().invoke(cli.app, list(args))
    return result.exit_code, result.stdout


def run_err(*args: str) -> tuple[int, str]:
    """Exit code and everything printed."""
    result = CliRunner().invoke(cli.app, list(args))
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

"""`evidence verify`: sidecar hashes, the embedded manifest, and the originals in the case."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from evidence import integrity
from evidence.errors import ExitCode
from evidence.model import Case, Victim
from evidence.render import receipt

WHEN = dt.datetime(2015, 4, 1, 2, 30, tzinfo=dt.UTC)


def some_pdf(folder: Path) -> Path:
    case = Case(folder=folder, title="京东“3·18”假客服诈骗案")
    return receipt.write(folder / "out.pdf", case, Victim(id="V01", folder=folder), [], when=WHEN)


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    i = len(data) // 2 if offset is None else offset
    data[i] ^= 0x01
    path.write_bytes(bytes(data))


def test_sidecar_round_trip_and_sha256sum_format(tmp_path: Path) -> None:
    pdf = some_pdf(tmp_path)
    side = integrity.write_sidecar(pdf)
    assert side.name == "out.pdf.sha256"
    digest, name = side.read_text("utf-8").rstrip("\n").split("  ")
    assert name == "out.pdf" and digest == integrity.file_sha256(pdf)
    assert integrity.check_sidecar(pdf).state is integrity.State.OK
    if shutil.which("sha256sum"):  # the lawyer can check it without this tool
        done = subprocess.run(["sha256sum", "-c", side.name], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    flip_byte(pdf)
    c = integrity.check_sidecar(pdf)
    assert c.state is integrity.State.CHANGED and c.expected == digest and c.actual != digest


def test_no_sidecar_is_unchecked_not_ok(tmp_path: Path) -> None:
    pdf = some_pdf(tmp_path)
    c = integrity.check_sidecar(pdf)
    assert c.state is integrity.State.UNCHECKED and c.note == "sidecar_absent"


def test_verify_a_pdf_without_manifest_fails(tmp_path: Path) -> None:
    pdf = some_pdf(tmp_path)
    result = CliRunner().invoke(cli.app, ["verify", str(pdf)])
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.output
    assert "manifest.json" in result.output


def test_verify_missing_file_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["verify", str(tmp_path / "nope.pdf")])
    assert result.exit_code == ExitCode.BAD_INPUT
    assert "nope.pdf" in result.output


@pytest.mark.parametrize("text", ["", "garbage\n", "0" * 64 + "  other.pdf\n"])
def test_unusable_sidecar_is_reported(tmp_path: Path, text: str) -> None:
    pdf = some_pdf(tmp_path)
    integrity.sidecar_path(pdf).write_text(text, "utf-8")
    c = integrity.check_sidecar(pdf)
    assert c.state is integrity.State.UNCHECKED and c.note == "sidecar_unreadable"

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


# ---- protected sharing (--encrypt) ----------------------------------------------------------


def test_encrypt_opens_with_password_and_not_without(tmp_path: Path) -> None:
    import pypdf

    from evidence import protect

    pdf = some_pdf(tmp_path)
    plain_text = pypdf.PdfReader(pdf).pages[0].extract_text()
    protect.encrypt(pdf, "正确的密码 s3cret")
    reader = pypdf.PdfReader(pdf)
    assert reader.is_encrypted
    with pytest.raises(pypdf.errors.FileNotDecryptedError):
        _ = reader.pages[0].extract_text()
    assert not pypdf.PdfReader(pdf).decrypt("wrong")
    ok = pypdf.PdfReader(pdf)
    assert ok.decrypt("正确的密码 s3cret")
    assert ok.pages[0].extract_text() == plain_text
    if shutil.which("qpdf"):
        shown = subprocess.run(["qpdf", "--show-encryption", "--password=正确的密码 s3cret", str(pdf)],
                               capture_output=True, text=True).stdout
        assert "print high resolution: allowed" in shown
        assert "modify other: not allowed" in shown and "modify forms: not allowed" in shown
        assert "AESv3" in shown  # AES-256
        assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode != 0


def test_password_never_from_argv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence import protect
    from evidence.errors import UsageError

    monkeypatch.delenv(protect.ENV, raising=False)
    with pytest.raises(UsageError, match="EVIDENCE_PDF_PASSWORD"):
        protect.password(None)
    monkeypatch.setenv(protect.ENV, "from-env")
    assert protect.password(None) == "from-env"
    f = tmp_path / "pw.txt"
    f.write_text("from-file\n", "utf-8")
    assert protect.password(f) == "from-file"
    f.write_text("", "utf-8")
    with pytest.raises(UsageError, match="empty"):
        protect.password(f)

"""issue 18: `build --sign CERT.p12` signs every dossier (PAdES, pyHanko); `verify` reports the
signer, the signing time and whether anything changed after signing.

The certificate is made by the tests (tests/certs.py), never committed; nothing uses the network.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import cli
from evidence import integrity
from evidence.errors import ExitCode

pytest.importorskip("pyhanko")
from certs import make_p12  # needs cryptography, which pyhanko brings


@pytest.fixture(scope="module")
def signed_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    """A small sample case built with --sign: (case, out, certificate, password file)."""
    from evidence import sample

    root = tmp_path_factory.mktemp("signed")
    sample.generate(root / "case", victims=1, seed=318, scale="small")
    p12 = make_p12(root)
    pw = root / "pw.txt"
    pw.write_text("s3cret\n", "utf-8")
    out = root / "out"
    result = CliRunner().invoke(cli.app, ["build", str(root / "case"), "--victim", "V001", "--out",
                                          str(out), "--sign", str(p12), "--password-file", str(pw)])
    assert result.exit_code in (0, 3), result.output  # 3: the sample's deliberate bad files
    return root / "case", out, p12, pw


def verify(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["verify", *args])
    return result.exit_code, result.output


def test_a_signed_dossier_verifies_with_signer_and_time(signed_case: tuple[Path, ...],
                                                        tmp_path: Path) -> None:
    _case, out, _p12, _pw = signed_case
    pdf = out / "V001" / "dossier.pdf"
    with pikepdf.open(pdf) as doc:  # read back: a PAdES signature field over the file
        fields = doc.Root.AcroForm.Fields
        sig = next(f for f in fields if f.get("/FT") == "/Sig").V
        assert sig.SubFilter == "/ETSI.CAdES.detached"
        start, _length, after, rest = (int(x) for x in sig.ByteRange)
        assert start == 0 and after + rest == pdf.stat().st_size  # covers the whole file
    assert integrity.read_sidecar(pdf) == integrity.inventory.sha256(pdf)  # sidecar: signed bytes
    alone = tmp_path / "dossier.pdf"  # and without the sidecar
    shutil.copyfile(pdf, alone)
    for target in (pdf, alone):
        code, text = verify(str(target))
        assert code == 0, text
        assert "电子签名（张律师 (test), 20" in text and "签名后未改动" in text
    sig_check = next(c for c in integrity.check(alone).checks if c.area == "signature")
    assert sig_check.state is integrity.State.OK and sig_check.note == "signed_untrusted"


def test_one_byte_changed_after_signing_is_caught(signed_case: tuple[Path, ...],
                                                  tmp_path: Path) -> None:
    _case, out, _p12, _pw = signed_case
    pdf = tmp_path / "dossier.pdf"
    data = bytearray((out / "V001" / "dossier.pdf").read_bytes())
    data[len(data) // 3] ^= 0x01
    pdf.write_bytes(bytes(data))
    code, text = verify(str(pdf))
    assert code == ExitCode.VERIFY_FAILED, text
    check = next(c for c in integrity.check(pdf).checks if c.area == "signature")
    assert check.state is integrity.State.CHANGED and check.note == "signed_changed"
    assert "签名后文件被改动" in text


def test_an_update_appended_after_signing_is_caught(signed_case: tuple[Path, ...],
                                                    tmp_path: Path) -> None:
    """An incremental save (what a PDF editor does) leaves the signed bytes intact, but the
    signature no longer covers the file: reported as changed after signing."""
    _case, out, _p12, _pw = signed_case
    pdf = tmp_path / "dossier.pdf"
    shutil.copyfile(out / "V001" / "dossier.pdf", pdf)
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with pdf.open("rb+") as f:
        w = IncrementalPdfFileWriter(f)
        info = w.trailer["/Info"].get_object() if "/Info" in w.trailer else None
        assert info is not None
        info[NameObject("/Title")] = TextStringObject("edited after signing")
        w.update_container(info)
        w.write_in_place()
    code, text = verify(str(pdf))
    assert code == ExitCode.VERIFY_FAILED, text
    check = next(c for c in integrity.check(pdf).checks if c.area == "signature")
    assert check.state is integrity.State.CHANGED


def test_another_certificate_rebuilds_and_resigns(signed_case: tuple[Path, ...],
                                                  tmp_path: Path) -> None:
    """The certificate is part of the reuse fingerprint: same one reuses, a new one re-signs."""
    case, _out, p12, pw = signed_case
    out = tmp_path / "out"

    def build(cert: Path) -> str:
        result = CliRunner().invoke(cli.app, ["build", str(case), "--out", str(out), "--jobs", "1",
                                              "--sign", str(cert), "--password-file", str(pw)])
        assert result.exit_code in (0, 3), result.output
        return result.output

    assert "1 built" in build(p12)
    assert "1 unchanged" in build(p12)
    (tmp_path / "b").mkdir()
    other = make_p12(tmp_path / "b", name="李律师 (test)")
    assert "1 built" in build(other)
    code, text = verify(str(out / "V001" / "dossier.pdf"))
    assert code == 0 and "李律师 (test)" in text, text


def test_a_wrong_password_is_one_sentence_and_builds_nothing(signed_case: tuple[Path, ...],
                                                             tmp_path: Path) -> None:
    case, _out, p12, _pw = signed_case
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("nope\n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.app, ["build", str(case), "--out", str(out), "--sign", str(p12),
                                          "--password-file", str(wrong)])
    assert result.exit_code == ExitCode.BAD_INPUT, result.output
    assert "signer.p12" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_sign_with_encrypt_is_refused(signed_case: tuple[Path, ...], tmp_path: Path) -> None:
    case, _out, p12, pw = signed_case
    result = CliRunner().invoke(cli.app, ["build", str(case), "--victim", "V001", "--out",
                                          str(tmp_path / "o"), "--sign", str(p12), "--encrypt",
                                          "--password-file", str(pw)])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "--sign and --encrypt cannot be combined" in result.output


def test_intake_signs_the_receipt(signed_case: tuple[Path, ...], tmp_path: Path) -> None:
    from evidence import sign

    case, _out, p12, pw = signed_case
    drop = tmp_path / "submission"
    drop.mkdir()
    (drop / "note.txt").write_text("2015-03-18 20:31 对方自称京东客服", "utf-8")
    result = CliRunner().invoke(cli.app, ["intake", str(drop), "--case", str(case), "--victim",
                                          "V001", "--sign", str(p12), "--password-file", str(pw)])
    assert result.exit_code in (0, 3), result.output
    receipt = case / "victims" / "V001" / "receipt.pdf"
    found = sign.inspect(receipt)
    assert found is not None and len(found) == 1
    assert found[0].intact and found[0].whole_file and found[0].signer == "张律师 (test)"

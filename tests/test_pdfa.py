"""issue 18: `build --pdfa` writes PDF/A-2b dossiers, checked here with what this machine has
(pikepdf reading the structure and the XMP back, qpdf --check, pdftotext); veraPDF is not
available, see the README for what that leaves unvalidated."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import cli
from evidence import integrity, pagehash, pdfa, verify
from evidence.errors import ExitCode


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The sample's first claimant built with --pdfa (its bank statement PDF uses Helvetica
    without embedding it: the case a merged original brings)."""
    from evidence import sample

    root = tmp_path_factory.mktemp("pdfa")
    sample.generate(root / "case", victims=1, seed=318, scale="small")
    result = CliRunner().invoke(cli.app, ["build", str(root / "case"), "--victim", "V001", "--out",
                                          str(root / "out"), "--pdfa"])
    assert result.exit_code in (0, 3), result.output
    return root / "case", root / "out" / "V001" / "dossier.pdf", result.output


def test_xmp_says_pdfa_2b_and_agrees_with_the_info_dictionary(built: tuple[Path, Path, str]) -> None:
    _case, pdf, _ = built
    xmp = pdfa.read_xmp(pdf)
    assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
    with pikepdf.open(pdf) as doc:
        assert xmp["dc:title"] == str(doc.docinfo["/Title"])
        assert doc.open_metadata().pdfa_status == "2B"
        raw = doc.Root.Metadata.read_bytes()
    import xml.etree.ElementTree as ET  # the stream itself, parsed as XML, not through pikepdf

    root = ET.fromstring(raw.split(b"?>", 1)[1].rsplit(b"<?xpacket", 1)[0])
    ns = "{http://www.aiim.org/pdfa/ns/id/}"
    assert [e.text for e in root.iter(ns + "part")] == ["2"]
    assert [e.text for e in root.iter(ns + "conformance")] == ["B"]


def test_srgb_output_intent_with_an_icc_profile(built: tuple[Path, Path, str]) -> None:
    _case, pdf, _ = built
    with pikepdf.open(pdf) as doc:
        intents = doc.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == "/GTS_PDFA1" and str(intent.OutputConditionIdentifier) == pdfa.SRGB
        icc = intent.DestOutputProfile
        assert int(icc.N) == 3
        profile = icc.read_bytes()
        assert profile[36:40] == b"acsp" and profile[16:20] == b"RGB "  # an ICC RGB profile


def test_every_font_embedded_no_attachment_no_encryption(built: tuple[Path, Path, str]) -> None:
    _case, pdf, _ = built
    with pikepdf.open(pdf) as doc:
        assert not doc.is_encrypted
        assert verify.unembedded_fonts(doc) == set()  # every page, originals included
        assert not doc.attachments and "/EmbeddedFiles" not in doc.Root.get("/Names", {})
        for page in doc.pages:
            for annot in page.obj.get("/Annots") or ():
                assert int(annot.F) & 4 and not int(annot.F) & (1 | 2 | 32)
    if shutil.which("qpdf"):
        done = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_rasterised_original_is_named_and_keeps_its_stamp(built: tuple[Path, Path, str]) -> None:
    _case, pdf, output = built
    beside = pdf.with_name("dossier.pdf.manifest.json")
    record = json.loads(beside.read_bytes())["pdfa"]
    assert record["part"] == 2 and record["rasterised_pages"] and "Helvetica" in record["fonts_not_embedded"]
    page = record["rasterised_pages"][0]
    assert f"PDF/A: pages {page}" in output
    with pikepdf.open(pdf) as doc:
        obj = doc.pages[page - 1].obj
        assert "/EvRaster" in obj.Resources.XObject  # the page is an image now …
        labels = verify.page_labels(doc)
        assert labels[page - 1] in verify.stamp_text(doc.pages[page - 1], {})  # … under its stamp
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert labels[page - 1] in text


def test_the_manifest_beside_vouches_for_the_pages(built: tuple[Path, Path, str], tmp_path: Path) -> None:
    case, pdf, _ = built
    manifest = json.loads(pdf.with_name("dossier.pdf.manifest.json").read_bytes())
    with pikepdf.open(pdf) as doc:
        assert manifest["integrity"]["page_sha256"] == pagehash.digests(doc)
    code = CliRunner().invoke(cli.app, ["verify", str(pdf), "--case", str(case)]).exit_code
    assert code == 0
    copy = tmp_path / "dossier.pdf"  # a copy with its manifest, one page removed
    shutil.copyfile(pdf.with_name("dossier.pdf.manifest.json"), tmp_path / "dossier.pdf.manifest.json")
    with pikepdf.open(pdf) as doc:
        del doc.pages[2]
        doc.save(copy)
    result = CliRunner().invoke(cli.app, ["verify", str(copy)])
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.output
    assert "被删除" in result.output
    assert integrity.check(copy).ok is False


def test_pdfa_builds_are_byte_identical(built: tuple[Path, Path, str], tmp_path: Path) -> None:
    case, pdf, _ = built
    result = CliRunner().invoke(cli.app, ["build", str(case), "--victim", "V001", "--out",
                                          str(tmp_path / "again"), "--pdfa"])
    assert result.exit_code in (0, 3), result.output
    again = tmp_path / "again" / "V001"
    assert (again / "dossier.pdf").read_bytes() == pdf.read_bytes()
    assert (again / "dossier.pdf.manifest.json").read_bytes() == pdf.with_name(
        "dossier.pdf.manifest.json").read_bytes()


def test_pdfa_with_encrypt_is_refused(built: tuple[Path, Path, str], tmp_path: Path) -> None:
    case, _pdf, _ = built
    pw = tmp_path / "pw"
    pw.write_text("x\n", "utf-8")
    result = CliRunner().invoke(cli.app, ["build", str(case), "--victim", "V001", "--out",
                                          str(tmp_path / "o"), "--pdfa", "--encrypt",
                                          "--password-file", str(pw)])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "PDF/A forbids encryption" in result.output
    assert not (tmp_path / "o").exists()

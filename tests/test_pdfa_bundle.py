"""issue 18: `build --pdfa` makes the joint bundle and each volume PDF/A-2b too (before they are
published), their manifest beside them (PDF/A-2 allows no such attachment), where `evidence
verify` reads it. Checked with what this machine has: pikepdf (XMP, OutputIntent, no attachment,
fonts embedded) and qpdf --check; veraPDF is not available (see the README)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import built_sample
from typer.testing import CliRunner

import cli
from evidence import integrity, pagehash, pdfa, verify
from evidence.errors import ExitCode


@pytest.fixture(scope="module", params=[(), ("--max-pages", "16")], ids=["bundle", "volumes"])
def joint(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> list[Path]:
    _, out = built_sample(tmp_path_factory.mktemp("pdfa-joint"), 2, "--jobs", "1", "--pdfa",
                          *request.param)
    files = sorted((out / "joint").glob("bundle*.pdf"))
    assert files and len(files) >= (3 if request.param else 1)
    return files


def test_each_file_is_pdfa_2b_without_attachments(joint: list[Path]) -> None:
    for f in joint:
        xmp = pdfa.read_xmp(f)
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B"), f.name
        with pikepdf.open(f) as doc:
            assert not doc.attachments and not doc.is_encrypted
            assert str(doc.Root.OutputIntents[0].OutputConditionIdentifier) == pdfa.SRGB
            assert not any(pdfa.bare_fonts(verify.inherited_resources(p.obj)) for p in doc.pages)
        check = subprocess.run(["qpdf", "--check", str(f)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_the_manifest_beside_vouches_for_every_page(joint: list[Path]) -> None:
    out = joint[0].parent.parent
    listed = {e["path"]: e["sha256"] for e in json.loads(
        (out / "manifest.json").read_text("utf-8"))["files"]}
    cited = set()
    for f in joint:
        beside = f.with_name(f.name + ".manifest.json")
        manifest = json.loads(beside.read_text("utf-8"))
        assert manifest["pdfa"]["part"] == 2
        cited |= {d["victim"]["id"] for d in manifest["dossiers"]}
        with pikepdf.open(f) as doc:
            assert manifest["integrity"]["page_sha256"] == pagehash.digests(doc)
            assert manifest["page_labels"] == verify.page_labels(doc)
        assert listed[f"joint/{beside.name}"] == integrity.inventory.sha256(beside)
        f.with_name(f.name + ".sha256").unlink()  # as a court holds it (the manifest beside)
        result = CliRunner().invoke(cli.app, ["verify", str(f)])
        assert result.exit_code == 0, result.output
    assert cited == {"V001", "V002"}  # verify --case can reach every original


def test_a_deleted_page_is_named(joint: list[Path], tmp_path: Path) -> None:
    f = joint[-1]
    copy = tmp_path / f.name
    with pikepdf.open(f) as doc:
        gone = verify.page_labels(doc)[3]
        del doc.pages[3]
        doc.save(copy)
    (tmp_path / (f.name + ".manifest.json")).write_bytes(
        f.with_name(f.name + ".manifest.json").read_bytes())
    result = CliRunner().invoke(cli.app, ["verify", str(copy)])
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.output
    assert f"第 4 · {gone} 页" in result.output


def test_a_pdfa_dossiers_volumes_are_pdfa_and_verify(tmp_path: Path) -> None:
    case, out = built_sample(tmp_path, 1, "--victim", "V001", "--pdfa", "--max-pages", "16")
    files = sorted((out / "V001").glob("dossier-vol*.pdf"))
    assert len(files) >= 2
    for f in files:
        assert pdfa.read_xmp(f)["pdfaid:part"] == "2"
        with pikepdf.open(f) as doc:
            assert not doc.attachments
            beside = json.loads(f.with_name(f.name + ".manifest.json").read_text("utf-8"))
            assert beside["integrity"]["page_sha256"] == pagehash.digests(doc)
        result = CliRunner().invoke(cli.app, ["verify", str(f), "--case", str(case)])
        assert result.exit_code == 0, result.output


def test_a_bundle_page_rasterised_for_pdfa_is_reported_and_stays_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bundle page the PDF/A conversion had to rasterise is named in the build summary and
    in joint/build.json, and again when the unchanged bundle is reused: never dropped."""
    real = pdfa.convert

    def convert(path: Path, when: object) -> pdfa.Result:
        done = real(path, when)
        if "bundle" not in path.name:  # the bundle is converted under its temporary name
            return done
        return pdfa.Result((2,), ("SimSun",))  # as if page 2's fonts were not embedded

    monkeypatch.setattr(pdfa, "convert", convert)
    case, out = built_sample(tmp_path, 1, "--jobs", "1", "--pdfa")
    record = json.loads((out / "joint" / "build.json").read_text("utf-8"))
    assert len(record["front"]["warnings"]) == 1
    assert "SimSun" in record["front"]["warnings"][0]
    again = CliRunner().invoke(cli.app, ["build", str(case), "--out", str(out), "--jobs", "1",
                                         "--pdfa"])
    assert "unchanged" in again.output
    warned = [line for line in again.output.splitlines() if line.startswith("bundle warning:")]
    assert len(warned) == 1 and "SimSun" in warned[0] and "2" in warned[0], again.output

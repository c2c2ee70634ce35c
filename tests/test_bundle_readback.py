"""issue 18, bundle safety: the joint bundle is read back before it replaces the old one — page
count, page labels, the stamp on the first and last page of every claimant's part, and a
structure walk — and a bundle that fails is never published."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from typer.testing import CliRunner

import cli
from evidence import integrity, model, pagehash, verify
from evidence.errors import ExitCode
from evidence.pdf import bundle as stamp


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from evidence import sample

    root = tmp_path_factory.mktemp("bundle")
    sample.generate(root / "case", victims=2, seed=318, scale="small")
    return root / "case"


def build(case: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["build", str(case), "--out", str(out), "--jobs", "1"])
    return result.exit_code, result.output


def test_a_good_bundle_passes_and_a_wrong_expectation_is_named(case: Path, tmp_path: Path) -> None:
    code, out = build(case, tmp_path / "out")
    assert code in (0, 3), out
    bundle = tmp_path / "out" / "joint" / "bundle.pdf"
    with pikepdf.open(bundle) as doc:
        labels = verify.page_labels(doc)
        n = len(doc.pages)
    assert verify.check_bundle(bundle, labels) == []
    assert verify.check_bundle(bundle, labels[:-1]) == [f"{n} pages (/Count {n}), expected {n - 1}"]
    shifted = [*labels[:-1], "JD-B-999999"]
    problems = verify.check_bundle(bundle, shifted)
    assert f"page {len(labels)} does not show its stamp JD-B-999999" in problems


def test_page_hashes_made_while_writing_are_those_verify_recomputes(case: Path, tmp_path: Path
                                                                   ) -> None:
    """The bundle's page hashes come from its parts' segments and its stamps (pdf/pageseal),
    not from reading the file back: `evidence verify` hashing the finished file finds the same,
    for a first build and for a rebuild from the cached segments."""
    out = tmp_path / "out"
    bundle = out / "joint" / "bundle.pdf"
    recorded = []
    for _ in range(2):
        code, text = build(case, out)
        assert code in (0, 3), text
        with pikepdf.open(bundle) as doc:
            record = integrity.manifest_of(doc)["integrity"]
            assert record["page_sha256"] == pagehash.digests(doc)  # from the file
            assert record["pages"] == len(doc.pages) > 40
            recorded.append(record["page_sha256"])
        (out / "joint" / "build.json").unlink()  # the joint step again, segments cached
    assert recorded[0] == recorded[1]
    assert len(set(recorded[0])) == len(recorded[0])  # every page stamped differently
    assert list((out / ".cache" / "segments").glob("*.seg"))


def test_wrong_page_hashes_are_caught_before_the_bundle_is_published(
        case: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in the hashes made while writing (here: a stamp's digest taken wrong) fails the
    read-back, which recomputes the first and last page of each part from the file."""
    real = pagehash.form_digest
    monkeypatch.setattr(pagehash, "form_digest", lambda head, content: real(head, content + b" "))
    out = tmp_path / "out"
    code, text = build(case, out)
    assert code == ExitCode.VERIFY_FAILED, text
    assert "the hash of page 1 recorded in manifest.json is not the page's" in text
    assert not (out / "joint" / "bundle.pdf").exists()


def test_a_bundle_whose_stamps_are_wrong_is_not_published(case: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    real = stamp._stamp_content

    def off_by_one(label: str, under: str, face: model.BundleStampFace,
                   glyphs: dict[str, tuple[int, float]]
                   ) -> bytes:  # a writer bug: the last claimant page shows the wrong number
        return real(label[:-1] + ("1" if label[-1] != "1" else "2"), under, face, glyphs)

    monkeypatch.setattr(stamp, "_stamp_content", off_by_one)
    out = tmp_path / "out"
    code, text = build(case, out)
    assert code == ExitCode.VERIFY_FAILED, text
    assert "the joint bundle failed its checks" in text and "does not show its stamp" in text
    assert not (out / "joint" / "bundle.pdf").exists()
    assert not list((out / "joint").glob(".*.partial"))


def test_verify_case_on_a_bundle_checks_every_original_it_cites(case: Path, tmp_path: Path) -> None:
    """A bundle carrying integrity.bundle_manifest (attached here as its writer would) makes
    `verify --case` re-hash the originals of every claimant in it."""
    import json

    from evidence import integrity

    out = tmp_path / "out"
    code, text = build(case, out)
    assert code in (0, 3), text
    bundle = out / "joint" / "bundle.pdf"
    dossiers = sorted(out.glob("V*/dossier.pdf"))
    manifest = integrity.bundle_manifest(dossiers)
    assert [d["victim"]["id"] for d in manifest["dossiers"]] == ["V001", "V002"]
    carried = tmp_path / "bundle.pdf"
    with pikepdf.open(bundle) as doc:
        doc.attachments[integrity.MANIFEST_NAME] = pikepdf.AttachedFileSpec(
            doc, json.dumps(manifest, ensure_ascii=False).encode())
        doc.save(carried)
    integrity.write_sidecar(carried)
    report = integrity.check(carried, case)
    originals = [c for c in report.checks if c.area == "original"]
    cited = {(d["victim"]["id"], f["path"]) for d in manifest["dossiers"]
             for f in d["inventory"]["files"] if f.get("sha256")}
    assert {(c.victim, c.subject) for c in originals} >= cited
    assert report.ok, integrity.lines(report)
    victim2 = case / "victims" / "V002"
    rel = next(f["path"] for f in manifest["dossiers"][1]["inventory"]["files"]
               if f.get("status") == "accepted")
    target = victim2 / rel
    saved = target.read_bytes()
    try:
        target.write_bytes(saved[:-1] + bytes([saved[-1] ^ 1]))
        result = CliRunner().invoke(cli.app, ["verify", str(carried), "--case", str(case)])
        assert result.exit_code == ExitCode.VERIFY_FAILED, result.output
        assert f"V002/{rel}" in result.output
    finally:
        target.write_bytes(saved)

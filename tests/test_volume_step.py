"""issue 18: a claimant's dossier is split into volumes after its build, from the dossier as
built (evidence/volume_step.py): changing --max-mb/--max-pages splits again and renders no
claimant; what a rebuild after a limits change writes is byte for byte a fresh build's; a
changed claimant is still the only one rebuilt. Read back from the files the builds wrote."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pikepdf
import pytest
from test_redact_leaks import FORMS, all_leaks, make_case
from typer.testing import CliRunner

import cli
from evidence import batch, config, pipeline, sample, verify
from evidence import served as served_mod


def volumes_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("dossier-vol*.pdf"))


def build(case: Path, out: Path, max_pages: int) -> batch.Result:
    return batch.build(case, out, jobs=1, tool="test",
                       options=pipeline.Options(max_pages=max_pages))


def written(out: Path) -> dict[str, bytes]:
    """Every claimant's published file (dossiers, volumes and their lists), by path."""
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob("V*/*"))
            if p.name != batch.BUILD_JSON}


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("volume-step")
    sample.generate(root / "case", victims=2, seed=318, scale="small")
    return root / "case"


def test_changing_the_limits_splits_again_and_renders_no_claimant(case: Path, tmp_path: Path
                                                                  ) -> None:
    out = tmp_path / "out"
    first = build(case, out, 16)
    assert set(first.rebuilt) == {"V001", "V002"}
    dossiers = {v: (out / v / "dossier.pdf").read_bytes() for v in ("V001", "V002")}
    at_16 = {v: [p.name for p in volumes_of(out / v)] for v in ("V001", "V002")}
    assert all(len(names) >= 2 for names in at_16.values()), at_16

    again = build(case, out, 10)
    assert again.rebuilt == ()  # no claimant rendered again
    assert {v: (out / v / "dossier.pdf").read_bytes() for v in dossiers} == dossiers
    for v in ("V001", "V002"):
        files = volumes_of(out / v)
        assert len(files) > len(at_16[v])  # split again, to the new limit
        for f in files:
            with pikepdf.open(f) as doc:
                assert len(doc.pages) <= 10 or "volume_over_limit" in {
                    i.code for o in again.outcomes for i in o.issues}, f.name
    # byte for byte what a fresh build with that limit writes, manifest.json's lists included
    fresh = tmp_path / "fresh"
    build(case, fresh, 10)
    assert written(out) == written(fresh)
    listed = [json.loads((o / "manifest.json").read_text("utf-8"))["dossier_volumes"]
              for o in (out, fresh)]
    assert listed[0] == listed[1] and len(listed[0]) == sum(
        len(volumes_of(out / v)) for v in ("V001", "V002"))

    # no limit: the volumes go, the dossiers stay, still nothing rendered
    whole = build(case, out, 0)
    assert whole.rebuilt == () and not list(out.glob("V*/dossier-vol*"))
    assert not list(out.glob("V*/volumes.json"))
    assert "dossier_volumes" not in json.loads((out / "manifest.json").read_text("utf-8"))


def test_a_changed_claimant_is_the_only_one_rebuilt_and_split(case: Path, tmp_path: Path
                                                              ) -> None:
    changed = tmp_path / "case"
    shutil.copytree(case, changed)
    out = tmp_path / "out"
    build(changed, out, 12)
    before = [f.read_bytes() for f in volumes_of(out / "V001")]
    note = changed / config.VICTIMS_DIR / "V002" / "zz-note.txt"
    note.write_text("2024-03-18 10:00 又接到自称客服的电话，要求再转账。\n", encoding="utf-8")
    result = build(changed, out, 12)
    assert result.rebuilt == ("V002",)
    assert [f.read_bytes() for f in volumes_of(out / "V001")] == before
    with pikepdf.open(out / "V002" / "dossier.pdf") as doc:
        last_page = verify.page_labels(doc)[-1]
    with pikepdf.open(volumes_of(out / "V002")[-1]) as doc:  # split from the new dossier
        assert verify.page_labels(doc)[-1] == last_page


def redacted_volumes(folder: Path) -> list[Path]:
    return sorted(folder.glob("dossier-vol[0-9][0-9]-redacted.pdf"))


def test_redacted_volumes_are_served_never_the_plain_ones(tmp_path: Path) -> None:
    """issue 23 + 18: OUT/served/<id> holds the service copy's volumes (masked) with their
    .sha256, as built; the plain volumes beside them in OUT/<id> never go there."""
    case, out = make_case(tmp_path, FORMS), tmp_path / "out"
    batch.build(case, out, jobs=1, tool="test", options=pipeline.Options(max_pages=6))
    assert len(volumes_of(out / "V001")) >= 2  # plain volumes, showing the numbers
    batch.build(case, out, jobs=1, tool="test",
                options=pipeline.Options(redact=True, max_pages=6))
    built, served = redacted_volumes(out / "V001"), out / "served" / "V001"
    assert len(built) >= 2
    assert sorted(p.name for p in served.iterdir()) == sorted([
        "dossier-redacted.pdf", "dossier-redacted.pdf.sha256", "inventory-redacted.json",
        "timeline-redacted.json", *(n for f in built for n in (f.name, f.name + ".sha256"))])
    for f in built:
        assert (served / f.name).read_bytes() == f.read_bytes()
        assert (served / (f.name + ".sha256")).read_text().split()[0] == hashlib.sha256(
            f.read_bytes()).hexdigest()
    assert all_leaks(out / "served") == []  # digests left out: digits in a hash are chance
    assert {n for _, n, _ in all_leaks(out / "V001")}  # the plain ones show them: the check can fail


def test_encrypted_redacted_volumes_reach_the_served_folder_only_encrypted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case, out = make_case(tmp_path, FORMS), tmp_path / "out"
    copied: dict[str, list[bool]] = {}  # file -> was it encrypted each time it was copied there
    link = served_mod._link_or_copy

    def watched(src: Path, tmp: Path) -> None:
        if src.suffix == ".pdf":
            try:
                pikepdf.open(src).close()
                copied.setdefault(src.name, []).append(False)
            except pikepdf.PasswordError:
                copied.setdefault(src.name, []).append(True)
        link(src, tmp)

    monkeypatch.setattr(served_mod, "_link_or_copy", watched)
    monkeypatch.setenv("EVIDENCE_PDF_PASSWORD", "送达 s3cret")
    result = CliRunner().invoke(cli.app, ["build", str(case), "--victim", "V001", "--redact",
                                          "--encrypt", "--max-pages", "6", "--out", str(out)])
    assert result.exit_code in (0, 3), result.output
    built = redacted_volumes(out / "V001")
    assert len(built) >= 2
    assert copied == {n: [True] for n in ["dossier-redacted.pdf", *(f.name for f in built)]}
    for f in built:
        served = out / "served" / "V001" / f.name
        assert served.read_bytes() == f.read_bytes()
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(served)
        with pikepdf.open(served, password="送达 s3cret") as doc:
            assert len(doc.pages) == len(verify.page_labels(doc))


def test_volumes_of_a_signed_dossier_carry_only_their_own_signature(case: Path, tmp_path: Path
                                                                    ) -> None:
    """The split is made from the dossier as published, signed with --sign: the dossier's
    signature field (on its first page) stays behind; each volume is signed on its own and
    verifies alone, its one signature covering its own bytes."""
    pytest.importorskip("pyhanko")
    from certs import make_p12

    pw = tmp_path / "pw.txt"
    pw.write_text("s3cret\n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.app, [
        "build", str(case), "--victim", "V001", "--out", str(out), "--max-pages", "16",
        "--sign", str(make_p12(tmp_path)), "--password-file", str(pw)])
    assert result.exit_code in (0, 3), result.output
    files = volumes_of(out / "V001")
    assert len(files) >= 2
    for f in files:
        with pikepdf.open(f) as doc:
            fields = [a for p in doc.pages for a in p.obj.get("/Annots") or ()
                      if a.get("/FT") == "/Sig"]
            assert len(fields) == 1, f.name  # its own, not the dossier's too
        done = CliRunner().invoke(cli.app, ["verify", str(f)])
        assert done.exit_code == 0 and "签名后未改动" in done.output, done.output

"""issue 18: a claimant's dossier over the file limit is also written as volumes
(out/<id>/dossier-vol01.pdf, …), cut only where an exhibit starts, Bates numbers running on,
each with a cover and index, listed in manifest.json, and checked by `evidence verify` alone.
Everything is read back from the files the build wrote."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import built_sample
from typer.testing import CliRunner

import cli
from evidence import integrity, pagehash, verify

MAX_PAGES = 16


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return built_sample(tmp_path_factory.mktemp("dossier-volumes"), 2, "--jobs", "1",
                                 "--max-pages", str(MAX_PAGES))


def volumes_of(folder: Path) -> list[Path]:
    return sorted(folder.glob("dossier-vol*.pdf"))


def labels_of(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as doc:
        return verify.page_labels(doc)


def starts_of(pdf: Path) -> set[int]:
    """Where the dossier's bookmarks (sections, exhibits, sub-exhibits) start, 0-based."""
    with pikepdf.open(pdf) as doc:
        index = {p.objgen: i for i, p in enumerate(doc.pages)}

        def walk(items: Any) -> list[int]:
            return [i for item in items for i in (index[item.destination[0].objgen],
                                                  *walk(item.children))]

        with doc.open_outline() as outline:
            return set(walk(outline.root))


def test_each_volume_within_the_limit_and_the_bates_run_on(built: tuple[Path, Path]) -> None:
    _, out = built
    for claimant in ("V001", "V002"):
        dossier = out / claimant / "dossier.pdf"
        whole = labels_of(dossier)
        assert len(whole) > MAX_PAGES  # the sample's dossiers are about 20 pages
        files = volumes_of(out / claimant)
        assert [f.name for f in files] == [f"dossier-vol{n:02d}.pdf" for n in
                                           range(1, len(files) + 1)] and len(files) >= 2
        body: list[str] = []
        for n, f in enumerate(files, start=1):
            labels = labels_of(f)
            assert len(labels) <= MAX_PAGES, f.name
            covers = [x for x in labels if x.startswith(f"V{n:02d}-")]
            assert covers == [f"V{n:02d}-{k}" for k in range(1, len(covers) + 1)] and covers
            assert labels[:len(covers)] == covers  # the cover first
            body += labels[len(covers):]
            # the stamps printed on the pages are the labels (continuous Bates)
            text = subprocess.run(["pdftotext", "-layout", str(f), "-"], check=True,
                                  capture_output=True).stdout.decode("utf-8").split("\f")
            for page, label in enumerate(labels[len(covers):], start=len(covers)):
                assert label in text[page], (f.name, page, label)
            assert f"编号范围：{labels[len(covers)]} 至 {labels[-1]}" in text[0]
            # a dossier's pages carry one number: no bundle number to cite, no brackets
            assert "卷宗编号为准" in text[0] and "汇编页码" not in text[0]
        assert body == whole  # every dossier page once, in order, across the volumes


def test_cut_only_where_an_exhibit_or_section_starts(built: tuple[Path, Path]) -> None:
    _, out = built
    for claimant in ("V001", "V002"):
        whole = labels_of(out / claimant / "dossier.pdf")
        starts = starts_of(out / claimant / "dossier.pdf")
        for f in volumes_of(out / claimant):
            labels = labels_of(f)
            first_body = next(x for x in labels if not x.startswith("V0"))
            assert whole.index(first_body) in starts, (f.name, first_body)


def test_links_land_inside_the_volume_or_name_another_volume(built: tuple[Path, Path]) -> None:
    _, out = built
    files = volumes_of(out / "V001")
    pages = {f.name: len(labels_of(f)) for f in files}
    remote = 0
    for f in files:
        with pikepdf.open(f) as doc:
            assert None not in verify.link_pages(doc)  # every jump lands on a page of the file
            page_objects = sum(1 for o in doc.objects if isinstance(o, pikepdf.Dictionary)
                               and o.get("/Type") == "/Page")
            assert page_objects == len(doc.pages)  # no page of another volume dragged in
            for page in doc.pages:
                for annot in page.obj.get("/Annots") or ():
                    action = annot.get("/A")
                    if action is not None and action.get("/S") == "/GoToR":
                        remote += 1
                        assert str(action.F) in pages and str(action.F) != f.name
                        assert 0 <= int(action.D[0]) < pages[str(action.F)]
    assert remote  # the first volume's index and evidence list reach the second volume


def test_manifest_lists_each_volume(built: tuple[Path, Path]) -> None:
    _, out = built
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    listed = {v["path"]: v for v in manifest["dossier_volumes"]}
    files = {f"{f.parent.name}/{f.name}": f for c in ("V001", "V002") for f in volumes_of(out / c)}
    assert set(listed) == set(files)
    for path, f in files.items():
        entry = listed[path]
        assert entry["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()
        labels = labels_of(f)
        assert entry["pages"] == len(labels) and entry["bates"] == [
            next(x for x in labels if not x.startswith("V0")), labels[-1]]
        first, last = entry["dossier_pages"]
        whole = labels_of(f.parent / "dossier.pdf")
        assert whole[first - 1:last] == [x for x in labels if not x.startswith("V0")]


def test_each_volume_verifies_alone(built: tuple[Path, Path]) -> None:
    """(Tampered volumes, without their sidecar: tests/test_verify_tampered.py.)"""
    case, out = built
    for f in volumes_of(out / "V002"):
        code, text = run("verify", str(f), "--case", str(case))
        assert code == 0, text
        bates = [x for x in labels_of(f) if not x.startswith("V0")]
        assert f"编号范围：{bates[0]} 至 {bates[-1]}" in text, text  # not the cover's V01-1
        with pikepdf.open(f) as doc:
            assert integrity.manifest_of(doc)["bates"] == {"first": bates[0], "last": bates[-1]}
        with pikepdf.open(f) as doc:  # hashed before it was written, the same from the file
            assert integrity.manifest_of(doc)["integrity"]["page_sha256"] == pagehash.digests(doc)


def test_an_exhibit_over_the_limit_stays_whole_and_the_build_says_so(
        built: tuple[Path, Path], tmp_path: Path) -> None:
    case, _ = built
    out = tmp_path / "out"
    code, text = run("build", str(case), "--out", str(out), "--victim", "V001",
                     "--max-pages", "3")
    assert code in (0, 3), text
    entries = json.loads((out / "V001" / "volumes.json").read_text("utf-8"))["volumes"]
    over = [e for e in entries if e["over_limit"]]
    assert over and all(e["pages"] > 3 for e in over)
    assert all(e["pages"] <= 3 for e in entries if not e["over_limit"])
    starts = starts_of(out / "V001" / "dossier.pdf")
    said = " ".join(text.split())
    for e in over:  # one exhibit (or section) whole: no bookmark starts inside it
        first, last = e["dossier_pages"]
        assert first - 1 in starts and not [s for s in starts if first - 1 < s < last]
        assert e["path"] in said and "超过文件限制" in said  # the case's language


def test_duplex_covers_end_on_a_verso_and_no_limit_sweeps_the_volumes(
        built: tuple[Path, Path], tmp_path: Path) -> None:
    case, _ = built
    out = tmp_path / "out"
    code, text = run("build", str(case), "--out", str(out), "--victim", "V001",
                     "--max-pages", str(MAX_PAGES), "--print", "duplex")
    assert code in (0, 3), text
    for f in volumes_of(out / "V001"):
        covers = [x for x in labels_of(f) if x.startswith("V0")]
        assert len(covers) % 2 == 0, f.name  # the dossier's first page is a recto
    code, text = run("build", str(case), "--out", str(out), "--victim", "V001",
                     "--print", "duplex", "--max-pages", "0")
    assert code in (0, 3), text
    assert volumes_of(out / "V001") == [] and not (out / "V001" / "volumes.json").exists()
    assert (out / "V001" / "dossier.pdf").is_file()

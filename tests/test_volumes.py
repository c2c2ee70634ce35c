"""issue 18, volumes: `build --max-pages/--max-mb` splits the joint bundle into bundle-vol01.pdf…
Every volume is read back: within its limit, Bates numbers running on across volumes, page
labels equal to the stamps, cover index links landing where the row says (inside the volume,
or GoToR to a file that exists), manifest.json matching the files, and a page deleted from a
volume named by `verify` with no sidecar."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import built_sample
from typer.testing import CliRunner

import cli
from evidence import integrity, pagehash, verify
from evidence.errors import ExitCode

MAX_PAGES = 16


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, Any]]:
    case, out = built_sample(tmp_path_factory.mktemp("volumes"), 4, "--jobs", "2",
                                      "--max-pages", str(MAX_PAGES))
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return case, out, manifest


def volume_files(out: Path) -> list[Path]:
    return sorted((out / "joint").glob("bundle-vol*.pdf"))


def labels_of(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as doc:
        return verify.page_labels(doc)


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")
    return text.split("\f")[:-1]


def test_at_least_three_volumes_each_within_the_limit(built: tuple[Path, Path, dict[str, Any]]
                                                      ) -> None:
    _, out, manifest = built
    files = volume_files(out)
    assert len(files) >= 3
    assert not (out / "joint" / "bundle.pdf").exists()
    assert [f"joint/{f.name}" for f in files] == [v["path"] for v in manifest["volumes"]]
    for f in files:
        with pikepdf.open(f) as doc:
            assert len(doc.pages) <= MAX_PAGES, f.name
        assert subprocess.run(["qpdf", "--check", str(f)], capture_output=True).returncode == 0


def test_bates_runs_on_across_volumes_and_labels_equal_stamps(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, manifest = built
    bates: list[int] = []
    for f, entry in zip(volume_files(out), manifest["volumes"], strict=True):
        labels = labels_of(f)
        texts = page_texts(f)
        assert len(texts) == len(labels)
        for label, text in zip(labels, texts, strict=True):
            assert label in text, (f.name, label)  # the stamp shows the page label
        numbers = [int(x[-6:]) for x in labels if re.fullmatch(r"JD-B-\d{6}", x)]
        covers = [x for x in labels if not re.fullmatch(r"JD-B-\d{6}", x)]
        assert covers and labels[:len(covers)] == covers  # the cover comes first, unnumbered
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
        assert entry["bates"] == [labels[len(covers)], labels[-1]]
        if bates:
            assert numbers[0] == bates[-1] + 1  # last of vol N + 1 = first of vol N+1
        bates += numbers
    assert bates[0] == 1


def test_cover_index_links_land_on_the_rows_pages(built: tuple[Path, Path, dict[str, Any]]
                                                  ) -> None:
    _, out, _ = built
    files = volume_files(out)
    checked_local = checked_remote = 0
    for f in files:
        with pikepdf.open(f) as doc:
            labels = verify.page_labels(doc)
            index = {p.objgen: i for i, p in enumerate(doc.pages)}
            cover_text = page_texts(f)[0]
            rows = re.findall(r"(JD-B-\d{6}) – JD-B-\d{6}\s+第(\d+)卷 第(\d+)页", cover_text)
            assert rows, f.name
            annots = list(doc.pages[0].obj.get("/Annots", []))
            # a link per row, top to bottom
            annots.sort(key=lambda a: -float(a.Rect[1]))
            targets = []
            for a in annots:
                if "/Dest" in a:
                    targets.append(("local", index[a.Dest[0].objgen]))
                elif a.get("/A") is not None and a.A.get("/S") == "/GoToR":
                    targets.append((str(a.A.F), int(a.A.D[0])))
            assert len(targets) == len(rows), f.name
            for (first, volume, page), (where, at) in zip(rows, targets, strict=True):
                if where == "local":
                    assert int(volume) == int(f.name[10:12])
                    assert at == int(page) - 1 and labels[at] == first
                    checked_local += 1
                else:
                    target = f.parent / where
                    assert target.is_file() and where == f"bundle-vol{int(volume):02d}.pdf"
                    assert at == int(page) - 1 and labels_of(target)[at] == first
                    checked_remote += 1
    assert checked_local >= len(files) and checked_remote >= len(files) - 1


def test_manifest_lists_every_volume_with_its_hash(built: tuple[Path, Path, dict[str, Any]]
                                                   ) -> None:
    _, out, manifest = built
    for entry in manifest["volumes"]:
        path = out / entry["path"]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert entry["sha256"] == digest
        assert path.with_name(path.name + ".sha256").read_text().split()[0] == digest
        assert entry["pages"] == len(labels_of(path))
        listed = {f["path"]: f["sha256"] for f in manifest["files"]}
        assert listed[entry["path"]] == digest


def test_each_volumes_embedded_bates_range_is_its_first_and_last_bates_number(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    """The embedded manifest gives the first Bates number a volume holds (not its cover's label
    V02-1), as manifest.json does; `evidence verify` prints that range."""
    _, out, manifest = built
    listed = {Path(v["path"]).name: v["bates"] for v in manifest["volumes"]}
    for f in volume_files(out):
        bates = [x for x in labels_of(f) if x.startswith("JD-B-")]
        with pikepdf.open(f) as doc:
            embedded = integrity.manifest_of(doc)["bates"]
        assert [embedded["first"], embedded["last"]] == [bates[0], bates[-1]] == listed[f.name]
        code, text = run("verify", str(f))
        assert code == 0 and f"编号范围：{bates[0]} 至 {bates[-1]}" in text, text


def test_a_dossier_longer_than_a_volume_is_cut_between_exhibits(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    _, out, manifest = built
    cut = [v for v in manifest["volumes"] if any("部分）" in c for c in v["contents"])]
    assert cut  # the sample's dossiers (about 21 pages) do not fit 16
    for f in volume_files(out):
        with pikepdf.open(f) as doc:
            labels = verify.page_labels(doc)
            outline = doc.open_outline()
            index = {p.objgen: i for i, p in enumerate(doc.pages)}
            for item in outline.root:
                if "部分）" not in str(item.title):
                    continue
                start = index[item.destination[0].objgen]
                # the piece's first page opens an exhibit or a section: it has a bookmark
                children = [index[c.destination[0].objgen] for c in item.children]
                assert children and children[0] == start, (f.name, item.title, labels[start])


def test_each_volumes_page_hashes_are_those_verify_recomputes(
        built: tuple[Path, Path, dict[str, Any]]) -> None:
    """Made while writing (pdf/pageseal) from cut dossiers, covers with links inside the volume
    and to other volumes: the same as hashing the finished file."""
    _, out, _ = built
    for f in volume_files(out):
        with pikepdf.open(f) as doc:
            record = integrity.manifest_of(doc)["integrity"]
            assert record["page_sha256"] == pagehash.digests(doc), f.name
            assert record["pages"] == len(doc.pages)


def test_a_page_deleted_from_a_volume_is_named_without_a_sidecar(
        built: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    case, out, _ = built
    volume = volume_files(out)[1]
    code, text = run("verify", str(volume), "--case", str(case))
    assert code == 0, text
    copy = tmp_path / volume.name
    with pikepdf.open(volume) as doc:
        gone = verify.page_labels(doc)[5]
        del doc.pages[5]
        doc.save(copy)
    code, text = run("verify", str(copy))
    assert code == ExitCode.VERIFY_FAILED, text
    assert f"第 6 · {gone} 页" in text


def test_no_limits_keep_one_bundle_and_sweep_the_volumes(
        built: tuple[Path, Path, dict[str, Any]], tmp_path: Path) -> None:
    case, out, _ = built
    again = tmp_path / "out"
    shutil.copytree(out, again)
    code, text = run("build", str(case), "--out", str(again), "--jobs", "1",
                     "--max-pages", str(MAX_PAGES))
    assert code in (0, 3) and "unchanged" in text, text  # reused: nothing rewritten
    files = volume_files(again)
    assert f"{files[0].name} … {files[-1].name}, {len(files)} volumes (" in text.replace("\n", "")
    assert [f.read_bytes() for f in volume_files(again)] == [
        f.read_bytes() for f in volume_files(out)]
    code, text = run("build", str(case), "--out", str(again), "--jobs", "1", "--max-pages", "0")
    assert code in (0, 3), text
    assert (again / "joint" / "bundle.pdf").is_file() and not volume_files(again)
    assert "volumes" not in json.loads((again / "manifest.json").read_text("utf-8"))


def test_signed_volumes_verify_and_a_changed_byte_is_caught(tmp_path: Path) -> None:
    pytest.importorskip("pyhanko")
    from certs import make_p12

    from evidence import sample

    sample.generate(tmp_path / "case", victims=2, seed=318, scale="small")
    p12 = make_p12(tmp_path)
    pw = tmp_path / "pw.txt"
    pw.write_text("s3cret\n", "utf-8")
    out = tmp_path / "out"
    code, text = run("build", str(tmp_path / "case"), "--out", str(out), "--jobs", "1",
                     "--max-pages", "40", "--sign", str(p12), "--password-file", str(pw))
    assert code in (0, 3), text
    files = volume_files(out)
    assert len(files) >= 2
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    for f, entry in zip(files, manifest["volumes"], strict=True):
        assert entry["sha256"] == hashlib.sha256(f.read_bytes()).hexdigest()  # signed bytes
        alone = tmp_path / "alone" / f.name
        alone.parent.mkdir(exist_ok=True)
        shutil.copyfile(f, alone)
        code, text = run("verify", str(alone))
        assert code == 0 and "签名后未改动" in text, text
    data = bytearray(alone.read_bytes())
    at = data.index(b"/Type /Pages")
    data[at + 1] = ord("t")  # one byte, inside the signed range
    alone.write_bytes(bytes(data))
    code, text = run("verify", str(alone))
    assert code == ExitCode.VERIFY_FAILED, text


def test_duplex_covers_end_on_a_verso(tmp_path: Path) -> None:
    """--print duplex: each volume's cover is an even number of pages (a blank verso closes
    it), so its first Bates page is a right-hand page."""
    from evidence import sample

    sample.generate(tmp_path / "case", victims=2, seed=318, scale="small")
    out = tmp_path / "out"
    code, text = run("build", str(tmp_path / "case"), "--out", str(out), "--jobs", "1",
                     "--max-pages", "40", "--print", "duplex")
    assert code in (0, 3), text
    files = volume_files(out)
    assert len(files) >= 2
    for f in files:
        labels = labels_of(f)
        covers = [x for x in labels if x.startswith("V")]
        assert len(covers) % 2 == 0 and labels[len(covers)].startswith("JD-B-"), labels[:4]
        assert "此页空白" in page_texts(f)[len(covers) - 1]


def test_a_changed_last_claimant_leaves_the_earlier_volumes_alone(tmp_path: Path) -> None:
    """Reuse (issue 18): one more screenshot for the last claimant rewrites the first volume
    (its front matter's totals and index) and the volumes from that claimant on; the volumes
    in between are not written again (same inode, same bytes)."""
    import datetime as dt

    from evidence import sample
    from evidence.sample import fraud, images

    sample.generate(tmp_path / "case", victims=4, seed=318, scale="small")
    out = tmp_path / "out"
    args = ("build", str(tmp_path / "case"), "--out", str(out), "--jobs", "2", "--max-pages", "16")
    code, text = run(*args)
    assert code in (0, 3), text
    first = {f.name: (f.stat().st_ino, f.read_bytes()) for f in volume_files(out)}
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    last_id = sorted((tmp_path / "case" / "victims").iterdir())[-1].name
    untouched = [v["path"].split("/")[-1] for v in manifest["volumes"][1:]
                 if v["contents"] and not any(last_id in c for c in v["contents"])]
    assert untouched
    when = dt.datetime(2015, 3, 26, 9, 30, 0, tzinfo=fraud.TZ)
    screen = images.Screen(images.screen("sms", "信息", when, [("95588", "新增截图", "09:30")], "t"))
    extra = tmp_path / "case" / "victims" / last_id / "originals" / "补充" / "Screenshot_1.png"
    extra.parent.mkdir(parents=True)
    extra.write_bytes(screen.png(when, "test extra"))
    code, text = run(*args)
    assert code in (0, 3), text
    now = {f.name: (f.stat().st_ino, f.read_bytes()) for f in volume_files(out)}
    for name in untouched:
        assert now[name] == first[name], name
    assert now["bundle-vol01.pdf"][1] != first["bundle-vol01.pdf"][1]
    changed = json.loads((out / "manifest.json").read_text("utf-8"))["volumes"]
    for entry in changed:
        path = out / entry["path"]
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    last = [f for f in volume_files(out) if any(last_id in c for c in next(
        v for v in changed if v["path"].endswith(f.name))["contents"])]
    assert last and all(f.name not in first or now[f.name] != first[f.name] for f in last)


def test_a_volume_cover_starts_at_the_top_with_bold_headings(tmp_path: Path) -> None:
    """issue 17: the stamp moved to the bottom right, so the cover's heading block starts at
    the top margin (it was 18 mm lower, clear of the old top-right stamp); caption, volume and
    index headings in the heading face; how to cite a page at 10.5 pt, whole, on two lines."""
    import math

    import pypdf

    from evidence import template
    from evidence.render import volume_cover

    rows = [volume_cover.Row(f"{n}. 某某（V{n:03d}）", "JD-B-000001", "JD-B-000009", 1, n)
            for n in range(1, 4)]
    title = "闫某某等12人诉北京某电子商务有限公司网络购物合同纠纷及其他相关联的若干纠纷合并审理"
    pdf = tmp_path / "cover.pdf"
    pdf.write_bytes(volume_cover.cover(title, 1, 2, "JD-B-000001", "JD-B-000099",
                                       "bundle-vol01.pdf", rows, True, "zh-Hans", template.setup()))
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    tops = [float(y) for y in re.findall(r'yMin="([\d.]+)"', html)]
    assert min(tops) < 18 * 72 / 25.4 + 8 * 72 / 25.4  # within 8 mm of the top margin
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert "…" not in text  # neither the long caption nor the citing rule is clipped
    assert re.sub(r"\s+", "", title) in re.sub(r"\s+", "", text)
    assert "括号内为该原告卷宗页码" in re.sub(r"\s+", "", text)
    sized: dict[str, tuple[float, str]] = {}

    def visit(t: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if t.strip() and font is not None:
            sized[t.strip()] = (size * math.hypot(tm[2], tm[3]), str(font.get("/BaseFont")))

    pypdf.PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    body = sized["1. 某某（V001）"][1]  # an index row: the body face
    for heading in ("第 1 卷（共 2 卷）", "全部各卷目录", "内容"):
        assert sized[heading][1] != body, (heading, sized[heading])
    cite = [s for t, (s, _) in sized.items() if "引用页码" in t]
    assert cite and min(cite) >= 10.5

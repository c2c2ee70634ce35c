"""issue 18: a dossier vouches for its own pages — no .sha256 beside it.

Each test tampers with a copy of a real built dossier the way someone holding only the PDF
would (pikepdf, or a byte edit), removes nothing but the sidecar, and runs `evidence verify`
through the CLI: it must fail (exit 6) and name the page.
"""

from __future__ import annotations

import io
import re
import shutil
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from typer.testing import CliRunner

import cli
from evidence import config, integrity, pagehash, pipeline, protect
from evidence.errors import ExitCode

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One dossier with screenshots (image exhibits), SMS and front matter with links."""
    from evidence import sample

    root = tmp_path_factory.mktemp("built")
    sample.generate(root / "case", victims=1, seed=318, scale="small")
    case, _ = config.load_case(root / "case")
    result = pipeline.build_victim(case, config.victim_ids(case)[0], root / "out")
    assert result.dossier is not None
    return result.dossier


@pytest.fixture
def copy(built: Path, tmp_path: Path) -> Path:
    """The dossier as a court would hold it: the PDF alone, no .sha256."""
    target = tmp_path / "dossier.pdf"
    shutil.copyfile(built, target)
    assert not integrity.sidecar_path(target).exists()
    return target


def verify(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["verify", *args])
    return result.exit_code, result.output


def image_pages(pdf: Path) -> list[int]:
    with pikepdf.open(pdf) as doc:
        return [i for i, p in enumerate(doc.pages)
                if any(x.get("/Subtype") == "/Image"
                       for x in p.obj.Resources.get("/XObject", {}).values())]


def bates(pdf: Path, index: int) -> str:
    with pikepdf.open(pdf) as doc:
        first = integrity.manifest_of(doc)["bates"]["first"]
    m = re.search(r"(\d+)$", first)
    assert m
    return first[:m.start()] + f"{int(m.group(1)) + index:0{len(m.group(1))}d}"


def test_the_manifest_holds_a_hash_for_every_page_as_written(built: Path) -> None:
    with pikepdf.open(built) as doc:
        manifest = integrity.manifest_of(doc)
        record = manifest["integrity"]
        assert record["scheme"] == pagehash.SCHEME
        assert record["pages"] == manifest["pages"] == len(doc.pages)
        assert record["page_sha256"] == pagehash.digests(doc)  # recomputed from the file
    assert len(set(record["page_sha256"])) == len(record["page_sha256"])  # Bates: all distinct


def test_an_untouched_copy_verifies_without_its_sidecar(copy: Path) -> None:
    code, out = verify(str(copy))
    assert code == 0, out
    report = integrity.check(copy)
    states = {c.area: c.state for c in report.checks}
    assert states["pdf"] is integrity.State.UNCHECKED  # no .sha256 …
    assert states["pages"] is integrity.State.OK  # … the pages vouch for themselves
    assert states["cover"] is integrity.State.OK


def test_a_copy_rewritten_by_another_tool_still_verifies(copy: Path) -> None:
    """Same pages, other object numbers, object streams, content streams compressed: the
    hashes are of content. (Images are hashed as stored: a recompressed image is a changed
    image, see evidence/pagehash.py.)"""
    with pikepdf.open(copy, allow_overwriting_input=True) as doc:
        doc.save(copy, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 compress_streams=True, stream_decode_level=pikepdf.StreamDecodeLevel.generalized)
    code, out = verify(str(copy))
    assert code == 0, out


def test_one_page_deleted(copy: Path) -> None:
    with pikepdf.open(copy, allow_overwriting_input=True) as doc:
        n = len(doc.pages)
        del doc.pages[5]
        doc.save(copy)
    code, out = verify(str(copy))
    assert code == ExitCode.VERIFY_FAILED, out
    assert f"制作时 {n} 页，现在 {n - 1} 页" in out
    assert f"第 6 · {bates(copy, 5)} 页 — 制作时的这一页已不在文件中（被删除）" in out
    pages = [c for c in integrity.check(copy).checks if c.area == "page"]
    assert [(c.state, c.note) for c in pages] == [(integrity.State.MISSING, "page_removed")]


def test_two_pages_swapped(copy: Path) -> None:
    with pikepdf.open(copy, allow_overwriting_input=True) as doc:
        a, b = doc.pages[3], doc.pages[4]
        doc.pages[3], doc.pages[4] = b, a
        doc.save(copy)
    code, out = verify(str(copy))
    assert code == ExitCode.VERIFY_FAILED, out
    assert f"是制作时的第 5 · {bates(copy, 4)} 页，位置被移动" in out
    moved = [c for c in integrity.check(copy).checks if c.note == "page_moved"]
    assert moved and all(c.state is integrity.State.CHANGED for c in moved)


def test_one_image_replaced(copy: Path) -> None:
    target = image_pages(copy)[0]
    other = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(other, "JPEG")
    with pikepdf.open(copy, allow_overwriting_input=True) as doc:
        xobjects = doc.pages[target].obj.Resources.XObject
        name = next(k for k, x in xobjects.items() if x.get("/Subtype") == "/Image")
        image = xobjects[name]
        image.write(other.getvalue(), filter=pikepdf.Name.DCTDecode)
        image.Width, image.Height = 40, 30
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        if "/DecodeParms" in image:
            del image["/DecodeParms"]
        doc.save(copy)
    code, out = verify(str(copy))
    assert code == ExitCode.VERIFY_FAILED, out
    altered = [c for c in integrity.check(copy).checks if c.area == "page"]
    assert [c.note for c in altered] == ["page_altered"]
    assert altered[0].subject.startswith(f"{target + 1} · ")
    assert f"第 {target + 1} · {bates(copy, target)} 页 — 内容与制作时的第 {target + 1}" in out


def test_one_content_byte_altered(copy: Path) -> None:
    """One byte of one page's drawing instructions (an amount in a table, say)."""
    with pikepdf.open(copy) as doc:
        page = doc.pages[2].obj
        contents = page.Contents
        stream = contents[-1] if isinstance(contents, pikepdf.Array) else contents
        raw = stream.read_raw_bytes()
        compressed = stream.get("/Filter") == "/FlateDecode"
        data = bytearray(zlib.decompress(raw) if compressed else raw)
    digit = next(i for i, b in enumerate(data) if chr(b) in "123456789")
    data[digit] = ord("0")  # 1 500 becomes 0 500 …
    # written back as a forger would: into the file's own bytes, by hand
    new = zlib.compress(bytes(data)) if compressed else bytes(data)
    whole = copy.read_bytes()
    at = whole.index(raw)
    with pikepdf.open(copy, allow_overwriting_input=True) as doc:
        page = doc.pages[2].obj
        contents = page.Contents
        stream = contents[-1] if isinstance(contents, pikepdf.Array) else contents
        stream.write(new, filter=pikepdf.Name.FlateDecode if compressed else None)
        doc.save(copy)
    assert at > 0
    code, out = verify(str(copy))
    assert code == ExitCode.VERIFY_FAILED, out
    altered = [c for c in integrity.check(copy).checks if c.area == "page"]
    assert [(c.subject.split(" ")[0], c.note) for c in altered] == [("3", "page_altered")]


def test_a_flipped_byte_in_the_file_is_caught_without_sidecar(copy: Path) -> None:
    data = bytearray(copy.read_bytes())
    with pikepdf.open(copy) as doc:
        raw = doc.pages[image_pages(copy)[0]].obj.Resources.XObject
        image = next(x for x in raw.values() if x.get("/Subtype") == "/Image")
        blob = image.read_raw_bytes()
    at = bytes(data).index(blob[:64]) + len(blob) // 2  # inside the image's stored bytes
    data[at] ^= 0x01
    copy.write_bytes(bytes(data))
    code, out = verify(str(copy))
    assert code == ExitCode.VERIFY_FAILED, out
    assert "page_altered" in {c.note for c in integrity.check(copy).checks}


def test_a_regenerated_sidecar_no_longer_suffices(copy: Path) -> None:
    """issue 23: the altered file with a fresh .sha256 beside it still fails on its pages."""
    with pikepdf.open(copy, allow_overwriting_input=True) as doc:
        del doc.pages[-1]
        doc.save(copy)
    integrity.write_sidecar(copy)
    code, out = verify(str(copy))
    assert code == ExitCode.VERIFY_FAILED, out
    states = {c.area: c.state for c in integrity.check(copy).checks}
    assert states["pdf"] is integrity.State.OK and states["pages"] is integrity.State.CHANGED


def test_manifest_without_page_hashes_and_no_sidecar_fails(copy: Path) -> None:
    """Stripping the page hashes from the manifest does not make a copy pass."""
    import json

    with pikepdf.open(copy, allow_overwriting_input=True) as doc:
        m = integrity.manifest_of(doc)
        del m["integrity"]
        doc.attachments[integrity.MANIFEST_NAME] = pikepdf.AttachedFileSpec(
            doc, json.dumps(m, ensure_ascii=False).encode())
        doc.save(copy)
    code, out = verify(str(copy))
    assert code == ExitCode.VERIFY_FAILED, out
    assert "清单中没有逐页哈希" in out and "没有任何依据" in out


def test_an_encrypted_dossier_says_it_needs_the_password(copy: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(protect.ENV, raising=False)
    protect.encrypt(copy, "s3cret 密码")
    code, out = verify(str(copy))
    assert code == ExitCode.USAGE, out
    assert "没有密码无法打开" in out and "已改动" not in out
    pw = tmp_path / "pw.txt"
    pw.write_text("s3cret 密码\n", "utf-8")
    code, out = verify(str(copy), "--password-file", str(pw))
    assert code == 0, out  # decrypted, its pages are the pages that were built
    assert "逐页内容" in out

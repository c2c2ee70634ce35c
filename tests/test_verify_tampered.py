"""issue 18: a dossier, a bundle volume and a dossier's volume, held alone (no .sha256 beside them), tampered with as
someone holding only the PDF would — two pages swapped, one picture's pixels replaced at the same
size, one page deleted — fail `evidence verify` (exit 6), which names every page concerned.

The tampered files are made here with pikepdf; nothing in the build is mocked.
"""

from __future__ import annotations

import io
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import built_sample
from PIL import ImageOps
from typer.testing import CliRunner

import cli
from evidence import integrity, verify
from evidence.errors import ExitCode


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A dossier, the second volume of a bundle cut at 16 pages, and the first volume of a
    dossier cut at 16 pages."""
    _, out = built_sample(tmp_path_factory.mktemp("tampered"), 2, "--jobs", "1",
                                   "--max-pages", "16")
    volumes = sorted((out / "joint").glob("bundle-vol*.pdf"))
    assert len(volumes) >= 3
    return {"dossier": out / "V001" / "dossier.pdf", "volume": volumes[1],
            "dossier_volume": out / "V002" / "dossier-vol01.pdf"}


@pytest.fixture(params=["dossier", "volume", "dossier_volume"])
def held(request: pytest.FixtureRequest, built: dict[str, Path], tmp_path: Path) -> Path:
    """A copy as a court holds it: the PDF alone."""
    target = tmp_path / built[request.param].name
    shutil.copyfile(built[request.param], target)
    assert not integrity.sidecar_path(target).exists()
    return target


def verify_cli(pdf: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["verify", str(pdf)])
    return result.exit_code, result.output


def labels(pdf: Path) -> list[str]:
    with pikepdf.open(pdf) as doc:
        return verify.page_labels(doc)


def page_checks(pdf: Path) -> list[tuple[str, str]]:
    return [(c.subject, c.note) for c in integrity.check(pdf).checks if c.area == "page"]


def tamper(pdf: Path, change: Callable[[pikepdf.Pdf], None]) -> None:
    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:
        change(doc)
        doc.save(pdf)


def test_untouched_copy_verifies(held: Path) -> None:
    code, out = verify_cli(held)
    assert code == 0, out


def test_two_pages_swapped(held: Path) -> None:
    before = labels(held)

    def swap(doc: pikepdf.Pdf) -> None:
        a, b = doc.pages[6], doc.pages[7]
        doc.pages[6], doc.pages[7] = b, a

    tamper(held, swap)
    code, out = verify_cli(held)
    assert code == ExitCode.VERIFY_FAILED, out
    # the page out of place is named where it is now (its place keeps its label), with the
    # page it was built as (the shortest explanation of a swap moves one of the two)
    moved = [c for c in integrity.check(held).checks if c.area == "page"]
    assert moved and all(c.note == "page_moved" for c in moved)
    for c in moved:
        now = int(c.subject.split(" ")[0])
        assert now in (7, 8)
        was = 15 - now  # 7 <-> 8
        assert c.expected == f"{was} · {before[was - 1]}"
        assert f"第 {now} · {before[now - 1]} 页 — 是制作时的第 {was} · {before[was - 1]} 页，位置被移动" in out


def test_one_picture_replaced_at_the_same_size(held: Path) -> None:
    """Other pixels, same width, height, colour space and filter: only the content differs."""
    before = labels(held)
    with pikepdf.open(held) as doc:
        where = next(i for i, p in enumerate(doc.pages) if _pictures(p))

    def repaint(doc: pikepdf.Pdf) -> None:
        image = _pictures(doc.pages[where])[0]
        shown = pikepdf.PdfImage(image).as_pil_image()
        other = ImageOps.invert(shown.convert("RGB")).convert(shown.mode)
        width, height = int(image.Width), int(image.Height)
        if image.get("/Filter") == "/DCTDecode":
            data = io.BytesIO()
            other.save(data, "JPEG", quality=90)
            image.write(data.getvalue(), filter=pikepdf.Name.DCTDecode)
        else:
            image.write(zlib.compress(other.tobytes()), filter=pikepdf.Name.FlateDecode)
            if "/DecodeParms" in image:
                del image["/DecodeParms"]
        assert (int(image.Width), int(image.Height)) == (width, height) == other.size

    tamper(held, repaint)
    code, out = verify_cli(held)
    assert code == ExitCode.VERIFY_FAILED, out
    n = where + 1
    assert f"第 {n} · {before[where]} 页 — 内容与制作时的第 {n} · {before[where]} 页不同" in out
    assert page_checks(held) == [(f"{n} · {before[where]}", "page_altered")]


def test_one_page_deleted(held: Path) -> None:
    before = labels(held)

    def delete(doc: pikepdf.Pdf) -> None:
        del doc.pages[9]

    tamper(held, delete)
    code, out = verify_cli(held)
    assert code == ExitCode.VERIFY_FAILED, out
    assert f"制作时 {len(before)} 页，现在 {len(before) - 1} 页" in out
    assert f"第 10 · {before[9]} 页 — 制作时的这一页已不在文件中（被删除）" in out
    assert page_checks(held) == [(f"10 · {before[9]}", "page_removed")]


def _pictures(page: pikepdf.Page) -> list[Any]:
    """The page's own pictures that PIL can redraw (not its stamp, not a soft mask)."""
    xobjects: Any = page.obj.get("/Resources", {}).get("/XObject", {})
    return [x for x in xobjects.values() if x.get("/Subtype") == "/Image"
            and x.get("/Filter") in ("/DCTDecode", "/FlateDecode") and int(x.Width) > 16]

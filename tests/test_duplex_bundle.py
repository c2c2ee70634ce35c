"""Issue 17, printed duplex: every dossier in the joint bundle starts on a right-hand page (so
its gutter, laid out for its own pages, sits on the binding side), and each bundle stamp stays
clear of the binding on a verso, where the dossier's own stamp stood. Read back from a build of
the sample case (pikepdf for the bookmarks, pdftotext -bbox for where the stamps are)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from evidence import batch, joint, pipeline, sample
from evidence.pdf import duplex
from evidence.render import joint as render_joint

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")

BLANK = "此页有意留白"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("duplexbundle")
    sample.generate(root / "case", victims=3, seed=318, scale="small")
    out = root / "out"
    batch.build(root / "case", out, jobs=2, tool="test",
                options=pipeline.Options(print_profile="duplex"))
    return out


def _words(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Per page: (xMin, xMax, word) as displayed."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    word = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">'
                      r"([^<]+)</word>")
    return [[(float(a), float(b), w) for a, b, w in word.findall(page)]
            for page in html.split("<page ")[1:]]


def _starts(pdf: Path) -> list[int]:
    """1-based first page of each claimant's dossier, from the bundle's bookmarks."""
    with pikepdf.open(pdf) as p:
        index = {page.objgen: i for i, page in enumerate(p.pages, start=1)}
        with p.open_outline() as outline:
            claimants: list[Any] = list(outline.root)[1:]
            return [index[item.destination[0].objgen] for item in claimants]


def test_every_dossier_starts_on_a_recto_and_ends_on_a_verso(built: Path) -> None:
    bundle = built / "joint" / "bundle.pdf"
    starts = _starts(bundle)
    assert len(starts) == 3
    assert all(s % 2 == 1 for s in starts), starts  # the front matter is even too
    words = _words(bundle)
    for vid in ("V001", "V002", "V003"):
        dossier = built / vid / "dossier.pdf"
        with pikepdf.open(dossier) as p:
            assert len(p.pages) % 2 == 0, (vid, len(p.pages))
    # every page just before a dossier's cover is that of the dossier before (or the front
    # matter) ending on a verso; when it had nothing to print there, it says so
    for s in starts[1:]:
        before = "".join(w for _, _, w in words[s - 2])
        assert f"JD-B-{s - 1:06d}" in before
    padded = [s for s in starts[1:] if BLANK in "".join(w for _, _, w in words[s - 2])]
    assert padded, "the sample needs a dossier with an odd number of pages before padding"


def test_bundle_stamps_keep_clear_of_the_binding(built: Path) -> None:
    bundle = built / "joint" / "bundle.pdf"
    with pikepdf.open(bundle) as p:
        width = float(p.pages[0].mediabox[2])
    gutter = duplex.gutter_pt(None)
    right_edges = []
    for n, page in enumerate(_words(bundle), start=1):
        stamp = [b for _, b, w in page if w == f"JD-B-{n:06d}"]
        assert stamp, n
        right_edges.append(stamp[0])
    recto = [x for n, x in enumerate(right_edges, start=1) if n % 2 == 1]
    verso = [x for n, x in enumerate(right_edges, start=1) if n % 2 == 0]
    assert all(x <= width - gutter for x in verso), max(verso)  # binding on a verso's right
    assert min(recto) > max(verso) + gutter * 0.8  # a recto's stamp at the outer edge


def test_duplex_front_matter_is_padded_to_an_even_count(tmp_path: Path) -> None:
    """Rendered alone, with and without the duplex profile: an odd front matter gets a marked
    blank verso, an even one nothing."""
    analysis = joint.analyse([])
    front = render_joint.Front(title="甲诉乙网络购物合同纠纷", court="某法院", defendant="乙",
                               counsel="丙", prefix="JD", fingerprint="0" * 64, total_pages=9)
    tz = dt.timezone(dt.timedelta(hours=8))
    one = render_joint.front_matter(analysis, (), front, "zh-Hans", tz, {})
    two = render_joint.front_matter(analysis, (), front, "zh-Hans", tz,
                                    {"print": {"profile": "duplex"}})
    assert one.pages % 2 == 1, "this front matter must be odd for the test to mean anything"
    assert two.pages == one.pages + 1
    path = tmp_path / "front.pdf"
    path.write_bytes(two.pdf)
    last = subprocess.run(["pdftotext", "-f", str(two.pages), "-l", str(two.pages), str(path),
                           "-"], capture_output=True, check=True, text=True).stdout
    assert BLANK in last

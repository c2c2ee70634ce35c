"""One story drawn twice (dossier.front's counting pass, then its final pass, issue 19).

reportlab marks the flowables it lays out: one pushed to the next page gets `_postponed`, and
a flowable kept with the next one loses its keepWithNext. Drawn again, the same story then
failed — V049 of the 150-claimant realistic sample: the room left for the signature under the
证据目录 (a 14 mm Spacer) fell at a page's foot, was pushed on in the counting pass, and the
final pass took it for "too large" (LayoutError, the claimant's dossier not built) — or was
laid out differently from the pass that counted its pages. Both passes are read back here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from evidence import verify
from evidence.render import common

PG = common.Page(A4[0], A4[1], 18 * mm, 12 * mm)
STYLE = ParagraphStyle("t", fontName="Helvetica", fontSize=10, leading=12)


def _frame_height(tmp: Path) -> float:
    doc = common.Doc(str(tmp / "probe.pdf"), PG, title="t", author="", top_band=False)
    return float(doc.pageTemplates[0].frames[0]._height)


def _pushed_spacer(room: float) -> list[Flowable]:
    """A signature room that does not fit under the last line of page 1."""
    return [Spacer(1, room - 20), Paragraph("LAST LINE OF THE INDEX", STYLE),
            Spacer(1, 14 * mm), Paragraph("SUBMITTER AND SIGNATURE", STYLE)]


def _kept_heading(room: float) -> list[Flowable]:
    """A heading at the foot of page 1 whose paragraph only fits on page 2."""
    heading = Paragraph("CHRONOLOGY HEADING", STYLE)
    heading.keepWithNext = 1
    body = Paragraph(" ".join(["chronology row"] * 30), STYLE)
    return [Spacer(1, room - 20), heading, body]


@pytest.mark.parametrize("make", [_pushed_spacer, _kept_heading])
def test_the_same_story_draws_the_same_pages_twice(
        tmp_path: Path, make: Callable[[float], list[Flowable]]) -> None:
    story = make(_frame_height(tmp_path))
    pages = []
    for n in (1, 2):  # the same flowables, as dossier.front draws them
        out = tmp_path / f"pass{n}.pdf"
        common.Doc(str(out), PG, title="t", author="", top_band=False).build(list(story))
        pages.append([" ".join(t.split()) for t in verify.page_texts(out)])
    first, second = pages
    assert second == first  # the final pass cites the pages the counting pass counted
    assert len(first) == 2
    if make is _pushed_spacer:
        assert "LAST LINE OF THE INDEX" in first[0]
        assert "SUBMITTER AND SIGNATURE" in first[1]  # nothing dropped with the room
    else:
        assert "CHRONOLOGY HEADING" not in first[0]  # never a heading alone at a page's foot
        assert first[1].startswith("CHRONOLOGY HEADING chronology row")


def test_room_under_a_block_never_makes_a_blank_page(tmp_path: Path) -> None:
    """The 证据目录 ends with room for the signature, then a page break: a Spacer there that
    did not fit made a page with nothing on it but the stamp (V049); a Room does not."""
    room = _frame_height(tmp_path)
    story = [Spacer(1, room - 20), Paragraph("SIGNATURE ROW", STYLE), common.Room(14 * mm),
             PageBreak(), Paragraph("CHRONOLOGY", STYLE), common.Room(14 * mm),
             Paragraph("FIRST ROW", STYLE)]
    out = tmp_path / "room.pdf"
    common.Doc(str(out), PG, title="t", author="", top_band=False).build(story)
    pages = [" ".join(t.split()) for t in verify.page_texts(out)]
    assert pages == ["SIGNATURE ROW", "CHRONOLOGY FIRST ROW"]


SAMPLE = os.environ.get("EVIDENCE_REALISTIC_V049")  # opt-in: ~1 min to write the sample


@pytest.mark.skipif(not SAMPLE, reason="set EVIDENCE_REALISTIC_V049=1 (writes the 150-claimant "
                                       "realistic sample, about a minute)")
def test_realistic_v049_dossier_is_built(tmp_path: Path) -> None:
    from evidence import pipeline, sample
    from evidence.config import load_case

    case = tmp_path / "case"
    sample.generate(case, victims=150, seed=20261201, scale="realistic")
    result = pipeline.build_victim(load_case(case)[0], "V049", tmp_path / "out")
    assert result.dossier is not None
    texts = [[line for line in t.splitlines() if line.strip()]
             for t in verify.page_texts(result.dossier)]
    index = [lines for lines in texts if lines and lines[-1].startswith("证据目录 JD-V049")]
    assert len(index) >= 2  # the 证据目录 runs over pages (page 7 is where it failed)
    assert all(len(lines) > 1 for lines in index)  # no page with nothing but its stamp
    assert any("签名" in line for line in index[-1])  # the signature rows made it

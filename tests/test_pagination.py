"""layout's pagination planning on its own (issue 19): no reportlab, no PDF, only numbers."""

from __future__ import annotations

import dataclasses

from evidence import layout


@dataclasses.dataclass(frozen=True)
class Pages:  # what render.dossier.Exhibits reports, as layout.ExhibitPages reads it
    pages: int = 0
    item_first: dict[str, int] = dataclasses.field(default_factory=dict)
    item_last: dict[str, int] = dataclasses.field(default_factory=dict)
    event_page: dict[tuple[str, str], int] = dataclasses.field(default_factory=dict)
    insert_pages: dict[int, int] = dataclasses.field(default_factory=dict)
    group_first: dict[str, int] = dataclasses.field(default_factory=dict)


def test_exhibit_map_counts_merged_original_pages_in() -> None:
    ex = Pages(pages=3, insert_pages={1: 4})  # 4 pages of an original PDF after page 1
    assert layout.exhibit_map(5, ex) == {1: 6, 2: 11, 3: 12}


def test_exhibit_map_follows_the_blank_versos() -> None:
    ex = Pages(pages=2)
    rec = layout.recto([0, 3], 4)  # raw page 4 must be a recto: a blank before it
    assert rec.blanks == (3,) and rec.total == 5
    assert layout.exhibit_map(2, ex, rec) == {1: 3, 2: 5}


def test_recto_puts_every_start_on_an_odd_page() -> None:
    rec = layout.recto([0, 1, 3], 5)
    assert [rec.page(n) % 2 for n in (1, 2, 4)] == [1, 1, 1]
    assert rec.total == 5 + len(rec.blanks)


def test_pdf_offset_stays_inside_the_exhibit() -> None:
    assert layout._pdf_offset("page 3 of 9", (10, 20)) == 3
    assert layout._pdf_offset("page 30", (10, 20)) == 0
    assert layout._pdf_offset("row 3", (10, 20)) == 0

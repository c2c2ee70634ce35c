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


def test_numbers_labels_and_outline_of_a_planned_dossier() -> None:
    """A statement PDF (exhibit 1: slip sheet on exhibits page 1, its 3 pages merged after it)
    and two screenshots on one page (exhibit 2, with its tab sheet), behind a 4-section front
    matter of 1+1+1+2 pages and a 1-page appendix, printed double-sided."""
    from test_layout import _file, _plan

    from evidence.model import FileKind

    plan = _plan([_file("stmt.pdf", FileKind.BANK_STATEMENT),
                  _file("a.png", FileKind.SCREENSHOT), _file("b.png", FileKind.SCREENSHOT)])
    shots = [it.label for it in plan.items][1:]
    ex = Pages(pages=3, item_first={"stmt.pdf": 1, "a.png": 3, "b.png": 3},
               insert_pages={1: 3}, group_first={plan.exhibits[1].label: 2})
    paged = layout.paginate_dossier(plan, ex, [1, 1, 1, 2], 1, lambda n: f"B{n:03d}",
                                    duplex=True)
    # raw pages: front 1-5, slip 6, statement 7-9, tab 10, shots 11, appendix 12; a section,
    # exhibit (its tab sheet, its first item) or the appendix that would start on an even
    # page gets a blank before it
    assert [paged.rec.page(n) for n in range(1, 13)] == [1, 3, 5, 7, 8, 9, 10, 11, 12, 13, 15,
                                                         17]
    # issue 17: and a blank verso after the last page, so the next dossier in a bundle starts
    # on a recto
    assert paged.rec.blanks == (1, 3, 5, 13, 15, 17) and paged.total == 18
    assert paged.numbers.item_pages == {"stmt.pdf": (9, 12), "a.png": (15, 15),
                                        "b.png": (15, 15)}
    labels = layout.page_labels(plan, ex, paged)
    assert len(labels) == 12  # one per page before the blanks go in
    assert labels[5:9] == [plan.items[0].label] * 4 and labels[10] == "、".join(shots)
    marks = layout.outline(plan, ex, paged)
    assert [m.page for m in marks] == [0, 2, 4, 6, 8, 16]  # 0-based: sections, exhibits, custody
    exhibits = marks[4]
    assert [g.page for g in exhibits.children] == [8, 12]  # exhibit 2 opens at its tab sheet
    assert [k.page for k in exhibits.children[1].children] == [14, 14]
    assert "17" in marks[-1].title

"""A table row kept whole breaks where keeping it whole would leave its page short
(edition/write/row_breaks.py), and only there; and where it cannot break, the page it leaves
short is not reported short (check/layout.py): each case shown on a small table, with and
without the adjustment."""

from __future__ import annotations

import contextlib

import pytest
import weasyprint

from edition.check.layout import Limits, measure, short_pages
from edition.render.fonts import book_fonts
from edition.write import layout_fixes

FONT = next(iter(book_fonts().values())).as_uri()
LINE = 20  # px: the root's line height, the pitch the limit is counted in
STYLE = (f'@font-face {{ font-family: Book; src: url("{FONT}"); }} @page {{ size: 400px 460px; margin: 30px }}'
         f" html {{ font: 16px/{LINE}px Book; }} body {{ margin: 0 }} table {{ border-collapse: collapse; width: 100% }}"
         " td { vertical-align: top; padding: 0 } tr { break-inside: avoid } .ref { display: block }")
LEFT = 400 - 20 - 4.5 * LINE  # the space above the table that leaves 4.5 lines below its short row


def lay_out(space: float, first_cell: str, limit: float | None, style: str = "", count: int = 10):
    """A page of `space` px above a table of one short row and one tall one (`first_cell`, and ten
    references of a line each beside it), laid out with the adjustments and rows breaking rather
    than leave more than `limit` lines (None: WeasyPrint alone), with `style` added (and `count`
    references); the pages' measures."""
    refs = "".join(f"<span class=ref>ref {k}</span>" for k in range(count))
    html = (f"<style>{STYLE} {style}</style><section class='chapter' id='c'><div style='height: {space}px'></div><table>"
            f"<tr><td>short row</td><td><span class='ref'>1.1</span></td></tr>"
            f"<tr><td>{first_cell}</td><td>{refs}</td></tr></table></section>")
    with layout_fixes.applied(short_page_lines=limit) if limit is not None else contextlib.nullcontext():
        document = weasyprint.HTML(string=html).render()
    return measure(document, [""] * len(document.pages))


def lines_left(page) -> float:
    """The lines of the root's pitch left empty at the foot of the page."""
    return (page.flow_limit - page.flow_bottom) / LINE


def words_on(page) -> str:
    return " ".join(line.text for line in page.lines if line.area == "main")


def test_a_tall_row_that_would_leave_its_page_short_breaks():
    limit = Limits().short_page_lines
    pushed = lay_out(LEFT, "event", None)
    assert "ref 0" not in words_on(pushed[0]) and lines_left(pushed[0]) > limit  # the defect: a short page
    broken = lay_out(LEFT, "event", limit)
    assert "event" in words_on(broken[0]) and "ref 0" in words_on(broken[0])
    assert "ref 9" in words_on(broken[1])
    assert lines_left(broken[0]) < 1


def test_a_row_that_leaves_no_more_than_the_limit_stays_whole():
    space = 400 - 20 - 1.5 * LINE  # 1.5 lines left: within the limit of 2
    for limit in (None, Limits().short_page_lines):
        pages = lay_out(space, "event", limit)
        assert "ref 0" not in words_on(pages[0]) and "event" not in words_on(pages[0])
        assert "event" in words_on(pages[1]) and "ref 9" in words_on(pages[1])


def test_a_row_stays_whole_rather_than_begin_a_cell_on_the_next_page():
    """The first cell's block (kept whole) does not fit the 4.5 lines left while the references
    beside it would: breaking the row would leave them under no event."""
    label = "<div style='break-inside: avoid'>" + "<br>".join(["event"] * 6) + "</div>"
    pages = lay_out(LEFT, label, Limits().short_page_lines)
    assert "ref 0" not in words_on(pages[0]) and "event" not in words_on(pages[0])
    assert "event" in words_on(pages[1]) and "ref 0" in words_on(pages[1])


def test_a_page_may_end_as_short_as_its_limit_says():
    pages = lay_out(LEFT, "event", 5)  # 4.5 lines left are within a limit of 5
    assert "ref 0" not in words_on(pages[0]) and "ref 0" in words_on(pages[1])


def short(pages) -> list[int]:
    return [index for index, _ in short_pages(pages, Limits(), LINE)]


def test_a_page_a_row_could_begin_on_is_short_and_one_it_could_not_is_not():
    """The layout report finds a page short when the row pushed off it could have begun there
    (WeasyPrint alone), but not when the row's first cell, kept whole, needs more than the room
    left: nothing could have filled it."""
    assert short(lay_out(LEFT, "event", None)) == [0]
    label = "<div style='break-inside: avoid'>" + "<br>".join(["event"] * 6) + "</div>"
    pages = lay_out(LEFT, label, Limits().short_page_lines)
    assert lines_left(pages[0]) > Limits().short_page_lines + 1 and pages[1].row_head == 6 * LINE
    assert short(pages) == []


def test_an_event_and_its_date_begin_a_row_together():
    """A row breaks after its event only if the event's date stands with it (the concordance's
    `.event-date`, kept with the name before it): else it goes whole to the next page, and the page
    it leaves is not short.  The cells are padded as the concordance's are: 2.3 lines are left
    below the last line, but the next row could only begin below the padding under it, and it
    needs its own padding and two lines."""
    padding, limit = 4, Limits().short_page_lines
    space = 400 - (LINE + padding) - 2.3 * LINE
    style = f"td {{ padding: {padding}px 0 }}"
    free = lay_out(space, "event<span style='display: block'>date</span>", limit, style)
    assert "event" in words_on(free[0]) and "date" in words_on(free[1])  # what a kept date prevents
    kept = lay_out(space, "event<span style='display: block; break-before: avoid'>date</span>", limit, style)
    assert "event" not in words_on(kept[0]) and "event date" in words_on(kept[1])
    assert lines_left(kept[0]) == pytest.approx(2.3) and kept[1].row_head == padding + 2 * LINE
    assert short(kept) == []


def test_a_row_that_cannot_break_needs_its_whole_height():
    """A row of an event and its date with no references (most of the 4x bench edition's
    concordance) cannot break: it goes whole or not at all, its cells' bottom padding with it.
    2.3 lines are left below the last line, 4 px less below the last row: the row's event and
    date would fit there, with their padding above, but not with the padding below too."""
    padding = 4
    space = 400 - (LINE + padding) - 2.3 * LINE
    style = f"td {{ padding: {padding}px 0 }}"
    pages = lay_out(space, "event<span style='display: block; break-before: avoid'>date</span>", Limits().short_page_lines,
                    style, count=0)
    assert "event" not in words_on(pages[0]) and "event date" in words_on(pages[1])
    assert pages[1].row_head == 2 * padding + 2 * LINE > pages[0].flow_limit - pages[0].rows_bottom
    assert short(pages) == []

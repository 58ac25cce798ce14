"""The notes of a page laid out once where they stand while room is made for them, a grown run-in
series from its last line (edition/write/note_area.py): what is given back is what WeasyPrint lays
out there, box for box, the pages are the same, and far fewer lines are laid out."""

from __future__ import annotations

import contextlib

import pytest
import weasyprint

from edition.write import layout_fixes, note_area
from test_layout_fixes import STYLE, words

SERIES = """@page { size: 5in 5in; margin: 0.5in; @footnote { border-top: 0.4pt solid; padding-top: 3pt } }
p { margin: 0 } .fn, .ed, .app, .par { float: footnote; margin-top: 4pt; font-size: 12px; line-height: 15px; hyphens: auto }
.fn { order: 1 } .ed { order: 2 } .app { order: 3; footnote-display: inline } .par { order: 4 }
.app::footnote-call, .par::footnote-call { content: none } .app::footnote-marker { content: none }
.app::after { content: "\\2003" }"""
KINDS = ("fn", "app", "ed", "app", "par", "fn")


def book() -> str:
    """Twenty paragraphs, each calling notes of the four series (a run-in one among them), the
    later series' notes called first on a page, so notes are laid out again lower down."""
    paragraphs = []
    for k in range(20):
        calls = "".join(f"{words(6, k + n)}<span class='{kind}'>{words(8 + 5 * ((k + n) % 4), k * n)}</span> "
                        for n, kind in enumerate(KINDS[k % 3:k % 3 + 3 + k % 2]))
        paragraphs.append(f"<p>{calls}{words(25, k)}</p>")
    return f"<html lang=en><style>{STYLE}{SERIES}</style>" + "".join(paragraphs)


def geometry(box) -> list[tuple]:
    """Every box in `box`: its kind, place, size and words."""
    return [(type(b).__name__, b.position_x, b.position_y, b.width, b.height, getattr(b, "text", None))
            for b in [box, *box.descendants()]]


def laid_out(html: str):
    with layout_fixes.applied():
        return weasyprint.HTML(string=html).render()


@pytest.fixture
def sized_lines(monkeypatch):
    """How many lines WeasyPrint lays out in footnote areas while it makes room for the notes."""
    import sys

    from weasyprint.layout import inline

    count = [0]
    next_linebox = inline.get_next_linebox

    def counted(context, *args, **kwargs):
        frame = sys._getframe(1)
        while frame and frame.f_code.co_name != "_update_footnote_area":
            frame = frame.f_back
        count[0] += frame is not None
        return next_linebox(context, *args, **kwargs)

    monkeypatch.setattr(inline, "get_next_linebox", counted)
    return count


def shadowed(monkeypatch) -> list[int]:
    """Lay out, from now on, with every box note_area.py gives back while the area is sized
    compared with WeasyPrint's own layout of it there (kinds, places, sizes, words and the rest of
    what the layout returns); the count of boxes compared."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import block

    level = block.block_level_layout
    applied = note_area.applied
    compared = [0]

    @contextlib.contextmanager
    def comparing():
        with applied():
            given = block.block_level_layout

            def both(context, box, bottom_space, skip_stack, containing_block, *args):
                if getattr(context, note_area.SIZING, False) and isinstance(containing_block, boxes.FootnoteAreaBox):
                    fresh = level(context, box.deepcopy(), bottom_space, skip_stack, containing_block,
                                  args[0], [], [], list(args[3]), *args[4:])
                    result = given(context, box, bottom_space, skip_stack, containing_block, *args)
                    assert geometry(result[0]) == geometry(fresh[0])
                    assert result[1:] == fresh[1:]
                    compared[0] += 1
                    return result
                return given(context, box, bottom_space, skip_stack, containing_block, *args)

            block.block_level_layout = both
            try:
                yield
            finally:
                block.block_level_layout = given

    monkeypatch.setattr(note_area, "applied", comparing)
    return compared


def test_each_note_given_back_is_the_note_weasyprint_lays_out_there(monkeypatch):
    """Every note given back while a page's area is sized stands where WeasyPrint lays it out,
    as tall, its lines at the same heights with the same words."""
    compared = shadowed(monkeypatch)
    assert len(laid_out(book()).pages) >= 4
    assert compared[0] > 100


LONG = ("establishment characteristically representatives unquestionably international correspondence "
        "revolutionaries administration considerable responsibilities").split()


@pytest.mark.parametrize("width", [2.0, 2.5])
def test_a_grown_series_goes_on_with_the_count_of_hyphenated_lines_it_had(monkeypatch, width):
    """A run-in series of long words in a narrow column, hyphenated: laid out again from its last
    line on, each time an entry is added, its lines are those WeasyPrint sets with no more than
    two hyphenated line ends in a row (layout_fixes.py), the count carried to the line it goes on from."""
    entries = "".join(f"word <span class='app'>{' '.join(LONG[(k * 3 + j) % len(LONG)] for j in range(4))}</span> "
                      for k in range(14))
    style = SERIES.replace("size: 5in 5in", f"size: {width}in 9in")
    compared = shadowed(monkeypatch)
    laid_out(f"<html lang=en><style>{STYLE}{style}</style><p>{entries}</p>")
    assert compared[0] >= 14


def test_the_pages_are_the_same_and_far_fewer_lines_are_laid_out(monkeypatch, sized_lines):
    """Every box of every page where it stands without note_area.py (WeasyPrint's PDF of a document
    is not the same bytes twice in a process: its fonts), and less than half the lines laid out
    while room is made for the notes."""
    given = laid_out(book())
    once = sized_lines[0]
    sized_lines[0] = 0
    monkeypatch.setattr(note_area, "applied", contextlib.nullcontext)
    whole = laid_out(book())
    assert len(whole.pages) == len(given.pages) >= 4
    assert [geometry(page._page_box) for page in whole.pages] == [geometry(page._page_box) for page in given.pages]
    assert 0 < once * 2 < sized_lines[0]


def test_weasyprint_is_as_it_was_after_the_layout():
    from weasyprint.layout import LayoutContext, block

    before = (block.block_level_layout, LayoutContext._update_footnote_area)
    with note_area.applied():
        assert block.block_level_layout is not before[0]
    assert (block.block_level_layout, LayoutContext._update_footnote_area) == before

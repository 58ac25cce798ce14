"""The adjustments of WeasyPrint's line breaking (edition/write/layout_fixes.py), each shown on its
minimal reproduction (docs/weasyprint.md): the defect without the adjustment, none with it."""

from __future__ import annotations

import pytest
import weasyprint

from edition.check.layout import measure
from edition.render.fonts import book_fonts
from edition.write import layout_fixes

FONT = next(iter(book_fonts().values())).as_uri()
STYLE = f'@font-face {{ font-family: Book; src: url("{FONT}"); }} body {{ margin: 0; font: 16px/20px Book; }}'
WORDS = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore "
         "et dolore magna aliqua").split()


def words(count: int, seed: int) -> str:
    return " ".join(WORDS[(i * 7 + seed) % len(WORDS)] for i in range(count))


def lay_out(html: str, fixed: bool):
    if fixed:
        with layout_fixes.applied():
            return weasyprint.HTML(string=f"<style>{STYLE}</style>{html}").render()
    return weasyprint.HTML(string=f"<style>{STYLE}</style>{html}").render()


def lines(document):
    return [line for page in measure(document, [""] * len(document.pages)) for line in page.lines]


@pytest.mark.slow
def test_a_text_that_fits_once_its_trailing_space_hangs_is_not_cut_to_its_first_word():
    text = ("thus his subordinates forged on alone. They produced the first legal edition of <i>Pravda</i> "
            "and more words follow here.")

    def first_line(width, fixed):
        html = f'<p style="width: {width}px; margin: 0; text-align: justify">{text}</p>'
        return next(line.text for line in lines(lay_out(html, fixed)) if line.area == "main")

    widths = [w for w in range(400, 800) if len(first_line(w, fixed=False).split()) == 1]
    assert widths, "no width reproduces the defect: WeasyPrint changed, see docs/weasyprint.md"
    for width in widths:
        assert len(first_line(width, fixed=True).split()) > 5


@pytest.mark.slow
def test_a_note_whose_policy_is_line_stays_with_its_call():
    def pages(height, fixed):
        html = (f"<style>@page {{ size: 300px 300px; margin: 20px }} p {{ margin: 0; orphans: 2; widows: 2 }}"
                f" .footnote {{ float: footnote; footnote-policy: line }}</style><div style='height: {height}px'></div>"
                f"<p>first line words here<span class='footnote' id='n'>{words(8, 3)}</span> {words(60, 4)}</p>")
        document = lay_out(html, fixed)
        call = next(page.index for page in measure(document, [""] * len(document.pages))
                    for line in page.lines for element in line.calls if element.id == "n")
        note = next(page.index for page in measure(document, [""] * len(document.pages))
                    for element in page.notes if element.id == "n")
        return call, note

    apart = [height for height in range(120, 240) if len(set(pages(height, fixed=False))) == 2]
    assert apart, "no height reproduces the defect: WeasyPrint changed, see docs/weasyprint.md"
    for height in apart:
        call, note = pages(height, fixed=True)
        assert call == note


@pytest.mark.slow
def test_no_more_than_two_lines_in_a_row_end_with_a_hyphen():
    long = ("incomprehensibilities representationalism institutionalisation unconstitutionality "
            "counterrevolutionaries internationalisation ") * 6
    html = f'<p lang="en" style="width: 160px; hyphens: auto; text-align: justify">{long}</p>'

    def longest_run(fixed):
        run = best = 0
        for line in lines(lay_out(html, fixed)):
            run = run + 1 if line.hyphen else 0
            best = max(best, run)
        return best

    assert longest_run(fixed=False) > layout_fixes.HYPHENATE_LIMIT_LINES
    assert longest_run(fixed=True) <= layout_fixes.HYPHENATE_LIMIT_LINES


def test_weasyprint_is_as_it_was_after_the_layout():
    from weasyprint.layout import block, inline

    before = (inline.split_first_line, inline.get_next_linebox, block._linebox_layout)
    with layout_fixes.applied():
        assert inline.split_first_line is not before[0]
    assert (inline.split_first_line, inline.get_next_linebox, block._linebox_layout) == before


def test_an_unexpected_weasyprint_source_is_refused():
    from weasyprint.layout import block

    with pytest.raises(RuntimeError):
        layout_fixes._rewritten(block, block._linebox_layout, "a line that is not there", "")

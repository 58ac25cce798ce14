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
        layout_fixes.rewritten(block, block._linebox_layout, ("a line that is not there", ""))


def test_a_rounding_error_does_not_send_each_note_to_a_page_of_its_own():
    html = ("<style>@page { size: 4in 4in; margin: 0.5in; @footnote { border-top: 0.4pt solid; padding-top: 3pt } }"
            " .fn { float: footnote }</style><p>Alpha<span class='fn'>Note one.</span> beta"
            "<span class='fn'>Note two.</span> eta.</p><p>More.</p>")
    assert len(lay_out(html, fixed=False).pages) == 3, "WeasyPrint changed: see docs/weasyprint.md"
    assert len(lay_out(html, fixed=True).pages) == 1


STACKED = """<style>@page { size: 5in 5in; margin: 0.5in }
.fn, .ed, .app, .par { float: footnote; margin-top: 4pt } .fn { order: 1 } .ed { order: 2 } .app { order: 3 }
.par { order: 4; footnote-display: inline } .app::footnote-call, .par::footnote-call { content: none }
.par::footnote-marker { content: none } .par::after { content: "\\2003" }</style>
<p>Alpha<span class="app" id="app1">APP one.</span> beta<span class="fn" id="fn1">Note one.</span> gamma
<span class="par" id="par1">PAR one.</span> delta<span class="ed" id="ed1">Note a.</span> epsilon
<span class="par" id="par2">PAR two.</span> zeta<span class="fn" id="fn2">Note two.</span>
<span class="app" id="app2">APP two.</span> eta.</p><p>More text.</p>"""


def test_the_series_of_notes_are_stacked_apart_in_their_order():
    """The notes at the foot come series by series in the order of their `order` (each series in
    the order of its calls), with the margin above the first note of each series but the first;
    inline notes run in as one paragraph."""
    from weasyprint.formatting_structure import boxes

    def foot(fixed):
        page = lay_out(STACKED, fixed).pages[0]._page_box
        area = next(child for child in page.children if isinstance(child, boxes.FootnoteAreaBox))
        return [(child.margin_top, list(dict.fromkeys(b.element.get("id") for b in child.descendants()
                                                      if b.element_tag == "span" and b.element.get("id"))))
                for child in area.children]

    unfixed = [ids for _, ids in foot(fixed=False)]
    assert unfixed == [["app1"], ["fn1"], ["par1"], ["ed1"], ["par2"], ["fn2"], ["app2"]]
    stacked = foot(fixed=True)
    assert [ids for _, ids in stacked] == [["fn1"], ["fn2"], ["ed1"], ["app1"], ["app2"], ["par1", "par2"]]
    assert [margin > 0 for margin, _ in stacked] == [False, False, True, True, False, True]

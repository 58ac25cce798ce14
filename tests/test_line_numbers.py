"""Line numbers in the margin (edition/write/line_numbers.py), on small documents laid out here:
every fifth line of a paragraph, counted on over a page break or again on each page, level with
its line; and the lines the apparatus cites."""

from __future__ import annotations

import io

import pypdf
import pytest
import weasyprint

from edition.check.layout import measure
from edition.write import line_numbers, page_numbers

WORDS = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore".split()


def document(paragraphs: list[int], page_height: str = "5in") -> str:
    """Paragraphs of so many words each, numbered 1.1, 1.2 …, as the print HTML sets them."""
    body = "".join(
        f'<p class="numbered" id="p{k}"><span class="pn verso"><span>1.{k}</span></span> '
        + " ".join(WORDS[(i * 7 + k) % len(WORDS)] for i in range(count))
        + f'<span class="fn" id="n{k}">Note {k}.</span> end.</p>'
        for k, count in enumerate(paragraphs, 1))
    return (f"<html lang=\"en\"><head><style>@page {{ size: 4in {page_height}; margin: 0.6in; @top-center {{ content: 'Head' }} }}"
            " section { position: relative } p { margin: 0; text-align: justify; font: 10pt/14pt serif }"
            " .pn { position: absolute; width: 30pt; left: -38pt; text-align: right } .pn > span { font-size: 7pt }"
            " .fn { float: footnote; font-size: 7pt } .fn::footnote-call { content: none }"
            f"</style></head><body><section class='chapter'>{body}</section></body></html>")


def laid_out(html: str, every: int = 5, restart: str = line_numbers.PARAGRAPH):
    doc = weasyprint.HTML(string=html).render()
    put = line_numbers.number(doc.pages, every, restart)
    page_numbers.sides(doc.pages)
    return doc, put


def numbers_by_page(doc) -> list[list[tuple[float, str]]]:
    """Each page's margin figures (baseline, text) read back from the PDF, and its text lines' baselines."""
    reader = pypdf.PdfReader(io.BytesIO(doc.write_pdf()))
    pages = []
    for page in reader.pages:
        runs = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: runs.append(
            (round(tm[5] * cm[3] + cm[5], 1), round(size * abs(tm[3] * cm[3]), 1), text.strip())) if text.strip() else None)
        pages.append(runs)
    return pages


def text_baselines(runs) -> list[float]:
    return sorted({y for y, size, _ in runs if size == 10}, reverse=True)


@pytest.mark.parametrize("restart", [line_numbers.PARAGRAPH, line_numbers.PAGE])
def test_every_fifth_line_is_numbered_level_with_it(restart):
    doc, put = laid_out(document([160, 30, 120], page_height="4in"), restart=restart)
    pages = numbers_by_page(doc)
    assert len(pages) >= 2 and put > 3
    counted, shown = {}, 0
    for runs in pages:
        on_page = 0
        starts = {y: text for y, size, text in runs if size == 7 and "." in text}
        figures = {y: text for y, size, text in runs if size == 7 and text.isdigit()}
        paragraph = None
        for y in text_baselines(runs):
            paragraph = starts.get(y, paragraph or max(counted, default=None, key=lambda k: k))
            counted[paragraph] = counted.get(paragraph, 0) + 1
            on_page += 1
            count = on_page if restart == line_numbers.PAGE else counted[paragraph]
            if count % 5 == 0:
                assert figures.pop(y, None) == str(count), (y, count, runs)
                shown += 1
        assert not figures, figures  # no figure beside no line
    assert shown == put


def test_no_numbers_when_the_setting_is_0_and_none_twice_for_a_layout_written_again():
    doc, put = laid_out(document([120]), every=0)
    assert put == 0
    doc, put = laid_out(document([120]))
    assert put > 0 and line_numbers.number(doc.pages, 5) == 0


def test_the_apparatus_cites_the_line_a_call_stands_on():
    doc = weasyprint.HTML(string=document([120, 3])).render()
    pages = measure(doc, [""] * len(doc.pages))
    lines = line_numbers.lemma_lines(pages, {"p1", "p2"})
    first = [line for page in pages for line in page.lines if "p1" in line.ids and not line.out_of_flow and line.text.strip()]
    assert len(first) > 15
    assert any(call.id == "n1" for call in first[lines[line_numbers.LEMMA + "n1"] - 1].calls)
    assert lines[line_numbers.LEMMA + "n2"] == 1  # the paragraph is one line


def test_a_passage_over_lines_is_cited_by_the_lines_it_spans():
    """A lemma marked where it begins (data-from) and called where it ends gives its first and last
    line; a paragraph marked as a whole begins on its first line."""
    words = " ".join(WORDS * 2)
    html = document([60, 3]).replace(
        '<span class="fn" id="n1">', f' <span data-from="n1 other">Begins {words}</span><span class="fn" id="n1">').replace(
        '<p class="numbered" id="p2"', '<p class="numbered" id="p2" data-from="whole"').replace(
        "</section>", '<div class="numbered" id="p3" data-from="quote"><span class="pn verso"><span>1.3</span></span>'
        f"<p>{words}</p></div></section>")  # a quotation: its number is a block of its own, out of the flow
    doc = weasyprint.HTML(string=html).render()
    pages = measure(doc, [""] * len(doc.pages))
    found = line_numbers.lemma_lines(pages, {"p1", "p2", "p3"})
    first = [line for page in pages for line in page.lines if "p1" in line.ids and not line.out_of_flow and line.text.strip()]
    begins, ends = line_numbers.lines(found, "n1")
    assert begins < ends
    assert "Begins" in first[begins - 1].text.split()
    assert any(call.id == "n1" for call in first[ends - 1].calls)
    assert line_numbers.lines(found, "other") == (begins, begins)  # a key with no call: where it begins
    assert line_numbers.lines(found, "whole") == (1, 1) and line_numbers.lines(found, "nothing") is None
    assert line_numbers.lines(found, "quote") == (1, 1)


def test_a_number_stands_as_far_from_the_text_on_a_page_whose_text_block_is_elsewhere():
    """Pages of the two sides have their text blocks at different places (inner and outer margins):
    a number beside a paragraph begun on the page before stands where that page's own numbers do."""
    from weasyprint.formatting_structure import boxes

    html = document([400, 30]).replace("@page {", "@page :left { margin-left: 1in; margin-right: 0.5in } @page {")
    doc = weasyprint.HTML(string=html).render()
    assert line_numbers.number(doc.pages, 5) > 5 and len(doc.pages) > 2
    for page in doc.pages:
        section = next(b for b in page._page_box.descendants() if b.element_tag == "section")
        edge = section.content_box_x() - 8 * 4 / 3  # book.css: 30pt wide, 38pt left of the text block
        figures = [b for b in page._page_box.descendants(placeholders=True)
                   if isinstance(b, boxes.TextBox) and b.text.isdigit()]
        assert figures
        for figure in figures:
            assert abs(figure.position_x + figure.width - edge) < 0.5, (figure.text, figure.position_x + figure.width, edge)


def test_the_numbers_stay_out_of_the_tagged_structure():
    """A tagged PDF's structure (what a screen reader reads) holds the same marked text with line
    numbers as without: the numbers are drawn, as running heads are, outside it."""
    import pikepdf

    def reached(every: int) -> tuple[int, int]:
        """(marked contents the structure reaches, marked contents drawn) over the pages."""
        doc = weasyprint.HTML(string=document([160, 30])).render(pdf_tags=True)
        line_numbers.number(doc.pages, every)
        pdf = pikepdf.open(io.BytesIO(doc.write_pdf(pdf_tags=True)))
        found = 0

        def walk(element):
            nonlocal found
            for kid in element.K.as_list() if isinstance(element.K, pikepdf.Array) else [element.K]:
                if isinstance(kid, int):
                    found += 1
                elif isinstance(kid, pikepdf.Dictionary) and pikepdf.Name.S in kid:
                    walk(kid)

        walk(pdf.Root.StructTreeRoot.K[0])
        drawn = sum(1 for page in pdf.pages for operands, operator in pikepdf.parse_content_stream(page)
                    if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1])
        return found, drawn

    plain, numbered = reached(0), reached(5)
    assert numbered[1] > plain[1] + 5  # the numbers are drawn, each its marked content
    assert numbered[0] == plain[0]

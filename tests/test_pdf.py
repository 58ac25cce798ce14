"""The real edition's PDF, read back: pages, contents, fonts, notes, running heads, bookmarks."""

from __future__ import annotations

import re

import pikepdf
from conftest import SOURCES
from lxml import etree
from test_print import text_runs

from edition.diagnostics import Report
from edition.read.reader import read_edition
from edition.read.settings import load, points
from edition.read.tei import NS


def folio(text: str) -> str | None:
    """The printed page number. pypdf gives the margin boxes last: a folio alone at the foot
    (openings), or with the running head: '4 A · Anonymous' (verso), 'Stalin, 1912–1917 5' (recto)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return None
    match = re.fullmatch(r"(\d+|[ivxlc]+)|.* (\d+)|(\d+) .*", lines[-1])
    return next((g for g in match.groups() if g), None) if match else None


def test_title_pages(built):
    pages = built.pages
    assert "Stalin’s Rise" in pages[0]
    assert "Stalin’s Rise" in pages[2] and "Edited by" in pages[2]
    assert "Edition of" in pages[3]
    assert pages[4].strip().startswith("Contents")


def contents_entries(built) -> list[tuple[str, str]]:
    """(target id, printed page number) of every line of the contents, in order."""
    html = etree.parse(str(built.html), etree.HTMLParser())
    targets = [a.get("href").lstrip("#") for a in html.xpath("//ul[@class='toc']//a")]
    start = next(i for i, t in enumerate(built.pages) if t.strip().startswith("Contents"))
    end = built.page_of("sigla")
    text = "\n".join(built.pages[start:end])
    numbers = re.findall(r"\.\s*(\d+|[ivxlc]+)\s*$", text, re.M)
    assert len(numbers) == len(targets), (numbers, targets)
    return list(zip(targets, numbers))


def test_contents_page_numbers_are_where_the_chapters_start(built):
    destinations = built.reader.named_destinations
    entries = contents_entries(built)
    assert len(entries) > 15
    for target, number in entries:
        page = built.reader.get_destination_page_number(destinations[f"{target}"])
        assert built.labels[page] == number, (target, number, built.pages[page][:120])


def test_every_font_is_embedded_and_is_the_book_face(built):
    names = set()
    for page in built.reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for font in fonts.values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    assert names and all(name.startswith("EB-Garamond") for name in names), names


def test_source_notes_are_at_the_foot_of_the_page_of_their_call(built):
    tree = etree.parse(str(SOURCES / "texts" / "T1.xml"))
    for note in tree.xpath("//tei:note[@type='source']", namespaces=NS):
        words = " ".join("".join(note.itertext()).split()[:5])
        pages = [i for i, text in enumerate(built.pages) if words in " ".join(text.split())]
        assert len(pages) == 1, words
        text = built.pages[pages[0]]
        # the call (the note's number) stands in the text above the note
        assert re.search(rf"\w{note.get('n')}\b", text.split(words)[0]), words


NUMBER_SIZE = 7  # book.css.jinja: a paragraph's number (the apparatus cites it in 7.5pt)


def test_paragraph_numbers_in_the_margin(built):
    """Every paragraph of T1's chapter VII has its number printed once, in the outer margin (right of
    the text block on a recto, left of it on a verso), on the baseline of a line of the text."""
    page = load(SOURCES, Report()).page
    width, outer = points(page.width), points(page.margin_outer)
    edition = read_edition(SOURCES, Report())
    chapter = next(c for s in edition.sources for c in s.chapters if c.id == "T1.7")
    expected = sorted(block.number for block in chapter.blocks())
    found = []
    for index in range(built.page_of("T1.7"), built.page_of("part-T2")):
        runs = text_runs(built.reader.pages[index])
        for run in runs:
            x, y, size, text = run
            if size == NUMBER_SIZE and re.fullmatch(r"7\.\d+[a-z]?", text.strip()):
                found.append(text.strip())
                in_margin = x > width - outer if index % 2 == 0 else x < outer
                assert in_margin, (text, built.labels[index], x)
                assert any(abs(y - other[1]) < 0.5 and outer <= other[0] < width - outer
                           for other in runs if other is not run), (text, built.labels[index])  # a line of the text
    assert sorted(found) == expected and len(expected) > 100


def test_running_heads_on_text_pages_but_not_on_openings(built):
    opening = next(i for i, text in enumerate(built.pages) if text.lstrip().startswith("Chapter VII"))
    assert "T1 · Leon Trotsky" not in built.pages[opening]
    verso = built.pages[opening + 1]
    recto = built.pages[opening + 2]
    assert "T1 · Leon Trotsky" in verso and "The Year 1917" not in verso
    assert "The Year 1917" in recto and "T1 · Leon Trotsky" not in recto


def recto_sections(built) -> dict[int, str]:
    """The first page of every top-level section of the book that begins on a recto (book.css.jinja:
    the half-title, title page, contents, sigla, introduction, each part, part opening, chapter and
    appendix; all but the imprint, the title page's verso) -> its id."""
    html = etree.parse(str(built.html), etree.HTMLParser())
    return {built.page_of(section.get("id")): section.get("id") for section in html.xpath("/html/body/*[@id]")
            if "imprint" not in section.get("class", "").split()}


def shows_text(page) -> bool:
    """Whether a page's content, or any form it paints, shows text (a folio or a head is text)."""
    todo, seen = [page], set()
    while todo:
        holder = todo.pop()
        if any(str(op) in ("Tj", "TJ", "'", '"') for _, op in pikepdf.parse_content_stream(holder)):
            return True
        for form in holder.get("/Resources", {}).get("/XObject", {}).values():
            if form.get("/Subtype") == "/Form" and form.objgen not in seen:
                seen.add(form.objgen)
                todo.append(form)
    return False


def test_blank_pages_are_the_versos_before_a_recto_section_and_bear_nothing(built):
    """Every section that begins on a recto does (an even index: page i is a recto), and the page
    before it is either the last page of the section before, with text of its own, or a blank verso:
    no text at all, neither folio nor running head, in the screen or the press PDF. No other page is
    blank."""
    starts = recto_sections(built)
    assert len(starts) > 20
    blanks = [index for index, text in enumerate(built.pages) if not text.strip()]
    for page, anchor in sorted(starts.items()):
        assert page % 2 == 0, f"{anchor} begins on page {built.labels[page]}, a verso"
        if page:
            lines = [line for line in built.pages[page - 1].splitlines() if line.strip()]
            # with text, more than a folio (and a running head) alone: that would be a blank page numbered
            assert not lines or len(lines) > 1 or folio(built.pages[page - 1]) is None, \
                f"the verso before {anchor} (page {built.labels[page - 1]}) has only {lines}"
    assert set(blanks) <= {page - 1 for page in starts}, [built.labels[i] for i in blanks]
    assert any(i < built.page_of("part-A") for i in blanks) and any(i > built.page_of("part-A") for i in blanks)
    for path in (built.pdf, built.press):
        with pikepdf.open(path) as pdf:
            for index in blanks:
                assert not shows_text(pdf.pages[index].obj), (path.name, built.labels[index])


def test_bookmarks(built):
    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title
    found = list(titles(built.reader.outline))
    assert any("Leon Trotsky" in t for t in found)
    assert "Chapter VII: The Year 1917" in found


def test_metadata(built):
    info = built.reader.metadata
    assert info.title == "Stalin’s Rise"


def test_printed_folios_are_the_page_labels(built):
    """What the reader sees at the head or foot of a page is what the PDF viewer calls the page."""
    checked = 0
    for text, label in zip(built.pages, built.labels):
        printed = folio(text)
        if printed and label.isdigit() and int(label) > 0:
            assert printed == label, (label, text[-80:])
            checked += 1
    assert checked > 150

"""The real edition's PDF, read back: pages, contents, fonts, notes, running heads, bookmarks."""

from __future__ import annotations

import re

from conftest import SOURCES
from lxml import etree

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


def test_paragraph_numbers_in_the_margin(built):
    first = next(text for text in built.pages if "THIS was the most important year" in text)
    assert "7.1" in first.split("THIS was")[0] or re.search(r"^7\.1$", first, re.M)
    numbers = re.findall(r"^7\.(\d+)\b", "\n".join(built.pages), re.M)
    assert len(set(numbers)) > 100


def test_running_heads_on_text_pages_but_not_on_openings(built):
    opening = next(i for i, text in enumerate(built.pages) if text.lstrip().startswith("Chapter VII"))
    assert "T1 · Leon Trotsky" not in built.pages[opening]
    verso = built.pages[opening + 1]
    recto = built.pages[opening + 2]
    assert "T1 · Leon Trotsky" in verso and "The Year 1917" not in verso
    assert "The Year 1917" in recto and "T1 · Leon Trotsky" not in recto


def test_blank_pages_are_blank(built):
    blanks = [i for i, text in enumerate(built.pages) if not text.strip()]
    assert blanks, "the front matter has blank versos"


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

"""The real edition's PDF, read back: pages, contents, fonts, notes, running heads, bookmarks."""

from __future__ import annotations

import re

from lxml import etree

from conftest import SOURCES
from edition.tei import NS


def folio(text: str) -> str | None:
    """The printed page number: the first line (running head) or the last (chapter openings)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for candidate in (lines[0].split()[0] if lines else "", lines[-1] if lines else ""):
        if re.fullmatch(r"\d+|[ivxlc]+", candidate):
            return candidate
    return None


def test_title_pages(built):
    pages = built.pages
    assert "Stalin’s Rise" in pages[0]
    assert "Stalin’s Rise" in pages[2] and "Edited by" in pages[2]
    assert "Contents" in pages[4]


def test_contents_page_numbers_are_where_the_chapters_start(built):
    contents = next(text for text in built.pages if text.strip().startswith("Contents"))
    entries = re.findall(r"^(Chapter [^\n]*?)[ .]+(\d+)$", contents, re.M)
    assert entries, contents
    for title, number in entries:
        starts = [i for i, text in enumerate(built.pages) if text.lstrip().startswith(title.split(":")[0])]
        assert starts, title
        assert folio(built.pages[starts[0]]) == number, (title, number, built.pages[starts[0]][:200])


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

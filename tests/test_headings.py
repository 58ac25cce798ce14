"""The real edition's titles where a reader finds them: bookmarks, the contents, running heads,
part titles; chapter titles set in roman, only books' titles in italics."""

from __future__ import annotations

import re

import pytest

from edition.read.settings import Page
from edition.render.running_heads import running_head, width


def outline(built) -> list[tuple[int, str]]:
    """(level, title) of every bookmark of the PDF, in order."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title))
    walk(built.reader.outline, 1)
    return found


def test_bookmarks_have_their_words_apart_and_name_each_part(built):
    bookmarks = outline(built)
    assert [title for level, title in bookmarks if level == 1] == [
        "Contents", "Sigla", "Editorial principles",
        "A Anonymous, [Stalin, 1912–1917]",
        "M Simon Sebag Montefiore, Young Stalin, Part Five (chapters 38–43)",
        "T1 Leon Trotsky, The Year 1917",
        "T2 Leon Trotsky, People’s Commissar",
        "K Oleg V. Khlevniuk, In Lenin’s Shadow",
        "Chronology", "Concordance", "Index of persons", "Index of places"]
    assert "Chapter VII: The Year 1917" in [title for level, title in bookmarks if level == 2]
    for _, title in bookmarks:  # no words run together where a line break stood ('TrotskyThe')
        assert not re.search(r"[a-z][A-Z]|\S\s{2,}\S", title), title


def test_contents_list_the_sigla_in_roman_like_the_introduction(built):
    contents = built.pages[built.page_of("contents")]
    entries = {m.group(1): m.group(2) for m in re.finditer(r"^(Sigla|Editorial principles)[ .]*? ([ivxlc]+)\s*$",
                                                             contents, re.M)}
    assert entries == {"Sigla": built.labels[built.page_of("sigla")],
                       "Editorial principles": built.labels[built.page_of("introduction")]}
    assert contents.index("Sigla") < contents.index("Editorial principles") < contents.index("Anonymous")


# A recto of each chapter and appendix (the second after its opening) and the running head it carries:
# the chapter's title without its number.
RECTO_HEADS = {
    "A.1": "Stalin, 1912–1917",
    "M.38": "1917 Spring: Floundering Leader",
    "M.39": "1917 Summer: Sailors on the Streets",
    "M.42": "Glorious October 1917: The Bungled Uprising",
    "T1.7": "The Year 1917",
    "T2.8": "People’s Commissar",
    "K.2": "IN LENIN’S SHADOW",
    "chronology": "Chronology",
    "concordance": "Concordance",
    "index-persons": "Index of persons",
}


def recto_head(text: str) -> str:
    """The head of a recto: pypdf gives the margin boxes last, the head before the folio."""
    last = [line for line in text.splitlines() if line.strip()][-1]
    return re.sub(r" \d+$", "", last.strip())


def test_a_title_too_long_for_the_head_line_is_shortened():
    page = Page()  # 6 × 9in
    fits = "Glorious October 1917: The Bungled Uprising"
    assert running_head(fits, page) == fits
    subtitled = "The Year of Revolution: How the Bolsheviks Took Power in the Capital and in the Provinces"
    assert running_head(subtitled, page) == "The Year of Revolution"
    long = "The Long Road of the Bolshevik Party from Its Beginnings in Exile to the Seizure of Power in Petrograd"
    short = running_head(long, page)
    assert short.endswith("…") and long.startswith(short[:-1]) and long[len(short) - 1] == " "  # whole words
    assert width(short) < width(long) * 0.7


@pytest.mark.parametrize("anchor", RECTO_HEADS)
def test_recto_running_heads_give_the_chapters_title(built, anchor):
    page = built.page_of(anchor) + 2
    assert int(built.labels[page]) % 2 == 1, "a recto"
    assert recto_head(built.pages[page]) == RECTO_HEADS[anchor]


def fonts_of(built, page: int, text: str) -> set[str]:
    """The fonts (PostScript names, subset tag left out) of the runs of a page that read `text`."""
    found = set()

    def visit(run, cm, tm, font, size):
        if run.strip() == text and font is not None:
            found.add(str(font["/BaseFont"]).split("+", 1)[-1])
    built.reader.pages[page].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("anchor", ["T1.7", "T2.8", "M.38"])
def test_running_heads_are_roman_not_italic_like_a_books_title(built, anchor):
    found = fonts_of(built, built.page_of(anchor) + 2, RECTO_HEADS[anchor])
    assert found and not any("Italic" in name for name in found), found


def test_chapters_titles_in_the_contents_and_part_titles_are_roman_books_titles_italic(built):
    """Chapter titles (quoted or not) are set in roman in the contents and on a part's title page; a
    book's title in the contents is set in italics."""
    contents, part = built.page_of("contents"), built.page_of("part-T1")
    for page, text in [(contents, "“The Year 1917”"), (contents, "Chapter VII: The Year 1917"),
                       (contents, "“People’s Commissar”"), (part, "“The Year 1917”")]:
        found = fonts_of(built, page, text)
        assert found and not any("Italic" in name for name in found), (text, found)
    book = fonts_of(built, contents, "Young Stalin")  # a book's title: found, and set in italics
    assert book and all("Italic" in name for name in book), book

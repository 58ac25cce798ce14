"""The model and the one TEI-to-HTML mapping."""

from __future__ import annotations

from string import ascii_lowercase

from conftest import SOURCES
from lxml import etree

from edition.diagnostics import Report
from edition.read.reader import read_edition
from edition.read.tei import SCHEMA, TEI_NS
from edition.model.elements import TRAITS
from edition.render.html import HANDLERS, Options, Renderer

HEADER_ONLY = {"TEI", "teiHeader", "fileDesc", "titleStmt", "standOff", "text", "front", "back"}


def test_every_element_of_the_schema_and_every_handler_has_a_trait():
    """model/elements.py is the one table: what the schema accepts and what a handler renders is in it."""
    grammar = etree.parse(str(SCHEMA))
    names = set(grammar.xpath("//rng:element/@name", namespaces={"rng": "http://relaxng.org/ns/structure/1.0"}))
    assert not (names - HEADER_ONLY - set(TRAITS))
    assert not (set(HANDLERS) - set(TRAITS))


def test_paragraph_numbers_are_unique_and_follow_the_ids():
    edition = read_edition(SOURCES, Report())
    for source in edition.sources:
        labels = [block.label for block in source.blocks()]
        assert len(labels) == len(set(labels))
        for block in source.blocks():
            element_id = block.element.get("{http://www.w3.org/XML/1998/namespace}id")
            if element_id:
                assert element_id == f"{source.siglum}.{block.number}"


# The marks of editorial notes, written out: a … z, then aa … az, ba … zz (as a spreadsheet's columns).
LETTER_MARKS = [*ascii_lowercase, *(first + second for first in ascii_lowercase for second in ascii_lowercase)]


def test_note_series_have_their_own_marks():
    """Per chapter: source notes keep the source's numbers, editorial notes run a, b, c … z, aa, ab …
    (T2's chapter 8 has more than 26, so the marks after z are checked too)."""
    edition = read_edition(SOURCES, Report())
    longest = 0
    for source in edition.sources:
        for chapter in source.chapters:
            notes = edition.chapter_notes(chapter)
            editorial = [n.mark for n in notes if n.series == "editorial"]
            assert editorial == LETTER_MARKS[:len(editorial)], chapter.id
            longest = max(longest, len(editorial))
            for note in notes:
                if note.series == "source" and note.element.get("n"):
                    assert note.mark == note.element.get("n")
    t1 = [n.mark for n in edition.notes.values() if n.chapter.source.siglum == "T1" and n.series == "source"]
    assert t1 == ["1", "2"]
    assert longest > 26  # the real edition reaches past z


def test_note_marks_follow_the_settings_and_ids_do_not(tmp_path):
    """print: marks: symbols and roman marks replace numbers and letters (a source's own n stays);
    the notes' ids are the same whatever the marks; a wrong style is reported where it is written."""
    from conftest import make_edition, tei_source

    notes = "".join(f'<note type="source">S{k}.</note>' for k in range(8)) + '<note type="source" n="9">Own.</note>'
    notes += "".join(f'<note type="editorial" resp="#ed">E{k}.</note>' for k in range(5))
    body = f'<p xml:id="A.1.1">Text{notes}.</p>'
    marked = make_edition(tmp_path / "m", {"A": tei_source("A", body)},
                          "print:\n  marks:\n    source: symbols\n    editorial: roman\n")
    plain = make_edition(tmp_path / "p", {"A": tei_source("A", body)})
    report = Report()
    edition, default = read_edition(marked, report), read_edition(plain, Report())
    assert not report.errors
    by_series = {series: [(n.mark, n.id) for n in edition.notes.values() if n.series == series] for series in ("source", "editorial")}
    assert [mark for mark, _ in by_series["source"]] == ["*", "\u2020", "\u2021", "\u00a7", "\u2016", "\u00b6", "**", "\u2020\u2020", "9"]
    assert [mark for mark, _ in by_series["editorial"]] == ["i", "ii", "iii", "iv", "v"]
    assert [n.id for n in edition.notes.values()] == [n.id for n in default.notes.values()]
    assert [n.mark for n in default.notes.values() if n.series == "editorial"] == list("abcde")

    wrong = make_edition(tmp_path / "w", {"A": tei_source("A", body)},
                         "print:\n  marks:\n    source: stars\n  note-size:\n    apparatus: 40\n  run-in: [apparatus, notes]\n")
    report = Report()
    read_edition(wrong, report)
    found = sorted((d.location.line, d.code) for d in report.items if d.code.startswith("settings"))
    assert found == [(7, "settings-print"), (9, "settings-print"), (10, "settings-print")], found


def date(xml: str) -> etree._Element:
    return etree.fromstring(f'<date xmlns="{TEI_NS}" {xml}</date>')


def render_date(xml: str, display: str = "source-with-other") -> str:
    renderer = Renderer(None, Options(href=str, date_display=display))
    out = etree.Element("p")
    renderer.node(date(xml), out)
    return "".join(out.itertext())


def test_date_display():
    julian = 'calendar="#julian" when="1917-11-07" when-custom="1917-10-25" datingMethod="#julian">'
    assert render_date(julian + "25 October 1917") == "25 October [7 November] 1917"
    assert render_date(julian + "October twenty-fifth") == "October twenty-fifth [7 November]"
    assert render_date(julian + "25 October 1917", display="source") == "25 October 1917"
    assert render_date('when="1917-11-07">November 7th') == "November 7th [25 October]"
    assert render_date('when="1919-11-07">November 7th') == "November 7th"
    both = 'calendar="#julian" when="1917-03-25" when-custom="1917-03-12" datingMethod="#julian">March 12/25'
    assert render_date(both) == "March 12/25"
    year_end = 'calendar="#julian" when="1918-01-07" when-custom="1917-12-25" datingMethod="#julian">December 25'
    assert render_date(year_end) == "December 25 [7 January 1918]"

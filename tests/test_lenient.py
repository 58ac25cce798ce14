"""Lenient mode: TEI made elsewhere, in tiny editions (the real samples: tests/test_samples.py).

Each test writes a small TEI file as another project would, reads or renders it, and looks at the
model, the diagnostics or the print HTML and EPUB XHTML that come out."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from edition.diagnostics import Report, SourceErrors
from edition.pipeline import Progress, check
from edition.render.html import Options, Renderer
from edition.render.notes import Endnotes
from edition.write import print_html

TEI_NS = "http://www.tei-c.org/ns/1.0"


def tei_file(body: str, header: str = "", root: str = "", back: str = "", prologue: str = "") -> str:
    """A TEI file as other projects write them: no siglum, no ids, their own header."""
    return prologue + textwrap.dedent(f"""\
        <TEI xmlns="http://www.tei-c.org/ns/1.0" {root}>
          <teiHeader><fileDesc>
            <titleStmt><title type="main">Letters of a Test</title><author>Tess Author</author>
              <editor><persName>Edda Editor</persName><roleName>Editor</roleName></editor></titleStmt>
            <publicationStmt><publisher>Test Press</publisher><date when="2020-05-04"/></publicationStmt>
            <sourceDesc><p>Made up.</p></sourceDesc></fileDesc>{header}</teiHeader>
          <text xml:lang="de"><body>{body}</body>{back}</text>
        </TEI>
        """)


def lenient_dir(tmp_path: Path, body: str, **parts) -> Path:
    root = tmp_path / "foreign"
    root.mkdir(exist_ok=True)
    (root / "letter.xml").write_text(tei_file(body, **parts), encoding="utf-8")
    return root


def read(root: Path) -> tuple:
    report = Report()
    try:
        edition = check(root, report, Progress(quiet=True))
    except SourceErrors:
        edition = None
    return edition, report


def codes(report: Report, severity: str | None = None) -> list[str]:
    return [d.code for d in report.items if severity is None or d.severity == severity]


def print_text(edition, tmp_path: Path) -> str:
    return print_html.write(edition, tmp_path / "out").read_text(encoding="utf-8")


def epub_html(edition) -> str:
    renderer = Renderer(edition, Options(href=lambda key: f"x.xhtml#{key}", epub=True), Endnotes())
    html = renderer.division(next(s for s in edition.sources).chapters[0])
    notes = renderer.notes.take()
    return etree.tostring(html, encoding="unicode") + "".join(etree.tostring(b, encoding="unicode") for _, b in notes)


def test_a_directory_of_tei_without_settings_builds_from_the_header(tmp_path):
    root = lenient_dir(tmp_path, "<p>Ein Brief.</p><p>Zwei Absätze.</p>")
    edition, report = read(root)
    assert codes(report) == ["settings-derived"]
    settings = edition.settings
    assert (settings.title, settings.slug, settings.language) == ("Letters of a Test", "letters-of-a-test", "de")
    assert settings.editors == ["Edda Editor"] and settings.publisher == "Test Press"
    assert str(settings.date) == "2020-05-04"
    source = edition.sources[0]
    assert (source.siglum, source.lenient, source.author) == ("A", True, "Tess Author")
    assert [b.number for b in source.blocks()] == ["1.1", "1.2"]  # the body without a div: one chapter
    assert source.chapters[0].title == "Letters of a Test"  # its only chapter, named after it
    assert [b.id for b in source.blocks()] == ["A.1.1", "A.1.2"]  # ids given in memory


def test_an_empty_directory_is_still_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    _, report = read(tmp_path / "empty")
    assert codes(report) == ["settings-missing"]


def test_edition_yaml_chooses_the_mode_per_source(tmp_path):
    root = lenient_dir(tmp_path, "<div><head>Eins</head><p>Text.</p></div>")
    yaml = "title: T\nslug: t\nsources:\n  - siglum: L\n    file: letter.xml\n    mode: {mode}\n"
    (root / "edition.yaml").write_text(yaml.format(mode="lenient"), encoding="utf-8")
    edition, report = read(root)
    assert edition is not None and not codes(report, "error")
    (root / "edition.yaml").write_text(yaml.format(mode="strict"), encoding="utf-8")
    _, report = read(root)
    assert {"siglum-mismatch", "id-missing"} <= set(codes(report, "error"))  # our encoding's rules apply
    (root / "edition.yaml").write_text(yaml.format(mode="loose"), encoding="utf-8")
    _, report = read(root)
    assert "settings-sources" in codes(report)


def test_processing_instructions_comments_and_odd_ids_are_taken(tmp_path):
    prologue = '<?xml version="1.0"?>\n<?xml-model href="x.rng"?>\n<!-- made elsewhere -->\n'
    body = ('<div xml:id="1st"><head>Eins</head><p xml:id="p 1">Siehe <ref target="#1st">oben</ref> '
            'und <ptr target="1st"/>.</p></div>')
    edition, report = read(lenient_dir(tmp_path, body, prologue=prologue))
    assert not codes(report, "error")
    ids = {e.get("{http://www.w3.org/XML/1998/namespace}id") for e in edition.sources[0].file.root.iter()
           if isinstance(e.tag, str)}
    assert {"id-1st", "id-p_1"} <= ids  # names, as HTML and XHTML ids must be
    html = print_text(edition, tmp_path)
    assert 'href="#id-1st"' in html and 'id="id-p_1"' in html  # the pointers followed the ids, with or without '#'


def test_notes_kept_apart_are_called_at_their_anchors(tmp_path):
    body = ('<div><head>Eins</head><p>Erstens<anchor xml:id="a1"/> und zweitens<anchor xml:id="a2"/> und '
            'drittens<note>Eine Fußnote.</note>, <anchor xml:id="a3"/>viertens<note type="commentary" '
            'corresp="a3">Zum Vierten.</note>.</p></div>')
    back = ('<back><div type="notes"><note type="commentary" target="#a2">Zum Zweiten.</note>'
            '<note type="commentary" corresp="a1">Zum Ersten.</note></div></back>')
    edition, report = read(lenient_dir(tmp_path, body, back=back))
    assert not codes(report, "error")
    source = edition.sources[0]
    assert len(source.chapters) == 1  # the back's notes are no chapter of their own
    notes = sorted(edition.notes.values(), key=lambda n: n.mark)
    assert [(n.series, n.mark, "".join(n.element.itertext())) for n in notes] == [
        ("source", "1", "Eine Fußnote."), ("editorial", "a", "Zum Ersten."), ("editorial", "b", "Zum Zweiten."),
        ("editorial", "c", "Zum Vierten.")]
    html = print_text(edition, tmp_path)
    text = re.sub(r"<[^>]+>", "", html)
    assert re.search(r"Erstens\s*Zum Ersten\.\s*und zweitens\s*Zum Zweiten\.\s*und drittens\s*Eine Fußnote\.,"
                     r"\s*viertens\s*Zum Vierten\.", text)  # in the text, a note ends the passage its anchor opens
    epub = epub_html(edition)
    assert epub.index("Zum Ersten") < epub.index("Zum Zweiten") < epub.index("Eine Fußnote")  # in call order
    assert re.search(r'zweitens<span [^>]*class="anchor"[^>]*/><a class="noteref note-editorial"', epub)


def test_verse_lines_breaks_and_joined_words(tmp_path):
    body = ('<div><head>Eins</head><l>Erste Zeile</l><l>Zweite Zeile</l>'
            '<p>Ein ver<lb break="no"/>bundenes Wort, eine neue<lb/>Zeile im Satz.</p>'
            '<closer>Mit Gruß<lb/>Ihr Test</closer></div>')
    edition, _ = read(lenient_dir(tmp_path, body))
    html = print_text(edition, tmp_path)
    assert re.search(r'<div class="lg numbered" id="A.1.1">.*?<span class="l">Erste Zeile</span>'
                     r'<span class="l">Zweite Zeile</span></div>', html, re.S)  # bare lines: one group
    assert "verbundenes Wort, eine neue Zeile im Satz" in html  # in running text, no line break
    assert "Mit Gruß<br>Ihr Test" in html  # in a closer, the break shows


def test_tables_figures_and_blocks_inside_paragraphs(tmp_path):
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    body = ('<div><head>Eins</head><table><head>Preise</head><row role="label"><cell>Ware</cell><cell>Preis</cell></row>'
            '<row><cell cols="2">Brot</cell></row></table>'
            '<figure><graphic url="pic.png"/><head>Ein Bild</head><figDesc>Ein Haus</figDesc></figure>'
            '<figure><graphic url="https://example.org/x.jpg"/><figDesc>Fern</figDesc></figure>'
            '<p>Eine Liste: <list><item>eins</item><item>zwei</item></list> im Absatz.</p></div>')
    edition, report = read(lenient_dir(tmp_path, body))
    assert codes(report) == ["settings-derived", "graphic-unavailable"]
    html = print_text(edition, tmp_path)
    assert '<table class="table"><caption class="head">Preise</caption><tr class="label"><th>Ware</th>' in html
    assert '<td colspan="2">Brot</td>' in html
    found = re.search(r'<figure class="figure"><img src="(assets/images/[0-9a-f]{16}\.png)" alt="Ein Haus" '
                      r'class="graphic"><figcaption class="head">Ein Bild</figcaption></figure>', html)
    assert found and (tmp_path / "out" / found.group(1)).read_bytes() == b"\x89PNG\r\n\x1a\n"  # copied beside
    assert "[Fern: https://example.org/x.jpg]" in html  # never fetched
    assert '<span class="as-ul list"><span class="as-li">eins</span>' in html  # valid HTML inside a paragraph


def test_highlighting_renditions_languages_and_unknown_elements(tmp_path):
    header = ('<encodingDesc><tagsDecl><rendition xml:id="sp" scheme="css">letter-spacing: 0.2em; color: red</rendition>'
              '</tagsDecl></encodingDesc>')
    body = ('<div><head>Eins</head><p><hi rend="b">fett</hi> <hi rend="spaced">gesperrt</hi> '
            '<hi rendition="#sp">definiert</hi> <foreign xml:lang="he">שלום</foreign> '
            '<frobnicate>unbekannt</frobnicate> <x:thing xmlns:x="urn:x">fremd</x:thing> '
            '<del rend="strikethrough">weg</del></p></div>')
    edition, report = read(lenient_dir(tmp_path, body, header=header))
    assert codes(report) == ["settings-derived", "generic-element", "foreign-element"]
    html = print_text(edition, tmp_path)
    assert "<b>fett</b>" in html and '<span class="spaced">gesperrt</span>' in html
    assert '<span style="letter-spacing: 0.2em">definiert</span>' in html  # the rendition's type, not its colour
    assert '<i class="foreign" lang="he" dir="rtl">שלום</i>' in html
    assert '<span class="frobnicate">unbekannt</span>' in html and ">fremd</span>" in html
    assert '<del class="del">weg</del>' in html


def test_the_apparatus_of_witnesses(tmp_path):
    body = ('<div><head>Eins</head><p>Am Anfang <app><lem wit="#E #P">war</lem><rdg wit="#S">ist</rdg></app> das '
            'Wort<app><lem wit="#E"/><rdg wit="#P" xml:id="r2">allein</rdg>'
            '<witDetail target="#r2" wit="#P">am Rand</witDetail></app>.</p></div>')
    text = tei_file(body).replace(
        "<sourceDesc><p>Made up.</p></sourceDesc>",
        '<sourceDesc><listWit><witness xml:id="E"><abbr type="siglum">E</abbr> Codex E.</witness>'
        '<witness xml:id="P"><abbr type="siglum">P</abbr> Codex P.</witness>'
        '<witness xml:id="S"><abbr type="siglum">Σ</abbr> Codex S.</witness></listWit></sourceDesc>')
    root = tmp_path / "foreign"
    root.mkdir()
    (root / "text.xml").write_text(text, encoding="utf-8")
    edition, report = read(root)
    assert not codes(report, "error")
    html = print_text(edition, tmp_path)
    plain = re.sub(r"<[^>]+>", "", html)
    tree = lxml.html.fromstring(html)
    for entry in tree.xpath("//span[contains(concat(' ', @class, ' '), ' apparatus ')]"):  # floated to the foot of the page
        entry.drop_tree()
    assert "Am Anfang war das Wort." in tree.text_content()  # the reading text is the lemmas'
    # each entry at its lemma, keyed to paragraph and line (the first line until a layout places it)
    assert "1.1.1 war E P] ist Σ" in plain and "1.1.1 Wort] allein P (add.; am Rand)" in plain
    assert "Σ Codex S." in plain  # the witnesses among the sigla


def test_xinclude_inside_the_edition_only(tmp_path):
    root = tmp_path / "foreign"
    root.mkdir()
    (root / "part.xml").write_text(f'<div xmlns="{TEI_NS}"><head>Eingefügt</head><p>Aus einer anderen Datei.</p></div>',
                                   encoding="utf-8")
    (root / "words.txt").write_text("reiner Text", encoding="utf-8")
    (tmp_path / "secret.xml").write_text(f'<p xmlns="{TEI_NS}">Geheim.</p>', encoding="utf-8")
    xi = 'xmlns:xi="http://www.w3.org/2001/XInclude"'
    body = (f'<xi:include {xi} href="part.xml"/><div><head>Zwei</head><p>Mit <xi:include {xi} href="words.txt" '
            f'parse="text"/> und <xi:include {xi} href="missing.xml"><xi:fallback>Ersatz</xi:fallback></xi:include>.</p>'
            f'<xi:include {xi} href="../secret.xml"/><xi:include {xi} href="https://example.org/x.xml"/></div>')
    (root / "letter.xml").write_text(tei_file(body), encoding="utf-8")
    edition, report = read(root)
    assert codes(report) == ["settings-derived", "include-outside", "include-outside"]
    (root / "letter.xml").write_text(tei_file(body.replace(f'<xi:include {xi} href="../secret.xml"/>', "")
                                              .replace(f'<xi:include {xi} href="https://example.org/x.xml"/>', "")),
                                     encoding="utf-8")
    edition, report = read(root)
    assert codes(report) == ["settings-derived"]
    html = print_text(edition, tmp_path)
    assert "Aus einer anderen Datei." in html and "Mit reiner Text und Ersatz." in html
    assert "Geheim" not in html
    assert [c.title for c in edition.sources[0].chapters] == ["Eingefügt", "Zwei"]


def test_dates_are_checked_where_the_calendar_is_known(tmp_path):
    header = '<profileDesc><calendarDesc><calendar xml:id="hijri"><p>Hijri</p></calendar></calendarDesc></profileDesc>'
    body = ('<div><head>Eins</head><p>Am <date when="1915-01-10">10. Januar 1915</date>, '
            '<date calendar="#hijri" when-custom="1333-03-24">24 Rabi al-Awwal 1333</date>, '
            '<date calendar="#julian" when="1917-11-07" when-custom="1917-10-25">25. Oktober</date>.</p></div>')
    edition, report = read(lenient_dir(tmp_path, body, header=header))
    assert not codes(report, "error")  # German words are not read as dates; the Hijri date is as given
    html = print_text(edition, tmp_path)
    assert '<time class="date" datetime="1915-01-10">10. Januar 1915</time>' in html  # no other calendar added
    body = body.replace('when-custom="1917-10-25"', 'when-custom="1917-10-26"')
    _, report = read(lenient_dir(tmp_path, body, header=header))
    assert "date-mismatch" in codes(report, "error")  # a Julian date that does not convert is still wrong


@pytest.mark.parametrize("name, want", [("rs", "name"), ("persName", "name")])
def test_registers_in_the_file_feed_the_index(tmp_path, name, want):
    body = f'<div><head>Eins</head><p>Von <{name} ref="#p1">Arthur</{name}> und <{name} key="x">Olga</{name}>.</p></div>'
    back = ('<back><listPerson><person xml:id="p1"><persName><surname>Schnitzler</surname><forename>Arthur</forename>'
            '</persName><birth><date when-iso="1862-05-15"/></birth><death when="1931-10-21"/></person></listPerson></back>')
    edition, report = read(lenient_dir(tmp_path, body, back=back))
    assert not codes(report, "error")
    assert [(m.entity.name, m.entity.life) for m in edition.mentions] == [("Schnitzler, Arthur", "1862–1931")]
    assert len(edition.sources[0].chapters) == 1  # the list of persons prints no chapter


def test_links_outside_the_edition_and_the_pages_of_two_editions(tmp_path):
    body = ('<div><head>Eins</head><p><pb n="12" ed="#A1"/><pb n="7" ed="#B2"/>Siehe <ref target="https://example.org/a">'
            'dort</ref> und <ref target="Mk.1.14">Markus</ref>.<pb n="13" ed="#A1"/></p></div>')
    edition, report = read(lenient_dir(tmp_path, body))
    assert not codes(report, "error")
    html = print_text(edition, tmp_path)
    assert ('<a class="ref external" href="https://example.org/a">dort</a><span class="address"> '
            '&lt;https://example.org/a&gt;</span>') in html  # on paper the address is read
    assert '<span class="ref" title="Mk.1.14">Markus</span>' in html  # neither an id nor an address: text
    margins = re.findall(r'<span class="srcpage[^"]*"[^>]*><span>([^<]+)</span>', html)
    assert margins == ["12", "B2 7", "13"]  # the first edition's pages as they are, the other's named
    epub = epub_html(edition)
    assert 'href="https://example.org/a">dort</a> und' in epub  # a screen link is clicked


def test_a_pointer_to_no_id_prints_its_words(tmp_path):
    body = '<div><head>Eins</head><p>Siehe <ref target="#nirgends">dort</ref>.</p></div>'
    edition, report = read(lenient_dir(tmp_path, body))
    assert codes(report) == ["settings-derived", "lenient-pointer"]
    assert '<span class="ref" title="#nirgends">dort</span>' in print_text(edition, tmp_path)  # no link to nowhere
    assert '<span class="ref" title="#nirgends">dort</span>' in epub_html(edition)  # nor in the EPUB (EPUBCheck)

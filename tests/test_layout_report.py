"""The layout report (edition/check/layout.py): each finding on a small page made to show it, none
on a clean page, findings located in the TEI, and the report of the real edition."""

from __future__ import annotations

import json
import re

import pytest
import weasyprint
from conftest import build, make_edition, tei_source

from edition.check import layout
from edition.render.fonts import book_fonts

FONT = next(iter(book_fonts().values())).as_uri()
PAGE = (f'@font-face {{ font-family: Book; src: url("{FONT}"); }} @page {{ size: 320px 400px; margin: 30px }}'
        "body { margin: 0; font: 12px/16px Book; } p { margin: 0; text-align: justify; orphans: 1; widows: 1 }"
        " section { display: block }")
TEXT = ("The revolution of February had changed everything in the capital, and the soldiers of the garrison "
        "walked the streets with red ribbons on their coats while the ministers argued in the palace. ")


def findings(body: str, css: str = "", limits: layout.Limits = layout.Limits()) -> list[layout.Finding]:
    document = weasyprint.HTML(string=f"<html lang='en'><style>{PAGE}{css}</style><body>{body}</body></html>").render()
    return layout.check(layout.measure(document, [str(i + 1) for i in range(len(document.pages))]), limits)


def codes(body: str, css: str = "", limits: layout.Limits = layout.Limits()) -> list[str]:
    return [finding.code for finding in findings(body, css, limits)]


def chapter(content: str) -> str:
    return f'<section class="chapter" id="c1">{content}</section>'


def test_a_clean_page_has_no_findings():
    assert codes(chapter(f'<p id="p1">{TEXT * 3}</p>')) == []


def test_a_line_that_ends_short_inside_a_paragraph():
    box = '<span style="display: inline-block; width: 240px; height: 10px"></span>'
    assert "layout-short-line" in codes(chapter(f'<p id="p1">{TEXT}{box} {TEXT}</p>'))


def test_a_stretched_line():
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    assert "layout-stretched-line" in codes(chapter(f'<p id="p1">{TEXT * 3} The revolution {word} {TEXT}</p>'))


def test_an_overfull_line():
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2
    assert "layout-overfull-line" in codes(chapter(f'<p id="p1">{TEXT} {word} {TEXT}</p>'))


def test_hyphenation_ladders_short_fragments_and_names():
    long = "incomprehensibilities representationalism institutionalisation unconstitutionality " * 5
    assert "layout-hyphen-ladder" in codes(chapter(f'<p id="p1" style="hyphens: auto">{long}</p>'))
    assert "layout-hyphen-ladder" not in codes(chapter(f'<p id="p1" style="hyphens: auto">{long}</p>'),
                                               limits=layout.Limits(ladder=99))
    loose = chapter(f'<p id="p1" style="hyphens: auto; hyphenate-limit-chars: 4 1 1">{long}</p>')
    assert "layout-short-fragment" in codes(loose, limits=layout.Limits(before=4, after=4))
    assert "layout-short-fragment" not in codes(loose, limits=layout.Limits(before=1, after=1))
    names = " ".join(f'<span class="name">Ordzhonikidzevich{i}</span>' for i in range(12))
    assert "layout-name-break" in codes(chapter(f'<p id="p1" style="hyphens: auto">{names}</p>'))


def test_a_heading_at_the_foot_and_a_signature_at_the_top():
    css = "h3 { margin: 0; font-size: 12px; line-height: 16px; break-after: auto }"
    heading = chapter(f'<div style="height: 320px"></div><h3 id="h">A Heading</h3><p id="p1">{TEXT * 2}</p>')
    assert "layout-stranded-heading" in codes(heading, css)
    assert "layout-stranded-heading" not in codes(heading, css.replace("break-after: auto", "break-after: avoid"))
    signature = chapter(f'<p id="p0">{TEXT}</p><div style="height: 308px"></div><p class="closer" id="s">J. S.</p>')
    assert "layout-stranded-signature" in codes(signature)


def test_a_dateline_at_the_foot_is_stranded_in_an_opener_not_in_a_closing():
    def letter(part: str) -> str:
        dateline = f'<p class="{part}" id="d"><span class="dateline" style="display: block">Moscow, May 5, 1920.</span></p>'
        return chapter(f'<div style="height: 324px"></div>{dateline}<p id="p2">{TEXT * 2}</p>')

    assert "layout-stranded-heading" in codes(letter("opener"))
    assert "layout-stranded-heading" not in codes(letter("closer"))


def test_a_short_page_and_a_note_away_from_its_call():
    blocks = '<div style="height: 200px"></div>'
    short = chapter(f'<p id="p1">{TEXT}</p>{blocks}{blocks}<p id="p2">{TEXT}</p>')
    assert "layout-short-page" in codes(short)
    assert "layout-short-page" not in codes(short, limits=layout.Limits(short_page_lines=8))
    long_note = f'<span class="footnote" id="n1">{TEXT * 4}</span>'
    body = chapter(f'<p id="p1">{TEXT * 5}Here{long_note} {TEXT * 3}</p>')
    assert "layout-note-away" in codes(body, ".footnote { float: footnote; }")
    assert "layout-note-away" not in codes(body, ".footnote { float: footnote; footnote-policy: line }")


def test_a_runt():
    widths = range(200, 260)
    runts = [w for w in widths if "layout-runt" in codes(
        chapter(f'<p id="p1" style="width: {w}px">{TEXT} and that was the end of it.</p>'))]
    assert runts
    for width in runts:
        document = f'<p id="p1" style="width: {width}px">{TEXT} and that was the end of it.</p>'
        last = [f for f in findings(chapter(document)) if f.code == "layout-runt"][0]
        assert last.words.strip() in ("it.", "of it.")


def test_a_runt_with_braces_in_its_text_is_reported():
    """A call of a missing note prints as “{230}”: the message quotes it as it is."""
    widths = range(200, 260)
    for width in widths:
        runts = [f for f in findings(chapter(f'<p id="p1" style="width: {width}px">{TEXT} and that was the end of it.{{230}}</p>'))
                 if f.code == "layout-runt"]
        if runts:
            assert "{230}" in runts[0].message and "p. 1" in runts[0].message
            return
    pytest.fail("no width gives a runt")


def test_a_word_hyphenated_across_the_leaf_turn():
    long = "incomprehensibilities representationalism institutionalisation unconstitutionality " * 30
    found = findings(chapter(f'<p id="p1" style="hyphens: auto">{long}</p>'), "p { orphans: 1; widows: 1 }")
    turns = [f for f in found if f.code == "layout-leaf-turn"]
    assert turns and all(f.page % 2 == 0 for f in turns)  # only at the foot of a recto
    ends = {page.index: [line for line in page.lines if line.area == "main"][-1] for page in
            layout.measure(weasyprint.HTML(string=f"<style>{PAGE}p {{ orphans: 1; widows: 1 }}</style>"
                                                  f"{chapter(f'<p id=p1 style=hyphens:auto>{long}</p>')}").render(),
                           ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"])}
    versos = [index for index, line in ends.items() if index % 2 == 1 and line.hyphen]
    assert not {f.page for f in turns} & set(versos)  # a hyphen at the foot of a verso stays on the spread


def test_every_code_is_documented():
    """docs/diagnostics.md's section on the layout report explains each code of the layout
    report (the generated table of every code is compared with edition/codes.py elsewhere)."""
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    section = text[text.index("## The layout report"):]
    section = section[:section.find("\n## ", 1) if "\n## " in section[1:] else len(section)]
    documented = set(re.findall(r"`(layout-[a-z-]+)`", section))
    assert documented == set(layout.CODES)


@pytest.mark.slow  # three PDF builds of a tiny edition: 2-6 s
def test_findings_are_located_in_the_tei_and_summarised(tmp_path, capsys):
    """A tiny edition with a number too long for the line (it cannot be hyphenated): each warning
    names the TEI file, and the line and column where the words of the line it concerns stand; the
    build prints a one-line summary, --layout-report every finding."""
    long_word = "1917" * 30
    body = f"""
        <p xml:id="A.1.1">First paragraph of the text, which is long enough to be set as a
        paragraph of several lines in the book, and then
        {long_word} stands alone.</p>
    """
    root = make_edition(tmp_path / "ed", {"A": tei_source("A", body)})
    assert build(root, tmp_path / "out", "--format", "pdf") == 0
    records = json.loads((tmp_path / "out" / ".layout.json").read_text())
    assert records
    source = (root / "texts" / "A.xml").read_text().splitlines()
    for record in records:
        path, line, col = record["location"].rsplit(":", 2)
        assert path.endswith("texts/A.xml")
        words = re.findall(r"[^\W_]+", record["message"].split("“", 1)[1])[:2]
        assert source[int(line) - 1][int(col) - 1:].startswith(words[0]), (record, source[int(line) - 1])
    from edition.cli import main

    code = records[0]["code"]
    capsys.readouterr()
    assert main(["--sources", str(root), "--out", str(tmp_path / "out2"), "--format", "pdf"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"^layout: .*" + code.removeprefix("layout-").replace("-", " ") + r".*--layout-report", err, re.M)
    assert f"[{code}]" not in err
    assert main(["--sources", str(root), "--out", str(tmp_path / "out2"), "--format", "pdf", "--layout-report"]) == 0
    assert f"[{code}]" in capsys.readouterr().err


def test_the_real_edition_is_clean(built):
    """The printed book as a typesetter signs it off (issue 11): counts of the layout report."""
    records = json.loads((built.out / ".layout.json").read_text())
    count = {code: sum(r["code"] == code for r in records) for code in layout.CODES}
    assert count["layout-short-line"] == 0
    assert count["layout-note-away"] == 0
    assert count["layout-stranded-heading"] == 0 and count["layout-stranded-signature"] == 0
    assert count["layout-short-fragment"] == 0
    assert count["layout-name-break"] == 0
    assert count["layout-overfull-line"] == 0
    assert count["layout-hyphen-ladder"] == 0
    assert count["layout-stretched-line"] <= 5
    assert count["layout-short-page"] == 0
    assert count["layout-runt"] <= 3  # mended by the spacing trials where a spacing within the limits can


def test_a_finding_on_an_appendix_row_is_located_at_its_register_entry():
    """A row of the chronology or the concordance (in any of its tables), or an index's 'see'
    entry, is located where its event or person is registered, not at edition.yaml."""
    from conftest import SOURCES

    from edition.check.locate import Locator
    from edition.diagnostics import Report
    from edition.pipeline import Progress, check

    edition = check(SOURCES, Report(), Progress(quiet=True))
    locator = Locator(edition)
    event = next(iter(edition.tellings))
    person = next(key for key, entity in edition.entities.items() if entity.kind == "person")
    for key, entry in ((f"conc-{event}", event), (f"conc-{event}-table2", event), (f"chron-{event}", event),
                       (f"index-{person}-see0", person)):
        found = locator.locate([key])
        assert found == locator.locate([entry]) and found.line > 1 and "registers" in str(found.path), key

"""Quotes, dashes and ellipses are set typographically in both outputs, and nothing else changes."""

from __future__ import annotations

import re
import zipfile
from collections import Counter

import pytest
from conftest import SOURCES, build, make_edition, tei_source
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from edition.cli import main
from edition.diagnostics import Report
from edition.read.reader import read_edition
from edition.read.tei import TEI_NS, XML_ID, XML_LANG, local
from edition.render.typography import Typography, typeset
from edition.write.pagination import NOT_IN_FLOW

EDITION = read_edition(SOURCES, Report())
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
LEFT_OVER = re.compile(r"[\"']|--|\.\.\.|\. \. \.")  # what a normalised reading text never has
FOLDS = [(re.compile(r"[“”\"]"), '"'), (re.compile(r"[‘’']"), "'"), (re.compile("…"), "..."),
         (re.compile(r"\s*(?:(?<!-)-{2,3}(?!-)|[—–])\s*"), "—"),
         (re.compile(r"\.(?:[ \u00a0]?\.)+"), lambda m: "." * m[0].count("."))]


def fold(text: str) -> str:
    """Each character the normalisation may change folded back to one form: quotes straight, any
    dash (and the spaces around it) one em dash, any run of full stops its number of stops."""
    for pattern, replacement in FOLDS:
        text = pattern.sub(replacement, text)
    return text


def one(text: str) -> str:
    return typeset([text], [True])[0]


# --- the normaliser on random strings -----------------------------------------------------------
PIECES = ["a", "b", "1", " ", "\n", "\u00a0", "-", "--", "---", ".", "...", ". . .", "'", '"', "“", "”", "‘", "’",
          "—", "–", "…", "(", "«", "'90s", "n'", "http://x.org/a--b..."]
TYPOGRAPHIC = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)
ANY = st.one_of(TYPOGRAPHIC, st.text(max_size=40))


@given(ANY)
def test_normalising_twice_changes_nothing_more(text):
    assert one(one(text)) == one(text)


@given(ANY)
def test_only_the_declared_characters_change(text):
    result = one(text)
    assert fold(result) == fold(text)
    assert [c for c in result if c.isalnum()] == [c for c in text if c.isalnum()]
    spaces = sum(c.isspace() for c in text)
    assert sum(c.isspace() for c in result) <= spaces
    if "--" not in text and not re.search(r"\.[ \u00a0]?\.", text):  # nothing collapses
        assert sum(c.isspace() for c in result) == spaces


@given(ANY)
def test_text_not_in_english_is_kept(text):
    assert typeset([text], [False]) == [text]


@given(st.lists(st.text(st.sampled_from(list("ab1 '\"“”(")), max_size=12), min_size=1, max_size=5))
def test_quotes_are_judged_across_the_texts_of_a_passage(parts):
    """Split anywhere (between elements), the quotes come out as in the unsplit text."""
    assert "".join(typeset(parts, [True] * len(parts))) == one("".join(parts))


@pytest.mark.parametrize("text, expected", [
    ('the "steel one," had replaced "Koba" as', "the “steel one,” had replaced “Koba” as"),
    ("Stalin's and the Tsars' ability in the '90s, rock 'n' roll",
     "Stalin’s and the Tsars’ ability in the ’90s, rock ’n’ roll"),
    ("\"He said 'no.'\" Then", "“He said ‘no.’” Then"),
    ('("Soviet") and ["x"]', "(“Soviet”) and [“x”]"),
    ('"But--" he said--"yes."', "“But—” he said—“yes.”"),
    ("members--including Stalin---had; a -- b; 1917--18; 1917-18; a----b",
     "members—including Stalin—had; a—b; 1917–18; 1917-18; a----b"),
    ("force . . . no longer... so.... end. . . . Leaders..... e.g. ..",
     "force … no longer… so…. end…. Leaders..... e.g. .."),
    ('see http://example.org/a--b...c and "x"', "see http://example.org/a--b...c and “x”"),
])
def test_rules(text, expected):
    assert one(text) == expected


# --- a tiny edition: both outputs, every case --------------------------------------------------
CASES = """
<p xml:id="A.1.1">The name "<persName>Stalin</persName>," meaning the "steel one," replaced "<persName>Koba</persName>".</p>
<p xml:id="A.1.2">Stalin's troops and the Tsars' generals of the '90s, rock 'n' roll style.</p>
<p xml:id="A.1.3">"He said 'no,'" she wrote, "and '<hi>that</hi>' was all."</p>
<p xml:id="A.1.4">Many members--including Stalin--had gone by 1917--18 (not 1917-18).</p>
<p xml:id="A.1.5">First . . . then... and at last "the end...."</p>
<p xml:id="A.1.6">The paper <foreign xml:lang="ru">«Правда» "Pravda" -- Загрузка...</foreign> was "read."</p>
<p xml:id="A.1.7">He wrote "Koba,<note type="source" n="1">A note's "own" words--here.</note>" and left.</p>
<p xml:id="A.1.8">He said <choice><sic>"no'</sic><corr resp="#julian">"no"</corr></choice> twice.</p>
<sp xml:id="A.1.9"><speaker>KAMENEV:</speaker><p>"Ilyich is ready."</p></sp>
"""
EXPECTED = {
    "A.1.1": "The name “Stalin,” meaning the “steel one,” replaced “Koba”.",
    "A.1.2": "Stalin’s troops and the Tsars’ generals of the ’90s, rock ’n’ roll style.",
    "A.1.3": "“He said ‘no,’” she wrote, “and ‘that’ was all.”",
    "A.1.4": "Many members—including Stalin—had gone by 1917–18 (not 1917-18).",
    "A.1.5": "First … then… and at last “the end….”",
    "A.1.6": 'The paper «Правда» "Pravda" -- Загрузка... was “read.”',
    "A.1.7": "He wrote “Koba,” and left.",
    "A.1.8": "He said “no” twice.",
    "A.1.9": "KAMENEV: “Ilyich is ready.”",
}
NOTE = "A note’s “own” words—here."


def reading_text(element) -> str:
    """An output element's reading text: no paragraph number, notes, calls, apparatus or back link."""
    parts = [element.text or ""]
    for child in element:
        classes = set((child.get("class") or "").split())
        if isinstance(child.tag, str) and not classes & (NOT_IN_FLOW | {"backlink", "date-other", "notecall-missing",
                                                                       "gap", "ptr"}):
            parts.append(reading_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def tei_reading(element, top: bool = True):
    """The texts of a TEI element that the reading text shows, in order (notes left out)."""
    name = local(element)
    reading = name in ("sic", "orig", "abbr") and local(element.getparent()) == "choice"
    if not top and (name in ("note", "fw", "desc") or reading):
        return
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str):
            yield from tei_reading(child, top=False)
        yield child.tail or ""


def by_id(tree, key: str):
    return tree.xpath(f"//*[@id='{key}']")[0]


@pytest.fixture(scope="module")
def tiny_outputs(tmp_path_factory):
    """The print HTML and the EPUB chapter of the cases, normalised and diplomatic."""
    outputs = {}
    for typography in ("normalised", "diplomatic"):
        root = tmp_path_factory.mktemp(typography)
        make_edition(root / "e", {"A": tei_source("A", CASES)}, extra_yaml=f"typography: {typography}\n")
        assert build(root / "e", root / "out", "--format", "html", "--format", "epub") == 0
        with zipfile.ZipFile(root / "out" / "tiny.epub") as archive:
            epub = etree.fromstring(archive.read("OEBPS/text/A-1.xhtml"))
        outputs[typography] = {"print": etree.parse(str(root / "out" / "tiny.html"), etree.HTMLParser()), "epub": epub}
    return outputs


@pytest.mark.parametrize("output", ["print", "epub"])
def test_each_case_in_both_outputs(tiny_outputs, output):
    tree = tiny_outputs["normalised"][output]
    for key, expected in EXPECTED.items():
        assert " ".join(reading_text(by_id(tree, key)).split()) == expected, key
    note = tree.xpath("//*[contains(@class, 'note-source')][@id][not(contains(@class, 'noteref'))]")[0]
    assert " ".join(reading_text(note).split()) == NOTE


@pytest.mark.parametrize("output", ["print", "epub"])
def test_the_apparatus_quotes_the_copy_text_diplomatically(tiny_outputs, output):
    tree = tiny_outputs["normalised"][output]
    entry = tree.xpath("//*[@class='app-entry']")[0]
    assert " ".join("".join(entry.itertext()).split()).startswith("“no”] \"no' copy-text")


@pytest.mark.parametrize("output", ["print", "epub"])
def test_diplomatic_edition_keeps_every_character(tiny_outputs, output):
    tree = tiny_outputs["diplomatic"][output]
    root = etree.fromstring(tei_source("A", CASES).encode())
    for block in root.iter(f"{{{TEI_NS}}}p", f"{{{TEI_NS}}}sp"):
        if block.get(XML_ID):
            encoded = "".join(tei_reading(block))
            assert "".join(reading_text(by_id(tree, block.get(XML_ID))).split()) == "".join(encoded.split())


def test_a_bad_setting_is_located(tmp_path, capsys):
    root = make_edition(tmp_path / "e", {"A": tei_source("A", CASES)}, extra_yaml="typography: curly\n")
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"edition\.yaml:5:13: error: 'typography' must be one of normalised, diplomatic", err), err


# --- the real edition ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", [s.siglum for s in EDITION.sources] + ["introduction"])
def test_normalised_texts_fold_back_to_the_tei(name):
    """Every text and tail html.py takes from a TEI file equals the encoded one, folded; prints what
    changed (`pytest tests/test_typography.py -k fold_back -s`)."""
    files = {s.siglum: s.file for s in EDITION.sources} | {"introduction": EDITION.introduction}
    root = files[name].root
    typography = Typography(EDITION.settings)
    tops = [root.find(f"{{{TEI_NS}}}text"), *root.iterfind(f".//{{{TEI_NS}}}sourceDesc/{{{TEI_NS}}}bibl")]
    shown = {element for top in tops for element in top.iter()}  # what the outputs show, for the counts
    counts = Counter()
    for element in root.iter():
        for slot in ("text", "tail"):
            before, after = getattr(element, slot) or "", getattr(typography, slot)(element) or ""
            assert fold(after) == fold(before), (element.sourceline, before)
            if element in shown:
                counts["double quotes"] += before.count('"') - after.count('"')
                counts["single quotes"] += before.count("'") - after.count("'")
                counts["dashes"] += sum(after.count(c) - before.count(c) for c in "—–")
                counts["ellipses"] += after.count("…") - before.count("…")
    print(f"\n{name}: {dict(counts)}")


def _documents(built):
    """The print HTML and every XHTML file of the EPUB, parsed."""
    yield "print", etree.parse(str(built.html), etree.HTMLParser()).getroot()
    with zipfile.ZipFile(built.epub) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml"):
                yield name, etree.fromstring(archive.read(name))


def _left_over(element):
    """Straight quotes, double hyphens and three stops in English reading text (not in attributes,
    not in a passage in another language, not in the apparatus's diplomatic readings)."""
    lang = element.get("lang") or element.get(XML_LANG) or "en"
    if not lang.startswith("en") or "reading" in (element.get("class") or "").split():
        return
    for text in [element.text] + [child.tail for child in element]:
        yield from (text.strip()[:80] for _ in LEFT_OVER.finditer(text or ""))
    for child in element:
        if isinstance(child.tag, str):
            yield from _left_over(child)


def test_no_straight_quote_double_hyphen_or_three_stops_left_in_either_output(built):
    checked = 0
    for name, root in _documents(built):
        body = root.find("body") if name == "print" else root.find(f"{XHTML_NS}body")
        assert list(_left_over(body)) == [], name
        checked += 1
    assert checked > 20


def test_both_outputs_fold_back_to_the_tei(built):
    """Paragraph by paragraph and note by note, print and EPUB read as the TEI, folded."""
    outputs = dict(_documents(built))
    epub = {element.get("id"): element for name, root in outputs.items() if name != "print"
            for element in root.iter() if isinstance(element.tag, str) and element.get("id")}
    printed = {element.get("id"): element for element in outputs["print"].iter() if element.get("id")}
    items = [(block.id, block.element) for block in EDITION.blocks.values()]
    items += [(note.id, note.element) for note in EDITION.notes.values()]
    for key, element in items:
        encoded = fold("".join("".join(tei_reading(element)).split()))
        for shown in (printed, epub):
            if shown is printed and "split" in (shown[key].get("class") or "").split():
                continue  # a note split across two pages: its rest stands apart, at the foot of the next (the EPUB reads it whole)
            assert fold("".join(reading_text(shown[key]).split())) == encoded, key
    assert len(items) > 700


def test_pdf_sets_quotes_curly(built):
    first = built.page_of("part-A")
    text = "\n".join(built.pages[first:first + 6])
    assert "“Soviet,”" in text and "Stalin’s" in text
    assert not LEFT_OVER.search(text)

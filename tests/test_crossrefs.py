"""Cross-references, the concordance, the chronology and the indices, read back from the outputs."""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict

from conftest import SOURCES, make_edition, tei_source
from lxml import etree

from edition.cli import main
from edition.diagnostics import Report
from edition.model import names
from edition.read.reader import read_edition

LABEL = r"(A|M|T1|T2|K) (\d+\.\d+)"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"‐\n", "", text))


def test_printed_pages_of_cross_references_are_where_the_targets_start(built):
    found = 0
    for text in built.pages:
        for siglum, number, page in re.findall(LABEL + r", p\.\s*(\d+)", normalise(text)):
            assert built.labels[built.page_of(f"{siglum}.{number}")] == page, (siglum, number, page)
            found += 1
    assert found > 500


def test_parallels_link_both_ways_in_the_epub(built):
    with zipfile.ZipFile(built.epub) as archive:
        text = archive.read("OEBPS/text/M-39.xhtml").decode() + archive.read("OEBPS/text/T1-7.xhtml").decode()
    # links.xml: Sukhanov's "shook and astonished" joins M 39.8 and T1 7.27
    assert 'href="../text/T1-7.xhtml#T1.7.27"' in text and 'href="../text/M-39.xhtml#M.39.8"' in text


def html(built):
    return etree.parse(str(built.html), etree.HTMLParser())


def test_concordance_has_a_row_per_event_in_order_and_cells_that_tell_it(built):
    doc = html(built)
    rows = doc.xpath("//table[@class='concordance']/tbody/tr")
    edition = read_edition(SOURCES, Report())
    assert len(rows) >= 20
    for row in rows:
        for link in row.xpath(".//a[@class='ref']"):
            target = link.get("href")[1:]
            block = doc.xpath(f"//*[@id='{target}']")
            assert block, target
    told = [len([c for c in row.xpath("td")[1:] if c.xpath(".//a")]) for row in rows]
    assert sum(1 for n in told if n >= 2) >= 20  # at least 20 events told by two or more accounts
    assert len(edition.entities) > 300


def test_chronology_entries_point_to_the_dates_they_quote(built):
    doc = html(built)
    refs = doc.xpath("//table[@class='chronology']//span[@class='dating']")
    assert len(refs) > 50
    for ref in refs:
        link = ref.find("a")
        words = ref.xpath("string()").split(": “", 1)[1].rstrip("”")
        target = doc.xpath(f"//*[@id='{link.get('href')[1:]}']")[0]
        for entry in target.xpath(".//span[contains(concat(' ', @class, ' '), ' apparatus ')]"):  # an apparatus entry, at its lemma: printed at the foot
            parent, previous = entry.getparent(), entry.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + (entry.tail or "")
            else:
                parent.text = (parent.text or "") + (entry.tail or "")
            parent.remove(entry)
        for added in target.xpath(".//span[@class='date-other']"):  # the other calendar, added by the edition
            added.getparent().remove(added) if added.tail is None else None
            added.text = ""
        text = re.sub(r"\s+", " ", "".join(target.itertext())).replace(" ,", ",")
        assert " ".join(words.split()) in text, (words, text[:200])


def joined(text: str) -> str:
    """A page's text with the words broken at a line's end joined again: a hyphenation's hyphen
    (U+2010) removed, a compound's own hyphen ("Antonov-|Ovseenko") kept."""
    return re.sub(r"-\n", "-", re.sub(r"‐\n", "", text))


def prints_name(built, index: int, name: str) -> bool:
    """Whether page `index` prints the whole name where a mention of it begins: on the page, or, a
    name broken at the page turn ("Kliment | Voroshilov"), its first words ending a line of the page
    and the rest beginning a line of the next."""
    here = joined(built.pages[index])
    if name in normalise(here):
        return True
    after = joined(built.pages[index + 1]) if index + 1 < len(built.pages) else ""
    breaks = [k for k in range(1, len(name)) if name[k - 1] in " -"]
    return any(re.search(re.escape(name[:k].rstrip()) + r"[ \t]*\n", here)
               and re.search(r"^\s*" + re.escape(name[k:].lstrip()), after, re.MULTILINE)
               for k in breaks)


def test_every_page_listed_in_the_index_of_persons_carries_the_name(built):
    """Each entry of the index of persons lists exactly the pages on which its mentions begin in
    the PDF (their anchors' pages), each of those pages prints the whole name as the text gives it,
    and the printed index gives the entry's heading on the page of its anchor."""
    doc = html(built)
    edition = read_edition(SOURCES, Report())
    names.link_mentions(edition, Report())  # as the build does: the registers' names found in the text
    mentions = defaultdict(list)
    for mention in edition.mentions:
        if mention.entity.kind == "person" and mention.block is not None:
            mentions[f"index-{mention.entity.id}"].append(mention.id)
    spans = {span.get("id"): span for span in doc.xpath("//span[@id]")}
    checked = 0
    for entry in doc.xpath("//section[@id='index-persons']//p[@class='index-entry']"):
        heading = entry.xpath("string(span[@class='index-heading'])")
        listed = set()
        for part in filter(None, (p.strip() for p in entry.xpath("string(span[@class='index-pages'])").split(","))):
            first, _, last = part.partition("–")
            listed |= {str(number) for number in range(int(first), int(last or first) + 1)}
        pages = {}
        for mention in mentions[entry.get("id")]:
            page = built.page_of(mention)
            name = " ".join("".join(spans[mention].itertext()).split())
            assert prints_name(built, page, name), (heading, name, built.labels[page])
            pages[built.labels[page]] = page
            checked += 1
        assert listed == set(pages), (heading, sorted(listed ^ set(pages)))
        entry_page = built.page_of(entry.get("id"))
        assert " ".join(heading.split()) in normalise(built.pages[entry_page]), (heading, built.labels[entry_page])
    assert checked > 1000


def test_index_sorting_and_see_references(built):
    doc = html(built)
    entries = [" ".join(p.xpath("string()").split()) for p in doc.xpath("//section[@id='index-persons']//p")]
    assert "Koba, see Stalin, Joseph" in entries
    assert any(e.startswith("Stalin, Joseph (1878–1953") for e in entries)


def test_an_ambiguous_name_without_markup_is_reported(tmp_path, capsys):
    body = '<p xml:id="A.1.1">Kamenev spoke, and <persName ref="#kamenev-s">Kamenev</persName> commanded.</p>'
    root = make_edition(tmp_path / "e", {"A": tei_source("A", body)}, extra_yaml="registers: [persons.xml]\n")
    (root / "persons.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>P</title></titleStmt>'
        '</fileDesc></teiHeader><standOff><listPerson>'
        '<person xml:id="kamenev-lev"><persName type="main">Kamenev, Lev</persName><persName type="variant">Kamenev</persName></person>'
        '<person xml:id="kamenev-s"><persName type="main">Kamenev, Sergei</persName><persName type="variant">Kamenev</persName></person>'
        '</listPerson></standOff></TEI>')
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("[name-ambiguous]") == 1 and "texts/A.xml:15:" in err


def test_citations_in_editorial_notes_become_links_and_wrong_ones_are_reported(tmp_path, capsys):
    body = """
        <p xml:id="A.1.1">First.</p>
        <p xml:id="A.1.2">Second.<note type="editorial" resp="#julian">As A 1.1 says; not A 1.9.</note></p>
    """
    root = make_edition(tmp_path / "e", {"A": tei_source("A", body)})
    out = tmp_path / "out"
    assert main(["--sources", str(root), "--out", str(out), "--quiet", "--format", "html", "--format", "epub"]) == 0
    err = capsys.readouterr().err
    assert err.count("[citation-unresolved]") == 1 and "texts/A.xml:16:" in err and "'A 1.9'" in err
    assert '<a class="ref" href="#A.1.1">A 1.1</a>' in (out / "tiny.html").read_text()
    with zipfile.ZipFile(out / "tiny.epub") as archive:
        chapter = archive.read("OEBPS/text/A-1.xhtml").decode()
    assert '<a class="ref" href="#A.1.1">A 1.1</a>' in chapter and ">A 1.9<" not in chapter


def test_citations_in_the_real_notes_are_links(built):
    doc = html(built)
    links = doc.xpath("//span[contains(@class, 'footnote')]//a[@class='ref'] | //section[@id='introduction']//a[@class='ref']")
    assert len(links) >= 25 and all(re.fullmatch(LABEL, a.text) for a in links)
    assert all(a.get("href") == "#" + a.text.replace(" ", ".") for a in links)

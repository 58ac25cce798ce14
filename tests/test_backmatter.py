"""The back matter: its helpers (page ranges, index order, date ranges, paragraph ranges), and the
chronology and concordance of the real edition as print and EPUB give them."""

import re
import zipfile
from collections import defaultdict

from conftest import SOURCES
from lxml import etree
from pypdf._text_extraction._layout_mode import (
    text_show_operations,  # pinned pypdf: x of each run
)
from pypdf.generic import ContentStream

from edition.diagnostics import Report
from edition.model.calendars import PartialDate
from edition.model.records import Block, Division
from edition.read.settings import load
from edition.read.tei import XML_ID
from edition.render.backmatter import (
    NUMBER_WORDS,
    date_range,
    paragraph_ranges,
    sort_key,
)

D = PartialDate.parse


def test_index_order_ignores_articles_diacritics_and_case():
    names = ["Zinoviev, Grigory", "the Tauride Palace", "Ágoston", "alliluyeva, Nadezhda", "Bukharin"]
    assert sorted(names, key=sort_key) == ["Ágoston", "alliluyeva, Nadezhda", "Bukharin", "the Tauride Palace",
                                            "Zinoviev, Grigory"]


def test_date_ranges():
    assert date_range(D("1917-11-07"), None) == "7 November 1917"
    assert date_range(D("1917-11-06"), D("1917-11-07")) == "6–7 November 1917"
    assert date_range(D("1917-08-08"), D("1917-08-16")) == "8–16 August 1917"
    assert date_range(D("1917-07-26"), D("1917-08-03")) == "26 July – 3 August 1917"
    assert date_range(D("1917-10"), None) == "October 1917"
    assert date_range(D("1913-01"), D("1913-02")) == "January–February 1913"


# --- the chronology and the concordance of the real edition, read back from the print HTML, the EPUB and the PDF

XHTML = {"x": "http://www.w3.org/1999/xhtml"}
RANGE = re.compile(r"(\d+)\.(\d+)(?:–(\d+))?")


def print_html(built):
    return etree.parse(str(built.html), etree.HTMLParser())


def epub_page(built, name: str):
    with zipfile.ZipFile(built.epub) as archive:
        return etree.fromstring(archive.read(f"OEBPS/text/{name}.xhtml"))


def promised_accounts(intro: str) -> int:
    """The number of accounts the chronology's headnote promises: 'The events that two or more …'."""
    word = re.search(r"The events that (\w+) or more accounts date", " ".join(intro.split())).group(1)
    return NUMBER_WORDS.index(word)


def test_paragraph_ranges_join_consecutive_paragraphs_of_a_chapter():
    def chapter(n: str, count: int) -> Division:
        division = Division(etree.Element("div"), None, n, "", "", None, 1)
        division.content = [Block(etree.Element("p", {XML_ID: f"T1.{n}.{k}"}), f"{n}.{k}", division)
                            for k in range(1, count + 1)]
        return division
    seven, eight = chapter("7", 9), chapter("8", 3)
    blocks = [seven.content[k] for k in (0, 1, 2, 4, 8)] + [eight.content[0]]
    refs = paragraph_ranges(blocks)
    assert [r.label for r in refs] == ["7.1–3", "7.5", "7.9", "8.1"]  # no run across chapters
    assert (refs[0].target, refs[0].last) == ("T1.7.1", "T1.7.3")
    assert refs[1].last == ""


def test_every_chronology_row_cites_as_many_accounts_as_its_headnote_promises(built):
    html = print_html(built)
    section = html.xpath("//section[@id='chronology']")[0]
    promised = promised_accounts(section.xpath("string(p[@class='appendix-intro'])"))
    assert promised >= 2
    rows = {}
    for row in section.xpath(".//table[@class='chronology']/tbody/tr"):
        rows[row.get("id")] = {a.xpath("string()").split()[0] for a in row.xpath(".//span[@class='dating']/a")}
    assert len(rows) > 10
    assert all(len(accounts) >= promised for accounts in rows.values()), \
        {key: accounts for key, accounts in rows.items() if len(accounts) < promised}

    epub = epub_page(built, "chronology")
    assert promised_accounts(epub.xpath("string(//x:p[@class='appendix-intro'])", namespaces=XHTML)) == promised
    epub_rows = {}
    for row in epub.xpath("//x:ol[@class='chronology']/x:li", namespaces=XHTML):  # a list: it reflows on a phone
        datings = row.xpath(".//x:li[@class='dating']/x:a", namespaces=XHTML)
        epub_rows[row.get("id")] = {a.text.split()[0] for a in datings}
    assert all(len(accounts) >= promised for accounts in epub_rows.values()), \
        {key: accounts for key, accounts in epub_rows.items() if len(accounts) < promised}
    assert epub_rows == rows


def concordance_cells(rows, xpath, label, namespaces=None) -> dict[str, list[list[str]]]:
    """Row id -> the paragraph labels of each source's cell."""
    return {row.get("id"): [[a.xpath(label, namespaces=namespaces) for a in cell.xpath(xpath, namespaces=namespaces)]
                            for cell in row[1:]] for row in rows}


def test_concordance_gives_consecutive_paragraphs_as_ranges_with_their_pages(built):
    rows = print_html(built).xpath("//table[@class='concordance']/tbody/tr")
    cells = concordance_cells(rows, "a[@class='ref']", "string(span[@class='paragraphs'])")
    ranges_seen = 0
    for key, row in cells.items():
        for cell in row:
            spans = [tuple(int(g) if g else None for g in RANGE.fullmatch(label).groups()) for label in cell]
            for (chapter, first, last), (next_chapter, next_first, _) in zip(spans, spans[1:]):
                assert chapter != next_chapter or next_first > (last or first) + 1, (key, cell)
            ranges_seen += sum(1 for *_, last in spans if last)
    assert ranges_seen > 50
    assert cells["conc-ev-march-conference"][2] == ["7.17–24", "7.34"]  # T1
    pages = [a.xpath("string(span[@class='page'])") for a in rows[0].getparent().xpath(".//a[@class='ref']")]
    assert all(re.fullmatch(r"p\.\u00a0\d+|pp\.\u00a0(\d+)–(\d+)", page) for page in pages), pages
    first, last = (built.labels[built.page_of(f"T1.7.{k}")] for k in (17, 24))
    assert first != last
    assert rows[0].getparent().xpath("string(tr[@id='conc-ev-march-conference']/td[4]/a[1]/span[@class='page'])") \
        == f"pp.\u00a0{first}–{last}"

    sigla = [th.xpath("string()") for th in print_html(built).xpath("//table[@class='concordance']/thead/tr/th")][1:]
    in_epub = {}  # a list in the EPUB (it reflows on a phone): each account that tells the event, with its paragraphs
    for item in epub_page(built, "concordance").xpath("//x:ol[@class='concordance']/x:li", namespaces=XHTML):
        told = {account.xpath("string(x:span[@class='siglum'])", namespaces=XHTML):
                [a.xpath("string()") for a in account.xpath("x:a", namespaces=XHTML)]
                for account in item.xpath(".//x:li[@class='account']", namespaces=XHTML)}
        in_epub[item.get("id")] = [told.get(siglum, []) for siglum in sigla]
    assert in_epub == cells


def text_lines(reader, index: int) -> dict[float, list[tuple[float, float, str]]]:
    """The text of a PDF page as runs (left x, right x, text) by baseline, x in points from the
    leftmost text of the page (pypdf's layout-mode measurement, which uses the fonts' widths)."""
    page = reader.pages[index]
    operations = iter(ContentStream(page["/Contents"].get_object(), reader, "bytes").operations)
    lines = defaultdict(list)
    for group in text_show_operations(operations, page._layout_mode_fonts()):
        lines[round(group["ty"], 1)].append((group["tx"], group["displaced_tx"], group["text"]))
    return {y: sorted(runs) for y, runs in lines.items()}


def concordance_pages(built) -> list[int]:
    """The indices of the concordance's pages (a blank verso after it left out)."""
    return [i for i in range(built.page_of("concordance"), built.page_of("index-persons")) if built.pages[i].strip()]


def test_concordance_columns_stand_apart_within_the_text_block(built):
    settings = load(SOURCES, Report())
    for index in concordance_pages(built):
        assert_columns_apart(text_lines(built.reader, index), settings, built.labels[index])


def test_chronology_columns_stand_apart_within_the_text_block(built):
    """The two dates and the event stand as far apart as the concordance's columns."""
    settings = load(SOURCES, Report())
    pages = [i for i in range(built.page_of("chronology"), built.page_of("concordance")) if built.pages[i].strip()]
    assert pages
    for index in pages:
        assert_columns_apart(text_lines(built.reader, index), settings, built.labels[index])


def assert_columns_apart(lines: dict, settings, label: str) -> None:
    """The runs of text of a page (`text_lines`) end within the measure, and those of one line
    stand at least 6 pt apart."""
    measure = settings.page.measure
    right = max(x1 for runs in lines.values() for _, x1, _ in runs)
    assert right <= measure + 0.5, (label, right, measure)
    for runs in lines.values():
        cells = [list(runs[0])]
        for x0, x1, text in runs[1:]:
            if x0 - cells[-1][1] < 1:  # the same text set in pieces
                cells[-1][1:] = [x1, cells[-1][2] + text]
            else:
                cells.append([x0, x1, text])
        for (_, end, left), (start, _, right) in zip(cells, cells[1:]):
            assert start - end >= 6, (label, left, right, start - end)


def test_a_concordance_row_broken_across_pages_begins_with_its_event(built):
    """Rows are kept whole but where that would leave a page short (write/row_breaks.py; the
    layout report finds no short page), and a row broken across pages has begun with its event:
    each row's event and its date stand on the page the row begins on, and some pages go on with
    a row."""
    def squashed(text: str) -> str:  # words as the PDF's text gives them, whatever line breaks them
        return re.sub(r"[\s\-\u2010]", "", text)

    html = print_html(built)
    events = []
    for row in html.xpath("//table[@class='concordance']//tr[@id]"):
        event = " ".join(" ".join(row.xpath(".//span[@class='event']/text()")).split())
        page = built.page_of(row.get("id"))
        assert squashed(" ".join(event.split()[:3])) in squashed(built.pages[page]), (built.labels[page], event)
        date = row.xpath("string(.//span[@class='event-date'])")
        assert squashed(date) in squashed(built.pages[page]), (built.labels[page], event, date)
        events.append(squashed(event))
    continued = 0
    for index in concordance_pages(built)[1:]:
        lines = [line.strip() for line in built.pages[index].splitlines() if line.strip()]
        first = squashed(lines[lines.index("Event A M T1 T2 K") + 1])
        continued += not any(event.startswith(first) for event in events)
    assert continued  # the concordance's tall rows break at the foot of its pages
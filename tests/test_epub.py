"""The real edition's EPUB: EPUBCheck clean, packaged right, notes linked both ways."""

from __future__ import annotations

import re
import zipfile

import pikepdf
from conftest import epubcheck_messages
from lxml import etree

XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


def test_epubcheck_reports_nothing(built, tmp_path):
    messages = epubcheck_messages(built.epub, tmp_path)
    assert messages == [], messages


def test_mimetype_first_and_stored(built):
    with zipfile.ZipFile(built.epub) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"


def chapters(built):
    """The chapter files in reading (spine) order."""
    opf_ns = {"opf": "http://www.idpf.org/2007/opf"}
    with zipfile.ZipFile(built.epub) as archive:
        opf = etree.fromstring(archive.read("OEBPS/content.opf"))
        hrefs = {item.get("id"): item.get("href") for item in opf.xpath("//opf:item", namespaces=opf_ns)}
        for ref in opf.xpath("//opf:itemref/@idref", namespaces=opf_ns):
            name = f"OEBPS/{hrefs[ref]}"
            if re.search(r"text/[A-Z].*\.xhtml$", name):
                yield name, etree.fromstring(archive.read(name))


def test_every_noteref_has_its_note_and_the_note_links_back(built):
    count = 0
    for name, doc in chapters(built):
        for ref in doc.xpath("//x:a[@epub:type='noteref']", namespaces=XHTML):
            note_id = ref.get("href").lstrip("#")
            notes = doc.xpath(f"//x:section[@role='doc-endnotes']//x:li[@id='{note_id}']", namespaces=XHTML)
            assert len(notes) == 1 and notes[0].get("{http://www.idpf.org/2007/ops}type") == "endnote"
            assert ref.get("role") == "doc-noteref"
            back = notes[0].xpath(".//x:a[@role='doc-backlink']", namespaces=XHTML)
            assert back and back[0].get("href") == f"#{ref.get('id')}"
            if "note-apparatus" in ref.get("class"):  # the call is °, the note begins with the paragraph number
                assert "".join(ref.itertext()) == "°" and ref.get("aria-label") == f"emendation, {back[0].text}"
            else:
                assert back[0].text == "".join(ref.itertext())  # same mark in the call and the note
            count += 1
    assert count > 200


def _print_notes(built):
    """(series, mark or paragraph number, text) of every note and emendation of the print HTML, in order."""
    html = etree.parse(str(built.html), etree.HTMLParser())
    found = []
    for element in html.xpath("//span[contains(@class, 'footnote')] | //span[contains(concat(' ', @class, ' '), ' apparatus ')]"):
        if "apparatus" in element.get("class").split():  # keyed '40.27.7' (paragraph and line), or '|' (the line before's)
            key = element.xpath("string(span[@class='app-number'])")
            number = (key.rsplit(".", 1)[0] if key != "tit." else key) if key else \
                next(n for series, n, _ in reversed(found) if series == "apparatus")
            found += [("apparatus", number, " ".join("".join(e.itertext()).split()))
                      for e in element.xpath("span[@class='app-entry']")]
        elif "continued" not in element.get("class").split():  # the rest of a split note is no note
            series = element.get("class").split("note-")[1].split()[0]
            found.append((series, element.get("data-mark"), " ".join("".join(element.itertext()).split())))
    return found


def test_notes_and_apparatus_are_those_of_print(built):
    """The same notes, marks and emendation entries as print, each series in the same order."""
    epub = []
    for _, doc in chapters(built):
        for aside in doc.xpath("//x:li[@epub:type='endnote']", namespaces=XHTML):
            back = aside.xpath(".//x:a[@role='doc-backlink']", namespaces=XHTML)[0]
            entry = aside.xpath(".//x:span[@class='app-entry']", namespaces=XHTML)  # without the lemma's context
            text = " ".join("".join((entry[0] if entry else aside).itertext()).split())
            epub.append((aside.get("class").split("note-")[1], back.text, text.removeprefix(back.text).strip()))
    printed = _print_notes(built)
    for series in ("source", "editorial", "apparatus"):
        in_epub = [n for n in epub if n[0] == series]
        in_print = [n for n in printed if n[0] == series]
        assert [n[1] for n in in_epub] == [n[1] for n in in_print], series
        if series == "apparatus":  # the same entries: "use] us copy-text; corr. ed."
            assert [n[2] for n in in_epub] == [n[2] for n in in_print]
    assert len([n for n in epub if n[0] == "apparatus"]) == 151  # every emendation of the five sources


def test_paragraph_numbers_are_those_of_print(built):
    epub_numbers = ["".join(n.itertext()) for _, doc in chapters(built)
                    for n in doc.xpath("//x:span[@class='pn']", namespaces=XHTML)]
    html = etree.parse(str(built.html), etree.HTMLParser())  # print adds the side of the page: "pn recto"
    print_numbers = ["".join(n.itertext()) for n in html.xpath("//span[contains(concat(' ', @class, ' '), ' pn ')]")]
    assert epub_numbers == print_numbers and len(epub_numbers) > 100


def test_dates_and_cross_references_read_as_in_print(built):
    """Same dates (with the other style in brackets) and the same references, as links in the EPUB."""
    def texts(nodes):  # without note calls (an emended word in a date has its ° in the EPUB)
        return [" ".join("".join(n.xpath(".//text()[not(ancestor::*[contains(@class, 'noteref')])]"
                                         "[not(ancestor::*[contains(concat(' ', @class, ' '), ' apparatus ')])]")).split())
                for n in nodes]
    html = etree.parse(str(built.html), etree.HTMLParser())
    epub_dates, epub_refs = [], []
    for _, doc in chapters(built):
        body = doc.xpath("//x:section[contains(@class, 'chapter')] | //x:section[@class='part-opening']", namespaces=XHTML)
        epub_dates += texts(n for b in body for n in b.xpath(".//x:time[@class='date']", namespaces=XHTML)
                            if not n.xpath("ancestor::x:li[@epub:type='endnote']", namespaces=XHTML))
        epub_refs += [(a.text, a.get("href").split("#")[1])
                      for b in body for a in b.xpath(".//x:a[@class='ptr']", namespaces=XHTML)]
    print_body = html.xpath("//section[contains(@class, 'chapter')] | //section[@class='part-opening']")
    print_dates = texts(n for b in print_body for n in b.xpath(".//time[@class='date']")
                        if not n.xpath("ancestor::span[contains(@class, 'footnote')]"))
    print_refs = [(a.text, a.get("href").lstrip("#")) for b in print_body for a in b.xpath(".//a[@class='ptr']")]
    assert epub_dates == print_dates and len(epub_dates) > 500
    assert "27 March [9 April] 1917" in epub_dates and "May 5 [22 April], 1912" in epub_dates
    assert epub_refs == print_refs


def test_nav_lists_the_chapters(built):
    with zipfile.ZipFile(built.epub) as archive:
        nav = etree.fromstring(archive.read("OEBPS/nav.xhtml"))
    titles = nav.xpath("//x:nav[@epub:type='toc']//x:a/text()", namespaces=XHTML)
    assert "Chapter VII: The Year 1917" in titles


def _first_words(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[‐-]\n", "", text)).strip()


def test_page_list_has_every_printed_page_and_each_lands_where_the_page_begins(built):
    """One marker per page of the PDF (i-x, then 1 on), each before the first word the page prints."""
    with zipfile.ZipFile(built.epub) as archive:
        nav = etree.fromstring(archive.read("OEBPS/nav.xhtml"))
        numbers = nav.xpath("//x:nav[@epub:type='page-list']//x:a/text()", namespaces=XHTML)
        texts = {name: archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml")}
        opf = archive.read("OEBPS/content.opf").decode()
    assert numbers == built.labels
    assert "pageNavigation" in opf and 'property="source-of">pagination' in opf
    with pikepdf.open(built.press) as press:  # the pages are those of this press PDF, named by its id
        assert f'<dc:source id="print-source">urn:{press.open_metadata()["xmpMM:DocumentID"]}</dc:source>' in opf
    landed, stacked = set(), 0
    for name, text in texts.items():
        markers = re.findall(r'<span id="page-([0-9ivxlc]+)" role="doc-pagebreak" aria-label="\1" epub:type="pagebreak"/>'
                             r'(?=((?:<[^>]*>|[^<]){0,200}))', text)
        for number, after in markers:
            if after.startswith("<span id=\"page-"):
                stacked += 1  # a page without text of its own (a blank verso), before the next page
                continue
            words = [w for w in (re.sub(r"\W", "", w) for w in re.sub(r"<[^>]*>", " ", after).split()) if w]
            if not words:
                continue
            word = words[0]
            page = re.sub(r"\W", "", _first_words(built.pages[built.labels.index(number)]))[:100]
            # the page's first word, or the end of a word hyphenated across the page break
            assert word[:5] in page or any(word[i:] in page for i in range(1, len(word) - 1)), \
                (number, after[:80], page[:60])
            landed.add(number)
    assert stacked < 30 and len(landed) > len(numbers) - 40
    assert stacked < 30 and len(landed) >= len(numbers) - stacked - 4, (set(numbers) - landed, stacked)
    back = built.page_of("chronology")  # the last page of the texts, the first of the back matter, the last page
    assert {"iii", "iv", "vii", "viii", "ix", "x", "1", "3", *built.labels[back - 1:back + 1], built.labels[-1]} <= landed


def test_cover_is_generated_declared_and_in_the_landmarks(built):
    with zipfile.ZipFile(built.epub) as archive:
        opf = archive.read("OEBPS/content.opf").decode()
        png = archive.read("OEBPS/images/cover.png")
        nav = archive.read("OEBPS/nav.xhtml").decode()
    assert 'properties="cover-image"' in opf and png.startswith(b"\x89PNG")
    assert 'epub:type="cover" href="text/cover.xhtml"' in nav


def _documents(built):
    with zipfile.ZipFile(built.epub) as archive:
        return {name: etree.fromstring(archive.read(name)) for name in archive.namelist() if name.endswith(".xhtml")}


def test_accessibility_metadata_of_epub_accessibility_1_1(built):
    with zipfile.ZipFile(built.epub) as archive:
        opf = etree.fromstring(archive.read("OEBPS/content.opf"))
    meta = {}
    for element in opf.xpath("//opf:meta[@property]", namespaces={"opf": "http://www.idpf.org/2007/opf"}):
        meta.setdefault(element.get("property"), []).append(element.text)
    assert meta["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert meta["a11y:certifiedBy"] and meta["schema:accessModeSufficient"] == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "index", "pageNavigation", "pageBreakMarkers",
            "readingOrder"} <= set(meta["schema:accessibilityFeature"])
    assert meta["schema:accessibilityHazard"] == ["none"]
    assert "notes" in meta["schema:accessibilitySummary"][0]


def test_every_file_has_a_language_and_its_own_title(built):
    titles = []
    for name, doc in _documents(built).items():
        assert doc.get("lang") and doc.get("{http://www.w3.org/XML/1998/namespace}lang") == doc.get("lang"), name
        titles.append(doc.xpath("string(//x:title)", namespaces=XHTML).strip())
    assert all(titles) and len(set(titles)) == len(titles), titles
    documents = _documents(built)  # K's chapter 2, in two files (over 200 KB)
    foreign = [f for name in ("OEBPS/text/K-2.xhtml", "OEBPS/text/K-2-2.xhtml")
               for f in documents[name].xpath("//x:i[@class='foreign']", namespaces=XHTML)]
    assert [f.text for f in foreign] == ["vy", "ty", "semerka"]
    assert all(f.get("lang") == f.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru-Latn" for f in foreign)
    cyrillic = 0  # every Cyrillic word (the sources' descriptions quote a Russian web page) is marked Russian
    for name, doc in _documents(built).items():
        for text in doc.xpath("//text()[re:test(., '[\u0400-\u04FF]')]", namespaces={"re": "http://exslt.org/regular-expressions"}):
            holder = text.getparent()
            languages = [e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in (holder, *holder.iterancestors())]
            assert next(lang for lang in languages if lang).startswith("ru"), (name, str(text))
            cyrillic += 1
    assert cyrillic >= 1


# epub:type values that have a DPUB-ARIA role: the element must carry that role (DAISY Ace's rule).
ROLES = {"chapter", "part", "appendix", "index", "introduction", "footnote", "noteref", "pagebreak", "toc"}


def test_structural_semantics_carry_their_aria_roles(built):
    checked = 0
    for name, doc in _documents(built).items():
        for element in doc.xpath("//*[@epub:type]", namespaces=XHTML):
            kind = element.get("{http://www.idpf.org/2007/ops}type")
            tag = etree.QName(element).localname
            if tag == "body" or kind not in ROLES or (tag == "a" and kind != "noteref"):
                continue  # body carries no role; the landmarks' links are not the things they name
            assert element.get("role") == f"doc-{kind}", (name, kind)
            checked += 1
    assert checked > 500


def test_reader_css_uses_relative_units_and_no_colours(built):
    """The reader's font, size and night theme apply: lengths in em/%, hairline rules, no colour."""
    with zipfile.ZipFile(built.epub) as archive:
        css = archive.read("OEBPS/css/epub.css").decode()
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"\b(color|background)\s*:|#[0-9a-fA-F]{3,6}\b|rgb\(", rules)
    lengths = re.findall(r"(?<![\w.-])(\d*\.?\d+)(px|pt|cm|mm|in|pc)\b", rules)
    assert set(lengths) <= {("1", "px")}, lengths  # hairline borders only
    assert "font-family" not in rules and "text-align: justify" not in rules

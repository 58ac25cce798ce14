"""Real TEI from other projects (tests/tei-samples/, unchanged): each file alone in a directory,
without edition.yaml, builds into a PDF and an EPUB that EPUBCheck passes, with warnings but no
error; and what a reader of each would look for is there."""

from __future__ import annotations

import functools
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, Built, build, epubcheck_messages
from lxml import etree
from test_headings import outline

pytestmark = pytest.mark.slow

SAMPLES = ROOT / "tests" / "tei-samples"
TEI = {"t": "http://www.tei-c.org/ns/1.0"}
XHTML = {"x": "http://www.w3.org/1999/xhtml"}
NAMES = {
    "barth": "karl_barth_sermon_27004_1915",
    "romeo": "bodleian_first_folio_romeo_and_juliet",
    "alice": "eltec_eng_carroll_alice_1865",
    "schnitzler": "schnitzler_briefe_L04226",
    "pta": "pta0040_homilia_de_sancta_dominica_apparatus",
}


@functools.cache
def _built(name: str, out: Path) -> Built:
    source = out / "in"
    source.mkdir(parents=True)
    shutil.copy(SAMPLES / f"{NAMES[name]}.xml", source)
    status = build(source, out / "out")
    assert status == 0, f"{name}: the build failed"
    slug = next((out / "out").glob("*.epub")).stem
    return Built(out / "out", slug)


@pytest.fixture(scope="session")
def sample(tmp_path_factory):
    """name -> the sample built alone (once per session)."""
    root = tmp_path_factory.mktemp("samples")
    return lambda name: _built(name, root / name)


def tei(name: str) -> etree._ElementTree:
    return etree.parse(str(SAMPLES / f"{NAMES[name]}.xml"))


def xhtml(built: Built) -> dict[str, etree._Element]:
    with zipfile.ZipFile(built.epub) as archive:
        return {n: etree.fromstring(archive.read(n)) for n in archive.namelist() if n.endswith(".xhtml")}


def plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", sorted(NAMES))
def test_each_sample_builds_alone_and_its_epub_passes_epubcheck(sample, name, tmp_path):
    built = sample(name)
    assert built.pdf.exists() and built.press.exists() and len(built.pages) > 4
    messages = epubcheck_messages(built.epub, tmp_path)
    assert messages == [], messages


def test_the_critical_apparatus_gives_the_witnesses_of_each_reading(sample):
    built = sample("pta")
    apps = tei("pta").getroot().findall(".//t:body//t:app", TEI)
    assert len(apps) == 330
    text = plain(" ".join(built.pages))
    assert "tit. ἡμῶν] οὐρανοφάντορος P (add.)" in text  # an empty lemma: keyed to the word before
    assert "κυριακῆς] εὐλόγησον πάτερ P (add.)" in text  # the word, not the stop after it
    assert "ἀρχιεπισκόπου E P X] ἀρχεπισκόπου S" in text  # the lemma's witnesses, then the reading's
    sigla = plain(built.pages[built.page_of("sigla")])
    assert all(f"{s} " in sigla for s in "ESPXI") and "Scorialensis" in sigla  # the witnesses among the sigla
    epub = "".join(etree.tostring(d, encoding="unicode") for d in xhtml(built).values())
    assert epub.count('class="app-entry"') == 330 and '<span class="wit">E P X</span>' in epub


def test_the_speakers_of_the_play(sample):
    built = sample("romeo")
    speakers = tei("romeo").getroot().findall(".//t:text//t:speaker", TEI)
    html = built.html.read_text(encoding="utf-8")
    assert html.count('class="speaker"') == len(speakers) == 835
    first = built.page_of("A.1.2")
    assert re.search(r"Sampson\.\s*G\s*Regory: A my word wee.l not carry coales", built.pages[first])
    assert re.search(r"Enter Sampson and Gregory", built.pages[first])
    epub = xhtml(built)
    assert sum(len(d.findall(".//x:span[@class='speaker']", XHTML)) for d in epub.values()) == 835


def test_the_notes_of_the_letter_close_the_passages_their_anchors_open(sample):
    """The letter's commentary notes point back (@corresp, without '#') to an anchor where the
    passage they comment on begins: each is called at the passage's end, where it stands, in the
    same paragraph, lettered as the editors' notes, and printed at the foot of that page."""
    built = sample("schnitzler")
    html = built.html.read_text(encoding="utf-8")
    anchors = tei("schnitzler").getroot().findall(".//t:body//t:anchor[@type='commentary']", TEI)
    assert len(anchors) == 4
    for k, anchor in enumerate(anchors):
        key = anchor.get("{http://www.w3.org/XML/1998/namespace}id")
        start = html.index(f'<span id="{key}" class="anchor"></span>')
        call = re.compile(rf'<span class="footnote note-editorial" id="([^"]+)" data-mark="{"abcd"[k]}">').search(html, start)
        opened = start + len(f'<span id="{key}" class="anchor"></span>')
        assert call and "</p>" not in html[start:call.start()] and 'class="anchor"' not in html[opened:call.start()]
        words = plain("".join(anchor.xpath(f"following::t:note[@corresp='{key}'][1]//text()", namespaces=TEI)))[:20]
        page = built.page_of(call.group(1))
        assert page == built.page_of(key) and words in plain(built.pages[page]), (key, page)


def test_the_footnotes_of_the_sermon_are_on_their_calls_pages(sample):
    built = sample("barth")
    notes = tei("barth").getroot().findall(".//t:body//t:note", TEI)
    assert len(notes) == 5
    html = built.html.read_text(encoding="utf-8")
    assert re.findall(r'class="footnote note-source(?: [\w-]+)*" id="(n0\d)" data-mark="(\d)"', html) == [
        (n.get("{http://www.w3.org/XML/1998/namespace}id"), str(k)) for k, n in enumerate(notes, 1)]
    for note in notes:
        key = note.get("{http://www.w3.org/XML/1998/namespace}id")
        words = plain("".join(note.itertext()))[:25]
        page = built.page_of(key)
        assert words in plain(built.pages[page]).replace("- ", ""), (key, words)
    assert "Dezember" not in " ".join(built.pages)  # its dates as the file gives them: no other calendar added


def test_the_chapters_of_the_novel(sample):
    built = sample("alice")
    heads = [plain("".join(h.itertext())) for h in tei("alice").getroot().findall(".//t:body/t:div/t:head", TEI)]
    assert len(heads) == 12 and heads[0] == "CHAPTER I. Down the Rabbit-Hole"
    assert [plain(title) for level, title in outline(built) if level == 2] == heads  # one bookmark each, under the part
    for k, head in enumerate(heads, 1):
        page = built.page_of(f"A.{k}")
        assert head.split(". ")[1] in plain(built.pages[page])
        assert int(built.labels[page]) % 2 == 1  # each chapter opens a recto
    nav = xhtml(built)["OEBPS/nav.xhtml"]
    titles = [plain("".join(a.itertext())) for a in nav.findall(".//x:a", XHTML)]
    assert all(head in titles for head in heads)

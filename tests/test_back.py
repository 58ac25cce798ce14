"""A source's <back>: its divisions (an appendix, an afterword) follow its body in every output,
with their heads, paragraph numbers, notes and links, as its chapters do."""

from __future__ import annotations

import re
import zipfile

from conftest import Built, build, make_edition, tei_source

BODY = '<p xml:id="A.1.1">The account itself; its documents are in <ref target="#A.D.2">the appendix</ref>.</p>'
BACK = """
    <back>
      <div type="appendix" n="D" xml:id="A.D">
        <head><label>Appendix:</label> Documents of the Account</head>
        <p xml:id="A.D.1">The first appended document, kept by the author.<note type="source" n="1">A note of the appendix.</note></p>
        <p xml:id="A.D.2">The second appended document.</p>
      </div>
      <div type="afterword" n="E" xml:id="A.E">
        <head>An Afterword</head>
        <p xml:id="A.E.1">Words the author added after the account.</p>
      </div>
    </back>
"""


def with_back(body: str, back: str) -> str:
    return tei_source("A", body).replace("</body>", "</body>" + back)


def plain(markup: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", markup).split())


def test_the_back_follows_the_body_in_every_output(tmp_path):
    root = make_edition(tmp_path / "e", {"A": with_back(BODY, BACK)})
    assert build(root, tmp_path / "out") == 0
    built = Built(tmp_path / "out", "tiny")

    html = built.html.read_text(encoding="utf-8")
    assert html.index('id="A.1.1"') < html.index('id="A.D"') < html.index('id="A.E"')
    assert "Documents of the Account" in plain(html[html.index('id="A.D"'):])
    assert re.search(r'<section class="[^"]*chapter[^"]*" id="A.D"', html)
    assert re.search(r'id="A.D.2"[^>]*><span class="pn[^"]*"><span>D.2</span>', html)
    assert 'href="#A.D.2"' in html and "A note of the appendix." in html

    with zipfile.ZipFile(built.epub) as archive:
        appendix = archive.read("OEBPS/text/A-D.xhtml").decode()
        afterword = archive.read("OEBPS/text/A-E.xhtml").decode()
        chapter = archive.read("OEBPS/text/A-1.xhtml").decode()
        nav = archive.read("OEBPS/nav.xhtml").decode()
    assert 'epub:type="appendix" role="doc-appendix"' in appendix
    assert 'epub:type="afterword" role="doc-afterword"' in afterword
    assert "The second appended document." in appendix and "D.2" in plain(appendix)
    assert 'epub:type="endnote"' in appendix and "A note of the appendix." in appendix
    assert "Words the author added after the account." in afterword
    assert 'href="../text/A-D.xhtml#A.D.2"' in chapter
    assert nav.index("The Only Chapter") < nav.index("Documents of the Account") < nav.index("An Afterword")

    pages = built.pages
    chapter_page = next(k for k, page in enumerate(pages) if "The account itself" in page)
    assert any("The second appended document." in page for page in pages[chapter_page + 1:])
    assert any("Words the author added" in page for page in pages[chapter_page + 1:])


def test_text_in_the_back_outside_a_division_is_an_error(tmp_path, capsys):
    root = make_edition(tmp_path / "e", {"A": with_back(BODY.replace("<ref target=\"#A.D.2\">the appendix</ref>", "it"),
                                                        '<back><p xml:id="A.D.1">Loose text.</p></back>')})
    assert build(root, tmp_path / "out") == 1
    assert "[tei-schema]" in capsys.readouterr().err

"""An editor adds a source to a copy of sources/: it appears in both outputs, no code changed."""

from __future__ import annotations

import shutil
import zipfile

import yaml
from conftest import SOURCES, build, tei_source
from pypdf import PdfReader


def test_added_source_appears_in_pdf_and_epub(built, tmp_path):
    """A sixth source added to edition.yaml gets its line in the contents, its chapter opening on a
    recto without a running head, and its chapter file, links and nav entry in the EPUB."""
    root = tmp_path / "sources"
    shutil.copytree(SOURCES, root)
    body = """
        <p xml:id="X.1.1">A sixth account of the year, with its own voice.<note type="source" n="1">Its own note.</note></p>
        <p xml:id="X.1.2">It answers Trotsky: <ref target="#T1.7.1">T1 7.1</ref>.</p>
    """
    (root / "texts" / "X.xml").write_text(tei_source("X", body, title="An Added Account",
                                                     author="Zoe Newcomer", chapter="Newly Added Chapter"))
    settings = yaml.safe_load((root / "edition.yaml").read_text())
    settings["sources"].append({"siglum": "X", "file": "texts/X.xml"})
    (root / "edition.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True))
    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(built.out / ".pages.json", out / ".pages.json")  # start from the session's layout
    assert build(root, out, "--format", "pdf", "--format", "epub", "--draft") == 0  # a proof is enough here

    reader = PdfReader(out / "stalins-rise.pdf")
    pages = [page.extract_text() for page in reader.pages]
    contents = next(text for text in pages if text.strip().startswith("Contents"))
    assert "Zoe Newcomer" in contents and "Newly Added Chapter" in contents
    opening = reader.get_destination_page_number(reader.named_destinations["X.1"])
    # the chapter opens on a recto, its title and text there, and no running head (neither the
    # source's nor the chapter's title a second time)
    assert opening % 2 == 0 and "A sixth account of the year" in pages[opening]
    assert pages[opening].count("Newly Added Chapter") == 1 and "Zoe Newcomer" not in pages[opening]

    with zipfile.ZipFile(out / "stalins-rise.epub") as archive:
        assert "OEBPS/text/X-1.xhtml" in archive.namelist()
        chapter = archive.read("OEBPS/text/X-1.xhtml").decode()
        assert "A sixth account of the year" in chapter
        assert 'href="../text/T1-7.xhtml#T1.7.1"' in chapter
        assert "Newly Added Chapter" in archive.read("OEBPS/nav.xhtml").decode()

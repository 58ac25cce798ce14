"""`build.py import`: a plain-text copy-text becomes a source that validates, keeps every word, builds."""

from __future__ import annotations

import re
import shutil
import zipfile

import pytest
import yaml
from conftest import SOURCES, build, make_edition, tei_source

from edition.cli import main

SAMPLE = """A Sixth Account

CHAPTER ONE

It began[1] in March 1917, in Petrograd.

[1] A note of the source.

THE RETURN

Stalin came back.{12} Then more.

THE BOOK 211

And the end.

Popular pages: Stalin
"""


@pytest.fixture
def edition_dir(tmp_path):
    return make_edition(tmp_path / "e", {"A": tei_source("A", '<p xml:id="A.1.1">Text.</p>')})


def test_import_writes_a_valid_faithful_source_and_lists_it(edition_dir, tmp_path, capsys):
    text = tmp_path / "sixth.txt"
    text.write_text(SAMPLE)
    assert main(["import", str(text), "--siglum", "S6", "--title", "A Sixth Account", "--sources", str(edition_dir), "-q"]) == 0
    tei = (edition_dir / "texts" / "S6.xml").read_text()
    assert '<note type="source" n="1" place="foot">A note of the source.</note>' in tei
    assert '<ptr type="noteCall" n="12" rend="{}"/>' in tei
    assert '<pb n="211"/><fw type="header">THE BOOK 211</fw>' in tei
    assert '<gap reason="debris"><desc>Popular pages: Stalin</desc></gap>' in tei
    assert '<div type="section" xml:id="S6.1.s1">' in tei and "<head>CHAPTER ONE</head>" in tei
    settings = yaml.safe_load((edition_dir / "edition.yaml").read_text())
    assert settings["sources"][-1] == {"siglum": "S6", "file": "texts/S6.xml", "copytext": "copytext/S6.txt"}
    # validates, and the fidelity check (run by `check`) passes
    assert main(["check", "--sources", str(edition_dir), "-q"]) == 0


def test_import_refuses_a_used_siglum(edition_dir, tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_text("Some text.\n")
    assert main(["import", str(text), "--siglum", "A", "--sources", str(edition_dir), "-q"]) == 1
    assert "already in edition.yaml" in capsys.readouterr().err


def test_force_replaces_a_listed_source_where_it_stands(tmp_path):
    """--force writes the TEI file and the copy-text again; the source's entry keeps its place, its
    comment and its key order, and names the new files."""
    root = make_edition(tmp_path / "e", {"A": tei_source("A", '<p xml:id="A.1.1">Old text.</p>'),
                                         "B": tei_source("B", '<p xml:id="B.1.1">Other text.</p>')})
    settings = root / "edition.yaml"
    settings.write_text(settings.read_text().replace(
        "  - siglum: A\n    file: texts/A.xml\n    copytext: none\n",
        "  - file: texts/A.xml  # the first account\n    siglum: A\n"))
    text = tmp_path / "sixth.txt"
    text.write_text(SAMPLE)
    assert main(["import", str(text), "--siglum", "A", "--force", "--sources", str(root), "-q"]) == 0
    assert "Stalin came back." in (root / "texts" / "A.xml").read_text()
    assert "Old text." not in (root / "texts" / "A.xml").read_text()
    assert (root / "copytext" / "A.txt").read_text() == SAMPLE
    assert "  - file: texts/A.xml  # the first account\n    siglum: A\n    copytext: copytext/A.txt\n  - siglum: B\n" \
        in settings.read_text()
    assert [entry["siglum"] for entry in yaml.safe_load(settings.read_text())["sources"]] == ["A", "B"]
    assert main(["check", "--sources", str(root), "-q"]) == 0  # the new text, proven against its copy-text


def test_force_sets_the_files_of_an_entry_written_inline(edition_dir, tmp_path):
    settings = edition_dir / "edition.yaml"
    settings.write_text(settings.read_text().replace(
        "  - siglum: A\n    file: texts/A.xml\n    copytext: none\n", "  - {siglum: A, file: texts/old.xml}\n"))
    text = tmp_path / "t.txt"
    text.write_text("Some text.\n")
    assert main(["import", str(text), "--siglum", "A", "--force", "--sources", str(edition_dir), "-q"]) == 0
    assert "  - {siglum: A, file: texts/A.xml, copytext: copytext/A.txt}\n" in settings.read_text()
    assert main(["check", "--sources", str(edition_dir), "-q"]) == 0


@pytest.mark.parametrize("siglum", ["A", "T1", "M", "K", "T2"])
def test_every_real_copytext_imports_faithfully(siglum, tmp_path):
    """The importer's guesses never lose a word, even on the messy web copy-texts."""
    root = make_edition(tmp_path / "e", {"Z": tei_source("Z", '<p xml:id="Z.1.1">Text.</p>')})
    assert main(["import", str(SOURCES / "copytext" / f"{siglum}.txt"), "--siglum", "N", "--sources", str(root), "-q"]) == 0
    assert main(["check", "--sources", str(root), "-q"]) == 0


@pytest.mark.slow  # a draft of the whole real edition: about 50 s
def test_imported_text_builds_into_a_sixth_part(tmp_path):
    """An imported text, once listed, builds with the real edition: its author is in the EPUB's nav."""
    root = tmp_path / "sources"
    shutil.copytree(SOURCES, root)
    text = tmp_path / "sixth.txt"
    text.write_text(SAMPLE)
    assert main(["import", str(text), "--siglum", "S6", "--title", "A Sixth Account", "--author", "Sam Sixth",
                 "--sources", str(root), "-q"]) == 0
    assert build(root, tmp_path / "out", "--format", "epub", "--draft") == 0  # a proof is enough here
    with zipfile.ZipFile(tmp_path / "out" / "stalins-rise.epub") as archive:
        assert "Sam Sixth" in archive.read("OEBPS/nav.xhtml").decode()
        chapter = re.sub(r"<[^>]+>", "", archive.read("OEBPS/text/S6-1.xhtml").decode())
        assert "Stalin came back." in chapter


def test_debris_right_after_a_chapter_heading(edition_dir, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("CHAPTER ONE\n\nNo comments:\n\nThe only paragraph.\n")
    assert main(["import", str(text), "--siglum", "S7", "--sources", str(edition_dir), "-q"]) == 0
    assert '<gap reason="debris"><desc>No comments:</desc></gap>' in (edition_dir / "texts" / "S7.xml").read_text()
    assert main(["check", "--sources", str(edition_dir), "-q"]) == 0


def test_import_into_an_edition_yaml_that_does_not_read_is_a_located_error(tiny, tmp_path, capsys):
    """import reads edition.yaml as the build does: a YAML error is reported at its line (it was a
    traceback), and nothing is written."""
    from edition.cli import main

    (tiny / "edition.yaml").write_text((tiny / "edition.yaml").read_text() + "subtitle: a: b\n", encoding="utf-8")
    text = tmp_path / "new.txt"
    text.write_text("CHAPTER I\n\nA new text.\n", encoding="utf-8")
    assert main(["import", str(text), "--siglum", "B", "--sources", str(tiny), "-q"]) == 1
    err = capsys.readouterr().err
    assert "edition.yaml:" in err and "[settings-syntax]" in err and "Traceback" not in err
    assert not (tiny / "texts" / "B.xml").exists()

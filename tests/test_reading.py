"""The EPUB in reading systems readers use: foliate-js (the engine of the Foliate reader) in
Chromium, at phone and tablet sizes and 100% to 200% font (tools/reader/read.mjs), and Calibre's
conversion.  `make reading` installs the engine (npm, pinned in tools/reader/package-lock.json) and
runs this module with READING=1, which makes a missing tool a failure; elsewhere these tests are
skipped when Node, the engine, Chromium or Calibre are missing.  The screenshots the reading test
takes are kept in the session's output directory, `reading/`."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READER = ROOT / "tools" / "reader"
TAP = 24  # CSS px: the smallest tap target (WCAG 2.2, 2.5.8)


def _require(ok: bool, why: str) -> None:
    if not ok:
        if os.environ.get("READING"):
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="module")
def reading(built) -> dict:
    """What read.mjs measured in the session's EPUB."""
    _require(shutil.which("node") is not None and (READER / "node_modules").is_dir(),
             "the reading engine is not installed: make reading")
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    _require(Path(chromium).exists(), f"no Chromium at {chromium} (apt-get install chromium)")
    out = built.out / "reading"
    run = subprocess.run(["node", str(READER / "read.mjs"), str(built.epub), str(out)],
                         capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads((out / "reading.json").read_text(encoding="utf-8"))


# foliate-js's FootnoteHandler calls the host window's getComputedStyle on an element of the
# book's frame (footnotes.js, isSuper) when it is driven from the host page, as here: not the book's.
FOLIATE_QUIRK = "Failed to execute 'getComputedStyle' on 'Window'"


def test_the_engine_reads_the_book_without_errors(reading):
    assert [error for error in reading["errors"] if FOLIATE_QUIRK not in error] == []
    assert reading["notes"] and reading["links"] and reading["pages"]  # it did read


def test_nothing_is_wider_than_the_screen_at_any_size_and_font(reading):
    assert reading["overflow"] == [], reading["overflow"][:10]


def test_note_calls_open_their_notes_and_their_notes_lead_back(reading):
    for note in reading["notes"]:
        where = (note["size"], note["font"], note["section"], note["id"])
        assert note["type"] == "endnote" and not note.get("hidden"), where  # no reader hides it
        assert note["note"] and note["note"] in note["shown"], where  # the pop-up shows the note
        assert note["back"] and note["returns"], where  # its mark leads back to the call, shown
    assert len({n["section"] for n in reading["notes"]}) >= 10


def test_note_calls_are_tap_targets_of_24_px(reading):
    small = [(n["section"], n["id"], round(n["width"]), round(n["height"])) for n in reading["notes"]
             if n["font"] == 100 and (n["width"] < TAP or n["height"] < TAP)]
    assert small == []


def test_links_land_on_text_the_reader_shows(reading):
    links = reading["links"]
    assert [link["href"] for link in links if not link["found"] or link["hidden"]] == []
    followed = [link for link in links if link["shown"] is not None]
    assert len(followed) >= 50 and [link["href"] for link in followed if not link["shown"]] == []
    assert any("persons.xhtml" in link["section"] for link in followed)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"[^\W\d_]{3,}", text)]


def test_a_printed_page_from_the_page_list_shows_that_pages_first_words(reading, built):
    """Going to page N of the print edition shows its marker, and the words after it are on page N
    of the PDF (the page's first words, as print breaks them: at least three of the first five)."""
    labels = built.labels
    checked = 0
    for page in reading["pages"]:
        assert page["found"] and page["visible"], page
        if page["stacked"] or not _words(page["words"]):
            continue  # a page with no words of its own (a blank verso, the contents) stands at the next one's place
        printed = set(_words(built.pages[labels.index(page["label"])]))
        first = _words(page["words"])[:5]
        assert sum(word in printed for word in first) >= min(3, len(first)), (page, first)
        checked += 1
    assert checked > 200 and all(page["label"] in labels for page in reading["pages"])


def test_calibre_converts_the_book_without_a_warning(built, tmp_path):
    _require(shutil.which("ebook-convert") is not None, "Calibre is not installed (apt-get install calibre)")
    run = subprocess.run(["ebook-convert", str(built.epub), str(tmp_path / "book.epub")], capture_output=True,
                         text=True, timeout=600, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr[-2000:]
    log = run.stdout + run.stderr
    assert not re.search(r"warn|error|Found large tree", log, re.I), log
    meta = subprocess.run(["ebook-meta", str(built.epub)], capture_output=True, text=True, timeout=120).stdout
    assert "Leon Trotsky" in meta and "The Editors" not in re.search(r"Author\(s\)\s*:(.*)", meta).group(1)

"""Every word of every copy-text is in its TEI file, in order; what was set aside is listed."""

from __future__ import annotations

import re

import pytest
from conftest import SOURCES, make_edition, tei_source

from edition.check import fidelity
from edition.cli import main
from edition.diagnostics import Report
from edition.read.reader import read_edition

EDITION = read_edition(SOURCES, Report())


@pytest.mark.parametrize("source", [s for s in EDITION.sources if s.copytext], ids=lambda s: s.siglum)
def test_copytext_words_are_all_in_the_tei(source):
    result = fidelity.compare(source.file.root, source.copytext.read_text(encoding="utf-8"))
    print(f"\n{source.siglum}: {result.words} words; excluded from the reading text:")
    for item in result.excluded:
        print(f"  {item}")
    assert result.difference is None, result.difference
    assert result.words > 1000


def test_every_source_has_its_copytext():
    assert all(source.copytext for source in EDITION.sources)


COPYTEXT = """Title line

First paragraph, on 25 October 1917.[1] It goes on.

[1] A source note.

Second paragraph, see above.

Popular pages: nothing
"""
BODY = """
<p xml:id="A.1.1">First paragraph, on <date calendar="#julian" when="1917-11-07" when-custom="1917-10-25" datingMethod="#julian">25 October 1917</date>.<note type="source" n="1">A source note.</note> It goes on.</p>
<p xml:id="A.1.2">Second paragraph, <choice><sic>see</sic><corr>saw</corr></choice> above.<note type="editorial">Not in the copy-text.</note></p>
<gap reason="debris"><desc>Popular pages: nothing</desc></gap>
"""


def tiny_with_copytext(tmp_path, body=BODY):
    root = make_edition(tmp_path / "e", {"A": tei_source("A", body, chapter="Title line")})
    (root / "copy.txt").write_text(COPYTEXT)
    settings = root / "edition.yaml"
    settings.write_text(settings.read_text() + "    copytext: copy.txt\n")
    return root


def test_faithful_tiny_source_passes(tmp_path, capsys):
    assert main(["check", "--sources", str(tiny_with_copytext(tmp_path)), "--quiet"]) == 0


def test_a_changed_word_is_located(tmp_path, capsys):
    root = tiny_with_copytext(tmp_path, BODY.replace("It goes on", "It went on"))
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "[copytext-differs]" in err and "“goes on" in err
    line = int(re.search(r"A\.xml:(\d+):", err)[1])
    assert 'xml:id="A.1.1"' in (root / "texts" / "A.xml").read_text().splitlines()[line - 1]


def test_unrecorded_debris_is_a_difference(tmp_path, capsys):
    root = tiny_with_copytext(tmp_path, BODY.replace('<gap reason="debris"><desc>Popular pages: nothing</desc></gap>', ""))
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    assert "Popular pages" in capsys.readouterr().err

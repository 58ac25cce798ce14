"""Dates: the words of each date against its encoded values, and events dated differently."""

from __future__ import annotations

import re

import pytest
from conftest import SOURCES, make_edition, tei_source

from edition.cli import main
from edition.diagnostics import Report
from edition.model.datewords import Reading, readings
from edition.read.reader import read_edition


@pytest.mark.parametrize("words, expected", [
    ("November 7th", [Reading(None, 11, 7)]),
    ("25 October 1917", [Reading(1917, 10, 25)]),
    ("May 5, 1912", [Reading(1912, 5, 5)]),
    ("the first (the 14th) of November", [Reading(None, 11, 1), Reading(None, 11, 14)]),
    ("August thirteenth", [Reading(None, 8, 13)]),
    ("the twenty-third of September", [Reading(None, 9, 23)]),
    ("Sunday, March 12/25", [Reading(None, 3, 12), Reading(None, 3, 25)]),
    ("April 4 [17], 1917", [Reading(1917, 4, 4), Reading(1917, 4, 17)]),
    ("April 7 (March 25), 1917", [Reading(1917, 4, 7), Reading(1917, 3, 25)]),
    ("the first week of October", [Reading(None, 10, None)]),
    ("Nineteen-seventeen", [Reading(1917, None, None)]),
    ("the next day", []),
])
def test_wordings_found_in_the_sources(words, expected):
    assert readings(words) == expected


def test_every_date_of_every_source_is_encoded_and_checked():
    edition = read_edition(SOURCES, Report())
    counts = {s.siglum: 0 for s in edition.sources}
    for date in edition.dates:
        counts[date.location.path.split("/")[-1][:-4]] += 1
        assert date.when is not None or date.element.get("notBefore")
    assert all(n > 10 for n in counts.values()), counts
    assert sum(counts.values()) > 500


EVENTS = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>E</title></titleStmt></fileDesc>
<profileDesc><calendarDesc><calendar xml:id="julian"><p>Julian</p></calendar></calendarDesc></profileDesc></teiHeader>
<standOff><listEvent><event xml:id="ev-rising" when="1917-11-07" when-custom="1917-10-25" datingMethod="#julian">
<label>The rising</label></event></listEvent></standOff></TEI>"""


def two_sources(tmp_path, a_date, note=""):
    a = tei_source("A", f'<p xml:id="A.1.1">It began on <date calendar="#julian" {a_date} datingMethod="#julian" corresp="#ev-rising">the day</date>.{note}</p>')
    b = tei_source("B", '<p xml:id="B.1.1">It began on <date calendar="#julian" when="1917-11-07" when-custom="1917-10-25" datingMethod="#julian" evidence="inferred" corresp="#ev-rising">the 25th</date>.</p>')
    root = make_edition(tmp_path / "e", {"A": a, "B": b}, extra_yaml="registers: [events.xml]\n")
    (root / "events.xml").write_text(EVENTS)
    return root


def test_an_unreconciled_discrepancy_fails_with_its_location(tmp_path, capsys):
    root = two_sources(tmp_path, 'when="1917-11-06" when-custom="1917-10-24" evidence="inferred"')
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"texts/A\.xml:15:\d+: error: A 1\.1 dates “The rising”", err)
    assert "[event-discrepancy]" in err and "B.xml" not in err


def test_an_editorial_note_reconciles_it_and_the_report_shows_both_sources(tmp_path, capsys):
    note = '<note type="editorial" target="#ev-rising">A dates the rising a day early.</note>'
    root = two_sources(tmp_path, 'when="1917-11-06" when-custom="1917-10-24" evidence="inferred"', note)
    assert main(["dates", "--sources", str(root)]) == 0
    out = capsys.readouterr().out
    assert "The rising: 25 October 1917 (OS) = 7 November 1917" in out
    assert "A 1.1" in out and "differs; editorial note" in out and "B 1.1" in out and "agrees" in out


def test_a_wrong_julian_value_is_caught(tmp_path, capsys):
    root = two_sources(tmp_path, 'when="1917-11-07" when-custom="1917-10-24" evidence="inferred"')
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    assert "[date-mismatch]" in capsys.readouterr().err


def test_words_that_disagree_with_the_encoding_are_caught(tmp_path, capsys):
    body = '<p xml:id="A.1.1">On <date when="1917-11-08">November 7th</date>.</p>'
    root = make_edition(tmp_path / "e", {"A": tei_source("A", body)})
    assert main(["check", "--sources", str(root), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "[date-words]" in err and "November 7th" in err

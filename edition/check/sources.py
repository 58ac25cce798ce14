"""Checks that run on the model after reading: pointers resolve, dates agree with their calendars.

In: an `Edition`.  Out: diagnostics added to the `Report`.  Each check is one function registered
in CHECKS; `run_all` runs them in order.  Checks never change the model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from ..diagnostics import Location, Report, display_path
from ..model import calendars, datewords, events
from ..model.records import Division, Edition
from ..model.elements import MILESTONES
from ..read.reader import UNREAD_ANY
from ..read.tei import XML_ID, line_col, local
from . import fidelity

EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)

CHECKS: list[Callable[[Edition, Report], None]] = []


def check(function):
    CHECKS.append(function)
    return function


def run_all(edition: Edition, report: Report) -> None:
    for function in CHECKS:
        function(edition, report)


@check
def pointers_resolve(edition: Edition, report: Report) -> None:
    """Every '#id' pointer names an id of its own file's header or of the edition's text."""
    local_ids = {source.file: source.local_ids for source in edition.sources}
    for register in edition.registers:
        local_ids[register] = {e.get(XML_ID): e for e in register.root.iter() if isinstance(e.tag, str) and e.get(XML_ID)}
    lenient = {source.file for source in edition.sources if source.lenient}
    for pointer in edition.pointers:
        value = pointer.value
        if value.startswith("#"):
            key = value[1:]
            if (key not in local_ids.get(pointer.file, {}) and key not in edition.targets and key not in edition.entities
                    and not _maybe_unread(edition, key)):
                report.add(pointer.location, "lenient-pointer" if pointer.file in lenient else "dangling-pointer",
                             f"@{pointer.attribute}=\"{value}\" points to no xml:id in this file or the edition")
        elif pointer.file in lenient:
            continue  # a relative URI, or an id without '#' as real files write them: never an error there
        elif not EXTERNAL.match(value):
            report.add(pointer.location, "pointer-syntax",
                         f"@{pointer.attribute}=\"{value}\": a pointer is '#' followed by an xml:id")


def _maybe_unread(edition: Edition, key: str) -> bool:
    """Whether an id may be in a file that could not be read (its problems are reported already)."""
    return UNREAD_ANY in edition.unread or key.split(".")[0] in edition.unread


@check
def dates_agree(edition: Edition, report: Report) -> None:
    """@when is a real Gregorian date; a Julian @when-custom converts to exactly @when."""
    for date in edition.dates:
        element = date.element
        if date.lenient and (date.when is None or date.calendar == "julian" and date.julian is None):
            continue  # a lenient file's date is checked where it gives values in a calendar we know
        if element.get("when") is None and not (element.get("notBefore") or element.get("from")):
            report.add(date.location, "date-when", f"date '{date.text}' has no @when")
            continue
        if date.when is None:
            continue  # a syntax error, already reported
        try:
            calendars.check_gregorian(date.when)
        except ValueError as exc:
            report.add(date.location, "date-invalid", f"@when=\"{date.when.iso()}\" is not a date: {exc}")
            continue
        if date.calendar == "julian" and date.julian is None:
            report.add(date.location, "date-julian-missing",
                         f"date '{date.text}' is reckoned in the Julian calendar but has no @when-custom")
            continue
        if date.julian is None:
            continue
        if element.get("datingMethod") != "#julian" and not date.lenient:
            report.add(date.location, "date-dating-method", "@when-custom needs datingMethod=\"#julian\"")
        try:
            expected = calendars.julian_to_gregorian(date.julian)
        except ValueError as exc:
            report.add(date.location, "date-invalid", f"@when-custom: {exc}")
            continue
        if expected != date.when:
            report.add(date.location, "date-mismatch",
                         f"date '{date.text}': Julian {date.julian.iso()} is Gregorian {expected.iso()}, "
                         f"but @when is {date.when.iso()}")


COMPONENTS = ("year", "month", "day")


def _agrees(reading: datewords.Reading, value: calendars.PartialDate) -> bool:
    return all(getattr(reading, part) is None or getattr(reading, part) == getattr(value, part) for part in COMPONENTS)


@check
def date_words_agree(edition: Edition, report: Report) -> None:
    """The words of each date say what its encoded values say; inferred parts are marked."""
    for date in edition.dates:
        if date.when is None or date.lenient:  # the words are read in English only
            continue
        words = datewords.readings(date.text)
        primary = date.julian if date.calendar == "julian" and date.julian else date.when
        values = [primary] + ([date.when] if date.julian and primary is not date.when else [date.julian] if date.julian else [])
        if not words:
            if not date.inferred:
                report.add(date.location, "date-inferred",
                             f"the words '{date.text}' give no day, month or year: mark the date evidence=\"inferred\"")
            continue
        if len(words) == 2 and len(values) < 2:
            report.add(date.location, "date-two-styles",
                         f"the words '{date.text}' give two dates but only @when is encoded; add the Julian value")
            continue
        pairs = [list(zip(words, values)), list(zip(words, reversed(values)))] if len(words) == 2 else [[(words[0], primary)]]
        if not any(all(_agrees(r, v) for r, v in pair) for pair in pairs):
            encoded = " and ".join(v.iso() for v in values[:len(words)] or values)
            style = "Julian @when-custom" if primary is date.julian else "@when"
            report.add(date.location, "date-words",
                         f"the words '{date.text}' do not agree with the {style} {encoded}")
            continue
        given = {part for r in words for part in COMPONENTS if getattr(r, part) is not None}
        left_out = [part for part in COMPONENTS if getattr(primary, part) is not None and part not in given]
        if left_out and not date.inferred:
            report.add(date.location, "date-inferred",
                         f"@when gives the {' and '.join(left_out)}, which the words '{date.text}' leave out: "
                         f"mark the date evidence=\"inferred\"")


@check
def copytext_fidelity(edition: Edition, report: Report) -> None:
    """Every word of a source's copy-text is in its TEI file, in order (fidelity.py)."""
    entries = {entry.siglum: entry for entry in edition.settings.sources}
    for source in edition.sources:
        if source.copytext is None and entries[source.siglum].copytext_unsaid and not source.lenient:
            report.add(entries[source.siglum].location, "copytext-none",
                       f"source {source.siglum} has no 'copytext': its reading text is not proven against the copy-text")
        if source.copytext is None:
            continue
        data = source.copytext.read_bytes()
        try:
            copytext = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, col = line_col(data, exc.start)
            report.add(Location(display_path(source.copytext), line, col), "copytext-read",
                       f"not UTF-8: byte 0x{data[exc.start]:02x} (save the copy-text as UTF-8)")
            continue
        key = hashlib.sha256("\n".join(source.file.lines).encode() + b"\0" + data).hexdigest()
        if key not in _PROVEN:  # the proof of a source is redone only when it or its copy-text changed
            result = fidelity.compare(source.file.root, copytext)
            at = source.file.locate(result.element) if result.difference else None
            if len(_PROVEN) >= PROVEN_KEPT:
                _PROVEN.clear()
            _PROVEN[key] = (at.line, at.col, result.difference) if at else None
        if found := _PROVEN[key]:
            line, col, difference = found
            report.add(Location(source.file.shown, line, col), "copytext-differs",
                       f"{difference}; copy-text {display_path(source.copytext)}")


# Proofs of fidelity done in this process, by digest of the TEI file and its copy-text: the
# difference found (line, column, words) or None.  A long-lived process (build.py watch) proves
# again only the source that was saved; the digest keys the result, so nothing else can leak.
_PROVEN: dict[str, tuple[int, int, str] | None] = {}
PROVEN_KEPT = 64


@check
def numbers_are_stable(edition: Edition, report: Report) -> None:
    """Every chapter, section and numbered block has an xml:id, and a block's id is its number.

    Paragraph numbers are derived from the order of the blocks; the ids pin them down. A block
    inserted later gets its own `n` (e.g. n="7.12a") so that the numbers after it do not move.
    """
    for source in (s for s in edition.sources if not s.lenient):  # a lenient file's ids are its own business
        for chapter in source.chapters:
            divisions = [chapter] + [d for d in _subdivisions(chapter)]
            for division in divisions:
                if not division.id:
                    report.add(source.file.locate(division.element), "id-missing",
                                 f"this division needs an xml:id (e.g. {source.siglum}.{chapter.n})")
            for block in chapter.blocks():
                if _empty(block.element):
                    report.add(source.file.locate(block.element), "paragraph-empty",
                               f"paragraph {block.label} has no text: the book would print its number alone")
                element_id = block.element.get(XML_ID)
                expected = f"{source.siglum}.{block.number}"
                if not element_id:
                    report.add(source.file.locate(block.element), "id-missing",
                                 f"paragraph {block.label} needs xml:id=\"{expected}\"")
                elif element_id != expected:
                    report.add(source.file.locate(block.element, XML_ID), "number-moved",
                                 f"xml:id=\"{element_id}\" but this block is numbered {block.label}: "
                                 f"give an inserted block its own n (e.g. n=\"{block.number}a\"), or renumber the ids")


def _empty(element) -> bool:
    """A numbered block with no text and nothing that prints (`<p xml:id="A.1.2"/>`, `<p><pb/></p>`)."""
    return not "".join(element.itertext()).strip() and all(
        local(child) in MILESTONES for child in element.iterdescendants() if isinstance(child.tag, str))


def _subdivisions(division):
    for item in division.content:
        if isinstance(item, Division):
            yield item
            yield from _subdivisions(item)


@check
def events_reconciled(edition: Edition, report: Report) -> None:
    """A source that dates a shared event otherwise than the register needs an editorial note on it."""
    noted = events.discrepancy_notes(edition)
    for telling, date in events.disagreements(edition, edition.tellings):
        if events.is_noted(noted, telling):
            continue
        event = telling.event
        span = event.julian if date.calendar == "julian" and event.julian else event.when
        until = (event.until_julian if date.calendar == "julian" and event.julian else event.until)
        style = " (Old Style)" if date.calendar == "julian" and event.julian else ""
        report.add(date.location, "event-discrepancy",
                     f"{telling.block.label} dates “{event.name}” “{date.text}”, outside the event’s date "
                     f"{span.iso()}{' to ' + until.iso() if until else ''}{style}: add an editorial note on the "
                     f"discrepancy, <note type=\"editorial\" target=\"#{event.id}\">")

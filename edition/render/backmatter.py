"""The back matter as plain data: chronology, concordance, indices of persons and places.

In: the `Edition` (events collected, names linked) and, for print, the page of every anchor from
a first layout (`pages`: anchor id -> printed page number).  Out: rows for the templates; the
writers only loop over them.  Links are ids; each writer turns them into hrefs or page numbers.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import unicodedata
from collections import defaultdict

from ..model import calendars
from ..model.records import Edition, Entity
from ..read.tei import XML_ID

ARTICLES = re.compile(r"^(the|a|an)\s+", re.I)


@dataclasses.dataclass
class Ref:
    """A reference to a passage: its citation label ('T1 7.12') and the id to link to."""

    label: str
    target: str
    words: str = ""  # for the chronology: the source's wording of the date


@dataclasses.dataclass
class ChronologyRow:
    event: Entity
    julian: str
    gregorian: str
    refs: list[Ref]


@dataclasses.dataclass
class ConcordanceRow:
    event: Entity
    date: str
    cells: list[list[Ref]]  # one list per source, in the edition's order


@dataclasses.dataclass
class IndexEntry:
    heading: str
    note: str
    anchors: list[str]  # mention ids, in text order (the EPUB links each)
    labels: list[Ref]  # one per paragraph that mentions the entry
    pages: str = ""  # print: "12–14, 87"
    see: str = ""  # a cross-reference entry: "Koba, see Stalin, Joseph"
    id: str = ""


def sort_key(text: str) -> str:
    """Index order: leading articles and diacritics ignored, case folded."""
    text = ARTICLES.sub("", text.strip())
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[^\w\s,]", "", text).casefold()


def date_range(first: calendars.PartialDate | None, last: calendars.PartialDate | None) -> str:
    """'25 October 1917', '24–25 October 1917', '26 July – 3 August 1917'."""
    if first is None:
        return ""

    def full(d: calendars.PartialDate) -> str:
        if d.day:
            return f"{d.day} {calendars.MONTHS[d.month - 1]} {d.year}"
        if d.month:
            return f"{calendars.MONTHS[d.month - 1]} {d.year}"
        return str(d.year)
    if last is None or last == first:
        return full(first)
    if first.day and last.day and (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{full(last)}"
    if first.day and last.day and first.year == last.year:
        return f"{first.day} {calendars.MONTHS[first.month - 1]} – {full(last)}"
    if not first.day and not last.day and first.month and last.month and first.year == last.year:
        return f"{calendars.MONTHS[first.month - 1]}–{full(last)}"
    return f"{full(first)} – {full(last)}"


def ranges(pages: list[int]) -> str:
    """[12, 13, 14, 87] -> '12–14, 87'."""
    numbers = sorted(set(pages))
    parts, start = [], None
    for k, n in enumerate(numbers):
        if start is None:
            start = n
        if k + 1 == len(numbers) or numbers[k + 1] != n + 1:
            parts.append(str(start) if start == n else f"{start}–{n}")
            start = None
    return ", ".join(parts)


def events_in_order(edition: Edition) -> list[Entity]:
    found = [e for e in edition.entities.values() if e.kind == "event" and e.id in edition.tellings]
    return sorted(found, key=lambda e: (e.when.year, e.when.month or 0, e.when.day or 0, e.name))


def chronology(edition: Edition) -> list[ChronologyRow]:
    rows = []
    for event in events_in_order(edition):
        refs = [Ref(t.block.label, t.date.element.get(XML_ID) or t.block.id, t.date.text)
                for t in edition.tellings[event.id] if t.date is not None]
        refs = [r for r in refs if r.target]
        julian = date_range(event.julian, event.until_julian) if event.julian else "—"
        rows.append(ChronologyRow(event, julian, date_range(event.when, event.until), refs))
    return rows


def concordance(edition: Edition) -> list[ConcordanceRow]:
    rows = []
    for event in events_in_order(edition):
        cells = []
        for source in edition.sources:
            cells.append([Ref(t.block.label, t.block.id)
                          for t in edition.tellings[event.id] if t.block.chapter.source is source])
        rows.append(ConcordanceRow(event, date_range(event.when, event.until), cells))
    return rows


def _needs_see(form: str, heading: str) -> bool:
    """A 'see' entry for a name a reader could look up: not a spelling of the heading's words."""
    words = {w.casefold() for w in re.findall(r"\w+", heading)}
    for word in re.findall(r"\w+", form):
        if len(word) < 3:
            continue  # initials
        if any(difflib.SequenceMatcher(None, word.casefold(), w).ratio() >= 0.8 for w in words):
            return False
    return True


def index(edition: Edition, kind: str, pages: dict[str, int] | None = None) -> list[IndexEntry]:
    """The index of persons or places: entries and 'see' cross-references, sorted."""
    mentions = defaultdict(list)
    for mention in edition.mentions:
        if mention.entity.kind == kind and mention.block is not None:
            mentions[mention.entity.id].append(mention)
    entries = []
    for key, found in mentions.items():
        entity = edition.entities[key]
        labels, seen = [], set()
        for mention in found:
            if mention.block.label not in seen:
                seen.add(mention.block.label)
                labels.append(Ref(mention.block.label, mention.id))
        note = ", ".join(filter(None, (entity.life and f"{entity.life}", entity.note)))
        page_list = [pages[m.id] for m in found if pages and m.id in pages]
        entries.append(IndexEntry(entity.name, note, [m.id for m in found], labels,
                                  ranges(page_list), id=f"index-{entity.id}"))
        for k, (form, _) in enumerate(entity.variants):
            if _needs_see(form, entity.name):
                entries.append(IndexEntry(form, "", [], [], see=entity.name, id=f"index-{entity.id}-see{k}"))
    unique = {(e.heading, e.see): e for e in entries}
    return sorted(unique.values(), key=lambda e: (sort_key(e.heading), e.see))


def appendices(edition: Edition, pages: dict[str, int]) -> dict:
    """All the appendices' rows, for both writers (the EPUB passes no pages)."""
    return {
        "chronology": chronology(edition),
        "concordance": concordance(edition),
        "persons": index(edition, "person", pages),
        "places": index(edition, "place", pages),
        "sigla": [source.siglum for source in edition.sources],
    }

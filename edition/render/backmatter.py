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
from ..model.records import Block, Edition, Entity
from ..read.tei import XML_ID

ARTICLES = re.compile(r"^(the|a|an)\s+", re.I)
CHRONOLOGY_ACCOUNTS = 2  # an event is in the chronology when at least this many accounts date it
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five")  # for the chronology's headnote


@dataclasses.dataclass
class Ref:
    """A reference to a passage: its citation label ('T1 7.12') and the id to link to."""

    label: str
    target: str
    words: str = ""  # for the chronology: the source's wording of the date
    last: str = ""  # for the concordance: the id of the last paragraph of a range ('7.120–123')


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
    cells: list[list[Ref]]  # one list per source, in the edition's order; labels without siglum


@dataclasses.dataclass
class IndexEntry:
    heading: str
    note: str
    anchors: list[str]  # mention ids, in text order (the EPUB links each)
    labels: list[Ref]  # one per paragraph that mentions the entry
    pages: list = dataclasses.field(default_factory=list)  # print: runs of pages, as `ranges` gives them
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


def ranges(pages: dict[str, int]) -> list[tuple[str, str | None]]:
    """Anchors and their pages as runs of consecutive pages, each given by an anchor on its first
    page and one on its last (None for a run of one page), for the print to number:
    {a: 14, b: 12, c: 13, d: 87, e: 12} -> [(b, a), (d, None)] ('12–14, 87')."""
    first_on: dict[int, str] = {}
    for key, page in sorted(pages.items(), key=lambda item: (item[1], item[0])):
        first_on.setdefault(page, key)
    numbers = sorted(first_on)
    runs, start = [], None
    for k, n in enumerate(numbers):
        if start is None:
            start = n
        if k + 1 == len(numbers) or numbers[k + 1] != n + 1:
            runs.append((first_on[start], first_on[n] if n != start else None))
            start = None
    return runs


def events_in_order(edition: Edition) -> list[Entity]:
    found = [e for e in edition.entities.values() if e.kind == "event" and e.id in edition.tellings]
    return sorted(found, key=lambda e: (e.when.year, e.when.month or 0, e.when.day or 0, e.name))


def chronology(edition: Edition) -> list[ChronologyRow]:
    """The events that CHRONOLOGY_ACCOUNTS accounts or more date, each with every dating."""
    rows = []
    for event in events_in_order(edition):
        dated = [(t.block.chapter.source, Ref(t.block.label, t.date.element.get(XML_ID) or t.block.id, t.date.text))
                 for t in edition.tellings[event.id] if t.date is not None]
        dated = [(source, ref) for source, ref in dated if ref.target]
        if len({source.siglum for source, _ in dated}) < CHRONOLOGY_ACCOUNTS:
            continue
        julian = date_range(event.julian, event.until_julian) if event.julian else "—"
        rows.append(ChronologyRow(event, julian, date_range(event.when, event.until), [ref for _, ref in dated]))
    return rows


def paragraph_ranges(blocks: list[Block]) -> list[Ref]:
    """Paragraphs in text order -> one Ref per run of consecutive paragraphs of a chapter:
    7.120, 7.121, 7.122, 7.123, 7.130 -> '7.120–123' (from T1.7.120 to T1.7.123), '7.130'."""
    runs: list[list[Block]] = []
    for block in blocks:
        if runs and _next_block(runs[-1][-1]) is block:
            runs[-1].append(block)
        else:
            runs.append([block])
    refs = []
    for run in runs:
        first, last = run[0], run[-1]
        if first is last:
            refs.append(Ref(first.number, first.id))
            continue
        chapter, _, k = last.number.rpartition(".")
        same = first.number.startswith(chapter + ".")
        refs.append(Ref(f"{first.number}–{k if same else last.number}", first.id, last=last.id))
    return refs


def _next_block(block: Block) -> Block | None:
    """The paragraph after a block in its chapter, if any."""
    blocks = list(block.chapter.blocks())
    k = blocks.index(block)
    return blocks[k + 1] if k + 1 < len(blocks) else None


def concordance(edition: Edition) -> list[ConcordanceRow]:
    rows = []
    for event in events_in_order(edition):
        cells = [paragraph_ranges([t.block for t in edition.tellings[event.id] if t.block.chapter.source is source])
                 for source in edition.sources]
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
        entries.append(IndexEntry(entity.name, note, [m.id for m in found], labels,
                                  ranges({m.id: pages[m.id] for m in found if pages and m.id in pages}),
                                  id=f"index-{entity.id}"))
        for k, (form, _) in enumerate(entity.variants):
            if _needs_see(form, entity.name):
                entries.append(IndexEntry(form, "", [], [], see=entity.name, id=f"index-{entity.id}-see{k}"))
    unique = {(e.heading, e.see): e for e in entries}
    return sorted(unique.values(), key=lambda e: (sort_key(e.heading), e.see))


def none(edition: Edition) -> dict:
    """No appendices: what `appendices` gives, every list empty."""
    return {"chronology": [], "chronology_accounts": NUMBER_WORDS[CHRONOLOGY_ACCOUNTS], "concordance": [],
            "persons": [], "places": [], "sigla": [source.siglum for source in edition.sources]}


def appendices(edition: Edition, pages: dict[str, int]) -> dict:
    """All the appendices' rows, for both writers (the EPUB passes no pages)."""
    return {
        "chronology": chronology(edition),
        "chronology_accounts": NUMBER_WORDS[CHRONOLOGY_ACCOUNTS],
        "concordance": concordance(edition),
        "persons": index(edition, "person", pages),
        "places": index(edition, "place", pages),
        "sigla": [source.siglum for source in edition.sources],
    }

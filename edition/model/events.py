"""The shared events: which passages tell them, how each source dates them, where they disagree.

In: the `Edition` (events read from the register; `@corresp="#ev-…"` on a date or a passage).
Out: plain data for the checks and writers: `Telling`s per event (source, paragraph, the date's
words), the disagreements between sources, and the parallels of each paragraph (other sources'
passages on the same events, and explicit cross-references both ways).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from lxml import etree

from ..read.tei import local
from .calendars import PartialDate
from .records import Block, DateMention, Edition, Entity, Target


@dataclasses.dataclass(eq=False)
class Telling:
    event: Entity
    block: Block
    element: etree._Element  # where the passage first names the event (the paragraph itself, or in it)
    dates: list[DateMention] = dataclasses.field(default_factory=list)  # the dates that date the event here

    @property
    def date(self) -> DateMention | None:
        """The first date that dates the event in this passage, if it has one."""
        return self.dates[0] if self.dates else None


def _event_refs(element) -> list[str]:
    return [v.lstrip("#") for v in (element.get("corresp") or "").split() if v.startswith("#ev-")]


def tellings(edition: Edition) -> dict[str, list[Telling]]:
    """Event id -> the passages that tell it, in the order of the edition."""
    dates = {date.element: date for date in edition.dates}
    found: dict[str, list[Telling]] = defaultdict(list)
    for source in edition.sources:
        for block in source.blocks():
            seen: dict[str, Telling] = {}
            for element in block.element.iter():
                if not isinstance(element.tag, str):
                    continue
                for key in _event_refs(element):
                    event = edition.entities.get(key)
                    if event is None or event.kind != "event":
                        continue
                    if key not in seen:
                        seen[key] = Telling(event, block, element)
                        found[key].append(seen[key])
                    if local(element) == "date" and element in dates:
                        seen[key].dates.append(dates[element])
    return found


def within(date: DateMention, event: Entity) -> bool:
    """Does a date (to its own precision) fall within the event's days?

    A date reckoned Old Style is compared with the event's Julian dates: a month given in Old
    Style ('February 1917') keeps its month in both values and would not match in New Style."""
    if date.calendar == "julian" and date.julian is not None and event.julian is not None:
        return _within(date.julian, event.julian, event.until_julian)
    return _within(date.when, event.when, event.until)


def _within(value: PartialDate, first: PartialDate | None, last: PartialDate | None) -> bool:
    last = last or first
    if first is None:
        return True

    def key(date: PartialDate, end: bool) -> tuple:
        return (date.year, date.month or (12 if end else 1), date.day or (31 if end else 1))
    precision = value.precision
    cut = {"year": 1, "month": 2, "day": 3}[precision]
    low, high = key(first, False)[:cut], key(last, True)[:cut]
    return low <= key(value, False)[:cut] <= high


def disagreements(edition: Edition, told: dict[str, list[Telling]]) -> list[tuple[Telling, DateMention]]:
    """Every date of a shared event that does not fall within the event's dates."""
    off = []
    for key, items in told.items():
        event = edition.entities[key]
        for telling in items:
            off.extend((telling, date) for date in telling.dates
                       if date.when is not None and not within(date, event))
    return off


def discrepancy_notes(edition: Edition) -> set[tuple[object, str]]:
    """(file, event id) for every editorial note on an event: a note with @target="#ev-…".

    A note answers for the discrepancies of its own source only; a note in a register (in the
    event's entry) answers for every source."""
    noted = set()
    for file in [source.file for source in edition.sources] + edition.registers:
        for note in file.root.iter("{http://www.tei-c.org/ns/1.0}note"):
            if note.get("type") in ("editorial", "discrepancy"):
                for value in (note.get("target") or "").split():
                    noted.add((None if file in edition.registers else file, value.lstrip("#")))
    return noted


def is_noted(noted: set, telling: Telling) -> bool:
    return (telling.block.chapter.source.file, telling.event.id) in noted or (None, telling.event.id) in noted


@dataclasses.dataclass
class Parallel:
    """A passage another paragraph should point to, and why."""

    target: Target
    reason: str  # an event's label, or "cross-reference"
    at: etree._Element  # where the paragraph pointing to it tells the event, or is linked or referred to


def parallels(edition: Edition, told: dict[str, list[Telling]]) -> dict[Block, list[Parallel]]:
    """For each paragraph: the other sources' passages on its events, and cross-references both
    ways, sorted by source (in the book's order) and paragraph."""
    result: dict[Block, list[Parallel]] = defaultdict(list)

    def add(block: Block, target_block: Block, reason: str, at: etree._Element) -> None:
        target_id = target_block.id
        if target_id is None or target_id not in edition.targets:
            return
        if any(p.target.id == target_id for p in result[block]):
            return
        result[block].append(Parallel(edition.targets[target_id], reason, at))

    for key, items in told.items():
        # In each other source, the passage that dates the event (or, failing one, the first that tells it).
        principal = {}
        for telling in items:
            source = telling.block.chapter.source
            if source not in principal or (principal[source].date is None and telling.date is not None):
                principal[source] = telling
        for telling in items:
            for source, other in principal.items():
                if source is not telling.block.chapter.source:
                    add(telling.block, other.block, telling.event.name, telling.element)
    for link in edition.links:  # standoff links: every end points to every other end
        ends = [edition.targets.get(v.lstrip("#")) for v in link.value.split()]
        ends = [t for t in ends if t is not None and t.block is not None]
        for end in ends:
            for other in ends:
                if other.block.chapter.source is not end.block.chapter.source:
                    add(end.block, other.block, link.element.get("type") or "parallel", end.element)
    for pointer in edition.pointers:
        if pointer.attribute != "target" or local(pointer.element) not in ("ref", "ptr"):
            continue
        target = edition.targets.get(pointer.value.lstrip("#"))
        here = edition.block_of(pointer.element)
        if target is None or target.block is None or here is None:
            continue
        if target.block.chapter.source is here.chapter.source:
            continue
        add(target.block, here, "cross-reference", target.element)  # the target refers back
    order = {source.siglum: k for k, source in enumerate(edition.sources)}
    for found in result.values():  # by source, in the book's order, then by chapter and paragraph
        found.sort(key=lambda p: (order.get(p.target.block.chapter.source.siglum, len(order)),
                                  _numbers(p.target.block.number)))
    return result


def _numbers(number: str) -> tuple:
    """'7.12' -> (7, 12); a part that is not a figure sorts after the figures, by its text."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in number.split("."))


def collect(edition: Edition) -> None:
    """Fill edition.tellings and edition.parallels (a collector stage, run once after reading)."""
    edition.tellings = tellings(edition)
    edition.parallels = parallels(edition, edition.tellings)



def reconciliation(edition: Edition) -> str:
    """The report `build.py check` prints: each event with every source's dating side by side."""
    from ..render.backmatter import (  # the same date forms as the chronology
        date_range,
        events_in_order,
    )

    noted = discrepancy_notes(edition)
    off = {id(date) for _, date in disagreements(edition, edition.tellings)}
    lines = []
    for event in events_in_order(edition):
        julian = f"{date_range(event.julian, event.until_julian)} (OS) = " if event.julian else ""
        lines.append(f"{event.name}: {julian}{date_range(event.when, event.until)}")
        for telling in edition.tellings[event.id]:
            if not telling.dates:
                lines.append(f"    {telling.block.label:<10} tells it, undated")
            for date in telling.dates:
                verdict = "agrees"
                if id(date) in off:
                    verdict = "differs; editorial note" if is_noted(noted, telling) else "DIFFERS, no editorial note"
                value = date.when.iso() if date.when else "?"
                julian_value = f" (OS {date.julian.iso()})" if date.julian else ""
                lines.append(f"    {telling.block.label:<10} “{date.text}” = {value}{julian_value}: {verdict}")
    return "\n".join(lines)

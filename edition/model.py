"""The edition as Python objects, built once by the reader and handed to the checks and writers.

Nothing here parses or renders: these are plain records.  TEI content stays as lxml elements
(`Block.element`, `Note.element`), which `edition.html` maps to HTML for every output; the model
adds what the TEI leaves implicit: paragraph numbers, note marks, the chapter each id lives in.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from lxml import etree

from .calendars import PartialDate
from .diagnostics import Location
from .settings import Settings
from .tei import TeiFile

NOTE_SERIES = ("source", "editorial")


@dataclasses.dataclass(eq=False)
class Block:
    """A numbered paragraph-level block: p, block quote, verse group, list, speech, embedded text."""

    element: etree._Element
    number: str  # "7.12": chapter and paragraph
    chapter: "Division"

    @property
    def label(self) -> str:
        """The citation form printed in the margin of both outputs: 'T1 7.12'."""
        return f"{self.chapter.source.siglum} {self.number}"


@dataclasses.dataclass(eq=False)
class Division:
    """A chapter (top level) or a section within it."""

    element: etree._Element
    source: "Source"
    n: str
    title: str  # plain text of the head, for contents and bookmarks
    short_title: str  # the head without its label ('Chapter VII:'), for running heads
    head: etree._Element | None
    level: int  # 1 for a chapter, 2 for a section, ...
    parent: "Division | None" = None
    content: list["Block | Division | etree._Element"] = dataclasses.field(default_factory=list)
    part: "Division | None" = None  # the part (div type="part") a chapter belongs to, if any

    @property
    def opens_part(self) -> bool:
        """True for the first chapter of a part: the part's head and epigraph come before it."""
        return self.part is not None and self.part.chapters_in_part[0] is self

    @property
    def chapters_in_part(self) -> list["Division"]:
        return [item for item in self.content if isinstance(item, Division)]

    @property
    def chapter(self) -> "Division":
        return self.parent.chapter if self.parent else self

    @property
    def id(self) -> str:
        return self.element.get("{http://www.w3.org/XML/1998/namespace}id") or ""

    def blocks(self):
        for item in self.content:
            if isinstance(item, Block):
                yield item
            elif isinstance(item, Division):
                yield from item.blocks()


@dataclasses.dataclass(eq=False)
class Note:
    element: etree._Element
    id: str
    series: str  # one of NOTE_SERIES
    mark: str  # "1" for source notes (as in the source), "a" for editorial notes
    chapter: Division


@dataclasses.dataclass(eq=False)
class DateMention:
    element: etree._Element
    location: Location
    text: str
    when: PartialDate | None
    julian: PartialDate | None  # the @when-custom value when the words reckon Old Style
    calendar: str  # "julian" or "gregorian": the calendar of the words
    inferred: bool


@dataclasses.dataclass(eq=False)
class Pointer:
    """A reference from one place to an id: @target, @ref, @corresp, @resp, @calendar ..."""

    element: etree._Element
    attribute: str
    value: str
    location: Location
    file: TeiFile


@dataclasses.dataclass(eq=False)
class Source:
    siglum: str
    file: TeiFile
    title: str
    author: str
    print_bibl: str  # the print source, as a sentence
    transcription: str  # the transcription the copy-text was taken from
    front: etree._Element | None
    language: str
    copytext: Path | None = None
    chapters: list[Division] = dataclasses.field(default_factory=list)
    local_ids: dict[str, etree._Element] = dataclasses.field(default_factory=dict)  # header ids

    def blocks(self):
        for chapter in self.chapters:
            yield from chapter.blocks()


@dataclasses.dataclass(eq=False)
class Target:
    """Where an id of the text lives: which source and chapter, and the block that holds it."""

    id: str
    element: etree._Element
    source: Source
    chapter: Division
    block: Block | None


@dataclasses.dataclass(eq=False)
class Edition:
    settings: Settings
    sources: list[Source]
    targets: dict[str, Target]
    blocks: dict[etree._Element, Block]
    notes: dict[etree._Element, Note]
    dates: list[DateMention]
    pointers: list[Pointer]

    def chapter_notes(self, chapter: Division) -> list[Note]:
        return [note for note in self.notes.values() if note.chapter is chapter]

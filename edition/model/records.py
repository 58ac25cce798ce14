"""The edition as Python objects, built once by the reader and handed to the checks and writers.

Nothing here parses or renders: these are plain records.  TEI content stays as lxml elements
(`Block.element`, `Note.element`), which `render/html.py` maps to HTML for every output; the model
adds what the TEI leaves implicit: paragraph numbers, note marks, the chapter each id lives in.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from lxml import etree

from ..diagnostics import Location
from ..read.settings import Settings
from ..read.tei import XML_ID, TeiFile
from .calendars import PartialDate


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

    @property
    def id(self) -> str | None:
        return self.element.get(XML_ID)


@dataclasses.dataclass(eq=False)
class Division:
    """A chapter (top level, a division of the source's body or back) or a section within it."""

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
    back: bool = False  # a division of the source's <back> (an appendix, an afterword), after its chapters

    @property
    def opens_part(self) -> bool:
        """True for the first chapter of a part: the part's head and epigraph come before it."""
        return self.part is not None and self.part.chapters_in_part[0] is self

    @property
    def chapters_in_part(self) -> list["Division"]:
        return [item for item in self.content if isinstance(item, Division)]

    @property
    def sections(self) -> list["Division"]:
        """The sections that the contents and the EPUB's navigation list: those with an id and a title."""
        return [item for item in self.content if isinstance(item, Division) and item.id and item.title]

    @property
    def chapter(self) -> "Division":
        return self.parent.chapter if self.parent else self

    @property
    def id(self) -> str:
        return self.element.get(XML_ID) or ""

    def blocks(self):
        for item in self.content:
            if isinstance(item, Block):
                yield item
            elif isinstance(item, Division):
                yield from item.blocks()


@dataclasses.dataclass(eq=False)
class Note:
    """A note of the text, or an entry of the apparatus (series "apparatus", element a `choice`)."""

    element: etree._Element
    id: str
    series: str  # "source", "editorial" or "apparatus"
    mark: str  # "1" for source notes (as in the source), "a" for editorial notes, "8.1" for the apparatus
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
    lenient: bool = False  # in a lenient source: checked only where it gives values in a calendar we know


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
    title_element: etree._Element | None  # the titleStmt's title, with its markup and @level or @type
    print_bibl: etree._Element | None  # the print source: <bibl type="print">
    transcription: etree._Element | None  # the transcription the copy-text was taken from
    front: etree._Element | None
    language: str
    copytext: Path | None = None
    chapters: list[Division] = dataclasses.field(default_factory=list)  # the body's, then the back's
    local_ids: dict[str, etree._Element] = dataclasses.field(default_factory=dict)  # header ids (lenient: every id)
    witnesses: list[etree._Element] = dataclasses.field(default_factory=list)  # the header's listWit, for the sigla
    lenient: bool = False  # a file made elsewhere (any TEI P5): rendered as far as the pipeline knows it, checked less

    @property
    def caption(self) -> str:
        """The part's name in plain text, for bookmarks and the EPUB's navigation: 'T1 Leon Trotsky, The Year 1917'."""
        return f"{self.siglum} {self.credit}"

    @property
    def credit(self) -> str:
        """'Leon Trotsky, The Year 1917'; the title alone where the file names no author."""
        return f"{self.author}, {self.title}" if self.author else self.title

    @property
    def name(self) -> str:
        """What names the source in running heads and lists: its author, or its title where the
        file names no author."""
        return self.author or self.title

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
class Entity:
    """A person, place or event of the registers (persons.xml, places.xml, events.xml)."""

    kind: str  # "person", "place" or "event"
    id: str
    name: str  # the index heading ("Stalin, Joseph") or the event's label
    note: str  # a short identification
    element: etree._Element
    file: TeiFile
    variants: list[tuple[str, bool]] = dataclasses.field(default_factory=list)  # (form, is the default)
    life: str = ""  # "1878–1953"
    when: PartialDate | None = None  # events: Gregorian date (or first day)
    julian: PartialDate | None = None  # events before 14 February 1918: the Julian date
    until: PartialDate | None = None  # events that span days: the last day (Gregorian)
    until_julian: PartialDate | None = None


@dataclasses.dataclass(eq=False)
class Mention:
    """A name in the text linked to a register entry, explicitly or by the register's variants."""

    id: str  # the anchor in both outputs: "m123"
    entity: Entity
    element: etree._Element  # the name element (explicit, or inserted by names.link_mentions)
    block: Block | None
    automatic: bool


@dataclasses.dataclass(eq=False)
class Edition:
    settings: Settings
    sources: list[Source]
    targets: dict[str, Target]
    blocks: dict[etree._Element, Block]
    notes: dict[etree._Element, Note]
    apparatus: dict[etree._Element, Note]  # choice -> its entry, keyed by paragraph number like print
    dates: list[DateMention]
    pointers: list[Pointer]
    entities: dict[str, Entity] = dataclasses.field(default_factory=dict)
    mentions: list[Mention] = dataclasses.field(default_factory=list)
    registers: list[TeiFile] = dataclasses.field(default_factory=list)
    links: list[Pointer] = dataclasses.field(default_factory=list)  # standoff <link target="#a #b">
    introduction: TeiFile | None = None  # the editors' introduction
    unread: set[str] = dataclasses.field(default_factory=set)  # sigla of files left out (read.reader.read_edition)
    tellings: dict = dataclasses.field(default_factory=dict)  # event id -> [events.Telling], by events.collect
    parallels: dict = dataclasses.field(default_factory=dict)  # Block -> [events.Parallel], by events.collect
    attached: dict = dataclasses.field(default_factory=dict)  # element -> [note elements kept elsewhere, called after it]
    attaches: dict = dataclasses.field(default_factory=dict)  # note element kept elsewhere -> the element it is called at
    images: dict = dataclasses.field(default_factory=dict)  # graphic element -> its image file in the edition directory
    _mention_index: dict = dataclasses.field(default_factory=dict, repr=False)

    def mention(self, element: etree._Element) -> Mention | None:
        """The mention an rs/persName/placeName element makes, if it names a register entry."""
        if len(self._mention_index) != len(self.mentions):
            self._mention_index = {m.element: m for m in self.mentions}
        return self._mention_index.get(element)

    def block_of(self, element: etree._Element) -> Block | None:
        """The numbered block an element of the text belongs to (itself or its nearest ancestor)."""
        for candidate in (element, *element.iterancestors()):
            if candidate in self.blocks:
                return self.blocks[candidate]
        return None

    def chapter_notes(self, chapter: Division) -> list[Note]:
        return [note for note in self.notes.values() if note.chapter is chapter]

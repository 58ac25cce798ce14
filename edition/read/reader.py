"""From the edition directory to the model: settings, TEI files, numbers, notes, dates, pointers.

In: the edition directory.  Out: an `Edition` (model/records.py), or `SourceErrors` carrying
every problem found while reading.  Only structural facts are derived here; judgements about the
content (do the pointers resolve, do the dates agree) are the checks' business (check/sources.py).
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from ..diagnostics import Report
from ..model import elements
from ..model.calendars import PartialDate
from ..model.elements import MILESTONES, NUMBERED
from ..model.records import (
    Block,
    DateMention,
    Division,
    Edition,
    Entity,
    Note,
    Pointer,
    Source,
    Target,
)
from . import settings as settings_mod
from . import tei
from .tei import XML_ID, XML_LANG, TeiFile, local

POINTER_ATTRIBUTES = ("target", "ref", "corresp", "resp", "calendar", "datingMethod", "ed",
                      "edRef", "who", "source", "ana")
UNREAD_ANY = "*"  # in Edition.unread: some ids of the edition are unknown


def read_edition(root: Path, report: Report) -> Edition:
    """Read everything; raise SourceErrors only if edition.yaml cannot be read at all.

    A file that cannot be used (not well-formed, not valid) is reported and left out, and its
    siglum noted in `edition.unread` (UNREAD_ANY when a register, the introduction or an entry of
    edition.yaml is unusable), so that the checks of the other files report theirs in the same run
    without blaming them for what the unread files would have held.
    """
    settings = settings_mod.load(root, report)
    if settings is None:
        report.raise_if_errors()
    files = [(entry, tei.read(entry.file, report)) for entry in settings.sources]
    registers = [tei.read(path, report) for path in settings.registers]
    introduction = tei.read(settings.introduction, report) if settings.introduction else None

    edition = Edition(settings=settings, sources=[], targets={}, blocks={}, notes={}, apparatus={}, dates=[], pointers=[])
    edition.unread = {entry.siglum for entry, file in files if file is None}
    if settings.incomplete or None in registers or (settings.introduction and introduction is None):
        edition.unread.add(UNREAD_ANY)  # any id may be in what could not be read
    for entry, file in files:
        if file is None:
            continue
        source = _read_source(entry.siglum, file, settings.language, edition, report)
        source.copytext = entry.copytext
        edition.sources.append(source)
        root_id = file.root.get(XML_ID)
        if root_id != entry.siglum:
            report.add(file.locate(file.root, XML_ID), "siglum-mismatch",
                         f"the TEI root's xml:id must be the siglum {entry.siglum} given in edition.yaml"
                         + (f", not {root_id}" if root_id else ""))
    for file in registers:
        if file is not None:
            _read_register(file, edition, report)
    edition.introduction = introduction
    return edition


REGISTER_KINDS = {"person": "persName", "place": "placeName", "event": "label"}


def _read_register(file: TeiFile, edition: Edition, report: Report) -> None:
    """Persons, places and events; their ids join the targets that pointers may name."""
    edition.registers.append(file)
    for element in file.root.iter(*(tei.tei(kind) for kind in REGISTER_KINDS)):
        kind = local(element)
        entity_id = element.get(XML_ID)
        if not entity_id:
            report.add(file.locate(element), "id-missing", f"every {kind} of a register needs an xml:id")
            continue
        names = element.findall(tei.tei(REGISTER_KINDS[kind]))
        main = next((n for n in names if n.get("type") == "main"), names[0] if names else None)
        if main is None:
            report.add(file.locate(element), "register-name", f"{kind} {entity_id} has no {REGISTER_KINDS[kind]}")
            continue
        entity = Entity(kind=kind, id=entity_id, name=plain_text(main), element=element, file=file,
                        note=plain_text(_first(element, "tei:note") if kind != "event" else _first(element, "tei:desc")))
        entity.variants = [(plain_text(n), n.get("subtype") == "default") for n in names if n.get("type") == "variant"]
        if kind == "person":
            years = [(life.get("when") or "")[:4] if life is not None else ""
                     for life in (_first(element, "tei:birth"), _first(element, "tei:death"))]
            entity.life = "–".join(years) if any(years) else ""
        if kind == "event":
            try:
                entity.when = _event_date(element, "when") or _event_date(element, "from")
                entity.julian = _event_date(element, "when-custom") or _event_date(element, "from-custom")
                entity.until = _event_date(element, "to")
                entity.until_julian = _event_date(element, "to-custom")
            except ValueError as exc:
                report.add(file.locate(element), "date-syntax", str(exc))
            if entity.when is None:
                report.add(file.locate(element), "event-date", f"event {entity_id} needs @when or @from")
        if entity_id in edition.entities or entity_id in edition.targets:
            report.add(file.locate(element, XML_ID), "duplicate-id", f"xml:id '{entity_id}' is already used")
            continue
        edition.entities[entity_id] = entity
    for element in file.root.iter():
        if isinstance(element.tag, str):
            _collect_pointers(element, file, edition)
    for link in file.root.iter(tei.tei("link")):
        edition.links.append(Pointer(link, "target", link.get("target") or "", file.locate(link, "target"), file))


def _event_date(element, attribute: str) -> PartialDate | None:
    value = element.get(attribute)
    return PartialDate.parse(value) if value else None


def plain_text(element: etree._Element | None, skip: frozenset[str] = frozenset()) -> str:
    """The reading text of an element, for titles and headings: notes, sic and debris left out."""
    if element is None:
        return ""
    parts: list[str] = []

    def walk(node):
        if node is not element and (not elements.reading(node) or local(node) in skip or local(node) == "note"):
            if node.tail:
                parts.append(node.tail)
            return
        if node.text and isinstance(node.tag, str):
            parts.append(node.text)
        for child in node:
            walk(child)
        if node is not element and node.tail:
            parts.append(node.tail)

    walk(element)
    return " ".join("".join(parts).split())


def _first(element: etree._Element, path: str) -> etree._Element | None:
    found = element.xpath(path, namespaces=tei.NS)
    return found[0] if found else None


def _read_source(siglum: str, file: TeiFile, language: str, edition: Edition, report: Report) -> Source:
    root = file.root
    header = _first(root, "tei:teiHeader")
    title = _first(header, "tei:fileDesc/tei:titleStmt/tei:title")
    source = Source(
        siglum=siglum,
        file=file,
        title=plain_text(title),
        author=plain_text(_first(header, "tei:fileDesc/tei:titleStmt/tei:author")),
        title_element=title,
        print_bibl=_first(header, "tei:fileDesc/tei:sourceDesc/tei:bibl[@type='print']"),
        transcription=_first(header, "tei:fileDesc/tei:sourceDesc/tei:bibl[@type='transcription']"),
        front=_first(root, "tei:text/tei:front"),
        language=root.get(XML_LANG) or language,
    )
    for element in header.iter():
        if isinstance(element.tag, str) and element.get(XML_ID):
            source.local_ids[element.get(XML_ID)] = element

    body = _first(root, "tei:text/tei:body")
    if body is None:  # a valid TEI file, but no text: a register, say
        report.add(file.locate(root), "no-chapter",
                   "a source needs <text> with a <body> holding at least one div (a chapter)")
        return source
    top_divs = [child for child in body if local(child) == "div"]
    for child in body:
        if isinstance(child.tag, str) and local(child) not in {"div", *MILESTONES}:
            report.add(file.locate(child), "outside-chapter",
                       f"<{local(child)}> stands in the body outside any chapter: no output would print it")
    if not top_divs:
        report.add(file.locate(body), "no-chapter", "the body must hold at least one div (a chapter)")
        return source
    for div in top_divs:
        if div.get("type") == "part":
            part = _read_part(div, source)
            for child in (c for c in div if local(c) == "div"):
                chapter = _read_division(child, source, None, str(len(source.chapters) + 1), itertools.count(1), report)
                chapter.part = part
                part.content.append(chapter)
                source.chapters.append(chapter)
        else:
            source.chapters.append(
                _read_division(div, source, None, str(len(source.chapters) + 1), itertools.count(1), report))
    back = _first(root, "tei:text/tei:back")
    for div in back.iterchildren(tei.tei("div")) if back is not None else ():
        source.chapters.append(
            _read_division(div, source, None, str(len(source.chapters) + 1), itertools.count(1), report))
        source.chapters[-1].back = True

    text = _first(root, "tei:text")
    for element in text.iter():
        if not isinstance(element.tag, str):
            continue
        _collect_pointers(element, file, edition)
        if local(element) == "date":
            edition.dates.append(_read_date(element, file, report))
    _index(source, edition, report)
    return source


def _read_part(div, source: Source) -> Division:
    """A part grouping chapters: its head and unnumbered matter (an epigraph) before them."""
    head = _first(div, "tei:head")
    part = Division(element=div, source=source, n=div.get("n") or "", title=plain_text(head),
                    short_title=plain_text(head, frozenset({"label"})), head=head, level=1)
    part.content = [child for child in div if local(child) not in ("div", "head", "")]
    return part


def _read_division(div, source: Source, parent: Division | None, fallback_n: str,
                   counter: Iterator[int], report: Report) -> Division:
    """A division and its blocks; `counter` numbers the paragraphs of the whole chapter."""
    head = _first(div, "tei:head")
    division = Division(element=div, source=source, n=div.get("n") or fallback_n,
                        title=plain_text(head), short_title=plain_text(head, frozenset({"label"})), head=head,
                        level=(parent.level + 1) if parent else 1, parent=parent)
    chapter = division.chapter
    for child in div:
        name = local(child)
        if name == "div":
            division.content.append(_read_division(child, source, division, "", counter, report))
        elif name in NUMBERED:
            number = child.get("n") or f"{chapter.n}.{next(counter)}"
            division.content.append(Block(element=child, number=number, chapter=chapter))
        elif name and name != "head":
            division.content.append(child)
    return division


def _collect_pointers(element, file: TeiFile, edition: Edition) -> None:
    for attribute in POINTER_ATTRIBUTES:
        value = element.get(attribute)
        if value is None:
            continue
        for token in value.split():
            edition.pointers.append(Pointer(element, attribute, token, file.locate(element, attribute), file))


def _read_date(element, file: TeiFile, report: Report) -> DateMention:
    location = file.locate(element)

    def value(attribute: str) -> PartialDate | None:
        raw = element.get(attribute)
        if raw is None:
            return None
        try:
            return PartialDate.parse(raw)
        except ValueError as exc:
            report.add(file.locate(element, attribute), "date-syntax", f"@{attribute}: {exc}")
            return None

    calendar = (element.get("calendar") or "#gregorian").lstrip("#")
    return DateMention(element=element, location=location, text=plain_text(element),
                       when=value("when"), julian=value("when-custom"),
                       calendar="julian" if calendar == "julian" else "gregorian",
                       inferred=element.get("evidence") == "inferred")


def _letters(k: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa: the marks of editorial notes."""
    mark = ""
    while k:
        k, rem = divmod(k - 1, 26)
        mark = string.ascii_lowercase[rem] + mark
    return mark


def _index(source: Source, edition: Edition, report: Report) -> None:
    """Number the notes and record, for every id in the text, where it lives."""
    file = source.file
    for chapter in source.chapters:
        blocks = {block.element: block for block in chapter.blocks()}
        edition.blocks.update(blocks)
        counts = {"source": 0, "editorial": 0}
        entries: dict[Block, int] = {}  # emendations so far in each paragraph
        for element in chapter.element.iter():
            if not isinstance(element.tag, str):
                continue
            block = edition.block_of(element)
            if local(element) == "note":
                series = elements.note_series(element)
                counts[series] += 1
                mark = (element.get("n") or str(counts[series])) if series == "source" else _letters(counts[series])
                note_id = element.get(XML_ID) or f"{chapter.id or source.siglum}.{series[0]}{mark}"
                edition.notes[element] = Note(element, note_id, series, mark, chapter)
            elif local(element) == "choice" and block is not None:
                entries[block] = entries.get(block, 0) + 1
                entry_id = element.get(XML_ID) or f"{block.id or chapter.id}.app{entries[block]}"
                edition.apparatus[element] = Note(element, entry_id, "apparatus", block.number, chapter)
            element_id = element.get(XML_ID)
            if element_id:
                if element_id in edition.targets:
                    other = edition.targets[element_id]
                    report.add(file.locate(element, XML_ID), "duplicate-id",
                                 f"xml:id '{element_id}' is already used at {other.source.file.locate(other.element, XML_ID)}")
                    continue
                edition.targets[element_id] = Target(element_id, element, source, chapter, block)
    root_id = file.root.get(XML_ID)
    if root_id and root_id not in edition.targets and source.chapters:
        edition.targets[root_id] = Target(root_id, file.root, source, source.chapters[0], None)

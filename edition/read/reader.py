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
from . import lenient
from . import settings as settings_mod
from . import tei
from .tei import XML_ID, XML_LANG, TeiFile, local

POINTER_ATTRIBUTES = ("target", "ref", "corresp", "resp", "calendar", "datingMethod", "ed",
                      "edRef", "who", "source", "ana")
UNREAD_ANY = "*"  # in Edition.unread: some ids of the edition are unknown
HEADING_KEY = "tit."  # what the apparatus entries of a heading are keyed to


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
    files = [(entry, tei.read(entry.file, report, lenient=entry.mode == "lenient", within=root))
             for entry in settings.sources]
    registers = [tei.read(path, report) for path in settings.registers]
    introduction = tei.read(settings.introduction, report) if settings.introduction else None

    edition = Edition(settings=settings, sources=[], targets={}, blocks={}, notes={}, apparatus={}, dates=[], pointers=[])
    edition.unread = {entry.siglum for entry, file in files if file is None}
    if settings.incomplete or None in registers or (settings.introduction and introduction is None):
        edition.unread.add(UNREAD_ANY)  # any id may be in what could not be read
    for entry, file in files:
        if file is None:
            continue
        if entry.mode == "lenient":
            lenient.normalise(file, report)
        source = _read_source(entry.siglum, file, settings.language, edition, report, entry.mode == "lenient")
        source.copytext = entry.copytext
        edition.sources.append(source)
        root_id = file.root.get(XML_ID)
        if root_id != entry.siglum and not source.lenient:
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


def _read_source(siglum: str, file: TeiFile, language: str, edition: Edition, report: Report,
                 lenient: bool = False) -> Source:
    root = file.root
    header = _first(root, "tei:teiHeader")
    if header is None:  # a lenient file may lack one
        header = etree.Element(tei.tei("teiHeader"))
    title = next((found for path in (tei.TITLE_PATHS if lenient else tei.TITLE_PATHS[-1:])
                  if (found := _first(header, path)) is not None), None)
    text = _first(root, "tei:text")
    source = Source(
        siglum=siglum,
        file=file,
        title=plain_text(title),
        author=plain_text(_first(header, "tei:fileDesc/tei:titleStmt/tei:author")),
        title_element=title,
        print_bibl=_first(header, "tei:fileDesc/tei:sourceDesc/tei:bibl[@type='print']" if not lenient
                          else "tei:fileDesc/tei:sourceDesc/tei:bibl[1]"),
        transcription=_first(header, "tei:fileDesc/tei:sourceDesc/tei:bibl[@type='transcription']"),
        front=_first(root, "tei:text/tei:front"),
        language=(text.get(XML_LANG) if lenient and text is not None else None) or root.get(XML_LANG) or language,
        lenient=lenient,
        witnesses=list(header.iter(tei.tei("witness"))),
    )
    for element in (root if lenient else header).iter():  # a lenient file may point to any of its ids
        if isinstance(element.tag, str) and element.get(XML_ID):
            source.local_ids.setdefault(element.get(XML_ID), element)

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
    if lenient:
        _attach_notes(source, edition)
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
        if lenient and not _prints(div, edition):
            continue  # notes kept apart from the text (called where they point), a list of persons
        source.chapters.append(
            _read_division(div, source, None, str(len(source.chapters) + 1), itertools.count(1), report))
        source.chapters[-1].back = True

    for element in text.iter():
        if not isinstance(element.tag, str):
            continue
        _collect_pointers(element, file, edition)
        if local(element) == "date" and not (lenient and _unknown_calendar(element)):
            edition.dates.append(_read_date(element, file, report))
            edition.dates[-1].lenient = lenient
        elif local(element) == "graphic" and not any(
                (found := elements.trait(a)) is not None and found.kind == "header" for a in element.iterancestors()):
            _image(element, source, edition, report)
    if lenient:
        _listed_entities(source, edition)
        _give_ids(source)
        _give_titles(source)
    _index(source, edition, report)
    return source


def _give_titles(source: Source) -> None:
    """A lenient file's chapters without a head are named, for the contents and the running
    heads: by the source's title when it is the only one, else by their opening words."""
    for chapter in source.chapters:
        if chapter.title:
            continue
        if len(source.chapters) == 1:
            chapter.title = chapter.short_title = source.title
            continue
        words = next((plain_text(b.element).split() for b in chapter.blocks() if plain_text(b.element)), [])
        chapter.title = chapter.short_title = " ".join(words[:6]) + ("…" if len(words) > 6 else "") or chapter.n


def _give_ids(source: Source) -> None:
    """A lenient file's divisions and numbered blocks without an xml:id get one in memory
    ('A.3', 'A.3.12'), which both outputs use as the anchor of contents entries, notes and links."""
    taken = set(source.local_ids)

    def give(element, wanted: str) -> None:
        if element.get(XML_ID):
            return
        while wanted in taken:
            wanted += "_"
        taken.add(wanted)
        element.set(XML_ID, wanted)

    def division(item: Division, key: str) -> None:
        give(item.element, key)
        sections = 0
        for child in item.content:
            if isinstance(child, Division):
                sections += 1
                division(child, f"{item.id}.div{sections}")
            elif isinstance(child, Block):
                give(child.element, f"{source.siglum}.{child.number}")

    for chapter in source.chapters:
        division(chapter, f"{source.siglum}.{chapter.n}")


def _attach_notes(source: Source, edition: Edition) -> None:
    """Notes kept apart from the text (in the back, a list of notes, a division of their own) that
    point to where they belong (@target or @corresp naming another element of the file, with or
    without '#', as real files write it) are called there: after that element (an anchor, a word,
    a passage).  A note in the running text stays where it stands even when it points back to an
    anchor: the anchor and the note then bound the passage it comments on."""
    body = _first(source.file.root, "tei:text/tei:body")
    for note in source.file.root.iter(tei.tei("note")):
        parent = note.getparent()
        in_text = body in set(note.iterancestors()) and not elements.is_division(parent) and local(parent) != "noteGrp"
        if in_text:
            continue
        tokens = (note.get("target") or note.get("corresp") or "").split()
        place = source.local_ids.get(tokens[-1].lstrip("#")) if tokens else None  # a lenient file's every id
        if place is None or place is note or place in set(note.iterancestors()) or note in set(place.iterancestors()):
            continue
        edition.attaches[note] = place
        edition.attached.setdefault(place, []).append(note)


def _prints(division: etree._Element, edition: Edition) -> bool:
    """Whether a division of the back prints anything but notes called elsewhere and lists."""
    for child in division:
        if not isinstance(child.tag, str) or local(child) in ("head", *MILESTONES) or child in edition.attaches:
            continue
        if local(child) in elements.LISTS or local(child) == "noteGrp" and all(
                c in edition.attaches or not isinstance(c.tag, str) or local(c) != "note" for c in child):
            continue
        return True
    return False


KNOWN_CALENDARS = {"", "gregorian", "julian"}


def _unknown_calendar(date: etree._Element) -> bool:
    """A lenient file's date in a calendar the pipeline cannot check (@calendar or @datingMethod
    naming another, or values in @when-custom alone): shown as the file gives it."""
    calendar = (date.get("calendar") or "").lstrip("#").lower()
    method = (date.get("datingMethod") or "").lstrip("#").lower()
    return calendar not in KNOWN_CALENDARS or method not in KNOWN_CALENDARS or (
        date.get("when") is None and date.get("when-custom") is not None)


IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".gif", ".svg"}


def _image(graphic: etree._Element, source: Source, edition: Edition, report: Report) -> None:
    """A graphic's image, where it is a file of the edition directory; a warning otherwise."""
    url = graphic.get("url") or ""
    path = settings_mod.inside(edition.settings.root, url) if url and "://" not in url else None
    if path is not None and path.is_file() and path.suffix.lower() in IMAGE_TYPES:
        edition.images[graphic] = path
        return
    why = ("is never fetched" if "://" in url else "is outside the edition directory" if url and path is None
           else "is not a JPEG, PNG, GIF or SVG file of the edition directory")
    report.add(source.file.locate(graphic, "url"), "graphic-unavailable",
               f"the image {url or '(no @url)'} {why}: its description is printed instead")


def _listed_entities(source: Source, edition: Edition) -> None:
    """Persons and places a lenient file lists (in its back or header) join the registers, so
    that the names pointing to them are indexed."""
    for element in source.file.root.iter(tei.tei("person"), tei.tei("place")):
        key = element.get(XML_ID)
        name = _first(element, "tei:persName|tei:placeName")
        if not key or name is None or key in edition.entities:
            continue
        entity = Entity(kind=local(element), id=key, name=_index_form(name), element=element, file=source.file, note="")
        if local(element) == "person":
            years = [_year(_first(element, f"tei:{event}")) for event in ("birth", "death")]
            entity.life = "–".join(years) if any(years) else ""
        edition.entities[key] = entity


def _index_form(name: etree._Element) -> str:
    """'Schnitzler, Arthur' from a persName of surname and forename; else the name's text."""
    surname, forename = _first(name, "tei:surname"), _first(name, "tei:forename")
    if surname is not None and forename is not None:
        return f"{plain_text(surname)}, {plain_text(forename)}"
    return plain_text(name)


def _year(event: etree._Element | None) -> str:
    if event is None:
        return ""
    for element in (event, *event.iter(tei.tei("date"))):
        for attribute in ("when", "when-iso", "notBefore", "from"):
            value = element.get(attribute) or ""
            if value[:4].isdigit():
                return value[:4]
    return ""


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
    given = div.get("n") if not source.lenient else None  # elsewhere @n may be anything ("urn:cts:…")
    division = Division(element=div, source=source, n=given or fallback_n,
                        title=plain_text(head), short_title=plain_text(head, frozenset({"label"})), head=head,
                        level=(parent.level + 1) if parent else 1, parent=parent)
    chapter = division.chapter
    for child in div:
        name = local(child)
        if name == "div":
            division.content.append(_read_division(child, source, division, "", counter, report))
        elif name in NUMBERED:
            number = (child.get("n") if not source.lenient else None) or f"{chapter.n}.{next(counter)}"
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


def _entry_id(element: etree._Element) -> str | None:
    """An apparatus entry's id from its element's own (which the reading text keeps): 'x-entry'."""
    return f"{element.get(XML_ID)}-entry" if element.get(XML_ID) else None


def _letters(k: int) -> str:
    """1 -> a, 26 -> z, 27 -> aa."""
    mark = ""
    while k:
        k, rem = divmod(k - 1, 26)
        mark = string.ascii_lowercase[rem] + mark
    return mark


def _roman(k: int) -> str:
    """1 -> i, 4 -> iv, 14 -> xiv."""
    mark = ""
    for value, figures in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        count, k = divmod(k, value)
        mark += figures * count
    return mark


SYMBOLS = "*\u2020\u2021\u00a7\u2016\u00b6"  # * † ‡ § ‖ ¶, then doubled, as printers number notes


def note_mark(style: str, k: int) -> str:
    """The mark of a series' `k`th note in a marking style of settings.MARK_STYLES."""
    if style == "letters":
        return _letters(k)
    if style == "roman":
        return _roman(k)
    if style == "symbols":
        return SYMBOLS[(k - 1) % len(SYMBOLS)] * ((k - 1) // len(SYMBOLS) + 1)
    return str(k)


def _index(source: Source, edition: Edition, report: Report) -> None:
    """Number the notes and record, for every id in the text, where it lives."""
    file = source.file
    for chapter in source.chapters:
        blocks = {block.element: block for block in chapter.blocks()}
        edition.blocks.update(blocks)
        counts = {"source": 0, "editorial": 0}
        entries: dict[Block, int] = {}  # emendations so far in each paragraph
        heads = 0  # entries so far in the headings

        def number_note(element) -> None:
            series = elements.note_series(element)
            counts[series] += 1
            own = element.get("n") if series == "source" else None  # the source's own mark
            mark = own or note_mark(edition.settings.printing.marks[series], counts[series])
            key = own or (str(counts[series]) if series == "source" else _letters(counts[series]))  # whatever the marks
            note_id = element.get(XML_ID) or f"{chapter.id or source.siglum}.{series[0]}{key}"
            edition.notes[element] = Note(element, note_id, series, mark, chapter)

        for element in chapter.element.iter():
            if not isinstance(element.tag, str):
                continue
            block = edition.block_of(element)
            for note in edition.attached.get(element, ()):  # numbered where they are called
                number_note(note)
            if local(element) == "note":
                if element not in edition.attaches:
                    number_note(element)
            elif local(element) in ("choice", "app") and block is not None:
                entries[block] = entries.get(block, 0) + 1
                entry_id = _entry_id(element) or f"{block.id or chapter.id}.app{entries[block]}"
                edition.apparatus[element] = Note(element, entry_id, "apparatus", block.number, chapter)
            elif local(element) in ("choice", "app") and any(local(a) == "head" for a in element.iterancestors()):
                heads += 1  # a variant of a heading: keyed to the title ('tit.'), as editions of texts do
                entry_id = _entry_id(element) or f"{chapter.id or source.siglum}.tit{heads}"
                edition.apparatus[element] = Note(element, entry_id, "apparatus", HEADING_KEY, chapter)
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

"""The EPUB 3: one XHTML file per chapter, notes at the end of each file with links both ways.

In: the `Edition`.  Out: `<slug>.epub`.  Elements are rendered by edition.html (the same mapping
as print); this module only decides the files, resolves links to them, and packages: OCF with
`mimetype` first and stored, entries in a fixed order with fixed timestamps, so that the same
sources give the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
import uuid
import zipfile
from pathlib import Path

from lxml import etree
from markupsafe import Markup, escape

from .. import backmatter, cover, templating
from ..html import OPS_TYPE, Options, Renderer
from ..model import Division, Edition, Note, Source
from . import replace_atomically
from .pdf import NOT_IN_FLOW, source_date_epoch

TEXT_DIR = "text"


@dataclasses.dataclass
class Page:
    """One XHTML file of the book."""

    file: str  # path inside OEBPS
    id: str  # manifest id
    title: str
    body: Markup
    body_type: str = "bodymatter"
    language: str = "en"


@dataclasses.dataclass
class NavEntry:
    title: str
    href: str
    children: list["NavEntry"] = dataclasses.field(default_factory=list)


def chapter_file(division: Division) -> str:
    return f"{TEXT_DIR}/{division.source.siglum}-{division.n}.xhtml"


def part_file(source: Source) -> str:
    return f"{TEXT_DIR}/part-{source.siglum}.xhtml"


def write(edition: Edition, out_dir: Path, page_list: list[tuple[int, str, int]] = ()) -> Path:
    """Write the EPUB; `page_list` (from the print layout) places a marker where each printed page begins."""
    settings = edition.settings
    markers: dict[str, list[tuple[int, int]]] = defaultdict(list)  # block id or part anchor -> (page, words)
    for number, where, words in page_list:
        markers[where].append((number, words))
    page_hrefs: list[tuple[int, str]] = []

    mention_files = {m.id: chapter_file(m.block.chapter) for m in edition.mentions if m.block is not None}

    def href(key: str) -> str:
        target = edition.targets.get(key)
        if target is not None:
            return f"../{chapter_file(target.chapter)}#{key}"
        if key in mention_files:
            return f"../{mention_files[key]}#{key}"
        return f"#{key}"

    renderer = Renderer(edition, Options(notes="collect", href=href, date_display=settings.date_display, series=settings.printing.series, epub=True))
    pages: list[Page] = [Page(f"{TEXT_DIR}/cover.xhtml", "cover", settings.title, Markup(
        f'<section epub:type="cover" class="cover"><img src="../images/cover.png" alt="{escape(settings.title)}: '
        f'{escape(settings.subtitle)}"/></section>'), body_type="cover", language=settings.language),
                         Page(f"{TEXT_DIR}/titlepage.xhtml", "titlepage", settings.title,
                              Markup(templating.render("epub/titlepage.xhtml.jinja", settings=settings,
                                                       sources=edition.sources)),
                              body_type="frontmatter titlepage", language=settings.language)]
    toc: list[NavEntry] = []
    introduction = renderer.front_matter(edition.introduction)
    if introduction is not None:
        title, body = introduction
        file = f"{TEXT_DIR}/introduction.xhtml"
        pages.append(Page(file, "introduction", title, Markup(templating.render(
            "epub/introduction.xhtml.jinja", title=title, body=templating.fragment(body, xhtml=True))),
            body_type="frontmatter", language=settings.language))
        toc.append(NavEntry(title, file))
    for source in edition.sources:
        part_pages = [number for number, _ in markers.get(f"part-{source.siglum}", [])]
        page_hrefs += [(n, f"{part_file(source)}#page-{n}") for n in part_pages]
        part_body = templating.render("epub/part.xhtml.jinja", source=source, pages=part_pages,
                                      front=_front(renderer, source))
        pages.append(Page(part_file(source), f"part-{source.siglum}", f"{source.siglum}: {source.author}, {source.title}",
                          Markup(part_body), body_type="part", language=source.language))
        entry = NavEntry(f"{source.siglum} {source.author}, {source.title}", part_file(source))
        for division in source.chapters:
            renderer.collected = []
            section = renderer.division(division)
            section.set("class", section.get("class") + " chapter")
            section.set(OPS_TYPE, "chapter")
            for block in division.blocks():
                block_id = block.id
                for number, words in markers.get(block_id, []):
                    html = section.xpath(f"//*[@id='{block_id}']")[0]
                    _insert_pagebreak(html, words, number)
                    page_hrefs.append((number, f"{chapter_file(division)}#page-{number}"))
            notes = [_aside(renderer, note, body) for note, body in renderer.collected]
            opening = renderer.part_opening(division)
            body = (templating.fragment(opening, xhtml=True) if opening is not None else Markup("")) \
                + templating.fragment(section, xhtml=True) + Markup("".join(notes and [
                '<section class="notes" aria-label="Notes">'] + notes + ["</section>"]))
            pages.append(Page(chapter_file(division), f"c-{division.source.siglum}-{division.n}",
                              f"{source.siglum} {division.title}", body, language=source.language))
            chapter_entry = NavEntry(division.title, chapter_file(division) + (f"#{division.id}" if opening is not None else ""))
            chapter_entry.children = [NavEntry(item.title, f"{chapter_file(division)}#{item.id}")
                                      for item in division.content if isinstance(item, Division) and item.id]
            if opening is not None:
                entry.children.append(NavEntry(division.part.title, chapter_file(division)))
            entry.children.append(chapter_entry)
        toc.append(entry)

    back = backmatter.appendices(edition, {})
    for kind, title, rows in (("chronology", "Chronology", back["chronology"]),
                              ("concordance", "Concordance", back["concordance"]),
                              ("persons", "Index of persons", back["persons"]),
                              ("places", "Index of places", back["places"])):
        if not rows:
            continue
        file = f"{TEXT_DIR}/{kind}.xhtml"
        body = templating.render("epub/back.xhtml.jinja", kind=kind, title=title, rows=rows,
                                 sigla=back["sigla"], href=lambda key: href(key))
        pages.append(Page(file, kind, title, Markup(body), body_type="backmatter", language=settings.language))
        toc.append(NavEntry(title, file))

    epoch = source_date_epoch(settings)
    modified = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'critical-edition:' + settings.slug)}"
    first_text = next((p.file for p in pages if p.body_type in ("bodymatter", "part")), pages[0].file)
    files: dict[str, str] = {
        "META-INF/container.xml": templating.render("epub/container.xml.jinja"),
        "OEBPS/nav.xhtml": templating.render("epub/nav.xhtml.jinja", settings=settings, toc=toc,
                                             page_list=sorted(page_hrefs),
                                             first_text=first_text,
                                             indices=[p.file for p in pages if p.id in ("persons", "places")]),
        "OEBPS/css/epub.css": templating.render("epub/epub.css.jinja"),
    }
    for page in pages:
        files[f"OEBPS/{page.file}"] = templating.render("epub/page.xhtml.jinja", page=page)
    binaries = {"OEBPS/images/cover.png": cover.cover_png(settings)}
    files["OEBPS/content.opf"] = templating.render(
        "epub/content.opf.jinja", settings=settings, pages=pages, identifier=identifier,
        modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"), sources=edition.sources, paginated=bool(page_hrefs))

    path = out_dir / f"{settings.slug}.epub"
    replace_atomically(path, lambda tmp: _package(tmp, {**files, **binaries}, modified))
    return path


def _insert_pagebreak(html: etree._Element, words: int, number: int) -> None:
    """Put a page-break marker before word `words` of a rendered paragraph (its flow text only)."""
    marker = etree.Element("span", {"id": f"page-{number}", "role": "doc-pagebreak", "aria-label": str(number)})
    marker.set(OPS_TYPE, "pagebreak")
    count, previous_space = 0, True
    slots = []  # (holder element, "text" or "tail") in reading order, flow text only

    def collect(element):
        if element is not html and set((element.get("class") or "").split()) & NOT_IN_FLOW:
            return
        slots.append((element, "text"))
        for child in element:
            if isinstance(child.tag, str):
                collect(child)
            slots.append((child, "tail"))
    collect(html)
    for element, slot in slots:
        text = getattr(element, slot) or ""
        for position, char in enumerate(text):
            starts_word = not char.isspace() and previous_space
            previous_space = char.isspace()
            if starts_word:
                if count == words:
                    _place(marker, element, slot, position)
                    return
                count += 1
    html.append(marker)  # the page begins after the paragraph's last word (should not happen)


def _place(marker: etree._Element, element: etree._Element, slot: str, position: int) -> None:
    text = getattr(element, slot)
    if slot == "text":
        element.text = text[:position]
        marker.tail = text[position:]
        element.insert(0, marker)
    else:
        element.tail = text[:position]
        marker.tail = text[position:]
        element.addnext(marker)


def _front(renderer: Renderer, source: Source) -> Markup | None:
    if source.front is None:
        return None
    return templating.fragment(renderer.contents(source.front), xhtml=True)


def _aside(renderer: Renderer, note: Note, body: etree._Element) -> str:
    """A note as an EPUB footnote: pops up where supported, links back to its call everywhere."""
    aside = renderer.element("aside", {"id": note.id, "class": f"note note-{note.series}", "role": "doc-footnote"})
    aside.set(OPS_TYPE, "footnote")
    paragraphs = [child for child in body if child.tag in ("p", "span") and "fn-p" in (child.get("class") or "")] \
        or [child for child in body if child.tag == "p"]
    if paragraphs:
        for child in list(body):
            aside.append(child)
        first = paragraphs[0]
    else:
        first = etree.SubElement(aside, "p")
        first.text = body.text
        for child in list(body):
            first.append(child)
    back = etree.Element("a", {"href": f"#ref-{note.id}", "role": "doc-backlink", "class": "backlink"})
    back.text = note.mark
    back.tail = " " + (first.text or "")
    first.text = None
    first.insert(0, back)
    return str(templating.fragment(aside, xhtml=True))


def _package(path: Path, files: dict[str, str | bytes], modified: dt.datetime) -> None:
    stamp = modified.timetuple()[:6]
    with zipfile.ZipFile(path, "w") as archive:
        info = zipfile.ZipInfo("mimetype", date_time=stamp)
        info.compress_type = zipfile.ZIP_STORED
        archive.writestr(info, "application/epub+zip")
        for name in sorted(files, key=lambda n: (not n.startswith("META-INF"), n)):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = files[name]
            archive.writestr(info, data if isinstance(data, bytes) else data.encode("utf-8"))

"""The EPUB 3: one XHTML file per chapter, its notes listed after it, with links both ways.

In: the `Edition`.  Out: `<slug>.epub`.  Elements are rendered by render/html.py (the same mapping
as print); this module only decides the files, resolves links to them, and packages: OCF with
`mimetype` first and stored, entries in a fixed order with fixed timestamps, so that the same
sources give the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
import zipfile
from pathlib import Path

from lxml import etree
from markupsafe import Markup, escape

from ..model.records import Division, Edition, Note, Source
from ..render import backmatter, cover, templating
from ..render.html import Options, Renderer
from ..render.content_model import as_phrases
from ..render.notes import OPS_TYPE, Endnotes
from . import images, replace_atomically
from .pagination import NOT_IN_FLOW, anchors
from .part_job import source_date_epoch
from .pdf import document_id

TEXT_DIR = "text"
XHTML = "{http://www.w3.org/1999/xhtml}"
XHTML_PROLOGUE = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
NOTE_GROUPS = ("source", "editorial", "apparatus")  # the order of the notes after each chapter
ANONYMOUS = {"anonymous", "anon.", "unknown author"}  # no author's name (the importer's default is "Unknown author")
BACK_KINDS = ("afterword", "appendix", "conclusion", "epilogue")  # a back division's @type, as EPUB and ARIA name it


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


def write(edition: Edition, out_dir: Path, page_list: list[tuple[str, str, int]] = ()) -> Path:
    """Write the EPUB; `page_list` (from the print layout) places a marker where each printed page begins."""
    settings = edition.settings
    pictures = images.names(edition)
    renderer = Renderer(edition, Options(href=_resolver(edition), date_display=settings.date_display,
                                         series=settings.printing.series, epub=True,
                                         image=lambda graphic: f"../{pictures[graphic]}" if graphic in pictures else None),
                        Endnotes())
    pages, toc = _front_pages(edition, renderer)
    for source in edition.sources:
        toc.append(_source_pages(source, renderer, pages))
    toc += _back_pages(edition, renderer.options.href, pages)

    epoch = source_date_epoch(settings)
    modified = dt.datetime.fromtimestamp(epoch, dt.timezone.utc)
    identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'critical-edition:' + settings.slug)}"
    print_identifier = f"urn:uuid:{document_id(settings)}"  # the press PDF's document id
    first_text = next((p.file for p in pages if p.body_type == "bodymatter"), pages[0].file)
    documents = {f"OEBPS/{page.file}": etree.fromstring(templating.render("epub/page.xhtml.jinja", page=page).encode())
                 for page in pages}
    ids = {element.get("id"): (name, element) for name, root in documents.items()
           for element in root.iter() if isinstance(element.tag, str) and element.get("id")}
    _relink(documents, ids, toc)
    page_hrefs = _place_page_markers(edition, ids, page_list)
    files: dict[str, str | bytes] = {
        "META-INF/container.xml": templating.render("epub/container.xml.jinja"),
        "OEBPS/nav.xhtml": templating.render("epub/nav.xhtml.jinja", settings=settings, toc=toc,
                                             page_list=page_hrefs,
                                             first_text=first_text,
                                             indices=[p.file for p in pages if p.id in ("persons", "places")]),
        "OEBPS/css/epub.css": templating.render("epub/epub.css.jinja"),
        "OEBPS/images/cover.png": cover.cover_png(settings),
        "OEBPS/content.opf": templating.render(
            "epub/content.opf.jinja", settings=settings, pages=pages, identifier=identifier,
            print_identifier=print_identifier,
            modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"), authors=_authors(edition), paginated=bool(page_hrefs),
            images=[(name, media) for name, (_, media) in images.files(edition).items()]),
    }
    for name, (path, _) in images.files(edition).items():
        files[f"OEBPS/{name}"] = path.read_bytes()
    for name, root in documents.items():
        files[name] = XHTML_PROLOGUE + etree.tostring(root, encoding="unicode") + "\n"
    path = out_dir / f"{settings.slug}.epub"
    replace_atomically(path, lambda tmp: _package(tmp, files, modified))
    return path


def _authors(edition: Edition) -> list[str]:
    """The authors of the accounts, each once, in the order of the sources (an anonymous account
    has none)."""
    names = (source.author for source in edition.sources)
    return list(dict.fromkeys(name for name in names if name and name.casefold() not in ANONYMOUS))


def _resolver(edition: Edition):
    """id -> href from inside the text folder: the chapter file of a target or a name's mention."""
    mention_files = {m.id: chapter_file(m.block.chapter) for m in edition.mentions if m.block is not None}

    def href(key: str) -> str:
        target = edition.targets.get(key)
        if target is not None:
            return f"../{chapter_file(target.chapter)}#{key}"
        if key in mention_files:
            return f"../{mention_files[key]}#{key}"
        return f"#{key}"
    return href


def _front_pages(edition: Edition, renderer: Renderer) -> tuple[list[Page], list[NavEntry]]:
    """Cover, title page with imprint, sigla and introduction, as in print (the contents are the nav)."""
    settings = edition.settings
    front = {"settings": settings, "sources": edition.sources}
    pages = [Page(f"{TEXT_DIR}/cover.xhtml", "cover", f"Cover – {settings.title}", Markup(
        f'<section epub:type="cover" class="cover"><img src="../images/cover.png" alt="{escape(settings.title)}: '
        f'{escape(settings.subtitle)}"/></section>'), body_type="cover", language=settings.language),
             Page(f"{TEXT_DIR}/titlepage.xhtml", "titlepage", f"Title page – {settings.title}",
                  Markup(templating.render("epub/titlepage.xhtml.jinja", **front)),
                  body_type="frontmatter", language=settings.language),
             Page(f"{TEXT_DIR}/sigla.xhtml", "sigla", f"Sigla – {settings.title}",
                  Markup(templating.render("epub/sigla.xhtml.jinja", **front, descriptions={
                      s.siglum: templating.fragment(renderer.source_description(s, with_copytext=True), xhtml=True)
                      for s in edition.sources})),
                  body_type="frontmatter", language=settings.language)]
    toc = [NavEntry("Sigla", pages[-1].file)]
    introduction = renderer.front_matter(edition.introduction)
    if introduction is not None:
        title, body = introduction
        file = f"{TEXT_DIR}/introduction.xhtml"
        pages.append(Page(file, "introduction", title, Markup(templating.render(
            "epub/introduction.xhtml.jinja", title=title, body=templating.fragment(body, xhtml=True))),
            body_type="frontmatter", language=settings.language))
        toc.append(NavEntry(title, file))
    return pages, toc


def _source_pages(source: Source, renderer: Renderer, pages: list[Page]) -> NavEntry:
    """The part title of a source and one file per chapter, each with its notes; its contents entry."""
    pages.append(Page(part_file(source), f"part-{source.siglum}", f"{source.siglum}: {source.credit}",
                      Markup(templating.render("epub/part.xhtml.jinja", source=source, front=_front(renderer, source),
                                               title=templating.fragment(renderer.source_title(source), xhtml=True),
                                               bibl=templating.fragment(renderer.source_description(source, False), xhtml=True))),
                      body_type="bodymatter", language=source.language))
    entry = NavEntry(f"{source.siglum}: {source.credit}", part_file(source))
    for division in source.chapters:
        section = renderer.division(division)
        section.set("class", section.get("class") + " chapter")
        kind = division.element.get("type") if division.back else "chapter"
        kind = kind if kind in ("chapter", *BACK_KINDS) else "appendix"
        section.set(OPS_TYPE, kind)
        section.set("role", f"doc-{kind}")
        notes = [(note.series, note.id, _endnote(renderer, note, body)) for note, body in renderer.notes.take()]
        opening = renderer.part_opening(division)
        key = f"{source.siglum}-{division.n}"
        for k, (share, held) in enumerate(_shares(section, notes, f"{division.title} (continued)")):
            groups = [(series, [Markup(n) for s, _, n in held if s == series]) for series in NOTE_GROUPS]
            body = Markup(templating.render(
                "epub/chapter.xhtml.jinja", key=key if k == 0 else f"{key}-{k + 1}",
                opening=templating.fragment(opening, xhtml=True) if opening is not None and k == 0 else None,
                chapter=templating.fragment(share, xhtml=True), groups=[g for g in groups if g[1]]))
            suffix = f"-{k + 1}" if k else ""
            continued = "" if k == 0 else " (continued)" if k == 1 else f" (continued, {k + 1})"
            pages.append(Page(chapter_file(division).replace(".xhtml", f"{suffix}.xhtml"), f"c-{key}{suffix}",
                              f"{division.title}{continued} – {source.credit} ({source.siglum})", body,
                              language=source.language))
        chapter_entry = NavEntry(_entry(division), chapter_file(division) + (f"#{division.id}" if opening is not None else ""))
        chapter_entry.children = [NavEntry(_entry(item), f"{chapter_file(division)}#{item.id}") for item in division.sections]
        if opening is not None:
            entry.children.append(NavEntry(_entry(division.part), chapter_file(division)))
        entry.children.append(chapter_entry)
    return entry


MAX_FILE = 200_000  # bytes of a chapter's file before it is split (Calibre warns above 260 KB, Adobe RMSDK slows above 300 KB)


def _shares(section: etree._Element, notes: list[tuple[str, str, str]], label: str) -> list[tuple]:
    """A chapter cut into files of about equal size, none much above MAX_FILE, between its
    top-level blocks: (the chapter's section, or a copy of it without id or heading holding the
    blocks that go on, labelled `label`; the notes called in it) for each file."""
    sizes = {key: len(markup.encode()) for _, key, markup in notes}
    blocks = [(child, len(etree.tostring(child, encoding="utf-8")) + sum(
        sizes.get(a.get("href", "")[1:], 0) for a in child.iter("a"))) for child in section]
    total = sum(size for _, size in blocks)
    count = -(-total // MAX_FILE)
    cuts, running = [], 0
    for k, (child, size) in enumerate(blocks):
        if running >= total * (len(cuts) + 1) / count and k and _may_cut(blocks[k - 1][0], child):
            cuts.append(k)
        running += size
    shares, home = [], {}
    for first, last in zip([0] + cuts, cuts + [len(blocks)]):
        if first == 0:
            share = section
        else:
            share = etree.Element(section.tag, {k: v for k, v in section.attrib.items() if k != "id"}, nsmap=section.nsmap)
            share.set("aria-label", label)
            share.set("class", share.get("class") + " continued")
            for child, _ in blocks[first:last]:
                share.append(child)
        for child, _ in blocks[first:last]:
            for link in child.iter("a"):
                home.setdefault(link.get("href", "")[1:], len(shares))
        shares.append((share, []))
    for note in notes:  # with the text that calls it (a note called from another note: the first file)
        shares[home.get(note[1], 0)][1].append(note)
    return shares


def _may_cut(before: etree._Element, after: etree._Element) -> bool:
    """Whether a chapter's file may end between two of its blocks: not after a heading or a section
    break, nor after the marker of a page that begins with the next block, nor before a paragraph's
    parallels ("cf. …")."""
    def classes(element: etree._Element) -> set[str]:
        return set((element.get("class") or "").split())

    last = next((e for e in reversed(list(before.iter(etree.Element))) if e is not before), before)
    marker_last = last.get("role") == "doc-pagebreak" and not (last.tail or "").strip()
    return (etree.QName(before).localname not in ("h2", "h3", "h4", "hr") and "head" not in classes(before) and not marker_last
            and "parallels" not in classes(after))


def _relink(documents: dict[str, etree._Element], ids: dict[str, tuple], toc: list[NavEntry]) -> None:
    """Point every link, and every entry of the contents, to the file that holds its target (`ids`:
    id -> (file, element); a chapter's blocks may have gone to a file of their own: `_shares`)."""
    home = {key: name.removeprefix(f"OEBPS/{TEXT_DIR}/") for key, (name, _) in ids.items()}

    def fixed(href: str, here: str | None) -> str:
        file, _, key = href.rpartition("#")
        if not key or key not in home or (file and not file.endswith(".xhtml")):
            return href
        if here is not None:  # from a file of the text folder
            return f"#{key}" if home[key] == here else f"../{TEXT_DIR}/{home[key]}#{key}"
        return f"{TEXT_DIR}/{home[key]}#{key}"

    for name, root in documents.items():
        for link in root.iter(XHTML + "a"):
            if link.get("href") and "://" not in link.get("href"):
                link.set("href", fixed(link.get("href"), name.removeprefix(f"OEBPS/{TEXT_DIR}/")))
    entries = list(toc)
    while entries:
        entry = entries.pop()
        entry.href = fixed(entry.href, None)
        entries += entry.children


SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"}


def _entry(division: Division) -> str:
    """A division's entry in the contents: its label and title apart ('Chapter 8: People's
    Commissar', '38. 1917 Spring'), a title set in capitals in title case."""
    title, short = division.title, division.short_title
    label = title[: len(title) - len(short)].strip() if short and title.endswith(short) and title != short else ""
    if short.isupper() and len(short) > 3:
        words = short.lower().split()
        short = " ".join(w if k and w in SMALL_WORDS else w[:1].upper() + w[1:] for k, w in enumerate(words))
    if not label:
        return short
    return f"{label} {short}" if label[-1] in ".:" else f"{label}. {short}" if label.isdigit() else f"{label}: {short}"


def _back_pages(edition: Edition, href, pages: list[Page]) -> list[NavEntry]:
    """The chronology, concordance and indices, with links to the paragraphs and mentions."""
    back = backmatter.appendices(edition, {})
    toc = []
    for kind, title in (("chronology", "Chronology"), ("concordance", "Concordance"),
                        ("persons", "Index of persons"), ("places", "Index of places")):
        if not back[kind]:
            continue
        file = f"{TEXT_DIR}/{kind}.xhtml"
        body = templating.render("epub/back.xhtml.jinja", kind=kind, title=title, rows=back[kind],
                                 sigla=back["sigla"], accounts=back["chronology_accounts"], href=href)
        pages.append(Page(file, kind, title, Markup(body), body_type="backmatter", language=edition.settings.language))
        toc.append(NavEntry(title, file))
    return toc


def _place_page_markers(edition: Edition, ids: dict[str, tuple], page_list) -> list[tuple[str, str]]:
    """Put a page-break marker where each printed page begins, at the same word as in print.

    `page_list` gives, for every printed page, the id of the element where it begins and the words
    of that element before it (see pagination.page_list).  A page whose element the EPUB lacks (the
    half-title; the contents, which are the nav, out of the reading order) waits for the next
    page's place.  Returns the page list's (number, href) in page order."""
    where = {key: ids[key] for key in anchors(edition, ids)}  # ids: id -> (file, element)
    hrefs, pending, last = [], [], None
    for number, anchor, words in page_list:
        if anchor not in where:
            pending.append(number)
            continue
        last = where[anchor]
        name, element = last
        for n in pending + [number]:  # stacked in page order at the same place
            _insert_pagebreak(element, words, n, where)
            hrefs.append((n, f"{name.removeprefix('OEBPS/')}#page-{n}"))
        pending = []
    if pending and last is not None:  # pages without text at the end: after the last element
        name, element = last
        for n in pending:
            _insert_pagebreak(element, -1, n, where)
            hrefs.append((n, f"{name.removeprefix('OEBPS/')}#page-{n}"))
    return hrefs


def _insert_pagebreak(html: etree._Element, words: int, number: str, anchors) -> None:
    """Put a page-break marker before word `words` of a rendered element: its flow text only, less
    the elements inside it that are anchors of their own (print counts their words apart).

    At word 0 a container gets the marker as its first child (after its paragraph number, before
    its heading, not inside it) and a table row in its first cell; at -1, or past the element's
    last word, the marker goes after the element's content (a row's: in its last cell; a row the
    print breaks may count words the EPUB does not print, its page numbers)."""
    marker = etree.Element(XHTML + "span", {"id": f"page-{number}", "role": "doc-pagebreak", "aria-label": str(number)})
    marker.set(OPS_TYPE, "pagebreak")
    tag = etree.QName(html).localname
    cells = [child for child in html if etree.QName(child).localname in ("td", "th")] if tag == "tr" else []
    end = cells[-1] if cells else html
    if words < 0:
        end.append(marker)
        return
    if words == 0 and tag in ("section", "div", "tr", "dd", "aside"):
        holder = html.find(XHTML + "td") if tag == "tr" else html
        after = 0  # after the markers of earlier pages already there, and the margin number
        while after < len(holder) and (holder[after].get(OPS_TYPE) == "pagebreak"
                                       or "pn" in (holder[after].get("class") or "").split()):
            after += 1
        if after:
            marker.tail, holder[after - 1].tail = holder[after - 1].tail, None
        else:
            marker.tail, holder.text = holder.text, None
        holder.insert(after, marker)
        return
    count, previous_space = 0, True
    slots = []  # (holder element, "text" or "tail") in reading order, flow text only

    def collect(element):
        if element is not html and (set((element.get("class") or "").split()) & NOT_IN_FLOW
                                    or element.get("id") in anchors or etree.QName(element).localname == "thead"):
            return
        slots.append((element, "text"))
        for child in element:
            if isinstance(child.tag, str):
                collect(child)
            slots.append((child, "tail"))
    collect(html)
    for element, slot in slots:
        if slot == "tail" and element in cells:
            continue  # between a row's cells: no text may stand there
        text = getattr(element, slot) or ""
        for position, char in enumerate(text):
            starts_word = not char.isspace() and previous_space
            previous_space = char.isspace()
            if starts_word:
                if count == words:
                    _place(marker, element, slot, position)
                    return
                count += 1
    end.append(marker)  # the page begins after the element's last word (as print counts it)


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


def _endnote(renderer: Renderer, note: Note, body: etree._Element) -> str:
    """A note as an EPUB endnote: an item of its series' list after the chapter, which reading
    systems pop up from its call (and none hides, as some hide footnote asides), beginning with its
    mark, a link back to the call."""
    item = renderer.element("li", {"id": note.id, "class": f"note note-{note.series}"})
    item.set(OPS_TYPE, "endnote")
    paragraphs = [child for child in body if child.tag in ("p", "span") and "fn-p" in (child.get("class") or "")] \
        or [child for child in body if child.tag == "p"]
    if paragraphs:
        for child in list(body):
            item.append(child)
        first = paragraphs[0]
    else:
        first = etree.SubElement(item, "p")
        first.text = body.text
        for child in list(body):
            first.append(child)
        as_phrases(first)  # a note's blocks (a quotation set off) inside its one paragraph
    back = etree.Element("a", {"href": f"#ref-{note.id}", "role": "doc-backlink", "class": "backlink"})
    back.text = note.mark
    back.tail = " " + (first.text or "")
    first.text = None
    first.insert(0, back)
    return str(templating.fragment(item, xhtml=True))


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

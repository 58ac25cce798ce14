"""The tree walker: TEI elements to HTML, one mapping shared by every writer.

In: model objects (divisions, blocks), `Options` saying what differs per output (how an id becomes
a link, how dates are displayed, the print's page numbers and corrections) and a note placement
(render/notes.py: footnotes at the call in print, notes gathered in the EPUB).  Out: lxml HTML
elements (no namespace), which the print writer serialises as HTML and the EPUB writer as XHTML.

Each element renders by its handler (render/handlers.py, registered with `@handles`) or, without
one, generically as its trait says (model/elements.py); the apparatus and the parallels are
formatted by render/apparatus.py.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from lxml import etree

from ..model import elements
from ..model.records import Block, Division, Edition, Source
from ..read.tei import XML_ID, XML_LANG, local
from . import apparatus
from .content_model import fit
from .notes import OPS_NS, OPS_TYPE, Endnotes, Footnotes
from .typography import Typography

SOURCE_PAGE = "pb-"  # prefix of the print's ids of the print source's page breaks
CALL_FIRST = "call-first"  # print: a paragraph's parallels called at its start (corrections.py)
DISPLAY_TIGHT = "display-tight"  # print: a displayed block with less space above and below (corrections.py)
DISPLAY_KEY = "-display"  # the corrections' key for a block's display spacing: its id and this
TYPE_PROPERTIES = {"font-style", "font-weight", "font-variant", "text-decoration", "text-decoration-line",
                   "text-transform", "letter-spacing", "vertical-align"}  # what @rendition and @style may set
RTL_LANGUAGES = {"ar", "arc", "dv", "fa", "he", "ku", "ps", "sd", "syr", "ug", "ur", "yi"}

HANDLERS: dict[str, Callable] = {}


def handles(*names: str):
    def register(function):
        for name in names:
            HANDLERS[name] = function
        return function
    return register


@dataclasses.dataclass
class Options:
    """What differs between outputs; everything else is rendered the same way."""

    href: Callable[[str], str]  # an id of the text -> the href that reaches it
    date_display: str = "source-with-other"
    epub: bool = False  # add epub:type and ARIA roles for reading systems
    series: tuple[str, ...] = ("source", "editorial", "apparatus", "parallels")  # which notes appear
    page: Callable | None = None  # print: (element, id) -> the box of the page the id is on appended to the element
    side: Callable[[str], str] | None = None  # print: "recto" or "verso", the side of the page an id is on
    spacing: Callable[[str], str] | None = None  # print: a paragraph's corrected word spacing (a class)
    call_first: Callable[[str], bool] | None = None  # print: a paragraph's parallels (their id) called where it begins
    image: Callable[[etree._Element], str | None] | None = None  # a graphic -> the href of its local image
    addresses: bool = False  # print: the address of a link outside the edition shown after its text
    # print: (name, args) -> the text of a line key, as apparatus.LINE_KEYS[name] gives it from the
    # lines of a layout
    line: Callable[[str, tuple[str, ...]], str] | None = None
    line_by_page: bool = False  # print: lines are counted on the page, not in the paragraph


class Renderer:
    """Renders blocks and divisions of one edition for one output; `notes` places the notes."""

    def __init__(self, edition: Edition | None, options: Options, notes: Footnotes | Endnotes | None = None):
        self.edition = edition
        self.options = options
        self.notes = notes if notes is not None else Footnotes()
        self.typography = Typography(edition.settings if edition else None)  # quotes, dashes, ellipses
        self.parallel_runs: dict = {}  # chapter -> its paragraphs opening a run of the same parallels -> the run's last
        self.entries_before: dict = {}  # an entry of the apparatus -> the one before it in its paragraph
        self.starts: dict = {}  # print: a TEI element -> the key of the passage that begins with it (parallels)
        self._page_systems: dict[etree._Element, str] = {}  # file root -> the @ed its margins give unnamed

    # --- entry points used by the writers -------------------------------------------------------
    def division(self, division: Division, subdivisions: bool = True) -> etree._Element:
        """A chapter or section with its head and content; a part without its chapters."""
        section = self.element("section", {"class": f"division level-{division.level}"})
        if division.id:
            section.set("id", division.id)
        if division.head is not None:
            heading = etree.SubElement(section, f"h{min(division.level + 1, 6)}", {"class": "head"})
            self.children(division.head, heading)
        for item in division.content:
            if isinstance(item, Block):
                section.append(self.block(item))
                if "parallels" in self.options.series and not self.notes.inline:
                    found = apparatus.parallels(self, item, "p")  # EPUB: its own paragraph, after the numbered one
                    if found is not None:
                        section.append(found)
            elif isinstance(item, Division):
                if subdivisions:
                    section.append(self.division(item))
            else:
                self.node(item, section)
        return section

    def front_matter(self, file) -> tuple[str, etree._Element] | None:
        """The editors' introduction: its title and its divisions rendered, without numbers."""
        if file is None:
            return None
        body = file.root.find("{http://www.tei-c.org/ns/1.0}text/{http://www.tei-c.org/ns/1.0}body")
        section = self.element("div", {"class": "introduction-text"})
        title = ""
        for div in body:
            if not isinstance(div.tag, str):
                continue
            for child in div:
                if local(child) == "head":
                    title = title or "".join(child.itertext()).strip()
                    if title != "".join(child.itertext()).strip():
                        self.wrap(child, section, "h3")
                else:
                    self.node(child, section)
                    if len(section) and not section[-1].get("id"):
                        section[-1].set("id", f"intro-{len(section)}")  # where the print's pages begin
        return title, section

    def part_opening(self, chapter: Division) -> etree._Element | None:
        """The head and epigraph of the part a chapter opens, or None."""
        if not chapter.opens_part:
            return None
        section = self.division(chapter.part, subdivisions=False)
        section.set("class", "part-opening")
        return section

    def block(self, block: Block) -> etree._Element:
        """A numbered block: its number in the margin; in print its parallels, floated to the
        foot of the page, after it (or at its start, where a correction says)."""
        holder = self.element("div")
        if self.notes.inline and "parallels" in self.options.series:  # print: where its parallels' passage begins
            begins = apparatus.first_mention(self, block)
            if begins is not None:
                self.starts[begins] = apparatus.parallels_id(block)
        self.node(block.element, holder)
        html = holder[0]
        if html.tag not in ("p", "div", "blockquote"):  # a list cannot hold the number: wrap it
            wrapper = self.element("div")
            wrapper.append(html)
            html = wrapper
        corrected = [self.options.spacing(key) for key in (block.id, block.id + DISPLAY_KEY)] if self.options.spacing else []
        html.set("class", " ".join(filter(None, (html.get("class"), "numbered", *corrected))))
        if self.notes.inline and "parallels" in self.options.series:  # print: CSS floats them to the foot of the page
            found = apparatus.parallels(self, block, "span")
            if found is not None:
                found.set("id", apparatus.parallels_id(block))
                self.notes.split(found, "parallels")
                html.append(found)
        for float_ in [e for e in html if e.get("id") == apparatus.parallels_id(block)]:
            if self.options.call_first and self.options.call_first(float_.get("id")):
                html.remove(float_)  # called where the paragraph begins, not where it ends
                float_.tail, html.text = html.text, None
                html.insert(0, float_)
        self.notes.go_on(block.id, html, floated)
        number = etree.Element("span", {"class": self.in_margin("pn", block.id)})
        etree.SubElement(number, "span").text = block.number  # print: set small on the text's baseline
        number.tail = " " + (html.text or "")  # a real space: readers without CSS do not run it into the text
        html.text = None
        html.insert(0, number)
        return html

    def in_margin(self, css: str, key: str | None) -> str:
        """The class of a margin note (paragraph number, source page): print adds the side of the
        page it stands on, so that it goes to the outer or the inner margin."""
        side = self.options.side(key) if self.options.side and key else ""
        return f"{css} {side}" if side else css

    def source_description(self, source: Source, with_copytext: bool) -> etree._Element:
        """The print source of a text, and (for the sigla) the transcription that is its copy-text
        or the witnesses of its apparatus, as phrases: titles in italics, foreign words with their
        language."""
        html = self.element("span", {"class": "source-description"})
        if source.print_bibl is not None:
            self.children(source.print_bibl, html)
        for k, witness in enumerate(source.witnesses if with_copytext else ()):  # a critical text's, in the sigla
            append_text(html, " " if k or source.print_bibl is not None else "")
            self.witness(witness, html)
        if with_copytext and source.transcription is not None:
            append_text(html, " Copy-text: ")
            self.children(source.transcription, html)
        return html

    def source_title(self, source: Source) -> etree._Element:
        """The title of a text as its part title and the contents set it: a book's (the default)
        in italics, a chapter's or an article's (level="a") in quotation marks, a descriptive
        title (type="desc") as it stands, with any title it names in that title's style."""
        html = self.element("span", {"class": "source-title"})
        title = source.title_element
        if title is None:
            return html
        if title.get("type") == "desc":
            self.children(title, html)
        elif title.get("level") == "a":
            append_text(html, "“")
            self.children(title, html)
            append_text(html, "”")
        else:
            self.children(title, etree.SubElement(html, "cite", {"class": "title-m"}))
        return html

    def witness(self, witness: etree._Element, out: etree._Element) -> None:
        """'E Scorialensis Ψ.II.20, s. XIII, f. 124v–126r.': a witness's siglum, then what the
        header says of it."""
        span = etree.SubElement(out, "span", {"class": "witness"})
        siglum = witness.find("{http://www.tei-c.org/ns/1.0}abbr[@type='siglum']")
        wit = etree.SubElement(span, "span", {"class": "wit"})
        wit.text = " ".join("".join(siglum.itertext()).split()) if siglum is not None else witness.get(XML_ID) or ""
        for child in witness:
            if child is not siglum:
                self.node(child, span)
            append_text(span, _collapsed(self.typography.tail(child)))
        wit.tail = " " + (wit.tail or "").lstrip()
        span[-1].tail = span[-1].tail.rstrip()

    def contents(self, element: etree._Element, tag: str = "div") -> etree._Element:
        """The content of any element rendered into a new <div> (or other tag), e.g. a source's front."""
        holder = self.element(tag, {"class": local(element)})
        self.children(element, holder)
        return holder

    def element(self, tag: str, attributes: dict | None = None) -> etree._Element:
        """A new root element; in the EPUB its namespace map binds the 'epub' prefix."""
        nsmap = {"epub": OPS_NS} if self.options.epub else None
        return etree.Element(tag, attributes or {}, nsmap=nsmap)

    def local_id(self, element: etree._Element, key: str) -> etree._Element | None:
        """The element of `element`'s own file that has the id `key` (a header's witness, a person)."""
        source = self.source_of(element)
        return source.local_ids.get(key) if source else None

    def style(self, element: etree._Element) -> str:
        """The CSS an element's @rendition (a tagsDecl's rendition, scheme css) and @style give,
        kept to the properties of type (never colour, size or position, which the book sets)."""
        declarations = element.get("style") or ""
        for token in (element.get("rendition") or "").split():
            found = self.local_id(element, token.lstrip("#"))
            if found is not None and local(found) == "rendition" and found.get("scheme", "css") == "css":
                declarations += ";" + "".join(found.itertext())
        kept = []
        for declaration in declarations.split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip().lower(), " ".join(value.split())
            if name in TYPE_PROPERTIES and value and re.fullmatch(r"[\w .%-]+", value):
                kept.append(f"{name}: {value}")
        return "; ".join(dict.fromkeys(kept))

    def first_page_system(self, element: etree._Element) -> str:
        """The @ed of the first page break with a number in an element's file ('' for none): the
        page system the margins give without naming it."""
        root = element.getroottree().getroot()
        if root not in self._page_systems:
            first = next((pb for pb in root.iter("{http://www.tei-c.org/ns/1.0}pb") if pb.get("n")), None)
            self._page_systems[root] = (first.get("ed") or "").lstrip("#") if first is not None else ""
        return self._page_systems[root]

    def source_of(self, element: etree._Element) -> Source | None:
        """The source whose file holds an element (None: the introduction, a register)."""
        root = element.getroottree().getroot()
        return next((s for s in self.edition.sources if s.file.root is root), None) if self.edition else None

    def responsible(self, element: etree._Element) -> str:
        """The name an element's @resp (or its parent's) points to in its file's header."""
        resp = element.get("resp") or element.getparent().get("resp") or ""
        key = resp.split()[0].lstrip("#") if resp else ""
        found = self.local_id(element, key) if key else None
        if found is not None:
            return " ".join("".join(found.itertext()).split())
        return key or "the editors"

    # --- the walk ------------------------------------------------------------------------------
    def node(self, element: etree._Element, out: etree._Element) -> None:
        if not isinstance(element.tag, str):
            return  # comments and processing instructions
        found = elements.trait(element)
        handler = HANDLERS.get(local(element)) if found else None
        begins, before = self.starts.pop(element, None), len(out)
        if handler is not None:
            handler(self, element, out)
        elif found is not None and found.kind == "ignored":
            pass  # recorded in the file, not shown (a figure's description is its image's text)
        else:  # generically, as its trait says; an element outside the table as a span of its name
            html = self.wrap(element, out, found.html if found else "span",
                             found.css_for(local(element)) if found else local(element))
            if found is not None and found.role:
                html.set("role", f"doc-{found.role}")
                if self.options.epub:
                    html.set(OPS_TYPE, found.role)
        if self.edition is not None and element in self.edition.attached:
            for note in self.edition.attached[element]:  # notes kept elsewhere, called here (@target)
                HANDLERS["note"](self, note, out, attached=True)
        if begins is not None and len(out) > before:
            apparatus.mark_start(out[before], begins)


    def children(self, element: etree._Element, out: etree._Element) -> None:
        """An element's text and its children's HTML and tails, its runs of white space (line
        breaks and indentation of the TEI file) as one space, as HTML reads them anyway; WeasyPrint
        70 fails on a line break left in a footnote's text (docs/weasyprint.md)."""
        append_text(out, _collapsed(self.typography.text(element)))
        for child in element:
            self.node(child, out)
            tail = _collapsed(self.typography.tail(child))
            if tail and local(child) == "lb" and child.get("break") == "no":
                tail = tail.lstrip()  # the word goes on after the break
            append_text(out, tail)

    def wrap(self, element, out, tag: str, css: str | None = None, **attributes) -> etree._Element:
        """A new HTML element in `out` for a TEI element, with its id, language and content; the
        tag is fitted to where it stands (`fit`)."""
        tag, fitted = fit(tag, out)
        css = " ".join(filter(None, (fitted, css))) or None
        html = etree.SubElement(out, tag)
        if css:
            html.set("class", css)
        for key, value in attributes.items():
            html.set(key, value)
        if element.get(XML_ID):
            html.set("id", element.get(XML_ID))
        style = self.style(element)
        if style:
            html.set("style", style)
        language = element.get(XML_LANG)
        if language:
            html.set("lang", language)
            if self.options.epub:
                html.set(XML_LANG, language)  # XHTML: reading systems read xml:lang
            if language.split("-")[0].lower() in RTL_LANGUAGES:
                html.set("dir", "rtl")
        self.children(element, html)
        return html


WHITE_SPACE = re.compile(r"[ \t\n\r]+")  # HTML's white space; a no-break space is a character


def _collapsed(text: str | None) -> str | None:
    return WHITE_SPACE.sub(" ", text) if text else text


def floated(element: etree._Element) -> bool:
    """Print: what is not in the line it stands in (notes at the foot, numbers in the margin)."""
    return bool(set((element.get("class") or "").split()) & {"footnote", "apparatus", "parallels", "pn", "srcpage"})


def append_text(out: etree._Element, text: str | None) -> None:
    """Append text after the last child of `out` (or as its text when it has none)."""
    if not text:
        return
    if len(out):
        out[-1].tail = (out[-1].tail or "") + text
    else:
        out.text = (out.text or "") + text


from . import handlers  # noqa: F401  (registers the handlers)

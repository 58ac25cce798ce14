"""The one mapping of TEI elements to HTML, shared by every writer.

In: model objects (divisions, blocks) and `Options` saying what differs per output (where notes
go, how an id becomes a link, how dates are displayed).  Out: lxml HTML elements (no namespace),
which the print writer serialises as HTML and the EPUB writer as XHTML.  Each TEI element has one
handler, registered with `@handles`; an element without a handler is a bug caught by the tests.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from lxml import etree

from ..model import calendars
from ..model.records import Block, Division, Edition, Note, Source
from ..read.tei import XML_ID, XML_LANG, local
from . import flow_words
from .typography import Typography

OPS_NS = "http://www.idpf.org/2007/ops"
TEI_CHOICE = "{http://www.tei-c.org/ns/1.0}choice"
SOURCE_PAGE = "pb-"  # prefix of the print's ids of the print source's page breaks
CALL_FIRST = "call-first"  # print: a paragraph's apparatus or parallels called at its start (corrections.py)
DISPLAY_TIGHT = "display-tight"  # print: a displayed block with less space above and below (corrections.py)
DISPLAY_KEY = "-display"  # the corrections' key for a block's display spacing: its id and this
APPARATUS_SIGN = "°"  # marks an emended word where notes are collected (the EPUB), as in many printed editions
OPS_TYPE = f"{{{OPS_NS}}}type"

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

    notes: str  # "inline": note bodies at their calls (print footnotes); "collect": gathered per chapter
    href: Callable[[str], str]  # an id of the text -> the href that reaches it
    date_display: str = "source-with-other"
    epub: bool = False  # add epub:type and ARIA roles for reading systems
    series: tuple[str, ...] = ("source", "editorial", "apparatus", "parallels")  # which notes appear
    page: Callable[[str], str] | None = None  # print: the page an id is on (from the first layout)
    side: Callable[[str], str] | None = None  # print: "recto" or "verso", the side of the page an id is on
    spacing: Callable[[str], str] | None = None  # print: a paragraph's corrected word spacing (a class)
    split: Callable[[str], int | None] | None = None  # print: words of a note that stay with its call
    continued: Callable[[str], list[tuple[int, str]]] | None = None  # print: (word, note id) going on in a block


class Renderer:
    """Renders blocks and divisions of one edition for one output."""

    def __init__(self, edition: Edition, options: Options):
        self.edition = edition
        self.options = options
        self.collected: list[tuple[Note, etree._Element]] = []  # notes gathered in "collect" mode
        self.rests: dict[str, etree._Element] = {}  # print: the rest of each split note, until it goes on
        self.typography = Typography(edition.settings if edition else None)  # quotes, dashes, ellipses

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
                if "parallels" in self.options.series and self.options.notes == "collect":
                    parallels = self.parallels(item, "p")  # EPUB: its own paragraph, after the numbered one
                    if parallels is not None:
                        section.append(parallels)
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
        holder = self.element("div")
        self.node(block.element, holder)
        html = holder[0]
        if html.tag not in ("p", "div", "blockquote"):  # a list cannot hold the number: wrap it
            wrapper = self.element("div")
            wrapper.append(html)
            html = wrapper
        corrected = [self.options.spacing(key) for key in (block.id, block.id + DISPLAY_KEY)] if self.options.spacing else []
        html.set("class", " ".join(filter(None, (html.get("class"), "numbered", *corrected))))
        if "apparatus" in self.options.series and self.options.notes == "inline":
            self.add_apparatus(block, html)  # collected notes: each emendation has its own call
        if "parallels" in self.options.series and self.options.notes == "inline":
            parallels = self.parallels(block, "span")  # print CSS floats it to the foot of the page
            if parallels is not None:
                parallels.set("id", f"{block.id}-parallels")
                self.split_note(parallels)
                html.append(parallels)
        for float_ in [e for e in html if e.get("id") in (f"{block.id}-apparatus", f"{block.id}-parallels")]:
            if self.options.spacing and self.options.spacing(float_.get("id")) == CALL_FIRST:
                html.remove(float_)  # called where the paragraph begins, not where it ends
                float_.tail, html.text = html.text, None
                html.insert(0, float_)
        for word, key in self.options.continued(block.id) if self.options.continued and block.id else []:
            if key in self.rests:  # a split note goes on at the foot of the next page
                flow_words.insert_before_word(html, word, self.rests.pop(key), skip=_floated)
        number = etree.Element("span", {"class": self._in_margin("pn", block.id)})
        etree.SubElement(number, "span").text = block.number  # print: set small on the text's baseline
        number.tail = " " + (html.text or "")  # a real space: readers without CSS do not run it into the text
        html.text = None
        html.insert(0, number)
        return html

    def split_note(self, html: etree._Element) -> None:
        """Print: cut a note (rendered at its call) that a typesetter's correction splits; its rest,
        without a call or a mark, waits in `rests` for the block and word where it goes on."""
        keep = self.options.split(html.get("id")) if self.options.split and html.get("id") else None
        rest = flow_words.split_after_words(html, keep) if keep is not None else None
        if rest is not None:
            html.set("class", html.get("class") + " split")
            rest.set("class", rest.get("class") + " continued")
            del rest.attrib["id"]
            self.rests[html.get("id")] = rest

    def _in_margin(self, css: str, key: str | None) -> str:
        """The class of a margin note (paragraph number, source page): print adds the side of the
        page it stands on, so that it goes to the outer or the inner margin."""
        side = self.options.side(key) if self.options.side and key else ""
        return f"{css} {side}" if side else css

    def add_apparatus(self, block: Block, html: etree._Element) -> None:
        """The emendations of a paragraph, which print CSS floats to the foot of the page after the
        notes: '7.94 reptilian] reptilian_ copy-text; corr. ed. | …'."""
        entries = [self.edition.apparatus[c] for c in block.element.iter(TEI_CHOICE) if c in self.edition.apparatus]
        if not entries:
            return
        span = etree.SubElement(html, "span", {"class": "apparatus", "id": f"{block.id}-apparatus"})
        number = etree.SubElement(span, "span", {"class": "app-number"})
        number.text = block.number
        number.tail = " "
        for k, entry in enumerate(entries):
            item = self.apparatus_entry(entry)
            span.append(item)
            if k < len(entries) - 1:
                item.tail = " | "
        self.split_note(span)

    def apparatus_entry(self, entry: Note) -> etree._Element:
        """One emendation without its paragraph number: 'reptilian] reptilian_ copy-text; corr. ed.'"""
        parts = {local(c): c for c in entry.element if isinstance(c.tag, str)}
        shown = next(parts[n] for n in ("corr", "reg", "expan") if n in parts)
        original = next(parts[n] for n in ("sic", "orig", "abbr") if n in parts)
        html = etree.Element("span", {"class": "app-entry"})
        lemma = etree.SubElement(html, "span", {"class": "lemma"})
        lemma.text = _plain(self.typography.itertext(shown)) or "⟨om.⟩"  # as the reading text has it
        lemma.tail = "] "
        reading = etree.SubElement(html, "span", {"class": "reading"})
        reading.text = _plain(original.itertext()) or "⟨om.⟩"  # diplomatic: the copy-text's characters
        verb = {"corr": "corr.", "reg": "reg.", "expan": "exp."}[local(shown)]
        who = self.responsible(shown)
        reading.tail = f" copy-text; {verb} {'ed.' if who.lower().startswith('the editors') else who}"
        return html

    def collect_note(self, note: Note, body: etree._Element, out: etree._Element, text: str,
                     label: str | None = None) -> None:
        """A note gathered for the end of the chapter (`body`, a div), and its call in `out` (EPUB:
        a noteref that pops the note up); `label` names the call for screen readers."""
        self.collected.append((note, body))
        call = etree.SubElement(out, "a", {"class": f"noteref note-{note.series}", "href": f"#{note.id}",
                                           "id": f"ref-{note.id}"})
        if self.options.epub:
            call.set(OPS_TYPE, "noteref")
            call.set("role", "doc-noteref")
        if label:
            call.set("aria-label", label)
        etree.SubElement(call, "sup").text = text  # raised even where the reader ignores the CSS

    def parallels(self, block: Block, tag: str) -> etree._Element | None:
        """'cf. K 2.14; M 38.3': the other sources' passages on the same events, and cross-references,
        as links; print adds the page of each (from the previous layout)."""
        found = self.edition.parallels.get(block) if self.edition else None
        if not found:
            return None
        html = self.element(tag, {"class": "parallels"})
        label = etree.SubElement(html, "span", {"class": "parallels-label"})
        label.text = "cf."
        label.tail = " "
        for k, parallel in enumerate(found):
            link = etree.SubElement(html, "a", {"class": "xref", "href": self.options.href(parallel.target.id),
                                                "title": parallel.reason})
            link.text = parallel.target.block.label
            link.tail = "; " if k < len(found) - 1 else None
            if self.options.page:
                page = etree.SubElement(link, "span", {"class": "page"})
                page.text = f", p.\u00a0{self.options.page(parallel.target.id)}"
        return html

    def source_description(self, source: Source, with_copytext: bool) -> etree._Element:
        """The print source of a text, and (for the sigla) the transcription that is its copy-text,
        as phrases: titles in italics, foreign words with their language."""
        html = self.element("span", {"class": "source-description"})
        if source.print_bibl is not None:
            self.children(source.print_bibl, html)
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

    def contents(self, element: etree._Element, tag: str = "div") -> etree._Element:
        """The content of any element rendered into a new <div> (or other tag), e.g. a source's front."""
        holder = self.element(tag, {"class": local(element)})
        self.children(element, holder)
        return holder

    def element(self, tag: str, attributes: dict | None = None) -> etree._Element:
        """A new root element; in the EPUB its namespace map binds the 'epub' prefix."""
        nsmap = {"epub": OPS_NS} if self.options.epub else None
        return etree.Element(tag, attributes or {}, nsmap=nsmap)

    def responsible(self, element: etree._Element) -> str:
        """The name an element's @resp (or its parent's) points to in its file's header."""
        resp = element.get("resp") or element.getparent().get("resp") or ""
        key = resp.split()[0].lstrip("#") if resp else ""
        for source in self.edition.sources:
            if source.file.root is element.getroottree().getroot() and key in source.local_ids:
                return " ".join("".join(source.local_ids[key].itertext()).split())
        return key or "the editors"

    # --- the walk ------------------------------------------------------------------------------
    def node(self, element: etree._Element, out: etree._Element) -> None:
        if not isinstance(element.tag, str):
            return  # comments and processing instructions
        handler = HANDLERS.get(local(element))
        if handler is None:  # an element the schema allows only where no handler was needed (the
            # header's bibliography: idno, ...): its text, in a span named after it
            self.wrap(element, out, "span", local(element))
            return
        handler(self, element, out)

    def children(self, element: etree._Element, out: etree._Element) -> None:
        append_text(out, self.typography.text(element))
        for child in element:
            self.node(child, out)
            append_text(out, self.typography.tail(child))

    def wrap(self, element, out, tag: str, css: str | None = None, **attributes) -> etree._Element:
        html = etree.SubElement(out, tag)
        if css:
            html.set("class", css)
        for key, value in attributes.items():
            html.set(key, value)
        if element.get(XML_ID):
            html.set("id", element.get(XML_ID))
        if element.get(XML_LANG):
            html.set("lang", element.get(XML_LANG))
            if self.options.epub:
                html.set(XML_LANG, element.get(XML_LANG))  # XHTML: reading systems read xml:lang
        self.children(element, html)
        return html


def _floated(element: etree._Element) -> bool:
    """Print: what is not in the line it stands in (notes at the foot, numbers in the margin)."""
    return bool(set((element.get("class") or "").split()) & {"footnote", "apparatus", "parallels", "pn", "srcpage"})


def _plain(texts) -> str:
    return " ".join("".join(texts).split())


def append_text(out: etree._Element, text: str | None) -> None:
    """Append text after the last child of `out` (or as its text when it has none)."""
    if not text:
        return
    if len(out):
        out[-1].tail = (out[-1].tail or "") + text
    else:
        out.text = (out.text or "") + text


# Elements that map to one HTML element and a class named after them (None: no class).
SIMPLE = {
    "cit": "div", "epigraph": "div", "floatingText": "div", "docTitle": "div", "lg": "div",
    "trailer": "p", "docAuthor": "p", "byline": "p", "docDate": "p",
    "list": "ul", "item": ("li", None), "l": "span", "speaker": "span", "emph": ("em", None),
    "foreign": "i", "term": "i", "mentioned": "i", "bibl": "cite",
    "q": "span", "said": "span", "soCalled": "span", "seg": "span", "num": "span", "time": "span",
    "author": "span", "editor": "span", "publisher": "span", "pubPlace": "span", "biblScope": "span",
    "abbr": "span", "expan": "span", "sic": "span", "orig": "span", "corr": "span", "reg": "span",
}


def _simple(tag: str, css: str | None):
    def handler(r: Renderer, element, out):
        r.wrap(element, out, tag, css)
    return handler


for _name, _spec in SIMPLE.items():
    _tag, _css = _spec if isinstance(_spec, tuple) else (_spec, _name)
    HANDLERS[_name] = _simple(_tag, _css)


# --- blocks -------------------------------------------------------------------------------------
@handles("p", "ab")
def _p(r: Renderer, element, out):
    css = " ".join(filter(None, (element.get("type"), element.get("rend")))) or None
    html = r.wrap(element, out, "p", css)
    if element.get("type") == "interpolation":
        html.set("title", f"Interpolation by {r.responsible(element)}")


@handles("quote")
def _quote(r: Renderer, element, out):
    is_block = any(local(child) in ("p", "lg", "list", "quote") for child in element) or local(element.getparent()) in (
        "div", "body", "cit", "epigraph", "note")
    if is_block:
        r.wrap(element, out, "blockquote")
    else:
        r.wrap(element, out, "span", "quote")


@handles("body")
def _embedded_body(r: Renderer, element, out):
    r.children(element, out)  # the body of a floatingText


@handles("div")
def _nested_div(r: Renderer, element, out):
    # Divisions are rendered by Renderer.division(); this handles divs inside embedded texts.
    r.wrap(element, out, "div", f"div {element.get('type') or ''}".strip())


@handles("head")
def _head(r: Renderer, element, out):
    r.wrap(element, out, "p", "head")


@handles("opener", "closer")
def _letter_part(r: Renderer, element, out):
    """Opener and closer as one paragraph; its dateline and salute as lines, the signature inline."""
    r.wrap(element, out, "p", local(element))


@handles("dateline", "salute", "signed")
def _letter_line(r: Renderer, element, out):
    if local(element.getparent()) in ("opener", "closer"):
        r.wrap(element, out, "span", local(element))
    else:
        r.wrap(element, out, "p", local(element))


@handles("titlePart")
def _title_part(r: Renderer, element, out):
    r.wrap(element, out, "p", f"titlePart {element.get('type') or 'main'}")


@handles("label")
def _label(r: Renderer, element, out):
    if local(element.getparent()) == "list":
        r.wrap(element, out, "li", "label")
    elif local(element.getparent()) in ("div", "body"):
        r.wrap(element, out, "p", "label")
    else:
        r.wrap(element, out, "span", "label")


@handles("sp")
def _sp(r: Renderer, element, out):
    speech = r.wrap(element, out, "div", "sp")
    speaker = speech.find("span[@class='speaker']")
    first = next((child for child in speech if child.tag == "p"), None)
    if speaker is not None and first is not None:  # the speaker's name opens the first paragraph
        speech.remove(speaker)
        speaker.tail = " " + (first.text or "").lstrip()
        first.text = None
        first.insert(0, speaker)


@handles("stage")
def _stage(r: Renderer, element, out):
    block = local(element.getparent()) in ("div", "sp", "body")
    r.wrap(element, out, "p" if block else "span", "stage")


# --- phrases ------------------------------------------------------------------------------------
HI = {"italic": ("i", None), "bold": ("b", None), "smallcaps": ("span", "sc"), "sup": ("sup", None),
      "superscript": ("sup", None), "sub": ("sub", None), "underline": ("span", "u")}


@handles("hi")
def _hi(r: Renderer, element, out):
    tag, css = HI.get(element.get("rend") or "italic", ("i", None))
    r.wrap(element, out, tag, css)


@handles("title")
def _title(r: Renderer, element, out):
    r.wrap(element, out, "cite", f"title-{element.get('level') or 'm'}")


@handles("persName", "placeName", "orgName", "name", "rs")
def _name(r: Renderer, element, out):
    span = r.wrap(element, out, "span", "name")
    mention = r.edition.mention(element) if r.edition else None
    if mention is not None:
        span.set("id", mention.id)
        span.set("class", f"name {mention.entity.kind}")


@handles("choice")
def _choice(r: Renderer, element, out):
    """The reading text shows the correction, regularisation or expansion."""
    shown = next(child for child in element if local(child) in ("corr", "reg", "expan"))
    span = r.wrap(shown, out, "span", local(shown))
    if element.get(XML_ID):
        span.set("id", element.get(XML_ID))
    entry = r.edition.apparatus.get(element) if r.edition else None
    if entry is not None and r.options.notes == "collect" and "apparatus" in r.options.series:
        holder = r.element("div")
        holder.append(r.apparatus_entry(entry))
        r.collect_note(entry, holder, out, APPARATUS_SIGN, label=f"emendation, {entry.mark}")


@handles("add")
def _add(r: Renderer, element, out):
    html = r.wrap(element, out, "span", "add")
    if element.get("resp"):
        html.set("title", f"Added by {r.responsible(element)}")


@handles("supplied")
def _supplied(r: Renderer, element, out):
    span = r.wrap(element, out, "span", "supplied")
    span.text = "[" + (span.text or "")
    append_text(span, "]")


@handles("date")
def _date(r: Renderer, element, out):
    time = r.wrap(element, out, "time", "date")
    if element.get("when"):
        time.set("datetime", element.get("when"))
    other = other_style(element, r.options.date_display)
    if other:
        _add_other_style(time, other)


def other_style(element, display: str) -> str:
    """The date in the other calendar, as the edition adds it in brackets ('' if not needed)."""
    if display == "source" or not element.get("when"):
        return ""
    try:
        when = calendars.PartialDate.parse(element.get("when"))
        julian = calendars.PartialDate.parse(element.get("when-custom")) if element.get("when-custom") else None
    except ValueError:
        return ""
    if when.day is None:
        return ""
    if julian is not None and (element.get("calendar") or "").lstrip("#") == "julian":
        other, shown_year = when, julian.year
    elif display == "source-with-other" and calendars.russian_style(when) == "julian":
        other, shown_year = calendars.gregorian_to_julian(when), when.year
    else:
        return ""
    if re.search(rf"(?<!\d){other.day}(?!\d)", "".join(element.itertext())):
        return ""  # the words already give both styles ("March 12/25", "April 4 [17]")
    return calendars.day_month(other, with_year=other.year != shown_year)


YEAR_AT_END = re.compile(r"^(.*?\S)(,?)\s+(\d{4})(\W*)$", re.S)


def _add_other_style(time: etree._Element, other: str) -> None:
    """'25 October 1917' -> '25 October [7 November] 1917'; otherwise the bracket goes at the end."""
    added = etree.Element("span", {"class": "date-other"})
    added.text = f"[{other}]"
    last = time[-1] if len(time) else None
    text = (last.tail if last is not None else time.text) or ""
    match = YEAR_AT_END.match(text)
    if match:
        before, comma, year, rest = match.groups()
        text, added.tail = before + " ", f"{comma} {year}{rest}"
    else:
        text = text + " "
    if last is not None:
        last.tail = text
    else:
        time.text = text
    time.append(added)


@handles("ref")
def _ref(r: Renderer, element, out):
    target = (element.get("target") or "").split()
    if target and target[0].startswith("#"):
        r.wrap(element, out, "a", "ref", href=r.options.href(target[0][1:]))
    elif target:
        r.wrap(element, out, "a", "ref external", href=target[0])
    else:
        r.wrap(element, out, "span", "ref")


@handles("ptr")
def _ptr(r: Renderer, element, out):
    if element.get("type") == "noteCall":
        # A note call whose note is not in the copy-text: kept, shown discreetly.
        call = etree.SubElement(out, "sup", {"class": "notecall-missing",
                                             "title": "note call of the print source; the note is not in the copy-text"})
        call.text = element.get("n") or ""
        return
    target = (element.get("target") or "").split()
    if target and target[0].startswith("#"):
        key = target[0][1:]
        found = r.edition.targets.get(key)
        link = etree.SubElement(out, "a", {"class": "ptr", "href": r.options.href(key)})
        link.text = found.block.label if found and found.block else key


@handles("anchor")
def _anchor(r: Renderer, element, out):
    etree.SubElement(out, "span", {"id": element.get(XML_ID) or "", "class": "anchor"})


@handles("lb")
def _lb(r: Renderer, element, out):
    etree.SubElement(out, "br")


@handles("pb")
def _pb(r: Renderer, element, out):
    """A page break of the print source, shown in the margin as that edition's page."""
    if not element.get("n"):
        return
    key = element.get(XML_ID)
    block = r.edition.block_of(element) if r.edition and key is None and r.options.side else None
    if block is not None and block.id:
        key = f"{SOURCE_PAGE}{block.id}-{element.get('n')}"  # print: its page decides its margin
    span = etree.SubElement(out, "span", {"class": r._in_margin("srcpage", key),
                                          "title": f"page {element.get('n')} of the print source"})
    if key:
        span.set("id", key)
    etree.SubElement(span, "span").text = element.get("n")  # print: set small on the text's baseline


@handles("fw", "desc")
def _invisible(r: Renderer, element, out):
    """Forme work and the descriptions of omitted debris are recorded, not shown."""


@handles("milestone")
def _milestone(r: Renderer, element, out):
    """A section break without a heading (a blank line in the source) is shown as one."""
    if element.get("unit") == "section":
        etree.SubElement(out, "hr", {"class": "section-break"})


@handles("gap")
def _gap(r: Renderer, element, out):
    if element.get("reason") == "debris":
        return  # web debris: recorded for the fidelity proof, not part of the reading text
    span = etree.SubElement(out, "span", {"class": "gap", "title": f"text missing ({element.get('reason') or 'gap'})"})
    span.text = "[…]"


@handles("note")
def _note(r: Renderer, element, out):
    note = r.edition.notes.get(element)
    if note is not None and note.series not in r.options.series:
        return
    if note is None:  # a note outside any chapter (front matter): render in place
        r.wrap(element, out, "span", "note")
        return
    css = f"note-{note.series}"
    if r.options.notes == "inline":
        body = etree.SubElement(out, "span", {"class": f"footnote {css}", "id": note.id, "data-mark": note.mark})
        r.children(element, body)
        for p in body.iter("p"):
            p.tag = "span"
            p.set("class", "fn-p")
        r.split_note(body)
        return
    holder = r.element("div")
    r.children(element, holder)
    r.collect_note(note, holder, out, note.mark)

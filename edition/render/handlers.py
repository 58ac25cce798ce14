"""What each TEI element becomes in HTML, where its trait's generic rendering will not do.

In: the renderer (render/html.py), a TEI element and the HTML element to render it into.  Out:
the element's HTML appended there.  Each handler is registered for its element names with
`@handles`; an element without a handler renders as its trait says (model/elements.py).
"""

from __future__ import annotations

import re

from lxml import etree

from ..model import calendars
from ..read.tei import XML_ID, XML_LANG, local
from . import apparatus
from .html import SOURCE_PAGE, Renderer, append_text, handles

APPARATUS_SIGN = "°"  # marks an emended word where notes are collected (the EPUB), as in many printed editions
LINE_BREAKS = {"titlePart", "docTitle", "titlePage", "head", "byline", "docImprint", "address", "opener", "closer",
               "dateline", "salute", "signed", "trailer", "docAuthor", "lg", "l"}  # where an lb is a break to show


# --- blocks -------------------------------------------------------------------------------------
@handles("p", "ab")
def _p(r: Renderer, element, out):
    css = " ".join(filter(None, (element.get("type"), element.get("rend")))) or None
    html = r.wrap(element, out, "p", css)
    if element.get("type") == "interpolation":
        html.set("title", f"Interpolation by {r.responsible(element)}")


@handles("quote")
def _quote(r: Renderer, element, out):
    parent = element.getparent()
    opens_note = local(parent) == "note" and not (parent.text or "").strip() and element.getprevious() is None
    is_block = any(local(child) in ("p", "lg", "list", "quote") for child in element) or opens_note or local(parent) in (
        "div", "body", "cit", "epigraph")
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
    standalone = local(element.getparent()) in ("div", "sp", "body")
    r.wrap(element, out, "p" if standalone else "span", "stage")


# --- phrases ------------------------------------------------------------------------------------
HI = {"italic": ("i", None), "bold": ("b", None), "smallcaps": ("span", "sc"), "sup": ("sup", None),
      "superscript": ("sup", None), "sub": ("sub", None), "underline": ("span", "u")}
# @rend values of files made elsewhere, as the words they use (TEI prescribes none)
HI_ALIASES = {"i": "italic", "it": "italic", "italics": "italic", "ital": "italic", "b": "bold", "bo": "bold",
              "sc": "smallcaps", "small-caps": "smallcaps", "smcap": "smallcaps", "super": "sup", "sup": "sup",
              "subscript": "sub", "u": "underline", "ul": "underline"}
HI_CLASSES = {"strikethrough": "strike", "line-through": "strike", "overstrike": "strike", "spaced": "spaced",
              "letterspace": "spaced", "g": "spaced", "gesperrt": "spaced", "caps": "caps", "uppercase": "caps",
              "roman": "roman", "normal": "roman", "upright": "roman", "latintype": "antiqua", "antiqua": "antiqua"}


@handles("hi")
def _hi(r: Renderer, element, out):
    """Highlighting as @rend says (italic without one); its other words, and @rendition, as
    classes and styles (Renderer.wrap)."""
    words = [HI_ALIASES.get(w, w) for w in (element.get("rend") or "").lower().replace(",", " ").split()]
    if not words and not element.get("rendition") and not element.get("style"):
        words = ["italic"]
    main = next((w for w in words if w in HI), None)
    tag, css = HI[main] if main else ("span", None)
    classes = [HI_CLASSES[w] for w in words if w in HI_CLASSES]
    r.wrap(element, out, tag, " ".join(filter(None, (css, *classes))) or None)


@handles("title")
def _title(r: Renderer, element, out):
    html = r.wrap(element, out, "cite", f"title-{element.get('level') or 'm'}")
    language = r.edition.settings.title_languages.get(" ".join("".join(element.itertext()).split())) \
        if r.edition is not None and not element.get(XML_LANG) else None
    if language:  # a title in another language, which the settings name (a screen reader says it so)
        html.set("lang", language)
        if r.options.epub:
            html.set(XML_LANG, language)


@handles("persName", "placeName", "orgName", "name", "rs")
def _name(r: Renderer, element, out):
    span = r.wrap(element, out, "span", "name")
    mention = r.edition.mention(element) if r.edition else None
    if mention is not None:
        span.set("id", mention.id)
        span.set("class", f"name {mention.entity.kind}")


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


ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@handles("date")
def _date(r: Renderer, element, out):
    """A date as the source gives it; @when as its machine-readable value; the other calendar's
    date added in brackets as the edition's dates display says (not in a lenient file's dates,
    which are shown as the file gives them)."""
    time = r.wrap(element, out, "time", "date")
    value = element.get("when") or element.get("when-iso") or ""
    if ISO_DATE.match(value):
        time.set("datetime", value)
    source = r.source_of(element)
    other = other_style(element, r.options.date_display) if source is None or not source.lenient else ""
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


@handles("anchor")
def _anchor(r: Renderer, element, out):
    etree.SubElement(out, "span", {"id": element.get(XML_ID) or "", "class": "anchor"})


@handles("pb")
def _pb(r: Renderer, element, out):
    """A page break of the print source, shown in the margin as that edition's page.  Where a file
    records the pages of several editions (@ed), the first edition's stand as they are and the
    others' are named ('pga 12')."""
    if not element.get("n"):
        return
    edition_name = (element.get("ed") or "").lstrip("#")
    label = element.get("n") if edition_name == r.first_page_system(element) else f"{edition_name} {element.get('n')}"
    key = element.get(XML_ID)
    block = r.edition.block_of(element) if r.edition and key is None and r.options.side else None
    if block is not None and block.id:
        key = f"{SOURCE_PAGE}{block.id}-{element.get('n')}"  # print: its page decides its margin
    span = etree.SubElement(out, "span", {"class": r.in_margin("srcpage", key),
                                          "title": f"page {label} of the print source"})
    if key:
        span.set("id", key)
    etree.SubElement(span, "span").text = label  # print: set small on the text's baseline


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


@handles("choice")
def _choice(r: Renderer, element, out):
    """The reading text shows the correction, regularisation or expansion (else the first
    alternative); where notes are collected, the emendation is called with its own mark."""
    alternatives = [child for child in element if isinstance(child.tag, str)]
    shown = next((child for child in alternatives if local(child) in apparatus.SHOWN), alternatives[0] if alternatives else None)
    if shown is None:
        return
    span = r.wrap(shown, out, "span", local(shown))
    if element.get(XML_ID):
        span.set("id", element.get(XML_ID))
    _call_entry(r, element, out, "emendation", span)


@handles("app")
def _app(r: Renderer, element, out):
    """The reading text shows the lemma; the readings of the witnesses go to the apparatus."""
    lemma = next((child for child in element if local(child) == "lem"), None)
    span = r.wrap(lemma, out, "span", "lem") if lemma is not None else etree.SubElement(out, "span", {"class": "lem"})
    if element.get(XML_ID):
        span.set("id", element.get(XML_ID))
    _call_entry(r, element, out, "variant", span)


def _call_entry(r: Renderer, element, out, what: str, lemma) -> None:
    """The entry of the apparatus an emendation or a variant makes: print sets it after its lemma
    (the HTML `lemma`, marked as where the entry's passage begins), keyed to the lemma's lines;
    where notes are collected, a call with its own mark."""
    entry = r.edition.apparatus.get(element) if r.edition else None
    if entry is None or "apparatus" not in r.options.series:
        return
    if r.notes.inline:
        apparatus.mark_start(lemma, entry.id)
        apparatus.at_lemma(r, entry, out)
        return
    holder = r.element("div")
    holder.append(apparatus.in_context(r, entry))
    holder[-1].tail = " "
    holder.append(apparatus.entry_of(r, entry))
    r.notes.place(entry, holder, out, APPARATUS_SIGN, label=f"{what}, {entry.mark}")


@handles("rdg", "rdgGrp", "witDetail")
def _reading(r: Renderer, element, out):
    """Readings outside an app (a stray rdg): not the reading text; they show in the apparatus."""


@handles("lacunaStart", "lacunaEnd", "witStart", "witEnd")
def _witness_marker(r: Renderer, element, out):
    """Where a witness breaks off or resumes: said in the apparatus entry, not in the text."""


def _target(r: Renderer, element) -> str | None:
    """The id of the edition a pointer names: '#x', or a bare 'x' where the edition has that id
    (real files often leave out the '#')."""
    tokens = (element.get("target") or "").split()
    if not tokens:
        return None
    key = tokens[0].removeprefix("#")
    if r.edition is not None and key not in r.edition.targets:
        source = r.source_of(element)
        if source is not None and source.lenient or not tokens[0].startswith("#"):
            return None  # no such id (reported as lenient-pointer): the words stand as text
    return key


EXTERNAL = re.compile(r"^(https?|ftp|mailto|doi|urn):", re.I)


@handles("ref")
def _ref(r: Renderer, element, out):
    """A link: inside the edition to the id it names; outside it to the address (never fetched);
    a target that is neither (a file of another project, a canonical reference) as text."""
    key, target = _target(r, element), (element.get("target") or "").split()
    if key is not None:
        r.wrap(element, out, "a", "ref", href=r.options.href(key))
    elif target and EXTERNAL.match(target[0]):
        r.wrap(element, out, "a", "ref external", href=target[0])
        if r.options.addresses:  # on paper the address is read, not clicked
            address = etree.SubElement(out, "span", {"class": "address"})
            address.text = f" <{target[0]}>"
    else:
        span = r.wrap(element, out, "span", "ref")
        if target:
            span.set("title", " ".join(target))


@handles("ptr")
def _ptr(r: Renderer, element, out):
    if element.get("type") == "noteCall":
        # A note call whose note is not in the copy-text: kept, shown discreetly, in the brackets or
        # braces of the print source (@rend), else in square brackets (so that it cannot be taken
        # for a call of this edition, nor its figures for part of a word).
        call = etree.SubElement(out, "sup", {"class": "notecall-missing",
                                             "title": "note call of the print source; the note is not in the copy-text"})
        rend = element.get("rend") if len(element.get("rend") or "") == 2 else "[]"
        call.text = f"{rend[0]}{element.get('n')}{rend[1]}" if element.get("n") else ""
        return
    key, target = _target(r, element), (element.get("target") or "").split()
    if key is not None:
        found = r.edition.targets.get(key) if r.edition else None
        link = etree.SubElement(out, "a", {"class": "ptr", "href": r.options.href(key)})
        link.text = found.block.label if found and found.block else key
    elif target and EXTERNAL.match(target[0]):
        link = etree.SubElement(out, "a", {"class": "ptr external", "href": target[0]})
        link.text = target[0]


@handles("lb")
def _lb(r: Renderer, element, out):
    """A line break of the source: shown where lines matter (verse, title pages, letters' openers
    and closers); in running text a word space, or nothing where a word goes on (break="no")."""
    joined = element.get("break") == "no"
    if joined:
        _strip_end(out)
    elif any(local(e) in LINE_BREAKS for e in element.iterancestors()) and local(element.getparent()) != "l":
        etree.SubElement(out, "br")
    elif not _ends_in_space(out):
        append_text(out, " ")


def _strip_end(out: etree._Element) -> None:
    if len(out):
        out[-1].tail = (out[-1].tail or "").rstrip().rstrip("¬")
    else:
        out.text = (out.text or "").rstrip().rstrip("¬")


def _ends_in_space(out: etree._Element) -> bool:
    text = (out[-1].tail if len(out) else out.text) or ""
    return not text or text[-1].isspace()


@handles("cb", "gb")
def _column_break(r: Renderer, element, out):
    """A column or gathering break of the source: no break in the reading text."""
    if element.get("break") == "no":
        _strip_end(out)


@handles("space")
def _space(r: Renderer, element, out):
    """Space left blank in the source: a word space in the reading text."""
    if not _ends_in_space(out):
        append_text(out, " ")


@handles("list")
def _list(r: Renderer, element, out):
    """A list; its head as the list's first line, labels before their items."""
    ordered = (element.get("rend") or element.get("type") or "") in ("numbered", "ordered")
    html = r.wrap(element, out, "ol" if ordered else "ul", "list")
    for head in [child for child in html if "head" in (child.get("class") or "").split()]:
        head.tag = "li"  # a list holds only items


@handles("table")
def _table(r: Renderer, element, out):
    """A table; its head as the caption, cells with role="label" as header cells."""
    html = r.wrap(element, out, "table", "table")
    heads = [child for child in html if child.tag == "p" and "head" in (child.get("class") or "")]
    for k, head in enumerate(heads):
        head.tag = "caption"
        html.remove(head)
        html.insert(k, head)


@handles("row")
def _row(r: Renderer, element, out):
    r.wrap(element, out, "tr", "label" if element.get("role") == "label" else None)


@handles("cell")
def _cell(r: Renderer, element, out):
    header = element.get("role") == "label" or local(element.getparent()) == "row" and element.getparent().get("role") == "label"
    attributes = {name: element.get(key) for key, name in (("cols", "colspan"), ("rows", "rowspan"))
                  if (element.get(key) or "").isdigit() and element.get(key) != "1"}
    r.wrap(element, out, "th" if header else "td", None, **attributes)


@handles("figure")
def _figure(r: Renderer, element, out):
    """A figure: its local image (a file inside the edition directory) with the figure's
    description as the image's text, and its head as the caption."""
    html = r.wrap(element, out, "figure", "figure")
    for head in [child for child in html if child.tag == "p" and "head" in (child.get("class") or "")]:
        head.tag = "figcaption"


@handles("graphic")
def _graphic(r: Renderer, element, out):
    """A local image, where the writers can place it; an image elsewhere is never fetched: its
    description, or its address, stands as text."""
    href = r.options.image(element) if r.options.image else None
    description = element.getparent().find("{http://www.tei-c.org/ns/1.0}figDesc") if element.getparent() is not None else None
    words = " ".join("".join(description.itertext()).split()) if description is not None else ""
    if href:
        etree.SubElement(out, "img", {"src": href, "alt": words, "class": "graphic"})
    else:
        span = etree.SubElement(out, "span", {"class": "graphic-missing"})
        span.text = f"[{words or 'image'}: {element.get('url') or ''}]".replace(": ]", "]")


@handles("del")
def _del(r: Renderer, element, out):
    """Text struck out in the source: shown struck through."""
    r.wrap(element, out, "del", "del")


@handles("foreign")
def _foreign(r: Renderer, element, out):
    r.wrap(element, out, "i", "foreign")


@handles("titlePage")
def _title_page(r: Renderer, element, out):
    r.wrap(element, out, "div", "titlePage")


@handles("note", "noteGrp")
def _note(r: Renderer, element, out, attached: bool = False):
    """A note placed by the output's placement (render/notes.py) at its call: where it stands,
    or, for a note kept elsewhere and pointing to its place (@target, @corresp), there."""
    note = r.edition.notes.get(element) if r.edition else None
    if note is not None and note.series not in r.options.series:
        return
    if r.edition is not None and element in r.edition.attaches and not attached:
        return  # called where it points to (Renderer.node)
    if note is None:  # a note outside any chapter (front matter): render in place
        r.wrap(element, out, "span", "note")
        return
    body = r.element("div")
    r.children(element, body)
    r.notes.place(note, body, out, note.mark)

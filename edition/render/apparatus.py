"""The apparatus series and the parallels, formatted for both outputs.

In: the renderer (render/html.py) and a paragraph, an emendation (`choice`) or a variant
(`app`).  Out: HTML spans: one entry ('reptilian] reptilian_ copy-text; corr. ed.'), or the list
of parallels ('cf. K 2.14; M 38.3').  Print floats each entry from its lemma, keyed to the line
('7.94.3 reptilian] …'), and a paragraph's parallels, keyed to it, to the foot of the page; the
EPUB pops each entry up from its own call.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

from lxml import etree

from ..model import elements
from ..model.records import Block, Division, Note
from ..read.reader import HEADING_KEY
from ..read.tei import TEI_NS, local
from .notes import OPS_TYPE

if TYPE_CHECKING:
    from .html import Renderer

ENTRY_ELEMENTS = (f"{{{TEI_NS}}}choice", f"{{{TEI_NS}}}app")  # what makes an entry of the apparatus
SHOWN = ("corr", "reg", "expan")  # a choice's reading-text side, in order of preference
ORIGINAL = ("sic", "orig", "abbr")
VERBS = {"corr": "corr.", "reg": "reg.", "expan": "exp."}
OMITTED = "⟨om.⟩"
CONTEXT_WORDS = 4  # words on each side of a lemma shown with an entry where notes are collected
FROM = "data-from"  # print: the keys of the notes whose passage begins at an element (read back by check/layout.py)
KEY = "app-number"  # print: the class of an entry's line key ('7.62.3'), whose figures a layout fills in
KEY_OF = "data-key-of"  # ... and the attribute naming its entry (write/page_numbers.py)


def at_lemma(r: Renderer, entry: Note, out: etree._Element) -> None:
    """Print: the entry at its lemma, floated to the foot of the page, where the apparatus runs
    in: '7.62.3 Dyemyan] Dymyan copy-text; corr. ed.', keyed to the paragraph and the line its
    lemma stands on (counted as the margin counts; the line on the page if lines are counted by
    page), or the lines it spans ('7.62.3–4'); an entry on the lines of the entry before it in its
    paragraph drops the key for '|'."""
    span = etree.SubElement(out, "span", {"class": "apparatus", "id": entry.id})
    key = etree.SubElement(span, "span", {"class": KEY, KEY_OF: entry.id})
    if entry.mark == HEADING_KEY:
        key.text = HEADING_KEY
    else:
        before = _entry_before(r, entry)
        args = (entry.id, before.id if before is not None else "", "" if r.options.line_by_page else entry.mark)
        keyed = r.options.line or _unnumbered
        key.attrib["class"], key.text = keyed("entry-class", args), keyed("entry-text", args)
    key.tail = " "
    span.append(entry_of(r, entry))
    r.notes.split(span, "apparatus")


def line_key(paragraph: str | None, lines: tuple[int, int] | None, last: str | None = None) -> str:
    """'7.62.3', '7.62.3–4' (a passage over two lines), '8.40.3–8.48' (from a line of one
    paragraph to the end of paragraph `last`) or, lines counted by page (no paragraph), '3', '3–4'."""
    first, end = lines or (1, 1)
    span = f"{first}\u2013{end}" if end != first else str(first)
    if paragraph is None:
        return span
    if last is not None and last != paragraph:
        return f"{paragraph}.{first}\u2013{last}"
    return f"{paragraph}.{span}"


def _same_line(line, key: str, before: str) -> bool:
    """The passage of the entry `key` is on the lines of the entry `before` ("": none)."""
    lines = line(key)
    return lines is not None and bool(before) and line(before) == lines


# What a line key prints, from `line` (an id -> the first and last line of its passage in a
# layout, or None): the class and text of an entry's key (its id, the id of the entry before it
# in its paragraph or "", its paragraph's number or "" where lines are counted by page), and the
# text of a paragraph's parallels' key (their id, the paragraph's number, the last paragraph's of
# their run or "")
LINE_KEYS = {
    "entry-class": lambda line, key, before, paragraph: "app-same-line" if _same_line(line, key, before) else KEY,
    "entry-text": lambda line, key, before, paragraph: "|" if _same_line(line, key, before)
    else line_key(paragraph or None, line(key)),
    "parallels": lambda line, key, paragraph, last: line_key(paragraph, (lines := line(key)) and (lines[0], lines[0]),
                                                             last or None),
}


def _unnumbered(name: str, args: tuple[str, ...]) -> str:
    """A line key as it prints with no layout's lines (`Options.line` unset)."""
    return LINE_KEYS[name](lambda key: None, *args)


def _entry_before(r: Renderer, entry: Note) -> Note | None:
    """The entry before `entry` in its paragraph, if any."""
    if not r.entries_before:
        last: dict = {}
        for other in r.edition.apparatus.values():
            key = (other.chapter.id, other.mark)
            r.entries_before[other] = last.get(key)
            last[key] = other
    return r.entries_before.get(entry)


def entry_of(r: Renderer, entry: Note) -> etree._Element:
    """One entry without its paragraph number."""
    if local(entry.element) == "app":
        return variant(r, entry.element)
    return emendation(r, entry.element)


def emendation(r: Renderer, choice: etree._Element) -> etree._Element:
    """'reptilian] reptilian_ copy-text; corr. ed.': the reading text's word, then the copy-text's,
    the editorial words in italics.  A lemma with no letter takes the word it belongs to ('Stalin.',
    '“Lenin', 'May 16'), and a change of spacing the text on the side of the space, so that the
    lemma can be found and differs from the reading ('Stalin’s] Stalin ’s')."""
    parts = {local(c): c for c in choice if isinstance(c.tag, str)}
    shown = next(parts[n] for n in SHOWN if n in parts)
    original = next((parts[n] for n in ORIGINAL if n in parts), None)
    lemma_text = "".join(r.typography.itertext(shown))
    reading_text = "".join(original.itertext()) if original is not None else ""
    opening = unicodedata.category((lemma_text.strip() or " ")[0]) in ("Ps", "Pi")  # '[', '“': with the word after
    bare = not any(c.isalpha() for c in lemma_text)
    spaced = [text[:1].isspace() for text in (lemma_text, reading_text)], [text[-1:].isspace() for text in (lemma_text, reading_text)]
    before = _reach(r, choice, after=False) if (bare and not opening) or any(spaced[0]) else ""
    after = _reach(r, choice, after=True) if (bare and opening) or any(spaced[1]) else ""
    html = etree.Element("span", {"class": "app-entry"})
    lemma = etree.SubElement(html, "span", {"class": "lemma"})
    lemma.text = _plain(before + lemma_text + after) if lemma_text.strip() else OMITTED  # as the reading text has it
    lemma.tail = "] "
    reading = etree.SubElement(html, "span", {"class": "reading"})
    reading.text = _plain(before + reading_text + after) if reading_text.strip() else OMITTED  # the copy-text's characters
    reading.tail = " "
    who = r.responsible(shown)
    etree.SubElement(html, "span", {"class": "app-ed"}).text = (
        f"copy-text; {VERBS[local(shown)]} {'ed.' if who.lower().startswith('the editors') else who}")
    return html


def _reach(r: Renderer, element: etree._Element, after: bool) -> str:
    """The reading text next to an element on one side, as few words as hold a letter (three at
    most): 'Stalin', 'third [' before '16', 'you …’' before '”'."""
    for words in (1, 2, 3):
        found = _beside(r, element, after, words)
        if any(c.isalpha() for c in found):
            break
    return found


def _unpunctuated(words: str) -> str:
    """Words without the stops around them ('κυριακῆς·' -> 'κυριακῆς'): what an addition follows."""
    trimmed = words.strip()
    while trimmed and unicodedata.category(trimmed[-1]).startswith("P"):
        trimmed = trimmed[:-1]
    while trimmed and unicodedata.category(trimmed[0]).startswith("P"):
        trimmed = trimmed[1:]
    return trimmed.strip()


def _beside(r: Renderer, element: etree._Element, after: bool, words: int = 1) -> str:
    """The reading text next to an element up to the nearest `words` words on that side, with the
    space between them and it if any ('Stalin', 'the ', ' ]'), typeset as the text is."""
    axis = "following" if after else "preceding"
    texts = element.xpath(f"{axis}::text()[position() <= 60]")
    if not after:
        texts = list(reversed(texts))
    block = r.edition.block_of(element) if r.edition else None
    run = ""
    pattern = (re.compile(rf"(\s*)((?:\S+\s+){{{words - 1}}}\S+)(?=\s)") if after
               else re.compile(rf"(?<=\s)((?:\S+\s+){{{words - 1}}}\S+)(\s*)$"))
    for text in texts:
        holder = text.getparent()
        inside = holder if not text.is_tail else holder.getparent()
        if inside is None or any(not elements.reading(e) or local(e) in ("note", "teiHeader")
                                 for e in (inside, *inside.iterancestors())):
            continue
        if r.edition and r.edition.block_of(inside) is not block:
            break  # the paragraph ends
        typeset = (r.typography.tail(holder) if text.is_tail else r.typography.text(holder)) or str(text)
        run = run + typeset if after else typeset + run
        if (pattern.match(run) if after else pattern.search(run)):
            break
    run = " ".join(run.split(" ")) if run else ""
    found = (re.match(r"(\s*)(\S+(?:\s+\S+)*)", run) if after else re.search(r"(\S+(?:\s+\S+)*)(\s*)$", run))
    if not found:
        return ""
    chosen = found[2].split()[:words] if after else found[1].split()[-words:]
    return (" " if found[1] else "") + " ".join(chosen) if after else " ".join(chosen) + (" " if found[2] else "")


def in_context(r: Renderer, entry: Note) -> etree._Element:
    """Where notes are collected: the entry's lemma among the words around it ('… a precursor of
    his …'), so that the list of entries can be read away from the text."""
    element = entry.element
    shown = next((c for c in element if isinstance(c.tag, str) and local(c) in (*SHOWN, "lem")), None)
    html = etree.Element("span", {"class": "app-context"})
    html.text = "…" + _beside(r, element, after=False, words=CONTEXT_WORDS)
    lemma = etree.SubElement(html, "span", {"class": "app-context-lemma"})
    lemma.text = _plain(r.typography.itertext(shown)) if shown is not None else ""
    lemma.tail = _beside(r, element, after=True, words=CONTEXT_WORDS) + "…"
    return html


def variant(r: Renderer, app: etree._Element) -> etree._Element:
    """'ἀρχιεπισκόπου E P X] ἀρχεπισκόπου S': the lemma with its witnesses, then each reading
    with its witnesses; an empty lemma (an addition) is the word before it, 'add.' marking the
    reading."""
    html = etree.Element("span", {"class": "app-entry"})
    lemma_element = next((c for c in app if local(c) == "lem"), None)
    lemma = etree.SubElement(html, "span", {"class": "lemma"})
    text = _plain(r.typography.itertext(lemma_element)) if lemma_element is not None else ""
    lemma.text = text or _unpunctuated(_reach(r, app, after=False)) or OMITTED
    if text:  # a word borrowed for an empty lemma is no reading of its witnesses
        _witnesses(r, lemma_element, html)
    html[-1].tail = (html[-1].tail or "") + "] "
    readings = [c for c in app.iter(f"{{{TEI_NS}}}rdg")]
    details = list(app.iter(f"{{{TEI_NS}}}witDetail"))
    for k, rdg in enumerate(readings):
        reading = etree.SubElement(html, "span", {"class": "reading"})
        reading.text = _reading_text(rdg) or OMITTED
        _witnesses(r, rdg, html)
        said = [d for d in details if _about(d, rdg)]
        details = [d for d in details if d not in said]
        _editorial(html, ["add." if not text and _plain(rdg.itertext()) else "om." if not _plain(rdg.itertext()) else "",
                          *(_plain(d.itertext()) for d in said)])
        if k < len(readings) - 1:
            html[-1].tail = (html[-1].tail or "") + " "
    _editorial(html, [_plain(d.itertext()) for d in details])  # on the lemma's witnesses, or on all
    return html


def _reading_text(rdg: etree._Element) -> str:
    """A reading's words, with where a witness's lacuna begins or ends."""
    parts: list[str] = []

    def walk(element) -> None:
        if local(element) in LACUNA:
            parts.append(f" {LACUNA[local(element)]} ")
        elif isinstance(element.tag, str):
            parts.append(element.text or "")
            for child in element:
                walk(child)
                parts.append(child.tail or "")

    walk(rdg)
    return _plain(parts)


LACUNA = {"lacunaStart": "lac. inc.", "lacunaEnd": "lac. des.", "witStart": "inc.", "witEnd": "des."}


def _about(detail: etree._Element, rdg: etree._Element) -> bool:
    """Whether a witDetail speaks of a reading: it points to it, or to witnesses all of which have it."""
    key = rdg.get("{http://www.w3.org/XML/1998/namespace}id")
    if key and key in (detail.get("target") or "").replace("#", "").split():
        return True
    said, have = set((detail.get("wit") or "").split()), set((rdg.get("wit") or "").split())
    return bool(said) and said <= have


def _editorial(html: etree._Element, words: list[str]) -> None:
    """Editorial words after a reading ('add.', a witDetail's remark), in italics in parentheses."""
    words = [w for w in words if w]
    if words:
        html[-1].tail = (html[-1].tail or "") + " ("
        etree.SubElement(html, "span", {"class": "app-ed"}).text = "; ".join(words)
        html[-1].tail = ")"


def _witnesses(r: Renderer, reading: etree._Element | None, html: etree._Element) -> None:
    """The sigla of a reading's witnesses, in italics after it ('E P')."""
    sigla = witness_sigla(r, reading)
    if sigla:
        html[-1].tail = (html[-1].tail or "") + " "
        etree.SubElement(html, "span", {"class": "wit"}).text = " ".join(sigla)


def witness_sigla(r: Renderer, reading: etree._Element | None) -> list[str]:
    """The sigla @wit names: each witness's own siglum where its file gives one, else its id."""
    if reading is None:
        return []
    found = []
    for token in (reading.get("wit") or "").split():
        key = token.lstrip("#")
        witness = r.local_id(reading, key)
        siglum = witness.find(f"{{{TEI_NS}}}abbr[@type='siglum']") if witness is not None else None
        found.append(_plain(siglum.itertext()) if siglum is not None else key)
    return found


def mark_start(html: etree._Element, key: str) -> None:
    """Print: mark an HTML element as where the passage of the note `key` begins (its lemma), so
    that the layout finds the line the passage begins on."""
    html.set(FROM, " ".join(filter(None, (html.get(FROM), key))))


def parallels_id(block: Block) -> str:
    """The id of a paragraph's parallels in print."""
    return f"{block.id}-parallels"


def first_mention(r: Renderer, block: Block) -> etree._Element | None:
    """Where a paragraph first tells an event its parallels are on (or is linked or referred to),
    if it opens a run of paragraphs with the same parallels: where their key's line is counted."""
    found = r.edition.parallels.get(block) if r.edition else None
    if not found or _run(r, block) is None:
        return None
    at = {parallel.at for parallel in found}
    return next((element for element in block.element.iter() if element in at), None)


def parallels(r: Renderer, block: Block, tag: str) -> etree._Element | None:
    """'cf. K 2.14; M 38.3': the other sources' passages on the same events, and cross-references,
    as links; print adds the page of each (from the previous layout) and keys the list to its
    paragraph ('7.12 cf. …'), or to the run of paragraphs that give the same list ('7.12–15 cf.
    …', printed once, with the first); None for a paragraph whose list its run's first prints."""
    found = r.edition.parallels.get(block) if r.edition else None
    if not found:
        return None
    html = r.element(tag, {"class": "parallels"})
    if r.options.epub:  # beside the text, not part of it: read-aloud may skip it
        html.set("role", "note")
        html.set(OPS_TYPE, "marginalia")
    if r.notes.inline:
        last = _run(r, block)
        if last is None:
            return None
        key = etree.SubElement(html, "span", {"class": KEY, KEY_OF: parallels_id(block)})
        if r.options.line_by_page:  # a paragraph's line is not in the margin: the paragraph alone
            key.text = block.number if last is block else f"{block.number}\u2013{last.number.rsplit('.', 1)[-1]}"
        else:
            key.text = (r.options.line or _unnumbered)("parallels", (parallels_id(block), block.number,
                                                                     "" if last is block else last.number))
        key.tail = " "
    label = etree.SubElement(html, "span", {"class": "parallels-label"})
    label.text = "cf."
    label.tail = " "
    for k, parallel in enumerate(found):
        link = etree.SubElement(html, "a", {"class": "xref", "href": r.options.href(parallel.target.id),
                                            "title": parallel.reason})
        link.text = parallel.target.block.label
        link.tail = "; " if k < len(found) - 1 else None
        if r.options.page:
            page = etree.SubElement(link, "span", {"class": "page"})
            page.text = ", p.\u00a0"
            r.options.page(page, parallel.target.id)
    return html


def _run(r: Renderer, block: Block) -> Block | None:
    """The last paragraph of the run of consecutive paragraphs (in `block`'s chapter) that begins
    with `block` and give the same parallels; None if `block` is not the first of its run."""
    chapter = block.chapter.chapter
    runs = r.parallel_runs
    if chapter not in runs:
        blocks = list(_blocks(chapter))
        targets = [[p.target.id for p in r.edition.parallels.get(b, [])] for b in blocks]
        runs[chapter] = {}
        for k, b in enumerate(blocks):
            if targets[k] and (k == 0 or targets[k - 1] != targets[k]):
                end = k
                while end + 1 < len(blocks) and targets[end + 1] == targets[k]:
                    end += 1
                runs[chapter][b] = blocks[end]
    return runs[chapter].get(block)


def _blocks(division: Division):
    for item in division.content:
        if isinstance(item, Block):
            yield item
        elif isinstance(item, Division):
            yield from _blocks(item)


def _plain(texts) -> str:
    return " ".join("".join(texts).split())

"""Where notes go: one placement per output, used by the tree walker (render/html.py).

In: a note of the model and its body rendered by the walker.  Out: the note placed in the HTML:
print sets its body at the call, where the print CSS floats it to the foot of the page
(`Footnotes`); the EPUB leaves a call and gathers the bodies for the end of the chapter
(`Endnotes`), whose writer takes them with `take()`.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..model.records import Note
from . import flow_words
from .content_model import as_phrases

OPS_NS = "http://www.idpf.org/2007/ops"
OPS_TYPE = f"{{{OPS_NS}}}type"


RUN_IN = "run-in"  # the class of a note whose series runs in (book.css sets it inline)


class Footnotes:
    """Print: a note's body stands at its call.  A note that a typesetter's correction splits
    (write/corrections.py) keeps its first words there; the rest waits in `rests` for the block
    and word where it goes on, at the foot of the next page."""

    inline = True

    def __init__(self, split: Callable[[str], int | None] | None = None,
                 continued: Callable[[str], list[tuple[int, str]]] | None = None, run_in: tuple[str, ...] = ()):
        self.split_at = split  # a note's id -> the words that stay with its call, or None
        self.run_in = run_in  # the series run in at the foot of the page (print.run-in)
        self.continued = continued  # a block's id -> (word, note id) of the rests going on in it
        self.rests: dict[str, etree._Element] = {}

    def place(self, note: Note, body: etree._Element, out: etree._Element, mark: str, label: str | None = None) -> None:
        """The note's body (a span) at its call in `out`; a call after a figure is marked so, that
        the stylesheet sets it apart ('1912 ᵃ', not '1912ᵃ', which reads as a figure)."""
        last = out[-1] if len(out) else None
        before = (last.tail or "".join(last.itertext()) if last is not None else out.text) or ""
        css = f"footnote note-{note.series}" + (" after-figure" if before[-1:].isdigit() else "")
        span = etree.SubElement(out, "span", {"class": css, "id": note.id, "data-mark": mark})
        span.text = body.text
        for child in list(body):
            span.append(child)
        as_phrases(span)
        self.split(span, note.series)

    def split(self, html: etree._Element, series: str) -> None:
        """A note of `series` rendered at its call: marked 'run-in' if its series runs in; cut
        where a correction splits it, its rest kept, without a call or a mark, for `go_on`."""
        if series in self.run_in:
            html.set("class", html.get("class") + " " + RUN_IN)
        keep = self.split_at(html.get("id")) if self.split_at and html.get("id") else None
        rest = flow_words.split_after_words(html, keep) if keep is not None else None
        if rest is not None:
            html.set("class", html.get("class") + " split")
            rest.set("class", rest.get("class") + " continued")
            del rest.attrib["id"]
            self.rests[html.get("id")] = rest

    def go_on(self, block_id: str | None, html: etree._Element, skip: Callable) -> None:
        """Insert in a block the rests of split notes that go on at the foot of its page."""
        for word, key in self.continued(block_id) if self.continued and block_id else []:
            if key in self.rests:
                flow_words.insert_before_word(html, word, self.rests.pop(key), skip=skip)


class Endnotes:
    """EPUB: a call (a noteref that pops the note up) where the note stands; the bodies gathered
    for the end of the chapter, in the order of their calls."""

    inline = False

    def __init__(self, epub: bool = True):
        self.epub = epub
        self.collected: list[tuple[Note, etree._Element]] = []

    def place(self, note: Note, body: etree._Element, out: etree._Element, mark: str, label: str | None = None) -> None:
        """Gather the note's body (a div) and leave its call in `out`; `label` names the call for
        screen readers."""
        self.collected.append((note, body))
        call = etree.SubElement(out, "a", {"class": f"noteref note-{note.series}", "href": f"#{note.id}",
                                           "id": f"ref-{note.id}"})
        if self.epub:
            call.set(OPS_TYPE, "noteref")
            call.set("role", "doc-noteref")
        if label:
            call.set("aria-label", label)
        etree.SubElement(call, "sup").text = mark  # raised even where the reader ignores the CSS
        previous = call.getprevious()
        if previous is not None and "noteref" in (previous.get("class") or "").split() and not previous.tail:
            previous.set("class", previous.get("class") + " call-before")  # two calls touch: space between

    def split(self, html: etree._Element, series: str) -> None:
        """Notes are never split (or run in) on a screen."""

    def go_on(self, block_id, html, skip) -> None:
        """Nothing goes on: notes are never split on a screen."""

    def take(self) -> list[tuple[Note, etree._Element]]:
        """The notes gathered since the last call, in order; the list starts again."""
        taken, self.collected = self.collected, []
        return taken

"""The print HTML laid out in parts, each beginning on a recto, and their pages put together.

In: the print HTML (print_html.py), the settings, and the parts already laid out in this process.
Out: one WeasyPrint document holding every part's pages in order, with a blank verso wherever a
part would otherwise begin on a verso, and WeasyPrint's warnings.

The book's top-level sections that begin on a recto (a source's title page, a part's opening, a
chapter, an appendix; `book.css.jinja` breaks before each) cannot change how any other lays out.
Each is laid out as a document of its own (the front matter, before them, is one more), its page
counter starting where the book has come to; a part is laid out as `page_numbers.masked` gives it
(no page number, folio or side of a margin note: they are written into the laid-out part), and a
part whose masked document is the same as in an earlier layout of this process is not laid out again.  The combined document is what WeasyPrint would lay
out from the whole HTML: its links, anchors and bookmarks resolve across the parts.
"""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from ..read.settings import Settings
from . import layout_fixes, page_numbers

# Classes of the body's sections that begin on a recto, each a part of its own.
RECTO_SECTIONS = {"part", "part-opening", "chapter", "appendix"}
FIRST_TEXT = {"part", "first"}  # the classes of the first source's title page: page 1
# A blank page, as WeasyPrint's :blank pages of the whole book: no running head, no folio.
BLANK = "@page :first { " + " ".join(f"@{box} {{ content: none; }}" for box in (
    "top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right")) + " }"
_ID = re.compile(r'\sid="([^"]+)"')
HARMLESS = ("Using fontTools instead of HarfBuzz-Subset",)  # WeasyPrint's notice about subsetting


class Parts:
    """The parts laid out so far in this process, by their document and first page."""

    def __init__(self) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.laid_out: dict[str, object] = {}
        self.blank = None  # a blank page of the book, to put before a part that would begin on a verso
        self.fonts = FontConfiguration()  # one for all the parts: the book face is loaded and shaped once
        self.starts: list[tuple[int, int | None]] = []  # each part of the last layout: its first page, counter
        self.ids: list[str] = []  # each part of the last layout: its first element's id

    def lay_out(self, html_path: Path, settings: Settings):
        """The whole book, laid out part by part; (document, warnings)."""
        import weasyprint

        head, bodies = split(html_path)
        pages, warnings, documents = [], [], []
        first_text = None
        self.starts, self.ids = [], []
        with _warnings() as collected, layout_fixes.applied(settings.printing.hyphen_ladder):
            for body, begins_text in bodies:
                if len(pages) % 2:  # the part must begin on a recto
                    pages.append(self._blank(head, html_path))
                if begins_text:
                    first_text = len(pages)
                number = len(pages) - first_text + 1 if first_text is not None else None
                self.starts.append((len(pages), number))
                self.ids.append(next(iter(_ID.findall(body)), ""))
                source = page_numbers.masked(document(head, body, number))  # as every layout has it
                key = hashlib.sha256(source.encode()).hexdigest()
                if key not in self.laid_out:
                    self.laid_out[key] = weasyprint.HTML(string=source, base_url=str(html_path)).render(
                        font_config=self.fonts)
                if number is not None:
                    page_numbers.folios(self.laid_out[key].pages, number)
                documents.append(self.laid_out[key])
                pages.extend(self.laid_out[key].pages)
            warnings.extend(collected)
        used = {id(d) for d in documents}  # only this layout's parts are kept: a build goes forward
        self.laid_out = {key: d for key, d in self.laid_out.items() if id(d) in used}
        return documents[0].copy(pages), warnings

    def part_of(self, page: int) -> int:
        """The index of the part the page (of the last layout) belongs to."""
        return max(k for k, (start, _) in enumerate(self.starts) if start <= page)

    def _blank(self, head: str, html_path: Path):
        import weasyprint

        if self.blank is None:
            source = document(head, f"<style>{BLANK}</style><div></div>", None)
            self.blank = weasyprint.HTML(string=source, base_url=str(html_path)).render(font_config=self.fonts).pages[0]
        return self.blank


def lay_out_part(html_path: Path, key: str, number: int | None, ladder: int):
    """The part of the print HTML whose first element has the id `key`, laid out alone, its page
    counter starting at `number`, as `Parts.lay_out` lays it out within the book."""
    import weasyprint

    head, bodies = split(html_path)
    body = next(body for body, _ in bodies if next(iter(_ID.findall(body)), None) == key)
    with layout_fixes.applied(ladder):
        return weasyprint.HTML(string=document(head, body, number), base_url=str(html_path)).render()


def split(html_path: Path | str) -> tuple[str, list[tuple[str, bool]]]:
    """The print HTML's head, and its body cut before every section that begins on a recto, each
    piece with whether it begins the text (the first source's title page, page 1); the HTML is
    given by its path, or as a string.  A piece holds two sections at least (a title page with
    what follows it), but for a source's title page, which always begins one: the pieces of a
    source are the same whatever comes before it."""
    root = lxml_html.parse(str(html_path)).getroot() if isinstance(html_path, Path) else lxml_html.fromstring(html_path)
    head = etree.tostring(root.find("head"), method="html", encoding="unicode")
    body = root.find("body")
    pieces: list[tuple[list[str], bool]] = [([body.text or ""], False)]
    for child in body:
        classes = set((child.get("class") or "").split())
        if child.tag == "section" and classes & RECTO_SECTIONS and (len(pieces[-1][0]) > 1 or "part" in classes):
            pieces.append(([], classes >= FIRST_TEXT))
        pieces[-1][0].append(etree.tostring(child, method="html", encoding="unicode"))
    return f'<html lang="{root.get("lang", "")}">{head}', [("".join(html), first) for html, first in pieces]


def digests(html: str, css: str) -> tuple[dict[str, str], dict[str, str]]:
    """The parts of a print HTML: each part's id (its first element's) -> a digest of what its
    layout depends on (its HTML but for page numbers and sides, the head, the stylesheet); and each
    id in the book -> the id of its part."""
    head, bodies = split(html)
    found, owners = {}, {}
    for body, _ in bodies:
        ids = _ID.findall(body)
        if not ids:
            continue
        found[ids[0]] = hashlib.sha256((css + head + page_numbers.masked(body)).encode()).hexdigest()[:20]
        owners.update((key, ids[0]) for key in ids)
    return found, owners


def document(head: str, body: str, number: int | None) -> str:
    """A part's HTML: the book's head, its counter set to its first page's number (arabic from the
    first text page; the front matter counts from 1 on its own)."""
    counter = f"<style>@page :first {{ counter-reset: page {number}; }}</style>" if number is not None else ""
    return f"<!DOCTYPE html>{head.replace('</head>', counter + '</head>')}<body>{body}</body></html>"


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        if not message.startswith(HARMLESS):
            self.messages.append(message)


class _warnings:
    """WeasyPrint's warnings while the parts are laid out."""

    def __enter__(self) -> list[str]:
        self.handler = _Collect()
        logging.getLogger("weasyprint").addHandler(self.handler)
        return self.handler.messages

    def __exit__(self, *exc) -> None:
        logging.getLogger("weasyprint").removeHandler(self.handler)

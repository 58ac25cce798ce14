"""Page numbers and margin sides that cannot move the layout: filled in after it.

In: the pages of a layout (anchor id -> printed page number).  Out: the markup of a page number
for the print HTML (`markup`, `element`), the HTML with its numbers masked (`masked`: what a
part's layout depends on), and a laid-out document with the right numbers written into its boxes
(`fill`), the right folios into its page heads (`folios`) and its margin notes on the side of
their page (`sides`).

The page numbers of the contents and of the parallels at the foot of the text's pages are each a
`<span class="pg" data-page-of="ID">` as wide as the book's widest page number in tabular figures
(`book.html.jinja`), its figures set to its right.  Whatever number it holds, its
line breaks where it did, so its page does not change: the book is laid out with the numbers of
the last layout (or `PLACEHOLDER`) and each box is given its number afterwards, in the boxes
WeasyPrint laid out, without laying anything out again.  The folio of a part is its page counter
(book.css), which WeasyPrint sets in the margin boxes; a part laid out with another first page is
given its folios the same way.  The paragraph numbers stand in the outer margin and the print
source's pages in the inner one, which one depends on the page: they are absolutely positioned,
and mirrored across the text block if their page's side is not the one they were laid out for.

The back matter's numbers (chronology, concordance, indices) are set at their own width: boxes
would open gaps in their runs and ranges ('13– 14, 21– 22') that no typesetter would pass.  The back
matter comes last, so that only its own parts are laid out again when its numbers change (as an
index is made after the book's last pass); the contents, which print its pages, hold them in boxes.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from . import pagination

PLACEHOLDER = "000"  # the number of an anchor no layout has placed yet
CLASS = "pg"
ATTRIBUTE = "data-page-of"  # the anchor id whose page the box prints
LABEL = "data-label"  # present: the page's label (roman in the front matter), as the contents print it
_BOX = re.compile(rf'(<span class="{CLASS}" {ATTRIBUTE}="[^"]*"[^>]*>)[^<]*(</span>)')
_COUNTER = re.compile(r"counter-reset: page -?\d+;")
MARGIN_NOTES = ("pn", "srcpage")  # paragraph numbers and the print source's pages: outer or inner margin
SIDES = ("recto", "verso")
_SIDE = re.compile(r'class="(pn|srcpage) (?:recto|verso)"')


def printed(key: str, pages: dict[str, int] | None, label: bool = False) -> str:
    """The number printed for the page of `key`: arabic; a `label` is roman before the text (the
    front matter counts from the half-title, page i)."""
    if not pages or key not in pages or (label and "half-title" not in pages):
        return PLACEHOLDER
    number = pages[key]
    return pagination.roman(number + 1 - pages["half-title"]) if label and number <= 0 else str(number)


def markup(key: str, pages: dict[str, int] | None, label: bool = False) -> Markup:
    """The box of the page of `key`, for a template."""
    extra = f' {LABEL}=""' if label else ""
    return Markup(f'<span class="{CLASS}" {ATTRIBUTE}="{escape(key)}"{extra}>{printed(key, pages, label)}</span>')


def element(parent, key: str, pages: dict[str, int] | None):
    """The box of the page of `key`, appended to the lxml element `parent`."""
    from lxml import etree

    box = etree.SubElement(parent, "span", {"class": CLASS, ATTRIBUTE: key})
    box.text = printed(key, pages)
    return box


def digits(pages: dict[str, int] | None) -> int:
    """How many figures the boxes hold: those of the book's last page (3 before any layout)."""
    return max(len(str(max(pages.values()))), 1) if pages else len(PLACEHOLDER)


def masked(html: str) -> str:
    """The HTML with every page number and the page counter's start left out: what its layout
    depends on."""
    return _SIDE.sub(r'class="\1"', _COUNTER.sub("", _BOX.sub(r"\1\2", html)))


def fill(pages_laid_out, pages: dict[str, int]) -> int:
    """Write into every page-number box of the laid-out pages the number `pages` gives its anchor;
    return how many boxes changed."""
    from weasyprint.formatting_structure.boxes import InlineBlockBox, TextBox

    changed = 0
    for page in pages_laid_out:
        for box in page._page_box.descendants():
            if not isinstance(box, InlineBlockBox) or box.element is None or box.element.get(ATTRIBUTE) is None:
                continue
            wanted = printed(box.element.get(ATTRIBUTE), pages, box.element.get(LABEL) is not None)
            texts = [child for child in box.descendants() if isinstance(child, TextBox)]
            if len(texts) == 1 and texts[0].text != wanted:
                _retext(texts[0], wanted, "right", right=box.content_box_x() + box.width)
                changed += 1
    return changed


def folios(pages_laid_out, first: int) -> None:
    """Write the folios of pages laid out as a part, numbered from `first` on (arabic)."""
    from weasyprint.formatting_structure.boxes import MarginBox, TextBox

    for index, page in enumerate(pages_laid_out):
        for margin in page._page_box.children:
            if not isinstance(margin, MarginBox) or not _counts_pages(margin.style["content"]):
                continue
            texts = [child for child in margin.descendants() if isinstance(child, TextBox)]
            if len(texts) == 1 and texts[0].text != str(first + index):
                _retext(texts[0], str(first + index), margin.style["text_align_all"])


def sides(pages_laid_out) -> int:
    """Put every margin note in the margin its page's side wants (rectos are the book's even
    pages, counting from 0: it begins on one), mirroring it across the text block if it was laid
    out for the other side; return how many moved.  Margin notes are absolutely positioned
    (book.css), so their side moves no line."""
    from weasyprint.formatting_structure.boxes import BlockBox

    moved = 0
    for index, page in enumerate(pages_laid_out):
        wanted = SIDES[index % 2]
        block = None
        for box in page._page_box.descendants(placeholders=True):
            element = box.element
            if element is None or not isinstance(box, BlockBox):
                continue
            classes = (element.get("class") or "").split()
            if "chapter" in classes and element.tag == "section":
                block = box
            elif classes[:1] and classes[0] in MARGIN_NOTES and box.style["position"] == "absolute":
                side = getattr(box, "side", next((c for c in classes if c in SIDES), wanted))
                if side != wanted and block is not None:
                    axis = 2 * block.padding_box_x() + block.padding_width()
                    for inner in box.descendants(placeholders=True):
                        inner.position_x = axis - inner.position_x - inner.margin_width()
                    moved += 1
                box.side = wanted
    return moved


def _counts_pages(content) -> bool:
    return content not in ("normal", "none") and any(
        kind == "counter()" and value[0] == "page" and value[1] == "decimal" for kind, value in content)


class _Context:
    """What WeasyPrint's line breaking asks of a layout context for a text without hyphens."""

    def __init__(self) -> None:
        self.dictionaries: dict = {}


def _retext(box, text: str, align: str, right: float | None = None) -> None:
    """Give a laid-out text box another text on the same line, aligned as its box aligns it."""
    from weasyprint.text.line_break import split_first_line

    layout, _, _, width, _, _ = split_first_line(text, box.style, _Context(), None, 0)
    old_right = box.position_x + box.width if right is None else right
    if align in ("right", "end"):
        box.position_x = old_right - width
    elif align == "center":
        box.position_x += (box.width - width) / 2
    box.text, box.pango_layout, box.width = text, layout, width

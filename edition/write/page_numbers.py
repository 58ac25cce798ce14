"""Page numbers and margin sides that cannot move the layout: filled in after it.

In: the pages of a layout (anchor id -> printed page number).  Out: the markup of a page number
for the print HTML (`markup`, `element`), the HTML with its numbers masked (`masked`: what a
part's layout depends on), and a laid-out document with the right numbers written into its boxes
(`fill`), the right folios into its page heads (`folios`) and its margin notes on the side of
their page (`sides`).

The page numbers of the contents and of the parallels at the foot of the text's pages are each a
`<span class="pg" data-page-of="ID">` as wide as the book's widest page number in tabular figures
(`book.html.jinja`).  Whatever number it holds, the lines around it break where they did, and the
pages too.  The contents' figures are set to the right of their box, a column flush with the text
block; a parallel's to its left, and the box is then closed up to them and the room it leaves
spread over its line's word spaces (`fill`): 'p. 63' with no gap, the line as full as it was.
So the book is always laid out as `masked` gives it: every box holding `PLACEHOLDER`, every part
counting its pages from 1, every margin note on the left; and each box is then given its number, each page its folio (its part's page counter, which
WeasyPrint sets in the margin boxes), and each margin note its side (paragraph numbers stand in
the outer margin, the print source's pages in the inner one; they are absolutely positioned, and
mirrored across the text block onto the right where their page wants it), in the boxes WeasyPrint
laid out, without laying anything out again.  As this is done the same way in every build, the
bytes of the book do not depend on what earlier layouts or builds found.

The apparatus keys its entries to lines ('7.62.3'), which only a layout tells.  Their figures are
tabular (book.css): a key's width depends on how many figures it has, not which.  So a layout
takes every key's figures as 0 (`masked`), and `fill_keys` writes the real ones in: a line found
one lower moves nothing, and the pages hold after one layout as they do for page numbers.

The back matter's numbers (chronology, concordance, indices) are set at their own width: boxes
would open gaps in their runs and ranges ('13– 14, 21– 22') that no typesetter would pass.  The back
matter comes last, so that only its own parts are laid out again when its numbers change (as an
index is made after the book's last pass); the contents, which print its pages, hold them in boxes.
"""

from __future__ import annotations

import copy
import re

from markupsafe import Markup, escape

from ..render.apparatus import KEY, KEY_OF
from . import id_anchors, pagination

PLACEHOLDER = "000"  # the number of an anchor no layout has placed yet
CLASS = "pg"
ATTRIBUTE = "data-page-of"  # the anchor id whose page the box prints
LABEL = "data-label"  # present: the page's label (roman in the front matter), as the contents print it
_BOX = re.compile(rf'(<span class="{CLASS}" {ATTRIBUTE}="[^"]*"[^>]*>)[^<]*(</span>)')
_COUNTER = re.compile(r"counter-reset: page -?\d+;")
MARGIN_NOTES = ("pn", "srcpage")  # paragraph numbers and the print source's pages: outer or inner margin
SIDES = ("recto", "verso")
_SIDE = re.compile(r'class="(pn|srcpage) (?:recto|verso)"')
LEFT = {"pn": "verso", "srcpage": "recto"}  # the side whose margin note stands on the left
_KEY = re.compile(rf'(<span class="{KEY}" {KEY_OF}="([^"]*)">)([^<]*)(</span>)')
_FIGURE = re.compile(r"[0-9]")


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
    """The HTML as it is laid out: every page number `PLACEHOLDER`, no page counter's start, every
    margin note on the left (a paragraph number as on a verso, a source's page as on a recto).  A
    layout never holds what a layout found: `fill`, `folios` and `sides` always write it in, the
    same way whatever was laid out before."""
    html = _BOX.sub(rf"\g<1>{PLACEHOLDER}\g<2>", _COUNTER.sub("", html))
    html = _KEY.sub(lambda m: m[1] + _FIGURE.sub("0", m[3]) + m[4], html)
    return _SIDE.sub(lambda m: f'class="{m[1]} {LEFT[m[1]]}"', html)


def keys(html: str) -> dict[str, str]:
    """The line key of each apparatus entry (and paragraph's parallels) the HTML prints, by its id."""
    return {m[2]: m[3] for m in _KEY.finditer(html)}


def fill_keys(pages_laid_out, texts: dict[str, str]) -> int:
    """Write into every line key of the laid-out pages (laid out with its figures 0) its text in
    `texts`, which has as many figures; return how many changed."""
    from weasyprint.formatting_structure.boxes import InlineBox, TextBox

    changed = 0
    for page in pages_laid_out:
        for box in page._page_box.descendants():
            if not isinstance(box, InlineBox) or box.element is None or box.element.get("class") != KEY:
                continue
            wanted = texts.get(box.element.get(KEY_OF))
            found = [child for child in box.descendants() if isinstance(child, TextBox)]
            if wanted is not None and len(found) == 1 and found[0].text != wanted:
                retext(found[0], wanted, found[0].position_x, found[0].width)
                changed += 1
    return changed


def fill(pages_laid_out, pages: dict[str, int] | None) -> None:
    """Write into every page-number box of the laid-out pages the number `pages` gives its anchor,
    as the box's `text-align` sets it: to its right (the contents: a column of numbers), or to
    its left (in a line of text: 'p. 63'), the box then closed up to its number and the rest of
    its line moved left, the room it leaves spread over the line's word spaces if the line is
    justified, as a typesetter sets a number in a line: no gap before it, the line still full.
    A layout filled before is filled again from the lines as it laid them out.  `pages` None:
    each box keeps the number it was laid out with (the print HTML with its numbers, laid out as
    `layout_fixes.main` lays it out), set as the build sets it."""
    from weasyprint.anchors import rectangle_aabb
    from weasyprint.formatting_structure.boxes import TextBox

    for page in pages_laid_out:
        moved = {}  # the boxes of the lines closed up, by their id()
        for line, boxes in _numbered_lines(page._page_box).items():
            _as_laid_out(line)
            slack = {}
            for box in boxes:
                texts = [child for child in box.descendants() if isinstance(child, TextBox)]
                if len(texts) != 1:
                    continue
                wanted = (texts[0].text if pages is None else
                          printed(box.element.get(ATTRIBUTE), pages, box.element.get(LABEL) is not None))
                start = box.content_box_x()  # not its line's: that was set right of the placeholder
                if box.style["text_align_all"] in ("right", "end"):
                    retext(texts[0], wanted, start, box.width)
                else:  # at its start (no width to leave), the box closed up to it
                    retext(texts[0], wanted, start, 0)
                    slack[box] = max(box.width - texts[0].width, 0.0)
                    box.width -= slack[box]
            if _close_up(line, slack):
                moved.update((id(box), box) for box in _in_flow(line))
        if moved:  # their links and anchors where their words now stand (as WeasyPrint's `gather_anchors` sets them)
            page.links = [(kind, target, rectangle_aabb(None, *box.hit_area()) if id(box) in moved else rectangle, box)
                          for kind, target, rectangle, box in page.links]
            names = {id_anchors.anchor(box) for box in moved.values()} & page.anchors.keys()
            first = {}  # an anchor is its name's first box on the page
            for box in page._page_box.descendants(placeholders=True):
                if (name := id_anchors.anchor(box)) in names:
                    first.setdefault(name, box)
            for name, box in first.items():
                if id(box) in moved:
                    x, y, width, height = box.hit_area()
                    page.anchors[name] = (x, y, x + width, y + height)


def _numbered_lines(page_box) -> dict:
    """Each line of the page that holds page-number boxes -> those boxes, in order."""
    from weasyprint.formatting_structure.boxes import InlineBlockBox, LineBox

    found: dict = {}

    def walk(box, line) -> None:
        for child in getattr(box, "children", ()):
            if isinstance(child, InlineBlockBox) and child.element is not None and child.element.get(ATTRIBUTE) is not None:
                if line is not None:
                    found.setdefault(line, []).append(child)
            else:
                walk(child, child if isinstance(child, LineBox) else line)

    walk(page_box, None)
    return found


def _as_laid_out(line) -> None:
    """Put the line's boxes back where the layout set them (if a fill moved them), or note where that is."""
    held = getattr(line, "laid_out", None)
    if held is None:
        line.laid_out = [(box, box.position_x, box.width, getattr(box, "justification_spacing", None),
                          getattr(box, "pango_layout", None), getattr(box, "text", None))
                         for box in _in_flow(line)]
        return
    for box, x, width, spacing, layout, text in held:
        box.position_x, box.width = x, width
        if spacing is not None:
            box.justification_spacing = spacing
        if layout is not None:
            box.pango_layout, box.text = layout, text


def _in_flow(box):
    """The box and the boxes in its flow that `_advance` moves (not the margin notes: `sides` moves them)."""
    from weasyprint.formatting_structure.boxes import InlineBox, LineBox

    if isinstance(box, (LineBox, InlineBox)):
        yield box
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _in_flow(child)
    else:  # a text box, or a page-number box with what it holds
        yield from box.descendants()


def _close_up(line, slack: dict) -> bool:
    """Move what follows each page-number box of the line left by the room the box gave up
    (`slack`: box -> px), spreading the room over the word spaces of a justified line (but its
    last); True if anything moved."""
    total = sum(slack.values())
    if total <= 0:
        return False
    from weasyprint.layout.inline import count_expandable_spaces

    justified = line.style["text_align_all"] == "justify" and getattr(line, "resume_at", None) is not None
    spaces = count_expandable_spaces(line)
    extra = total / spaces if justified and spaces else 0.0
    _advance(line, slack, extra, 0.0)
    return True


def _advance(box, slack: dict, extra: float, advance: float) -> float:
    """Move the box `advance` px right and widen each of its word spaces by `extra` px (as
    WeasyPrint's `add_word_spacing` justifies a line), a page-number box's followers `slack`
    less; return the advance after it."""
    from weasyprint.formatting_structure.boxes import InlineBox, LineBox, TextBox
    from weasyprint.layout.inline import count_expandable_spaces

    if isinstance(box, TextBox):
        box.position_x += advance
        spaces = count_expandable_spaces(box)
        if extra and spaces:
            box.justification_spacing += extra
            box.pango_layout = copy.copy(box.pango_layout)  # drawn with its own spacing (reactivated then)
            box.pango_layout.justification_spacing = box.justification_spacing
            box.width += extra * spaces
            advance += extra * spaces
        return advance
    if isinstance(box, (LineBox, InlineBox)):
        box.position_x += advance
        before = advance
        for child in box.children:
            if child.is_in_normal_flow():
                advance = _advance(child, slack, extra, advance)
        box.width += advance - before
        return advance
    box.translate(advance, 0)
    return advance - slack.get(box, 0.0)


def folios(pages_laid_out, first: int) -> None:
    """Write the folios of pages laid out as a part, numbered from `first` on (arabic)."""
    from weasyprint.formatting_structure.boxes import MarginBox, TextBox

    for index, page in enumerate(pages_laid_out):
        for margin in page._page_box.children:
            if not isinstance(margin, MarginBox) or not _counts_pages(margin.style["content"]):
                continue
            texts = [child for child in margin.descendants() if isinstance(child, TextBox)]
            if len(texts) == 1 and texts[0].text != str(first + index):
                _refolio(texts[0], str(first + index), margin.style["text_align_all"])


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


def retext(box, text: str, start: float, available: float) -> None:
    """Give a laid-out text box another text, set to the right of its line as WeasyPrint sets it
    (`text_align`: the line moved by what it leaves of the width, if anything)."""
    layout, width = _shaped(box, text)
    box.text, box.pango_layout, box.width = text, layout, width
    box.position_x = start if width >= available else start + (available - width)


def _refolio(box, text: str, align: str) -> None:
    """Give a folio another text, on the same side or centre of its margin box, placed from where
    the layout set the first (whatever it was given since: the same folio, the same place)."""
    layout, width = _shaped(box, text)
    if not hasattr(box, "laid_out"):
        box.laid_out = (box.position_x, box.width)
    x, laid_width = box.laid_out
    if align in ("right", "end"):
        x += laid_width - width
    elif align == "center":
        x += (laid_width - width) / 2
    box.text, box.pango_layout, box.width, box.position_x = text, layout, width, x


def _shaped(box, text: str):
    from weasyprint.text.line_break import split_first_line

    layout, _, _, width, _, _ = split_first_line(text, box.style, _Context(), None, 0)
    return layout, width

"""Line numbers in the margin, as reledmac prints them: written into laid-out pages.

In: the laid-out pages of a part, how often a number is shown (every fifth line) and whether the
count restarts with each paragraph or each page.  Out: the pages with a number in the margin
beside every fifth line of the numbered paragraphs; and, from the measured pages, the lines on
which each apparatus entry's lemma and each paragraph's parallels stand (`lemma_lines`), which
the apparatus prints.

A paragraph's number is moved onto the baseline of its first line.  A line number is a copy of
its paragraph's number box (`.pn`, absolutely positioned in the margin), the figures replaced and
the copy moved down to the line's baseline: it takes the paragraph number's style and the side of
the page `page_numbers.sides` gives it, and moves no line.  The copies are held in a margin box of
their own, drawn after the text and before the running heads and folios, and left out of the
tagged PDF's structure, as running heads are.  A paragraph's lines depend only on its measure, not
on its page, so the lines counted by paragraph are the same in every layout of it.
"""

from __future__ import annotations

from . import page_numbers

NUMBERED = "numbered"  # the class of the blocks whose lines are counted (render/html.py)
PARAGRAPH, PAGE = "paragraph", "page"  # where the count starts again


def number(pages_laid_out, every: int, restart: str = PARAGRAPH) -> int:
    """Put the number of every `every`th line of the numbered blocks in the margin of the
    laid-out pages, before `page_numbers.sides` puts margin notes on their side (pages a layout
    kept from an earlier writing are numbered already: left as they are); return how many were put."""
    from weasyprint.layout.absolute import AbsolutePlaceholder

    counts: dict = {}  # a block's element -> its lines so far
    numbers: dict = {}  # a block's element -> its number box (laid out on its first page), its x there
    put = 0
    if not every or any(getattr(page._page_box, "lines_numbered", False) for page in pages_laid_out):
        return 0
    for page in pages_laid_out:
        page._page_box.lines_numbered = True
        holder = None
        on_page = 0
        for line, block in text_lines(page._page_box):
            if block.element not in numbers:
                numbers[block.element] = (_number_box(block), block.content_box_x())
                if numbers[block.element][0] is not None:  # the paragraph's number on its first line's baseline
                    _align(numbers[block.element][0], line)
            counts[block.element] = counts.get(block.element, 0) + 1
            on_page += 1
            count = on_page if restart == PAGE else counts[block.element]
            box, x = numbers[block.element]
            if count % every or box is None:
                continue
            holder = holder or _holder(page._page_box)
            copy = _copy(box, str(count), line)
            copy.translate(dx=block.content_box_x() - x)  # a page of the other side has its text block elsewhere
            placeholder = AbsolutePlaceholder(copy)
            placeholder.set_laid_out_box(copy)
            holder.children = [*holder.children, placeholder]
            put += 1
    return put


def _holder(page_box):
    """A margin box of the page for its line numbers, empty, among the page's children after the
    root's box and before the margin boxes: drawn after the text and before the running heads and
    folios (a PDF's text still ends with them), and, as WeasyPrint tags margin boxes, outside the
    tagged PDF's structure, as a running head is, so that a screen reader does not read the
    numbers into the text.  A page with no margin box of its own holds them in the root's box."""
    from weasyprint.formatting_structure.boxes import MarginBox

    children = page_box.children
    at = next((k for k, box in enumerate(children) if isinstance(box, MarginBox)), None)
    if at is None:
        return children[0]
    holder = children[at].copy_with_children([])
    page_box.children = [*children[:at], holder, *children[at:]]
    return holder


def text_lines(root):
    """(line box, its numbered block box) of every line of the main flow in a numbered block that
    shows text, in order: no margin boxes, notes or absolutely positioned boxes."""
    from weasyprint.formatting_structure import boxes

    def walk(box, block):
        if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)) or (
                box.style is not None and box.style["position"] == "absolute" and box is not root):
            return
        if isinstance(box, boxes.BlockBox) and box.element_tag and "::" not in box.element_tag and box.element is not None:
            if NUMBERED in (box.element.get("class") or "").split() and (block is None or block.element is not box.element):
                block = box  # the block itself, not an anonymous box of it
        if isinstance(box, boxes.LineBox):
            if block is not None and any(isinstance(leaf, boxes.TextBox) and leaf.text.strip()
                                         and "::" not in (leaf.element_tag or "") for leaf in box.descendants()):
                yield box, block  # a line that shows text (not one holding only a note's call)
            return
        for child in getattr(box, "children", ()):
            yield from walk(child, block)

    yield from walk(root, None)


def _number_box(block):
    """The number box of a paragraph laid out (its first page's part of it), if any."""
    for box in block.descendants(placeholders=True):
        box = getattr(box, "_box", box)
        element = box.element if box.element_tag and "::" not in box.element_tag else None
        if element is not None and "pn" in (element.get("class") or "").split() and box.style["position"] == "absolute":
            return box
    return None


def _copy(box, text: str, line):
    """A copy of a paragraph's number box showing `text` (set to the right as the number is), its
    baseline on the baseline of `line`."""
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    copy = box.deepcopy()
    own = next(child for child in copy.descendants() if isinstance(child, LineBox))
    figures = next(child for child in copy.descendants() if isinstance(child, TextBox))
    page_numbers.retext(figures, text, copy.content_box_x(), copy.width)
    for inline in own.children:
        inline.position_x, inline.width = figures.position_x, figures.width
    _align(copy, line)
    return copy


def _align(box, line) -> None:
    """Move a margin number's box so that its baseline is the line's (a letter's smaller type
    sets its first line's baseline apart from where the number, in the paragraph's size, falls)."""
    from weasyprint.formatting_structure.boxes import LineBox

    own = next(child for child in box.descendants() if isinstance(child, LineBox))
    box.translate(dy=(line.position_y + line.baseline) - (own.position_y + own.baseline))


LEMMA = "*line:"  # the prefix of a note's line among the anchors' pages a layout found (makeup.py)
LEMMA_FROM = "*from:"  # ... and of the line its passage begins on, where that is another


def lemma_lines(pages, numbered: set[str], restart: str = PARAGRAPH) -> dict[str, int]:
    """From the measured pages of a layout: LEMMA + a note's id -> the line its call stands on,
    counted as `number` counts them (main-flow lines of the numbered blocks, whose ids are
    `numbered`); LEMMA_FROM + a key -> the line where the passage of that key (an element's
    `data-from`) begins, if not the same line.  An apparatus entry is called at the end of its
    lemma, and its key marks the lemma's start."""
    counts: dict[str, int] = {}
    found: dict[str, int] = {}
    begins: dict[str, int] = {}
    for page in pages:
        on_page = 0
        for line in page.lines:
            block = next((key for key in line.ids if key in numbered), None) if line.area == "main" else None
            if block is None or line.out_of_flow or not line.text.strip():
                continue
            counts[block] = counts.get(block, 0) + 1
            on_page += 1
            count = on_page if restart == PAGE else counts[block]
            for call in line.calls:
                if call.id:
                    found.setdefault(LEMMA + call.id, count)
            for key in line.starts:
                begins.setdefault(key, count)
    found.update({LEMMA_FROM + key: line for key, line in begins.items() if found.get(LEMMA + key) != line})
    return found


def lines(pages: dict[str, int] | None, key: str) -> tuple[int, int] | None:
    """The first and last line of a note's passage (its lemma) from a layout's pages, if found."""
    last = (pages or {}).get(LEMMA + key)
    first = (pages or {}).get(LEMMA_FROM + key, last)
    return None if first is None else (first, last if last is not None else first)

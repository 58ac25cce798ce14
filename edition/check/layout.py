"""The laid-out book checked as a typesetter checks proofs: TeX's overfull and underfull boxes, and more.

In: WeasyPrint's laid-out document (every line, note and call where it landed) and the layout
settings.  Out: `Finding`s, each with a code of `CODES`, the page, a message, and the ids and
words that `locate.Locator` turns into a place in the TEI.  `measure` reads the boxes once into
plain records (`Line`, `PageMeasure`); the checks only look at those records.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
import statistics

from .. import codes
from ..render.apparatus import FROM

# The layout findings: their codes, in the order of the table (edition/codes.py).
CODES = codes.of_stage("layout")

HYPHENS = ("\u2010", "-", "\xad")  # WeasyPrint's hyphenate-character, the hyphen-minus of compounds
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
HEADING_CLASSES = {"head", "opener", "dateline", "salute", "label", "docTitle"}  # keep with what follows
SIGNATURE_CLASSES = {"closer", "signed", "trailer"}  # keep with what precedes
CHAPTER_CLASSES = {"chapter", "appendix", "introduction", "part-opening", "part"}
WORD = re.compile(r"[^\W\d_]+")
PT = 0.75  # WeasyPrint's boxes are in CSS pixels; messages speak points


SHORT_SLACK = 0.03  # lines a page may end early beyond the limit before it counts as short (rounding)


@dataclasses.dataclass(frozen=True)
class Limits:
    """What the checks tolerate (edition.yaml's `print:` sets the first five)."""

    stretch_factor: float = 2.0  # word spaces up to this multiple of the book's median
    short_page_lines: float = 2.0  # a page may end this many body lines early
    ladder: int = 2  # hyphenated line ends in a row
    before: int = 2  # letters at least before a hyphenation
    after: int = 3  # and after it (carried over to the next line)
    runt: int = 4  # a last line of one word this short is a runt
    overfull: float = 0.5  # points beyond the measure

    @classmethod
    def of(cls, printing) -> "Limits":
        """The limits edition.yaml's `print:` sets (read.settings.Print)."""
        return cls(printing.stretch_factor, printing.short_page_lines, printing.hyphen_ladder, printing.hyphen_before,
                   printing.hyphen_after)


@dataclasses.dataclass
class Line:
    """One laid-out line of the main flow or of the notes."""

    page: int
    area: str  # "main" or "notes"
    top: float
    bottom: float
    left: float
    width: float
    measure_left: float  # the containing block's content box
    measure: float
    text: str
    ids: list[str]  # ids of the HTML elements around the line, innermost first
    block_tag: str
    block_classes: set[str]
    context: frozenset[str]  # classes of the block-level elements around the line, its own included
    section: str  # the chapter-level section the line belongs to
    justified: bool
    last: bool  # the paragraph's last line (not merely the last on the page)
    forced: bool  # ends at a forced break (<br>)
    word_space: float  # justified: the width of a word space in ems; else 0
    end_classes: set[str]  # classes of the inline elements around the line's last text
    first_word: str
    last_word: str
    hyphen: str  # "auto" (WeasyPrint hyphenated), "explicit" (a compound's hyphen) or ""
    out_of_flow: bool  # an absolutely positioned box (margin numbers)
    calls: list  # the notes (NoteMark) whose calls stand in the line
    starts: list[str]  # the keys (data-from) of the passages whose text begins in the line
    word_index: int = 0  # main flow: the words of its block (ids[0]) before the line, as both outputs count them


NOTE_CLASSES = frozenset({"footnote", "parallels", "apparatus"})  # what is printed in the note area


def starts_of(element) -> list[str]:
    """The keys `FROM` (render/apparatus.py) gives an element (none for a pseudo-element's box, whose element is None)."""
    return (element.get(FROM) or "").split() if element is not None else []


@dataclasses.dataclass(frozen=True)
class NoteMark:
    """A note as the layout placed it: its id, mark and classes (plain data: a part is measured in
    a worker and its measure sent back)."""

    id: str
    mark: str
    classes: frozenset[str]

    @classmethod
    def of(cls, element) -> "NoteMark":
        return cls(element.get("id") or "", element.get("data-mark") or "", frozenset((element.get("class") or "").split()))


@dataclasses.dataclass
class PageMeasure:
    index: int
    label: str
    lines: list[Line]
    notes: list[NoteMark]  # the notes printed in the page's note area
    flow_limit: float  # the lowest point the main flow may reach (the note area's top)
    flow_bottom: float = 0.0  # the lowest point the main flow reaches (lines and boxes with no lines)
    note_heights: dict = dataclasses.field(default_factory=dict)  # NoteMark -> its height in the note area
    note_lines: dict = dataclasses.field(default_factory=dict)  # NoteMark -> its lines on the page
    rows_bottom: float = 0.0  # the bottom of the main flow's last table row, its cells' padding with it (0: none)
    row_head: float = 0.0  # the height the table row the main flow begins with needs on a page before it can break (`_row_head`; 0: none)


@dataclasses.dataclass
class Finding:
    code: str
    page: int  # index in the document
    label: str  # printed page number
    message: str
    ids: list[str]
    words: str


def measure(document, labels: list[str]) -> list[PageMeasure]:
    """Every page's lines, calls and notes, read from WeasyPrint's boxes."""
    return measure_boxes([page._page_box for page in document.pages], labels)


def measure_boxes(page_boxes: list, labels: list[str]) -> list[PageMeasure]:
    """`measure` of WeasyPrint's page boxes (laid out, their margin boxes made or not)."""
    return counted([measure_page(page_box, index, labels[index]) for index, page_box in enumerate(page_boxes)])


def measure_page(page_box, index: int, label: str) -> PageMeasure:
    """One page's measure, as `measure_boxes` gives it but for the lines' `word_index` (`counted`
    counts them over the pages in order)."""
    from weasyprint.css import AnonymousStyle
    from weasyprint.formatting_structure import boxes

    space = _space_width()
    measured = PageMeasure(index, label, [], [], page_box.content_box_y() + page_box.height)

    pending: list[str] = []  # the starts of a block, given to its first line of text in the flow

    def walk(box, area, block, ids, section, classes, absolute, note=None, context=frozenset()):
        if isinstance(box, boxes.MarginBox):
            return
        if isinstance(box, boxes.FootnoteAreaBox):
            area = "notes"
            if box.children:
                measured.flow_limit = min(measured.flow_limit, box.position_y)
        pseudo = "::" in (box.element_tag or "")
        element = box.element if box.element_tag else None
        if element is not None and not pseudo:
            css = set((element.get("class") or "").split())
            if (area == "notes" and css & NOTE_CLASSES and not isinstance(box, boxes.InlineBox)
                    and not isinstance(box.style, AnonymousStyle)):  # a note, not a run of inline ones
                note = NoteMark.of(element)
                if note not in measured.notes:
                    measured.notes.append(note)
                    measured.note_heights[note] = box.margin_height()
            if element.get("id") and not isinstance(box, boxes.TextBox):
                ids = [element.get("id"), *ids]
            if element.tag == "section" and css & CHAPTER_CLASSES:
                section = element.get("id") or section
            if isinstance(box, boxes.InlineBox):
                classes = classes | css
            else:
                context = context | css
                pending.extend(starts_of(element))
        if box.style is not None and box.style["position"] == "absolute":
            absolute = True
        if isinstance(box, boxes.BlockContainerBox):
            block = box
        if isinstance(box, boxes.LineBox):
            measured.lines.append(_line(box, index, area, block, ids, section, classes, absolute, space, context))
            if not absolute and measured.lines[-1].text.strip():  # not a margin number's line
                measured.lines[-1].starts[:0] = pending
                pending.clear()
            run_in = [NoteMark.of(child.element) for child in box.children if isinstance(child, boxes.InlineBox)
                      and area == "notes" and _classes(child) & NOTE_CLASSES]
            for inline_note in run_in:  # notes run in (note_stack.py): each has its share of the line
                if inline_note not in measured.notes:
                    measured.notes.append(inline_note)
                measured.note_heights[inline_note] = measured.note_heights.get(inline_note, 0.0) + box.height / len(run_in)
                measured.note_lines.setdefault(inline_note, []).append(measured.lines[-1])
            if note is not None:
                measured.note_lines.setdefault(note, []).append(measured.lines[-1])
            if area == "main" and not absolute:
                measured.flow_bottom = max(measured.flow_bottom, box.position_y + box.height)
            return
        if area == "main" and not absolute and isinstance(box, boxes.TableRowBox):
            measured.rows_bottom = max(measured.rows_bottom, box.position_y + box.height)
        if area == "main" and not absolute and isinstance(box, boxes.BlockLevelBox) and not box.children:
            measured.flow_bottom = max(measured.flow_bottom, box.position_y + box.margin_height() - box.margin_bottom)
        for child in getattr(box, "children", []):
            walk(child, area, block, ids, section, classes, absolute, note, context)

    walk(page_box, "main", None, [], "", frozenset(), False)
    measured.row_head = _row_head(page_box)
    return measured


def _row_head(page_box) -> float:
    """If the page's main flow begins with a body row of a table (after the table's repeated
    head; the row's first part or the rest of it), the height it needs on a page before it can
    break: from its top to the lowest of its cells' first places to break (`_first_break`); or, if
    none of its cells can break before its content ends, its whole height, the cells' padding
    below their content with it (a row that cannot break goes whole)."""
    from weasyprint.formatting_structure import boxes

    box = page_box
    while not isinstance(box, boxes.TableRowBox):
        if isinstance(box, boxes.LineBox):
            return 0.0
        children = [child for child in getattr(box, "children", []) if child.is_in_normal_flow()
                    and not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox))
                    and not getattr(child, "is_header", False)]
        if not children:
            return 0.0
        box = children[0]
    breaks = [(_first_break(cell), cell.content_box_y() + cell.height) for cell in box.children]
    if all(first >= end for first, end in breaks):
        return box.height
    return max(first for first, _ in breaks) - box.position_y


def _first_break(box) -> float:
    """The bottom of the first place a block may break its content at (its content's bottom if
    none: a table cell's padding is stretched to its row's height): after its first `orphans`
    lines if it may break inside, else after its first in-flow child, or the first of them not
    kept with the next (`break-after`, `break-before: avoid`)."""
    from weasyprint.formatting_structure import boxes

    bottom = box.content_box_y() + box.height
    children = [child for child in box.children if child.is_in_normal_flow()]
    if not children or _avoided(box.style["break_inside"]):
        return bottom
    if isinstance(children[0], boxes.LineBox):
        if len(children) < box.style["orphans"] + box.style["widows"]:
            return bottom
        line = children[box.style["orphans"] - 1]
        return line.position_y + line.height
    for child, following in zip(children, [*children[1:], None]):
        end = child.content_box_y() + child.height
        inside = _first_break(child) if isinstance(child, boxes.BlockContainerBox) else end
        if inside < end:
            return inside
        if following is None or not (_avoided(child.style["break_after"]) or _avoided(following.style["break_before"])):
            return end
    return bottom


def _avoided(value: str) -> bool:
    return value in ("avoid", "avoid-page")


def _classes(box) -> set[str]:
    """The classes of a box's element (none for a pseudo-element's box)."""
    if not box.element_tag or "::" in box.element_tag or box.element is None:
        return set()
    return set((box.element.get("class") or "").split())


def counted(pages: list[PageMeasure]) -> list[PageMeasure]:
    """The pages as `measure_page` gives them, each main-flow line with its `word_index`: the words
    of its block before it (a word hyphenated across lines counts once, where it begins).  The
    pages and lines given are left as they are: those counted are copies."""
    seen: dict[str, int] = {}
    carried: dict[str, bool] = {}
    fresh = []
    for page in pages:
        lines = {id(line): copy.copy(line) for line in page.lines}
        for line in lines.values():
            if line.area != "main" or line.out_of_flow or not line.ids:
                continue
            key = line.ids[0]
            line.word_index = seen.get(key, 0) - (1 if carried.get(key) else 0)
            seen[key] = line.word_index + len(line.text.split())
            carried[key] = bool(line.hyphen)
        fresh.append(dataclasses.replace(page, lines=list(lines.values()), note_lines={
            note: [lines[id(line)] for line in rows] for note, rows in page.note_lines.items()}))
    return fresh


def _line(box, index, area, block, ids, section, classes, absolute, space, context) -> Line:
    """A line box as a record: its text, extent, measure, word spacing and hyphenation."""
    from weasyprint.formatting_structure import boxes

    leaves: list[tuple] = []  # (text box, classes of its inline ancestors, generated by CSS)
    calls = []
    starts: list[str] = []

    def collect(child, css, generated):
        if getattr(child, "footnote", None) is not None:
            calls.append(NoteMark.of(child.footnote.element))
            starts.extend(starts_of(child.footnote.element))  # a passage beginning at a note: its call
        if isinstance(child, boxes.TextBox):
            leaves.append((child, css, generated))
        elif isinstance(child, boxes.InlineBox):
            pseudo = "::" in (child.element_tag or "")
            element = child.element if child.element_tag and not pseudo else None
            extra = set((element.get("class") or "").split()) if element is not None else set()
            starts.extend(starts_of(element))
            for grandchild in child.children:
                collect(grandchild, css | extra, generated or pseudo)

    for child in box.children:
        collect(child, set(classes), False)
    text = "".join(leaf.text for leaf, _, generated in leaves if not generated)  # as in the HTML: no calls, markers
    style = block.style
    justified = style["text_align_all"] == "justify" and area in ("main", "notes")
    spacing = max((getattr(leaf, "justification_spacing", 0) or 0 for leaf, _, _ in leaves), default=0)
    size = leaves[0][0].style["font_size"] if leaves else style["font_size"]
    spacing += leaves[0][0].style["word_spacing"] if leaves else 0  # a paragraph set tight or loose
    last_text = leaves[-1][0].text if leaves else ""
    hyphen = ""
    if leaves and last_text.endswith(leaves[-1][0].style["hyphenate_character"]) and last_text[-2:-1].isalpha():
        hyphen = "auto"
    elif last_text.endswith(HYPHENS) and last_text[-2:-1].isalpha():
        hyphen = "explicit"
    words = WORD.findall(text)
    element = block.element if block.element_tag and "::" not in block.element_tag else None
    return Line(
        page=index, area=area, top=box.position_y, bottom=box.position_y + box.height,
        left=box.position_x, width=box.width, measure_left=block.content_box_x(), measure=block.width,
        text=text, ids=list(ids), block_tag=element.tag if element is not None else "",
        block_classes=set((element.get("class") or "").split()) if element is not None else set(),
        context=context,
        section=section, justified=justified, last=getattr(box, "resume_at", None) is None,
        forced="\n" in text, word_space=(space + spacing / size) if justified and size else 0,
        end_classes=leaves[-1][1] if leaves else set(), first_word=words[0] if words else "",
        last_word=words[-1] if words else "", hyphen=hyphen, out_of_flow=absolute, calls=calls,
        starts=starts)


@functools.cache
def _space_width() -> float:
    """The book face's word space in ems (EB Garamond's space glyph), read once per process."""
    from fontTools.ttLib import TTFont

    from ..render.fonts import book_fonts

    font = TTFont(next(iter(book_fonts().values())), lazy=True)
    return font["hmtx"]["space"][0] / font["head"].unitsPerEm


def median_space(pages: list[PageMeasure]) -> float:
    """The book's median word space (in ems) in the full lines of justified text."""
    spaces = [line.word_space for page in pages for line in page.lines
              if not line.out_of_flow and _full(line) and line.word_space]
    return statistics.median(spaces) if spaces else 0.0


def stretched(line: Line, median: float, limits: Limits) -> bool:
    return _full(line) and median > 0 and line.word_space > limits.stretch_factor * median


def runt(line: Line, previous: Line | None, limits: Limits) -> bool:
    """The line ends a paragraph of several lines (`previous` the line before it) with one short word."""
    return (line.justified and line.last and not line.forced and previous is not None
            and previous.ids[:1] == line.ids[:1] and " " not in line.text.strip()
            and 0 < len(line.last_word) <= limits.runt)


def line_pitch(pages: list[PageMeasure]) -> float:
    """The book's usual line pitch: the median height of the justified lines of the text (0 if none)."""
    heights = [line.bottom - line.top for page in pages for line in _main(page) if line.justified]
    return statistics.median(heights) if heights else 0


def short_pages(pages: list[PageMeasure], limits: Limits, pitch: float | None = None) -> list[tuple[int, float]]:
    """(page index, lines lacking) of every page that ends early while its chapter goes on; a line
    is the `pitch` given (that of the whole book when `pages` are a part of it), else these pages'.
    A page is not short when the next begins with a table row, or the rest of one, that cannot
    break in the room left below the page's last row (a row breaks only where each of its cells
    has begun: write/row_breaks.py; and an event's name and date are kept together)."""
    pitch = line_pitch(pages) if pitch is None else pitch
    found = []
    for page in pages:
        main = _main(page)
        following = pages[page.index + 1] if page.index + 1 < len(pages) else None
        first = _main(following) if following is not None else []
        if pitch and main and first and first[0].section == main[-1].section != "":
            room = page.flow_limit - page.flow_bottom
            if (room / pitch > limits.short_page_lines + SHORT_SLACK
                    and following.row_head <= page.flow_limit - max(page.flow_bottom, page.rows_bottom)):
                found.append((page.index, room / pitch))
    return found


def _main(page: PageMeasure) -> list[Line]:
    return [line for line in page.lines if line.area == "main" and not line.out_of_flow]


def _full(line: Line) -> bool:
    return line.justified and not line.last and not line.forced


def check(pages: list[PageMeasure], limits: Limits = Limits(), median: float = 0.0) -> list[Finding]:
    """Every finding of every page, in page order; a line is stretched beyond the `median` word
    space the make-up measured (`parts.Book.median`; 0: the pages' own)."""
    found: list[Finding] = []
    median = median or median_space(pages)

    def add(code, line_or_page, message, line=None):
        line = line if line is not None else (line_or_page if isinstance(line_or_page, Line) else None)
        page = pages[line.page] if line is not None else line_or_page
        found.append(Finding(code, page.index, page.label, message.replace("{p}", page.label),
                             line.ids if line else [], line.text if line else ""))

    for page in pages:
        lines = [line for line in page.lines if not line.out_of_flow]
        for previous, line, following in zip([None, *lines], lines, [*lines[1:], None]):
            _check_line(line, previous, following, median, limits, add)
        _check_page(page, pages, lines, limits, add)
    for index, gap in short_pages(pages, limits):
        add("layout-short-page", _main(pages[index])[-1], f"p. {{p}} ends {gap:.0f} lines early in mid-chapter")
    _check_notes(pages, add)
    return found


def _check_line(line, previous, following, median, limits, add):
    full = _full(line)
    slack = line.measure_left + line.measure - (line.left + line.width)
    if full and slack > 1:
        add("layout-short-line", line, f"line ends {slack * PT:.0f} pt short inside a paragraph, p. {{p}}: “{_clip(line.text)}”")
    if stretched(line, median, limits):
        add("layout-stretched-line", line,
            f"line stretched: word spaces {line.word_space / median:.1f}× the median, p. {{p}}: “{_clip(line.text)}”")
    if -slack * PT > limits.overfull:
        add("layout-overfull-line", line, f"line runs {-slack * PT:.1f} pt into the margin, p. {{p}}: “{_clip(line.text)}”")
    if line.hyphen == "auto" and following is not None and following.block_tag == line.block_tag:
        after = following.first_word
        before = line.last_word
        if len(before) < limits.before or len(after) < limits.after:
            add("layout-short-fragment", line, f"hyphenation leaves too few letters: “{before}-{after}”, p. {{p}}")
        if "name" in line.end_classes:
            add("layout-name-break", line, f"proper name hyphenated: “{before}-{after}”, p. {{p}}")
    if runt(line, previous, limits):
        add("layout-runt", line, f"a runt ends the paragraph: “{line.text.strip()}”, p. {{p}}")


def _check_page(page, pages, lines, limits, add):
    main = [line for line in lines if line.area == "main"]
    notes = [line for line in lines if line.area == "notes"]
    for group in (main, notes):
        run = 0
        for k, line in enumerate(group):
            run = run + 1 if line.hyphen else 0
            ends = k + 1 == len(group) or not group[k + 1].hyphen
            if ends and run > limits.ladder:
                add("layout-hyphen-ladder", group[k - run + 1], f"{run} hyphenated line ends in a row, p. {{p}}")
    if not main:
        return
    last, first = main[-1], main[0]
    following = pages[page.index + 1] if page.index + 1 < len(pages) else None
    next_main = [line for line in following.lines if line.area == "main" and not line.out_of_flow] if following else []
    continues = bool(next_main) and next_main[0].section == last.section and last.section != ""
    if last.hyphen and page.index % 2 == 0 and continues:
        add("layout-leaf-turn", last, f"word hyphenated across the leaf turn: “{last.last_word}-”, foot of p. {{p}}")
    if (continues and (last.block_tag in HEADINGS or last.block_classes & HEADING_CLASSES)
            and not last.block_classes & {"part-title"} and "closer" not in last.context):  # a closing's dateline ends
        add("layout-stranded-heading", last, f"heading at the foot of p. {{p}}, its text overleaf: “{_clip(last.text)}”")
    previous_page = pages[page.index - 1] if page.index else None
    before = [line for line in previous_page.lines if line.area == "main" and not line.out_of_flow] if previous_page else []
    if before and before[-1].section == first.section and first.block_classes & SIGNATURE_CLASSES:
        add("layout-stranded-signature", first, f"“{_clip(first.text)}” at the top of p. {{p}}, its text on the page before")


def _check_notes(pages, add):
    called = {}
    for page in pages:
        for line in page.lines:
            for element in line.calls:
                called.setdefault(element, line)
    for page in pages:
        for element in page.notes:
            line = called.get(element)
            if line is not None and line.page != page.index:
                mark = element.mark or ("emendations" if "apparatus" in element.classes else "cf.")
                ids = [element.id] if element.id else []
                add("layout-note-away", line, f"note {mark} printed on p. {page.label}, its call on p. {{p}}",
                    line=dataclasses.replace(line, ids=ids + line.ids))


def _clip(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def run(pages: list[PageMeasure], locator, report, limits: Limits = Limits(), median: float = 0.0) -> list[dict]:
    """Check the measured pages (`median`: as `check` takes it); report each finding as a warning
    located in the sources (by `locate.Locator`); return them as plain records (for `.layout.json`)."""
    records = []
    for finding in check(pages, limits, median):
        location = locator.locate(finding.ids, finding.words)
        report.add(location, finding.code, finding.message)
        records.append({"code": finding.code, "page": finding.label, "location": str(location),
                        "message": finding.message})
    return records


def summary(codes: list[str]) -> str:
    """'layout: 3 stretched line, 1 short page' from the codes of the findings."""
    counts: dict[str, int] = {}
    for code in codes:
        counts[code] = counts.get(code, 0) + 1
    if not counts:
        return "layout: no problems found"
    return "layout: " + ", ".join(f"{n} {code.removeprefix('layout-').replace('-', ' ')}" for code, n in
                                  sorted(counts.items(), key=lambda item: list(CODES).index(item[0])))

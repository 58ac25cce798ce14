"""A part laid out again from the first page its change can reach, the pages before it kept.

In: a part's HTML, and the `Layout` this process kept of an earlier version of the same part (or
None).  Out: WeasyPrint's document of the HTML, the same as a layout of it whole
(tests/test_incremental.py compares the PDFs byte for byte), and its own `Layout` for next time.

WeasyPrint makes each page from where the page before left off: `context.page_maker` holds, for
each page, where it resumes in the box tree, its side, its counters and page groups.  A change
(the typesetter's corrections of a paragraph, an apparatus key that gained a figure) leaves every
page before it as it was.  So the new HTML's elements are compared with the old's, in document
order, up to the first that differs (its tag, attributes, words or tail); the old layout's first
page holding anything from that element on is found, and the new layout begins one page before it
(the end of a page depends on the lines that follow it: widows, keeps).  It goes back further
while that page takes anything over from the page before, which the page maker does not hold: a
note reported to it, a box broken out of the flow, a run of hyphenated lines.  The page maker is
seeded with the old states up to that page, and WeasyPrint's own `make_all_pages`, which re-makes
only the pages whose state changed, gives the old pages back for the others; their boxes are
pointed at the new tree's elements (the same ones, before the change), and their margin boxes are
made again with the rest.  WeasyPrint's warnings for the kept pages are given again, in their place.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools

from . import layout_fixes


@dataclasses.dataclass
class Layout:
    elements: list  # the document's elements, in document order (WeasyPrint's tree)
    page_maker: list  # WeasyPrint's state at the start of each page (context.page_maker)
    bare: list[tuple]  # each page box, with its children and its root box's before its margin boxes
    clean: list[bool]  # nothing was taken over into the page from the page before
    warned: list[int]  # how many of the warnings had been given when each page was begun
    warnings: list[str]  # the layout's warnings (those of building the boxes first)

    @functools.cached_property
    def order(self) -> dict[int, int]:
        """Each element's place in document order, by its id()."""
        return {id(element): k for k, element in enumerate(self.elements)}


def render(html: str, base_url: str, font_config, warnings: list[str], kept: Layout | None = None):
    """Lay `html` out, from the first page its difference from `kept` can reach; `warnings` is the
    list WeasyPrint's warnings are being collected in (the kept pages' are put back in it).
    Returns WeasyPrint's document and its `Layout`."""
    import weasyprint

    parsed = weasyprint.HTML(string=html, base_url=base_url)
    elements = list(parsed.etree_element.iter())
    start = 0 if kept is None else resumed_at(kept, elements)
    maker = _Maker(kept if start else None, start, elements, warnings)
    with maker.hooked():
        document = parsed.render(font_config=font_config)
    return document, maker.layout()


def resumed_at(kept: Layout, elements: list) -> int:
    """The index of the first page of `kept` to lay out again for the document of `elements`."""
    changed = first_difference(kept.elements, elements)
    page = 0
    while page < len(kept.bare) and _last_element(kept.bare[page], kept.order) < changed:
        page += 1
    page = max(page - 1, 0)
    while page > 0 and not kept.clean[page]:
        page -= 1
    return page


def first_difference(old: list, new: list) -> int:
    """The index of the first element (in document order) whose tag, attributes, text or tail differ."""
    for k, (a, b) in enumerate(zip(old, new)):
        if a.tag != b.tag or a.text != b.text or a.tail != b.tail or a.attrib != b.attrib:
            return k
    return min(len(old), len(new))


def _last_element(bare: tuple, index: dict) -> int:
    """The last element (its index in document order) any box of a page stands for."""
    _, children, _ = bare
    return max((index.get(id(box.element), -1) for child in children
                for box in child.descendants(placeholders=True)), default=-1)


class _Maker:
    """WeasyPrint's page making, seeded with the `kept` layout's pages before `start`, and
    recording what a later layout needs of this one."""

    def __init__(self, kept: Layout | None, start: int, elements: list, warnings: list[str]) -> None:
        self.kept, self.start, self.elements, self.warnings = kept, start, elements, warnings
        self.first = len(warnings)
        self.context = None
        self.pages: list = []
        self.clean: list[bool] = []
        self.warned: list[int] = []

    @contextlib.contextmanager
    def hooked(self):
        from weasyprint import layout

        initialize, make_all_pages = layout.initialize_page_maker, layout.make_all_pages
        layout.initialize_page_maker = self.initialize(initialize)
        layout.make_all_pages = self.make_all_pages(make_all_pages)
        try:
            yield
        finally:
            layout.initialize_page_maker, layout.make_all_pages = initialize, make_all_pages

    def initialize(self, initialize):
        def initialize_page_maker(context, root_box):
            initialize(context, root_box)
            self.context = context
            if self.kept is not None:  # the states up to the first page made again
                context.page_maker = [(*copy.deepcopy(state[:4]), _remake(k == self.start))
                                      for k, state in enumerate(self.kept.page_maker[:self.start + 1])]
        return initialize_page_maker

    def make_all_pages(self, make_all_pages):
        def made(context, root_box, html, pages):
            kept, start = self.kept, self.start
            built = len(self.warnings) - self.first  # the warnings of building the boxes
            if kept is not None and not pages:  # the first pass: the kept pages, as they were made
                pages = self.reused(context, html)
            self.pages, self.clean, self.warned = [], [], []
            began = len(self.warnings) - self.first
            for k, page in enumerate(make_all_pages(context, root_box, html, pages)):
                if kept is not None and k <= start:  # before `start`, WeasyPrint gave the kept page back
                    self.clean.append(kept.clean[k])
                    if k < start:
                        began = kept.warned[k] - kept.warned[0] + built
                else:
                    self.clean.append(k == 0 or not (taken_over or hyphenated))
                self.warned.append(began)
                self.pages.append((page, page.children, page.children[0].children))
                taken_over = bool(context.reported_footnotes or context.broken_out_of_flow)
                hyphenated = _ends_hyphenated(page)
                yield page
                began = len(self.warnings) - self.first
        return made

    def reused(self, context, html) -> list:
        """The kept pages before `start`, as the page maker made them (before their margin boxes),
        their boxes standing for the new tree's elements; the warnings WeasyPrint gave while it
        made them given again."""
        from weasyprint.layout.page import set_page_type_computed_styles

        kept, index = self.kept, self.kept.order
        pages = []
        for page, children, root_children in kept.bare[:self.start]:
            page.children = children
            children[0].children = root_children
            for box in page.descendants(placeholders=True):
                if box.element is not None and id(box.element) in index:
                    box.element = self.elements[index[id(box.element)]]
            set_page_type_computed_styles(page.page_type, html, context.style_for)  # for its margin boxes
            pages.append(page)
        self.warnings.extend(kept.warnings[kept.warned[0]:kept.warned[self.start]])
        return pages

    def layout(self) -> Layout:
        return Layout(elements=self.elements, page_maker=list(self.context.page_maker), bare=self.pages,
                      clean=self.clean, warned=self.warned, warnings=list(self.warnings[self.first:]))


def _remake(changed: bool) -> dict:
    return {"content_changed": changed, "pages_wanted": False, "anchors": [], "content_lookups": []}


def _ends_hyphenated(page) -> bool:
    """The page's last line of text ends with a hyphen (layout_fixes counts the run into the next page)."""
    from weasyprint.formatting_structure import boxes

    lines = [box for box in page.children[0].descendants() if isinstance(box, boxes.LineBox)]
    return bool(lines) and (layout_fixes.ends_hyphenated(lines[-1])
                            or layout_fixes.ends_hyphenated(max(lines, key=lambda line: line.position_y)))

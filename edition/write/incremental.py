"""A part laid out again only where its changes reach, the pages before and between them kept.

In: a part's HTML, and the `Layout` this process kept of an earlier version of the same part (or
None).  Out: WeasyPrint's document of the HTML, the same as a layout of it whole
(tests/test_incremental.py compares the PDFs byte for byte), and its own `Layout` for next time.

WeasyPrint makes each page from where the page before left off: `context.page_maker` holds, for
each page, where it resumes in the box tree, its side, its counters and page groups; its
`make_all_pages` gives back an old page without making it when the page's state is unchanged and
nothing marks its content changed.  A change (the typesetter's corrections of a paragraph, an
apparatus key that gained a figure) leaves every page before it as it was.  So the new HTML's
elements are compared with the old's, in document order (tag, attributes, words, tail), and the
page maker is seeded with the old states, the old pages given back for those before the first
that holds a changed element, less one (the end of a page depends on the lines that follow it:
widows, keeps), and less any that takes something over from the page before, which the page maker
does not hold: a note reported to it, a box broken out of the flow, a run of hyphenated lines.

After that page, when the box tree is built the same (the same boxes for the same elements, the
same generated text) and every changed element has a box in the old layout, the old pages are
given back again wherever WeasyPrint finds a page begins in the state it began in before, unless
the page (or the one after it, or a page it takes something over to) holds a changed element, or
the page made before it hands anything over.  The pages given back are pointed at the new tree's
elements (the same ones, unchanged), their margin boxes are made again with the rest, and
WeasyPrint's warnings for them are given again, in their place.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import hashlib

from . import layout_fixes


@dataclasses.dataclass
class Layout:
    elements: list  # the document's elements, in document order (WeasyPrint's tree)
    order: dict[int, int]  # each element's place in document order, by its id()
    shape: str  # the digest of the box tree as built, before the layout (`_shape`)
    page_maker: list  # WeasyPrint's state at the start of each page (context.page_maker)
    bare: list[tuple]  # each page box, with its children and its root box's before its margin boxes
    clean: list[bool]  # nothing was taken over into the page from the page before
    warned: list[int]  # how many of the warnings had been given when each page was begun, and at the end
    warnings: list[str]  # the layout's warnings (those of building the boxes first)
    given: int = 0  # how many of its pages were the kept layout's, given back

    @functools.cached_property
    def held(self) -> list[frozenset[int]]:
        """The elements (their places in document order) each page's boxes stand for."""
        return [frozenset(self.order[id(box.element)] for part in (children[0], *root_children, *children[1:])
                          for box in part.descendants(placeholders=True) if id(box.element) in self.order)
                for _, children, root_children in self.bare]


def render(html: str, base_url: str, font_config, warnings: list[str], kept: Layout | None = None):
    """Lay `html` out, only where its differences from `kept` can reach; `warnings` is the list
    WeasyPrint's warnings are being collected in (the kept pages' are put back in it).  Returns
    WeasyPrint's document and its `Layout`."""
    import weasyprint

    parsed = weasyprint.HTML(string=html, base_url=base_url)
    maker = _Maker(kept, list(parsed.etree_element.iter()), warnings)
    with maker.hooked():
        document = parsed.render(font_config=font_config)
    return document, maker.layout()


def resumed_at(kept: Layout, elements: list) -> int:
    """The index of the first page of `kept` to lay out again for the document of `elements`."""
    changed = first_difference(kept.elements, elements)
    page = 0
    while page < len(kept.bare) and max(kept.held[page], default=-1) < changed:
        page += 1
    return _after_clean(kept, max(page - 1, 0))


def again(kept: Layout, elements: list, shape: str) -> tuple[int, set[int] | None]:
    """The first page of `kept` to lay out again for the document of `elements` (whose box tree has
    the digest `shape`), and the pages after it that are laid out again in any case: those holding
    a changed element, the page before each, and the pages before those that hand them anything
    over; None when no page after the first can be kept (the box trees differ, or an element with
    no box of its own changed: a style, say)."""
    start = resumed_at(kept, elements)
    if shape != kept.shape or len(elements) != len(kept.elements):
        return start, None
    changed = _changed(kept.elements, elements)
    if not changed or changed - frozenset().union(*kept.held):
        return start, None
    touched = {page for page, held in enumerate(kept.held) if held & changed}
    pages = touched | {page - 1 for page in touched if page}
    pages |= {k for page in list(pages) for k in range(_after_clean(kept, page), page)}
    return min(pages), pages


def first_difference(old: list, new: list) -> int:
    """The index of the first element (in document order) whose tag, attributes, text or tail differ."""
    for k, (a, b) in enumerate(zip(old, new)):
        if _differs(a, b) or a.tail != b.tail:
            return k
    return min(len(old), len(new))


def _differs(a, b) -> bool:
    """The elements differ in tag, attributes or text (their tails aside)."""
    return a.tag != b.tag or a.text != b.text or a.attrib != b.attrib


def _changed(old: list, new: list) -> frozenset[int]:
    """The places of the elements that differ (their tag, attributes or text), and of the parents
    of those whose tail differs (a tail's words are its parent's boxes)."""
    parents = {id(child): k for k, element in enumerate(old) for child in element}
    changed = set()
    for k, (a, b) in enumerate(zip(old, new)):
        if _differs(a, b):
            changed.add(k)
        if a.tail != b.tail and id(a) in parents:
            changed.add(parents[id(a)])
    return frozenset(changed)


def _after_clean(kept: Layout, page: int) -> int:
    """The page, or the first before it that nothing is taken over into from the page before."""
    while page > 0 and not kept.clean[page]:
        page -= 1
    return page


def _shape(root_box, order: dict[int, int]) -> str:
    """The digest of a box tree as built: each box's kind, element, pseudo-element and number of
    children, and the text of generated content (a note's call, a marker)."""
    described = []
    for box in root_box.descendants(placeholders=True):
        children = getattr(box, "children", None)
        generated = "::" in (box.element_tag or "")
        described.append(f"{type(box).__name__} {order.get(id(box.element), -1)} {box.element_tag} "
                         f"{len(children) if children is not None else ''} {getattr(box, 'text', '') if generated else ''}")
    return hashlib.blake2b("\n".join(described).encode(), digest_size=16).hexdigest()


class _Maker:
    """WeasyPrint's page making, seeded with the `kept` layout's pages, and recording what a later
    layout needs of this one."""

    def __init__(self, kept: Layout | None, elements: list, warnings: list[str]) -> None:
        self.kept, self.elements, self.warnings = kept, elements, warnings
        self.order = {id(element): k for k, element in enumerate(elements)}
        self.first = len(warnings)
        self.context = None
        self.shape = ""
        self.start, self.remade = 0, None  # `again`: the kept pages before `start` are given back
        self.pages: list = []
        self.clean: list[bool] = []
        self.warned: list[int] = []
        self.given = 0

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
            self.shape = _shape(root_box, self.order)
            if self.kept is not None:
                self.start, self.remade = again(self.kept, self.elements, self.shape)
            if self.start or self.remade is not None:  # the states up to the first page made again, or all
                states = self.kept.page_maker[:self.start + 1] if self.remade is None else self.kept.page_maker
                context.page_maker = [(*copy.deepcopy(state[:4]), _remake(k in (self.remade or {self.start})))
                                      for k, state in enumerate(states)]
            else:
                self.kept = None
        return initialize_page_maker

    def make_all_pages(self, make_all_pages):
        def made(context, root_box, html, pages):
            kept, first_pass = self.kept, not pages
            if kept is not None and first_pass:  # the kept pages, as they were made (before their margin boxes)
                pages = [self.restored(k) for k in range(len(kept.bare) if self.remade is not None else self.start)]
            self.pages, self.clean, self.warned, self.given = [], [], [], 0
            handed = False  # the page before handed something over to this one
            for k, page in enumerate(make_all_pages(context, root_box, html, pages)):
                given = kept is not None and k < len(kept.bare) and page is kept.bare[k][0]
                self.given += given
                self.warned.append(len(self.warnings) - self.first)
                if given:
                    if first_pass:
                        self.given_back(k, html, context)
                    self.clean.append(kept.clean[k])
                    handed = k + 1 < len(kept.clean) and not kept.clean[k + 1]
                else:
                    self.clean.append(k == 0 or not handed)
                    handed = bool(context.reported_footnotes or context.broken_out_of_flow) or _ends_hyphenated(page)
                    following = context.page_maker[k + 1]  # made by WeasyPrint with this page
                    if kept is not None and first_pass and following[0] is not None and (
                            handed or k + 1 >= len(kept.clean) or not kept.clean[k + 1]):
                        following[-1]["content_changed"] = True  # the next page is not to be given back
                self.pages.append((page, page.children, page.children[0].children))
                yield page
            self.warned.append(len(self.warnings) - self.first)
        return made

    def restored(self, k: int):
        """The kept page `k` as the page maker made it (before its margin boxes)."""
        page, children, root_children = self.kept.bare[k]
        page.children = children
        children[0].children = root_children
        return page

    def given_back(self, k: int, html, context) -> None:
        """The kept page `k`, given back by WeasyPrint: its boxes made to stand for the new tree's
        elements, its page type's styles made (for its margin boxes), the warnings WeasyPrint gave
        while it made it given again."""
        from weasyprint.layout.page import set_page_type_computed_styles

        kept, index = self.kept, self.kept.order
        page = kept.bare[k][0]
        for box in page.descendants(placeholders=True):
            if box.element is not None and id(box.element) in index:
                box.element = self.elements[index[id(box.element)]]
        set_page_type_computed_styles(page.page_type, html, context.style_for)
        self.warnings.extend(kept.warnings[kept.warned[k]:kept.warned[k + 1]])

    def layout(self) -> Layout:
        return Layout(elements=self.elements, order=self.order, shape=self.shape,
                      page_maker=list(self.context.page_maker), bare=self.pages, clean=self.clean,
                      warned=self.warned, warnings=list(self.warnings[self.first:]), given=self.given)


def _remake(changed: bool) -> dict:
    return {"content_changed": changed, "pages_wanted": False, "anchors": [], "content_lookups": []}


def _ends_hyphenated(page) -> bool:
    """The page's last line of text ends with a hyphen (layout_fixes counts the run into the next page)."""
    from weasyprint.formatting_structure import boxes

    lines = [box for box in page.children[0].descendants() if isinstance(box, boxes.LineBox)]
    return bool(lines) and (layout_fixes.ends_hyphenated(lines[-1])
                            or layout_fixes.ends_hyphenated(max(lines, key=lambda line: line.position_y)))

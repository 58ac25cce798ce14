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

After that page, the old pages are given back again wherever WeasyPrint finds a page begins in
the state it began in before, unless the page (or the one after it, or a page it takes something
over to) holds a changed element, or the page made before it hands anything over.  The elements
are matched in document order (where a note was split, some are new), and an element is changed
when it differs, or when its boxes as built do (their kinds, pseudo-elements, numbers of children
and generated text: a call moved within its paragraph, a note renumbered); this holds only when
every changed element has a box in the old layout, and the boxes that stand for no element are
built the same.  The
pages given back are pointed at the new tree's elements (the same ones, unchanged), and
WeasyPrint's warnings for them are given again, in their place.  Their margin boxes are made again
with the rest, but for the pages given back before the first made again, in the state they were
made in: what such a page's margin boxes print (its counters, the strings its pages and those
before set) is what it printed, and its margin boxes and backgrounds are the kept layout's.

A layout may end early, at a page a `stop` chooses as it is made (the mending ends one at the page
after a short page): its document holds the pages made, and its `Layout`, not `complete`, is one a
later layout goes on from like any other, the pages it did not make made then.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import hashlib

from . import html_parsing, layout_fixes


@dataclasses.dataclass
class Layout:
    elements: list  # the document's elements, in document order (WeasyPrint's tree)
    order: dict[int, int]  # each element's place in document order, by its id()
    shape: tuple[str, ...]  # the digest of each element's boxes as built, before the layout (`_shape`)
    page_maker: list  # WeasyPrint's state at the start of each page (context.page_maker)
    bare: list[tuple]  # each page box, with its children and its root box's before its margin boxes
    clean: list[bool]  # nothing was taken over into the page from the page before
    warned: list[int]  # how many of the warnings had been given when each page was begun, and at the end
    warnings: list[str]  # the layout's warnings (those of building the boxes first)
    given: int = 0  # how many of its pages were the kept layout's, given back
    complete: bool = True  # False: ended early, at a page `render`'s `stop` chose
    margins: list[tuple] = dataclasses.field(default_factory=list)  # each page's margin boxes (complete)

    @functools.cached_property
    def held(self) -> list[frozenset[int]]:
        """The elements (their places in document order) each page's boxes stand for."""
        return [frozenset(self.order[id(box.element)] for part in (children[0], *root_children, *children[1:])
                          for box in part.descendants(placeholders=True) if id(box.element) in self.order)
                for _, children, root_children in self.bare]


def render(html: str, base_url: str, font_config, warnings: list[str], kept: Layout | None = None,
           stop=None):
    """Lay `html` out, only where its differences from `kept` can reach; `warnings` is the list
    WeasyPrint's warnings are being collected in (the kept pages' are put back in it).  With
    `stop`, a function of a page made (its index and the page boxes made so far, before their
    margin boxes), the layout ends with the first page for which it is true: the document has the
    pages up to it, and its `Layout` (not `complete`) goes on from there as a kept one.  Returns
    WeasyPrint's document and its `Layout`."""
    parsed = html_parsing.parsed(html, base_url)
    maker = _Maker(kept, list(parsed.etree_element.iter()), warnings, stop)
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


def again(kept: Layout, elements: list, shape: tuple[str, ...]) -> tuple[int, set[int] | None, dict[int, int]]:
    """The first page of `kept` to lay out again for the document of `elements` (whose boxes have
    the digests `shape`), the pages after it that are laid out again in any case (those holding a
    changed element, the page before each, and the pages before those that hand them anything
    over), and the place in `elements` of each element of the old layout that is the same; the
    pages None when no page after the first can be kept (an element with no box of its own changed:
    a style, say; or boxes of no element differ)."""
    start = resumed_at(kept, elements)
    same = _matched(kept.elements, elements)
    changed = _changed(kept.elements, elements, same) | {k for k, b in same.items() if kept.shape[k] != shape[b]}
    if not changed or kept.shape[-1] != shape[-1] or changed - frozenset().union(*kept.held):
        return start, None, same
    touched = {page for page, held in enumerate(kept.held) if held & changed}
    pages = touched | {page - 1 for page in touched if page}
    pages |= {k for page in list(pages) for k in range(_after_clean(kept, page), page)}
    return min(pages), pages, same


def first_difference(old: list, new: list) -> int:
    """The index of the first element (in document order) whose tag, attributes, text or tail differ."""
    for k, (a, b) in enumerate(zip(old, new)):
        if _differs(a, b) or a.tail != b.tail:
            return k
    return min(len(old), len(new))


def _differs(a, b) -> bool:
    """The elements differ in tag, attributes or text (their tails aside)."""
    return a.tag != b.tag or a.text != b.text or a.attrib != b.attrib


def _changed(old: list, new: list, same: dict[int, int]) -> frozenset[int]:
    """The places of the elements of `old` not the same in `new`, and of the parents of those whose
    tail may differ (a tail's words are its parent's boxes)."""
    parents = {id(child): k for k, element in enumerate(old) for child in element}
    changed = {k for k in range(len(old)) if k not in same}
    changed |= {parents[id(old[k])] for k in changed
                if id(old[k]) in parents and (len(old) != len(new) or old[k].tail != new[k].tail)}
    return frozenset(changed)


def _matched(old: list, new: list) -> dict[int, int]:
    """The place in `new` of each element of `old` that is the same (tag, attributes, text and
    tail): place for place where they are as many, else those before the first that differs and
    those after the last, counted from the end (the elements between, a note split, say, differ)."""
    if len(old) == len(new):
        return {k: k for k, (a, b) in enumerate(zip(old, new)) if not _differs(a, b) and a.tail == b.tail}
    head, tail = first_difference(old, new), 0
    while tail < min(len(old), len(new)) - head and not _differs(old[-1 - tail], new[-1 - tail]) \
            and old[-1 - tail].tail == new[-1 - tail].tail:
        tail += 1
    return {k: k for k in range(head)} | {len(old) - 1 - k: len(new) - 1 - k for k in range(tail)}


def _after_clean(kept: Layout, page: int) -> int:
    """The page, or the first before it that nothing is taken over into from the page before."""
    while page > 0 and not kept.clean[page]:
        page -= 1
    return page


def _shape(root_box, order: dict[int, int]) -> tuple[str, ...]:
    """The digest of the boxes of each element (by its place in document order) as built, and last
    of the boxes of none: each box's kind, pseudo-element and number of children, and the text of
    generated content (a note's call, a marker)."""
    described: list[list[str]] = [[] for _ in range(len(order) + 1)]
    for box in root_box.descendants(placeholders=True):
        children = getattr(box, "children", None)
        generated = "::" in (box.element_tag or "")
        described[order.get(id(box.element), -1)].append(
            f"{type(box).__name__} {box.element_tag} {len(children) if children is not None else ''} "
            f"{getattr(box, 'text', '') if generated else ''}")
    return tuple(hashlib.blake2b("\n".join(lines).encode(), digest_size=8).hexdigest() for lines in described)


class _Maker:
    """WeasyPrint's page making, seeded with the `kept` layout's pages, and recording what a later
    layout needs of this one."""

    def __init__(self, kept: Layout | None, elements: list, warnings: list[str], stop=None) -> None:
        self.kept, self.elements, self.warnings, self.stop = kept, elements, warnings, stop
        self.complete = True
        self.order = {id(element): k for k, element in enumerate(elements)}
        self.first = len(warnings)
        self.context = None
        self.shape: tuple[str, ...] = ()
        self.start, self.remade = 0, None  # `again`: the kept pages before `start` are given back
        self.same: dict[int, int] = {}  # `again`: the place of each kept element in the new document
        self.pages: list = []
        self.clean: list[bool] = []
        self.warned: list[int] = []
        self.given = 0
        self.prefix = 0  # the pages given back before the first made again
        self.margins: list[tuple] = []  # each page's margin boxes, as the layout's last step makes them
        self.kept_page = False  # the page whose margin boxes were made last is the kept page, as it was

    @contextlib.contextmanager
    def hooked(self):
        from weasyprint import layout

        replaced = (layout.initialize_page_maker, layout.make_all_pages, layout.make_margin_boxes,
                    layout.layout_backgrounds)
        initialize, make_all_pages, make_margin_boxes, layout_backgrounds = replaced
        layout.initialize_page_maker = self.initialize(initialize)
        layout.make_all_pages = self.make_all_pages(make_all_pages)

        # A layout ended early is measured, never drawn: its pages need no margin boxes nor
        # backgrounds (a later layout that gives them back makes both).  A page given back with
        # all those before it, in the state it had, is the kept page whole: its margin boxes (what
        # they print depends on it, the pages before it and its state: counters, strings) and its
        # backgrounds are those the kept layout made.
        def margin_boxes(context, page, state):
            if not self.complete:
                return []
            k = len(self.margins)  # made page by page, in order, once the pages are made
            kept = self.kept
            same = (kept is not None and k < self.prefix and k < len(kept.margins)
                    and kept.page_maker[k + 1][3] == state)
            self.margins.append(kept.margins[k] if same else tuple(make_margin_boxes(context, page, state)))
            self.kept_page = same  # its backgrounds follow (`layout_document`)
            return self.margins[-1]

        def backgrounds(page, get_image_from_uri):
            if self.complete and not self.kept_page:
                layout_backgrounds(page, get_image_from_uri)

        layout.make_margin_boxes, layout.layout_backgrounds = margin_boxes, backgrounds
        try:
            yield
        finally:
            (layout.initialize_page_maker, layout.make_all_pages, layout.make_margin_boxes,
             layout.layout_backgrounds) = replaced

    def initialize(self, initialize):
        def initialize_page_maker(context, root_box):
            initialize(context, root_box)
            self.context = context
            self.shape = _shape(root_box, self.order)
            if self.kept is not None:
                self.start, self.remade, self.same = again(self.kept, self.elements, self.shape)
            if self.start or self.remade is not None:  # the states up to the first page made again, or all
                states = self.kept.page_maker[:self.start + 1] if self.remade is None else self.kept.page_maker
                # A page the kept layout did not make (it ended early) is made
                context.page_maker = [(*copy.deepcopy(state[:4]), _remake(k in (self.remade or {self.start})
                                                                        or k >= len(self.kept.bare)))
                                      for k, state in enumerate(states)]
            else:
                self.kept = None
        return initialize_page_maker

    def make_all_pages(self, make_all_pages):
        def made(context, root_box, html, pages):
            kept, first_pass = self.kept, not pages
            if kept is not None and first_pass:  # the kept pages, as they were made (before their margin boxes)
                pages = [self.restored(k) for k in range(len(kept.bare) if self.remade is not None else self.start)]
            self.pages, self.clean, self.warned, self.given, self.prefix = [], [], [], 0, 0
            handed = False  # the page before handed something over to this one
            making = make_all_pages(context, root_box, html, pages)
            for k, page in enumerate(making):
                given = kept is not None and k < len(kept.bare) and page is kept.bare[k][0]
                self.given += given
                self.prefix += given and self.prefix == k
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
                if first_pass and self.stop is not None and self.stop(k, [p for p, *_ in self.pages]):
                    making.close()
                    self.ended(context, k)
                    break
            self.warned.append(len(self.warnings) - self.first)
        return made

    def ended(self, context, k: int) -> None:
        """The layout ended at page `k`, as WeasyPrint ends it at the last page: the states after
        the next page's dropped, nothing left to make again, nothing carried over."""
        self.complete = False
        context.page_maker = context.page_maker[:k + 2]
        for *_, remake in context.page_maker:
            remake["content_changed"] = remake["pages_wanted"] = False
        context.broken_out_of_flow.clear()
        context.reported_footnotes.clear()

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
                box.element = self.elements[self.same[index[id(box.element)]]]
        set_page_type_computed_styles(page.page_type, html, context.style_for)
        self.warnings.extend(kept.warnings[kept.warned[k]:kept.warned[k + 1]])

    def layout(self) -> Layout:
        return Layout(elements=self.elements, order=self.order, shape=self.shape,
                      page_maker=list(self.context.page_maker), bare=self.pages, clean=self.clean,
                      warned=self.warned, warnings=list(self.warnings[self.first:]), given=self.given,
                      complete=self.complete, margins=self.margins if self.complete else [])


def _remake(changed: bool) -> dict:
    return {"content_changed": changed, "pages_wanted": False, "anchors": [], "content_lookups": []}


def _ends_hyphenated(page) -> bool:
    """The page's last line of text ends with a hyphen (layout_fixes counts the run into the next page)."""
    from weasyprint.formatting_structure import boxes

    lines = [box for box in page.children[0].descendants() if isinstance(box, boxes.LineBox)]
    return bool(lines) and (layout_fixes.ends_hyphenated(lines[-1])
                            or layout_fixes.ends_hyphenated(max(lines, key=lambda line: line.position_y)))

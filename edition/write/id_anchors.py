"""An id's anchor read from its element, not cascaded: elements with ids share computed styles.

WeasyPrint gives every element with an id a declaration of its own (`-weasy-anchor`, among the
style attributes), so that no two of them share a computed style: each one's style, and the
styles of the anonymous boxes inside it, are computed property by property.  The book's 4,486
mentions are spans with ids (the indices' anchors): they cost a tenth of a part's layout
(docs/weasyprint.md §19).

`applied`: while inside, an id gives no declaration, and `anchor` stands for the style's anchor
where WeasyPrint gathers a page's anchors: the id of the element a box is the element's own box of
(its computed style, not an anonymous box's nor a pseudo-element's), the boxes that held the
anchor before.  The anchors, their places and the PDF are the same; only `target-counter()` and
its kin, which the book does not use, would not find an id.
"""

from __future__ import annotations

import contextlib

GATHERED = ("anchor_name = box.style['anchor']", "anchor_name = _anchor(box)")


def anchor(box) -> str | None:
    """The anchor of the box, as WeasyPrint's style gives it, else its element's id if the box is
    the element's own (the one its computed style is for)."""
    from weasyprint.css import ComputedStyle

    name = box.style["anchor"]
    if name is None and box.element is not None and type(box.style) is ComputedStyle and box.style.pseudo_type is None:
        name = box.element.get("id") or None
    return name


@contextlib.contextmanager
def applied():
    """While inside, ids give no style declaration, and the anchors are gathered with `anchor`."""
    from weasyprint import anchors, css, document

    from .layout_fixes import rewritten

    find, gather = css.find_style_attributes, anchors.gather_anchors
    css.find_style_attributes = _without_ids(find)
    gathered = rewritten(anchors, gather, GATHERED)
    gathered.__globals__["_anchor"] = anchor
    anchors.gather_anchors = document.gather_anchors = gathered  # its own recursion calls it too
    try:
        yield
    finally:
        css.find_style_attributes = find
        anchors.gather_anchors = document.gather_anchors = gather


def _without_ids(find):
    """WeasyPrint's `find_style_attributes`, without the declaration of each element's id."""

    def find_style_attributes(tree, presentational_hints=False, base_url=None):
        for rule in find(tree, presentational_hints, base_url):
            _, element, declarations, _ = rule
            if not _is_id(element, declarations):
                yield rule

    return find_style_attributes


def _is_id(element, declarations) -> bool:
    """The declarations are the anchor WeasyPrint declares for the element's id."""
    if len(declarations) != 1 or getattr(declarations[0], "lower_name", None) != "-weasy-anchor":
        return False
    tokens = [token for token in declarations[0].value if token.type != "whitespace"]
    return len(tokens) == 1 and tokens[0].type == "string" and tokens[0].value == element.get("id")

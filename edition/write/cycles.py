"""A layout freed as soon as it is let go: the reference cycles WeasyPrint leaves in it broken.

`broken`: in, the pages of a layout that is let go (`incremental.Layout.bare`: each page box, with
its children and its root box's as laid out before the margin boxes), and those of the layout that
took some of them over, if one did; out, nothing: the pages' boxes and styles no longer hold a
cycle, so that reference counting frees them when the last reference goes.  `applied`: while
inside, the context each layout is made in (its parse and cascade) freed the same way as soon as
the layout is made.  `collector_off`: while inside, the collector off (a layout, the make-up),
and on again after if it was before: what the caller left in cycles is collected in one pass.

WeasyPrint's boxes point only down the tree, but for three cycles (docs/weasyprint.md §16): a
page's footnote area points back at its page; a computed style caches the style of its anonymous
boxes (`anonymous_style`), which points back at it as its parent; and an anonymous style is its
own `specified` style.  The layout context, which holds the cascade, holds itself through the
function that fetches images.  A kept layout is set aside from the collector (part_job.py), so a
layout let go with its cycles waited for a pass over all a worker holds: at 4x, 32 passes of 1.9 s
each.  Only what the layout that took pages over does not hold is touched: its boxes and styles
are as they were.
"""

from __future__ import annotations

import contextlib
import gc

from . import shared_styles


@contextlib.contextmanager
def collector_off():
    """While inside, the collector off; on again after, if it was on before."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@contextlib.contextmanager
def applied():
    """While inside, each layout's context let go of its function that fetches images (which holds
    the context) once the layout is made: the context, with the cascade, is freed with the call."""
    from weasyprint.document import Document

    build, render = Document.__dict__["_build_layout_context"], Document.__dict__["_render"]
    made = []

    def built(cls, *args, **kwargs):
        made.append(build.__func__(cls, *args, **kwargs))
        return made[-1]

    def rendered(cls, *args, **kwargs):
        try:
            return render.__func__(cls, *args, **kwargs)
        finally:
            while made:
                del made.pop().get_image_from_uri

    Document._build_layout_context, Document._render = classmethod(built), classmethod(rendered)
    try:
        yield
    finally:
        Document._build_layout_context, Document._render = build, render


def broken(pages: list[tuple], kept: list[tuple] = ()) -> None:
    """Break the cycles of the boxes of `pages` (page box, children, root box's children) and of
    their styles, but for the boxes and styles that `kept` (pages in the same form) holds, and the
    styles the process's documents share (shared_styles.py)."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    spared = list(_boxes(kept))
    held = {id(box) for box in spared}
    # the kept boxes' styles and their ancestors', those other documents share (then those unlinked)
    styles: set[int] = shared_styles.spared()
    for box in spared:
        for style in _styles(box.style):
            if id(style) in styles:
                break  # and its ancestors with it
            styles.add(id(style))
    for box in _boxes(pages):
        if id(box) in held:
            continue
        if isinstance(box, FootnoteAreaBox):
            box.page = None
        for style in _styles(box.style):
            if id(style) in styles:
                break
            styles.add(id(style))
            _unlink(style, styles)


def _boxes(pages: list[tuple]):
    """Every box of the pages, once each (a page's children before its margin boxes, and after)."""
    seen = set()
    for page, children, root_children in pages:
        for top in (page, *children, *root_children):
            for box in top.descendants(placeholders=True):
                if id(box) not in seen:
                    seen.add(id(box))
                    yield box


def _styles(style):
    """The style and its ancestors' styles, nearest first."""
    while style is not None:
        yield style
        style = style.__dict__.get("parent_style")


def _unlink(style, spared: set[int]) -> None:
    """The style's cached anonymous style let go of (and its own, in turn, unless `spared` holds
    it), and none of them its own `specified` any more."""
    while style is not None:
        own = style.__dict__
        if own.get("specified") is style:
            del own["specified"]
        style = own.pop("anonymous_style", None)
        if style is not None and id(style) in spared:
            break

"""A page's notes laid out once where they stand while WeasyPrint makes room for them.

In: nothing (a context manager around a WeasyPrint layout).  Out: the same layout, made sooner.
WeasyPrint 70 makes room at the foot of a page by laying its whole footnote area out again each
time a note is added to the page, moved to the next or taken back
(`LayoutContext._update_footnote_area`): a page's notes are laid out again and again, and a
run-in series (note_stack.py) is one paragraph laid out again whole with each entry added.  While
the area is sized there, a box of the area laid out before at the same place (the same style, at
the same height after the same margins, in an area as wide at the same x, beside the same floats)
is given back: a note as it was laid out, and a run-in series that has grown since with its lines
but the last as they were, and the rest laid out from the start of its last line (WeasyPrint
breaks lines first-fit: a line does not change with what comes after the line that follows it).
The area a page prints is laid out anew.  docs/weasyprint.md §14.
"""

from __future__ import annotations

import contextlib

SIZING = "sizing_note_area"  # set on the layout's context while `_update_footnote_area` runs
LAID = "laid_notes"  # on the context: (page, {place: (box, its notes, its layout)}) of the page being made


@contextlib.contextmanager
def applied():
    """Lay out with each box of a page's area laid out once per place; WeasyPrint is as it was
    afterwards."""
    from weasyprint.layout import LayoutContext, block

    update, level = LayoutContext._update_footnote_area, block.block_level_layout

    def update_once(context):
        setattr(context, SIZING, True)
        try:
            return update(context)
        finally:
            setattr(context, SIZING, False)

    def laid_once(context, box, bottom_space, skip_stack, containing_block, *args):
        place = _place(context, box, bottom_space, skip_stack, containing_block, args)
        if place is None:
            return level(context, box, bottom_space, skip_stack, containing_block, *args)
        page, laid = getattr(context, LAID, (None, None))
        if page != context.current_page:
            laid = {}
            setattr(context, LAID, (context.current_page, laid))
        notes = _notes(box)
        kept = laid.get(place)
        if kept is None or kept[1] != notes:
            grown = kept is not None and notes[:len(kept[1])] == kept[1]
            result = (grown and _grown(level, context, box, bottom_space, containing_block, args, kept)
                      or level(context, box, bottom_space, skip_stack, containing_block, *args))
            if result[1] is not None:
                return result  # broken (never, with no bottom limit): not kept
            laid[place] = kept = (box, notes, result)  # the box kept: the ids in its place stay theirs
        new_box, resume_at, next_page, margins, through, lines = kept[2]
        return new_box, resume_at, dict(next_page), list(margins), through, lines

    LayoutContext._update_footnote_area = update_once
    block.block_level_layout = laid_once
    try:
        yield
    finally:
        LayoutContext._update_footnote_area, block.block_level_layout = update, level


def _grown(level, context, box, bottom_space, area, args, kept):
    """The run-in series `box` laid out where the `kept` one, which held its first notes, was: the
    kept lines but the last, then the rest laid out from the start of the last (at its height, so
    that each line's position is the same sum, with the count of hyphenated line ends the kept
    layout had reached there); None if that cannot be done (one line, boxes placed out of flow)."""
    from weasyprint.formatting_structure import boxes

    from . import layout_fixes

    old = kept[2][0]
    lines = old.children
    if len(lines) < 2 or not all(isinstance(line, boxes.LineBox) for line in lines):
        return None
    absolute, fixed = args[1], args[2]
    counts = len(absolute), len(fixed)
    layout_fixes.carry_ladder(context, kept[0].children[0], box.children[0], lines[-2].resume_at)
    going_on = box.copy()  # laid out as a box continued (its top taken off), `box` left for a whole layout
    going_on.position_y = lines[-1].position_y
    rest = level(context, going_on, bottom_space, {0: lines[-2].resume_at}, area, args[0], absolute, fixed, [],
                 None, None, False, None)
    if rest[0] is None or rest[1] is not None or (len(absolute), len(fixed)) != counts or not rest[0].children:
        return None
    grown = old.copy_with_children([*lines[:-1], *rest[0].children])
    last = rest[0].children[-1]
    grown.height = max(min(max(0, last.position_y + last.height - grown.content_box_y()), grown.max_height),
                       grown.min_height)
    return (grown, *kept[2][1:])


def _place(context, box, bottom_space, skip_stack, area, args) -> tuple | None:
    """What the layout of a box of the footnote area depends on, but the notes a run-in series
    holds (`_notes`), or None for any other layout (not given back): `args` are the rest of
    `block_level_layout`'s, as `_in_flow_layout` passes them."""
    from weasyprint.css import AnonymousStyle
    from weasyprint.formatting_structure import boxes

    if not (getattr(context, SIZING, False) and isinstance(area, boxes.FootnoteAreaBox) and skip_stack is None
            and len(args) == 8 and args[4:] == (None, None, False, None)):
        return None
    if not getattr(box, "run_in", False) and (box.element is None or isinstance(box.style, AnonymousStyle)):
        return None  # an anonymous box, whose style another shares
    page_is_empty, margins = args[0], args[3]
    floats = tuple((shape.position_x, shape.position_y, shape.margin_width(), shape.margin_height())
                   for shape in context.excluded_shapes)
    return (id(box.element), id(box.style), box.position_y, tuple(margins), bottom_space, page_is_empty,
            context.current_page > 1, context.forced_break, context.in_column,
            id(area.style), area.content_box_x(), area.width, floats)


def _notes(box) -> tuple:
    """The notes a run-in series holds (note_stack.py marks it), in the line box WeasyPrint wraps
    them in, each by its element and style (each note has its own: note_stack.py keeps it on the
    box); () for a note, which its place (element and style) tells."""
    if not getattr(box, "run_in", False):
        return ()
    return tuple((id(note.element), id(note.style)) for line in box.children for note in line.children)

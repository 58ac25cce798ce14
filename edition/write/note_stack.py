"""The series of notes stacked apart at the foot of the page, as reledmac sets them.

In: nothing (a context manager around a WeasyPrint layout).  Out: every page's footnote area with
its notes grouped by series, in the order of the series' ranks, each group in the order of its
calls.  WeasyPrint 70 keeps one stream of notes, in the order of their calls; this adjustment sorts
the stream each time WeasyPrint lays the area out (while it fills the page, so the area it makes
room for is the area printed).

The stylesheet ranks each note's series with the CSS `order` (from the `print: series` setting)
and gives it the space or rule that parts it from the series above, as the note's `margin-top`
and `border-top`.  Only the first note of a series, and not the first of the
area, keeps them: the others are laid out without.  A series whose notes are inline
(`footnote-display: inline`: the parallels) is run in as one paragraph, the space or rule of its
first note above it.
"""

from __future__ import annotations

import contextlib

PARTING = ("margin_top", "border_top_width")  # what parts a series from the one above


@contextlib.contextmanager
def applied():
    """Lay out with the series stacked apart; WeasyPrint is as it was afterwards."""
    from weasyprint.layout import LayoutContext

    update = LayoutContext._update_footnote_area

    def update_stacked(context):
        stream = context.current_page_footnotes
        context.current_page_footnotes = stacked(stream)
        try:
            return update(context)
        finally:
            context.current_page_footnotes = stream

    LayoutContext._update_footnote_area = update_stacked
    try:
        yield
    finally:
        LayoutContext._update_footnote_area = update


def rank(box) -> int:
    """The rank of a footnote box's series: its `order` (its own, not its box's laid-out copy's)."""
    return _own(box)["order"]


def stacked(notes: list) -> list:
    """The footnote boxes of a page grouped by series (stable: each group in call order), each
    given the style that parts it from the group above or not; inline series run in."""
    from weasyprint.formatting_structure import boxes

    ordered = sorted(notes, key=rank)
    out: list = []
    for index, note in enumerate(ordered):
        opens = index > 0 and rank(ordered[index - 1]) != rank(note)
        inline = isinstance(note, boxes.InlineBox)
        note.style = _own(note) if opens and not inline else _unparted(note)
        if not inline:
            out.append(note)
        elif index > 0 and not opens and isinstance(out[-1], list):
            out[-1].append(note)
        else:
            out.append([note])
    return [_run_in(group, opens=k > 0) if isinstance(group, list) else group for k, group in enumerate(out)]


def _run_in(notes: list, opens: bool):
    """One anonymous paragraph holding a series' inline notes, parted from the series above if
    it `opens` its series (that style made once, kept on its first note: a run's style and its
    notes' are the same objects each time, as note_area.py needs), marked `run_in`."""
    from weasyprint.formatting_structure import boxes

    run = boxes.BlockBox.anonymous_from(notes[0], notes)
    if opens:
        if not hasattr(notes[0], "opening_style"):
            notes[0].opening_style = run.style.copy()
            for key in PARTING + ("border_top_style", "border_top_color"):
                notes[0].opening_style[key] = _own(notes[0])[key]
        run.style = notes[0].opening_style
    run.run_in = True
    return run


def _own(note):
    """The note's own style, with its series' parting."""
    return getattr(note, "own_style", note.style)


def _unparted(note):
    """The note's style without its series' parting (made once; its own style kept on the box)."""
    if not hasattr(note, "own_style"):
        from weasyprint.css.properties import Dimension

        note.own_style = note.style
        style = note.style.copy()
        style["margin_top"], style["border_top_width"] = Dimension(0, "px"), 0
        note.unparted_style = style
    return note.unparted_style

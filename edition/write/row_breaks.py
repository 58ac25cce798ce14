"""A table row kept whole breaks where keeping it whole would leave its page short.

In: the lines a page may end early (`print: short-page-lines`), while a layout runs (a context
manager, entered by `layout_fixes.applied`).  Out: the same layout, but where WeasyPrint pushes a
row that is kept whole (`break-inside: avoid`: book.css keeps every row whole) to the next page
although more than that many of the book's lines (the root element's line height) would stay
empty below the last line set: the table is laid out again with that row free to break, as a
typesetter breaks a tall row of a long table rather than leave the page short.  The row stays
whole if breaking it would begin one of its cells on the next page while the others begin on
this one (an event's references under no event), or if the layout again breaks nowhere else.

Without it the make-up found such rows from a layout and let them break in the next one, a round
of layouts for each page the rows broke on after the last: the concordance of the 4x bench
edition (63 pages) was laid out 12 times in a build, and ended with a page 9 lines short.
WeasyPrint cannot be asked for this in CSS: a row either avoids breaks or does not.
"""

from __future__ import annotations

import contextlib

from ..check.layout import SHORT_SLACK


@contextlib.contextmanager
def applied(lines: float):
    """Lay out with rows broken rather than pages left more than `lines` lines short."""
    from weasyprint import layout
    from weasyprint.layout import block

    table_layout, initialize_page_maker = block.table_layout, layout.initialize_page_maker
    block.table_layout = _breaking(table_layout, lines)
    layout.initialize_page_maker = _pitched(initialize_page_maker)
    try:
        yield
    finally:
        block.table_layout, layout.initialize_page_maker = table_layout, initialize_page_maker


def _pitched(initialize_page_maker):
    """WeasyPrint's `initialize_page_maker`, noting the book's line pitch on the layout's context."""
    from weasyprint.text.line_break import strut

    def initialize(context, root_box):
        context.book_line_pitch = strut(root_box.style)[0]
        return initialize_page_maker(context, root_box)

    return initialize


def _breaking(table_layout, lines: float):
    """WeasyPrint's `table_layout`, laying the table out again with a pushed row free to break
    when the page would otherwise end more than `lines` lines short."""

    def layout(context, table, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes,
               fixed_boxes):
        def laid_out():
            return table_layout(context, table, bottom_space, skip_stack, containing_block, page_is_empty,
                                absolute_boxes, fixed_boxes)

        result = laid_out()
        laid, resume_at, next_page = result[:3]
        row = _pushed(table, resume_at) if laid is not None and next_page["break"] == "any" else None
        pitch = getattr(context, "book_line_pitch", 0)
        if row is None or row.style["break_inside"] not in ("avoid", "avoid-page") or not pitch:
            return result
        if context.page_bottom - bottom_space - _last_line_bottom(laid) <= (lines + SHORT_SLACK) * pitch:
            return result
        from weasyprint.layout.block import remove_placeholders

        remove_placeholders(context, [laid], absolute_boxes, fixed_boxes)  # its notes and out-of-flow boxes
        kept = row.style
        row.style = kept.copy()
        row.style["break_inside"] = "auto"
        try:
            again = laid_out()
        finally:
            row.style = kept
        if _begun_together(again[0], row):
            return again
        if again[0] is not None:
            remove_placeholders(context, [again[0]], absolute_boxes, fixed_boxes)
        return laid_out()

    return layout


def _pushed(table, resume_at):
    """The body row a table's page break falls before (pushed whole to the next page), if any."""
    if not resume_at:
        return None
    (group, rows), = resume_at.items()
    if not rows:
        return None
    (row, cells), = rows.items()
    return table.children[group].children[row] if cells is None else None


def _last_line_bottom(box) -> float:
    """The bottom of the lowest line box in `box` (its top, if it holds none)."""
    from weasyprint.formatting_structure import boxes

    return max((line.position_y + line.height for line in box.descendants() if isinstance(line, boxes.LineBox)),
               default=box.position_y)


def _begun_together(table, row) -> bool:
    """`row` was broken in this layout of the table, and each of its cells with anything in it
    has some of it on this page."""
    if table is None or not table.children or not table.children[-1].children:
        return False
    laid = table.children[-1].children[-1]
    if laid.element is not row.element:
        return False
    return all(not cell.empty or not any(child.is_in_normal_flow() for child in original.children)
               for cell, original in zip(laid.children, row.children))

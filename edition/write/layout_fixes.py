"""Adjustments of WeasyPrint 70's line breaking, applied only while the book is laid out.

In: nothing (a context manager around `weasyprint.HTML(...).render()`).  Out: the same layout,
less two defects that no markup or CSS can avoid.  Each adjustment is minimal, wraps one of
WeasyPrint's functions without copying it, and is undone on exit.  docs/weasyprint.md gives the
reproduction of each, for reporting upstream; tests/test_layout_fixes.py shows each defect with
and without the adjustment.

1. `trailing_space`: a text box that ends with a space (the text before an inline element) and
   fits the line only once its trailing space hangs, as CSS Text says collapsible trailing spaces
   do, is judged too wide by `split_first_line`, which then keeps only its first word: a line
   ending short in mid-paragraph ("thus" alone on a line).
2. `limit_lines`: CSS Text 4's `hyphenate-limit-lines`, which WeasyPrint does not implement: no
   more than `limit` consecutive lines of a paragraph end with a hyphen.
3. `footnote_policy`: when a line does not fit at the foot of a page and breaking before it would
   leave an orphan or a widow, `_linebox_layout` moves the page's last notes to the next page to
   make room, whatever their `footnote-policy`; a note whose policy is `line` must stay with its
   call, so only notes with the policy `auto` are moved (a one-line change of the loop's condition,
   made in WeasyPrint's own source text at run time, checked to apply exactly once).
4. `footnote_overflow`: `_update_footnote_area` finds the notes overflowing their area when the
   bottom of the last one exceeds the area's by a rounding error (5.7e-14 px below a 0.4pt rule,
   or a note with a margin): the call's line then goes to the next page, and the page ends short.
   Overflowing now means by more than a thousandth of a pixel (the same kind of change).

The notes are also stacked by series while the book is laid out (note_stack.py), each note of a
page laid out once where it stands while room is made for them (note_area.py), a table row
kept whole broken rather than leave its page short (row_breaks.py), and each layout's context
freed as soon as the layout is made (cycles.py).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import textwrap

from ..check.layout import Limits
from . import cycles, id_anchors, note_area, note_stack, row_breaks

HYPHENATE_LIMIT_LINES = 2  # consecutive hyphenated line ends a typesetter accepts
HYPHENS = ("\u2010", "-")


@contextlib.contextmanager
def applied(limit_lines: int = HYPHENATE_LIMIT_LINES, short_page_lines: float = Limits.short_page_lines):
    """Lay out with the adjustments (`short_page_lines`: the lines a page may end early, for
    row_breaks.py); WeasyPrint is as it was afterwards."""
    from weasyprint import layout
    from weasyprint.layout import LayoutContext, block, inline

    update_footnote_area = LayoutContext._update_footnote_area
    split_first_line, get_next_linebox = inline.split_first_line, inline.get_next_linebox
    linebox_layout = block._linebox_layout
    inline.split_first_line = _trailing_space(split_first_line)
    inline.get_next_linebox = _limit_lines(get_next_linebox, limit_lines)
    block._linebox_layout = rewritten(block, linebox_layout, FOOTNOTE_POLICY)
    LayoutContext._update_footnote_area = rewritten(layout, update_footnote_area, FOOTNOTE_OVERFLOW)
    try:
        with (note_stack.applied(), note_area.applied(), row_breaks.applied(short_page_lines), cycles.applied(),
              id_anchors.applied()):
            yield
    finally:
        inline.split_first_line, inline.get_next_linebox = split_first_line, get_next_linebox
        block._linebox_layout = linebox_layout
        LayoutContext._update_footnote_area = update_footnote_area


# WeasyPrint's loop that moves notes to the next page to fit a line, and the condition it needs.
FOOTNOTE_POLICY = ("while report and context.current_page_footnotes:",
                   "while report and context.current_page_footnotes and "
                   "context.current_page_footnotes[-1].style['footnote_policy'] == 'auto':")


# The test of notes overflowing their area, and the tolerance it needs.
FOOTNOTE_OVERFLOW = ("overflow = last_child_bottom > footnote_area_bottom",
                     "overflow = last_child_bottom > footnote_area_bottom + 1e-3")


def rewritten(module, function, *changes: tuple[str, str]):
    """`function` compiled again from its own source with each change's old text replaced by its
    new, in a copy of its module's namespace as it is now; RuntimeError if an old text is not
    found exactly once (another WeasyPrint version)."""
    namespace = dict(module.__dict__)
    exec(_compiled(function, changes), namespace)
    return namespace[function.__name__]


@functools.cache
def _compiled(function, changes: tuple[tuple[str, str], ...]):
    """The code of `rewritten`, made once per process: reading and compiling the source of the
    four functions a job rewrites took 6 ms, at each of the 76 jobs of a cold 1x build's workers."""
    source = inspect.getsource(function)
    for old, new in changes:
        if source.count(old) != 1:
            raise RuntimeError(f"cannot adjust WeasyPrint's {function.__name__}: its source has changed")
        source = source.replace(old, new)
    return compile(textwrap.dedent(source), inspect.getsourcefile(function), "exec")


def _trailing_space(split_first_line):
    def split(text, style, context, max_width, justification_spacing, is_line_start=True, minimum=False):
        if getattr(context, "no_hyphens", False) and style["hyphens"] == "auto":
            style = _without_hyphens(context, style)
        result = split_first_line(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        _, length, resume_index, *_ = result
        if (resume_index is None or max_width is None or max_width == math.inf or not text.endswith(" ")
                or style["white_space"] != "normal"):
            return result
        first_word = text.lstrip(" ").split(" ", 1)[0]
        if length > len((text[: len(text) - len(text.lstrip(" "))] + first_word).encode()) + 3:
            return result  # more than the first word (and a hyphen) was kept: not this defect
        whole = split_first_line(text.rstrip(" "), style, context, max_width, justification_spacing,
                                 is_line_start, minimum)
        if whole[2] is not None:
            return result  # the text does not fit even without its trailing spaces
        return split_first_line(text, style, context, math.inf, justification_spacing, is_line_start, minimum)
    return split


def _without_hyphens(context, style):
    cache = context.__dict__.setdefault("styles_without_hyphens", {})
    if id(style) not in cache:
        copy = style.copy()
        copy["hyphens"] = "manual"
        cache[id(style)] = (style, copy)  # the original is kept alive, so its id stays its own
    return cache[id(style)][1]


def _limit_lines(get_next_linebox, limit: int):
    def next_linebox(context, linebox, position_y, bottom_space, skip_stack, *args, **kwargs):
        runs = context.__dict__.setdefault("hyphen_runs", {})
        run = runs.get((id(linebox), _key(skip_stack)), 0) if skip_stack is not None else 0
        context.no_hyphens = run >= limit
        try:
            line, resume_at = get_next_linebox(context, linebox, position_y, bottom_space, skip_stack, *args, **kwargs)
        finally:
            context.no_hyphens = False
        if line is not None and resume_at is not None:
            runs[(id(linebox), _key(resume_at))] = run + 1 if ends_hyphenated(line) else 0
        return line, resume_at
    return next_linebox


def carry_ladder(context, laid, again, skip_stack) -> None:
    """The line box `again`, to be laid out from `skip_stack` on, given the count of hyphenated
    line ends in a row that the line box `laid` (the same words) reached there (note_area.py)."""
    runs = context.__dict__.setdefault("hyphen_runs", {})
    runs[(id(again), _key(skip_stack))] = runs.get((id(laid), _key(skip_stack)), 0)


def ends_hyphenated(line) -> bool:
    """The line box ends with a hyphen after a letter (a word broken, not a hyphen of a range)."""
    from weasyprint.formatting_structure import boxes

    box = line
    while isinstance(box, boxes.ParentBox) and box.children:
        box = box.children[-1]
    return isinstance(box, boxes.TextBox) and box.text.endswith(HYPHENS) and box.text[-2:-1].isalpha()


def _key(skip_stack):
    if skip_stack is None:
        return None
    return tuple(sorted((index, _key(child)) for index, child in skip_stack.items()))


def main(argv: list[str] | None = None) -> int:
    """`python -m edition.write.layout_fixes BOOK.html OUT.pdf`: WeasyPrint with the adjustments,
    which lays the print HTML out exactly as the build does, its lines numbered in the margin."""
    import argparse

    import weasyprint

    parser = argparse.ArgumentParser(prog="python -m edition.write.layout_fixes", description=main.__doc__)
    parser.add_argument("html")
    parser.add_argument("pdf")
    parser.add_argument("--hyphen-ladder", type=int, default=HYPHENATE_LIMIT_LINES,
                        help="hyphenated lines in a row, at most (edition.yaml print: hyphen-ladder)")
    parser.add_argument("--short-page-lines", type=float, default=Limits.short_page_lines,
                        help="lines a page may end early before a table row breaks (print: short-page-lines)")
    parser.add_argument("--line-numbers", type=int, default=5,
                        help="every this many lines numbered in the margin (edition.yaml print: line-numbers)")
    parser.add_argument("--line-numbering", default="paragraph", choices=("paragraph", "page"),
                        help="the count starts again with each paragraph or page (print: line-numbering)")
    args = parser.parse_args(argv)
    from . import line_numbers, page_numbers

    with applied(args.hyphen_ladder, args.short_page_lines):
        document = weasyprint.HTML(filename=args.html).render()
        page_numbers.fill(document.pages, None)  # its own numbers, set as part_job sets them
        line_numbers.number(document.pages, args.line_numbers, args.line_numbering)  # written in, as part_job does
        page_numbers.sides(document.pages)
        document.write_pdf(args.pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

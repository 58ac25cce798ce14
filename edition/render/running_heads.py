"""A chapter's title as the running head of its rectos, shortened if the head line cannot hold it.

In: the title (without its label: 'The Year 1917') and the page geometry of `edition.yaml`.
Out: the running head: the title if it fits, else its main title (before a colon), else its first
words and an ellipsis.  Widths are measured in the book face at the running head's size.
"""

from __future__ import annotations

import functools

from fontTools.ttLib import TTFont

from . import fonts

HEAD_SIZE = 9.0  # pt: the running heads' type (the @page rule of templates/print/book.css.jinja)
HEAD_SHARE = 0.75  # of the text block's width: the middle of the head line, clear of the folio


@functools.cache
def _face() -> tuple[dict[int, int], int]:
    """The upright book face's advance widths by character, and its units per em."""
    font = TTFont(fonts.book_fonts()["EBGaramond.ttf"])
    advances = font["hmtx"].metrics
    return {code: advances[glyph][0] for code, glyph in font.getBestCmap().items()}, font["head"].unitsPerEm


def width(text: str) -> float:
    """The width of a text in points, set in the running heads' type (kerning left out)."""
    advances, units = _face()
    return sum(advances.get(ord(c), units // 2) for c in text) * HEAD_SIZE / units


def running_head(title: str, page) -> str:
    """The title, or a shortened form of it that fits the middle of the head line."""
    measure = page.measure * HEAD_SHARE
    if width(title) <= measure:
        return title
    main = title.split(": ", 1)[0]
    if main != title and width(main) <= measure:
        return main
    words = main.split()
    while len(words) > 1 and width(" ".join(words) + "…") > measure:
        words.pop()
    return " ".join(words).rstrip(",;:") + "…"

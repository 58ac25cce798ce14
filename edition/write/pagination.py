"""Where the printed pages begin, so that the EPUB can mark them (its page list).

In: WeasyPrint's laid-out pages (a part's) and the edition.  Out: for every page, its printed number and
the element (an id both outputs share) and word where it begins.  Both outputs count the same
words: the reading text, less what NOT_IN_FLOW names (margin numbers, notes, page references).
"""

from __future__ import annotations

from ..model.records import Division

# Classes whose text is not part of the reading text's flow (in print and in the EPUB alike);
# "page" is the page number print adds to a reference.
NOT_IN_FLOW = {"pn", "srcpage", "footnote", "parallels", "apparatus", "noteref", "page"}

# Ids of the front matter that both outputs share (the half-title has no EPUB counterpart).
FRONT_ANCHORS = {"half-title", "title-page", "imprint", "contents", "sigla", "introduction"}


def page_starts(document, anchors: set[str] | frozenset[str]) -> dict[int, tuple[str, int]]:
    """Where each page begins: page index -> (anchor id, words of that element before the page).

    Walks WeasyPrint's laid-out boxes page by page, main flow only (no margin boxes, no footnote
    area, no margin numbers), keeping the text of each anchored element seen so far; the innermost
    anchor holding the page's first text wins.  A word split by a hyphen at the foot of a page
    counts as beginning on the next one."""
    from weasyprint.formatting_structure import boxes

    seen: dict[str, str] = {}
    starts: dict[int, tuple[str, int]] = {}
    for index, page in enumerate(document.pages):
        first: list = []

        def walk(box, anchor):
            if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
                return
            if getattr(box, "pseudo_type", None) or "::" in (box.element_tag or ""):
                return  # generated text: footnote calls, markers, a section break's asterisks
            element = box.element if box.element_tag else None
            if element is not None:
                if set((element.get("class") or "").split()) & NOT_IN_FLOW or element.tag == "thead":
                    return  # not reading text; a table's head repeats on every page
                if element.get("id") in anchors and not isinstance(box, boxes.InlineLevelBox):
                    anchor = element.get("id")
            if isinstance(box, boxes.TextBox) and anchor is not None:
                text = seen.get(anchor, "")
                if not first:
                    first.append((anchor, len(text.split()) - (1 if text and not text[-1].isspace() else 0)))
                seen[anchor] = text + box.text
                return
            for child in getattr(box, "children", []):
                walk(child, anchor)
            if isinstance(box, boxes.LineBox) and anchor is not None:
                text = seen.get(anchor, "")
                if text.endswith(("\u2010", "\xad", "-")) and len(text) > 1 and text[-2].isalpha():
                    seen[anchor] = text[:-1]  # a hyphenated word goes on
                elif text and not text[-1].isspace():
                    seen[anchor] = text + " "

        walk(page._page_box, None)
        if first:
            starts[index] = first[0]
    return starts


def page_labels(count: int, first_text: int) -> list[str]:
    """The printed number of each of `count` pages, as the PDF's page labels give it: roman before
    the page with index `first_text` (the first part's title), arabic from it."""
    return [roman(i + 1) if i < first_text else str(i - first_text + 1) for i in range(count)]


def page_list(starts: dict[int, tuple[str, int]], count: int, first_text: int) -> list[tuple[str, str, int]]:
    """Every page of the book, in order: (printed number, anchor id, words of the anchor before it),
    from where each of its `count` pages begins (`page_starts`, with the ids of `anchors`).

    Anchors are the ids both outputs share: the front matter's sections, the introduction's
    paragraphs, parts, divisions and numbered blocks, and the appendices' rows and entries (and
    each reference of a concordance row: a row broken across pages goes on with one).  A page
    with no text of its own (a blank verso) points where the next page's text starts."""
    result, pending = [], []
    for index, label in enumerate(page_labels(count, first_text)):
        if index in starts:
            result.extend((p, *starts[index]) for p in pending)
            pending = []
            result.append((label, *starts[index]))
        else:
            pending.append(label)
    last = result[-1][1:] if result else ("", 0)
    return result + [(p, last[0], -1) for p in pending]  # blank pages at the end: after the last text


def anchors(edition, ids) -> set[str]:
    """Those of `ids` (of an output) where a page can begin: the same set in print and EPUB."""
    return page_anchors(edition)(ids)


def page_anchors(edition):
    """`anchors` for the edition, as a function of `ids` alone: the edition's anchors gathered
    once, for the many sets of ids of a build (each part of every layout)."""
    fixed = FRONT_ANCHORS | {f"part-{s.siglum}" for s in edition.sources} | {f"sigla-{s.siglum}" for s in edition.sources}
    fixed |= {b.id for b in edition.blocks.values() if b.id} | {d.id for d in _divisions(edition) if d.id}
    return lambda ids: {i for i in ids if i in fixed or i.startswith(GENERATED_ANCHORS)}


# Ids of the introduction's paragraphs and of the appendices' sections, rows, entries and the
# concordance's references.
GENERATED_ANCHORS = ("intro-", "chronology", "chron-", "concordance", "conc-", "index-")


def _divisions(edition):
    for source in edition.sources:
        for chapter in source.chapters:
            if chapter.part is not None:
                yield chapter.part
            stack = [chapter]
            while stack:
                division = stack.pop()
                yield division
                stack += [item for item in division.content if isinstance(item, Division)]


def roman(n: int) -> str:
    """1 -> 'i', 14 -> 'xiv'."""
    numerals = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50),
                ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    out = ""
    for numeral, value in numerals:
        while n >= value:
            out, n = out + numeral, n - value
    return out

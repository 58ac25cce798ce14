"""Word positions in rendered HTML: counting, inserting before a word, splitting after one.

In: a rendered (X)HTML element and a word count, as the layout measures them (words are runs of
non-space characters; a word split by markup, such as `<i>Prav</i>da`, counts once).  Out: the
same element with something inserted before its n-th word, or cut after it.  The print's note
splits and the EPUB's page-break markers count the same way as `check.layout` and
`write.pagination` count the laid-out lines.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from lxml import etree

Skip = Callable[[etree._Element], bool]  # an element whose text is not counted (nor anything in it)


def slots(element: etree._Element, skip: Skip = lambda e: False) -> list[tuple[etree._Element, str]]:
    """(holder, "text" or "tail") of every run of counted text inside `element`, in reading order."""
    found: list[tuple[etree._Element, str]] = []

    def collect(node):
        found.append((node, "text"))
        for child in node:
            if isinstance(child.tag, str) and not skip(child):
                collect(child)
            found.append((child, "tail"))
    collect(element)
    return found


def word_starts(element: etree._Element, skip: Skip = lambda e: False):
    """(holder, slot, offset) where each counted word begins, in order."""
    previous_space = True
    for holder, slot in slots(element, skip):
        text = getattr(holder, slot) or ""
        for offset, char in enumerate(text):
            if not char.isspace() and previous_space:
                yield holder, slot, offset
            previous_space = char.isspace()


def insert_before_word(element: etree._Element, words: int, new: etree._Element, skip: Skip = lambda e: False) -> bool:
    """Put `new` before word `words` (from 0) of `element`; at its end if it has fewer words.
    True if the word was found."""
    for count, (holder, slot, offset) in enumerate(word_starts(element, skip)):
        if count == words:
            _place(new, holder, slot, offset)
            return True
    element.append(new)
    return False


def split_after_words(element: etree._Element, words: int) -> etree._Element | None:
    """Cut `element` after its first `words` words; return a copy of it (attributes and the
    ancestors of the cut inside it) holding the rest, or None if nothing is left."""
    starts = list(word_starts(element))
    if words >= len(starts):
        return None
    holder, slot, offset = starts[words]
    marker = etree.Element("cut-here")
    _place(marker, holder, slot, offset)  # mark the cut in the original, then mirror it in the copy
    path = _path(element, marker)
    rest = copy.deepcopy(element)
    _keep_before(element, marker)
    _keep_after(rest, _follow(rest, path))
    return rest


def _place(new: etree._Element, holder: etree._Element, slot: str, offset: int) -> None:
    text = getattr(holder, slot)
    if slot == "text":
        holder.text = text[:offset]
        new.tail = text[offset:] + (new.tail or "")
        holder.insert(0, new)
    else:
        holder.tail = text[:offset]
        new.tail = text[offset:] + (new.tail or "")
        holder.addnext(new)


def _path(root: etree._Element, node: etree._Element) -> list[int]:
    path = []
    while node is not root:
        parent = node.getparent()
        path.append(parent.index(node))
        node = parent
    return path[::-1]


def _follow(root: etree._Element, path: list[int]) -> etree._Element:
    for index in path:
        root = root[index]
    return root


def _keep_before(root: etree._Element, marker: etree._Element) -> None:
    """Remove everything after the marker (and the marker), keeping the ancestors' structure."""
    node = marker
    while node is not root:
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)  # with its tail, which stands after the cut too
        node.tail = None
        node = parent
    _remove_keeping_text(marker, keep_tail=False)


def _keep_after(root: etree._Element, marker: etree._Element) -> None:
    """Remove everything before the marker (and the marker), keeping the ancestors' structure."""
    node = marker
    while node is not root:
        parent = node.getparent()
        for sibling in list(node.itersiblings(preceding=True)):
            parent.remove(sibling)  # with its tail, which stands before the cut too
        parent.text = None
        node = parent
    _remove_keeping_text(marker, keep_tail=True)


def _remove_keeping_text(marker: etree._Element, keep_tail: bool) -> None:
    parent = marker.getparent()
    tail = marker.tail if keep_tail else ""
    previous = marker.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + (tail or "")
    else:
        parent.text = (parent.text or "") + (tail or "")
    parent.remove(marker)

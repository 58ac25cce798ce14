"""Paragraph citations written as text ("T1 7.67") in the editors' notes and introduction become links.

In: the `Edition` after reading.  Out: in-memory `ref target="#T1.7.67"` elements around each
citation, so that both outputs render them as links (the EPUB's notes pop up with live links);
a citation of a paragraph that does not exist is reported, and so is one written without the space
after its siglum ("M42.7"), which is not linked.  Explicit `ref`s and `ptr`s are left
alone.
"""

from __future__ import annotations

import re

from lxml import etree

from ..diagnostics import Report
from ..read.tei import TEI_NS, local, substitute, tei
from . import elements
from .records import Edition



def link_citations(edition: Edition, report: Report) -> int:
    """Mark up the citations; return how many were linked."""
    if not edition.sources:
        return 0
    sigla = "|".join(re.escape(s.siglum) for s in sorted(edition.sources, key=lambda s: -len(s.siglum)))
    # The space after the siglum is optional here only to report its absence ("M42.7"): not linked.
    pattern = re.compile(rf"(?<![\w.])({sigla})(\s?)(\d+\.\d+)(?!\w|\.\d)")
    blocks = {block.label: block for block in edition.blocks.values() if block.id}
    linked = 0

    def walk(element, file) -> None:
        if not elements.links_inside(element, elements.CITATIONS):  # already links, or words of others
            return

        def link(match):
            nonlocal linked
            if not match.group(2):
                report.add(file.locate(element), "citation-spacing",
                           f"'{match.group(0)}' is not linked: write '{match.group(1)} {match.group(3)}', "
                           f"a space after the siglum")
                return None
            block = blocks.get(f"{match.group(1)} {match.group(3)}")
            if block is None:
                report.add(file.locate(element), "citation-unresolved",
                               f"'{match.group(0)}' cites no paragraph of the edition")
                return None
            ref = etree.Element(tei("ref"), {"target": f"#{block.id}", "type": "citation"})
            ref.text = match.group(0)
            linked += 1
            return ref
        substitute(element, pattern, link, lambda child: walk(child, file))

    for note in edition.notes.values():
        if note.series == "editorial":
            walk(note.element, note.chapter.source.file)
    if edition.introduction is not None:
        body = edition.introduction.root.find(f"{{{TEI_NS}}}text/{{{TEI_NS}}}body")
        if body is not None:
            walk(body, edition.introduction)
    return linked

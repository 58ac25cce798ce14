"""Counts per source, for editors: how far the encoding has gone.

In: an `Edition`.  Out: rows of counts, printed as a table by the command line.
"""

from __future__ import annotations

from ..check.fidelity import words
from ..read.reader import plain_text
from ..read.tei import NS
from .elements import NAME_ELEMENTS
from .records import Edition

COLUMNS = ("source", "words", "paragraphs", "source notes", "editorial notes", "missing notes",
           "emendations", "page breaks", "dates", "names")



def rows(edition: Edition) -> list[tuple]:
    result = []
    for source in edition.sources:
        text = source.file.root.find("{http://www.tei-c.org/ns/1.0}text")

        def count(xpath: str) -> int:
            return int(text.xpath(f"count({xpath})", namespaces=NS))

        notes = [n for n in edition.notes.values() if n.chapter.source is source]
        result.append((
            source.siglum,
            sum(len(words(plain_text(block.element))) for block in source.blocks()),
            sum(1 for _ in source.blocks()),
            sum(1 for n in notes if n.series == "source"),
            sum(1 for n in notes if n.series == "editorial"),
            count(".//tei:ptr[@type='noteCall']"),
            count(".//tei:choice"),
            count(".//tei:pb"),
            count(".//tei:date"),
            count(" | ".join(f".//tei:{name}" for name in sorted(NAME_ELEMENTS))),
        ))
    return result


def table(edition: Edition) -> str:
    data = rows(edition)
    totals = ("all",) + tuple(sum(row[i] for row in data) for i in range(1, len(COLUMNS)))
    lines = [COLUMNS] + data + [totals]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(COLUMNS))]

    def fmt(line):
        return "  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(line, widths)))
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(COLUMNS), rule] + [fmt(row) for row in data] + [rule, fmt(totals)])

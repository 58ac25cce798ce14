"""Proof that a TEI file keeps every word of its copy-text, in order.

In: the root of a TEI file and the text of its copy-text.  Out: a `Comparison`: where the two
first differ (if they do) and what the encoding set aside (web debris, leaked running heads,
source notes moved to their calls).  Both sides are reduced to words: runs of letters and digits.
Punctuation is never compared: the reading text's quotation marks, dashes and ellipses are set
typographically when it is rendered (render/typography.py, a declared silent normalisation), and
the words this proves are the words printed.

The TEI's reading stream for this purpose keeps the copy-text's readings (`sic`, `orig`, `abbr`),
the numbers of note calls, and the recorded debris (`gap/desc`, `fw`); it leaves out what the
editors added (`corr`, `reg`, `expan`, `supplied`, editorial notes).  A source note's words are
matched separately: the copy-text may print them anywhere after the call (at the foot of a page).

Run as `python -m edition.check.fidelity TEI COPYTEXT` to compare one file by hand.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

from lxml import etree

from ..model import elements
from ..read.tei import TEI_NS, local

WORD = re.compile(r"\d+|[^\W\d_]+")  # digits and letters apart: "Smirnov93" is a word and a note call


@dataclasses.dataclass
class Word:
    text: str
    element: etree._Element  # the element whose text holds the word, for locating a difference


@dataclasses.dataclass
class Comparison:
    words: int
    difference: str | None  # None when the texts agree
    element: etree._Element | None  # where in the TEI the difference is
    excluded: list[str]  # what the encoding set aside, for the report


def words(text: str) -> list[str]:
    return WORD.findall(text)


def reading_stream(text_element: etree._Element) -> tuple[list[Word], list[tuple[int, list[str]]], list[str]]:
    """The words of the TEI, the source notes (position of their call, words), and exclusions."""
    stream: list[Word] = []
    notes: list[tuple[int, list[str]]] = []
    excluded: list[str] = []

    def emit(text: str | None, element) -> None:
        if text:
            stream.extend(Word(w, element) for w in words(text))

    def walk(element) -> None:
        if not isinstance(element.tag, str):
            return
        name = local(element)
        if elements.editorial(element):
            return
        if name == "ptr" and element.get("type") == "noteCall":
            emit(element.get("n"), element)
            return
        if name == "note":
            emit(element.get("n"), element)
            notes.append((len(stream), words(element.get("n") or "") + words("".join(_reading_text(element)))))
            excluded.append(f"note {element.get('n') or ''} moved to its call: {_short(_reading_text(element))}")
            return
        if name == "fw":
            excluded.append(f"running head recorded as fw: {''.join(element.itertext())}")
        if name == "desc" and local(element.getparent()) == "gap":
            excluded.append(f"debris recorded as gap: {''.join(element.itertext())}")
        emit(element.text, element)
        for child in element:
            walk(child)
            emit(child.tail, element)

    walk(text_element)
    return stream, notes, excluded


def _reading_text(element) -> list[str]:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and not elements.editorial(child):
            parts.extend(_reading_text(child))
        parts.append(child.tail or "")
    return parts


def _short(parts: list[str]) -> str:
    text = " ".join("".join(parts).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _in_file(element: etree._Element) -> etree._Element:
    """The element, or for one made in memory (a name linked by model/names.py) its nearest
    ancestor read from the file: what a location can point to."""
    return next((e for e in (element, *element.iterancestors()) if e.sourceline), element)


def compare(root: etree._Element, copytext: str) -> Comparison:
    """Walk the copy-text and the TEI stream together; notes may be met anywhere after their call."""
    text_element = root.find(f"{{{TEI_NS}}}text")
    stream, notes, excluded = reading_stream(text_element)
    seed = words(copytext)
    pending: list[tuple[int, list[str]]] = []
    i = j = 0
    next_note = 0
    while True:
        while next_note < len(notes) and notes[next_note][0] <= j:
            pending.append(notes[next_note])
            next_note += 1
        if j < len(stream) and i < len(seed) and seed[i] == stream[j].text:
            i += 1
            j += 1
            continue
        matched = next((note for note in pending if seed[i:i + len(note[1])] == note[1]), None)
        if matched is not None and matched[1]:
            i += len(matched[1])
            pending.remove(matched)
            continue
        if j >= len(stream) and i >= len(seed):
            break
        element = _in_file(stream[min(j, len(stream) - 1)].element) if stream else text_element
        context_tei = " ".join(w.text for w in stream[j:j + 8]) or "(end of the TEI text)"
        context_seed = " ".join(seed[i:i + 8]) or "(end of the copy-text)"
        return Comparison(len(seed), f"the copy-text reads “{context_seed}” but the TEI reads “{context_tei}” "
                                     f"(word {i + 1} of the copy-text)", element, excluded)
    if pending or next_note < len(notes):
        missing = (pending or notes[next_note:])[0]
        return Comparison(len(seed), f"the words of note {missing[1][:1]} are not in the copy-text after its call",
                          text_element, excluded)
    return Comparison(len(seed), None, None, excluded)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m edition.check.fidelity TEI COPYTEXT", file=sys.stderr)
        return 2
    root = etree.parse(argv[0], etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    result = compare(root, Path(argv[1]).read_text(encoding="utf-8"))
    for item in result.excluded:
        print(f"excluded: {item}")
    if result.difference:
        line = result.element.sourceline if result.element is not None else 0
        print(f"{argv[0]}:{line}: {result.difference}")
        return 1
    print(f"{argv[0]}: all {result.words} words of the copy-text, in order "
          "(words only: quotation marks, dashes and ellipses, which the outputs normalise, are not compared)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Where a piece of the printed book comes from in the sources.

In: the `Edition`, the ids of the HTML elements around a piece of text (innermost first; both
outputs use the TEI's ids, note ids, mention ids and the appendices' row ids) and a few of its
words.  Out: a `Location` in the TEI file (or edition.yaml for what the settings made): the
element that carries the id, narrowed down to the line and column where those words stand.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from lxml import etree

from ..diagnostics import Location, display_path
from ..model.records import Edition
from ..read.tei import TeiFile

WORD = re.compile(r"[^\W_]+")
BETWEEN = r"(?:<[^>]*>|&\w+;|[^\w<&])+"  # markup, entities, spaces and punctuation between two words
SEARCH_AHEAD = 40_000  # characters after the element's start tag where its words may stand
PREFIXES = ("chron-", "conc-", "index-")  # appendix rows and entries: the register entry's id follows
SUFFIX = re.compile(r"-(see|table)\d+$")  # after it: an index's 'see' entry, a row of the concordance's next tables


class Locator:
    """Maps output ids and words back to `file:line:col` in the sources."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.elements: dict[str, etree._Element] = {key: target.element for key, target in edition.targets.items()}
        self.elements |= {note.id: note.element for note in (*edition.notes.values(), *edition.apparatus.values())}
        self.elements |= {mention.id: mention.element for mention in edition.mentions}
        self.elements |= {entity.id: entity.element for entity in edition.entities.values()}
        for source in edition.sources:
            self.elements[f"part-{source.siglum}"] = source.file.root
            self.elements[f"sigla-{source.siglum}"] = source.file.root
        files = [s.file for s in edition.sources] + list(edition.registers)
        if edition.introduction is not None:
            files.append(edition.introduction)
            self.elements["introduction"] = edition.introduction.root
        self.files: dict[etree._Element, TeiFile] = {f.root: f for f in files}
        self._texts: dict[TeiFile, tuple[str, list[int]]] = {}

    def locate(self, ids: list[str], words: str = "") -> Location:
        """The source of the innermost id that the edition knows, at `words` if they are found."""
        for key in ids:
            element = self.elements.get(key)
            if element is None and key.startswith(PREFIXES):
                element = self.elements.get(SUFFIX.sub("", key.split("-", 1)[1]))
            if element is None and key.startswith("intro-"):
                element = self.elements.get("introduction")
            if element is not None:
                file = self.files.get(element.getroottree().getroot())
                if file is not None:
                    return self._at_words(file, element, words) or file.locate(element)
        return Location(display_path(self.edition.settings.path), 1, 1)

    def _at_words(self, file: TeiFile, element: etree._Element, words: str) -> Location | None:
        """The first place after the element's start tag where the words stand (the first of
        them may be the end of a word hyphenated on the line before, so it may be dropped)."""
        tokens = WORD.findall(words)
        text, starts = self._text(file)
        start = starts[max((element.sourceline or 1) - 1, 0)]
        for first in (0, 1):
            chosen = tokens[first:first + 3]
            if len(chosen) < min(2, len(tokens)) or not chosen:
                continue
            pattern = re.compile(r"(?<!\w)" + BETWEEN.join(re.escape(t) for t in chosen))
            match = pattern.search(text, start, start + SEARCH_AHEAD)
            if match:
                line = bisect_right(starts, match.start())
                return Location(file.shown, line, match.start() - starts[line - 1] + 1)
        return None

    def _text(self, file: TeiFile) -> tuple[str, list[int]]:
        if file not in self._texts:
            starts, offset = [], 0
            for line in file.lines:
                starts.append(offset)
                offset += len(line) + 1
            self._texts[file] = ("\n".join(file.lines), starts)
        return self._texts[file]

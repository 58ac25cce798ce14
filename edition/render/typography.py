"""Quotation marks, dashes and ellipses set as a book sets them: a silent, declared normalisation.

In: TEI elements and the edition's settings (`typography`, `language`).  Out: the text and tail of
each element as the reading text prints them, for html.py to append.  Only English text changes
(`xml:lang`, else the edition's language), and only these characters:

- straight quotes become curly by context, judged across element boundaries within a passage
  ("<persName>Stalin</persName>," opens and closes around the name); each note is a passage of
  its own; an apostrophe (Stalin's, '90s, rock 'n' roll) is ’;
- `--` and `---` become a closed em dash (spaces around it closed up), `--` between figures an en dash;
- three full stops, closed up or spaced (`...`, `. . .`), become the ellipsis character …, and
  four become … and the sentence's full stop; other runs of stops (`..`, `. ..`, leaders) stay.

Left exactly as encoded: text the reader does not see (`fw`, `gap/desc`), the copy-text's
readings in a `choice` (`sic`, `orig`, `abbr`: the apparatus quotes them as they stand), URLs,
single hyphens (1917-18), and everything when the edition sets `typography: diplomatic`.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Sequence

from lxml import etree

from ..read.settings import Settings
from ..read.tei import XML_LANG, local

HIDDEN = {"fw", "desc"}  # recorded, not shown
READINGS = {"sic", "orig", "abbr"}  # of a choice: shown only in the apparatus, diplomatically
# Elements that stand on a line of their own: a quote at their edge opens or closes there.
BREAKS = {"p", "ab", "head", "l", "item", "lb", "speaker", "stage", "dateline", "salute", "signed",
          "trailer", "byline", "docAuthor", "docDate", "titlePart"}

URL = re.compile(r"(?:https?://|www\.)[^\s\"'‘’“”<>]+")  # a quote, straight or curly, ends it
MARKS = re.compile(rf"(?P<url>{URL.pattern})|(?P<range>(?<=\d)--(?=\d))|(?P<dash>\s*(?<!-)-{{2,3}}(?!-)\s*)"
                   r"|(?P<dots>\.(?:[ \u00a0]?\.)+)")
MARKED = re.compile(r"--|\.[ \u00a0]?\.")  # a text worth running MARKS over
QUOTES = re.compile("[\"'“”]")
ELLIPSES = {"...": "…", ". . .": "…", "....": "….", ". . . .": "…."}  # other runs of stops stay
OPENERS = set("([{<“‘«‹„")  # after these (or a space) a quote opens
DASHES = set("—–-")  # after a dash a quote opens if a word follows: —“Yes”, but—”
ELISION = re.compile(r"\d\d(?!\d)|(?:n|em|tis|twas)\b", re.IGNORECASE)  # ’90s, rock ’n’ roll, ’em


class Typography:
    """The texts and tails of TEI elements for the reading text, computed once per TEI file."""

    def __init__(self, settings: Settings | None = None):
        self.normalise = settings is not None and settings.typography == "normalised"
        self.language = settings.language if settings is not None else "en"
        self._texts: dict[tuple[etree._Element, str], str] = {}
        self._files: set[etree._Element] = set()

    def text(self, element: etree._Element) -> str | None:
        return self._get(element, "text")

    def tail(self, element: etree._Element) -> str | None:
        return self._get(element, "tail")

    def itertext(self, element: etree._Element) -> Iterator[str]:
        """The element's text and its descendants' texts and tails, as lxml's itertext()."""
        yield self.text(element) or ""
        for child in element:
            if isinstance(child.tag, str):
                yield from self.itertext(child)
            yield self.tail(child) or ""

    def _get(self, element: etree._Element, slot: str) -> str | None:
        raw = getattr(element, slot)
        if not self.normalise or not raw:
            return raw
        root = element.getroottree().getroot()
        if root not in self._files:
            self._files.add(root)
            passages: list[list] = [[]]
            _collect(root, _english(root.get(XML_LANG) or self.language), passages[0], passages)
            for passage in passages:
                keys, texts, english = zip(*passage) if passage else ((), (), ())
                self._texts.update((key, text) for key, text in zip(keys, typeset(texts, english)) if key)
        return self._texts.get((element, slot), raw)


def _english(language: str) -> bool:
    return language.split("-")[0].lower() == "en"


def _collect(element, english: bool, passage: list, passages: list[list]) -> None:
    """(key, text, english) of an element's texts and tails in reading order; notes apart."""
    if element.get(XML_LANG):
        english = _english(element.get(XML_LANG))
    edge = [(None, " ", False)] if local(element) in BREAKS else []
    passage += edge + [((element, "text"), element.text or "", english)]
    for child in element:
        if isinstance(child.tag, str):  # of a comment, only the tail is text
            if local(child) == "note":
                passages.append([])
                _collect(child, english, passages[-1], passages)
            elif not (local(child) in HIDDEN or (local(child) in READINGS and local(element) == "choice")):
                _collect(child, english, passage, passages)
        passage.append(((child, "tail"), child.tail or "", english))
    passage += edge


def typeset(texts: Sequence[str], english: Sequence[bool]) -> list[str]:
    """Normalise the texts of one passage, read in order: quotes are judged across them, dashes and
    ellipses within each; a text not in English is returned as it is."""
    texts = [MARKS.sub(_mark, text) if is_english and MARKED.search(text) else text
             for text, is_english in zip(texts, english)]
    joined = "".join(texts)
    chars = list(joined)
    ends = list(itertools.accumulate(len(text) for text in texts))
    urls = {i for match in URL.finditer(joined) for i in range(*match.span())}
    inside = False  # within double quotes, for a quote with spaces on both sides
    for match in QUOTES.finditer(joined):
        i = match.start()
        if chars[i] in "\"'" and english[bisect.bisect_right(ends, i)] and i not in urls:
            chars[i] = _quote(chars[i], chars[i - 1] if i else "", joined, i, inside)
        if chars[i] in "“”":
            inside = chars[i] == "“"
    return ["".join(chars[end - len(text):end]) for text, end in zip(texts, ends)]


def _mark(match: re.Match) -> str:
    if match["range"]:
        return "–"
    if match["dash"]:
        return "—"
    if match["dots"]:
        return ELLIPSES.get(match[0].replace("\u00a0", " "), match[0])
    return match[0]  # a URL


def _quote(mark: str, before: str, joined: str, i: int, inside: bool) -> str:
    """The curly form of the straight quote at joined[i], from the characters around it."""
    after = joined[i + 1:i + 2]
    if not before or before.isspace() or before in OPENERS:
        opening = not (after == "" or after.isspace()) or (mark == '"' and not inside)
    elif before in DASHES:
        opening = after != "" and (after.isalnum() or after in OPENERS or after in "\"'")
    else:
        opening = False
    if mark == '"':
        return "“" if opening else "”"
    if opening and not ELISION.match(joined, i + 1):
        return "‘"
    return "’"

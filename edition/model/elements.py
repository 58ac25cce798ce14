"""What each TEI element means: one table that every stage consults.

In: a TEI element (or its local name).  Out: its `Trait`: what kind of thing it is, whether its
words are the reading text, whether the editors made them, whether it gets a paragraph number,
where automatic links may be made inside it, and how it renders when no handler of
`render/html.py` says more.  Adding an element means one row here and, where the generic
rendering will not do, a handler in `render/html.py` and a style in the templates.
"""

from __future__ import annotations

import dataclasses

from lxml import etree

from ..read.tei import TEI_NS, local

KINDS = ("structure", "block", "inline", "milestone", "note", "name", "apparatus", "header", "ignored")
# header: metadata, and the registers a file keeps apart from its text (persons, places); ignored:
# recorded in the file but not shown (forme work, descriptions of debris)
NAMES, CITATIONS = "names", "citations"  # the automatic links (model/names.py, model/citations.py)
ALL_LINKS = frozenset({NAMES, CITATIONS})


@dataclasses.dataclass(frozen=True)
class Trait:
    kind: str  # one of KINDS
    html: str = "span"  # the HTML element of the generic rendering
    css: str | None = ""  # its class: "" for the TEI element's name, None for none
    reading: bool = True  # its words are part of the reading text (False: alternatives, debris, forme work)
    editorial: bool = False  # its words are the editors', not the copy-text's (corrections, supplied text)
    numbered: bool = False  # it receives a paragraph number where it stands directly in a division
    links: frozenset[str] = ALL_LINKS  # automatic links that may be made inside it
    role: str = ""  # its structural semantics, as DPUB-ARIA names them without "doc-" (EPUB: also its epub:type)

    def css_for(self, name: str) -> str | None:
        return name if self.css == "" else self.css


def _rows(kind: str, names: str, **traits) -> dict[str, Trait]:
    return {name: Trait(kind, **traits) for name in names.split()}


NONE = frozenset()
TRAITS: dict[str, Trait] = {
    # structure: read by the reader, not rendered by a handler of its own
    **_rows("structure", "TEI teiCorpus text group front body back div div1 div2 div3 div4 div5 div6 div7", html="div"),
    **_rows("header", "teiHeader"),
    # blocks that receive a paragraph number in a division
    **_rows("block", "p ab", html="p", numbered=True),
    **_rows("block", "cit lg sp floatingText stage", html="div", numbered=True),
    "list": Trait("block", html="ul", numbered=True),
    "label": Trait("block", numbered=True, links=frozenset({CITATIONS})),
    # blocks without a number
    "epigraph": Trait("block", html="div", role="epigraph"),
    **_rows("block", "docTitle argument titlePage castList table figure postscript listBibl", html="div"),
    **_rows("block", "trailer docAuthor byline docDate docImprint docEdition opener closer head titlePart",
            html="p"),
    "item": Trait("block", html="li", css=None),
    "castItem": Trait("block", html="li"),
    "row": Trait("block", html="tr", css=None),
    "cell": Trait("block", html="td", css=None),
    # letters: lines of an opener or closer
    **_rows("inline", "dateline salute signed"),
    # phrases
    "emph": Trait("inline", html="em", css=None),
    **_rows("inline", "foreign term mentioned gloss", html="i"),
    "bibl": Trait("inline", html="cite", links=NONE),
    "title": Trait("inline", html="cite", links=NONE),
    "quote": Trait("block", html="div", numbered=True, links=frozenset({NAMES})),
    **_rows("inline", "q said soCalled seg num measure time hi distinct code ident c pc w m "
                      "author editor publisher pubPlace biblScope edition respStmt resp "
                      "address addrLine street postCode settlement country region district bloc "
                      "email idno roleDesc role speaker formula unclear damage add space"),
    "date": Trait("inline", html="time", links=frozenset({CITATIONS})),
    # editorial interventions: what the editors show instead of the copy-text's words
    **_rows("inline", "corr reg expan supplied", editorial=True),
    **_rows("inline", "sic orig abbr surplus del", reading=False),
    "choice": Trait("inline"),
    "subst": Trait("inline"),
    # names and links
    **_rows("name", "name persName placeName orgName rs geogName roleName forename surname addName "
                    "genName nameLink"),
    "ref": Trait("inline", html="a", links=frozenset({NAMES})),
    "ptr": Trait("inline", html="a", links=NONE),
    # notes
    "note": Trait("note"),
    "noteGrp": Trait("note"),
    # the apparatus: readings of the witnesses, shown in the apparatus series
    "app": Trait("apparatus"),
    "lem": Trait("apparatus"),
    **_rows("apparatus", "rdg rdgGrp witDetail", reading=False, links=NONE),
    **_rows("apparatus", "lacunaStart lacunaEnd witStart witEnd"),
    # milestones: a point in the text
    **_rows("milestone", "pb lb cb gb milestone anchor"),
    # registers and other data a file keeps apart from its text (a lenient file's back)
    **_rows("header", "listWit witness listPerson listPlace listOrg listEvent listRelation listNym person personGrp place org "
                      "event relation nym birth death occupation sex affiliation residence faith nationality "
                      "education floruit state trait location geo langKnowledge", reading=False, links=NONE),
    # recorded, not part of the reading text
    **_rows("ignored", "fw desc figDesc graphic", reading=False, links=NONE),
    "gap": Trait("inline", reading=False, links=NONE),
    "l": Trait("block"),
}

EDITORIAL_NOTE_TYPES = {"editorial", "commentary", "gloss", "editor"}


def trait(element: etree._Element) -> Trait | None:
    """The trait of a TEI element; None for an element outside the table or outside TEI."""
    if not isinstance(element.tag, str) or etree.QName(element).namespace != TEI_NS:
        return None
    return TRAITS.get(local(element))


def names(**wanted) -> frozenset[str]:
    """The names of the elements whose traits have the given values: names(kind="milestone")."""
    return frozenset(name for name, t in TRAITS.items()
                     if all(getattr(t, key) == value for key, value in wanted.items()))


def reading(element: etree._Element) -> bool:
    """Whether the words of an element are part of the reading text (an editorial note's are not)."""
    found = trait(element)
    if found is None:
        return isinstance(element.tag, str)
    return found.reading and not (local(element) == "note" and note_series(element) == "editorial")


def editorial(element: etree._Element) -> bool:
    """Whether an element's words are the editors' own: a correction, supplied text, an editorial note."""
    found = trait(element)
    return bool(found and found.editorial) or (local(element) == "note" and note_series(element) == "editorial")


def links_inside(element: etree._Element, link: str) -> bool:
    """Whether automatic links of one sort (NAMES or CITATIONS) may be made inside an element."""
    found = trait(element)
    if found is None:
        return True
    return link in found.links and (link == CITATIONS or reading(element))


def note_series(element: etree._Element) -> str:
    """'editorial' for the editors' notes (@type editorial or commentary), else 'source'."""
    return "editorial" if element.get("type") in EDITORIAL_NOTE_TYPES else "source"


def is_division(element: etree._Element) -> bool:
    return local(element) in DIVISIONS


DIVISIONS = frozenset({"div", "div1", "div2", "div3", "div4", "div5", "div6", "div7"})
# The lists a file keeps apart from its text (registers of persons, places, works, witnesses):
# read, not printed, where they stand outside a division of the back.
LISTS = frozenset({"listPerson", "listPlace", "listOrg", "listEvent", "listBibl", "listWit", "listRelation", "listNym"})
NUMBERED = names(numbered=True)
MILESTONES = names(kind="milestone")
NAME_ELEMENTS = names(kind="name") - {"forename", "surname", "addName", "genName", "nameLink", "roleName", "geogName"}


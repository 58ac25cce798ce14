"""A TEI file made elsewhere, brought in memory to the shape the reader expects.

In: a `TeiFile` read in lenient mode (any TEI P5) and its siglum.  Out: the same tree, changed in
memory only (the file is never written): ids made valid for HTML and XHTML (pointers to them
follow), `div1`…`div7` read as `div`, text standing in a body outside any division gathered into
a division of its own, runs of bare verse lines gathered into a line group; and a warning, at its
first place, for each element the pipeline renders only by its content (`generic-element`,
`foreign-element`).
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from ..diagnostics import Report
from ..model import elements
from .tei import TEI_NS, XML_ID, TeiFile, local, tei

NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")
POINTING = ("target", "corresp", "ref", "ana", "wit", "who", "resp", "source", "facs", "rendition",
            "calendar", "datingMethod", "from", "to", "synch", "sameAs", "copyOf", "next", "prev", "edRef")
HEADER = tei("teiHeader")


def normalise(file: TeiFile, report: Report) -> None:
    _valid_ids(file.root)
    text = file.root.find(tei("text"))
    if text is None:
        return
    for element in list(text.iter(*(tei(f"div{k}") for k in range(1, 8)))):
        element.tag = tei("div")  # numbered divisions: their depth is where they stand
    for holder in (text.find(tei("body")), text.find(tei("back"))):
        if holder is not None:
            _gather(holder, holder.tag == tei("body"))
    for division in list(text.iter(tei("div"), tei("sp"), tei("body"))):
        _verse(division)
    _unknown(file, text, report)


def _valid_ids(root: etree._Element) -> None:
    """Ids that are not NCNames (a digit first, a space, a colon) renamed, with every pointer of
    the file that names them: HTML ids and XHTML's must be names."""
    renamed: dict[str, str] = {}
    taken = {e.get(XML_ID) for e in root.iter() if isinstance(e.tag, str) and e.get(XML_ID)}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        old = element.get(XML_ID)
        if old is None or NCNAME.match(old):
            continue
        new = "id-" + re.sub(r"[^\w.-]", "_", old)
        while new in taken:
            new += "_"
        taken.add(new)
        renamed[old] = new
        element.set(XML_ID, new)
    if not renamed:
        return
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in POINTING:
            value = element.get(attribute)
            if value:
                tokens = ["#" + renamed.get(t[1:], t[1:]) if t.startswith("#") else renamed.get(t, t) for t in value.split()]
                element.set(attribute, " ".join(tokens))


def _gather(holder: etree._Element, body: bool) -> None:
    """In the body, runs of text outside any division become a division each (one chapter of
    the source when the body has no division at all); in the back, runs become a division only
    if they print text (a list of persons does not)."""
    run: list[etree._Element] = []

    def close():
        if run and (body or any(_prints(e) for e in run)):
            division = etree.Element(tei("div"))
            run[0].addprevious(division)
            for element in run:
                division.append(element)  # keeps its tail
        run.clear()

    for child in list(holder):
        if not isinstance(child.tag, str) or local(child) in elements.MILESTONES and not run:
            continue
        if local(child) == "div":
            close()
        else:
            run.append(child)
    close()


def _prints(element: etree._Element) -> bool:
    found = elements.trait(element)
    return found is None or found.kind in ("block", "inline", "name") and local(element) not in elements.LISTS


def _verse(holder: etree._Element) -> None:
    """Runs of `l` standing directly in a division (or a speech, or a body) become one `lg`."""
    run: list[etree._Element] = []

    def close():
        if len(run) > 1 or (run and local(holder) == "div"):
            group = etree.Element(tei("lg"))
            run[0].addprevious(group)
            for line in run:
                group.append(line)
        run.clear()

    for child in list(holder):
        if not isinstance(child.tag, str):
            continue
        if local(child) == "l" and etree.QName(child).namespace == TEI_NS:
            run.append(child)
        elif local(child) not in elements.MILESTONES or not run:
            close()
    close()


def _unknown(file: TeiFile, text: etree._Element, report: Report) -> None:
    """One warning per element name the pipeline does not know, at its first place, with the count."""
    first: dict[str, etree._Element] = {}
    counts: Counter[str] = Counter()
    for element in text.iter():
        if not isinstance(element.tag, str) or elements.trait(element) is not None:
            continue
        if any(a.tag == HEADER for a in element.iterancestors()):
            continue
        qname = etree.QName(element)
        name = local(element) if qname.namespace == TEI_NS else element.tag
        counts[name] += 1
        first.setdefault(name, element)
    for name, element in first.items():
        times = f" ({counts[name]} times)" if counts[name] > 1 else ""
        if etree.QName(element).namespace == TEI_NS:
            report.add(file.locate(element), "generic-element",
                       f"<{name}>{times} is rendered only by its content: the pipeline has no rule for it")
        else:
            report.add(file.locate(element), "foreign-element",
                       f"<{etree.QName(element).localname}> of {etree.QName(element).namespace}{times} "
                       f"is rendered by its content only")

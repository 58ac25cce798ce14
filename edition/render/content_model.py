"""What HTML allows where: blocks where flow content may stand, only phrases in a paragraph.

In: an HTML tag and the element it goes into, or a rendered element.  Out: the tag to use, or
the element with its blocks made phrases.  TEI nests blocks in phrases freely (a list in a
paragraph, a quotation of verse in a note); HTML does not, and an HTML parser (WeasyPrint's)
would close the paragraph, so a block in such a place becomes a span of the class `as-<tag>`,
which both stylesheets display as the block.
"""

from __future__ import annotations

from lxml import etree

FLOW = {"div", "p", "ul", "ol", "li", "table", "tr", "td", "th", "blockquote", "hr", "section", "figure",
        "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "caption", "tbody"}
PHRASING_ONLY = {"p", "span", "a", "i", "em", "b", "strong", "cite", "sup", "sub", "time", "small", "del",
                 "ins", "s", "u", "q", "code", "h1", "h2", "h3", "h4", "h5", "h6", "dt"}


def fit(tag: str, out: etree._Element) -> tuple[str, str | None]:
    """The tag for a new element in `out`, and a class: where only phrases may stand (a paragraph,
    a phrase, a note at its call), a block becomes a span of the class `as-<tag>`, styled as the
    block, so that the HTML stays valid whatever the TEI nests."""
    if tag in FLOW and (out.tag in PHRASING_ONLY or any(c.startswith("as-") for c in (out.get("class") or "").split())):
        return "span", f"as-{tag}"
    return tag, None


def as_phrases(html: etree._Element) -> None:
    """Make the blocks inside a phrase (a note set at its call) spans: a paragraph `fn-p`, as
    print styles a note's paragraphs; any other block `as-<tag>`."""
    for element in list(html.iterdescendants()):
        if not isinstance(element.tag, str) or element.tag not in FLOW:
            continue
        css = "fn-p" if element.tag == "p" else " ".join(filter(None, (f"as-{element.tag}", element.get("class"))))
        element.tag = "span"
        element.set("class", css)

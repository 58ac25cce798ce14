"""The HTML the build lays out parsed in C (lxml), for WeasyPrint, not by its own parser in Python.

In: a part's document or a trial document, as the build writes it, and its base URL.  Out:
WeasyPrint's `HTML` of it, whose tree is the one WeasyPrint's own parser (tinyhtml5, the HTML5
algorithm in Python) gives: the same elements, tags, attributes in order, text and tails.

tinyhtml5 took 0.15-0.3 s to parse a part of the book, in every layout of it and every document
of trial paragraphs; lxml (libxml2) and a copy into `xml.etree` take a tenth of that.  The two
agree on the HTML the build writes (lxml's own serialization: tables with their bodies, nothing
between `<html>` and `<head>`), not on any HTML (a table row outside a body; white space after
`<html>`): tests/test_html_parsing.py compares the trees of every part of the real book and of
trial documents.
"""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ElementTree


def parsed(source: str, base_url: str):
    """WeasyPrint's `HTML` of `source`, its tree parsed by lxml."""
    import tinyhtml5
    import weasyprint

    with _swapped(tinyhtml5, "parse", _parse):
        return weasyprint.HTML(string=source, base_url=base_url)


def tree(source: str) -> ElementTree.Element:
    """The root of `source` parsed by lxml, copied into `xml.etree` as tinyhtml5 gives it."""
    import lxml.html

    return _copied(lxml.html.document_fromstring(source))


def _parse(document, namespace_html_elements: bool = True, **kwargs) -> ElementTree.Element:
    """tinyhtml5.parse's stand-in, for the document WeasyPrint hands it (a string's StringIO)."""
    assert not namespace_html_elements  # as WeasyPrint asks: tags without the XHTML namespace
    return tree(document.read() if hasattr(document, "read") else document)


def _copied(element) -> ElementTree.Element:
    """An lxml element and all under it as `xml.etree` elements (comments as comments)."""
    if isinstance(element.tag, str):
        copy = ElementTree.Element(element.tag, dict(element.attrib))
        copy.text = element.text
        copy.extend(_copied(child) for child in element)
    else:
        copy = ElementTree.Comment(element.text)
    copy.tail = element.tail
    return copy


@contextlib.contextmanager
def _swapped(module, name: str, value):
    before = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, before)

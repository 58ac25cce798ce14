"""write/html_parsing.py: the HTML the build lays out parsed by lxml into the very tree WeasyPrint's
own parser (tinyhtml5) gives."""

from __future__ import annotations

import re

import lxml.html
import pytest
import tinyhtml5
import weasyprint

from edition.write import corrections, html_parsing, page_numbers, parts

SAMPLE = """<html lang="en"><head><meta charset="utf-8"><title>A &amp; B</title>
<style>p > i { font-style: normal } .a::after { content: "<\\2014>" }</style></head>
<body><section id="s" class="part"><h2 id="h">Chapter&nbsp;1</h2><!-- a comment -->
<p id="p1" class="numbered spacing-tight-1" lang="ru">Сталин <i>был</i> избран<span class="footnote" id="n1">A note
with <a href="#p1" class="xref">a link</a>.</span> tail&#8201;words<br>after a break</p>
<table class="concordance"><thead><tr><th>Event</th></tr></thead><tbody><tr><td class="date">1922</td>
<td><span class="pg" data-page-of="p1">000</span></td></tr></tbody></table><img alt="" src="x.png"></section></body></html>"""


def elements(root) -> list[tuple]:
    """Each element in document order: its tag (comments as such), attributes in order, text and tail."""
    return [(e.tag if isinstance(e.tag, str) else "comment", list(e.attrib.items()), e.text, e.tail) for e in root.iter()]


def test_a_document_as_the_build_writes_it_is_parsed_into_weasyprints_own_tree():
    ours, theirs = html_parsing.tree(SAMPLE), tinyhtml5.parse(SAMPLE, namespace_html_elements=False)
    assert len(elements(ours)) > 20
    assert elements(ours) == elements(theirs)
    document = html_parsing.parsed(SAMPLE, "/tmp/book.html")
    assert elements(document.etree_element) == elements(theirs)
    assert document.base_url == weasyprint.HTML(string=SAMPLE, base_url="/tmp/book.html").base_url
    assert tinyhtml5.parse is not html_parsing._parse  # WeasyPrint's own parser back afterwards


@pytest.mark.slow
def test_every_part_of_the_book_and_its_trial_documents_are_parsed_into_weasyprints_own_trees(built):
    """Every part of the real book, as a job lays it out, and documents of trial paragraphs drawn
    from each part."""
    head, bodies = parts.split(built.html)
    book = lxml.html.parse(str(built.html))
    wanted = {}
    for body, *_ in bodies:
        document = page_numbers.masked(parts.document(head, body, None))
        assert elements(html_parsing.tree(document)) == elements(tinyhtml5.parse(document, namespace_html_elements=False))
        wanted |= {key: {"", "spacing-loose-1"} for key in re.findall(r'<p id="([^"]+)"', body)[:3]}
    assert len(wanted) > 20
    _, documents = corrections._trial_documents(corrections.Corrections(wanted=wanted), [book])
    for (document,) in documents:
        assert elements(html_parsing.tree(document)) == elements(tinyhtml5.parse(document, namespace_html_elements=False))

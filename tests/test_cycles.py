"""WeasyPrint's layouts freed by reference counting (edition/write/cycles.py): the cycles a layout
leaves, with WeasyPrint alone and with them broken."""

from __future__ import annotations

import gc
import weakref

import pytest

HTML = "<style>@page { size: A6 }</style>" + "".join(
    f"<p>Paragraph {k}<span style='float: footnote'>Note {k}.</span>, in words enough for a line or two.</p>"
    for k in range(30))


@pytest.fixture
def collector_off():
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def contexts(monkeypatch) -> list:
    """Weak references to the layout contexts WeasyPrint makes from now on."""
    from weasyprint.layout import LayoutContext

    made, init = [], LayoutContext.__init__

    def recorded(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(weakref.ref(self))

    monkeypatch.setattr(LayoutContext, "__init__", recorded)
    return made


def test_weasyprint_alone_leaves_a_layout_and_its_context_to_the_collector(monkeypatch, collector_off):
    """docs/weasyprint.md §16: let go, a layout's pages and its context wait for the collector."""
    import weasyprint

    made = contexts(monkeypatch)
    document = weasyprint.HTML(string=HTML).render()
    page = weakref.ref(document.pages[0]._page_box)
    del document
    assert made[0]() is not None and page() is not None
    gc.collect()
    assert made[0]() is None and page() is None


def test_a_layouts_context_is_freed_once_it_is_made_and_its_pages_once_their_cycles_are_broken(monkeypatch,
                                                                                               collector_off):
    import weasyprint

    from edition.write import cycles, layout_fixes

    made = contexts(monkeypatch)
    with layout_fixes.applied():
        document = weasyprint.HTML(string=HTML).render()
    assert len(made) == 1 and made[0]() is None  # the cascade with it
    pages = [(page._page_box, page._page_box.children, page._page_box.children[0].children) for page in document.pages]
    first, last = weakref.ref(pages[0][0]), weakref.ref(pages[-1][0])
    footnotes = [box for page, *_ in pages for box in page.children if type(box).__name__ == "FootnoteAreaBox"]
    assert footnotes and all(area.page is not None for area in footnotes)
    cyclic = [box.style for box in pages[0][0].descendants() if _cyclic(box.style)]
    assert cyclic  # the root's style, those of paragraphs going on from page to page...
    cycles.broken(pages[1:], pages[:1])  # the first page taken over by another layout: spared
    assert footnotes[0].page is pages[0][0] and all(area.page is None for area in footnotes[1:])
    assert all(_cyclic(style) for style in cyclic)  # its styles as they were
    del cyclic
    del document, pages, footnotes
    assert first() is not None and last() is None


def _cyclic(style) -> bool:
    return "anonymous_style" in style.__dict__ or style.__dict__.get("specified") is style

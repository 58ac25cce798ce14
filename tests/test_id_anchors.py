"""write/id_anchors.py: elements with ids share computed styles, with the same anchors, at the same
places, in the same PDF as WeasyPrint's own."""

import weasyprint
from weasyprint.formatting_structure import boxes

from edition.write import id_anchors, layout_fixes

# Mentions as the book has them (spans with ids, some split across lines), a paragraph with an id
# and a pseudo-element, a note with an id (its call, a pseudo-element of it, stays in the text), an
# anchor by name, a link to each kind.
STYLE = """@page { size: 200px 300px; margin: 10px }
body { font-size: 11px; text-align: justify; hyphens: auto }
.name { hyphens: manual } p#second::before { content: "§ " } p { margin: 0 0 6px }
.note { float: footnote; font-size: 9px }"""
WORDS = " ".join(f'<span class="name person" id="m.{k}">Stalin and his circle</span> met the committee'
                 for k in range(40))
HTML = (f'<html lang="en"><head><style>{STYLE}</style></head><body><p id="first">{WORDS}</p>'
        '<p id="second">More<span class="note" id="n.1">A note.</span> <a name="named">words</a> and <a href="#m.7">a link</a> to m.7, '
        '<a href="#second">one</a> to this paragraph and <a href="#named">one</a> by name.</p></body></html>')


def rendered(adjusted: bool):
    document = weasyprint.HTML(string=HTML)
    if not adjusted:
        return document.render()
    with id_anchors.applied():
        return document.render()


def test_ids_give_the_anchors_weasyprint_gives_at_the_same_places_and_the_same_pdf(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    plain, adjusted = rendered(False), rendered(True)
    assert len(plain.pages) == len(adjusted.pages) > 1
    assert [page.anchors for page in plain.pages] == [page.anchors for page in adjusted.pages]
    assert {"m.0", "m.39", "first", "second", "named", "n.1"} <= {name for page in adjusted.pages for name in page.anchors}
    assert [page.links for page in plain.pages] != [] and \
        [[link[:3] for link in page.links] for page in plain.pages] == \
        [[link[:3] for link in page.links] for page in adjusted.pages]
    assert plain.write_pdf() == adjusted.write_pdf()


def test_elements_with_ids_share_their_computed_style():
    """The mentions of the same kind are styled once, not each on its own."""
    def styles(document) -> set[int]:
        return {id(box.style) for page in document.pages for box in page._page_box.descendants()
                if isinstance(box, boxes.InlineBox) and box.element.get("class") == "name person"}

    assert len(styles(rendered(False))) >= 40
    assert len(styles(rendered(True))) == 1


def test_the_layout_s_adjustments_hold_it_and_an_anchor_is_its_element_s_own_box_s():
    """`layout_fixes.applied` holds the adjustment; `anchor` (which `page_numbers` finds a box's
    anchor by, as it closes a line up) gives the element's own box its id, and no other."""
    with layout_fixes.applied():
        document = weasyprint.HTML(string=HTML).render()
    own = next(box for box in document.pages[0]._page_box.descendants()
               if isinstance(box, boxes.InlineBox) and box.element.get("id") == "m.0")
    assert id_anchors.anchor(own) == "m.0"
    text = next(box for box in own.descendants() if isinstance(box, boxes.TextBox))
    assert id_anchors.anchor(text) is None  # an anonymous box: not the element's own

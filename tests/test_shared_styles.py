"""write/shared_styles.py: the computed styles of a process's documents shared, their layouts and
PDFs those of WeasyPrint alone."""

from __future__ import annotations

import pytest
import weasyprint

from edition.write import cycles, shared_styles, stylesheets

STYLE = "<style>@page { size: 300px 200px; margin: 20px } p { font-size: 12px } .b { font-weight: bold }" \
        "a.ref::after { content: ' p. ' target-counter(attr(href url), page) }</style>"
HTML = STYLE + "<p lang='en'>One <em>word</em> and <span class='b'>two</span>.</p>" \
    "<p style='color: red'>Red, <em>this</em>.</p><p><a class='ref' href='#x'>See</a></p>" \
    "<p style='break-before: page'><a name='x'>There</a>, on a second page.</p>"


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(stylesheets, "_kept", {})
    monkeypatch.setattr(shared_styles, "_shared", {})
    monkeypatch.setattr(shared_styles, "_fonts", [])


def styles(document) -> dict:
    """Each box's style, by its element's text and tag (the same in two documents of the HTML)."""
    return {(box.element.tag, box.element.text, type(box).__name__): box.style
            for page in document.pages for box in page._page_box.descendants()
            if box.element is not None and box.element.tag in ("p", "em", "span", "a")}


def render(html: str, font_config):
    return weasyprint.HTML(string=html, base_url="/book/book.html").render(font_config=font_config)


def test_a_second_document_takes_the_first_ones_styles_and_is_laid_out_and_written_the_same(fresh, monkeypatch):
    """The styles of elements with the same parent style, style attributes and rules (from the same
    stylesheets, parsed once) are the first document's, each property computed once; an element
    with another style attribute, and those inside it, get their own.  The layouts and PDFs are
    WeasyPrint's own (the reference across pages included: the anchor of a style made for the
    first document is the second one's too)."""
    from weasyprint import css
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    plain = render(HTML, fonts).write_pdf()
    computed, made = css.StyleFor.set_computed_styles, []
    monkeypatch.setattr(css.StyleFor, "set_computed_styles",
                        lambda self, element, *args, **kwargs: made.append((getattr(element, "tag", "@page"), kwargs.get("pseudo_type")))
                        or computed(self, element, *args, **kwargs))
    with shared_styles.applied(), stylesheets.parsed_once():
        first = render(HTML, fonts)
        made = [call for call in made if call[0] != "@page"]  # the pages' styles are each document's own
        elements = sum(1 for _, pseudo in made if pseudo is None)
        made.clear()
        second = render(HTML, fonts)
        assert [call for call in made if call[0] != "@page"] == []  # nor any of a pseudo-element
        made.clear()
        other = render(HTML.replace("color: red", "color: blue"), fonts)
        # the paragraph with another style attribute, its emphasis, and their pseudo-elements
        assert {tag for tag, _ in made if tag != "@page"} == {"p", "em"}
        assert sorted(str(pseudo) for tag, pseudo in made if tag == "p") == sorted(str(pseudo) for tag, pseudo in made if tag == "em")
    assert elements > 8
    mine, again, others = styles(first), styles(second), styles(other)
    assert all(again[key] is style for key, style in mine.items() if key[0] != "a")
    assert others[("p", "Red, ", "BlockBox")] is not mine[("p", "Red, ", "BlockBox")]
    assert others[("p", "One ", "BlockBox")] is mine[("p", "One ", "BlockBox")]
    assert "p. 2" in "".join(box.text for box in second.pages[0]._page_box.descendants() if hasattr(box, "text"))
    assert first.write_pdf() == second.write_pdf() == plain


def test_elements_with_the_same_language_and_other_style_attributes_keep_their_own_styles(fresh):
    """An element's own declarations are all in its key, compared by their text: two paragraphs in
    the same language, one red and one blue, are not given one style (WeasyPrint keyed them by
    their last declaration alone, the language's)."""
    from weasyprint.text.fonts import FontConfiguration

    html = STYLE + "<p lang='en' style='color: red'>Red.</p><p lang='en' style='color: blue'>Blue.</p>"
    with shared_styles.applied(), stylesheets.parsed_once():
        document = render(html, FontConfiguration())
    found = {box.element.text: box.style["color"] for box in document.pages[0]._page_box.descendants()
             if box.element is not None and box.element.tag == "p" and type(box).__name__ == "BlockBox"}
    assert found["Red."] != found["Blue."]


def test_a_layout_freed_leaves_the_styles_other_documents_share_whole(fresh):
    """cycles.broken, freeing the first layout, unlinks none of the styles the second shares (an
    anonymous box's style is its own specified style, and its parent's keeps it)."""
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    with shared_styles.applied(), stylesheets.parsed_once():
        first, second = render(HTML, fonts), render(HTML, fonts)
    pages = [(page._page_box, page._page_box.children, page._page_box.children[0].children) for page in first.pages]
    cyclic = [box.style for page in second.pages for box in page._page_box.descendants()
              if "anonymous_style" in box.style.__dict__ or box.style.__dict__.get("specified") is box.style]
    assert cyclic
    cycles.broken(pages)
    assert all("anonymous_style" in style.__dict__ or style.__dict__.get("specified") is style for style in cyclic)
    assert second.write_pdf() == render(HTML, fonts).write_pdf()
